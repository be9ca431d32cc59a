/* SPDX-License-Identifier: MIT */
/* JSON form of a model file: the model-level reader, which checks the
 * grammar of tmlp_json.h and builds the file through the library. The
 * lexical layer is in tmlp_json_lex.c, the writer in tmlp_json_write.c. */
#include "tmlp_json.h"

#include <stdlib.h>
#include <string.h>

#include "tmlp_json_lex.h"

/* ---- reading: the model-level grammar ---- */

/* One W row as read: where it starts and how many numbers it has. */
typedef struct {
    tmlp_json_pos_t at;
    size_t n;
} row_t;

typedef struct {
    tmlp_json_pos_t at, units_at, act_at, w_at, b_at, frozen_at;
    tmlp_json_pos_t param_at[2]; /* "lambda", "alpha" */
    unsigned seen;               /* K_* bits */
    unsigned long units;
    uint8_t act;
    uint8_t frozen; /* "trainable": false */
    float param[2];
    tmlp_json_fvec_t w, b;
    row_t *rows;
    size_t n_rows, cap_rows;
} jlayer_t;

typedef struct {
    tmlp_json_pos_t at, input_at, layers_at, scale_at, offset_at, scalev_at;
    unsigned seen;
    unsigned long n_in;
    size_t n_layers;
    jlayer_t layer[TMLP_MAX_LAYERS];
    tmlp_json_fvec_t offset, scale;
} jdoc_t;

enum {
    K_INPUT = 1,
    K_LAYERS = 2,
    K_SCALE = 4, /* document */
    K_UNITS = 1,
    K_ACT = 2,
    K_W = 4,
    K_B = 8,
    K_LAMBDA = 16,
    K_ALPHA = 32,
    K_TRAIN = 64, /* layer */
    K_OFFSET = 1,
    K_SCALEV = 2 /* scale */
};

/* Index of key in names[], or -1 (an unknown key, reported at kat). */
static int key_index(tmlp_json_lex_t *lx, const char *key, tmlp_json_pos_t kat,
                     const char *const *names, size_t n, unsigned *seen)
{
    char shown[TMLP_SHOW_BYTES];
    size_t i;
    for (i = 0; i < n; i++) {
        if (strcmp(key, names[i]) == 0) {
            if (*seen & (1u << i)) {
                return tmlp_json_fail(lx, kat, "duplicate key \"%s\"", key);
            }
            *seen |= 1u << i;
            return (int)i;
        }
    }
    return tmlp_json_fail(lx, kat, "unknown key \"%s\"", tmlp_show(shown, key, strlen(key)));
}

static int add_row(tmlp_json_lex_t *lx, jlayer_t *ly, tmlp_json_pos_t at, size_t n)
{
    if (ly->n_rows == ly->cap_rows) {
        size_t cap = ly->cap_rows ? 2u * ly->cap_rows : 16u;
        row_t *r = realloc(ly->rows, cap * sizeof *r);
        if (r == NULL) {
            return tmlp_json_fail(lx, at, "out of memory");
        }
        ly->rows = r;
        ly->cap_rows = cap;
    }
    ly->rows[ly->n_rows].at = at;
    ly->rows[ly->n_rows].n = n;
    ly->n_rows++;
    return 0;
}

/* "W": [[...], ...] into ly->w, one row_t per row. */
static int parse_matrix(tmlp_json_lex_t *lx, jlayer_t *ly)
{
    int more;
    if (tmlp_json_open(lx, '[', "an array of rows", &ly->w_at) != 0) {
        return -1;
    }
    while ((more = tmlp_json_next(lx, ']', ly->n_rows == 0)) == 1) {
        size_t before = ly->w.n;
        tmlp_json_pos_t at = tmlp_json_here(lx);
        if (tmlp_json_floats(lx, &ly->w, NULL) != 0 || add_row(lx, ly, at, ly->w.n - before) != 0) {
            return -1;
        }
    }
    return more;
}

