"""Plug-in entropies, mutual information, conditional MI and co-information, in bits.

Everything works on *samples*: a variable is an array whose first axis runs over samples
(1-D labels or 2-D columns forming one joint variable, see :mod:`inforelay.info.codes`),
and probabilities are relative frequencies. The relay information of docs/relay.md is the
conditional co-information :func:`conditional_co_information`.

Only NumPy is needed (no torch), so analysis jobs start fast.
"""

from __future__ import annotations

import numpy as np

from inforelay.info.codes import joint_codes

__all__ = [
    "entropy_from_counts",
    "entropy",
    "mutual_information",
    "conditional_mutual_information",
    "co_information",
    "conditional_co_information",
]


def entropy_from_counts(counts: np.ndarray, *, miller_madow: bool = False) -> float:
    """Plug-in entropy in bits of a histogram.

    ``H = log2(n) − Σ c log2(c) / n`` over the non-zero counts ``c`` (``n = Σ c``).
    With ``miller_madow=True`` the Miller–Madow bias correction
    ``(m − 1) / (2 n ln 2)`` is added, ``m`` the number of non-zero counts.
    """
    c = np.asarray(counts, dtype=np.float64).ravel()
    c = c[c > 0]
    n = c.sum()
    if n <= 0:
        raise ValueError("counts are empty")
    h = float(np.log2(n) - np.dot(c, np.log2(c)) / n)
    if miller_madow:
        h += (c.size - 1) / (2.0 * n * np.log(2.0))
    return max(h, 0.0)


def entropy(*variables: np.ndarray, miller_madow: bool = False) -> float:
    """Joint plug-in entropy ``H(V1, V2, ...)`` in bits of discrete samples.

    Parameters
    ----------
    *variables
        1-D ``(n,)`` or 2-D ``(n, k)`` discrete arrays with the same ``n``.
    miller_madow
        Add the Miller–Madow correction ``(m − 1)/(2 n ln 2)``.
    """
    codes, m = joint_codes(*variables)
    return entropy_from_counts(np.bincount(codes, minlength=m), miller_madow=miller_madow)


def mutual_information(x: np.ndarray, y: np.ndarray, *, miller_madow: bool = False) -> float:
    """``I(X; Y) = H(X) + H(Y) − H(X, Y)`` in bits."""
    h = lambda *v: entropy(*v, miller_madow=miller_madow)  # noqa: E731
    return h(x) + h(y) - h(x, y)


def conditional_mutual_information(
    x: np.ndarray, y: np.ndarray, z: np.ndarray | None, *, miller_madow: bool = False
) -> float:
    """``I(X; Y | Z) = H(X,Z) + H(Y,Z) − H(Z) − H(X,Y,Z)`` in bits (``z=None``: unconditioned)."""
    if z is None:
        return mutual_information(x, y, miller_madow=miller_madow)
    h = lambda *v: entropy(*v, miller_madow=miller_madow)  # noqa: E731
    return h(x, z) + h(y, z) - h(z) - h(x, y, z)


def co_information(x: np.ndarray, y: np.ndarray, z: np.ndarray, *, miller_madow: bool = False) -> float:
    """Co-information ``I(X; Y; Z) = I(X; Y) − I(X; Y | Z)`` in bits.

    Positive for redundancy, negative for synergy (``X XOR Y = Z`` gives −1 bit).
    """
    return conditional_co_information(x, y, z, None, miller_madow=miller_madow)


def conditional_co_information(
    x: np.ndarray,
    y: np.ndarray,
    z: np.ndarray,
    w: np.ndarray | None,
    *,
    miller_madow: bool = False,
) -> float:
    """Conditional co-information ``I(X; Y; Z | W) = I(X; Y | W) − I(X; Y | Z, W)`` in bits.

    Written out, it is the eight-term sum

    ``−H(W) + H(X,W) + H(Y,W) + H(Z,W) − H(X,Y,W) − H(X,Z,W) − H(Y,Z,W) + H(X,Y,Z,W)``

    (``w=None``: the unconditioned co-information). This is the relay
    information ``I_R`` with ``X = X_in``, ``Y = X_out``, ``Z = Y_R`` and ``W = Y_0``.
    """
    h = lambda *v: entropy(*v, miller_madow=miller_madow)  # noqa: E731
    cond: tuple[np.ndarray, ...] = () if w is None else (w,)
    h_w = h(*cond) if cond else 0.0
    return (
        -h_w
        + h(x, *cond)
        + h(y, *cond)
        + h(z, *cond)
        - h(x, y, *cond)
        - h(x, z, *cond)
        - h(y, z, *cond)
        + h(x, y, z, *cond)
    )
