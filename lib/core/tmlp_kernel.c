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
 * Built with -ffp-contract=off, no multiply-add is fused.
 * Three implementations of the same operations: GNU C vectors (x86-64, Arm
 * NEON), VFP inline assembly (Cortex-M4F/M7/M33) and portable C. */
#include "tmlp_internal.h"
#include "tmlp_vec.h"

/* See tmlp_internal.h. With the sign bit cleared, the order of a float's
 * bits is the order of its magnitude, and Inf and NaN are the bit patterns
 * from 0x7f800000 up: so the largest cleared pattern is max |x[i]| exactly,
 * whatever the order of the comparisons, and tells at once whether every
 * x[i] is finite. No branch and no early exit (the forward pass checks every
 * input and output with it; an error case may read to the end): with GNU C
 * vectors a lane per element of a register. */
uint32_t tmlp_i_abs_max_bits(const float *x, size_t n)
{
    uint32_t m = 0, a;
    size_t i = 0;
#if TMLP_KERNEL_VEC
    typedef int32_t lanes_t __attribute__((vector_size(TMLP_VBYTES)));
    typedef int32_t lanes_u_t __attribute__((vector_size(TMLP_VBYTES), aligned(4), may_alias));
    const size_t n_lanes = TMLP_VBYTES / 4u;
    lanes_t m0 = {0}, m1 = {0}, a0, a1, g0, g1;
    size_t k;
    /* Two independent maxima, so that the loop is not held to the latency
     * of one compare-and-select chain (a maximum's order does not matter).
     * g is all ones where greater; signed is fine: both sides are >= 0. */
    for (; i + 2u * n_lanes <= n; i += 2u * n_lanes) {
        a0 = *(const lanes_u_t *)(const void *)(x + i) & 0x7fffffff;
        a1 = *(const lanes_u_t *)(const void *)(x + i + n_lanes) & 0x7fffffff;
        g0 = a0 > m0;
        g1 = a1 > m1;
        m0 = (a0 & g0) | (m0 & ~g0);
        m1 = (a1 & g1) | (m1 & ~g1);
    }
    if (i + n_lanes <= n) {
        a1 = *(const lanes_u_t *)(const void *)(x + i) & 0x7fffffff;
        g1 = a1 > m1;
        m1 = (a1 & g1) | (m1 & ~g1);
        i += n_lanes;
    }
    g0 = m1 > m0;
    m0 = (m1 & g0) | (m0 & ~g0);
    for (k = 0; k < n_lanes; k++) {
        a = (uint32_t)m0[k];
        m = a > m ? a : m;
    }
#endif
    /* Two per iteration: half the loop overhead on scalar cores. */
    for (; i + 2u <= n; i += 2u) {
        uint32_t b = tmlp_i_float_bits(x[i + 1u]) & 0x7fffffffu;
        a = tmlp_i_float_bits(x[i]) & 0x7fffffffu;
        a = b > a ? b : a;
        m = a > m ? a : m;
    }
    if (i < n) {
        a = tmlp_i_float_bits(x[i]) & 0x7fffffffu;
        m = a > m ? a : m;
    }
    return m;
}

/* See tmlp_internal.h. With GNU C vectors, the lanes of
 * tmlp_i_abs_max_bits(); on scalar cores an early exit is cheaper: a value
 * is finite when its exponent bits are not all ones, i.e. when ~bits has
 * one of them set, two values per iteration. */
int tmlp_i_all_finite(const float *x, size_t n)
{
#if TMLP_KERNEL_VEC
    return tmlp_i_abs_max_bits(x, n) < 0x7f800000u;
#else
    const uint32_t exp_mask = 0x7f800000u;
    size_t i;
    for (i = 0; i + 2u <= n; i += 2u) {
        uint32_t a = ~tmlp_i_float_bits(x[i]) & exp_mask;
        uint32_t b = ~tmlp_i_float_bits(x[i + 1u]) & exp_mask;
        if (a == 0u || b == 0u) {
            return 0;
        }
    }
    return i == n || tmlp_i_isfinite(x[i]);
#endif
}