static int parse_act(tmlp_json_lex_t *lx, jlayer_t *ly)
{
    char name[TMLP_JSON_MAX_STRING + 1], shown[TMLP_SHOW_BYTES];
    size_t i;
    if (tmlp_json_string(lx, name, &ly->act_at) != 0) {
        return -1;
    }
    for (i = 0; i < TMLP_JSON_N_ACTS; i++) {
        if (strcmp(name, tmlp_json_act_names[i]) == 0) {
            ly->act = (uint8_t)i;
            return 0;
        }
    }
    return tmlp_json_fail(lx, ly->act_at,
                          "unknown activation \"%s\" (identity, sigmoid, tanh, relu, leaky_relu, "
                          "softmax)",
                          tmlp_show(shown, name, strlen(name)));
}

static int parse_layer_value(tmlp_json_lex_t *lx, jlayer_t *ly, int k)
{
    int trainable = 1;
    switch (k) {
    case 0:
        return tmlp_json_uint(lx, &ly->units, &ly->units_at);
    case 1:
        return parse_act(lx, ly);
    case 2:
        return parse_matrix(lx, ly);
    case 3:
        return tmlp_json_floats(lx, &ly->b, &ly->b_at);
    case 4:
    case 5:
        return tmlp_json_float(lx, &ly->param[k - 4], &ly->param_at[k - 4]);
    default:
        if (tmlp_json_bool(lx, &trainable, &ly->frozen_at) != 0) {
            return -1;
        }
        ly->frozen = (uint8_t)!trainable;
#ifndef TMLP_LAYER_FROZEN
        if (ly->frozen) {
            return tmlp_json_fail(lx, ly->frozen_at,
                                  "\"trainable\": false is not supported: "
                                  "this tinymlp has no frozen layers");
        }
#endif
        return 0;
    }
}

static int parse_layer(tmlp_json_lex_t *lx, jlayer_t *ly)
{
    static const char *const keys[] = {"units", "act", "W", "b", "lambda", "alpha", "trainable"};
    char key[TMLP_JSON_MAX_STRING + 1];
    tmlp_json_pos_t kat;
    int more, first = 1;
    if (tmlp_json_open(lx, '{', "a layer object", &ly->at) != 0) {
        return -1;
    }
    while ((more = tmlp_json_next(lx, '}', first)) == 1) {
        int k;
        first = 0;
        if (tmlp_json_key(lx, key, &kat) != 0) {
            return -1;
        }
        k = key_index(lx, key, kat, keys, sizeof keys / sizeof keys[0], &ly->seen);
        if (k < 0 || parse_layer_value(lx, ly, k) != 0) {
            return -1;
        }
    }
    return more;
}

static int parse_layers(tmlp_json_lex_t *lx, jdoc_t *d)
{
    int more;
    if (tmlp_json_open(lx, '[', "an array of layers", &d->layers_at) != 0) {
        return -1;
    }
    while ((more = tmlp_json_next(lx, ']', d->n_layers == 0)) == 1) {
        if (d->n_layers == TMLP_MAX_LAYERS) {
            return tmlp_json_fail(lx, tmlp_json_here(lx), "more than %d layers", TMLP_MAX_LAYERS);
        }
        if (parse_layer(lx, &d->layer[d->n_layers++]) != 0) {
            return -1;
        }
    }
    return more;
}

static int parse_scale(tmlp_json_lex_t *lx, jdoc_t *d)
{
    static const char *const keys[] = {"offset", "scale"};
    char key[TMLP_JSON_MAX_STRING + 1];
    tmlp_json_pos_t kat;
    unsigned seen = 0;
    int more, first = 1;
    if (tmlp_json_open(lx, '{', "an object {\"offset\": [...], \"scale\": [...]}", &d->scale_at) !=
        0) {
        return -1;
    }
    while ((more = tmlp_json_next(lx, '}', first)) == 1) {
        int k;
        first = 0;
        if (tmlp_json_key(lx, key, &kat) != 0) {
            return -1;
        }
        k = key_index(lx, key, kat, keys, 2, &seen);
        if (k < 0 || tmlp_json_floats(lx, k == 0 ? &d->offset : &d->scale,
                                      k == 0 ? &d->offset_at : &d->scalev_at) != 0) {
            return -1;
        }
    }
    if (more == 0 && seen != (K_OFFSET | K_SCALEV)) {
        return tmlp_json_fail(lx, d->scale_at, "\"scale\": missing key \"%s\"",
                              (seen & K_OFFSET) ? "scale" : "offset");
    }
    return more;
}

