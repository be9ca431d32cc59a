/* SPDX-License-Identifier: MIT */
/* Fuzzes the model file reader: tmlp_model_peek_buf on any bytes and, when
 * it accepts them and the net fits a fixed static arena, tmlp_model_load_buf
 * into a net built for the peeked desc (inference, and training with the
 * file's own optimizer when it has state). Properties checked (abort on
 * failure):
 * - peek accepting a file implies that a net for its desc can be built and
 *   that load accepts the same file; for a partial file (the frozen layers
 *   left out), that inference and training nets refuse it with
 *   TMLP_ERR_FROZEN, and that a fine-tuning net on a base of zeros takes it
 *   exactly when the file's base CRC is that of zeros (tmlp-mkmodel
 *   --partial seeds are such files);
 * - every parameter and scaling value of the loaded net is finite;
 * - saving the loaded net gives back the input bytes (for header size 32
 *   and the version a writer gives the file: 1 full, 2 partial);
 * - a forward (and a training step) on the loaded net does not crash, and
 *   fails, if at all, only with TMLP_ERR_NUMERIC (finite values that
 *   overflow).
 * Each input is tried twice: as given, and with its size field and CRC
 * made right, so that mutations get past the CRC to the checks behind it. */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "tinymlp.h"

#define ARENA_FLOATS 65536u /* 256 KiB */
static float arena[ARENA_FLOATS];
static float zeros[ARENA_FLOATS]; /* the base of a partial file */
static float x[TMLP_MAX_WIDTH];
static uint8_t saved[4u * ARENA_FLOATS + 4096u];

static void resave(const tmlp_net_t *net, uint32_t what, const uint8_t *data, size_t size)
{
    size_t len = 0;
    int version = (data[8] & 4) ? 2 : 1;
    if ((data[6] | data[7] << 8) != 32 || (data[4] | data[5] << 8) != version) {
        return;
    }
    if (tmlp_model_save(net, what, saved, sizeof saved, &len) != TMLP_OK || len != size ||
        memcmp(saved, data, size) != 0) {
        abort();
    }
}

/* A forward or a step on a net loaded from an accepted file, with finite
 * arguments, can fail only by overflowing. */
static void numeric_only(tmlp_status_t st)
{
    if (st != TMLP_OK && st != TMLP_ERR_NUMERIC) {
        abort();
    }
}

/* The reader promises that every float it accepts is finite. */
static void all_finite(const tmlp_net_t *net, const tmlp_desc_t *d)
{
    const float *p = NULL, *off = NULL, *sc = NULL;
    size_t n = 0, i;
    if (tmlp_net_params(net, &p, &n) != TMLP_OK) {
        abort();
    }
    for (i = 0; i < n; i++) {
        if (!(p[i] - p[i] == 0.0f)) {
            abort();
        }
    }
    if ((d->flags & TMLP_DESC_INPUT_SCALE) == 0u) {
        return;
    }
    if (tmlp_net_input_scale(net, &off, &sc) != TMLP_OK) {
        abort();
    }
    for (i = 0; i < d->n_in; i++) {
        if (!(off[i] - off[i] == 0.0f) || !(sc[i] - sc[i] == 0.0f)) {
            abort();
        }
    }
}

static void infer(const tmlp_desc_t *d, const tmlp_model_info_t *info, const uint8_t *data,
                  size_t size)
{
    tmlp_net_t net;
    size_t need = 0;
    if (tmlp_arena_size(d, NULL, &need) != TMLP_OK) {
        abort();
    }
    if (need > sizeof arena) {
        return;
    }
    if (tmlp_net_init(&net, d, NULL, arena, sizeof arena, NULL) != TMLP_OK) {
        abort();
    }
    if (info->partial) {
        if (tmlp_model_load_buf(&net, 0, data, size) != TMLP_ERR_FROZEN) {
            abort();
        }
        return;
    }
    if (tmlp_model_load_buf(&net, 0, data, size) != TMLP_OK) {
        abort();
    }
    all_finite(&net, d);
    if (!info->has_optim) {
        resave(&net, 0, data, size);
    }
    numeric_only(tmlp_net_forward(&net, x, NULL));
}

