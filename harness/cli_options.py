"""Option parsing and naming shared by the CLI commands (grade, check, ci)."""

from __future__ import annotations

import argparse

from harness.errors import EXIT_BELOW_THRESHOLD, EXIT_GRADED, EXIT_INPUT_ERROR
from harness.result import GradeResult


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


def exit_code_for(result: GradeResult, fail_under: float | None) -> int:
    """The documented exit code for one graded notebook (a batch takes the maximum)."""
    if result.status == "input-error":
        return EXIT_INPUT_ERROR
    if fail_under is not None and not result.percent >= fail_under:  # NaN is below
        return EXIT_BELOW_THRESHOLD
    return EXIT_GRADED
