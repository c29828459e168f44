"""The public API for users' own networks: record a torch model, find its relays, knock units out.

May import every inforelay package above it (docs/architecture.md); torch only inside calls.

``inforelay.record``, ``inforelay.knock_out``, ``inforelay.patch`` (:mod:`inforelay.api.model`),
``inforelay.knockout_effects``, ``inforelay.unit_redundancy`` (:mod:`inforelay.api.effects`), ``inforelay.find_relays``,
``inforelay.Relays`` (:mod:`inforelay.api.relays`), ``inforelay.load_recording`` and
``inforelay.Recording`` (:mod:`inforelay.api.recording`) are these names; tutorial:
``docs/own-model.md``. Names load on first use, so recording a model never imports the relay
package and reading a recording never imports torch.
"""

from __future__ import annotations

from inforelay.core.lazy import lazy_exports

# the user-facing names only (each module's __all__ also lists its file-format constants)
__getattr__, __dir__, __all__ = lazy_exports(
    __name__,
    {"model": ["record", "knock_out", "patch"], "effects": ["knockout_effects", "plot_knockout_effects", "unit_redundancy"], "relays": ["find_relays", "Relays"], "recording": ["load_recording", "Recording"]},
)
