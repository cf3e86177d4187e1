"""The Docker sandbox for real: hardening as inspected, limits as hit.

Each test starts real containers from the sandbox image (built once per
session, cached by content).  Nothing here sends a packet anywhere: the
network test only lists interfaces inside the container.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from typing import Any

import pytest

from harness.judge.proxy import Candidate, CandidateCrashed
from harness.sandbox import image
from harness.sandbox.base import Limits, RunSpec, Session
from harness.sandbox.docker import ROLE_LABEL, DockerSandbox, DockerStream
from tests.conftest import KMEANS, notebook_json

pytestmark = pytest.mark.docker

LIMITS = Limits(cell_timeout=10, execution_timeout=40, call_timeout=5, memory_mb=256, pids=48)


@pytest.fixture(scope="module")
def sandbox(docker_client: Any) -> DockerSandbox:
    image.build_image(client=docker_client, progress=lambda _line: None)
    return DockerSandbox(docker_client)


@pytest.fixture
def sessions() -> Iterator[list[Session]]:
    opened: list[Session] = []
    yield opened
    for session in opened:
        session.close()


def start(sandbox: DockerSandbox, sessions: list[Session], *cells: str,
          limits: Limits = LIMITS, data: tuple[Any, ...] = ()) -> tuple[Session, Any]:
    nb = notebook_json(*cells)
    stream = sandbox.start(RunSpec(notebook=nb, limits=limits, data_files=data))
    session = Session(stream, limits)
    sessions.append(session)
    return session, session.execute(nb)


def test_started_container_is_hardened(sandbox: DockerSandbox, sessions: list[Session]) -> None:
    session, _ = start(sandbox, sessions, "x = 1")
    stream = session._stream
    assert isinstance(stream, DockerStream)
    stream.container.reload()
    attrs = stream.container.attrs
    host = attrs["HostConfig"]
    assert host["NetworkMode"] == "none" and attrs["Config"]["NetworkDisabled"] is True
    assert attrs["Config"]["User"] == "10001:10001"
    assert host["CapDrop"] == ["ALL"] and not host["CapAdd"]
    assert "no-new-privileges" in host["SecurityOpt"]
    assert host["ReadonlyRootfs"] is True
    assert host["Privileged"] is False
    assert "size=" in host["Tmpfs"]["/work"] and "size=" in host["Tmpfs"]["/tmp"]
    assert host["Memory"] == 256 * 1024 * 1024
    assert host["MemorySwap"] == host["Memory"]  # swap off
    assert host["PidsLimit"] == 48
    assert host["NanoCpus"] == 1_000_000_000
    ulimits = {u["Name"]: (u["Soft"], u["Hard"]) for u in host["Ulimits"]}
    assert ulimits["nofile"] == (1024, 1024) and ulimits["core"] == (0, 0)
    assert ulimits["fsize"][0] == LIMITS.file_size_mb * 1024 * 1024
    assert host["LogConfig"]["Config"]["max-size"] == "1m"
    # No docker-init: the agent itself is PID 1 and the only holder of the channel.
    assert not host["Init"]
    assert attrs["Config"]["Entrypoint"][-1].endswith("agent.py")
    assert attrs["Config"]["Labels"][ROLE_LABEL] == "sandbox"
    assert not [m for m in attrs["Mounts"] if m.get("RW")]


def test_agent_as_pid_1_reaps_orphans(sandbox: DockerSandbox, sessions: list[Session]) -> None:
    """Orphans re-parented to the agent (PID 1) are reaped, not left as zombies."""
    session, execution = start(
        sandbox, sessions,
        "import os, time\n"
        "for _ in range(10):\n"
        "    if os.fork() == 0:\n"
        "        if os.fork() == 0:\n"
        "            time.sleep(0.2)\n"
        "            os._exit(0)\n"
        "        os._exit(0)\n"
        "while True:\n"
        "    try:\n        os.wait()\n"
        "    except ChildProcessError:\n        break\n"
        "time.sleep(1.5)\n",
        "def zombies():\n"
        "    found = []\n"
        "    for pid in os.listdir('/proc'):\n"
        "        try:\n"
        "            stat = open(f'/proc/{pid}/stat').read()\n"
        "        except (OSError, ValueError):\n            continue\n"
        "        if stat.rpartition(')')[2].split()[0] == 'Z':\n            found.append(pid)\n"
        "    return found\n"
        "def parent_of_agent():\n    return open('/proc/1/cmdline').read()\n"
        "def signal_agent():\n"
        "    import signal\n"
        "    for sig in (signal.SIGKILL, signal.SIGTERM, signal.SIGINT, signal.SIGHUP):\n"
        "        os.kill(1, sig)\n",
    )
    assert execution.status == "ok"
    assert session.call({"name": "zombies"}, [], {}).value == []
    # PID 1 gets only signals it handles: candidate code cannot stop the agent.
    assert session.call({"name": "signal_agent"}, [], {}).status == "ok"
    assert session.call({"name": "zombies"}, [], {}).status == "ok"
    assert "agent.py" in session.call({"name": "parent_of_agent"}, [], {}).value


def test_container_is_removed_after_close(sandbox: DockerSandbox, docker_client: Any) -> None:
    nb = notebook_json("x = 1")
    stream = sandbox.start(RunSpec(notebook=nb, limits=LIMITS))
    container_id = stream.container.id
    with Session(stream, LIMITS) as session:
        session.execute(nb)
    leftovers = docker_client.containers.list(all=True, filters={"id": container_id})
    assert leftovers == []


def test_inside_only_loopback_exists_and_root_is_read_only(
    sandbox: DockerSandbox, sessions: list[Session]
) -> None:
    session, execution = start(
        sandbox, sessions,
        "import os\n"
        "def interfaces():\n    return sorted(os.listdir('/sys/class/net'))\n"
        "def can_write(path):\n"
        "    try:\n        open(path, 'w').close()\n        return True\n"
        "    except OSError:\n        return False\n"
        "def whoami():\n    return [os.getuid(), os.getgid()]\n"
        "def docker_socket():\n    return os.path.exists('/var/run/docker.sock')\n",
    )
    assert execution.status == "ok"
    candidate = Candidate(session)
    assert candidate.interfaces() == ["lo"]
    assert candidate.can_write("/etc/evil") is False
    assert candidate.can_write("/opt/takehome/agent.py") is False
    assert candidate.can_write("/work/notes.txt") is True
    assert candidate.whoami() == [10001, 10001]
    assert candidate.docker_socket() is False


def test_the_kernel_imports_read_only_trees_through_held_folders(
    sandbox: DockerSandbox, sessions: list[Session]
) -> None:
    """The image's packages come through tree_imports; the notebook's folder does not."""
    session, execution = start(
        sandbox, sessions,
        "import os, sys, numpy\n"
        "open('helper_mod.py', 'w').write('VALUE = 41\\n')\n"
        "import helper_mod\n"
        "def finders():\n"
        "    cache = sys.path_importer_cache\n"
        "    return [type(cache.get(p or os.getcwd())).__name__ for p in sys.path]\n"
        "def where():\n"
        "    return [numpy.__file__, type(numpy.__spec__.loader).__name__,\n"
        "            type(helper_mod.__spec__.loader).__name__, helper_mod.VALUE + 1]\n"
        "def paths():\n    return [sys.path, sys.argv[0], 'debugpy' in sys.modules]\n",
    )
    assert execution.status == "ok", execution
    candidate = Candidate(session)
    path, argv0, debugpy = candidate.paths()
    finders = dict(zip(path, candidate.finders()))
    assert finders["/opt/takehome/venv/lib/python3.11/site-packages"] == "TreeFinder"
    assert finders["/usr/lib/python3.11"] == "TreeFinder" or \
        finders.get("/usr/local/lib/python3.11") == "TreeFinder"  # Debian's or python:3.11-slim
    assert finders[""] == "FileFinder"  # /work is writable: the standard finder sees new files
    assert "/opt/takehome" not in path  # the launcher's folder is not the candidate's
    assert argv0.endswith("/ipykernel_launcher.py")
    assert debugpy is False
    assert candidate.where() == [
        "/opt/takehome/venv/lib/python3.11/site-packages/numpy/__init__.py",
        "TreeSourceLoader", "SourceFileLoader", 42]


def test_memory_bomb_is_reported_as_memory_limit(
    sandbox: DockerSandbox, sessions: list[Session]
) -> None:
    session, execution = start(
        sandbox, sessions, "blocks = []\nwhile True:\n    blocks.append(bytearray(50_000_000))"
    )
    assert execution.status == "dead-kernel"
    assert session.close() == "memory-limit"


def test_fork_bomb_is_reported_as_process_limit(
    sandbox: DockerSandbox, sessions: list[Session]
) -> None:
    # Bounded: at most 500 children, each exits after 20 s, so a missing cap
    # could not take the machine down.
    session, execution = start(
        sandbox, sessions,
        "import os, time\nkids = 0\n"
        "for _ in range(500):\n"
        "    try:\n        pid = os.fork()\n    except OSError:\n        break\n"
        "    if pid == 0:\n        time.sleep(20)\n        os._exit(0)\n"
        "    kids += 1\n",
    )
    assert session.close() == "process-limit"
    assert execution.cells[0]["status"] in ("ok", "error")


def test_a_call_that_hangs_times_out_in_the_container(
    sandbox: DockerSandbox, sessions: list[Session]
) -> None:
    session, _ = start(sandbox, sessions,
                       "import time\ndef slow():\n    time.sleep(600)\ndef fast():\n    return 1")
    candidate = Candidate(session)
    with pytest.raises(CandidateCrashed):
        candidate.slow()
    assert candidate.fast() == 1


def test_data_files_are_mounted_read_only(sandbox: DockerSandbox, sessions: list[Session]) -> None:
    data = (KMEANS / "data" / "points.csv",)
    session, execution = start(
        sandbox, sessions,
        "def head():\n    return open('points.csv').readline().strip()\n"
        "def overwrite():\n"
        "    try:\n        open('points.csv', 'w').write('x')\n        return True\n"
        "    except OSError:\n        return False\n",
        data=data,
    )
    candidate = Candidate(session)
    assert candidate.head() == "x,y"
    assert candidate.overwrite() is False


def test_docker_and_local_give_the_same_scores(sandbox: DockerSandbox) -> None:
    import harness
    from harness.report import to_dict
    from harness.sandbox.local import LocalSandbox

    docker_result = to_dict(harness.grade(KMEANS / "solution.ipynb", KMEANS, sandbox=sandbox),
                            include_timings=False)
    local_result = to_dict(harness.grade(KMEANS / "solution.ipynb", KMEANS,
                                         sandbox=LocalSandbox()), include_timings=False)
    for data in (docker_result, local_result):
        data.pop("sandbox")
        data.pop("message")
    assert docker_result == local_result
    assert docker_result["percent"] >= 90


def test_leftovers_of_a_dead_grader_are_removed(docker_client: Any, sandbox: DockerSandbox) -> None:
    from harness.sandbox.docker import GRADER_LABEL, remove_leftovers

    tag = image.find_image(client=docker_client)
    dead_pid = 2**22 + 7  # above the largest pid_max: never a live process
    owner = f"{socket.gethostname()}:{dead_pid}"
    container = docker_client.containers.create(
        tag, labels={ROLE_LABEL: "sandbox", GRADER_LABEL: owner}, network_mode="none")
    try:
        assert container.id[:12] in remove_leftovers(docker_client)
        assert docker_client.containers.list(all=True, filters={"id": container.id}) == []
    finally:
        try:
            container.remove(force=True)
        except Exception:  # noqa: BLE001 - already removed is the expected case
            pass


def test_a_leaving_worker_removes_its_own_containers_only(
    docker_client: Any, sandbox: DockerSandbox
) -> None:
    """remove_own_containers takes this process's sandboxes, not another grader's."""
    from harness.sandbox.docker import GRADER_LABEL, remove_own_containers

    tag = image.find_image(client=docker_client)
    host = socket.gethostname()
    mine = docker_client.containers.create(
        tag, labels={ROLE_LABEL: "sandbox", GRADER_LABEL: f"{host}:{os.getpid()}"},
        network_mode="none")
    other = docker_client.containers.create(
        tag, labels={ROLE_LABEL: "sandbox", GRADER_LABEL: f"{host}:{os.getppid()}"},
        network_mode="none")
    try:
        assert remove_own_containers(docker_client) == [mine.id[:12]]
        assert docker_client.containers.list(all=True, filters={"id": mine.id}) == []
        assert docker_client.containers.list(all=True, filters={"id": other.id}) != []
    finally:
        for container in (mine, other):
            try:
                container.remove(force=True)
            except Exception:  # noqa: BLE001 - already removed is the expected case
                pass
