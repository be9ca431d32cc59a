/* SPDX-License-Identifier: MIT */
/* The checkpoint storage: a NOR flash simulated in a RAM array, behind the
 * three callbacks a tmlp_flash_t needs (read, program, erase). On a real
 * board, write the same three over the chip's flash controller and set the
 * geometry to the sectors set aside for checkpoints (docs/checkpoints.md). */
#ifndef RAM_FLASH_H
#define RAM_FLASH_H

#include "tinymlp.h"

#define RAM_FLASH_SECTOR_BYTES 1024u /* erase unit */
#define RAM_FLASH_PROG_BYTES 8u      /* program unit */
#define RAM_FLASH_SECTORS 2u         /* two slots of one sector each */

/* Fills *flash with the callbacks and the geometry: what a board does at
 * every boot. */
void ram_flash_config(tmlp_flash_t *flash);

/* Erases every sector. The array starts zeroed; a new flash chip comes
 * erased. The array is never touched otherwise: it plays the flash that
 * keeps its content across a reset. Errors: as the erase callback's. */
tmlp_status_t ram_flash_erase_all(void);

#endif
