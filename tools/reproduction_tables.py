"""Markdown tables of a claims table, one section per claim, for docs/reproduction.md.

    python tools/reproduction_tables.py results/claims.csv > /tmp/claims_sections.md

Each section gives the claim (with the paper's words), the per-network statistic, the test and
one row per group: effect with its 95 % CI, the one-sided p-value, the Holm-adjusted p, the
number of networks and the verdict. The numbers are printed from the file, never retyped, so the
published report can be regenerated from a run's ``results/claims.csv``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

from inforelay.claims.engine import format_number
from inforelay.claims.report import summary_table


def _interval(row: pd.Series) -> str:
    if pd.isna(row["ci_low"]) or pd.isna(row["ci_high"]):
        return "—"
    return f"[{format_number(row['ci_low'])}, {format_number(row['ci_high'])}]"


def _p(value: float) -> str:
    return "—" if pd.isna(value) else f"{value:.2g}"


def claim_section(rows: pd.DataFrame) -> str:
    """The markdown section of one claim id."""
    first = rows.iloc[0]
    lines = [f"#### {first['id']}: {first['claim']}", "",
             f"Statistic: {first['statistic']}. Test: {first['test']}.", "",
             "| group | effect | 95 % CI | p | p (Holm) | n | verdict |",
             "| --- | ---: | --- | ---: | ---: | ---: | --- |"]  # fmt: skip
    for _, row in rows.iterrows():
        lines.append(
            f"| {row['group']} | {format_number(row['effect'])} | {_interval(row)} | {_p(row['p_value'])} | "
            f"{_p(row['p_holm'])} | {int(row['n']) if pd.notna(row['n']) else '—'} | {row['verdict']} |"
        )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("claims", type=Path, help="a results/claims.csv")
    args = parser.parse_args(argv)
    df = pd.read_csv(args.claims)
    print(summary_table(df).to_markdown(), "\n", sep="")
    for _, rows in df.groupby("id", sort=False):
        sys.stdout.write(claim_section(rows) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
