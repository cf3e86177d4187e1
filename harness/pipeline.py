"""One submission from start to end: intake, analysis, execution, judging,
scoring.  Rendering is the caller's (CLI) job, over the returned result.

Static analysis (pylint) runs in a thread while the notebook executes in the
sandbox, because the two do not depend on each other and together they are
most of the wall time.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from harness.criteria import load_criterion
from harness.criteria.base import Context, Criterion
from harness.criteria.own_tests import own_test_functions
from harness.criteria.tests_passed import hidden_skipped
from harness.errors import CriterionError, HarnessError, InputError, ProtocolError
from harness.judge.proxy import Candidate, CandidateCallError
from harness.judge.runner import run_suite
from harness.result import (
    CandidateScore,
    CellRun,
    CriterionResult,
    Evidence,
    GradeResult,
    Outcome,
    SourceLine,
    Status,
    TestResult,
)
from harness.rubric import Rubric, load_rubric
from harness.sandbox.base import RunSpec, Sandbox, Session
from harness.scoring import score
from harness.submission import Submission
from harness.task import Task, load_task
from harness.text import clean

MODES = ("grade", "check")
MAX_OWN_TESTS = 50
Progress = Callable[[str], None]
Linter = Callable[[str], Sequence[Any]]  # code text -> LintMessage list (kept lazy to import)


def harness_version() -> str:
    try:
        return version("takehome-harness")
    except PackageNotFoundError:
        return "0+unknown"


@dataclass
class _Timer:
    """Wall time per phase, for the report and the benchmark."""

    timings: dict[str, float] = field(default_factory=dict)

    @contextmanager
    def phase(self, name: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            self.timings[name] = round(
                self.timings.get(name, 0.0) + time.perf_counter() - started, 3
            )


@dataclass(frozen=True)
class _Judged:
    """What running the notebook and the tests produced."""

    status: str
    cells: tuple[CellRun, ...]
    tests: tuple[TestResult, ...]
    own_tests: tuple[TestResult, ...]


def grade(
    notebook: str | Path,
    task: str | Path | Task,
    *,
    mode: str = "grade",
    sandbox: Sandbox | str | None = None,
    rubric: str | Path | Rubric | None = None,
    progress: Progress | None = None,
    linter: Linter | None = None,
) -> GradeResult:
    """Grade one notebook against a task and return the result.

    ``sandbox`` is a backend or a name ("docker", "local", "auto"); by
    default grading uses Docker and a self-check uses Docker when available.

    ``linter`` lints the extracted code (default: a fresh pylint process,
    :func:`~harness.criteria.lint.run_pylint`); a batch passes its
    long-lived lint worker instead.

    ``mode="grade"`` runs public and hidden tests (for hiring teams);
    ``mode="check"`` runs public tests only (for candidates).  Problems with
    the submission end up in the result; harness problems raise
    :class:`~harness.errors.HarnessError`.
    """
    if mode not in MODES:
        raise InputError(f"mode must be one of {', '.join(MODES)}, not {mode!r}")
    say = progress or (lambda message: None)
    timer = _Timer()
    task_model = task if isinstance(task, Task) else load_task(task)
    rubric_model = rubric if isinstance(rubric, Rubric) else load_rubric(rubric or task_model.rubric)
    criteria = {spec.name: load_criterion(spec.name) for spec in rubric_model.criteria}
    if sandbox is None or isinstance(sandbox, str):
        from harness.sandbox import choose_sandbox

        # Grading untrusted code isolates by default; a self-check may fall
        # back to the local sandbox when no Docker engine answers.
        sandbox = choose_sandbox(sandbox or ("docker" if mode == "grade" else "auto"))

    from harness.authorship import build_submission
    from harness.errors import NotebookError

    say(f"{notebook}: reading")
    with timer.phase("intake"):
        try:
            submission = build_submission(notebook, task_model.template)
        except NotebookError as exc:
            return _input_error(notebook, task_model, rubric_model, mode, sandbox, str(exc), timer)

    with ThreadPoolExecutor(max_workers=1) as pool:
        lint_future = (_start_lint(pool, submission, timer, linter)
                       if "lint" in criteria else None)
        say(f"{notebook}: running in the {sandbox.name} sandbox")
        judged = _execute_and_judge(submission, task_model, mode, sandbox, timer, say)
        lint_messages = lint_future.result() if lint_future is not None else None

    say(f"{notebook}: scoring")
    with timer.phase("criteria"):
        results: dict[str, CriterionResult] = {}
        for spec in rubric_model.criteria:
            options: dict[str, Any] = dict(spec.options)
            if spec.name == "lint" and lint_messages is not None:
                options["_messages"] = lint_messages
            context = Context(
                submission=submission,
                options=options,
                tests=judged.tests,
                own_tests=judged.own_tests,
                cells=judged.cells,
                execution_status=judged.status,
                mode=mode,
            )
            results[spec.name] = _evaluate(spec.name, criteria[spec.name], context)
    totals = score(rubric_model, results)
    status = "graded" if judged.status == "ok" else judged.status
    candidate_score = None
    if mode == "grade":
        visible = score(rubric_model, _without_hidden(results))
        candidate_score = CandidateScore(
            criteria=visible.criteria,
            points=visible.points,
            max_points=visible.max_points,
            percent=visible.percent,
            message=_headline(status, visible.percent, sandbox) + " (without hidden tests)",
        )
    return GradeResult(
        notebook=str(notebook),
        task=task_model.name,
        mode=mode,
        sandbox=sandbox.name,
        status=status,
        message=_headline(status, totals.percent, sandbox),
        percent=totals.percent,
        points=totals.points,
        max_points=totals.max_points,
        criteria=totals.criteria,
        tests=judged.tests if mode == "grade" else tuple(
            t for t in judged.tests if t.suite != "hidden"
        ),
        cells=judged.cells,
        source=_source_lines(submission),
        timings=dict(timer.timings),
        harness_version=harness_version(),
        candidate_score=candidate_score,
    )


def _without_hidden(results: dict[str, CriterionResult]) -> dict[str, CriterionResult]:
    """The criterion results as a self-check would have them."""
    return {
        name: hidden_skipped(name) if name == "hidden_tests" else result
        for name, result in results.items()
    }


def _evaluate(name: str, criterion: Criterion, context: Context) -> CriterionResult:
    """Run one criterion; a plugin that crashes is a harness error naming it."""
    try:
        result = criterion.evaluate(context)
    except HarnessError:
        raise
    except Exception as exc:  # noqa: BLE001 - re-raised with the plugin's name, never hidden
        raise CriterionError(
            f"criterion '{name}' crashed: {type(exc).__name__}: {exc}; "
            "this is a bug in the criterion plugin"
        ) from exc
    if not isinstance(result, CriterionResult) or result.id != name:
        raise CriterionError(
            f"criterion '{name}' returned {type(result).__name__} "
            f"(id {getattr(result, 'id', None)!r}); it must return a CriterionResult "
            f"with id '{name}'"
        )
    return result


def check(notebook: str | Path, task: str | Path | Task, **options: Any) -> GradeResult:
    """Self-check for candidates: public tests only, nothing hidden runs."""
    return grade(notebook, task, mode="check", **options)


def _start_lint(
    pool: ThreadPoolExecutor, submission: Submission, timer: _Timer, linter: Linter | None
) -> Future[Any]:
    from harness.criteria.lint import PylintTimeout, run_pylint

    def lint() -> Any:
        with timer.phase("lint"):
            try:
                return (linter or run_pylint)(submission.code.text)
            except PylintTimeout as exc:
                return exc  # the lint criterion reports it as its own result

    return pool.submit(lint)


def _execute_and_judge(
    submission: Submission,
    task: Task,
    mode: str,
    sandbox: Sandbox,
    timer: _Timer,
    say: Progress,
) -> _Judged:
    spec = RunSpec(
        notebook=submission.notebook.nb_json,
        data_files=task.data_files,
        limits=task.limits,
        task_dir=task.root,
        requirements=task.requirements,
    )
    with timer.phase("execution"):
        stream = sandbox.start(spec)
        session = Session(stream, task.limits)
    try:
        with timer.phase("execution"):
            execution = session.execute(submission.notebook.nb_json)
        cells = tuple(_cell_run(c) for c in execution.cells)
        candidate = Candidate(session, task.limits.call_timeout)
        session.deadline = time.monotonic() + task.limits.judge_timeout
        tests: list[TestResult] = []
        with timer.phase("judge"):
            say("running public tests")
            tests += run_suite(task.public_tests, "public", candidate)
            if mode == "grade" and task.hidden_tests is not None:
                say("running hidden tests")
                tests += run_suite(task.hidden_tests, "hidden", candidate)
            own = _run_own_tests(submission, candidate)
    finally:
        ended = session.close()
    status = execution.status
    if ended in ("memory-limit", "process-limit", "time-limit") and status in ("ok", "dead-kernel"):
        status = ended  # the container's own verdict names the cause
    return _Judged(status, cells, tuple(tests), own)


def _run_own_tests(submission: Submission, candidate: Candidate) -> tuple[TestResult, ...]:
    """Call each ``test_*`` function the candidate wrote, in the sandbox."""
    results = []
    for name, _cell, _line in own_test_functions(submission)[:MAX_OWN_TESTS]:
        started = time.perf_counter()
        try:
            getattr(candidate, name)()
            outcome, message = Outcome.PASSED, ""
        except CandidateCallError as exc:
            outcome, message = Outcome.FAILED, clean(str(exc), 500)
        except ProtocolError as exc:
            outcome, message = Outcome.ERROR, clean(str(exc), 500)
        results.append(
            TestResult(name, "own", outcome, message, round(time.perf_counter() - started, 3))
        )
    return tuple(results)


def _cell_run(record: dict[str, Any] | Any) -> CellRun:
    """Untrusted agent record -> CellRun with cleaned, capped text."""
    index = record.get("index")
    return CellRun(
        index=index if type(index) is int else -1,
        status=clean(record.get("status", "unknown"), 20),
        duration=float(record.get("duration", 0.0)) if isinstance(
            record.get("duration", 0.0), (int, float)) else 0.0,
        error_name=clean(record.get("error_name", ""), 200),
        error_value=clean(record.get("error_value", ""), 2000),
        traceback=clean(record.get("traceback", ""), 8000),
        output=clean(record.get("output", ""), 20_000),
    )


def _source_lines(submission: Submission) -> tuple[SourceLine, ...]:
    lines = []
    for cell in submission.notebook.code_cells:
        for number, text in enumerate(cell.source.splitlines(), start=1):
            lines.append(
                SourceLine(cell.index, number, clean(text, 2000),
                           submission.is_written(cell.index, number))
            )
    return tuple(lines)


def _headline(status: str, percent: float, sandbox: Sandbox) -> str:
    text = {
        "graded": f"Graded: {percent:.1f}%",
        "time-limit": f"The notebook hit a time limit; graded on what ran: {percent:.1f}%",
        "memory-limit": f"The notebook hit the memory limit; graded on what ran: {percent:.1f}%",
        "process-limit": f"The notebook hit the process limit; graded on what ran: {percent:.1f}%",
        "dead-kernel": f"The kernel died; graded on what ran: {percent:.1f}%",
    }.get(status, f"{status}: {percent:.1f}%")
    if not sandbox.isolates:
        text += " (local sandbox: candidate code was not isolated)"
    return text


def _input_error(
    notebook: str | Path,
    task: Task,
    rubric: Rubric,
    mode: str,
    sandbox: Sandbox,
    message: str,
    timer: _Timer,
) -> GradeResult:
    """A submission we could not read still gets a result and a report."""
    results = {
        spec.name: CriterionResult(
            spec.name,
            0.0,
            Status.SKIPPED if spec.name == "hidden_tests" and mode == "check" else Status.ERROR,
            "Not judged: the notebook could not be read.",
            (Evidence(message, kind="input-error", severity="error"),),
            "Fix the notebook file and submit again.",
        )
        for spec in rubric.criteria
    }
    totals = score(rubric, results)
    return GradeResult(
        notebook=str(notebook),
        task=task.name,
        mode=mode,
        sandbox=sandbox.name,
        status="input-error",
        message=clean(message, 2000),
        percent=0.0,
        points=0.0,
        max_points=totals.max_points,
        criteria=totals.criteria,
        tests=(),
        timings=dict(timer.timings),
        harness_version=harness_version(),
    )

