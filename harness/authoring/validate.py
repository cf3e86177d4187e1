"""``takehome task validate``: prove a task is fit to send to candidates.

A task is valid when its tests collect, its rubric loads, its image builds
(when Docker answers), the solution passes every public and hidden test and
scores at least :data:`SOLUTION_MIN`, and the template fails every hidden test
and scores below :data:`TEMPLATE_MAX`.  The template may raise
``NotImplementedError`` (its stubs) and nothing else: any other cell error
means the starter code itself is broken.  For a master-notebook task, the
committed template and solution must be what the master generates now.

Validation only reads the task folder (CI runs it and then checks that the
work tree is clean); ``takehome task generate`` is what rewrites notebooks.

Every problem is one :class:`Problem` line that says what to fix; the check
goes on after a problem so an author sees them all at once.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from harness.authoring.master import out_of_date, stale_message
from harness.errors import HarnessError, InfrastructureError, TaskError
from harness.result import GradeResult, Outcome
from harness.sandbox.base import Sandbox
from harness.task import Task, load_task

SOLUTION_MIN = 90.0  # the reference solution must score at least this
TEMPLATE_MAX = 30.0  # the untouched template must score below this
STUB_ERROR = "NotImplementedError"

Progress = Callable[[str], None]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a task, phrased as what to fix."""

    task: str  # the task folder
    check: str  # which check found it
    message: str  # what is wrong and what to do

    def __str__(self) -> str:
        return f"{self.task}: [{self.check}] {self.message}"


@dataclass
class Validation:
    """All problems of one task, plus the scores seen (for the summary line)."""

    task_dir: Path
    problems: list[Problem] = field(default_factory=list)
    solution_percent: float | None = None
    template_percent: float | None = None
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.problems

    def add(self, check: str, message: str) -> None:
        self.problems.append(Problem(str(self.task_dir), check, message))


def validate_task(
    task_dir: str | Path,
    *,
    sandbox: str = "auto",
    progress: Progress | None = None,
) -> Validation:
    """Run every check on one task folder; problems are collected, not raised."""
    say = progress or (lambda message: None)
    started = time.perf_counter()
    report = Validation(Path(task_dir))
    try:
        _generated, stale = out_of_date(Path(task_dir))
        task = load_task(task_dir)
    except HarnessError as exc:
        report.add("task", f"{exc}")
        report.seconds = time.perf_counter() - started
        return report
    if stale:
        report.add("generated", stale_message(Path(task_dir), stale))
    say(f"{task.name}: collecting tests")
    _check_tests(task, report)
    _check_rubric(task, report)
    backend = _sandbox(sandbox, report)
    if backend is not None:
        say(f"{task.name}: checking the {backend.name} environment")
        _check_environment(task, backend, report, say)
    if backend is not None and not any(p.check in ("tests", "environment")
                                       for p in report.problems):
        say(f"{task.name}: grading the solution")
        _check_solution(task, backend, report)
        say(f"{task.name}: grading the template")
        _check_template(task, backend, report)
    report.seconds = round(time.perf_counter() - started, 1)
    return report


def _check_tests(task: Task, report: Validation) -> None:
    from harness.judge.runner import collect_ids

    suites = [("public", task.public_tests), ("hidden", task.hidden_tests)]
    for suite, folder in suites:
        if folder is None:
            report.add("tests", "no hidden tests (tests/hidden); add at least one "
                       "test_*.py there, candidates must not see every check")
            continue
        try:
            ids = collect_ids(folder)
        except TaskError as exc:
            report.add("tests", f"{exc}; fix the test file so pytest can import it")
            continue
        if not ids:
            report.add("tests", f"{folder}: no {suite} tests collected; add test_* "
                       "functions that take the `candidate` fixture")


def _check_rubric(task: Task, report: Validation) -> None:
    from harness.rubric import load_rubric

    try:
        load_rubric(task.rubric)
    except HarnessError as exc:
        report.add("rubric", str(exc))


