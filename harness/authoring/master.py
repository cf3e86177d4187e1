"""One master notebook -> the candidate's template and the reference solution.

An author writes the solution once, in Jupyter, and marks what the candidate
must not see; :func:`generate` derives both notebooks so they never drift
apart.  The markers (documented in docs/authoring.md):

- In a code cell, ``### BEGIN SOLUTION`` ... ``### END SOLUTION`` encloses
  solution code.  In the template, each top-level ``def`` in the region keeps
  its decorators and signature and its body (docstring included: writing it is
  the candidate's job) becomes ``raise NotImplementedError``; other top-level
  statements in the region are dropped.  A region indented inside a function
  becomes one ``raise NotImplementedError`` at that indent.
- Cell tags (or a first line ``### HIDDEN`` / ``### SOLUTION ONLY`` /
  ``### TEMPLATE ONLY`` in a code cell): ``hidden`` and ``solution-only``
  cells are left out of the template, ``template-only`` cells out of the
  solution.  ``hidden`` cells hold the author's own checks of the solution.
- A markdown cell tagged ``report`` keeps its heading; in the template its
  body becomes ``_Replace this text: ..._``.
- When no markdown cell is headed "Attribution", the standard attribution
  section (the ``# copied-from:`` ... ``# end-copied`` convention) is
  appended to both notebooks.
"""

# nbformat ships no type hints: its readers and cell factories are untyped calls.
# mypy: disable-error-code="no-untyped-call,no-any-return"
from __future__ import annotations

import ast
import copy
import re
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat

from harness.errors import TaskError

BEGIN = "### BEGIN SOLUTION"
END = "### END SOLUTION"
HIDDEN = "hidden"
SOLUTION_ONLY = "solution-only"
TEMPLATE_ONLY = "template-only"
REPORT = "report"
ATTRIBUTION_ID = "attribution"  # the id of the appended attribution cell
_LINE_TAGS = {
    "### HIDDEN": HIDDEN,
    "### SOLUTION ONLY": SOLUTION_ONLY,
    "### TEMPLATE ONLY": TEMPLATE_ONLY,
}
_MARKER_TAGS = (HIDDEN, SOLUTION_ONLY, TEMPLATE_ONLY, REPORT)
_HEADING = re.compile(r"^ {0,3}#{1,6}\s+\S")

PROMPTS = {
    "approach": "describe your approach in a few sentences.",
    "tried": "what did you try, and what did you learn from what did not work?",
    "improve": "what would you change or add with more time, and why?",
}
DEFAULT_PROMPT = "write this section in your own words."

ATTRIBUTION = """\
## Attribution

Copying code is allowed if you say so. Mark every copied region in a code cell like this:

```python
# copied-from: <where it came from: URL, book, or "ChatGPT prompt: ...">
... the copied or adapted lines ...
# end-copied
```

Use `# adapted-from: <source>` instead of `# copied-from:` for code you changed after
copying it. A region ends at `# end-copied` or at the end of the cell. Everything outside
such regions counts as your own code, and copies that are not declared are flagged.

Example:

```python
# copied-from: https://stackoverflow.com/q/1401712 (answer by an example user)
def squared_norms(rows):
    return np.einsum("ij,ij->i", rows, rows)
# end-copied
```
"""


@dataclass(frozen=True)
class Generated:
    """Both notebooks plus what the release leak check must keep out of a bundle."""

    template: Any  # nbformat NotebookNode
    solution: Any  # nbformat NotebookNode
    secret_lines: tuple[str, ...]  # stripped source lines only the solution may hold


def generate(master: Any, origin: str = "master notebook") -> tuple[Any, Any]:
    """``(template_nb, solution_nb)`` from a master notebook (a NotebookNode)."""
    result = split(master, origin)
    return result.template, result.solution


