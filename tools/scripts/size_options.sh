#!/bin/sh
# SPDX-License-Identifier: MIT
# What each TMLP_WITH_* option of lib/tmlp_config.h saves: `make size` of
# the infer and train configurations with every feature in, then with one
# option set to 0, on Cortex-M4F and Cortex-M0+. Prints one line per option:
#   option <name> infer-m4f=<B> infer-m0plus=<B> train-m4f=<B> train-m0plus=<B>
# (bytes of text saved; 0 where the linker already left the code out).
# Usage: sh tools/scripts/size_options.sh BUILDDIR
B=${1:-build}/size-options
mkdir -p "$B"
opts=$(sed -n 's/^#define \(TMLP_WITH_[A-Z_]*\) 1$/\1/p' lib/tmlp_config.h)
measure() { # $1 = name, $2 = options
    # Text only: no other architecture's lines, no stack limit (the limit
    # is checked by make size on the profiles the project ships).
    make -s --no-print-directory BUILDDIR="$B/$1" PROFILE_default="$2" FP_CFGS="infer train" \
        SIZE_TARGETS= FP_STACK_LIMIT=100000 size \
        > "$B/$1.txt" 2>&1 || { cat "$B/$1.txt"; exit 1; }
}
text() { # $1 = name, $2 = config, $3 = cpu
    sed -n "s/^footprint $2 $3 text=\([0-9]*\) .*/\1/p" "$B/$1.txt"
}
measure all ""
for o in $opts; do
    measure "$o" "-D$o=0"
    line="option $o"
    for c in infer train; do
        for p in cortex-m4f cortex-m0plus; do
            line="$line $c-${p#cortex-}=$(($(text all $c $p) - $(text "$o" $c $p)))"
        done
    done
    echo "$line"
done
