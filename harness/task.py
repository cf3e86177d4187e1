"""A task folder: ``task.toml`` turned into a validated, frozen model.

Layout of ``tasks/<name>/``::

    task.toml          this file's schema (see :func:`load_task`)
    template.ipynb     what the candidate gets
    solution.ipynb     the reference solution (never enters a sandbox)
    tests/public/      tests the candidate sees
    tests/hidden/      tests only the grader runs
    data/              files copied next to the notebook when it runs
    known_sources/     optional: code candidates might copy (public solutions,
                       library source), .py or .ipynb; compared when grading

``[report.headings]`` adds heading synonyms for the report criterion's three
sections (``approach``, ``tried``, ``improve``), e.g. the words a task's
audience uses or another language::

    [report.headings]
    approach = ["Lösungsweg", "Design"]
    improve = ["Ausblick"]
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from harness.config import number, read_toml, reject_unknown, table
from harness.errors import TaskError
from harness.sandbox.base import Limits

ROOT = Path(__file__).resolve().parent.parent

_TASK_KEYS = {
    "name", "title", "summary", "template", "solution", "public_tests", "hidden_tests",
    "data", "rubric", "functions", "master",
}
_LIMIT_KEYS = {
    "cell_timeout", "execution_timeout", "call_timeout", "judge_timeout", "memory_mb", "pids",
    "cpus",
    "output_limit", "tmpfs_mb", "file_size_mb",
}


@dataclass(frozen=True)
class Task:
    """Everything the harness needs to know about one task."""

    name: str  # short id, e.g. "kmeans"
    title: str  # human title for reports
    summary: str  # one paragraph for the candidate
    root: Path  # the task folder
    template: Path  # the notebook the candidate starts from
    solution: Path | None  # reference solution, used by `task validate`
    public_tests: Path  # folder of public pytest files
    hidden_tests: Path | None  # folder of hidden pytest files
    data_files: tuple[Path, ...]  # copied next to the notebook at run time
    rubric: Path  # rubric TOML
    functions: tuple[str, ...]  # functions the tests call (shown to candidates)
    limits: Limits = field(default_factory=Limits)  # sandbox limits
    requirements: tuple[str, ...] = ()  # extra pip requirements for the task image
    # Extra report heading phrases by section key ("approach", "tried", "improve").
    report_headings: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


def load_task(folder: str | Path) -> Task:
    """Read and validate ``folder/task.toml``; errors name the file and key."""
    root = Path(folder).resolve()
    path = root / "task.toml"
    if not root.is_dir():
        raise TaskError(f"{folder}: task folder not found; pass --task tasks/<name>")
    data = read_toml(path, TaskError)
    reject_unknown(data, {"task", "limits", "environment", "report"}, path, TaskError, "top level")
    meta = table(data, "task", path, TaskError)
    reject_unknown(meta, _TASK_KEYS, path, TaskError, "task")
    limits_table = table(data, "limits", path, TaskError)
    reject_unknown(limits_table, _LIMIT_KEYS, path, TaskError, "limits")
    env = table(data, "environment", path, TaskError)
    reject_unknown(env, {"requirements"}, path, TaskError, "environment")

    def text(key: str, default: str | None = None) -> str:
        value = meta.get(key, default)
        if not isinstance(value, str) or not value.strip():
            raise TaskError(f"{path}: task.{key} must be a non-empty string")
        return value

    def existing(key: str, default: str, kind: str) -> Path:
        target = (root / text(key, default)).resolve()
        ok = target.is_dir() if kind == "folder" else target.is_file()
        if not ok:
            raise TaskError(f"{path}: task.{key} names {target}, which is not an existing {kind}")
        return target

    name = text("name", root.name)
    solution_name = meta.get("solution", "solution.ipynb")
    solution = (root / str(solution_name)).resolve()
    hidden = (root / str(meta.get("hidden_tests", "tests/hidden"))).resolve()
    data_list = meta.get("data", [])
    if not isinstance(data_list, list) or not all(isinstance(d, str) for d in data_list):
        raise TaskError(f"{path}: task.data must be a list of file paths")
    data_files = []
    for entry in data_list:
        file = (root / entry).resolve()
        if not file.is_file() or root not in file.parents:
            raise TaskError(f"{path}: task.data entry {entry!r} is not a file inside the task")
        data_files.append(file)
    functions = meta.get("functions", [])
    if not isinstance(functions, list) or not all(isinstance(f, str) for f in functions):
        raise TaskError(f"{path}: task.functions must be a list of names")
    requirements = env.get("requirements", [])
    if not isinstance(requirements, list) or not all(isinstance(r, str) for r in requirements):
        raise TaskError(f"{path}: environment.requirements must be a list of strings")

    defaults = Limits()

    def limit(key: str) -> float:
        return number(limits_table, key, getattr(defaults, key), path, TaskError, "limits")

    limits = Limits(
        cell_timeout=limit("cell_timeout"),
        execution_timeout=limit("execution_timeout"),
        call_timeout=limit("call_timeout"),
        judge_timeout=limit("judge_timeout"),
        memory_mb=int(limit("memory_mb")),
        pids=int(limit("pids")),
        cpus=limit("cpus"),
        output_limit=int(limit("output_limit")),
        tmpfs_mb=int(limit("tmpfs_mb")),
        file_size_mb=int(limit("file_size_mb")),
    )
    return Task(
        name=name,
        title=text("title", name),
        summary=str(meta.get("summary", "")),
        root=root,
        template=existing("template", "template.ipynb", "file"),
        solution=solution if solution.is_file() else None,
        public_tests=existing("public_tests", "tests/public", "folder"),
        hidden_tests=hidden if hidden.is_dir() else None,
        data_files=tuple(data_files),
        rubric=_rubric_path(meta.get("rubric", "default"), root, path),
        functions=tuple(functions),
        limits=limits,
        requirements=tuple(requirements),
        report_headings=_report_headings(data, path),
    )


REPORT_SECTIONS = ("approach", "tried", "improve")


def _report_headings(data: dict[str, object], path: Path) -> dict[str, tuple[str, ...]]:
    """``[report.headings]``: extra heading phrases per report section."""
    report = table(data, "report", path, TaskError)
    reject_unknown(report, {"headings"}, path, TaskError, "report")
    headings = table(report, "headings", path, TaskError)
    reject_unknown(headings, set(REPORT_SECTIONS), path, TaskError, "report.headings")
    found: dict[str, tuple[str, ...]] = {}
    for key, phrases in headings.items():
        if not isinstance(phrases, list) or not all(
            isinstance(p, str) and p.strip() for p in phrases
        ):
            raise TaskError(
                f"{path}: report.headings.{key} must be a list of non-empty heading phrases, "
                f'e.g. {key} = ["Results"]'
            )
        found[key] = tuple(phrases)
    return found


def _rubric_path(value: object, root: Path, path: Path) -> Path:
    """A bare name means ``rubrics/<name>.toml`` at the repo; else a path."""
    if not isinstance(value, str) or not value:
        raise TaskError(f"{path}: task.rubric must be a rubric name or a path")
    if "/" not in value and not value.endswith(".toml"):
        candidates = [root / "rubrics" / f"{value}.toml", ROOT / "rubrics" / f"{value}.toml"]
    else:
        candidates = [(root / value).resolve()]
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    raise TaskError(f"{path}: task.rubric {value!r} not found (looked at {candidates[-1]})")
