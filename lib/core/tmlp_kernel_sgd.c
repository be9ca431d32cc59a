/* SPDX-License-Identifier: MIT */
/* Plain SGD (optionally with momentum) over a run of parameters: the one
 * update kernel of both training steps, per instruction set (GNU C
 * vectors, VFP assembly, portable C).
 * - The checked step (tmlp_net_step, tmlp_optim.c) runs it over the whole
 *   trainable vector, with x = the gradient buffer g and a = the gradient
 *   scale (1 / batch, times the clipping factor).
 * - The fused step at batch 1 (tmlp_net_train_sample) runs it per row of a
 *   dense layer with x = the layer's input and a = the row's delta d[j]:
 *   the gradient d[j] x[i] goes straight into the momentum and the weight,
 *   with no gradient buffer and one pass over the parameters instead of
 *   three (accumulate, check, commit).
 *
 * The gradient of element i is p = a x[i], or 0 + a x[i] for the fused step
 * (tmlp_i_sgd_t.from_zero): that is the value a zeroed gradient buffer holds
 * after one accumulation, never -0, so the fused step's bits equal those of
 * tmlp_net_backward + tmlp_net_step for one sample (its mean over a batch
 * of 1 multiplies by 1, exact). The update, in this order:
 *   without momentum (v == NULL):  w = w - lr p
 *   first step with momentum:      v = p;               w = w - lr p
 *   otherwise:                     v = mu v + keep p;   w = w - lr v
 * with keep = 1 - dampening. The checks that make a step all or nothing
 * are the callers', before this runs. */
#include "tmlp_internal.h"
#include "tmlp_vec.h"

#if TMLP_KERNEL_VEC
/* x86-64 and AArch64: blocks of 8 on GNU C vectors (tmlp_vec.h). The base
 * is added to every product: +0 for from_zero, else -0, which leaves every
 * value as it is (-0 + y = y for every y, -0 included). */
static void sgd_row(const tmlp_i_sgd_t *k, float *TMLP_RESTRICT w, float *TMLP_RESTRICT v,
                    const float *TMLP_RESTRICT x, float a, size_t n)
{
    const float base = k->from_zero ? 0.0f : -0.0f;
    const tmlp_f8_t A = tmlp_f8_splat(a), B = tmlp_f8_splat(base), LR = tmlp_f8_splat(k->lr);
    const tmlp_f8_t MU = tmlp_f8_splat(k->mu), KEEP = tmlp_f8_splat(k->keep);
    tmlp_f8_t p, vv;
    float pi, vi;
    size_t i = 0;
    if (v == NULL) {
        for (; i + 8u <= n; i += 8u) {
            p = tmlp_f8_add(B, tmlp_f8_mul(A, tmlp_f8_load(x + i)));
            tmlp_f8_store(w + i, tmlp_f8_sub(tmlp_f8_load(w + i), tmlp_f8_mul(LR, p)));
        }
    } else if (k->first) {
        for (; i + 8u <= n; i += 8u) {
            p = tmlp_f8_add(B, tmlp_f8_mul(A, tmlp_f8_load(x + i)));
            tmlp_f8_store(v + i, p);
            tmlp_f8_store(w + i, tmlp_f8_sub(tmlp_f8_load(w + i), tmlp_f8_mul(LR, p)));
        }
    } else if (k->keep == 1.0f) {
        /* No dampening: 1 p = p exactly, so the multiply is left out. */
        for (; i + 8u <= n; i += 8u) {
            p = tmlp_f8_add(B, tmlp_f8_mul(A, tmlp_f8_load(x + i)));
            vv = tmlp_f8_add(tmlp_f8_mul(MU, tmlp_f8_load(v + i)), p);
            tmlp_f8_store(v + i, vv);
            tmlp_f8_store(w + i, tmlp_f8_sub(tmlp_f8_load(w + i), tmlp_f8_mul(LR, vv)));
        }
    } else {
        for (; i + 8u <= n; i += 8u) {
            p = tmlp_f8_add(B, tmlp_f8_mul(A, tmlp_f8_load(x + i)));
            vv = tmlp_f8_add(tmlp_f8_mul(MU, tmlp_f8_load(v + i)), tmlp_f8_mul(KEEP, p));
            tmlp_f8_store(v + i, vv);
            tmlp_f8_store(w + i, tmlp_f8_sub(tmlp_f8_load(w + i), tmlp_f8_mul(LR, vv)));
        }
    }
    for (; i < n; i++) {
        pi = base + a * x[i];
        vi = pi;
        if (v != NULL) {
            vi = k->first ? pi : k->mu * v[i] + k->keep * pi;
            v[i] = vi;
        }
        w[i] = w[i] - k->lr * vi;
    }
}

#else /* !TMLP_KERNEL_VEC */

