/* SPDX-License-Identifier: MIT */
/* The stand-in core's code (see Arduino.h): USART0 at the given baud rate,
 * Timer0 overflows counted as in the Arduino core (F_CPU / 64 / 256 per
 * second, 1.024 ms at 16 MHz), main() running setup() and then loop().
 * Built with -DTMLP_STANDIN_STOP, main() stops after setup() with a sleep
 * with interrupts off, which ends a simavr run. */
#include "Arduino.h"

#include <avr/interrupt.h>
#include <avr/io.h>
#include <avr/sleep.h>
#include <stdlib.h>

StandInSerial Serial;

static volatile unsigned long timer0_overflows;

ISR(TIMER0_OVF_vect)
{
    timer0_overflows++;
}

unsigned long millis(void)
{
    unsigned long n;
    uint8_t sreg = SREG;
    cli();
    n = timer0_overflows;
    SREG = sreg;
    /* 1 overflow = 256 * 64 cycles = 16384 / (F_CPU / 1e6) us */
    return (unsigned long)(((unsigned long long)n * 16384ULL * 1000ULL) / (F_CPU / 1000ULL) / 1000ULL);
}

static void put(char c)
{
    while (!(UCSR0A & (1u << UDRE0))) {
    }
    UDR0 = (uint8_t)c;
}

void StandInSerial::begin(unsigned long baud)
{
    uint16_t ubrr = (uint16_t)(F_CPU / 16UL / baud - 1UL);
    UBRR0H = (uint8_t)(ubrr >> 8);
    UBRR0L = (uint8_t)ubrr;
    UCSR0B = (uint8_t)(1u << TXEN0);
}

void StandInSerial::print(const char *s)
{
    while (*s != '\0') {
        put(*s++);
    }
}

void StandInSerial::print(const __FlashStringHelper *s)
{
    const char *p = reinterpret_cast<const char *>(s);
    char c;
    while ((c = (char)pgm_read_byte(p++)) != '\0') {
        put(c);
    }
}

void StandInSerial::print(char c)
{
    put(c);
}

void StandInSerial::print(long v)
{
    char buf[12];
    print(ltoa(v, buf, 10));
}

void StandInSerial::print(unsigned long v)
{
    char buf[12];
    print(ultoa(v, buf, 10));
}

void StandInSerial::print(int v)
{
    print((long)v);
}

void StandInSerial::print(unsigned int v)
{
    print((unsigned long)v);
}

void StandInSerial::print(double v, int digits)
{
    char buf[24];
    print(dtostrf(v, 1, (unsigned char)digits, buf));
}

void StandInSerial::println(void)
{
    print("\r\n");
}

int main(void)
{
    TCCR0A = 0u;
    TCCR0B = (uint8_t)((1u << CS01) | (1u << CS00)); /* F_CPU / 64 */
    TIMSK0 = (uint8_t)(1u << TOIE0);
    sei();
    setup();
#ifdef TMLP_STANDIN_STOP
    cli();
    sleep_enable();
    sleep_cpu();
#endif
    for (;;) {
        loop();
    }
}
