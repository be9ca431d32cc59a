/* SPDX-License-Identifier: MIT */
/* Instructions per multiply-accumulate on the 64-32-10 ReLU/softmax net, for
 * `make bench-qemu` (mps2-an386, Cortex-M4F, qemu-system-arm -icount
 * shift=0). Prints
 *   qemu infer cortex-m4f instr_per_mac=<x>   forward pass, const weights
 *   qemu train cortex-m4f instr_per_mac=<x>   forward + backward + SGD with
 *                                             momentum at batch 1, MACs x3
 * plus the calibration, the raw counts and one "bench: region" line per
 * measured call (for tools/scripts/m4_cycles.py, which adds the estimated
 * Cortex-M4 cycles from an instruction-mix trace of the same run).
 *
 * Counting: with -icount shift=0 QEMU advances virtual time by exactly 1 ns
 * per instruction, and SysTick (core clock, 25 MHz on this board) counts
 * down once per 40 ns, so one tick is a fixed number of instructions. The
 * program measures that number with a loop of known length (2 instructions
 * per iteration) instead of assuming it, and fails if the two calibration
 * lengths disagree. Each figure is the mean of REPS calls, less the cost of
 * an empty measurement. These are instructions, not cycles: QEMU does not
 * model pipeline stalls, wait states or the FPU's latencies. */
#include <stdint.h>
#include <stdio.h>

#include "tinymlp.h"

#define N_IN 64
#define N_HID 32
#define N_OUT 10
#define MACS (N_IN * N_HID + N_HID * N_OUT)
#define REPS 100u
#define N_SAMPLES 8

/* The CPU the code was compiled for, in the result lines. */
#ifndef TMLP_BENCH_CPU
#define TMLP_BENCH_CPU "cortex-m4f"
#endif
#define SYST_CSR (*(volatile uint32_t *)0xE000E010u)
#define SYST_RVR (*(volatile uint32_t *)0xE000E014u)
#define SYST_CVR (*(volatile uint32_t *)0xE000E018u)

int main(void);

static float train_arena[TMLP_MLP2_BYTES(N_IN, N_HID, N_OUT, TMLP_SLOTS_MOMENTUM, TMLP_BUILD_TRAIN) /
                         sizeof(float)];
static float infer_arena[TMLP_ARENA_BYTES(0, 0, 0, TMLP_MAX2(N_HID, N_OUT), 0, 0, 0, 0, TMLP_BUILD_BORROW) / sizeof(float)];
static float xs[N_SAMPLES][N_IN];
static tmlp_net_t train_net, infer_net;

/* SysTick counts down from 0xFFFFFF; readings are 24-bit. */
static uint32_t now(void)
{
    return SYST_CVR;
}

static uint32_t elapsed(uint32_t t0, uint32_t t1)
{
    return (t0 - t1) & 0xFFFFFFu;
}

/* Exactly 2 instructions per iteration (subs, bne). */
static __attribute__((noinline)) void spin(uint32_t n)
{
    __asm__ volatile(".syntax unified\n1: subs %0, %0, #1\n\tbne 1b" : "+r"(n) : : "cc");
}

/* The bounds of each measured region for an instruction-mix trace
 * (tools/scripts/m4_cycles.py runs this program with a QEMU plugin that
 * counts every executed instruction between a call of region_begin and the
 * next call of region_end). Empty, never inlined, outside the timed span. */
__attribute__((noinline)) void bench_region_begin(void);
__attribute__((noinline)) void bench_region_end(void);
__attribute__((noinline)) void bench_region_begin(void)
{
    __asm__ volatile("");
}

__attribute__((noinline)) void bench_region_end(void)
{
    __asm__ volatile("");
}

static uint32_t time_spin(uint32_t n)
{
    uint32_t t0 = now();
    spin(n);
    return elapsed(t0, now());
}

/* Mean instructions per call of one of the measured operations: 0 forward
 * (inference net), 1 training step at batch 1 (tmlp_net_train_sample: the
 * fused step), 2 forward and backward only, 3 the same step as three calls
 * (forward, backward, tmlp_net_step: the checked step of any batch). */
static uint32_t measure(int op, uint32_t instr_per_tick, int *ok)
{
    uint32_t t0, t1, base, r;
    tmlp_target_t target = {NULL, 0u};
    t0 = now();
    t1 = now();
    base = elapsed(t0, t1);
    bench_region_begin();
    t0 = now();
    for (r = 0; r < REPS; r++) {
        const float *x = xs[r % N_SAMPLES];
        target.label = r % N_OUT;
        if (op == 0) {
            *ok &= tmlp_net_forward(&infer_net, x, NULL) == TMLP_OK;
        } else if (op == 2) {
            *ok &= tmlp_net_forward(&train_net, x, NULL) == TMLP_OK;
            *ok &= tmlp_net_backward(&train_net, TMLP_LOSS_CE, &target, NULL) == TMLP_OK;
        } else if (op == 1) {
            *ok &= tmlp_net_train_sample(&train_net, x, TMLP_LOSS_CE, &target, NULL) == TMLP_OK;
        } else {
            *ok &= tmlp_net_forward(&train_net, x, NULL) == TMLP_OK;
            *ok &= tmlp_net_backward(&train_net, TMLP_LOSS_CE, &target, NULL) == TMLP_OK;
            *ok &= tmlp_net_step(&train_net) == TMLP_OK;
        }
    }
    t1 = now();
    bench_region_end();
    return (elapsed(t0, t1) - base) * instr_per_tick / REPS;
}

