#!/bin/sh
# SPDX-License-Identifier: MIT
# `make bench-instr`: instructions per sample of the W1 workloads (64-32-10,
# 10,000 samples) from valgrind --tool=callgrind (deterministic), inclusive
# counts of the bench's run_<impl>_<infer|train> functions, library at -O2.
#   usage: tests/bench/instr.sh <builddir>
set -e
out=${1:-build}/bench
CC=${CC:-cc}
mkdir -p "$out"
if ! command -v valgrind >/dev/null 2>&1; then
    echo "SKIPPED bench-instr: valgrind is not installed (apt-get install valgrind)"
    exit 0
fi
fann_flags=""
fann_libs=""
if [ -f /usr/include/floatfann.h ] || echo '#include <floatfann.h>' | $CC -E - >/dev/null 2>&1; then
    fann_flags="-DTMLP_BENCH_FANN"
    fann_libs="-lfloatfann"
fi
$CC -std=c99 -ffp-contract=off -O2 -g -DTMLP_BENCH_NO_PEAK -Ilib -Iport $fann_flags lib/*/*.c port/host/tmlp_port.c \
    tests/bench/bench.c -o "$out/bench-instr" $fann_libs -lm
valgrind --tool=callgrind --callgrind-out-file="$out/callgrind.out" "$out/bench-instr" instr \
    > "$out/instr.txt" 2> "$out/callgrind.log"
samples=$(sed -n 's/^instr samples=//p' "$out/instr.txt")
callgrind_annotate --inclusive=yes "$out/callgrind.out" 2>/dev/null |
    awk -v n="$samples" '
    match($0, /run_(tinymlp|fann|plain)_(infer|train)/) {
        f = substr($0, RSTART + 4, RLENGTH - 4); c = $1; gsub(",", "", c)
        split(f, p, "_")
        if (!((p[1], p[2]) in ir)) ir[p[1], p[2]] = c
    }
    END {
        split("infer train", ms, " "); split("tinymlp fann plain", is, " ")
        for (m = 1; m <= 2; m++) for (k = 1; k <= 3; k++)
            if ((is[k], ms[m]) in ir)
                printf "instr W1 %s %s instr_per_sample=%d\n", ms[m], is[k], ir[is[k], ms[m]] / n
    }'
