"""The batch face of the CLI: ``takehome grade`` and ``takehome gradebook``.

The commands parse options, call :func:`grade_batch` or :func:`merge`, and
print.  Progress is a live rich bar (done/total, failures, ETA) on a
terminal, one plain line per submission otherwise (CI logs, pipes) and
nothing but the summary with ``--quiet``.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from harness.batch.blind import default_reveal_path
from harness.batch.scheduler import BatchOptions, BatchSummary, Event, grade_batch
from harness.batch.shard import parse_shard
from harness.cli_options import exit_code_for
from harness.errors import EXIT_GRADED, EXIT_HARNESS_ERROR


def _jobs(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError("use at least 1 job")
    return value


def add_batch_options(grade: argparse.ArgumentParser) -> None:
    """The options only ``grade`` has (a batch of many notebooks)."""
    grade.add_argument("--jobs", type=_jobs, metavar="N",
                       help="submissions graded at once (default: one per CPU core, fewer "
                       "when memory for the task's sandbox limit runs short)")
    grade.add_argument("--force", action="store_true",
                       help="regrade every notebook, even when the gradebook holds a current "
                       "result")
    grade.add_argument("--shard", type=parse_shard, metavar="K/N",
                       help="grade only the K-th of N deterministic shares (CI matrices); "
                       "combine outputs with `takehome gradebook merge`")
    grade.add_argument("--blind", action="store_true",
                       help="show pseudonyms instead of names; the mapping goes to the reveal "
                       "file (see --reveal)")
    grade.add_argument("--reveal", type=Path, metavar="FILE",
                       help="reveal file of --blind (default: OUT-reveal.json beside --out)")


def register(commands: Any) -> None:
    """Add ``takehome gradebook merge`` to the CLI."""
    book = commands.add_parser("gradebook", help="combine and re-export gradebooks")
    actions = book.add_subparsers(dest="gradebook_command", required=True, metavar="ACTION")
    merge = actions.add_parser(
        "merge", help="merge shard outputs (folders with gradebook.sqlite) into one")
    merge.add_argument("folders", nargs="+", type=Path, metavar="DIR")
    merge.add_argument("--out", type=Path, required=True, help="folder of the merged gradebook")
    merge.add_argument("--format", dest="formats", default="json,html",
                       help="report formats to render (default: json,html)")


def run_grade(args: argparse.Namespace) -> int:
    """``takehome grade``: a batch into ``--out``; exit code as documented."""
    reveal = None
    if args.blind or args.reveal is not None:
        reveal = args.reveal or default_reveal_path(args.out)
    options = BatchOptions(
        task=args.task, out=args.out, rubric=args.rubric, sandbox=args.sandbox,
        formats=tuple(args.formats), jobs=args.jobs, force=args.force, shard=args.shard,
        reveal=reveal,
    )
    with _progress(args.quiet) as show:
        summary = grade_batch(args.notebooks, options, on_event=show)
    _print_summary(summary, options)
    code = EXIT_HARNESS_ERROR if summary.failed else EXIT_GRADED
    for stored in summary.results:
        code = max(code, exit_code_for(stored.result, args.fail_under))
    return code


def run_gradebook(args: argparse.Namespace) -> int:
    """``takehome gradebook merge``."""
    from harness.batch.merge import merge
    from harness.cli import _formats  # pylint: disable=import-outside-toplevel

    paths = merge(args.folders, args.out, _formats(args.formats))
    print(f"merged {len(args.folders)} gradebooks -> {', '.join(str(p) for p in paths)}")
    return EXIT_GRADED


def _print_summary(summary: BatchSummary, options: BatchOptions) -> None:
    """One line per notebook of this run (the summary --quiet keeps), then totals."""
    for stored in summary.results:
        result = stored.result
        print(f"{stored.submission}: {result.percent:.1f}% [{result.status}] {result.message} "
              f"-> {options.out / stored.report_stem}.html")
    for submission, error in summary.failed:
        print(f"{submission}: not graded: {error}", file=sys.stderr)
    print(f"graded {summary.graded}, unchanged {summary.skipped}, failed {len(summary.failed)} "
          f"of {summary.total} in {summary.wall:.1f} s with {summary.jobs} job(s); "
          f"gradebook: {', '.join(str(p) for p in summary.exports)}")
    if options.reveal is not None:
        print(f"blind: names are in {options.reveal} (keep it away from reviewers)")


class _progress:  # pylint: disable=invalid-name  # used like a function: with _progress(...)
    """The event callback for the CLI: a rich bar, plain lines, or nothing."""

    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet
        self._bar: Any = None
        self._task: Any = None

    def __enter__(self) -> _progress:
        if not self.quiet and sys.stderr.isatty() and os.environ.get("CI", "").lower() != "true":
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeElapsedColumn,
                TimeRemainingColumn,
            )
            from rich.console import Console

            self._bar = Progress(
                TextColumn("grading"), BarColumn(), MofNCompleteColumn(),
                TextColumn("[red]{task.fields[failed]} failed"), TimeElapsedColumn(),
                TextColumn("ETA"), TimeRemainingColumn(),
                console=Console(stderr=True), transient=True)
            self._bar.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.stop()

    def __call__(self, event: Event) -> None:
        if self.quiet:
            return
        if self._bar is not None:
            if self._task is None:
                self._task = self._bar.add_task("grading", total=event.total, failed=0)
            self._bar.update(self._task, completed=event.done, failed=event.failed)
            return
        if event.kind == "planned":
            print(f"{event.total} notebooks, {event.done} unchanged since the last run",
                  file=sys.stderr, flush=True)
        elif event.item is not None:
            what = (f"{event.result.percent:.1f}% [{event.result.status}]"
                    if event.result is not None else f"failed: {event.error}")
            print(f"[{event.done}/{event.total}] {event.submission}: {what}", file=sys.stderr,
                  flush=True)
