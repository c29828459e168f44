"""The same numbers on every x86-64 processor: CPU math that does not follow the instruction set.

Three libraries inside torch pick their kernels by the processor they run on, and the kernels
round differently:

- **oneDNN** computes ``nn.LSTM`` on the CPU: its AVX-512, AVX2 and SSE4.1 kernels give
  different weights after a few epochs. :func:`portable_cpu_math` turns oneDNN off while a
  network runs, so the LSTM goes through ATen's own kernels like the RNN and GRU do.
- **MKL** computes every matrix product: without conditional numerical reproducibility its
  AVX-512 and AVX2 kernels differ too. ``MKL_CBWR=COMPATIBLE`` makes them agree on every
  x86-64 processor.
- **ATen's** element-wise kernels (``sigmoid``, ``tanh``, ...) run whole vectors through SLEEF
  and the last, partial vector through the scalar C library. AVX2 and AVX-512 agree on whole
  vectors, but a tensor's tail is 16 elements longer with AVX-512 for many sizes (a 100 x 12
  block, for one), and the scalar and vector results differ in the last bit for about one value
  in a thousand. ``ATEN_CPU_CAPABILITY=avx2`` runs the AVX2 kernels on AVX-512 processors too.

Importing this module sets ``MKL_CBWR`` and, on x86-64, ``ATEN_CPU_CAPABILITY`` (unless the
environment already sets them). Both libraries read them at their first call, so they hold for
every process whose first tensor operation comes after the import; the pipeline sets them for
every job (``Snakefile``). With all three, a network trained, recorded or knocked out here gives
the same bytes on every x86-64 processor with AVX2 (all since about 2015;
``tests/test_training.py`` checks it by forcing oneDNN, ATen and MKL down to AVX2 and below). A
processor without AVX2 runs ATen's scalar kernels and may differ in the last bits. For the
paper's 12-unit networks the portable kernels cost nothing measurable (``docs/performance.md``).
"""

from __future__ import annotations

import contextlib
import os
import platform
from collections.abc import Iterator

import torch

__all__ = ["PORTABLE_ENVIRONMENT", "portable_cpu_math"]

#: what the library asks of MKL and ATen (environment variables; a value already set wins)
PORTABLE_ENVIRONMENT = {"MKL_CBWR": "COMPATIBLE"}
if platform.machine().lower() in ("x86_64", "amd64"):
    PORTABLE_ENVIRONMENT["ATEN_CPU_CAPABILITY"] = "avx2"

for _name, _value in PORTABLE_ENVIRONMENT.items():
    os.environ.setdefault(_name, _value)


@contextlib.contextmanager
def portable_cpu_math() -> Iterator[None]:
    """Run torch's CPU kernels without oneDNN for the duration (restored afterwards)."""
    previous = torch.backends.mkldnn.enabled
    torch.backends.mkldnn.enabled = False
    try:
        yield
    finally:
        torch.backends.mkldnn.enabled = previous