static int parse_doc(tmlp_json_lex_t *lx, jdoc_t *d)
{
    static const char *const keys[] = {"input", "layers", "scale"};
    char key[TMLP_JSON_MAX_STRING + 1];
    tmlp_json_pos_t kat;
    int more, first = 1;
    if (tmlp_json_open(lx, '{', "a model object", &d->at) != 0) {
        return -1;
    }
    while ((more = tmlp_json_next(lx, '}', first)) == 1) {
        int k, rc;
        first = 0;
        if (tmlp_json_key(lx, key, &kat) != 0) {
            return -1;
        }
        k = key_index(lx, key, kat, keys, 3, &d->seen);
        if (k < 0) {
            return -1;
        }
        rc = k == 0   ? tmlp_json_uint(lx, &d->n_in, &d->input_at)
             : k == 1 ? parse_layers(lx, d)
                      : parse_scale(lx, d);
        if (rc != 0) {
            return -1;
        }
    }
    return more == 0 ? tmlp_json_end(lx) : -1;
}

/* ---- reading: shape and value checks, with the place of each mistake ---- */

/* The keys of a layer: all four present, and an activation parameter only
 * under the key of its own activation (the JSON form's rules). */
static int check_layer_keys(tmlp_json_lex_t *lx, const jdoc_t *d, size_t l)
{
    static const char *const need[] = {"units", "act", "W", "b"};
    const jlayer_t *ly = &d->layer[l];
    size_t k;
    for (k = 0; k < 4; k++) {
        if (!(ly->seen & (1u << k))) {
            return tmlp_json_fail(lx, ly->at, "layer %zu: missing key \"%s\"", l + 1u, need[k]);
        }
    }
    if ((ly->seen & K_LAMBDA) && ly->act != TMLP_ACT_SIGMOID) {
        return tmlp_json_fail(lx, ly->param_at[0],
                              "layer %zu: \"lambda\" is for sigmoid layers only", l + 1u);
    }
    if ((ly->seen & K_ALPHA) && ly->act != TMLP_ACT_LEAKY_RELU) {
        return tmlp_json_fail(lx, ly->param_at[1],
                              "layer %zu: \"alpha\" is for leaky_relu layers only", l + 1u);
    }
    return 0;
}

/* The shapes of a layer's numbers: W is units x n_in, b is units. */
static int check_layer_numbers(tmlp_json_lex_t *lx, const jdoc_t *d, size_t l, size_t n_in)
{
    const jlayer_t *ly = &d->layer[l];
    size_t k;
    if (ly->n_rows != ly->units) {
        return tmlp_json_fail(lx, ly->w_at,
                              "layer %zu: \"W\" has %zu rows, expected %lu (\"units\")", l + 1u,
                              ly->n_rows, ly->units);
    }
    for (k = 0; k < ly->n_rows; k++) {
        if (ly->rows[k].n != n_in) {
            return tmlp_json_fail(lx, ly->rows[k].at,
                                  "layer %zu: \"W\" row %zu has %zu numbers, expected %zu (the %s "
                                  "width)",
                                  l + 1u, k + 1u, ly->rows[k].n, n_in,
                                  l == 0 ? "input" : "previous layer's");
        }
    }
    if (ly->b.n != ly->units) {
        return tmlp_json_fail(lx, ly->b_at,
                              "layer %zu: \"b\" has %zu numbers, expected %lu (\"units\")", l + 1u,
                              ly->b.n, ly->units);
    }
    return 0;
}

/* Widths as the description stores them; a value that does not fit
 * becomes 0, which breaks the width rule as the value itself does. */
static uint16_t width_of(unsigned long v)
{
    return v <= 0xFFFFu ? (uint16_t)v : 0u;
}

/* The description the document states. With `checking`, a parameter given
 * as 0 is kept as -1 rather than 0, which the description reads as "the
 * default": 0 is out of range as a value, and the library's check must see
 * it so. Otherwise the default is stored as 0 (the canonical form). */
