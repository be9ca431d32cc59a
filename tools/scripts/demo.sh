#!/bin/sh
# SPDX-License-Identifier: MIT
# `make demo`: the main job a new user sees. Trains the digits network with
# the tool (the library's own code), evaluates it, exports it for flash,
# shows the RAM it needs, fine-tunes it as a device would, and runs the
# short gradient-descent examples. Expects the tool and the examples built
# in BUILDDIR (`make demo` builds them first, quietly).
# Usage: tools/scripts/demo.sh BUILDDIR
set -eu
B=${1:-build}
D=$B/demo
mkdir -p "$D"
section=0
say() {
    section=$((section + 1))
    printf '\n== %d. %s\n' "$section" "$*"
}

# sizeof(tmlp_net_t) on a Cortex-M4, as arm-none-eabi-gcc lays it out (the
# .size it gives an object of that type); prints nothing without the compiler.
m4_handle_bytes() {
    command -v arm-none-eabi-gcc > /dev/null 2>&1 || return 0
    printf '#include "tinymlp.h"\ntmlp_net_t demo_handle;\n' > "$D/handle_m4.c"
    arm-none-eabi-gcc -mthumb -mcpu=cortex-m4 -mfloat-abi=hard -mfpu=fpv4-sp-d16 -std=c99 \
        -fno-common -Ilib -S -o "$D/handle_m4.s" "$D/handle_m4.c"
    sed -n 's/^[[:space:]]*\.size[[:space:]]*demo_handle, *\([0-9][0-9]*\)$/\1/p' "$D/handle_m4.s"
}

say "Train a digits classifier (8x8 images, 64-32-10 ReLU/softmax) on data/digits_train.csv"
echo "each epoch line: loss = mean loss of the epoch's samples, each at the weights of its step;"
echo "acc = accuracy on the whole training set at the epoch's end"
"$B/tinymlp" init --input 64 --layers 32,10 --act relu,softmax --seed 1 -o "$D/digits_init.tmlp"
"$B/tinymlp" train "$D/digits_init.tmlp" data/digits_train.csv -o "$D/digits.tmlp" \
    --lr 0.05 --momentum 0.9 --batch 16 --epochs 30 --scale standard --seed 1 \
    --plot "$D/digits_curve.svg"
echo "loss and accuracy per epoch drawn in $D/digits_curve.svg"
# examples/finetune.c (section 5) is built from the model the build trained
# with the same seeded command: the story holds only if the bytes agree.
if ! cmp -s "$B/gen/digits.tmlp" "$D/digits.tmlp"; then
    echo "demo: $D/digits.tmlp differs from $B/gen/digits.tmlp, the model $B/finetune was built from" >&2
    exit 1
fi

say "Evaluate it on the 360 held-out test images"
"$B/tinymlp" eval "$D/digits.tmlp" data/digits_test.csv

say "Export it for the firmware: weights const in flash"
"$B/tinymlp" export "$D/digits.tmlp" -o "$D/digits_model.h" --name digits
echo "wrote $D/digits_model.h ($(wc -c < "$D/digits_model.h") bytes of C); tinymlp info on the model:"
"$B/tinymlp" info "$D/digits.tmlp"

say "RAM it needs: the arena (a board without a data cache; M7 and this host also shown) and the handle (per target)"
"$B/memory"
echo "the digits model scales its inputs (--scale standard): its figures are the \"scaled\""
echo "column, as tinymlp info printed them in section 3"
m4=$(m4_handle_bytes)
if [ -n "$m4" ]; then
    echo "handle (tmlp_net_t) on a Cortex-M4: $m4 bytes (sizeof, measured with arm-none-eabi-gcc -mcpu=cortex-m4)"
else
    echo "handle (tmlp_net_t) on a Cortex-M4: not measured here (arm-none-eabi-gcc is not installed)"
fi

say "Fine-tune it as a device would, last layer only (examples/finetune.c)"
echo "(built from $B/gen/digits.tmlp, the same bytes as the model of section 1; make test-finetune"
echo "checks that a Cortex-M4F under QEMU prints the same lines)"
"$B/finetune"

say "Gradient descent by hand on small functions (examples/gd_basics.c)"
"$B/gd_basics"
say "A 2-2-1 net learns XOR (examples/xor.c)"
"$B/xor"
say "Linear regression: gradient descent against least squares (examples/linreg.c)"
"$B/linreg"
say "Four optimizers train one classifier (examples/classify.c)"
"$B/classify"
