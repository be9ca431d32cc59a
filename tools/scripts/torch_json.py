#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""PyTorch <-> tinymlp JSON model form (docs/model-format.md, tools/json/tmlp_json.h).

A model is an nn.Sequential of nn.Linear layers, each followed by at most one
supported activation: nn.ReLU, nn.Tanh, nn.Sigmoid, nn.LeakyReLU (slope in
(0, 1)), nn.Softmax (last layer, over the feature dimension), nn.Identity (or
nothing). Optionally the first module is an InputScale (below), which becomes
the JSON "scale" object: x' = (x - offset) * scale. nn.Dropout is skipped (it
is the identity at inference). A Linear whose parameters all have
requires_grad False is written with "trainable": false.

Numbers are written as float32 with "%.9g", exactly as the C writer
(tools/json/tmlp_json_write.c) does, and in its layout, so that the JSON text this
module writes for a model is the same text `tinymlp dump` writes for the model
file `tinymlp load-json` builds from it.

As a module:
    import torch_json
    text = torch_json.dumps(model)                 # nn.Sequential -> JSON text
    model = torch_json.loads(text)                 # JSON text -> nn.Sequential (float32)
    torch_json.save(model, "m.json"); model = torch_json.load("m.json")

As a command:
    /usr/bin/python3 tools/scripts/torch_json.py export model.pt -o model.json [--add-softmax]
        model.pt: a whole nn.Sequential saved with torch.save(model, path)
        --add-softmax: append a softmax to a last Linear without activation
                       (a net trained with nn.CrossEntropyLoss on logits)
    /usr/bin/python3 tools/scripts/torch_json.py import model.json -o model.pt
"""
import argparse
import json
import sys

import numpy as np
import torch
from torch import nn

ACTS = ("identity", "sigmoid", "tanh", "relu", "leaky_relu", "softmax")
DEFAULT_PARAM = {"sigmoid": 1.0, "leaky_relu": 0.01}


class InputScale(nn.Module):
    """x' = (x - offset) * scale, per input feature (tinymlp's input scaling)."""

    def __init__(self, offset, scale):
        super().__init__()
        self.register_buffer("offset", torch.as_tensor(offset, dtype=torch.float32).clone())
        self.register_buffer("scale", torch.as_tensor(scale, dtype=torch.float32).clone())

    def forward(self, x):
        return (x - self.offset) * self.scale


class ScaledSigmoid(nn.Module):
    """1 / (1 + exp(-lambda x)): tinymlp's sigmoid with steepness lambda != 1."""

    def __init__(self, lam):
        super().__init__()
        self.lam = float(np.float32(lam))

    def forward(self, x):
        return torch.sigmoid(self.lam * x)


def f32(v):
    return float(np.float32(v))


def fmt(v):
    """A float32 as the C writer prints it: printf("%.9g", (double)v)."""
    return "%.9g" % f32(v)


def _floats(vals):
    return "[" + ", ".join(fmt(v) for v in vals) + "]"


# ---- torch -> JSON ---------------------------------------------------------

def _act_of(m, last):
    """(name, param or None) for an activation module, or raise."""
    if isinstance(m, nn.Identity):
        return "identity", None
    if isinstance(m, nn.ReLU):
        return "relu", None
    if isinstance(m, nn.Tanh):
        return "tanh", None
    if isinstance(m, nn.Sigmoid):
        return "sigmoid", None
    if isinstance(m, ScaledSigmoid):
        return "sigmoid", m.lam
    if isinstance(m, nn.LeakyReLU):
        a = f32(m.negative_slope)
        if not 0.0 < a < 1.0:
            raise ValueError("LeakyReLU negative_slope must be in (0, 1) for tinymlp, got %r"
                             % m.negative_slope)
        return "leaky_relu", a
    if isinstance(m, nn.Softmax):
        if m.dim not in (-1, 1, None):
            raise ValueError("Softmax must be over the feature dimension (dim=-1 or 1)")
        return "softmax", None
    raise ValueError("unsupported module %s (Linear, ReLU, Tanh, Sigmoid, LeakyReLU, Softmax, "
                     "Identity, Dropout)" % type(m).__name__)


