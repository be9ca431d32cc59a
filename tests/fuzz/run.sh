#!/bin/sh
# SPDX-License-Identifier: MIT
# Builds the fuzz targets with clang's libFuzzer, ASan and UBSan, and runs
# each for SECONDS (default 60).
#   sh tests/fuzz/run.sh [SECONDS]        (from the repository root or anywhere)
# Needs clang and its libFuzzer runtime (Debian/Ubuntu: libclang-rt-14-dev,
# or libclang-rt-dev for the default clang). BUILDDIR (default build) gets
# fuzz/: the binaries, seeds made with tmlp-mkmodel and tinymlp dump, the
# growing corpora (kept between runs) and any crash-* artifacts. A crash
# should be copied to tests/fuzz/regress/<target>/ (with a line in its README.md)
# so that tests/test_json.sh replays it.
# Prints per target: executions, and "ok" or the crashing input. Exits
# non-zero if any target found a crash or could not be built.
# Targets: fuzz_model, fuzz_json, fuzz_csv (the tool's CSV reader and data
# sets), fuzz_cli (the tool's option parsers). FUZZ_JOBS=2 runs two targets
# at a time (one per core); the default runs them one after another.
set -u
SECS=${1:-60}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
B=${BUILDDIR:-build}
case $B in /*) ;; *) B=$ROOT/$B ;; esac
F=$B/fuzz
CC=${FUZZ_CC:-clang}
mkdir -p "$F"
cd "$ROOT" || exit 1

WARN="-Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wdouble-promotion -Wcast-qual -Wundef -Wmissing-prototypes -Werror"
BASE="-std=c99 -ffp-contract=off $WARN -Ilib -Iport -Itools/cli -Itools/json -Itests/fuzz"
SAN="-g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
LIB="lib/*/*.c port/host/tmlp_port.c"
JSON=$(ls tools/json/*.c)
CSV="tools/cli/tinymlp_csv.c tools/cli/tinymlp_common.c tools/cli/tinymlp_scale.c"
# fuzz_cli includes tools/cli/tinymlp.c itself (for its static parsers).
CLI=$(ls tools/cli/tinymlp_*.c)

echo "building fuzz targets with $CC"
# shellcheck disable=SC2086
$CC $BASE $SAN tests/fuzz/fuzz_model.c $LIB -o "$F/fuzz_model" -lm &&
    $CC $BASE $SAN tests/fuzz/fuzz_json.c $JSON $LIB -o "$F/fuzz_json" -lm &&
    $CC $BASE $SAN tests/fuzz/fuzz_csv.c $CSV $LIB -o "$F/fuzz_csv" -lm &&
    $CC $BASE $SAN tests/fuzz/fuzz_cli.c $CLI $JSON $LIB -o "$F/fuzz_cli" -lm &&
    $CC $BASE -O2 tests/tool/tmlp_mkmodel.c $LIB -o "$F/tmlp-mkmodel" -lm &&
    $CC $BASE -O2 tools/cli/tinymlp.c $CLI $JSON $LIB -o "$F/tinymlp" -lm || {
    echo "fuzz: build failed (is libFuzzer installed? apt-get install libclang-rt-dev)"
    exit 1
}

# Seeds: a few valid files of every kind, made fresh each run.
S=$F/seeds
rm -rf "$S"
mkdir -p "$S/model" "$S/json" "$F/corpus-model" "$F/corpus-json" "$F/corpus-csv" "$F/corpus-cli"
i=0
while read -r args; do
    i=$((i + 1))
    # shellcheck disable=SC2086
    "$F/tmlp-mkmodel" -s $i -o "$S/model/s$i.tmlp" $args &&
        "$F/tinymlp" dump "$S/model/s$i.tmlp" -o "$S/json/s$i.json" 2>/dev/null
done <<'LIST'
1 1:identity
2 2:tanh 1:sigmoid
--scale 3 4:relu 2:softmax
--optim 2 3:leaky_relu:0.2 2:sigmoid:3
--optim --scale 3 2:tanh 2:softmax
--edge 3 2:identity
4 3:sigmoid 3:tanh 3:relu 3:leaky_relu 3:identity 2:softmax
--frozen 1 --partial --optim --scale 3 4:relu 2:softmax
--frozen 2 --partial 2 3:tanh 2:sigmoid 1:identity
LIST

JOBS=${FUZZ_JOBS:-1}
run() {
    name=$1
    shift
    log=$F/$name.log
    echo "running $name for ${SECS}s"
    "$F/$name" -max_total_time="$SECS" -print_final_stats=1 -artifact_prefix="$F/crash-$name-" \
        "$@" >"$log" 2>&1
    echo $? >"$F/$name.rc"
}
report() {
    name=$1
    log=$F/$name.log
    rc=$(cat "$F/$name.rc" 2>/dev/null || echo 1)
    execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$')
    if [ "$rc" -eq 0 ]; then
        echo "$name: ${execs:-?} executions, ok (no crash)"
    else
        status=1
        echo "$name: ${execs:-?} executions, FAILED (exit $rc); last lines of $log:"
        grep -E 'ERROR|SUMMARY|Test unit written|abort' "$log" | head -n 10
    fi
}
# tests/fuzz/regress/ is not a seed directory: an input there that still
# fails (an open bug) would stop the run at once; tests/test_json.sh replays it.
# fuzz_csv and fuzz_cli print the tool's error messages for most inputs:
# -close_fd_mask=2 drops them (sanitizer reports still reach the log).
run_model() { run fuzz_model "$F/corpus-model" "$S/model" tests/fuzz/corpus/model; }
run_json() { run fuzz_json -dict=tests/fuzz/json.dict "$F/corpus-json" "$S/json" tests/fuzz/corpus/json; }
run_csv() { run fuzz_csv -close_fd_mask=2 "$F/corpus-csv" tests/fuzz/corpus/csv; }
run_cli() { run fuzz_cli -close_fd_mask=2 "$F/corpus-cli" tests/fuzz/corpus/cli; }
rm -f "$F"/fuzz_*.rc
if [ "$JOBS" -ge 2 ]; then
    run_model & run_json & wait
    run_csv & run_cli & wait
else
    run_model; run_json; run_csv; run_cli
fi
status=0
for t in fuzz_model fuzz_json fuzz_csv fuzz_cli; do
    report $t
done
exit $status