def _sandbox(name: str, report: Validation) -> Sandbox | None:
    from harness.sandbox import choose_sandbox

    try:
        return choose_sandbox(name)
    except HarnessError as exc:
        report.add("sandbox", f"{exc}; start Docker or pass --sandbox local")
        return None


def _check_environment(task: Task, backend: Sandbox, report: Validation, say: Progress) -> None:
    """Docker: the task image builds.  Local: the requirements are installed here."""
    if backend.isolates:
        from harness.sandbox.image import build_image

        try:
            build_image(extra_requirements=task.requirements, progress=lambda line: None)
        except InfrastructureError as exc:
            report.add("environment", f"the task image does not build: {exc}; check "
                       "[environment] requirements in task.toml (pinned, with cp311 wheels)")
        return
    from packaging.requirements import InvalidRequirement, Requirement

    for line in task.requirements:
        try:
            requirement = Requirement(line)
        except InvalidRequirement as exc:
            report.add("environment", f"requirement {line!r} is not valid: {exc}; "
                       "use a pin such as 'pandas==2.2.3'")
            continue
        try:
            installed = version(requirement.name)
        except PackageNotFoundError:
            report.add("environment", f"requirement {line!r} is not installed for the "
                       f"local sandbox; run: pip install '{line}'")
            continue
        if not requirement.specifier.contains(installed, prereleases=True):
            say(f"note: {requirement.name} {installed} is installed, the task asks for {line}")


def _check_solution(task: Task, backend: Sandbox, report: Validation) -> None:
    if task.solution is None:
        report.add("solution", "no solution notebook; add solution.ipynb or a master "
                   "notebook (task.master)")
        return
    result = _grade(task.solution, task, backend, report, "solution")
    if result is None:
        return
    report.solution_percent = result.percent
    for cell in result.cells:
        if cell.status == "error":
            report.add("solution", f"{task.solution.name} cell {cell.index} raises "
                       f"{cell.error_name}: {cell.error_value[:200]}; fix the solution")
    for test in result.tests:
        if test.outcome != Outcome.PASSED:
            report.add("solution", f"{task.solution.name} fails {test.suite} test "
                       f"{test.id}: {test.message[:300]}; fix the solution or the test")
    if result.percent < SOLUTION_MIN:
        weak = ", ".join(f"{c.result.id} {c.points:g}/{c.max_points:g}" for c in result.criteria
                         if c.points < c.max_points)
        report.add("solution", f"{task.solution.name} scores {result.percent:.1f}%, below "
                   f"{SOLUTION_MIN:g}% (short on: {weak}); make the reference solution "
                   "a model answer")


def _check_template(task: Task, backend: Sandbox, report: Validation) -> None:
    result = _grade(task.template, task, backend, report, "template")
    if result is None:
        return
    report.template_percent = result.percent
    for cell in result.cells:
        if cell.status == "error" and cell.error_name != STUB_ERROR:
            report.add("template", f"{task.template.name} cell {cell.index} raises "
                       f"{cell.error_name}: {cell.error_value[:200]}; the starter code may "
                       f"only raise {STUB_ERROR} from its stubs")
    for test in result.tests:
        if test.suite == "hidden" and test.outcome == Outcome.PASSED:
            report.add("template", f"{task.template.name} passes hidden test {test.id}; "
                       "a stub must not satisfy a hidden test, make the test check a real "
                       "result")
    if result.percent >= TEMPLATE_MAX:
        report.add("template", f"{task.template.name} scores {result.percent:.1f}%, not below "
                   f"{TEMPLATE_MAX:g}%; an untouched template must score low (strip more "
                   "of the solution, or rebalance the rubric)")


def _grade(notebook: Path, task: Task, backend: Sandbox, report: Validation,
           check: str) -> GradeResult | None:
    from harness.pipeline import grade

    try:
        result = grade(notebook, task, mode="grade", sandbox=backend)
    except HarnessError as exc:
        report.add(check, f"grading {notebook.name} failed: {exc}")
        return None
    if result.status == "input-error":
        report.add(check, f"{notebook.name} cannot be read: {result.message}")
        return None
    return result
