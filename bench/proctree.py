"""Watch a grading run from outside: its processes, their CPU and memory.

A run is started with a marker in its environment; every process it starts
(workers, lint processes) inherits the marker, so sampling ``/proc`` finds
the whole grader tree without trusting pids.  Sandbox containers do not
inherit it (their environment is set explicitly); they are found by their
cgroup.  Used by bench/batch_bench.py and the batch soak and kill tests.
"""

from __future__ import annotations

import os
import re
import subprocess
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

MARK = "TAKEHOME_RUN_MARK"
_TICKS = os.sysconf("SC_CLK_TCK")
_PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024


def marked_pids(marker: str) -> list[int]:
    """Live processes whose environment carries ``MARK=marker``."""
    needle = f"{MARK}={marker}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if needle in (entry / "environ").read_bytes().split(b"\0"):
                found.append(int(entry.name))
        except OSError:
            continue
    return found


def classify(pid: int) -> str:
    """"lint", "worker" or "scheduler" for a grader process."""
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")
    except OSError:
        return "gone"
    if b"_lint_server" in command or b"pylint" in command:
        return "lint"
    if b"multiprocessing" in command:
        return "worker"
    return "scheduler"


def stat_fields(pid: int) -> tuple[str, list[str]]:
    """A process's name and the /proc/<pid>/stat fields after it (state is [0]).

    The name is cut at the last ")": it may itself contain spaces and ")".
    """
    stat = Path(f"/proc/{pid}/stat").read_text()
    return stat[stat.index("(") + 1:stat.rindex(")")], stat[stat.rindex(")") + 1:].split()


def cpu_seconds(pid: int) -> float:
    """user + system CPU of one process so far."""
    fields = stat_fields(pid)[1]
    return (int(fields[11]) + int(fields[12])) / _TICKS


def rss_kb(pid: int) -> int:
    """Resident memory of one process (kB)."""
    return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * _PAGE_KB


_CONTAINER_ID = re.compile(r"docker[-/]([0-9a-f]{64})")


def container_processes() -> dict[int, str]:
    """pid -> container id of every process running in a Docker container."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            match = _CONTAINER_ID.search((entry / "cgroup").read_text())
        except OSError:
            continue
        if match:
            found[int(entry.name)] = match.group(1)
    return found


@dataclass
class Watch:
    """Samples a marked run every ``interval`` seconds in a thread."""

    marker: str
    interval: float = 0.25
    peak_kb: int = 0  # peak of the summed RSS of the grader tree
    samples: list[tuple[float, int]] = field(default_factory=list)  # (time, summed RSS kB)
    cpu: dict[int, tuple[str, float]] = field(default_factory=dict)  # pid -> (kind, CPU s)
    pids_seen: set[int] = field(default_factory=set)
    peak_by_kind: dict[str, int] = field(default_factory=dict)  # kind -> peak of summed RSS kB
    owned: Callable[[str], bool] | None = None  # container id -> started by this run?
    sandbox_cpu: dict[int, float] = field(default_factory=dict)  # container pid -> CPU s
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def start(self) -> Watch:
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()

    def _loop(self) -> None:
        started = time.monotonic()
        while not self._stop.is_set():
            total = 0
            by_kind: dict[str, int] = {}
            for pid in marked_pids(self.marker):
                try:
                    rss = rss_kb(pid)
                    total += rss
                    kind = self.cpu.get(pid, (classify(pid), 0.0))[0]
                    by_kind[kind] = by_kind.get(kind, 0) + rss
                    self.cpu[pid] = (kind, cpu_seconds(pid))
                    self.pids_seen.add(pid)
                except (OSError, IndexError, ValueError):
                    continue
            if self.owned is not None:
                for pid, container in container_processes().items():
                    try:
                        if self.owned(container):
                            self.sandbox_cpu[pid] = cpu_seconds(pid)
                    except (OSError, IndexError, ValueError):
                        continue
            for kind, rss in by_kind.items():
                self.peak_by_kind[kind] = max(self.peak_by_kind.get(kind, 0), rss)
            self.samples.append((time.monotonic() - started, total))
            self.peak_kb = max(self.peak_kb, total)
            self._stop.wait(self.interval)

    def cpu_by_kind(self) -> dict[str, float]:
        totals: dict[str, float] = {}
        for kind, seconds in self.cpu.values():
            totals[kind] = totals.get(kind, 0.0) + seconds
        if self.sandbox_cpu:
            totals["sandbox"] = sum(self.sandbox_cpu.values())
        return {k: round(v, 2) for k, v in sorted(totals.items())}


def run_marked(command: Sequence[str], marker: str, **kwargs: object) -> subprocess.Popen[bytes]:
    """Start ``command`` with the marker in its environment."""
    env = dict(os.environ, **{MARK: marker})
    return subprocess.Popen(list(command), env=env, **kwargs)  # type: ignore[call-overload,no-any-return]
