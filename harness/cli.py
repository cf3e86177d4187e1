"""The ``takehome`` command: each subcommand parses, calls one function, prints.

Exit codes (also in the README):
  0  graded (every notebook got a result; scores may be low)
  1  graded, but a score is below --fail-under
  2  input error: a notebook, task or rubric could not be used
  3  harness error: a bug or broken plugin in takehome itself
  4  infrastructure error: Docker engine or image missing, engine failure
"""

from __future__ import annotations

import argparse
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path

from harness.errors import (
    EXIT_GRADED,
    EXIT_HARNESS_ERROR,
    EXIT_INPUT_ERROR,
    HarnessError,
)
from harness.cli_options import percent
from harness.sandbox import CHOICES

FORMATS = ("json", "html", "junit", "md")
DEFAULT_FORMATS = ("json", "html")


def _formats(text: str) -> tuple[str, ...]:
    chosen = tuple(part.strip() for part in text.split(",") if part.strip())
    unknown = [f for f in chosen if f not in FORMATS]
    if unknown or not chosen:
        raise argparse.ArgumentTypeError(
            f"unknown format {unknown[0] if unknown else text!r}; choose from {', '.join(FORMATS)}"
        )
    return chosen


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="takehome",
        description="Grade Jupyter take-home submissions in a sandbox.",
        epilog="Commands: grade, check, ci, gradebook merge, task new|validate|release, "
        "image build, review.  "
        "Exit codes: 0 graded, 1 below --fail-under, 2 input error, "
        "3 harness error, 4 infrastructure error (Docker).",
    )
    parser.add_argument("--debug", action="store_true", help="show tracebacks of harness errors")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add_grading_options(sub: argparse.ArgumentParser, sandbox_default: str) -> None:
        sub.add_argument("--task", required=True, type=Path, help="task folder (with task.toml)")
        sub.add_argument("--out", type=Path, default=Path("reports"),
                         help="folder for the reports (default: reports/)")
        sub.add_argument("--format", type=_formats, default=DEFAULT_FORMATS, dest="formats",
                         help="comma-separated report formats from json,html,junit,md "
                         "(default: json,html)")
        sub.add_argument("--sandbox", choices=CHOICES, default=sandbox_default,
                         help=f"where candidate code runs (default: {sandbox_default})")
        sub.add_argument("--rubric", type=Path, help="rubric TOML (default: the task's)")
        sub.add_argument("--fail-under", type=percent, metavar="PERCENT",
                         help="exit with status 1 when a score is below PERCENT")
        sub.add_argument("--quiet", action="store_true", help="print only the summary lines")

    grade = commands.add_parser(
        "grade", help="grade notebooks with public and hidden tests (hiring teams)")
    grade.add_argument("notebooks", nargs="+", type=Path, metavar="NOTEBOOK",
                       help="notebooks, or folders of notebooks")
    add_grading_options(grade, "docker")
    from harness.batch import cli as batch_cli

    batch_cli.add_batch_options(grade)
    batch_cli.register(commands)
    check = commands.add_parser(
        "check", help="self-check one notebook with the public tests only (candidates)")
    check.add_argument("notebooks", nargs=1, type=Path, metavar="NOTEBOOK")
    add_grading_options(check, "auto")
    check.add_argument("--watch", action="store_true",
                       help="check again each time the notebook is saved (Ctrl-C to stop)")

    image = commands.add_parser("image", help="manage the sandbox Docker image")
    image_commands = image.add_subparsers(dest="image_command", required=True, metavar="ACTION")
    build = image_commands.add_parser("build", help="build the sandbox image (cached)")
    build.add_argument("--base", help="base image (default: python:3.11-slim, "
                       "or a local Debian bootstrap when it cannot be pulled)")
    build.add_argument("--task", type=Path, help="also build this task's image")

    from harness import ci_cli
    from harness.authoring.cli import register as register_task_commands
    from harness.review import cli as review_cli

    ci_cli.register(commands)
    register_task_commands(commands)
    review_cli.register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the exit code instead of exiting (testable)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command == "check":
            from harness.check_cli import run_check

            return run_check(args)
        if args.command == "grade":
            from harness.batch.cli import run_grade

            return run_grade(args)
        if args.command == "gradebook":
            from harness.batch.cli import run_gradebook

            return run_gradebook(args)
        if args.command == "image":
            return _image_command(args)
        if args.command == "task":
            from harness.authoring.cli import run as run_task_command

            return int(run_task_command(args))
        if args.command == "ci":
            from harness import ci_cli

            return int(ci_cli.run(args))
        if args.command == "review":
            from harness.review import cli as review_cli

            return review_cli.run(args)
    except HarnessError as exc:
        if args.debug:
            traceback.print_exc()
        print(f"takehome: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("takehome: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 - last line of defence: a bug gets a clear exit
        if args.debug:
            traceback.print_exc()
        print(
            f"takehome: internal error: {type(exc).__name__}: {exc} "
            "(this is a bug in takehome; rerun with --debug for the traceback)",
            file=sys.stderr,
        )
        return EXIT_HARNESS_ERROR
    parser.error(f"unknown command {args.command}")
    return EXIT_INPUT_ERROR


def _image_command(args: argparse.Namespace) -> int:
    from harness.sandbox.image import build_image

    if args.image_command == "build":
        requirements: tuple[str, ...] = ()
        if args.task is not None:
            from harness.task import load_task

            requirements = load_task(args.task).requirements
        tag = build_image(base_image=args.base, extra_requirements=requirements,
                          progress=lambda line: print(line, file=sys.stderr))
        from harness.sandbox.docker import DockerSandbox

        # On a slow storage driver the first grade would otherwise wait for it.
        tree = DockerSandbox().tree_for(tag)
        if tree is not None:
            print(f"sandboxes read /usr and /opt from {tree}", file=sys.stderr)
        print(tag)
        return EXIT_GRADED
    return EXIT_INPUT_ERROR


if __name__ == "__main__":
    sys.exit(main())
