/* SPDX-License-Identifier: MIT */
/* tinymlp tool: the train subcommand. The data stay in memory and reach the
 * library's training loop (tmlp_train_step) through a tmlp_data_t over
 * arrays; progress comes from the loop's on_epoch callback. */
#define _POSIX_C_SOURCE 200809L

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tinymlp_train.h"

typedef struct {
    const train_opts_t *o;
    tmlp_net_t *net;
    const dataset_t *train, *val;
    float *scratch; /* n_in + n_out floats for tmlp_evaluate */
    history_t hist;
    double t0, last_draw;
    int bar;        /* a progress bar on stderr (a terminal, not --quiet) */
    int bar_shown;
    uint32_t total_steps, steps;
} run_t;

static double now_s(void)
{
    struct timespec ts;
    (void)clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static const char *stop_name(unsigned stop)
{
    static const char *const names[] = {"running",  "max epochs", "max steps",
                                        "gradient norm", "plateau", "time budget",
                                        "early stopping", "callback", "error"};
    return stop < 9u ? names[stop] : "?";
}

/* Accuracy of the net on ds now (NAN when ds does not classify). */
static float accuracy(run_t *r, const dataset_t *ds)
{
    float acc = NAN;
    if (ds != NULL && ds->classify &&
        tmlp_evaluate(r->net, &ds->data, (tmlp_loss_t)r->o->loss, r->scratch, NULL, &acc,
                      NULL) != TMLP_OK) {
        acc = NAN;
    }
    return acc;
}

static void clear_bar(run_t *r)
{
    if (r->bar_shown) {
        fputs("\r\033[K", stderr);
        r->bar_shown = 0;
    }
}

static void draw_bar(run_t *r, uint32_t epoch)
{
    double t = now_s(), frac = (double)r->steps / (double)r->total_steps;
    int k, w = 30, fill;
    if (t - r->last_draw < 0.1) {
        return;
    }
    r->last_draw = t;
    frac = frac > 1.0 ? 1.0 : frac;
    fill = (int)(frac * w);
    fprintf(stderr, "\r[");
    for (k = 0; k < w; k++) {
        fputc(k < fill ? '#' : ' ', stderr);
    }
    fprintf(stderr, "] %3d%%  epoch %u  step %u/%u  %.1f s", (int)(frac * 100.0), (unsigned)epoch,
            (unsigned)r->steps, (unsigned)r->total_steps, t - r->t0);
    fflush(stderr);
    r->bar_shown = 1;
}

static void print_metrics(float loss, float acc, float vloss, float vacc)
{
    printf("loss %.6f", (double)loss);
    if (!isnan(acc)) {
        printf("  acc %.4f", (double)acc);
    }
    if (!isnan(vloss)) {
        printf("  val_loss %.6f", (double)vloss);
    }
    if (!isnan(vacc)) {
        printf("  val_acc %.4f", (double)vacc);
    }
}

static int on_epoch(void *ctx, const tmlp_epoch_info_t *info)
{
    run_t *r = ctx;
    float acc = accuracy(r, r->train), vacc = accuracy(r, r->val);
    float vloss = r->val != NULL ? info->val_loss : NAN;
    (void)history_add(&r->hist, info->train_loss, acc, vloss, vacc);
    if (!r->o->quiet) {
        clear_bar(r);
        if (r->o->steps == 0u) {
            printf("epoch %u/%u  ", (unsigned)info->epoch, (unsigned)r->o->epochs);
        } else {
            printf("epoch %u  ", (unsigned)info->epoch);
        }
        print_metrics(info->train_loss, acc, vloss, vacc);
        printf("  lr %.6g  %.3f s\n", (double)info->lr, now_s() - r->t0);
        fflush(stdout);
    }
    return 0;
}

/* Copies the parameters (and, when both have it, the input scaling) of the
 * model file into the training net. */
static int load_params(const tool_model_t *m, tmlp_net_t *net)
{
    tmlp_net_t src;
    void *arena;
    const float *p, *off, *sc;
    size_t n;
    tmlp_status_t st;
    if (tool_model_net(m, &src, &arena) != 0) {
        return -1;
    }
    st = tmlp_net_params(&src, &p, &n);
    if (st == TMLP_OK) {
        st = tmlp_net_set_params(net, p, n);
    }
    if (st == TMLP_OK && (m->desc.flags & net->desc.flags & TMLP_DESC_INPUT_SCALE)) {
        st = tmlp_net_input_scale(&src, &off, &sc);
        st = st == TMLP_OK ? tmlp_net_set_input_scale(net, off, sc) : st;
    }
    free(arena);
    if (st != TMLP_OK) {
        tool_err("%s: can't load the parameters: %s", m->path, tmlp_status_str(st));
        return -1;
    }
    return 0;
}

/* The optimizer: the file's (with --resume and state) with the options
 * given on top, or the options with the kind's default lr. */
static int make_optim(const train_opts_t *o, const tool_model_t *m, int resume, tmlp_optim_t *opt)
{
    static const float default_lr[] = {0.1f, 0.1f, 0.001f, 0.01f};
    uint32_t slots;
    tmlp_status_t st;
    if (resume) {
        *opt = m->info.optim;
        if ((o->given & GIVEN_KIND) &&
            (o->opt.kind != opt->kind || o->opt.decoupled_wd != opt->decoupled_wd)) {
            tool_err("%s: --resume: the file's optimizer state is for another optimizer", m->path);
            return -1;
        }
        train_apply_given(opt, &o->opt, o->given);
    } else {
        *opt = o->opt;
        if (!(o->given & GIVEN_LR)) {
            opt->lr = default_lr[opt->kind];
        }
    }
    /* The one rule between options the library has (each value's own range
     * is checked as it is read, tinymlp_train_opts.c). */
    if (opt->nesterov &&
        (opt->kind != TMLP_OPT_SGD || opt->momentum == 0.0f || opt->dampening != 0.0f)) {
        tool_err("--nesterov: needs --optimizer sgd, --momentum > 0 and --dampening 0%s",
                 resume ? " (with --resume, as stored in the model unless given)" : "");
        return -1;
    }
    st = tmlp_optim_slots(opt, &slots);
    if (st != TMLP_OK) {
        tool_err("train: invalid optimizer settings (%s)", tmlp_status_str(st));
        return -1;
    }
    return 0;
}

/* Builds the training net in a malloc'd arena (*arena), loaded from m. */
static int make_net(const train_opts_t *o, const tool_model_t *m, const dataset_t *ds,
                    tmlp_net_t *net, void **arena)
{
    tmlp_desc_t d = m->desc;
    tmlp_optim_t opt;
    int resume = o->resume && m->info.has_optim;
    size_t bytes = 0;
    tmlp_status_t st;
    if (o->scale != SCALE_KEEP) {
        d.flags = (uint8_t)(o->scale == SCALE_NONE ? d.flags & ~TMLP_DESC_INPUT_SCALE
                                                   : d.flags | TMLP_DESC_INPUT_SCALE);
    }
    if (resume && d.flags != m->desc.flags) {
        tool_err("%s: --resume: can't add or remove input scaling of a model with optimizer "
                 "state", m->path);
        return -1;
    }
    if (make_optim(o, m, resume, &opt) != 0) {
        return -1;
    }
    st = tmlp_arena_size(&d, &(tmlp_opts_t){.optim = &opt}, &bytes);
    *arena = st == TMLP_OK ? calloc(1, bytes) : NULL;
    if (st == TMLP_OK) {
        st = *arena == NULL ? TMLP_ERR_NOMEM
                            : tmlp_net_init(net, &d, &(tmlp_opts_t){.optim = &opt}, *arena, bytes, NULL);
    }
    if (st == TMLP_OK && resume) {
        st = tmlp_model_load_buf(net, TMLP_SAVE_OPTIM, m->buf, m->len);
        st = st == TMLP_OK ? tmlp_net_set_optim(net, &opt) : st;
    } else if (st == TMLP_OK && load_params(m, net) != 0) {
        return -1;
    }
    if (st == TMLP_OK && o->scale > SCALE_NONE) {
        uint32_t n_in = d.n_in;
        float *fit = malloc(2u * (size_t)n_in * sizeof(float));
        if (fit == NULL) {
            return -1;
        }
        train_fit_scale(o->scale, ds->X, ds->n, n_in, fit, fit + n_in);
        st = tmlp_net_set_input_scale(net, fit, fit + n_in);
        free(fit);
    }
    if (st != TMLP_OK) {
        tool_err("%s: can't build the training net: %s", m->path, tmlp_status_str(st));
        return -1;
    }
    return 0;
}

static void train_cfg(const train_opts_t *o, run_t *r, tmlp_train_cfg_t *cfg)
{
    uint32_t n = r->train->n, b = o->batch == 0u || o->batch > n ? n : o->batch;
    memset(cfg, 0, sizeof *cfg);
    cfg->loss = o->loss;
    cfg->shuffle = (uint8_t)(o->no_shuffle ? 0 : 1);
    cfg->batch = o->batch;
    cfg->seed = o->seed;
    cfg->max_epochs = o->steps != 0u ? 0u : o->epochs;
    cfg->max_steps = o->steps;
    cfg->val = r->val != NULL ? &r->val->data : NULL;
    cfg->on_epoch = on_epoch;
    cfg->on_epoch_ctx = r;
    r->total_steps = o->steps != 0u ? o->steps : o->epochs * ((n + b - 1u) / b);
}

/* Runs the loop; prints the final summary. */
static int run_loop(run_t *r)
{
    const train_opts_t *o = r->o;
    tmlp_train_cfg_t cfg;
    tmlp_trainer_t tr;
    tmlp_train_result_t res;
    tmlp_stop_t stop = TMLP_STOP_NONE;
    float loss = NAN;
    tmlp_status_t st, rs;
    train_cfg(o, r, &cfg);
    st = tmlp_train_begin(&tr, r->net, &r->train->data, &cfg);
    if (st == TMLP_ERR_LOSS) {
        tool_err("train: loss %s does not suit the model's %s output layer",
                 tool_loss_name(o->loss),
                 tool_act_name(r->net->desc.layer[r->net->desc.n_layers - 1].act));
        return -1;
    }
    if (st != TMLP_OK) {
        tool_err("train: can't start: %s", tmlp_status_str(st));
        return -1;
    }
    while (st == TMLP_OK && stop == TMLP_STOP_NONE) {
        st = tmlp_train_step(&tr, &stop);
        r->steps++;
        if (r->bar && stop == TMLP_STOP_NONE) {
            draw_bar(r, (unsigned)r->hist.n + 1u);
        }
    }
    clear_bar(r);
    rs = tmlp_train_result(&tr, &res);
    if (rs != TMLP_OK) {
        tool_err("train: no result: %s", tmlp_status_str(rs));
        return -1;
    }
    if (st != TMLP_OK) {
        tool_err("train: stopped at step %u: %s", (unsigned)res.steps + 1u, tmlp_status_str(st));
        return -1;
    }
    st = tmlp_evaluate(r->net, &r->train->data, (tmlp_loss_t)o->loss, r->scratch, &loss, NULL,
                       NULL);
    if (st != TMLP_OK) {
        tool_err("train: evaluating the trained net failed: %s", tmlp_status_str(st));
        return -1;
    }
    printf("done: %u epochs, %u steps (%s), %.3f s; trained net on the whole training set: ",
           (unsigned)res.epochs, (unsigned)res.steps, stop_name(res.stop), now_s() - r->t0);
    print_metrics(loss, accuracy(r, r->train), r->val != NULL ? res.val_loss : NAN,
                  accuracy(r, r->val));
    printf("\n");
    return 0;
}

/* Reads a CSV into samples for the model. */
static int load_data(const char *path, const tool_model_t *m, uint8_t loss, dataset_t *ds)
{
    csv_t csv;
    int rc;
    if (csv_read(path, &csv) != 0) {
        return -1;
    }
    rc = dataset_from_csv(&csv, m->desc.n_in, tool_n_out(&m->desc), loss, ds);
    csv_free(&csv);
    return rc;
}

static int train_run(train_opts_t *o, const tool_model_t *m)
{
    dataset_t train, val;
    tmlp_net_t net;
    void *arena = NULL;
    run_t r;
    int rc;
    memset(&r, 0, sizeof r);
    memset(&val, 0, sizeof val);
    if (!o->have_loss) {
        o->loss = tool_default_loss(&m->desc);
    }
    if (tool_loss_check(&m->desc, o->loss) != 0) {
        return -1;
    }
    if (load_data(o->csv, m, o->loss, &train) != 0) {
        return -1;
    }
    if (o->scale == SCALE_NONE ||
        (o->scale == SCALE_KEEP && !(m->desc.flags & TMLP_DESC_INPUT_SCALE))) {
        train_scale_warning(o->csv, train.X, train.n, m->desc.n_in);
    }
    rc = o->val != NULL ? load_data(o->val, m, o->loss, &val) : 0;
    rc = rc == 0 ? make_net(o, m, &train, &net, &arena) : rc;
    r.scratch = malloc((m->desc.n_in + tool_n_out(&m->desc)) * sizeof(float));
    if (rc == 0 && r.scratch != NULL) {
        r.o = o;
        r.net = &net;
        r.train = &train;
        r.val = o->val != NULL ? &val : NULL;
        r.bar = !o->quiet && isatty(2);
        r.t0 = now_s();
        rc = run_loop(&r);
        /* Progress that did not reach stdout is a failure too: nothing is written. */
        rc = rc == 0 ? tool_stdout_done() : rc;
        rc = rc == 0 ? tool_model_save(&net, o->no_state ? 0u : TMLP_SAVE_OPTIM, o->out) : rc;
        rc = rc == 0 && o->plot != NULL ? plot_svg(o->plot, &r.hist, o->out) : rc;
    }
    history_free(&r.hist);
    free(r.scratch);
    free(arena);
    dataset_free(&train);
    dataset_free(&val);
    return rc;
}

int cmd_train(int argc, char **argv)
{
    train_opts_t o;
    tool_model_t m;
    int rc = train_parse_opts(argc, argv, &o);
    if (rc != 0) {
        return rc;
    }
    if (tool_model_read(o.model, &m) != 0) {
        return 1;
    }
    /* Before anything else: with --resume the file goes straight into a
     * training net, whose refusal (TMLP_ERR_FROZEN) does not say that the
     * file lacks its frozen layers' parameters. */
    if (tool_model_whole(&m) != 0) {
        tool_model_free(&m);
        return 1;
    }
    rc = train_run(&o, &m);
    tool_model_free(&m);
    return rc == 0 ? 0 : 1;
}
