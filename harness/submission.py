"""The analysed submission every criterion reads.

Intake (:mod:`harness.intake`) builds a :class:`Notebook`; extraction
(:mod:`harness.extract`) turns its code cells into one Python module with a
line map back to cells.  :mod:`harness.authorship` marks which lines the
candidate wrote (differ from the template).  All plain, frozen data.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Cell:
    """One notebook cell after intake (outputs cleared)."""

    index: int  # position in the notebook, 0-based
    cell_type: str  # "code", "markdown" or "raw"
    source: str
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class Notebook:
    """A validated, normalised notebook: version 4, Python kernel, no outputs.

    ``nb_json`` is the normalised notebook as a JSON-ready dict: the exact
    thing the sandbox executes.  Stored outputs of the submitted file are gone
    by construction, so nothing a candidate stored can claim success.
    """

    path: str
    cells: tuple[Cell, ...]
    nb_json: dict[str, object]
    original_nbformat: str  # e.g. "4.5" or "3.0" (upgraded)

    @property
    def code_cells(self) -> tuple[Cell, ...]:
        return tuple(c for c in self.cells if c.cell_type == "code")

    @property
    def markdown_cells(self) -> tuple[Cell, ...]:
        return tuple(c for c in self.cells if c.cell_type == "markdown")


@dataclass(frozen=True)
class LineOrigin:
    """Where one line of the extracted module came from."""

    cell: int  # notebook cell index
    line: int  # 1-based line within that cell's source


@dataclass(frozen=True)
class ExtractedCode:
    """All code cells as one Python module that pylint and ast can read.

    IPython magics (``%time``, ``%%capture``) and shell lines (``!pip ...``)
    are replaced by inert comment lines so the module still parses and line
    numbers stay aligned; ``origins[i]`` is the origin of ``text``'s line
    ``i + 1``.  Cells whose Python does not parse are kept out of ``text``
    (listed in ``unparsable_cells``) so one bad cell does not blind the linter.
    """

    text: str
    origins: tuple[LineOrigin, ...]
    unparsable_cells: tuple[int, ...] = ()

    def origin(self, lineno: int) -> LineOrigin | None:
        """Cell and line of the 1-based ``lineno`` in ``text``, if any."""
        if 1 <= lineno <= len(self.origins):
            return self.origins[lineno - 1]
        return None


@dataclass(frozen=True)
class Submission:
    """What static criteria and the judge get: notebook, code, authorship.

    ``written`` holds the (cell, line) pairs the candidate wrote, i.e. lines
    that are not in the task's template.  Quality criteria judge only those,
    so an untouched template earns nothing for code it did not write.
    """

    notebook: Notebook
    code: ExtractedCode
    written: frozenset[tuple[int, int]]
    template: Notebook | None = None

    def is_written(self, cell: int, line: int) -> bool:
        return (cell, line) in self.written
