/* SPDX-License-Identifier: MIT */
/* Losses of one sample: value and gradient with respect to the output
 * layer's pre-activation z. Means over a batch are taken by the caller. */
#include "tmlp_internal.h"

/* Target k of n: the vector's entry, or the label one-hot; with a single
 * output the label (0 or 1) is the target value itself. */
static float target_at(const tmlp_target_t *t, size_t k, size_t n)
{
    if (t->values != NULL) {
        return t->values[k];
    }
    if (n == 1u) {
        return t->label != 0u ? 1.0f : 0.0f;
    }
    return (size_t)t->label == k ? 1.0f : 0.0f;
}

/* See tmlp_internal.h. */
tmlp_status_t tmlp_i_loss_check(const tmlp_desc_t *desc, tmlp_loss_t loss,
                                const tmlp_target_t *target)
{
    const tmlp_layer_desc_t *out = &desc->layer[desc->n_layers - 1];
    size_t k;
    if ((unsigned)loss > (unsigned)TMLP_LOSS_CE) {
        return TMLP_ERR_ARG;
    }
    /* Each cross-entropy comes with its activation (tmlp_config.h). */
    if ((loss == TMLP_LOSS_BCE && !TMLP_WITH_SIGMOID) || (loss == TMLP_LOSS_CE && !TMLP_WITH_SOFTMAX)) {
        return TMLP_ERR_UNSUPPORTED;
    }
    if ((loss == TMLP_LOSS_BCE && out->act != TMLP_ACT_SIGMOID) ||
        (loss == TMLP_LOSS_CE && out->act != TMLP_ACT_SOFTMAX)) {
        return TMLP_ERR_LOSS;
    }
    if (target->values == NULL) {
        /* One output (not CE): a binary label, 0 or 1, is the target. */
        uint32_t classes = out->units == 1u && loss != TMLP_LOSS_CE ? 2u : out->units;
        return target->label < classes ? TMLP_OK : TMLP_ERR_LABEL;
    }
    if (!tmlp_i_all_finite(target->values, out->units)) {
        return TMLP_ERR_NUMERIC;
    }
    /* BCE takes probabilities, CE non-negative weights: with them every
     * loss is >= 0, which the stopping rules rely on. */
    for (k = 0; k < out->units; k++) {
        float t = target->values[k];
        if ((loss == TMLP_LOSS_BCE && !(t >= 0.0f && t <= 1.0f)) ||
            (loss == TMLP_LOSS_CE && !(t >= 0.0f))) {
            return TMLP_ERR_ARG;
        }
    }
    return TMLP_OK;
}

#if TMLP_WITH_SOFTMAX
/* log(sum_k exp(z_k)) computed as m + log(sum_k exp(z_k - m)), m = max z. */
static float log_sum_exp(const float *z, size_t n)
{
    float m = z[0], sum = 0.0f;
    size_t k;
    for (k = 1; k < n; k++) {
        m = z[k] > m ? z[k] : m;
    }
    for (k = 0; k < n; k++) {
        sum += tmlp_i_expf(z[k] - m);
    }
    return m + tmlp_i_logf(sum);
}
#endif

#if TMLP_WITH_SIGMOID
/* BCEWithLogits of logit u against t: max(u, 0) - u t + log(1 + exp(-|u|)). */
static float bce_with_logit(float u, float t)
{
    float a = u < 0.0f ? -u : u;
    float pos = u > 0.0f ? u : 0.0f;
    return (pos - u * t) + tmlp_i_logf(1.0f + tmlp_i_expf(-a));
}
#endif

/* See tmlp_internal.h. */
float tmlp_i_loss_value(const tmlp_layer_desc_t *out_layer, tmlp_loss_t loss, const float *z,
                        const float *y, const tmlp_target_t *target, size_t n)
{
    float sum = 0.0f, e;
    size_t k;
    (void)z; /* in builds without the cross-entropies (tmlp_config.h) */
    (void)out_layer;
    switch (loss) {
#if TMLP_WITH_SOFTMAX
    case TMLP_LOSS_CE: {
        float lse = log_sum_exp(z, n);
        if (target->values == NULL) {
            return lse - z[target->label];
        }
        for (k = 0; k < n; k++) {
            sum += target->values[k] * (lse - z[k]);
        }
        return sum;
    }
#endif
#if TMLP_WITH_SIGMOID
    case TMLP_LOSS_BCE: {
        float lambda = tmlp_i_act_param(out_layer);
        for (k = 0; k < n; k++) {
            sum += bce_with_logit(lambda * z[k], target_at(target, k, n));
        }
        return sum / (float)n;
    }
#endif
    default: /* HALF_SSE, MSE */
        for (k = 0; k < n; k++) {
            e = y[k] - target_at(target, k, n);
            sum += e * e;
        }
        return loss == TMLP_LOSS_MSE ? sum / (float)n : 0.5f * sum;
    }
}

/* See tmlp_internal.h. */
void tmlp_i_loss_delta(const tmlp_layer_desc_t *out_layer, tmlp_loss_t loss, const float *y,
                       const tmlp_target_t *target, float *delta, size_t n)
{
    float lambda = tmlp_i_act_param(out_layer);
    size_t k;
    switch (loss) {
#if TMLP_WITH_SOFTMAX
    case TMLP_LOSS_CE: {
        /* d/dz of sum_k t_k (lse - z_k) is y sum(t) - t: y - t for a label
         * or a probability vector (sum(t) = 1 exactly, so y * 1 = y). */
        float sum = 0.0f;
        for (k = 0; k < n; k++) {
            sum += target_at(target, k, n);
        }
        for (k = 0; k < n; k++) {
            delta[k] = y[k] * sum - target_at(target, k, n);
        }
        break;
    }
#endif
#if TMLP_WITH_SIGMOID
    case TMLP_LOSS_BCE:
        for (k = 0; k < n; k++) {
            delta[k] = (lambda * (y[k] - target_at(target, k, n))) / (float)n;
        }
        break;
#endif
    default: /* dL/dy, then through the output activation */
        for (k = 0; k < n; k++) {
            delta[k] = y[k] - target_at(target, k, n);
            if (loss == TMLP_LOSS_MSE) {
                delta[k] = (2.0f * delta[k]) / (float)n;
            }
        }
        tmlp_i_act_backward(out_layer->act, lambda, y, delta, n);
        break;
    }
}
