#!/usr/bin/env python3
"""Python's side of bench-handlers (issue 14): the same 1,000,000 doubles, v[i] = i * 0.001 + sin(i),
through pickle.dump/pickle.load (a list of floats and a numpy array) and numpy.save/numpy.load,
with the same rows as benchmarks/bench-handlers.cpp:

  <op>/<medium>/<format>
  op      write, read
  medium  memory: one io.BytesIO reused (seek(0) before each write; reads from one over the bytes)
          file:   a file in a temporary folder, opened ("wb"/"rb") and closed by each operation
  format  raw                  the baseline: one write of the array's 8 MB buffer (f.write of a
                               memoryview), one read into a new numpy.empty(n) (f.readinto)
          npy                  numpy.save / numpy.load
          pickle_numpy         pickle.dump / pickle.load of the numpy array
          pickle_list          pickle.dump / pickle.load of the list of 1e6 floats (built once)
          pickle_list_convert  the same with the conversion: pickle.dump(array.tolist()) and
                               numpy.array(pickle.load(f))
  Pickles use Python's default protocol (4 on Python 3.8 to 3.13).

Timing: timeit (GC off during the timed loop, as timeit does), a timer that reads the wall clock
(time.perf_counter), this thread's CPU time (time.thread_time) and its minor page faults together;
per row, --repeat repetitions (default 5, as bench-handlers --benchmark_repetitions=5) of a number
of operations that fills --min-time seconds (0.5, Google Benchmark's default). Reported per
operation: the median and the best repetition's CPU ms, the median wall ms, MB/s of payload by
median CPU time, the ratio to the raw row of the same op and medium, and page faults.
After each row, one more operation is checked: what was read equals the values, what was written
equals what Python's own one-shot call produces (and reads back). A mismatch exits with 1.

  python3 benchmarks/python_handlers.py
  python3 benchmarks/python_handlers.py --cpp build-bench-handlers/benchmarks/bench-handlers [--markdown] [--json out.json]

Freed memory: glibc gives large freed blocks back to the kernel and pymalloc frees empty arenas, so
rows that allocate per element (a list of 1e6 floats, a json array, pickle's nodes) fault their
memory in again on every operation; the "faults" columns count it. To time them with the memory
kept (the C++ child inherits the environment):
  PYTHONMALLOC=malloc GLIBC_TUNABLES=glibc.malloc.trim_threshold=4294967296:glibc.malloc.mmap_threshold=33554432 \
      python3 benchmarks/python_handlers.py --cpp ...

With --cpp, the C++ program is run first (with --benchmark_repetitions=<repeat> and its JSON
output in the temporary folder; its own output is shown), then these rows, then both side by side
with the ratio Python / C++ (> 1: C++ is faster).
"""

import argparse
import io
import json
import math
import os
import pickle
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import timeit

try:
    import numpy
except ImportError:  # pragma: no cover - reported, not hidden
    sys.exit("python_handlers.py needs numpy (Debian: apt-get install python3-numpy)")

N = 1_000_000
PAYLOAD = N * 8


class Clocks:
    """timeit's timer: wall, thread CPU and minor faults at once; timeit subtracts two of them."""

    __slots__ = ("wall", "cpu", "faults")

    def __init__(self):
        self.faults = resource.getrusage(resource.RUSAGE_THREAD).ru_minflt
        self.cpu = time.thread_time()
        self.wall = time.perf_counter()

    def __sub__(self, start):
        return (self.wall - start.wall, self.cpu - start.cpu, self.faults - start.faults)


def measure(op, repeat, min_time):
    """Per-operation (wall, cpu, faults) of each repetition."""
    once = time.perf_counter()
    op()
    once = time.perf_counter() - once
    number = max(1, int(min_time / max(once, 1e-9)))
    timer = timeit.Timer(stmt=op, timer=Clocks)
    return [tuple(x / number for x in r) for r in timer.repeat(repeat=repeat, number=number)]


