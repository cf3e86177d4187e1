"""The Docker sandbox: the agent in a hardened, throw-away container.

The judge talks to the agent over the container's attached stdin/stdout
(the container has no network, so the kernel's ports cannot be reached from
outside, and a stdio pipe needs no writable shared folder that candidate code
could tamper with).  Hidden tests and the solution never enter the
container: the notebook arrives over stdin, data files as read-only binds.

Hardening, all by default: no network, non-root user, every capability
dropped, no-new-privileges, read-only root with size-capped tmpfs for /work
and /tmp, memory limit with swap off, pids limit, CPU quota, nofile / fsize /
core ulimits, capped logs, and the agent itself as PID 1 (non-dumpable,
reaping orphans), so it alone holds the judge channel.  The container
is created and started (never ``run``, which would try to pull), labelled so
a crashed grader's leftovers can be found, and always killed and removed.
"""

from __future__ import annotations

import os
import socket
import struct
import uuid
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import docker
import docker.errors
from docker.types import LogConfig, Ulimit

from harness.errors import InfrastructureError
from harness.sandbox.base import MAX_MESSAGE_BYTES, RunSpec
from harness.sandbox.image import cache_dir, docker_client, find_image
from harness.sandbox.image_tree import binds_wanted, image_tree_or_none, tree_mounts

ROLE_LABEL = "org.takehome.role"
RUN_LABEL = "org.takehome.run"
GRADER_LABEL = "org.takehome.grader"
SANDBOX_USER = "10001:10001"
WORKDIR = "/work"
_STDOUT = 1


def engine_available() -> bool:
    """Whether a Docker engine answers (for ``--sandbox auto``)."""
    try:
        docker_client()
    except InfrastructureError:
        return False
    return True


def container_config(
    spec: RunSpec, image: str, run_id: str, tree: Path | None = None
) -> dict[str, Any]:
    """Keyword arguments for ``containers.create``: the hardening in one place.

    ``tree`` is the image's own ``/usr`` and ``/opt`` extracted on the host
    (:mod:`harness.sandbox.image_tree`), bound read-only over the layers
    where the engine's storage is slow to read.
    """
    limits = spec.limits
    memory = f"{limits.memory_mb}m"
    mounts = tree_mounts(tree) if tree is not None else []
    mounts += [
        docker.types.Mount(
            target=f"{WORKDIR}/{path.name}", source=str(path), type="bind", read_only=True
        )
        for path in spec.data_files
    ]
    file_size = limits.file_size_mb * 1024 * 1024
    return {
        "image": image,
        "user": SANDBOX_USER,
        "working_dir": WORKDIR,
        "stdin_open": True,
        "tty": False,
        "network_mode": "none",
        # And no network at all for the engine to set up: without this, every
        # container with network "none" still gets a libnetwork sandbox, set
        # up by two re-executions of dockerd itself (libnetwork-setkey,
        # set-ipv6), 0.13 core-s and 0.1 s per container.  The container
        # still gets its own network namespace with only loopback (tested).
        "network_disabled": True,
        "cap_drop": ["ALL"],
        "security_opt": ["no-new-privileges"],
        "read_only": True,
        "tmpfs": {
            WORKDIR: f"rw,nosuid,nodev,size={limits.tmpfs_mb}m,uid=10001,gid=10001,mode=0700",
            "/tmp": f"rw,nosuid,nodev,size={limits.tmpfs_mb}m,uid=10001,gid=10001,mode=0700",
        },
        "shm_size": "64m",
        "mem_limit": memory,
        "memswap_limit": memory,  # equal to mem_limit: no swap
        "pids_limit": limits.pids,
        "nano_cpus": int(limits.cpus * 1e9),
        "ulimits": [
            Ulimit(name="nofile", soft=1024, hard=1024),
            Ulimit(name="fsize", soft=file_size, hard=file_size),
            Ulimit(name="core", soft=0, hard=0),
        ],
        "log_config": LogConfig(
            type=LogConfig.types.JSON, config={"max-size": "1m", "max-file": "1"}
        ),
        # No docker-init: the agent is PID 1, so no other process (one that
        # candidate code could open through /proc) holds the stdio pipes.
        "init": False,
        "mounts": mounts,
        "environment": {"HOME": "/tmp", "TAKEHOME_RUN": run_id},
        "labels": {
            ROLE_LABEL: "sandbox",
            RUN_LABEL: run_id,
            GRADER_LABEL: f"{socket.gethostname()}:{os.getpid()}",
        },
    }


