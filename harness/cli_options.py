"""Option parsing and naming shared by the CLI commands (grade, check, ci)."""

from __future__ import annotations

import argparse


def percent(text: str) -> float:
    """argparse type for a percentage in [0, 100]."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not 0 <= value <= 100:
        raise argparse.ArgumentTypeError("use a percentage between 0 and 100")
    return value


def claim_name(stem: str, used: set[str]) -> str:
    """``stem``, or ``stem-2``, ``stem-3`` ... if taken; records the result in ``used``.

    Two notebooks with the same name in one batch must not overwrite each
    other's reports.
    """
    candidate, number = stem, 2
    while candidate in used:
        candidate = f"{stem}-{number}"
        number += 1
    used.add(candidate)
    return candidate
