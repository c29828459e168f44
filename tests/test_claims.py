"""Paper and flow claims on synthetic tables built to hold, not hold, or be inconclusive; the
shared claims schema and report; aggregation helpers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import (
    CONCEPTS,
    distribution_rows,
    knockout_rows,
    latent_row,
    network_grid,
    stability_rows,
)

from inforelay.claims import (
    CLAIM_COLUMNS,
    HELD,
    INCONCLUSIVE,
    NOT_HELD,
    claims_markdown,
    evaluate_claims,
    evaluate_flow_claims,
    verdict,
)
from inforelay.core.stats import mean_ci
from inforelay.pipeline.aggregate import concat_tables, summarize, with_keys


def generalization_table(n_rep: int, random_better: bool = True, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for key in network_grid(n_rep):
        regime = key["delay_regime"]
        for d in range(10):
            if regime == "random":
                acc = 0.95 if random_better else 0.55
            else:
                acc = 0.97 if d == int(regime) else (0.6 if random_better else 0.9)
            rows.append({**key, "eval_delay": d, "accuracy": acc + rng.normal(0, 0.01)})
    return pd.DataFrame(rows)


def knockout_table(n_rep: int, relay_hurts: bool = True, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)

    def relay(ranked: str, evaluated: str, k: int) -> float:
        accuracy = (0.5 if ranked == evaluated else 0.95) if relay_hurts else 0.95
        return (0.5 if k == 12 else accuracy) + rng.normal(0, 0.01)

    def random(ranked: str, evaluated: str, k: int, draw: int) -> float:
        return 0.9 + rng.normal(0, 0.01)

    rows = []
    for key in network_grid(n_rep, regimes=("random",)):
        rows += knockout_rows(key, relay, random)
    return pd.DataFrame(rows)


def stability_table(
    n_rep: int, gated_stable: bool = True, narrows: bool = True, seed: int = 0
) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for key in network_grid(n_rep):
        gated = key["model"] != "rnn"
        if key["delay_regime"] == "random":
            base = 0.85 if (narrows or gated) else 0.3
        else:
            base = (0.9 if gated else 0.3) if gated_stable else (0.3 if gated else 0.9)
        rows += stability_rows(key, lambda c, m, base=base: base + rng.normal(0, 0.05))
    return pd.DataFrame(rows)


def distribution_table(n_rep: int, carriers_per_concept: int) -> pd.DataFrame:
    def carrier(ci: int, u: int) -> bool:
        return ci * 3 <= u < ci * 3 + carriers_per_concept

    rows = []
    for key in network_grid(n_rep, regimes=("random",)):
        rows += distribution_rows(key, carrier)
    return pd.DataFrame(rows)


def latent_table(n_rep: int, relay_better: bool = True, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for key in network_grid(n_rep, regimes=("random",)):
        for c in CONCEPTS:
            for n_removed in range(12):
                good = 0.2 + 0.05 * n_removed if n_removed else 0.2
                bad = 0.2 - 0.01 * n_removed
                s = good if relay_better else bad
                scores = (
                    s + rng.normal(0, 0.01), 2 - s + rng.normal(0, 0.01), 100 * s + rng.normal(0, 0.5)
                )
                rows.append(latent_row(key, c, "relay", 0, n_removed, scores))
                for draw in range(4):
                    s = (bad if relay_better else good) + rng.normal(0, 0.01)
                    rows.append(latent_row(key, c, "random", draw, n_removed, (s, 2 - s, 100 * s)))
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
    assert held["id"].tolist() == EXPECTED_IDS
    assert (held["group"] == "all").all()
    assert (held["verdict"] == HELD).all(), held[["id", "verdict", "effect", "p_value"]]
    assert (held["effect"] > 0).all()
    assert (held["p_value"] < 0.05).all()


def test_every_effect_lies_inside_its_confidence_interval(held):
    assert (held["ci_low"] <= held["effect"]).all() and (held["effect"] <= held["ci_high"]).all()
    assert (held["ci_low"] < held["ci_high"]).drop(index=7).all()  # C6: every network has 3 carriers
    # C1 and C4 compare two groups of networks: a Welch interval centred on the difference
    for cid in ("C1", "C4a"):
        row = held.set_index("id").loc[cid]
        assert (row["ci_low"] + row["ci_high"]) / 2 == pytest.approx(row["effect"])


def test_sample_sizes(held):
    n = held.set_index("id")["n"]
    assert n["C1"] == 3 * 6 * 10  # every network of the generalization table
    assert n["C2"] == n["C3"] == 3 * 10  # the knockout table holds random-regime networks
    assert n["C4a"] == 3 * 5 * 10  # fixed delays only
    assert n["C5a"] == n["C5b"] == 10  # matched units: one task x 10 replicates of 180 networks
    assert "180 networks in 10 matched units" in held.set_index("id").loc["C5a", "details"]
    assert n["C6"] == n["C7a"] == 3 * 10


def test_few_matched_units_keep_the_gap_claim_inconclusive():
    # 54 networks, but only 3 (task, replicate) units enter the signed-rank test (min p = 1/8)
    tables = {"stability": stability_table(3, gated_stable=True, narrows=True)}
    df = evaluate_claims(tables).set_index("id")
    assert df.loc["C5a", "n"] == 3 and "54 networks" in df.loc["C5a", "details"]
    assert df.loc["C5a", "verdict"] == INCONCLUSIVE
    assert "only 3 matched units" in df.loc["C5a", "details"]


def test_no_claim_holds_when_built_to_fail():
    df = evaluate_claims(all_tables(10, hold=False)).set_index("id")
    assert (df["verdict"] == NOT_HELD).all(), df[["verdict", "effect", "p_value"]]
    # opposite effects are negative; "spread" is exactly one carrier (zero effect)
    assert (df.drop(index="C6")["effect"] < 0).all()
    assert df.loc["C6", "effect"] == 0.0


def test_too_few_networks_is_inconclusive_not_a_failure():
    tables = all_tables(10, hold=True)
    # two replicates of one fixed-delay and the random regime, no real difference
    gen = generalization_table(1, random_better=True)
    gen = gen[gen["delay_regime"].isin(["2", "random"]) & (gen["model"] == "rnn")]
    gen.loc[:, "accuracy"] = 0.8
    tables["generalization"] = gen
    df = evaluate_claims(tables).set_index("id")
    assert df.loc["C1", "verdict"] == INCONCLUSIVE
    assert "only 2 networks" in df.loc["C1", "details"]


def test_missing_tables_are_inconclusive_with_the_reason():
    df = evaluate_claims({"knockout": knockout_table(10)}).set_index("id")
    assert df.loc["C2", "verdict"] == HELD
    for cid in ("C1", "C4a", "C5b", "C6", "C7c"):
        assert df.loc[cid, "verdict"] == INCONCLUSIVE
        assert "no '" in df.loc[cid, "details"]
        assert df.loc[cid, "n"] == 0


def test_a_table_without_its_columns_raises():
    with pytest.raises(ValueError, match="'latent' table lacks"):
        evaluate_claims({"latent": pd.DataFrame({"task": ["memory"]})})
    with pytest.raises(ValueError, match="alpha"):
        evaluate_claims({}, alpha=1.5)


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
        (0.2, np.nan, np.nan, 50, INCONCLUSIVE),  # no test: never held, never a null result
    ],
)
def test_verdict_rules(effect, p, p_rev, n, expected):
    assert verdict(effect, p, p_rev, n) == expected


def test_verdict_against_a_fraction_compares_with_its_null():
    # a fraction of networks tested against a fair coin: 0.3 is below the null of 0.5
    assert verdict(0.3, 0.99, 0.01, 5, null=0.5) == NOT_HELD
    assert verdict(0.8, 0.01, 0.99, 5, null=0.5) == HELD


def test_markdown_report(held):
    text = claims_markdown(
        held, {"n_networks": 180, "versions": {"numpy": "2.0"}, "config": {"a": 1}}
    )
    assert text.startswith("# Claims")
    assert "Networks analysed: 180" in text
    assert "numpy 2.0" in text
    assert "| group |" not in text  # every row is about all networks
    for cid in EXPECTED_IDS:
        assert f"## {cid}:" in text
        assert f"| {cid} |" in text
    assert "11 held" in text
    c1 = held.iloc[0]
    assert f"[{c1['ci_low']:.3g}, {c1['ci_high']:.3g}]" in text
    with pytest.raises(ValueError, match="lacks column"):
        claims_markdown(held.drop(columns="group"))


# ---------------------------------------------------------------------------
# flow claims: the same engine, rows and report
# ---------------------------------------------------------------------------


def flow_tables(n: int, positive: bool, seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``n`` networks of one branch; ``positive``: outputs lie downstream and rho > 0."""
    rng = np.random.default_rng(seed)
    sign = 1.0 if positive else 0.0
    networks = pd.DataFrame(
        {
            "branch": "networks",
            "network": [f"n{i}" for i in range(n)],
            "output_minus_hidden": sign * 0.3 + rng.normal(0, 0.05, n),
            "hidden_minus_input": sign * 0.2 + rng.normal(0, 0.05, n),
            "n_layers": 2,
            "gradient_fraction": 0.5,
            "bottleneck_rho": sign * 0.5 + rng.normal(0, 0.05, n),
            "relay_rho": sign * 0.4 + rng.normal(0, 0.05, n),
        }
    )
    kinds = np.tile(["input", "hidden", "output"], n)
    level = {"input": 0.0, "hidden": 0.5 * sign, "output": sign}
    neurons = pd.DataFrame(
        {
            "branch": "networks",
            "network": np.repeat(networks["network"], 3),
            "kind": kinds,
            "progression": [level[k] + rng.normal(0, 0.1) for k in kinds],
        }
    )
    return networks, neurons


