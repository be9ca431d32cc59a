/* SPDX-License-Identifier: MIT */
/* Text output and exit through Arm semihosting: the debugger (or QEMU with
 * -semihosting-config enable=on) prints the text and ends the run. Without
 * a debugger attached a semihosting call stops the core, so on a real board
 * replace these three functions with a UART driver and a loop. */
#ifndef SEMIHOSTING_H
#define SEMIHOSTING_H

#include <stdint.h>

/* Prints a NUL-terminated string. */
void sh_print(const char *text);
/* Prints v in decimal. */
void sh_print_uint(uint32_t v);
/* Ends the run: QEMU exits with `code` as its exit status. */
void sh_exit(int code) __attribute__((noreturn));

#endif