class DockerStream:
    """A started container and its attached stdio (multiplexed frames)."""

    def __init__(self, client: Any, spec: RunSpec, image: str, tree: Path | None = None) -> None:
        self.client = client
        self.run_id = uuid.uuid4().hex
        try:
            self.container = client.containers.create(
                **container_config(spec, image, self.run_id, tree))
        except docker.errors.ImageNotFound as exc:
            raise InfrastructureError(
                f"sandbox image {image} is missing; run `takehome image build`"
            ) from exc
        except docker.errors.APIError as exc:
            raise InfrastructureError(f"Docker could not create the sandbox: {exc}") from exc
        try:
            # Attach before start so not a byte of the agent's output is lost.
            self._socket = client.api.attach_socket(
                self.container.id, params={"stdin": 1, "stdout": 1, "stderr": 0, "stream": 1}
            )
            self._raw = self._socket._sock
            self.container.start()
        except docker.errors.APIError as exc:
            self._remove()
            raise InfrastructureError(f"Docker could not start the sandbox: {exc}") from exc
        self._ended = ""

    def write(self, data: bytes) -> None:
        self._raw.sendall(data)

    def _read_exact(self, size: int) -> bytes:
        chunks = []
        while size:
            chunk = self._raw.recv(min(size, 1 << 20))
            if not chunk:
                raise EOFError
            chunks.append(chunk)
            size -= len(chunk)
        return b"".join(chunks)

    def lines(self) -> Iterator[bytes]:
        """Demultiplex Docker's 8-byte-header frames; yield stdout lines."""
        buffer = b""
        try:
            while True:
                header = self._read_exact(8)
                kind, size = header[0], struct.unpack(">I", header[4:])[0]
                payload = self._read_exact(size)
                if kind != _STDOUT:
                    continue
                buffer += payload
                while b"\n" in buffer:
                    line, buffer = buffer.split(b"\n", 1)
                    yield line
                if len(buffer) > MAX_MESSAGE_BYTES:
                    yield buffer  # oversized: the session refuses it
                    return
        except (EOFError, OSError):
            return

    def terminate(self) -> str:
        """Why the container ended (memory, processes), then kill and remove it.

        The cgroup counters vanish with the container, so they are read
        first, while it still runs; Docker's own OOM flag is read after the
        kill.  No graceful shutdown: the container is thrown away anyway.
        """
        if self._ended:
            return self._ended
        try:
            reason = cgroup_limit_hit(self.container.id)
            try:
                self.container.kill()
            except docker.errors.APIError:
                pass  # already stopped
            reason = reason or oom_flagged(self.container) or "closed"
        finally:
            self._remove()
        self._ended = reason
        return reason

    def _remove(self) -> None:
        for closable in (getattr(self, "_socket", None), getattr(self, "_raw", None)):
            try:
                if closable is not None:
                    closable.close()
            except OSError:
                pass
        try:
            self.container.remove(force=True)
        except docker.errors.NotFound:
            pass
        except docker.errors.APIError as exc:
            warnings.warn(f"could not remove sandbox container {self.container.id[:12]}: {exc}",
                          RuntimeWarning, stacklevel=2)


