"""The judge channel cannot be reached from candidate code (issue: PID 1 held it).

Each attack of the "channel" family is graded twice: as written, and with its
attack cells replaced by ``pass`` (the same notebook without the attack).
The attack must score no higher, runs-cleanly must report exactly the cells
that really failed, and nothing hidden may show in the notebook's outputs.
A second test looks inside a live sandbox from the host: only the agent
holds the container's stdio pipes, and it is not dumpable.
"""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest

from harness import grade
from harness.result import GradeResult
from harness.sandbox.base import Limits, RunSpec, Session
from harness.sandbox.docker import DockerSandbox, DockerStream
from harness.sandbox.procs import container_processes
from harness.task import Task
from tests.adversarial.hostile import CHANNEL_ATTACK, HIDDEN_NEEDLES, Hostile, family

SCORED = ("hidden_tests", "public_tests", "own_tests", "runs_cleanly")


def _without_attack(hostile: Hostile, folder: Path) -> Path:
    """The same notebook with every attack cell replaced by ``pass``."""
    attacked = hostile.write(folder)
    notebook = json.loads(attacked.read_text(encoding="utf-8"))
    for cell in notebook["cells"]:
        if cell["cell_type"] == "code" and "".join(cell["source"]).startswith(CHANNEL_ATTACK):
            cell["source"] = "pass"
    plain = folder / f"{hostile.name}-without-attack.ipynb"
    plain.write_text(json.dumps(notebook), encoding="utf-8")
    return plain


def _points(result: GradeResult, criterion: str) -> float:
    return next(c.points for c in result.criteria if c.result.id == criterion)


def _failed_cells(result: GradeResult) -> set[tuple[int, str]]:
    return {(c.index, c.status) for c in result.cells if c.status != "ok"}


@pytest.mark.docker
@pytest.mark.parametrize("hostile", family("channel"), ids=lambda h: h.name)
def test_channel_attack_gains_nothing(
    hostile: Hostile, fast_task: Task, sandbox: DockerSandbox, tmp_path: Path, host_guard: None
) -> None:
    attacked = grade(hostile.write(tmp_path), fast_task, mode="grade", sandbox=sandbox)
    plain = grade(_without_attack(hostile, tmp_path), fast_task, mode="grade", sandbox=sandbox)

    assert attacked.status == plain.status == "graded", attacked.message
    assert attacked.percent <= plain.percent
    for criterion in SCORED:
        assert _points(attacked, criterion) <= _points(plain, criterion), criterion
    # runs-cleanly reflects the cells that really ran and failed, no more, no less.
    code_cells = sum(1 for c in nbformat.read(hostile.write(tmp_path), 4).cells
                     if c.cell_type == "code")
    assert len(attacked.cells) == code_cells
    assert _failed_cells(attacked) == _failed_cells(plain)

    output = "\n".join(cell.output for cell in attacked.cells)
    assert [needle for needle in HIDDEN_NEEDLES if needle in output] == []
    assert "OPENED" not in output, output[:2000]  # no other process's fd, environ or mem
    assert "refused /proc/1/" in output  # the attack ran and was turned away


@pytest.mark.docker
def test_the_forged_report_does_not_hide_a_failing_cell(
    fast_task: Task, sandbox: DockerSandbox, tmp_path: Path, host_guard: None
) -> None:
    """The reported scenario: forged 'all ok' lines, then a cell that raises."""
    hostile = next(h for h in family("channel") if h.name == "forge-replies-from-a-cell")
    result = grade(hostile.write(tmp_path), fast_task, mode="grade", sandbox=sandbox)
    last = result.cells[-1]  # the cell after the forgery, which raises
    assert (last.status, last.error_name) == ("error", "RuntimeError")
    assert "All" not in next(c.result.summary for c in result.criteria
                             if c.result.id == "runs_cleanly")
    assert _points(result, "runs_cleanly") == 0.0


@pytest.mark.docker
def test_only_the_agent_holds_the_channel(sandbox: DockerSandbox) -> None:
    """Inspect a live sandbox from the host while candidate processes run in it."""
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "import subprocess, sys\n"
        "child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)'])\n"
    )])
    limits = Limits(cell_timeout=20, execution_timeout=60)
    stream = sandbox.start(RunSpec(notebook=notebook, limits=limits))
    assert isinstance(stream, DockerStream)
    with Session(stream, limits) as session:
        assert session.execute(notebook).status == "ok"
        stream.container.reload()
        agent_pid = stream.container.attrs["State"]["Pid"]  # the container's PID 1
        processes = container_processes(stream.container)
    described = {p.host_pid: (p.uid, p.dumpable, p.command) for p in processes}
    assert len(processes) >= 3, described  # agent, kernel, the candidate's child
    agent = next(p for p in processes if p.host_pid == agent_pid)
    assert "agent.py" in agent.command and not agent.dumpable
    assert {fd for fd, target in agent.descriptors if target.startswith("pipe:")} >= {0, 1}
    channel = agent.pipes()
    others = {p.host_pid: p.pipes() & channel for p in processes if p is not agent}
    assert all(not shared for shared in others.values()), (others, described)
    assert all(p.uid == 10001 for p in processes), described


def test_channel_family_is_catalogued() -> None:
    names = {h.name for h in family("channel")}
    assert {"forge-replies-from-a-cell", "forge-replies-from-kmeans", "read-judge-requests",
            "hunt-agent-environ", "flood-channel-from-a-cell"} <= names
    assert all(CHANNEL_ATTACK in h.cells[0] for h in family("channel"))