static tmlp_desc_t make_desc(const jdoc_t *d, int checking)
{
    tmlp_desc_t desc;
    size_t l;
    memset(&desc, 0, sizeof desc);
    desc.n_in = width_of(d->n_in);
    desc.n_layers = (uint8_t)d->n_layers;
    desc.flags = (d->seen & K_SCALE) ? (uint8_t)TMLP_DESC_INPUT_SCALE : 0u;
    for (l = 0; l < d->n_layers; l++) {
        const jlayer_t *ly = &d->layer[l];
        /* After the key checks, at most the key of this activation is set. */
        float p = ly->param[(ly->seen & K_ALPHA) ? 1 : 0];
        desc.layer[l].units = width_of(ly->units);
        desc.layer[l].act = ly->act;
#ifdef TMLP_LAYER_FROZEN
        desc.layer[l].flags = ly->frozen ? (uint8_t)TMLP_LAYER_FROZEN : 0u;
#endif
        if ((ly->seen & (K_LAMBDA | K_ALPHA)) && p != tmlp_json_default_param(ly->act)) {
            desc.layer[l].act_param = checking && p == 0.0f ? -1.0f : p;
        }
    }
    return desc;
}

/* The description's rules are the library's (tmlp_desc_check): this only
 * says where in the document the rule it names is broken. */
static int check_desc(tmlp_json_lex_t *lx, const jdoc_t *d)
{
    tmlp_desc_t desc = make_desc(d, 1);
    tmlp_desc_fault_t f = {0, 0};
    const jlayer_t *ly;
    if (tmlp_desc_check(&desc, &f) == TMLP_OK) {
        return 0;
    }
    ly = &d->layer[f.layer < d->n_layers ? f.layer : 0u];
    switch (f.rule) {
    case TMLP_DESC_N_IN:
        return tmlp_json_fail(lx, d->input_at, "\"input\" must be 1..%d", TMLP_MAX_WIDTH);
    case TMLP_DESC_N_LAYERS:
        return tmlp_json_fail(lx, d->layers_at, "\"layers\" is empty");
    case TMLP_DESC_UNITS:
        return tmlp_json_fail(lx, ly->units_at, "layer %u: \"units\" must be 1..%d",
                              f.layer + 1u, TMLP_MAX_WIDTH);
    case TMLP_DESC_SOFTMAX:
        return tmlp_json_fail(lx, ly->act_at,
                              "layer %u: softmax is allowed on the last layer only", f.layer + 1u);
    case TMLP_DESC_PARAM_RANGE:
        if (ly->act == TMLP_ACT_SIGMOID) {
            return tmlp_json_fail(lx, ly->param_at[0], "layer %u: \"lambda\" must be > 0",
                                  f.layer + 1u);
        }
        return tmlp_json_fail(lx, ly->param_at[1], "layer %u: \"alpha\" must be in (0, 1)",
                              f.layer + 1u);
    case TMLP_DESC_FROZEN_ORDER:
        return tmlp_json_fail(lx, ly->frozen_at,
                              "layer %u: frozen layers must come first (layer %u is trainable)",
                              f.layer + 1u, (unsigned)f.layer);
    default: /* the document cannot express the others */
        return tmlp_json_fail(lx, ly->at, "layer %u: not a valid layer", f.layer + 1u);
    }
}

static int check_doc(tmlp_json_lex_t *lx, const jdoc_t *d)
{
    size_t l, n_in;
    if (!(d->seen & K_INPUT) || !(d->seen & K_LAYERS)) {
        return tmlp_json_fail(lx, d->at, "missing key \"%s\"",
                              (d->seen & K_INPUT) ? "layers" : "input");
    }
    for (l = 0; l < d->n_layers; l++) {
        if (check_layer_keys(lx, d, l) != 0) {
            return -1;
        }
    }
    if (check_desc(lx, d) != 0) {
        return -1;
    }
    n_in = d->n_in;
    for (l = 0; l < d->n_layers; l++) {
        if (check_layer_numbers(lx, d, l, n_in) != 0) {
            return -1;
        }
        n_in = d->layer[l].units;
    }
    if ((d->seen & K_SCALE) && d->offset.n != d->n_in) {
        return tmlp_json_fail(lx, d->offset_at,
                              "\"offset\" has %zu numbers, expected %lu (\"input\")", d->offset.n,
                              d->n_in);
    }
    if ((d->seen & K_SCALE) && d->scale.n != d->n_in) {
        return tmlp_json_fail(lx, d->scalev_at,
                              "\"scale\" has %zu numbers, expected %lu (\"input\")", d->scale.n,
                              d->n_in);
    }
    return 0;
}

