/* SPDX-License-Identifier: MIT */
/* The training loop: mini-batches read through a data source, one optimizer
 * step per call, the stopping rules, schedules and the progress callback.
 * tmlp_train() is tmlp_train_begin() plus tmlp_train_step() until a rule
 * stops it, so the one-call and the incremental API give the same bits. */
#include "tmlp_internal.h"

#include <string.h>

/* The caller's clock, or 0 without one (no time budget: elapsed stays 0). */
static uint32_t now(const tmlp_trainer_t *tr)
{
    return tr->cfg.clock != NULL ? tr->cfg.clock(tr->cfg.clock_ctx) : 0u;
}

static tmlp_status_t cfg_check(const tmlp_train_cfg_t *c, const tmlp_net_t *net,
                               const tmlp_data_t *data)
{
    const float f[] = {c->grad_tol, c->rel_tol};
    tmlp_target_t probe;
    tmlp_status_t st;
    if (c->shuffle > 1u || c->restore_best > 1u || !tmlp_i_all_finite(f, 2) ||
        !(c->grad_tol >= 0.0f) || !(c->rel_tol >= 0.0f)) {
        return TMLP_ERR_ARG;
    }
    if ((c->patience != 0u && c->val == NULL) || (c->restore_best && c->best_params == NULL) ||
        (c->time_budget != 0u && c->clock == NULL)) {
        return TMLP_ERR_ARG;
    }
    st = tmlp_i_data_check(net, data);
    if (st == TMLP_OK && c->val != NULL) {
        st = tmlp_i_data_check(net, c->val);
    }
    if (st != TMLP_OK) {
        return st;
    }
    st = tmlp_i_sched_check(&c->sched);
    if (st != TMLP_OK) {
        return st;
    }
    st = tmlp_i_train_check(net);
    if (st != TMLP_OK) {
        return st;
    }
    /* A net without a gradient buffer trains only by fused steps. */
    if (tmlp_i_mode_fused(net->mode) && (c->batch != 1u || c->grad_tol > 0.0f)) {
        return TMLP_WITH_CHECKED_STEP ? TMLP_ERR_NO_GRAD : TMLP_ERR_UNSUPPORTED;
    }
    /* The loss must suit the output layer: check once with a valid target. */
    probe.values = NULL;
    probe.label = 0;
    st = tmlp_i_loss_check(&net->desc, (tmlp_loss_t)c->loss, &probe);
    if (st != TMLP_OK) {
        return st;
    }
    if (c->max_epochs == 0u && c->max_steps == 0u && c->grad_tol == 0.0f &&
        c->rel_tol == 0.0f && c->time_budget == 0u && c->patience == 0u) {
        return TMLP_ERR_ARG; /* nothing would ever stop it */
    }
    return TMLP_OK;
}

static void start_epoch(tmlp_trainer_t *tr)
{
    tr->pos = 0;
    tr->loss_sum = 0.0f;
    tmlp_i_order_new_epoch(tr);
    tr->lr = tmlp_i_sched_lr(&tr->cfg.sched, tr->lr0, tr->epoch);
    tr->net->opt.lr = tr->lr;
}

/* See tinymlp.h. */
tmlp_status_t tmlp_train_begin(tmlp_trainer_t *tr, tmlp_net_t *net, const tmlp_data_t *data,
                               const tmlp_train_cfg_t *cfg)
{
    uint32_t i;
    tmlp_status_t st = tmlp_i_net_check(net);
    if (st != TMLP_OK) {
        return st;
    }
    if (tr == NULL || data == NULL || cfg == NULL) {
        return TMLP_ERR_ARG;
    }
    st = cfg_check(cfg, net, data);
    if (st != TMLP_OK) {
        return st;
    }
    memset(tr, 0, sizeof *tr);
    tr->cfg = *cfg;
    tr->net = net;
    tr->data = data;
    tr->net_acts = net->acts;
    tr->net_n_params = net->n_params;
    tr->net_n_train = net->n_train;
    tr->net_n_in = net->desc.n_in;
    tr->net_n_out = net->desc.layer[net->desc.n_layers - 1].units;
    tr->net_mode = net->mode;
    tr->lr0 = net->opt.lr;
    tr->prev_loss = -1.0f;
    tr->best_val = -1.0f;
    tr->last_loss = -1.0f;
    tr->last_val = -1.0f;
    tmlp_i_rng_seed(&tr->rng, cfg->seed);
    if (cfg->index_buf != NULL) {
        for (i = 0; i < data->n; i++) {
            cfg->index_buf[i] = i;
        }
    }
    tmlp_i_zero_grad(net);
    tr->t_start = now(tr);
    start_epoch(tr);
    return TMLP_OK;
}

static tmlp_status_t fail(tmlp_trainer_t *tr, tmlp_status_t st)
{
    tmlp_i_zero_grad(tr->net);
    tr->stop = TMLP_STOP_ERROR;
    tr->error = st;
    return st;
}

