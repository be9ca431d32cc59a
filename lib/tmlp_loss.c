/* SPDX-License-Identifier: MIT */
/* Losses of one sample: value and gradient with respect to the output
 * layer's pre-activation z. Means over a batch are taken by the caller. */
#include "tmlp_internal.h"

static float target_at(const tmlp_target_t *t, size_t k)
{
    if (t->values != NULL) {
        return t->values[k];
    }
    return (size_t)t->label == k ? 1.0f : 0.0f;
}

/* See tmlp_internal.h. */
tmlp_status_t tmlp_i_loss_check(const tmlp_desc_t *desc, tmlp_loss_t loss,
                                const tmlp_target_t *target)
{
    const tmlp_layer_desc_t *out = &desc->layer[desc->n_layers - 1];
    if ((unsigned)loss > (unsigned)TMLP_LOSS_CE) {
        return TMLP_ERR_ARG;
    }
    if ((loss == TMLP_LOSS_BCE && out->act != TMLP_ACT_SIGMOID) ||
        (loss == TMLP_LOSS_CE && out->act != TMLP_ACT_SOFTMAX)) {
        return TMLP_ERR_STATE;
    }
    if (target->values == NULL) {
        return target->label < out->units ? TMLP_OK : TMLP_ERR_LABEL;
    }
    return tmlp_i_all_finite(target->values, out->units) ? TMLP_OK : TMLP_ERR_NUMERIC;
}

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

/* BCEWithLogits of logit u against t: max(u, 0) - u t + log(1 + exp(-|u|)). */
static float bce_with_logit(float u, float t)
{
    float a = u < 0.0f ? -u : u;
    float pos = u > 0.0f ? u : 0.0f;
    return (pos - u * t) + tmlp_i_logf(1.0f + tmlp_i_expf(-a));
}

/* See tmlp_internal.h. */
float tmlp_i_loss_value(const tmlp_layer_desc_t *out_layer, tmlp_loss_t loss, const float *z,
                        const float *y, const tmlp_target_t *target, size_t n)
{
    float sum = 0.0f, lse, e;
    float lambda = tmlp_i_act_param(out_layer);
    size_t k;
    switch (loss) {
    case TMLP_LOSS_CE:
        lse = log_sum_exp(z, n);
        if (target->values == NULL) {
            return lse - z[target->label];
        }
        for (k = 0; k < n; k++) {
            sum += target->values[k] * (lse - z[k]);
        }
        return sum;
    case TMLP_LOSS_BCE:
        for (k = 0; k < n; k++) {
            sum += bce_with_logit(lambda * z[k], target_at(target, k));
        }
        return sum / (float)n;
    default: /* HALF_SSE, MSE */
        for (k = 0; k < n; k++) {
            e = y[k] - target_at(target, k);
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
    case TMLP_LOSS_CE:
        for (k = 0; k < n; k++) {
            delta[k] = y[k] - target_at(target, k);
        }
        break;
    case TMLP_LOSS_BCE:
        for (k = 0; k < n; k++) {
            delta[k] = (lambda * (y[k] - target_at(target, k))) / (float)n;
        }
        break;
    default: /* dL/dy, then through the output activation */
        for (k = 0; k < n; k++) {
            delta[k] = y[k] - target_at(target, k);
            if (loss == TMLP_LOSS_MSE) {
                delta[k] = (2.0f * delta[k]) / (float)n;
            }
        }
        tmlp_i_act_backward(out_layer->act, lambda, y, delta, n);
        break;
    }
}
