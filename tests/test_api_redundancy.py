"""unit_redundancy on a hand-wired RNN whose answer to each concept is known to need its units
in a known way: two copies (redundant), a single copy (needed), and a pair that the readout needs
together (synergy)."""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")

import inforelay
from inforelay.api.effects import REDUNDANCY_COLUMNS


def _set(param: torch.Tensor, value: np.ndarray) -> None:
    with torch.no_grad():
        param.copy_(torch.from_numpy(np.array(value, dtype=np.float32)))


def _data(n_per_combo: int = 64, n_steps: int = 6, seed: int = 0):
    """Concepts A, B, C as ±amplitude on inputs 0..2 at step 0; input 3 is noise at every step."""
    rng = np.random.default_rng(seed)
    combos = (np.arange(8)[:, None] >> np.array([2, 1, 0])) & 1
    concepts = np.repeat(combos, n_per_combo, axis=0)[rng.permutation(8 * n_per_combo)]
    x = np.zeros((len(concepts), n_steps, 4), dtype=np.float32)
    x[:, 0, :3] = (2 * concepts - 1) * rng.uniform(0.5, 1.0, size=(len(concepts), 3))
    x[:, :, 3] = rng.normal(0.0, 0.5, size=(len(concepts), n_steps))
    return x, concepts


def _network():
    """Units 0, 1 latch A; unit 2 latches B; units 3, 4 latch C; unit 5 follows the noise.

    The readout answers A with u0 + u1 (either copy suffices), B with u2, and C with
    u3 + u4 − 1.5 (positive only when both hold +1: each is needed, and alone useless).
    """
    rnn = torch.nn.RNN(4, 6, batch_first=True)
    w_ih, w_hh = np.zeros((6, 4)), np.zeros((6, 6))
    for unit, channel in ((0, 0), (1, 0), (2, 1), (3, 2), (4, 2), (5, 3)):
        w_ih[unit, channel] = 8.0
    w_hh[range(5), range(5)] = 3.0
    for name, value in (("weight_ih_l0", w_ih), ("weight_hh_l0", w_hh), ("bias_ih_l0", 0), ("bias_hh_l0", 0)):
        _set(getattr(rnn, name), np.broadcast_to(value, getattr(rnn, name).shape))
    head = torch.nn.Linear(6, 3)
    w = np.zeros((3, 6))
    w[0, [0, 1]] = 3.0
    w[1, 2] = 3.0
    w[2, [3, 4]] = 3.0
    _set(head.weight, w)
    _set(head.bias, [0.0, 0.0, -4.5])
    return rnn, head


@pytest.fixture(scope="module")
def wired():
    x, concepts = _data()
    rnn, head = _network()
    rec = inforelay.record(rnn, x, readout=head)
    assert ((rec.outputs[:, -1] > 0) == concepts).all()  # the wiring answers every concept
    rel = inforelay.find_relays(rec, concepts, answer_step=5, concept_names=["A", "B", "C"])
    return rnn, head, x, concepts, rel


def test_copies_single_and_synergy(wired):
    rnn, head, x, concepts, rel = wired
    table = inforelay.unit_redundancy(
        rnn, x, rel, concepts=concepts, answer_step=5, readout=head, k=2, ablation="zero", step=2
    )
    assert list(table.columns) == list(REDUNDANCY_COLUMNS)
    rows = {(r.concept, r.unit): r for r in table.itertuples()}
    # A: the ranking's top 2 are its two copies; knocking one out alone costs nothing
    assert set(table[table.concept == "A"].unit) == {0, 1}
    for unit in (0, 1):
        row = rows[("A", unit)]
        assert row.drop_alone == 0.0 and row.drop_last == pytest.approx(0.5, abs=0.02)
        assert row.redundancy == pytest.approx(1.0)
    # B: its single copy is needed whatever else is knocked out; the other top unit not at all
    b = table[table.concept == "B"]
    assert 2 in set(b.unit)
    needed = rows[("B", 2)]
    assert needed.drop_alone == pytest.approx(needed.drop_last, abs=1e-9) and needed.drop_alone > 0.4
    assert needed.redundancy == pytest.approx(0.0)
    other = b[b.unit != 2].iloc[0]
    assert np.isnan(other.redundancy)
    # C: the readout needs both: each is decisive alone, worthless once the other is gone
    assert set(table[table.concept == "C"].unit) == {3, 4}
    for unit in (3, 4):
        row = rows[("C", unit)]
        assert row.drop_alone == pytest.approx(0.5, abs=0.02) and row.drop_last == 0.0
        assert row.redundancy == pytest.approx(-1.0)
    assert (table.accuracy_intact == 1.0).all()


def test_given_units_and_ranks(wired):
    rnn, head, x, concepts, rel = wired
    table = inforelay.unit_redundancy(
        rnn, x, rel, concepts=concepts, answer_step=5, readout=head, ablation="zero", step=2,
        units={"A": [0, 2], "B": [2], "C": [3]},
    )
    assert table.groupby("concept").size().to_dict() == {"A": 2, "B": 1, "C": 1}
    # unit 0 with a non-copy as partner is needed like a single copy (its copy, unit 1, stays)
    a0 = table[(table.concept == "A") & (table.unit == 0)].iloc[0]
    assert a0.drop_alone == 0.0 and a0.partners == (2,)
    assert list(table[table.concept == "A"]["rank"]) == [1, 2]


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [({"k": 0}, "k must be an integer"), ({"units": {"A": [0]}}, "no entry for concept 'B'"),
     ({"units": {"A": [9], "B": [0], "C": [0]}}, "distinct indices"), ({"state": "cell"}, "not in the relays"),
     ({"step": 99}, "outside the relays' steps")],
)  # fmt: skip
def test_bad_arguments(wired, kwargs, match):
    rnn, head, x, concepts, rel = wired
    with pytest.raises(ValueError, match=match):
        inforelay.unit_redundancy(rnn, x, rel, concepts=concepts, answer_step=5, readout=head, **kwargs)
