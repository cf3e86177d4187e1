"""``takehome task release``: the candidate bundle, and proof that it hides nothing.

The bundle ``OUT/<name>/`` (and ``OUT/<name>.zip`` with the same files) holds
the template, the public tests, the data files (next to the notebook, where
the template reads them), the rubric, a candidate ``task.toml`` without
hidden tests or solution (so ``takehome check template.ipynb --task .``
works), the harness wheel (the checker, installable without a package index
that knows it), and a README whose commands work as written.

Before a byte is written, every file of the bundle is scanned for hidden
content: hidden test file names, hidden test function names, and source
lines only the solution or the hidden tests hold.  A hit refuses the release
with a :class:`TaskError` naming the file, line and what leaked.
"""

# nbformat ships no type hints: its readers and cell factories are untyped calls.
# mypy: disable-error-code="no-untyped-call,no-any-return"
from __future__ import annotations

import ast
import io
import re
import shlex
import zipfile
from dataclasses import dataclass
from pathlib import Path

import nbformat

from harness.authoring.master import out_of_date, stale_message
from harness.authoring.wheel import harness_wheel
from harness.errors import TaskError
from harness.task import Task, load_task

MIN_SECRET = 20  # shorter stripped lines (``return x``, ``import numpy``) are too common

CRITERIA_TEXT = {
    "hidden_tests": "correctness, judged by tests you do not see",
    "public_tests": "the tests shipped in tests/public (run them yourself)",
    "runs_cleanly": "the notebook runs top to bottom in a fresh kernel, within the time limit",
    "own_tests": "the `test_*` functions you write in the notebook, and whether they pass",
    "lint": "pylint on your code cells (naming, unused variables, line length, ...)",
    "docstrings": "the share of your functions and classes that carry a docstring",
    "report": "the Approach / What I tried / What I would improve sections, in your words",
    "provenance": "copied code is declared (see below) and your own code dominates",
}


@dataclass(frozen=True)
class Secrets:
    """What must never appear in a candidate bundle."""

    file_names: frozenset[str]  # hidden test file names
    test_names: frozenset[str]  # hidden test function names
    lines: frozenset[str]  # stripped source lines of solution regions and hidden tests
    solution_names: frozenset[str]  # solution / master notebook file names


def release_task(task_dir: str | Path, out: str | Path) -> Path:
    """Write the candidate bundle for a task; return the bundle folder.

    Refuses (TaskError, nothing written) when hidden content would ship or
    the target already exists.
    """
    generated, stale = out_of_date(Path(task_dir))
    if stale:
        raise TaskError(f"{task_dir}: release refused: {stale_message(Path(task_dir), stale)}")
    task = load_task(task_dir)
    files = bundle_files(task)
    secrets = collect_secrets(task, generated.secret_lines if generated else None)
    leaks = find_leaks(_expand_wheels(files), secrets)
    if leaks:
        raise TaskError(f"{task.root}: release refused, hidden content would ship:\n  "
                        + "\n  ".join(leaks)
                        + "\nremove it from the template / public files (or tag the cell "
                        "hidden in the master) and release again")
    target = Path(out) / task.name
    archive = Path(out) / f"{task.name}.zip"
    for path in (target, archive):
        if path.exists():
            raise TaskError(f"{path}: already exists; remove it or choose another --out")
    blob = _zip(task.name, files)
    leaks = find_leaks(_expand_wheels(_unzip(blob)), secrets)  # what candidates get
    if leaks:
        raise TaskError(f"{archive}: release refused: " + "; ".join(leaks))
    for relative, content in files.items():
        path = target / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    archive.write_bytes(blob)
    return target


