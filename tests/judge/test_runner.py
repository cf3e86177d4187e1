"""The judge's pytest runs: isolation between suites, missing results."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from harness.judge.runner import collect_ids, run_suite
from harness.result import Outcome


class Echo:
    """A stand-in candidate for runner unit tests: returns its arguments."""

    def __getattr__(self, name: str) -> object:
        return lambda *args: (name, *args)


def write_suite(folder: Path, body: str) -> Path:
    folder.mkdir(parents=True)
    (folder / "test_same_name.py").write_text(body)
    return folder


def test_two_suites_with_the_same_file_name_do_not_share_modules(tmp_path: Path) -> None:
    first = write_suite(tmp_path / "a", "def test_one(candidate):\n    assert candidate.f()[0] == 'f'\n")
    second = write_suite(tmp_path / "b", "def test_two(candidate):\n    assert False, 'b runs'\n")
    assert [r.outcome for r in run_suite(first, "public", Echo())] == [Outcome.PASSED]
    results = run_suite(second, "public", Echo())
    assert [(r.id, r.outcome) for r in results] == [("test_same_name.py::test_two", Outcome.FAILED)]


def test_a_file_that_does_not_import_is_an_error_result(tmp_path: Path) -> None:
    suite = write_suite(tmp_path / "c", "import no_such_module\n")
    results = run_suite(suite, "hidden", Echo())
    assert [r.outcome for r in results] == [Outcome.ERROR]


def test_collect_ids_lists_parametrized_cases(tmp_path: Path) -> None:
    suite = write_suite(tmp_path / "d", "import pytest\n@pytest.mark.parametrize('n', [1, 2])\n"
                        "def test_p(candidate, n):\n    pass\n")
    assert collect_ids(suite) == ["test_same_name.py::test_p[1]", "test_same_name.py::test_p[2]"]


def test_installed_plugins_stay_out_and_the_environment_is_restored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Entry-point plugins (anyio's is installed here) are not loaded; a conftest's are."""
    monkeypatch.delenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", raising=False)
    suite = write_suite(tmp_path / "e", "def test_plugins(candidate, pytestconfig):\n"
                        "    names = pytestconfig.pluginmanager.list_name_plugin()\n"
                        "    loaded = {name for name, _ in names}\n"
                        "    assert 'anyio' not in loaded, sorted(loaded)\n"
                        "    assert 'pytester' in loaded\n"
                        "    assert 'monkeypatch' in loaded and 'tmpdir' in loaded\n")
    (suite / "conftest.py").write_text("pytest_plugins = ['pytester']\n")
    results = run_suite(suite, "hidden", Echo())
    assert [(r.outcome, r.message) for r in results] == [(Outcome.PASSED, "")]
    assert "PYTEST_DISABLE_PLUGIN_AUTOLOAD" not in os.environ


def test_a_failure_is_reported_by_its_assertion_line(tmp_path: Path) -> None:
    suite = write_suite(tmp_path / "f", "def helper(x):\n    assert x == 3, 'wrong x'\n\n"
                        "def test_f(candidate):\n    helper(candidate.f()[0])\n")
    [result] = run_suite(suite, "hidden", Echo())
    assert result.outcome == Outcome.FAILED
    assert result.message.startswith("AssertionError: wrong x")
    assert "assert 'f' == 3" in result.message


def test_an_edited_test_file_is_rewritten_again(tmp_path: Path) -> None:
    """Rewritten asserts are remembered by content: an edit is seen, details stay."""
    suite = write_suite(tmp_path / "g", "def test_g(candidate):\n    assert 1 == 2\n")
    [first] = run_suite(suite, "hidden", Echo())
    [again] = run_suite(suite, "hidden", Echo())
    (suite / "test_same_name.py").write_text("def test_g(candidate):\n    assert 'x' == 'y'\n")
    [edited] = run_suite(suite, "hidden", Echo())
    assert first.message == again.message and "assert 1 == 2" in first.message
    assert "assert 'x' == 'y'" in edited.message
