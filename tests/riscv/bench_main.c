/* SPDX-License-Identifier: MIT */
/* Instructions per multiply-accumulate on RISC-V, for `make bench-riscv`:
 * the 64-32-10 ReLU/softmax net of `make bench-qemu`, the library built
 * with -Os as for `make size`, run under qemu-system-riscv32 -icount
 * shift=0. Prints
 *   qemu infer <cpu> instr_per_mac=<x>          forward pass, const weights
 *   qemu train <cpu> instr_per_mac=<x>          tmlp_net_train_sample (fused
 *                                               SGD + momentum, batch 1), MACs x3
 *   qemu train-3-calls <cpu> instr_per_mac=<x>  forward + backward +
 *                                               tmlp_net_step, MACs x3
 * as bench-qemu does for the Cortex-M.
 *
 * Counting: the minstret CSR (0xB02), which QEMU with -icount advances by
 * one per instruction. The program checks that first with a loop of known
 * length (2 instructions per iteration) and fails if the count is off by
 * more than 2 (a reading may be an instruction early or late). Each figure is the mean of REPS calls, less an empty measurement's
 * count. Instructions, not cycles: QEMU models no pipeline or FPU latency. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "tinymlp.h"

#define N_IN 64
#define N_HID 32
#define N_OUT 10
#define MACS (N_IN * N_HID + N_HID * N_OUT)
#define REPS 100u
#define N_SAMPLES 8

#ifndef TMLP_BENCH_CPU
#error "define TMLP_BENCH_CPU, the configuration's name"
#endif

int main(void);

static float train_arena[TMLP_MLP2_BYTES(N_IN, N_HID, N_OUT, TMLP_SLOTS_MOMENTUM, TMLP_BUILD_TRAIN) /
                         sizeof(float)];
static float infer_arena[TMLP_ARENA_BYTES(0, 0, 0, TMLP_MAX2(N_HID, N_OUT), 0, 0, 0, 0,
                                          TMLP_BUILD_BORROW) /
                         sizeof(float)];
static float samples[N_SAMPLES][N_IN];
static tmlp_net_t trainer, reader;

/* minstret, low 32 bits (csrrs rd, 0xB02, x0; .insn: no _zicsr needed). */
static uint32_t instret(void)
{
    uint32_t v;
    __asm__ volatile(".insn i 0x73, 2, %0, x0, -1278" : "=r"(v));
    return v;
}

/* 2 instructions per iteration: addi, bnez. */
static __attribute__((noinline)) void loop2(uint32_t n)
{
    __asm__ volatile("1: addi %0, %0, -1\n\tbnez %0, 1b" : "+r"(n));
}

static uint32_t count_loop(uint32_t n)
{
    uint32_t t0 = instret();
    loop2(n);
    return instret() - t0;
}

/* Mean instructions of one call: 0 forward (inference net), 1 tmlp_net_
 * train_sample, 2 forward + backward + tmlp_net_step. */
static uint32_t measure(int what, int *ok)
{
    tmlp_target_t t;
    uint32_t t0, empty, r;
    t.values = NULL;
    t0 = instret();
    empty = instret() - t0;
    t0 = instret();
    for (r = 0; r < REPS; r++) {
        const float *x = samples[r % N_SAMPLES];
        t.label = r % N_OUT;
        if (what == 0) {
            *ok &= tmlp_net_forward(&reader, x, NULL) == TMLP_OK;
        } else if (what == 1) {
            *ok &= tmlp_net_train_sample(&trainer, x, TMLP_LOSS_CE, &t, NULL) == TMLP_OK;
        } else {
            *ok &= tmlp_net_forward(&trainer, x, NULL) == TMLP_OK;
            *ok &= tmlp_net_backward(&trainer, TMLP_LOSS_CE, &t, NULL) == TMLP_OK;
            *ok &= tmlp_net_step(&trainer) == TMLP_OK;
        }
    }
    return (instret() - t0 - empty) / REPS;
}

static int build_nets(void)
{
    tmlp_desc_t d;
    tmlp_optim_t o;
    tmlp_init_t init;
    tmlp_rng_t rng;
    tmlp_opts_t opts;
    const float *p;
    size_t n;
    int i, k, ok = 1;
    memset(&d, 0, sizeof d);
    memset(&o, 0, sizeof o);
    memset(&init, 0, sizeof init);
    memset(&opts, 0, sizeof opts);
    d.n_in = N_IN;
    d.n_layers = 2;
    d.layer[0].units = N_HID;
    d.layer[0].act = TMLP_ACT_RELU;
    d.layer[1].units = N_OUT;
    d.layer[1].act = TMLP_ACT_SOFTMAX;
    o.kind = TMLP_OPT_SGD;
    o.lr = 0.01f;
    o.momentum = 0.9f;
    ok &= tmlp_rng_seed(&rng, 1u) == TMLP_OK;
    for (i = 0; i < N_SAMPLES; i++) {
        for (k = 0; k < N_IN; k++) {
            ok &= tmlp_rng_uniform(&rng, &samples[i][k]) == TMLP_OK;
        }
    }
    opts.optim = &o;
    ok &= tmlp_net_init(&trainer, &d, &opts, train_arena, sizeof train_arena, NULL) == TMLP_OK;
    ok &= tmlp_net_init_weights(&trainer, &init, &rng) == TMLP_OK;
    /* The inference net reads the training net's first weights in place
     * (const on a device; the instructions are the same). */
    ok &= tmlp_net_params(&trainer, &p, &n) == TMLP_OK;
    memset(&opts, 0, sizeof opts);
    opts.params = p;
    opts.n_params = n;
    ok &= tmlp_net_init(&reader, &d, &opts, infer_arena, sizeof infer_arena, NULL) == TMLP_OK;
    return ok;
}

static void line(const char *config, uint32_t instr, uint32_t macs)
{
    uint32_t x100 = (instr * 100u + macs / 2u) / macs;
    printf("qemu %s %s instr_per_mac=%lu.%02lu\n", config, TMLP_BENCH_CPU,
           (unsigned long)(x100 / 100u), (unsigned long)(x100 % 100u));
}

int main(void)
{
    uint32_t a = count_loop(1000u), b = count_loop(101000u), fwd, fused, three;
    int ok;
    printf("bench: loops of 2000 and 202000 instructions counted as %lu and %lu\n",
           (unsigned long)a, (unsigned long)b);
    /* QEMU brings the count up to date at each block of translated code,
     * so a reading may be an instruction early or late. */
    if (b - a < 199998u || b - a > 200002u) {
        printf("bench: minstret does not count instructions: is QEMU running with -icount shift=0?\n");
        return 1;
    }
    ok = build_nets();
    fwd = measure(0, &ok);
    three = measure(2, &ok);
    fused = measure(1, &ok);
    if (!ok) {
        printf("bench: a library call failed\n");
        return 1;
    }
    printf("bench: forward %lu, training step %lu, forward + backward + step %lu instructions "
           "(mean of %u calls, 64-32-10, %u MACs per pass)\n",
           (unsigned long)fwd, (unsigned long)fused, (unsigned long)three, REPS, (unsigned)MACS);
    line("infer", fwd, MACS);
    line("train", fused, 3u * MACS);
    line("train-3-calls", three, 3u * MACS);
    return 0;
}
