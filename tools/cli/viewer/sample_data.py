#!/usr/bin/env python3
"""Writes an embedded-mode ("lazyscribe report") copy of viewer.html with synthetic runs.

For testing the viewer page by hand; the real page is written by `lazyscribe report`.

    python3 sample_data.py N OUT.html [--details K] [--seed S] [--json OUT.json]

N runs in two projects; the first K runs (default min(N, 200)) carry their details and
histories, the others only their row in the columnar /api/runs document, as the report's size
policy does. --json also writes the embedded document alone (for a mock server).
"""
import argparse
import json
import math
import os
import random
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
MARKER = "<!-- lazyscribe-data -->"

STATUSES = ["finished"] * 14 + ["running", "failed", "crashed"]
TAGS = ["baseline", "sweep", "ablation", "prod", "debug", "long-run", "bert", "resnet"]
AUTHORS = ["alice", "bob", "carol", "dmitri", "eve"]
OPTIMIZERS = ["adam", "sgd", "adamw", "rmsprop"]
NAMES = ["resnet", "bert-base", "mlp", "vit-small", "lstm", "gpt-tiny"]


def jsonable(v):
    """The wire form of a scalar: non-finite numbers as strings."""
    if isinstance(v, float) and not math.isfinite(v):
        return "NaN" if math.isnan(v) else ("Infinity" if v > 0 else "-Infinity")
    return v


def summary(v):
    if isinstance(v, list):
        return {"list": len(v)}
    if isinstance(v, dict):
        return {"object": len(v)}
    return jsonable(v)


def flatten(prefix, obj, out):
    for k, v in obj.items():
        name = prefix + k
        if isinstance(v, dict) and v:
            flatten(name + ".", v, out)
        else:
            out[name] = v