def split(master: Any, origin: str = "master notebook") -> Generated:
    """Like :func:`generate`, and also collect the solution-only source lines."""
    template = nbformat.v4.new_notebook(metadata=copy.deepcopy(dict(master.metadata)))
    solution = nbformat.v4.new_notebook(metadata=copy.deepcopy(dict(master.metadata)))
    secrets: list[str] = []
    stub_lines: set[str] = set()
    last_heading = ""
    has_attribution = False
    for index, cell in enumerate(master.cells):
        where = f"{origin}: cell {index}"
        tags, source = _tags_and_source(cell)
        if cell.cell_type == "markdown":
            heading = _first_heading(source)
            if heading:
                last_heading = heading
                has_attribution |= heading.lower().strip("# ").startswith("attribution")
        if cell.cell_type == "code":
            solution_source, template_source, region_lines, stubs = _code(source, where)
        else:
            solution_source = template_source = source
            region_lines, stubs = [], []
        if REPORT in tags and cell.cell_type == "markdown":
            template_source = _placeholder(source, last_heading)
        stub_lines.update(s.strip() for s in stubs)
        if tags & {HIDDEN, SOLUTION_ONLY}:
            secrets.extend(solution_source.splitlines())
        else:
            secrets.extend(region_lines)
        cell_id = _cell_id(cell, index)
        if TEMPLATE_ONLY not in tags:
            solution.cells.append(_clean_cell(cell, solution_source, cell_id))
        if not tags & {HIDDEN, SOLUTION_ONLY}:
            template.cells.append(_clean_cell(cell, template_source, cell_id))
    if not has_attribution:
        for nb in (template, solution):
            nb.cells.append(nbformat.v4.new_markdown_cell(ATTRIBUTION, id=ATTRIBUTION_ID))
    kept = {s.strip() for s in secrets} - stub_lines
    return Generated(template, solution, tuple(sorted(line for line in kept if line)))


def generate_files(master_path: Path, template_path: Path, solution_path: Path) -> Generated:
    """Read a master notebook, write template and solution next to it."""
    result = split(read_master(master_path), str(master_path))
    template_path.write_bytes(notebook_bytes(result.template))
    solution_path.write_bytes(notebook_bytes(result.solution))
    return result


def read_master(master_path: Path) -> Any:
    """The master notebook, or a TaskError that names the file."""
    try:
        return nbformat.read(master_path, as_version=4)
    except (OSError, ValueError) as exc:
        raise TaskError(f"{master_path}: cannot read the master notebook: {exc}") from exc


def notebook_bytes(nb: Any) -> bytes:
    """The file content of a generated notebook: the same notebook, the same bytes."""
    return (nbformat.writes(nb) + "\n").encode("utf-8")


def _cell_id(cell: Any, index: int) -> str:
    """The master cell's own id (stable across edits of other cells), else its position.

    nbformat would draw a random id for each new cell, and every generation
    would then rewrite both committed notebooks.
    """
    own = cell.get("id")
    return str(own) if isinstance(own, str) and own else f"cell-{index}"


def _tags_and_source(cell: Any) -> tuple[set[str], str]:
    """Cell tags, plus a tag given as a first-line marker (which is removed)."""
    tags = {str(t) for t in cell.get("metadata", {}).get("tags", [])}
    source = cell.source
    first, _, rest = source.partition("\n")
    if cell.cell_type == "code" and first.strip().upper() in _LINE_TAGS:
        tags.add(_LINE_TAGS[first.strip().upper()])
        source = rest
    return tags, source


def _clean_cell(cell: Any, source: str, cell_id: str) -> Any:
    """A fresh cell of the same kind: no outputs, no marker tags, the given id."""
    metadata = copy.deepcopy(dict(cell.get("metadata", {})))
    tags = [t for t in metadata.get("tags", []) if t not in _MARKER_TAGS]
    if tags:
        metadata["tags"] = tags
    else:
        metadata.pop("tags", None)
    if cell.cell_type == "code":
        return nbformat.v4.new_code_cell(source, metadata=metadata, id=cell_id)
    if cell.cell_type == "markdown":
        return nbformat.v4.new_markdown_cell(source, metadata=metadata, id=cell_id)
    return nbformat.v4.new_raw_cell(source, metadata=metadata, id=cell_id)


def _first_heading(source: str) -> str:
    for line in source.splitlines():
        if _HEADING.match(line):
            return line.strip()
    return ""


def _placeholder(source: str, last_heading: str) -> str:
    """Keep the cell's own heading (if any); the body becomes the placeholder."""
    from harness.criteria.report import section_key

    lines = source.splitlines()
    own = lines[0].strip() if lines and _HEADING.match(lines[0]) else ""
    heading = own or last_heading
    key = section_key(heading.lstrip("#").strip()) if heading else None
    text = f"_Replace this text: {PROMPTS.get(key or '', DEFAULT_PROMPT)}_"
    return f"{own}\n\n{text}" if own else text


