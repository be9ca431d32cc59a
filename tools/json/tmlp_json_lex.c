/* SPDX-License-Identifier: MIT */
/* The lexical layer of the JSON reader: see tmlp_json_lex.h. JSON as in
 * RFC 8259; whitespace is space, tab, CR and LF; a line ends at LF. */
#include "tmlp_json_lex.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

const char *const tmlp_json_act_names[TMLP_JSON_N_ACTS] = {"identity", "sigmoid",    "tanh",
                                                           "relu",     "leaky_relu", "softmax"};

/* See tmlp_json_lex.h. */
float tmlp_json_default_param(uint8_t act)
{
    return act == TMLP_ACT_LEAKY_RELU ? 0.01f : 1.0f;
}

/* See tmlp_json_lex.h. */
int tmlp_json_fail0(tmlp_json_error_t *err, tmlp_status_t st, const char *fmt, ...)
{
    va_list ap;
    err->line = 0;
    err->col = 0;
    err->status = st;
    va_start(ap, fmt);
    (void)vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
    return -1;
}

/* See tmlp_json_lex.h. */
void tmlp_json_lex_init(tmlp_json_lex_t *lx, const char *text, size_t len, tmlp_json_error_t *err)
{
    lx->p = text;
    lx->end = text + len;
    lx->line_start = text;
    lx->line = 1;
    lx->err = err;
    memset(err, 0, sizeof *err);
}

static void skip_ws(tmlp_json_lex_t *lx)
{
    while (lx->p < lx->end) {
        char c = *lx->p;
        if (c == '\n') {
            lx->line++;
            lx->line_start = lx->p + 1;
        } else if (c != ' ' && c != '\t' && c != '\r') {
            return;
        }
        lx->p++;
    }
}

static tmlp_json_pos_t pos_of(const tmlp_json_lex_t *lx, const char *p)
{
    tmlp_json_pos_t at;
    at.line = lx->line;
    at.col = (unsigned long)(p - lx->line_start) + 1u;
    return at;
}

/* See tmlp_json_lex.h. */
tmlp_json_pos_t tmlp_json_here(tmlp_json_lex_t *lx)
{
    skip_ws(lx);
    return pos_of(lx, lx->p);
}

/* See tmlp_json_lex.h. */
int tmlp_json_fail(tmlp_json_lex_t *lx, tmlp_json_pos_t at, const char *fmt, ...)
{
    va_list ap;
    lx->err->line = at.line;
    lx->err->col = at.col;
    lx->err->status = TMLP_OK;
    va_start(ap, fmt);
    (void)vsnprintf(lx->err->msg, sizeof lx->err->msg, fmt, ap);
    va_end(ap);
    return -1;
}

/* The next token, for messages: "end of input", "'x'" or "byte 0xNN". */
static const char *found(const tmlp_json_lex_t *lx, char *buf, size_t cap)
{
    unsigned char c;
    if (lx->p >= lx->end) {
        return "end of input";
    }
    c = (unsigned char)*lx->p;
    if (c == '"') {
        return "a string";
    }
    if (c >= 0x20u && c < 0x7fu) {
        (void)snprintf(buf, cap, "'%c'", c);
    } else {
        (void)snprintf(buf, cap, "byte 0x%02x", (unsigned)c);
    }
    return buf;
}

static int unexpected(tmlp_json_lex_t *lx, const char *what)
{
    char b[16];
    return tmlp_json_fail(lx, pos_of(lx, lx->p), "expected %s, found %s", what,
                          found(lx, b, sizeof b));
}

/* See tmlp_json_lex.h. */
int tmlp_json_open(tmlp_json_lex_t *lx, char c, const char *what, tmlp_json_pos_t *at)
{
    *at = tmlp_json_here(lx);
    if (lx->p >= lx->end || *lx->p != c) {
        return unexpected(lx, what);
    }
    lx->p++;
    return 0;
}

/* See tmlp_json_lex.h. */
int tmlp_json_next(tmlp_json_lex_t *lx, char close, int first)
{
    char what[32];
    skip_ws(lx);
    if (lx->p < lx->end && *lx->p == close) {
        lx->p++;
        return 0;
    }
    if (first) {
        return 1;
    }
    if (lx->p >= lx->end || *lx->p != ',') {
        (void)snprintf(what, sizeof what, "',' or '%c'", close);
        return unexpected(lx, what);
    }
    lx->p++;
    skip_ws(lx);
    if (lx->p < lx->end && *lx->p == close) {
        return tmlp_json_fail(lx, pos_of(lx, lx->p), "trailing comma before '%c'", close);
    }
    return 1;
}

