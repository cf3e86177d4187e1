"""Sandboxes: where candidate code runs, and nowhere else.

``choose_sandbox`` maps the CLI's ``--sandbox`` choice to a backend:
``docker`` (isolating, the default for grading), ``local`` (a subprocess,
for self-checks, does not isolate) and ``auto`` (Docker when an engine
answers, else local).
"""

from __future__ import annotations

from harness.errors import InputError
from harness.sandbox.base import Sandbox

CHOICES = ("docker", "local", "auto")


def choose_sandbox(name: str) -> Sandbox:
    """The backend for a ``--sandbox`` choice."""
    if name == "local":
        from harness.sandbox.local import LocalSandbox

        return LocalSandbox()
    if name in ("docker", "auto"):
        try:
            from harness.sandbox.docker import DockerSandbox, engine_available
        except ImportError:
            if name == "auto":
                from harness.sandbox.local import LocalSandbox

                return LocalSandbox()
            raise
        if name == "docker" or engine_available():
            return DockerSandbox()
        from harness.sandbox.local import LocalSandbox

        return LocalSandbox()
    raise InputError(f"unknown sandbox {name!r}; choose one of {', '.join(CHOICES)}")