/* TMLP_OK if tr->net is still the net tmlp_train_begin() checked: its data
 * sources, index buffer and best_params were sized for that shape, and the
 * buffers the reads write into are in that arena. */
static tmlp_status_t same_net(const tmlp_trainer_t *tr)
{
    const tmlp_net_t *net = tr->net;
    tmlp_status_t st = tmlp_i_net_check(net);
    if (st != TMLP_OK) {
        return st;
    }
    if (net->acts != tr->net_acts || net->n_params != tr->net_n_params ||
        net->n_train != tr->net_n_train || net->desc.n_in != tr->net_n_in ||
        net->desc.layer[net->desc.n_layers - 1].units != tr->net_n_out ||
        net->mode != tr->net_mode) {
        return TMLP_ERR_STATE;
    }
    return TMLP_OK;
}

/* Batches of 1 without the gradient-norm rule: tmlp_net_train_sample's
 * fused step (same bits, no norm, one pass over the parameters). */
static int fused(const tmlp_trainer_t *tr)
{
    return tr->cfg.batch == 1u && !(tr->cfg.grad_tol > 0.0f);
}

/* Reads sample `index` into the net's buffers, then forward and backward
 * (or, when fused(), the whole step). */
static tmlp_status_t train_sample(tmlp_trainer_t *tr, uint32_t index, float *loss)
{
    tmlp_net_t *net = tr->net;
    tmlp_target_t t;
    int vec = tr->data->targets == TMLP_TARGET_VECTOR;
    tmlp_status_t st;
    t.label = 0;
    t.values = vec ? net->target : NULL;
    st = tr->data->read(tr->data->ctx, index, net->input, vec ? net->target : NULL, &t.label);
    if (st == TMLP_OK && fused(tr)) {
        return tmlp_net_train_sample(net, net->input, (tmlp_loss_t)tr->cfg.loss, &t, loss);
    }
    if (st == TMLP_OK) {
        st = tmlp_net_forward(net, net->input, NULL);
    }
    if (st == TMLP_OK) {
        st = tmlp_net_backward(net, (tmlp_loss_t)tr->cfg.loss, &t, loss);
    }
    return st;
}

/* Validation, early stopping and the best weights, at the end of an epoch. */
static tmlp_status_t validate(tmlp_trainer_t *tr)
{
    tmlp_status_t st = tmlp_evaluate(tr->net, tr->cfg.val, (tmlp_loss_t)tr->cfg.loss, NULL,
                                     &tr->last_val, NULL, NULL);
    if (st != TMLP_OK) {
        return st;
    }
    if (tr->best_val < 0.0f || tr->last_val < tr->best_val) {
        tr->best_val = tr->last_val;
        tr->since_best = 0;
        if (tr->cfg.best_params != NULL) {
            memcpy(tr->cfg.best_params, tr->net->train_params, (size_t)tr->net->n_train * sizeof(float));
        }
    } else {
        tr->since_best++;
    }
    return TMLP_OK;
}

static tmlp_stop_t epoch_rules(tmlp_trainer_t *tr)
{
    const tmlp_train_cfg_t *c = &tr->cfg;
    float cur = tr->last_loss, prev = tr->prev_loss;
    tmlp_stop_t stop = TMLP_STOP_NONE;
    if (c->rel_tol > 0.0f && prev > 0.0f) {
        float rel = (prev - cur) / prev;
        tr->plateau_count = rel < c->rel_tol ? tr->plateau_count + 1u : 0u;
        if (tr->plateau_count >= (c->rel_patience > 0u ? c->rel_patience : 1u)) {
            stop = TMLP_STOP_PLATEAU;
        }
    }
    tr->prev_loss = cur;
    if (c->patience != 0u && tr->since_best >= c->patience) {
        stop = TMLP_STOP_EARLY;
    }
    if (stop == TMLP_STOP_NONE && c->max_epochs != 0u && tr->epoch >= c->max_epochs) {
        stop = TMLP_STOP_MAX_EPOCHS;
    }
    return stop;
}

/* End of an epoch: bookkeeping, rules, callback; the next epoch if none
 * stopped it. `stop` is what the step's own rules decided. */
