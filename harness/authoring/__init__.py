"""Task authoring: one master notebook -> template, solution, checks, release.

``takehome task new`` scaffolds a task, ``task validate`` proves the solution
passes and the template fails, ``task release`` writes the candidate bundle
after checking that nothing hidden is inside.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from harness.authoring.master import generate
    from harness.authoring.release import release_task
    from harness.authoring.scaffold import new_task
    from harness.authoring.validate import validate_task

__all__ = ["generate", "new_task", "release_task", "validate_task"]

# Imported on first use: every ``takehome`` command registers the ``task``
# subcommands (harness/authoring/cli.py, inside this package), and loading
# nbformat, pylint's neighbours and the release code for a ``check`` cost
# start-up time a candidate waits for.
_HOMES = {
    "generate": "harness.authoring.master",
    "release_task": "harness.authoring.release",
    "new_task": "harness.authoring.scaffold",
    "validate_task": "harness.authoring.validate",
}


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        return getattr(importlib.import_module(_HOMES[name]), name)
    raise AttributeError(f"module 'harness.authoring' has no attribute {name!r}")
