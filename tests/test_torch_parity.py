#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""PyTorch parity of `tinymlp train`: 100 optimizer steps in file order
(--no-shuffle, --scale none) must give the weights PyTorch gets in float32
for the same steps, to within 1e-4 of the largest weight magnitude, for each
loss (ce, mse, bce) and for momentum, Nesterov, dampening, weight decay,
Adam and RMSprop.

Usage: /usr/bin/python3 tests/test_torch_parity.py [BUILDDIR]   (default build)
Needs Debian's python3-torch and python3-numpy; without torch it prints one
SKIPPED line and exits 0. Prints "N passed, M failed" last.
"""
import json
import os
import subprocess
import sys
import tempfile

try:
    import numpy as np
    import torch
except ImportError as e:  # pragma: no cover
    print("SKIPPED test_torch_parity: %s (apt-get install python3-torch python3-numpy)" % e)
    print("0 passed, 0 failed")
    sys.exit(0)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("BUILDDIR", "build")
TOOL = os.path.join(BUILD if os.path.isabs(BUILD) else os.path.join(ROOT, BUILD), "tinymlp")
STEPS = 100
ROWS = 20   # with batch 7: batches of 7, 7, 6 rows, so 100 steps end mid-epoch
BATCH = 7
N_IN = 4
TOL = 1e-4

# name, hidden act, output act, units out, loss, target kind, train options
CASES = [
    ("ce-sgd", "tanh", "softmax", 3, "ce", "class", ["--lr", "0.1"]),
    ("mse-sgd", "tanh", "identity", 1, "mse", "value", ["--lr", "0.05"]),
    ("mse-vector", "relu", "identity", 2, "mse", "vector", ["--lr", "0.05"]),
    ("bce-sgd", "tanh", "sigmoid", 1, "bce", "binary", ["--lr", "0.1"]),
    ("ce-momentum", "tanh", "softmax", 3, "ce", "class", ["--lr", "0.05", "--momentum", "0.9"]),
    ("ce-nesterov", "tanh", "softmax", 3, "ce", "class",
     ["--lr", "0.05", "--momentum", "0.9", "--nesterov"]),
    ("ce-dampening", "tanh", "softmax", 3, "ce", "class",
     ["--lr", "0.05", "--momentum", "0.9", "--dampening", "0.5"]),
    ("ce-weight-decay", "tanh", "softmax", 3, "ce", "class",
     ["--lr", "0.1", "--momentum", "0.5", "--weight-decay", "0.01"]),
    ("ce-adam", "tanh", "softmax", 3, "ce", "class", ["--optimizer", "adam", "--lr", "0.01"]),
    ("bce-adam-wd", "relu", "sigmoid", 1, "bce", "binary",
     ["--optimizer", "adam", "--lr", "0.005", "--weight-decay", "0.001"]),
    ("mse-rmsprop", "tanh", "identity", 1, "mse", "value", ["--optimizer", "rmsprop", "--lr", "0.005"]),
]


def run(*args):
    r = subprocess.run([TOOL] + list(args), capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError("tinymlp %s: exit %d: %s" % (" ".join(args), r.returncode, r.stderr))
    return r.stdout


def make_data(rng, kind, n_out):
    X = rng.normal(size=(ROWS, N_IN)).astype(np.float32)
    if kind == "class":
        y = rng.integers(0, n_out, size=ROWS)
        cols = y[:, None].astype(np.float64)
    elif kind == "binary":
        y = rng.integers(0, 2, size=ROWS)
        cols = y[:, None].astype(np.float64)
    elif kind == "value":
        cols = (X[:, :1] * 0.7 - X[:, 1:2] * 0.3 + 0.1).astype(np.float32)
    else:
        cols = np.stack([X[:, 0] - X[:, 2], X[:, 1] * X[:, 3]], axis=1).astype(np.float32)
    return X, cols


def write_csv(path, X, cols, kind):
    with open(path, "w") as f:
        f.write(",".join("x%d" % i for i in range(N_IN)) + ",target\n")
        for x, c in zip(X, cols):
            xs = ["%.9g" % v for v in x]
            cs = ["%d" % v for v in c] if kind in ("class", "binary") else ["%.9g" % v for v in c]
            f.write(",".join(xs + cs) + "\n")


def load_layers(path):
    j = json.loads(run("dump", path))
    return j["layers"]


def build_torch(layers):
    mods = []
    for i, L in enumerate(layers):
        W = np.array(L["W"], dtype=np.float32)
        lin = torch.nn.Linear(W.shape[1], W.shape[0])
        with torch.no_grad():
            lin.weight.copy_(torch.from_numpy(W))
            lin.bias.copy_(torch.from_numpy(np.array(L["b"], dtype=np.float32)))
        mods.append(lin)
        if i + 1 < len(layers):
            mods.append({"tanh": torch.nn.Tanh(), "relu": torch.nn.ReLU()}[L["act"]])
    return torch.nn.Sequential(*mods)


def make_optimizer(params, opts):
    o = dict(zip(opts[::2], opts[1::2])) if "--nesterov" not in opts else \
        dict(zip([a for a in opts if a != "--nesterov"][::2], [a for a in opts if a != "--nesterov"][1::2]))
    kind = o.get("--optimizer", "sgd")
    lr = float(o["--lr"])
    wd = float(o.get("--weight-decay", 0))
    if kind == "adam":
        return torch.optim.Adam(params, lr=lr, weight_decay=wd)
    if kind == "rmsprop":
        return torch.optim.RMSprop(params, lr=lr, weight_decay=wd)
    return torch.optim.SGD(params, lr=lr, momentum=float(o.get("--momentum", 0)),
                           dampening=float(o.get("--dampening", 0)),
                           nesterov="--nesterov" in opts, weight_decay=wd)


def torch_train(model, X, cols, loss, kind, opts):
    torch.manual_seed(0)
    opt = make_optimizer(model.parameters(), opts)
    Xt = torch.from_numpy(X)
    if loss == "ce":
        T = torch.from_numpy(cols[:, 0].astype(np.int64))
        fn = torch.nn.CrossEntropyLoss()
    else:
        T = torch.from_numpy(cols.astype(np.float32))
        fn = torch.nn.MSELoss() if loss == "mse" else torch.nn.BCEWithLogitsLoss()
    step, start = 0, 0
    while step < STEPS:
        end = min(start + BATCH, ROWS)
        opt.zero_grad()
        fn(model(Xt[start:end]), T[start:end]).backward()
        opt.step()
        step += 1
        start = 0 if end == ROWS else end
    return model


def check(case, tmp, seed):
    name, hid, out_act, n_out, loss, kind, opts = case
    rng = np.random.default_rng(seed)
    X, cols = make_data(rng, kind, n_out)
    csv = os.path.join(tmp, name + ".csv")
    write_csv(csv, X, cols, kind)
    m0 = os.path.join(tmp, name + ".0.tmlp")
    m1 = os.path.join(tmp, name + ".1.tmlp")
    run("init", "--input", str(N_IN), "--layers", "8,%d" % n_out, "--act", "%s,%s" % (hid, out_act),
        "--init-bias", "--seed", str(seed), "-o", m0)
    model = build_torch(load_layers(m0))
    run("train", m0, csv, "-o", m1, "--loss", loss, "--no-shuffle", "--scale", "none",
        "--batch", str(BATCH), "--steps", str(STEPS), "--quiet", *opts)
    torch_train(model, X, cols, loss, kind, opts)
    tool_layers = load_layers(m1)
    diff, big = 0.0, 0.0
    lins = [m for m in model if isinstance(m, torch.nn.Linear)]
    for L, lin in zip(tool_layers, lins):
        for a, b in ((L["W"], lin.weight), (L["b"], lin.bias)):
            t = b.detach().numpy().astype(np.float64)
            diff = max(diff, float(np.max(np.abs(np.array(a, dtype=np.float64) - t))))
            big = max(big, float(np.max(np.abs(t))))
    ok = diff <= TOL * big
    print("%-4s %-16s max |dw| %.3g, max |w| %.3g, ratio %.3g" %
          ("ok" if ok else "FAIL", name, diff, big, diff / big))
    return ok


def main():
    torch.set_num_threads(1)
    if not os.access(TOOL, os.X_OK):
        print("test_torch_parity: %s not built" % TOOL)
        print("0 passed, 1 failed")
        return 1
    passed = failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        for i, case in enumerate(CASES):
            try:
                good = check(case, tmp, 100 + i)
            except Exception as e:  # a tool error is a failure, not a crash
                print("FAIL %-16s %s" % (case[0], e))
                good = False
            passed += good
            failed += not good
    print("%d passed, %d failed" % (passed, failed))
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
