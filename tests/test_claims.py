"""Claims on synthetic tables built to hold, not hold, or be inconclusive; aggregation helpers."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

from inforelay.claims.paper import (
    CLAIM_COLUMNS,
    HELD,
    INCONCLUSIVE,
    NOT_HELD,
    claims_markdown,
    evaluate_claims,
    verdict,
)
from inforelay.pipeline.aggregate import concat_tables, mean_ci, summarize, with_keys

MODELS = ("rnn", "gru", "lstm")
REGIMES = ("1", "2", "3", "4", "5", "random")
CONCEPTS = ("A", "B", "C")


def networks(n_rep: int, tasks=("memory",), models=MODELS, regimes=REGIMES):
    return list(itertools.product(tasks, models, regimes, range(n_rep)))


def keys(net):
    return dict(zip(("task", "model", "delay_regime", "replicate"), net))


def generalization_table(n_rep: int, random_better: bool = True, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for net in networks(n_rep):
        regime = net[2]
        for d in range(10):
            if regime == "random":
                acc = 0.95 if random_better else 0.55
            else:
                acc = 0.97 if d == int(regime) else (0.6 if random_better else 0.9)
            rows.append({**keys(net), "eval_delay": d, "accuracy": acc + rng.normal(0, 0.01)})
    return pd.DataFrame(rows)


def knockout_table(n_rep: int, relay_hurts: bool = True, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for net in networks(n_rep, regimes=("random",)):
        for rc in CONCEPTS:
            for ec in CONCEPTS:
                rows.append(
                    {
                        **keys(net),
                        "set_kind": "baseline",
                        "ranked_concept": rc,
                        "k": 0,
                        "draw": 0,
                        "evaluated_concept": ec,
                        "accuracy": 1.0,
                    }
                )
                for k in range(1, 13):
                    own = rc == ec
                    relay = (0.5 if own else 0.95) if relay_hurts else 0.95
                    if k == 12:
                        relay = 0.5
                    rows.append(
                        {
                            **keys(net),
                            "set_kind": "relay",
                            "ranked_concept": rc,
                            "k": k,
                            "draw": 0,
                            "evaluated_concept": ec,
                            "accuracy": relay + rng.normal(0, 0.01),
                        }
                    )
                    for draw in range(3):
                        rows.append(
                            {
                                **keys(net),
                                "set_kind": "random",
                                "ranked_concept": rc,
                                "k": k,
                                "draw": draw,
                                "evaluated_concept": ec,
                                "accuracy": 0.9 + rng.normal(0, 0.01),
                            }
                        )
    return pd.DataFrame(rows)


def stability_table(
    n_rep: int, gated_stable: bool = True, narrows: bool = True, seed: int = 0
) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for net in networks(n_rep):
        model, regime = net[1], net[2]
        gated = model != "rnn"
        if regime == "random":
            base = 0.85 if (narrows or gated) else 0.3
        else:
            base = (0.9 if gated else 0.3) if gated_stable else (0.3 if gated else 0.9)
        for c in CONCEPTS:
            for measure in ("r", "overlap"):
                rows.append(
                    {
                        **keys(net),
                        "concept": c,
                        "measure": measure,
                        "value": base + rng.normal(0, 0.05),
                    }
                )
    return pd.DataFrame(rows)


def distribution_table(n_rep: int, carriers_per_concept: int) -> pd.DataFrame:
    rows = []
    for net in networks(n_rep, regimes=("random",)):
        for ci, c in enumerate(CONCEPTS):
            for u in range(12):
                carrier = ci * 3 <= u < ci * 3 + carriers_per_concept
                rows.append(
                    {
                        **keys(net),
                        "concept": c,
                        "unit": u,
                        "relay": float(carrier),
                        "carrier": carrier,
                    }
                )
    return pd.DataFrame(rows)


def latent_table(n_rep: int, relay_better: bool = True, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for net in networks(n_rep, regimes=("random",)):
        for c in CONCEPTS:
            for n_removed in range(12):
                good = 0.2 + 0.05 * n_removed if n_removed else 0.2
                bad = 0.2 - 0.01 * n_removed
                relay_sil = good if relay_better else bad
                rows.append(
                    {
                        **keys(net),
                        "concept": c,
                        "removal": "relay",
                        "draw": 0,
                        "n_removed": n_removed,
                        "silhouette": relay_sil + rng.normal(0, 0.01),
                        "davies_bouldin": 2 - relay_sil + rng.normal(0, 0.01),
                        "calinski_harabasz": 100 * relay_sil + rng.normal(0, 0.5),
                    }
                )
                for draw in range(4):
                    s = (bad if relay_better else good) + rng.normal(0, 0.01)
                    rows.append(
                        {
                            **keys(net),
                            "concept": c,
                            "removal": "random",
                            "draw": draw,
                            "n_removed": n_removed,
                            "silhouette": s,
                            "davies_bouldin": 2 - s,
                            "calinski_harabasz": 100 * s,
                        }
                    )
    return pd.DataFrame(rows)


def all_tables(n_rep: int, hold: bool = True) -> dict[str, pd.DataFrame]:
    return {
        "generalization": generalization_table(n_rep, random_better=hold),
        "knockout": knockout_table(n_rep, relay_hurts=hold),
        "stability": stability_table(n_rep, gated_stable=hold, narrows=hold),
        "distribution": distribution_table(n_rep, carriers_per_concept=3 if hold else 1),
        "latent": latent_table(n_rep, relay_better=hold),
    }


EXPECTED_IDS = ["C1", "C2", "C3", "C4a", "C4b", "C5a", "C5b", "C6", "C7a", "C7b", "C7c"]


@pytest.fixture(scope="module")
def held():
    return evaluate_claims(all_tables(10, hold=True))


def test_every_claim_holds_when_built_to_hold(held):
    assert list(held.columns) == CLAIM_COLUMNS
    assert held["claim_id"].tolist() == EXPECTED_IDS
    assert (held["verdict"] == HELD).all(), held[["claim_id", "verdict", "value", "p_value"]]
    assert (held["value"] > 0).all()
    assert (held["p_value"] < 0.05).all()


def test_network_counts(held):
    n = held.set_index("claim_id")["n_networks"]
    assert n["C1"] == 3 * 6 * 10  # every network of the generalization table
    assert n["C2"] == n["C3"] == 3 * 10  # the knockout table holds random-regime networks
    assert n["C4a"] == 3 * 5 * 10  # fixed delays only
    assert n["C5a"] == 3 * 6 * 10
    assert n["C6"] == n["C7a"] == 3 * 10
    units = held.set_index("claim_id")["n_units"]
    assert units["C5a"] == units["C5b"] == 10  # one task x 10 replicates
    assert (units.drop(index=["C5a", "C5b"]) == n.drop(index=["C5a", "C5b"])).all()


def test_few_matched_units_keep_the_gap_claim_inconclusive():
    # 18 networks, but only 3 (task, replicate) units enter the signed-rank test (min p = 1/8)
    tables = {"stability": stability_table(3, gated_stable=True, narrows=True)}
    df = evaluate_claims(tables).set_index("claim_id")
    assert df.loc["C5a", "n_networks"] == 54 and df.loc["C5a", "n_units"] == 3
    assert df.loc["C5a", "verdict"] == INCONCLUSIVE
    assert "only 3 matched units" in df.loc["C5a", "details"]


def test_no_claim_holds_when_built_to_fail():
    df = evaluate_claims(all_tables(10, hold=False)).set_index("claim_id")
    assert (df["verdict"] == NOT_HELD).all(), df[["verdict", "value", "p_value"]]
    # opposite effects are negative; "spread" is exactly one carrier (zero effect)
    assert (df.drop(index="C6")["value"] < 0).all()
    assert df.loc["C6", "value"] == 0.0


def test_too_few_networks_is_inconclusive_not_a_failure():
    tables = all_tables(10, hold=True)
    # two replicates of one fixed-delay and the random regime, no real difference
    gen = generalization_table(1, random_better=True)
    gen = gen[gen["delay_regime"].isin(["2", "random"]) & (gen["model"] == "rnn")]
    gen.loc[:, "accuracy"] = 0.8
    tables["generalization"] = gen
    df = evaluate_claims(tables).set_index("claim_id")
    assert df.loc["C1", "verdict"] == INCONCLUSIVE
    assert "only 2 networks" in df.loc["C1", "details"]


def test_missing_tables_are_inconclusive_with_the_reason():
    df = evaluate_claims({"knockout": knockout_table(10)}).set_index("claim_id")
    assert df.loc["C2", "verdict"] == HELD
    for cid in ("C1", "C4a", "C5b", "C6", "C7c"):
        assert df.loc[cid, "verdict"] == INCONCLUSIVE
        assert "no '" in df.loc[cid, "details"]
        assert df.loc[cid, "n_networks"] == 0


def test_a_table_without_its_columns_raises():
    with pytest.raises(ValueError, match="'latent' table lacks"):
        evaluate_claims({"latent": pd.DataFrame({"task": ["memory"]})})


@pytest.mark.parametrize(
    ("effect", "p", "p_rev", "n", "expected"),
    [
        (0.2, 0.01, 0.99, 5, HELD),
        (0.2, 0.2, 0.8, 5, INCONCLUSIVE),
        (0.2, 0.2, 0.8, 20, NOT_HELD),
        (-0.2, 0.99, 0.01, 5, NOT_HELD),
        (-0.2, 0.9, 0.1, 5, INCONCLUSIVE),
        (0.0, 1.0, 1.0, 12, NOT_HELD),
        (np.nan, np.nan, np.nan, 0, INCONCLUSIVE),
    ],
)
def test_verdict_rules(effect, p, p_rev, n, expected):
    assert verdict(effect, p, p_rev, n) == expected


def test_markdown_report(held):
    text = claims_markdown(
        held, {"n_networks": 180, "versions": {"numpy": "2.0"}, "config": {"a": 1}}
    )
    assert text.startswith("# Claims")
    assert "Networks analysed: 180" in text
    assert "numpy 2.0" in text
    for cid in EXPECTED_IDS:
        assert f"## {cid}:" in text
        assert f"| {cid} |" in text
    assert "11 held" in text


def test_mean_ci_and_summarize():
    from scipy import stats

    x = np.array([1.0, 2.0, 3.0, 4.0])
    m, lo, hi = mean_ci(x)
    half = stats.t.ppf(0.975, 3) * x.std(ddof=1) / 2
    assert m == 2.5 and lo == pytest.approx(2.5 - half) and hi == pytest.approx(2.5 + half)
    assert mean_ci([5.0]) == (5.0, 5.0, 5.0)
    assert all(np.isnan(mean_ci([np.nan])))
    df = pd.DataFrame({"g": ["a"] * 4 + ["b"], "v": [1.0, 2.0, 3.0, 4.0, 7.0]})
    s = summarize(df, by=["g"], value="v").set_index("g")
    assert s.loc["a", "ci_low"] == pytest.approx(lo) and s.loc["a", "n"] == 4
    assert s.loc["b", "ci_low"] == s.loc["b", "ci_high"] == 7.0


def test_concat_tables_adds_keys_and_names_bad_files(tmp_path):
    pairs = []
    for rep in range(2):
        path = tmp_path / f"rep-{rep:02d}.csv"
        pd.DataFrame({"concept": ["A", "B"], "accuracy": [0.5, 0.9]}).to_csv(path, index=False)
        pairs.append(({"task": "memory", "model": "gru", "delay": 3, "replicate": f"{rep}"}, path))
    df = concat_tables(pairs, required=["accuracy"])
    assert list(df.columns) == ["task", "model", "delay_regime", "replicate", "concept", "accuracy"]
    assert df["replicate"].tolist() == [0, 0, 1, 1]
    assert df["delay_regime"].eq("3").all()
    with pytest.raises(ValueError, match="rep-00.csv: missing column"):
        concat_tables(pairs, required=["nope"])
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    with pytest.raises(ValueError, match="empty.csv"):
        concat_tables([(pairs[0][0], empty)])
    with pytest.raises(FileNotFoundError, match="gone.csv"):
        concat_tables([(pairs[0][0], tmp_path / "gone.csv")])
    kept = with_keys(pd.DataFrame({"x": [1]}), {"task": "block", "replicate": 2})
    assert kept.columns.tolist() == ["task", "replicate", "x"]
