"""Shared helpers for reading TOML config files with precise error messages."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, TypeVar

from harness.errors import InputError

E = TypeVar("E", bound=InputError)


def read_toml(path: Path, error: type[E]) -> dict[str, Any]:
    """Parse a TOML file or raise ``error`` naming the file and the problem."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise error(f"{path}: file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise error(f"{path}: cannot read the file ({exc})") from exc
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise error(f"{path}: not valid TOML ({exc}); fix the syntax") from exc


def table(data: Mapping[str, Any], key: str, path: Path, error: type[E]) -> dict[str, Any]:
    """A sub-table that may be absent (empty) but must be a table if present."""
    value = data.get(key, {})
    if not isinstance(value, dict):
        raise error(f"{path}: [{key}] must be a table")
    return value


def number(
    data: Mapping[str, Any], key: str, default: float, path: Path, error: type[E], where: str
) -> float:
    """A positive number, or ``error`` naming file and key."""
    value = data.get(key, default)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
        raise error(f"{path}: {where}.{key} is {value!r}; use a number > 0")
    return float(value)


def reject_unknown(
    data: Mapping[str, Any], known: set[str], path: Path, error: type[E], where: str
) -> None:
    """Typos in config keys should fail loudly, not be silently ignored."""
    unknown = sorted(set(data) - known)
    if unknown:
        raise error(
            f"{path}: unknown key {where}.{unknown[0]}; known keys: {', '.join(sorted(known))}"
        )
