/* SPDX-License-Identifier: MIT */
/* Internals of tools/json/: the lexical layer of the JSON reader
 * (positions, structure tokens, strings, numbers) and what the reader and
 * writer share. The tmlp_json_lex_t functions return 0 on success or -1
 * after recording the first error, with its line and column, in the
 * lexer's tmlp_json_error_t. Nothing here recurses. */
#ifndef TMLP_JSON_LEX_H
#define TMLP_JSON_LEX_H

#include <stddef.h>
#include <stdint.h>

#include "tmlp_json.h"

/* A place in the text: 1-based line and column (columns count bytes). */
typedef struct {
    unsigned long line, col;
} tmlp_json_pos_t;

typedef struct {
    const char *p, *end, *line_start;
    unsigned long line;
    tmlp_json_error_t *err;
} tmlp_json_lex_t;

/* A growing array of floats (malloc'd; the owner frees v). */
typedef struct {
    float *v;
    size_t n, cap;
} tmlp_json_fvec_t;

/* Activation names by tmlp_act_t code, and the default parameter (sigmoid
 * lambda 1, leaky ReLU slope 0.01) that the binary format stores as 0. */
#define TMLP_JSON_N_ACTS 6u
extern const char *const tmlp_json_act_names[TMLP_JSON_N_ACTS];
float tmlp_json_default_param(uint8_t act);

/* Fills *err with a message and no position; returns -1. */
#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
int tmlp_json_fail0(tmlp_json_error_t *err, tmlp_status_t st, const char *fmt, ...);

void tmlp_json_lex_init(tmlp_json_lex_t *lx, const char *text, size_t len, tmlp_json_error_t *err);
/* Position of the next token (whitespace skipped). */
tmlp_json_pos_t tmlp_json_here(tmlp_json_lex_t *lx);
/* Records an error at `at` (printf-style message); returns -1. */
#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
int tmlp_json_fail(tmlp_json_lex_t *lx, tmlp_json_pos_t at, const char *fmt, ...);
/* Expects the opening bracket c ('{' or '['); `what` names the value the
 * grammar wants there, for the message. */
int tmlp_json_open(tmlp_json_lex_t *lx, char c, const char *what, tmlp_json_pos_t *at);
/* Inside an array or object: returns 1 when another element follows
 * (consuming the ',' unless first), 0 after consuming `close`, -1 on error. */
int tmlp_json_next(tmlp_json_lex_t *lx, char close, int first);
/* An object key and its ':' into key[TMLP_JSON_MAX_STRING + 1]. */
int tmlp_json_key(tmlp_json_lex_t *lx, char *key, tmlp_json_pos_t *at);
/* A string value into buf[TMLP_JSON_MAX_STRING + 1], escapes decoded (UTF-8). */
int tmlp_json_string(tmlp_json_lex_t *lx, char *buf, tmlp_json_pos_t *at);
/* A finite number, read with strtof. */
int tmlp_json_float(tmlp_json_lex_t *lx, float *out, tmlp_json_pos_t *at);
/* A non-negative integer written without fraction or exponent. */
int tmlp_json_uint(tmlp_json_lex_t *lx, unsigned long *out, tmlp_json_pos_t *at);
/* true or false. */
int tmlp_json_bool(tmlp_json_lex_t *lx, int *out, tmlp_json_pos_t *at);
/* An array of finite numbers, appended to v; at may be NULL. */
int tmlp_json_floats(tmlp_json_lex_t *lx, tmlp_json_fvec_t *v, tmlp_json_pos_t *at);
/* Nothing but whitespace may follow. */
int tmlp_json_end(tmlp_json_lex_t *lx);

#endif
