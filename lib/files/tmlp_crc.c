/* SPDX-License-Identifier: MIT */
/* CRC-32 with the zlib polynomial, and the weights-hash built on it. */
#include "tmlp_format.h"
#include "tmlp_internal.h"

/* See tmlp_format.h. Bitwise, no table: 1 KB of flash saved; checksums
 * are not on a hot path. */
uint32_t tmlp_i_crc32(uint32_t crc, const void *data, size_t len)
{
    const uint8_t *p = (const uint8_t *)data;
    size_t i;
    int b;
    crc = ~crc;
    for (i = 0; i < len; i++) {
        crc ^= p[i];
        for (b = 0; b < 8; b++) {
            crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
        }
    }
    return ~crc;
}

/* See tinymlp.h. */
tmlp_status_t tmlp_crc32(uint32_t crc, const void *data, size_t len, uint32_t *out)
{
    if (out == NULL || (data == NULL && len > 0u)) {
        return TMLP_ERR_ARG;
    }
    *out = tmlp_i_crc32(crc, data, len);
    return TMLP_OK;
}

/* See tmlp_format.h. */
uint32_t tmlp_i_crc32_floats(uint32_t crc, const float *f, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++) {
        uint32_t u = tmlp_i_float_bits(f[i]);
        uint8_t le[4];
        le[0] = (uint8_t)u;
        le[1] = (uint8_t)(u >> 8);
        le[2] = (uint8_t)(u >> 16);
        le[3] = (uint8_t)(u >> 24);
        crc = tmlp_i_crc32(crc, le, sizeof le);
    }
    return crc;
}

/* See tinymlp.h. */
tmlp_status_t tmlp_net_crc32(const tmlp_net_t *net, uint32_t *crc)
{
    size_t n_frozen_params;
    tmlp_status_t st = tmlp_i_net_check(net);
    if (st != TMLP_OK) {
        return st;
    }
    if (crc == NULL || net->params == NULL) {
        return TMLP_ERR_ARG;
    }
    /* Canonical order: the frozen layers' parameters, then the trainable
     * ones (which a fine-tuning net keeps elsewhere). */
    n_frozen_params = (size_t)(tmlp_i_trains(net) ? net->n_params - net->n_train : net->n_params);
    *crc = tmlp_i_crc32_floats(tmlp_i_crc32_floats(0, net->params, n_frozen_params),
                               net->train_params, (size_t)net->n_params - n_frozen_params);
    return TMLP_OK;
}
