"""The ``takehome ci`` subcommand: parse, call :func:`harness.ci.run_ci`, return its code.

Kept out of ``harness/cli.py`` so the CI command can grow its options
without touching the other commands; ``cli.py`` only calls :func:`register`
and dispatches to :func:`run`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from harness.cli_options import percent
from harness.errors import EXIT_INPUT_ERROR, HarnessError
from harness.sandbox import CHOICES

MODES = ("check", "grade")


def register(subparsers: Any) -> argparse.ArgumentParser:
    """Add the ``ci`` subcommand to ``subparsers`` (from ``add_subparsers``)."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "ci",
        help="grade the notebooks a pull request changed (JUnit, Markdown, exit status)",
        description="Grade notebooks in CI. Give notebooks, or --base to grade the "
        "notebooks changed since that git ref. Exit codes: 0 graded, 1 below "
        "--fail-under, 2 input error, 4 infrastructure error (Docker, git).",
    )
    parser.add_argument("notebooks", nargs="*", type=Path, metavar="NOTEBOOK",
                        help="notebooks to grade (or use --base)")
    parser.add_argument("--task", required=True, type=Path, help="task folder (with task.toml)")
    parser.add_argument("--base", metavar="REF",
                        help="grade the *.ipynb files changed between REF and HEAD, "
                        "e.g. origin/main")
    parser.add_argument("--repo", type=Path, default=Path("."),
                        help="git work tree for --base (default: current folder)")
    parser.add_argument("--pattern", default="*.ipynb",
                        help="which changed files are notebooks (default: *.ipynb)")
    parser.add_argument("--fail-under", type=percent, metavar="PERCENT",
                        help="exit with status 1 when a score is below PERCENT")
    parser.add_argument("--out", type=Path, default=Path("reports"),
                        help="folder for the reports (default: reports/)")
    parser.add_argument("--sandbox", choices=CHOICES, default="docker",
                        help="where candidate code runs (default: docker)")
    parser.add_argument("--mode", choices=MODES, default="check",
                        help="check: public tests only (default); grade: public and hidden")
    parser.add_argument("--rubric", type=Path, help="rubric TOML (default: the task's)")
    parser.add_argument("--summary-only", action="store_true",
                        help="candidate view even with --mode grade: print only the "
                        "summary lines and leave hidden tests out of every report")
    parser.add_argument("--summary-file", type=Path, metavar="FILE",
                        help="append the Markdown summary here (default: $GITHUB_STEP_SUMMARY)")
    return parser


def run(args: argparse.Namespace) -> int:
    """Run the ``ci`` command for parsed ``args``; return the exit code."""
    from harness.ci import changed_notebooks, run_ci

    if args.base and args.notebooks:
        print("takehome ci: error: give notebooks or --base, not both", file=sys.stderr)
        return EXIT_INPUT_ERROR
    if not args.base and not args.notebooks:
        print("takehome ci: error: give the notebooks to grade, or --base REF to grade "
              "the notebooks changed since REF", file=sys.stderr)
        return EXIT_INPUT_ERROR
    notebooks = args.notebooks
    if args.base:
        try:
            notebooks = changed_notebooks(args.repo, args.base, args.pattern)
        except HarnessError as exc:
            print(f"takehome ci: error: {exc}", file=sys.stderr)
            return exc.exit_code
    return run_ci(
        notebooks,
        args.task,
        sandbox=args.sandbox,
        fail_under=args.fail_under,
        out_dir=args.out,
        candidate_view=args.mode == "check" or args.summary_only,
        summary_path=args.summary_file,
        mode=args.mode,
        rubric=args.rubric,
    )
