"""One error root for everything the harness itself cannot do.

Candidate failures (a cell that raises, a call that times out) are *data* in
the result; only harness-level problems are exceptions.  Each class carries the
process exit code the CLI uses, so the CLI never has to guess.
"""

from __future__ import annotations

EXIT_GRADED = 0
EXIT_BELOW_THRESHOLD = 1
EXIT_INPUT_ERROR = 2
EXIT_HARNESS_ERROR = 3
EXIT_INFRASTRUCTURE_ERROR = 4


class HarnessError(Exception):
    """Root of every error the harness raises on purpose."""

    exit_code = EXIT_HARNESS_ERROR


class InputError(HarnessError):
    """The user handed us something we cannot grade (a bad file or option)."""

    exit_code = EXIT_INPUT_ERROR


class NotebookError(InputError):
    """A submitted notebook cannot be read, validated or normalised."""


class TaskError(InputError):
    """A task folder or its task.toml is invalid."""


class RubricError(InputError):
    """A rubric file is invalid (unknown criterion, bad weight, ...)."""


class CriterionError(HarnessError):
    """A criterion plugin is broken (fails to load or to run)."""


class SandboxError(HarnessError):
    """The sandbox broke in a way that is not the candidate's doing."""


class InfrastructureError(SandboxError):
    """Docker engine missing, image missing, engine error: never a zero score."""

    exit_code = EXIT_INFRASTRUCTURE_ERROR


class ProtocolError(SandboxError):
    """Data that came out of the sandbox broke the wire format or its caps."""