#if TMLP_VFP_ASM
/* Cortex-M4F/M7/M33, momentum without dampening (the common case): rows
 * of `blocks` blocks of 8, contiguous in w and v, each with its own a (from
 * a[]) and the same x. Per block: x into s8-s15, p = base + a x there
 * (VMUL, then VADD of the base: the product rounded, then added to the
 * base, as the C below); v into s16-s23, v' = mu v + p (VMUL, VADD); w
 * into s0-s7, lr v' into s8-s15 (VMUL), w' = w - lr v' (VSUB). The same
 * roundings as VMLA/VMLS, which the Cortex-M4 takes 3 cycles for, against
 * 1 for each VMUL, VADD, VSUB: 97 instead of 130 cycles per block by the
 * manual's timings. The loop over rows is in the assembly too (x rewound,
 * the next a loaded). blocks and rows are not 0. */
static void momentum_rows_vfp(float *w, float *v, const float *x, float base, const float *a,
                              float mu, float lr, size_t blocks, size_t rows)
{
    const size_t x_bytes = blocks * 8u * sizeof(float);
    size_t k;
    __asm__ volatile("0:\n\t"
                     "vldmia %[ap]!, {s24}\n\t"
                     "mov %[k], %[nb]\n"
                     "1:\n\t"
                     "vldmia %[x]!, {s8-s15}\n\t"
                     "vmul.f32 s8, s24, s8\n\t"
                     "vmul.f32 s9, s24, s9\n\t"
                     "vmul.f32 s10, s24, s10\n\t"
                     "vmul.f32 s11, s24, s11\n\t"
                     "vmul.f32 s12, s24, s12\n\t"
                     "vmul.f32 s13, s24, s13\n\t"
                     "vmul.f32 s14, s24, s14\n\t"
                     "vmul.f32 s15, s24, s15\n\t"
                     "vadd.f32 s8, %[z], s8\n\t"
                     "vadd.f32 s9, %[z], s9\n\t"
                     "vadd.f32 s10, %[z], s10\n\t"
                     "vadd.f32 s11, %[z], s11\n\t"
                     "vadd.f32 s12, %[z], s12\n\t"
                     "vadd.f32 s13, %[z], s13\n\t"
                     "vadd.f32 s14, %[z], s14\n\t"
                     "vadd.f32 s15, %[z], s15\n\t"
                     "vldmia %[v], {s16-s23}\n\t"
                     "vmul.f32 s16, %[mu], s16\n\t"
                     "vmul.f32 s17, %[mu], s17\n\t"
                     "vmul.f32 s18, %[mu], s18\n\t"
                     "vmul.f32 s19, %[mu], s19\n\t"
                     "vmul.f32 s20, %[mu], s20\n\t"
                     "vmul.f32 s21, %[mu], s21\n\t"
                     "vmul.f32 s22, %[mu], s22\n\t"
                     "vmul.f32 s23, %[mu], s23\n\t"
                     "vadd.f32 s16, s16, s8\n\t"
                     "vadd.f32 s17, s17, s9\n\t"
                     "vadd.f32 s18, s18, s10\n\t"
                     "vadd.f32 s19, s19, s11\n\t"
                     "vadd.f32 s20, s20, s12\n\t"
                     "vadd.f32 s21, s21, s13\n\t"
                     "vadd.f32 s22, s22, s14\n\t"
                     "vadd.f32 s23, s23, s15\n\t"
                     "vldmia %[w], {s0-s7}\n\t"
                     "vmul.f32 s8, %[lr], s16\n\t"
                     "vmul.f32 s9, %[lr], s17\n\t"
                     "vmul.f32 s10, %[lr], s18\n\t"
                     "vmul.f32 s11, %[lr], s19\n\t"
                     "vmul.f32 s12, %[lr], s20\n\t"
                     "vmul.f32 s13, %[lr], s21\n\t"
                     "vmul.f32 s14, %[lr], s22\n\t"
                     "vmul.f32 s15, %[lr], s23\n\t"
                     "vsub.f32 s0, s0, s8\n\t"
                     "vsub.f32 s1, s1, s9\n\t"
                     "vsub.f32 s2, s2, s10\n\t"
                     "vsub.f32 s3, s3, s11\n\t"
                     "vsub.f32 s4, s4, s12\n\t"
                     "vsub.f32 s5, s5, s13\n\t"
                     "vsub.f32 s6, s6, s14\n\t"
                     "vsub.f32 s7, s7, s15\n\t"
                     "vstmia %[v]!, {s16-s23}\n\t"
                     "vstmia %[w]!, {s0-s7}\n\t"
                     "subs %[k], %[k], #1\n\t"
                     "bne 1b\n\t"
                     "sub %[x], %[x], %[xb]\n\t"
                     "subs %[r], %[r], #1\n\t"
                     "bne 0b"
                     : [x] "+r"(x), [v] "+r"(v), [w] "+r"(w), [k] "=&r"(k), [ap] "+r"(a),
                       [r] "+r"(rows)
                     : [z] "t"(base), [mu] "t"(mu), [lr] "t"(lr), [nb] "r"(blocks),
                       [xb] "r"(x_bytes)
                     : "cc", "memory", "s0", "s1", "s2", "s3", "s4", "s5", "s6", "s7", "s8",
                       "s9", "s10", "s11", "s12", "s13", "s14", "s15", "s16", "s17", "s18",
                       "s19", "s20", "s21", "s22", "s23", "s24");
}
#endif

