#!/bin/sh
# SPDX-License-Identifier: MIT
# Portability and undefined-behaviour builds of the host test suite.
# Each build compiles lib/*/*.c port/host/tmlp_port.c port/sim/*.c tests/*.c with
# one compiler, one -O level and one language mode (plus sanitizers), runs the
# suite, and counts as passed when the suite exits 0. Also compiles lib/
# for the AVR and RISC-V, and the public header as C++11 with g++ and
# clang++, without warnings.
# Usage: sh tests/quality/portability.sh [BUILDDIR]   (default build)
# Last line: "N passed, M failed" over the builds.
B=${1:-build}/quality/port
mkdir -p "$B"
SRCS="lib/*/*.c port/host/tmlp_port.c port/sim/*.c tests/*.c"
INC="-Ilib -Iport -Iport/sim -Itests"
WARN="-Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wdouble-promotion -Wcast-qual -Wundef -Wmissing-prototypes -Werror"
SAN="-fsanitize=address,undefined,float-cast-overflow -fno-sanitize-recover=all -fno-omit-frame-pointer -g"
passed=0; failed=0; skipped=0

one() { # name cc flags...
    name=$1; cc=$2; shift 2
    if ! command -v "$cc" >/dev/null 2>&1; then
        echo "SKIPPED $name: $cc not installed"; skipped=$((skipped + 1)); return
    fi
    # shellcheck disable=SC2086
    if $cc "$@" -ffp-contract=off $WARN $INC -DTMLP_TEST_CONFIG="\"q-$name\"" $SRCS \
            -o "$B/$name" -lm > "$B/$name.log" 2>&1 &&
       "$B/$name" >> "$B/$name.log" 2>&1; then
        passed=$((passed + 1)); echo "ok   $name: $(tail -n 1 "$B/$name.log")"
    else
        failed=$((failed + 1)); echo "FAIL $name (log: $B/$name.log)"; tail -n 5 "$B/$name.log"
    fi
}

for cc in gcc clang; do
    for o in -O0 -O2 -O3; do
        one "$cc-c99$o" $cc -std=c99 -pedantic $o
        one "$cc-c11$o" $cc -std=c11 -pedantic $o
        one "$cc-san$o" $cc -std=c99 -pedantic $o $SAN
    done
done

# lib/ alone for the 8-bit AVR (16-bit int and size_t) and 32-bit RISC-V,
# compiled only (make test-avr and make test-riscv run them): every file,
# the warnings as errors, at three -O levels.
cross() { # name cc flags...
    name=$1; cc=$2; shift 2
    if ! command -v "$cc" >/dev/null 2>&1; then
        echo "SKIPPED $name: $cc not installed"; skipped=$((skipped + 1)); return
    fi
    : > "$B/$name.log"
    for f in lib/*/*.c; do
        # shellcheck disable=SC2086
        $cc "$@" -std=c99 -ffp-contract=off $WARN -Ilib -c "$f" -o "$B/$name.o" >> "$B/$name.log" 2>&1 ||
            echo "failed: $f" >> "$B/$name.log"
    done
    if grep -q '^failed: ' "$B/$name.log"; then
        failed=$((failed + 1)); echo "FAIL $name (log: $B/$name.log)"; head -n 5 "$B/$name.log"
    else
        passed=$((passed + 1)); echo "ok   $name: lib/ compiles"
    fi
}
for o in -O0 -Os -O2; do
    cross "avr-atmega328p$o" avr-gcc -mmcu=atmega328p $o
    cross "rv32imac$o" riscv64-unknown-elf-gcc --specs=picolibc.specs -march=rv32imac -mabi=ilp32 $o
    cross "rv32imafc$o" riscv64-unknown-elf-gcc --specs=picolibc.specs -march=rv32imafc -mabi=ilp32f $o
done

# Public header as C++11 (and C++17), no warnings.
for cxx in g++ clang++; do
    for std in c++11 c++17; do
        name="$cxx-$std-header"
        if ! command -v $cxx >/dev/null 2>&1; then
            echo "SKIPPED $name: $cxx not installed"; skipped=$((skipped + 1)); continue
        fi
        printf '#include "tinymlp.h"\nint main() { tmlp_net_t n; tmlp_desc_t d = tmlp_desc_t(); (void)n; (void)d; return TMLP_OK; }\n' > "$B/cxx.cpp"
        if $cxx -std=$std -Wall -Wextra -Wpedantic -Werror -Ilib -Iport "$B/cxx.cpp" -o "$B/$name" > "$B/$name.log" 2>&1; then
            passed=$((passed + 1)); echo "ok   $name"
        else
            failed=$((failed + 1)); echo "FAIL $name"; cat "$B/$name.log"
        fi
    done
done
[ $skipped -gt 0 ] && echo "($skipped skipped)"
echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
