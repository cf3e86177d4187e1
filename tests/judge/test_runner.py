"""The judge's pytest runs: isolation between suites, missing results."""

from __future__ import annotations

from pathlib import Path

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
