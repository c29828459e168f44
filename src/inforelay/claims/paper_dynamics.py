"""The paper's claims about when information arrives, how it settles and what it converges to:
C15b–d, C18, C19, C20a/b, C21, C22.

Inputs: the ``dynamics`` table (per network, relay state and concept:
:func:`inforelay.analyses.relay_dynamics_from_relay_file`), the ``attractors`` table (per
network: :func:`inforelay.analyses.attractor_scores` on the held-out test set), and for C19 the
``stability`` and ``generalization`` tables. Definitions: ``docs/claims.md``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import partial
from typing import Any

import numpy as np
import pandas as pd

from inforelay.claims.engine import ClaimSpec, claim_row, missing_row
from inforelay.claims.groups import GATED, KEYS, POOLED, load_table, per_model_rows
from inforelay.claims.paper_stability import LONG_DELAY
from inforelay.claims.preregistration import Preregistration
from inforelay.claims.statistics import (
    binomial_evidence,
    correlation_evidence,
    equivalence_signed_rank_evidence,
    signed_rank_evidence,
)

__all__ = ["DYNAMICS_CLAIMS", "dynamics_claims"]

Row = dict[str, Any]
_SETTLES = ("\"following a brief equilibration phase of about three time points, remains "
            "localized\"")

#: what the paper says, per claim; the statistic, test and numbers are registered
#: (:mod:`inforelay.claims.preregistration`)
DYNAMICS_CLAIMS = {
    "C15b": f"GRU/LSTM relay settles within about three steps of each concept's arrival ({_SETTLES}; "
            "hidden state)",
    "C15c": f"LSTM cell-state relay settles within about three steps of each concept's arrival "
            f"({_SETTLES}; \"hidden or cell states\")",
    "C15d": f"after the equilibration, GRU/LSTM relay stays where it is ({_SETTLES}: \"remains "
            "localized\")",
    "C18": "the relay identifies when a concept's information arrives (\"identifies when the "
           "information arrives\", Fig. 6)",
    "C19": "an RNN's relay drift goes with its weaker performance at long lags (\"likely "
           "contributing to their comparatively weaker performance\")",
    "C20a": "during the delay the hidden states converge on one attractor per concept state "
            "(\"forms one attractor for each potential state\")",
    "C20b": "at the end of the delay the concept states are separate clusters (\"forms one "
            "attractor for each potential state\")",
    "C21": "the relayed information falls as units are removed (\"total relayed information is "
           "expected to decrease\")",
    "C22": "the removal order is unrelated to the units' order in the layer (\"does not "
           "correspond to their order in the hidden layer\")",
}


def _per_network(df: pd.DataFrame, column: str) -> pd.DataFrame:
    values = df[np.isfinite(df[column].to_numpy(dtype=float))]
    return values.groupby(KEYS, sort=True)[column].mean().rename("value").reset_index()


def _signed_rank(reg: Preregistration, cid: str, equivalence: bool = False) -> Any:
    return partial(signed_rank_evidence, null=reg.number(cid, "null"),
                   needed=reg.number(cid, "needed"), equivalence=equivalence)


def _arrival_rows(dyn: pd.DataFrame, spec: Mapping[str, ClaimSpec],
                  reg: Preregistration) -> list[Row]:
    """C15b–d (delay-5 gated networks, from each concept's arrival) and C18 (onset = arrival)."""
    timed = dyn[np.isfinite(dyn["arrival"].to_numpy(dtype=float))]
    if timed.empty:
        reason = "no task of this run has concepts with a single arrival step (memory task)"
        return [missing_row(spec[c], reason) for c in ("C15b", "C15c", "C15d", "C18")]
    long = timed[(timed["delay_regime"] == LONG_DELAY) & timed["model"].isin(GATED)]
    long = long.assign(settling=long["r_late"] - long["r_first"])
    rows: list[Row] = []
    for cid, state in (("C15b", "hidden"), ("C15c", "cell")):
        sel = long[long["state"] == state]
        if sel.empty:
            rows.append(missing_row(spec[cid], f"no delay-{LONG_DELAY} gated network with a "
                                               f"'{state}' relay"))
            continue
        rows += per_model_rows(spec[cid], _per_network(sel, "settling"), _signed_rank(reg, cid),
                               _settling_note(sel))
    hidden = long[long["state"] == "hidden"]
    if hidden.empty:
        rows.append(missing_row(spec["C15d"], f"no delay-{LONG_DELAY} gated network"))
    else:
        rows += per_model_rows(spec["C15d"], _per_network(hidden, "r_late"),
                               _signed_rank(reg, "C15d"))
    on_time = timed[timed["state"] == "hidden"].assign(
        on_time=lambda d: (d["onset"] == d["arrival"]).astype(float))
    every = on_time.groupby(KEYS, sort=True)["on_time"].min().rename("value").reset_index()
    return rows + per_model_rows(spec["C18"], every, _share(reg, "C18"), _onset_note(on_time))


def _share(reg: Preregistration, cid: str) -> Any:
    def evidence(values: np.ndarray) -> Any:
        values = values[np.isfinite(values)]
        return binomial_evidence(int(np.sum(values > 0.5)), int(values.size), reg.number(cid, "null"))

    return evidence


def _settling_note(sel: pd.DataFrame) -> Any:
    def note(nets: pd.DataFrame) -> str:
        rows = sel.merge(nets[KEYS], on=KEYS)
        return (f"r from the arrival: first pair {rows['r_first'].mean():.3g}, pairs from "
                f"arrival + 3 {rows['r_late'].mean():.3g}")

    return note


def _onset_note(on_time: pd.DataFrame) -> Any:
    def note(nets: pd.DataFrame) -> str:
        rows = on_time.merge(nets[KEYS], on=KEYS)
        lag = (rows["onset"] - rows["arrival"]).dropna()
        return (f"{rows['on_time'].mean():.0%} of (network, concept) onsets at the arrival step; "
                f"median lag {lag.median():.3g} steps" if lag.size else "no onset found")

    return note


def _curve_rows(dyn: pd.DataFrame, spec: Mapping[str, ClaimSpec], reg: Preregistration) -> list[Row]:
    """C21 (no rise of the greedy curve) and C22 (removal order vs unit index) at t_k."""
    hidden = dyn[dyn["state"] == "hidden"]
    falls = _per_network(hidden.assign(falls=-hidden["max_rise"]), "falls")
    rows = per_model_rows(spec["C21"], falls, _signed_rank(reg, "C21", equivalence=True),
                          lambda n: f"mean largest rise at a removal {-n['value'].mean():.3g} bits")
    unrelated = partial(equivalence_signed_rank_evidence, margin=reg.number("C22", "margin"))
    return rows + per_model_rows(spec["C22"], _per_network(hidden, "order_rho"), unrelated)


def _within_regime_ranks(df: pd.DataFrame, column: str) -> pd.Series:
    return df.groupby(["task", "delay_regime"])[column].rank(pct=True)


def _drift_rows(tables: Mapping[str, pd.DataFrame], spec: ClaimSpec,
                training_delays: Sequence[int]) -> list[Row]:
    """C19: within RNNs of a task, stability (r, window all) against long-lag accuracy, both
    ranked within the training regime (so the regimes' own differences do not count)."""
    stability, generalization = load_table(tables, "stability"), load_table(tables, "generalization")
    for table in (stability, generalization):
        if isinstance(table, str):
            return [missing_row(spec, table)]
    longer = [d for d in set(generalization["eval_delay"].astype(int)) if d > max(training_delays)]
    if not longer:
        return [missing_row(spec, "no evaluation delay longer than every training delay")]
    r = stability[(stability["measure"] == "r") & (stability["window"] == "all")]
    r = r.groupby(KEYS, sort=True)["value"].mean().rename("stability")
    acc = generalization[generalization["eval_delay"].astype(int).isin(longer)]
    acc = acc.groupby(KEYS, sort=True)["accuracy"].mean().rename("accuracy")
    both = pd.concat([r, acc], axis=1, join="inner").reset_index()
    rnn = both[both["model"] == "rnn"].copy()
    if rnn.empty:
        return [missing_row(spec, "no RNN has both a stability and a generalization row")]
    rnn["stability_rank"] = _within_regime_ranks(rnn, "stability")
    rnn["accuracy_rank"] = _within_regime_ranks(rnn, "accuracy")
    rows = []
    for task in [*sorted(rnn["task"].unique()), None]:
        g = rnn if task is None else rnn[rnn["task"] == task]
        evidence = correlation_evidence(g["stability_rank"], g["accuracy_rank"])
        rows.append(claim_row(spec, evidence, group=POOLED if task is None else f"{task}/rnn",
                              details=f"{len(g)} RNNs, ranks within each training regime; long "
                                      f"lags {sorted(longer)}"))
    return rows


def _attractor_rows(tables: Mapping[str, pd.DataFrame], spec: Mapping[str, ClaimSpec],
                    reg: Preregistration) -> list[Row]:
    """C20a (the concept states contract during the delay) and C20b (separate at its end)."""
    df = load_table(tables, "attractors")
    if isinstance(df, str):
        return [missing_row(spec["C20a"], df), missing_row(spec["C20b"], df)]
    wide = df.pivot_table(index=KEYS, columns="step_role", values=["dispersion", "silhouette"])
    if ("dispersion", "end") not in wide.columns:
        reason = "no network has a delay of two or more steps (no course to follow)"
        return [missing_row(spec["C20a"], reason), missing_row(spec["C20b"], reason)]
    ratio = wide[("dispersion", "end")] / wide[("dispersion", "start")]
    contraction = (-np.log(ratio)).replace([np.inf, -np.inf], np.nan).dropna()
    rows = per_model_rows(spec["C20a"], contraction.rename("value").reset_index(),
                          _signed_rank(reg, "C20a"),
                          lambda n: f"dispersion ratio end/start {np.exp(-n['value']).median():.3g} "
                                    "(median)")
    end = wide[("silhouette", "end")].dropna().rename("value").reset_index()
    return rows + per_model_rows(spec["C20b"], end, _signed_rank(reg, "C20b"))


def dynamics_claims(tables: Mapping[str, pd.DataFrame], training_delays: Sequence[int],
                    reg: Preregistration) -> list[Row]:
    """Rows of C15b–d, C18, C19, C20a/b, C21 and C22."""
    spec = {cid: reg.spec(cid, text) for cid, text in DYNAMICS_CLAIMS.items()}
    dyn = load_table(tables, "dynamics")
    rows: list[Row] = []
    if isinstance(dyn, str):
        rows += [missing_row(spec[c], dyn) for c in ("C15b", "C15c", "C15d", "C18", "C21", "C22")]
    else:
        rows += _arrival_rows(dyn, spec, reg) + _curve_rows(dyn, spec, reg)
    rows += _drift_rows(tables, spec["C19"], training_delays)
    return rows + _attractor_rows(tables, spec, reg)
