#!/bin/sh
# SPDX-License-Identifier: MIT
# The tinymlp command-line tool (tools/cli/), end to end: the happy
# path (init -> train -> eval -> predict -> dump -> load-json -> export, the
# exported header compiled and compared with predict bit for bit) and every
# bad-input case (exit status, "file:line:col" message, no output file).
# Builds nothing but the small export check program: expects
# $BUILDDIR/tinymlp. Usage: sh tests/test_tool.sh [BUILDDIR]  (default build)
# Prints one line "N passed, M failed" last; exits non-zero on any failure.

B=${1:-${BUILDDIR:-build}}
case $B in /*) ;; *) B=$(pwd)/$B ;; esac
SRC=$(cd "$(dirname "$0")/.." && pwd)
TM=$B/tinymlp
D=$SRC/tests/tool
CC=${CC:-cc}
pass=0
fail=0

ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
check() { # check DESCRIPTION COMMAND...: passes when the command succeeds
    d=$1
    shift
    if "$@" >out.log 2>err.log; then ok; else bad "$d: $(cat err.log)"; fi
}

if [ ! -x "$TM" ]; then
    echo "test_tool: $TM not built"
    echo "0 passed, 1 failed"
    exit 1
fi

T=$(mktemp -d "${TMPDIR:-/tmp}/tinymlp-tool-test.XXXXXX") || exit 1
trap '[ -n "$KEEP" ] || rm -rf "$T"' EXIT
cd "$T" || exit 1
export LC_ALL=C

# ---- happy path -------------------------------------------------------------

check "init" "$TM" init --input 4 --layers 8,3 --act relu,softmax --seed 7 -o m.tmlp
check "info" "$TM" info m.tmlp
grep -q "parameters 67" out.log && grep -q "inference, const weights" out.log &&
    grep -Eq "^  fine-tuning, same, batch 1 +[0-9]+$" out.log && ok ||
    bad "info output: $(cat out.log)"
# A partial file (a fine-tuning checkpoint without its frozen layers; the
# tool writes none, tmlp-mkmodel does, with a base of zeros): info names
# it and its base CRC (CRC-32 of 12 zero floats), predict refuses it.
MK=$B/tmlp-mkmodel
if [ -x "$MK" ] && "$MK" --frozen 1 --partial --optim -s 2 -o part.tmlp 2 4:relu 2:softmax; then
    check "info partial" "$TM" info part.tmlp
    grep -q "format version 2, 184 bytes" out.log &&
        grep -q "partial file (a fine-tuning checkpoint): the 1 frozen layer is not in it; base CRC-32 f288b395" out.log &&
        ok || bad "info partial output: $(cat out.log)"
    if "$TM" predict part.tmlp "$D/xor.csv" >out.log 2>err.log; then bad "predict took a partial file"
    elif grep -q "part.tmlp: a partial file" err.log; then ok; else bad "predict partial: $(cat err.log)"; fi
    # Every command that needs the whole model refuses it with that message
    # (train --resume too: it used to say only "call not valid in this
    # state"), and writes nothing.
    for c in "train part.tmlp $D/xor.csv -o pt.tmlp --epochs 1" \
        "train part.tmlp $D/xor.csv -o pt.tmlp --epochs 1 --resume" \
        "eval part.tmlp $D/xor.csv" "export part.tmlp -o pt.h" "dump part.tmlp -o pt.json"; do
        # shellcheck disable=SC2086
        if "$TM" $c >out.log 2>err.log; then bad "$c took a partial file"
        elif [ -e pt.tmlp ] || [ -e pt.h ] || [ -e pt.json ]; then bad "$c: wrote a file"
        elif grep -q "part.tmlp: .*a partial file" err.log; then ok
        else bad "$c: $(cat err.log)"; fi
    done
else
    echo "SKIPPED partial-file info: $MK not built (make test-tool builds it)"
fi
check "train" "$TM" train m.tmlp "$D/blobs.csv" -o t.tmlp --val "$D/blobs_val.csv" --epochs 5 \
    --batch 8 --scale standard --optimizer adam --lr 0.01 --plot curve.svg
[ "$(grep -c '^epoch [0-9]*/5 ' out.log)" = 5 ] && grep -q '^done: 5 epochs, 30 steps' out.log &&
    ok || bad "train progress lines: $(cat out.log)"
grep -q '</svg>' curve.svg && grep -q '<polyline' curve.svg && ok || bad "plot: no curves"
check "train --quiet --steps" "$TM" train m.tmlp "$D/blobs.csv" -o q.tmlp --steps 7 --quiet
[ "$(wc -l <out.log)" = 1 ] && grep -q '7 steps (max steps)' out.log && ok ||
    bad "--quiet/--steps output: $(cat out.log)"
check "eval" "$TM" eval t.tmlp "$D/blobs_val.csv"
grep -q '^loss .*(ce)' out.log && grep -q '^accuracy' out.log && grep -q '^confusion' out.log &&
    ok || bad "eval output: $(cat out.log)"
check "predict" "$TM" predict t.tmlp "$D/blobs_val.csv"
[ "$(wc -l <out.log)" = 15 ] && grep -qE '^[0-2](,[-0-9.e]+){3}$' out.log && ok ||
    bad "predict output: $(head -3 out.log)"

