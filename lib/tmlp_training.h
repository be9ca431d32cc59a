/* SPDX-License-Identifier: MIT */
/* tinymlp: the training loop, data sources and metrics. A topic header of tinymlp.h, which includes it: include
 * "tinymlp.h", not this file. The conventions at the top of tinymlp.h hold. */
#ifndef TMLP_TRAINING_H
#define TMLP_TRAINING_H

#ifndef TINYMLP_H
#error "include tinymlp.h, not this topic header"
#endif

/* ------------------------------------------------------------------------ */
/* Training loop                                                             */
/* ------------------------------------------------------------------------ */

/* Fills sample `index` (0..n-1): the input x[n_in] and either the target
 * vector y[n_out] or *label, as the data source's `targets` says (y is NULL
 * for a label source). x and y point into the net's arena or the caller's
 * scratch. Return TMLP_OK, or an error that stops
 * training and is passed on. Called from the training loop only. */
typedef tmlp_status_t (*tmlp_read_fn)(void *ctx, uint32_t index, float *x, float *y,
                                      uint32_t *label);

typedef enum {
    TMLP_TARGET_LABEL = 0, /* the read function sets *label (a class index) */
    TMLP_TARGET_VECTOR = 1 /* the read function fills y[n_out] */
} tmlp_target_kind_t;

/* A data set the loop reads one sample at a time: nothing is copied, so it
 * may be far larger than RAM (in flash, on an SD card, from a sensor log). */
typedef struct {
    uint32_t n;      /* number of samples, >= 1 */
    uint8_t targets; /* a tmlp_target_kind_t */
    uint8_t reserved;
    uint16_t n_in;   /* floats read writes into x, 0 = not stated (your own read
                        function: it must write the net's n_in) */
    uint16_t n_out;  /* floats read writes into y (vector targets), 0 = not stated */
    tmlp_read_fn read;
    void *ctx; /* passed to read */
} tmlp_data_t;

/* Context of the ready-made source for arrays in memory or flash: inputs
 * X[n][n_in] and either labels (uint8_t or uint32_t) or targets Y[n][n_out].
 * Set exactly one of labels_u8, labels, Y. Borrowed: must outlive training. */
typedef struct {
    const float *X;
    const uint8_t *labels_u8;
    const uint32_t *labels;
    const float *Y;
    uint16_t n_in, n_out;
} tmlp_arrays_t;

/* Makes `data` read from `arrays` (which it points to: keep both alive).
 * Errors: TMLP_ERR_ARG (NULL, not exactly one target array, zero widths). */
tmlp_status_t tmlp_data_arrays(tmlp_data_t *data, const tmlp_arrays_t *arrays, uint32_t n)
    TMLP_NODISCARD;

/* Learning-rate schedules, as functions of the epoch e (0, 1, ...); lr0 is
 * the optimizer's lr at tmlp_train_begin(). */
typedef enum {
    TMLP_SCHED_CONSTANT = 0, /* lr0 */
    TMLP_SCHED_STEP = 1,     /* lr0 gamma^floor(e / period) */
    TMLP_SCHED_EXP = 2,      /* lr0 gamma^e */
    TMLP_SCHED_INVERSE = 3,  /* lr0 / (1 + k e)  (k in `gamma`) */
    TMLP_SCHED_COSINE = 4    /* lr_min + (lr0 - lr_min) (1 + cos(pi e / period)) / 2, then lr_min */
} tmlp_sched_kind_t;

typedef struct {
    uint8_t kind;    /* a tmlp_sched_kind_t */
    uint8_t reserved[3];
    float gamma;     /* STEP/EXP factor in (0, 1]; INVERSE k >= 0 */
    float lr_min;    /* COSINE floor, >= 0 */
    uint32_t period; /* STEP: epochs per decay; COSINE: epochs to reach lr_min (>= 1) */
    uint32_t warmup; /* epochs of linear warm-up (lr (e + 1) / (warmup + 1)), 0 = none */
} tmlp_sched_t;

/* Why the loop stopped. */
typedef enum {
    TMLP_STOP_NONE = 0,       /* still running */
    TMLP_STOP_MAX_EPOCHS = 1, /* max_epochs completed */
    TMLP_STOP_MAX_STEPS = 2,  /* max_steps optimizer steps taken */
    TMLP_STOP_GRAD_NORM = 3,  /* ||mean gradient||_2 <= grad_tol after a step */
    TMLP_STOP_PLATEAU = 4,    /* relative epoch-loss decrease < rel_tol, rel_patience epochs in a row */
    TMLP_STOP_TIME = 5,       /* time_budget ticks elapsed */
    TMLP_STOP_EARLY = 6,      /* validation loss not improved for `patience` epochs */
    TMLP_STOP_CALLBACK = 7,   /* on_epoch returned nonzero */
    TMLP_STOP_ERROR = 8       /* a call failed (e.g. TMLP_ERR_NUMERIC: divergence) */
} tmlp_stop_t;

/* Short English description of why the loop stopped ("max_epochs reached",
 * ...); never NULL. With TMLP_NO_STRINGS it returns "" for every code. */
