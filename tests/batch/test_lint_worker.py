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


def test_a_timeout_is_reported_and_the_worker_restarts() -> None:
    worker = LintWorker(timeout=0.01)
    try:
        with pytest.raises(PylintTimeout):
            worker.lint(CODES[0])
        worker.timeout = 60.0
        assert worker.lint(CODES[0]) == run_pylint(CODES[0])
    finally:
        worker.close()