#if TMLP_KERNEL_VEC
/* The end of a dot product whose blocks of 8 left sum k in lane k of acc:
 * the t < 8 remaining elements go to sum 0 in order, then the fixed
 * combining tree. */
static float dot_finish(tmlp_f8_t acc, const float *a, const float *b, size_t t)
{
    float s[8];
    size_t k;
    tmlp_f8_store(s, acc);
    for (k = 0; k < t; k++) {
        s[0] += a[k] * b[k];
    }
    return ((s[0] + s[1]) + (s[2] + s[3])) + ((s[4] + s[5]) + (s[6] + s[7]));
}

#if TMLP_VEC_SHUFFLE
/* The combining tree of dot_finish for a block of rows at once, in
 * registers: lane k of acc r is sum k of row r, and no tail is left. Each
 * step adds the same two values as the tree does, so every row's bits are
 * dot_finish's. pairs(p, q) = {p0+p1, p2+p3, q0+q1, q2+q3} (per 128-bit
 * half with AVX): on the low halves of rows A..D it gives {A01, A23, B01,
 * B23} and {C01, C23, D01, D23}, and on those {A01+A23, B01+B23, C01+C23,
 * D01+D23}; the same on the high halves gives each row's (s4+s5)+(s6+s7),
 * and the sum of the two is the tree. */
#if TMLP_VBYTES == 32
static inline tmlp_vreg_t pairs8(tmlp_vreg_t p, tmlp_vreg_t q)
{
    return __builtin_shufflevector(p, q, 0, 2, 8, 10, 4, 6, 12, 14) +
           __builtin_shufflevector(p, q, 1, 3, 9, 11, 5, 7, 13, 15);
}

/* {first halves' trees of rows A..D, second halves' of A..D}. */
static inline tmlp_vreg_t halves4(tmlp_f8_t a, tmlp_f8_t b, tmlp_f8_t c, tmlp_f8_t d)
{
    return pairs8(pairs8(a.v0, b.v0), pairs8(c.v0, d.v0));
}

/* z[r] = the tree of row r + bias[r], rows 0..3. */
static void finish4(tmlp_f8_t a, tmlp_f8_t b, tmlp_f8_t c, tmlp_f8_t d, const float *bias,
                    float *z)
{
    tmlp_vreg_t h = halves4(a, b, c, d);
    tmlp_v4_t t = __builtin_shufflevector(h, h, 0, 1, 2, 3) + __builtin_shufflevector(h, h, 4, 5, 6, 7);
    *(tmlp_v4_u_t *)(void *)z = t + *(const tmlp_v4_u_t *)(const void *)bias;
}

/* The same for rows 0..7. */
static void finish8(const tmlp_f8_t a[8], const float *bias, float *z)
{
    tmlp_vreg_t lo = halves4(a[0], a[1], a[2], a[3]), hi = halves4(a[4], a[5], a[6], a[7]);
    tmlp_vreg_t t = __builtin_shufflevector(lo, hi, 0, 1, 2, 3, 8, 9, 10, 11) +
                    __builtin_shufflevector(lo, hi, 4, 5, 6, 7, 12, 13, 14, 15);
    *(tmlp_vreg_u_t *)(void *)z = t + *(const tmlp_vreg_u_t *)(const void *)bias;
}
#else
static inline tmlp_v4_t pairs4(tmlp_v4_t p, tmlp_v4_t q)
{
    return __builtin_shufflevector(p, q, 0, 2, 4, 6) + __builtin_shufflevector(p, q, 1, 3, 5, 7);
}

/* z[r] = the tree of row r + bias[r], rows 0..3. */
static void finish4(tmlp_f8_t a, tmlp_f8_t b, tmlp_f8_t c, tmlp_f8_t d, const float *bias,
                    float *z)
{
    tmlp_v4_t lo = pairs4(pairs4(a.v0, b.v0), pairs4(c.v0, d.v0));
    tmlp_v4_t hi = pairs4(pairs4(a.v1, b.v1), pairs4(c.v1, d.v1));
    *(tmlp_v4_u_t *)(void *)z = (lo + hi) + *(const tmlp_v4_u_t *)(const void *)bias;
}
#endif
#endif /* TMLP_VEC_SHUFFLE */