static int hex4(tmlp_json_lex_t *lx, const char *p, unsigned long *v)
{
    int i;
    *v = 0;
    for (i = 0; i < 4; i++, p++) {
        int d;
        if (p >= lx->end) {
            return tmlp_json_fail(lx, pos_of(lx, p), "unterminated \\u escape");
        }
        d = (*p >= '0' && *p <= '9')   ? *p - '0'
            : (*p >= 'a' && *p <= 'f') ? *p - 'a' + 10
            : (*p >= 'A' && *p <= 'F') ? *p - 'A' + 10
                                       : -1;
        if (d < 0) {
            return tmlp_json_fail(lx, pos_of(lx, p), "bad hex digit in \\u escape");
        }
        *v = *v * 16u + (unsigned long)d;
    }
    return 0;
}

/* A \u escape at lx->p (after the backslash and 'u'): the code point,
 * surrogate pairs joined. */
static int unicode_escape(tmlp_json_lex_t *lx, const char *esc, unsigned long *cp)
{
    unsigned long lo;
    if (hex4(lx, lx->p, cp) != 0) {
        return -1;
    }
    lx->p += 4;
    if (*cp >= 0xdc00u && *cp <= 0xdfffu) {
        return tmlp_json_fail(lx, pos_of(lx, esc), "lone low surrogate in \\u escape");
    }
    if (*cp < 0xd800u || *cp > 0xdbffu) {
        return 0;
    }
    if (lx->end - lx->p < 2 || lx->p[0] != '\\' || lx->p[1] != 'u') {
        return tmlp_json_fail(lx, pos_of(lx, esc), "high surrogate not followed by a low one");
    }
    if (hex4(lx, lx->p + 2, &lo) != 0) {
        return -1;
    }
    if (lo < 0xdc00u || lo > 0xdfffu) {
        return tmlp_json_fail(lx, pos_of(lx, esc), "high surrogate not followed by a low one");
    }
    lx->p += 6;
    *cp = 0x10000u + ((*cp - 0xd800u) << 10) + (lo - 0xdc00u);
    return 0;
}

/* Appends code point cp as UTF-8; *n may pass cap (the string is then too long). */
static void put_utf8(char *buf, size_t *n, unsigned long cp)
{
    unsigned char u[4];
    size_t k, m;
    if (cp < 0x80u) {
        u[0] = (unsigned char)cp;
        m = 1;
    } else if (cp < 0x800u) {
        u[0] = (unsigned char)(0xc0u | (cp >> 6));
        u[1] = (unsigned char)(0x80u | (cp & 0x3fu));
        m = 2;
    } else if (cp < 0x10000u) {
        u[0] = (unsigned char)(0xe0u | (cp >> 12));
        u[1] = (unsigned char)(0x80u | ((cp >> 6) & 0x3fu));
        u[2] = (unsigned char)(0x80u | (cp & 0x3fu));
        m = 3;
    } else {
        u[0] = (unsigned char)(0xf0u | (cp >> 18));
        u[1] = (unsigned char)(0x80u | ((cp >> 12) & 0x3fu));
        u[2] = (unsigned char)(0x80u | ((cp >> 6) & 0x3fu));
        u[3] = (unsigned char)(0x80u | (cp & 0x3fu));
        m = 4;
    }
    for (k = 0; k < m; k++, (*n)++) {
        if (*n < TMLP_JSON_MAX_STRING) {
            buf[*n] = (char)u[k];
        }
    }
}

static int escape(tmlp_json_lex_t *lx, char *buf, size_t *n)
{
    static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
    const char *esc = lx->p - 1, *k;
    unsigned long cp;
    if (lx->p >= lx->end) {
        return tmlp_json_fail(lx, pos_of(lx, esc), "unterminated string");
    }
    if (*lx->p == 'u') {
        lx->p++;
        if (unicode_escape(lx, esc, &cp) != 0) {
            return -1;
        }
        put_utf8(buf, n, cp);
        return 0;
    }
    k = *lx->p != '\0' ? strchr(from, *lx->p) : NULL;
    if (k == NULL) {
        return tmlp_json_fail(lx, pos_of(lx, esc), "invalid escape in string");
    }
    lx->p++;
    put_utf8(buf, n, (unsigned char)to[k - from]);
    return 0;
}

