#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Estimated Cortex-M4 cycles of the QEMU benchmark, for `make bench-qemu`.

Runs tests/qemu/bench_main.c's M4F program under QEMU with the plugin
tools/scripts/qemu_insn_mix.c, which counts every executed instruction of
each measured region (between bench_region_begin and bench_region_end) and
how often each one branched. Prints the program's own output (its
instruction counts from SysTick under -icount) and after each
  qemu <config> cortex-m4f instr_per_mac=<x>
line the estimate
  qemu <config> cortex-m4f cycles_per_mac_est=<y>

The estimate is the executed instruction mix weighted by the Cortex-M4
technical reference manual's instruction timings (processor and FPU
tables), with these rules:
- memory has zero wait states; no stall beyond the tables is counted;
- FPU: VADD, VSUB, VMUL, VNMUL, VNEG, VABS, VCMP, VCVT, VMOV, VMRS 1;
  VMOV of two core registers 2; VMLA, VMLS, VNMLA, VNMLS, VFMA, VFMS 3;
  VLDR, VSTR 2; VLDM, VSTM, VPUSH, VPOP 1+N (N single registers); VDIV,
  VSQRT 14;
- integer: LDR/STR of any width 2; LDRD, STRD 3; LDM, STM, PUSH, POP 1+N;
  MLA, MLS 2; UDIV, SDIV 12 (the manual gives 2 to 12, by operand);
  TBB, TBH 2; every other instruction 1 (IT included, although the core
  can fold it; a conditional instruction whose condition fails counts as
  executed);