static void train(const tmlp_desc_t *d, const tmlp_model_info_t *info, const uint8_t *data,
                  size_t size)
{
    tmlp_net_t net;
    tmlp_target_t t;
    size_t need = 0;
    tmlp_status_t st = tmlp_arena_size(d, &(tmlp_opts_t){.optim = &info->optim}, &need);
    if (st == TMLP_ERR_FROZEN) {
        /* Every layer frozen: the reader accepts optimizer state for no
         * trainable parameter, which no training net can take (reported). */
        return;
    }
    if (st != TMLP_OK) {
        abort();
    }
    if (need > sizeof arena) {
        return;
    }
    if (tmlp_net_init(&net, d, &(tmlp_opts_t){.optim = &info->optim}, arena, sizeof arena, NULL) !=
            TMLP_OK ||
        tmlp_model_load_buf(&net, TMLP_SAVE_OPTIM, data, size) != TMLP_OK) {
        abort();
    }
    resave(&net, TMLP_SAVE_OPTIM, data, size);
    memset(&t, 0, sizeof t);
    t.values = x;
    if (tmlp_net_forward(&net, x, NULL) == TMLP_OK &&
        tmlp_net_backward(&net, TMLP_LOSS_MSE, &t, NULL) == TMLP_OK) {
        numeric_only(tmlp_net_step(&net));
    }
}

/* A training net has no base to complete a partial file with. */
static void train_refuses(const tmlp_desc_t *d, const tmlp_optim_t *opt, uint32_t what,
                          const uint8_t *data, size_t size)
{
    tmlp_net_t net;
    size_t need = 0;
    if (tmlp_arena_size(d, &(tmlp_opts_t){.optim = opt}, &need) != TMLP_OK || need > sizeof arena) {
        return;
    }
    if (tmlp_net_init(&net, d, &(tmlp_opts_t){.optim = opt}, arena, sizeof arena, NULL) != TMLP_OK ||
        tmlp_model_load_buf(&net, what, data, size) != TMLP_ERR_FROZEN) {
        abort();
    }
}

/* A fine-tuning net on a base of zeros, with the file's optimizer (or SGD):
 * it takes the partial file exactly when the base CRC is that of zeros. */
static void partial(const tmlp_desc_t *d, const tmlp_model_info_t *info, const uint8_t *data,
                    size_t size)
{
    tmlp_optim_t opt;
    tmlp_net_t net;
    tmlp_target_t t;
    const float *p = NULL;
    size_t need = 0, n_train = 0;
    uint32_t crc = 0, what = info->has_optim ? TMLP_SAVE_OPTIM : 0u;
    tmlp_status_t st;
    memset(&opt, 0, sizeof opt);
    opt.lr = 0.1f;
    if (info->has_optim) {
        opt = info->optim;
    }
    train_refuses(d, &opt, what, data, size);
    if (info->n_params > ARENA_FLOATS) {
        return;
    }
    if (tmlp_arena_size(d, &(tmlp_opts_t){.optim = &opt, .params = zeros}, &need) != TMLP_OK) {
        abort();
    }
    if (need > sizeof arena) {
        return;
    }
    if (tmlp_net_init(&net, d, &(tmlp_opts_t){.optim = &opt, .params = zeros, .n_params = info->n_params}, arena, sizeof arena, NULL) !=
            TMLP_OK ||
        tmlp_net_train_params(&net, &p, &n_train) != TMLP_OK) {
        abort();
    }
    if (tmlp_crc32(0, zeros, sizeof(float) * (info->n_params - n_train), &crc) != TMLP_OK) {
        abort();
    }
    st = tmlp_model_load_buf(&net, what, data, size);
    if (st != (crc == info->base_crc ? TMLP_OK : TMLP_ERR_FROZEN)) {
        abort();
    }
    if (st != TMLP_OK) {
        return;
    }
    resave(&net, what, data, size);
    memset(&t, 0, sizeof t);
    t.values = x;
    if (tmlp_net_forward(&net, x, NULL) == TMLP_OK &&
        tmlp_net_backward(&net, TMLP_LOSS_MSE, &t, NULL) == TMLP_OK) {
        numeric_only(tmlp_net_step(&net));
    }
}

static void check(const uint8_t *data, size_t size)
{
    tmlp_desc_t d;
    tmlp_model_info_t info;
    if (tmlp_model_peek_buf(data, size, &d, &info) != TMLP_OK) {
        return;
    }
    if (info.file_bytes != size) {
        abort();
    }
    infer(&d, &info, data, size);
    if (info.partial) {
        partial(&d, &info, data, size);
    } else if (info.has_optim) {
        train(&d, &info, data, size);
    }
}

static void put_u32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t *fixed;
    uint32_t crc = 0;
    check(data, size);
    if (size < TMLP_MODEL_BASE_BYTES(1) || size > UINT32_MAX) {
        return 0;
    }
    /* An exact-size copy, so ASan sees any read past the end. */
    fixed = malloc(size);
    if (fixed == NULL) {
        abort();
    }
    memcpy(fixed, data, size);
    put_u32(fixed + 20, (uint32_t)size);
    if (tmlp_crc32(0, fixed, size - 4u, &crc) != TMLP_OK) {
        abort();
    }
    put_u32(fixed + size - 4u, crc);
    check(fixed, size);
    free(fixed);
    return 0;
}