def test_flow_claims_share_the_schema_and_the_verdicts():
    flow = evaluate_flow_claims(*flow_tables(12, positive=True)).set_index("id")
    assert flow.index.tolist() == ["F1", "F2", "F3", "F4", "F5"]
    assert (flow["group"] == "networks").all() and (flow["n"] == 12).all()
    assert flow.loc[["F1", "F2", "F5"], "verdict"].eq(HELD).all()
    # the bottleneck claim needs a significantly negative rho; all rho > 0 is evidence against it
    assert flow.loc["F4", "effect"] < 0 and flow.loc["F4", "verdict"] == NOT_HELD
    # layers have no significance test: reported, never held
    assert flow.loc["F3", "effect"] == 1.0 and flow.loc["F3", "verdict"] == INCONCLUSIVE
    assert "no significance test" in flow.loc["F3", "details"]


def test_a_non_significant_flow_claim_is_not_held():
    few = evaluate_flow_claims(*flow_tables(4, positive=False)).set_index("id")
    assert (few["verdict"] == INCONCLUSIVE).all()  # 4 networks: too few to call a null result
    many = evaluate_flow_claims(*flow_tables(30, positive=False), min_networks=10).set_index("id")
    assert many.loc[["F4", "F5"], "verdict"].eq(NOT_HELD).all()
    assert (many["verdict"] != HELD).all()


