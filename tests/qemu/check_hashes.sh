#!/bin/sh
# SPDX-License-Identifier: MIT
# Bit-exact check across builds: every "weights-hash <config> <hex> [<run>...]"
# line in the given logs must carry the same hex as every other log's line for
# the same run. The run is named by the words after the hex; a line without
# them is named by its position (#1, #2, ...) among the unnamed lines of its
# log, and a repeated name within one log gets #2, #3, ... appended.
# Prints the differing runs (if any) and one summary line; exits 1 on a
# mismatch, a malformed line or no hash lines at all.
#
# usage: sh tests/qemu/check_hashes.sh build/host-*.log build/qemu-*.log
# A file name containing spaces is fine; one containing '*' is a glob.
# An argument that still contains '*' is a shell pattern that matched
# nothing (e.g. no QEMU logs on a machine without the cross tools): skipped.
n=$#
while [ "$n" -gt 0 ]; do
    f=$1
    shift
    n=$((n - 1))
    case $f in
    *'*'*) [ -e "$f" ] || continue ;;
    esac
    if [ ! -r "$f" ]; then
        echo "check_hashes: FAIL: cannot read $f"
        exit 1
    fi
    set -- "$@" "$f"
done
if [ "$#" -eq 0 ]; then
    echo "check_hashes: FAIL: no log files given"
    exit 1
fi

exec awk '
FNR == 1 { unnamed = 0; nfiles++ }
{ sub(/\r$/, "") }
$1 != "weights-hash" { next }
NF < 3 || $3 !~ /^[0-9A-Fa-f]+$/ {
    printf "  %s:%d: malformed: %s\n", FILENAME, FNR, $0
    bad++
    next
}
{
    cfg = $2
    hex = tolower($3)
    name = ""
    for (i = 4; i <= NF; i++)
        name = name (i > 4 ? " " : "") $i
    if (name == "") {
        key = "#" (++unnamed)
    } else {
        k = FILENAME SUBSEP name
        seen[k]++
        key = (seen[k] > 1) ? name "#" seen[k] : name
    }
    lines++
    if (!(cfg in cfgs)) {
        cfgs[cfg] = 1
        cfglist = cfglist " " cfg
        ncfg++
    }
    if (!(key in ref)) {
        ref[key] = hex
        keys[++nkeys] = key
        vals[key] = cfg "=" hex
    } else {
        vals[key] = vals[key] " " cfg "=" hex
        if (hex != ref[key])
            differs[key] = 1
    }
    nseen[key]++
}
END {
    ndiff = 0
    single = 0
    for (i = 1; i <= nkeys; i++) {
        key = keys[i]
        if (key in differs) {
            printf "  run %s differs:%s\n", key, " " vals[key]
            ndiff++
        }
        if (nseen[key] < 2)
            single++
    }
    if (lines == 0) {
        printf "check_hashes: FAIL: no weights-hash lines in %d log(s)\n", nfiles
        exit 1
    }
    extra = (single > 0) ? sprintf(" (%d seen only once)", single) : ""
    if (ndiff > 0 || bad > 0) {
        printf "check_hashes: FAIL: %d of %d runs differ, %d malformed lines, %d configs:%s\n", \
            ndiff, nkeys, bad + 0, ncfg, cfglist
        exit 1
    }
    printf "check_hashes: OK: %d runs bit-identical across %d configs:%s%s\n", \
        nkeys, ncfg, cfglist, extra
}
' "$@"
