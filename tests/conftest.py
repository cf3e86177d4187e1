"""Shared fixtures: small notebooks written to tmp_path, the kmeans task."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
KMEANS = ROOT / "tasks" / "kmeans"

NotebookFactory = Callable[..., Path]


def notebook_json(*cells: str | tuple[str, str], outputs: list[dict[str, object]] | None = None,
                  ) -> dict[str, object]:
    """A v4 notebook; a plain string is a code cell, ("markdown", text) a markdown cell."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    for cell in cells:
        if isinstance(cell, tuple):
            kind, text = cell
            nb.cells.append(nbformat.v4.new_markdown_cell(text) if kind == "markdown"
                            else nbformat.v4.new_code_cell(text))
        else:
            nb.cells.append(nbformat.v4.new_code_cell(cell))
    if outputs is not None:
        for cell in nb.cells:
            if cell.cell_type == "code":
                cell.outputs = [nbformat.from_dict(o) for o in outputs]
                cell.execution_count = 1
    return dict(nb)


@pytest.fixture
def make_notebook(tmp_path: Path) -> NotebookFactory:
    """Write a notebook built from cell sources; returns its path."""
    counter = iter(range(1000))

    def make(*cells: str | tuple[str, str], name: str | None = None,
             outputs: list[dict[str, object]] | None = None) -> Path:
        path = tmp_path / (name or f"nb{next(counter)}.ipynb")
        path.write_text(json.dumps(notebook_json(*cells, outputs=outputs)), encoding="utf-8")
        return path

    return make


@pytest.fixture
def kmeans_task() -> Path:
    return KMEANS


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


@pytest.fixture(scope="session")
def docker_client() -> Iterator[Any]:
    """A client for the local engine; skip if it is down, but fail under CI=true.

    A CI run that silently skipped the sandbox tests would report green on
    untested code.
    """
    from harness.errors import InfrastructureError
    from harness.sandbox.image import docker_client as connect

    try:
        client = connect()
    except InfrastructureError as exc:
        if in_ci():
            pytest.fail(str(exc))
        pytest.skip(str(exc))
    yield client
    client.close()
