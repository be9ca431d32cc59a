#!/bin/sh
# SPDX-License-Identifier: MIT
# Runs AVR test images under simavr, one after another, and writes one log
# that reads like a whole-suite run: each image's "N passed, M failed" line
# is kept as "[name] N passed, M failed", and the log ends with the summed
# "N passed, M failed". simavr prints what the program writes to USART0 on
# its stderr, each line in colour and ending in "."; both are taken off.
# An image that prints no summary (a crash, a time-out) counts as 1 failed.
# Exit status: 0 if every image passed.
#
# usage: run_simavr.sh LOG TIMEOUT 'SIMAVR COMMAND...' ELF...
log=$1 tmo=$2 sim=$3
shift 3
: > "$log"
passed=0 failed=0
esc=$(printf '\033')
for elf in "$@"; do
    name=${elf##*/}
    name=${name%.elf}
    out=$(timeout "$tmo" $sim "$elf" 2>&1 >/dev/null | sed "s/$esc\[[0-9;]*m//g; s/\.\$//" | grep -v '^$')
    r=$?
    line=$(printf '%s\n' "$out" | grep -E '^[0-9]+ passed, [0-9]+ failed$' | tail -n 1)
    printf '%s\n' "$out" | sed "s/^\([0-9][0-9]* passed, [0-9][0-9]* failed\)\$/[$name] \1/" >> "$log"
    if [ -z "$line" ]; then
        echo "[$name] no summary line (simavr exit $r): counted as 1 failed" >> "$log"
        failed=$((failed + 1))
    else
        p=${line%% passed*}
        f=${line#*, }
        f=${f%% failed}
        passed=$((passed + p))
        failed=$((failed + f))
    fi
done
echo "$passed passed, $failed failed" >> "$log"
[ "$failed" -eq 0 ]
