"""Making hostile text safe to store and show.

Candidate output, exception messages and tracebacks are attacker-controlled:
they may hold ANSI escapes that repaint a terminal, NUL bytes, lone
surrogates or a megabyte without a newline.  Everything a report or a log
shows goes through :func:`clean` first.
"""

from __future__ import annotations

import re

_ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-Z\\-_]")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
TRUNCATED = " [truncated]"


def clean(text: object, limit: int = 10_000) -> str:
    """Printable text: no escapes or control characters, valid UTF-8, capped."""
    value = text if isinstance(text, str) else str(text)
    if len(value) > limit * 4:
        value = value[: limit * 4]  # bound the regex work on huge input
    value = value.encode("utf-8", "replace").decode("utf-8")
    value = _ANSI.sub("", value)
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    value = _CONTROL.sub("", value)
    if len(value) > limit:
        value = value[:limit] + TRUNCATED
    return value