class Mismatch(Exception):
    pass


def same_array(got, want, what):
    if not isinstance(got, numpy.ndarray) or got.dtype != numpy.float64 or got.shape != want.shape:
        raise Mismatch(f"{what}: read {type(got).__name__} {getattr(got, 'dtype', '')} {getattr(got, 'shape', '')}")
    if got.tobytes() != want.tobytes():
        raise Mismatch(f"{what}: the values read differ")


def same_list(got, want, what):
    if not isinstance(got, list) or len(got) != len(want) or any(type(x) is not float for x in got) or got != want:
        raise Mismatch(f"{what}: the list read differs")


def rows(tmp):
    """(name, op, check) of every row; check() runs once after the timing."""
    values = [i * 0.001 + math.sin(i) for i in range(N)]
    array = numpy.array(values, dtype=numpy.float64)
    raw = array.tobytes()
    npy_buf = io.BytesIO()
    numpy.save(npy_buf, array)
    npy = npy_buf.getvalue()
    pkl_numpy = pickle.dumps(array)
    pkl_list = pickle.dumps(values)

    files = {"in.raw": raw, "in.npy": npy, "in-numpy.pkl": pkl_numpy, "in-list.pkl": pkl_list}
    for name, data in files.items():
        with open(os.path.join(tmp, name), "wb") as f:
            f.write(data)
    path = lambda name: os.path.join(tmp, name)  # noqa: E731

    out = io.BytesIO()  # its buffer reaches its size in measure()'s untimed first call

    def memory_writer(write, expected, what):
        def op():
            out.seek(0)
            write(out)

        def check():
            out.seek(0)
            out.truncate()
            write(out)
            if out.getvalue() != expected:
                raise Mismatch(f"{what}: the bytes written differ")

        return op, check

    def file_writer(name, write, expected, what):
        def op():
            write(path(name))

        def check():
            op()
            with open(path(name), "rb") as f:
                if f.read() != expected:
                    raise Mismatch(f"{what}: the file written differs")

        return op, check

    def dump_to(obj_of):
        def write(target):
            if isinstance(target, str):
                with open(target, "wb") as f:
                    pickle.dump(obj_of(), f)
            else:
                pickle.dump(obj_of(), target)

        return write

    def raw_write(target):
        if isinstance(target, str):
            with open(target, "wb") as f:
                f.write(memoryview(array))
        else:
            target.write(memoryview(array))

    def npy_write(target):
        numpy.save(target, array)

    result = {}
    for medium in ("memory", "file"):
        for fmt, write, expected in (
            ("raw", raw_write, raw),
            ("npy", npy_write, npy),
            ("pickle_numpy", dump_to(lambda: array), pkl_numpy),
            ("pickle_list", dump_to(lambda: values), pkl_list),
            ("pickle_list_convert", dump_to(lambda: array.tolist()), pkl_list),
        ):
            name = f"write/{medium}/{fmt}"
            if medium == "memory":
                result[name] = memory_writer(write, expected, name)
            else:
                result[name] = file_writer(f"out-{fmt}.npy", write, expected, name)  # numpy.save adds .npy otherwise

    sources = {k: io.BytesIO(v) for k, v in files.items()}

    def raw_read(source):
        a = numpy.empty(N, dtype=numpy.float64)
        if source.readinto(memoryview(a).cast("B")) != PAYLOAD:
            raise Mismatch("raw: short read")
        return a

    def from_memory(key, read):
        src = sources[key]

        def op():
            src.seek(0)
            return read(src)

        return op

    def from_file(key, read, mode="rb"):
        p = path(key)

        def op():
            with open(p, mode) as f:
                return read(f)

        return op

    readers = (
        ("raw", "in.raw", raw_read, lambda r, w: same_array(r, array, w)),
        ("npy", "in.npy", numpy.load, lambda r, w: same_array(r, array, w)),
        ("pickle_numpy", "in-numpy.pkl", pickle.load, lambda r, w: same_array(r, array, w)),
        ("pickle_list", "in-list.pkl", pickle.load, lambda r, w: same_list(r, values, w)),
        ("pickle_list_convert", "in-list.pkl", lambda f: numpy.array(pickle.load(f)), lambda r, w: same_array(r, array, w)),
    )
    for medium in ("memory", "file"):
        for fmt, key, read, compare in readers:
            name = f"read/{medium}/{fmt}"
            op = from_memory(key, read) if medium == "memory" else from_file(key, read)
            result[name] = (op, (lambda op=op, compare=compare, name=name: compare(op(), name)))
    return result


