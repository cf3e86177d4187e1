"""takehome: grade Jupyter take-home submissions the way a reviewer would.

The public façade.  Everything else is internal and may change.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from harness.errors import (
    HarnessError,
    InfrastructureError,
    InputError,
    NotebookError,
    RubricError,
    SandboxError,
    TaskError,
)

if TYPE_CHECKING:
    from harness.pipeline import check, grade
    from harness.result import GradeResult
    from harness.rubric import Rubric, load_rubric
    from harness.task import Task, load_task

__all__ = [
    "GradeResult",
    "HarnessError",
    "InfrastructureError",
    "InputError",
    "NotebookError",
    "Rubric",
    "RubricError",
    "SandboxError",
    "Task",
    "TaskError",
    "check",
    "grade",
    "load_rubric",
    "load_task",
]

# The pipeline (numpy, pytest, the criteria) loads on first use, not on
# ``import harness``: every ``takehome`` command imports this package first,
# and a candidate's check should not wait for modules it loads later anyway.
_HOMES = {
    "check": "harness.pipeline",
    "grade": "harness.pipeline",
    "GradeResult": "harness.result",
    "Rubric": "harness.rubric",
    "load_rubric": "harness.rubric",
    "Task": "harness.task",
    "load_task": "harness.task",
}


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        return getattr(importlib.import_module(_HOMES[name]), name)
    raise AttributeError(f"module 'harness' has no attribute {name!r}")
