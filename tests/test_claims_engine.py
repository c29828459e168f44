"""The claims engine: verdict rules, Holm's correction over a family, one-sided evidence, and the
report's summary table. Synthetic rows with known answers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from inforelay.claims import (
    CLAIM_COLUMNS,
    HELD,
    INCONCLUSIVE,
    NOT_HELD,
    ClaimSpec,
    Evidence,
    VerdictRule,
    claim_row,
    claims_markdown,
    finalize,
    missing_row,
    summary_table,
    verdict,
)
from inforelay.claims.statistics import (
    binomial_evidence,
    contrast_evidence,
    rank_sum_evidence,
    signed_rank_evidence,
)

SPEC = ClaimSpec("X1", 'a claim ("in the paper\'s words")', "a statistic", "a test")


def rows_with_p(p_values, spec=SPEC):
    return [claim_row(spec, Evidence(0.1, p, 1 - p, 20), group=f"g{i}") for i, p in enumerate(p_values)]


# ---------------------------------------------------------------------------
# Holm
# ---------------------------------------------------------------------------


def test_holm_matches_a_hand_computation():
    # sorted p: 0.01, 0.02, 0.03, 0.04 (m = 4) → 4·0.01, max(3·0.02, ·), max(2·0.03, ·), max(0.04, ·)
    p = [0.03, 0.01, 0.04, 0.02]
    df = finalize(rows_with_p(p), VerdictRule())
    np.testing.assert_allclose(df["p_holm"], [0.06, 0.04, 0.06, 0.06])
    assert df["verdict"].tolist() == [INCONCLUSIVE, HELD, INCONCLUSIVE, INCONCLUSIVE]


def test_holm_matches_statsmodels_and_skips_missing_p_values():
    multipletests = pytest.importorskip("statsmodels.stats.multitest").multipletests
    p = np.random.default_rng(1).uniform(0, 0.05, 30)
    rows = rows_with_p(p) + [missing_row(SPEC, "no table")]
    df = finalize(rows, VerdictRule())
    expected = multipletests(p, method="holm")[1]
    np.testing.assert_allclose(df["p_holm"].iloc[:30], expected)
    assert np.isnan(df["p_holm"].iloc[30]) and df["verdict"].iloc[30] == INCONCLUSIVE
    assert df["details"].iloc[30] == "no table"


def test_the_reverse_direction_is_corrected_too():
    rows = [claim_row(SPEC, Evidence(-0.1, 0.99, 0.02, 20), group="a")] + rows_with_p([0.5, 0.5])
    df = finalize(rows, VerdictRule())
    assert df["p_holm_reverse"].iloc[0] == pytest.approx(0.06)  # 3 · 0.02: not significant
    assert df["verdict"].iloc[0] == INCONCLUSIVE


# ---------------------------------------------------------------------------
# verdict rules
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("effect", "p", "p_rev", "n", "kwargs", "expected"),
    [
        (0.2, 0.01, 0.99, 5, {}, HELD),
        (0.2, 0.2, 0.8, 500, {}, INCONCLUSIVE),  # large n but not significant: never "not held"
        (-0.2, 0.99, 0.01, 5, {}, NOT_HELD),
        (-0.2, 0.9, 0.1, 5, {}, INCONCLUSIVE),
        (0.0, 1.0, 1.0, 50, {}, INCONCLUSIVE),
        (np.nan, np.nan, np.nan, 0, {}, INCONCLUSIVE),
        (0.2, np.nan, np.nan, 1, {}, INCONCLUSIVE),  # too few for the test
        # significant above the null but the interval is below the size the claim needs
        (0.1, 0.001, 0.999, 30, {"ci": (0.05, 0.15), "needed": 0.25}, NOT_HELD),
        # significant, but the interval reaches below the needed size: not shown to be that large
        (0.2, 0.001, 0.999, 30, {"ci": (0.15, 0.3), "needed": 0.25}, INCONCLUSIVE),
        (0.35, 0.001, 0.999, 30, {"ci": (0.26, 0.45), "needed": 0.25}, HELD),
        # equivalence: held only when the interval clears the margin (the null)
        (-0.03, 0.01, 0.99, 30, {"ci": (-0.06, 0.0), "null": -0.05, "equivalence": True}, INCONCLUSIVE),
        (-0.03, 0.01, 0.99, 30, {"ci": (-0.04, 0.0), "null": -0.05, "equivalence": True}, HELD),
        # a fraction of networks against a fair coin
        (0.3, 0.99, 0.01, 20, {"null": 0.5}, NOT_HELD),
        (0.8, 0.01, 0.99, 20, {"null": 0.5}, HELD),
    ],
)
def test_verdict_rules(effect, p, p_rev, n, kwargs, expected):
    assert verdict(effect, p, p_rev, n, **kwargs)[0] == expected


def test_verdicts_say_why():
    assert "opposite direction" in verdict(-0.2, 0.99, 0.01, 5)[1]
    assert "not significant after Holm" in verdict(0.2, 0.2, 0.8, 5)[1]
    assert "too few networks" in verdict(0.2, np.nan, np.nan, 1)[1]
    with pytest.raises(ValueError, match="alpha"):
        VerdictRule(0.0)


# ---------------------------------------------------------------------------
# evidence: one-sided in the claimed direction, intervals around the effect
# ---------------------------------------------------------------------------


def test_signed_rank_evidence_is_one_sided_and_shifted_by_its_null():
    x = np.linspace(0.5, 1.5, 12)
    up, down = signed_rank_evidence(x), signed_rank_evidence(-x)
    assert up.p_value == pytest.approx(2.0**-12) and up.p_reverse == pytest.approx(1.0)
    assert down.p_value == pytest.approx(1.0) and down.p_reverse == pytest.approx(2.0**-12)
    assert up.effect == pytest.approx(1.0) and up.ci[0] < 1.0 < up.ci[1]
    shifted = signed_rank_evidence(x, null=2.0)
    assert shifted.p_reverse == pytest.approx(2.0**-12) and shifted.null == 2.0


def test_rank_sum_and_contrast_evidence():
    a, b = np.arange(10.0) + 5, np.arange(10.0)
    e = rank_sum_evidence(a, b)
    assert e.effect == 5.0 and e.n == 20
    assert e.p_value == pytest.approx(stats.mannwhitneyu(a, b, alternative="greater").pvalue)
    assert sum(e.ci) / 2 == pytest.approx(5.0)
    # with two groups the contrast is Welch's two-sample t-test
    rng = np.random.default_rng(0)
    x, y = rng.normal(0.5, 1.0, 12), rng.normal(0.0, 2.0, 30)
    welch = stats.ttest_ind(x, y, equal_var=False, alternative="greater")
    c = contrast_evidence([x, y], (1, -1))
    assert c.p_value == pytest.approx(welch.pvalue) and c.p_reverse == pytest.approx(1 - welch.pvalue)
    ci = stats.ttest_ind(x, y, equal_var=False).confidence_interval(0.95)
    assert c.ci == pytest.approx((ci.low, ci.high))
    groups = [rng.normal(m, 0.2, 20) for m in (1.0, 0.0, 0.5, 0.5)]  # interaction of 1
    c = contrast_evidence(groups, (1, -1, -1, 1))
    means = [g.mean() for g in groups]
    assert c.effect == pytest.approx(means[0] - means[1] - means[2] + means[3])
    assert c.ci[0] < c.effect < c.ci[1] and c.p_value < 1e-6 and c.p_reverse > 0.99
    assert np.isnan(contrast_evidence([np.ones(3), np.ones(1)], (1, -1)).p_value)


def test_binomial_evidence_against_a_fair_coin():
    e = binomial_evidence(10, 10)
    assert e.effect == 1.0 and e.null == 0.5 and e.p_value == pytest.approx(2.0**-10)
    assert binomial_evidence(0, 0).n == 0


# ---------------------------------------------------------------------------
# report
# ---------------------------------------------------------------------------


def report_rows() -> pd.DataFrame:
    e_held = Evidence(0.3, 1e-6, 1.0, 40, (0.2, 0.4))
    e_not = Evidence(-0.3, 1.0, 1e-6, 40, (-0.4, -0.2))
    e_null = Evidence(0.01, 0.4, 0.6, 40, (-0.1, 0.12))
    other = ClaimSpec("X2", "another claim", "s", "t")
    rows = [
        claim_row(SPEC, e_held, group="memory/rnn"),
        claim_row(SPEC, e_not, group="memory/gru"),
        claim_row(SPEC, e_null, group="pooled"),
        claim_row(other, e_held, group="memory/gru vs rnn"),
        missing_row(other, "no data", group="block/lstm vs rnn"),
    ]
    return finalize(rows, VerdictRule())


def test_summary_table_layout():
    table = summary_table(report_rows())
    assert table.index.tolist() == ["X1", "X2"]
    # pooled rows are a family of their own, outside the per-group summary
    assert table.columns.tolist() == ["block/lstm", "memory/rnn", "memory/gru"]
    assert table.loc["X1"].tolist() == ["–", "✓", "✗"]
    assert table.loc["X2"].tolist() == ["?", "–", "✓"]  # "vs rnn" sits under its model


def test_markdown_leads_with_the_summary_then_details():
    df = report_rows()
    text = claims_markdown(df, {"n_networks": 180, "versions": {"numpy": "2.0"}, "alpha": 0.05})
    assert text.startswith("# Claims")
    assert "Networks analysed: 180" in text and "numpy 2.0" in text
    summary, details = text.split("## Details")
    assert "Legend: ✓ held · ✗ not held · ? inconclusive · – not applicable" in summary
    assert "| id | claim | block/lstm | memory/rnn | memory/gru |" in summary
    assert "| X1 | a claim | – | ✓ | ✗ |" in summary  # the quotation stays in the details
    assert ("Rows of the primary analysis: **2 held**, **1 not held**, **1 inconclusive** (of 4)"
            in summary)
    assert "Pooled rows" in summary and "**0 held**, **0 not held**, **1 inconclusive** (of 1)" in summary
    assert '### X1: a claim ("in the paper\'s words")' in details
    assert "| memory/rnn | 0.3 [0.2, 0.4] | 1e-06 | 3e-06 | 40 | ✓ held |" in details
    with pytest.raises(ValueError, match="lacks column"):
        claims_markdown(df.drop(columns="p_holm"))


def test_holm_runs_within_each_family_and_sensitivity_changes_are_listed():
    spec = ClaimSpec("X1", "a claim", "s", "t")
    sens = ClaimSpec("X1", "a claim", "s", "t", family="sensitivity: zero ablation")
    e = Evidence(0.3, 0.02, 0.98, 20, (0.1, 0.5))
    rows = [claim_row(spec, e, group="memory/rnn"), claim_row(spec, e, group="memory/gru"),
            claim_row(sens, Evidence(0.3, 0.3, 0.7, 20, (-0.1, 0.5)), group="memory/rnn"),
            claim_row(spec, e, group="pooled")]
    df = finalize(rows, VerdictRule())
    assert df["family"].tolist() == ["primary", "primary", "sensitivity: zero ablation", "pooled"]
    # two primary rows: 2 · 0.02; alone in their families: 0.02 and 0.3
    assert df["p_holm"].tolist() == pytest.approx([0.04, 0.04, 0.3, 0.02])
    text = claims_markdown(df)
    assert "### Sensitivity: zero ablation" in text
    assert "| X1 | memory/rnn | ✓ held | ? inconclusive |" in text
    assert "| memory/rnn (sensitivity: zero ablation) |" in text


def test_hodges_lehmann_intervals_invert_the_rank_tests():
    """The interval's ends are where scipy's exact two-sided tests start to reject at 5 %."""
    from inforelay.core.stats import hodges_lehmann, hodges_lehmann_shift

    rng = np.random.default_rng(3)
    x = rng.standard_t(3, 15) + 0.4
    est, low, high = hodges_lehmann(x)
    walsh = [(a + b) / 2 for i, a in enumerate(x) for b in x[i:]]
    assert est == pytest.approx(np.median(walsh))
    p = lambda d: stats.wilcoxon(x - d, method="exact").pvalue  # noqa: E731
    eps = 1e-9
    assert p(low + eps) > 0.05 and p(high - eps) > 0.05
    assert p(low - 1e-6) <= 0.05 and p(high + 1e-6) <= 0.05
    a, b = rng.normal(1.0, 1.0, 9), rng.normal(0.0, 1.0, 11)
    shift, lo, hi = hodges_lehmann_shift(a, b)
    assert shift == pytest.approx(np.median(np.subtract.outer(a, b)))
    q = lambda d: stats.mannwhitneyu(a - d, b, method="exact").pvalue  # noqa: E731
    assert q(lo + eps) > 0.05 and q(hi - eps) > 0.05
    assert q(lo - 1e-6) <= 0.05 and q(hi + 1e-6) <= 0.05
    assert np.isnan(hodges_lehmann([1.0, 2.0, 3.0, 4.0, 5.0])[1])  # n = 5: no 95 % interval


def test_two_sided_and_equivalence_evidence():
    from inforelay.claims.statistics import equivalence_rank_sum_evidence, two_sided_rank_sum_evidence

    a, b = np.arange(10.0) + 5, np.arange(10.0)
    up, down = two_sided_rank_sum_evidence(a, b), two_sided_rank_sum_evidence(b, a)
    assert up.effect == down.effect == 5.0 and up.p_value == pytest.approx(down.p_value)
    assert up.p_value == pytest.approx(stats.mannwhitneyu(a, b).pvalue) and np.isnan(up.p_reverse)
    assert 0 < up.ci[0] <= 5.0 <= up.ci[1]
    rng = np.random.default_rng(0)
    x, y = rng.normal(0.0, 0.02, 40), rng.normal(0.01, 0.02, 40)
    alike = equivalence_rank_sum_evidence(x, y, margin=0.1)
    assert alike.effect > 0 and alike.p_value < 1e-6 and alike.ci[0] > 0
    apart = equivalence_rank_sum_evidence(x + 0.5, y, margin=0.1)
    assert apart.effect < 0 and apart.p_value > 0.5 and apart.p_reverse < 1e-6
    assert verdict(apart.effect, apart.p_value, apart.p_reverse, 80, ci=apart.ci, null=0,
                   needed=0)[0] == NOT_HELD


def test_one_schema_for_every_family():
    assert list(report_rows().columns) == CLAIM_COLUMNS
    assert {"p_holm", "p_holm_reverse", "null", "needed"} <= set(CLAIM_COLUMNS)