def run_python(repeat, min_time):
    table = {}
    with tempfile.TemporaryDirectory(prefix="lazyscribe-python-bench-") as tmp:
        all_rows = rows(tmp)
        for name, (op, check) in all_rows.items():
            reps = measure(op, repeat, min_time)
            check()
            walls, cpus, faults = zip(*reps)
            table[name] = {
                "cpu_ms": statistics.median(cpus) * 1e3,
                "best_cpu_ms": min(cpus) * 1e3,
                "wall_ms": statistics.median(walls) * 1e3,
                "faults": statistics.median(faults),
            }
            print(f"  {name:34s} {table[name]['cpu_ms']:10.3f} ms CPU", flush=True)
    return table


def run_cpp(binary, repeat):
    with tempfile.TemporaryDirectory(prefix="lazyscribe-cpp-bench-") as tmp:
        out = os.path.join(tmp, "out.json")
        command = [binary, f"--benchmark_repetitions={repeat}", "--benchmark_report_aggregates_only=true",
                   f"--benchmark_out={out}", "--benchmark_out_format=json"]
        print("$ " + " ".join(command), flush=True)
        rc = subprocess.run(command, check=False).returncode
        with open(out) as f:
            report = json.load(f)
    scale = {"ns": 1e-6, "us": 1e-3, "ms": 1.0, "s": 1e3}
    table, errors = {}, {}
    for b in report["benchmarks"]:
        name = b.get("run_name", b["name"])
        if b.get("error_occurred"):
            errors[name] = b.get("error_message", "")
            continue
        if b.get("aggregate_name") != "median":
            continue
        k = scale[b["time_unit"]]
        table[name] = {"cpu_ms": b["cpu_time"] * k, "wall_ms": b["real_time"] * k, "faults": b.get("faults")}
    return table, errors, rc


def ratio(a, b):
    return a / b if a is not None and b not in (None, 0) else None


def f(v, spec):
    return "-" if v is None else format(v, spec)


def print_python(table):
    print("\nPython: %d doubles (%d bytes); per operation; median of the repetitions (best: the fastest one);"
          "\nvs raw = this row / the raw row of the same op and medium" % (N, PAYLOAD))
    print("%-6s %-7s %-20s %9s %9s %9s %9s %10s %11s %9s" % ("op", "medium", "format", "CPU ms", "best ms", "wall ms",
                                                             "MB/s", "vs raw CPU", "vs raw wall", "faults"))
    for name, r in table.items():
        op, medium, fmt = name.split("/")
        base = table[f"{op}/{medium}/raw"]
        print("%-6s %-7s %-20s %9.3f %9.3f %9.3f %9.0f %10s %11s %9.0f" % (
            op, medium, fmt, r["cpu_ms"], r["best_cpu_ms"], r["wall_ms"], PAYLOAD / (r["cpu_ms"] * 1e3),
            f(ratio(r["cpu_ms"], base["cpu_ms"]), ".2f"), f(ratio(r["wall_ms"], base["wall_ms"]), ".2f"), r["faults"]))


