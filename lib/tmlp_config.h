/* SPDX-License-Identifier: MIT */
/* tinymlp compile-time options and limits.
 *
 * Everything here has a safe default. Override by defining the macro on the
 * command line, or put the definitions in a file of your own and build with
 * -DTMLP_USER_CONFIG=\"my_tmlp_config.h\" (included first). */
#ifndef TMLP_CONFIG_H
#define TMLP_CONFIG_H

#ifdef TMLP_USER_CONFIG
#include TMLP_USER_CONFIG
#endif

/* Largest number of dense layers in one model (the hidden layers plus the
 * output layer). Each layer costs 12 bytes in tmlp_desc_t and 4 in tmlp_net_t. */
#ifndef TMLP_MAX_LAYERS
#define TMLP_MAX_LAYERS 8
#endif

/* Largest width of the input or of any layer. Widths are stored in 16 bits. */
#ifndef TMLP_MAX_WIDTH
#define TMLP_MAX_WIDTH 4096
#endif

/* Internal invariant checks (TMLP_ASSERT). Off by default: the public entry
 * points check their arguments whether or not this is set. */
/* #define TMLP_DEBUG 1 */

/* Leave out tmlp_status_str()'s and tmlp_stop_str()'s strings to save flash. */
/* #define TMLP_NO_STRINGS 1 */

/* Leave TMLP_NODISCARD (warn_unused_result on every function that returns
 * a status) empty, for code that may drop statuses. */
/* #define TMLP_NO_NODISCARD 1 */

/* Use the portable C dense kernels even where VFP assembly kernels exist
 * (Cortex-M4F/M7/M33); both give the same bits. */
/* #define TMLP_NO_ASM 1 */

#endif
