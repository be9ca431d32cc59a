/* SPDX-License-Identifier: MIT */
/* A minimal stand-in for the Arduino AVR core, enough to compile and run
 * tinymlp's example sketches the way the Arduino build does (the sketch as
 * C++ with this header included first, the library's .c files as C) on a
 * machine without the Arduino packages: setup()/loop(), a polled USART0 Serial
 * with the print/println overloads the sketches use, F(), millis() from
 * Timer0, PROGMEM. Test harness only; on a board, the real core is used. */
#ifndef TMLP_STANDIN_ARDUINO_H
#define TMLP_STANDIN_ARDUINO_H

#include <avr/pgmspace.h>
#include <stdint.h>
#include <string.h>

#define ARDUINO 10819

/* F("text"): the string stays in flash, as in the Arduino core. */
class __FlashStringHelper;
#define F(s) (reinterpret_cast<const __FlashStringHelper *>(PSTR(s)))

class StandInSerial {
public:
    void begin(unsigned long baud);
    void print(const char *s);
    void print(const __FlashStringHelper *s);
    void print(char c);
    void print(int v);
    void print(unsigned int v);
    void print(long v);
    void print(unsigned long v);
    void print(double v, int digits = 2);
    void println(void);
    template <typename T> void println(T v)
    {
        print(v);
        println();
    }
    void println(double v, int digits)
    {
        print(v, digits);
        println();
    }
    operator bool() const
    {
        return true;
    }
};

extern StandInSerial Serial;

unsigned long millis(void);
void setup(void);
void loop(void);

#endif
