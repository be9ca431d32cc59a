#!/bin/sh
# SPDX-License-Identifier: MIT
# Checks the output of `make demo` (tools/scripts/demo.sh) tells one story:
# the demo succeeded; sections numbered 1..N in order; no compiler or make
# command line, one training run; the training's last line labelled; every
# figure printed twice with the same label has the same value, and the
# arena figures the tool, build/memory and build/finetune print for the same
# net agree; the lines about a Cortex-M4 carry its measured handle size, not
# the host's (one SKIP line without arm-none-eabi-gcc).
# Usage: sh tests/test_demo.sh BUILDDIR DEMO_OUTPUT DEMO_EXIT_STATUS
# Prints one line "N passed, M failed" last; exits non-zero on any failure.

B=$1
OUT=$2
RC=$3
export LC_ALL=C
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

if [ ! -f "$OUT" ]; then
    echo "test_demo: no demo output $OUT"
    echo "0 passed, 1 failed"
    exit 1
fi

# ---- it ran, once, quietly --------------------------------------------------
if [ "$RC" = 0 ]; then ok; else bad "make demo exited with status $RC"; tail -n 20 "$OUT"; fi

# Compiler, archiver or make lines, and the tool's own command lines.
cmds=$(grep -nE '^([^ ]*/)?(cc|gcc|clang|g\+\+|c\+\+|ar|ld|rm|sh|make|tinymlp|arm-none-eabi-[a-z]+)( |$)|-std=c99|-Werror|-ffp-contract|^make(\[[0-9]+\])?:' "$OUT")
if [ -z "$cmds" ]; then ok; else bad "command lines in the demo's output:"; echo "$cmds" | head -n 5; fi

n=$(grep -c '^building ' "$OUT")
first=$(grep -n -m 1 '^== ' "$OUT" | cut -d: -f1)
build_at=$(grep -n -m 1 '^building ' "$OUT" | cut -d: -f1)
if [ "$n" = 1 ] && [ "${build_at:-0}" -lt "${first:-0}" ]; then ok
else bad "want one 'building ...' line before the first section, got $n"; fi

n_done=$(grep -c '^done: ' "$OUT")
n_first=$(grep -c '^epoch 1/' "$OUT")
if [ "$n_done" = 1 ] && [ "$n_first" = 1 ]; then ok
else bad "the training ran $n_first times (epoch 1 lines) with $n_done done: lines; want one"; fi

# ---- sections 1..N ------------------------------------------------------------
nums=$(grep '^== ' "$OUT" | sed -n 's/^== \([0-9][0-9]*\)\. .*/\1/p' | tr '\n' ' ')
heads=$(grep -c '^== ' "$OUT")
want=$(i=1; while [ "$i" -le "$heads" ]; do printf '%d ' "$i"; i=$((i + 1)); done)
if [ "$heads" -ge 5 ] && [ "$nums" = "$want" ]; then ok
else bad "section numbers are '$nums' for $heads headings; want '$want'"; fi

# ---- the training's lines say what they are ----------------------------------
if grep -q '^each epoch line: loss = mean loss of the epoch' "$OUT" &&
    grep -Eq '^done: .*; trained net on the whole training set: loss [0-9.]+  acc [0-9.]+$' "$OUT"; then ok
else bad "the epoch lines' legend or the labelled done: line is missing"; fi

# ---- figures: label<TAB>value for every figure the demo labels ---------------
awk '
function put(label, value) { printf "%s\t%s\n", label, value }
/^arena bytes( |$)/ { arena = 1; next }
arena && /^  [^ ]/ {
    if (match($0, / +[0-9]+$/)) { v = substr($0, RSTART); gsub(/ /, "", v)
        put(substr($0, 3, RSTART - 3), v) }
    next
}
{ arena = 0 }
/^parameters [0-9]+ / { put("parameters", $2) }
/^64-32-10 .*, [0-9]+ parameters/ { match($0, /[0-9]+ parameters/); put("parameters", substr($0, RSTART, RLENGTH - 11)) }
/^\| net +\|/ { n = split($0, h, /\|/); for (i = 3; i < n; i++) { col[i] = h[i]; gsub(/^ +| +$/, "", col[i]) } next }
/^\| [^-]/ {
    n = split($0, c, /\|/); label = c[2]; gsub(/^ +| +$/, "", label)
    for (i = 3; i < n; i++) { v = c[i]; gsub(/ /, "", v); put(label " [" col[i] "]", v) }
}
/^RAM \(arena bytes[^)]*\): / {
    n = split(substr($0, index($0, "): ") + 3), part, /; /)
    for (i = 1; i <= n; i++) { m = match(part[i], / [0-9]+$/)
        put(substr(part[i], 1, RSTART - 1), substr(part[i], RSTART + 1)) }
}
/^handle \(tmlp_net_t\), besides the arena: [0-9]+ bytes on the machine this runs on$/ {
    put("handle, this machine", $6) }