def print_side_by_side(py, cpp, markdown):
    names = list(py)
    for name in cpp:
        if name not in names and name.split("/")[0] in ("write", "read"):
            names.append(name)
    names.sort(key=lambda n: (["write", "read"].index(n.split("/")[0]), ["memory", "file"].index(n.split("/")[1])))
    head = ["op", "medium", "format", "C++ CPU ms", "Python CPU ms", "Py/C++ CPU", "C++ wall ms", "Python wall ms",
            "Py/C++ wall", "C++ vs raw", "Python vs raw", "C++ faults", "Python faults"]
    if markdown:
        print("\n| " + " | ".join(head) + " |")
        print("|" + "|".join(["---"] * 3 + ["---:"] * (len(head) - 3)) + "|")
    else:
        print("\nSide by side (CPU and wall ms per operation, medians; vs raw = CPU time / the same side's raw row)")
        print("%-6s %-7s %-20s %11s %13s %10s %11s %14s %11s %10s %13s %10s %13s" % tuple(head))
    for name in names:
        op, medium, fmt = name.split("/")
        c, p = cpp.get(name), py.get(name)
        cb, pb = cpp.get(f"{op}/{medium}/raw"), py.get(f"{op}/{medium}/raw")
        g = lambda d, k: None if d is None else d.get(k)  # noqa: E731
        cells = [op, medium, fmt,
                 f(g(c, "cpu_ms"), ".3f"), f(g(p, "cpu_ms"), ".3f"), f(ratio(g(p, "cpu_ms"), g(c, "cpu_ms")), ".2f"),
                 f(g(c, "wall_ms"), ".3f"), f(g(p, "wall_ms"), ".3f"), f(ratio(g(p, "wall_ms"), g(c, "wall_ms")), ".2f"),
                 f(ratio(g(c, "cpu_ms"), g(cb, "cpu_ms")), ".2f"), f(ratio(g(p, "cpu_ms"), g(pb, "cpu_ms")), ".2f"),
                 f(g(c, "faults"), ".0f"), f(g(p, "faults"), ".0f")]
        if markdown:
            print("| " + " | ".join(cells) + " |")
        else:
            print("%-6s %-7s %-20s %11s %13s %10s %11s %14s %11s %10s %13s %10s %13s" % tuple(cells))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5, help="repetitions per row (default 5)")
    parser.add_argument("--min-time", type=float, default=0.5, help="seconds of operations per repetition (0.5)")
    parser.add_argument("--cpp", metavar="BENCH_HANDLERS", help="run this bench-handlers binary first, then compare")
    parser.add_argument("--markdown", action="store_true", help="print the side-by-side table in Markdown")
    parser.add_argument("--json", metavar="PATH", help="also write both tables to PATH as JSON")
    args = parser.parse_args()

    cpp, cpp_errors, cpp_rc = ({}, {}, 0)
    if args.cpp:
        cpp, cpp_errors, cpp_rc = run_cpp(args.cpp, args.repeat)
    print(f"\nPython {platform.python_version()}, numpy {numpy.__version__}, pickle protocol "
          f"{pickle.DEFAULT_PROTOCOL}; PYTHONMALLOC={os.environ.get('PYTHONMALLOC', '(unset)')}, "
          f"GLIBC_TUNABLES={os.environ.get('GLIBC_TUNABLES', '(unset)')}", flush=True)
    try:
        py = run_python(args.repeat, args.min_time)
    except Mismatch as e:
        print(f"FAILED: {e}", file=sys.stderr)
        return 1
    print_python(py)
    if args.json:
        with open(args.json, "w") as out:
            json.dump({"python": py, "cpp": cpp, "cpp_errors": cpp_errors,
                       "env": {k: os.environ.get(k) for k in ("PYTHONMALLOC", "GLIBC_TUNABLES")}}, out, indent=1)
    if args.cpp:
        print_side_by_side(py, cpp, args.markdown)
        for name, message in cpp_errors.items():
            print(f"C++ {name}: {message}")
    return 1 if cpp_rc != 0 else 0


if __name__ == "__main__":
    sys.exit(main())