/* See tmlp_internal.h. */
float tmlp_i_dot(const float *TMLP_RESTRICT a, const float *TMLP_RESTRICT b, size_t n)
{
    tmlp_f8_t s = tmlp_f8_splat(0.0f);
    size_t i = 0;
    for (; i + 8u <= n; i += 8u) {
        s = tmlp_f8_mac(s, tmlp_f8_load(a + i), tmlp_f8_load(b + i));
    }
    return dot_finish(s, a + i, b + i, n - i);
}

/* See tmlp_internal.h. */
void tmlp_i_axpy(float *TMLP_RESTRICT y, float a, const float *TMLP_RESTRICT x, size_t n)
{
    const tmlp_f8_t A = tmlp_f8_splat(a);
    size_t i = 0;
    for (; i + 8u <= n; i += 8u) {
        tmlp_f8_store(y + i, tmlp_f8_mac(tmlp_f8_load(y + i), A, tmlp_f8_load(x + i)));
    }
    for (; i < n; i++) {
        y[i] += a * x[i];
    }
}

/* See tmlp_internal.h. */
float tmlp_i_sumsq_scaled(const float *a, float s, size_t n)
{
    const tmlp_f8_t sv = tmlp_f8_splat(s);
    tmlp_f8_t acc = tmlp_f8_splat(0.0f), t;
    float r[8], u;
    size_t i = 0;
    for (; i + 8u <= n; i += 8u) {
        t = tmlp_f8_mul(tmlp_f8_load(a + i), sv);
        acc = tmlp_f8_mac(acc, t, t);
    }
    tmlp_f8_store(r, acc);
    for (; i < n; i++) {
        u = a[i] * s;
        r[0] += u * u;
    }
    return ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
}

/* See tmlp_internal.h. Four rows per pass over x: four independent sums
 * (one would wait on the latency of each addition), each row with
 * tmlp_i_dot's 8 sums and order; the last n_out % 4 rows through
 * tmlp_i_dot. */