static tmlp_status_t end_epoch(tmlp_trainer_t *tr, tmlp_stop_t stop)
{
    tmlp_epoch_info_t info;
    tmlp_stop_t rule;
    tr->epoch++;
    tr->last_loss = tr->loss_sum / (float)tr->data->n;
    if (tr->cfg.val != NULL) {
        tmlp_status_t st = validate(tr);
        if (st != TMLP_OK) {
            return fail(tr, st);
        }
    }
    rule = epoch_rules(tr);
    stop = stop != TMLP_STOP_NONE ? stop : rule;
    if (tr->cfg.on_epoch != NULL) {
        info.epoch = tr->epoch;
        info.steps = tr->steps;
        info.train_loss = tr->last_loss;
        info.val_loss = tr->last_val;
        info.grad_norm = tr->net->grad_norm;
        info.lr = tr->lr;
        info.elapsed = tr->elapsed;
        if (tr->cfg.on_epoch(tr->cfg.on_epoch_ctx, &info) != 0 && stop == TMLP_STOP_NONE) {
            stop = TMLP_STOP_CALLBACK;
        }
    }
    tr->stop = (uint8_t)stop;
    if (stop == TMLP_STOP_EARLY && tr->cfg.restore_best) {
        /* Only when early stopping is what stopped it. Finite: they were
         * the net's own parameters. */
        memcpy(tr->net->train_params, tr->cfg.best_params, (size_t)tr->net->n_train * sizeof(float));
        tmlp_i_forget_bounds(tr->net);
    }
    if (stop == TMLP_STOP_NONE) {
        start_epoch(tr);
    }
    return TMLP_OK;
}

/* See tinymlp.h. */
tmlp_status_t tmlp_train_step(tmlp_trainer_t *tr, tmlp_stop_t *stop)
{
    const tmlp_train_cfg_t *c;
    uint32_t n, end, k;
    tmlp_stop_t rule = TMLP_STOP_NONE;
    tmlp_status_t st = TMLP_OK;
    if (tr == NULL || stop == NULL || tr->net == NULL) {
        return TMLP_ERR_ARG;
    }
    if (tr->stop != TMLP_STOP_NONE) {
        *stop = (tmlp_stop_t)tr->stop;
        return TMLP_ERR_STATE;
    }
    st = same_net(tr);
    if (st != TMLP_OK) {
        *stop = TMLP_STOP_ERROR;
        return st;
    }
    c = &tr->cfg;
    n = tr->data->n;
    end = (c->batch == 0u || c->batch >= n - tr->pos) ? n : tr->pos + c->batch;
    for (k = tr->pos; k < end && st == TMLP_OK; k++) {
        float loss = 0.0f;
        st = train_sample(tr, tmlp_i_order_index(tr, k), &loss);
        tr->loss_sum += loss;
    }
    if (st == TMLP_OK && !fused(tr)) {
        st = tmlp_i_net_step(tr->net, tr->net->want_norm || tr->cfg.grad_tol > 0.0f);
    }
    {
        /* Sum the differences of successive readings, so a run longer than
         * the clock's wrap still counts up (saturating at 2^32 - 1); the
         * clock must be read at least once per wrap, i.e. once per step. */
        uint32_t t = now(tr), d = t - tr->t_start;
        tr->t_start = t;
        tr->elapsed = d > UINT32_MAX - tr->elapsed ? UINT32_MAX : tr->elapsed + d;
    }
    if (st != TMLP_OK) {
        *stop = TMLP_STOP_ERROR;
        return fail(tr, st);
    }
    tr->steps++;
    tr->pos = end;
    if (c->grad_tol > 0.0f && tr->net->grad_norm <= c->grad_tol) {
        rule = TMLP_STOP_GRAD_NORM;
    } else if (c->max_steps != 0u && tr->steps >= c->max_steps) {
        rule = TMLP_STOP_MAX_STEPS;
    } else if (c->time_budget != 0u && tr->elapsed >= c->time_budget) {
        rule = TMLP_STOP_TIME;
    }
    if (tr->pos == n) {
        st = end_epoch(tr, rule);
    } else {
        tr->stop = (uint8_t)rule;
    }
    *stop = (tmlp_stop_t)tr->stop;
    return st;
}

/* The summary of a trainer that has a net. */
static void fill_result(const tmlp_trainer_t *tr, tmlp_train_result_t *result)
{
    memset(result, 0, sizeof *result);
    result->stop = tr->stop;
    result->epochs = tr->epoch;
    result->steps = tr->steps;
    result->train_loss = tr->last_loss;
    result->val_loss = tr->last_val;
    result->best_val = tr->best_val;
    result->grad_norm = tr->net->grad_norm;
    result->elapsed = tr->elapsed;
}

/* See tinymlp.h. */
tmlp_status_t tmlp_train_result(const tmlp_trainer_t *tr, tmlp_train_result_t *result)
{
    if (tr == NULL || result == NULL || tr->net == NULL) {
        return TMLP_ERR_ARG;
    }
    fill_result(tr, result);
    return TMLP_OK;
}

/* See tinymlp.h. */
tmlp_status_t tmlp_train(tmlp_trainer_t *tr, tmlp_net_t *net, const tmlp_data_t *data,
                         const tmlp_train_cfg_t *cfg, tmlp_train_result_t *result)
{
    tmlp_stop_t stop = TMLP_STOP_NONE;
    tmlp_status_t st = tmlp_train_begin(tr, net, data, cfg);
    if (st != TMLP_OK) {
        return st;
    }
    while (st == TMLP_OK && stop == TMLP_STOP_NONE) {
        st = tmlp_train_step(tr, &stop);
    }
    if (result != NULL) {
        fill_result(tr, result);
    }
    return st;
}
