"""Run a command and attribute the whole machine's CPU to process names.

The batch bench counts the grader's own processes and its containers'; this
also sees what they cost elsewhere: dockerd, containerd, runc, the
fuse-overlayfs daemon of each container mount, kernel threads.  It samples
/proc every 0.1 s (a process that lives shorter than that is counted in its
parent's children time only for dockerd and containerd) and prints the
machine's busy core-seconds from /proc/stat beside the attributed sum.

    .venv/bin/python bench/machine_cpu.py takehome grade DIR --task T --out O --force
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.proctree import stat_fields  # noqa: E402

_TICKS = os.sysconf("SC_CLK_TCK")
# Long-lived daemons whose reaped children's time is theirs to report.
_PARENTS = ("dockerd", "containerd")


def busy_seconds() -> tuple[float, float]:
    """(busy, total) core-seconds of the machine since boot."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]
    return (sum(values) - idle) / _TICKS, sum(values) / _TICKS


def snapshot() -> dict[tuple[int, str], tuple[str, float, float]]:
    """(pid, start time) -> (name, own CPU s, reaped children's CPU s)."""
    found = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            name, fields = stat_fields(int(entry))
        except OSError:
            continue
        found[(int(entry), fields[19])] = (
            name, (int(fields[11]) + int(fields[12])) / _TICKS,
            (int(fields[13]) + int(fields[14])) / _TICKS)
    return found


def main() -> int:
    if len(sys.argv) < 2:
        raise SystemExit(__doc__)
    first = snapshot()
    seen = dict(first)
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            seen.update(snapshot())
            stop.wait(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    busy_before, total_before = busy_seconds()
    started = time.perf_counter()
    code = subprocess.call(sys.argv[1:])
    wall = time.perf_counter() - started
    stop.set()
    sampler.join()
    seen.update(snapshot())
    busy_after, total_after = busy_seconds()
    by_name: dict[str, float] = {}
    for key, (name, own, children) in seen.items():
        _, own_before, children_before = first.get(key, (name, 0.0, 0.0))
        spent = own - own_before
        if key in first and name in _PARENTS:
            spent += children - children_before
        if spent > 0.005:
            by_name[name] = by_name.get(name, 0.0) + spent
    print(f"exit {code}, wall {wall:.1f} s, machine busy {busy_after - busy_before:.1f} of "
          f"{total_after - total_before:.1f} core-s, attributed {sum(by_name.values()):.1f}",
          file=sys.stderr)
    for name, spent in sorted(by_name.items(), key=lambda item: -item[1])[:20]:
        print(f"  {name:28s} {spent:7.2f}", file=sys.stderr)
    return code


if __name__ == "__main__":
    sys.exit(main())
