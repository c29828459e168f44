"""Benchmark: training CPU per network, this checkout against a reference commit, as the pipeline runs it.

The pipeline trains each network in a fork of a process that has already imported torch and the
library (the warm job server). This bench does the same for two implementations side by side on
the same machine, one worker process each:

- **reference**: ``src/inforelay/nets/{models,training}.py`` as of ``--reference`` (default
  ``HEAD``, i.e. the committed code; pass the commit before a change to measure it), loaded from
  git, in a worker that imports only that (the old warm server preloaded no training step);
- **this checkout**: ``inforelay.nets.training`` now, in a worker that has called
  :func:`inforelay.nets.training.warm_up` once, as the warm job server does.

Each network is trained in a fresh fork of its worker on the paper's data (``config.yaml``:
its replicate's own training and validation sets, :func:`inforelay.tasks.make_split`); the table
gives CPU seconds per network (user + system of the fork), epochs, and the ratio.

    python bench/train.py                          # 2 replicates of each of the 36 conditions
    python bench/train.py --replicates 1 --reference 99d7168
"""

from __future__ import annotations

import argparse
import os
import pickle
import resource
import statistics
import subprocess
import sys
import types
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]


def _reference_modules(commit: str) -> types.ModuleType:
    """The training module of ``commit``, over that commit's models module (loaded from git)."""

    def load(name: str, source: str) -> types.ModuleType:
        module = types.ModuleType(name)
        sys.modules[name] = module
        exec(compile(source, f"{commit}:{name}", "exec"), module.__dict__)  # noqa: S102
        return module

    def show(path: str) -> str:
        return subprocess.run(["git", "show", f"{commit}:{path}"], cwd=ROOT, check=True,
                              capture_output=True, text=True).stdout  # fmt: skip

    load("_reference_models", show("src/inforelay/nets/models.py"))
    training = show("src/inforelay/nets/training.py").replace(
        "from inforelay.nets.models import", "from _reference_models import"
    )
    return load("_reference_training", training)


def _train_in_fork(training: types.ModuleType, job: dict[str, Any]) -> dict[str, Any]:
    """Train one network in a fork of this process; its CPU seconds and epochs."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: one network, like one warm job
        os.close(read)
        before = resource.getrusage(resource.RUSAGE_SELF)
        result = training.train_network(job["model"], job["train"], job["validation"],
                                        training.TrainingConfig.from_mapping(job["config"]), job["seed"])  # fmt: skip
        after = resource.getrusage(resource.RUSAGE_SELF)
        cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
        os.write(write, pickle.dumps({"cpu_s": cpu, "epochs": len(result.history)}))
        os._exit(0)
    os.close(write)
    with os.fdopen(read, "rb") as handle:
        payload = handle.read()
    os.waitpid(pid, 0)
    return pickle.loads(payload)


def _jobs(config: dict[str, Any], replicates: int) -> list[dict[str, Any]]:
    from inforelay.core.seeds import network_seed
    from inforelay.pipeline import config as experiment
    from inforelay.tasks import make_split

    jobs = []
    for key in experiment.network_keys({**config, "experiment": {**config["experiment"], "replicates": replicates}}):
        data_set = experiment.data_set_name(config, key.replicate)
        splits = {s: make_split(key.task, key.delay_regime, s, experiment.split_settings(config, key.task, s), data_set)
                  for s in ("train", "validation")}  # fmt: skip
        jobs.append({"key": key.label(), "model": key.model, **splits,
                     "config": experiment.training_settings(config),
                     "seed": network_seed(key.task, key.model, key.delay_regime, key.replicate)})  # fmt: skip
    return jobs


def worker(kind: str, commit: str, replicates: int, out: Path) -> None:
    """One implementation over every network, each in its own fork; results pickled to ``out``."""
    config = yaml.safe_load((ROOT / "config.yaml").read_text())
    if kind == "reference":
        training = _reference_modules(commit)
    else:
        import inforelay.nets.training as training

        training.warm_up()
    results = [{"key": job["key"], **_train_in_fork(training, job)} for job in _jobs(config, replicates)]
    out.write_bytes(pickle.dumps(results))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--replicates", type=int, default=2, help="replicates of each of the 36 conditions")
    parser.add_argument("--reference", default="HEAD", help="git commit of the reference implementation")
    parser.add_argument("--worker", choices=["reference", "current"], help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        worker(args.worker, args.reference, args.replicates, args.out)
        return 0

    import tempfile

    import torch

    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for kind in ("reference", "current"):  # one worker process each: MKL settings are per process
            out = Path(tmp) / f"{kind}.pkl"
            env = {**os.environ, "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "PYTHONWARNINGS": "ignore"}
            subprocess.run([sys.executable, __file__, "--worker", kind, "--reference", args.reference,
                            "--replicates", str(args.replicates), "--out", str(out)], check=True, env=env)  # fmt: skip
            results[kind] = {r["key"]: r for r in pickle.loads(out.read_bytes())}
    ref, cur = results["reference"], results["current"]
    print(f"torch {torch.__version__}; config.yaml; {len(cur)} networks ({args.replicates} replicate(s) of each "
          f"condition), each trained in a fresh fork; reference: {args.reference}\n")
    print("| task | model | networks | reference CPU s/network | epochs | this checkout CPU s/network | epochs | ratio |")
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    groups: dict[tuple[str, str], list[str]] = {}
    for key in cur:
        task, model = key.split("/")[:2]
        groups.setdefault((task, model), []).append(key)
    for (task, model), keys in sorted(groups.items()):
        r = statistics.mean(ref[k]["cpu_s"] for k in keys)
        c = statistics.mean(cur[k]["cpu_s"] for k in keys)
        print(f"| {task} | {model} | {len(keys)} | {r:.3f} | {statistics.mean(ref[k]['epochs'] for k in keys):.1f} | "
              f"{c:.3f} | {statistics.mean(cur[k]['epochs'] for k in keys):.1f} | {r / c:.2f}x |")
    r_all = statistics.mean(v["cpu_s"] for v in ref.values())
    c_all = statistics.mean(v["cpu_s"] for v in cur.values())
    print(f"| all | all | {len(cur)} | {r_all:.3f} | {statistics.mean(v['epochs'] for v in ref.values()):.1f} | "
          f"{c_all:.3f} | {statistics.mean(v['epochs'] for v in cur.values()):.1f} | {r_all / c_all:.2f}x |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
