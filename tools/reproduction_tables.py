"""Markdown fragments of docs/reproduction.md, printed from a run's files, never retyped.

    python tools/reproduction_tables.py results/claims.csv                  # every claim's section
    python tools/reproduction_tables.py results/claims.csv --ids C2 C3      # some claims
    python tools/reproduction_tables.py results/claims.csv --summary        # summary and families
    python tools/reproduction_tables.py results/claims.csv --bias results/tables
    python tools/reproduction_tables.py results/claims.csv --manifest RUN_DIR
    python tools/reproduction_tables.py RUN_DIR/results/claims.csv --render tools/reproduction.template.md \
        --run RUN_DIR > docs/reproduction.md                                # the whole page

A claim's section gives the claim (with the paper's words), the registered statistic and test,
and one row per (family, group): effect with its 95 % CI, the one-sided p-value, the
Holm-adjusted p, the number of networks and the verdict. ``--summary`` prints the primary
analysis's verdict table with its counts, the other families' counts and every verdict a
sensitivity analysis changes. ``--bias`` prints, per task and architecture, the plug-in relay at
``t_k`` beside its shuffle-null level (``results/tables/relay_null.csv``). ``--manifest`` prints
the run's manifest from the files a run leaves in its directory (``RUN_COMMIT``, ``RUN_DIGESTS``,
``RUN_START``, ``RUN_END``, ``RUN_CPU.json``). ``--render`` fills a template's markers
``{{manifest}}``, ``{{summary}}``, ``{{bias}}`` and ``{{claims: C1 C8a ...}}`` with these
fragments of the run ``--run``, so the published page carries no retyped number.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
from pathlib import Path

import pandas as pd

from inforelay.claims.engine import PRIMARY, format_number
from inforelay.claims.report import SYMBOLS, summary_table

_ORDER = {"primary": 0, "pooled": 1}


def _interval(row: pd.Series) -> str:
    if pd.isna(row["ci_low"]) or pd.isna(row["ci_high"]):
        return "—"
    return f"[{format_number(row['ci_low'])}, {format_number(row['ci_high'])}]"


def _p(value: float) -> str:
    return "—" if pd.isna(value) else f"{value:.2g}"


def claim_section(rows: pd.DataFrame) -> str:
    """The markdown section of one claim id: the primary and pooled rows first, then each
    sensitivity analysis."""
    first = rows.iloc[0]
    target = f"null {format_number(first['null'])}"
    if pd.notna(first["needed"]):
        target += f", needed {format_number(first['needed'])}"
    lines = [f"#### {first['id']}: {first['claim']}", "",
             f"Statistic: {first['statistic']}. Test: {first['test']} ({target}).", "",
             "| family | group | effect | 95 % CI | p | p (Holm) | n | verdict |",
             "| --- | --- | ---: | --- | ---: | ---: | ---: | --- |"]  # fmt: skip
    ordered = rows.assign(_o=rows["family"].map(lambda f: _ORDER.get(f, 2))).sort_values(
        "_o", kind="stable")
    for _, row in ordered.iterrows():
        family = row["family"].removeprefix("sensitivity: ")
        lines.append(
            f"| {family} | {row['group']} | {format_number(row['effect'])} | {_interval(row)} | "
            f"{_p(row['p_value'])} | {_p(row['p_holm'])} | "
            f"{int(row['n']) if pd.notna(row['n']) else '—'} | {SYMBOLS.get(row['verdict'], '?')} "
            f"{row['verdict']} |"
        )
    return "\n".join(lines) + "\n"


def _counts(df: pd.DataFrame) -> str:
    c = df["verdict"].value_counts()
    return (f"{c.get('held', 0)} held, {c.get('not held', 0)} not held, "
            f"{c.get('inconclusive', 0)} inconclusive (of {len(df)})")


def summary(df: pd.DataFrame) -> str:
    """The primary analysis's verdict table and counts, the other families' counts, and the
    verdicts each sensitivity analysis changes."""
    primary = df[df["family"] == PRIMARY]
    out = [summary_table(df).to_markdown(), "",
           f"Primary analysis: {_counts(primary)}.", ""]
    for family in dict.fromkeys(df["family"]):
        if family == PRIMARY:
            continue
        rows = df[df["family"] == family]
        out.append(f"- {family}: {_counts(rows)}.")
    verdicts = primary.set_index(["id", "group"])["verdict"]
    changes = []
    for _, row in df[df["family"].str.startswith("sensitivity")].iterrows():
        before = verdicts.get((row["id"], row["group"]))
        if before is not None and before != row["verdict"]:
            changes.append(f"| {row['family'].removeprefix('sensitivity: ')} | {row['id']} | "
                           f"{row['group']} | {SYMBOLS[before]} {before} | "
                           f"{SYMBOLS[row['verdict']]} {row['verdict']} | "
                           f"{format_number(row['effect'])} {_interval(row)} |")
    out += ["", f"Verdicts a sensitivity analysis changes: {len(changes)}.", ""]
    if changes:
        out += ["| sensitivity analysis | id | group | primary | sensitivity | its effect [95 % CI] |",
                "| --- | --- | --- | --- | --- | --- |", *changes]
    return "\n".join(out) + "\n"


def bias(tables: Path) -> str:
    """Per task and architecture, over networks (medians, with the network count): the plug-in
    full relay and mean per-unit contribution at ``t_k`` beside their shuffle-null levels."""
    null = pd.read_csv(tables / "relay_null.csv")
    hidden = null[null["state"] == "hidden"]
    per_search = hidden.groupby(["task", "model", "delay_regime", "replicate", "concept"]).agg(
        full=("full", "first"), null_full=("null_full", "first"),
        unit=("contribution", "mean"), null_unit=("null_contribution", "mean"),
        n_samples=("n_samples", "first"), n_shuffles=("n_shuffles", "first"))
    per_network = per_search.groupby(["task", "model", "delay_regime", "replicate"]).mean()
    rows = ["| task | model | networks | samples | shuffles | full I_R | its null | mean unit | its null | null / plug-in (unit) |",
            "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]  # fmt: skip
    for (task, model), g in per_network.groupby(["task", "model"], sort=False):
        med = g.median()
        rows.append(f"| {task} | {model} | {len(g)} | {int(med['n_samples'])} | {int(med['n_shuffles'])} | "
                    f"{med['full']:.3f} | {med['null_full']:.3f} | {med['unit']:.4f} | "
                    f"{med['null_unit']:.4f} | {med['null_unit'] / med['unit']:.2f} |")
    return "\n".join(rows) + "\n"


def _step_cpu_s(run_dir: Path) -> float:
    """CPU seconds of every job's step, from the lines the warm job server logs per job."""
    import re

    from inforelay.pipeline.runner.warm import CPU_LOG_PREFIX

    pattern = re.compile(re.escape(CPU_LOG_PREFIX) + r" ([0-9.]+) s")
    return sum(float(m) for log in (run_dir / "logs").rglob("*.log")
               for m in pattern.findall(log.read_text(errors="replace")))


