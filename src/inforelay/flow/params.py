"""Parameters of one flow analysis (the ``analysis`` keys of the ``flow`` config).

See ``docs/flow.md`` (what is measured; estimators) for what every parameter controls.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from inforelay.core.validation import check_fields, known_fields

__all__ = ["ESTIMATORS", "POOLINGS", "Estimator", "FlowParams"]

ESTIMATORS = ("ksg", "binned")
POOLINGS = ("pooled", "per_step")

Estimator = Literal["ksg", "binned"]

# smallest allowed value of every integer field
_INTEGER_MINIMUM = {"max_lag": 1, "bins": 2, "k": 1, "n_shuffles": 0, "max_samples": 0, "first_step": 0}


@dataclass(frozen=True)
class FlowParams:
    """Parameters of one flow analysis (every field is a key of the ``flow`` config).

    Attributes
    ----------
    estimator
        ``"ksg"`` (continuous, k-NN) or ``"binned"`` (equal-frequency bins, plug-in).
    max_lag
        Largest delay ``ℓ`` (steps); lags ``0..max_lag`` are computed.
    bins
        Equal-frequency bins per neuron (binned MI and the binned entropies).
    k
        Neighbours of the KSG and Kozachenko–Leonenko estimators.
    n_shuffles
        Permutations per pair and lag for the significance test (0: no test; every positive
        flow then counts as an edge).
    alpha
        Significance level of an edge.
    max_samples
        Use at most this many samples (seeded random subset; 0: all): (sequence, source time)
        pairs when pooled, sequences when per step.
    first_step
        First source time ``t0`` (0-based), e.g. to skip a transient.
    pooling
        ``"pooled"``: one estimate from all (sequence, time) samples, for stationary activity
        (a forecaster running along a series). ``"per_step"``: estimate within each source time
        across sequences and average, ``I(a_t; b_{t+ℓ} | t)``, for trial-structured tasks whose
        statistics change with the step (the paper's tasks: information phase, then zero
        inputs); pooling those would let every unit that tracks the clock "predict" the inputs.
    seed
        Seed key part for subsampling, jitter and permutations.
    """

    estimator: Estimator = "ksg"
    max_lag: int = 3
    bins: int = 8
    k: int = 3
    n_shuffles: int = 19
    alpha: float = 0.05
    max_samples: int = 2000
    first_step: int = 0
    pooling: str = "pooled"
    seed: int = 0

    def __post_init__(self) -> None:
        check_fields(
            self, choices={"estimator": ESTIMATORS, "pooling": POOLINGS}, at_least=_INTEGER_MINIMUM,
            open_interval={"alpha": (0.0, 1.0)},
        )  # fmt: skip

    @classmethod
    def from_mapping(cls, mapping: Mapping[str, Any], **overrides: Any) -> FlowParams:
        """Build from a config mapping; keys that are not fields are ignored."""
        return cls(**{**known_fields(cls, mapping), **overrides})