# Defaults from the output layer: sigmoid -> bce, identity -> mse.
check "init sigmoid" "$TM" init --input 2 --layers 4,1 --act tanh,sigmoid -o x.tmlp
check "train bce default" "$TM" train x.tmlp "$D/xor.csv" -o x2.tmlp --epochs 3 --quiet
check "eval bce default" "$TM" eval x2.tmlp "$D/xor.csv"
grep -q '(bce)' out.log && ok || bad "bce default: $(cat out.log)"
check "init identity" "$TM" init --input 2 --layers 4,1 --act tanh,identity -o r.tmlp
check "train mse default" "$TM" train r.tmlp "$D/xor.csv" -o r2.tmlp --epochs 3 --quiet
check "eval mse" "$TM" eval r2.tmlp "$D/xor.csv"
grep -q '(mse)' out.log && ! grep -q accuracy out.log && ok || bad "mse eval: $(cat out.log)"

# --resume continues exactly: 5 + 5 steps (one epoch each) == 10 steps.
check "train 10" "$TM" train m.tmlp "$D/blobs.csv" -o r10.tmlp --no-shuffle --batch 9 --steps 10 \
    --momentum 0.9 --quiet
check "train 5" "$TM" train m.tmlp "$D/blobs.csv" -o r5.tmlp --no-shuffle --batch 9 --steps 5 \
    --momentum 0.9 --quiet
check "train 5 more" "$TM" train r5.tmlp "$D/blobs.csv" -o r55.tmlp --no-shuffle --batch 9 \
    --steps 5 --resume --quiet
cmp -s r10.tmlp r55.tmlp && ok || bad "--resume: 5 + 5 steps differ from 10 steps"

# JSON round trips, byte-identical.
for f in m.tmlp t.tmlp; do
    check "dump $f" "$TM" dump $f -o $f.json
    check "load-json $f" "$TM" load-json $f.json -o $f.back
done
cmp -s m.tmlp m.tmlp.back && ok || bad "dump/load-json round trip of m.tmlp"
check "train --no-state" "$TM" train m.tmlp "$D/blobs.csv" -o ns.tmlp --epochs 2 --scale minmax \
    --no-state --quiet
check "dump ns" "$TM" dump ns.tmlp -o ns.json
check "load-json ns" "$TM" load-json ns.json -o ns.back
cmp -s ns.tmlp ns.back && ok || bad "dump/load-json round trip of a trained, scaled model"
"$TM" dump m.tmlp >stdout.json 2>/dev/null && cmp -s stdout.json m.tmlp.json && ok ||
    bad "dump to stdout"

# ---- export: compile the header, compare with predict bit for bit -------------

cat >exp.c <<'EOF'
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "model.h"

static float arena[mdl_ARENA_INFER_CONST_BYTES / sizeof(float)];
static float arena2[mdl_ARENA_INFER_BYTES / sizeof(float)];

