"""Grading in CI: find the notebooks a pull request changed, grade them,
leave reports a CI system understands, and turn the result into an exit code.

What a CI log shows may be public (a candidate's own pull request), so in
candidate view the only lines printed are one summary per notebook, computed
from the candidate's copy of the result: no notebook output, no progress,
nothing about hidden tests.  Progress goes to stderr only in reviewer view.

Exit codes (the constants in :mod:`harness.errors`, documented in docs/ci.md):
0 every notebook graded at or above ``fail_under``; 1 a score below it;
2 a notebook could not be read (or a bad option, task or base ref);
4 infrastructure error (Docker engine or image missing, git missing).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path, PurePosixPath
from typing import TextIO

from harness.cli_options import claim_name, exit_code_for
from harness.errors import (
    EXIT_BELOW_THRESHOLD,
    EXIT_GRADED,
    EXIT_INPUT_ERROR,
    HarnessError,
    InfrastructureError,
    InputError,
)
from harness.report import write_atomic
from harness.report.json_report import candidate_result, clean_text
from harness.report.markdown import render_markdown
from harness.result import GradeResult
from harness.sandbox.base import Sandbox
from harness.task import Task

GIT_TIMEOUT = 60  # seconds; a diff of a PR never takes this long
SUMMARY_FILE = "summary.md"
_UNSAFE_STEM = re.compile(r"[^A-Za-z0-9._-]+")


def changed_notebooks(repo: Path, base_ref: str, pattern: str = "*.ipynb") -> list[Path]:
    """Notebooks added, modified or renamed between ``base_ref`` and HEAD.

    Uses the three-dot diff (changes on HEAD's side since the merge base),
    which is what a pull request shows.  Deleted files are left out: there
    is nothing to grade.  Paths are ``repo``-joined, in git's order.
    """
    if not base_ref or base_ref.startswith("-"):
        raise InputError(f"base ref {base_ref!r} is not a git revision; pass e.g. --base origin/main")
    command = ["git", "-C", str(repo), "diff", "--name-only", "--diff-filter=AMR", "-z",
               f"{base_ref}...HEAD", "--"]
    try:
        done = subprocess.run(command, capture_output=True, check=False, timeout=GIT_TIMEOUT)
    except FileNotFoundError as exc:
        raise InfrastructureError("git is not installed or not on PATH; install git to use --base") from exc
    except subprocess.TimeoutExpired as exc:
        raise InfrastructureError(f"git diff in {repo} took over {GIT_TIMEOUT}s") from exc
    if done.returncode != 0:
        reason = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise InputError(
            f"{repo}: git diff {base_ref}...HEAD failed ({reason[-1] if reason else 'no message'}); "
            "check the base ref exists locally (in GitHub Actions check out with fetch-depth: 0)"
        )
    names = [n for n in done.stdout.decode("utf-8", "surrogateescape").split("\0") if n]
    return [Path(repo) / name for name in names if PurePosixPath(name).match(pattern)]


def run_ci(
    notebooks: Sequence[str | Path],
    task: str | Path | Task,
    *,
    sandbox: str | Sandbox,
    fail_under: float | None,
    out_dir: str | Path,
    candidate_view: bool,
    summary_path: str | Path | None = None,
    mode: str | None = None,
    rubric: str | Path | None = None,
    stdout: TextIO | None = None,
) -> int:
    """Grade ``notebooks`` and write their reports; return the exit code.

    ``mode`` defaults to ``"check"`` (public tests only) in candidate view
    and ``"grade"`` otherwise.  In candidate view the threshold applies to
    the candidate's copy of the score, so the exit status cannot reveal
    anything about hidden tests either.  Reports land in ``out_dir`` as
    ``<stem>.json``, ``.html``, ``.junit.xml`` and ``.md``, plus
    ``summary.md`` for all notebooks; the Markdown is also appended to
    ``summary_path`` or, when unset, ``$GITHUB_STEP_SUMMARY``.
    """
    from harness.pipeline import grade
    from harness.report import write_reports
    from harness.sandbox import choose_sandbox
    from harness.task import load_task

    out = stdout or sys.stdout
    chosen_mode = mode or ("check" if candidate_view else "grade")
    try:
        task_model = task if isinstance(task, Task) else load_task(task)
        backend = choose_sandbox(sandbox) if isinstance(sandbox, str) else sandbox
    except HarnessError as exc:
        print(f"takehome ci: error: {exc}", file=sys.stderr)
        return exc.exit_code
    progress = None if candidate_view else (lambda message: print(message, file=sys.stderr))
    folder = Path(out_dir)
    summaries: list[str] = []
    exit_code = EXIT_GRADED
    used: set[str] = set()
    if not notebooks:
        print("takehome ci: no notebooks to grade", file=out)
        summaries.append("### takehome: no changed notebooks to grade\n")
    for notebook in notebooks:
        path = Path(notebook)
        if path.is_symlink():
            # A link could point at files of the trusted checkout (hidden
            # tests); only a real file in the submission is graded.
            print(f"{_line(path)}: input error: the notebook is a symbolic link; "
                  "commit the notebook file itself", file=out)
            exit_code = max(exit_code, EXIT_INPUT_ERROR)
            continue
        try:
            result = grade(path, task_model, mode=chosen_mode, sandbox=backend,
                           rubric=rubric, progress=progress)
        except InfrastructureError as exc:
            print(f"takehome ci: infrastructure error: {exc}", file=sys.stderr)
            _append_summary(summaries, summary_path)
            return exc.exit_code
        except HarnessError as exc:
            print(f"takehome ci: error: {exc}", file=sys.stderr)
            _append_summary(summaries, summary_path)
            return exc.exit_code
        shown = candidate_result(result) if candidate_view else result
        stem = _unique_stem(path, used)
        paths = write_reports(result, folder, stem, formats=("json", "html", "junit", "md"),
                              candidate_view=candidate_view)
        summaries.append(render_markdown(result, candidate_view=candidate_view))
        code = exit_code_for(shown, fail_under)
        exit_code = max(exit_code, code)
        verdict = _verdict(shown, fail_under, code)
        print(f"{_line(path)}: {shown.percent:.1f}% [{_line(shown.status)}] {verdict} "
              f"-> {', '.join(str(p) for p in paths)}", file=out)
    folder.mkdir(parents=True, exist_ok=True)
    write_atomic(folder / SUMMARY_FILE, "\n".join(summaries))
    _append_summary(summaries, summary_path)
    return exit_code


def _line(value: object) -> str:
    """A path or status as one printable line (file names come from the PR)."""
    return " ".join(clean_text(str(value), 300).split())


def _verdict(result: GradeResult, fail_under: float | None, code: int) -> str:
    if code == EXIT_INPUT_ERROR:
        return _line(result.message)
    if fail_under is None:
        return "graded"
    return f"{'below' if code == EXIT_BELOW_THRESHOLD else 'meets'} --fail-under {fail_under:g}"


def _append_summary(summaries: list[str], summary_path: str | Path | None) -> None:
    """Append to the job summary GitHub shows on the run page, if there is one."""
    target = summary_path or os.environ.get("GITHUB_STEP_SUMMARY")
    if not target or not summaries:
        return
    with open(target, "a", encoding="utf-8", newline="\n") as fh:
        fh.write("\n".join(summaries) + "\n")


def _unique_stem(notebook: Path, used: set[str]) -> str:
    """A report name from the notebook's path: folders kept apart, no clashes.

    A path under the current folder (the repository in CI) keeps its folders
    (``sub/a.ipynb`` -> ``sub__a``); any other path keeps only its name.
    """
    path = notebook.with_suffix("")
    if path.is_absolute():
        try:
            path = path.relative_to(Path.cwd())
        except ValueError:
            path = Path(path.name)
    parts = [p for p in path.parts if p not in ("", ".", "..")]
    stem = _UNSAFE_STEM.sub("_", "__".join(parts)).strip("._") or "notebook"
    return claim_name(stem[:120], used)