static int setup(void)
{
    tmlp_desc_t desc = {N_IN, 2, 0, {{N_HID, TMLP_ACT_RELU, 0, 0.0f}, {N_OUT, TMLP_ACT_SOFTMAX, 0, 0.0f}}};
    tmlp_optim_t opt = {0};
    tmlp_init_t init = {0};
    tmlp_rng_t rng;
    const float *params;
    size_t n_params;
    int i, j, ok = 1;
    opt.kind = TMLP_OPT_SGD;
    opt.lr = 0.01f;
    opt.momentum = 0.9f;
    ok &= tmlp_rng_seed(&rng, 1u) == TMLP_OK;
    for (i = 0; i < N_SAMPLES; i++) {
        for (j = 0; j < N_IN; j++) {
            ok &= tmlp_rng_uniform(&rng, &xs[i][j]) == TMLP_OK;
        }
    }
    ok &= tmlp_net_init(&train_net, &desc, &(tmlp_opts_t){.optim = &opt}, train_arena, sizeof train_arena,
                        NULL) == TMLP_OK;
    ok &= tmlp_net_init_weights(&train_net, &init, &rng) == TMLP_OK;
    /* The inference net reads the training net's initial weights in place
     * (const parameters; RAM here, flash on a device: QEMU counts the same
     * instructions). It is measured before any training step. */
    ok &= tmlp_net_params(&train_net, &params, &n_params) == TMLP_OK;
    ok &= tmlp_net_init(&infer_net, &desc, &(tmlp_opts_t){.params = params, .n_params = n_params}, infer_arena,
                              sizeof infer_arena, NULL) == TMLP_OK;
    return ok;
}

/* Region k (in the order measured) for m4_cycles.py: its name, calls, MACs
 * per call (0: no per-MAC figure) and the instructions counted here. */
static void region(int k, const char *config, uint32_t macs, uint32_t instr)
{
    printf("bench: region %d %s calls=%u macs=%lu instructions=%lu\n", k, config, REPS,
           (unsigned long)macs, (unsigned long)instr);
}

static void report(const char *config, uint32_t instr, uint32_t macs)
{
    uint32_t x100 = (instr * 100u + macs / 2u) / macs;
    printf("qemu %s %s instr_per_mac=%lu.%02lu\n", config, TMLP_BENCH_CPU, (unsigned long)(x100 / 100u),
           (unsigned long)(x100 % 100u));
}

int main(void)
{
    const uint32_t n1 = 100000u, n2 = 1100000u;
    uint32_t d1, d2, ipt, infer, train, fwd_bwd, unfused;
    int ok;

    SYST_RVR = 0xFFFFFFu;
    SYST_CVR = 0u;
    SYST_CSR = 5u; /* enable, core clock, no interrupt */

    /* Calibration: the difference of two loop lengths cancels the call and
     * timer-read overhead; 2 (n2 - n1) instructions in (d2 - d1) ticks. */
    d1 = time_spin(n1);
    d2 = time_spin(n2);
    ipt = 2u * (n2 - n1) / (d2 - d1);
    printf("bench: calibration: %lu and %lu loop instructions in %lu and %lu SysTick ticks: "
           "%lu instructions per tick%s\n",
           (unsigned long)(2u * n1), (unsigned long)(2u * n2), (unsigned long)d1,
           (unsigned long)d2, (unsigned long)ipt,
           ipt * (d2 - d1) == 2u * (n2 - n1) ? " (exact)" : " (NOT exact)");
    if (ipt * (d2 - d1) != 2u * (n2 - n1) || ipt == 0u) {
        printf("bench: calibration failed: is QEMU running with -icount shift=0?\n");
        return 1;
    }

    ok = setup();
    infer = measure(0, ipt, &ok);
    fwd_bwd = measure(2, ipt, &ok);
    ok &= tmlp_net_zero_grad(&train_net) == TMLP_OK;
    unfused = measure(3, ipt, &ok);
    train = measure(1, ipt, &ok);
    if (!ok) {
        printf("bench: a library call failed\n");
        return 1;
    }
    printf("bench: forward %lu instructions, training step %lu instructions "
           "(mean of %u calls, 64-32-10, %u MACs per pass)\n",
           (unsigned long)infer, (unsigned long)train, REPS, (unsigned)MACS);
    printf("bench: the same step as forward + backward + tmlp_net_step: %lu instructions "
           "(forward + backward %lu, tmlp_net_step %lu, %lu per parameter)\n",
           (unsigned long)unfused, (unsigned long)fwd_bwd, (unsigned long)(unfused - fwd_bwd),
           (unsigned long)((unfused - fwd_bwd) / TMLP_MLP2_PARAMS(N_IN, N_HID, N_OUT)));
    region(1, "infer", MACS, infer);
    region(2, "forward-backward", 0u, fwd_bwd);
    region(3, "train-3-calls", 3u * MACS, unfused);
    region(4, "train", 3u * MACS, train);
    report("infer", infer, MACS);
    report("train", train, 3u * MACS);
    report("train-3-calls", unfused, 3u * MACS);
    return 0;
}