int main(int argc, char **argv)
{
    tmlp_net_t net, ref;
    static unsigned char file[1 << 16];
    const float *p;
    size_t n_file, n_params;
    char line[4096];
    FILE *f = fopen(argv[1], "rb"), *csv = fopen(argv[2], "r");
    if (argc != 4 || f == NULL || csv == NULL) return 2;
    n_file = fread(file, 1, sizeof file, f);
    /* The weights are the model file's, bit for bit. */
    if (tmlp_net_init(&ref, &mdl_desc, NULL, arena2, sizeof arena2, NULL) ||
        tmlp_model_load_buf(&ref, 0, file, n_file) || tmlp_net_params(&ref, &p, &n_params) ||
        n_params != mdl_N_PARAMS || memcmp(p, mdl_params, sizeof mdl_params) != 0) return 3;
    if (tmlp_net_init(&net, &mdl_desc, &(tmlp_opts_t){.params = mdl_params, .n_params = mdl_N_PARAMS},
                      arena, sizeof arena, NULL))
        return 4;
#ifdef SCALED
    if (tmlp_net_set_input_scale(&net, mdl_in_offset, mdl_in_scale)) return 5;
#endif
    if (mdl_init(&ref, arena, sizeof arena) != TMLP_OK) return 6;
    while (fgets(line, sizeof line, csv) != NULL) {
        float x[mdl_N_IN], y[mdl_N_OUT];
        char *s = line;
        uint32_t k, cls;
        for (k = 0; k < mdl_N_IN; k++) {
            x[k] = strtof(s, &s);
            s += *s == ',';
        }
        if (tmlp_net_forward(&net, x, y) != TMLP_OK) return 7;
        if (argv[3][0] == 'c') {
            if (mdl_N_OUT == 1) cls = y[0] > 0.5f;
            else if (tmlp_argmax(y, mdl_N_OUT, &cls) != TMLP_OK) return 8;
            printf("%u,", (unsigned)cls);
        }
        for (k = 0; k < mdl_N_OUT; k++) printf(k ? ",%.9g" : "%.9g", (double)y[k]);
        printf("\n");
    }
    return 0;
}
EOF
sed 1d "$D/blobs_val.csv" | cut -d, -f1-4 >x.csv
# export_check MODEL KIND(c|r) [-DSCALED]
export_check() {
    check "export $1" "$TM" export "$1" -o model.h --name mdl
    if $CC -std=c99 -O2 -ffp-contract=off -Wall -Wextra -Wpedantic -Wconversion \
        -Wdouble-promotion -Wshadow -Wcast-qual -Werror $3 -I. -I"$SRC/lib" -I"$SRC/port" exp.c \
        "$SRC"/lib/*/*.c "$SRC/port/host/tmlp_port.c" -o exp 2>cc.log; then ok; else
        bad "export $1: the header does not compile: $(head -5 cc.log)"; return; fi
    if ./exp "$1" "$4" "$2" >exp.out; then ok; else bad "export $1: check program exit $?"; fi
    "$TM" predict "$1" "$4" >pred.out 2>/dev/null
    cmp -s exp.out pred.out && ok || bad "export $1: outputs differ from tinymlp predict"
}
export_check t.tmlp c -DSCALED x.csv
export_check m.tmlp c "" x.csv
cut -d, -f1-2 "$D/xor.csv" >xr.csv
export_check r2.tmlp r "" xr.csv
grep -q 'define mdl_ARENA_FINETUNE_BYTES(slots, build_extra)' model.h && ok || bad "export: arena macro"

# The header as a firmware of several files uses it (tests/tool/export_use.c):
# weights defined once, one-call predict (the same lines as tinymlp predict),
# the fine-tuning init and the arena, checkpoint and width macros checked
# against the library; compiled as C99 and as C++11 (-Wpedantic).
check "export t.tmlp (scaled)" "$TM" export t.tmlp -o model.h --name mdl
rm -rf libobj && mkdir libobj
for f in "$SRC"/lib/*/*.c; do
    $CC -std=c99 -O2 -ffp-contract=off -I"$SRC/lib" -c "$f" -o "libobj/$(basename "$f" .c).o" || bad "lib: $f"
done
"$TM" predict t.tmlp x.csv >pred.out 2>/dev/null
for lang in c c++; do
    if [ $lang = c ]; then cc1="$CC -std=c99"; else cc1="${CXX:-g++} -std=c++11 -x c++"; fi
    if ! command -v "${cc1%% *}" >/dev/null 2>&1; then echo "SKIP export use as $lang: no compiler"; continue; fi
    if $cc1 -O2 -ffp-contract=off -Wall -Wextra -Wpedantic -Wconversion -Wshadow -Werror \
        -I. -I"$SRC/lib" -c "$SRC/tests/tool/export_use.c" -o use.o 2>cc.log &&
        $cc1 -O2 -Wall -Wextra -Wpedantic -Werror -I. -I"$SRC/lib" \
        -c "$SRC/tests/tool/export_use_weights.c" -o use_w.o 2>>cc.log &&
        ${cc1%% *} use.o use_w.o libobj/*.o -o use 2>>cc.log; then ok; else
        bad "export use as $lang: does not build: $(head -5 cc.log)"; continue; fi
    if ./use <x.csv >use.out; then ok; else bad "export use as $lang: check $? failed"; fi
    cmp -s use.out pred.out && ok || bad "export use as $lang: mdl_predict differs from tinymlp predict"
done

# ---- bad input: message, exit status, no output -------------------------------

# err_case DESCRIPTION EXPECTED-MESSAGE OUTPUT COMMAND...: the command fails
# with exit status 1, stderr contains the message, OUTPUT (and no temporary
# file next to it) exists afterwards.
err_case() {
    d=$1
    msg=$2
    out=$3
    shift 3
    rm -f "$out"
    "$@" >out.log 2>err.log
    rc=$?
    if [ $rc -ne 1 ]; then bad "$d: exit status $rc, expected 1"; return; fi
    if ! grep -qF -- "$msg" err.log; then bad "$d: message lacks '$msg': $(cat err.log)"; return; fi
    if ls "$out"* >/dev/null 2>&1; then bad "$d: output $out appeared"; return; fi
    ok
}
tr_() { "$TM" train m.tmlp "$@" -o bad.tmlp --quiet; }
err_case "ragged row" "$D/ragged.csv:4:1: error: 3 fields" bad.tmlp tr_ "$D/ragged.csv"
err_case "non-number" "$D/nonnum.csv:2:5: error: not a number: 'abc'" bad.tmlp tr_ "$D/nonnum.csv"
err_case "NaN" "$D/nan.csv:2:7: error: not finite: 'nan'" bad.tmlp tr_ "$D/nan.csv"
err_case "Inf" "$D/inf.csv:3:3: error: not finite: '-inf'" bad.tmlp tr_ "$D/inf.csv"
err_case "label out of range" "$D/label.csv:2:9: error: class label out of range: 5" bad.tmlp \
    tr_ "$D/label.csv"
err_case "fractional label" "$D/labelfrac.csv:2:9: error: class label out of range: 1.5" bad.tmlp \
    tr_ "$D/labelfrac.csv"
err_case "empty file" "$D/empty.csv:1:1: error: no data rows (empty file)" bad.tmlp tr_ "$D/empty.csv"
err_case "header only" "$D/headeronly.csv:1:1: error: no data rows (only a header line)" bad.tmlp \
    tr_ "$D/headeronly.csv"
err_case "wrong width" "$D/width.csv:1:1: error: 6 columns" bad.tmlp tr_ "$D/width.csv"
err_case "bad validation file" "$D/nan.csv:2:7" bad.tmlp tr_ "$D/blobs.csv" --val "$D/nan.csv"
err_case "bce label" "$D/xorbad.csv:1:5: error: a bce target must be in [0, 1]: 2" bad.tmlp \
    "$TM" train x.tmlp "$D/xorbad.csv" -o bad.tmlp
err_case "ce on a sigmoid output" "loss ce does not suit" bad.tmlp \
    "$TM" train x.tmlp "$D/xor.csv" -o bad.tmlp --loss ce
err_case "missing model" "nomodel.tmlp: No such file" bad.tmlp \
    "$TM" train nomodel.tmlp "$D/blobs.csv" -o bad.tmlp
printf 'garbage' >garbage.tmlp
err_case "corrupt model" "garbage.tmlp: not a valid tinymlp model file" bad.tmlp \
    "$TM" train garbage.tmlp "$D/blobs.csv" -o bad.tmlp
err_case "eval bad csv" "$D/nonnum.csv:2:5" none.out "$TM" eval m.tmlp "$D/nonnum.csv"
err_case "eval label" "$D/label.csv:2:9" none.out "$TM" eval m.tmlp "$D/label.csv"
err_case "predict bad csv" "$D/ragged.csv:4:1" none.out "$TM" predict m.tmlp "$D/ragged.csv"
err_case "predict wrong width" "$D/width.csv:1:1" none.out "$TM" predict m.tmlp "$D/width.csv"
err_case "load-json bad json" "$D/bad.json:2:" bad.tmlp "$TM" load-json "$D/bad.json" -o bad.tmlp
err_case "dump corrupt" "garbage.tmlp" bad.json "$TM" dump garbage.tmlp -o bad.json
err_case "export corrupt" "garbage.tmlp" bad.h "$TM" export garbage.tmlp -o bad.h
err_case "init bad act" "unknown activation" bad.tmlp \
    "$TM" init --input 2 --layers 3 --act relu6 -o bad.tmlp
err_case "init act count" "--act: 1 activations for 2 layers" bad.tmlp \
    "$TM" init --input 2 --layers 3,1 --act relu -o bad.tmlp

# ---- the first line: a header only when clearly one ----------------------------

# A first row with one bad field is an error like on any other line, not a
# header dropped in silence: train, eval and predict all stop.
printf '1,2,x,4,1\n0.5,1,2,3,0\n0.5,1,2,3,1\n' >badfirst.csv
for c in tr_ "$TM eval m.tmlp" "$TM predict m.tmlp"; do
    # shellcheck disable=SC2086
    err_case "first line with a bad field: $c" \
        "badfirst.csv:1:5: error: not a number: 'x' (field 3; the first line is a header only" \
        bad.tmlp $c badfirst.csv
done
# A header line (no field a number; pandas leaves the index column's name
# empty) is skipped, and stderr says so in one line.
printf ',f0,f1,f2\n0.5,1,2,0\n0.5,1,2,1\n' >pandas.csv
check "predict after a header" "$TM" predict m.tmlp pandas.csv
[ "$(wc -l <out.log)" = 2 ] && [ "$(cat err.log)" = "tinymlp: pandas.csv:1: header line skipped" ] &&
    ok || bad "header line: $(wc -l <out.log) predictions, stderr '$(cat err.log)'"
check "train after a header" "$TM" train m.tmlp "$D/blobs.csv" -o h.tmlp --epochs 1 --quiet
[ "$(cat err.log)" = "tinymlp: $D/blobs.csv:1: header line skipped" ] && ok ||
    bad "train: header note: '$(cat err.log)'"
# A UTF-8 byte order mark is not a header: every row counts, and no note.
printf '\357\273\2770.5,1,2,3,0\n0.5,1,2,3,1\n0.5,1,2,3,2\n' >bom.csv
check "eval with a byte order mark" "$TM" eval m.tmlp bom.csv
grep -q '^samples  3$' out.log && [ ! -s err.log ] && ok ||
    bad "byte order mark: $(head -1 out.log), stderr '$(cat err.log)'"
printf '\357\273\277a,b,c,d,y\n0.5,1,2,3,0\n' >bomheader.csv
check "eval with a byte order mark and a header" "$TM" eval m.tmlp bomheader.csv
grep -q '^samples  1$' out.log && grep -q 'bomheader.csv:1: header line skipped' err.log && ok ||
    bad "byte order mark and header: $(head -1 out.log), stderr '$(cat err.log)'"

# ---- other formats are named, not taken for an empty file -----------------------

printf '0.5;1;2;3;0\n0.5;1;2;3;1\n' >semicolon.csv
err_case "';' separator" "semicolon.csv:1:4: error: found ';': fields must be separated by ','" \
    bad.tmlp tr_ semicolon.csv
printf 'a;b;c;d;y\n0.5;1;2;3;0\n' >semiheader.csv
err_case "';' separator after a header" "semiheader.csv:1:2: error: found ';'" bad.tmlp \
    tr_ semiheader.csv
printf '0.5\t1\t2\t3\t0\n' >tabs.csv
err_case "tab separator" "tabs.csv:1:4: error: found a tab: fields must be separated by ','" \
    bad.tmlp tr_ tabs.csv
printf 'a,b,c,d,y\r0.5,1,2,3,0\r0.5,1,2,3,1\r' >cr.csv
err_case "CR-only line endings" "cr.csv:1:10: error: found a CR inside the line: CR-only line endings" \
    bad.tmlp tr_ cr.csv
printf '0.5,1,2,3,0\r\n0.5,1,2,3,1\r\n' >crlf.csv
check "CR LF line endings" "$TM" eval m.tmlp crlf.csv
grep -q '^samples  2$' out.log && ok || bad "CR LF: $(head -1 out.log)"
printf '"a","b","c","d","y"\n"0.5","1","2","3","0"\n' >quoted.csv
err_case "quoted fields" "quoted.csv:1:1: error: found '\"': quoted fields are not supported" \
    bad.tmlp tr_ quoted.csv

# ---- input bytes in messages are escaped and capped ------------------------------

# printable FILE: FILE has only printable ASCII and line feeds.
printable() { [ "$(LC_ALL=C tr -d '\n -~' <"$1" | wc -c)" -eq 0 ]; }
printf '0.5,1,2,3,0\n0.5,1,\001\033[31m\377\\,3,0\n' >binary.csv
err_case "binary field" "binary.csv:2:7: error: not a number: '\\x01\\x1b[31m\\xff\\\\' (field 3)" \
    bad.tmlp tr_ binary.csv
printable err.log && ok || bad "binary field: raw bytes in the message"
awk 'BEGIN { printf "0.5,1,"; for (i = 0; i < 500; i++) printf "z"; print ",3,0" }' >long.csv
err_case "long field" "long.csv:1:7: error: not a number: '$(printf '%040d' 0 | tr 0 z)...' (field 3" \
    bad.tmlp tr_ long.csv
[ "$(wc -c <err.log)" -lt 200 ] && ok || bad "long field: $(wc -c <err.log) bytes of message"
printf '{"\\u001b[2J\377": 1}' >key.json
err_case "JSON key with control bytes" 'key.json:1:2: error: unknown key "\x1b[2J\xff"' bad.tmlp \
    "$TM" load-json key.json -o bad.tmlp
printable err.log && ok || bad "JSON key: raw bytes in the message"

# An existing output survives a failed run unchanged.
cp m.tmlp keep.tmlp
"$TM" train m.tmlp "$D/nan.csv" -o keep.tmlp --quiet 2>/dev/null
cmp -s m.tmlp keep.tmlp && [ "$(ls keep.tmlp*)" = keep.tmlp ] && ok ||
    bad "a failed run changed an existing output"
"$TM" train m.tmlp "$D/blobs.csv" --frobnicate 1 -o bad.tmlp 2>/dev/null
[ $? -eq 2 ] && [ ! -e bad.tmlp ] && ok || bad "unknown option: exit status 2 expected"

# ---- the command line: help, version, options, errors in one line -------------

# one_line DESCRIPTION STATUS EXPECTED COMMAND...: the command exits with
# STATUS, prints nothing on stdout and exactly the line EXPECTED on stderr.
one_line() {
    d=$1
    st=$2
    msg=$3
    shift 3
    "$@" >out.log 2>err.log
    rc=$?
    if [ $rc -ne "$st" ]; then bad "$d: exit status $rc, expected $st: $(cat err.log)"
    elif [ "$(cat err.log)" != "$msg" ]; then bad "$d: stderr '$(cat err.log)', expected '$msg'"
    elif [ -s out.log ]; then bad "$d: stdout '$(head -3 out.log)'"
    else ok; fi
}
V=$(awk '/^#define TMLP_VERSION_(MAJOR|MINOR|PATCH) / { v = v (v == "" ? "" : ".") $3 }
    END { print v }' "$SRC/lib/tinymlp.h")
"$TM" --version >out.log 2>err.log && [ "$(cat out.log)" = "tinymlp $V" ] && [ ! -s err.log ] &&
    ok || bad "--version: '$(cat out.log)' '$(cat err.log)', expected 'tinymlp $V'"
# The usage: on stdout for --help, on stderr (exit 2) with no arguments.
check "--help" "$TM" --help
head -1 out.log | grep -q '^usage: tinymlp COMMAND' && [ ! -s err.log ] && ok || bad "--help: $(head -2 out.log)"
"$TM" >out.log 2>err.log
[ $? -eq 2 ] && [ ! -s out.log ] && head -1 err.log | grep -q '^usage: tinymlp COMMAND' && ok ||
    bad "no arguments: '$(head -2 err.log)'"
# COMMAND --help, -h and help COMMAND: the command's usage on stdout, exit 0.
for c in init train eval predict dump load-json export info; do
    check "$c --help" "$TM" $c --help
    if [ "$(head -1 out.log | cut -d' ' -f1-3)" = "usage: tinymlp $c" ] && [ ! -s err.log ]; then ok
    else bad "$c --help: '$(head -1 out.log)' '$(cat err.log)'"; fi
    cp out.log help.log
    check "$c -h" "$TM" $c -h
    cmp -s out.log help.log && ok || bad "$c -h differs from $c --help"
    check "help $c" "$TM" help $c
    cmp -s out.log help.log && ok || bad "help $c differs from $c --help"
done
# --option=value is --option value, for every command.
check "init --opt=value" "$TM" init --input=4 --layers=8,3 --act=relu,softmax --seed=7 --init=he-normal \
    -o eq.tmlp
check "init --opt value" "$TM" init --input 4 --layers 8,3 --act relu,softmax --seed 7 --init he-normal \
    -o sp.tmlp
cmp -s eq.tmlp sp.tmlp && ok || bad "init: --opt=value and --opt value differ"
check "train --opt=value" "$TM" train m.tmlp "$D/blobs_val.csv" -o eq.tmlp --epochs=3 --batch=4 \
    --optimizer=adam --lr=0.01 --beta1=0.8 --scale=standard --seed=3 --val="$D/blobs_val.csv" --quiet
check "train --opt value" "$TM" train m.tmlp "$D/blobs_val.csv" -o sp.tmlp --epochs 3 --batch 4 \
    --optimizer adam --lr 0.01 --beta1 0.8 --scale standard --seed 3 --val "$D/blobs_val.csv" --quiet
cmp -s eq.tmlp sp.tmlp && ok || bad "train: --opt=value and --opt value differ"
check "eval --loss=mse" "$TM" eval r2.tmlp "$D/xor.csv" --loss=mse
grep -q '(mse)' out.log && ok || bad "eval --loss=mse: $(cat out.log)"
check "export --name=eqname" "$TM" export m.tmlp -o eq.h --name=eqname
grep -q 'eqname_desc' eq.h && ok || bad "export --name=eqname: no eqname_desc"

# A value out of range names the option, the value and the range the
# library takes (tmlp_optim_slots), exit status 1; the edges it takes train.
tv() { "$TM" train m.tmlp "$D/blobs_val.csv" -o v.tmlp --steps 1 --quiet "$@"; }
for spec in "--lr|-0.1|> 0" "--lr|0|> 0" "--momentum|1.5|in [0, 1)" "--momentum|1|in [0, 1)" \
    "--momentum|-0.1|in [0, 1)" "--dampening|1.5|in [0, 1]" "--weight-decay|-0.01|>= 0" \
    "--beta1|1|in [0, 1)" "--beta2|-0.5|in [0, 1)" "--eps|-1e-8|>= 0" "--alpha|1|in [0, 1)" \
    "--clip-norm|-1|>= 0"; do
    o=${spec%%|*}
    r=${spec#*|}
    v=${r%%|*}
    one_line "$o $v" 1 "tinymlp: $o $v: must be ${r#*|}" tv "$o" "$v"
done
one_line "--lr not a number" 1 "tinymlp: --lr abc: must be a number > 0" tv --lr abc
one_line "--momentum=1.5" 1 "tinymlp: --momentum 1.5: must be in [0, 1)" tv --momentum=1.5
for args in "--lr 1e-6" "--momentum 0.999" "--momentum 0" "--dampening 1 --momentum 0.5" \
    "--weight-decay 0" "--optimizer adam --beta1 0.999 --beta2 0" "--optimizer rmsprop --alpha 0.5 --eps 0" \
    "--clip-norm 0" "--nesterov --momentum 0.9"; do
    # shellcheck disable=SC2086
    check "train $args" tv $args
done
one_line "--nesterov without momentum" 1 \
    "tinymlp: --nesterov: needs --optimizer sgd, --momentum > 0 and --dampening 0" tv --nesterov
one_line "--nesterov with adam" 1 \
    "tinymlp: --nesterov: needs --optimizer sgd, --momentum > 0 and --dampening 0" \
    tv --nesterov --momentum 0.9 --optimizer adam
one_line "bad --optimizer" 1 "tinymlp: --optimizer sgdm: must be sgd, adam, adamw, rmsprop or ema" \
    tv --optimizer sgdm
one_line "bad --epochs" 1 "tinymlp: --epochs -1: must be an integer in 0..4294967295" tv --epochs=-1
one_line "bad --input" 1 "tinymlp: --input 0: must be an integer in 1..4096" \
    "$TM" init --input 0 --layers 3 --act relu -o bad.tmlp
one_line "bad --layers" 1 "tinymlp: --layers 3,x: every width must be an integer in 1..4096" \
    "$TM" init --input 2 --layers 3,x --act relu,softmax -o bad.tmlp

# A typing slip in an option or command names the nearest one; anything
# further off names the command's --help. Exit status 2, one line.
one_line "--epoch" 2 "tinymlp: unknown option --epoch (did you mean --epochs?)" tv --epoch 3
one_line "--epoch=3" 2 "tinymlp: unknown option --epoch (did you mean --epochs?)" tv --epoch=3
one_line "--bacth (swapped letters)" 2 "tinymlp: unknown option --bacth (did you mean --batch?)" \
    tv --bacth 8
one_line "--optimiser" 2 "tinymlp: unknown option --optimiser (did you mean --optimizer?)" \
    tv --optimiser adam
one_line "--seeds" 2 "tinymlp: unknown option --seeds (did you mean --seed?)" \
    "$TM" init --input 2 --layers 1 --act identity -o bad.tmlp --seeds 3
one_line "--frobnicate" 2 "tinymlp: unknown option --frobnicate (train's options: tinymlp train --help)" \
    tv --frobnicate 1
one_line "eval --epochs" 2 "tinymlp: unknown option --epochs (eval's options: tinymlp eval --help)" \
    "$TM" eval m.tmlp "$D/blobs_val.csv" --epochs 3
one_line "predict --loss" 2 "tinymlp: unknown option --loss (predict's options: tinymlp predict --help)" \
    "$TM" predict m.tmlp "$D/blobs_val.csv" --loss ce
one_line "trian" 2 "tinymlp: unknown command trian (did you mean train?)" "$TM" trian m.tmlp
one_line "frob" 2 "tinymlp: unknown command frob (commands: tinymlp --help)" "$TM" frob
# Other usage errors: one line too, never the whole usage.
one_line "--lr without a value" 2 "tinymlp: --lr needs a value: --lr X" tv --lr
one_line "flag with a value" 2 "tinymlp: --quiet takes no value (given --quiet=1)" tv --quiet=1
TU="usage: tinymlp train MODEL.tmlp TRAIN.csv -o OUT.tmlp [options]"
one_line "train without -o" 2 "tinymlp: train: missing -o OUT.tmlp; $TU" "$TM" train m.tmlp "$D/xor.csv"
one_line "train without data" 2 "tinymlp: train: missing the CSV file; $TU" "$TM" train m.tmlp
one_line "train, 3 operands" 2 "tinymlp: train: unexpected argument c; $TU" "$TM" train a b c -o x
one_line "init without --act" 2 \
    "tinymlp: init: missing --act; usage: tinymlp init --input N --layers 32,10 --act relu,softmax -o MODEL.tmlp [options]" \
    "$TM" init --input 2 --layers 3 -o bad.tmlp
one_line "init operand" 2 \
    "tinymlp: init: unexpected argument x; usage: tinymlp init --input N --layers 32,10 --act relu,softmax -o MODEL.tmlp [options]" \
    "$TM" init x
one_line "eval without data" 2 "tinymlp: eval: missing the CSV file; usage: tinymlp eval MODEL.tmlp TEST.csv [options]" \
    "$TM" eval m.tmlp
one_line "predict, 3 operands" 2 \
    "tinymlp: predict: unexpected argument c; usage: tinymlp predict MODEL.tmlp DATA.csv" "$TM" predict a b c
one_line "dump without input" 2 "tinymlp: dump: missing the input file; usage: tinymlp dump MODEL.tmlp [options]" \
    "$TM" dump
one_line "load-json without -o" 2 \
    "tinymlp: load-json: missing -o MODEL.tmlp; usage: tinymlp load-json MODEL.json -o MODEL.tmlp" \
    "$TM" load-json m.tmlp.json
one_line "export without -o" 2 "tinymlp: usage: tinymlp export MODEL.tmlp -o MODEL.h [--name NAME]" \
    "$TM" export m.tmlp
one_line "info without a model" 2 "tinymlp: usage: tinymlp info MODEL.tmlp" "$TM" info

# A file that can't be read: "tinymlp: FILE: reason" (strerror), exit 1,
# for every input of every command.
for c in "train m.tmlp $D/missing.csv -o bad.tmlp" "train m.tmlp $D/blobs_val.csv -o bad.tmlp --val $D/missing.csv" \
    "train $D/missing.csv $D/blobs_val.csv -o bad.tmlp" "eval m.tmlp $D/missing.csv" \
    "predict $D/missing.csv $D/blobs_val.csv" "dump $D/missing.csv" "load-json $D/missing.csv -o bad.tmlp" \
    "export $D/missing.csv -o bad.h" "info $D/missing.csv"; do
    # shellcheck disable=SC2086
    one_line "missing input: $c" 1 "tinymlp: $D/missing.csv: No such file or directory" "$TM" $c
done
[ ! -e bad.tmlp ] && [ ! -e bad.h ] && ok || bad "missing input: an output was written"

# The options the tool's --help lists are the options docs/cli.md documents
# (tests/tool/check_options.py); and the check fails when the doc lacks one.
if [ -x /usr/bin/python3 ]; then
    if /usr/bin/python3 "$D/check_options.py" "$TM" >out.log 2>&1; then ok; else bad "$(cat out.log)"; fi
    sed 's/--no-state//g' "$SRC/docs/cli.md" >nostate.md
    if /usr/bin/python3 "$D/check_options.py" "$TM" nostate.md >out.log 2>&1; then
        bad "check_options.py passed a doc without --no-state"
    elif grep -q 'option --no-state is accepted by the tool but not in nostate.md' out.log; then ok
    else bad "check_options.py on a doc without --no-state: $(cat out.log)"; fi
else
    echo "SKIPPED check_options.py: /usr/bin/python3 is not installed"
fi

# ---- features too large to train unscaled ------------------------------------

# One warning line when a feature's root mean square is above 100 and the
# training runs unscaled (docs/cli.md); training goes on.
check "init pressure" "$TM" init --input 2 --layers 4,2 --act relu,softmax -o p.tmlp
WARN="tinymlp: warning: $D/pressure.csv: column 1 has root mean square 1011 (above 100): too large to train unscaled; use --scale standard or --scale minmax"
for s in "" "--scale none"; do
    # shellcheck disable=SC2086
    check "train pressure $s" "$TM" train p.tmlp "$D/pressure.csv" -o p2.tmlp --epochs 2 --quiet $s
    [ "$(cat err.log)" = "$WARN" ] && grep -q '^done: 2 epochs' out.log && [ -e p2.tmlp ] && ok ||
        bad "pressure $s: stderr '$(cat err.log)'"
done
check "train pressure --scale standard" "$TM" train p.tmlp "$D/pressure.csv" -o p3.tmlp --epochs 2 \
    --quiet --scale standard
[ ! -s err.log ] && ok || bad "pressure --scale standard: stderr '$(cat err.log)'"
# A model with input scaling keeps it (no --scale): no warning.
check "train pressure, scaled model" "$TM" train p3.tmlp "$D/pressure.csv" -o p4.tmlp --epochs 2 --quiet
[ ! -s err.log ] && ok || bad "pressure, scaled model: stderr '$(cat err.log)'"
# The project's data: iris, digits and blobs stay silent; wine and
# breast_cancer, which train to the majority class unscaled, are warned.
for spec in "iris 4 3 -" "digits 64 10 -" "wine 13 3 13 817.9" "breast_cancer 30 2 24 1060"; do
    # shellcheck disable=SC2086
    set -- $spec
    f=$SRC/data/$1_train.csv
    "$TM" init --input "$2" --layers 4,"$3" --act relu,softmax -o ds.tmlp 2>/dev/null
    check "train $1 unscaled" "$TM" train ds.tmlp "$f" -o ds2.tmlp --steps 1 --quiet
    if [ "$4" = - ]; then exp=""; else
        exp="tinymlp: warning: $f: column $4 has root mean square $5 (above 100): too large to train unscaled; use --scale standard or --scale minmax"
    fi
    [ "$(cat err.log)" = "$exp" ] && ok || bad "$1 unscaled: stderr '$(cat err.log)', expected '$exp'"
done
for f in blobs.csv blobs_val.csv; do
    check "train $f unscaled" "$TM" train m.tmlp "$D/$f" -o ds2.tmlp --steps 1 --quiet
    ! grep -q warning err.log && ok || bad "$f unscaled: stderr '$(cat err.log)'"
done

# ---- output that can't be written -------------------------------------------

# A model larger than the stdio buffer (38,500 bytes), so that writes fail
# inside the command's writer and not only when the file is closed.
check "init big" "$TM" init --input 64 --layers 128,10 --act relu,softmax -o big.tmlp
awk 'BEGIN { for (i = 0; i < 64; i++) printf "0.5,"; print 1 }' >one.csv
# write_fails DESCRIPTION OUTPUT COMMAND...: under a file-size limit of 512
# bytes, with SIGXFSZ ignored so that write() fails with EFBIG (as on a
# full disk; it works as root, unlike permission bits), the command exits 1
# with the one line "tinymlp: OUTPUT: reason" on stderr, leaves no
# temporary file, and an existing OUTPUT unchanged.
write_fails() {
    d=$1
    out=$2
    shift 2
    printf 'old\n' >"$out"
    (trap '' XFSZ && ulimit -f 1 && exec "$@") >out.log 2>err.log
    rc=$?
    if [ $rc -ne 1 ]; then bad "$d: exit status $rc, expected 1"
    elif [ "$(wc -l <err.log)" != 1 ] || ! grep -q "^tinymlp: $out: " err.log; then
        bad "$d: stderr is not one line 'tinymlp: $out: reason': '$(cat err.log)'"
    elif [ "$(cat "$out")" != old ]; then bad "$d: the old $out was changed"
    elif [ "$(ls "$out"*)" != "$out" ]; then bad "$d: left $(ls "$out"*)"
    else ok; fi
    rm -f "$out"
}
if (trap '' XFSZ && ulimit -f 1) 2>/dev/null; then
    write_fails "write failure: init" w.tmlp \
        "$TM" init --input 64 --layers 128,10 --act relu,softmax -o w.tmlp
    write_fails "write failure: train" w.tmlp "$TM" train big.tmlp one.csv -o w.tmlp --quiet
    write_fails "write failure: train --plot" w.svg \
        "$TM" train m.tmlp "$D/blobs_val.csv" -o pw.tmlp --quiet --epochs 40 --plot w.svg
    "$TM" dump big.tmlp -o big.json 2>/dev/null
    write_fails "write failure: load-json" w.tmlp "$TM" load-json big.json -o w.tmlp
    write_fails "write failure: dump -o names the output" w.json "$TM" dump big.tmlp -o w.json
    write_fails "write failure: export" w.h "$TM" export big.tmlp -o w.h
else
    echo "SKIPPED write failures: this shell can't set a file-size limit"
fi
# A failed rename (the output is a directory) is reported and removes the
# temporary file.
mkdir isdir
"$TM" init --input 2 --layers 1 --act identity -o isdir >out.log 2>err.log
rc=$?
[ $rc -eq 1 ] && [ "$(cat err.log)" = "tinymlp: isdir: Is a directory" ] &&
    [ "$(ls -d isdir*)" = isdir ] && ok || bad "rename failure: exit $rc, '$(cat err.log)', $(ls -d isdir*)"
# A device is written in place, never replaced by a regular file (which
# would succeed as root). devnull links to /dev/null, so that a replacement
# would only replace the link.
ln -s /dev/null devnull
check "-o a device" "$TM" init --input 2 --layers 1 --act identity -o devnull
[ -L devnull ] && [ -c /dev/null ] && [ "$(ls devnull*)" = devnull ] && ok ||
    bad "-o a device: devnull was replaced: $(ls -l devnull*)"
# Written files get the mode of a new file (0666 less the umask), not 0600.
(umask 022 && "$TM" init --input 2 --layers 1 --act identity -o mode.tmlp) &&
    [ "$(ls -l mode.tmlp | cut -c1-10)" = "-rw-r--r--" ] && ok ||
    bad "output mode: $(ls -l mode.tmlp)"

# Every command that prints to stdout fails, naming stdout, when its output
# can't be written (and train then writes no model).
if [ -c /dev/full ]; then
    for c in "eval t.tmlp $D/blobs_val.csv" "info t.tmlp" "predict t.tmlp $D/blobs_val.csv" \
        "dump t.tmlp" "train m.tmlp $D/blobs_val.csv -o full.tmlp --epochs 2" "help"; do
        # shellcheck disable=SC2086
        "$TM" $c >/dev/full 2>err.log
        rc=$?
        if [ $rc -ne 1 ]; then bad "stdout full: $c: exit status $rc, expected 1"
        elif [ "$(cat err.log)" != "tinymlp: stdout: No space left on device" ]; then
            bad "stdout full: $c: stderr '$(cat err.log)'"
        elif [ -e full.tmlp ]; then bad "stdout full: $c: wrote full.tmlp"
        else ok; fi
    done
else
    echo "SKIPPED stdout full: no /dev/full"
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
