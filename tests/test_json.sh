#!/bin/sh
# SPDX-License-Identifier: MIT
# The JSON form of model files (tools/json/tmlp_json.h), end to end through
# `tinymlp dump` and `tinymlp load-json`. Builds nothing: expects
# $BUILDDIR/tinymlp and $BUILDDIR/tmlp-mkmodel (and, if present, the fuzz
# replayers $BUILDDIR/fuzz-replay-{model,json,csv,cli}).
# Usage: sh tests/test_json.sh [BUILDDIR]   (default build)
# Prints one line "N passed, M failed"; exits non-zero on any failure.

B=${1:-${BUILDDIR:-build}}
case $B in /*) ;; *) B=$(pwd)/$B ;; esac
SRC=$(cd "$(dirname "$0")/.." && pwd)
TM=$B/tinymlp
M=$B/tmlp-mkmodel
pass=0
fail=0

ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

for t in "$TM" "$M"; do
    if [ ! -x "$t" ]; then
        echo "test_json: $t not built"
        echo "0 passed, 1 failed"
        exit 1
    fi
done

T=$(mktemp -d "${TMPDIR:-/tmp}/tinymlp-json-test.XXXXXX") || exit 1
trap '[ -n "$KEEP" ] || rm -rf "$T"' EXIT
cd "$T" || exit 1
export LC_ALL=C

# ---- round trips ---------------------------------------------------------

# rt NAME MKMODEL-ARGS...: binary -> JSON -> binary is byte-identical, and
# JSON -> binary -> JSON text-identical.
rt() {
    name=$1
    shift
    if ! "$M" -o "$name.tmlp" "$@" 2>"$name.err"; then
        bad "$name: tmlp-mkmodel $*: $(cat "$name.err")"
        return
    fi
    if "$TM" dump "$name.tmlp" -o "$name.json" 2>"$name.err" &&
        "$TM" load-json "$name.json" -o "$name.2.tmlp" 2>>"$name.err" &&
        cmp -s "$name.tmlp" "$name.2.tmlp"; then ok; else bad "$name: binary round trip $(cat "$name.err")"; fi
    if "$TM" load-json "$name.json" -o "$name.3.tmlp" 2>"$name.err" &&
        "$TM" dump "$name.3.tmlp" >"$name.3.json" 2>>"$name.err" &&
        cmp -s "$name.json" "$name.3.json"; then ok; else bad "$name: JSON round trip $(cat "$name.err")"; fi
}

rt one 1 1:identity
rt small 3 4:relu 2:sigmoid
rt scaled --scale -s 7 5 8:tanh 4:leaky_relu 3:softmax
rt edge --scale --edge 3 4:leaky_relu:0.2 2:sigmoid:2.5 2:softmax
rt allacts -s 3 2 3:identity 3:sigmoid 3:tanh 3:relu 3:leaky_relu 2:softmax
rt params -s 4 4 5:sigmoid:0.5 5:leaky_relu:0.3 1:sigmoid:4
rt deep --scale -s 5 2 3:tanh 3:tanh 3:tanh 3:tanh 3:tanh 3:tanh 3:tanh 1:identity
rt wide --scale -s 6 64 32:relu 10:softmax
rt edgenoscale --edge 4 3:relu 1:identity
# Frozen layers ("trainable": false), when the library has them.
if "$M" --frozen 1 -o probe.tmlp 1 1:identity 2>/dev/null; then
    rt frozen --frozen 2 --scale -s 8 3 4:relu 4:tanh 2:softmax
    if grep -q '"trainable": false' frozen.json; then ok; else bad "frozen: no \"trainable\": false"; fi
else
    echo "SKIPPED frozen round trip: this tinymlp has no frozen layers"
fi
# A partial file (a fine-tuning checkpoint, its frozen layers left out) has
# no parameters to dump for them: refused, saying why, and no output file.
if "$M" --frozen 1 --partial -o partial.tmlp 2 4:relu 2:softmax 2>/dev/null; then
    "$TM" dump partial.tmlp -o partial.json 2>partial.err
    if [ $? -eq 1 ] && [ ! -e partial.json ] &&
        grep -q "a partial file: the parameters of its 1 frozen layer are not in it" partial.err; then
        ok
    else bad "partial: dump of a partial file: $(cat partial.err)"; fi
else
    echo "SKIPPED partial file: this tinymlp writes no partial files"
fi

# ---- canonical activation parameters ----------------------------------------

# A default stored explicitly (sigmoid lambda 1.0, leaky alpha 0.01) or a
# parameter on an activation without one is written as the default: the
# result equals the file made with 0 (the same seed gives the same weights).
canon() {
    name=$1
    explicit=$2
    plain=$3
    "$M" -s 9 -o "$name.x.tmlp" 2 3:"$explicit" 1:identity &&
        "$M" -s 9 -o "$name.0.tmlp" 2 3:"$plain" 1:identity || { bad "$name: mkmodel"; return; }
    if "$TM" dump "$name.x.tmlp" -o "$name.json" 2>"$name.err" &&
        grep -q "note: an activation parameter" "$name.err" &&
        ! grep -q '"lambda"\|"alpha"' "$name.json" &&
        "$TM" load-json "$name.json" -o "$name.2.tmlp" && cmp -s "$name.0.tmlp" "$name.2.tmlp"; then
        ok
    else
        bad "$name: $explicit not canonicalised to $plain"
    fi
}
canon lambda1 sigmoid:1 sigmoid
canon alpha001 leaky_relu:0.01 leaky_relu
# A parameter on an activation without one is refused by the library itself.
if "$M" -s 9 -o reluparam.tmlp 2 3:relu:0.5 1:identity 2>/dev/null; then
    bad "reluparam: relu with a parameter accepted"
else ok; fi

# Optimizer state is not carried: the JSON of a file with state equals the
# JSON of the same model without it, and a note says so.
"$M" -s 2 --optim --scale -o opt.tmlp 3 4:relu 2:softmax
"$M" -s 2 --scale -o noopt.tmlp 3 4:relu 2:softmax
if "$TM" dump opt.tmlp -o opt.json 2>opt.err && grep -q "optimizer state is not part of the JSON form" opt.err &&
    "$TM" load-json opt.json -o opt.2.tmlp && cmp -s noopt.tmlp opt.2.tmlp; then ok; else bad "optimizer state"; fi

# ---- JSON written by hand ----------------------------------------------------

cat >hand.json <<'EOF'
{ "layers": [
    {"act": "tanh", "units": 2, "W": [[1, 2.5e0], [-0.0, 3E-1]], "b": [0.5, -0.5], "trainable": true},
    {"units": 1, "act": "sigmoid", "lambda": 1.0, "W": [[1, -1]], "b": [0]}
  ],
  "\u0069nput": 2,
  "scale": {"scale": [1, 2], "offset": [0, 0.25]}
}
EOF
# The same model: "lambda" equal to the default is stored as 0.
cat >hand0.json <<'EOF'
{"input":2,"layers":[{"units":2,"act":"tanh","W":[[1,2.5],[-0,0.3]],"b":[0.5,-0.5]},
{"units":1,"act":"sigmoid","W":[[1,-1]],"b":[0]}],"scale":{"offset":[0,0.25],"scale":[1,2]}}
EOF
if "$TM" load-json hand.json -o hand.tmlp && "$TM" load-json hand0.json -o hand0.tmlp &&
    cmp -s hand.tmlp hand0.tmlp; then ok; else bad "hand-written JSON"; fi
if "$TM" dump hand.tmlp -o hand.out.json && "$TM" load-json hand.out.json -o hand.2.tmlp &&
    cmp -s hand.tmlp hand.2.tmlp && ! grep -q lambda hand.out.json; then ok; else bad "hand-written JSON round trip"; fi

# ---- errors in JSON text: exit 1, "file:line:col: error:", no output ----------

cat >base.json <<'EOF'
{
  "input": 2,
  "layers": [
    {"units": 2, "act": "tanh", "W": [[1, 2], [3, 4]], "b": [0.5, -0.5]},
    {"units": 1, "act": "sigmoid", "W": [[1, -1]], "b": [0]}
  ]
}
EOF
if "$TM" load-json base.json -o base.tmlp; then ok; else bad "base.json does not load"; fi

# No temporary output (name.tmp.XXXXXX) was left behind.
no_temp() {
    for f in *.tmp.*; do [ -e "$f" ] && return 1; done
    return 0
}

# pos_of FILE TEXT [OFFSET]: "line:col" of the first occurrence of TEXT, plus OFFSET columns.
pos_of() {
    awk -v pat="$2" -v off="${3:-0}" '{ i = index($0, pat); if (i) { print NR ":" i + off; exit } }' "$1"
}

# jerr NAME WHERE WORDS: load NAME.json must fail with NAME.json:WHERE: error: ...WORDS...
jerr() {
    rm -f out.tmlp
    "$TM" load-json "$1.json" -o out.tmlp 2>"$1.err"
    rc=$?
    if [ $rc -eq 1 ] && grep -q "^$1.json:$2: error: .*$3" "$1.err" && [ ! -e out.tmlp ] &&
        no_temp; then
        ok
    else
        bad "$1: want exit 1 and '$1.json:$2: error: ...$3', got exit $rc: $(cat "$1.err")"
    fi
}

# mk NAME SED-EXPR: NAME.json is base.json edited.
mk() { sed "$2" base.json >"$1.json"; }

mk nan 's/\[\[1, 2\]/[[1, NaN]/'
jerr nan "$(pos_of nan.json NaN)" "NaN and Infinity are not allowed"
mk inf 's/"b": \[0\]/"b": [-Infinity]/'
jerr inf "$(pos_of inf.json -Infinity)" "NaN and Infinity are not allowed"
mk inf2 's/\[3, 4\]/[3, Infinity]/'
jerr inf2 "$(pos_of inf2.json Infinity)" "NaN and Infinity are not allowed"
mk big 's/\[3, 4\]/[3, 1e39]/'
jerr big "$(pos_of big.json 1e39)" "outside the range of a float"
mk comma 's/"units": 2, "act"/"units": 2 "act"/'
jerr comma "$(pos_of comma.json '2 "act"' 2)" "expected ',' or '}'"
mk trail 's/-0.5\]/-0.5,]/'
jerr trail "$(pos_of trail.json ',]' 1)" "trailing comma"
mk rowlen 's/\[3, 4\]/[3]/'
jerr rowlen "$(pos_of rowlen.json '[3]')" "row 2 has 1 numbers, expected 2"
mk rows 's/\[\[1, 2\], \[3, 4\]\]/[[1, 2]]/'
jerr rows "$(pos_of rows.json '[[1, 2]]')" "has 1 rows, expected 2"
mk blen 's/"b": \[0\]/"b": [0, 1]/'
jerr blen "$(pos_of blen.json '[0, 1]')" '"b" has 2 numbers, expected 1'
mk act 's/"tanh"/"tanhh"/'
jerr act "$(pos_of act.json '"tanhh"')" 'unknown activation "tanhh"'
mk smax 's/"tanh"/"softmax"/'
jerr smax "$(pos_of smax.json '"softmax"')" "softmax is allowed on the last layer only"
mk noB 's/, "b": \[0\]//'
jerr noB "$(pos_of noB.json '{"units": 1')" 'layer 2: missing key "b"'
mk noW 's/"W": \[\[1, -1\]\], //'
jerr noW "$(pos_of noW.json '{"units": 1')" 'layer 2: missing key "W"'
mk noinput '/"input"/d'
jerr noinput "1:1" 'missing key "input"'
mk nolayers 's/"input": 2,/"input": 2/;/"layers"/,/^  \]/d'
jerr nolayers "1:1" 'missing key "layers"'
mk empty 's/"layers": \[/"layers": [],"x": [/'
jerr empty "$(pos_of empty.json '"x"')" 'unknown key "x"'
mk units0 's/"units": 1/"units": 0/;s/\[\[1, -1\]\]/[]/;s/"b": \[0\]/"b": []/'
jerr units0 "$(pos_of units0.json '"units": 0' 9)" '"units" must be 1..'
mk unitsbig 's/"units": 1/"units": 65537/'
jerr unitsbig "$(pos_of unitsbig.json '"units": 65537' 9)" '"units" must be 1..'
mk input0 's/"input": 2/"input": 0/'
jerr input0 "$(pos_of input0.json '"input": 0' 9)" '"input" must be 1..'
mk unitsf 's/"units": 1/"units": 1.0/'
jerr unitsf "$(pos_of unitsf.json '1.0')" "expected a non-negative integer"
mk lam 's/"tanh",/"tanh", "lambda": 2,/'
jerr lam "$(pos_of lam.json '"lambda": 2' 10)" '"lambda" is for sigmoid layers only'
mk lam0 's/"sigmoid",/"sigmoid", "lambda": 0,/'
jerr lam0 "$(pos_of lam0.json '"lambda": 0' 10)" '"lambda" must be > 0'
mk alpha 's/"tanh",/"leaky_relu", "alpha": 1.5,/'
jerr alpha "$(pos_of alpha.json '1.5')" '"alpha" must be in (0, 1)'
mk both 's/"sigmoid",/"sigmoid", "alpha": 0.5, "lambda": 2,/'
jerr both "$(pos_of both.json '"alpha": 0.5' 9)" '"alpha" is for leaky_relu layers only'
mk frozen 's/"sigmoid",/"sigmoid", "trainable": false,/'
jerr frozen "$(pos_of frozen.json false)" "frozen layers must come first\|no frozen layers"
mk dup 's/"units": 2, /"units": 2, "units": 2, /'
jerr dup "$(pos_of dup.json '"units": 2, "units"' 12)" 'duplicate key "units"'
mk unk 's/"act": "sigmoid"/"activation": "sigmoid"/'
jerr unk "$(pos_of unk.json '"activation"')" 'unknown key "activation"'
mk garbage '$s/}/} x/'
jerr garbage "7:3" "expected end of input"
mk quote "s/\"units\": 1/'units': 1/"
jerr quote "$(pos_of quote.json "'units'")" "expected a key"
mk lz 's/\[0\.5/[05/'
jerr lz "$(pos_of lz.json '05')" "leading zero"
mk scalelen 's/^  \]$/  ], "scale": {"offset": [0], "scale": [1, 1]}/'
jerr scalelen "$(pos_of scalelen.json '"offset": [0]' 10)" '"offset" has 1 numbers, expected 2'
mk scalemiss 's/^  \]$/  ], "scale": {"offset": [0, 0]}/'
jerr scalemiss "$(pos_of scalemiss.json '{"offset"')" 'missing key "scale"'
mk nine 's/^    {"units": 1.*$/&, {"units": 1, "act": "sigmoid", "W": [[1]], "b": [0]}, {}, {}, {}, {}, {}, {}, {}/'
jerr nine "$(pos_of nine.json '{}, {}, {}, {}, {}, {}, {}' 20)" "more than 8 layers"
mk ctrl 's/"tanh"/"ta	nh"/'
jerr ctrl "$(pos_of ctrl.json '"ta' 3)" "control character in string"
mk esc 's/"tanh"/"t\\qanh"/'
jerr esc "$(pos_of esc.json '\q')" "invalid escape"
head -c 100 base.json >trunc.json
jerr trunc "4:$(($(head -n 4 trunc.json | tail -n 1 | wc -c) + 1))" "found end of input"
: >nothing.json
jerr nothing "1:1" "expected a model object, found end of input"
printf '[1, 2]' >array.json
jerr array "1:1" "expected a model object, found '\['"

# A failed load leaves an existing output untouched.
cp base.tmlp keep.tmlp
if ! "$TM" load-json nan.json -o keep.tmlp 2>/dev/null && cmp -s base.tmlp keep.tmlp; then ok; else bad "failed load changed an existing output"; fi

# An output that can't be written: under a file-size limit of 512 bytes,
# with SIGXFSZ ignored so that write() fails with EFBIG (as on a full disk;
# it works as root), exit 1 with the one line "tinymlp: OUTPUT: reason",
# no temporary file, the old output unchanged. wide.tmlp (64-32-10) is
# larger than the stdio buffer.
# jwrite_fails DESCRIPTION OUTPUT COMMAND...
jwrite_fails() {
    d=$1
    out=$2
    shift 2
    printf 'old\n' >"$out"
    (trap '' XFSZ && ulimit -f 1 && exec "$@") >/dev/null 2>w.err
    rc=$?
    if [ $rc -ne 1 ]; then bad "$d: exit status $rc, expected 1"
    elif [ "$(wc -l <w.err)" != 1 ] || ! grep -q "^tinymlp: $out: " w.err; then
        bad "$d: stderr is not one line 'tinymlp: $out: reason': '$(cat w.err)'"
    elif [ "$(cat "$out")" != old ] || ! no_temp; then bad "$d: old output changed or temporary file left"
    else ok; fi
    rm -f "$out"
}
if (trap '' XFSZ && ulimit -f 1) 2>/dev/null; then
    jwrite_fails "write failure: load-json" w.tmlp "$TM" load-json wide.json -o w.tmlp
    jwrite_fails "write failure: dump" w.json "$TM" dump wide.tmlp -o w.json
else
    echo "SKIPPED write failures: this shell can't set a file-size limit"
fi
if [ -c /dev/full ]; then
    "$TM" dump wide.tmlp >/dev/full 2>w.err
    rc=$?
    if [ $rc -eq 1 ] && [ "$(cat w.err)" = "tinymlp: stdout: No space left on device" ]; then ok
    else bad "dump to a full stdout: exit $rc, '$(cat w.err)'"; fi
else
    echo "SKIPPED dump to a full stdout: no /dev/full"
fi

# ---- errors in binary files: exit 1, "file: error:", no output ----------------

# berr NAME [WORDS]: dump NAME.tmlp must fail, with -o (no output) and without.
berr() {
    rm -f out.json
    "$TM" dump "$1.tmlp" -o out.json 2>"$1.err"
    rc=$?
    if [ $rc -eq 1 ] && grep -q "^$1.tmlp: error: .*$2" "$1.err" && [ ! -e out.json ] &&
        no_temp; then ok; else bad "$1: want exit 1 and '$1.tmlp: error:', got $rc: $(cat "$1.err")"; fi
    if "$TM" dump "$1.tmlp" >/dev/null 2>&1; then bad "$1: dump to stdout succeeded"; else ok; fi
}

# flip FILE OFFSET: invert one byte in place.
flip() {
    b=$(od -An -tu1 -j "$2" -N1 "$1" | tr -d ' ')
    printf "$(printf '\\%03o' $((255 - b)))" | dd of="$1" bs=1 seek="$2" conv=notrunc 2>/dev/null
}

size=$(wc -c <scaled.tmlp)
head -c $((size - 1)) scaled.tmlp >truncated.tmlp
berr truncated "truncated or padded"
head -c 20 scaled.tmlp >short.tmlp
berr short "only 20 bytes"
cp scaled.tmlp crc.tmlp
flip crc.tmlp $((size - 2))
berr crc "CRC mismatch"
cp scaled.tmlp body.tmlp
flip body.tmlp 100
berr body
cp base.json notamodel.tmlp
berr notamodel "no .TMLP. magic"
: >emptyfile.tmlp
berr emptyfile
"$TM" dump missing.tmlp >/dev/null 2>missing.err
if [ $? -eq 1 ] && grep -q "^tinymlp: missing.tmlp: No such file" missing.err; then ok; else bad "missing input"; fi

# ---- usage --------------------------------------------------------------------

for args in "" "dump" "load-json base.json" "frob base.json" "dump a b" "load-json base.json -o"; do
    # shellcheck disable=SC2086
    "$TM" $args >/dev/null 2>&1
    if [ $? -eq 2 ]; then ok; else bad "usage: tinymlp $args"; fi
done

# ---- fuzzing corpus and regression inputs ---------------------------------------

replay() {
    r=$B/fuzz-replay-$1
    [ -x "$r" ] || { echo "SKIPPED $1 replay: $r not built"; return; }
    set -- "$1" "$SRC"/tests/fuzz/corpus/"$1"/* "$SRC"/tests/fuzz/regress/"$1"/*
    name=$1
    shift
    files=""
    for f in "$@"; do [ -f "$f" ] && files="$files $f"; done
    # shellcheck disable=SC2086
    if [ -z "$files" ] || "$r" $files >"replay-$name.log" 2>&1; then ok; else
        bad "fuzz replay $name: $(tail -n 5 "replay-$name.log")"; fi
}
replay model
replay json
replay csv
replay cli

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
