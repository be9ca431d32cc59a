/* SPDX-License-Identifier: MIT */
/* tmlp-mkmodel: writes a random model file through the library, for tests
 * and fuzzing seeds (a test fixture generator, built as
 * $(BUILDDIR)/tmlp-mkmodel by make test-tool and make test-json).
 *
 *   tmlp-mkmodel [-s SEED] [--scale] [--optim] [--edge] [--frozen K [--partial]] -o OUT.tmlp
 * N_IN UNITS:ACT[:PARAM]...
 *
 * ACT is identity, sigmoid, tanh, relu, leaky_relu or softmax; PARAM (a
 * float) is stored as the layer's act_param exactly as given. Weights,
 * biases and scaling are drawn from the seed (default 1). --scale adds input
 * scaling, --frozen K freezes the first K layers, --optim saves SGD-with-momentum state (zeros),
 * --edge puts awkward floats (-0, subnormals, FLT_MAX, ...) at the start of the parameters.
 * --partial (with --frozen K) writes the partial file of a fine-tuning net
 * whose base has every frozen parameter 0, so a reader can rebuild the base
 * (the fuzzer does); the trainable layers are drawn from the seed. */
#define _POSIX_C_SOURCE 200809L

#include <float.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tinymlp.h"

static const char *const acts[] = {"identity", "sigmoid", "tanh", "relu", "leaky_relu", "softmax"};

static int usage(void)
{
    fputs("usage: tmlp-mkmodel [-s SEED] [--scale] [--optim] [--edge] [--frozen K [--partial]] "
          "-o OUT N_IN UNITS:ACT[:PARAM]...\n",
          stderr);
    return 2;
}

static int parse_layer(const char *s, tmlp_layer_desc_t *ly)
{
    char name[32];
    const char *c1 = strchr(s, ':'), *c2;
    size_t i, n;
    char *end;
    unsigned long u = strtoul(s, &end, 10);
    if (c1 == NULL || end != c1 || u == 0u || u > 65535u) {
        return -1;
    }
    ly->units = (uint16_t)u;
    c2 = strchr(c1 + 1, ':');
    n = c2 != NULL ? (size_t)(c2 - c1 - 1) : strlen(c1 + 1);
    if (n >= sizeof name) {
        return -1;
    }
    memcpy(name, c1 + 1, n);
    name[n] = '\0';
    for (i = 0; i < sizeof acts / sizeof acts[0] && strcmp(name, acts[i]) != 0; i++) {
    }
    if (i == sizeof acts / sizeof acts[0]) {
        return -1;
    }
    ly->act = (uint8_t)i;
    if (c2 != NULL) {
        ly->act_param = strtof(c2 + 1, &end);
        if (*end != '\0') {
            return -1;
        }
    }
    return 0;
}

static tmlp_status_t edge_values(tmlp_net_t *net)
{
    static const float edge[] = {-0.0f,           1e-45f,      -1e-45f,  FLT_MIN,
                                 1.17549421e-38f, FLT_MAX,     -FLT_MAX, 0.1f,
                                 1.0f / 3.0f,     16777216.0f, 1e-30f,   123456.789f};
    const float *p;
    size_t n, k;
    float *copy;
    tmlp_status_t st = tmlp_net_params(net, &p, &n);
    if (st != TMLP_OK) {
        return st;
    }
    copy = malloc(n * sizeof *copy);
    if (copy == NULL) {
        return TMLP_ERR_NOMEM;
    }
    memcpy(copy, p, n * sizeof *copy);
    for (k = 0; k < n && k < sizeof edge / sizeof edge[0]; k++) {
        copy[k] = edge[k];
    }
    st = tmlp_net_set_params(net, copy, n);
    free(copy);
    return st;
}

static int set_scale(tmlp_net_t *net, tmlp_rng_t *rng, size_t n_in)
{
    float *off = malloc(2u * n_in * sizeof *off), *sc;
    size_t i;
    int rc;
    if (off == NULL) {
        return -1;
    }
    sc = off + n_in; /* after the NULL check: no arithmetic on a NULL pointer */
    for (i = 0; i < n_in; i++) {
        if (tmlp_rng_normal(rng, &off[i]) != TMLP_OK || tmlp_rng_uniform(rng, &sc[i]) != TMLP_OK) {
            free(off);
            return -1;
        }
        sc[i] += 0.1f;
    }
    rc = tmlp_net_set_input_scale(net, off, sc) == TMLP_OK ? 0 : -1;
    free(off);
    return rc;
}

/* The fine-tuning net of --partial: on a copy of net's parameters whose
 * frozen layers are zeroed, with net's input scaling. *base and *arena are
 * malloc'd (free them after saving). */
static tmlp_status_t make_finetune(const tmlp_net_t *net, const tmlp_desc_t *d, tmlp_net_t *ft,
                                   float **base, void **arena)
{
    tmlp_optim_t opt = {.kind = TMLP_OPT_SGD, .lr = 0.1f, .momentum = 0.9f};
    const float *p = NULL, *off, *sc;
    size_t n = 0, bytes = 0, n_frozen = 0, l, prev = d->n_in;
    tmlp_status_t st = tmlp_net_params(net, &p, &n);
    for (l = 0; l < d->n_layers && (d->layer[l].flags & TMLP_LAYER_FROZEN); l++) {
        n_frozen += TMLP_DENSE_PARAMS(prev, d->layer[l].units);
        prev = d->layer[l].units;
    }
    if (st == TMLP_OK) {
        st = tmlp_arena_size(d, &(tmlp_opts_t){.optim = &opt, .params = p}, &bytes);
    }
    *base = st == TMLP_OK ? malloc(n * sizeof **base) : NULL;
    *arena = st == TMLP_OK ? malloc(bytes) : NULL;
    if (*base == NULL || *arena == NULL) {
        return st != TMLP_OK ? st : TMLP_ERR_NOMEM;
    }
    memcpy(*base, p, n * sizeof **base);
    memset(*base, 0, n_frozen * sizeof **base);
    st = tmlp_net_init(ft, d, &(tmlp_opts_t){.optim = &opt, .params = *base, .n_params = n}, *arena, bytes, NULL);
    if (st == TMLP_OK && (d->flags & TMLP_DESC_INPUT_SCALE)) {
        st = tmlp_net_input_scale(net, &off, &sc);
        st = st == TMLP_OK ? tmlp_net_set_input_scale(ft, off, sc) : st;
    }
    return st;
}

