"""A rubric: which criteria count, their weights and their options.

``rubrics/<name>.toml``::

    [criteria.hidden_tests]
    weight = 40            # points this criterion is worth; >= 0
    [criteria.lint]
    weight = 10
    pass_at = 9.0          # any other key is an option for the criterion

    [gate]                 # optional: quality counts only for code that works
    criteria = ["lint", "docstrings", "provenance", "own_tests"]
    on = ["hidden_tests", "public_tests"]
    full_at = 0.5          # share of tests passed that unlocks full quality credit

A rubric that names a criterion no plugin provides, or gives a weight that is
not a number >= 0, is refused with the file and key in the message.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.config import read_toml, reject_unknown, table
from harness.errors import RubricError


@dataclass(frozen=True)
class CriterionSpec:
    """One rubric entry."""

    name: str  # entry-point name of the criterion
    weight: float  # points it is worth
    options: Mapping[str, Any]  # everything else in its table


@dataclass(frozen=True)
class Gate:
    """Quality criteria scaled by how much of the solution works.

    Without it, a notebook that leaves every stub unimplemented but adds a
    tidy, documented cell of anything (even an attack) would earn lint and
    docstring points; reviewers do not reward polish on code that does not
    work.
    """

    criteria: tuple[str, ...]  # criteria whose score is scaled
    on: tuple[str, ...]  # test criteria whose pass share is the factor
    full_at: float  # pass share at or above which the factor is 1


@dataclass(frozen=True)
class Rubric:
    """The weights and options that turn criterion results into points."""

    path: Path
    title: str
    criteria: tuple[CriterionSpec, ...]
    gate: Gate | None = None

    @property
    def total_weight(self) -> float:
        return sum(c.weight for c in self.criteria)


def load_rubric(path: str | Path, known: set[str] | None = None) -> Rubric:
    """Read a rubric; ``known`` is the set of installed criterion names."""
    from harness.criteria import available_criteria

    rubric_path = Path(path)
    data = read_toml(rubric_path, RubricError)
    reject_unknown(data, {"title", "criteria", "gate"}, rubric_path, RubricError, "top level")
    criteria_table = table(data, "criteria", rubric_path, RubricError)
    if not criteria_table:
        raise RubricError(f"{rubric_path}: no [criteria.*] tables; add at least one criterion")
    names = available_criteria() if known is None else known
    specs = []
    for name, entry in criteria_table.items():
        where = f"criteria.{name}"
        if name not in names:
            raise RubricError(
                f"{rubric_path}: unknown criterion '{name}' in [{where}]; "
                f"installed criteria: {', '.join(sorted(names))}"
            )
        if not isinstance(entry, dict):
            raise RubricError(f"{rubric_path}: [{where}] must be a table with a weight")
        weight = entry.get("weight")
        if isinstance(weight, bool) or not isinstance(weight, (int, float)) or weight < 0 or (
            weight != weight or weight == float("inf")
        ):
            raise RubricError(
                f"{rubric_path}: criterion '{name}' has weight {weight!r}; use a number >= 0"
            )
        options = {k: v for k, v in entry.items() if k != "weight"}
        specs.append(CriterionSpec(name, float(weight), options))
    gate = _gate(data, rubric_path, {spec.name for spec in specs})
    rubric = Rubric(rubric_path, str(data.get("title", rubric_path.stem)), tuple(specs), gate)
    if rubric.total_weight <= 0:
        raise RubricError(f"{rubric_path}: all weights are 0; give at least one a weight > 0")
    return rubric


def _gate(data: Mapping[str, Any], path: Path, rubric_names: set[str]) -> Gate | None:
    if "gate" not in data:
        return None
    entry = table(data, "gate", path, RubricError)
    reject_unknown(entry, {"criteria", "on", "full_at"}, path, RubricError, "gate")
    lists = {}
    for key in ("criteria", "on"):
        names = entry.get(key)
        if not isinstance(names, list) or not all(isinstance(n, str) for n in names) or not names:
            raise RubricError(f"{path}: gate.{key} must be a non-empty list of criterion names")
        unknown = [n for n in names if n not in rubric_names]
        if unknown:
            raise RubricError(
                f"{path}: gate.{key} names '{unknown[0]}', which is not in [criteria.*]"
            )
        lists[key] = tuple(names)
    full_at = entry.get("full_at", 0.5)
    if isinstance(full_at, bool) or not isinstance(full_at, (int, float)) or not 0 < full_at <= 1:
        raise RubricError(f"{path}: gate.full_at is {full_at!r}; use a number in (0, 1]")
    return Gate(lists["criteria"], lists["on"], float(full_at))
