"""The local sandbox: the agent as a subprocess with resource limits.

It exists so a candidate can self-check on a laptop without Docker.  It does
NOT isolate: candidate code runs as the current user, can read its files and
reach the network.  It caps what it can (file size, core dumps, address
space), runs in a throw-away work dir with a scrubbed environment, and kills
the whole process group at the end.  Hiring teams grade with Docker.
"""

from __future__ import annotations

import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

from harness.sandbox.base import Limits, RunSpec

AGENT = Path(__file__).with_name("agent.py")

# Only these variables reach candidate code; secrets in the grader's
# environment (tokens in CI) must not.
_PASSED_ENV = ("PATH", "LANG", "LC_ALL", "TZ", "OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")


MARKER = "TAKEHOME_SANDBOX_ID"


def sandbox_env(workdir: str, marker: str) -> dict[str, str]:
    """Minimal environment for the agent and kernel, tagged with ``marker``."""
    env = {k: os.environ[k] for k in _PASSED_ENV if k in os.environ}
    env.update(
        {MARKER: marker},
        HOME=workdir,
        PYTHONDONTWRITEBYTECODE="1",
        PYTHONNOUSERSITE="1",
        OPENBLAS_NUM_THREADS="1",
        OMP_NUM_THREADS="1",
        MKL_NUM_THREADS="1",
        MPLBACKEND="Agg",
        JUPYTER_RUNTIME_DIR=os.path.join(workdir, ".jupyter-runtime"),
        JUPYTER_PLATFORM_DIRS="1",
        MPLCONFIGDIR=os.path.join(workdir, ".mpl"),
    )
    return env


def _limit_resources(limits: Limits) -> None:
    """Runs in the child before exec: cap what rlimits can cap."""
    os.setsid()
    mb = 1024 * 1024
    # Address space, not RSS: numpy and BLAS reserve far more than they use,
    # so give generous headroom; the Docker sandbox enforces real memory.
    address_space = max(limits.memory_mb * 4, 4096) * mb
    resource.setrlimit(resource.RLIMIT_AS, (address_space, address_space))
    resource.setrlimit(resource.RLIMIT_FSIZE, (limits.file_size_mb * mb,) * 2)
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


class LocalStream:
    """The agent process, its pipes and its work dir."""

    def __init__(self, spec: RunSpec, python: str) -> None:
        self.workdir = tempfile.mkdtemp(prefix="takehome-local-")
        self.marker = uuid.uuid4().hex
        for path in spec.data_files:
            shutil.copy(path, Path(self.workdir) / path.name)
        self.process = subprocess.Popen(
            [python, "-I", str(AGENT)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            cwd=self.workdir,
            env=sandbox_env(self.workdir, self.marker),
            preexec_fn=lambda: _limit_resources(spec.limits),
        )

    def write(self, data: bytes) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(data)
        self.process.stdin.flush()

    def lines(self) -> Iterator[bytes]:
        assert self.process.stdout is not None
        yield from iter(self.process.stdout.readline, b"")

    def terminate(self) -> str:
        """Ask the agent to shut its kernel down, then kill the group."""
        try:
            self.write(b'{"op": "shutdown"}\n')
        except OSError:
            pass  # already gone
        try:
            self.process.wait(timeout=3)
        except subprocess.TimeoutExpired:
            pass
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        self.process.wait()
        # The kernel runs in a session of its own (jupyter_client starts it
        # so), and candidate code may fork more: find them by the marker in
        # their environment and kill them too.
        kill_marked(self.marker)
        for pipe in (self.process.stdin, self.process.stdout):
            if pipe is not None:
                try:
                    pipe.close()
                except OSError:
                    pass
        shutil.rmtree(self.workdir, ignore_errors=True)
        code = self.process.returncode
        return "closed" if code in (0, -signal.SIGKILL) else f"agent exited with status {code}"


class LocalSandbox:
    """Backend that runs the agent with the grader's own Python."""

    name = "local"
    isolates = False

    def __init__(self, python: str | None = None) -> None:
        self.python = python or sys.executable

    def start(self, spec: RunSpec) -> LocalStream:
        return LocalStream(spec, self.python)


def kill_marked(marker: str) -> int:
    """SIGKILL every process of ours whose environment carries ``marker``."""
    needle = f"{MARKER}={marker}".encode()
    killed = 0
    for _ in range(3):  # a forking process may spawn while we sweep
        found = 0
        for entry in os.scandir("/proc"):
            if not entry.name.isdigit():
                continue
            try:
                with open(f"/proc/{entry.name}/environ", "rb") as handle:
                    environ = handle.read(1_000_000)
            except OSError:
                continue
            if needle in environ.split(b"\0"):
                try:
                    os.kill(int(entry.name), signal.SIGKILL)
                    found += 1
                except (ProcessLookupError, PermissionError):
                    pass
        killed += found
        if not found:
            break
    return killed
