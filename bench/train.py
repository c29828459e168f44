"""Benchmark: training cost per architecture × task × delay regime.

For each combination, trains a few networks (different seeds) on data of the configured sizes
(``tasks.n_train`` / ``tasks.n_validation``) with the configured ``training`` settings and reports
seconds per epoch, seconds per trained network, epochs and restarts needed. Prints a markdown table.

    python bench/train.py                          # config/quick.yaml over config.yaml
    python bench/train.py --config config.yaml --seeds 5 --regimes 3 random
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]


def _merge(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in override.items():
        out[key] = _merge(out[key], value) if isinstance(value, Mapping) and isinstance(out.get(key), Mapping) else value
    return out


def load_config(path: Path | None) -> tuple[dict[str, Any], str]:
    """config.yaml with ``path`` (default: config/quick.yaml when present) merged over it."""
    config = yaml.safe_load((ROOT / "config.yaml").read_text())
    if path is None:
        quick = ROOT / "config" / "quick.yaml"
        path = quick if quick.exists() else None
    if path is not None:
        config = _merge(config, yaml.safe_load(Path(path).read_text()) or {})
    return config, str(path) if path is not None else "config.yaml"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--config", type=Path, default=None, help="config file merged over config.yaml")
    parser.add_argument("--seeds", type=int, default=3, help="networks per combination")
    parser.add_argument("--regimes", nargs="+", default=["3", "random"], help="training delay regimes")
    parser.add_argument("--tasks", nargs="+", default=["memory", "block"])
    parser.add_argument("--models", nargs="+", default=["rnn", "gru", "lstm"])
    args = parser.parse_args(argv)

    import torch

    from inforelay.nets.training import (
        TrainingConfig,
        TrainingFailed,
        network_seed,
        train_network,
    )
    from inforelay.tasks import generate, parse_delay_regime, task_params

    config, source = load_config(args.config)
    tasks_cfg = config["tasks"]
    training = TrainingConfig.from_mapping(config["training"])
    n_train, n_validation = int(tasks_cfg["n_train"]), int(tasks_cfg["n_validation"])
    choices = tuple(int(d) for d in tasks_cfg["delay_choices"])

    print(f"config: {source}; n_train {n_train}, n_validation {n_validation}, batch {training.batch_size}, "
          f"lr {training.learning_rate}, target {training.target_accuracy}, threads {training.threads}, "
          f"device {training.device}; torch {torch.__version__}; {args.seeds} seeds each\n")
    print("| task | model | regime | s/epoch | s/network (mean, max) | epochs (median, max) | restarts (total) | failed |")
    print("|---|---|---|---:|---:|---:|---:|---:|")
    for task in args.tasks:
        params = task_params(task, tasks_cfg.get(task))
        for regime_text in args.regimes:
            regime = parse_delay_regime(regime_text)
            train = generate(task, n_train, regime, 1000, params, delay_choices=choices)
            validation = generate(task, n_validation, regime, 2000, params, delay_choices=choices)
            for model in args.models:
                seconds, epochs, restarts, per_epoch, failed = [], [], 0, [], 0
                for replicate in range(args.seeds):
                    seed = network_seed(task, model, regime_text, replicate)
                    start = time.perf_counter()
                    try:
                        result = train_network(model, train, validation, training, seed,
                                               label=f"{task}/{model}/delay-{regime_text}/rep-{replicate:02d}")
                    except TrainingFailed as error:
                        failed += 1
                        print(f"<!-- {error} -->", file=sys.stderr)
                        continue
                    elapsed = time.perf_counter() - start
                    total_epochs = len(result.history)
                    seconds.append(elapsed)
                    epochs.append(result.epochs)
                    restarts += result.restarts
                    per_epoch.append(elapsed / total_epochs)
                if seconds:
                    print(f"| {task} | {model} | {regime_text} | {statistics.mean(per_epoch):.4f} | "
                          f"{statistics.mean(seconds):.2f}, {max(seconds):.2f} | "
                          f"{statistics.median(epochs):.0f}, {max(epochs)} | {restarts} | {failed} |", flush=True)
                else:
                    print(f"| {task} | {model} | {regime_text} | – | – | – | – | {failed} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
