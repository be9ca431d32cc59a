/* SPDX-License-Identifier: MIT */
/* Learning-rate schedules (per epoch). */
#include "tmlp_internal.h"

#include <float.h>

#define TMLP_PI 3.14159265f

/* See tmlp_internal.h. */
tmlp_status_t tmlp_i_sched_check(const tmlp_sched_t *sched)
{
    const float f[] = {sched->gamma, sched->lr_min};
    if (sched->kind > TMLP_SCHED_COSINE || !tmlp_i_all_finite(f, 2) || !(sched->lr_min >= 0.0f)) {
        return TMLP_ERR_ARG;
    }
    if ((sched->kind == TMLP_SCHED_STEP || sched->kind == TMLP_SCHED_EXP) &&
        !(sched->gamma > 0.0f && sched->gamma <= 1.0f)) {
        return TMLP_ERR_ARG;
    }
    if (sched->kind == TMLP_SCHED_INVERSE && !(sched->gamma >= 0.0f)) {
        return TMLP_ERR_ARG;
    }
    if ((sched->kind == TMLP_SCHED_STEP || sched->kind == TMLP_SCHED_COSINE) && sched->period == 0u) {
        return TMLP_ERR_ARG;
    }
    if (!TMLP_WITH_SCHEDULES && sched->kind != TMLP_SCHED_CONSTANT) {
        return TMLP_ERR_UNSUPPORTED;
    }
    return TMLP_OK;
}

/* See tmlp_internal.h. */
float tmlp_i_sched_lr(const tmlp_sched_t *sched, float lr0, uint32_t epoch)
{
    float lr = lr0;
#if TMLP_WITH_SCHEDULES
    switch (sched->kind) {
    case TMLP_SCHED_STEP:
        lr = lr0 * tmlp_i_powif(sched->gamma, epoch / sched->period);
        break;
    case TMLP_SCHED_EXP:
        lr = lr0 * tmlp_i_powif(sched->gamma, epoch);
        break;
    case TMLP_SCHED_INVERSE:
        lr = lr0 / (1.0f + sched->gamma * (float)epoch);
        break;
    case TMLP_SCHED_COSINE:
        if (epoch >= sched->period) {
            lr = sched->lr_min;
        } else {
            float c = tmlp_i_cosf(TMLP_PI * ((float)epoch / (float)sched->period));
            lr = sched->lr_min + (lr0 - sched->lr_min) * ((1.0f + c) * 0.5f);
        }
        break;
    default:
        break;
    }
#endif
    if (epoch < sched->warmup) {
        lr = lr * ((float)(epoch + 1u) / (float)(sched->warmup + 1u));
    }
    /* An optimizer's rate is positive (tmlp_optim_t); a schedule that
     * reaches 0 (cosine to lr_min 0, or an exponential decay that
     * underflows) gives the smallest normal float instead. */
    return lr > FLT_MIN ? lr : FLT_MIN;
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
