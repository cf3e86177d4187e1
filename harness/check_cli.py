"""``takehome check``: a candidate's self-check, printed as a table they can act on.

The check runs the public tests only (nothing hidden is needed, so it works
from a released bundle), prefers Docker and says so when it falls back to
the local sandbox, prints one row per criterion with the first thing to fix,
then the report paths.  ``--watch`` checks again each time the notebook is
saved, with one short line per check.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from harness.cli_options import exit_code_for
from harness.result import GradeResult
from harness.sandbox.base import Sandbox
from harness.task import Task

Say = Callable[[str], None]


def run_check(args: argparse.Namespace) -> int:
    """Check one notebook (or keep checking it with ``--watch``); the exit code."""
    from harness.sandbox import choose_sandbox
    from harness.task import load_task

    notebook: Path = args.notebooks[0]
    task = load_task(args.task)
    sandbox = choose_sandbox(args.sandbox)
    say: Say = (lambda message: None) if args.quiet else (
        lambda message: print(message, file=sys.stderr))
    if not sandbox.isolates:
        why = ("no Docker engine answered, so " if args.sandbox == "auto" else "")
        print(f"note: {why}the check runs in the local sandbox, which does not isolate: "
              "your notebook runs on this machine (start Docker to check in the grader's "
              "sandbox)", file=sys.stderr)
    result, code = _check_once(notebook, task, sandbox, args, say, table=True)
    if not args.watch:
        return code
    return _watch(notebook, task, sandbox, args, result.percent, code)


def _check_once(notebook: Path, task: Task, sandbox: Sandbox, args: argparse.Namespace,
                say: Say, *, table: bool, previous: float | None = None,
                ) -> tuple[GradeResult, int]:
    from harness.pipeline import grade
    from harness.report import write_reports
    from harness.report.terminal import one_line_summary, summary_table

    result = grade(notebook, task, mode="check", sandbox=sandbox, rubric=args.rubric,
                   progress=say)
    stem = notebook.stem or "notebook"
    paths = write_reports(result, args.out, stem, formats=args.formats, candidate_view=True)
    if table:
        print(summary_table(result, paths), flush=True)
    else:
        print(one_line_summary(result, previous), flush=True)
    return result, exit_code_for(result, args.fail_under)


def _watch(notebook: Path, task: Task, sandbox: Sandbox, args: argparse.Namespace,
           percent: float, code: int) -> int:
    """Re-check on every save until Ctrl-C; the exit code of the last check."""
    from harness.watch import signature, wait_for_save

    print(f"watching {notebook}: save it to check again (Ctrl-C to stop)", flush=True)
    last = signature(notebook)
    try:
        while True:
            last = wait_for_save(notebook, last)
            result, code = _check_once(notebook, task, sandbox, args, lambda message: None,
                                       table=False, previous=percent)
            percent = result.percent
    except KeyboardInterrupt:
        print("stopped watching", flush=True)
    return code
