#!/bin/sh
# SPDX-License-Identifier: MIT
# examples/cortex-m/ as a user builds it, for `make test-cortex-m-example`:
# 1. its committed iris_model.h equals FRESH, the header `tinymlp export`
#    makes today (else: `make cortex-m-model` refreshes it);
# 2. built with its own Makefile, the image runs on the Cortex-M4F under
#    QEMU and exits 0 (QEMU's exit status is the program's);
# 3. the same built with CMake and its toolchain file.
# Without arm-none-eabi-gcc, newlib or QEMU, 2 and 3 are one SKIPPED line
# and count as nothing; without cmake, 3 alone. Builds in BUILDDIR/cortex-m.
# Usage: sh tests/test_cortex_m_example.sh BUILDDIR FRESH
#   (QEMU_SYSTEM and CMAKE from the environment, default qemu-system-arm, cmake)
# Ends with one line "N passed, M failed"; exits non-zero on any failure.
B=$1
FRESH=$2
QEMU=${QEMU_SYSTEM:-qemu-system-arm}
CMAKE=${CMAKE:-cmake}
EX=examples/cortex-m
mkdir -p "$B/cortex-m"
OUT=$(cd "$B/cortex-m" && pwd)
pass=0
fail=0

run() { # image, output file: the image under QEMU; its exit status
    timeout 120 "$QEMU" -M mps2-an386 -nographic -semihosting-config enable=on,target=native \
        -kernel "$1" > "$2" 2>&1
}
result() { # name, status, output file
    if [ "$2" = 0 ]; then
        pass=$((pass + 1))
        echo "$1: ok ($(tail -n 1 "$3"))"
    else
        fail=$((fail + 1))
        cat "$3"
        echo "FAIL: $1 (exit $2)"
    fi
}

if cmp -s "$FRESH" "$EX/iris_model.h"; then
    pass=$((pass + 1))
else
    fail=$((fail + 1))
    diff "$FRESH" "$EX/iris_model.h" | head -n 20
    echo "FAIL: $EX/iris_model.h differs from a fresh tinymlp export; refresh it: make cortex-m-model"
fi

if ! command -v arm-none-eabi-gcc > /dev/null 2>&1 ||
   ! test -f "$(arm-none-eabi-gcc -print-file-name=nano.specs)" ||
   ! command -v "$QEMU" > /dev/null 2>&1; then
    echo "SKIPPED: $EX builds and QEMU runs (apt-get install gcc-arm-none-eabi libnewlib-arm-none-eabi qemu-system-arm)"
else
    rm -f "$OUT/make.run" "$OUT/cmake.run"
    # As a user runs it: none of the calling make's flags or variables.
    { env -u MAKEFLAGS -u MFLAGS make -s -C "$EX" BUILD="$OUT/make" &&
      run "$OUT/make/cortex-m-example.elf" "$OUT/make.run"; } > "$OUT/make.out" 2>&1
    rc=$?
    cat "$OUT/make.run" >> "$OUT/make.out" 2>/dev/null
    result "make -C $EX, run under QEMU" $rc "$OUT/make.out"

    if command -v "$CMAKE" > /dev/null 2>&1; then
        { "$CMAKE" -S "$EX" -B "$OUT/cmake" -DCMAKE_TOOLCHAIN_FILE=arm-none-eabi.cmake &&
          "$CMAKE" --build "$OUT/cmake" &&
          run "$OUT/cmake/cortex-m-example.elf" "$OUT/cmake.run"; } > "$OUT/cmake.out" 2>&1
        rc=$?
        cat "$OUT/cmake.run" >> "$OUT/cmake.out" 2>/dev/null
        result "cmake $EX, run under QEMU" $rc "$OUT/cmake.out"
    else
        echo "SKIPPED: the CMake build of $EX ($CMAKE is not installed: apt-get install cmake)"
    fi
fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
