"""``takehome check``: a candidate's self-check, printed as a table they can act on.

The check runs the public tests only (nothing hidden is needed, so it works
from a released bundle), prefers Docker and says so when it falls back to
the local sandbox, prints one row per criterion with the first thing to fix,
then the report paths.  ``--watch`` checks again each time the notebook is
saved, with one short line per check.
"""

from __future__ import annotations

import argparse
import importlib
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from harness.cli_options import exit_code_for
from harness.result import GradeResult
from harness.sandbox.base import Sandbox
from harness.errors import HarnessError
from harness.task import Task, load_task
from harness.watch import Signature, signature, wait_for_save

Say = Callable[[str], None]

# Modules the check needs only after the notebook has run (the judge's numpy and
# pytest, the report templates): loaded in a thread while the sandbox starts the
# kernel and runs the notebook, instead of before it (bench/check_bench.py).
WARM_MODULES = ("harness.judge.proxy", "harness.judge.runner", "harness.report.html")


def _load_in_background(modules: tuple[str, ...]) -> None:
    """Import ``modules`` in a daemon thread; an import error surfaces later, where used."""
    def load() -> None:
        for name in modules:
            try:
                importlib.import_module(name)
            except ImportError:
                return  # the real import, on the main thread, reports it

    threading.Thread(target=load, name="takehome-warm-imports", daemon=True).start()


@dataclass(frozen=True)
class _Check:
    """One notebook, its task and sandbox: checked once, or again on each save."""

    notebook: Path
    task: Task
    sandbox: Sandbox
    args: argparse.Namespace

    def once(self, say: Say, previous: float | None = None) -> tuple[GradeResult, int]:
        """Check, write the reports, print the table (first time) or one line (re-checks)."""
        from harness.pipeline import grade
        from harness.report import write_reports
        from harness.report.terminal import one_line_summary, summary_table

        args = self.args
        result = grade(self.notebook, self.task, mode="check", sandbox=self.sandbox,
                       rubric=args.rubric, progress=say)
        paths = write_reports(result, args.out, self.notebook.stem or "notebook",
                              formats=args.formats, candidate_view=True)
        if previous is None:
            print(summary_table(result, paths), flush=True)
        else:
            print(one_line_summary(result, previous), flush=True)
        return result, exit_code_for(result, args.fail_under)

    def watch(self, last: Signature, percent: float, code: int) -> int:
        """Re-check on every save after ``last`` until Ctrl-C; the last check's exit code.

        A harness error in one re-check (the task folder edited into a broken
        state, say) is printed and the watch goes on: the next save may fix it.
        """
        print(f"watching {self.notebook}: save it to check again (Ctrl-C to stop)", flush=True)
        try:
            while True:
                last = wait_for_save(self.notebook, last)
                try:
                    result, code = self.once(lambda message: None, previous=percent)
                except HarnessError as exc:
                    print(f"takehome: error: {exc}", file=sys.stderr, flush=True)
                    code = exc.exit_code
                    continue
                percent = result.percent
        except KeyboardInterrupt:
            print("stopped watching", flush=True)
        return code


def run_check(args: argparse.Namespace) -> int:
    """Check one notebook (or keep checking it with ``--watch``); the exit code."""
    from harness.sandbox import choose_sandbox

    _load_in_background(WARM_MODULES)
    check = _Check(args.notebooks[0], load_task(args.task), choose_sandbox(args.sandbox), args)
    say: Say = (lambda message: None) if args.quiet else (
        lambda message: print(message, file=sys.stderr))
    if not check.sandbox.isolates:
        why = ("no Docker engine answered, so " if args.sandbox == "auto" else "")
        print(f"note: {why}the check runs in the local sandbox, which does not isolate: "
              "your notebook runs on this machine (start Docker to check in the grader's "
              "sandbox)", file=sys.stderr)
    before = signature(check.notebook)  # a save during the first check counts as a change
    result, code = check.once(say)
    return check.watch(before, result.percent, code) if args.watch else code
