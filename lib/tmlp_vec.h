/* SPDX-License-Identifier: MIT */
/* Which kernels a target gets (GNU C vectors, VFP assembly or portable C),
 * and the GNU C vector helpers; shared by the kernel and optimizer files,
 * not installed.
 *
 * x86-64 (SSE2 and up) and Arm NEON with gcc or clang: a block of 8 floats
 * (tmlp_f8_t) holds partial sum k of a dot product or sum of squares, or element
 * i + k of a block, in lane k: one 32-byte vector with AVX, two 16-byte
 * vectors otherwise. Lane k is partial sum k because the portable C code
 * sends element i to sum i mod 8, so each lane sees exactly the values, in
 * the same order, that the scalar sum k sees. Compilers vectorise the scalar
 * loops badly (gcc -O3 turns the 8 scalar sums of the dot product into 8
 * strict in-order reductions with permutes, several times slower than -O2)
 * and do not vectorise loops of unknown length at -O2. Vector operations are
 * lane-wise IEEE operations rounded as the scalar ones (-ffp-contract=off:
 * no fused multiply-add) and every sum keeps its order, so the bits are
 * unchanged: the same as the portable C code's. -DTMLP_NO_ASM selects the
 * portable C code. */
#ifndef TMLP_VEC_H
#define TMLP_VEC_H

#include <stddef.h>

/* Arm NEON only on AArch64: 32-bit NEON arithmetic flushes subnormals to
 * zero (clang uses it for GNU C vectors), which would change the bits. */
#if !defined(TMLP_NO_ASM) && defined(__GNUC__) && \
    (defined(__SSE2__) || (defined(__ARM_NEON) && defined(__aarch64__)))
#define TMLP_VEC 1
#else
#define TMLP_VEC 0
#endif

/* Cortex-M4F/M7/M33 and other VFP targets (gcc or clang, hard or softfp
 * float ABI): the blocks of 8 elements of the dot product and of y += a x
 * in inline assembly, because neither compiler loads 8 consecutive floats
 * with one VLDM from C. The float operations are separate VMUL.F32 and
 * VADD.F32 (or VSUB.F32): the product rounded, then the sum, as the
 * portable C loops (VFP's chained VMLA rounds the same way but takes 3
 * Cortex-M4 cycles against 2), in the same order as those loops, so
 * results are identical (the Cortex-M4F QEMU suite checks the stored
 * weight hashes). -DTMLP_NO_ASM selects the C code. */
#if !defined(TMLP_NO_ASM) && defined(__GNUC__) && defined(__arm__) && defined(__ARM_FP) && \
    (__ARM_FP & 4) && defined(__thumb2__)
#define TMLP_VFP_ASM 1
#else
#define TMLP_VFP_ASM 0
#endif

/* x86-64 (SSE2 and up) and Arm NEON with gcc or clang: the kernels on the
 * GNU C vectors below (lane k of a block = partial sum k, same bits
 * as the portable C code). A Thumb-2 VFP target that also has NEON keeps the
 * VFP assembly above, so the vector kernels need both conditions. */
#if TMLP_VEC && !TMLP_VFP_ASM
#define TMLP_KERNEL_VEC 1
#else
#define TMLP_KERNEL_VEC 0
#endif

#if TMLP_VEC
#if defined(__AVX__)
#define TMLP_VBYTES 32
#else
#define TMLP_VBYTES 16
#endif
/* tmlp_vreg_u_t: the same vector at any float's alignment, allowed to alias floats
 * (as the x86 intrinsics' unaligned types): one unaligned move each. */
typedef float tmlp_vreg_t __attribute__((vector_size(TMLP_VBYTES)));
typedef float tmlp_vreg_u_t __attribute__((vector_size(TMLP_VBYTES), aligned(4), may_alias));
typedef struct {
    tmlp_vreg_t v0;
#if TMLP_VBYTES == 16
    tmlp_vreg_t v1;
#endif
} tmlp_f8_t;

static inline tmlp_f8_t tmlp_f8_load(const float *p)
{
    tmlp_f8_t r;
    r.v0 = *(const tmlp_vreg_u_t *)(const void *)p;
#if TMLP_VBYTES == 16
    r.v1 = *(const tmlp_vreg_u_t *)(const void *)(p + 4);
#endif
    return r;
}

static inline void tmlp_f8_store(float *p, tmlp_f8_t a)
{
    *(tmlp_vreg_u_t *)(void *)p = a.v0;
#if TMLP_VBYTES == 16
    *(tmlp_vreg_u_t *)(void *)(p + 4) = a.v1;
#endif
}

static inline tmlp_f8_t tmlp_f8_splat(float a)
{
    tmlp_f8_t r;
    tmlp_vreg_t v = {a, a, a, a};
#if TMLP_VBYTES == 16
    r.v1 = v;
#else
    v = (tmlp_vreg_t){a, a, a, a, a, a, a, a};
#endif
    r.v0 = v;
    return r;
}

static inline tmlp_f8_t tmlp_f8_add(tmlp_f8_t a, tmlp_f8_t b)
{
    a.v0 += b.v0;
#if TMLP_VBYTES == 16
    a.v1 += b.v1;
#endif
    return a;
}

static inline tmlp_f8_t tmlp_f8_sub(tmlp_f8_t a, tmlp_f8_t b)
{
    a.v0 -= b.v0;
#if TMLP_VBYTES == 16
    a.v1 -= b.v1;
#endif
    return a;
}

static inline tmlp_f8_t tmlp_f8_mul(tmlp_f8_t a, tmlp_f8_t b)
{
    a.v0 *= b.v0;
#if TMLP_VBYTES == 16
    a.v1 *= b.v1;
#endif
    return a;
}

/* acc + a b, rounded twice (product, then sum), as the scalar code. */
static inline tmlp_f8_t tmlp_f8_mac(tmlp_f8_t acc, tmlp_f8_t a, tmlp_f8_t b)
{
    return tmlp_f8_add(acc, tmlp_f8_mul(a, b));
}

/* Four floats, at any float's alignment (the results of a block of rows). */
typedef float tmlp_v4_t __attribute__((vector_size(16)));
typedef float tmlp_v4_u_t __attribute__((vector_size(16), aligned(4), may_alias));

/* __builtin_shufflevector: clang, and gcc from version 12. Without it the
 * kernels combine each row's sums one row at a time. */
#if defined(__clang__) || (defined(__GNUC__) && __GNUC__ >= 12)
#define TMLP_VEC_SHUFFLE 1
#else
#define TMLP_VEC_SHUFFLE 0
#endif
#endif /* TMLP_VEC */

#endif /* TMLP_VEC_H */
