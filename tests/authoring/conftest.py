"""Fixtures for authoring tests: task folders copied to tmp_path (the repo stays clean)."""

from __future__ import annotations

import argparse
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from harness.authoring.cli import register, run

ROOT = Path(__file__).resolve().parents[2]
TASKS = ROOT / "tasks"


@pytest.fixture
def task_copy(tmp_path: Path) -> Callable[[str], Path]:
    """Copy tasks/<name> into tmp_path and return the copy."""
    def copy(name: str) -> Path:
        target = tmp_path / "tasks" / name
        shutil.copytree(TASKS / name, target,
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        return target

    return copy


def task_cli(*argv: str) -> int:
    """Drive ``takehome task ...`` in-process, as harness/cli.py wires it."""
    parser = argparse.ArgumentParser(prog="takehome")
    register(parser.add_subparsers(dest="command"))
    return run(parser.parse_args(list(argv)))
