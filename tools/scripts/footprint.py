#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Footprint of one reference configuration, for `make size`.

Prints exactly one line:
  footprint <config> <cpu> text=<B> data=<B> bss=<B> arena=<B> stack=<B>

- text/data/bss: `size` of the ELF linked with the library calls minus the
  ELF linked without them (tests/qemu/footprint_main.c, TMLP_FP_LIB=1/0).
- arena: size of the symbol fp_arena, which footprint_main.c declares with
  the library's compile-time arena macro.
- stack: the deepest call chain below each public call, on the linked ELF:
  call edges are the `bl`/`blx <symbol>` and tail-call `b <function>`
  instructions of `objdump -d`; a function's frame is its -fstack-usage
  figure (.su files of the library) or, for code compiled elsewhere (libgcc's
  soft-float helpers, newlib's memcpy/memset), the sum of the stack-lowering
  instructions of its disassembly (push, vpush, stmdb sp!, sub sp). Indirect
  calls (`blx rN`, `bx rN` to a pointer) are the user's callbacks and are
  excluded, except the library's own callbacks given with --indirect, which
  are counted as possible targets of every indirect call. Recursion is an
  error. The figure is the callee frames summed along the deepest path,
  including the public function's own frame, not its caller's.
  With --arch riscv the calls are `jal <symbol>` (the return address in ra),
  tail calls `j <function>` (or `jal zero,`), indirect ones `jalr rN` and
  `jr rN` (not `ret`; in the compiler's `__` helpers these are jump
  tables), and a frame without .su is `addi sp,sp,-N`. With
  --arch avr the calls are `call`/`rcall`, tail calls `jmp`/`rjmp` to a
  function's start, indirect ones `icall`/`eicall`/`ijmp`/`eijmp` (targets
  read from objdump's `; 0x... <symbol>` comment), a frame without .su is
  one byte per `push`, and each call level adds --call-bytes (the return
  address the call instruction pushes, 2 on the ATmega328P), which GCC's
  .su figures do not include there; the jumps of -mcall-prologues into
  __prologue_saves__/__epilogue_restores__ are the function's own frame.

Exits 1 if a public call needs more than --limit bytes, or on any error.
A detailed report (per public call: depth and path) goes to --details.
Standard library only.
"""
import argparse
import glob
import os
import re
import subprocess
import sys


def run(cmd):
    return subprocess.run(cmd, check=True, capture_output=True, text=True).stdout


def berkeley_size(tool, elf):
    lines = run([tool, elf]).splitlines()
    text, data, bss = (int(v) for v in lines[1].split()[:3])
    return text, data, bss


def symbol_size(nm, elf, name):
    for line in run([nm, "-S", elf]).splitlines():
        f = line.split()
        if len(f) == 4 and f[3] == name:
            return int(f[1], 16)
    raise SystemExit("footprint: symbol %s not found in %s" % (name, elf))


def read_su(su_dir):
    """function name -> largest static frame among the .su entries of that name."""
    frames = {}
    for path in glob.glob(os.path.join(su_dir, "*.su")):
        with open(path) as f:
            for line in f:
                loc, size, kind = line.rstrip("\n").split("\t")
                name = loc.rsplit(":", 1)[1]
                # "dynamic,bounded" (avr-gcc pushing a call's stack
                # arguments) gives the bound; only an unbounded frame (a
                # VLA, alloca) is refused.
                if "dynamic" in kind and "bounded" not in kind:
                    raise SystemExit("footprint: %s has a dynamic stack frame (%s)" % (name, kind))
                frames[name] = max(frames.get(name, 0), int(size))
    return frames


REG_LIST = re.compile(r"\{([^}]*)\}")


def count_regs(text):
    m = REG_LIST.search(text)
    if not m:
        return 0
    n = 0
    for part in m.group(1).split(","):
        part = part.strip()
        if "-" in part:
            a, b = (x.strip() for x in part.split("-"))
            k = int(b[1:]) - int(a[1:]) + 1
            n += 2 * k if a.startswith("d") else k
        elif part:
            n += 2 if part.startswith("d") else 1
    return n


def stack_lowering(mnemonic, ops):
    """Bytes one instruction moves the stack pointer down (0 if it does not)."""
    if mnemonic.startswith("push"):
        return 4 * count_regs(ops)
    if mnemonic.startswith("vpush"):
        return 4 * count_regs(ops)
    if mnemonic.startswith("stmdb") and ops.startswith("sp!"):
        return 4 * count_regs(ops)
    if mnemonic.startswith("sub") and re.match(r"sp,\s*(sp,\s*)?#", ops):
        return int(re.search(r"#(\d+)", ops).group(1))
    if mnemonic.startswith("str") and re.search(r"\[sp, #-(\d+)\]!", ops):
        return int(re.search(r"\[sp, #-(\d+)\]!", ops).group(1))
    return 0


FUNC_HDR = re.compile(r"^([0-9a-f]+) <([^>]+)>:$")
INSN = re.compile(r"^\s*([0-9a-f]+):\s+(\S+)\s*(.*)$")
TARGET = re.compile(r"^([0-9a-f]+) <([^>+]+)(\+0x[0-9a-f]+)?>")


AVR_TARGET = re.compile(r";\s*0x([0-9a-f]+) <([^>+]+)(\+0x[0-9a-f]+)?>")


def riscv_insn(cur, mnem, ops):
    """Call edges and stack lowering of one RISC-V instruction."""
    m = re.match(r"sp,sp,-(\d+)$", ops)
    if mnem in ("addi", "add", "c.addi", "c.addi16sp") and m:
        cur["lowering"] += int(m.group(1))
    link, _, rest = ops.partition(",")
    if mnem == "jal":
        if not rest:
            link, rest = "ra", ops
        t = TARGET.match(rest)
        if t and link == "ra":
            cur["calls"].add(int(t.group(1), 16))
        elif t and link == "zero" and t.group(3) is None:
            cur["tail"].add(int(t.group(1), 16))
    elif mnem == "j":
        t = TARGET.match(ops)
        if t and t.group(3) is None:
            cur["tail"].add(int(t.group(1), 16))
    elif (mnem == "jalr" or (mnem == "jr" and ops != "ra")) and not cur["name"].startswith("__"):
        # libgcc's soft-float helpers (__divsf3 ...) jump through tables
        # of their own, never to a callback.
        cur["indirect"] = True


def avr_insn(cur, mnem, ops):
    """Call edges and stack lowering of one AVR instruction."""
    if mnem == "push":
        cur["lowering"] += 1
    t = AVR_TARGET.search(ops)
    if t and t.group(2) in ("__prologue_saves__", "__epilogue_restores__"):
        return  # -mcall-prologues: the caller's own register saves, in its .su frame
    if mnem in ("call", "rcall") and t:
        cur["calls"].add(int(t.group(1), 16))
    elif mnem in ("jmp", "rjmp") and t and t.group(3) is None:
        cur["tail"].add(int(t.group(1), 16))
    elif mnem in ("icall", "eicall", "ijmp", "eijmp"):
        cur["indirect"] = True


def parse_elf(objdump, elf, arch="arm"):
    """address -> dict(name, lowering, calls: set of addresses, indirect: bool)."""
    funcs = {}
    cur = None
    for line in run([objdump, "-d", "--no-show-raw-insn", elf]).splitlines():
        m = FUNC_HDR.match(line)
        if m:
            cur = {"name": m.group(2), "lowering": 0, "calls": set(), "tail": set(),
                   "indirect": False}
            funcs[int(m.group(1), 16)] = cur
            continue
        m = INSN.match(line)
        if not m or cur is None:
            continue
        if arch != "arm":
            (riscv_insn if arch == "riscv" else avr_insn)(cur, m.group(2), m.group(3).strip())
            continue
        mnem, ops = m.group(2), m.group(3).split("@")[0].strip()
        cur["lowering"] += stack_lowering(mnem, ops)
        base = mnem.split(".")[0]
        t = TARGET.match(ops)
        if base in ("bl", "blx"):
            if t:
                cur["calls"].add(int(t.group(1), 16))
            else:
                cur["indirect"] = True
        elif base == "b" or (base.startswith("b") and base[1:] in (
                "eq", "ne", "cs", "cc", "mi", "pl", "vs", "vc", "hi", "ls", "ge", "lt", "gt",
                "le", "hs", "lo")):
            if t and t.group(3) is None:
                cur["tail"].add(int(t.group(1), 16))
        elif base == "bx" and ops != "lr":
            cur["indirect"] = True
    for addr, f in funcs.items():
        # A branch to the start of another function is a tail call.
        f["calls"] |= {a for a in f["tail"] if a in funcs and funcs[a] is not f}
        if f["name"].startswith("__"):
            # avr-libc's float helpers call an entry point that objdump
            # shows as their own start (two labels, one address).
            f["calls"].discard(addr)
    return funcs


def deepest(funcs, frames, indirect_targets, call_bytes=0):
    memo, used_disasm = {}, set()

    def frame(f):
        if f["name"] in frames:
            return frames[f["name"]] + call_bytes
        if f["lowering"]:
            used_disasm.add(f["name"])
        return f["lowering"] + call_bytes

    def visit(addr, path):
        if addr in path:
            raise SystemExit("footprint: recursion: %s" % " -> ".join(
                funcs[a]["name"] for a in path + [addr]))
        if addr in memo:
            return memo[addr]
        f = funcs[addr]
        callees = set(f["calls"])
        if f["indirect"]:
            callees |= indirect_targets
        best, best_path = 0, []
        for c in sorted(callees):
            if c not in funcs:
                continue
            d, p = visit(c, path + [addr])
            if d > best:
                best, best_path = d, p
        memo[addr] = (frame(f) + best, [(f["name"], frame(f))] + best_path)
        return memo[addr]

    return visit, used_disasm


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--config", required=True)
    ap.add_argument("--cpu", required=True)
    ap.add_argument("--base", required=True, help="ELF without the library calls")
    ap.add_argument("--lib", required=True, help="ELF with the library calls")
    ap.add_argument("--su-dir", required=True, help="directory of the library's .su files")
    ap.add_argument("--calls", required=True, help="comma-separated public calls")
    ap.add_argument("--indirect", default="", help="library callbacks (comma-separated)")
    ap.add_argument("--limit", type=int, default=512)
    ap.add_argument("--prefix", default="arm-none-eabi-")
    ap.add_argument("--details")
    ap.add_argument("--arch", choices=("arm", "riscv", "avr"), default="arm")
    ap.add_argument("--call-bytes", type=int, default=0,
                    help="bytes a call instruction pushes (the return address; AVR)")
    a = ap.parse_args()

    base = berkeley_size(a.prefix + "size", a.base)
    lib = berkeley_size(a.prefix + "size", a.lib)
    text, data, bss = (l - b for l, b in zip(lib, base))
    arena = symbol_size(a.prefix + "nm", a.lib, "fp_arena")

    frames = read_su(a.su_dir)
    funcs = parse_elf(a.prefix + "objdump", a.lib, a.arch)
    by_name = {}
    for addr, f in funcs.items():
        by_name.setdefault(f["name"], []).append(addr)
    indirect = set()
    for name in filter(None, a.indirect.split(",")):
        indirect |= set(by_name.get(name, []))
    visit, used_disasm = deepest(funcs, frames, indirect, a.call_bytes)

    report, worst, over = [], 0, []
    for name in a.calls.split(","):
        if name not in by_name:
            raise SystemExit("footprint: %s is not in %s" % (name, a.lib))
        d, path = visit(by_name[name][0], [])
        worst = max(worst, d)
        if d > a.limit:
            over.append("%s needs %d B of stack (limit %d)" % (name, d, a.limit))
        report.append("  %-20s %4d B  %s" % (name, d, " > ".join("%s(%d)" % p for p in path)))

    line = "footprint %s %s text=%d data=%d bss=%d arena=%d stack=%d" % (
        a.config, a.cpu, text, data, bss, arena, worst)
    print(line)
    if a.details:
        with open(a.details, "w") as f:
            f.write(line + "\n")
            f.write("base %s: text=%d data=%d bss=%d\n" % ((a.base,) + base))
            f.write("lib  %s: text=%d data=%d bss=%d\n" % ((a.lib,) + lib))
            f.write("stack per public call (deepest path, frame bytes per function):\n")
            f.write("\n".join(report) + "\n")
            f.write("frames from the disassembly (no .su): %s\n" % (
                " ".join(sorted(used_disasm)) or "none"))
            both = [x for x in funcs.values() if x["name"] in frames]
            differ = ["%s(su %d, disassembly %d)" % (x["name"], frames[x["name"]], x["lowering"])
                      for x in both if x["lowering"] != frames[x["name"]]]
            f.write("check: the disassembly rule gives the .su frame for %d of %d library "
                    "functions%s\n" % (len(both) - len(differ), len(both),
                                       ("; differ: " + " ".join(differ)) if differ else ""))
    for msg in over:
        print("footprint: FAILED: %s %s: %s" % (a.config, a.cpu, msg), file=sys.stderr)
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
