"""Deterministic seeds from stable, human-readable keys.

Seeds never come from Python's ``hash()`` (salted per process); they come from a
SHA-256 digest of the key fed to :class:`numpy.random.SeedSequence`, so the same
key gives the same seed on every machine and in every process.
"""

from __future__ import annotations

import hashlib

import numpy as np

__all__ = ["seed_sequence", "derive_seed", "derive_rng"]


def _key_entropy(key: tuple[object, ...]) -> list[int]:
    text = "\x1f".join(str(part) for part in key)
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    # four 64-bit words of entropy for SeedSequence
    return [int.from_bytes(digest[i : i + 8], "little") for i in range(0, 32, 8)]


def seed_sequence(*key: object) -> np.random.SeedSequence:
    """Return a :class:`numpy.random.SeedSequence` for a stable key.

    Parameters
    ----------
    *key
        Parts of the key, e.g. ``("train", "memory", "lstm", "random", 3)``.
        Parts are converted with ``str``; their order matters.
    """
    if not key:
        raise ValueError("seed key must have at least one part")
    return np.random.SeedSequence(_key_entropy(key))


def derive_seed(*key: object) -> int:
    """Return a 32-bit integer seed for a stable key (usable by torch and numpy)."""
    return int(seed_sequence(*key).generate_state(1, dtype=np.uint32)[0])


def derive_rng(*key: object) -> np.random.Generator:
    """Return a :class:`numpy.random.Generator` seeded from a stable key."""
    return np.random.default_rng(seed_sequence(*key))
