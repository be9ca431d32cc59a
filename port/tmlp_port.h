/* SPDX-License-Identifier: MIT */
/* tinymlp port layer: the few functions a board provides.
 *
 * Exactly one implementation is linked: port/host/tmlp_port.c (POSIX) or
 * port/cortex-m/tmlp_port.c (any Cortex-M). A new board needs one short file
 * that defines these four functions. The library calls them only where the
 * caller asks for it (seeding from entropy, the training loop's time budget);
 * every such place also accepts a caller-supplied function instead, so tests
 * can substitute a fake clock. */
#ifndef TMLP_PORT_H
#define TMLP_PORT_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Prepares the clock (e.g. enables the cycle counter). Idempotent; call once
 * before the other functions. */
void tmlp_port_init(void);

/* 32 bits of seed material; not cryptographic. May return the same value on
 * every call on a board without an entropy source. */
uint32_t tmlp_port_entropy(void);

/* Free-running monotonic tick count. Wraps modulo 2^32: use only differences
 * of two readings, computed in uint32_t. */
uint32_t tmlp_port_ticks(void);

/* Ticks per second; constant after tmlp_port_init(). */
uint32_t tmlp_port_ticks_per_sec(void);

#ifdef __cplusplus
}
#endif

#endif