const char *tmlp_stop_str(tmlp_stop_t stop);

/* What the per-epoch callback sees. */
typedef struct {
    uint32_t epoch;      /* epochs completed (1 after the first) */
    uint32_t steps;      /* optimizer steps so far */
    float train_loss;    /* mean sample loss over the epoch */
    float val_loss;      /* mean validation loss, or -1 without validation data */
    float grad_norm;     /* norm of the last step's mean gradient; -1 when steps
                            are fused (batch 1 without grad_tol, plain SGD:
                            see tmlp_net_train_sample) */
    float lr;            /* learning rate used in this epoch */
    uint32_t elapsed;    /* ticks since tmlp_train_begin() */
} tmlp_epoch_info_t;

/* Returns nonzero to stop training (TMLP_STOP_CALLBACK). */
typedef int (*tmlp_epoch_fn)(void *ctx, const tmlp_epoch_info_t *info);

/* Training configuration. Zero-initialise, then set at least one limit
 * (max_epochs, max_steps, a tolerance, a time budget or patience; none is
 * TMLP_ERR_ARG); 0 turns a rule off. */
typedef struct {
    uint8_t loss;    /* a tmlp_loss_t */
    uint8_t shuffle; /* 1: a new order every epoch, from `seed` */
    uint8_t restore_best; /* early stopping: restore best_params when stopping */
    uint8_t reserved;
    uint32_t batch;      /* samples per step; 0 or >= n = the whole set (batch GD);
                            1 uses tmlp_net_train_sample (fused, see there), and
                            is required (with grad_tol 0) without a gradient buffer */
    uint32_t seed;       /* shuffling seed */
    uint32_t *index_buf; /* optional n entries: Fisher-Yates shuffles them; without it
                            the order is a random bijection of [0, n) in O(1) memory */
    uint32_t max_epochs;
    uint32_t max_steps;
    float grad_tol;           /* stop when the step's gradient norm <= grad_tol */
    float rel_tol;            /* stop when (prev - loss) / |prev| < rel_tol ... */
    uint32_t rel_patience;    /* ... this many epochs in a row (0 means 1) */
    uint32_t time_budget;     /* ticks of `clock`; checked after every step */
    uint32_t (*clock)(void *ctx); /* tick source (wrapping uint32_t counter), required
                                     with a time budget (TMLP_ERR_ARG otherwise), e.g.
                                     tmlp_port_clock from port/; NULL: elapsed stays 0 */
    void *clock_ctx;
    const tmlp_data_t *val;   /* optional validation set, evaluated every epoch */
    uint32_t patience;        /* early stopping on val (0 = off) */
    float *best_params;       /* optional: the best trainable parameters by val loss,
                                 n_train floats (see tmlp_net_train_params) */
    tmlp_sched_t sched;
    tmlp_epoch_fn on_epoch;   /* optional progress callback */
    void *on_epoch_ctx;
} tmlp_train_cfg_t;

/* The loop's state, caller-owned (about 200 bytes): begin once, then call
 * tmlp_train_step() from the main loop or a task as often as there is time.
 * Fields are private. */
typedef struct tmlp_trainer tmlp_trainer_t;

/* Checks cfg, copies it and prepares the first epoch. The net must be a
 * training net whose output layer suits cfg->loss; net and data are
 * borrowed until training ends. lr0 is the net's optimizer lr now.
 * Errors: TMLP_ERR_ARG (also: no stopping rule set), TMLP_ERR_NOT_TRAINING
 * (inference net), TMLP_ERR_NO_GRAD (a net without a gradient buffer and
 * batch other than 1, or grad_tol > 0), TMLP_ERR_LOSS (loss not suited to
 * the output layer), TMLP_ERR_SHAPE (the data's or validation data's stated
 * widths differ from the net's). */
tmlp_status_t tmlp_train_begin(tmlp_trainer_t *tr, tmlp_net_t *net, const tmlp_data_t *data,
                               const tmlp_train_cfg_t *cfg) TMLP_NODISCARD;

/* Runs one mini-batch (reads, forward, backward, one optimizer step) and,
 * at the end of an epoch, the epoch's bookkeeping (validation, stopping
 * rules, callback). *stop gets TMLP_STOP_NONE while training goes on. After
 * an error the net keeps its last finite weights, its gradient sums are
 * cleared, and *stop is TMLP_STOP_ERROR.
 * The net must still be the one tmlp_train_begin() was given: if it was
 * initialised again since (another shape, mode or arena, or a failed init),
 * the step touches neither the net nor the trainer and returns
 * TMLP_ERR_STATE (TMLP_ERR_UNINIT for a net left uninitialised), with
 * *stop TMLP_STOP_ERROR; call tmlp_train_begin() again.
 * Errors: TMLP_ERR_ARG, TMLP_ERR_STATE (already stopped, net re-initialised),
 * TMLP_ERR_UNINIT, and whatever a
 * read function, the forward/backward pass or the step returned. One
 * exception to "an error changes nothing": an error from the validation set
 * at the end of an epoch comes after that epoch's last step has been
 * applied (the weights are that step's, finite). */
