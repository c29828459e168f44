"""Markdown report of a claims table (``results/claims.md``), for rows of any claims source.

Renders any table in the schema of :mod:`inforelay.claims.engine` — the paper's claims
(:func:`inforelay.claims.paper.evaluate_claims`), the flow study's claims
(:func:`inforelay.claims.flow.evaluate_flow_claims`), or both concatenated. See
``docs/method.md`` (claims) and ``docs/flow.md``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from inforelay.claims.engine import (
    CLAIM_COLUMNS,
    HELD,
    INCONCLUSIVE,
    NOT_HELD,
    format_number,
)

__all__ = ["claims_markdown"]

DEFAULT_TITLE = "Claims of Hintze, Najam & Schossau, tested on this run"
_HEADER_KEYS = ("n_networks", "experiment", "config", "versions", "title", "alpha", "min_networks")


def _as_text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, sort_keys=True, default=str)


def _context_lines(context: Mapping[str, Any]) -> list[str]:
    """The header facts: networks, experiment, config, versions, then any other key as is."""
    lines = []
    if "n_networks" in context:
        lines.append(f"- Networks analysed: {context['n_networks']}")
    if context.get("experiment"):
        lines.append(f"- Experiment: `{_as_text(context['experiment'])}`")
    if context.get("config"):
        lines.append(f"- Config: `{_as_text(context['config'])}`")
    if context.get("versions"):
        text = ", ".join(f"{k} {v}" for k, v in sorted(dict(context["versions"]).items()))
        lines.append(f"- Versions: {text}")
    lines += [f"- {key}: {value}" for key, value in context.items() if key not in _HEADER_KEYS]
    return lines


def _p_text(p: float, digits: int) -> str:
    return "n/a" if not np.isfinite(p) else f"{p:.{digits}g}"


def _effect_text(row: pd.Series) -> str:
    """Effect with its confidence interval when there is one."""
    text = format_number(row["effect"])
    if np.isfinite(row["ci_low"]) and np.isfinite(row["ci_high"]):
        text += f" [{format_number(row['ci_low'])}, {format_number(row['ci_high'])}]"
    return text


def _summary(df: pd.DataFrame, alpha: float, min_n: int) -> str:
    counts = df["verdict"].value_counts()
    return (
        f"Verdicts: **{counts.get(HELD, 0)} held**, **{counts.get(NOT_HELD, 0)} not held**, "
        f"**{counts.get(INCONCLUSIVE, 0)} inconclusive** (of {len(df)}). Tests at "
        f"alpha = {alpha}; *held* = significant in the claimed direction; *not held* = significant "
        f"in the opposite direction, or not significant with at least {min_n} networks; "
        "*inconclusive* = too few networks, no test or no data. Effects with their 95 % confidence "
        "interval; n = independent values of the test. See docs/method.md for each statistic."
    )


def _table_lines(df: pd.DataFrame, with_group: bool) -> list[str]:
    group_head, group_rule = ("group | ", "--- | ") if with_group else ("", "")
    lines = [
        f"| id | claim | {group_head}effect [95% CI] | p | n | verdict |",
        f"| --- | --- | {group_rule}---: | ---: | ---: | --- |",
    ]
    for _, r in df.iterrows():
        group = f"{r['group']} | " if with_group else ""
        lines.append(
            f"| {r['id']} | {r['claim']} | {group}{_effect_text(r)} | {_p_text(r['p_value'], 2)} "
            f"| {r['n']} | {r['verdict']} |"
        )
    return lines


def _section(r: pd.Series, with_group: bool) -> list[str]:
    group = f" ({r['group']})" if with_group else ""
    text = (
        f"Statistic: {r['statistic']}. Test: {r['test']}. Effect {_effect_text(r)}, "
        f"p = {_p_text(r['p_value'], 3)}, n = {r['n']}: **{r['verdict']}**."
    )
    if r["details"]:
        text += f" Details: {r['details']}."
    return [f"## {r['id']}{group}: {r['claim']}", "", text, ""]


def claims_markdown(df: pd.DataFrame, context: Mapping[str, Any] | None = None) -> str:
    """Render a claims table as Markdown (``results/claims.md``).

    Parameters
    ----------
    df
        Rows in the schema :data:`~inforelay.claims.engine.CLAIM_COLUMNS`, from the paper's
        claims, the flow claims, or both. A ``group`` column is shown when any row's group is not
        ``"all"``.
    context
        Optional header facts: ``title``, ``n_networks``, ``experiment`` (mapping), ``config``
        (mapping or string), ``versions`` (mapping), ``alpha``, ``min_networks``; any other key is
        listed as is.
    """
    context = dict(context or {})
    missing = [c for c in CLAIM_COLUMNS if c not in df.columns]
    if missing:
        raise ValueError(f"claims table lacks column(s) {missing}")
    with_group = bool((df["group"].astype(str) != "all").any())
    out = [f"# {context.get('title', DEFAULT_TITLE)}", ""]
    out += _context_lines(context)
    out += ["", _summary(df, context.get("alpha", 0.05), context.get("min_networks", 10)), ""]
    out += _table_lines(df, with_group)
    out.append("")
    for _, r in df.iterrows():
        out += _section(r, with_group)
    return "\n".join(out)
