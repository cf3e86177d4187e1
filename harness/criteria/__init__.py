"""Criterion plugins, found through the ``takehome.criteria`` entry points.

Built-in criteria register exactly like third-party ones (see
``pyproject.toml``), so a rubric names a criterion, never an import path.  A
plugin is checked when it loads, with a message that names it and what it
lacks.
"""

from __future__ import annotations

from functools import cache
from importlib.metadata import EntryPoint, entry_points

from harness.criteria.base import Context, Criterion
from harness.errors import CriterionError

GROUP = "takehome.criteria"

__all__ = ["Context", "Criterion", "available_criteria", "load_criterion"]


@cache
def _registered() -> tuple[EntryPoint, ...]:
    """The group's entry points, read once: each scan walks every installed distribution."""
    return tuple(entry_points(group=GROUP))


@cache
def available_criteria() -> frozenset[str]:
    """Names of every installed criterion."""
    names = frozenset(ep.name for ep in _registered())
    if not names:
        raise CriterionError(
            "no criteria are installed (entry point group 'takehome.criteria' is empty); "
            "install the harness with `pip install -e .`"
        )
    return names


@cache
def load_criterion(name: str) -> Criterion:
    """Load, instantiate and verify the criterion registered as ``name``."""
    matches = [ep for ep in _registered() if ep.name == name]
    if not matches:
        raise CriterionError(f"criterion '{name}' is not installed")
    entry = matches[0]
    try:
        factory = entry.load()
    except (ImportError, AttributeError) as exc:
        raise CriterionError(f"criterion '{name}' ({entry.value}) failed to load: {exc}") from exc
    try:
        plugin = factory()
    except TypeError as exc:
        raise CriterionError(
            f"criterion '{name}' ({entry.value}) must be a class that takes no arguments: {exc}"
        ) from exc
    missing = [attr for attr in ("name", "evaluate") if not hasattr(plugin, attr)]
    if missing:
        raise CriterionError(f"criterion '{name}' ({entry.value}) lacks {', '.join(missing)}")
    if not callable(plugin.evaluate):
        raise CriterionError(f"criterion '{name}' ({entry.value}): evaluate is not callable")
    if plugin.name != name:
        raise CriterionError(
            f"criterion '{name}' ({entry.value}) calls itself '{plugin.name}'; "
            "the entry point name and the class's name must match"
        )
    return plugin  # type: ignore[no-any-return]
