#!/bin/sh
# SPDX-License-Identifier: MIT
# `make demo`: the main job a new user sees. Trains the digits network with
# the tool (the library's own code), evaluates it, exports it for flash,
# shows the RAM it needs on a Cortex-M4, fine-tunes it as a device would, and
# runs the short gradient-descent examples. Usage: tools/scripts/demo.sh BUILDDIR
set -eu
B=${1:-build}
D=$B/demo
mkdir -p "$D"
say() { printf '\n== %s\n' "$*"; }

say "1. Train a digits classifier (8x8 images, 64-32-10 ReLU/softmax) on data/digits_train.csv"
"$B/tinymlp" init --input 64 --layers 32,10 --act relu,softmax --seed 1 -o "$D/digits_init.tmlp"
"$B/tinymlp" train "$D/digits_init.tmlp" data/digits_train.csv -o "$D/digits.tmlp" \
    --lr 0.05 --momentum 0.9 --batch 16 --epochs 30 --scale standard --seed 1 \
    --plot "$D/digits_curve.svg"
echo "loss and accuracy per epoch drawn in $D/digits_curve.svg"

say "2. Evaluate on the 360 held-out test images"
"$B/tinymlp" eval "$D/digits.tmlp" data/digits_test.csv

say "3. Export for the firmware: weights const in flash"
"$B/tinymlp" export "$D/digits.tmlp" -o "$D/digits_model.h" --name digits
echo "wrote $D/digits_model.h ($(wc -c < "$D/digits_model.h") bytes of C); its size and arena figures:"
"$B/tinymlp" info "$D/digits.tmlp"

say "4. RAM to run, fine-tune and train it on a Cortex-M4"
"$B/memory"

say "5. Fine-tune it on the device, last layer only (examples/finetune.c)"
"$B/finetune"

for e in gd_basics xor linreg classify; do
    say "6. Seed example: $e"
    "$B/$e"
done
