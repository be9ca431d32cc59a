#!/bin/sh
# SPDX-License-Identifier: MIT
# `make bench`: builds tests/bench/bench.c twice (library, bench and plain
# loop at -O2, then at -O3 -march=native; -ffp-contract=off for both) and the
# peak dot product (-O3 -march=native -ffast-math, that file only), runs
# them, prints the bench lines. Installs nothing; without FANN (Debian
# libfann-dev) the FANN figures are skipped and the output says so.
#   usage: tests/bench/run.sh <builddir> [runs]
set -e
out=${1:-build}/bench
runs=${2:-5}
CC=${CC:-cc}
mkdir -p "$out"
base="-std=c99 -ffp-contract=off -Ilib -Iport"
fann_flags=""
fann_libs=""
if [ -f /usr/include/floatfann.h ] || echo '#include <floatfann.h>' | $CC -E - >/dev/null 2>&1; then
    fann_flags="-DTMLP_BENCH_FANN"
    fann_libs="-lfloatfann"
fi
$CC -O3 -march=native -ffast-math -c tests/bench/bench_peak.c -o "$out/bench_peak.o"
for cfg in O2 native; do
    if [ $cfg = O2 ]; then opt="-O2"; else opt="-O3 -march=native"; fi
    $CC $base $opt $fann_flags lib/*/*.c port/host/tmlp_port.c tests/bench/bench.c \
        "$out/bench_peak.o" -o "$out/bench-$cfg" $fann_libs -lm
done
"$out/bench-O2" O2 "$runs"
"$out/bench-native" native "$runs" peak late align
