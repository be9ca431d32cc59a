/* SPDX-License-Identifier: MIT */
/* The order in which an epoch visits the samples.
 *
 * Without an index buffer the order is a random bijection of [0, n) that
 * needs O(1) memory, so a device can shuffle 100k samples it streams from
 * flash: f(x) = g(g(x)) with g(x) = ((x * mul + add) mod 2^k) ^ (that >>
 * shift), a bijection of [0, 2^k) (an odd multiplier, an addition and a
 * right xor-shift are each invertible modulo 2^k), where 2^k is the smallest
 * power of two >= n. Sample i of the epoch is found by cycle-walking: apply f
 * from i until the value is below n; since 2^k < 2n this takes fewer than 2
 * applications on average, and it is a bijection of [0, n). Fresh mul, add
 * and shift come from the trainer's generator every epoch.
 *
 * With the caller's index buffer the order is a Fisher-Yates shuffle of it
 * (uniform over all n! orders). */
#include "tmlp_internal.h"


/* See tmlp_internal.h. */
void tmlp_i_order_new_epoch(tmlp_trainer_t *tr)
{
    uint32_t n = tr->data->n, bits = 0, i;
    if (!tr->cfg.shuffle) {
        return;
    }
    if (tr->cfg.index_buf != NULL) {
        for (i = n - 1u; i > 0u; i--) {
            /* Unbiased enough: (u * (i + 1)) >> 32 maps 2^32 values onto
             * i + 1 buckets whose sizes differ by at most one. */
            uint32_t j = (uint32_t)(((uint64_t)tmlp_i_rng_u32(&tr->rng) * (i + 1u)) >> 32);
            uint32_t t = tr->cfg.index_buf[i];
            tr->cfg.index_buf[i] = tr->cfg.index_buf[j];
            tr->cfg.index_buf[j] = t;
        }
        return;
    }
    while (bits < 32u && (1u << bits) < n) {
        bits++;
    }
    tr->perm_mask = bits >= 32u ? 0xffffffffu : (1u << bits) - 1u;
    tr->perm_mul = (tmlp_i_rng_u32(&tr->rng) | 1u) & tr->perm_mask;
    tr->perm_add = tmlp_i_rng_u32(&tr->rng) & tr->perm_mask;
    /* A shift of at least half the width mixes high bits into low ones;
     * 0 (no xor-shift) for widths below 2 bits. */
    tr->perm_shift = bits >= 2u ? (bits + 1u) / 2u : 0u;
}

static uint32_t g(const tmlp_trainer_t *tr, uint32_t x)
{
    x = (x * tr->perm_mul + tr->perm_add) & tr->perm_mask;
    if (tr->perm_shift != 0u) {
        x ^= x >> tr->perm_shift;
    }
    return x;
}

/* See tmlp_internal.h. */
uint32_t tmlp_i_order_index(const tmlp_trainer_t *tr, uint32_t i)
{
    uint32_t x = i;
    if (!tr->cfg.shuffle) {
        return i;
    }
    if (tr->cfg.index_buf != NULL) {
        return tr->cfg.index_buf[i];
    }
    do {
        x = g(tr, g(tr, x));
    } while (x >= tr->data->n);
    return x;
}

/* See tinymlp.h. */
tmlp_status_t tmlp_train_order(const tmlp_trainer_t *tr, uint32_t i, uint32_t *index)
{
    if (tr == NULL || index == NULL || tr->data == NULL || i >= tr->data->n) {
        return TMLP_ERR_ARG;
    }
    *index = tmlp_i_order_index(tr, i);
    return TMLP_OK;
}