def to_dict(model, add_softmax=False):
    """nn.Sequential -> the JSON model form as a dict (floats already float32)."""
    mods = [m for m in model if not isinstance(m, nn.Dropout)]
    out = {}
    if mods and isinstance(mods[0], InputScale):
        sc = mods.pop(0)
        out["scale"] = {"offset": [f32(v) for v in sc.offset.detach().cpu().reshape(-1)],
                        "scale": [f32(v) for v in sc.scale.detach().cpu().reshape(-1)]}
    layers, width, i = [], None, 0
    while i < len(mods):
        lin = mods[i]
        if not isinstance(lin, nn.Linear):
            raise ValueError("module %d: expected nn.Linear, got %s" % (i, type(lin).__name__))
        i += 1
        act, param = "identity", None
        if i < len(mods) and not isinstance(mods[i], nn.Linear):
            act, param = _act_of(mods[i], i == len(mods) - 1)
            i += 1
        if width is not None and lin.in_features != width:
            raise ValueError("Linear in_features %d does not match the previous width %d"
                             % (lin.in_features, width))
        W = lin.weight.detach().cpu().to(torch.float32).numpy()
        b = (lin.bias.detach().cpu().to(torch.float32).numpy() if lin.bias is not None
             else np.zeros(lin.out_features, dtype=np.float32))
        layer = {"units": lin.out_features, "act": act}
        if param is not None and param != f32(DEFAULT_PARAM[act]):
            layer["lambda" if act == "sigmoid" else "alpha"] = param
        if all(not p.requires_grad for p in lin.parameters()):
            layer["trainable"] = False
        layer["W"] = [[float(v) for v in row] for row in W]
        layer["b"] = [float(v) for v in b]
        layers.append(layer)
        if width is None:
            out["input"] = lin.in_features
        width = lin.out_features
    if not layers:
        raise ValueError("no nn.Linear layer in the model")
    for l in layers[:-1]:
        if l["act"] == "softmax":
            raise ValueError("softmax is allowed on the last layer only")
    if add_softmax and layers[-1]["act"] == "identity":
        layers[-1]["act"] = "softmax"
    return {"input": out["input"], "layers": layers, **({"scale": out["scale"]}
                                                         if "scale" in out else {})}


def dict_to_text(d):
    """The JSON model form as text, in the C writer's exact layout."""
    s = ["{\n  \"input\": %d,\n  \"layers\": [\n" % d["input"]]
    for k, ly in enumerate(d["layers"]):
        s.append("    {\n      \"units\": %d,\n      \"act\": \"%s\",\n" % (ly["units"], ly["act"]))
        for key in ("lambda", "alpha"):
            if key in ly:
                s.append("      \"%s\": %s,\n" % (key, fmt(ly[key])))
        if ly.get("trainable", True) is False:
            s.append("      \"trainable\": false,\n")
        s.append("      \"W\": [\n")
        s.append(",\n".join("        " + _floats(row) for row in ly["W"]))
        s.append("\n      ],\n      \"b\": " + _floats(ly["b"]) + "\n    }")
        s.append(",\n" if k + 1 < len(d["layers"]) else "\n")
    if "scale" in d:
        s.append("  ],\n  \"scale\": {\n    \"offset\": " + _floats(d["scale"]["offset"]) +
                 ",\n    \"scale\": " + _floats(d["scale"]["scale"]) + "\n  }\n")
    else:
        s.append("  ]\n")
    s.append("}\n")
    return "".join(s)


def dumps(model, add_softmax=False):
    return dict_to_text(to_dict(model, add_softmax))


def save(model, path, add_softmax=False):
    with open(path, "w", encoding="ascii", newline="\n") as f:
        f.write(dumps(model, add_softmax))