def _code(source: str, where: str) -> tuple[str, str, list[str], list[str]]:
    """(solution source, template source, region lines, stub lines) of one code cell."""
    solution: list[str] = []
    template: list[str] = []
    region: list[str] | None = None
    region_indent = ""
    all_region_lines: list[str] = []
    all_stubs: list[str] = []
    for number, line in enumerate(source.splitlines(), start=1):
        marker = line.strip()
        if marker == BEGIN:
            if region is not None:
                raise TaskError(f"{where}, line {number}: {BEGIN} inside another region; "
                                f"close the first with {END}")
            region, region_indent = [], line[: len(line) - len(line.lstrip())]
            continue
        if marker == END:
            if region is None:
                raise TaskError(f"{where}, line {number}: {END} without {BEGIN}")
            stubs = _stub(region, region_indent, where)
            template.extend(stubs)
            all_stubs.extend(stubs)
            all_region_lines.extend(region)
            region = None
            continue
        solution.append(line)
        if region is not None:
            region.append(line)
        else:
            template.append(line)
    if region is not None:
        raise TaskError(f"{where}: {BEGIN} is never closed; add {END}")
    return "\n".join(solution), "\n".join(template).strip("\n"), all_region_lines, all_stubs


def _stub(region: list[str], indent: str, where: str) -> list[str]:
    """Template lines replacing one solution region."""
    if indent:
        return [f'{indent}raise NotImplementedError("write this part")']
    code = textwrap.dedent("\n".join(region))
    try:
        tree = ast.parse(code)
    except SyntaxError as exc:
        raise TaskError(f"{where}: the solution region does not parse "
                        f"(line {exc.lineno}: {exc.msg}); fix the code") from exc
    lines = code.splitlines()
    out: list[str] = []
    for node in tree.body:
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
        body_start = node.body[0].lineno
        if body_start > node.lineno:
            header = lines[first - 1: body_start - 1]
        else:  # a one-line def: keep the text before the body
            header = [lines[node.lineno - 1][: node.body[0].col_offset].rstrip()]
        header = _drop_comments_after_signature(header)
        if out:
            out.extend(["", ""])
        out.extend(header)
        out.append(f'    raise NotImplementedError("implement {node.name}")')
    return out


def _drop_comments_after_signature(header: list[str]) -> list[str]:
    """Trailing blank or comment lines between the signature and the body go."""
    while header and (not header[-1].strip() or header[-1].strip().startswith("#")):
        header.pop()
    return header


@dataclass(frozen=True)
class MasterFiles:
    """Where a master-notebook task keeps its master and the two notebooks made from it."""

    master: Path
    template: Path
    solution: Path


def master_files(task_dir: Path) -> MasterFiles | None:
    """The task's master and generated paths, or None for a task written by hand."""
    from harness.config import read_toml

    toml_path = Path(task_dir) / "task.toml"
    if not Path(task_dir).is_dir():
        raise TaskError(f"{task_dir}: task folder not found")
    meta = read_toml(toml_path, TaskError).get("task", {})
    name = meta.get("master") if isinstance(meta, dict) else None
    if name is None:
        return None
    if not isinstance(name, str) or not (Path(task_dir) / name).is_file():
        raise TaskError(f"{toml_path}: task.master names {name!r}, which is not a file "
                        "in the task folder")
    return MasterFiles(
        Path(task_dir) / name,
        Path(task_dir) / str(meta.get("template", "template.ipynb")),
        Path(task_dir) / str(meta.get("solution", "solution.ipynb")),
    )


def refresh(task_dir: Path) -> Generated | None:
    """Regenerate template and solution when task.toml names a master notebook.

    This is ``takehome task generate``, the one command that writes into a
    task folder.  Returns what was generated, or None for a task written as
    template + solution by hand (such a task is used as it is).
    """
    files = master_files(task_dir)
    if files is None:
        return None
    return generate_files(files.master, files.template, files.solution)


def regenerate_command(task_dir: Path) -> str:
    """What an author types to bring template and solution up to date."""
    return f"takehome task generate {task_dir}"


def out_of_date(task_dir: Path) -> tuple[Generated | None, list[Path]]:
    """What the master generates, and the committed notebooks that differ from it.

    Reads only: validate and release must never rewrite tracked files.
    """
    files = master_files(task_dir)
    if files is None:
        return None, []
    result = split(read_master(files.master), str(files.master))
    stale = [
        path for path, nb in ((files.template, result.template), (files.solution, result.solution))
        if not path.is_file() or path.read_bytes() != notebook_bytes(nb)
    ]
    return result, stale


def stale_message(task_dir: Path, stale: list[Path]) -> str:
    """The problem line for out-of-date notebooks, with the command that fixes it."""
    names = " and ".join(path.name for path in stale)
    verb = "is" if len(stale) == 1 else "are"
    return (f"{names} {verb} out of date with the master notebook; run: "
            f"{regenerate_command(task_dir)} (then commit the result)")
