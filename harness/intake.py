"""Intake: turn a submitted ``.ipynb`` file into a trusted :class:`Notebook`.

Everything a candidate hands in passes through :func:`read_notebook` before
any other stage looks at it, so this module is the one place that must cope
with *any* bytes: it caps the size before reading, parses JSON defensively,
validates against the nbformat schema, upgrades nbformat 3, forces the Python
kernel and clears stored outputs (a stored "All tests passed" must never be
mistaken for a result).  Every refusal is a one-line
:class:`~harness.errors.NotebookError` that names the file, the reason and
the fix; no other exception type escapes, whatever the content.

Speed: ``import nbformat`` pulls in jsonschema and traitlets (0.2 s warm,
seconds on a cold disk).  Version 4 notebooks, i.e. nearly all, are therefore
validated with fastjsonschema against nbformat's own schema file, located
without importing the package; nbformat itself is imported only to upgrade
a version 3 notebook.
"""

from __future__ import annotations

import copy
import functools
import importlib.util
import json
import os
import re
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn

import fastjsonschema

from harness.errors import NotebookError
from harness.submission import Cell, Notebook

__all__ = ["read_notebook", "notebook_from_dict"]

MAX_BYTES = 20_000_000
MAX_CELLS = 5000
# Real notebooks nest metadata a few levels deep; a cap far below Python's
# recursion limit keeps later stages (json.dumps, deepcopy) from blowing up.
MAX_DEPTH = 100

PYTHON_KERNELSPEC: dict[str, object] = {
    "display_name": "Python 3 (ipykernel)",
    "language": "python",
    "name": "python3",
}

_CELL_ID_RE = re.compile(r"^[a-zA-Z0-9-_]{1,64}$")
_EXPORT_AGAIN = "save it in Jupyter and export it again"

Validator = Callable[[object], object]


def read_notebook(
    path: str | os.PathLike[str],
    *,
    max_bytes: int = MAX_BYTES,
    max_cells: int = MAX_CELLS,
) -> Notebook:
    """Read, validate and normalise the notebook at ``path``.

    The returned notebook is nbformat 4.5 with a python3 kernelspec, no
    outputs, no execution counts, string sources and unique cell ids.
    """
    where = os.fspath(path)
    raw = _read_capped(where, max_bytes)
    data = _parse_json(where, raw)
    # The parsed data is ours alone: normalise it in place, no copy.
    return _normalise_guarded(where, data, max_cells)


def notebook_from_dict(
    data: object, path: str | os.PathLike[str], *, max_cells: int = MAX_CELLS
) -> Notebook:
    """Validate and normalise an already parsed notebook (``path`` names it in errors).

    ``data`` is not modified; a normalised deep copy ends up in ``nb_json``.
    """
    where = os.fspath(path)
    _check_depth(where, data)  # before deepcopy, which recurses
    return _normalise_guarded(where, copy.deepcopy(data), max_cells)


def _normalise_guarded(where: str, data: object, max_cells: int) -> Notebook:
    try:
        _check_depth(where, data)
        return _normalise(where, data, max_cells)
    except RecursionError:  # belt and braces: _check_depth should catch it first
        _refuse(where, f"the JSON is nested too deeply; {_EXPORT_AGAIN}")


# -- reading and parsing -------------------------------------------------


def _refuse(where: str, reason: str) -> NoReturn:
    # One line, always: reasons may quote user content or schema messages.
    line = " ".join(reason.split())
    raise NotebookError(f"{where}: {line}")


def _read_capped(where: str, max_bytes: int) -> bytes:
    """Read at most ``max_bytes + 1`` bytes after checking the size on disk."""
    too_big = (
        "the file is {size} bytes, over the limit of {limit} bytes; "
        "clear all outputs in Jupyter (Edit > Clear Outputs of All Cells), "
        "remove embedded data and save again"
    )
    try:
        st = os.stat(where)
        if not stat.S_ISREG(st.st_mode):
            _refuse(where, "not a regular file; pass the path of an .ipynb file")
        if st.st_size > max_bytes:
            _refuse(where, too_big.format(size=st.st_size, limit=max_bytes))
        with open(where, "rb") as handle:
            # The size can change between stat and read; never read unbounded.
            raw = handle.read(max_bytes + 1)
    except FileNotFoundError:
        _refuse(where, "file not found; check the path")
    except OSError as exc:
        _refuse(where, f"cannot read the file ({exc.strerror or exc}); check the path and its permissions")
    if len(raw) > max_bytes:
        _refuse(where, too_big.format(size=f"more than {max_bytes}", limit=max_bytes))
    if not raw.strip():
        _refuse(where, f"the file is empty ({len(raw)} bytes); {_EXPORT_AGAIN}")
    return raw