void tmlp_i_dense_forward(const float *TMLP_RESTRICT w, const float *TMLP_RESTRICT b,
                          const float *TMLP_RESTRICT x, float *TMLP_RESTRICT z, size_t n_in,
                          size_t n_out)
{
    size_t j = 0;
#if TMLP_VBYTES == 32
    /* With AVX (16 vector registers) eight rows per pass. */
    for (; j + 8u <= n_out; j += 8u) {
        const float *w0 = w + j * n_in, *w1 = w0 + n_in, *w2 = w1 + n_in, *w3 = w2 + n_in;
        const float *w4 = w3 + n_in, *w5 = w4 + n_in, *w6 = w5 + n_in, *w7 = w6 + n_in;
        tmlp_f8_t a0 = tmlp_f8_splat(0.0f), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
        tmlp_f8_t xv;
        size_t i = 0, t;
        for (; i + 8u <= n_in; i += 8u) {
            xv = tmlp_f8_load(x + i);
            a0 = tmlp_f8_mac(a0, tmlp_f8_load(w0 + i), xv);
            a1 = tmlp_f8_mac(a1, tmlp_f8_load(w1 + i), xv);
            a2 = tmlp_f8_mac(a2, tmlp_f8_load(w2 + i), xv);
            a3 = tmlp_f8_mac(a3, tmlp_f8_load(w3 + i), xv);
            a4 = tmlp_f8_mac(a4, tmlp_f8_load(w4 + i), xv);
            a5 = tmlp_f8_mac(a5, tmlp_f8_load(w5 + i), xv);
            a6 = tmlp_f8_mac(a6, tmlp_f8_load(w6 + i), xv);
            a7 = tmlp_f8_mac(a7, tmlp_f8_load(w7 + i), xv);
        }
        t = n_in - i;
#if TMLP_VEC_SHUFFLE
        if (t == 0u) {
            const tmlp_f8_t rows[8] = {a0, a1, a2, a3, a4, a5, a6, a7};
            finish8(rows, b + j, z + j);
            continue;
        }
#endif
        z[j] = dot_finish(a0, w0 + i, x + i, t) + b[j];
        z[j + 1u] = dot_finish(a1, w1 + i, x + i, t) + b[j + 1u];
        z[j + 2u] = dot_finish(a2, w2 + i, x + i, t) + b[j + 2u];
        z[j + 3u] = dot_finish(a3, w3 + i, x + i, t) + b[j + 3u];
        z[j + 4u] = dot_finish(a4, w4 + i, x + i, t) + b[j + 4u];
        z[j + 5u] = dot_finish(a5, w5 + i, x + i, t) + b[j + 5u];
        z[j + 6u] = dot_finish(a6, w6 + i, x + i, t) + b[j + 6u];
        z[j + 7u] = dot_finish(a7, w7 + i, x + i, t) + b[j + 7u];
    }
#endif
    for (; j + 4u <= n_out; j += 4u) {
        const float *w0 = w + j * n_in, *w1 = w0 + n_in, *w2 = w1 + n_in, *w3 = w2 + n_in;
        tmlp_f8_t a0 = tmlp_f8_splat(0.0f), a1 = a0, a2 = a0, a3 = a0, xv;
        size_t i = 0;
        for (; i + 8u <= n_in; i += 8u) {
            xv = tmlp_f8_load(x + i);
            a0 = tmlp_f8_mac(a0, tmlp_f8_load(w0 + i), xv);
            a1 = tmlp_f8_mac(a1, tmlp_f8_load(w1 + i), xv);
            a2 = tmlp_f8_mac(a2, tmlp_f8_load(w2 + i), xv);
            a3 = tmlp_f8_mac(a3, tmlp_f8_load(w3 + i), xv);
        }
#if TMLP_VEC_SHUFFLE
        if (i == n_in) {
            finish4(a0, a1, a2, a3, b + j, z + j);
            continue;
        }
#endif
        z[j] = dot_finish(a0, w0 + i, x + i, n_in - i) + b[j];
        z[j + 1u] = dot_finish(a1, w1 + i, x + i, n_in - i) + b[j + 1u];
        z[j + 2u] = dot_finish(a2, w2 + i, x + i, n_in - i) + b[j + 2u];
        z[j + 3u] = dot_finish(a3, w3 + i, x + i, n_in - i) + b[j + 3u];
    }
    for (; j < n_out; j++) {
        z[j] = tmlp_i_dot(w + j * n_in, x, n_in) + b[j];
    }
}

/* See tmlp_internal.h. gw[j][i] += d[j] x[i] for every row; d_in[i] = sum
 * over j = 0, 1, ... of d[j] W[j][i], added in that order to 0. Four rows
 * per pass, so that each block of x and of d_in is loaded once for four
 * rows. */
