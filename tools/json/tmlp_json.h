/* SPDX-License-Identifier: MIT */
/* The JSON form of a tinymlp model file, converted both ways (host only).
 *
 *   {"input": 64,
 *    "layers": [{"units": 32, "act": "relu",
 *                "W": [[...64 numbers...], ...32 rows], "b": [...32 numbers]},
 *               ...],
 *    "scale": {"offset": [...64...], "scale": [...64...]}}
 *
 * Each layer computes y = act(W x + b), W of shape [units][previous width].
 * Keys:
 * - "input": input width, an integer 1..TMLP_MAX_WIDTH.
 * - "layers": 1..TMLP_MAX_LAYERS objects, input side first, each with
 *   "units" (1..TMLP_MAX_WIDTH), "act" (identity, sigmoid, tanh, relu,
 *   leaky_relu, softmax; softmax on the last layer only), "W" and "b";
 *   optionally "lambda" (sigmoid only, > 0), "alpha" (leaky_relu only, in
 *   (0, 1)) and "trainable" (default true). "trainable": false marks a
 *   frozen layer (TMLP_LAYER_FROZEN; frozen layers come first) and is
 *   written for every frozen layer; built against a tinymlp without
 *   TMLP_LAYER_FROZEN, false is rejected.
 * - "scale": optional; present exactly when the model scales its input,
 *   x' = (x - offset) * scale, with n_in finite numbers in each array.
 * Keys may come in any order; unknown and duplicate keys are errors.
 * Optimizer state is not carried: dumping a file that has it drops it.
 *
 * Activation parameter rule (so that round trips give identical bytes): the
 * binary format stores 0 for "the default" (lambda 1, alpha 0.01).
 * - Writing: "lambda"/"alpha" is written only when the stored parameter is
 *   nonzero and differs from the default.
 * - Reading: an absent key, or a value equal to the default (after strtof),
 *   is stored as 0; any other value is stored as given.
 * So binary -> JSON -> binary is byte-identical for every file in this
 * canonical form (every file `tinymlp load-json` writes), and JSON ->
 * binary -> JSON is text-identical for every JSON text `tinymlp dump`
 * writes. A file that stores the default explicitly (e.g. lambda 1.0f) or
 * a parameter on an activation that has none (relu with 0.5) is
 * canonicalised to 0; the notes out-parameter of tmlp_json_dump() reports
 * it.
 *
 * Numbers are written with "%.9g" and read with strtof, which gives back the
 * same float bits (negative zero and subnormals included). NaN, Infinity,
 * and numbers outside the float range are rejected, as is anything that is
 * not JSON (RFC 8259). Errors in JSON text carry a 1-based line and column
 * (columns count bytes). Numbers longer than TMLP_JSON_MAX_NUMBER bytes
 * and strings longer than TMLP_JSON_MAX_STRING bytes are rejected.
 *
 * The reader follows the fixed grammar above, so it nests at most 4 deep
 * (document, layers, layer, W, row) and never recurses on the input.
 */
#ifndef TMLP_JSON_H
#define TMLP_JSON_H

#include <stddef.h>
#include <stdio.h>

#include "tinymlp.h"

#define TMLP_JSON_MAX_NUMBER 127
#define TMLP_JSON_MAX_STRING 255

/* What went wrong: line and col are 1-based positions in the JSON text, or
 * 0 when the error is not about a place in the text (a bad binary file, a
 * write error, out of memory). msg never ends with a newline. */
typedef struct {
    unsigned long line, col;
    tmlp_status_t status; /* the library's status when a library call failed, else TMLP_OK */
    char msg[256];
} tmlp_json_error_t;

/* Bits of the notes out-parameter of tmlp_json_dump(): what the JSON form
 * does not keep. */
#define TMLP_JSON_NOTE_OPTIM_DROPPED 1u /* the file had optimizer state */
#define TMLP_JSON_NOTE_PARAM_CANON 2u   /* an activation parameter was canonicalised */

/* Writes the model stored in model[0..len) (a tinymlp model file, verified
 * with tmlp_model_peek_buf) as JSON text to out. notes (may be NULL) gets
 * TMLP_JSON_NOTE_* bits. Returns 0, or -1 with *err filled (a bad file, out
 * of memory, a write error). */
int tmlp_json_dump(FILE *out, const void *model, size_t len, unsigned *notes,
                   tmlp_json_error_t *err);

/* Writes a model given by its parts: desc, params (canonical order, as
 * tmlp_net_params gives them) and, when desc->flags has
 * TMLP_DESC_INPUT_SCALE, offset[n_in] and scale[n_in] (else both ignored).
 * Every value must be finite. notes as above. Returns 0 or -1. */
int tmlp_json_write(FILE *out, const tmlp_desc_t *desc, const float *params, const float *offset,
                    const float *scale, unsigned *notes, tmlp_json_error_t *err);

/* Parses JSON text[0..len) (need not be NUL-terminated) and builds the model
 * file through the library (tmlp_net_init, tmlp_net_set_params,
 * tmlp_net_set_input_scale, tmlp_model_save). On success *model gets a
 * malloc'd buffer of *model_len bytes, which the caller frees. Returns 0,
 * or -1 with *err filled (with the line and column for errors in the text). */
int tmlp_json_to_model(const char *text, size_t len, void **model, size_t *model_len,
                       tmlp_json_error_t *err);

/* Input bytes as messages show them (a field of a CSV file, a JSON string):
 * printable ASCII as is, a backslash as two, any other byte (control
 * characters, DEL, bytes >= 0x80) as \xNN; at most TMLP_SHOW_MAX bytes of
 * the input, then "...". out needs TMLP_SHOW_BYTES chars; returns out.
 * Inline, since tinymlp's CSV reader is also built without this module
 * (the CSV fuzz replayer). */
#define TMLP_SHOW_MAX 40u
#define TMLP_SHOW_BYTES (4u * TMLP_SHOW_MAX + 4u)
static inline const char *tmlp_show(char *out, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    size_t i, k = 0;
    for (i = 0; i < n && i < TMLP_SHOW_MAX; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '\\') {
            out[k++] = '\\';
            out[k++] = '\\';
        } else if (c >= 0x20u && c < 0x7fu) {
            out[k++] = (char)c;
        } else {
            out[k++] = '\\';
            out[k++] = 'x';
            out[k++] = hex[c >> 4];
            out[k++] = hex[c & 15u];
        }
    }
    if (i < n) {
        out[k++] = '.';
        out[k++] = '.';
        out[k++] = '.';
    }
    out[k] = '\0';
    return out;
}

#endif