def test_paper_and_flow_rows_have_identical_columns(held):
    flow = evaluate_flow_claims(*flow_tables(12, positive=True))
    assert list(flow.columns) == list(held.columns) == CLAIM_COLUMNS
    both = pd.concat([held, flow], ignore_index=True)
    assert both["n"].dtype.kind == "i" and both["effect"].dtype.kind == "f"


def test_markdown_renders_paper_and_flow_rows(held):
    flow = evaluate_flow_claims(*flow_tables(12, positive=True))
    text = claims_markdown(pd.concat([held, flow], ignore_index=True), {"title": "All claims"})
    assert text.startswith("# All claims")
    assert "| id | claim | group |" in text
    assert "## C1 (all):" in text and "## F1 (networks):" in text
    assert "| F4 | information bottleneck" in text
    assert f"(of {len(held) + len(flow)})" in text


def test_mean_ci_and_summarize():
    from scipy import stats

    x = np.array([1.0, 2.0, 3.0, 4.0])
    m, lo, hi = mean_ci(x)
    half = stats.t.ppf(0.975, 3) * x.std(ddof=1) / 2
    assert m == 2.5 and lo == pytest.approx(2.5 - half) and hi == pytest.approx(2.5 + half)
    assert mean_ci([5.0])[0] == 5.0 and np.isnan(mean_ci([5.0])[1:]).all()  # no zero-width interval
    assert all(np.isnan(mean_ci([np.nan])))
    df = pd.DataFrame({"g": ["a"] * 4 + ["b"], "v": [1.0, 2.0, 3.0, 4.0, 7.0]})
    s = summarize(df, by=["g"], value="v").set_index("g")
    assert s.loc["a", "ci_low"] == pytest.approx(lo) and s.loc["a", "n"] == 4
    assert s.loc["b", "mean"] == 7.0 and np.isnan(s.loc["b", ["ci_low", "ci_high"]]).all()


def test_concat_tables_adds_keys_and_names_bad_files(tmp_path):
    pairs = []
    for rep in range(2):
        path = tmp_path / f"rep-{rep:02d}.csv"
        pd.DataFrame({"concept": ["A", "B"], "accuracy": [0.5, 0.9]}).to_csv(path, index=False)
        pairs.append(({"task": "memory", "model": "gru", "delay_regime": 3, "replicate": f"{rep}"}, path))
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
