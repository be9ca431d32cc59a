#!/bin/sh
# SPDX-License-Identifier: MIT
# Builds every example sketch of the generated Arduino library for the Uno
# and runs it under simavr, in two ways.
#
# 1. As the Arduino AVR core's platform.txt (1.8.x) builds, with avr-gcc and
#    avr-g++ against a minimal stand-in for the core (tests/arduino/core;
#    needs no Arduino package): the library's .c files as C (gnu11), the
#    sketch as C++ (gnu++11) with <Arduino.h> included first, -Os, -flto,
#    --gc-sections, plus -Wall -Wextra -Werror. Each sketch's flash and RAM
#    (avr-size: text + data, data + bss) must fit the Uno (32256 bytes of
#    flash, 32 KB less the boot loader; 2048 of RAM).
# 2. Where Debian's arduino-builder and arduino-core-avr are installed, with
#    arduino-builder against the real core (its own size check).
#
# Each image runs under simavr until its last line: XorTrain's four outputs
# must be right and its weights CRC is written as a weights-hash line (run
# small-xor: the same net, data and seed as tests/test_small.c) for make
# test to compare with every other target's; SensorClassifier's fine-tuning
# must classify every new sample right; ExportedModel must name the three
# flowers' species.
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
# simavr shows the UART's lines in colour, the CR of println as ".", and
# ends each line with "." of its own: both dots and the colour go.
esc=$(printf '\033')
say() { echo "$*" | tee -a "$log"; }

# The package's metadata, for syntax only: library.properties has the
# fields the Arduino IDE needs, library.json parses and names the same
# version (PlatformIO itself is not run).
version=$(sed -n 's/^version=//p' "$pkg/library.properties")
if [ ! -x /usr/bin/python3 ]; then
    say "SKIPPED arduino package metadata: /usr/bin/python3 is not installed (it reads library.json)"
elif grep -q '^name=tinymlp$' "$pkg/library.properties" && [ -n "$version" ] &&
    grep -q '^architectures=avr$' "$pkg/library.properties" &&
    grep -q '^includes=tinymlp.h$' "$pkg/library.properties" &&
    /usr/bin/python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); sys.exit(d["version"] != sys.argv[2] or d["name"] != "tinymlp")' \
        "$pkg/library.json" "$version"; then
    passed=$((passed + 1))
    say "arduino package: library.properties and library.json (version $version) read back"
else
    failed=$((failed + 1))
    say "FAIL arduino package: library.properties or library.json"
fi

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

# $1 = ELF, $2 = output file, $3 = the line that ends the run, or "" for
# an image that stops by itself (the stand-in core's, built with
# -DTMLP_STANDIN_STOP). An image of the real core never stops (its loop()
# runs for ever): simavr runs in the background until the line is out, at
# most $tmo seconds. The output is cleaned of simavr's colours and dots.
run_sim() {
    if [ -z "$3" ]; then
        timeout "$tmo" simavr -m $mcu -f 16000000 "$1" 2> "$2.raw" >/dev/null
    else
        timeout "$tmo" simavr -m $mcu -f 16000000 "$1" 2> "$2.raw" >/dev/null &
        sim=$!
        n=0
        while [ $n -lt "$tmo" ] && kill -0 $sim 2>/dev/null && ! grep -q "$3" "$2.raw"; do
            sleep 1
            n=$((n + 1))
        done
        kill $sim 2>/dev/null
        wait $sim 2>/dev/null
    fi
    sed "s/$esc\[[0-9;]*m//g; s/\.\.\$//" "$2.raw" | grep -v '^$\|^Loaded' > "$2"
}

# $1 = label, $2 = output of XorTrain, $3 = config name for its hash line.
# Its four outputs must be on the right side of 0.5 and its weights CRC is
# written as a weights-hash line.
check_xor() {
    sed "s/^/  $1: /" "$2" | grep -v ': epoch' | tee -a "$log" > /dev/null
    right=$(grep -c '^0 xor 0 -> 0\.\|^0 xor 1 -> 0\.9\|^1 xor 0 -> 0\.9\|^1 xor 1 -> 0\.' "$2")
    crc=$(sed -n 's/^weights crc32 \([0-9a-f]\{8\}\)$/\1/p' "$2")
    if [ "$right" = 4 ] && [ -n "$crc" ]; then
        passed=$((passed + 1))
        say "arduino $1 under simavr: the four outputs right, weights crc32 $crc"
        echo "weights-hash $3 $crc small-xor" >> "$log"
    else
        failed=$((failed + 1))
        say "FAIL arduino $1 under simavr: outputs right: $right of 4, crc '$crc'"
    fi
}

