#!/bin/sh
# SPDX-License-Identifier: MIT
# Runs one QEMU image per test suite (see suite_main.c) and writes one log
# that reads like a whole-suite run: each image's "N passed, M failed" line is
# kept as "[suite] N passed, M failed", and the log ends with the summed
# "N passed, M failed". An image that the linker found too big for the
# board's RAM (qemu.mk writes "SKIP ..." instead of an ELF) is reported as
# skipped, not failed. Exit status: 0 if every image that ran passed.
#
# usage: run_split.sh LOG TIMEOUT 'QEMU COMMAND...' ELF...
log=$1 tmo=$2 qemu=$3
shift 3
: > "$log"
if [ "$#" -eq 0 ]; then
    echo "run_split.sh: no images (no suite_<name>(); calls found in tests/test_main.c?)" | tee -a "$log"
    echo "0 passed, 1 failed" | tee -a "$log"
    exit 1
fi
passed=0 failed=0 rc=0 skipped= left_out=
for elf in "$@"; do
    suite=${elf##*/}
    suite=${suite%.elf}
    if [ "`dd if="$elf" bs=4 count=1 2>/dev/null`" = SKIP ]; then
        echo "[$suite] `cat "$elf"`" | tee -a "$log"
        skipped="$skipped $suite"
        continue
    fi
    out=`timeout "$tmo" $qemu -kernel "$elf" 2>&1`
    r=$?
    line=`printf '%s\n' "$out" | grep -E '^[0-9]+ passed, [0-9]+ failed$' | tail -n 1`
    printf '%s\n' "$out" | sed "s/^\([0-9][0-9]* passed, [0-9][0-9]* failed\)\$/[$suite] \1/" | tee -a "$log"
    # A lean build's cases that need a left-out feature (tmlp_test.c).
    s=`printf '%s\n' "$out" | sed -n 's/^skipped \([0-9][0-9]*\) cases: .*/\1/p' | tail -n 1`
    [ -z "$s" ] || left_out=$((${left_out:-0} + s))
    if [ -z "$line" ]; then
        echo "[$suite] no summary line (exit $r): counted as 1 failed" | tee -a "$log"
        failed=$((failed + 1))
    else
        p=${line%% passed*}
        f=${line#*, }
        f=${f%% failed}
        passed=$((passed + p))
        failed=$((failed + f))
    fi
    [ "$r" -eq 0 ] || rc=1
done
[ -z "$skipped" ] || echo "skipped (too big for RAM):$skipped" | tee -a "$log"
[ -z "$left_out" ] ||
    echo "skipped $left_out cases in all: they need a feature this build leaves out (tmlp_config.h)" |
    tee -a "$log"
echo "$passed passed, $failed failed" | tee -a "$log"
[ "$failed" -eq 0 ] || rc=1
exit $rc
