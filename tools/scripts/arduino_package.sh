#!/bin/sh
# SPDX-License-Identifier: MIT
# Builds the Arduino library folder and its zip ("Add .ZIP Library") from
# lib/ and its file list, so the repository keeps its own layout:
#   OUT/tinymlp/library.properties, library.json (PlatformIO), LICENSE,
#   src/ (lib/'s headers, and its .c files in their layer folders, which
#   the Arduino build compiles recursively), examples/<Sketch>/<Sketch>.ino
#   (examples/arduino/, plus the exported iris_model.h for ExportedModel);
#   OUT/tinymlp-<version>.zip holding the folder.
# usage: arduino_package.sh OUT "core/tmlp_fmath.c core/..."   (TINYMLP_SRC_NAMES)
# Without zip it fails, unless ARDUINO_ZIP_OPTIONAL=1 (make test-arduino,
# which needs only the folder): then one SKIPPED line for the zip.
set -eu
out=$1
names=$2
pkg=$out/tinymlp
major=$(sed -n 's/^#define TMLP_VERSION_MAJOR \([0-9]*\).*/\1/p' lib/tinymlp.h)
minor=$(sed -n 's/^#define TMLP_VERSION_MINOR \([0-9]*\).*/\1/p' lib/tinymlp.h)
patch=$(sed -n 's/^#define TMLP_VERSION_PATCH \([0-9]*\).*/\1/p' lib/tinymlp.h)
version=$major.$minor.$patch
rm -rf "$pkg" "$out"/tinymlp-*.zip
mkdir -p "$pkg/src"
cp lib/*.h "$pkg/src/"
for f in $names; do
    mkdir -p "$pkg/src/$(dirname "$f")"
    cp "lib/$f" "$pkg/src/$f"
done
cp LICENSE "$pkg/"
for d in examples/arduino/*/; do
    name=$(basename "$d")
    mkdir -p "$pkg/examples/$name"
    cp "$d$name.ino" "$pkg/examples/$name/"
done
cp examples/cortex-m/iris_model.h "$pkg/examples/ExportedModel/"
cat > "$pkg/library.properties" <<PROPS
name=tinymlp
version=$version
author=tinymlp authors
maintainer=tinymlp authors
sentence=Multi-layer perceptrons on microcontrollers: inference and training on the device, no heap, float only.
paragraph=Caller-owned memory (one arena, sized at compile time), SGD/Adam/RMSprop, model files and flash checkpoints, the same bits on every IEEE-754 target. Tested on the ATmega328P (Uno).
category=Data Processing
architectures=avr
includes=tinymlp.h
PROPS
cat > "$pkg/library.json" <<JSON
{
  "name": "tinymlp",
  "version": "$version",
  "description": "Multi-layer perceptrons on microcontrollers: inference and training on the device, no heap, float only.",
  "keywords": ["neural network", "mlp", "machine learning", "training"],
  "license": "MIT",
  "frameworks": "*",
  "platforms": "*",
  "build": {
    "srcDir": "src",
    "flags": ["-ffp-contract=off"]
  },
  "export": {
    "include": ["src", "examples", "library.properties", "library.json", "LICENSE"]
  }
}
JSON
n_src=$(find "$pkg/src" -name '*.c' | wc -l)
n_ex=$(ls "$pkg/examples" | wc -l)
if command -v zip >/dev/null 2>&1; then
    (cd "$out" && zip -qr "tinymlp-$version.zip" tinymlp)
    echo "arduino: $pkg and $out/tinymlp-$version.zip ($n_src sources, $n_ex examples)"
elif [ "${ARDUINO_ZIP_OPTIONAL:-0}" = 1 ]; then
    echo "arduino: $pkg ($n_src sources, $n_ex examples); SKIPPED the zip: zip is not installed (apt-get install zip)"
else
    echo "arduino: zip is not installed (apt-get install zip)"
    exit 1
fi
