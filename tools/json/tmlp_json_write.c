/* SPDX-License-Identifier: MIT */
/* JSON form of a model file: the writer (see tmlp_json.h). */
#include "tmlp_json.h"

#include <stdlib.h>
#include <string.h>

#include "tmlp_json_lex.h"

/* ---- writing ---- */

static void put_floats(FILE *out, const float *v, size_t n)
{
    size_t i;
    fputc('[', out);
    for (i = 0; i < n; i++) {
        fprintf(out, i == 0 ? "%.9g" : ", %.9g", (double)v[i]);
    }
    fputc(']', out);
}

static void put_layer(FILE *out, const tmlp_layer_desc_t *ly, size_t n_in, const float *p,
                      unsigned *notes)
{
    size_t r;
    fprintf(out, "    {\n      \"units\": %u,\n      \"act\": \"%s\",\n", (unsigned)ly->units,
            tmlp_json_act_names[ly->act]);
    if (ly->act_param != 0.0f) {
        if ((ly->act != TMLP_ACT_SIGMOID && ly->act != TMLP_ACT_LEAKY_RELU) ||
            ly->act_param == tmlp_json_default_param(ly->act)) {
            *notes |= TMLP_JSON_NOTE_PARAM_CANON;
        } else {
            fprintf(out, "      \"%s\": %.9g,\n", ly->act == TMLP_ACT_SIGMOID ? "lambda" : "alpha",
                    (double)ly->act_param);
        }
    }
#ifdef TMLP_LAYER_FROZEN
    if (ly->flags & TMLP_LAYER_FROZEN) {
        fputs("      \"trainable\": false,\n", out);
    }
#endif
    fputs("      \"W\": [\n", out);
    for (r = 0; r < ly->units; r++) {
        fputs("        ", out);
        put_floats(out, p + r * n_in, n_in);
        fputs(r + 1u < ly->units ? ",\n" : "\n", out);
    }
    fputs("      ],\n      \"b\": ", out);
    put_floats(out, p + (size_t)ly->units * n_in, ly->units);
    fputs("\n    }", out);
}

/* See tmlp_json.h. */
int tmlp_json_write(FILE *out, const tmlp_desc_t *desc, const float *params, const float *offset,
                    const float *scale, unsigned *notes, tmlp_json_error_t *err)
{
    size_t l, n_in, at = 0;
    unsigned dummy = 0;
    int scaled;
    if (notes == NULL) {
        notes = &dummy;
    }
    if (out == NULL || desc == NULL || params == NULL || err == NULL || desc->n_layers == 0u ||
        desc->n_layers > TMLP_MAX_LAYERS) {
        return err == NULL ? -1 : tmlp_json_fail0(err, TMLP_ERR_ARG, "bad arguments");
    }
    scaled = (desc->flags & TMLP_DESC_INPUT_SCALE) != 0u;
    if (scaled && (offset == NULL || scale == NULL)) {
        return tmlp_json_fail0(err, TMLP_ERR_ARG, "bad arguments: no input scaling given");
    }
    for (l = 0; l < desc->n_layers; l++) {
        if (desc->layer[l].act >= TMLP_JSON_N_ACTS) {
            return tmlp_json_fail0(err, TMLP_ERR_ARG, "layer %zu: unknown activation %u", l + 1u,
                                   (unsigned)desc->layer[l].act);
        }
    }
    fprintf(out, "{\n  \"input\": %u,\n  \"layers\": [\n", (unsigned)desc->n_in);
    n_in = desc->n_in;
    for (l = 0; l < desc->n_layers; l++) {
        const tmlp_layer_desc_t *ly = &desc->layer[l];
        put_layer(out, ly, n_in, params + at, notes);
        fputs(l + 1u < desc->n_layers ? ",\n" : "\n", out);
        at += TMLP_DENSE_PARAMS(n_in, ly->units);
        n_in = ly->units;
    }
    fputs(scaled ? "  ],\n" : "  ]\n", out);
    if (scaled) {
        fputs("  \"scale\": {\n    \"offset\": ", out);
        put_floats(out, offset, desc->n_in);
        fputs(",\n    \"scale\": ", out);
        put_floats(out, scale, desc->n_in);
        fputs("\n  }\n", out);
    }
    fputs("}\n", out);
    if (fflush(out) != 0 || ferror(out)) {
        return tmlp_json_fail0(err, TMLP_OK, "write error");
    }
    return 0;
}