/* See tmlp_json_lex.h. */
int tmlp_json_string(tmlp_json_lex_t *lx, char *buf, tmlp_json_pos_t *at)
{
    size_t n = 0;
    *at = tmlp_json_here(lx);
    if (lx->p >= lx->end || *lx->p != '"') {
        return unexpected(lx, "a string");
    }
    lx->p++;
    for (;;) {
        unsigned char c;
        if (lx->p >= lx->end) {
            return tmlp_json_fail(lx, *at, "unterminated string");
        }
        c = (unsigned char)*lx->p++;
        if (c == '"') {
            break;
        }
        if (c < 0x20u) {
            return tmlp_json_fail(lx, pos_of(lx, lx->p - 1), "control character in string");
        }
        if (c != '\\') {
            if (n < TMLP_JSON_MAX_STRING) {
                buf[n] = (char)c;
            }
            n++;
        } else if (escape(lx, buf, &n) != 0) {
            return -1;
        }
    }
    if (n > TMLP_JSON_MAX_STRING) {
        return tmlp_json_fail(lx, *at, "string longer than %d bytes", TMLP_JSON_MAX_STRING);
    }
    buf[n] = '\0';
    return 0;
}

/* See tmlp_json_lex.h. */
int tmlp_json_key(tmlp_json_lex_t *lx, char *key, tmlp_json_pos_t *at)
{
    skip_ws(lx);
    if (lx->p < lx->end && *lx->p != '"') {
        return unexpected(lx, "a key (a string in double quotes)");
    }
    if (tmlp_json_string(lx, key, at) != 0) {
        return -1;
    }
    skip_ws(lx);
    if (lx->p >= lx->end || *lx->p != ':') {
        return unexpected(lx, "':'");
    }
    lx->p++;
    return 0;
}

static int is_digit(const tmlp_json_lex_t *lx, const char *p)
{
    return p < lx->end && *p >= '0' && *p <= '9';
}

/* A word where a number should be: NaN/Infinity get their own message. */
static int not_a_number(tmlp_json_lex_t *lx, const char *what)
{
    static const char *const bad[] = {"nan",       "inf",  "infinity", "-nan",     "-inf",
                                      "-infinity", "+nan", "+inf",     "+infinity"};
    char word[16];
    size_t n = 0, k;
    const char *p = lx->p;
    while (p < lx->end && n + 1u < sizeof word &&
           ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
            (n == 0 && (*p == '-' || *p == '+')))) {
        word[n++] = (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
        p++;
    }
    word[n] = '\0';
    for (k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        if (strcmp(word, bad[k]) == 0) {
            return tmlp_json_fail(lx, pos_of(lx, lx->p),
                                  "NaN and Infinity are not allowed: every value must be a finite "
                                  "JSON number");
        }
    }
    return unexpected(lx, what);
}

/* Scans one JSON number: [start, *stop); *is_int when it has neither
 * fraction nor exponent. */
static int scan_number(tmlp_json_lex_t *lx, const char *what, const char **stop, int *is_int)
{
    const char *p = lx->p;
    *is_int = 1;
    *stop = p; /* set on every path, errors included */
    if (p < lx->end && *p == '-') {
        p++;
    }
    if (!is_digit(lx, p)) {
        return not_a_number(lx, what);
    }
    if (*p == '0') {
        p++;
        if (is_digit(lx, p)) {
            return tmlp_json_fail(lx, pos_of(lx, lx->p), "leading zero in number");
        }
    }
    while (is_digit(lx, p)) {
        p++;
    }
    if (p < lx->end && *p == '.') {
        *is_int = 0;
        if (!is_digit(lx, ++p)) {
            return tmlp_json_fail(lx, pos_of(lx, p), "expected a digit after '.'");
        }
        while (is_digit(lx, p)) {
            p++;
        }
    }
    if (p < lx->end && (*p == 'e' || *p == 'E')) {
        *is_int = 0;
        p++;
        if (p < lx->end && (*p == '+' || *p == '-')) {
            p++;
        }
        if (!is_digit(lx, p)) {
            return tmlp_json_fail(lx, pos_of(lx, p), "expected a digit in the exponent");
        }
        while (is_digit(lx, p)) {
            p++;
        }
    }
    *stop = p;
    return 0;
}

