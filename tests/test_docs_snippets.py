"""The code of docs/own-model.md and of the README's "Your own network" section runs as written.

Each document's ```python blocks are executed in order in one namespace, in a temporary directory.
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("torch")

ROOT = Path(__file__).resolve().parents[1]
_BLOCK = re.compile(r"^```python\n(.*?)^```", re.DOTALL | re.MULTILINE)


def python_blocks(text: str) -> list[str]:
    """The ```python blocks of a Markdown text, in order."""
    return _BLOCK.findall(text)


def section(text: str, title: str) -> str:
    """The text of the ``## title`` section (up to the next ``## `` heading)."""
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", text, re.DOTALL | re.MULTILINE)
    assert match, f"no section '## {title}'"
    return match.group(1)


def run_blocks(blocks: list[str], where: Path, monkeypatch) -> dict:
    """Execute the blocks in order in one namespace, with ``where`` as working directory.

    A :class:`~inforelay.relay.RelayWarning` (a relay of zero everywhere) fails the test: the
    documented examples must find relays. torch runs on one thread (restored afterwards): tiny
    models train many times slower when their threads compete with other processes for cores.
    """
    import torch

    from inforelay.relay import RelayWarning

    assert blocks, "no python blocks found"
    monkeypatch.chdir(where)
    namespace: dict = {"__name__": "__docs__"}
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", RelayWarning)
            for i, block in enumerate(blocks):
                exec(compile(block, f"<block {i}>", "exec"), namespace)
    finally:
        torch.set_num_threads(threads)
    return namespace


def test_block_extraction():
    text = "# t\n\n```python\na = 1\n```\n\n```bash\nls\n```\n\n## S\n\n```python\nb = a\n```\n\n## U\n"
    assert python_blocks(text) == ["a = 1\n", "b = a\n"]
    assert python_blocks(section(text, "S")) == ["b = a\n"]


@pytest.mark.slow
def test_readme_own_network_snippet(tmp_path, monkeypatch):
    blocks = python_blocks(section((ROOT / "README.md").read_text(), "Your own network"))
    assert len(blocks) == 1
    ns = run_blocks(blocks, tmp_path, monkeypatch)
    assert ns["rel"].contribution.shape == (1, 6, 2, 8)
    assert ns["rel"].full[0, -1].min() > 0.5  # the quick training works: the signs are relayed
    assert ns["ko"].hidden.shape == (500, 6, 8)
    assert (tmp_path / "recording.h5").exists()


@pytest.mark.slow
def test_own_model_tutorial(tmp_path, monkeypatch):
    blocks = python_blocks((ROOT / "docs" / "own-model.md").read_text())
    assert len(blocks) >= 5
    ns = run_blocks(blocks, tmp_path, monkeypatch)
    assert (ns["accuracy"] >= 0.0).all()
    # section 7: the custom module is recorded as its forward runs, and its knockout table is tidy
    np.testing.assert_allclose(ns["rec_custom"].outputs, ns["custom"](ns["x_custom"]).detach().numpy(), atol=1e-5)
    effects = ns["effects"]
    assert {"concept", "knocked", "k", "evaluated_concept", "accuracy", "accuracy_low", "accuracy_high"} <= set(effects)
    assert set(effects.knocked) == {"baseline", "relay", "random", "nonrelay"}
    assert (effects.accuracy_low <= effects.accuracy + 1e-12).all() and (effects.accuracy <= effects.accuracy_high + 1e-12).all()
    assert (tmp_path / "knockout_effects.png").exists()
    # what the page says of the redundancy table: concept 1's top three back each other up,
    # concept 0's are not needed (it is carried outside them too)
    red = ns["redundancy"].set_index(["concept", "rank"])
    assert (red.loc[1, "redundancy"] > 0.9).all() and (red.loc[1, "drop_alone"] < 0.05).all()
    assert red.loc[0, "redundancy"].isna().all() and (red.loc[0, "accuracy_all"] == 1.0).all()
    assert (ns["rec"].outputs[:, -1] > 0).shape == (1000, 2)
    # the trained toy network answers correctly (the tutorial's premise)
    record_accuracy = ((ns["rec"].outputs[:, -1] > 0) == ns["concepts"]).mean(axis=0)
    assert record_accuracy.min() > 0.95
    assert (tmp_path / "relays.png").stat().st_size > 0
    assert (tmp_path / "toy.h5").exists()