void tmlp_i_dense_backward(const float *TMLP_RESTRICT w, float *TMLP_RESTRICT gw,
                           float *TMLP_RESTRICT gb, const float *TMLP_RESTRICT x,
                           const float *TMLP_RESTRICT d, float *TMLP_RESTRICT d_in, size_t n_in,
                           size_t n_out)
{
    size_t i, j = 0;
    if (d_in != NULL) {
        for (i = 0; i < n_in; i++) {
            d_in[i] = 0.0f;
        }
    }
    for (; j + 4u <= n_out; j += 4u) {
        const float d0 = d[j], d1 = d[j + 1u], d2 = d[j + 2u], d3 = d[j + 3u];
        const tmlp_f8_t D0 = tmlp_f8_splat(d0), D1 = tmlp_f8_splat(d1), D2 = tmlp_f8_splat(d2), D3 = tmlp_f8_splat(d3);
        float *g0 = gw + j * n_in, *g1 = g0 + n_in, *g2 = g1 + n_in, *g3 = g2 + n_in;
        const float *w0 = w + j * n_in, *w1 = w0 + n_in, *w2 = w1 + n_in, *w3 = w2 + n_in;
        tmlp_f8_t xv, dv;
        gb[j] += d0;
        gb[j + 1u] += d1;
        gb[j + 2u] += d2;
        gb[j + 3u] += d3;
        for (i = 0; i + 8u <= n_in; i += 8u) {
            xv = tmlp_f8_load(x + i);
            tmlp_f8_store(g0 + i, tmlp_f8_mac(tmlp_f8_load(g0 + i), D0, xv));
            tmlp_f8_store(g1 + i, tmlp_f8_mac(tmlp_f8_load(g1 + i), D1, xv));
            tmlp_f8_store(g2 + i, tmlp_f8_mac(tmlp_f8_load(g2 + i), D2, xv));
            tmlp_f8_store(g3 + i, tmlp_f8_mac(tmlp_f8_load(g3 + i), D3, xv));
            if (d_in != NULL) {
                dv = tmlp_f8_mac(tmlp_f8_load(d_in + i), D0, tmlp_f8_load(w0 + i));
                dv = tmlp_f8_mac(dv, D1, tmlp_f8_load(w1 + i));
                dv = tmlp_f8_mac(dv, D2, tmlp_f8_load(w2 + i));
                dv = tmlp_f8_mac(dv, D3, tmlp_f8_load(w3 + i));
                tmlp_f8_store(d_in + i, dv);
            }
        }
        for (; i < n_in; i++) {
            g0[i] += d0 * x[i];
            g1[i] += d1 * x[i];
            g2[i] += d2 * x[i];
            g3[i] += d3 * x[i];
            if (d_in != NULL) {
                d_in[i] = (((d_in[i] + d0 * w0[i]) + d1 * w1[i]) + d2 * w2[i]) + d3 * w3[i];
            }
        }
    }
    for (; j < n_out; j++) {
        const float dj = d[j];
        const tmlp_f8_t D = tmlp_f8_splat(dj);
        float *g = gw + j * n_in;
        const float *wr = w + j * n_in;
        gb[j] += dj;
        for (i = 0; i + 8u <= n_in; i += 8u) {
            tmlp_f8_store(g + i, tmlp_f8_mac(tmlp_f8_load(g + i), D, tmlp_f8_load(x + i)));
            if (d_in != NULL) {
                tmlp_f8_store(d_in + i, tmlp_f8_mac(tmlp_f8_load(d_in + i), D, tmlp_f8_load(wr + i)));
            }
        }
        for (; i < n_in; i++) {
            g[i] += dj * x[i];
            if (d_in != NULL) {
                d_in[i] += dj * wr[i];
            }
        }
    }
}

#else /* !TMLP_KERNEL_VEC */

/* See tmlp_internal.h. */
float tmlp_i_dot(const float *TMLP_RESTRICT a, const float *TMLP_RESTRICT b, size_t n)
{
    float s0 = 0.0f, s1 = 0.0f, s2 = 0.0f, s3 = 0.0f;
    float s4 = 0.0f, s5 = 0.0f, s6 = 0.0f, s7 = 0.0f;
    size_t i = 0;
#if TMLP_VFP_ASM
    size_t blocks = n / 8u;
    if (blocks != 0u) {
        /* VMUL, then VADD: VMLA's roundings in 2 Cortex-M4 cycles, not 3. */
        __asm__ volatile("1:\n\t"
                         "vldmia %[a]!, {s16-s23}\n\t"
                         "vldmia %[b]!, {s24-s31}\n\t"
                         "vmul.f32 s24, s16, s24\n\tvmul.f32 s25, s17, s25\n\t"
                         "vmul.f32 s26, s18, s26\n\tvmul.f32 s27, s19, s27\n\t"
                         "vmul.f32 s28, s20, s28\n\tvmul.f32 s29, s21, s29\n\t"
                         "vmul.f32 s30, s22, s30\n\tvmul.f32 s31, s23, s31\n\t"
                         "vadd.f32 %[s0], %[s0], s24\n\tvadd.f32 %[s1], %[s1], s25\n\t"
                         "vadd.f32 %[s2], %[s2], s26\n\tvadd.f32 %[s3], %[s3], s27\n\t"
                         "vadd.f32 %[s4], %[s4], s28\n\tvadd.f32 %[s5], %[s5], s29\n\t"
                         "vadd.f32 %[s6], %[s6], s30\n\tvadd.f32 %[s7], %[s7], s31\n\t"
                         "subs %[k], %[k], #1\n\t"
                         "bne 1b"
                         : [a] "+r"(a), [b] "+r"(b), [k] "+r"(blocks), [s0] "+t"(s0),
                           [s1] "+t"(s1), [s2] "+t"(s2), [s3] "+t"(s3), [s4] "+t"(s4),
                           [s5] "+t"(s5), [s6] "+t"(s6), [s7] "+t"(s7)
                         :
                         : "cc", "memory", "s16", "s17", "s18", "s19", "s20", "s21", "s22",
                           "s23", "s24", "s25", "s26", "s27", "s28", "s29", "s30", "s31");
    }
    n = n % 8u; /* a and b now point at the tail */
#else
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
#endif
    for (; i < n; i++) {
        s0 += a[i] * b[i];
    }
    return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
}