def bundle_files(task: Task) -> dict[str, bytes]:
    """Relative path -> content of every file the candidate gets."""
    files: dict[str, bytes] = {"template.ipynb": _template_bytes(task)}
    for path in sorted(task.public_tests.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
            files[f"tests/public/{path.relative_to(task.public_tests).as_posix()}"] = (
                path.read_bytes())
    for path in task.data_files:
        if path.name in files:
            raise TaskError(f"{task.root}: two data files are named {path.name}; "
                            "rename one (data files sit next to the notebook)")
        files[path.name] = path.read_bytes()
    files["rubric.toml"] = task.rubric.read_bytes()
    files["task.toml"] = candidate_toml(task).encode()
    wheel_name, wheel = harness_wheel()
    files[wheel_name] = wheel
    files["README.md"] = candidate_readme(task, wheel_name).encode()
    return files


def _expand_wheels(files: dict[str, bytes]) -> dict[str, bytes]:
    """The bundle with each wheel replaced by its members, so the leak scan reads them."""
    expanded: dict[str, bytes] = {}
    for relative, content in files.items():
        if not relative.endswith(".whl"):
            expanded[relative] = content
            continue
        with zipfile.ZipFile(io.BytesIO(content)) as wheel:
            for info in wheel.infolist():
                expanded[f"{relative}/{info.filename}"] = wheel.read(info)
    return expanded


def _template_bytes(task: Task) -> bytes:
    """The template with outputs cleared (an author may have run it)."""
    nb = nbformat.read(task.template, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    return nbformat.writes(nb).encode()


def collect_secrets(task: Task, master_lines: tuple[str, ...] | None) -> Secrets:
    """Hidden names and lines.

    Lines the public tests also hold count as public (shared set-up), but a
    hidden test *name* anywhere in the bundle is a leak, the public tests
    included.
    """
    public_lines = set()
    for path in task.public_tests.rglob("*.py"):
        public_lines |= {line.strip() for line in path.read_text(encoding="utf-8").splitlines()}
    template_lines = _code_lines(task.template)
    lines: set[str] = set()
    file_names: set[str] = set()
    test_names: set[str] = set()
    if task.hidden_tests is not None:
        public_files = {p.name for p in task.public_tests.rglob("*.py")}
        for path in task.hidden_tests.rglob("*.py"):
            if path.name not in public_files and path.name != "__init__.py":
                file_names.add(path.name)
            lines |= {line.strip() for line in path.read_text(encoding="utf-8").splitlines()}
        # A hidden test shares imports and set-up lines with the starter code; its
        # names (below) are what identify a copied test.
        lines -= template_lines
        # A name in both folders is a hidden test copied into the public ones.
        test_names = _test_names(task.hidden_tests)
    if master_lines is not None:
        lines |= set(master_lines)  # the template must not hold these, whatever it says
    elif task.solution is not None:
        lines |= _code_lines(task.solution) - template_lines
    lines = {line for line in lines - public_lines if len(line) >= MIN_SECRET}
    solution_names = {"solution.ipynb", "master.ipynb"}
    if task.solution is not None:
        solution_names.add(task.solution.name)
    return Secrets(frozenset(file_names), frozenset(test_names), frozenset(lines),
                   frozenset(solution_names))


def find_leaks(files: dict[str, bytes], secrets: Secrets) -> list[str]:
    """One line per leak: file, line and what leaked.  Empty when clean."""
    leaks: list[str] = []
    names = re.compile(r"\b(" + "|".join(map(re.escape, sorted(secrets.test_names))) + r")\b"
                       ) if secrets.test_names else None
    for relative, content in sorted(files.items()):
        base = relative.rsplit("/", 1)[-1]
        # The harness's own code (inside the wheel) is the same for every task:
        # a generic file name (test_hidden.py) or line (from pathlib import Path)
        # in it tells nothing, so only hidden test names are looked for there.
        in_wheel = ".whl/" in relative
        if base in secrets.solution_names:
            leaks.append(f"{relative}: the solution notebook itself")
        if base in secrets.file_names and not in_wheel:
            leaks.append(f"{relative}: a hidden test file")
        text = content.decode("utf-8", errors="replace")
        lines = _notebook_lines(text) if relative.endswith(".ipynb") else list(
            enumerate(text.splitlines(), start=1))
        for where, line in lines:
            stripped = line.strip()
            for file_name in () if in_wheel else secrets.file_names:
                if file_name in stripped:
                    leaks.append(f"{relative}:{where}: names hidden test file {file_name}")
            if names is not None and (match := names.search(stripped)):
                leaks.append(f"{relative}:{where}: names hidden test {match.group(1)}")
            if stripped in secrets.lines and not in_wheel:
                leaks.append(f"{relative}:{where}: solution or hidden-test line "
                             f"{stripped[:80]!r}")
    return leaks


def _notebook_lines(text: str) -> list[tuple[str, str]]:
    """(\"cell N line M\", text) for each source line; raw lines if not a notebook."""
    try:
        nb = nbformat.reads(text, as_version=4)
    except (ValueError, KeyError):
        return [(str(n), line) for n, line in enumerate(text.splitlines(), start=1)]
    out = []
    for index, cell in enumerate(nb.cells):
        for number, line in enumerate(cell.source.splitlines(), start=1):
            out.append((f"cell {index} line {number}", line))
    return out


def _code_lines(notebook: Path) -> set[str]:
    nb = nbformat.read(notebook, as_version=4)
    return {line.strip() for cell in nb.cells if cell.cell_type == "code"
            for line in cell.source.splitlines()}


def _test_names(folder: Path) -> set[str]:
    """Names of test functions, test classes and helpers defined in a test folder."""
    names: set[str] = set()
    for path in folder.rglob("*.py"):
        try:
            tree = ast.parse(path.read_text(encoding="utf-8"))
        except SyntaxError as exc:
            raise TaskError(f"{path}: does not parse ({exc.msg}, line {exc.lineno})") from exc
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and (
                    node.name.lower().startswith("test")):
                names.add(node.name)
    return names


def candidate_toml(task: Task) -> str:
    """A task.toml for the bundle: public tests only, paths inside the bundle."""
    limits = task.limits
    quoted = ", ".join(f'"{f}"' for f in task.functions)
    data = ", ".join(f'"{p.name}"' for p in task.data_files)
    reqs = ", ".join(f'"{r}"' for r in task.requirements)
    summary = task.summary.strip().replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
    return (
        "# The task as the candidate gets it: public tests only.\n"
        "# Self-check: takehome check template.ipynb --task .\n"
        "[task]\n"
        f'name = "{task.name}"\n'
        f'title = "{task.title}"\n'
        f'summary = """\n{summary}\n"""\n'
        'template = "template.ipynb"\n'
        'public_tests = "tests/public"\n'
        f"data = [{data}]\n"
        'rubric = "rubric.toml"\n'
        f"functions = [{quoted}]\n\n"
        "[limits]\n"
        f"cell_timeout = {limits.cell_timeout}\n"
        f"execution_timeout = {limits.execution_timeout}\n"
        f"call_timeout = {limits.call_timeout}\n"
        f"memory_mb = {limits.memory_mb}\n"
        f"pids = {limits.pids}\n\n"
        "[environment]\n"
        f"requirements = [{reqs}]\n"
    )


def candidate_readme(task: Task, wheel_name: str) -> str:
    """The candidate's instructions: task, interface, rubric, attribution, self-check."""
    from harness.rubric import load_rubric

    rubric = load_rubric(task.rubric)
    total = rubric.total_weight or 1.0
    signatures = _signatures(task)
    rows = []
    for spec in rubric.criteria:
        share = 100.0 * spec.weight / total
        rows.append(f"- **{spec.name}** ({spec.weight:g} points, {share:.0f}%): "
                    f"{CRITERIA_TEXT.get(spec.name, 'see the rubric file')}")
    if rubric.gate is not None:
        gate = rubric.gate
        rows.append(
            f"\n{', '.join(gate.criteria)} count in full once {gate.full_at:.0%} of the "
            f"tests ({', '.join(gate.on)}) pass, and proportionally less below that: "
            "polish on code that does not work yet earns little."
        )
    interface = "\n".join(signatures) or "(see the notebook)"
    data = "".join(f"- `{p.name}`: a data file, next to the notebook\n" for p in task.data_files)
    install = " ".join(["pip install", f"./{wheel_name}",
                        *(shlex.quote(r) for r in task.requirements)])
    summary = re.sub(r"\s*\n\s*", " ", task.summary.strip()) or task.title
    return f"""# {task.title}

{summary}

## What you get

- `template.ipynb`: the notebook to complete and submit
- `tests/public/`: the public tests (the grader also runs tests you do not see)
{data}- `task.toml`, `rubric.toml`: the task and rubric, for the self-check below

## The interface

Keep these names and signatures; the tests call them from outside the notebook:

```python
{interface}
```

Return plain data (numbers, strings, lists, dicts, numpy arrays): only plain data
crosses from your notebook to the grader.

## How it is graded

{rubric.title}, {total:g} points in all:

{chr(10).join(rows)}

## Declaring copied code

Copying code is allowed if you say so. Mark every copied region in a code cell:

```python
# copied-from: <where it came from: URL, book, or "ChatGPT prompt: ...">
... the copied or adapted lines ...
# end-copied
```

Use `# adapted-from: <source>` for code you changed after copying it. Everything
outside such regions counts as your own code; undeclared copies are flagged.

## Check your notebook before you submit

The checker (`{wheel_name}`, the grader's own harness) comes with this folder. In this
folder, with Python 3.11 or newer:

```bash
python3 -m venv .venv
.venv/bin/{install}
.venv/bin/takehome check template.ipynb --task .
```

(On Windows use `.venv\\Scripts\\pip` and `.venv\\Scripts\\takehome`.) The check runs the
notebook and the public tests, prints a table with the first thing to fix per criterion,
and writes a report to `reports/`. It runs your notebook in Docker, as the grader does,
when Docker is running, and otherwise on your machine (it says which). Add `--watch` to
check again each time you save the notebook.

Submit `template.ipynb` (rename it if you like), run top to bottom.
"""


def _signatures(task: Task) -> list[str]:
    """``def name(args):`` of each interface function as the template states it."""
    nb = nbformat.read(task.template, as_version=4)
    found: dict[str, str] = {}
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        try:
            tree = ast.parse(cell.source)
        except SyntaxError:
            continue
        for node in tree.body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                returns = f" -> {ast.unparse(node.returns)}" if node.returns else ""
                found.setdefault(node.name, f"def {node.name}({ast.unparse(node.args)}){returns}")
    wanted = task.functions or tuple(found)
    return [found.get(name, f"{name}(...)") for name in wanted]


def _zip(name: str, files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for relative, content in sorted(files.items()):
            archive.writestr(f"{name}/{relative}", content)
    return buffer.getvalue()


def _unzip(blob: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(blob)) as archive:
        return {info.filename.split("/", 1)[1]: archive.read(info)
                for info in archive.infolist()}
