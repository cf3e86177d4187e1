"""Task authoring: one master notebook -> template, solution, checks, release.

``takehome task new`` scaffolds a task, ``task validate`` proves the solution
passes and the template fails, ``task release`` writes the candidate bundle
after checking that nothing hidden is inside.
"""

from __future__ import annotations

from harness.authoring.master import generate
from harness.authoring.release import release_task
from harness.authoring.scaffold import new_task
from harness.authoring.validate import validate_task

__all__ = ["generate", "new_task", "release_task", "validate_task"]
