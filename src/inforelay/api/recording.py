"""The recording of the API: :class:`Recording` (what ``inforelay.record`` returns) and
``inforelay.load_recording``.

Both are the package's one recording type and reader (:mod:`inforelay.core.recordings`,
:mod:`inforelay.core.recording_files`), so a recording made here, a pipeline activation file and a
hand-made relay input are the same object to every analysis. A saved recording is an
``inforelay-recording`` file of kind ``"model-recording"`` (docs/file-formats.md). numpy/h5py
only: loading a recording never imports torch.
"""

from __future__ import annotations

from inforelay.core.labels import as_answer_steps
from inforelay.core.recording_files import LABELLED_RECORDING, MODEL_RECORDING, load_recording
from inforelay.core.recordings import Recording

__all__ = ["LABELLED_RECORDING", "MODEL_RECORDING", "Recording", "as_answer_steps", "load_recording"]
