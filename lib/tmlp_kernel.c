/* SPDX-License-Identifier: MIT */
/* Dense-layer kernels. Every sum has one fixed order, so the result does not
 * depend on the compiler, its optimisation level or the target:
 * - a dot product keeps 8 partial sums in separate scalar variables (element
 *   i goes to sum i mod 8; the tail after the last full group of 8 goes to
 *   sum 0 in order) and combines them as ((s0+s1)+(s2+s3))+((s4+s5)+(s6+s7)).
 *   The independent sums let a compiler pipeline or vectorise the loop
 *   without reassociating anything. They are scalars, not an array: on a
 *   Cortex-M4F gcc keeps an array on the stack (about 11 instead of 5
 *   instructions per multiply-accumulate).
 * - back-propagated sums run over the output rows in order j = 0, 1, ...
 * Built with -ffp-contract=off, no multiply-add is fused. */
#include "tmlp_internal.h"

/* See tmlp_internal.h. */
float tmlp_i_dot(const float *TMLP_RESTRICT a, const float *TMLP_RESTRICT b, size_t n)
{
    float s0 = 0.0f, s1 = 0.0f, s2 = 0.0f, s3 = 0.0f;
    float s4 = 0.0f, s5 = 0.0f, s6 = 0.0f, s7 = 0.0f;
    size_t i = 0;
    for (; i + 8u <= n; i += 8u) {
        s0 += a[i] * b[i];
        s1 += a[i + 1u] * b[i + 1u];
        s2 += a[i + 2u] * b[i + 2u];
        s3 += a[i + 3u] * b[i + 3u];
        s4 += a[i + 4u] * b[i + 4u];
        s5 += a[i + 5u] * b[i + 5u];
        s6 += a[i + 6u] * b[i + 6u];
        s7 += a[i + 7u] * b[i + 7u];
    }
    for (; i < n; i++) {
        s0 += a[i] * b[i];
    }
    return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
}

/* See tmlp_internal.h. */
float tmlp_i_sumsq_scaled(const float *a, float s, size_t n)
{
    float s0 = 0.0f, s1 = 0.0f, s2 = 0.0f, s3 = 0.0f;
    float s4 = 0.0f, s5 = 0.0f, s6 = 0.0f, s7 = 0.0f;
    float t;
    size_t i = 0;
    for (; i + 8u <= n; i += 8u) {
        t = a[i] * s;
        s0 += t * t;
        t = a[i + 1u] * s;
        s1 += t * t;
        t = a[i + 2u] * s;
        s2 += t * t;
        t = a[i + 3u] * s;
        s3 += t * t;
        t = a[i + 4u] * s;
        s4 += t * t;
        t = a[i + 5u] * s;
        s5 += t * t;
        t = a[i + 6u] * s;
        s6 += t * t;
        t = a[i + 7u] * s;
        s7 += t * t;
    }
    for (; i < n; i++) {
        t = a[i] * s;
        s0 += t * t;
    }
    return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
}

/* See tmlp_internal.h. */
void tmlp_i_dense_forward(const float *TMLP_RESTRICT w, const float *TMLP_RESTRICT b,
                          const float *TMLP_RESTRICT x, float *TMLP_RESTRICT z, size_t n_in,
                          size_t n_out)
{
    size_t j;
    for (j = 0; j < n_out; j++) {
        z[j] = tmlp_i_dot(w + j * n_in, x, n_in) + b[j];
    }
}

/* See tmlp_internal.h. */
void tmlp_i_dense_backward(const float *TMLP_RESTRICT w, float *TMLP_RESTRICT gw,
                           float *TMLP_RESTRICT gb, const float *TMLP_RESTRICT x,
                           const float *TMLP_RESTRICT d, float *TMLP_RESTRICT d_in, size_t n_in,
                           size_t n_out)
{
    size_t i, j;
    if (d_in != NULL) {
        for (i = 0; i < n_in; i++) {
            d_in[i] = 0.0f;
        }
    }
    /* One pass over each weight row serves both the gradient and the
     * back-propagated delta. */
    for (j = 0; j < n_out; j++) {
        const float dj = d[j];
        const float *wr = w + j * n_in;
        float *gr = gw + j * n_in;
        gb[j] += dj;
        for (i = 0; i < n_in; i++) {
            gr[i] += dj * x[i];
        }
        if (d_in != NULL) {
            for (i = 0; i < n_in; i++) {
                d_in[i] += wr[i] * dj;
            }
        }
    }
}