# $1 = label, $2 = output of SensorClassifier: after the fine-tuning every
# new sample is classified right, and before it not.
check_sensor() {
    sed "s/^/  $1: /" "$2" | tee -a "$log" > /dev/null
    if grep -q '^before fine-tuning: old samples [0-9]*%, new samples [0-9]%\|^before fine-tuning: old samples [0-9]*%, new samples [0-9][0-9]%' "$2" &&
        grep -q '^after fine-tuning: old samples [0-9]*%, new samples 100%$' "$2"; then
        passed=$((passed + 1))
        say "arduino $1 under simavr: fine-tuning brings the new samples to 100%"
    else
        failed=$((failed + 1))
        say "FAIL arduino $1 under simavr: see $2"
    fi
}

# $1 = label, $2 = output of ExportedModel: the three flowers' species.
check_model() {
    sed "s/^/  $1: /" "$2" | tee -a "$log" > /dev/null
    if grep -q '^flower 0: setosa' "$2" && grep -q '^flower 1: versicolor' "$2" &&
        grep -q '^flower 2: virginica' "$2"; then
        passed=$((passed + 1))
        say "arduino $1 under simavr: the three flowers classified right"
    else
        failed=$((failed + 1))
        say "FAIL arduino $1 under simavr: see $2"
    fi
}

# $1 = sketch, $2 = label, $3 = its output, $4 = config name for a hash line.
check_run() {
    case $1 in
    XorTrain) check_xor "$2" "$3" "$4" ;;
    SensorClassifier) check_sensor "$2" "$3" ;;
    *) check_model "$2" "$3" ;;
    esac
}
SIM_END='weights crc32\|after fine-tuning\|flower 2'

# The sketches run under simavr, built to stop after setup().
for name in XorTrain SensorClassifier ExportedModel; do
    if build $name -DTMLP_STANDIN_STOP "$out/$name-run" > "$out/$name-run.build.log" 2>&1; then
        run_sim "$out/$name-run/$name.elf" "$out/$name.out" ""
        check_run $name "$name (stand-in core)" "$out/$name.out" arduino-uno-xortrain
    else
        failed=$((failed + 1))
        say "FAIL arduino $name (simavr build): see $out/$name-run.build.log"
    fi
done

# The same with the Arduino build itself, where Debian's arduino-builder and
# arduino-core-avr are installed: each sketch compiled against the real
# core, and XorTrain's image run under simavr. The core 1.8.7 expects a newer
# avr-gcc than Debian's 5.4, whose <float.h> gives C++ no DECIMAL_DIG (the
# core's WString.cpp uses it); one preference supplies it.
ab_core=/usr/share/arduino/hardware/arduino/avr
if command -v arduino-builder >/dev/null 2>&1 && [ -f $ab_core/platform.txt ]; then
    abs=$(cd "$out" && pwd) # arduino-builder wants absolute paths
    ab_libs=$abs/ab-libs
    rm -rf "$ab_libs" && mkdir -p "$ab_libs" && cp -r "$pkg" "$ab_libs/"
    for d in "$pkg"/examples/*/; do
        name=$(basename "$d")
        bp=$abs/ab-$name
        rm -rf "$bp" && mkdir -p "$bp"
        if timeout 600 arduino-builder -compile -hardware /usr/share/arduino/hardware \
                -hardware /usr/share/arduino-builder -tools /usr/bin -libraries "$ab_libs" \
                -fqbn arduino:avr:uno -prefs=compiler.cpp.extra_flags=-DDECIMAL_DIG=__DECIMAL_DIG__ \
                -build-path "$bp" "$ab_libs/tinymlp/examples/$name/$name.ino" > "$bp.log" 2>&1; then
            flash=$(sed -n 's/^Sketch uses \([0-9]*\) bytes.*/\1/p' "$bp.log")
            ram=$(sed -n 's/^Global variables use \([0-9]*\) bytes.*/\1/p' "$bp.log")
            passed=$((passed + 1))
            say "arduino $name uno flash=$flash ram=$ram (arduino-builder, arduino-core-avr): ok"
        else
            failed=$((failed + 1))
            tail -20 "$bp.log"
            say "FAIL arduino $name with arduino-builder (log: $bp.log)"
        fi
    done
    for name in XorTrain SensorClassifier ExportedModel; do
        elf=$abs/ab-$name/$name.ino.elf
        [ -f "$elf" ] || continue
        run_sim "$elf" "$out/ab-$name.out" "$SIM_END"
        check_run $name "$name (arduino-builder)" "$out/ab-$name.out" arduino-builder-uno-xortrain
    done
else
    say "SKIPPED arduino-builder builds: arduino-builder or arduino-core-avr not installed (apt-get install arduino-builder arduino-core-avr arduino-ctags)"
fi
echo "$passed passed, $failed failed" >> "$log"
[ "$failed" -eq 0 ]