/* See tmlp_internal.h. */
void tmlp_i_axpy(float *TMLP_RESTRICT y, float a, const float *TMLP_RESTRICT x, size_t n)
{
    size_t i = 0;
#if TMLP_VFP_ASM
    size_t blocks = n / 8u;
    if (blocks != 0u) {
        /* VMUL, then VADD: VMLA's roundings in 2 Cortex-M4 cycles, not 3.
         * In s0-s15 only, which the calling convention does not preserve
         * (s16-s31 would cost a save and restore of 16 registers a call). */
        __asm__ volatile("1:\n\t"
                         "vldmia %[x]!, {s0-s7}\n\t"
                         "vldmia %[y], {s8-s15}\n\t"
                         "vmul.f32 s0, s0, %[a]\n\tvmul.f32 s1, s1, %[a]\n\t"
                         "vmul.f32 s2, s2, %[a]\n\tvmul.f32 s3, s3, %[a]\n\t"
                         "vmul.f32 s4, s4, %[a]\n\tvmul.f32 s5, s5, %[a]\n\t"
                         "vmul.f32 s6, s6, %[a]\n\tvmul.f32 s7, s7, %[a]\n\t"
                         "vadd.f32 s8, s8, s0\n\tvadd.f32 s9, s9, s1\n\t"
                         "vadd.f32 s10, s10, s2\n\tvadd.f32 s11, s11, s3\n\t"
                         "vadd.f32 s12, s12, s4\n\tvadd.f32 s13, s13, s5\n\t"
                         "vadd.f32 s14, s14, s6\n\tvadd.f32 s15, s15, s7\n\t"
                         "vstmia %[y]!, {s8-s15}\n\t"
                         "subs %[k], %[k], #1\n\t"
                         "bne 1b"
                         : [x] "+r"(x), [y] "+r"(y), [k] "+r"(blocks)
                         : [a] "t"(a)
                         : "cc", "memory", "s0", "s1", "s2", "s3", "s4", "s5", "s6", "s7", "s8",
                           "s9", "s10", "s11", "s12", "s13", "s14", "s15");
    }
    n = n % 8u;
#endif
    for (; i < n; i++) {
        y[i] += a * x[i];
    }
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

/* See tmlp_internal.h. On VFP targets two rows at a time, in assembly: each
 * block of x loaded serves both, and each row keeps tmlp_i_dot's 8 sums and
 * order; an odd last row goes through tmlp_i_dot. Elsewhere one row at a
 * time (a two-row C version measured slower on x86-64: gcc -O2 vectorises
 * tmlp_i_dot's 8 sums as one vector, the 16 sums of two rows worse). */
void tmlp_i_dense_forward(const float *TMLP_RESTRICT w, const float *TMLP_RESTRICT b,
                          const float *TMLP_RESTRICT x, float *TMLP_RESTRICT z, size_t n_in,
                          size_t n_out)
{
    size_t j = 0;
#if TMLP_VFP_ASM
    /* Two rows per pass over x, all in registers: 16 sums (s0-s7 row j,
     * s8-s15 row j+1); per block of 8, x's block goes to s16-s23 and each
     * row's block to s24-s31, multiplied in place (VMUL) and added to the
     * sums (VADD): the C code's rounded product, then its sum. VMLA would
     * round the same way, but the Cortex-M4 takes 3 cycles for it and 1
     * each for VMUL and VADD. No sum starts from 0: the first block's
     * products are the sums, and one +0 is added at the end instead, which
     * gives the same bits (a sum that starts at +0 differs from one that
     * does not only where the latter is -0, and adding +0 to the sums, to
     * any sum of them, maps -0 to +0 and leaves every other value as it
     * is). The tail goes to s0 / s8 in order; each row's sums are combined
     * in tmlp_i_dot's tree, then +0 (from k, which the loops leave at 0)
     * and the bias added. The loop over pairs is in the assembly too; an
     * odd last row, and rows shorter than 8, go through tmlp_i_dot. */
    if (n_in >= 8u && n_out >= 2u) {
        const float *u = w, *v = w + n_in, *xp = x, *bp = b;
        float *zp = z;
        size_t pairs = n_out / 2u, k, t;
        /* Per pair: blocks after the first in bits 3 and up, tail in 0-2. */
        const size_t counts = (n_in / 8u - 1u) * 8u + n_in % 8u;
        const size_t row_bytes = n_in * sizeof(float);
        __asm__ volatile("0:\n\t"
                         "lsr %[k], %[c], #3\n\t"
                         "and %[t], %[c], #7\n\t"
                         "vldmia %[x]!, {s16-s23}\n\t"
                         "vldmia %[u]!, {s0-s7}\n\t"
                         "vldmia %[v]!, {s8-s15}\n\t"
                         "vmul.f32 s0, s16, s0\n\tvmul.f32 s1, s17, s1\n\t"
                         "vmul.f32 s2, s18, s2\n\tvmul.f32 s3, s19, s3\n\t"
                         "vmul.f32 s4, s20, s4\n\tvmul.f32 s5, s21, s5\n\t"
                         "vmul.f32 s6, s22, s6\n\tvmul.f32 s7, s23, s7\n\t"
                         "vmul.f32 s8, s16, s8\n\tvmul.f32 s9, s17, s9\n\t"
                         "vmul.f32 s10, s18, s10\n\tvmul.f32 s11, s19, s11\n\t"
                         "vmul.f32 s12, s20, s12\n\tvmul.f32 s13, s21, s13\n\t"
                         "vmul.f32 s14, s22, s14\n\tvmul.f32 s15, s23, s15\n\t"
                         "cmp %[k], #0\n\t"
                         "beq 2f\n"
                         "1:\n\t"
                         "vldmia %[x]!, {s16-s23}\n\t"
                         "vldmia %[u]!, {s24-s31}\n\t"
                         "vmul.f32 s24, s16, s24\n\tvmul.f32 s25, s17, s25\n\t"
                         "vmul.f32 s26, s18, s26\n\tvmul.f32 s27, s19, s27\n\t"
                         "vmul.f32 s28, s20, s28\n\tvmul.f32 s29, s21, s29\n\t"
                         "vmul.f32 s30, s22, s30\n\tvmul.f32 s31, s23, s31\n\t"
                         "vadd.f32 s0, s0, s24\n\tvadd.f32 s1, s1, s25\n\t"
                         "vadd.f32 s2, s2, s26\n\tvadd.f32 s3, s3, s27\n\t"
                         "vadd.f32 s4, s4, s28\n\tvadd.f32 s5, s5, s29\n\t"
                         "vadd.f32 s6, s6, s30\n\tvadd.f32 s7, s7, s31\n\t"
                         "vldmia %[v]!, {s24-s31}\n\t"
                         "vmul.f32 s24, s16, s24\n\tvmul.f32 s25, s17, s25\n\t"
                         "vmul.f32 s26, s18, s26\n\tvmul.f32 s27, s19, s27\n\t"
                         "vmul.f32 s28, s20, s28\n\tvmul.f32 s29, s21, s29\n\t"
                         "vmul.f32 s30, s22, s30\n\tvmul.f32 s31, s23, s31\n\t"
                         "vadd.f32 s8, s8, s24\n\tvadd.f32 s9, s9, s25\n\t"
                         "vadd.f32 s10, s10, s26\n\tvadd.f32 s11, s11, s27\n\t"
                         "vadd.f32 s12, s12, s28\n\tvadd.f32 s13, s13, s29\n\t"
                         "vadd.f32 s14, s14, s30\n\tvadd.f32 s15, s15, s31\n\t"
                         "subs %[k], %[k], #1\n\t"
                         "bne 1b\n"
                         "2:\n\t"
                         "cmp %[t], #0\n\t"
                         "beq 4f\n"
                         "3:\n\t"
                         "vldmia %[x]!, {s16}\n\t"
                         "vldmia %[u]!, {s24}\n\t"
                         "vldmia %[v]!, {s25}\n\t"
                         "vmul.f32 s24, s16, s24\n\tvmul.f32 s25, s16, s25\n\t"
                         "vadd.f32 s0, s0, s24\n\tvadd.f32 s8, s8, s25\n\t"
                         "subs %[t], %[t], #1\n\t"
                         "bne 3b\n"
                         "4:\n\t"
                         "vadd.f32 s0, s0, s1\n\tvadd.f32 s2, s2, s3\n\t"
                         "vadd.f32 s4, s4, s5\n\tvadd.f32 s6, s6, s7\n\t"
                         "vadd.f32 s0, s0, s2\n\tvadd.f32 s4, s4, s6\n\t"
                         "vadd.f32 s0, s0, s4\n\tvadd.f32 s8, s8, s9\n\t"
                         "vadd.f32 s10, s10, s11\n\tvadd.f32 s12, s12, s13\n\t"
                         "vadd.f32 s14, s14, s15\n\tvadd.f32 s8, s8, s10\n\t"
                         "vadd.f32 s12, s12, s14\n\tvadd.f32 s1, s8, s12\n\t"
                         "vmov s4, %[k]\n\t"
                         "vldmia %[b]!, {s2-s3}\n\t"
                         "vadd.f32 s0, s0, s4\n\tvadd.f32 s1, s1, s4\n\t"
                         "vadd.f32 s0, s0, s2\n\tvadd.f32 s1, s1, s3\n\t"
                         "vstmia %[z]!, {s0-s1}\n\t"
                         "sub %[x], %[x], %[rb]\n\t"
                         "mov %[u], %[v]\n\t"
                         "add %[v], %[v], %[rb]\n\t"
                         "subs %[p], %[p], #1\n\t"
                         "bne 0b"
                         : [x] "+r"(xp), [u] "+r"(u), [v] "+r"(v), [k] "=&r"(k), [t] "=&r"(t),
                           [b] "+r"(bp), [z] "+r"(zp), [p] "+r"(pairs)
                         : [c] "r"(counts), [rb] "r"(row_bytes)
                         : "cc", "memory", "s0", "s1", "s2", "s3", "s4", "s5", "s6", "s7", "s8",
                           "s9", "s10", "s11", "s12", "s13", "s14", "s15", "s16", "s17", "s18",
                           "s19", "s20", "s21", "s22", "s23", "s24", "s25", "s26", "s27", "s28",
                           "s29", "s30", "s31");
        j = n_out - n_out % 2u;
    }
#endif
    for (; j < n_out; j++) {
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
        gb[j] += dj;
        tmlp_i_axpy(gw + j * n_in, dj, x, n_in);
        if (d_in != NULL) {
            tmlp_i_axpy(d_in, dj, w + j * n_in, n_in);
        }
    }
}

#endif /* TMLP_KERNEL_VEC */