def make(n, details_count, seed):
    rnd = random.Random(seed)
    base = time.mktime((2024, 1, 1, 0, 0, 0, 0, 0, -1))
    projects = [{"path": "runs/vision.json", "label": "vision"},
                {"path": "runs/nlp.json", "label": "nlp"}]
    cols = {k: [] for k in ["project", "slug", "short_slug", "name", "author", "status", "tags",
                            "created_at", "last_updated", "tests", "artifacts", "histories"]}
    metric_rows, param_rows = [], []
    details, histories = {}, {}
    for i in range(n):
        p = 0 if i % 3 else 1
        name = rnd.choice(NAMES)
        created = base + i * 600 + rnd.randint(0, 500)
        ts = time.strftime("%Y%m%d%H%M%S", time.gmtime(created))
        slug = f"{name}-{ts}"
        status = rnd.choice(STATUSES)
        tags = sorted(rnd.sample(TAGS, rnd.randint(0, 3)))
        if i == 2:
            tags.append("with <script>alert(1)</script> & \"quotes\"")
        lr = rnd.choice([1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 0.1])
        bs = rnd.choice([16, 32, 64, 128, 256])
        opt = rnd.choice(OPTIMIZERS)
        use_bn = rnd.random() < 0.5
        params = {"lr": lr, "batch_size": bs, "optimizer": {"name": opt, "momentum": 0.9},
                  "use_bn": use_bn, "seed": 42}
        if i % 5 == 0:
            params["layers"] = [64, 128, 64]
        quality = (1 - abs(math.log10(lr) + 3) / 3) * 0.3 + (0.05 if use_bn else 0) + \
            {"adam": 0.1, "adamw": 0.12, "sgd": 0.0, "rmsprop": 0.05}[opt] + rnd.gauss(0, 0.05)
        acc = max(0.0, min(1.0, 0.5 + quality))
        loss = max(0.01, 1.2 - acc + rnd.gauss(0, 0.05))
        metrics = {"acc": round(acc, 5), "loss": round(loss, 5),
                   "f1": round(max(0.0, acc - 0.03 + rnd.gauss(0, 0.02)), 5),
                   "note": rnd.choice(["ok", "diverged early", "good", "check lr"])}
        if status == "crashed" and i % 2:
            metrics["loss"] = float("nan")
        if status == "running":
            del metrics["f1"]
        if i % 7 == 0:
            metrics.pop("acc")
            metrics["acc_text"] = "n/a"
        has_curve = i % 4 == 0
        if has_curve:
            metrics["curve"] = [round(2.0 * math.exp(-k / (10 + 20 * acc)) + rnd.gauss(0, 0.02), 4)
                                for k in range(50)]
        hist_names = []
        live = status == "running" or i % 6 == 1
        if live:
            hist_names += ["loss", "acc"]
        if has_curve:
            hist_names.append("curve")
        created_at = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(created))
        updated_at = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(created + rnd.randint(60, 36000)))
        ntests = rnd.choice([0, 0, 1, 2])
        arts = []
        if i % 2 == 0:
            arts.append({"name": "confusion", "fname": "confusion.png", "handler": "pillow",
                         "size": 2048, "exists": i % 10 != 0,
                         "url": f"{slug}/confusion.png", "kind": "image"})
            arts.append({"name": "config", "fname": "config.json", "handler": "json",
                         "size": 312, "exists": True, "url": f"{slug}/config.json", "kind": "json"})
        if i % 3 == 0:
            arts.append({"name": "model", "fname": "model.pt", "handler": "pytorch",
                         "size": 10485760, "exists": True, "url": f"{slug}/model.pt", "kind": "binary"})

        cols["project"].append(p)
        cols["slug"].append(slug)
        cols["short_slug"].append(name)
        cols["name"].append(name)
        cols["author"].append(rnd.choice(AUTHORS))
        cols["status"].append(status)
        cols["tags"].append(tags)
        cols["created_at"].append(created_at)
        cols["last_updated"].append(updated_at)
        cols["tests"].append(ntests)
        cols["artifacts"].append(len(arts))
        cols["histories"].append(hist_names)
        flat = {}
        flatten("", params, flat)
        metric_rows.append(metrics)
        param_rows.append(flat)

        if i < details_count:
            key = f"{p}:{slug}"
            hists = {}
            hsum = []
            for m in hist_names:
                if m == "curve":
                    vals = metrics["curve"]
                    h = {"metric": m, "total": len(vals), "sampled": False,
                         "steps": list(range(len(vals))), "times": None, "values": vals}
                else:
                    steps = list(range(0, rnd.randint(80, 300)))
                    t0 = created
                    times = [round(t0 + s * 2.5 + rnd.random(), 3) for s in steps]
                    if m == "loss":
                        vals = [round(2.3 * math.exp(-s / 60) + (1.2 - acc) * 0.5 + rnd.gauss(0, 0.08), 5)
                                for s in steps]
                    else:
                        vals = [round(acc * (1 - math.exp(-s / 40)) + rnd.gauss(0, 0.03), 5) for s in steps]
                    if len(vals) > 10 and i % 9 == 1:
                        vals[5] = None  # a non-finite value
                    h = {"metric": m, "total": len(steps), "sampled": False,
                         "steps": steps, "times": times, "values": vals}
                hists[m] = h
                fin = [v for v in h["values"] if v is not None]
                hsum.append({"metric": m, "points": h["total"], "first_step": h["steps"][0],
                             "last_step": h["steps"][-1], "last": h["values"][-1],
                             "min": min(fin), "max": max(fin)})
            if hists:
                histories[key] = hists
            tests = [{"name": f"test-{k}", "description": f"held-out split {k}",
                      "metrics": {"acc": round(acc - 0.02 * k, 4)}, "parameters": {"split": k}}
                     for k in range(ntests)]
            details[key] = {
                "project": p, "slug": slug, "short_slug": name, "name": name,
                "author": cols["author"][-1], "status": status, "tags": tags,
                "created_at": created_at, "last_updated": updated_at, "last_updated_by": "alice",
                "metrics": {k: (jsonable(v) if not isinstance(v, list) else v) for k, v in metrics.items()},
                "parameters": params,
                "dependencies": [f"0|{cols['slug'][0]}"] if i > 0 and i % 8 == 0 else [],
                "tests": tests, "artifacts": arts, "histories": hsum}

    metric_names = sorted({k for r in metric_rows for k in r})
    param_names = sorted({k for r in param_rows for k in r})
    metrics_cols = {k: [summary(r[k]) if k in r else None for r in metric_rows] for k in metric_names}
    params_cols = {k: [summary(r[k]) if k in r else None for r in param_rows] for k in param_names}
    runs = {"version": f"sample-{seed}-{n}", "live": False, "projects": projects, "count": n,
            "runs": cols, "metrics": metrics_cols, "params": params_cols}
    return {"runs": runs, "details": details, "histories": histories}


def embed(html, doc):
    text = json.dumps(doc, separators=(",", ":"), allow_nan=False).replace("<", "\\u003c")
    script = f'<script id="lazyscribe-data" type="application/json">{text}</script>'
    if MARKER in html:
        return html.replace(MARKER, script, 1)
    return html.replace("</head>", script + "\n</head>", 1)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("n", type=int)
    ap.add_argument("out")
    ap.add_argument("--details", type=int, default=None)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--json", default=None)
    a = ap.parse_args()
    doc = make(a.n, min(a.n, 200) if a.details is None else a.details, a.seed)
    with open(os.path.join(HERE, "viewer.html"), encoding="utf-8") as f:
        html = f.read()
    with open(a.out, "w", encoding="utf-8") as f:
        f.write(embed(html, doc))
    if a.json:
        with open(a.json, "w", encoding="utf-8") as f:
            json.dump(doc, f, allow_nan=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
