#!/bin/sh
# SPDX-License-Identifier: MIT
# Static analysis: cppcheck (all checks) and clang-tidy over lib/, port/host,
# port/cortex-m (as the M4F and M0+ builds see it), port/sim and the host
# tools (tools/cli, tools/json and the test-model generator
# tests/tool/tmlp_mkmodel.c); then scan-build (clang static analyzer) over
# the library and tools when available. Every suppression and disabled check
# is in tests/quality/lint.conf.
# Fails on any finding. Usage: sh tests/quality/lint.sh [BUILDDIR]
B=${1:-build}/quality/lint
CONF=tests/quality/lint.conf
mkdir -p "$B"
fail=0
LIB="lib/*/*.c"
# tests/tool/export_use*.c include a header that tests/test_tool.sh exports
# at run time: they are compiled (and warned on) there, not here.
TOOLS=$(ls tools/cli/*.c tools/json/*.c tests/tool/*.c 2>/dev/null | grep -v 'tests/tool/export_use')
SUPP=$(sed -n 's/^cppcheck \([^ #]*\).*/--suppress=\1/p' $CONF | tr '\n' ' ')
# cppcheck checks the default build (every TMLP_WITH_* option 1); the
# options off are built with the warnings by make check-options.
OPTS=$(sed -n 's/^#define \(TMLP_WITH_[A-Z_]*\) 1$/-D\1=1/p' lib/tmlp_config.h | tr '\n' ' ')
CHECKS="-*,bugprone-*,cert-*,clang-analyzer-*,misc-*,readability-*$(sed -n 's/^clang-tidy \(-[^ #]*\).*/,\1/p' $CONF | tr -d '\n')"

if command -v cppcheck >/dev/null 2>&1; then
    echo "== $(cppcheck --version): lib/ port/ tools/"
    # shellcheck disable=SC2086
    cppcheck -q --enable=all --inconclusive --std=c99 --error-exitcode=1 $SUPP $OPTS \
        -Ilib -Iport -Iport/sim -Itools/cli -Itools/json -Itests/fuzz $LIB port/host/tmlp_port.c port/sim/*.c $TOOLS \
        > "$B/cppcheck.txt" 2>&1 || fail=1
    # shellcheck disable=SC2086
    for cpu in "-D__ARM_ARCH_7EM__=1 -D__ARM_FP=4" "-D__ARM_ARCH_6M__=1"; do
        cppcheck -q --enable=all --inconclusive --std=c99 --error-exitcode=1 $SUPP \
            -D__arm__=1 $cpu -Ilib -Iport port/cortex-m/tmlp_port.c >> "$B/cppcheck.txt" 2>&1 || fail=1
    done
    cat "$B/cppcheck.txt"
    echo "cppcheck: $(grep -c '^[^ ].*: \(error\|warning\|style\|performance\|portability\|information\)' "$B/cppcheck.txt") findings"
else echo "SKIPPED cppcheck: not installed (apt-get install cppcheck)"; fi

if command -v clang-tidy >/dev/null 2>&1; then
    echo "== $(clang-tidy --version | sed -n 's/.*LLVM version/clang-tidy/p')"
    : > "$B/tidy.txt"
    for f in $LIB port/host/tmlp_port.c port/sim/*.c $TOOLS; do
        clang-tidy --quiet -checks="$CHECKS" -warnings-as-errors='*' "$f" -- \
            -std=c99 -D_POSIX_C_SOURCE=200809L -Ilib -Iport -Iport/sim -Itools/cli -Itools/json -Itests/fuzz >> "$B/tidy.txt" 2>&1 || fail=1
    done
    for t in "--target=arm-none-eabi -mcpu=cortex-m4 -mfloat-abi=hard -mfpu=fpv4-sp-d16" \
             "--target=arm-none-eabi -mcpu=cortex-m0plus -mfloat-abi=soft"; do
        # shellcheck disable=SC2086
        clang-tidy --quiet -checks="$CHECKS" -warnings-as-errors='*' port/cortex-m/tmlp_port.c -- \
            -std=c99 $t -ffreestanding -Ilib -Iport >> "$B/tidy.txt" 2>&1 || fail=1
    done
    grep -v '^[0-9]* warnings\? generated\.$' "$B/tidy.txt"
    echo "clang-tidy: $(grep -c 'warning:\|error:' "$B/tidy.txt") findings"
else echo "SKIPPED clang-tidy: not installed (apt-get install clang-tidy)"; fi

if command -v scan-build >/dev/null 2>&1; then
    echo "== scan-build (clang static analyzer)"
    # shellcheck disable=SC2086
    scan-build -o "$B/scan" --status-bugs clang -std=c99 -ffp-contract=off -Ilib -Iport -Iport/sim \
        -Itools/cli -Itools/json -Itests/fuzz -c $LIB port/host/tmlp_port.c port/sim/*.c -o /dev/null > "$B/scan.txt" 2>&1 || {
        # -c with several files and -o is refused by clang: compile one by one.
        : > "$B/scan.txt"
        for f in $LIB port/host/tmlp_port.c port/sim/*.c $TOOLS; do
            scan-build -o "$B/scan" --status-bugs clang -std=c99 -D_POSIX_C_SOURCE=200809L -Ilib -Iport -Iport/sim \
                -Itools/cli -Itools/json -Itests/fuzz -c "$f" -o "$B/scan.o" >> "$B/scan.txt" 2>&1 || { fail=1; echo "scan-build: $f"; }
        done
    }
    grep -h 'warning:' "$B/scan.txt"
    echo "scan-build: $(grep -c 'warning:' "$B/scan.txt") findings"
else echo "SKIPPED scan-build: not installed (apt-get install clang-tools)"; fi

[ $fail -eq 0 ] && echo "lint: ok" || echo "lint: FAILED"
exit $fail
