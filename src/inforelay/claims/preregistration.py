"""The pre-registration of the paper's claims: what each claim's test is, fixed before a run.

One committed file (the pipeline's ``config/claims.yaml``) says, for every claim id, its
statistic, the groups it is tested in, the window, the test, the null value, the size the claim
needs and its Holm family, plus the analyses the claims run on (the primary knockout run and the
sensitivity runs). The claims code takes every one of these from a :class:`Preregistration` —
the texts of the report's rows and the numbers of the tests — so the file is the one place where
a test is defined; its SHA-256 digest goes into ``claims.csv``'s metadata and the report.
Reading the file happens at the edge (:func:`load_preregistration`); the claims take the object.
See ``docs/claims.md`` (pre-registration).
"""

from __future__ import annotations

import hashlib
import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from inforelay.claims.engine import ClaimSpec

__all__ = [
    "CLAIM_KEYS",
    "Preregistration",
    "PreregistrationError",
    "load_preregistration",
    "preregistration_from_mapping",
]

#: the keys every claim entry must have (``needed``: ``null`` when the claim implies no size)
CLAIM_KEYS = ("statistic", "groups", "window", "test", "null", "needed", "family")
_TOP_KEYS = ("version", "alpha", "analyses", "claims")


class PreregistrationError(ValueError):
    """A pre-registration that cannot be used; the message names the file and the key."""


@dataclass(frozen=True)
class Preregistration:
    """Every claim's test, as registered (:func:`load_preregistration`).

    Attributes
    ----------
    alpha
        Family-wise significance level (Holm within each family).
    analyses
        The runs the claims use: ``knockout`` with ``primary`` (``data``, ``ablation``) and
        ``sensitivity`` (a list of ``name``, ``data``, ``ablation``).
    claims
        Claim id → its entry (:data:`CLAIM_KEYS` plus claim-specific numbers).
    digest
        SHA-256 of the file's bytes (or of the canonical mapping when built from one).
    source
        Where it came from (a path, or ``"<mapping>"``).
    untested
        Claims of the paper the design cannot test (``claim``, ``reason``), for the report.
    """

    alpha: float
    analyses: Mapping[str, Any]
    claims: Mapping[str, Mapping[str, Any]]
    digest: str
    source: str = "<mapping>"
    version: int = 1
    untested: tuple[Mapping[str, str], ...] = ()
    _used: set[str] = field(default_factory=set, compare=False, repr=False)

    def entry(self, claim_id: str) -> Mapping[str, Any]:
        """The registered entry of ``claim_id``; ``KeyError`` naming the file if absent."""
        try:
            entry = self.claims[claim_id]
        except KeyError:
            raise PreregistrationError(
                f"{self.source}: claims.{claim_id} is not registered (registered: "
                f"{', '.join(self.claims)})"
            ) from None
        self._used.add(claim_id)
        return entry

    def spec(self, claim_id: str, claim: str) -> ClaimSpec:
        """The :class:`ClaimSpec` of ``claim_id``: ``claim`` (what the paper says, from the code)
        with the registered statistic (and groups, window), test and family."""
        e = self.entry(claim_id)
        statistic = f"{e['statistic']}; groups: {e['groups']}; window: {e['window']}"
        return ClaimSpec(claim_id, claim, statistic, str(e["test"]), str(e["family"]))

    def number(self, claim_id: str, key: str) -> float:
        """A registered number of ``claim_id`` (``null``, ``needed``, a margin, …); ``nan`` for a
        registered ``null`` (YAML ``~``)."""
        e = self.entry(claim_id)
        if key not in e:
            raise PreregistrationError(f"{self.source}: claims.{claim_id}.{key} is not registered")
        value = e[key]
        if value is None:
            return math.nan
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise PreregistrationError(
                f"{self.source}: claims.{claim_id}.{key} must be a number or null, got {value!r}"
            )
        return float(value)

    def value(self, claim_id: str, key: str) -> Any:
        """Any registered value of ``claim_id`` (e.g. a list of set sizes)."""
        e = self.entry(claim_id)
        if key not in e:
            raise PreregistrationError(f"{self.source}: claims.{claim_id}.{key} is not registered")
        return e[key]

    def family(self, claim_id: str) -> str:
        """The registered Holm family of ``claim_id`` (``primary``, ``sanity``, …)."""
        return str(self.entry(claim_id)["family"])

    def knockout_runs(self) -> list[tuple[str, str, str]]:
        """``(family, data, ablation)`` of the knockout runs: the primary one first
        (family ``primary``), then each sensitivity run (family ``sensitivity: <name>``)."""
        knockout = self.analyses["knockout"]
        primary = knockout["primary"]
        runs = [("primary", str(primary["data"]), str(primary["ablation"]))]
        runs += [(f"sensitivity: {s['name']}", str(s["data"]), str(s["ablation"]))
                 for s in knockout.get("sensitivity", [])]
        return runs

    def unused(self) -> list[str]:
        """Registered claim ids that no claim has looked up yet (a stale entry)."""
        return [cid for cid in self.claims if cid not in self._used]


