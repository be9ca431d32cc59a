/* SPDX-License-Identifier: MIT */
/* Fuzzes the JSON reader (tools/json/tmlp_json.c) on any bytes. Properties
 * checked (abort on failure):
 * - an error always has a message, and a position inside the text (line at
 *   most the number of line feeds + 1, column at most the length + 1);
 * - accepted text gives a model file that tmlp_model_peek_buf accepts;
 * - that file dumps to JSON that reads back to the same bytes. */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "tmlp_json.h"

static void check_error(const tmlp_json_error_t *err, const uint8_t *data, size_t size)
{
    size_t i, lines = 1;
    for (i = 0; i < size; i++) {
        lines += data[i] == '\n';
    }
    if (err->msg[0] == '\0' ||
        (err->line != 0u && (err->line > lines || err->col == 0u || err->col > size + 1u))) {
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    tmlp_json_error_t err;
    tmlp_desc_t d;
    tmlp_model_info_t info;
    void *m = NULL, *m2 = NULL;
    size_t n = 0, n2 = 0, tl = 0;
    char *text = NULL;
    FILE *f;
    if (tmlp_json_to_model((const char *)data, size, &m, &n, &err) != 0) {
        check_error(&err, data, size);
        return 0;
    }
    if (tmlp_model_peek_buf(m, n, &d, &info) != TMLP_OK) {
        abort();
    }
    f = open_memstream(&text, &tl);
    if (f == NULL || tmlp_json_dump(f, m, n, NULL, &err) != 0 || fclose(f) != 0) {
        abort();
    }
    if (tmlp_json_to_model(text, tl, &m2, &n2, &err) != 0 || n2 != n || memcmp(m, m2, n) != 0) {
        abort();
    }
    free(text);
    free(m);
    free(m2);
    return 0;
}