class _NonStandardConstant(ValueError):
    """NaN or Infinity: accepted by Python's json, invalid JSON everywhere else."""


def _reject_constant(name: str) -> NoReturn:
    raise _NonStandardConstant(name)


def _parse_json(where: str, raw: bytes) -> object:
    """Bytes to a JSON value, or a one-line refusal for every way that fails."""
    prefix = "not a notebook: "
    try:
        # utf-8-sig: tolerate a BOM some Windows editors add.
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        bad = raw[exc.start : exc.start + 1].hex()
        _refuse(
            where,
            f"{prefix}the file is not UTF-8 text (byte 0x{bad} at offset {exc.start}); "
            "submit the .ipynb file itself (File > Download in Jupyter)",
        )
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        if exc.pos >= len(text.rstrip()) - 1:
            what = f"the JSON ends early at line {exc.lineno} (the file looks truncated)"
        else:
            what = f"the file is not valid JSON ({exc.msg}, line {exc.lineno} column {exc.colno})"
        _refuse(where, f"{prefix}{what}; {_EXPORT_AGAIN}")
    except _NonStandardConstant as exc:
        _refuse(where, f"{prefix}the JSON contains {exc}, which JSON does not allow; {_EXPORT_AGAIN}")
    except RecursionError:
        _refuse(where, f"{prefix}the JSON is nested too deeply; {_EXPORT_AGAIN}")
    except ValueError as exc:
        # e.g. an integer literal with more digits than Python will convert.
        reason = str(exc).split(";", maxsplit=1)[0]
        _refuse(where, f"{prefix}the JSON holds a value Python cannot read ({reason}); {_EXPORT_AGAIN}")


# -- normalising ----------------------------------------------------------


def _normalise(where: str, data: Any, max_cells: int) -> Notebook:
    if not isinstance(data, dict):
        _refuse(where, f"not a notebook: the JSON is a {_json_type(data)}, not an object; {_EXPORT_AGAIN}")
    major = data.get("nbformat")
    minor = data.get("nbformat_minor")
    if isinstance(major, bool) or not isinstance(major, int):
        _refuse(where, f"not a notebook: no integer 'nbformat' version field; {_EXPORT_AGAIN}")
    if isinstance(minor, bool) or not isinstance(minor, int):
        minor = 0
    original = f"{major}.{minor}"
    if major < 3:
        _refuse(
            where,
            f"nbformat {original} is too old to grade; convert it with "
            "'jupyter nbconvert --to notebook --inplace' (or open and save it in Jupyter)",
        )
    if major > 4:
        _refuse(where, f"nbformat {original} is unknown to this harness; save the notebook as nbformat 4")
    _check_language(where, data)
    if major == 3:
        data = _upgrade_v3(where, data, max_cells)
    _check_cell_count(where, data.get("cells"), max_cells)
    _clear_and_join(data["cells"])
    _assign_cell_ids(data["cells"])
    data["nbformat_minor"] = 5
    metadata = data.get("metadata")
    if isinstance(metadata, dict):
        metadata["kernelspec"] = dict(PYTHON_KERNELSPEC)
        if isinstance(metadata.get("language_info"), dict):
            metadata["language_info"]["name"] = "python"
    _validate(where, data, _v4_validator(), original)
    cells = tuple(_cell(i, c) for i, c in enumerate(data["cells"]))
    return Notebook(path=where, cells=cells, nb_json=data, original_nbformat=original)


def _json_type(value: object) -> str:
    names = {list: "list", str: "string", int: "number", float: "number", bool: "boolean"}
    return "null" if value is None else names.get(type(value), type(value).__name__)


def _check_language(where: str, data: dict[str, Any]) -> None:
    """Refuse notebooks written for another kernel (R, Julia, ...)."""
    metadata = data.get("metadata")
    if not isinstance(metadata, dict):
        return
    claims: list[object] = []
    for key, field in (("kernelspec", "language"), ("language_info", "name"), ("kernel_info", "language")):
        section = metadata.get(key)
        if isinstance(section, dict):
            claims.append(section.get(field))
    for cell in _v3_cells(data):  # nbformat 3 stores the language per cell
        if isinstance(cell, dict) and cell.get("cell_type") == "code":
            claims.append(cell.get("language"))
    for claim in claims:
        if isinstance(claim, str) and claim and not claim.lower().startswith("python"):
            _refuse(
                where,
                f"the notebook's kernel language is {claim!r}, not Python; "
                "solve the task in a Python 3 notebook",
            )


