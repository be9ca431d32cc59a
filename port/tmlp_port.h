/* SPDX-License-Identifier: MIT */
/* tinymlp board helpers: optional, for applications. The library itself
 * never calls them (it builds and links from lib/ alone); an application
 * passes them in where it wants them: tmlp_port_entropy() as a seed for
 * tmlp_rng_seed(), tmlp_port_clock as the training loop's clock
 * (tmlp_train_cfg_t.clock) for a time budget.
 *
 * One implementation is linked: port/host/tmlp_port.c (POSIX) or
 * port/cortex-m/tmlp_port.c (any Cortex-M; the DWT cycle counter where the
 * core has one). A new board needs one short file with these functions. */
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

/* tmlp_port_ticks() in the form of tmlp_train_cfg_t.clock (ctx unused). */
uint32_t tmlp_port_clock(void *ctx);

#ifdef __cplusplus
}
#endif

#endif
