/* SPDX-License-Identifier: MIT */
/* Cycles per multiply-accumulate on the ATmega328P, for `make bench-avr`:
 * a 4-8-3 ReLU/softmax net (56 MACs per pass; the 64-32-10 net of the
 * 32-bit benchmarks does not fit 2 KB of RAM), the library at -Os
 * -mcall-prologues, under simavr at 16 MHz. Prints
 *   simavr infer atmega328p cycles_per_mac=<x>   forward pass
 *   simavr train atmega328p cycles_per_mac=<x>   tmlp_net_train_sample
 *                                                (fused SGD + momentum,
 *                                                batch 1), MACs x3
 * Timed with the port's clock (port/avr: Timer1 at F_CPU / 64), over REPS
 * calls, so a tick of 64 cycles is well below the resolution needed. The
 * cycles are simavr's (simulated; no board was measured). Ends with a
 * sleep with interrupts off. */
#include <avr/interrupt.h>
#include <avr/io.h>
#include <avr/pgmspace.h>
#include <avr/sleep.h>
#include <stdio.h>
#include <string.h>

#include "tinymlp.h"
#include "tmlp_port.h"

#define N_IN 4
#define N_HID 8
#define N_OUT 3
#define MACS (N_IN * N_HID + N_HID * N_OUT)
#define REPS 200u

int main(void);

static int uart_putc(char c, FILE *stream)
{
    (void)stream;
    while (!(UCSR0A & (1u << UDRE0))) {
    }
    UDR0 = (uint8_t)c;
    return 0;
}

static FILE uart_out = FDEV_SETUP_STREAM(uart_putc, NULL, _FDEV_SETUP_WRITE);

static float arena[TMLP_MLP2_BYTES(N_IN, N_HID, N_OUT, TMLP_SLOTS_MOMENTUM, TMLP_BUILD_TRAIN) /
                   sizeof(float)];
static tmlp_net_t net;

/* Cycles of REPS calls: forward only (what = 0) or a training step. */
static uint32_t cycles(int what, int *ok)
{
    static const float x[N_IN] = {0.5f, -1.0f, 0.25f, 2.0f};
    tmlp_target_t t;
    uint32_t t0, r;
    t.values = NULL;
    t0 = tmlp_port_ticks();
    for (r = 0; r < REPS; r++) {
        t.label = r % N_OUT;
        if (what == 0) {
            *ok &= tmlp_net_forward(&net, x, NULL) == TMLP_OK;
        } else {
            *ok &= tmlp_net_train_sample(&net, x, TMLP_LOSS_CE, &t, NULL) == TMLP_OK;
        }
    }
    return (tmlp_port_ticks() - t0) * (F_CPU / tmlp_port_ticks_per_sec());
}

static void line(const char *config, uint32_t c, uint32_t macs)
{
    uint32_t x10 = (c * 10u + macs * REPS / 2u) / (macs * REPS);
    printf_P(PSTR("simavr %s atmega328p cycles_per_mac=%lu.%lu\n"), config,
             (unsigned long)(x10 / 10u), (unsigned long)(x10 % 10u));
}

int main(void)
{
    tmlp_desc_t d;
    tmlp_optim_t o;
    tmlp_init_t init;
    tmlp_opts_t opts;
    tmlp_rng_t rng;
    uint32_t fwd, step;
    int ok = 1;
    UCSR0B = (uint8_t)(1u << TXEN0);
    stdout = &uart_out;
    tmlp_port_init();
    sei();
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
    opts.optim = &o;
    ok &= tmlp_net_init(&net, &d, &opts, arena, sizeof arena, NULL) == TMLP_OK;
    ok &= tmlp_rng_seed(&rng, 1u) == TMLP_OK;
    ok &= tmlp_net_init_weights(&net, &init, &rng) == TMLP_OK;
    fwd = cycles(0, &ok);
    step = cycles(1, &ok);
    if (!ok) {
        printf_P(PSTR("bench: a library call failed\n"));
    } else {
        printf_P(PSTR("bench: forward %lu cycles, training step %lu cycles (mean of %u calls, "
                      "4-8-3, %u MACs per pass, %lu Hz)\n"),
                 (unsigned long)(fwd / REPS), (unsigned long)(step / REPS), REPS, (unsigned)MACS,
                 (unsigned long)F_CPU);
        line("infer", fwd, MACS);
        line("train", step, 3u * MACS);
    }
    cli();
    sleep_enable();
    sleep_cpu();
    for (;;) {
    }
}