static uint32_t le32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* The library says only TMLP_ERR_FORMAT; name the commonest causes. */
static int bad_file(const void *model, size_t len, tmlp_status_t st, tmlp_json_error_t *err)
{
    const unsigned char *b = (const unsigned char *)model;
    uint32_t crc = 0;
    if (st != TMLP_ERR_FORMAT) {
        return tmlp_json_fail0(err, st, "not a valid tinymlp model file (%s)", tmlp_status_str(st));
    }
    if (len < TMLP_MODEL_BASE_BYTES(1)) {
        return tmlp_json_fail0(err, st, "not a model file: only %zu bytes", len);
    }
    if (memcmp(b, "TMLP", 4) != 0) {
        return tmlp_json_fail0(err, st, "not a model file: no \"TMLP\" magic");
    }
    if (le32(b + 20) != len) {
        return tmlp_json_fail0(err, st,
                               "truncated or padded: the header says %lu bytes, the file has %zu",
                               (unsigned long)le32(b + 20), len);
    }
    if (tmlp_crc32(0, b, len - 4u, &crc) == TMLP_OK && crc != le32(b + len - 4u)) {
        return tmlp_json_fail0(err, st, "corrupt: CRC mismatch (stored %08lx, computed %08lx)",
                               (unsigned long)le32(b + len - 4u), (unsigned long)crc);
    }
    return tmlp_json_fail0(err, st, "not a valid tinymlp model file (%s)", tmlp_status_str(st));
}

/* A partial file (a fine-tuning checkpoint) has no frozen layers to dump. */
static int partial_file(const tmlp_model_info_t *info, tmlp_json_error_t *err)
{
    return tmlp_json_fail0(err, TMLP_ERR_FROZEN,
                           "a partial file: the parameters of its %u frozen layer%s are not in "
                           "it (base CRC-32 %08lx); save the whole model with TMLP_SAVE_FULL",
                           (unsigned)info->n_frozen, info->n_frozen == 1u ? "" : "s",
                           (unsigned long)info->base_crc);
}

/* See tmlp_json.h. */
int tmlp_json_dump(FILE *out, const void *model, size_t len, unsigned *notes,
                   tmlp_json_error_t *err)
{
    tmlp_desc_t desc;
    tmlp_model_info_t info;
    tmlp_net_t net;
    const float *params = NULL, *offset = NULL, *scale = NULL;
    size_t n_params = 0, bytes = 0;
    float *arena;
    tmlp_status_t st;
    int rc;
    unsigned dummy = 0;
    if (notes == NULL) {
        notes = &dummy;
    }
    *notes = 0;
    if (err == NULL || model == NULL) {
        return err == NULL ? -1 : tmlp_json_fail0(err, TMLP_ERR_ARG, "bad arguments");
    }
    st = tmlp_model_peek_buf(model, len, &desc, &info);
    if (st == TMLP_OK) {
        st = tmlp_arena_size(&desc, NULL, &bytes);
    }
    if (st != TMLP_OK) {
        return bad_file(model, len, st, err);
    }
    if (info.partial) {
        return partial_file(&info, err);
    }
    arena = malloc(bytes);
    if (arena == NULL) {
        return tmlp_json_fail0(err, TMLP_ERR_NOMEM, "out of memory (%zu bytes)", bytes);
    }
    st = tmlp_net_init(&net, &desc, NULL, arena, bytes, NULL);
    if (st == TMLP_OK) {
        st = tmlp_model_load_buf(&net, 0, model, len);
    }
    if (st == TMLP_OK) {
        st = tmlp_net_params(&net, &params, &n_params);
    }
    if (st == TMLP_OK && info.has_scale) {
        st = tmlp_net_input_scale(&net, &offset, &scale);
    }
    if (st != TMLP_OK) {
        free(arena);
        return tmlp_json_fail0(err, st, "can not load the model (%s)", tmlp_status_str(st));
    }
    if (info.has_optim) {
        *notes |= TMLP_JSON_NOTE_OPTIM_DROPPED;
    }
    rc = tmlp_json_write(out, &desc, params, offset, scale, notes, err);
    free(arena);
    return rc;
}
