#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""tinymlp against PyTorch and scikit-learn on the data sets in data/
(run by `make compare`; needs Debian's python3-torch, python3-sklearn and
python3-numpy, and the tool build/tinymlp).

For each data set the same net is trained by the three, with the same
hyperparameters: plain SGD with momentum 0.9 (no Nesterov, no weight decay),
the same learning rate, mini-batch size and number of epochs, shuffling every
epoch, cross-entropy on a softmax output, inputs standardised with the mean
and (population) standard deviation of the training split. Each framework
uses its own default weight initialisation and its own random generator,
seeded with 0..S-1; tinymlp is initialised as PyTorch's nn.Linear is
(`--init fanin-uniform --init-bias`: weights and biases uniform in
+-1/sqrt(fan_in)), scikit-learn uses its own Glorot-style rule. Reported per framework: test accuracy, mean and minimum
over the S runs, and training time per epoch (median over the runs):

- tinymlp: `tinymlp init`, `tinymlp train --scale standard --quiet`, `tinymlp
  eval` on the test split, through subprocess. Time per epoch is the training
  time the tool prints ("done: ... T s") divided by the epochs; it covers the
  training loop and the tool's per-epoch loss and accuracy bookkeeping, not
  reading the CSV or writing the model.
- PyTorch: nn.Sequential(Linear, ReLU, Linear) trained with
  nn.CrossEntropyLoss (softmax fused in the loss, as tinymlp's ce),
  torch.optim.SGD(momentum=0.9), float32, torch.set_num_threads(1) so that
  the comparison is single-core like tinymlp. Time: the epoch loop only.
- scikit-learn: MLPClassifier(solver='sgd', momentum=0.9,
  nesterovs_momentum=False, learning_rate='constant', alpha=0, shuffle=True,
  early_stopping=False, max_iter=epochs, n_iter_no_change > epochs so it runs
  every epoch), float64 (its only precision for this solver), log-loss; on a
  two-class set it has one logistic output unit instead of two softmax units.
  Time: fit() divided by the epochs it ran.

    /usr/bin/python3 tools/scripts/compare.py [--seeds 5] [--sets digits,iris,...] [--tool build/tinymlp]
"""
import argparse
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
import warnings

try:
    import numpy as np
    import sklearn
    import torch
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier
    from torch import nn
except ImportError as ex:
    sys.exit("compare: %s (apt-get install python3-torch python3-sklearn python3-numpy, "
             "and run with /usr/bin/python3)" % ex)

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# Hidden layers (ReLU; the output is softmax), lr, batch, epochs, and the goal for tinymlp's
# mean test accuracy ("torch": at least PyTorch's). Tuned over seeds 0..9, the same
# values for all three frameworks.
SETS = {
    "digits": dict(hidden=[32], lr=0.02, batch=16, epochs=50, goal=0.97),
    "breast_cancer": dict(hidden=[16], lr=0.005, batch=16, epochs=50, goal=0.95),
    "iris": dict(hidden=[8], lr=0.05, batch=8, epochs=100, goal="torch"),
    "wine": dict(hidden=[16], lr=0.05, batch=8, epochs=60, goal="torch"),
}
MOMENTUM = 0.9


def load(name, part):
    a = np.loadtxt(os.path.join(ROOT, "data", "%s_%s.csv" % (name, part)), delimiter=",",
                   dtype=np.float64, ndmin=2)
    return a[:, :-1].astype(np.float32), a[:, -1].astype(np.int64)


def standardise(Xtr, Xte):
    """The tool's --scale standard: (x - mean) / population std, std 0 -> 1."""
    X = Xtr.astype(np.float64)
    mean = X.mean(axis=0)
    std = np.sqrt(((X - mean) ** 2).mean(axis=0))
    inv = np.where(std > 0, 1.0 / np.where(std > 0, std, 1.0), 1.0).astype(np.float32)
    mean = mean.astype(np.float32)
    return (Xtr - mean) * inv, (Xte - mean) * inv


# ---- the three trainers: each returns (test accuracy, seconds per epoch) ----

def run_tinymlp(tool, tmp, name, cfg, n_in, n_cls, seed):
    train = os.path.join(ROOT, "data", name + "_train.csv")
    test = os.path.join(ROOT, "data", name + "_test.csv")
    m0, m1 = os.path.join(tmp, "init.tmlp"), os.path.join(tmp, "trained.tmlp")
    layers = ",".join(str(u) for u in cfg["hidden"] + [n_cls])
    acts = ",".join(["relu"] * len(cfg["hidden"]) + ["softmax"])

    def tool_run(*args):
        r = subprocess.run([tool] + [str(a) for a in args], capture_output=True, text=True)
        if r.returncode != 0:
            raise RuntimeError("tinymlp %s failed (%d): %s" % (args[0], r.returncode,
                                                               r.stderr.strip()))
        return r.stdout

    # PyTorch's nn.Linear default: weights and biases uniform in +-1/sqrt(fan_in)
    tool_run("init", "--input", n_in, "--layers", layers, "--act", acts, "--init", "fanin-uniform",
             "--init-bias", "--seed", seed, "-o", m0)
    out = tool_run("train", m0, train, "-o", m1, "--loss", "ce", "--optimizer", "sgd",
                   "--lr", cfg["lr"], "--momentum", MOMENTUM, "--batch", cfg["batch"],
                   "--epochs", cfg["epochs"], "--seed", seed, "--scale", "standard", "--quiet")
    m = re.search(r"done: (\d+) epochs, \d+ steps \([^)]*\), ([0-9.]+) s", out)
    if not m:
        raise RuntimeError("tinymlp train printed no 'done: N epochs, ... T s' line:\n" + out)
    per_epoch = float(m.group(2)) / int(m.group(1))
    ev = tool_run("eval", m1, test)
    m = re.search(r"accuracy [0-9.]+ \((\d+) of (\d+)\)", ev)
    if not m:
        raise RuntimeError("tinymlp eval printed no accuracy line:\n" + ev)
    return int(m.group(1)) / int(m.group(2)), per_epoch


def run_torch(data, cfg, n_in, n_cls, seed):
    Xtr, ytr, Xte, yte = data
    torch.manual_seed(seed)
    mods, w = [], n_in
    for h in cfg["hidden"]:
        mods += [nn.Linear(w, h), nn.ReLU()]
        w = h
    model = nn.Sequential(*mods, nn.Linear(w, n_cls))  # logits; softmax is in the loss
    opt = torch.optim.SGD(model.parameters(), lr=cfg["lr"], momentum=MOMENTUM)
    lossf = nn.CrossEntropyLoss()
    X, y = torch.from_numpy(Xtr), torch.from_numpy(ytr)
    n, b = X.shape[0], cfg["batch"]
    gen = torch.Generator().manual_seed(seed)
    t0 = time.perf_counter()
    for _ in range(cfg["epochs"]):
        perm = torch.randperm(n, generator=gen)
        for i in range(0, n, b):
            idx = perm[i:i + b]
            opt.zero_grad()
            lossf(model(X[idx]), y[idx]).backward()
            opt.step()
    per_epoch = (time.perf_counter() - t0) / cfg["epochs"]
    with torch.no_grad():
        pred = model(torch.from_numpy(Xte)).argmax(dim=1).numpy()
    return float((pred == yte).mean()), per_epoch


def run_sklearn(data, cfg, seed):
    Xtr, ytr, Xte, yte = data
    clf = MLPClassifier(hidden_layer_sizes=tuple(cfg["hidden"]), activation="relu",
                        solver="sgd", learning_rate="constant", learning_rate_init=cfg["lr"],
                        momentum=MOMENTUM, nesterovs_momentum=False, alpha=0.0,
                        batch_size=cfg["batch"], max_iter=cfg["epochs"], shuffle=True,
                        early_stopping=False, n_iter_no_change=cfg["epochs"] + 1, tol=0.0,
                        random_state=seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        t0 = time.perf_counter()
        clf.fit(Xtr.astype(np.float64), ytr)
        dt = time.perf_counter() - t0
    return float(clf.score(Xte.astype(np.float64), yte)), dt / clf.n_iter_


# ---- report -------------------------------------------------------------------

def machine():
    model = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    cores = os.cpu_count()
    try:
        avail = len(os.sched_getaffinity(0))
    except AttributeError:
        avail = cores
    return "%s, %d logical cores (%d available to this process), %s %s" % (
        model, cores, avail, platform.system(), platform.machine())


def main():
    ap = argparse.ArgumentParser(description="tinymlp vs PyTorch vs scikit-learn")
    ap.add_argument("--seeds", type=int, default=5)
    ap.add_argument("--sets", default=",".join(SETS))
    ap.add_argument("--tool", default=os.path.join(ROOT, os.environ.get("BUILDDIR", "build"),
                                                   "tinymlp"))
    a = ap.parse_args()
    torch.set_num_threads(1)
    have_tool = os.access(a.tool, os.X_OK)
    print("machine: %s" % machine())
    print("python %s, PyTorch %s (torch.set_num_threads(1)), scikit-learn %s, numpy %s" % (
        platform.python_version(), torch.__version__, sklearn.__version__, np.__version__))
    if not have_tool:
        print("tinymlp: %s not found (build it first); its columns are n/a" % a.tool)
    print("SGD, momentum %.1f, cross-entropy, standard scaling fitted on the training split; "
          "seeds 0..%d; tinymlp and PyTorch initialised alike (+-1/sqrt(fan_in))" %
          (MOMENTUM, a.seeds - 1))
    print()
    rows, goals_ok = [], True
    t_start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="tmlp-compare-") as tmp:
        for name in a.sets.split(","):
            cfg = SETS[name]
            Xtr, ytr = load(name, "train")
            Xte, yte = load(name, "test")
            n_in, n_cls = Xtr.shape[1], int(max(ytr.max(), yte.max())) + 1
            scaled = standardise(Xtr, Xte)
            data = (scaled[0], ytr, scaled[1], yte)
            res = {"tinymlp": [], "PyTorch": [], "scikit-learn": []}
            for seed in range(a.seeds):
                if have_tool:
                    res["tinymlp"].append(run_tinymlp(a.tool, tmp, name, cfg, n_in, n_cls, seed))
                res["PyTorch"].append(run_torch(data, cfg, n_in, n_cls, seed))
                res["scikit-learn"].append(run_sklearn(data, cfg, seed))
            net = "-".join(str(u) for u in [n_in] + cfg["hidden"] + [n_cls])
            rows.append((name, net, cfg, res))
            sys.stdout.flush()
    elapsed = time.perf_counter() - t_start

    fw = ("tinymlp", "PyTorch", "scikit-learn")

    def acc(r):
        if not r:
            return "n/a"
        v = [x[0] for x in r]
        return "%.2f %% (min %.2f)" % (100 * statistics.mean(v), 100 * min(v))

    def spe(r):
        return "%.2f" % (1e3 * statistics.median(x[1] for x in r)) if r else "n/a"

    print("Test accuracy: mean over %d seeds (min); training time per epoch in ms (median)." %
          a.seeds)
    print()
    print("| Data set | Net | lr, batch, epochs | " + " | ".join("%s accuracy" % f for f in fw) +
          " | " + " | ".join("%s ms/epoch" % f for f in fw) + " | Goal |")
    print("|" + "---|" * (4 + 2 * len(fw)))
    for name, net, cfg, res in rows:
        means = {f: statistics.mean(x[0] for x in res[f]) if res[f] else None for f in fw}
        goal = cfg["goal"]
        if means["tinymlp"] is None:
            verdict = "not run"
        elif goal == "torch":
            ok = means["tinymlp"] >= means["PyTorch"]
            verdict = "%s (>= PyTorch)" % ("met" if ok else "NOT met")
        else:
            ok = means["tinymlp"] >= goal
            verdict = "%s (>= %g %%)" % ("met" if ok else "NOT met", 100 * goal)
        if means["tinymlp"] is None or not ok:
            goals_ok = False
        print("| %s | %s | %g, %d, %d | %s | %s |" % (
            name, net, cfg["lr"], cfg["batch"], cfg["epochs"],
            " | ".join(acc(res[f]) for f in fw), " | ".join(spe(res[f]) for f in fw)) +
            " %s |" % verdict)
    print()
    print("tinymlp time: the training time `tinymlp train` prints, divided by the epochs. "
          "PyTorch: the epoch loop, 1 thread. scikit-learn: fit() / epochs.")
    print("total run time %.0f s; goals %s" % (elapsed, "all met" if goals_ok else "NOT all met"))
    return 0 if have_tool else 1


if __name__ == "__main__":
    sys.exit(main())