/* See tmlp_json_lex.h. */
int tmlp_json_float(tmlp_json_lex_t *lx, float *out, tmlp_json_pos_t *at)
{
    char tok[TMLP_JSON_MAX_NUMBER + 1];
    const char *stop;
    char *tend;
    size_t n;
    int is_int;
    *at = tmlp_json_here(lx);
    if (scan_number(lx, "a number", &stop, &is_int) != 0) {
        return -1;
    }
    n = (size_t)(stop - lx->p);
    if (n > TMLP_JSON_MAX_NUMBER) {
        return tmlp_json_fail(lx, *at, "number longer than %d characters", TMLP_JSON_MAX_NUMBER);
    }
    /* A copy: the text need not be NUL-terminated, and strtof must not read
     * past the JSON token (it would take "0x10" as hexadecimal). */
    memcpy(tok, lx->p, n);
    tok[n] = '\0';
    *out = strtof(tok, &tend);
    if (tend != tok + n || isinf(*out) || isnan(*out)) {
        return tmlp_json_fail(lx, *at, "number %s is outside the range of a float", tok);
    }
    lx->p = stop;
    return 0;
}

/* See tmlp_json_lex.h. */
int tmlp_json_uint(tmlp_json_lex_t *lx, unsigned long *out, tmlp_json_pos_t *at)
{
    const char *stop, *p;
    int is_int;
    *at = tmlp_json_here(lx);
    if (scan_number(lx, "an integer", &stop, &is_int) != 0) {
        return -1;
    }
    if (!is_int || *lx->p == '-') {
        return tmlp_json_fail(lx, *at, "expected a non-negative integer");
    }
    *out = 0;
    for (p = lx->p; p < stop; p++) {
        /* Saturate: the caller's range check reports it. */
        *out = *out > 100000000ul ? *out : *out * 10u + (unsigned long)(*p - '0');
    }
    lx->p = stop;
    return 0;
}

/* See tmlp_json_lex.h. */
int tmlp_json_bool(tmlp_json_lex_t *lx, int *out, tmlp_json_pos_t *at)
{
    *at = tmlp_json_here(lx);
    if (lx->end - lx->p >= 4 && memcmp(lx->p, "true", 4) == 0) {
        *out = 1;
        lx->p += 4;
    } else if (lx->end - lx->p >= 5 && memcmp(lx->p, "false", 5) == 0) {
        *out = 0;
        lx->p += 5;
    } else {
        return unexpected(lx, "true or false");
    }
    if (lx->p < lx->end && ((*lx->p >= 'a' && *lx->p <= 'z') || (*lx->p >= '0' && *lx->p <= '9'))) {
        return unexpected(lx, "',' or '}'");
    }
    return 0;
}

static int push(tmlp_json_lex_t *lx, tmlp_json_fvec_t *v, float f, tmlp_json_pos_t at)
{
    if (v->n == v->cap) {
        size_t cap = v->cap ? 2u * v->cap : 64u;
        float *nv = realloc(v->v, cap * sizeof *nv);
        if (nv == NULL) {
            return tmlp_json_fail(lx, at, "out of memory");
        }
        v->v = nv;
        v->cap = cap;
    }
    v->v[v->n++] = f;
    return 0;
}

/* See tmlp_json_lex.h. */
int tmlp_json_floats(tmlp_json_lex_t *lx, tmlp_json_fvec_t *v, tmlp_json_pos_t *at)
{
    tmlp_json_pos_t here, fat;
    int more, first = 1;
    if (at == NULL) {
        at = &here;
    }
    if (tmlp_json_open(lx, '[', "an array of numbers", at) != 0) {
        return -1;
    }
    while ((more = tmlp_json_next(lx, ']', first)) == 1) {
        float f = 0.0f;
        first = 0;
        if (tmlp_json_float(lx, &f, &fat) != 0 || push(lx, v, f, fat) != 0) {
            return -1;
        }
    }
    return more;
}

/* See tmlp_json_lex.h. */
int tmlp_json_end(tmlp_json_lex_t *lx)
{
    skip_ws(lx);
    return lx->p < lx->end ? unexpected(lx, "end of input after the model object") : 0;
}
