"""Hostile submissions against tasks/kmeans, graded for real.

Every entry of :mod:`tests.adversarial.hostile` is written to ``tmp_path`` and
graded.  Whatever the attack, grading must end with a result (no harness
traceback), with the expected status, never above the same notebook without
the attack, with forged passes counted as failures, with nothing hidden in
what a candidate sees, and with the host untouched.  Input attacks need no
container and run without Docker.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from harness import grade
from harness.cli import main
from harness.report import render_html, render_json
from harness.result import GradeResult, Outcome
from harness.sandbox.docker import DockerSandbox
from harness.task import Task
from tests.adversarial.conftest import our_containers
from tests.adversarial.hostile import (
    BY_NAME,
    HIDDEN_NEEDLES,
    KMEANS,
    ROOT,
    Hostile,
    family,
)

TEST_CRITERIA = ("hidden_tests", "public_tests", "own_tests", "runs_cleanly")


def _params(hostiles: Any) -> list[Any]:
    """Catalogue entries as params, named after the attack."""
    return [pytest.param(h, id=h.name) for h in hostiles]


DOCKER_ATTACKS = _params(h for h in BY_NAME.values() if h.family != "input")


def _points(result: GradeResult, criterion: str) -> float:
    return next(c.points for c in result.criteria if c.result.id == criterion)


def _passed(result: GradeResult, suite: str) -> int:
    return sum(t.suite == suite and t.outcome is Outcome.PASSED for t in result.tests)


def _attack_output(result: GradeResult) -> str:
    return "\n".join(cell.output for cell in result.cells)


def _assert_renders_cleanly(result: GradeResult) -> None:
    """Both reports render, and no terminal control character reaches them."""
    for candidate_view in (False, True):
        for text in (render_json(result, candidate_view=candidate_view),
                     render_html(result, candidate_view=candidate_view)):
            assert "\x1b" not in text and "\x00" not in text and "\x07" not in text
    json.loads(render_json(result))


# ----------------------------------------------------------------- input (no Docker)


@pytest.mark.parametrize("hostile", family("input"), ids=lambda h: h.name)
def test_input_attack_is_refused_with_a_result(
    hostile: Hostile, fast_task: Task, tmp_path: Path
) -> None:
    path = hostile.write(tmp_path)
    # A Docker sandbox that is never started: intake must refuse first.
    result = grade(path, fast_task, mode="grade", sandbox=DockerSandbox(client=object()))
    assert result.status in hostile.statuses
    assert result.percent == 0.0 and result.tests == ()
    assert result.message and "Traceback" not in result.message
    assert str(path.name) in result.message or path.name in result.notebook
    _assert_renders_cleanly(result)


def test_cli_input_error_exit_code(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = BY_NAME["truncated-json"].write(tmp_path)
    code = main(["grade", str(path), "--task", str(KMEANS), "--out", str(tmp_path / "out"),
                 "--quiet"])
    captured = capsys.readouterr()
    assert code == 2
    assert "[input-error]" in captured.out
    assert "Traceback" not in captured.err + captured.out
    assert (tmp_path / "out" / "truncated-json.json").is_file()


# ------------------------------------------------------------------- in the sandbox

@pytest.mark.docker
@pytest.mark.parametrize("hostile", DOCKER_ATTACKS)
def test_attack_gains_nothing(
    hostile: Hostile,
    fast_task: Task,
    sandbox: DockerSandbox,
    baselines: dict[str, GradeResult],
    tmp_path: Path,
    host_guard: None,
) -> None:
    result = grade(hostile.write(tmp_path), fast_task, mode="grade", sandbox=sandbox)
    baseline = baselines[hostile.base]
    assert result.status in hostile.statuses, result.message
    assert result.percent <= baselines["solution"].percent
    for criterion in TEST_CRITERIA:
        assert _points(result, criterion) <= _points(baseline, criterion), criterion
    for suite in ("public", "hidden"):
        assert _passed(result, suite) <= _passed(baseline, suite), suite
    _assert_renders_cleanly(result)


@pytest.mark.docker
@pytest.mark.parametrize("hostile", family("forging"), ids=lambda h: h.name)
def test_forged_passes_count_as_failures(
    hostile: Hostile, fast_task: Task, sandbox: DockerSandbox, tmp_path: Path
) -> None:
    """On a stub every test must fail; on the solution a sabotaged kmeans fails its tests."""
    result = grade(hostile.write(tmp_path), fast_task, mode="grade", sandbox=sandbox)
    kmeans_tests = [t for t in result.tests if t.suite in ("public", "hidden")]
    assert len(kmeans_tests) == 22  # every test reports, none is silently missing
    if hostile.base == "template":
        assert [t.id for t in kmeans_tests if t.outcome is Outcome.PASSED] == []
    else:
        # Only tests that never call kmeans may pass (inertia on given labels).
        assert all("inertia" in t.id or t.outcome is not Outcome.PASSED for t in kmeans_tests)


@pytest.mark.docker
@pytest.mark.parametrize("hostile", family("secrecy") + (BY_NAME["plant-conftest-and-startup"],),
                         ids=lambda h: h.name)
def test_nothing_hidden_reaches_the_candidate(
    hostile: Hostile, tmp_path: Path, capsys: pytest.CaptureFixture[str], docker_client: Any,
    host_guard: None,
) -> None:
    """Check mode through the CLI: stdout, stderr, JSON and HTML carry no hidden content."""
    path = hostile.write(tmp_path)
    out = tmp_path / "out"
    code = main(["check", str(path), "--task", str(KMEANS), "--out", str(out),
                 "--sandbox", "docker"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    visible = captured.out + captured.err + "".join(p.read_text() for p in out.iterdir())
    assert "[graded]" in captured.out
    assert [needle for needle in HIDDEN_NEEDLES if needle in visible] == []


@pytest.mark.docker
@pytest.mark.parametrize("hostile", _params(family("resources")))
def test_solution_right_after_resource_attack_is_intact(
    hostile: Hostile,
    fast_task: Task,
    sandbox: DockerSandbox,
    baselines: dict[str, GradeResult],
    tmp_path: Path,
    host_guard: None,
) -> None:
    grade(hostile.write(tmp_path), fast_task, mode="grade", sandbox=sandbox)
    after = grade(KMEANS / "solution.ipynb", fast_task, mode="grade", sandbox=sandbox)
    assert (after.status, after.percent) == ("graded", baselines["solution"].percent)


@pytest.mark.docker
def test_escape_attempts_fail(
    fast_task: Task, sandbox: DockerSandbox, tmp_path: Path, host_guard: None
) -> None:
    """Probes run, and each reports refusal: nothing written, no socket, only loopback."""
    output = {}
    for name in ("write-outside-workdir", "probe-docker-socket", "setuid-ptrace-mount-cgroup",
                 "list-network-interfaces"):
        result = grade(BY_NAME[name].write(tmp_path), fast_task, mode="grade", sandbox=sandbox)
        output[name] = _attack_output(result)
    assert "refused /etc/" in output["write-outside-workdir"]
    assert "WROTE" not in output["write-outside-workdir"]
    assert "uid 10001" in output["write-outside-workdir"]
    assert "docker.sock absent" in output["probe-docker-socket"]
    assert "CONNECTED" not in output["probe-docker-socket"]
    assert "setuid refused" in output["setuid-ptrace-mount-cgroup"]
    assert "SETUID WORKED" not in output["setuid-ptrace-mount-cgroup"]
    assert "WROTE" not in output["setuid-ptrace-mount-cgroup"]
    assert "INTERFACES ['lo']" in output["list-network-interfaces"]


@pytest.mark.docker
def test_batch_keeps_the_solution_intact(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], docker_client: Any,
    baselines: dict[str, GradeResult],
) -> None:
    """`takehome grade hostile1 solution hostile2`: the solution's result is its own."""
    first = BY_NAME["always-equal-objects"].write(tmp_path)
    second = BY_NAME["fork-bomb"].write(tmp_path)
    out = tmp_path / "out"
    code = main(["grade", str(first), str(KMEANS / "solution.ipynb"), str(second),
                 "--task", str(KMEANS), "--out", str(out), "--quiet", "--format", "json"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    lines = captured.out.splitlines()
    # 3 notebooks, then the batch summary naming the gradebook
    assert len(lines) == 4 and lines[-1].startswith("graded 3,") and "gradebook:" in lines[-1]
    ranked = (out / "gradebook.csv").read_text().splitlines()
    assert ranked[1].split(",")[1].endswith("solution.ipynb")  # the solution ranks first
    solution = json.loads((out / "solution.json").read_text())
    assert solution["status"] == "graded"
    # Every criterion is its own; provenance also finds that fork-bomb is a copy
    # of the solution (it is built from it), which peer detection must report.
    points = {c["id"]: c["points"] for c in solution["criteria"]}
    baseline = {s.result.id: s.points for s in baselines["solution"].criteria}
    assert {k: v for k, v in points.items() if k != "provenance"} == {
        k: v for k, v in baseline.items() if k != "provenance"}
    provenance = next(c for c in solution["criteria"] if c["id"] == "provenance")
    assert any("submission 'fork-bomb'" in e["message"] for e in provenance["evidence"])
    assert json.loads((out / "always-equal-objects.json").read_text())["percent"] < 50
    assert our_containers(docker_client) == []


def test_catalogue_covers_every_family() -> None:
    counts = {name: len(family(name)) for name in
              ("forging", "secrecy", "resources", "escape", "channel", "input")}
    assert min(counts.values()) >= 2 and sum(counts.values()) >= 25
    assert len(BY_NAME) == sum(counts.values())  # names are unique
    assert not (ROOT / "conftest.py").exists()
