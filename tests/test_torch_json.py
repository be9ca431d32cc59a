#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Round trips between PyTorch and tinymlp through tools/scripts/torch_json.py.

    /usr/bin/python3 tests/test_torch_json.py [--tool build/tinymlp]

- torch -> JSON -> `tinymlp load-json` -> `tinymlp predict` on the digits test
  split: the same probabilities as torch within 1e-5 (absolute), the same
  classes; and `tinymlp dump` of that model file gives back the JSON text
  byte for byte.
- The same for a net with every other activation (tanh, sigmoid with and
  without a steepness, leaky ReLU, identity), a frozen layer and input
  scaling, on random inputs (1e-5 relative to max(1, |y|)).
- JSON -> torch -> JSON is text-identical (random models, every activation).
- Unsupported models are refused with ValueError; the command line works.

Prints one SKIPPED line and exits 0 when PyTorch or numpy is not installed;
otherwise one line per failure, then "N passed, M failed", and exits
non-zero on any failure.
"""
import argparse
import os
import subprocess
import sys
import tempfile
import traceback

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tools", "scripts"))
sys.dont_write_bytecode = True  # no __pycache__ in the source tree

try:
    import numpy as np
    import torch
    from torch import nn
except ImportError as ex:
    print("SKIPPED test_torch_json: %s (apt-get install python3-torch python3-numpy)" % ex)
    sys.exit(0)

import torch_json as tj  # noqa: E402

TOOL = os.path.join(ROOT, os.environ.get("BUILDDIR", "build"), "tinymlp")
TMP = None
passed = failed = 0


def check(name, fn):
    global passed, failed
    try:
        msg = fn()
    except Exception as ex:  # a crash is a failure, with the reason
        msg = "%s: %s\n%s" % (type(ex).__name__, ex, traceback.format_exc(limit=3))
    if msg:
        failed += 1
        print("FAIL %s: %s" % (name, msg))
    else:
        passed += 1


def run(*args):
    r = subprocess.run([TOOL] + [str(a) for a in args], capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError("tinymlp %s: exit %d: %s" % (" ".join(map(str, args)), r.returncode,
                                                        r.stderr.strip()))
    return r.stdout


def load_csv(path):
    return np.loadtxt(path, delimiter=",", dtype=np.float64, ndmin=2)


def predict_file(json_path, csv_path):
    """load-json, then predict: (classes, outputs) as numpy arrays."""
    model = json_path[:-5] + ".tmlp"
    run("load-json", json_path, "-o", model)
    lines = run("predict", model, csv_path).strip().split("\n")
    rows = np.array([[float(v) for v in ln.split(",")] for ln in lines], dtype=np.float64)
    return rows, model


def torch_out(model, X):
    with torch.no_grad():
        return model(torch.from_numpy(X.astype(np.float32))).numpy().astype(np.float64)


def random_model(gen, acts, n_in, widths, scale=False, frozen=0):
    mods = []
    if scale:
        mods.append(tj.InputScale(torch.randn(n_in, generator=gen),
                                  torch.rand(n_in, generator=gen) + 0.5))
    w = n_in
    for i, (units, act) in enumerate(zip(widths, acts)):
        lin = nn.Linear(w, units)
        with torch.no_grad():
            lin.weight.copy_(torch.randn(units, w, generator=gen) / w ** 0.5)
            lin.bias.copy_(torch.randn(units, generator=gen) * 0.1)
        if i < frozen:
            lin.requires_grad_(False)
        mods.append(lin)
        if act is not None:
            mods.append(act)
        w = units
    return nn.Sequential(*mods)


# ---- the checks ------------------------------------------------------------

def t_digits_torch_to_tinymlp():
    gen = torch.Generator().manual_seed(1)
    tr = load_csv(os.path.join(ROOT, "data", "digits_train.csv"))
    te = load_csv(os.path.join(ROOT, "data", "digits_test.csv"))
    mean = tr[:, :-1].mean(axis=0)
    std = tr[:, :-1].std(axis=0)
    inv = np.where(std > 0, 1.0 / np.where(std > 0, std, 1.0), 1.0)
    model = random_model(gen, [nn.ReLU(), nn.Softmax(dim=1)], 64, [32, 10])
    model = nn.Sequential(tj.InputScale(mean.astype(np.float32), inv.astype(np.float32)), *model)
    path = os.path.join(TMP, "digits.json")
    tj.save(model, path)
    rows, tmlp = predict_file(path, os.path.join(ROOT, "data", "digits_test.csv"))
    ref = torch_out(model, te[:, :-1])
    if rows.shape != (ref.shape[0], 11):
        return "predict printed %s values, expected %s" % (rows.shape, (ref.shape[0], 11))
    err = np.abs(rows[:, 1:] - ref).max()
    if not err <= 1e-5:
        return "max |p_tinymlp - p_torch| = %.3g > 1e-5" % err
    top2 = np.sort(ref, axis=1)[:, -2:]
    clear = top2[:, 1] - top2[:, 0] > 1e-5
    bad = (rows[clear, 0].astype(int) != ref[clear].argmax(axis=1)).sum()
    if bad:
        return "%d classes differ" % bad
    dumped = run("dump", tmlp)
    with open(path) as f:
        if f.read() != dumped:
            return "tinymlp dump differs from the JSON text torch_json wrote"
    return None


def t_every_activation_torch_to_tinymlp():
    gen = torch.Generator().manual_seed(2)
    cases = [
        ([nn.Tanh(), nn.Sigmoid()], [7, 3], True, 1),
        ([nn.LeakyReLU(0.2), tj.ScaledSigmoid(2.5), nn.Identity()], [9, 6, 4], False, 0),
        ([nn.LeakyReLU(), nn.ReLU(), None], [5, 5, 2], True, 2),
        ([nn.Sigmoid(), nn.Softmax(dim=-1)], [6, 3], True, 0),
    ]
    X = torch.randn(50, 5, generator=gen).numpy().astype(np.float64) * 2.0
    X = np.array([[float(np.float32(v)) for v in r] for r in X])
    csv = os.path.join(TMP, "rand5.csv")
    with open(csv, "w") as f:
        for r in X:
            f.write(",".join("%.9g" % v for v in r) + "\n")
    for k, (acts, widths, scale, frozen) in enumerate(cases):
        model = random_model(gen, acts, 5, widths, scale, frozen)
        path = os.path.join(TMP, "act%d.json" % k)
        tj.save(model, path)
        rows, tmlp = predict_file(path, csv)
        ref = torch_out(model, X)
        got = rows[:, -ref.shape[1]:]
        err = (np.abs(got - ref) / np.maximum(1.0, np.abs(ref))).max()
        if not err <= 1e-5:
            return "case %d: max relative difference %.3g > 1e-5" % (k, err)
        with open(path) as f:
            if f.read() != run("dump", tmlp):
                return "case %d: tinymlp dump differs from the JSON text" % k
    return None


def t_json_torch_json_identical():
    gen = torch.Generator().manual_seed(3)
    pool = [nn.ReLU, nn.Tanh, nn.Sigmoid, nn.LeakyReLU, lambda: nn.LeakyReLU(0.05),
            lambda: tj.ScaledSigmoid(0.5),
            nn.Identity, lambda: None]
    for k in range(20):
        depth = 1 + k % 4
        widths = [int(torch.randint(1, 12, (1,), generator=gen)) for _ in range(depth)]
        acts = [pool[int(torch.randint(0, len(pool), (1,), generator=gen))]() for _ in range(depth)]
        if k % 3 == 0:
            acts[-1] = nn.Softmax(dim=1)
        n_in = int(torch.randint(1, 10, (1,), generator=gen))
        model = random_model(gen, acts, n_in, widths, scale=k % 2 == 0, frozen=k % 3)
        text = tj.dumps(model)
        again = tj.dumps(tj.loads(text))
        if again != text:
            return "model %d: JSON -> torch -> JSON changed the text" % k
        # and the weights went through torch unchanged, bit for bit
        m2 = tj.loads(text)
        for a, b in zip(model.state_dict().values(), m2.state_dict().values()):
            if not torch.equal(a, b):
                return "model %d: a tensor changed" % k
    return None


def t_refuses_unsupported():
    bad = [
        nn.Sequential(nn.Linear(3, 4), nn.GELU()),
        nn.Sequential(nn.Linear(3, 4), nn.Softmax(dim=1), nn.Linear(4, 2)),
        nn.Sequential(nn.Linear(3, 4), nn.Linear(5, 2)),
        nn.Sequential(nn.Linear(3, 4), nn.LeakyReLU(1.5)),
        nn.Sequential(nn.ReLU()),
    ]
    for k, m in enumerate(bad):
        try:
            tj.dumps(m)
        except ValueError:
            continue
        return "model %d was not refused" % k
    return None


def t_command_line():
    gen = torch.Generator().manual_seed(4)
    model = random_model(gen, [nn.ReLU(), None], 4, [6, 3])
    pt, js, pt2 = (os.path.join(TMP, n) for n in ("m.pt", "m.json", "m2.pt"))
    torch.save(model, pt)
    cli = [sys.executable, os.path.join(ROOT, "tools", "scripts", "torch_json.py")]
    subprocess.run(cli + ["export", pt, "-o", js, "--add-softmax"], check=True)
    subprocess.run(cli + ["import", js, "-o", pt2], check=True)
    m2 = torch.load(pt2)
    if not isinstance(m2[-1], nn.Softmax):
        return "--add-softmax did not add a softmax"
    x = torch.randn(8, 4, generator=gen)
    with torch.no_grad():
        if (m2(x) - torch.softmax(model(x), dim=1)).abs().max() > 1e-6:
            return "the imported model computes something else"
    return None


def main():
    global TOOL, TMP
    ap = argparse.ArgumentParser()
    ap.add_argument("--tool", default=TOOL)
    TOOL = ap.parse_args().tool
    torch.set_num_threads(1)
    with tempfile.TemporaryDirectory(prefix="tmlp-torch-json-") as TMP:
        tool_checks = [("digits: torch -> JSON -> tinymlp predict and dump", t_digits_torch_to_tinymlp),
                       ("every activation: torch -> JSON -> tinymlp", t_every_activation_torch_to_tinymlp)]
        if not os.access(TOOL, os.X_OK):
            for name, _ in tool_checks:
                check(name, lambda: "%s not found (build the tool first: make)" % TOOL)
        else:
            for name, fn in tool_checks:
                check(name, fn)
        check("JSON -> torch -> JSON identical", t_json_torch_json_identical)
        check("unsupported models refused", t_refuses_unsupported)
        check("command line export/import", t_command_line)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