static int save_file(const tmlp_net_t *net, uint32_t what, const char *out)
{
    size_t bytes = 0, len = 0;
    void *buf = NULL;
    FILE *f;
    int ok;
    tmlp_status_t st = tmlp_model_size(net, what, &bytes);
    buf = st == TMLP_OK ? malloc(bytes) : NULL;
    if (buf != NULL) {
        st = tmlp_model_save(net, what, buf, bytes, &len);
    }
    if (st != TMLP_OK || buf == NULL) {
        fprintf(stderr, "tmlp-mkmodel: %s\n", st != TMLP_OK ? tmlp_status_str(st) : "out of memory");
        free(buf);
        return 1;
    }
    f = fopen(out, "wb");
    ok = f != NULL && fwrite(buf, 1, len, f) == len;
    ok = f != NULL && fclose(f) == 0 && ok;
    free(buf);
    if (!ok) {
        fprintf(stderr, "tmlp-mkmodel: can not write %s\n", out);
    }
    return ok ? 0 : 1;
}

static int make(const tmlp_desc_t *d, uint32_t seed, int optim, int edge, int partial,
                const char *out)
{
    tmlp_optim_t opt = {.kind = TMLP_OPT_SGD, .lr = 0.1f, .momentum = 0.9f};
    tmlp_init_t init = {.kind = TMLP_INIT_NORMAL, .init_bias = 1, .a = 0.0f, .b = 1.0f};
    tmlp_opts_t mode = {.optim = optim ? &opt : NULL};
    tmlp_net_t net, ft;
    tmlp_rng_t rng;
    size_t bytes = 0;
    void *arena, *ft_arena = NULL;
    float *base = NULL;
    int rc = 1;
    tmlp_status_t st = tmlp_arena_size(d, &mode, &bytes);
    arena = st == TMLP_OK ? malloc(bytes) : NULL;
    if (arena != NULL) {
        st = tmlp_net_init(&net, d, &mode, arena, bytes, NULL);
    }
    if (st == TMLP_OK && arena != NULL) {
        st = tmlp_rng_seed(&rng, seed);
        if (st == TMLP_OK) {
            st = tmlp_net_init_weights(&net, &init, &rng);
        }
        if (st == TMLP_OK && (d->flags & TMLP_DESC_INPUT_SCALE) &&
            set_scale(&net, &rng, d->n_in) != 0) {
            st = TMLP_ERR_NOMEM;
        }
        if (st == TMLP_OK && edge) {
            st = edge_values(&net);
        }
        if (st == TMLP_OK && partial) {
            st = make_finetune(&net, d, &ft, &base, &ft_arena);
        }
    }
    if (st != TMLP_OK || arena == NULL) {
        fprintf(stderr, "tmlp-mkmodel: %s\n", st != TMLP_OK ? tmlp_status_str(st) : "out of memory");
    } else {
        rc = save_file(partial ? &ft : &net, optim ? TMLP_SAVE_OPTIM : 0u, out);
    }
    free(arena);
    free(ft_arena);
    free(base);
    return rc;
}

int main(int argc, char **argv)
{
    tmlp_desc_t d;
    const char *out = NULL;
    unsigned long seed = 1, n_in = 0, frozen = 0, l;
    int i, optim = 0, edge = 0, partial = 0;
    memset(&d, 0, sizeof d);
    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-s") == 0 && i + 1 < argc) {
            seed = strtoul(argv[++i], NULL, 10);
        } else if (strcmp(argv[i], "-o") == 0 && i + 1 < argc) {
            out = argv[++i];
        } else if (strcmp(argv[i], "--scale") == 0) {
            d.flags |= TMLP_DESC_INPUT_SCALE;
        } else if (strcmp(argv[i], "--optim") == 0) {
            optim = 1;
        } else if (strcmp(argv[i], "--frozen") == 0 && i + 1 < argc) {
            frozen = strtoul(argv[++i], NULL, 10);
        } else if (strcmp(argv[i], "--partial") == 0) {
            partial = 1;
        } else if (strcmp(argv[i], "--edge") == 0) {
            edge = 1;
        } else if (n_in == 0u) {
            n_in = strtoul(argv[i], NULL, 10);
            if (n_in == 0u || n_in > 65535u) {
                return usage();
            }
        } else if (d.n_layers >= TMLP_MAX_LAYERS ||
                   parse_layer(argv[i], &d.layer[d.n_layers++]) != 0) {
            return usage();
        }
    }
    if (out == NULL || d.n_layers == 0u || (partial && frozen == 0u)) {
        return usage();
    }
    d.n_in = (uint16_t)n_in;
    for (l = 0; l < frozen && l < d.n_layers; l++) {
#ifdef TMLP_LAYER_FROZEN
        d.layer[l].flags = TMLP_LAYER_FROZEN;
#else
        fputs("tmlp-mkmodel: this tinymlp has no frozen layers\n", stderr);
        return 2;
#endif
    }
    return make(&d, (uint32_t)seed, optim, edge, partial, out);
}
