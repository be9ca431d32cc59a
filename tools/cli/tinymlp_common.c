/* SPDX-License-Identifier: MIT */
/* tinymlp tool: helpers shared by the subcommands (files, models, names). */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tinymlp_tool.h"

/* Refuse inputs larger than this (bytes). */
#define MAX_FILE_BYTES (1ul << 31)

void tool_err(const char *fmt, ...)
{
    va_list ap;
    fputs("tinymlp: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

char *tool_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL, *nb;
    size_t cap = 0, n = 0, got;
    if (f == NULL) {
        tool_err("%s: %s", path, strerror(errno));
        return NULL;
    }
    do {
        if (cap - n < 65536u) {
            cap = cap ? 2u * cap : 65536u;
            nb = cap > MAX_FILE_BYTES ? NULL : realloc(buf, cap + 1u);
            if (nb == NULL) {
                tool_err("%s: file too large or out of memory", path);
                free(buf);
                fclose(f);
                return NULL;
            }
            buf = nb;
        }
        got = fread(buf + n, 1, cap - n, f);
        n += got;
    } while (got > 0u);
    if (ferror(f)) {
        tool_err("%s: read error", path);
        free(buf);
        fclose(f);
        return NULL;
    }
    fclose(f);
    buf[n] = '\0';
    *len = n;
    return buf;
}

int tool_model_read(const char *path, tool_model_t *m)
{
    tmlp_status_t st;
    memset(m, 0, sizeof *m);
    m->path = path;
    m->buf = tool_read_file(path, &m->len);
    if (m->buf == NULL) {
        return -1;
    }
    if (m->len == 0u) {
        tool_err("%s: empty file", path);
        tool_model_free(m);
        return -1;
    }
    st = tmlp_model_peek_buf(m->buf, m->len, &m->desc, &m->info);
    if (st != TMLP_OK) {
        tool_err("%s: not a valid tinymlp model file (%s)", path, tmlp_status_str(st));
        tool_model_free(m);
        return -1;
    }
    return 0;
}

void tool_model_free(tool_model_t *m)
{
    free(m->buf);
    m->buf = NULL;
}

int tool_model_whole(const tool_model_t *m)
{
    if (m->info.partial) {
        tool_err("%s: a partial file (a fine-tuning checkpoint without its %u frozen layer%s, "
                 "base CRC-32 %08lx): it loads only into a fine-tuning net on that base; "
                 "save the whole model with TMLP_SAVE_FULL",
                 m->path, (unsigned)m->info.n_frozen, m->info.n_frozen == 1u ? "" : "s",
                 (unsigned long)m->info.base_crc);
        return -1;
    }
    return 0;
}

int tool_model_net(const tool_model_t *m, tmlp_net_t *net, void **arena)
{
    size_t bytes = 0;
    tmlp_status_t st = tmlp_arena_size(&m->desc, NULL, &bytes);
    *arena = NULL;
    if (tool_model_whole(m) != 0) {
        return -1;
    }
    if (st == TMLP_OK) {
        *arena = calloc(1, bytes);
        st = *arena == NULL ? TMLP_ERR_NOMEM
                            : tmlp_net_init(net, &m->desc, NULL, *arena, bytes,
                                            NULL);
    }
    if (st == TMLP_OK) {
        st = tmlp_model_load_buf(net, 0, m->buf, m->len);
    }
    if (st != TMLP_OK) {
        tool_err("%s: can't build a net for this model: %s", m->path, tmlp_status_str(st));
        free(*arena);
        *arena = NULL;
        return -1;
    }
    return 0;
}

static const char *const act_names[] = {"identity", "sigmoid", "tanh",
                                        "relu",     "leaky_relu", "softmax"};
static const char *const loss_names[] = {"half_sse", "mse", "bce", "ce"};

const char *tool_act_name(unsigned act)
{
    return act < 6u ? act_names[act] : "?";
}

int tool_act_parse(const char *s, uint8_t *act)
{
    unsigned i;
    for (i = 0; i < 6u; i++) {
        if (strcmp(s, act_names[i]) == 0) {
            *act = (uint8_t)i;
            return 0;
        }
    }
    tool_err("--act %s: unknown activation (identity, sigmoid, tanh, relu, leaky_relu, softmax)",
             s);
    return -1;
}

const char *tool_loss_name(unsigned loss)
{
    return loss < 4u ? loss_names[loss] : "?";
}

int tool_loss_parse(const char *s, uint8_t *loss)
{
    unsigned i;
    for (i = 1; i < 4u; i++) {
        if (strcmp(s, loss_names[i]) == 0) {
            *loss = (uint8_t)i;
            return 0;
        }
    }
    tool_err("--loss %s: must be ce, mse or bce", s);
    return -1;
}

uint32_t tool_n_out(const tmlp_desc_t *desc)
{
    return desc->layer[desc->n_layers - 1u].units;
}

uint8_t tool_default_loss(const tmlp_desc_t *desc)
{
    switch (desc->layer[desc->n_layers - 1u].act) {
    case TMLP_ACT_SOFTMAX:
        return TMLP_LOSS_CE;
    case TMLP_ACT_SIGMOID:
        return TMLP_LOSS_BCE;
    default:
        return TMLP_LOSS_MSE;
    }
}

int tool_loss_check(const tmlp_desc_t *desc, uint8_t loss)
{
    unsigned act = desc->layer[desc->n_layers - 1u].act;
    if ((loss == TMLP_LOSS_CE && act != TMLP_ACT_SOFTMAX) ||
        (loss == TMLP_LOSS_BCE && act != TMLP_ACT_SIGMOID)) {
        tool_err("loss %s does not suit the model's %s output layer (ce needs softmax, bce "
                 "needs sigmoid)", tool_loss_name(loss), tool_act_name(act));
        return -1;
    }
    return 0;
}

int tool_scan_u32(const char *s, uint32_t *out)
{
    char *end;
    unsigned long v;
    errno = 0;
    v = strtoul(s, &end, 10);
    if (s[0] < '0' || s[0] > '9' || *end != '\0' || errno != 0 || v > 0xFFFFFFFFul) {
        return -1;
    }
    *out = (uint32_t)v;
    return 0;
}

int tool_scan_float(const char *s, float *out)
{
    char *end;
    float v;
    errno = 0;
    v = strtof(s, &end);
    if (end == s || *end != '\0' || errno != 0 || !isfinite(v)) {
        return -1;
    }
    *out = v;
    return 0;
}

int tool_parse_u32(const char *opt, const char *s, uint32_t *out)
{
    if (tool_scan_u32(s, out) != 0) {
        tool_err("%s %s: must be an integer in 0..4294967295", opt, s);
        return -1;
    }
    return 0;
}

int tool_parse_float(const char *opt, const char *s, float *out)
{
    if (tool_scan_float(s, out) != 0) {
        tool_err("%s %s: must be a finite number", opt, s);
        return -1;
    }
    return 0;
}