def _check(mapping: Mapping[str, Any], source: str) -> None:
    if not isinstance(mapping, Mapping):
        raise PreregistrationError(f"{source}: must be a mapping with keys {', '.join(_TOP_KEYS)}")
    missing = [k for k in _TOP_KEYS if k not in mapping]
    if missing:
        raise PreregistrationError(f"{source}: missing top-level key(s) {', '.join(missing)}")
    alpha = mapping["alpha"]
    if isinstance(alpha, bool) or not isinstance(alpha, (int, float)) or not 0 < alpha < 1:
        raise PreregistrationError(f"{source}: alpha must be a number in (0, 1), got {alpha!r}")
    knockout = mapping["analyses"].get("knockout") if isinstance(mapping["analyses"], Mapping) else None
    if not isinstance(knockout, Mapping) or not isinstance(knockout.get("primary"), Mapping):
        raise PreregistrationError(f"{source}: analyses.knockout.primary (data, ablation) is required")
    for i, run in enumerate([knockout["primary"], *knockout.get("sensitivity", [])]):
        for key in ("data", "ablation"):
            if key not in run:
                raise PreregistrationError(f"{source}: analyses.knockout run {i} lacks '{key}'")
    claims = mapping["claims"]
    if not isinstance(claims, Mapping) or not claims:
        raise PreregistrationError(f"{source}: claims must map claim ids to their entries")
    for cid, entry in claims.items():
        if not isinstance(entry, Mapping):
            raise PreregistrationError(f"{source}: claims.{cid} must be a mapping")
        absent = [k for k in CLAIM_KEYS if k not in entry]
        if absent:
            raise PreregistrationError(f"{source}: claims.{cid} lacks {', '.join(absent)}")


def _untested(entries: Any, source: str) -> list[Mapping[str, str]]:
    if not isinstance(entries, list) or not all(
        isinstance(e, Mapping) and {"claim", "reason"} <= set(e) for e in entries
    ):
        raise PreregistrationError(f"{source}: untested must be a list of (claim, reason) entries")
    return [{"claim": str(e["claim"]), "reason": " ".join(str(e["reason"]).split())} for e in entries]


def preregistration_from_mapping(
    mapping: Mapping[str, Any], *, source: str = "<mapping>", digest: str | None = None
) -> Preregistration:
    """A :class:`Preregistration` from its parsed content (``digest``: of the file's bytes;
    default: of the mapping's canonical JSON)."""
    import json

    _check(mapping, source)
    if digest is None:
        canonical = json.dumps(mapping, sort_keys=True, default=str).encode()
        digest = hashlib.sha256(canonical).hexdigest()
    return Preregistration(
        alpha=float(mapping["alpha"]),
        analyses=mapping["analyses"],
        claims={str(k): v for k, v in mapping["claims"].items()},
        digest=digest,
        source=source,
        version=int(mapping["version"]),
        untested=tuple(_untested(mapping.get("untested", []), source)),
    )


def load_preregistration(path: str | os.PathLike[str]) -> Preregistration:
    """Read and check a pre-registration file (YAML); errors name the file and the key."""
    import yaml

    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as err:
        raise PreregistrationError(f"{path}: cannot read the pre-registration ({err.strerror})") from None
    try:
        mapping = yaml.safe_load(raw)
    except yaml.YAMLError as err:
        raise PreregistrationError(f"{path}: not valid YAML ({err})") from None
    return preregistration_from_mapping(mapping, source=str(path), digest=hashlib.sha256(raw).hexdigest())