- each time an instruction branches (control goes elsewhere than the next
  instruction: taken branches, BL, BX, POP or LDR into pc) it costs P = 2
  more cycles (the manual's pipeline refill, 1 to 3); a branch to the very
  next instruction counts as not taken.

The regions' instruction counts from the trace are checked against the
program's SysTick counts (which include the same loop overhead): they must
agree within --tolerance instructions per call (default 2: a SysTick count
is a whole number of ticks of 40 instructions over 100 calls, less an
empty measurement, rounded down), else exit status 1.
Standard library only.
"""
import argparse
import bisect
import collections
import os
import re
import subprocess
import sys

P_REFILL = 2
FP_MAC = ("vmla", "vmls", "vnmla", "vnmls", "vfma", "vfms", "vfnma", "vfnms")


def reg_count(ops):
    """Single-precision or core registers in a {..} list (d = 2 singles)."""
    m = re.search(r"\{([^}]*)\}", ops)
    if not m:
        return 1
    n = 0
    for item in m.group(1).split(","):
        item = item.strip()
        r = re.fullmatch(r"([a-z]+)(\d+)-[a-z]+(\d+)", item)
        k = int(r.group(3)) - int(r.group(2)) + 1 if r else 1
        n += 2 * k if item.startswith("d") else k
    return n


def base_cycles(mnem, ops):
    """Cycles of one execution, not counting the refill of a branch."""
    m = mnem.split(".")[0]
    if m.startswith(("vldm", "vstm", "vpush", "vpop")):
        return 1 + reg_count(ops), "vldm/vpop" if m.startswith(("vldm", "vpop")) else "vstm/vpush"
    if m.startswith(("vldr", "vstr")):
        return (3 if re.match(r"\s*d", ops) else 2), m[:4]
    if m.startswith(FP_MAC):
        return 3, "vmla/vmls"
    if m.startswith(("vdiv", "vsqrt")):
        return 14, "vdiv/vsqrt"
    if m.startswith("vmov") and ops.count(",") >= 2:
        return 2, "vmov (2 core)"
    if m.startswith(("vadd", "vsub")):
        return 1, "vadd/vsub"
    if m.startswith(("vmul", "vnmul")):
        return 1, "vmul"
    if m.startswith("v"):
        return 1, "other fp"
    if m.startswith(("ldm", "stm", "push", "pop")):
        return 1 + reg_count(ops), "ldm/stm/push/pop"
    if m.startswith(("ldrd", "strd")):
        return 3, "ldrd/strd"
    if m.startswith(("ldr", "str")):
        return 2, "ldr/str"
    if m.startswith(("tbb", "tbh")):
        return 2, "tbb/tbh"
    if m.startswith(("udiv", "sdiv")):
        return 12, "udiv/sdiv"
    if m.startswith(("mla", "mls")):
        return 2, "mla/mls"
    if re.fullmatch(r"(b|bl|blx|bx|cbz|cbnz)(eq|ne|cs|cc|hs|lo|mi|pl|vs|vc|hi|ls|ge|lt|gt|le|al)?", m):
        return 1, "branch"
    return 1, "other"


def can_branch(mnem, ops):
    """Whether the instruction can send control elsewhere than the next one."""
    m = mnem.split(".")[0]
    if re.fullmatch(r"(b|bl|blx|bx|cbz|cbnz|tbb|tbh)(eq|ne|cs|cc|hs|lo|mi|pl|vs|vc|hi|ls|ge|lt|gt|le|al)?", m):
        return True
    return m.startswith(("pop", "ldm", "ldr", "mov", "add", "sub")) and re.match(r"\s*pc\b|.*\bpc\}", ops)


def run(cmd):
    return subprocess.run(cmd, check=True, capture_output=True, text=True).stdout


def disassemble(prefix, elf):
    """{address: (mnemonic, operands, bytes)} and sorted [(address, function)]."""
    insns = {}
    for line in run([prefix + "objdump", "-d", elf]).splitlines():
        m = re.match(r"\s*([0-9a-f]+):\t([0-9a-f ]+)\t(\S+)\s*(.*)", line)
        if m:
            size = len(m.group(2).replace(" ", "")) // 2
            insns[int(m.group(1), 16)] = (m.group(3), m.group(4), size)
    funcs = []
    for line in run([prefix + "nm", "-n", elf]).splitlines():
        f = line.split()
        if len(f) == 3 and f[1] in "tTwW":
            funcs.append((int(f[0], 16) & ~1, f[2]))
    return insns, funcs


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--elf", required=True)
    ap.add_argument("--plugin", required=True, help="qemu_insn_mix.so")
    ap.add_argument("--prefix", default="arm-none-eabi-")
    ap.add_argument("--cpu", default="cortex-m4f")
    ap.add_argument("--counts", required=True, help="file for the plugin's counts")
    ap.add_argument("--details", help="file for the per-region mix and profile")
    ap.add_argument("--tolerance", type=float, default=2.0)
    ap.add_argument("qemu", nargs=argparse.REMAINDER, help="-- qemu command (without -kernel)")
    a = ap.parse_args()
    qemu = [x for x in a.qemu if x != "--"]

    insns, funcs = disassemble(a.prefix, a.elf)
    addr = {name: ad for ad, name in funcs}
    limit = max(insns) + 8
    plugin = "%s,begin=0x%x,end=0x%x,out=%s,limit=0x%x" % (
        os.path.abspath(a.plugin), addr["bench_region_begin"], addr["bench_region_end"],
        a.counts, limit)
    proc = subprocess.run(qemu + ["-plugin", plugin, "-kernel", a.elf], capture_output=True, text=True)
    out = proc.stdout + proc.stderr
    if proc.returncode != 0:
        sys.stdout.write(out)
        print("m4_cycles: QEMU exited with status %d" % proc.returncode)
        return 1

    regions = {}
    for m in re.finditer(r"bench: region (\d+) (\S+) calls=(\d+) macs=(\d+) instructions=(\d+)", out):
        regions[int(m.group(1))] = (m.group(2), int(m.group(3)), int(m.group(4)), int(m.group(5)))
    n = collections.Counter()
    cyc = collections.Counter()
    mix = collections.defaultdict(collections.Counter)
    prof = collections.defaultdict(lambda: [0, 0])
    starts = [f[0] for f in funcs]
    with open(a.counts) as f:
        for line in f:
            r, ad, k, seq2, seq4 = line.split()
            r, ad, k = int(r), int(ad, 16), int(k)
            if r == 0:
                continue
            if ad not in insns:
                print("m4_cycles: no instruction at 0x%x in the disassembly" % ad)
                return 1
            mnem, ops, size = insns[ad]
            c, cls = base_cycles(mnem, ops)
            # Control went elsewhere than the next instruction: counted for
            # instructions that can branch (a trace ends a region mid-flow).
            taken = k - int(seq2 if size == 2 else seq4) if can_branch(mnem, ops) else 0
            c = c * k + P_REFILL * taken
            n[r] += k
            cyc[r] += c
            mix[r][cls] += k
            mix[r]["taken branches"] += taken
            fn = funcs[bisect.bisect_right(starts, ad) - 1][1]
            prof[(r, fn)][0] += k
            prof[(r, fn)][1] += c
    if sorted(regions) != sorted(n):
        print("m4_cycles: regions in the output %s, in the trace %s" % (sorted(regions), sorted(n)))
        return 1

    rc = 0
    est = {}
    notes = []
    for r in sorted(regions):
        name, calls, macs, systick = regions[r]
        ipc, cpc = n[r] / calls, cyc[r] / calls
        est[name] = (cpc, macs)
        ok = abs(ipc - systick) <= a.tolerance
        rc |= not ok
        notes.append("bench: %s: trace %.1f instructions per call (SysTick %d: %s), estimated %.0f "
                     "Cortex-M4 cycles per call" % (name, ipc, systick, "agree" if ok else "DISAGREE",
                                                    cpc))
    for line in out.splitlines():
        if line.startswith("qemu harness:"):
            continue
        print(line)
        m = re.match(r"qemu (\S+) (\S+) instr_per_mac=", line)
        if m and m.group(1) in est and est[m.group(1)][1]:
            cpc, macs = est[m.group(1)]
            print("qemu %s %s cycles_per_mac_est=%.2f" % (m.group(1), m.group(2), cpc / macs))
    for note in notes:
        print(note)

    if a.details:
        with open(a.details, "w") as f:
            for r in sorted(regions):
                name, calls = regions[r][:2]
                f.write("region %s: per call %.1f instructions, %.1f cycles\n" %
                        (name, n[r] / calls, cyc[r] / calls))
                for cls, k in sorted(mix[r].items(), key=lambda x: -x[1]):
                    f.write("  mix %-18s %10.1f\n" % (cls, k / calls))
                rows = sorted(((v[1], v[0], fn) for (rr, fn), v in prof.items() if rr == r),
                              reverse=True)
                for c, k, fn in rows:
                    f.write("  fn %-32s %9.1f instr %9.1f cycles\n" % (fn, k / calls, c / calls))
    return rc


if __name__ == "__main__":
    sys.exit(main())
