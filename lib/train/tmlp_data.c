/* SPDX-License-Identifier: MIT */
/* Data sources over arrays, evaluation and the random-guess baseline. */
#include "tmlp_internal.h"

#include <string.h>

static tmlp_status_t read_arrays(void *ctx, uint32_t index, float *x, float *y, uint32_t *label)
{
    const tmlp_arrays_t *a = (const tmlp_arrays_t *)ctx;
    memcpy(x, a->X + (size_t)index * a->n_in, (size_t)a->n_in * sizeof(float));
    if (a->Y != NULL) {
        if (y == NULL) {
            return TMLP_ERR_ARG;
        }
        memcpy(y, a->Y + (size_t)index * a->n_out, (size_t)a->n_out * sizeof(float));
    } else if (a->labels != NULL) {
        *label = a->labels[index];
    } else {
        *label = a->labels_u8[index];
    }
    return TMLP_OK;
}

/* See tinymlp.h. */
tmlp_status_t tmlp_data_arrays(tmlp_data_t *data, const tmlp_arrays_t *arrays, uint32_t n)
{
    int n_targets;
    if (data == NULL || arrays == NULL || arrays->X == NULL || n == 0u || arrays->n_in == 0u) {
        return TMLP_ERR_ARG;
    }
    n_targets = (arrays->Y != NULL) + (arrays->labels != NULL) + (arrays->labels_u8 != NULL);
    if (n_targets != 1 || (arrays->Y != NULL && arrays->n_out == 0u)) {
        return TMLP_ERR_ARG;
    }
    memset(data, 0, sizeof *data);
    data->n = n;
    data->n_in = arrays->n_in;
    data->n_out = arrays->Y != NULL ? arrays->n_out : 0u;
    data->targets = arrays->Y != NULL ? (uint8_t)TMLP_TARGET_VECTOR : (uint8_t)TMLP_TARGET_LABEL;
    data->read = read_arrays;
    /* The read function only reads through ctx; the cast drops a const the
     * callback signature can not carry. */
    data->ctx = (void *)(uintptr_t)arrays;
    return TMLP_OK;
}

/* See tmlp_internal.h. */
tmlp_status_t tmlp_i_data_check(const tmlp_net_t *net, const tmlp_data_t *data)
{
    size_t n_out = net->desc.layer[net->desc.n_layers - 1].units;
    if (data->read == NULL || data->n == 0u || data->targets > TMLP_TARGET_VECTOR) {
        return TMLP_ERR_ARG;
    }
    /* What the read function writes must fit the buffers it writes into. */
    if ((data->n_in != 0u && data->n_in != net->desc.n_in) ||
        (data->targets == TMLP_TARGET_VECTOR && data->n_out != 0u && data->n_out != n_out)) {
        return TMLP_ERR_SHAPE;
    }
    return TMLP_OK;
}

/* Predicted and true class of the sample just run (see tmlp_evaluate). */
static void classes(const tmlp_net_t *net, const tmlp_target_t *t, size_t n_out, uint32_t *pred,
                    uint32_t *truth)
{
    if (n_out == 1u) {
        *pred = net->output[0] > 0.5f;
        *truth = t->values != NULL ? t->values[0] > 0.5f : t->label;
        return;
    }
    *pred = tmlp_i_argmax(net->output, n_out);
    if (t->values != NULL) {
        *truth = tmlp_i_argmax(t->values, n_out);
    } else {
        *truth = t->label;
    }
}

/* See tinymlp.h. */
tmlp_status_t tmlp_evaluate(tmlp_net_t *net, const tmlp_data_t *data, tmlp_loss_t loss,
                            float *scratch, float *mean_loss, float *accuracy,
                            uint32_t *confusion)
{
    float *x, *y, sum = 0.0f, l = 0.0f;
    size_t n_out, c;
    uint32_t i, pred = 0, truth = 0, correct = 0;
    tmlp_target_t t;
    tmlp_status_t st = tmlp_i_net_check(net);
    if (st != TMLP_OK) {
        return st;
    }
    if (data == NULL || (scratch == NULL && !tmlp_i_trains(net))) {
        return TMLP_ERR_ARG;
    }
    st = tmlp_i_data_check(net, data);
    if (st != TMLP_OK) {
        return st;
    }
    /* The loss must suit the output layer: known before any forward. */
    t.values = NULL;
    t.label = 0;
    st = tmlp_i_loss_check(&net->desc, loss, &t);
    if (st != TMLP_OK) {
        return st;
    }
    n_out = net->desc.layer[net->desc.n_layers - 1].units;
    c = n_out > 1u ? n_out : 2u;
    x = scratch != NULL ? scratch : net->input;
    y = scratch != NULL ? scratch + net->desc.n_in : net->target;
    if (confusion != NULL) {
        memset(confusion, 0, c * c * sizeof(uint32_t));
    }
    for (i = 0; i < data->n && st == TMLP_OK; i++) {
        int vec = data->targets == TMLP_TARGET_VECTOR;
        t.values = vec ? y : NULL;
        t.label = 0;
        st = data->read(data->ctx, i, x, vec ? y : NULL, &t.label);
        if (st == TMLP_OK) {
            st = tmlp_net_forward(net, x, NULL);
        }
        if (st == TMLP_OK) {
            st = tmlp_net_loss(net, loss, &t, &l);
        }
        if (st == TMLP_OK) {
            sum += l;
            classes(net, &t, n_out, &pred, &truth);
            correct += pred == truth;
            if (confusion != NULL && truth < c) {
                confusion[truth * c + pred]++;
            }
        }
    }
    /* A forward here must not leave a half-finished sample for backward. */
    net->backward_ready = 0;
    if (st != TMLP_OK) {
        return st;
    }
    if (mean_loss != NULL) {
        *mean_loss = sum / (float)data->n;
    }
    if (accuracy != NULL) {
        *accuracy = (float)correct / (float)data->n;
    }
    return TMLP_OK;
}

/* See tinymlp.h. */
tmlp_status_t tmlp_baseline(const tmlp_data_t *data, uint32_t n_classes, float *x_buf,
                            uint32_t *counts, float *majority, float *uniform)
{
    uint32_t i, label = 0, best = 0;
    tmlp_status_t st;
    if (data == NULL || data->read == NULL || data->n == 0u || n_classes == 0u ||
        x_buf == NULL || counts == NULL || majority == NULL || uniform == NULL ||
        data->targets != TMLP_TARGET_LABEL) {
        return TMLP_ERR_ARG;
    }
    for (i = 0; i < n_classes; i++) { /* no byte count to wrap with a 16-bit size_t */
        counts[i] = 0;
    }
    for (i = 0; i < data->n; i++) {
        st = data->read(data->ctx, i, x_buf, NULL, &label);
        if (st != TMLP_OK) {
            return st;
        }
        if (label >= n_classes) {
            return TMLP_ERR_LABEL;
        }
        counts[label]++;
        best = counts[label] > best ? counts[label] : best;
    }
    *majority = (float)best / (float)data->n;
    *uniform = 1.0f / (float)n_classes;
    return TMLP_OK;
}
