/* SPDX-License-Identifier: MIT */
/* Byte-level helpers and constants of the model file format
 * (docs/model-format.md), shared by tmlp_save.c and tmlp_load.c. */
#ifndef TMLP_FORMAT_H
#define TMLP_FORMAT_H

#include <stdint.h>
#include <string.h>

#include "tinymlp.h"
#include "tmlp_internal.h" /* TMLP_I_NOINLINE */

#define TMLP_F_HEADER_BYTES 32u
#define TMLP_F_LAYER_BYTES 12u
#define TMLP_F_OPTIM_BYTES 44u
#define TMLP_F_CHUNK 64u /* bytes per write: the stack this costs */
/* Bytes per read when loading: the largest single read (the optimizer
 * block, 44 bytes) rounded up to a multiple of 4, so every float read stays
 * whole; smaller than TMLP_F_CHUNK to keep the checkpoint scan under 512 B
 * of stack on Cortex-M0+. */
#define TMLP_F_RCHUNK 48u
#define TMLP_F_FLAG_SCALE 1u
#define TMLP_F_FLAG_OPTIM 2u
/* A partial file (version 2): the frozen layers' parameters are left out;
 * header byte 15 counts those layers, bytes 24..27 hold their CRC-32. */
#define TMLP_F_FLAG_PARTIAL 4u
/* The version a full file is written with: a full file has not changed
 * since version 1, so readers of version 1 still load it. */
#define TMLP_F_VERSION_FULL 1u
/* The version that introduced partial files, and the one they carry. */
#define TMLP_F_VERSION_PARTIAL 2u
#define TMLP_F_MAGIC "TMLP"
/* The same 4 bytes read as a little-endian word (tmlp_i_get_u32). */
#define TMLP_F_MAGIC_U32 0x504C4D54u

/* A model file being verified or loaded: its shape and info, where each
 * section starts, and the one TMLP_F_RCHUNK buffer every stage of the
 * verification and of the load reads through (stack: docs/quality.md). */
typedef struct {
    tmlp_desc_t desc;
    tmlp_model_info_t info;
    uint32_t slots;
    uint32_t off_scale, off_params, off_optim, off_state, off_crc;
    uint8_t buf[TMLP_F_RCHUNK];
} tmlp_i_model_scratch_t;

/* tmlp_model_peek into p (p->desc and p->info hold the result). */
tmlp_status_t tmlp_i_model_verify(tmlp_pread_fn read, void *ctx, size_t len,
                                  tmlp_i_model_scratch_t *p);
/* tmlp_model_save_stream through the caller's buffer unit[0..unit_bytes):
 * write gets unit itself, filled to unit_bytes each time but the last, and
 * the file's CRC (its last 4 bytes) is in the data, not a separate call;
 * *crc gets it. For the checkpoints' program units. */
tmlp_status_t tmlp_i_model_save_units(const tmlp_net_t *net, uint32_t what, uint8_t *unit,
                                      size_t unit_bytes, tmlp_write_fn write, void *ctx,
                                      uint32_t *crc);

/* tmlp_crc32 without the argument checks: CRC-32 continued from crc over
 * data[0..len) (data may be NULL when len is 0). */
uint32_t tmlp_i_crc32(uint32_t crc, const void *data, size_t len);

/* CRC-32 (as tmlp_crc32) continued from crc over f[0..n), each float as
 * its 4 little-endian IEEE-754 bytes: the weights-hash of tmlp_net_crc32,
 * and a partial file's base CRC over the frozen layers' parameters. */
uint32_t tmlp_i_crc32_floats(uint32_t crc, const float *f, size_t n);

/* A file in memory, for the *_buf functions. */
typedef struct {
    uint8_t *p;
    size_t cap, len;
} tmlp_i_membuf_t;

static inline void tmlp_i_put_u16(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static inline void tmlp_i_put_u32(uint8_t *p, uint32_t v)
{
    tmlp_i_put_u16(p, v);
    tmlp_i_put_u16(p + 2, v >> 16);
}

static inline uint32_t tmlp_i_get_u16(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8);
}

static inline uint32_t tmlp_i_get_u32(const uint8_t *p)
{
    return tmlp_i_get_u16(p) | (tmlp_i_get_u16(p + 2) << 16);
}

#endif
