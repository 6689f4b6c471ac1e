#!/usr/bin/env python3
"""Writes projects for the viewer's browser tests, in Python lazyscribe 2.2's exact file format
(json.dump(sort_keys=True, indent=4), no newline at the end, all 13 experiment keys, experiments
in ascending created_at order; see FORMAT.md).

  make_project.py table  OUT_DIR FIXTURES_DIR   the fixture experiments (01_basic, 02_tests,
                         03_artifacts, 07_unicode, 08_edge_cases/special_numbers, with their
                         artifact folders) plus 40 generated runs with varied metrics/params:
                         30 tagged "gen" and "clean" (every field present, no NaN), 10 tagged
                         "gen" only (fields missing, NaN, strings, lists)
  make_project.py scroll OUT_DIR N              N small experiments (name "run I", created one
                         second apart), written by a template for speed (100,000 in ~2 s)

Prints the project file's path.
"""

import datetime
import json
import os
import random
import shutil
import sys

FIXTURE_PROJECTS = ["01_basic", "02_tests", "03_artifacts", "07_unicode", "08_edge_cases/special_numbers"]


def stamp(t):
    return t.strftime("%Y-%m-%dT%H:%M:%S")


def experiment(name, short_slug, created, metrics, params, tags, author="tester", updated=None, artifacts=None):
    return {
        "artifacts": artifacts or [],
        "author": author,
        "created_at": stamp(created),
        "dependencies": [],
        "last_updated": stamp(updated or created),
        "last_updated_by": author,
        "metrics": metrics,
        "name": name,
        "parameters": params,
        "short_slug": short_slug,
        "slug": short_slug + "-" + created.strftime("%Y%m%d%H%M%S"),
        "tags": tags,
        "tests": [],
    }


def write_project(out_dir, experiments):
    os.makedirs(out_dir, exist_ok=True)
    path = os.path.join(out_dir, "project.json")
    with open(path, "w", encoding="ascii", newline="\n") as f:
        json.dump(experiments, f, sort_keys=True, indent=4)
    return path


def table(out_dir, fixtures):
    experiments = []
    os.makedirs(out_dir, exist_ok=True)
    for rel in FIXTURE_PROJECTS:
        src = os.path.join(fixtures, rel)
        with open(os.path.join(src, "project.json"), encoding="utf-8") as f:
            exps = json.load(f)
        for e in exps:
            folder = os.path.join(src, e["slug"])
            if os.path.isdir(folder):
                shutil.copytree(folder, os.path.join(out_dir, e["slug"]), dirs_exist_ok=True)
            experiments.append(e)

    rng = random.Random(15)
    base = datetime.datetime(2024, 8, 1, 9, 0, 0)
    accs = [round(0.5 + 0.0113 * i, 4) for i in range(40)]
    losses = [round(2.0 - 0.0371 * i, 4) for i in range(40)]
    rng.shuffle(accs)
    rng.shuffle(losses)
    for i in range(40):
        created = base + datetime.timedelta(hours=i)
        clean = i < 30
        metrics = {"acc": accs[i], "loss": losses[i], "val_loss": round(losses[i] * 1.1, 4)}
        params = {
            "lr": round(0.001 * (i + 1), 6),
            "batch_size": [16, 32, 64][i % 3],
            "optimizer": {"name": ["adam", "sgd"][i % 2], "momentum": 0.9},
            "use_bn": i % 4 == 0,
        }
        tags = ["gen", "clean"] if clean else ["gen"]
        if i % 5 == 0:
            tags.append("sweep-a")
        if not clean:
            if i % 2 == 0:
                metrics["val_loss"] = float("nan")
            if i % 3 == 0:
                del metrics["acc"]
            metrics["note"] = "diverged" if i % 2 else "ok"
            metrics["curve"] = [round(1.0 / (k + 1), 4) for k in range(12)]
            params["layers"] = [64, 32, 16][: 1 + i % 3]
            if i % 4 == 1:
                del params["batch_size"]
        author = ["alice", "bob", "carol"][i % 3]
        experiments.append(experiment(f"Gen run {i:02d}", f"gen-run-{i:02d}", created, metrics, params, tags, author))
    experiments.sort(key=lambda e: e["created_at"])
    return write_project(out_dir, experiments)


# One experiment of the scroll project, formatted as json.dump(sort_keys=True, indent=4) would
# (checked against json.dumps for the first experiments).
TEMPLATE = """    {{
        "artifacts": [],
        "author": "{author}",
        "created_at": "{created}",
        "dependencies": [],
        "last_updated": "{created}",
        "last_updated_by": "{author}",
        "metrics": {{
            "acc": {acc},
            "loss": {loss}
        }},
        "name": "run {i}",
        "parameters": {{
            "lr": {lr},
            "seed": {i}
        }},
        "short_slug": "run-{i}",
        "slug": "run-{i}-{compact}",
        "tags": [
            "{tag}"
        ],
        "tests": []
    }}"""


def scroll_experiment(i, base):
    created = base + datetime.timedelta(seconds=i)
    return dict(
        i=i,
        author=("alice", "bob", "carol")[i % 3],
        created=stamp(created),
        compact=created.strftime("%Y%m%d%H%M%S"),
        acc=repr(((i * 7919) % 100000) / 100000.0),
        loss=repr(1.0 + (i % 997) / 1000.0),
        lr=repr(0.0001 * (1 + i % 50)),
        tag=("a", "b", "c", "d")[i % 4],
    )


def scroll(out_dir, n):
    base = datetime.datetime(2023, 1, 1, 0, 0, 0)
    # Self-check of the template against the json module.
    for i in range(min(n, 3)):
        v = scroll_experiment(i, base)
        ref = experiment(f"run {i}", f"run-{i}", base + datetime.timedelta(seconds=i),
                         {"acc": float(v["acc"]), "loss": float(v["loss"])},
                         {"lr": float(v["lr"]), "seed": i}, [v["tag"]], v["author"])
        expected = json.dumps([ref], sort_keys=True, indent=4)[2:-2]
        if TEMPLATE.format(**v) != expected:
            raise SystemExit("make_project.py: the scroll template differs from json.dumps:\n" + TEMPLATE.format(**v) + "\n---\n" + expected)
    os.makedirs(out_dir, exist_ok=True)
    path = os.path.join(out_dir, "project.json")
    with open(path, "w", encoding="ascii", newline="\n") as f:
        if n == 0:
            f.write("[]")
        else:
            f.write("[\n")
            f.write(",\n".join(TEMPLATE.format(**scroll_experiment(i, base)) for i in range(n)))
            f.write("\n]")
    return path


def main(argv):
    if len(argv) == 4 and argv[1] == "table":
        print(table(argv[2], argv[3]))
    elif len(argv) == 4 and argv[1] == "scroll":
        print(scroll(argv[2], int(argv[3])))
    else:
        sys.stderr.write(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
