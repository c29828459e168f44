"""Markdown report of a claims table (``results/claims.md``), for rows of any claims family.

The report leads with a one-screen summary of the primary analysis — rows = claims, columns =
groups, cells = verdict symbols (:data:`SYMBOLS`); only its rows are counted — then the other
families (pooled rows, sanity checks, and each sensitivity analysis with the verdicts it
changes), then, per claim, its statistic, test and one line per (family, group) with the effect,
95 % interval, p, Holm-adjusted p, n, verdict and why. Renders the paper's claims
(:func:`inforelay.claims.paper.evaluate_claims`), the flow study's
(:func:`inforelay.claims.flow.evaluate_flow_claims`), or both. See ``docs/claims.md``.
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
    POOLED_FAMILY,
    PRIMARY,
    SANITY,
    format_number,
)
from inforelay.claims.groups import POOLED, model_rank, summary_column

__all__ = ["NOT_TESTED", "SYMBOLS", "claims_markdown", "summary_table"]

DEFAULT_TITLE = "Claims of Hintze, Najam & Schossau, tested on this run"
SYMBOLS = {HELD: "✓", NOT_HELD: "✗", INCONCLUSIVE: "?"}
NOT_TESTED = "–"
_HEADER_KEYS = ("n_networks", "experiment", "config", "versions", "title", "alpha", "untested")


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


def _short(claim: str) -> str:
    """The claim without its quotation from the paper."""
    text = claim.split('"')[0].rstrip(" (;")
    return text + ")" if text.count("(") > text.count(")") else text


def _columns(df: pd.DataFrame) -> list[str]:
    """Summary columns: ``task/model`` by task, then rnn, gru, lstm; other groups; ``pooled`` last."""
    cols = list(dict.fromkeys(summary_column(g) for g in df["group"]))

    def key(col: str) -> tuple[bool, str, int, str]:
        task, _, model = col.partition("/")
        return (col == POOLED, task, model_rank(model), model)

    return sorted(cols, key=key)


def _family(df: pd.DataFrame, family: str) -> pd.DataFrame:
    return df[df["family"] == family] if "family" in df.columns else df


def summary_table(df: pd.DataFrame) -> pd.DataFrame:
    """Verdict symbols of the primary analysis, one row per claim id (index) and one column per
    group (a table without ``family`` is shown whole)."""
    df = _family(df, PRIMARY)
    cells = df.assign(column=df["group"].map(summary_column),
                      symbol=df["verdict"].map(SYMBOLS).fillna("?"))
    table = cells.pivot_table(index="id", columns="column", values="symbol",
                              aggfunc=lambda s: "".join(s), sort=False)
    ids = list(dict.fromkeys(df["id"]))
    return table.reindex(index=ids, columns=_columns(df)).fillna(NOT_TESTED)


def _counts(df: pd.DataFrame) -> str:
    counts = df["verdict"].value_counts()
    return (f"**{counts.get(HELD, 0)} held**, **{counts.get(NOT_HELD, 0)} not held**, "
            f"**{counts.get(INCONCLUSIVE, 0)} inconclusive** (of {len(df)})")


def _summary_lines(df: pd.DataFrame, alpha: float) -> list[str]:
    table = summary_table(df)
    claims = df.drop_duplicates("id").set_index("id")["claim"]
    lines = [
        "## Summary",
        "",
        (f"Legend: {SYMBOLS[HELD]} held · {SYMBOLS[NOT_HELD]} not held · "
        f"{SYMBOLS[INCONCLUSIVE]} inconclusive · {NOT_TESTED} not applicable. A column `task/model` "
        "also holds that model's comparison with the RNN (`task/model vs rnn`). "
        f"Holm-corrected one-sided tests at family-wise alpha = {alpha} within each family; "
        "rules in docs/claims.md."),
        "",
        f"Rows of the primary analysis: {_counts(_family(df, PRIMARY))}.",
        "",
        "| id | claim | " + " | ".join(table.columns) + " |",
        "| --- | --- | " + " | ".join(":-:" for _ in table.columns) + " |",
    ]
    for cid, cells in table.iterrows():
        lines.append(f"| {cid} | {_short(claims[cid])} | " + " | ".join(cells) + " |")
    return lines


def _family_lines(df: pd.DataFrame) -> list[str]:
    """The families besides the primary analysis: counts, and for each sensitivity analysis the
    (claim, group) rows whose verdict differs from the primary one."""
    if "family" not in df.columns:
        return []
    lines = ["## Other families", ""]
    pooled, sanity = _family(df, POOLED_FAMILY), _family(df, SANITY)
    if len(pooled):
        lines += [f"- Pooled rows (every task and architecture together; a Holm family of their "
                  f"own, not counted above): {_counts(pooled)}."]
    if len(sanity):
        lines += ["- Sanity checks (cannot fail by design; not counted): "
                  + ", ".join(f"{r['id']} {r['group']} {SYMBOLS.get(r['verdict'], '?')}"
                              for _, r in sanity.iterrows()) + "."]
    primary = _family(df, PRIMARY).set_index(["id", "group"])["verdict"]
    others = [f for f in dict.fromkeys(df["family"]) if f not in (PRIMARY, POOLED_FAMILY, SANITY)]
    for family in others:
        rows = _family(df, family)
        changed = [(r["id"], r["group"], primary.get((r["id"], r["group"])), r["verdict"])
                   for _, r in rows.iterrows()
                   if primary.get((r["id"], r["group"])) not in (None, r["verdict"])]
        lines += ["", f"### {family[:1].upper()}{family[1:]}", "",
                  f"{_counts(rows)}; {len(changed)} verdict(s) differ from the primary analysis"
                  + (":" if changed else ".")]
        if changed:
            lines += ["", "| id | group | primary | this analysis |", "| --- | --- | --- | --- |"]
            lines += [f"| {cid} | {group} | {SYMBOLS.get(a, '?')} {a} | {SYMBOLS.get(b, '?')} {b} |"
                      for cid, group, a, b in changed]
    return lines + [""]


def _p(p: float) -> str:
    return "n/a" if not np.isfinite(p) else f"{p:.2g}"


def _effect(r: pd.Series) -> str:
    text = format_number(r["effect"])
    if np.isfinite(r["ci_low"]) and np.isfinite(r["ci_high"]):
        text += f" [{format_number(r['ci_low'])}, {format_number(r['ci_high'])}]"
    return text


def _claim_section(rows: pd.DataFrame) -> list[str]:
    first = rows.iloc[0]
    target = f"null {format_number(first['null'])}"
    if np.isfinite(first["needed"]):
        target += f"; the claim needs at least {format_number(first['needed'])}"
    lines = [
        f"### {first['id']}: {first['claim']}",
        "",
        f"Statistic: {first['statistic']}. Test: {first['test']} ({target}).",
        "",
        "| group | effect [95% CI] | p | p_holm | n | verdict | details |",
        "| --- | ---: | ---: | ---: | ---: | --- | --- |",
    ]
    for _, r in rows.iterrows():
        family = r.get("family", PRIMARY)
        group = r["group"] if family in (PRIMARY, POOLED_FAMILY) else f"{r['group']} ({family})"
        lines.append(f"| {group} | {_effect(r)} | {_p(r['p_value'])} | {_p(r['p_holm'])} "
                     f"| {r['n']} | {SYMBOLS.get(r['verdict'], '?')} {r['verdict']} | {r['details']} |")
    return lines + [""]


def claims_markdown(df: pd.DataFrame, context: Mapping[str, Any] | None = None) -> str:
    """Render a claims table as Markdown (``results/claims.md``): summary first, then details.

    Parameters
    ----------
    df
        Rows in the schema :data:`~inforelay.claims.engine.CLAIM_COLUMNS`.
    context
        Optional header facts: ``title``, ``n_networks``, ``experiment`` (mapping), ``config``
        (mapping or string), ``versions`` (mapping), ``alpha``, ``untested`` (``claim``,
        ``reason`` entries: a section of claims without a test); any other key is listed as is.
    """
    context = dict(context or {})
    missing = [c for c in CLAIM_COLUMNS if c not in df.columns]
    if missing:
        raise ValueError(f"claims table lacks column(s) {missing}")
    out = [f"# {context.get('title', DEFAULT_TITLE)}", ""]
    out += _context_lines(context)
    out += ["", *_summary_lines(df, context.get("alpha", 0.05)), "", *_family_lines(df)]
    if context.get("untested"):
        out += ["## Claims without a test", ""]
        out += [f"- {e['claim']}: {e['reason']}" for e in context["untested"]] + [""]
    out += ["## Details", ""]
    for _, rows in df.groupby("id", sort=False):
        out += _claim_section(rows)
    return "\n".join(out)
