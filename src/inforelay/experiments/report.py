"""An experiment's report: tables, figures and a markdown summary from its levels' runs.

:func:`write_report` reads every level that has finished (its ``config.yaml``, ``cost.json``,
``results/claims.csv`` and ``results/tables/``) and writes, to one directory:

- ``claims.csv``: every level's claims rows (``level``, ``level_value`` first);
- ``values.csv``: the per-network value of every claim and measure at every level;
- ``trends.csv``: the pre-registered trends (claims-table columns, family ``trend``);
- ``cost.csv``: each level's networks, wall and CPU;
- ``fig_<claim>.png`` (effect against level) and ``fig_trend_<name>.png`` (per-network values);
- ``summary.md``: the question, the design, the cost, the trend table and each followed claim's
  verdict per group and level.

:func:`summary_markdown` builds the markdown from frames (no file access).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from inforelay.claims.engine import VerdictRule, format_number
from inforelay.claims.preregistration import load_preregistration
from inforelay.claims.report import SYMBOLS
from inforelay.core.atomic import atomic_path, write_table
from inforelay.core.provenance import package_versions
from inforelay.experiments.collect import (
    MEASURES,
    collect_claims,
    collect_values,
    read_level_claims,
    read_level_tables,
    trend_table,
)
from inforelay.experiments.run import REPO_ROOT, level_directory, read_cost
from inforelay.experiments.spec import Experiment, ExperimentError
from inforelay.figures.experiments import plot_claim_against_level, plot_trend_values
from inforelay.figures.style import save

__all__ = ["cost_table", "summary_markdown", "trend_matrix", "verdict_matrix", "write_report"]


def _cell(row: pd.Series) -> str:
    if not pd.notna(row["effect"]):
        return "–"
    interval = f" [{format_number(row['ci_low'])}, {format_number(row['ci_high'])}]" \
        if pd.notna(row["ci_low"]) else ""
    return f"{SYMBOLS.get(row['verdict'], '?')} {format_number(row['effect'])}{interval}"


def verdict_matrix(claims: pd.DataFrame, claim: str, levels: list[str]) -> pd.DataFrame:
    """One followed claim's primary and pooled rows as a group × level table of
    ``symbol effect [interval]`` cells."""
    rows = claims[(claims["id"] == claim) & claims["family"].isin(["primary", "pooled"])]
    if rows.empty:
        return pd.DataFrame()
    cells = {(r["group"], r["level"]): _cell(r) for _, r in rows.iterrows()}
    groups = list(dict.fromkeys(rows["group"]))
    shown = [lv for lv in levels if lv in set(rows["level"])]
    out = pd.DataFrame([[cells.get((g, lv), "–") for lv in shown] for g in groups],
                       index=groups, columns=shown)
    out.index.name = "group"
    return out


def trend_matrix(trends: pd.DataFrame) -> pd.DataFrame:
    """The trends as a trend × group table of ``symbol rho [interval]`` cells (rho oriented as
    registered: > 0 agrees with the registered direction; ``either``: |rho|)."""
    if trends.empty:
        return pd.DataFrame()
    cells = {(r["id"], r["group"]): _cell(r) for _, r in trends.iterrows()}
    ids, groups = list(dict.fromkeys(trends["id"])), list(dict.fromkeys(trends["group"]))
    out = pd.DataFrame([[cells.get((i, g), "–") for g in groups] for i in ids], index=ids, columns=groups)
    out.index.name = "trend"
    return out


def cost_table(costs: Mapping[str, Mapping[str, Any]], networks: Mapping[str, int]) -> pd.DataFrame:
    """Per level: networks, wall (summed over the level's invocations) and the CPU of its steps."""
    rows = []
    for label, cost in costs.items():
        rows.append({"level": label, "networks": networks.get(label, 0),
                     "wall_min": round(cost.get("wall_s", float("nan")) / 60, 2),
                     "steps_cpu_min": round(cost.get("steps_cpu_s", float("nan")) / 60, 2)})
    return pd.DataFrame(rows, columns=["level", "networks", "wall_min", "steps_cpu_min"])


def _markdown(df: pd.DataFrame, index: bool = True) -> str:
    frame = df.reset_index() if index else df
    head = "| " + " | ".join(str(c) for c in frame.columns) + " |"
    rule = "| " + " | ".join("---" for _ in frame.columns) + " |"
    body = ["| " + " | ".join(str(v) for v in row) + " |" for row in frame.itertuples(index=False)]
    return "\n".join([head, rule, *body])


def summary_markdown(experiment: Experiment, claims: pd.DataFrame, trends: pd.DataFrame,
                     costs: pd.DataFrame) -> str:
    """The experiment's summary in markdown (see the module docstring)."""
    levels = [level.label for level in experiment.levels if level.label in set(claims["level"])]
    lines = [f"## {experiment.name}", "", f"**Question.** {experiment.question}", "",
             f"**Levels** ({experiment.axis}): "
             + "; ".join(f"`{lv.label}` = " + (", ".join(f"`{k}: {v}`" for k, v in lv.settings.items()) or "base")
                         for lv in experiment.levels), "",
             "**Shared settings:** " + (", ".join(f"`{k}: {v}`" for k, v in experiment.settings.items()) or "none"),
             "", "**Cost** (2 cores; wall, and the CPU of the jobs' steps):", "", _markdown(costs, index=False), ""]
    if not trends.empty:
        shown = trends[["id", "group", "effect", "ci_low", "ci_high", "p_holm", "n", "verdict", "details"]].copy()
        shown["verdict"] = shown["verdict"].map(lambda v: f"{SYMBOLS.get(v, '?')} {v}")
        for col in ("effect", "ci_low", "ci_high", "p_holm"):
            shown[col] = shown[col].map(format_number)
        lines += [("**Pre-registered trends** (Spearman's rho of level vs per-network value, oriented "
                   "so that > 0 agrees; Holm over all trends of the experiment):"), "",
                  _markdown(trend_matrix(trends)), "", "The same, with p-values and the means by level:",
                  "", _markdown(shown, index=False), ""]
    for claim in experiment.claims:
        matrix = verdict_matrix(claims, claim, levels)
        if matrix.empty:
            continue
        text = claims.loc[claims["id"] == claim, "claim"].iloc[0]
        lines += [f"**{claim}** — {text}", "", _markdown(matrix), ""]
    lines.append(f"Legend: {SYMBOLS['held']} held · {SYMBOLS['not held']} not held · "
                 f"{SYMBOLS['inconclusive']} inconclusive; effect [95 % CI].")
    return "\n".join(lines) + "\n"


def _level_config(directory: Path) -> dict[str, Any]:
    return yaml.safe_load((directory / "config.yaml").read_text())


def _preregistration(config: Mapping[str, Any], root: Path):
    path = Path(str(config["claims"]["preregistration"]))
    if not path.is_file():  # a run made in another checkout: the same file of this one
        path = root / "config" / "claims.yaml"
    return load_preregistration(path)


def write_report(experiment: Experiment, runs: str | os.PathLike[str], out: str | os.PathLike[str],
                 *, root: str | os.PathLike[str] = REPO_ROOT) -> Path:
    """Collect every finished level of ``experiment`` under ``runs`` and write its report to
    ``out`` (see the module docstring); returns the summary's path.

    Raises
    ------
    ExperimentError
        When no level has finished.
    """
    out, root = Path(out), Path(root)
    claims, tables, delays, costs, networks = {}, {}, {}, {}, {}
    reg = None
    for level in experiment.levels:
        directory = level_directory(runs, experiment, level)
        try:
            claims[level.label] = read_level_claims(directory)
        except ExperimentError:
            continue
        config = _level_config(directory)
        reg = reg or _preregistration(config, root)
        tables[level.label] = read_level_tables(directory)
        delays[level.label] = list(config["tasks"]["delay_choices"])
        costs[level.label] = read_cost(directory)
        e = config["experiment"]
        networks[level.label] = len(e["tasks"]) * len(e["models"]) * len(e["delays"]) * int(e["replicates"])
    if not claims:
        raise ExperimentError(f"{experiment.source}: no level under {Path(runs) / experiment.name} has finished")
    collected = collect_claims(experiment, claims)
    values = collect_values(experiment, tables, reg, delays)
    trends = trend_table(experiment, values, VerdictRule(reg.alpha)) if experiment.trends else pd.DataFrame()
    cost = cost_table(costs, networks)
    out.mkdir(parents=True, exist_ok=True)
    meta = {"experiment": experiment.name, "source": experiment.source, "versions": package_versions(),
            "levels": list(claims)}
    write_table(collected, out / "claims.csv", meta)
    write_table(values, out / "values.csv", meta)
    write_table(cost, out / "cost.csv", meta)
    if not trends.empty:
        write_table(trends, out / "trends.csv", meta)
    levels = [(level.label, level.value) for level in experiment.levels if level.label in claims]
    for claim in experiment.claims:
        fig = plot_claim_against_level(collected, claim, axis=experiment.axis, levels=levels)
        if fig is not None:
            save(fig, out / f"fig_{claim}")
    for trend in experiment.trends:
        what = MEASURES[trend.claim][0] if trend.claim in MEASURES else f"{trend.claim}'s per-network value"
        fig = plot_trend_values(values, trend.claim, axis=experiment.axis, levels=levels, what=what)
        if fig is not None:
            save(fig, out / f"fig_trend_{trend.claim}")
    summary = out / "summary.md"
    with atomic_path(summary) as tmp:
        tmp.write_text(summary_markdown(experiment, collected, trends, cost))
    return summary