def _v3_cells(data: dict[str, Any]) -> list[object]:
    """All cells of all worksheets of an nbformat 3 notebook, whatever their shape."""
    worksheets = data.get("worksheets")
    cells: list[object] = []
    for worksheet in worksheets if isinstance(worksheets, list) else ():
        found = worksheet.get("cells") if isinstance(worksheet, dict) else None
        if isinstance(found, list):
            cells.extend(found)
    return cells


def _check_cell_count(where: str, cells: object, max_cells: int) -> None:
    if not isinstance(cells, list):
        _refuse(where, f"not a valid notebook: it has no 'cells' list; {_EXPORT_AGAIN}")
    if not cells:
        _refuse(where, "the notebook has no cells; submit the notebook you worked in")
    if len(cells) > max_cells:
        _refuse(
            where,
            f"the notebook has {len(cells)} cells, over the limit of {max_cells}; merge or remove cells",
        )


def _clear_and_join(cells: list[Any]) -> None:
    """Drop outputs and counts; join list-of-lines text into one string.

    Done before validation on purpose: a malformed stored output is discarded
    anyway, so it should not get a submission refused.
    """
    for cell in cells:
        if not isinstance(cell, dict):
            continue
        if cell.get("cell_type") == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
        source = cell.get("source")
        if isinstance(source, list) and all(isinstance(s, str) for s in source):
            cell["source"] = "".join(source)
        attachments = cell.get("attachments")
        if isinstance(attachments, dict):
            for bundle in attachments.values():
                _join_bundle(bundle)


def _join_bundle(bundle: object) -> None:
    """Join list-of-lines values of one attachment's mime bundle."""
    if not isinstance(bundle, dict):
        return
    for mime, value in bundle.items():
        if isinstance(value, list) and all(isinstance(s, str) for s in value):
            bundle[mime] = "".join(value)


def _assign_cell_ids(cells: list[Any]) -> None:
    """Keep valid unique ids; give every other cell a deterministic one.

    nbformat 4.5 requires ids; older files lack them and copied cells can
    share one.  Deterministic ids keep the normalised notebook reproducible.
    """
    seen: set[str] = set()
    missing: list[dict[str, Any]] = []
    for cell in cells:
        if not isinstance(cell, dict):
            continue
        cell_id = cell.get("id")
        if isinstance(cell_id, str) and _CELL_ID_RE.match(cell_id) and cell_id not in seen:
            seen.add(cell_id)
        else:
            missing.append(cell)
    counter = 0
    for cell in missing:
        while f"cell-{counter}" in seen:
            counter += 1
        cell["id"] = f"cell-{counter}"
        seen.add(cell["id"])


def _upgrade_v3(where: str, data: dict[str, Any], max_cells: int) -> dict[str, Any]:
    """Validate a version 3 notebook and convert it to version 4 with nbformat."""
    cells = _v3_cells(data)
    if len(cells) > max_cells:
        _refuse(where, f"the notebook has {len(cells)} cells, over the limit of {max_cells}; merge or remove cells")
    for cell in cells:
        if isinstance(cell, dict) and cell.get("cell_type") == "code":
            cell["outputs"] = []  # never upgraded, never trusted
            cell.pop("prompt_number", None)
    _validate(where, data, _v3_validator(), f"{data.get('nbformat')}.{data.get('nbformat_minor')}")
    # Imported here, not at the top: slow (jsonschema, traitlets) and only
    # needed for this rare path.
    # pylint: disable=import-outside-toplevel
    import nbformat
    from nbformat.v3.rwbase import rejoin_lines
    from nbformat.v4.convert import upgrade

    # nbformat ships no type annotations, hence the ignores below.
    node = nbformat.from_dict(data)  # type: ignore[no-untyped-call]
    try:
        # upgrade() expects what nbformat.v3.reads produces: joined lines.
        joined = rejoin_lines(node)  # type: ignore[no-untyped-call]
        upgraded = upgrade(joined, from_version=3, from_minor=node.get("nbformat_minor", 0))  # type: ignore[no-untyped-call]
    except (AttributeError, KeyError, TypeError, ValueError) as exc:
        # Schema-valid yet unconvertible: nbformat's converter assumes more than the schema says.
        _refuse(where, f"nbformat 3 notebook could not be upgraded ({type(exc).__name__}: {exc}); {_EXPORT_AGAIN}")
    plain: dict[str, Any] = json.loads(json.dumps(upgraded))
    for cell in plain.get("cells", []):
        cell.pop("id", None)  # upgrade() draws random ids; ours are deterministic
    return plain


