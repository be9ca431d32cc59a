/* SPDX-License-Identifier: MIT */
/* The AVR port helpers (port/avr/tmlp_port.c) under simavr: Timer1's count
 * advances across a busy loop of known length and passes a 16-bit wrap,
 * tmlp_port_clock reads it too, the rate is F_CPU / 64 and two entropy
 * values differ. Ends with "N passed, M failed" and a sleep with interrupts
 * off, which stops simavr. */
#include <avr/interrupt.h>
#include <avr/io.h>
#include <avr/sleep.h>
#include <stdio.h>

#include "tmlp_port.h"

int main(void);

static int passed, failed;

static int uart_putc(char c, FILE *stream)
{
    (void)stream;
    while (!(UCSR0A & (1u << UDRE0))) {
    }
    UDR0 = (uint8_t)c;
    return 0;
}

static FILE uart_out = FDEV_SETUP_STREAM(uart_putc, NULL, _FDEV_SETUP_WRITE);

static void check(int ok, const char *what)
{
    if (ok) {
        passed++;
    } else {
        failed++;
        printf("FAIL port: %s\n", what);
    }
}

int main(void)
{
    volatile uint32_t spin;
    uint32_t t0, t1, t2, e0, e1;
    UCSR0B = (uint8_t)(1u << TXEN0);
    stdout = &uart_out;
    tmlp_port_init();
    tmlp_port_init(); /* idempotent */
    sei();
    t0 = tmlp_port_ticks();
    for (spin = 0; spin < 200000UL; spin++) { /* a few million cycles */
    }
    t1 = tmlp_port_clock(NULL);
    t2 = tmlp_port_ticks();
    e0 = tmlp_port_entropy();
    e1 = tmlp_port_entropy();
    check(t1 - t0 > 0x10000UL && t1 - t0 < 0x1000000UL, "ticks advance past a 16-bit wrap");
    check(t2 - t1 < 0x100UL, "tmlp_port_clock reads the same counter");
    check(tmlp_port_ticks_per_sec() == F_CPU / 64UL, "ticks per second F_CPU / 64");
    check(e0 != e1, "two entropy values differ");
    printf("port: %lu ticks over the busy loop at %lu ticks/s\n", (unsigned long)(t1 - t0),
           (unsigned long)tmlp_port_ticks_per_sec());
    printf("%d passed, %d failed\n", passed, failed);
    cli();
    sleep_enable();
    sleep_cpu();
    for (;;) {
    }
}