/* ---- reading: building the file through the library ---- */

static int build(const jdoc_t *d, void **model, size_t *model_len, tmlp_json_error_t *err)
{
    tmlp_desc_t desc = make_desc(d, 0);
    tmlp_net_t net;
    size_t bytes = 0, n_params = 0, at = 0, l;
    float *arena = NULL, *params = NULL;
    void *buf = NULL;
    tmlp_status_t st = tmlp_arena_size(&desc, NULL, &bytes);
    if (st == TMLP_OK) {
        for (l = 0; l < d->n_layers; l++) {
            n_params += d->layer[l].w.n + d->layer[l].b.n;
        }
        arena = malloc(bytes);
        params = malloc((n_params > 0u ? n_params : 1u) * sizeof(float)); /* never malloc(0) */
        st = arena == NULL || params == NULL ? TMLP_ERR_NOMEM : TMLP_OK;
    }
    if (st == TMLP_OK) {
        st = tmlp_net_init(&net, &desc, NULL, arena, bytes, NULL);
    }
    if (st == TMLP_OK) {
        for (l = 0; l < d->n_layers; l++) {
            memcpy(params + at, d->layer[l].w.v, d->layer[l].w.n * sizeof(float));
            at += d->layer[l].w.n;
            memcpy(params + at, d->layer[l].b.v, d->layer[l].b.n * sizeof(float));
            at += d->layer[l].b.n;
        }
        st = tmlp_net_set_params(&net, params, at);
    }
    if (st == TMLP_OK && (d->seen & K_SCALE)) {
        st = tmlp_net_set_input_scale(&net, d->offset.v, d->scale.v);
    }
    if (st == TMLP_OK) {
        st = tmlp_model_size(&net, 0, &bytes);
    }
    if (st == TMLP_OK) {
        buf = malloc(bytes);
        st = buf == NULL ? TMLP_ERR_NOMEM : tmlp_model_save(&net, 0, buf, bytes, model_len);
    }
    free(arena);
    free(params);
    if (st != TMLP_OK) {
        free(buf);
        return tmlp_json_fail0(err, st, "the library rejected the model (%s)", tmlp_status_str(st));
    }
    *model = buf;
    return 0;
}

static void free_doc(jdoc_t *d)
{
    size_t l;
    for (l = 0; l < TMLP_MAX_LAYERS; l++) {
        free(d->layer[l].w.v);
        free(d->layer[l].b.v);
        free(d->layer[l].rows);
    }
    free(d->offset.v);
    free(d->scale.v);
}

/* See tmlp_json.h. */
int tmlp_json_to_model(const char *text, size_t len, void **model, size_t *model_len,
                       tmlp_json_error_t *err)
{
    tmlp_json_lex_t lx;
    jdoc_t *d;
    int rc;
    if (err == NULL || (text == NULL && len > 0u) || model == NULL || model_len == NULL) {
        return err == NULL ? -1 : tmlp_json_fail0(err, TMLP_ERR_ARG, "bad arguments");
    }
    d = calloc(1, sizeof *d);
    if (d == NULL) {
        return tmlp_json_fail0(err, TMLP_ERR_NOMEM, "out of memory");
    }
    tmlp_json_lex_init(&lx, text, len, err);
    rc = parse_doc(&lx, d);
    if (rc == 0) {
        rc = check_doc(&lx, d);
    }
    if (rc == 0) {
        rc = build(d, model, model_len, err);
    }
    free_doc(d);
    free(d);
    return rc;
}
