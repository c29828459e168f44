"""Run by .ci/run in a fresh venv where `pip install .` put inforelay WITHOUT torch.

Writes a recording with h5py alone (a network-like toy: unit 0 carries the concept), loads it
with inforelay, finds its relays, and checks that inforelay.record asks for torch.
Exit status 0 on success; an assertion names what failed.
"""

import sys

import h5py
import numpy as np

import inforelay

assert "torch" not in sys.modules, "import inforelay loaded torch"
rng = np.random.default_rng(0)
n, steps, units = 400, 5, 4
concepts = rng.integers(0, 2, size=(n, 1))
hidden = rng.normal(size=(n, steps, units)).astype(np.float32)
hidden[:, :, 0] = (2.0 * concepts - 1.0) + 0.1 * hidden[:, :, 0]  # unit 0 carries the concept
outputs = np.repeat(hidden[:, :, :1], 1, axis=2).copy()
with h5py.File("no_torch_recording.h5", "w") as f:
    f["inputs"] = np.zeros((n, steps, 1), dtype=np.float32)
    f["hidden"] = hidden
    f["outputs"] = outputs
    f["concepts"] = concepts.astype(np.int8)
    f["answer_step"] = np.full(n, steps - 1, dtype=np.int64)
rec = inforelay.load_recording("no_torch_recording.h5")
relays = inforelay.find_relays(rec, answer_step=steps - 1)
frame = relays.to_frame()
last = frame[frame["step"] == steps - 1]
top = last.loc[last["contribution"].idxmax(), "unit"]
assert top == 0, f"expected unit 0 to carry the concept, got {top}"
assert "torch" not in sys.modules, "find_relays loaded torch"
try:
    inforelay.record(None, np.zeros((1, 1, 1)))
except ImportError as error:
    assert "torch" in str(error), error
    print(f"ok: relays without torch ({len(frame)} rows); record says: {error}")
else:
    raise AssertionError("inforelay.record worked without torch")