tmlp_status_t tmlp_train_step(tmlp_trainer_t *tr, tmlp_stop_t *stop) TMLP_NODISCARD;

/* Summary of a run so far. */
typedef struct {
    uint8_t stop;      /* a tmlp_stop_t */
    uint8_t reserved[3];
    uint32_t epochs;   /* completed */
    uint32_t steps;    /* optimizer steps */
    float train_loss;  /* mean loss of the last completed epoch (-1 before) */
    float val_loss;    /* last validation loss (-1 without) */
    float best_val;    /* best validation loss (-1 without) */
    float grad_norm;   /* last step's gradient norm (-1: fused steps, as above) */
    uint32_t elapsed;  /* ticks */
} tmlp_train_result_t;

/* Errors: TMLP_ERR_ARG. */
tmlp_status_t tmlp_train_result(const tmlp_trainer_t *tr, tmlp_train_result_t *result)
    TMLP_NODISCARD;

/* begin + step until stopped: identical results to the incremental API.
 * Errors: as tmlp_train_begin() and tmlp_train_step(). */
tmlp_status_t tmlp_train(tmlp_trainer_t *tr, tmlp_net_t *net, const tmlp_data_t *data,
                         const tmlp_train_cfg_t *cfg, tmlp_train_result_t *result) TMLP_NODISCARD;

/* Learning rate of `sched` at epoch e for base rate lr0 (the loop's rule).
 * A rate that would reach 0 is kept at FLT_MIN, so the optimizer stays valid
 * (and savable) at every epoch. Errors: TMLP_ERR_ARG. */
tmlp_status_t tmlp_sched_lr(const tmlp_sched_t *sched, float lr0, uint32_t epoch, float *lr)
    TMLP_NODISCARD;

/* Index of sample i of an epoch under the trainer's current order (for
 * tests and for callers that want to log the order). Errors: TMLP_ERR_ARG. */
tmlp_status_t tmlp_train_order(const tmlp_trainer_t *tr, uint32_t i, uint32_t *index)
    TMLP_NODISCARD;

/* ------------------------------------------------------------------------ */
/* Metrics                                                                   */
/* ------------------------------------------------------------------------ */

/* Mean loss over `data` and, for classification (labels, or the argmax of
 * target vectors; with one output, the output and target each above 0.5),
 * accuracy in [0, 1]; confusion (optional, C x C with C = max(2, n_out),
 * [true][predicted]) is zeroed and filled. mean_loss and accuracy may be
 * NULL. scratch: n_in + n_out floats for the read function; may be NULL for a
 * training net, which has those buffers in its arena. It runs forwards, so a
 * training net needs a new forward before its next backward; parameters,
 * optimizer state and gradients are not touched.
 * Errors: TMLP_ERR_ARG, TMLP_ERR_LOSS (loss not suited to the output
 * layer), errors of the read function, the forward pass and the loss
 * (TMLP_ERR_LABEL, TMLP_ERR_NUMERIC). */
tmlp_status_t tmlp_evaluate(tmlp_net_t *net, const tmlp_data_t *data, tmlp_loss_t loss,
                            float *scratch, float *mean_loss, float *accuracy,
                            uint32_t *confusion) TMLP_NODISCARD;

/* The random-guess baselines of labelled data with n_classes
 * classes: accuracy of always guessing the majority class, and of guessing
 * uniformly at random (1 / n_classes). counts: caller's n_classes entries,
 * filled with the class counts. x_buf: room for one input (n_in floats) for
 * the read function, whose inputs are otherwise ignored.
 * Errors: TMLP_ERR_ARG, TMLP_ERR_LABEL, errors of the read function. */
tmlp_status_t tmlp_baseline(const tmlp_data_t *data, uint32_t n_classes, float *x_buf,
                            uint32_t *counts, float *majority, float *uniform) TMLP_NODISCARD;

/* The trainer's storage: the caller declares it; every field is private
 * and may change between releases. */
/* tmlp_trainer_t */
struct tmlp_trainer {
    tmlp_train_cfg_t cfg;
    tmlp_net_t *net;
    const tmlp_data_t *data;
    tmlp_rng_t rng;
    float lr0, lr;
    uint32_t epoch, pos, steps;
    uint32_t perm_mask, perm_mul, perm_add, perm_shift; /* this epoch's bijection */
    uint32_t t_start, elapsed; /* t_start: the clock's last reading */
    float loss_sum;      /* sum of sample losses this epoch */
    float prev_loss, best_val, last_loss, last_val;
    uint32_t plateau_count, since_best;
    uint8_t stop;        /* a tmlp_stop_t */
    uint8_t reserved[3];
    tmlp_status_t error; /* the status that stopped it with TMLP_STOP_ERROR */
    /* The net as tmlp_train_begin found it; a step refuses a net that was
     * initialised again since with another shape, mode or arena. */
    const float *net_acts;
    uint32_t net_n_params, net_n_train;
    uint16_t net_n_in, net_n_out;
    uint8_t net_mode;
};

#endif
