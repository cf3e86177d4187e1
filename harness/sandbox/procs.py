"""Who holds what inside a running sandbox container, read from the host.

The judge channel is the container's attached stdin/stdout.  Its safety
rests on one fact: no process that candidate code can reach holds those
pipes.  This module reads, from the host's ``/proc``, every process of a
container with its uid, whether it is dumpable (a same-uid process can open
its ``/proc/<pid>/fd`` entries only when it is) and its open descriptors, so
a test and ``scripts/inspect-sandbox`` can check that fact on a live sandbox.
Reading other processes' descriptors needs root on the host.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ProcessInfo:
    """One process of a container, as the host sees it."""

    host_pid: int
    uid: int  # effective uid
    dumpable: bool  # /proc/<pid>/fd is owned by the process's uid (not root)
    command: str
    descriptors: tuple[tuple[int, str], ...]  # (fd, link target) e.g. (1, "pipe:[123]")

    def pipes(self) -> set[str]:
        """The pipe objects this process holds open."""
        return {target for _fd, target in self.descriptors if target.startswith("pipe:")}


def container_processes(container: Any) -> list[ProcessInfo]:
    """Every process of a running container, via its host PIDs."""
    top = container.top(ps_args="-eo pid")
    pids = sorted(int(row[0]) for row in top.get("Processes") or [])
    return [info for info in (process_info(pid) for pid in pids) if info is not None]


def process_info(host_pid: int) -> ProcessInfo | None:
    """What one process holds; None if it exited while we looked."""
    base = f"/proc/{host_pid}"
    try:
        uid = _effective_uid(base)
        # A non-dumpable process's /proc entries belong to root, not to it.
        owner = os.stat(f"{base}/fd").st_uid
        with open(f"{base}/cmdline", "rb") as handle:
            command = handle.read().replace(b"\0", b" ").decode("utf-8", "replace").strip()
        descriptors = []
        for name in sorted(os.listdir(f"{base}/fd"), key=int):
            try:
                descriptors.append((int(name), os.readlink(f"{base}/fd/{name}")))
            except OSError:
                continue  # closed in between
    except (FileNotFoundError, ProcessLookupError):
        return None
    return ProcessInfo(host_pid, uid, owner == uid, command[:200], tuple(descriptors))


def _effective_uid(base: str) -> int:
    with open(f"{base}/status", encoding="utf-8") as handle:
        for line in handle:
            if line.startswith("Uid:"):
                return int(line.split()[2])
    raise FileNotFoundError(f"{base}/status has no Uid line")


def format_table(processes: list[ProcessInfo]) -> str:
    """A plain table for a terminal or a closing note."""
    rows = ["host-pid  uid    dumpable  command / descriptors"]
    for proc in processes:
        rows.append(f"{proc.host_pid:<9} {proc.uid:<6} {'yes' if proc.dumpable else 'no':<9} "
                    f"{proc.command}")
        for fd, target in proc.descriptors:
            rows.append(f"{'':27}   fd {fd}: {target}")
    return "\n".join(rows)
