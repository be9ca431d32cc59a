#!/bin/sh
# SPDX-License-Identifier: MIT
# Builds every example sketch of the generated Arduino library for the Uno
# the way the Arduino AVR core's platform.txt (1.8.x) does, with avr-gcc
# and avr-g++ against a minimal stand-in for the core (tests/arduino/core:
# Debian's arduino-builder stops in the real core's WString.cpp with
# gcc-avr 5.4): the library's .c files as C (gnu11), the sketch as C++
# (gnu++11) with <Arduino.h> included first, -Os, -flto, --gc-sections,
# plus -Wall -Wextra -Werror. Prints each sketch's flash and RAM
# (avr-size: text + data, data + bss) and fails past the Uno's 32256 bytes
# of flash (32 KB less the boot loader) or 2048 of RAM. Then XorTrain is
# built once more to stop after setup() and run under simavr: its four
# outputs must be right and its weights CRC is written as a weights-hash
# line (run small-xor, the same net, data and seed as tests/test_small.c),
# for make test to compare with every other target's.
# Writes LOG ("N passed, M failed"); exit status 0 if all passed.
#
# usage: build_sketches.sh PKG OUTDIR LOG TIMEOUT
pkg=$1 out=$2 log=$3 tmo=$4
mcu=atmega328p
defs="-mmcu=$mcu -DF_CPU=16000000L -DARDUINO=10819 -DARDUINO_AVR_UNO -DARDUINO_ARCH_AVR"
warn="-Wall -Wextra -Werror"
cflags="-c -g -Os $warn -std=gnu11 -ffunction-sections -fdata-sections -flto -fno-fat-lto-objects $defs"
cxxflags="-c -g -Os $warn -std=gnu++11 -fpermissive -fno-exceptions -ffunction-sections -fdata-sections -fno-threadsafe-statics -Wno-error=narrowing -flto $defs"
ldflags="-Os -g -flto -fuse-linker-plugin -Wl,--gc-sections -mmcu=$mcu"
core=tests/arduino/core
passed=0 failed=0
: > "$log"
say() { echo "$*" | tee -a "$log"; }

# $1 = sketch name, $2 = extra flags, $3 = output folder
build() {
    name=$1 extra=$2 dir=$3
    rm -rf "$dir" && mkdir -p "$dir/lib" || return 1
    avr-g++ $cxxflags $extra -I$core -c $core/core.cpp -o "$dir/core.o" || return 1
    for c in $(cd "$pkg/src" && find . -name '*.c' | sort); do
        o=$dir/lib/$(echo "$c" | tr '/' '_' | sed 's/^\._//; s/\.c$/.o/')
        avr-gcc $cflags -I"$pkg/src" "$pkg/src/$c" -o "$o" || return 1
    done
    { printf '#include <Arduino.h>\n#line 1 "%s.ino"\n' "$name"; cat "$pkg/examples/$name/$name.ino"; } \
        > "$dir/$name.ino.cpp"
    avr-g++ $cxxflags $extra -I$core -I"$pkg/src" -I"$pkg/examples/$name" "$dir/$name.ino.cpp" \
        -o "$dir/$name.o" || return 1
    avr-gcc $ldflags "$dir/$name.o" "$dir"/lib/*.o "$dir/core.o" -lm -o "$dir/$name.elf"
}

for d in "$pkg"/examples/*/; do
    name=$(basename "$d")
    if build "$name" "" "$out/$name" > "$out/$name.build.log" 2>&1; then
        set -- $(avr-size "$out/$name/$name.elf" | sed -n 2p)
        flash=$(($1 + $2)) ram=$(($2 + $3))
        if [ "$flash" -le 32256 ] && [ "$ram" -le 2048 ]; then
            passed=$((passed + 1)); verdict=ok
        else
            failed=$((failed + 1)); verdict="FAIL: too big for an Uno"
        fi
        say "arduino $name uno flash=$flash ram=$ram (avr-gcc/avr-g++ -Os -flto, stand-in core): $verdict"
    else
        failed=$((failed + 1))
        cat "$out/$name.build.log" | head -30
        say "FAIL arduino $name: the build failed (log: $out/$name.build.log)"
    fi
done

# XorTrain's training run under simavr.
if build XorTrain -DTMLP_STANDIN_STOP "$out/XorTrain-run" > "$out/XorTrain-run.build.log" 2>&1; then
    # simavr shows the UART's lines in colour, the CR of println as ".", and
    # ends each line with "." of its own: both dots and the colour go.
    esc=$(printf '\033')
    timeout "$tmo" simavr -m $mcu -f 16000000 "$out/XorTrain-run/XorTrain.elf" 2>&1 >/dev/null \
        | sed "s/$esc\[[0-9;]*m//g; s/\.\.\$//" | grep -v '^$' > "$out/XorTrain.out"
    sed 's/^/  XorTrain: /' "$out/XorTrain.out" | tee -a "$log"
    right=$(grep -c '^0 xor 0 -> 0\.\|^0 xor 1 -> 0\.9\|^1 xor 0 -> 0\.9\|^1 xor 1 -> 0\.' "$out/XorTrain.out")
    crc=$(sed -n 's/^weights crc32 \([0-9a-f]\{8\}\)$/\1/p' "$out/XorTrain.out")
    if [ "$right" = 4 ] && [ -n "$crc" ]; then
        passed=$((passed + 1))
        echo "weights-hash arduino-uno-xortrain $crc small-xor" >> "$log"
    else
        failed=$((failed + 1))
        say "FAIL arduino XorTrain under simavr: outputs right: $right of 4, crc '$crc'"
    fi
else
    failed=$((failed + 1))
    say "FAIL arduino XorTrain (simavr build): see $out/XorTrain-run.build.log"
fi
echo "$passed passed, $failed failed" >> "$log"
[ "$failed" -eq 0 ]
