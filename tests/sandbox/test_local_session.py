"""A real kernel in the local sandbox: candidate failures become data.

Each test starts the real agent with a real ipykernel; limits are small so a
loop or a hang costs seconds.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from harness.judge.proxy import Candidate, CandidateCrashed, CandidateRaised, Handle
from harness.sandbox.base import Limits, RunSpec, Session
from harness.sandbox.local import MARKER, LocalSandbox
from tests.conftest import notebook_json

LIMITS = Limits(cell_timeout=3, execution_timeout=20, call_timeout=3)


def open_session(*cells: str, limits: Limits = LIMITS) -> Session:
    nb = notebook_json(*cells)
    return Session(LocalSandbox().start(RunSpec(notebook=nb, limits=limits)), limits)


@pytest.fixture
def run() -> Iterator[list[Session]]:
    """Sessions opened by a test are closed even when it fails."""
    sessions: list[Session] = []
    yield sessions
    for session in sessions:
        session.close()


def test_a_cell_that_raises_is_recorded_and_later_cells_still_run(run: list[Session]) -> None:
    cells = ("x = 1", "raise ValueError('boom')", "y = x + 1")
    session = open_session(*cells)
    run.append(session)
    execution = session.execute(notebook_json(*cells))
    assert [c["status"] for c in execution.cells] == ["ok", "error", "ok"]
    assert execution.cells[1]["error_name"] == "ValueError"
    assert execution.status == "ok" and execution.kernel_alive


def test_an_endless_loop_hits_the_cell_time_limit_and_the_run_goes_on(
    run: list[Session],
) -> None:
    cells = ("while True:\n    pass", "def f():\n    return 2")
    session = open_session(*cells)
    run.append(session)
    execution = session.execute(notebook_json(*cells))
    assert execution.status == "time-limit"
    assert [c["status"] for c in execution.cells] == ["timeout", "ok"]
    assert Candidate(session).f() == 2


def test_a_loop_that_ignores_interrupts_is_killed_and_calls_still_work(
    run: list[Session],
) -> None:
    cells = ("def f(x):\n    return x * 2",
             "import signal, time\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\n"
             "signal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
             "while True:\n    try:\n        time.sleep(1000)\n    except BaseException:\n"
             "        pass")
    session = open_session(*cells)
    run.append(session)
    execution = session.execute(notebook_json(*cells))
    assert execution.status == "time-limit"
    assert [c["status"] for c in execution.cells] == ["ok", "timeout"]
    candidate = Candidate(session)
    started = time.monotonic()
    assert [candidate.f(n) for n in range(3)] == [0, 2, 4]  # replayed without the hung cell
    assert time.monotonic() - started < LIMITS.call_timeout


def test_a_kernel_that_dies_while_running_the_notebook(run: list[Session]) -> None:
    cells = ("import os\nos._exit(3)", "z = 1")
    session = open_session(*cells)
    run.append(session)
    execution = session.execute(notebook_json(*cells))
    assert execution.status == "dead-kernel"
    assert [c["status"] for c in execution.cells] == ["dead", "not-run"]


def test_os_exit_in_a_call_fails_that_call_only(run: list[Session]) -> None:
    cells = ("import os\ndef die():\n    os._exit(0)\ndef ok():\n    return 'fine'",)
    session = open_session(*cells)
    run.append(session)
    session.execute(notebook_json(*cells))
    candidate = Candidate(session)
    with pytest.raises(CandidateCrashed):
        candidate.die()
    assert candidate.ok() == "fine"  # the notebook was replayed in a new kernel


@pytest.mark.parametrize(
    "body, expected",
    [("raise SystemExit(0)", "SystemExit"), ("raise KeyboardInterrupt", "KeyboardInterrupt"),
     ("import sys; sys.exit(0)", "SystemExit")],
    ids=["SystemExit", "KeyboardInterrupt", "sys.exit"],
)
def test_exits_inside_a_graded_function_fail_the_call(
    run: list[Session], body: str, expected: str
) -> None:
    cells = (f"def f():\n    {body}\ndef g():\n    return 1",)
    session = open_session(*cells)
    run.append(session)
    session.execute(notebook_json(*cells))
    candidate = Candidate(session)
    with pytest.raises(CandidateRaised, match=expected):
        candidate.f()
    assert candidate.g() == 1


def test_a_call_that_hangs_times_out_and_the_next_call_works(run: list[Session]) -> None:
    cells = ("import time\ndef slow():\n    time.sleep(60)\ndef fast():\n    return [1, 2]",)
    session = open_session(*cells)
    run.append(session)
    session.execute(notebook_json(*cells))
    candidate = Candidate(session)
    with pytest.raises(CandidateCrashed, match="in time"):
        candidate.slow()
    assert candidate.fast() == [1, 2]


def test_calls_reach_the_notebook_without_running_a_cell(run: list[Session]) -> None:
    """The judge's calls arrive on the shim's comm, not as cells (the cheap path)."""
    cells = ("import inspect\n"
             "def in_a_cell():\n"
             "    return any(f.function == 'run_cell' for f in inspect.stack())\n"
             "def loud():\n"
             "    print('x' * 10)\n"
             "    raise KeyboardInterrupt\n",)
    session = open_session(*cells)
    run.append(session)
    session.execute(notebook_json(*cells))
    candidate = Candidate(session)
    assert candidate.in_a_cell() is False
    with pytest.raises(CandidateRaised, match="KeyboardInterrupt"):
        candidate.loud()  # an interrupt inside a call is that call's error
    assert candidate.in_a_cell() is False
    assert session.list_functions("in_").value == ["in_a_cell"]


def test_lying_objects_cross_as_handles(run: list[Session]) -> None:
    cells = (
        "import numpy as np\n"
        "class Liar:\n    def __eq__(self, other):\n        return True\n"
        "class F(float):\n    def __eq__(self, other):\n        return True\n"
        "class A(np.ndarray):\n    def __eq__(self, other):\n        return True\n"
        "def liar():\n    return Liar()\n"
        "def fake_float():\n    return F(1.0)\n"
        "def fake_array():\n    return np.zeros(2).view(A)\n",
    )
    session = open_session(*cells)
    run.append(session)
    session.execute(notebook_json(*cells))
    candidate = Candidate(session)
    for name in ("liar", "fake_float", "fake_array"):
        value = getattr(candidate, name)()
        assert isinstance(value, Handle), name
        assert value != 1.0 and value != [0.0, 0.0]


def test_handles_do_not_outlive_their_kernel(run: list[Session]) -> None:
    cells = ("import os\nclass Box:\n    def get(self):\n        return 5\n"
             "def box():\n    return Box()\ndef die():\n    os._exit(1)",)
    session = open_session(*cells)
    run.append(session)
    session.execute(notebook_json(*cells))
    candidate = Candidate(session)
    box = candidate.box()
    assert box.get() == 5
    with pytest.raises(CandidateCrashed):
        candidate.die()
    with pytest.raises(CandidateRaised, match="StaleHandle"):
        box.get()


def test_no_process_is_left_behind(run: list[Session]) -> None:
    cells = ("import subprocess\np = subprocess.Popen(['sleep', '300'])",)
    session = open_session(*cells)
    session.execute(notebook_json(*cells))
    marker = session._stream.marker  # type: ignore[attr-defined]
    session.close()
    needle = f"{MARKER}={marker}".encode()
    survivors = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            environ = Path(f"/proc/{pid}/environ").read_bytes()
        except OSError:
            continue
        if needle in environ.split(b"\0"):
            survivors.append(pid)
    assert survivors == []


def test_calls_past_the_judging_deadline_fail_at_once(run: list[Session]) -> None:
    cells = ("import time\ndef slow():\n    time.sleep(2)\n    return 1",)
    session = open_session(*cells)
    run.append(session)
    session.execute(notebook_json(*cells))
    candidate = Candidate(session)
    session.deadline = time.monotonic() + 1.0
    assert candidate.slow() == 1  # started before the deadline: allowed to finish
    started = time.monotonic()
    with pytest.raises(CandidateCrashed, match="time limit for all tests"):
        candidate.slow()
    assert time.monotonic() - started < 0.5


def _kernels(marker: str) -> list[int]:
    """Kernel processes of the local sandbox tagged with ``marker``."""
    needle = f"{MARKER}={marker}".encode()
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            environ = Path(f"/proc/{pid}/environ").read_bytes()
            command = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            continue
        if needle in environ.split(b"\0") and b"ipykernel" in command:
            found.append(int(pid))
    return found


def test_the_kernel_starts_before_the_notebook_arrives(run: list[Session]) -> None:
    """A started sandbox boots its kernel at once; the notebook then runs in it, capped as asked."""
    limits = Limits(cell_timeout=3, execution_timeout=20, call_timeout=3, output_limit=50)
    cells = ("print('x' * 500)",)
    session = open_session(*cells, limits=limits)
    run.append(session)
    marker = session._stream.marker  # type: ignore[attr-defined]
    deadline = time.monotonic() + 60
    while not _kernels(marker) and time.monotonic() < deadline:
        time.sleep(0.1)
    before = _kernels(marker)
    assert len(before) == 1  # up before any request was sent
    execution = session.execute(notebook_json(*cells))
    assert execution.cells[0]["truncated"] is True
    assert execution.cells[0]["output"].startswith("x" * 50)
    assert "x" * 51 not in execution.cells[0]["output"]
    assert _kernels(marker) == before  # the same kernel ran the notebook
