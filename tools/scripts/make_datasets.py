#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Writes the small classic data sets in data/ from the copies scikit-learn
bundles (Debian's python3-sklearn), as CSV in the tinymlp tool's format:
features then the class index last, comma-separated, no header, one sample
per line, "\\n" line ends.

    /usr/bin/python3 tools/scripts/make_datasets.py            # writes data/*.csv
    /usr/bin/python3 tools/scripts/make_datasets.py --check    # regenerates in memory, compares

Each set is split once, 80/20, with
    train_test_split(X, y, test_size=0.2, stratify=y, random_state=0)
Numbers are written with Python's repr() of the value scikit-learn loaded
(float64, which is the shortest text that reads back to the same double, so
"17.99" stays "17.99"); the digits' pixels are integers 0..16 and written as
integers. The output is therefore a pure function of the scikit-learn copy
and its train_test_split; produced with Debian bookworm's python3-sklearn
1.2.1+dfsg-1 (numpy 1.24.2). The SHA-256 of every file is in data/README.md
and printed by this script.
"""
import argparse
import hashlib
import io
import os
import sys

import numpy as np
import sklearn
from sklearn import datasets
from sklearn.model_selection import train_test_split

SETS = [
    # name, loader, integer features
    ("digits", datasets.load_digits, True),
    ("iris", datasets.load_iris, False),
    ("wine", datasets.load_wine, False),
    ("breast_cancer", datasets.load_breast_cancer, False),
]


def fmt(v, integer):
    if integer:
        iv = int(v)
        assert iv == v, v
        return str(iv)
    return repr(float(v))


def to_csv(X, y, integer):
    out = io.StringIO()
    for row, label in zip(X, y):
        out.write(",".join(fmt(v, integer) for v in row))
        out.write(",%d\n" % int(label))
    return out.getvalue().encode("ascii")


def build():
    """Returns [(filename, bytes, info)]."""
    files = []
    for name, loader, integer in SETS:
        d = loader()
        X, y = np.asarray(d.data), np.asarray(d.target)
        Xtr, Xte, ytr, yte = train_test_split(X, y, test_size=0.2, stratify=y, random_state=0)
        info = {"rows": X.shape[0], "features": X.shape[1], "classes": len(np.unique(y))}
        for part, (a, b) in (("train", (Xtr, ytr)), ("test", (Xte, yte))):
            files.append(("%s_%s.csv" % (name, part), to_csv(a, b, integer),
                          dict(info, part=part, part_rows=a.shape[0])))
    return files


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", default=os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                  "..", "..", "data"))
    ap.add_argument("--check", action="store_true",
                    help="compare with the files in --out instead of writing")
    a = ap.parse_args()
    print("scikit-learn %s, numpy %s" % (sklearn.__version__, np.__version__))
    bad = 0
    for fname, data, info in build():
        path = os.path.join(a.out, fname)
        digest = hashlib.sha256(data).hexdigest()
        if a.check:
            try:
                with open(path, "rb") as f:
                    same = f.read() == data
            except OSError:
                same = False
            bad += not same
            status = "same" if same else "DIFFERS"
        else:
            os.makedirs(a.out, exist_ok=True)
            with open(path, "wb") as f:
                f.write(data)
            status = "written"
        print("%-24s %5d rows  %2d features  %2d classes  sha256 %s  %s" %
              (fname, info["part_rows"], info["features"], info["classes"], digest, status))
    if a.check:
        print("check: %s" % ("all files identical" if bad == 0 else "%d file(s) differ" % bad))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
