"""``takehome task new|generate|validate|release``: parse, call one function, print.

harness/cli.py hooks this in with ``register(commands)`` in ``build_parser``
and ``if args.command == "task": return run(args)`` in ``main``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from harness.errors import EXIT_BELOW_THRESHOLD, EXIT_GRADED, EXIT_INPUT_ERROR
from harness.sandbox import CHOICES


def register(subparsers: Any) -> None:
    """Add the ``task`` command and its actions to the top-level subparsers."""
    task = subparsers.add_parser("task", help="author tasks: new, generate, validate, release")
    actions = task.add_subparsers(dest="task_command", required=True, metavar="ACTION")
    new = actions.add_parser("new", help="scaffold a task folder from an example master notebook")
    new.add_argument("name", help="task name (folder name), e.g. churn")
    new.add_argument("--dir", type=Path, default=Path("tasks"),
                     help="parent folder (default: tasks/)")
    generate = actions.add_parser(
        "generate", help="write template.ipynb and solution.ipynb from the master notebook")
    generate.add_argument("task_dirs", nargs="+", type=Path, metavar="TASK_DIR")
    validate = actions.add_parser(
        "validate", help="check that the solution passes, the template fails, tests collect")
    validate.add_argument("task_dirs", nargs="+", type=Path, metavar="TASK_DIR")
    validate.add_argument("--sandbox", choices=CHOICES, default="auto",
                          help="where the notebooks run (default: auto)")
    validate.add_argument("--quiet", action="store_true", help="print only problems and totals")
    release = actions.add_parser(
        "release", help="write the candidate bundle (folder + zip), refusing hidden content")
    release.add_argument("task_dir", type=Path, metavar="TASK_DIR")
    release.add_argument("--out", type=Path, required=True, help="folder for the bundle")


def run(args: argparse.Namespace) -> int:
    """Run one ``task`` action; HarnessError propagates to the main CLI."""
    if args.task_command == "new":
        from harness.authoring.scaffold import new_task

        folder = new_task(args.name, args.dir)
        print(f"created {folder}; edit {folder / 'master.ipynb'}, then run: "
              f"takehome task validate {folder}")
        return EXIT_GRADED
    if args.task_command == "generate":
        return _generate(args.task_dirs)
    if args.task_command == "validate":
        return _validate(args)
    if args.task_command == "release":
        from harness.authoring.release import release_task

        folder = release_task(args.task_dir, args.out)
        print(f"released {folder} and {folder.with_suffix('.zip')}")
        return EXIT_GRADED
    return EXIT_INPUT_ERROR


def _generate(task_dirs: list[Path]) -> int:
    from harness.authoring.master import generate_files, master_files

    for folder in task_dirs:
        files = master_files(folder)
        if files is None:
            print(f"{folder}: no master notebook in task.toml; template and solution "
                  "are edited by hand")
            continue
        generate_files(files.master, files.template, files.solution)
        print(f"{folder}: wrote {files.template.name} and {files.solution.name} "
              f"from {files.master.name}")
    return EXIT_GRADED


def _validate(args: argparse.Namespace) -> int:
    from harness.authoring.validate import validate_task

    progress = None if args.quiet else (lambda message: print(message, file=sys.stderr))
    failed = 0
    for folder in args.task_dirs:
        report = validate_task(folder, sandbox=args.sandbox, progress=progress)
        for problem in report.problems:
            print(problem)
        scores = (f"solution {report.solution_percent:.1f}%, "
                  if report.solution_percent is not None else "")
        scores += (f"template {report.template_percent:.1f}%, "
                   if report.template_percent is not None else "")
        verdict = "ok" if report.ok else f"{len(report.problems)} problem(s)"
        print(f"{folder}: {verdict} ({scores}{report.seconds:.1f}s)")
        failed += not report.ok
    return EXIT_BELOW_THRESHOLD if failed else EXIT_GRADED