/* The gradient of one element: a x, or 0 + a x (see the top of the file).
 * A test of an integer flag, not an addition of -0, so that soft-float
 * targets pay no extra float call on the checked step. */
static inline float grad_of(int from_zero, float a, float x)
{
    float p = a * x;
    return from_zero ? 0.0f + p : p;
}

/* Portable C: one loop per case, so no float flag is tested per element. */
static void sgd_row(const tmlp_i_sgd_t *k, float *TMLP_RESTRICT w, float *TMLP_RESTRICT v,
                    const float *TMLP_RESTRICT x, float a, size_t n)
{
    const float lr = k->lr, mu = k->mu, keep = k->keep;
    const int from_zero = k->from_zero;
    float p, vi;
    size_t i = 0;
    if (v == NULL) {
        for (; i < n; i++) {
            p = grad_of(from_zero, a, x[i]);
            w[i] = w[i] - lr * p;
        }
    } else if (k->first) {
        for (; i < n; i++) {
            p = grad_of(from_zero, a, x[i]);
            v[i] = p;
            w[i] = w[i] - lr * p;
        }
    } else if (keep == 1.0f) {
        /* No dampening (the common case): 1 p = p exactly, so the multiply
         * is left out (on soft-float cores, one float call per element). */
        for (; i < n; i++) {
            p = grad_of(from_zero, a, x[i]);
            vi = mu * v[i] + p;
            v[i] = vi;
            w[i] = w[i] - lr * vi;
        }
    } else {
        for (; i < n; i++) {
            p = grad_of(from_zero, a, x[i]);
            vi = mu * v[i] + keep * p;
            v[i] = vi;
            w[i] = w[i] - lr * vi;
        }
    }
}

#endif /* TMLP_KERNEL_VEC */

/* See tmlp_internal.h. One call per layer rather than per row: the row
 * kernel is inlined here, its constants loaded once. */
void tmlp_i_sgd_rows(const tmlp_i_sgd_t *k, float *w, float *v, const float *x, const float *a,
                     size_t n, size_t rows)
{
    size_t j;
#if TMLP_VFP_ASM
    /* Momentum without dampening (sgd_row's case for it) in assembly: all
     * rows in one call when their length is a multiple of 8, else a call
     * per row and its last n % 8 elements as sgd_row. The base: +0 for
     * from_zero, else -0 (-0 + y = y). */
    if (v != NULL && !k->first && k->keep == 1.0f && n >= 8u) {
        const size_t step = n % 8u == 0u ? rows : 1u, n8 = n - n % 8u;
        const float base = k->from_zero ? 0.0f : -0.0f;
        float p, vi;
        size_t i;
        for (j = 0; j < rows; j += step) {
            float *wj = w + j * n, *vj = v + j * n;
            momentum_rows_vfp(wj, vj, x, base, a + j, k->mu, k->lr, n / 8u, step);
            for (i = n8; i < n; i++) {
                p = grad_of(k->from_zero, a[j], x[i]);
                vi = k->mu * vj[i] + p;
                vj[i] = vi;
                wj[i] = wj[i] - k->lr * vi;
            }
        }
        return;
    }
#endif
    for (j = 0; j < rows; j++) {
        sgd_row(k, w + j * n, v != NULL ? v + j * n : NULL, x, a[j], n);
    }
}

/* See tmlp_internal.h. */
void tmlp_i_dense_sgd1(const tmlp_i_sgd_t *k, float *w, float *v, const float *x,
                       const float *d, float *d_in, size_t n_in, size_t n_out)
{
    static const float one = 1.0f;
    size_t i, j;
    if (d_in != NULL) {
        /* From the old weights, row by row, before any row moves: as
         * tmlp_i_dense_backward. */
        for (i = 0; i < n_in; i++) {
            d_in[i] = 0.0f;
        }
        for (j = 0; j < n_out; j++) {
            tmlp_i_axpy(d_in, d[j], w + j * n_in, n_in);
        }
    }
    tmlp_i_sgd_rows(k, w, v, x, d, n_in, n_out);
    /* Biases: their input is 1, and 1 d[j] = d[j] exactly. */
    tmlp_i_sgd_rows(k, w + n_out * n_in, v != NULL ? v + n_out * n_in : NULL, d, &one, n_out, 1u);
}
