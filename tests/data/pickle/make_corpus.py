"""Writes the pickle test corpus: real pickles of Python 3 and NumPy (the versions Debian 12
ships: Python 3.11, NumPy 1.24), each protocol 2 to 5, with expected.json describing each file.
Run: /usr/bin/python3 make_corpus.py (from this folder). Also the fuzzer's seed corpus."""
import json, pickle, sys

import numpy as np

values = {
    "none": None, "true": True, "int_small": 7, "int_neg": -129, "int_64": 2**63 - 1, "int_big": 2**100,
    "float": 1.5, "str": "ü→𝄞", "list": [1, [2, "x"]], "tuple": (1, "x"),
    "dict": {"lr": 0.01, "layers": [64, 32], "name": "resnet"},
    "shared": (lambda a: [a, a])([1, 2]),
}
arrays = {
    "f8_1d": np.arange(3.0), "i4_2d": np.arange(6, dtype="<i4").reshape(2, 3),
    "i4_2d_fortran": np.asfortranarray(np.arange(6, dtype="<i4").reshape(2, 3)),
    "f4_big_endian": np.arange(4, dtype=">f4"), "u1": np.array([0, 255], dtype="u1"),
    "bool": np.array([True, False]), "c16": np.array([1 + 2j]), "f8_0d": np.array(2.5), "i8_empty": np.zeros((0, 3), dtype="i8"),
}
scalars = {"np_float64": np.float64(0.5), "np_int32": np.int32(-3), "metrics_with_numpy": {"auc": np.float64(0.9), "n": np.int64(5)}}
refused = {"set": {1, 2}, "bytes": b"\x00\x01", "object_array": np.array([1, "a"], dtype=object)}

expected = {}
def emit(name, value, kind):
    for protocol in range(2, 6):
        fname = f"{name}.p{protocol}.pkl"
        with open(fname, "wb") as f:
            pickle.dump(value, f, protocol=protocol)
        entry = {"kind": kind}
        if kind == "value":
            entry["value"] = json.loads(json.dumps(value))
        elif kind == "array":
            entry.update(dtype=value.dtype.str, shape=list(value.shape), values=value.ravel(order="C").tolist() if value.dtype.kind != "c" else [[v.real, v.imag] for v in value.ravel()])
        elif kind == "scalar":
            entry["value"] = json.loads(json.dumps(value, default=lambda x: x.item()))
        expected[fname] = entry
for k, v in values.items(): emit(k, v, "value")
for k, v in arrays.items(): emit(k, v, "array")
for k, v in scalars.items(): emit(k, v, "scalar")
for k, v in refused.items(): emit(k, v, "refused")
with open("expected.json", "w") as f:
    json.dump({"python": sys.version.split()[0], "numpy": np.__version__, "files": expected}, f, indent=1, sort_keys=True)
