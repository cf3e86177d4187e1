"""Intake must accept real notebooks and refuse every bad input with one line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from harness.errors import EXIT_INPUT_ERROR, NotebookError
from harness.intake import PYTHON_KERNELSPEC, notebook_from_dict, read_notebook
from harness.submission import Notebook

FILES = Path(__file__).parent / "files"


def _v4(cells: list[Any], **metadata: object) -> dict[str, Any]:
    return {"nbformat": 4, "nbformat_minor": 5, "metadata": dict(metadata), "cells": cells}


def _write(tmp_path: Path, content: bytes | str | dict[str, Any], name: str = "sub.ipynb") -> Path:
    path = tmp_path / name
    if isinstance(content, dict):
        content = json.dumps(content)
    if isinstance(content, str):
        content = content.encode("utf-8")
    path.write_bytes(content)
    return path


def _json(nb: Notebook) -> Any:
    """The normalised notebook, typed loosely for indexing in assertions."""
    return nb.nb_json


def _cells(nb: Notebook) -> list[Any]:
    return list(_json(nb)["cells"])


def _good_notebook() -> str:
    nb = new_notebook(cells=[new_markdown_cell("# Title"), new_code_cell("x = 1\nprint(x)")])
    return str(nbformat.writes(nb))


# -- refusals ----------------------------------------------------------------

_CODE_CELL: dict[str, Any] = {"cell_type": "code", "source": "x = 1", "metadata": {}, "outputs": [], "execution_count": None}

REFUSALS = {
    "not-json": (b'{"cells": [\n  {"a": 1},\n  {b}\n]}', "not valid JSON (Expecting property name"),
    "truncated": (_good_notebook()[:120].encode(), "truncated"),
    "binary-junk": (bytes(range(256)) * 8, "not UTF-8"),
    "zero-bytes": (b"", "empty (0 bytes)"),
    "whitespace-only": (b"  \n\t ", "empty"),
    "deeply-nested": (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
    "nested-metadata": (
        json.dumps(_v4([_CODE_CELL], deep=json.loads("[" * 300 + "]" * 300))).encode(),
        "nested",
    ),
    "json-list": (b"[1, 2, 3]", "the JSON is a list"),
    "nan-constant": (b'{"nbformat": NaN}', "NaN"),
    "huge-integer": (b'{"nbformat": ' + b"9" * 5000 + b"}", "cannot read"),
    "no-version": (b'{"cells": []}', "'nbformat' version"),
    "nbformat-2": (
        json.dumps({"nbformat": 2, "nbformat_minor": 0, "metadata": {}, "worksheets": []}).encode(),
        "nbformat 2.0 is too old",
    ),
    "nbformat-1": (json.dumps({"nbformat": 1, "cells": []}).encode(), "too old"),
    "nbformat-5": (json.dumps({"nbformat": 5, "nbformat_minor": 0}).encode(), "unknown"),
    "no-cells": (json.dumps(_v4([])).encode(), "has no cells"),
    "cells-not-list": (json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": {}}).encode(), "no 'cells' list"),
    "r-kernel": ((FILES / "intake_r_kernel.ipynb").read_bytes(), "kernel language is 'R', not Python"),
    "julia-language-info": (json.dumps(_v4([_CODE_CELL], language_info={"name": "julia"})).encode(), "'julia'"),
    "schema-source-int": (
        json.dumps(_v4([{**_CODE_CELL, "source": 5}])).encode(),
        "not a valid nbformat 4.5 notebook: cell 0",
    ),
    "schema-unknown-cell-type": (
        json.dumps(_v4([{**_CODE_CELL, "cell_type": "sql"}])).encode(),
        "cell 0 has cell_type 'sql'",
    ),
    "schema-extra-key": (
        json.dumps(_v4([{**_CODE_CELL, "bogus": True}])).encode(),
        "not a valid nbformat",
    ),
    "schema-missing-metadata": (
        json.dumps({"nbformat": 4, "nbformat_minor": 4, "cells": [_CODE_CELL]}).encode(),
        "metadata",
    ),
    "schema-invalid-v3": (
        json.dumps({"nbformat": 3, "nbformat_minor": 0, "metadata": {}, "worksheets": [{"cells": [{"cell_type": 7}]}]}).encode(),
        "not a valid nbformat 3.0 notebook",
    ),
    "lone-surrogate": (
        b'{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [{"cell_type": "code", '
        b'"id": "a", "source": "\\ud800", "metadata": {}, "outputs": [], "execution_count": null}]}',
        "lone surrogate",
    ),
}


@pytest.mark.parametrize(("content", "expected"), REFUSALS.values(), ids=REFUSALS.keys())
def test_refusal_is_one_line_naming_file_and_reason(tmp_path: Path, content: bytes, expected: str) -> None:
    path = _write(tmp_path, content)
    with pytest.raises(NotebookError) as info:
        read_notebook(path)
    message = str(info.value)
    assert message.startswith(f"{path}: ")
    assert expected in message
    assert "\n" not in message
    assert info.value.exit_code == EXIT_INPUT_ERROR


def test_too_big_is_refused_before_reading(tmp_path: Path) -> None:
    path = _write(tmp_path, _good_notebook())
    with pytest.raises(NotebookError, match=r"over the limit of 100 bytes; clear all outputs"):
        read_notebook(path, max_bytes=100)


def test_too_many_cells(tmp_path: Path) -> None:
    nb = new_notebook(cells=[new_code_cell(f"x = {i}") for i in range(6)])
    path = _write(tmp_path, nbformat.writes(nb))
    with pytest.raises(NotebookError, match="6 cells, over the limit of 5"):
        read_notebook(path, max_cells=5)


@pytest.mark.parametrize("kind", ["missing", "directory"])
def test_unreadable_path(tmp_path: Path, kind: str) -> None:
    path = tmp_path / "nope.ipynb" if kind == "missing" else tmp_path
    with pytest.raises(NotebookError, match=f"^{path}: "):
        read_notebook(path)


def test_random_bytes_never_escape_as_other_exceptions(tmp_path: Path) -> None:
    """Fuzz-lite: mutilated notebooks only ever raise NotebookError."""
    good = _good_notebook().encode()
    rng = __import__("random").Random(1234)
    for round_ in range(300):
        data = bytearray(good)
        for _ in range(rng.randint(1, 8)):
            position = rng.randrange(len(data))
            data[position] = rng.choice(b'{}[]",:0123456789 aeln\\\xff\x00')
        path = _write(tmp_path, bytes(data), name=f"fuzz{round_}.ipynb")
        try:
            read_notebook(path)
        except NotebookError as exc:
            assert "\n" not in str(exc)


# -- normalisation -----------------------------------------------------------


def test_stored_outputs_claiming_success_are_gone() -> None:
    raw = (FILES / "intake_outputs.ipynb").read_text(encoding="utf-8")
    assert "All tests passed" in raw  # the file really stores them
    nb = read_notebook(FILES / "intake_outputs.ipynb")
    for cell in _cells(nb):
        if cell["cell_type"] == "code":
            assert cell["outputs"] == []
            assert cell["execution_count"] is None
    dumped = json.dumps(nb.nb_json)
    for stored in ("<b>All tests passed</b>", "All tests passed\\n", "text/plain", '"stream"'):
        assert stored not in dumped


def test_tags_and_sources_are_normalised() -> None:
    nb = read_notebook(FILES / "intake_outputs.ipynb")
    assert [c.cell_type for c in nb.cells] == ["markdown", "code", "code"]
    assert nb.cells[2].tags == ("own-tests",)
    assert nb.cells[1].source == "def add(a, b):\n    return a + b"
    assert all(isinstance(c["source"], str) for c in _cells(nb))
    assert [c.source for c in nb.code_cells] == [c.source for c in nb.cells if c.cell_type == "code"]


def test_kernelspec_forced_to_python3(tmp_path: Path) -> None:
    data = _v4([_CODE_CELL], kernelspec={"name": "my-env", "display_name": "My env", "language": "python"})
    nb = read_notebook(_write(tmp_path, data))
    assert _json(nb)["metadata"]["kernelspec"] == PYTHON_KERNELSPEC


def test_result_is_valid_nbformat_45(tmp_path: Path) -> None:
    """The normalised dict passes nbformat's own validator, ids included."""
    nb_data = _v4([_CODE_CELL, {**_CODE_CELL, "source": ["a = 1\n", "b = 2"]}])
    nb_data["nbformat_minor"] = 2
    nb = read_notebook(_write(tmp_path, nb_data))
    node = nbformat.from_dict(nb.nb_json)
    nbformat.validate(node)
    assert nb.original_nbformat == "4.2"
    assert _json(nb)["nbformat_minor"] == 5
    assert [c["id"] for c in _cells(nb)] == ["cell-0", "cell-1"]
    assert nb.cells[1].source == "a = 1\nb = 2"


