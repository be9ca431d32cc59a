#!/bin/sh
# SPDX-License-Identifier: MIT
# Sums the last "N passed, M failed" line of each log given and prints the
# total in the same form; exits non-zero if any case failed or a log is
# missing its summary line.
passed=0
failed=0
for log in "$@"; do
    [ -f "$log" ] || continue
    line=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$log" | tail -n 1)
    if [ -z "$line" ]; then
        echo "no summary line in $log (crashed?)"
        failed=$((failed + 1))
        continue
    fi
    p=${line%% passed*}
    f=${line#*, }
    f=${f%% failed}
    passed=$((passed + p))
    failed=$((failed + f))
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
