/* SPDX-License-Identifier: MIT */
/* Learning-rate schedules (per epoch). */
#include "tmlp_internal.h"

#define TMLP_PI 3.14159265f

/* See tmlp_internal.h. */
tmlp_status_t tmlp_i_sched_check(const tmlp_sched_t *s)
{
    const float f[] = {s->gamma, s->lr_min};
    if (s->kind > TMLP_SCHED_COSINE || !tmlp_i_all_finite(f, 2) || !(s->lr_min >= 0.0f)) {
        return TMLP_ERR_ARG;
    }
    if ((s->kind == TMLP_SCHED_STEP || s->kind == TMLP_SCHED_EXP) &&
        !(s->gamma > 0.0f && s->gamma <= 1.0f)) {
        return TMLP_ERR_ARG;
    }
    if (s->kind == TMLP_SCHED_INVERSE && !(s->gamma >= 0.0f)) {
        return TMLP_ERR_ARG;
    }
    if ((s->kind == TMLP_SCHED_STEP || s->kind == TMLP_SCHED_COSINE) && s->period == 0u) {
        return TMLP_ERR_ARG;
    }
    return TMLP_OK;
}

/* See tmlp_internal.h. */
float tmlp_i_sched_lr(const tmlp_sched_t *s, float lr0, uint32_t e)
{
    float lr;
    switch (s->kind) {
    case TMLP_SCHED_STEP:
        lr = lr0 * tmlp_i_powif(s->gamma, e / s->period);
        break;
    case TMLP_SCHED_EXP:
        lr = lr0 * tmlp_i_powif(s->gamma, e);
        break;
    case TMLP_SCHED_INVERSE:
        lr = lr0 / (1.0f + s->gamma * (float)e);
        break;
    case TMLP_SCHED_COSINE:
        if (e >= s->period) {
            lr = s->lr_min;
        } else {
            float c = tmlp_i_cosf(TMLP_PI * ((float)e / (float)s->period));
            lr = s->lr_min + (lr0 - s->lr_min) * ((1.0f + c) * 0.5f);
        }
        break;
    default:
        lr = lr0;
        break;
    }
    if (e < s->warmup) {
        lr = lr * ((float)(e + 1u) / (float)(s->warmup + 1u));
    }
    return lr;
}

/* See tinymlp.h. */
tmlp_status_t tmlp_sched_lr(const tmlp_sched_t *sched, float lr0, uint32_t epoch, float *lr)
{
    tmlp_status_t st;
    if (sched == NULL || lr == NULL || !tmlp_i_isfinite(lr0) || !(lr0 > 0.0f)) {
        return TMLP_ERR_ARG;
    }
    st = tmlp_i_sched_check(sched);
    if (st != TMLP_OK) {
        return st;
    }
    *lr = tmlp_i_sched_lr(sched, lr0, epoch);
    return TMLP_OK;
}
