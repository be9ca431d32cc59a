/* SPDX-License-Identifier: MIT */
/* The test image for the ATmega328P (Arduino Uno) under simavr: stdout on
 * USART0, one suite (-DTMLP_AVR_SUITE=suite_<name>) of those that fit
 * 2 KB of RAM and 32 KB of flash (tests/test_small.c), then one
 * line with the measured RAM use and a sleep with interrupts off, which
 * makes simavr stop. simavr does not pass on a status: avr.mk reads the
 * "N passed, M failed" line.
 *   avr harness: stack <B> B, static <B> B, free <B> B, RAM <B> B
 * stack is the high-water mark of the stack (the RAM below it was painted
 * before the suite ran), static is .data + .bss, free is what was never
 * touched. Test harness only; not part of the library or the port. */
#include <avr/io.h>
#include <avr/pgmspace.h>
#include <avr/sleep.h>
#include <avr/interrupt.h>
#include <stdint.h>
#include <stdio.h>

#include "suites.h"
#include "tmlp_test.h"

#ifndef TMLP_AVR_SUITE
#error "define TMLP_AVR_SUITE=suite_<name>"
#endif

#define PAINT 0xC5u

extern uint8_t __data_start, __bss_end; /* avr-libc's linker script */

int main(void);

static int uart_putc(char c, FILE *stream)
{
    (void)stream;
    while (!(UCSR0A & (1u << UDRE0))) {
    }
    UDR0 = (uint8_t)c;
    return 0;
}

static FILE uart_out = FDEV_SETUP_STREAM(uart_putc, NULL, _FDEV_SETUP_WRITE);

/* Paints from the end of .bss up to just below this frame. */
static __attribute__((noinline)) void paint(void)
{
    uint8_t *p = &__bss_end;
    uint8_t *sp = (uint8_t *)SP;
    while (p < sp - 8) {
        *p++ = PAINT;
    }
}

static void report_memory(void)
{
    const uint8_t *p = &__bss_end;
    while (p <= (const uint8_t *)RAMEND && *p == PAINT) {
        p++;
    }
    printf_P(PSTR("avr harness: stack %u B, static %u B, free %u B, RAM %u B\n"),
           (unsigned)((const uint8_t *)RAMEND + 1 - p),
           (unsigned)(&__bss_end - &__data_start),
           (unsigned)(p - &__bss_end),
           (unsigned)(RAMEND + 1 - RAMSTART));
}

int main(void)
{
    int failed;
    UCSR0B = (uint8_t)(1u << TXEN0);
    stdout = &uart_out;
    paint();
    TMLP_AVR_SUITE();
    failed = tmlp_test_report();
    report_memory();
    (void)failed;
    cli();
    sleep_enable();
    sleep_cpu();
    for (;;) {
    }
}
