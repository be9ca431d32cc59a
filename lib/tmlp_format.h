/* SPDX-License-Identifier: MIT */
/* Byte-level helpers and constants of the model file format
 * (docs/model-format.md), shared by tmlp_save.c and tmlp_load.c. */
#ifndef TMLP_FORMAT_H
#define TMLP_FORMAT_H

#include <stdint.h>
#include <string.h>

#define TMLP_F_HEADER_BYTES 32u
#define TMLP_F_LAYER_BYTES 12u
#define TMLP_F_OPTIM_BYTES 44u
#define TMLP_F_CHUNK 64u /* bytes per read or write: the stack this costs */
#define TMLP_F_FLAG_SCALE 1u
#define TMLP_F_FLAG_OPTIM 2u
#define TMLP_F_MAGIC "TMLP"

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
