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

/* Cortex-M4F/M7/M33 and other VFP targets (gcc or clang, hard or softfp
 * float ABI): the blocks of 8 elements of the dot product and of y += a x
 * in inline assembly, because neither compiler loads 8 consecutive floats
 * with one VLDM from C. The float operations are VMLA.F32, VFP's chained
 * multiply-accumulate (product rounded, then the sum: the same bits as a
 * separate VMUL and VADD, as gcc emits it from the C below), in the same
 * order as the C loops, so results are identical (the Cortex-M4F QEMU suite
 * checks the stored weight hashes). -DTMLP_NO_ASM selects the C code. */
#if !defined(TMLP_NO_ASM) && defined(__GNUC__) && defined(__arm__) && defined(__ARM_FP) && \
    (__ARM_FP & 4) && defined(__thumb2__)
#define TMLP_VFP_ASM 1
#else
#define TMLP_VFP_ASM 0
#endif

/* See tmlp_internal.h. */
float tmlp_i_dot(const float *TMLP_RESTRICT a, const float *TMLP_RESTRICT b, size_t n)
{
    float s0 = 0.0f, s1 = 0.0f, s2 = 0.0f, s3 = 0.0f;
    float s4 = 0.0f, s5 = 0.0f, s6 = 0.0f, s7 = 0.0f;
    size_t i = 0;
#if TMLP_VFP_ASM
    size_t blocks = n / 8u;
    if (blocks != 0u) {
        __asm__ volatile("1:\n\t"
                         "vldmia %[a]!, {s16-s23}\n\t"
                         "vldmia %[b]!, {s24-s31}\n\t"
                         "vmla.f32 %[s0], s16, s24\n\t"
                         "vmla.f32 %[s1], s17, s25\n\t"
                         "vmla.f32 %[s2], s18, s26\n\t"
                         "vmla.f32 %[s3], s19, s27\n\t"
                         "vmla.f32 %[s4], s20, s28\n\t"
                         "vmla.f32 %[s5], s21, s29\n\t"
                         "vmla.f32 %[s6], s22, s30\n\t"
                         "vmla.f32 %[s7], s23, s31\n\t"
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

/* y[i] += a x[i] for i < n. */
static void axpy(float *TMLP_RESTRICT y, float a, const float *TMLP_RESTRICT x, size_t n)
{
    size_t i = 0;
#if TMLP_VFP_ASM
    size_t blocks = n / 8u;
    if (blocks != 0u) {
        __asm__ volatile("1:\n\t"
                         "vldmia %[x]!, {s16-s23}\n\t"
                         "vldmia %[y], {s24-s31}\n\t"
                         "vmla.f32 s24, s16, %[a]\n\t"
                         "vmla.f32 s25, s17, %[a]\n\t"
                         "vmla.f32 s26, s18, %[a]\n\t"
                         "vmla.f32 s27, s19, %[a]\n\t"
                         "vmla.f32 s28, s20, %[a]\n\t"
                         "vmla.f32 s29, s21, %[a]\n\t"
                         "vmla.f32 s30, s22, %[a]\n\t"
                         "vmla.f32 s31, s23, %[a]\n\t"
                         "vstmia %[y]!, {s24-s31}\n\t"
                         "subs %[k], %[k], #1\n\t"
                         "bne 1b"
                         : [x] "+r"(x), [y] "+r"(y), [k] "+r"(blocks)
                         : [a] "t"(a)
                         : "cc", "memory", "s16", "s17", "s18", "s19", "s20", "s21", "s22",
                           "s23", "s24", "s25", "s26", "s27", "s28", "s29", "s30", "s31");
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
    /* Two rows per pass over x, all in registers: the 16 sums (s0-s7 row
     * j, s8-s15 row j+1) start from 0 loaded from `zeros`; per block of 8,
     * x's block goes to s16-s23 and each row's block to s24-s31; the tail
     * goes to s0 / s8 in order; then each row's sums are combined in
     * tmlp_i_dot's tree. */
    static const float zeros[16] = {0.0f};
    for (; j + 2u <= n_out; j += 2u) {
        const float *u = w + j * n_in, *v = u + n_in, *xp = x;
        size_t blocks = n_in / 8u, tail = n_in % 8u;
        float r[2];
        __asm__ volatile("vldmia %[zp], {s0-s15}\n\t"
                         "cmp %[k], #0\n\t"
                         "beq 2f\n"
                         "1:\n\t"
                         "vldmia %[x]!, {s16-s23}\n\t"
                         "vldmia %[u]!, {s24-s31}\n\t"
                         "vmla.f32 s0, s16, s24\n\t"
                         "vmla.f32 s1, s17, s25\n\t"
                         "vmla.f32 s2, s18, s26\n\t"
                         "vmla.f32 s3, s19, s27\n\t"
                         "vmla.f32 s4, s20, s28\n\t"
                         "vmla.f32 s5, s21, s29\n\t"
                         "vmla.f32 s6, s22, s30\n\t"
                         "vmla.f32 s7, s23, s31\n\t"
                         "vldmia %[v]!, {s24-s31}\n\t"
                         "vmla.f32 s8, s16, s24\n\t"
                         "vmla.f32 s9, s17, s25\n\t"
                         "vmla.f32 s10, s18, s26\n\t"
                         "vmla.f32 s11, s19, s27\n\t"
                         "vmla.f32 s12, s20, s28\n\t"
                         "vmla.f32 s13, s21, s29\n\t"
                         "vmla.f32 s14, s22, s30\n\t"
                         "vmla.f32 s15, s23, s31\n\t"
                         "subs %[k], %[k], #1\n\t"
                         "bne 1b\n"
                         "2:\n\t"
                         "cmp %[t], #0\n\t"
                         "beq 4f\n"
                         "3:\n\t"
                         "vldmia %[x]!, {s16}\n\t"
                         "vldmia %[u]!, {s24}\n\t"
                         "vmla.f32 s0, s16, s24\n\t"
                         "vldmia %[v]!, {s25}\n\t"
                         "vmla.f32 s8, s16, s25\n\t"
                         "subs %[t], %[t], #1\n\t"
                         "bne 3b\n"
                         "4:\n\t"
                         "vadd.f32 s0, s0, s1\n\t"
                         "vadd.f32 s2, s2, s3\n\t"
                         "vadd.f32 s4, s4, s5\n\t"
                         "vadd.f32 s6, s6, s7\n\t"
                         "vadd.f32 s0, s0, s2\n\t"
                         "vadd.f32 s4, s4, s6\n\t"
                         "vadd.f32 s0, s0, s4\n\t"
                         "vadd.f32 s8, s8, s9\n\t"
                         "vadd.f32 s10, s10, s11\n\t"
                         "vadd.f32 s12, s12, s13\n\t"
                         "vadd.f32 s14, s14, s15\n\t"
                         "vadd.f32 s8, s8, s10\n\t"
                         "vadd.f32 s12, s12, s14\n\t"
                         "vadd.f32 s1, s8, s12\n\t"
                         "vstmia %[out], {s0-s1}"
                         : [x] "+r"(xp), [u] "+r"(u), [v] "+r"(v), [k] "+r"(blocks),
                           [t] "+r"(tail)
                         : [zp] "r"(zeros), [out] "r"(r)
                         : "cc", "memory", "s0", "s1", "s2", "s3", "s4", "s5", "s6", "s7", "s8",
                           "s9", "s10", "s11", "s12", "s13", "s14", "s15", "s16", "s17", "s18",
                           "s19", "s20", "s21", "s22", "s23", "s24", "s25", "s26", "s27", "s28",
                           "s29", "s30", "s31");
        z[j] = r[0] + b[j];
        z[j + 1u] = r[1] + b[j + 1u];
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
        axpy(gw + j * n_in, dj, x, n_in);
        if (d_in != NULL) {
            axpy(d_in, dj, w + j * n_in, n_in);
        }
    }
}
