/* SPDX-License-Identifier: MIT */
/* The library's random numbers: xoshiro128** (Blackman and Vigna), 32-bit
 * arithmetic only, so it is as cheap on a Cortex-M0 as on a PC. The state
 * lives in the caller's tmlp_rng_t. */
#include "tmlp_internal.h"

static uint32_t rotl(uint32_t x, unsigned k)
{
    return (x << k) | (x >> (32u - k));
}

static uint32_t next(tmlp_rng_t *r)
{
    uint32_t *s = r->s;
    uint32_t result = rotl(s[1] * 5u, 7u) * 9u;
    uint32_t t = s[1] << 9;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11u);
    return result;
}

/* splitmix32-style mixer (constants from the murmur3 finaliser) spreads a
 * small seed over the 128-bit state; xoshiro's state must not be all zero,
 * which four outputs of a bijective mixer on distinct inputs can not be. */
static uint32_t mix(uint32_t *x)
{
    uint32_t z = (*x += 0x9e3779b9u);
    z = (z ^ (z >> 16)) * 0x85ebca6bu;
    z = (z ^ (z >> 13)) * 0xc2b2ae35u;
    return z ^ (z >> 16);
}

/* See tmlp_internal.h. */
void tmlp_i_rng_seed(tmlp_rng_t *rng, uint32_t seed)
{
    int k;
    for (k = 0; k < 4; k++) {
        rng->s[k] = mix(&seed);
    }
}

/* See tinymlp.h. */
tmlp_status_t tmlp_rng_seed(tmlp_rng_t *rng, uint32_t seed)
{
    if (rng == NULL) {
        return TMLP_ERR_ARG;
    }
    tmlp_i_rng_seed(rng, seed);
    return TMLP_OK;
}

/* See tmlp_internal.h. */
uint32_t tmlp_i_rng_u32(tmlp_rng_t *rng)
{
    return next(rng);
}

/* See tinymlp.h. */
tmlp_status_t tmlp_rng_u32(tmlp_rng_t *rng, uint32_t *out)
{
    if (rng == NULL || out == NULL) {
        return TMLP_ERR_ARG;
    }
    *out = next(rng);
    return TMLP_OK;
}

/* See tmlp_internal.h. */
float tmlp_i_rng_uniform(tmlp_rng_t *rng)
{
    /* The top 24 bits: every value is exact in float. */
    return (float)(next(rng) >> 8) * (1.0f / 16777216.0f);
}

/* See tinymlp.h. */
tmlp_status_t tmlp_rng_uniform(tmlp_rng_t *rng, float *out)
{
    if (rng == NULL || out == NULL) {
        return TMLP_ERR_ARG;
    }
    *out = tmlp_i_rng_uniform(rng);
    return TMLP_OK;
}

/* See tmlp_internal.h. */
float tmlp_i_rng_normal(tmlp_rng_t *rng)
{
    float u, v, s;
    /* Marsaglia's polar method: needs log and sqrt, not sin and cos. The
     * second value of each pair is dropped so the state holds no extra
     * field; the loop accepts with probability pi/4 per try. */
    do {
        u = 2.0f * tmlp_i_rng_uniform(rng) - 1.0f;
        v = 2.0f * tmlp_i_rng_uniform(rng) - 1.0f;
        s = u * u + v * v;
    } while (s >= 1.0f || s == 0.0f);
    return u * tmlp_i_sqrtf(-2.0f * tmlp_i_logf(s) / s);
}

/* See tinymlp.h. */
tmlp_status_t tmlp_rng_normal(tmlp_rng_t *rng, float *out)
{
    if (rng == NULL || out == NULL) {
        return TMLP_ERR_ARG;
    }
    *out = tmlp_i_rng_normal(rng);
    return TMLP_OK;
}
