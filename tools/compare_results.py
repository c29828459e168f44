"""Compare two pipeline result trees number by number (a refactoring must not change a result).

    python tools/compare_results.py OLD/results NEW/results

Every CSV table (columns matched by name after the renames listed in RENAMED_COLUMNS) and every
HDF5 dataset present in both trees is compared exactly; model files (.pt) by their tensors.
Prints one line per difference and a summary; exit status 1 when anything differs.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import h5py
import numpy as np
import pandas as pd

# columns renamed on purpose since the reference run (old name -> new name)
RENAMED_COLUMNS = {"delay": "delay_regime", "rep": "replicate", "claim_id": "id", "value": "effect"}
# files whose schema changed on purpose: compared on the shared numeric columns only
SKIPPED_SUFFIXES = (".meta.json", ".log", ".png", ".pdf", ".md", ".html")


def _frame(path: Path) -> pd.DataFrame:
    df = pd.read_csv(path)
    return df.rename(columns={k: v for k, v in RENAMED_COLUMNS.items() if k in df.columns and v not in df.columns})


def compare_csv(old: Path, new: Path) -> list[str]:
    a, b = _frame(old), _frame(new)
    problems = []
    if len(a) != len(b):
        return [f"{new}: {len(b)} rows, reference has {len(a)}"]
    for column in a.columns:
        if column not in b.columns:
            problems.append(f"{new}: column {column!r} missing")
            continue
        x, y = a[column], b[column]
        if pd.api.types.is_numeric_dtype(x) and pd.api.types.is_numeric_dtype(y):
            xs, ys = x.to_numpy(dtype=float), y.to_numpy(dtype=float)
            diff = np.abs(xs - ys)
            same = (diff <= ATOL) | (np.isnan(xs) & np.isnan(ys))
        else:
            same = (x.isna() & y.isna()).to_numpy() | (x.astype(object).astype(str) == y.astype(object).astype(str)).to_numpy()
        if not same.all():
            problems.append(f"{new}: column {column!r} differs in {int((~same).sum())} of {len(same)} rows")
    return problems


ATOL = 0.0  # set by --atol: the largest absolute difference of floats that counts as equal


def _close(x: np.ndarray, y: np.ndarray) -> tuple[bool, float]:
    """Whether two float arrays agree within ATOL (NaN equals NaN), and their largest difference."""
    if x.shape != y.shape:
        return False, float("inf")
    both_nan = np.isnan(x) & np.isnan(y)
    diff = np.where(both_nan, 0.0, np.abs(x.astype(float) - y.astype(float)))
    worst = float(np.nanmax(diff, initial=0.0)) if diff.size else 0.0
    return bool(np.all(diff <= ATOL)) and not np.isnan(diff).any(), worst


def compare_h5(old: Path, new: Path) -> list[str]:
    problems: list[str] = []
    with h5py.File(old, "r") as fa, h5py.File(new, "r") as fb:
        names: list[str] = []
        fa.visititems(lambda name, obj: names.append(name) if isinstance(obj, h5py.Dataset) else None)
        for name in names:
            if name not in fb:
                problems.append(f"{new}: dataset {name!r} missing")
                continue
            x, y = fa[name][()], fb[name][()]
            if np.asarray(x).dtype.kind == "f":
                equal, worst = _close(np.asarray(x), np.asarray(y))
                if not equal:
                    problems.append(f"{new}: dataset {name!r} differs (max |diff| {worst:.3g})")
            elif not np.array_equal(x, y):
                problems.append(f"{new}: dataset {name!r} differs")
    return problems


def compare_pt(old: Path, new: Path) -> list[str]:
    import torch

    a = torch.load(old, map_location="cpu", weights_only=False)
    b = torch.load(new, map_location="cpu", weights_only=False)
    sa, sb = a.get("state_dict", a), b.get("state_dict", b)
    bad = [k for k in sa if k not in sb or not torch.equal(sa[k], sb[k])]
    return [f"{new}: tensor(s) {bad} differ"] if bad else []


COMPARERS = {".csv": compare_csv, ".h5": compare_h5, ".pt": compare_pt}


def compare_trees(old: Path, new: Path) -> tuple[int, list[str]]:
    checked, problems = 0, []
    for path in sorted(old.rglob("*")):
        compare = COMPARERS.get(path.suffix)
        if compare is None or path.name.endswith(SKIPPED_SUFFIXES) or not path.is_file():
            continue
        other = new / path.relative_to(old)
        if not other.exists():
            problems.append(f"{other}: missing")
            continue
        checked += 1
        problems += compare(path, other)
    return checked, problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("reference", type=Path)
    parser.add_argument("candidate", type=Path)
    parser.add_argument("--atol", type=float, default=0.0, help="float tolerance (default: exact)")
    args = parser.parse_args(argv)
    global ATOL
    ATOL = args.atol
    checked, problems = compare_trees(args.reference, args.candidate)
    for line in problems:
        print(line)
    print(f"{checked} files compared, {len(problems)} differences")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