def test_duplicate_cell_ids_are_repaired(tmp_path: Path) -> None:
    cell = {**_CODE_CELL, "id": "same"}
    nb = read_notebook(_write(tmp_path, _v4([cell, cell, {**cell, "id": "bad id!"}])))
    ids = [c["id"] for c in _cells(nb)]
    assert ids[0] == "same"
    assert len(set(ids)) == 3


def test_nbformat_3_is_upgraded() -> None:
    nb = read_notebook(FILES / "intake_v3.ipynb")
    assert nb.original_nbformat == "3.0"
    assert _json(nb)["nbformat"] == 4
    assert [c.cell_type for c in nb.cells] == ["markdown", "code", "markdown", "code"]
    assert nb.cells[0].source == "# Old notebook"  # heading cell became markdown
    assert nb.cells[1].source == "import math\nprint(math.pi)"
    assert "All tests passed" not in json.dumps(nb.nb_json)
    nbformat.validate(nbformat.from_dict(nb.nb_json))


def test_bom_is_tolerated(tmp_path: Path) -> None:
    path = _write(tmp_path, b"\xef\xbb\xbf" + _good_notebook().encode())
    assert len(read_notebook(path).cells) == 2


def test_notebook_from_dict_leaves_input_untouched() -> None:
    data = _v4([{**_CODE_CELL, "execution_count": 4, "outputs": [{"output_type": "stream", "name": "stdout", "text": "ok"}]}])
    before = json.dumps(data, sort_keys=True)
    nb = notebook_from_dict(data, "mem.ipynb")
    assert json.dumps(data, sort_keys=True) == before
    assert nb.path == "mem.ipynb"
    assert _cells(nb)[0]["outputs"] == []


def test_cold_intake_does_not_import_nbformat(tmp_path: Path) -> None:
    """Speed guard: version 4 intake avoids nbformat's jsonschema import chain."""
    path = _write(tmp_path, _good_notebook())
    code = (
        "import sys\nfrom harness.intake import read_notebook\n"
        f"read_notebook({str(path)!r})\n"
        "print('nbformat' in sys.modules, 'jsonschema' in sys.modules)"
    )
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[1])}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    assert out.stdout.split() == ["False", "False"]
