"""Criterion plugins load through entry points and are checked on load."""

from __future__ import annotations

from collections.abc import Iterator
from importlib.metadata import EntryPoint

import pytest

import harness.criteria as registry
from harness.errors import CriterionError


class NoEvaluate:
    name = "no_evaluate"


class WrongName:
    name = "something_else"

    def evaluate(self, context: object) -> None:
        return None


class NeedsArguments:
    name = "needs_arguments"

    def __init__(self, required: int) -> None:
        self.required = required


@pytest.fixture
def fake_plugins(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    plugins = [
        EntryPoint(name, f"tests.test_criteria_registry:{attr}", registry.GROUP)
        for name, attr in [("no_evaluate", "NoEvaluate"), ("wrong_name", "WrongName"),
                           ("needs_arguments", "NeedsArguments"), ("missing", "Missing")]
    ]
    monkeypatch.setattr(registry, "entry_points", lambda group: plugins)
    _clear_caches()
    yield
    _clear_caches()


def _clear_caches() -> None:
    for cached in (registry.load_criterion, registry.available_criteria, registry._registered):
        cached.cache_clear()


def test_builtins_are_registered_by_entry_point() -> None:
    assert {"hidden_tests", "public_tests", "runs_cleanly", "own_tests", "lint", "docstrings",
            "report", "provenance"} <= registry.available_criteria()
    assert registry.load_criterion("lint").name == "lint"


@pytest.mark.parametrize(
    "name, fragment",
    [("no_evaluate", "lacks evaluate"), ("wrong_name", "calls itself 'something_else'"),
     ("needs_arguments", "takes no arguments"), ("missing", "failed to load"),
     ("not_installed", "is not installed")],
    ids=["no-evaluate", "wrong-name", "needs-arguments", "import-fails", "unknown"],
)
def test_broken_plugins_are_refused_with_their_name(
    fake_plugins: None, name: str, fragment: str
) -> None:
    with pytest.raises(CriterionError, match=f"criterion '{name}'") as info:
        registry.load_criterion(name)
    assert fragment in str(info.value)
