#!/bin/sh
# SPDX-License-Identifier: MIT
# Worst-case stack of every public function on Cortex-M0+ and M4F (-Os, the
# `make size` objects built by the Makefile's footprint rules into
# BUILDDIR/footprint). Usage: sh tests/quality/stack.sh [BUILDDIR] [LIMIT]
B=${1:-build}/quality
LIMIT=${2:-512}
CC=arm-none-eabi-gcc
if ! command -v $CC >/dev/null 2>&1; then
    echo "SKIPPED stack: $CC not installed (apt-get install gcc-arm-none-eabi libnewlib-arm-none-eabi)"
    exit 0
fi
fail=0
for cpu in cortex-m0plus cortex-m4f; do
    case $cpu in
        cortex-m0plus) flags="-mcpu=cortex-m0plus -mfloat-abi=soft" ;;
        cortex-m4f) flags="-mcpu=cortex-m4 -mfloat-abi=hard -mfpu=fpv4-sp-d16" ;;
    esac
    d=$B/footprint/$cpu/default
    make -s --no-print-directory BUILDDIR="$B" "$d/libtinymlp.a" >/dev/null || { fail=1; continue; }
    mkdir -p "$d/stack"
    python3 -c "import sys; sys.path.insert(0, 'tests/quality'); import stack; \
names = stack.public_functions('lib/tinymlp.h'); open('$d/stack/main.c', 'w').write(stack.main_source(names))" || { fail=1; continue; }
    # shellcheck disable=SC2086
    $CC -mthumb $flags -std=c99 -Os -ffp-contract=off -ffunction-sections -fdata-sections \
        -Ilib -Iport -c "$d/stack/main.c" -o "$d/stack/main.o" &&
    $CC -mthumb $flags -nostartfiles -Ttests/qemu/mps2.ld -Ltests/qemu -Wl,--gc-sections \
        -specs=nano.specs "$d/stack/main.o" "$d/libtinymlp.a" -o "$d/stack/all.elf" || { fail=1; continue; }
    python3 tests/quality/stack.py --cpu $cpu --elf "$d/stack/all.elf" --su-dir "$d/obj" \
        --limit "$LIMIT" --details "$d/stack/details.txt" || fail=1
done
exit $fail
