"""Build Submission objects directly, so criteria tests do not depend on intake.

Origins come from plain concatenation of the code cells, one extracted line
per cell line, which is all the criteria rely on.  By default ``written``
follows authorship's rule without a template: every non-blank, non-comment
code line (comment lines are never in ``written``).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from pathlib import Path

import pytest

from harness.authorship import build_submission as build_real_submission

from harness.criteria.base import Context
from harness.extract import split_lines
from harness.submission import Cell, ExtractedCode, LineOrigin, Notebook, Submission

CellSpec = tuple[str, str]  # (cell_type, source)
# Builds a Submission through real intake, extraction and authorship.
RealSubmission = Callable[[list[CellSpec], list[CellSpec]], Submission]
# Builds a Context from cells, a written-line set and rubric options.
MakeContext = Callable[..., Context]
Written = Iterable[tuple[int, int]] | None


def build_notebook(cells: list[CellSpec], path: str = "submission.ipynb") -> Notebook:
    """A Notebook with the given cells, indexed in order."""
    return Notebook(
        path=path,
        cells=tuple(Cell(index, kind, source) for index, (kind, source) in enumerate(cells)),
        nb_json={},
        original_nbformat="4.5",
    )


def build_submission(
    cells: list[CellSpec],
    written: Written = None,
    template: list[CellSpec] | None = None,
    unparsable: tuple[int, ...] = (),
) -> Submission:
    """A Submission; ``written=None`` means every code line is the candidate's.

    Cells listed in ``unparsable`` are left out of the extracted text, as the
    real extractor does.
    """
    notebook = build_notebook(cells)
    lines: list[str] = []
    origins: list[LineOrigin] = []
    for cell in notebook.code_cells:
        if cell.index in unparsable:
            continue
        for number, text in enumerate(split_lines(cell.source), start=1):
            lines.append(text)
            origins.append(LineOrigin(cell.index, number))
    if written is None:
        marks = frozenset(
            (cell.index, number)
            for cell in notebook.code_cells
            for number, text in enumerate(split_lines(cell.source), start=1)
            if text.strip() and not text.strip().startswith("#")
        )
    else:
        marks = frozenset(written)
    return Submission(
        notebook=notebook,
        code=ExtractedCode("\n".join(lines) + "\n", tuple(origins), unparsable),
        written=marks,
        template=build_notebook(template, "template.ipynb") if template is not None else None,
    )


@pytest.fixture
def make_submission() -> Callable[..., Submission]:
    """The Submission builder (fresh objects each call)."""
    return build_submission


@pytest.fixture
def make_context() -> MakeContext:
    """Context from cell specs, with criterion options as keyword arguments."""

    def make(
        cells: list[CellSpec],
        written: Written = None,
        template: list[CellSpec] | None = None,
        unparsable: tuple[int, ...] = (),
        **options: object,
    ) -> Context:
        return Context(
            submission=build_submission(cells, written, template, unparsable), options=options
        )

    return make


def write_notebook(path: Path, cells: list[CellSpec]) -> Path:
    """A minimal valid nbformat 4.5 file with the given cells."""
    raw: list[dict[str, object]] = []
    for kind, source in cells:
        cell: dict[str, object] = {"cell_type": kind, "metadata": {}, "source": source}
        if kind == "code":
            cell.update(outputs=[], execution_count=None)
        raw.append(cell)
    kernel = {"name": "python3", "display_name": "Python 3", "language": "python"}
    data = {"nbformat": 4, "nbformat_minor": 5, "metadata": {"kernelspec": kernel}, "cells": raw}
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


@pytest.fixture
def real_submission(tmp_path: Path) -> RealSubmission:
    """A Submission built by the real intake, extraction and authorship from two notebooks."""

    def make(cells: list[CellSpec], template: list[CellSpec]) -> Submission:
        return build_real_submission(
            write_notebook(tmp_path / "submission.ipynb", cells),
            write_notebook(tmp_path / "template.ipynb", template),
        )

    return make
