/* SPDX-License-Identifier: MIT */
/* Finite-difference check of back-propagated gradients: each parameter's
 * analytic derivative against the central difference (L(w+h) - L(w-h)) / 2h. */
#include "tmlp_internal.h"

static float loss_at(tmlp_net_t *net, const float *x, tmlp_loss_t loss, const tmlp_target_t *t)
{
    float v;
    if (tmlp_net_forward(net, x, NULL) != TMLP_OK ||
        tmlp_net_loss(net, loss, t, &v) != TMLP_OK) {
        return tmlp_i_bits_float(0x7fc00000u); /* NaN: reported as TMLP_ERR_NUMERIC */
    }
    return v;
}

/* See tinymlp.h. */
tmlp_status_t tmlp_net_gradcheck(tmlp_net_t *net, const float *x, tmlp_loss_t loss,
                                 const tmlp_target_t *target, float h, float *max_error)
{
    float worst = 0.0f;
    size_t i;
    tmlp_status_t st = tmlp_i_net_check(net);
    if (st != TMLP_OK) {
        return st;
    }
    if (x == NULL || target == NULL || max_error == NULL ||
        !tmlp_i_isfinite(h) || !(h > 0.0f)) {
        return TMLP_ERR_ARG;
    }
    st = tmlp_i_grad_check(net);
    if (st != TMLP_OK) {
        return st;
    }
    if (net->batch_count != 0u) {
        return TMLP_ERR_STATE;
    }
    /* Everything the arguments alone can tell, before the net is touched. */
    st = tmlp_i_loss_check(&net->desc, loss, target);
    if (st != TMLP_OK) {
        return st;
    }
    if (!tmlp_i_all_finite(x, net->desc.n_in)) {
        return TMLP_ERR_NUMERIC;
    }
    st = tmlp_net_forward(net, x, NULL);
    if (st == TMLP_OK) {
        st = tmlp_net_backward(net, loss, target, NULL);
    }
    for (i = 0; st == TMLP_OK && i < net->n_train; i++) {
        float *w = net->train_params;
        float w0 = w[i], wp = w0 + h, wm = w0 - h, lp, lm, num, ana, err, scale;
        w[i] = wp;
        lp = loss_at(net, x, loss, target);
        w[i] = wm;
        lm = loss_at(net, x, loss, target);
        w[i] = w0;
        /* Divide by the step actually taken, not 2h: w0 +- h rounds. */
        num = (lp - lm) / (wp - wm);
        ana = net->grad[i];
        if (!tmlp_i_isfinite(num)) {
            st = TMLP_ERR_NUMERIC;
            break;
        }
        err = ana - num < 0.0f ? num - ana : ana - num;
        scale = 1.0f;
        scale = ana > scale ? ana : (-ana > scale ? -ana : scale);
        scale = num > scale ? num : (-num > scale ? -num : scale);
        err = err / scale;
        worst = err > worst ? err : worst;
    }
    tmlp_i_zero_grad(net);
    net->backward_ready = 0;
    if (st == TMLP_OK) {
        *max_error = worst;
    }
    return st;
}