# ---- JSON -> torch ---------------------------------------------------------

def from_dict(d):
    """The JSON model form (a dict) -> nn.Sequential in float32."""
    mods = []
    n_in = int(d["input"])
    if "scale" in d:
        off, sc = d["scale"]["offset"], d["scale"]["scale"]
        if len(off) != n_in or len(sc) != n_in:
            raise ValueError("\"scale\": offset and scale need %d numbers each" % n_in)
        mods.append(InputScale(np.array(off, dtype=np.float32), np.array(sc, dtype=np.float32)))
    width = n_in
    for k, ly in enumerate(d["layers"]):
        units, act = int(ly["units"]), ly["act"]
        if act not in ACTS:
            raise ValueError("layer %d: unknown activation %r" % (k + 1, act))
        if act == "softmax" and k + 1 != len(d["layers"]):
            raise ValueError("layer %d: softmax is allowed on the last layer only" % (k + 1))
        W = np.array(ly["W"], dtype=np.float32)
        b = np.array(ly["b"], dtype=np.float32)
        if W.shape != (units, width) or b.shape != (units,):
            raise ValueError("layer %d: W must be %dx%d and b %d long" % (k + 1, units, width, units))
        lin = nn.Linear(width, units)
        with torch.no_grad():
            lin.weight.copy_(torch.from_numpy(W))
            lin.bias.copy_(torch.from_numpy(b))
        if ly.get("trainable", True) is False:
            lin.weight.requires_grad_(False)
            lin.bias.requires_grad_(False)
        mods.append(lin)
        if act == "relu":
            mods.append(nn.ReLU())
        elif act == "tanh":
            mods.append(nn.Tanh())
        elif act == "sigmoid":
            lam = f32(ly.get("lambda", 1.0))
            mods.append(nn.Sigmoid() if lam == 1.0 else ScaledSigmoid(lam))
        elif act == "leaky_relu":
            mods.append(nn.LeakyReLU(f32(ly.get("alpha", 0.01))))
        elif act == "softmax":
            mods.append(nn.Softmax(dim=-1))
        else:
            mods.append(nn.Identity())
        width = units
    return nn.Sequential(*mods)


def loads(text):
    return from_dict(json.loads(text))


def load(path):
    with open(path, encoding="utf-8") as f:
        return loads(f.read())


# ---- command line ----------------------------------------------------------

def main(argv=None):
    ap = argparse.ArgumentParser(description="PyTorch nn.Sequential <-> tinymlp JSON model")
    sub = ap.add_subparsers(dest="cmd", required=True)
    e = sub.add_parser("export", help="model.pt (torch.save of an nn.Sequential) -> model.json")
    e.add_argument("model")
    e.add_argument("-o", "--output", required=True)
    e.add_argument("--add-softmax", action="store_true",
                   help="append a softmax to a last layer without activation")
    i = sub.add_parser("import", help="model.json -> model.pt (torch.save of an nn.Sequential)")
    i.add_argument("json")
    i.add_argument("-o", "--output", required=True)
    a = ap.parse_args(argv)
    try:
        if a.cmd == "export":
            try:
                model = torch.load(a.model, map_location="cpu", weights_only=False)
            except TypeError:  # torch < 1.13 has no weights_only
                model = torch.load(a.model, map_location="cpu")
            if not isinstance(model, nn.Sequential):
                raise ValueError("%s: not an nn.Sequential (save the whole model with "
                                 "torch.save(model, path))" % a.model)
            save(model, a.output, a.add_softmax)
        else:
            torch.save(load(a.json), a.output)
    except (ValueError, KeyError, OSError) as ex:
        print("torch_json: error: %s" % ex, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    # Run as the module torch_json, not __main__, so that the classes pickled
    # in model files (torch_json.InputScale, torch_json.ScaledSigmoid) are the
    # ones the isinstance checks above see.
    import os
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    sys.dont_write_bytecode = True
    import torch_json
    sys.exit(torch_json.main())
