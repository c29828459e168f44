"""What an intervened-on unit is set to: the ablations (zero, mean, resample) and patching.

The step-wise runner (:func:`inforelay.nets.stepwise.run_recurrent`) and the forward hooks of
custom modules (:mod:`inforelay.nets.hooked`) take the values from here, so every intervention
has one definition. numpy at import (torch inside the functions), so the knockout analyses can
name the ablations without loading torch.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import numpy as np

from inforelay.core.seeding import derive_rng

if TYPE_CHECKING:
    import torch

    from inforelay.nets.adapters import CellAdapter

__all__ = ["ABLATIONS", "INTERVENTIONS", "Ablation", "Replacement", "patch_source", "replacement_values", "resample_permutation"]

Ablation = Literal["zero", "mean", "resample"]
#: what a knocked-out unit is set to: 0.0, its per-step mean over the batch in the unperturbed
#: run, or its unperturbed value on another sequence of the batch
ABLATIONS = ("zero", "mean", "resample")
#: every intervention of the step-wise runner: the ablations, and ``patch`` (the unit takes its
#: value from a run on other inputs, ``patch_states``)
INTERVENTIONS = (*ABLATIONS, "patch")


def resample_permutation(n: int, seed: int) -> np.ndarray:
    """The sequences whose states a ``resample`` ablation borrows: sequence ``i`` takes ``perm[i]``'s.

    One random ``n``-cycle (a derangement: no sequence keeps its own value) from
    ``inforelay.core.seeding.derive_rng("resample", seed)``.

    Parameters
    ----------
    n
        Sequences in the batch (at least 2).
    seed
        Integer seed (``ablation_seed``).

    Returns
    -------
    np.ndarray
        ``(n,)`` int64 permutation with ``perm[i] != i`` for every ``i``.
    """
    if n < 2:
        raise ValueError(f"ablation='resample' needs at least 2 sequences to borrow from, got {n}")
    order = derive_rng("resample", int(seed)).permutation(n)
    perm = np.empty(n, dtype=np.int64)
    perm[order] = np.roll(order, -1)  # each sequence on the cycle takes the next one's states
    return perm


@dataclass
class Replacement:
    """What knocked-out units are set to, per step from the knockout step on.

    ``h[i]``/``c[i]`` (step ``start + i``) are unit-major ``(N, 1, n)`` (resample) or
    ``(N, 1, 1)`` (mean) tensors that broadcast over the sets; empty for ``zero``.
    """

    ablation: str
    h: list[torch.Tensor]
    c: list[torch.Tensor | None]
    # ``h``/``c`` hold ``(N, 1, n)`` values for mean, resample and patch; empty for zero

    def apply(
        self, i: int, h: torch.Tensor, c: torch.Tensor | None, knock: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor | None]:
        if self.ablation == "zero":
            # the original in-place fill: byte-identical to the results before ablations existed
            return h.masked_fill_(knock, 0.0), (c.masked_fill_(knock, 0.0) if c is not None else None)
        import torch

        h = torch.where(knock, self.h[i], h)
        return h, (torch.where(knock, self.c[i], c) if c is not None else None)


def replacement_values(
    cell: CellAdapter,
    gi_all: torch.Tensor,
    h: torch.Tensor,
    c: torch.Tensor | None,
    start: int,
    n_replaced: int,
    ablation: str,
    ablation_seed: int,
    patch_states: tuple[torch.Tensor, torch.Tensor | None] | None = None,
) -> Replacement:
    """The ablation values of steps ``start .. start + n_replaced - 1``, from one unperturbed
    run of the batch continued from the shared prefix states ``h``, ``c`` (``patch``: from
    ``patch_states``, the unit-major ``(T, N, n)`` states of the source run)."""
    if ablation == "zero":
        return Replacement(ablation, [], [])
    if ablation == "patch":
        source_h, source_c = patch_states
        steps = range(start, start + n_replaced)
        return Replacement(
            ablation,
            [source_h[t][:, None, :] for t in steps],
            [None if source_c is None else source_c[t][:, None, :] for t in steps],
        )
    n = h.shape[2]
    perm = None
    if ablation == "resample":
        import torch

        perm = torch.from_numpy(resample_permutation(n, ablation_seed)).to(h.device)

    def value(state: torch.Tensor) -> torch.Tensor:
        if perm is not None:
            return state[:, :, perm]
        # float64 accumulation: the mean barely depends on the summation order
        return state.double().mean(dim=2, keepdim=True).float()

    hs: list[torch.Tensor] = []
    cs: list[torch.Tensor | None] = []
    for t in range(start, start + n_replaced):
        h, c = cell.step(gi_all[t], h, c)
        hs.append(value(h))
        cs.append(value(c) if c is not None else None)
    return Replacement(ablation, hs, cs)


def patch_source(
    patch_states: tuple[np.ndarray, np.ndarray | None], shape: tuple[int, int, int], adapter: CellAdapter
) -> tuple[torch.Tensor, torch.Tensor | None]:
    """The source run's states as step-major, unit-major ``(T, N, n)`` tensors, checked against
    the run's ``(n, T, N)``."""
    import torch

    hidden, cell = patch_states
    if adapter.has_cell and cell is None:
        raise ValueError("patch_states of an LSTM need the source run's cell states")

    def step_major(value: np.ndarray | torch.Tensor, name: str) -> torch.Tensor:
        arr = torch.as_tensor(np.asarray(value) if not isinstance(value, torch.Tensor) else value.detach())
        if tuple(arr.shape) != shape:
            raise ValueError(f"patch_states {name} must be {shape} (the patched run's n, T, N), got {tuple(arr.shape)}")
        return arr.to(device=adapter.device, dtype=torch.float32).permute(1, 2, 0).contiguous()

    return step_major(hidden, "hidden"), (step_major(cell, "cell") if adapter.has_cell else None)
