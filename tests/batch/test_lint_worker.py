"""The long-lived lint process gives what a fresh pylint process gives."""

from __future__ import annotations

import pytest

from harness.batch.lint_worker import LintWorker
from harness.criteria.lint import PylintTimeout, run_pylint

CODES = (
    "import os\ndef f(x):\n  y=1\n  return 1\n",
    "class a:\n    def B(self): pass\nprint(undefined_name)\n",
    "def ok(values):\n    \"\"\"Sum.\"\"\"\n    return sum(values)\n",
)


def test_worker_messages_equal_a_fresh_pylint_run_in_any_order() -> None:
    worker = LintWorker()
    try:
        for code in (*CODES, *reversed(CODES)):
            assert worker.lint(code) == run_pylint(code)
    finally:
        worker.close()


def test_a_submission_that_writes_into_a_library_cannot_change_the_next_ones_messages() -> None:
    """``math.floor = 3`` is recorded on astroid's tree of math: the worker must forget it."""
    attack = ("import math\nimport argparse\nmath.pi = 'x'\nmath.floor = 3\n"
              "ns = argparse.Namespace()\nns.x = 1\n")
    probe = ('import math\n\n\ndef f():\n    """Doc."""\n'
             '    return math.floor(2.5) + math.pi.upper()\n')
    expected = run_pylint(probe)
    assert "no-member" in {m.symbol for m in expected}  # the probe sees the real math
    worker = LintWorker()
    try:
        for code in (probe, attack, probe, CODES[0], probe):
            messages = worker.lint(code)
            if code == probe:
                assert messages == expected
    finally:
        worker.close()


def test_a_timeout_is_reported_and_the_worker_restarts() -> None:
    worker = LintWorker(timeout=0.01)
    try:
        with pytest.raises(PylintTimeout):
            worker.lint(CODES[0])
        worker.timeout = 60.0
        assert worker.lint(CODES[0]) == run_pylint(CODES[0])
    finally:
        worker.close()


def test_the_process_is_replaced_after_its_share_of_notebooks(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from harness.batch import lint_worker

    monkeypatch.setattr(lint_worker, "REQUESTS_PER_PROCESS", 2)
    worker = LintWorker()
    pids = []
    try:
        for code in CODES:
            assert worker.lint(code) == run_pylint(code)
            pids.append(worker._process.pid if worker._process else None)  # pylint: disable=protected-access
    finally:
        worker.close()
    assert pids[1] is None and pids[0] != pids[2]  # stopped after two, a new one for the third