/^handle \(tmlp_net_t\) on a Cortex-M4: [0-9]+ bytes/ { put("handle, Cortex-M4", $6) }
/^accuracy [0-9.]+ \([0-9]+ of [0-9]+\)$/ { v = $3; sub(/\(/, "", v); put("test split right, trained model", v) }
/^fine-tuned the last layer/ { tuned = 1 }
/^  original test split: / && !tuned { put("test split right, trained model", $4) }
' "$OUT" > "$B/demo.figures"

# Every label printed twice or more has one value.
clash=$(sort -u "$B/demo.figures" | awk -F '\t' '{ n[$1]++; v[$1] = v[$1] " " $2 } END { for (k in n) if (n[k] > 1) print k ":" v[k] }')
if [ -s "$B/demo.figures" ] && [ -z "$clash" ]; then ok
else bad "figures printed with one label and different values:"; echo "${clash:-(no figures found)}"; fi

# The same quantity under each program's own label: tinymlp info (the model,
# its inputs scaled), build/memory's "scaled" column, build/finetune.
same() { # same LABEL...: each label printed, all with one value
    values=
    for label in "$@"; do
        v=$(awk -F '\t' -v k="$label" '$1 == k { print $2; exit }' "$B/demo.figures")
        if [ -z "$v" ]; then bad "no figure labelled '$label'"; return; fi
        values="$values $v"
    done
    if [ "$(echo "$values" | tr ' ' '\n' | grep . | sort -u | wc -l)" = 1 ]; then ok
    else bad "one quantity, different values:$values for: $*"; fi
}
same "inference" "inference, weights in RAM [scaled]"
same "inference, const weights" "inference, weights const in flash [scaled]"
same "fine-tuning, SGD + momentum" "fine-tune last layer, SGD+momentum, frozen in flash [scaled]"
same "fine-tuning, same, batch 1" "fine-tune last layer, SGD+momentum, no gradient buffer [scaled]" \
    "this fine-tuning (batch 1, no gradient buffer)"
same "fine-tuning, Adam" "fine-tune last layer, Adam, frozen in flash [scaled]"
same "training, SGD + momentum" "train last two layers (= all), SGD+momentum [scaled]"
same "training, Adam" "train all, Adam [scaled]"
# Printed twice by different programs: the parameter count (tinymlp info,
# build/memory) and the test images right (tinymlp eval, build/finetune
# before fine-tuning: the same model).
twice() {
    if [ "$(awk -F '\t' -v k="$1" '$1 == k' "$B/demo.figures" | wc -l)" -ge 2 ]; then ok
    else bad "'$1' printed fewer than twice"; fi
}
twice "parameters"
twice "test split right, trained model"

# ---- Cortex-M4 lines: measured there, never the host's figure ----------------
host=$(awk -F '\t' '$1 == "handle, this machine" { print $2; exit }' "$B/demo.figures")
m4=
if command -v arm-none-eabi-gcc > /dev/null 2>&1 && command -v arm-none-eabi-nm > /dev/null 2>&1; then
    printf '#include "tinymlp.h"\ntmlp_net_t test_demo_handle;\n' > "$B/test_demo_handle.c"
    arm-none-eabi-gcc -mthumb -mcpu=cortex-m4 -std=c99 -fno-common -Ilib -c \
        "$B/test_demo_handle.c" -o "$B/test_demo_handle.o" &&
        m4=$(arm-none-eabi-nm -S "$B/test_demo_handle.o" |
            awk '$4 == "test_demo_handle" { print $2 }')
    [ -n "$m4" ] && m4=$(printf '%d' "0x$m4")
fi
if [ -z "$host" ]; then bad "no host handle size printed"
else
    leak=$(grep 'Cortex-M4' "$OUT" | grep -Ew "$host")
    if [ "$host" != "$m4" ] && [ -n "$leak" ]; then bad "host handle size $host on a Cortex-M4 line: $leak"
    else ok; fi
fi
if [ -n "$m4" ]; then
    same "handle, Cortex-M4"
    shown=$(awk -F '\t' '$1 == "handle, Cortex-M4" { print $2; exit }' "$B/demo.figures")
    if [ "$shown" = "$m4" ]; then ok
    else bad "Cortex-M4 handle printed as '$shown'; arm-none-eabi-gcc measures $m4"; fi
else
    echo "SKIP: Cortex-M4 handle size not compared (arm-none-eabi-gcc or arm-none-eabi-nm not installed)"
    if grep 'Cortex-M4: [0-9]' "$OUT"; then bad "a Cortex-M4 figure printed without a cross compiler"; else ok; fi
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
