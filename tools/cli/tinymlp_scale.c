/* SPDX-License-Identifier: MIT */
/* tinymlp tool: input scaling for train --scale: the fits, and the check
 * that warns when features are too large to train unscaled. */
#define _POSIX_C_SOURCE 200809L

#include <math.h>

#include "tinymlp_train.h"

void train_fit_scale(int kind, const float *X, uint32_t n, uint32_t n_in, float *offset,
                     float *scale)
{
    uint32_t i, j;
    for (j = 0; j < n_in; j++) {
        double lo = (double)X[j], hi = (double)X[j], sum = 0.0, mean, var = 0.0, range;
        for (i = 0; i < n; i++) {
            double v = (double)X[(size_t)i * n_in + j];
            lo = v < lo ? v : lo;
            hi = v > hi ? v : hi;
            sum += v;
        }
        mean = sum / (double)n;
        for (i = 0; i < n; i++) {
            double d = (double)X[(size_t)i * n_in + j] - mean;
            var += d * d;
        }
        var /= (double)n; /* population variance */
        range = hi - lo;
        if (kind == SCALE_MINMAX) {
            offset[j] = (float)lo;
            scale[j] = range > 0.0 && isfinite(1.0 / range) ? (float)(1.0 / range) : 1.0f;
        } else {
            offset[j] = (float)mean;
            scale[j] = var > 0.0 && isfinite(1.0 / sqrt(var)) ? (float)(1.0 / sqrt(var)) : 1.0f;
        }
        if (!isfinite(scale[j]) || scale[j] == 0.0f) {
            scale[j] = 1.0f;
        }
    }
}

void train_scale_warning(const char *path, const float *X, uint32_t n, uint32_t n_in)
{
    uint32_t i, j, worst = 0;
    double worst_rms = 0.0;
    for (j = 0; j < n_in; j++) {
        double sum_sq = 0.0, rms;
        for (i = 0; i < n; i++) {
            double v = (double)X[(size_t)i * n_in + j];
            sum_sq += v * v;
        }
        rms = n > 0u ? sqrt(sum_sq / (double)n) : 0.0;
        if (rms > worst_rms) {
            worst_rms = rms;
            worst = j;
        }
    }
    if (worst_rms > UNSCALED_RMS_LIMIT) {
        tool_err("warning: %s: column %u has root mean square %.4g (above %g): too large to "
                 "train unscaled; use --scale standard or --scale minmax",
                 path, (unsigned)worst + 1u, worst_rms, UNSCALED_RMS_LIMIT);
    }
}
