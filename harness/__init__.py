"""takehome: grade Jupyter take-home submissions the way a reviewer would.

The public façade.  Everything else is internal and may change.
"""

from __future__ import annotations

from harness.errors import (
    HarnessError,
    InfrastructureError,
    InputError,
    NotebookError,
    RubricError,
    SandboxError,
    TaskError,
)
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
