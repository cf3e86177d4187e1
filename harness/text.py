"""Making hostile text safe to store and show.

Candidate output, exception messages and tracebacks are attacker-controlled:
they may hold ANSI escapes that repaint a terminal, NUL bytes, lone
surrogates or a megabyte without a newline.  Everything a report or a log
shows goes through :func:`clean` first.
"""

from __future__ import annotations

import re

# ANSI CSI sequences (colours, cursor moves), OSC sequences (terminal
# titles, hyperlinks) and short escapes (``ESC 7``, ``ESC ( B``) that
# tracebacks and progress bars are full of; they mean nothing outside a
# terminal.
_ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[ -/]*[0-~]")
# Every C0/C1 control character and DEL except tab and newline: NUL breaks
# many tools, the rest can reorder or hide text on a terminal.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# Lone UTF-16 surrogates arrive from decoders using "surrogateescape"; they
# cannot be encoded as UTF-8, so writing the report would fail.
_SURROGATE = re.compile(r"[\ud800-\udfff]")

TRUNCATED = "[truncated]"


def clean(text: object, limit: int | None = None) -> str:
    """Return ``text`` safe to store and show: no ANSI, no control chars.

    Line endings become ``\\n``; lone surrogates become U+FFFD.  With
    ``limit``, longer text is cut and ends with a visible ``[truncated]``
    marker so a reader knows something is missing.
    """
    s = text if isinstance(text, str) else str(text)
    if limit is not None and len(s) > 4 * limit:
        # Bound the regex work on a megabyte of output; the cut part would be
        # truncated anyway (escapes removed below only make it shorter).
        s = s[: 4 * limit + 64]
    s = s.replace("\r\n", "\n").replace("\r", "\n")
    s = _ANSI.sub("", s)
    s = _CONTROL.sub("", s)
    s = _SURROGATE.sub("\ufffd", s)
    if limit is not None and len(s) > limit:
        s = s[:limit] + "\n" + TRUNCATED
    return s
