/* SPDX-License-Identifier: MIT */
/* The libFuzzer entry point, declared for -Wmissing-prototypes; defined by
 * each fuzz_*.c and called by libFuzzer or by replay_main.c. A target
 * returns 0 and calls abort() when a property it checks does not hold. */
#ifndef TMLP_FUZZ_H
#define TMLP_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
