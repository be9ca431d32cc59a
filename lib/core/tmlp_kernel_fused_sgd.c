/* SPDX-License-Identifier: MIT */
/* The fused update of one dense layer by plain SGD at batch 1
 * (tmlp_net_train_sample): the gradient d[j] x[i] goes straight into the
 * momentum and the weight, with no gradient buffer and one pass over the
 * parameters instead of three (accumulate, check, commit).
 *
 * Every value equals what tmlp_net_backward + tmlp_net_step compute for one
 * sample, bit for bit: the gradient is p = 0 + d[j] x[i], as a zeroed
 * buffer holds it after one accumulation (so p is never -0, as there), the
 * mean over a batch of 1 multiplies by 1 (exact), and the update then runs
 * tmlp_optim_sgd.c's operations in its order. The checks that make the step
 * all or nothing are the caller's (tmlp_train_sample.c), before this runs. */
#include "tmlp_internal.h"
#include "tmlp_vec.h"

#if TMLP_KERNEL_VEC
/* x86-64 and Arm NEON: blocks of 8 on GNU C vectors (tmlp_vec.h). */
static void update_row(const tmlp_i_sgd1_t *k, float *TMLP_RESTRICT w, float *TMLP_RESTRICT v,
                       const float *TMLP_RESTRICT x, float a, size_t n)
{
    const tmlp_f8_t A = tmlp_f8_splat(a), Z = tmlp_f8_splat(0.0f), LR = tmlp_f8_splat(k->lr);
    const tmlp_f8_t MU = tmlp_f8_splat(k->mu), KEEP = tmlp_f8_splat(k->keep);
    tmlp_f8_t p, vv;
    float pi, vi;
    size_t i = 0;
    if (v == NULL) {
        for (; i + 8u <= n; i += 8u) {
            p = tmlp_f8_add(Z, tmlp_f8_mul(A, tmlp_f8_load(x + i)));
            tmlp_f8_store(w + i, tmlp_f8_sub(tmlp_f8_load(w + i), tmlp_f8_mul(LR, p)));
        }
    } else if (k->first) {
        for (; i + 8u <= n; i += 8u) {
            p = tmlp_f8_add(Z, tmlp_f8_mul(A, tmlp_f8_load(x + i)));
            tmlp_f8_store(v + i, p);
            tmlp_f8_store(w + i, tmlp_f8_sub(tmlp_f8_load(w + i), tmlp_f8_mul(LR, p)));
        }
    } else {
        for (; i + 8u <= n; i += 8u) {
            p = tmlp_f8_add(Z, tmlp_f8_mul(A, tmlp_f8_load(x + i)));
            vv = tmlp_f8_add(tmlp_f8_mul(MU, tmlp_f8_load(v + i)), tmlp_f8_mul(KEEP, p));
            tmlp_f8_store(v + i, vv);
            tmlp_f8_store(w + i, tmlp_f8_sub(tmlp_f8_load(w + i), tmlp_f8_mul(LR, vv)));
        }
    }
    for (; i < n; i++) {
        pi = 0.0f + a * x[i];
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
/* Cortex-M4F/M7/M33, momentum without dampening (the common case), blocks
 * of 8: x into s8-s15; p = 0 + a x into s16-s23 (loaded as zeros, then
 * VMLA: the product rounded, then added to 0, as the C below); v into
 * s8-s15, v' = p + mu v (VMLA; = mu v + 1 p, addition commuting exactly);
 * w into s0-s7, w' = w - lr v' (VMLS: the product rounded, then
 * subtracted). About 4.1 instructions per parameter; returns the elements
 * done (a multiple of 8). */
static size_t update_momentum_vfp(float *w, float *v, const float *x, float a, float mu, float lr,
                                  size_t n)
{
    static const float zeros[8] = {0.0f};
    size_t blocks = n / 8u;
    if (blocks == 0u) {
        return 0;
    }
    __asm__ volatile("1:\n\t"
                     "vldmia %[x]!, {s8-s15}\n\t"
                     "vldmia %[z], {s16-s23}\n\t"
                     "vmla.f32 s16, %[a], s8\n\t"
                     "vmla.f32 s17, %[a], s9\n\t"
                     "vmla.f32 s18, %[a], s10\n\t"
                     "vmla.f32 s19, %[a], s11\n\t"
                     "vmla.f32 s20, %[a], s12\n\t"
                     "vmla.f32 s21, %[a], s13\n\t"
                     "vmla.f32 s22, %[a], s14\n\t"
                     "vmla.f32 s23, %[a], s15\n\t"
                     "vldmia %[v], {s8-s15}\n\t"
                     "vmla.f32 s16, %[mu], s8\n\t"
                     "vmla.f32 s17, %[mu], s9\n\t"
                     "vmla.f32 s18, %[mu], s10\n\t"
                     "vmla.f32 s19, %[mu], s11\n\t"
                     "vmla.f32 s20, %[mu], s12\n\t"
                     "vmla.f32 s21, %[mu], s13\n\t"
                     "vmla.f32 s22, %[mu], s14\n\t"
                     "vmla.f32 s23, %[mu], s15\n\t"
                     "vldmia %[w], {s0-s7}\n\t"
                     "vmls.f32 s0, %[lr], s16\n\t"
                     "vmls.f32 s1, %[lr], s17\n\t"
                     "vmls.f32 s2, %[lr], s18\n\t"
                     "vmls.f32 s3, %[lr], s19\n\t"
                     "vmls.f32 s4, %[lr], s20\n\t"
                     "vmls.f32 s5, %[lr], s21\n\t"
                     "vmls.f32 s6, %[lr], s22\n\t"
                     "vmls.f32 s7, %[lr], s23\n\t"
                     "vstmia %[v]!, {s16-s23}\n\t"
                     "vstmia %[w]!, {s0-s7}\n\t"
                     "subs %[k], %[k], #1\n\t"
                     "bne 1b"
                     : [x] "+r"(x), [v] "+r"(v), [w] "+r"(w), [k] "+r"(blocks)
                     : [z] "r"(zeros), [a] "t"(a), [mu] "t"(mu), [lr] "t"(lr)
                     : "cc", "memory", "s0", "s1", "s2", "s3", "s4", "s5", "s6", "s7", "s8",
                       "s9", "s10", "s11", "s12", "s13", "s14", "s15", "s16", "s17", "s18",
                       "s19", "s20", "s21", "s22", "s23");
    return n - n % 8u;
}
#endif

/* Portable C: one loop per case, so no flag is tested per element. */
static void update_row(const tmlp_i_sgd1_t *k, float *TMLP_RESTRICT w, float *TMLP_RESTRICT v,
                       const float *TMLP_RESTRICT x, float a, size_t n)
{
    const float lr = k->lr, mu = k->mu, keep = k->keep;
    float p, vi;
    size_t i = 0;
    if (v == NULL) {
        for (; i < n; i++) {
            p = 0.0f + a * x[i];
            w[i] = w[i] - lr * p;
        }
    } else if (k->first) {
        for (; i < n; i++) {
            p = 0.0f + a * x[i];
            v[i] = p;
            w[i] = w[i] - lr * p;
        }
    } else {
#if TMLP_VFP_ASM
        if (keep == 1.0f) {
            i = update_momentum_vfp(w, v, x, a, mu, lr, n);
        }
#endif
        for (; i < n; i++) {
            p = 0.0f + a * x[i];
            vi = mu * v[i] + keep * p;
            v[i] = vi;
            w[i] = w[i] - lr * vi;
        }
    }
}

#endif /* TMLP_KERNEL_VEC */

/* See tmlp_internal.h. */
void tmlp_i_dense_sgd1(const tmlp_i_sgd1_t *k, float *w, float *v, const float *x,
                       const float *d, float *d_in, size_t n_in, size_t n_out)
{
    size_t i, j;
    if (d_in != NULL) {
        for (i = 0; i < n_in; i++) {
            d_in[i] = 0.0f;
        }
    }
    for (j = 0; j < n_out; j++) {
        float *row = w + j * n_in;
        if (d_in != NULL) {
            /* With the row's old weights, in row order: as tmlp_i_dense_backward. */
            tmlp_i_axpy(d_in, d[j], row, n_in);
        }
        update_row(k, row, v != NULL ? v + j * n_in : NULL, x, d[j], n_in);
    }
    /* Biases: their input is 1, and 1 d[j] = d[j] exactly. */
    update_row(k, w + n_out * n_in, v != NULL ? v + n_out * n_in : NULL, d, 1.0f, n_out);
}
