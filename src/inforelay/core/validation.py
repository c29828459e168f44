"""Checks of settings: one wording for every "expected a positive integer" error.

Settings dataclasses (task parameters, ``FlowParams``, ``ForecastConfig``, ``TrainingConfig`` …)
check their fields in ``__post_init__``; these helpers raise a :class:`ValueError` whose message
starts with the field's name or dotted config key, so the user sees which key to fix.
"""

from __future__ import annotations

import dataclasses
import numbers
from collections.abc import Callable, Iterable, Mapping
from typing import Any

__all__ = [
    "is_integer",
    "check_positive_int",
    "check_nonnegative_int",
    "check_integer",
    "check_nonnegative",
    "check_positive",
    "check_open_interval",
    "check_choice",
    "check_fields",
    "known_fields",
]


def is_integer(value: Any) -> bool:
    """Whether ``value`` is a Python or NumPy integer (``bool`` is not)."""
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def check_positive_int(name: str, value: Any) -> None:
    """Raise ``ValueError`` naming ``name`` unless ``value`` is an integer ``>= 1``."""
    if not is_integer(value) or value < 1:
        raise ValueError(f"{name}: expected a positive integer, got {value!r}")


def check_nonnegative_int(name: str, value: Any) -> None:
    """Raise ``ValueError`` naming ``name`` unless ``value`` is an integer ``>= 0``."""
    check_integer(name, value, 0)


def check_integer(name: str, value: Any, minimum: int = 0) -> None:
    """Raise ``ValueError`` naming ``name`` unless ``value`` is an integer ``>= minimum``."""
    if not is_integer(value) or value < minimum:
        raise ValueError(f"{name}: expected an integer >= {minimum}, got {value!r}")


def check_nonnegative(name: str, value: Any) -> None:
    """Raise ``ValueError`` naming ``name`` unless ``value`` is a number ``>= 0``."""
    if not _is_number(value) or value < 0:
        raise ValueError(f"{name}: expected a number >= 0, got {value!r}")


def check_positive(name: str, value: Any) -> None:
    """Raise ``ValueError`` naming ``name`` unless ``value`` is a number ``> 0``."""
    if not _is_number(value) or not value > 0:
        raise ValueError(f"{name}: expected a number > 0, got {value!r}")


def check_open_interval(name: str, value: Any, low: float, high: float) -> None:
    """Raise ``ValueError`` naming ``name`` unless ``low < value < high``."""
    if not _is_number(value) or not low < value < high:
        raise ValueError(f"{name}: expected a number in ({low:g}, {high:g}), got {value!r}")


def check_choice(name: str, value: Any, choices: Iterable[str]) -> None:
    """Raise ``ValueError`` naming ``name`` unless ``value`` is one of ``choices``."""
    choices = tuple(choices)
    if value not in choices:
        raise ValueError(f"{name}: {value!r} is not one of {', '.join(choices)}")


def check_fields(
    settings: Any,
    *,
    prefix: str = "",
    choices: Mapping[str, Iterable[str]] | None = None,
    positive_int: Iterable[str] = (),
    nonnegative_int: Iterable[str] = (),
    at_least: Mapping[str, int] | None = None,
    positive: Iterable[str] = (),
    nonnegative: Iterable[str] = (),
    open_interval: Mapping[str, tuple[float, float]] | None = None,
) -> None:
    """Check the named fields of a settings object (its ``__post_init__``) with the checks above.

    Each keyword lists the fields one check applies to (``at_least``: field → smallest integer;
    ``choices``: field → allowed values; ``open_interval``: field → ``(low, high)``). Errors name
    ``prefix + field`` (e.g. ``prefix="training."``); the checks run in the keywords' order.
    """

    calls: list[tuple[Callable[..., None], str, tuple[Any, ...]]] = [
        *((check_choice, name, (allowed,)) for name, allowed in (choices or {}).items()),
        *((check_positive_int, name, ()) for name in positive_int),
        *((check_nonnegative_int, name, ()) for name in nonnegative_int),
        *((check_integer, name, (minimum,)) for name, minimum in (at_least or {}).items()),
        *((check_positive, name, ()) for name in positive),
        *((check_nonnegative, name, ()) for name in nonnegative),
        *((check_open_interval, name, bounds) for name, bounds in (open_interval or {}).items()),
    ]
    for check, name, arguments in calls:
        check(prefix + name, getattr(settings, name), *arguments)


def known_fields(cls: type, mapping: Mapping[str, Any]) -> dict[str, Any]:
    """The entries of ``mapping`` that are fields of the dataclass ``cls`` (the others dropped)."""
    names = {field.name for field in dataclasses.fields(cls)}
    return {key: value for key, value in mapping.items() if key in names}
