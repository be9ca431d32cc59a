/* SPDX-License-Identifier: MIT */
/* Activations and their derivatives. Derivatives are computed from the
 * activation's output y, so training keeps one buffer per layer, not two:
 * sigmoid' = lambda y (1 - y), tanh' = 1 - y^2, and for (leaky) ReLU the
 * sign of y is the sign of z (at z = 0 the derivative is taken as 0 for ReLU
 * and as the slope for leaky ReLU, as PyTorch does). */
#include "tmlp_internal.h"

/* Each activation beyond identity and ReLU is compiled only when
 * tmlp_config.h keeps it (tmlp_desc_check refuses the others). */
#if TMLP_WITH_SIGMOID
static float sigmoid(float z, float lambda)
{
    return 1.0f / (1.0f + tmlp_i_expf(-(lambda * z)));
}
#endif

#if TMLP_WITH_SOFTMAX
static void softmax(const float *z, float *y, size_t n)
{
    float m = z[0], sum = 0.0f;
    size_t k;
    for (k = 1; k < n; k++) {
        m = z[k] > m ? z[k] : m;
    }
    /* Max-subtracted: exp never overflows and the largest term is 1. */
    for (k = 0; k < n; k++) {
        y[k] = tmlp_i_expf(z[k] - m);
        sum += y[k];
    }
    for (k = 0; k < n; k++) {
        y[k] = y[k] / sum;
    }
}
#endif

/* See tmlp_internal.h. */
void tmlp_i_act_forward(uint8_t act, float param, const float *z, float *y, size_t n)
{
    size_t k;
    (void)param; /* unused in builds with neither sigmoid nor leaky ReLU */
    switch (act) {
#if TMLP_WITH_SIGMOID
    case TMLP_ACT_SIGMOID:
#if TMLP_KERNEL_VEC
        /* 8 units at a time, the same bits as sigmoid() (tmlp_fmath_vec.c) */
        k = tmlp_i_sigmoidf8(param, z, y, n);
#else
        k = 0;
#endif
        for (; k < n; k++) {
            y[k] = sigmoid(z[k], param);
        }
        break;
#endif
#if TMLP_WITH_TANH
    case TMLP_ACT_TANH:
#if TMLP_KERNEL_VEC
        k = tmlp_i_tanhf8(z, y, n);
#else
        k = 0;
#endif
        for (; k < n; k++) {
            y[k] = tmlp_i_tanhf(z[k]);
        }
        break;
#endif
    case TMLP_ACT_RELU:
        for (k = 0; k < n; k++) {
            y[k] = z[k] > 0.0f ? z[k] : 0.0f;
        }
        break;
#if TMLP_WITH_LEAKY_RELU
    case TMLP_ACT_LEAKY_RELU:
        for (k = 0; k < n; k++) {
            y[k] = z[k] > 0.0f ? z[k] : param * z[k];
        }
        break;
#endif
#if TMLP_WITH_SOFTMAX
    case TMLP_ACT_SOFTMAX:
        softmax(z, y, n);
        break;
#endif
    default: /* identity */
        for (k = 0; k < n; k++) {
            y[k] = z[k];
        }
        break;
    }
}

/* See tmlp_internal.h. */
void tmlp_i_act_backward(uint8_t act, float param, const float *y, float *d, size_t n)
{
    size_t k;
    (void)param;
    switch (act) {
#if TMLP_WITH_SIGMOID
    case TMLP_ACT_SIGMOID:
        for (k = 0; k < n; k++) {
            d[k] *= param * (y[k] * (1.0f - y[k]));
        }
        break;
#endif
#if TMLP_WITH_TANH
    case TMLP_ACT_TANH:
        for (k = 0; k < n; k++) {
            d[k] *= 1.0f - y[k] * y[k];
        }
        break;
#endif
    case TMLP_ACT_RELU:
        for (k = 0; k < n; k++) {
            d[k] = y[k] > 0.0f ? d[k] : 0.0f;
        }
        break;
#if TMLP_WITH_LEAKY_RELU
    case TMLP_ACT_LEAKY_RELU:
        for (k = 0; k < n; k++) {
            d[k] = y[k] > 0.0f ? d[k] : param * d[k];
        }
        break;
#endif
#if TMLP_WITH_SOFTMAX
    case TMLP_ACT_SOFTMAX: {
        float dy = 0.0f;
        for (k = 0; k < n; k++) {
            dy += d[k] * y[k];
        }
        for (k = 0; k < n; k++) {
            d[k] = y[k] * (d[k] - dy);
        }
        break;
    }
#endif
    default: /* identity: derivative 1 */
        break;
    }
}
