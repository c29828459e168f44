"""Figures of the flow branch (rules ``flow_fig_*``; ``docs/flow.md``). Each function draws one
figure from the branch's tables or flow files and writes it as PNG and PDF."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import PurePosixPath
from typing import Any

import pandas as pd

from inforelay.figures import flow as figures
from inforelay.figures import save
from inforelay.flow import read_flow

__all__ = [
    "flow_label",
    "fig_flow_graph",
    "fig_flow_progression",
    "fig_flow_infoplane",
    "fig_flow_gradients",
    "fig_flow_relay",
]

PathLike = str | os.PathLike[str]


def _save(figure: Any, png: PathLike) -> None:
    save(figure, str(png).removesuffix(".png"))


def flow_label(path: PathLike) -> str:
    """A flow file's network, e.g. ``forecast/temperature/rnn/rep-00`` for
    ``results/flow/forecast/temperature/rnn/rep-00.flow.h5``."""
    return PurePosixPath(path).as_posix().split("results/flow/")[-1].removesuffix(".flow.h5")


def fig_flow_graph(flows: Sequence[PathLike], png: PathLike, max_edges: int) -> None:
    """The flow graph of one network per branch (at most ``max_edges`` edges each)."""
    examples = [(flow_label(path), read_flow(path)) for path in flows]
    _save(figures.plot_flow_graph(examples, max_edges=max_edges), png)


def fig_flow_progression(neurons: PathLike, png: PathLike) -> None:
    """Histograms of the neurons' progression, per branch and kind."""
    _save(figures.plot_progression_histograms(pd.read_csv(neurons)), png)


def fig_flow_infoplane(training: PathLike, png: PathLike) -> None:
    """The forecasters' information plane over training."""
    _save(figures.plot_information_plane(pd.read_csv(training)), png)


def fig_flow_gradients(training: PathLike, phases: PathLike, png: PathLike, phase_layer: str) -> None:
    """Gradient signal-to-noise over training, with the phase boundaries."""
    figure = figures.plot_gradient_phases(pd.read_csv(training), pd.read_csv(phases),
                                          layer=phase_layer)
    _save(figure, png)


def fig_flow_relay(neurons: PathLike, png: PathLike) -> None:
    """Progression of the classification networks' units against their total relay."""
    _save(figures.plot_relay_progression(pd.read_csv(neurons)), png)
