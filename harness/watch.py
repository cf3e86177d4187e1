"""Wait for a file to be saved again: the loop behind ``takehome check --watch``.

Polling the file's size and modification time needs no extra dependency
and works the same on every platform and file system (a notebook on a
mounted folder included).  Editors save in steps (write a temporary file,
rename it over the old one), so a change counts only once the file exists
and has stayed the same for one more poll.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

POLL_SECONDS = 0.5

Signature = tuple[int, int] | None  # (mtime_ns, size), None while the file is missing


def signature(path: Path) -> Signature:
    """What changes when the file is saved."""
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_mtime_ns, stat.st_size


def wait_for_save(path: Path, last: Signature, *, poll: float = POLL_SECONDS,
                  sleep: Callable[[float], None] = time.sleep) -> Signature:
    """Block until ``path`` differs from ``last`` and is settled; return its new signature."""
    while True:
        sleep(poll)
        current = signature(path)
        if current is None or current == last:
            continue
        sleep(poll)
        if signature(path) == current:
            return current
