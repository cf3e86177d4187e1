"""Run one test suite (public or hidden) in-process against a candidate.

pytest runs here, in the grader, on test files written by the task author;
candidate code never runs in this process: every ``candidate.*`` call goes to
the sandbox.  The task's own pytest configuration is isolated from ours (an
empty ini file, its own rootdir, no cache, no terminal output so nothing of a
hidden test is printed to a log).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import pytest

from harness.errors import TaskError
from harness.judge.plugin import JudgePlugin
from harness.result import Outcome, TestResult


def collect_ids(tests_dir: Path) -> list[str]:
    """Node ids of the tests in a folder, without running them."""
    plugin = JudgePlugin(candidate=None)
    _run_pytest(tests_dir, plugin, ["--collect-only"])
    if plugin.collection_errors:
        where, why = plugin.collection_errors[0]
        raise TaskError(f"{tests_dir}: cannot collect tests in {where or 'the folder'}: {why}")
    return plugin.expected


def run_suite(tests_dir: Path, suite: str, candidate: object) -> tuple[TestResult, ...]:
    """Every test in ``tests_dir`` as a result; uncollectable files are errors."""
    plugin = JudgePlugin(candidate)
    _run_pytest(tests_dir, plugin, [])
    results: list[TestResult] = []
    for node_id in plugin.expected:
        outcome, message, duration = plugin.outcomes.get(
            node_id, (Outcome.MISSING, "no result was recorded for this test", 0.0)
        )
        results.append(TestResult(node_id, suite, outcome, message, round(duration, 3)))
    for node_id, message in plugin.collection_errors:
        results.append(TestResult(node_id or "<collection>", suite, Outcome.ERROR, message))
    return tuple(results)


def _run_pytest(tests_dir: Path, plugin: JudgePlugin, extra: list[str]) -> int:
    if not tests_dir.is_dir():
        raise TaskError(f"{tests_dir}: test folder not found; check the task.toml paths")
    with tempfile.TemporaryDirectory(prefix="takehome-judge-") as tmp:
        ini = Path(tmp) / "pytest.ini"
        ini.write_text("[pytest]\n", encoding="utf-8")
        args = [
            str(tests_dir),
            "-c",
            str(ini),
            "--rootdir",
            str(tests_dir),
            "-p",
            "no:cacheprovider",
            "-p",
            "no:terminal",
            "-p",
            "no:stepwise",
            "--import-mode=importlib",
            "-o",
            "console_output_style=classic",
            *extra,
        ]
        _forget_modules(tests_dir)
        try:
            return int(pytest.main(args, plugins=[plugin]))
        finally:
            _forget_modules(tests_dir)


def _forget_modules(tests_dir: Path) -> None:
    """Drop the suite's test modules from ``sys.modules``.

    With ``--import-mode=importlib`` pytest names a module after its path
    below the rootdir (``test_hidden``) and reuses one already imported, so a
    second task graded in the same process would run the first task's tests.
    """
    root = tests_dir.resolve()
    for name, module in list(sys.modules.items()):
        file = getattr(module, "__file__", None)
        if file and Path(file).resolve().is_relative_to(root):
            del sys.modules[name]