# -- schema validation ------------------------------------------------------


def _schema_dir() -> Path:
    # find_spec locates the package without executing nbformat/__init__.py.
    spec = importlib.util.find_spec("nbformat")
    if spec is None or not spec.submodule_search_locations:
        raise NotebookError("nbformat is not installed; install the harness with its dependencies")
    return Path(next(iter(spec.submodule_search_locations)))


@functools.lru_cache(maxsize=None)
def _schema(relative: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((_schema_dir() / relative).read_text(encoding="utf-8"))
    return loaded


@functools.lru_cache(maxsize=None)
def _v4_validator() -> Validator:
    return fastjsonschema.compile(_schema("v4/nbformat.v4.5.schema.json"))


@functools.lru_cache(maxsize=None)
def _v3_validator() -> Validator:
    return fastjsonschema.compile(_schema("v3/nbformat.v3.schema.json"))


@functools.lru_cache(maxsize=None)
def _v4_cell_validator(cell_type: str) -> Validator | None:
    """A validator for one cell type, to explain a failed cell precisely."""
    schema = _schema("v4/nbformat.v4.5.schema.json")
    key = f"{cell_type}_cell"
    if key not in schema.get("definitions", {}):
        return None
    return fastjsonschema.compile({"$ref": f"#/definitions/{key}", "definitions": schema["definitions"]})


def _validate(where: str, data: dict[str, Any], validator: Validator, version: str) -> None:
    try:
        validator(data)
    except fastjsonschema.JsonSchemaValueException as exc:
        detail = _explain(data, exc)
        _refuse(
            where,
            f"not a valid nbformat {version} notebook: {detail}; "
            "repair that cell or field (or export the notebook again from Jupyter)",
        )
    except fastjsonschema.JsonSchemaException as exc:  # a schema bug, not the candidate's
        raise NotebookError(f"{where}: the nbformat schema could not be used ({exc}); reinstall nbformat") from exc


def _explain(data: dict[str, Any], exc: fastjsonschema.JsonSchemaValueException) -> str:
    """A short, readable description of a schema failure.

    The cell schema is a ``oneOf`` over cell types, whose failure says only
    "0 matches"; re-validating the cell against its own type names the field.
    """
    message = exc.message
    match = re.match(r"data\.cells\[(\d+)\]", exc.name or "")
    cells = data.get("cells")
    if match and isinstance(cells, list):
        index = int(match.group(1))
        cell = cells[index] if index < len(cells) else None
        cell_type = cell.get("cell_type") if isinstance(cell, dict) else None
        if not isinstance(cell_type, str) or cell_type not in ("code", "markdown", "raw"):
            return f"cell {index} has cell_type {cell_type!r}; use code, markdown or raw"
        cell_validator = _v4_cell_validator(cell_type)
        if cell_validator is not None:
            try:
                cell_validator(cell)
            except fastjsonschema.JsonSchemaValueException as inner:
                message = f"cell {index}: {inner.message.replace('data', cell_type + ' cell', 1)}"
    message = message.replace("must be valid exactly by one definition (0 matches found)", "has a value of the wrong type")
    message = message.replace("data.", "", 1) if message.startswith("data.") else message
    return message[:300]


def _check_depth(where: str, data: object) -> None:
    """Refuse absurd nesting and text that cannot be written back as UTF-8."""
    stack: list[tuple[object, int]] = [(data, 0)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_DEPTH:
            _refuse(where, f"the JSON is nested more than {MAX_DEPTH} levels deep; {_EXPORT_AGAIN}")
        if isinstance(value, dict):
            stack.extend((v, depth + 1) for v in value.values())
            stack.extend((k, depth + 1) for k in value)
        elif isinstance(value, list):
            stack.extend((v, depth + 1) for v in value)
        elif isinstance(value, str):
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                _refuse(where, f"the notebook contains an invalid unicode escape (a lone surrogate); {_EXPORT_AGAIN}")


def _cell(index: int, raw: dict[str, Any]) -> Cell:
    metadata = raw.get("metadata") or {}
    tags = metadata.get("tags") or ()
    return Cell(
        index=index,
        cell_type=str(raw["cell_type"]),
        source=str(raw.get("source", "")),
        tags=tuple(str(t) for t in tags),
    )