def cgroup_limit_hit(container_id: str) -> str:
    """"memory-limit" / "process-limit" when a cap was hit, from the cgroup."""
    if _counter(container_id, "memory", "memory.events", "oom_kill") or _counter(
        container_id, "memory", "memory.oom_control", "oom_kill"
    ):
        return "memory-limit"
    if _counter(container_id, "pids", "pids.events", "max"):
        return "process-limit"
    return ""


def oom_flagged(container: Any) -> str:
    """Docker's own record of an OOM kill in the container."""
    try:
        container.reload()
    except docker.errors.APIError:
        return ""
    return "memory-limit" if container.attrs.get("State", {}).get("OOMKilled") else ""


def _counter(container_id: str, controller: str, filename: str, key: str) -> int:
    """Read one counter from the container's cgroup (v1 or v2, cgroupfs or systemd)."""
    roots = [
        Path("/sys/fs/cgroup") / controller / "docker" / container_id,
        Path("/sys/fs/cgroup/docker") / container_id,
        Path("/sys/fs/cgroup/system.slice") / f"docker-{container_id}.scope",
    ]
    for root in roots:
        try:
            text = (root / filename).read_text()
        except OSError:
            continue
        for line in text.splitlines():
            parts = line.split()
            if len(parts) == 2 and parts[0] == key and parts[1].isdigit():
                return int(parts[1])
    return 0


def remove_leftovers(client: Any) -> list[str]:
    """Remove sandbox containers whose grader process on this host is gone.

    Uses the low-level listing, which carries the labels: the high-level one
    fetches each container again and fails when another grader removes one
    of its own containers in between.
    """
    removed = []
    host = socket.gethostname()
    for entry in client.api.containers(all=True, filters={"label": f"{ROLE_LABEL}=sandbox"}):
        owner = (entry.get("Labels") or {}).get(GRADER_LABEL, "")
        name, _, pid = owner.rpartition(":")
        if name != host or not pid.isdigit() or _alive(int(pid)):
            continue
        removed += _remove(client, entry)
    return removed


def remove_own_containers(client: Any = None) -> list[str]:
    """Remove every sandbox container this process started (a worker leaving in a hurry)."""
    client = docker_client(client)
    owner = f"{socket.gethostname()}:{os.getpid()}"
    removed = []
    for entry in client.api.containers(
            all=True, filters={"label": [f"{ROLE_LABEL}=sandbox", f"{GRADER_LABEL}={owner}"]}):
        removed += _remove(client, entry)
    return removed


def _remove(client: Any, entry: dict[str, Any]) -> list[str]:
    """Force-remove one listed container: its short id, or nothing when it is gone already."""
    try:
        client.api.remove_container(entry["Id"], force=True)
    except docker.errors.APIError:
        return []  # already gone, or being removed by its owner
    return [str(entry["Id"])[:12]]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class DockerSandbox:
    """Backend that runs each submission in a fresh hardened container."""

    name = "docker"
    isolates = True

    def __init__(self, client: Any = None) -> None:
        self._client = client
        self._binds: bool | None = None  # read /usr and /opt from a host copy?
        self._trees: dict[str, Path | None] = {}  # image -> its extracted tree

    @property
    def client(self) -> Any:
        if self._client is None:
            self._client = docker_client()
            remove_leftovers(self._client)
        return self._client

    def start(self, spec: RunSpec) -> DockerStream:
        image = spec.image or find_image(extra_requirements=spec.requirements, client=self.client)
        return DockerStream(self.client, spec, image, self.tree_for(image))

    def tree_for(self, image: str) -> Path | None:
        """The host copy of ``image``'s interpreter to bind, or None (read the layers)."""
        if self._binds is None:
            try:
                driver = str(self.client.info().get("Driver", ""))
            except docker.errors.APIError:
                driver = ""
            self._binds = binds_wanted(driver)
        if not self._binds:
            return None
        if image not in self._trees:
            self._trees[image] = image_tree_or_none(self.client, image, cache_dir() / "image-trees")
        return self._trees[image]