def manifest(run_dir: Path) -> str:
    """The run's manifest: commit, digests, start and end, machine, wall and CPU."""
    read = lambda name: (run_dir / name).read_text().strip()  # noqa: E731
    cpu = json.loads(read("RUN_CPU.json"))
    digests = dict(reversed(line.split()) for line in read("RUN_DIGESTS").splitlines())
    rows = [
        ("commit", f"`{read('RUN_COMMIT')}`"),
        ("config", f"`config.yaml` (sha256 `{digests['config.yaml']}`)"),
        ("pre-registration", f"`config/claims.yaml` (sha256 `{digests['config/claims.yaml']}`)"),
        ("start / end (UTC)", f"{read('RUN_START')} / {read('RUN_END')}"),
        ("machine", f"{platform.machine()}, {os.cpu_count()} cores, {platform.system()} "
                    f"{platform.release()}, Python {platform.python_version()}"),
        ("command", "`snakemake --cores 8` (through `bench/_snakemake_cpu.py`)"),
        ("wall", f"{cpu['wall_s'] / 60:.1f} min"),
        ("CPU", f"{_step_cpu_s(run_dir) / 60:.1f} min in the jobs' steps (their logs), "
                f"{cpu['snakemake_cpu_s'] / 60:.1f} min in Snakemake's own process; "
                "`python bench/pipeline.py --existing RUN_DIR` splits it by rule"),
    ]
    return "\n".join(["| | |", "| --- | --- |", *(f"| {k} | {v} |" for k, v in rows)]) + "\n"


def render(template: str, df: pd.DataFrame, run_dir: Path) -> str:
    """``template`` with its markers replaced by the fragments of the run in ``run_dir``."""
    import re

    fragments = {"manifest": lambda: manifest(run_dir), "summary": lambda: summary(df),
                 "bias": lambda: bias(run_dir / "results" / "tables")}

    def fill(match: re.Match) -> str:
        name, _, rest = match.group(1).partition(":")
        if name.strip() == "claims":
            ids = rest.split()
            return "\n".join(claim_section(df[df["id"] == cid]) for cid in ids).rstrip("\n")
        return fragments[name.strip()]().rstrip("\n")

    return re.sub(r"\{\{([^}]*)\}\}", fill, template)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("claims", type=Path, help="a results/claims.csv")
    parser.add_argument("--ids", nargs="*", help="only these claims' sections")
    parser.add_argument("--summary", action="store_true", help="summary, families, changes")
    parser.add_argument("--bias", type=Path, metavar="TABLES", help="a results/tables directory")
    parser.add_argument("--manifest", type=Path, metavar="RUN_DIR", help="a run's directory")
    parser.add_argument("--render", type=Path, metavar="TEMPLATE", help="a page with markers")
    parser.add_argument("--run", type=Path, metavar="RUN_DIR", help="the run --render reads")
    args = parser.parse_args(argv)
    df = pd.read_csv(args.claims)
    if args.render:
        sys.stdout.write(render(args.render.read_text(), df, args.run or args.claims.parents[1]))
    elif args.summary:
        sys.stdout.write(summary(df))
    elif args.bias:
        sys.stdout.write(bias(args.bias))
    elif args.manifest:
        sys.stdout.write(manifest(args.manifest))
    else:
        for cid, rows in df.groupby("id", sort=False):
            if not args.ids or cid in args.ids:
                sys.stdout.write(claim_section(rows) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
