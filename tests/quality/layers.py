#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Checks that the library's object files form layers: no object needs,
directly or through others, a symbol of an object that needs one of its own.

An edge a -> b means a.o leaves a symbol undefined that b.o defines. The
objects must form a directed acyclic graph; every strongly connected group
of two or more objects is reported with the symbols that tie it, and the
exit status is 1. Without a cycle it prints the objects by layer (layer 0
needs no other object; layer k needs only layers below k), exit status 0.

With --order A,B,...: every object's folder is one of those layers, and an
object may need only objects of its own layer or of those before it.

Usage: layers.py [--nm NM] [--order A,B,...] OBJECT.o...
       layers.py --self-test [--nm NM] [--cc CC] [--dir DIR]
"""
import argparse
import os
import subprocess
import sys


def symbols(nm, path):
    """(defined, undefined) symbol sets of one object file."""
    out = subprocess.run([nm, path], check=True, capture_output=True, text=True).stdout
    defined, undefined = set(), set()
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[0] == "U":
            undefined.add(parts[1])
        elif len(parts) == 3 and parts[1].isupper() and parts[1] != "U":
            defined.add(parts[2])
    return defined, undefined


def graph(nm, objects):
    """edges[a] = {b: [symbols a takes from b]} over the given objects."""
    owner, uses = {}, {}
    for o in objects:
        d, u = symbols(nm, o)
        uses[o] = u
        for s in d:
            owner[s] = o
    edges = {o: {} for o in objects}
    for o in objects:
        for s in sorted(uses[o]):
            b = owner.get(s)
            if b is not None and b != o:
                edges[o].setdefault(b, []).append(s)
    return edges


def cycles(edges):
    """Strongly connected groups of two or more objects (Tarjan, iterative)."""
    index, low, on, stack, groups, counter = {}, {}, set(), [], [], [0]
    for root in edges:
        if root in index:
            continue
        work = [(root, iter(edges[root]))]
        index[root] = low[root] = counter[0]
        counter[0] += 1
        stack.append(root)
        on.add(root)
        while work:
            v, it = work[-1]
            w = next(it, None)
            if w is not None:
                if w not in index:
                    index[w] = low[w] = counter[0]
                    counter[0] += 1
                    stack.append(w)
                    on.add(w)
                    work.append((w, iter(edges[w])))
                elif w in on:
                    low[v] = min(low[v], index[w])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[v])
            if low[v] == index[v]:
                group = []
                while True:
                    w = stack.pop()
                    on.discard(w)
                    group.append(w)
                    if w == v:
                        break
                if len(group) > 1:
                    groups.append(sorted(group))
    return groups


def layers(edges):
    """Layer of each object in an acyclic graph: 1 + the highest it needs."""
    level = {}
    pending = list(edges)
    while pending:
        rest = []
        for o in pending:
            if all(b in level for b in edges[o]):
                level[o] = 1 + max((level[b] for b in edges[o]), default=-1)
            else:
                rest.append(o)
        if len(rest) == len(pending):
            raise ValueError("cycle")
        pending = rest
    return level


def folder_order(edges, order):
    """Edges against the layer order of the objects' folders: the count of
    those that go up, each printed."""
    rank = {layer: k for k, layer in enumerate(order)}
    bad = 0
    for a in edges:
        fa = os.path.basename(os.path.dirname(a))
        if fa not in rank:
            print("layers: %s is in no layer folder (%s)" % (a, ", ".join(order)))
            bad += 1
            continue
        for b, syms in edges[a].items():
            fb = os.path.basename(os.path.dirname(b))
            if fb in rank and rank[fb] > rank[fa]:
                print("layers: %s/%s needs %s/%s, a later layer (%s)"
                      % (fa, os.path.basename(a), fb, os.path.basename(b), ", ".join(syms)))
                bad += 1
    return bad


def check(nm, objects, order=None):
    edges = graph(nm, objects)
    groups = cycles(edges)
    name = os.path.basename
    if order and folder_order(edges, order):
        return 1
    if groups:
        for g in groups:
            print("layers: dependency cycle between " + ", ".join(name(o) for o in g) + ":")
            for a in g:
                for b in g:
                    if b in edges[a]:
                        print("  %s -> %s (%s)" % (name(a), name(b), ", ".join(edges[a][b])))
        return 1
    level = layers(edges)
    for k in range(max(level.values(), default=-1) + 1):
        print("layer %d: %s" % (k, " ".join(sorted(name(o) for o in level if level[o] == k))))
    print("layers: ok (%d objects, no dependency cycle)" % len(objects))
    return 0


def self_test(nm, cc, d):
    """The checker must fail on two objects that need each other, and pass
    on the same pair with the cycle cut."""
    os.makedirs(d, exist_ok=True)
    src = {
        "cyc_a.c": "int cyc_b(int);\nint cyc_a(int x) { return x > 0 ? cyc_b(x - 1) : 0; }\n",
        "cyc_b.c": "int cyc_a(int);\nint cyc_b(int x) { return cyc_a(x) + 1; }\n",
        "acyc_b.c": "int acyc_b(int x);\nint acyc_b(int x) { return x + 1; }\n",
        "acyc_a.c": "int acyc_b(int);\nint acyc_a(int x);\nint acyc_a(int x) { return acyc_b(x); }\n",
    }
    objs = {}
    for f, text in src.items():
        c = os.path.join(d, f)
        with open(c, "w") as fh:
            fh.write(text)
        objs[f] = c[:-2] + ".o"
        subprocess.run([cc, "-c", c, "-o", objs[f]], check=True)
    bad = check(nm, [objs["cyc_a.c"], objs["cyc_b.c"]])
    good = check(nm, [objs["acyc_a.c"], objs["acyc_b.c"]])
    if bad == 1 and good == 0:
        print("layers: self-test ok (a cyclic pair is refused, an acyclic one accepted)")
        return 0
    print("layers: self-test FAILED (cyclic pair: %d, acyclic pair: %d)" % (bad, good))
    return 1


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--nm", default="nm")
    ap.add_argument("--cc", default="cc")
    ap.add_argument("--dir", default="build/layers-selftest")
    ap.add_argument("--self-test", action="store_true")
    ap.add_argument("--order", default="")
    ap.add_argument("objects", nargs="*")
    a = ap.parse_args()
    if a.self_test:
        return self_test(a.nm, a.cc, a.dir)
    return check(a.nm, a.objects, [x for x in a.order.split(",") if x])


if __name__ == "__main__":
    sys.exit(main())
