#!/bin/sh
# SPDX-License-Identifier: MIT
# Line and branch coverage of lib/ and port/host/ by the host test suite
# (gcc --coverage -O0, gcovr). Prints per-file tables, the uncovered lines
# of lib/, and as its last line:  lib lines <x>% branches <y>%
# Usage: sh tests/quality/coverage.sh [BUILDDIR]
B=${1:-build}/quality/cov
command -v gcovr >/dev/null 2>&1 || { echo "coverage: gcovr missing (apt-get install gcovr)"; exit 1; }
rm -rf "$B" && mkdir -p "$B"
MAIN=tests/test_main.c
# Until suite_cover() is registered in tests/test_main.c, run it from a copy.
if ! grep -q 'suite_cover()' tests/test_main.c && [ -f tests/test_cover.h ]; then
    MAIN=$B/test_main_cover.c
    sed 's/suite_examples();/suite_examples();\n    suite_cover();/; s/#include "tmlp_test.h"/#include "tmlp_test.h"\n#include "test_cover.h"/' \
        tests/test_main.c > "$MAIN"
fi
SRCS="lib/*/*.c port/host/tmlp_port.c port/sim/*.c $(ls tests/*.c | grep -v '^tests/test_main.c$') $MAIN"
# shellcheck disable=SC2086
gcc -std=c99 -O0 -ffp-contract=off --coverage -Ilib -Iport -Iport/sim -Itests \
    -DTMLP_TEST_CONFIG='"coverage"' $SRCS -o "$B/tests" -lm || exit 1
(cd "$B" && ./tests > tests.log 2>&1) || { tail -n 20 "$B/tests.log"; exit 1; }
echo "tests: $(tail -n 1 "$B/tests.log")"
echo "== lines"
gcovr -r . "$B" -f 'lib/' -f 'port/host/' --exclude-unreachable-branches 2>/dev/null | sed -n '/^File/,$p'
echo "== branches"
gcovr -r . "$B" -f 'lib/' -f 'port/host/' --exclude-unreachable-branches -b 2>/dev/null | sed -n '/^File/,$p'
gcovr -r . "$B" -f 'lib/' --exclude-unreachable-branches --json-summary "$B/summary.json" >/dev/null 2>&1
python3 - "$B/summary.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
print("lib lines %.1f%% branches %.1f%%" % (s["line_percent"], s["branch_percent"]))
PY
