"""Run one test suite (public or hidden) in-process against a candidate.

pytest runs here, in the grader, on test files written by the task author;
candidate code never runs in this process: every ``candidate.*`` call goes to
the sandbox.  The task's own pytest configuration is isolated from ours (an
empty ini file, its own rootdir, no cache, no terminal output so nothing of a
hidden test is printed to a log) and from whatever happens to be installed:
no plugin is loaded from entry points (a task that needs one names it in its
conftest's ``pytest_plugins``).  That also keeps pytest's scan of every
installed distribution's entry points, a third of a second per suite, out of
each submission's judging.
"""

from __future__ import annotations

import hashlib
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest

from harness.errors import TaskError
from harness.judge.plugin import JudgePlugin
from harness.result import Outcome, TestResult

_NO_AUTOLOAD = "PYTEST_DISABLE_PLUGIN_AUTOLOAD"
# Built-in plugins a judged suite has no use for.  unraisableexception and
# threadexception run five garbage collections when each run ends (60 ms);
# the rest only cost registering them.  Fixtures tests do use (tmp_path,
# monkeypatch, capsys, caplog, recwarn) and marks stay.
_UNUSED_PLUGINS = tuple(
    arg for name in ("doctest", "junitxml", "pastebin", "setuponly", "setupplan", "debugging",
                     "faulthandler", "unraisableexception", "threadexception")
    for arg in ("-p", f"no:{name}")
)


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
    _remember_rewrites()
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
            *_UNUSED_PLUGINS,
            "--import-mode=importlib",
            "-o",
            "console_output_style=classic",
            *extra,
        ]
        _forget_modules(tests_dir)
        autoload = os.environ.get(_NO_AUTOLOAD)
        os.environ[_NO_AUTOLOAD] = "1"
        try:
            return int(pytest.main(args, plugins=[plugin]))
        finally:
            if autoload is None:
                os.environ.pop(_NO_AUTOLOAD, None)
            else:
                os.environ[_NO_AUTOLOAD] = autoload
            _forget_modules(tests_dir)


def _remember_rewrites() -> None:
    """Rewrite each test file's asserts once per process, not once per submission.

    The suite's modules are imported afresh for every submission (see
    :func:`_forget_modules`), and pytest rewrote the same file each time
    (0.1 s a suite): it caches the result only as a pyc beside the tests,
    which the judge never writes into a task folder.  The memo keys the
    rewritten code by path and content, so an edited file is rewritten; a
    code object holds no state, each import still gets a fresh module.
    Without pytest's private hook (a newer pytest) nothing changes.
    """
    from _pytest.assertion import rewrite

    original = getattr(rewrite, "_rewrite_test", None)
    if original is None or getattr(original, "remembered", False):
        return
    memo: dict[tuple[str, str], Any] = {}

    def rewrite_test(fn: Path, config: Any) -> Any:
        key = (str(fn), hashlib.sha256(fn.read_bytes()).hexdigest())
        if key not in memo:
            memo[key] = original(fn, config)
        return memo[key]

    rewrite_test.remembered = True  # type: ignore[attr-defined]
    rewrite._rewrite_test = rewrite_test


def _forget_modules(tests_dir: Path) -> None:
    """Drop the suite's test modules from ``sys.modules``.

    With ``--import-mode=importlib`` pytest names a module after its path
    below the rootdir (``test_hidden``) and reuses one already imported, so a
    second task graded in the same process would run the first task's tests.
    Prefix tests on strings: resolving the path of every loaded module cost
    a seventh of a second per call.
    """
    prefixes = tuple({str(tests_dir.absolute()) + os.sep, str(tests_dir.resolve()) + os.sep})
    for name, module in list(sys.modules.items()):
        file = getattr(module, "__file__", None)
        if isinstance(file, str) and file.startswith(prefixes):
            del sys.modules[name]
