"""The in-sandbox agent: runs the notebook in a kernel and serves calls.

This file runs *inside* the sandbox (a Docker container or a local
subprocess), so it is standalone: the standard library and the kernel's own
packages (pyzmq) only, never the ``harness`` package.  It speaks JSON
lines: requests on stdin, replies on its private copy of stdout.

Why the design looks like this:

* Only the agent holds the judge channel, and candidate code cannot reach
  it.  In Docker the agent is the container's PID 1 (no docker-init), so no
  other process ever holds the container's stdin/stdout pipes; it makes
  itself non-dumpable before the kernel exists, so candidate code running as
  the same user cannot open ``/proc/1/fd/*`` (or ``environ``, ``mem``) and
  read requests or write forged replies; it refuses to run where that cannot
  be guaranteed.  As PID 1 it also reaps orphaned processes.  The kernel's
  own stdin, stdout and stderr are ``/dev/null``.
* The kernel is a real ipykernel, driven over the Jupyter messaging
  protocol as nbclient drives it (see :class:`Kernel` for why not nbclient
  itself).  Calls from the judge reach a shim in the kernel as messages on
  a Jupyter comm (no cell per call); the shim turns the return value into
  plain data (or a handle) and publishes it as a display message with a
  private MIME type.  The shim lives in the candidate's kernel and so can be
  tampered with; that is fine: it can only change the candidate's own return
  values, and the judge outside treats every value as untrusted data.
* When the kernel dies (``os._exit``) or ignores interrupts, the agent starts
  a fresh kernel and replays the notebook, so one bad call fails one test.

Requests (one JSON object per line):
  {"op": "execute", "notebook": {...}, "cell_timeout": s, "execution_timeout": s,
   "output_limit": bytes}
  {"op": "call", "id": n, "target": {"name": "kmeans"} | {"handle": 3, "method": "m"},
   "args": [...], "kwargs": {...}, "timeout": s}
  {"op": "shutdown"}
Replies: {"op": "ready"}, {"op": "executed", "cells": [...], "status": ...},
  {"op": "result", "id": n, "status": ..., ...}, {"op": "bye"}.
"""

from __future__ import annotations

try:  # first: the imports below are then read through held descriptors
    import tree_imports
except ImportError:  # started with -I from the harness folder (a local session)
    pass
else:
    tree_imports.install()

# pylint: disable=wrong-import-position  # after the finder, on purpose
import ctypes
import datetime
import hashlib
import hmac
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from typing import Any

RESULT_MIME = "application/vnd.takehome.result+json"
COMM_TARGET = "takehome.calls"  # the comm the shim serves the judge's calls on
MAX_TRACEBACK = 8_000
MAX_KERNEL_RESTARTS = 3
READY_CHECK_TIMEOUT = 3
KERNEL_START_TIMEOUT = 60
READY_RETRY = 0.05  # after the kernel_info reply, how long to wait for its iopub status
# After the execute reply (or an interrupt), how long the kernel's last
# outputs and its idle status may take to arrive (nbclient's iopub_timeout).
IOPUB_SETTLE = 2.0
# The kernel is started as ``python tree_imports.py ipykernel_launcher ...``
# (``python -m ipykernel_launcher`` with imports read through held directory
# descriptors; see that file for why).
TREE_IMPORTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "tree_imports.py")

# The shim is installed in the kernel before the notebook runs.  It encodes
# only exact plain types; subclasses (a float whose __eq__ lies) and all other
# objects stay in the kernel and cross as opaque handles.
SHIM = r'''
def __takehome_install():
    import base64, json, sys, types
    try:
        import numpy as _np
    except ImportError:  # numpy-free task
        _np = None
    from IPython.display import display

    MIME = "application/vnd.takehome.result+json"
    MAX_DEPTH = 32
    MAX_HANDLES = 1000
    handles = {}

    def _float(x):
        if x != x:
            return {"__float__": "nan"}
        if x in (float("inf"), float("-inf")):
            return {"__float__": "inf" if x > 0 else "-inf"}
        return x

    def encode(value, depth=0):
        if depth > MAX_DEPTH:
            raise ValueError("value nested deeper than %d levels" % MAX_DEPTH)
        t = type(value)
        if value is None or t is bool or t is str:
            return value
        if t is int:
            return value if abs(value) < 2 ** 63 else {"__bigint__": str(value)}
        if t is float:
            return _float(value)
        if t is list:
            return [encode(v, depth + 1) for v in value]
        if t is tuple:
            return {"__tuple__": [encode(v, depth + 1) for v in value]}
        if t is dict:
            if not all(type(k) is str for k in value):
                return handle(value)
            return {"__dict__": {k: encode(v, depth + 1) for k, v in value.items()}}
        if _np is not None:
            if t is _np.ndarray and value.dtype.kind in "biuf" and not value.dtype.hasobject:
                arr = _np.ascontiguousarray(value)
                return {"__ndarray__": {
                    "dtype": arr.dtype.newbyteorder("<").str if arr.dtype.byteorder != "|" else arr.dtype.str,
                    "shape": list(arr.shape),
                    "b64": base64.b64encode(arr.astype(arr.dtype.newbyteorder("<"), copy=False).tobytes()).decode("ascii"),
                }}
            if t in (_np.bool_,):
                return bool(value)
            if t in (_np.int8, _np.int16, _np.int32, _np.int64, _np.uint8, _np.uint16, _np.uint32, _np.uint64):
                return encode(int(value), depth)
            if t in (_np.float16, _np.float32, _np.float64):
                return _float(float(value))
        return handle(value)

    def handle(value):
        if len(handles) >= MAX_HANDLES:
            raise ValueError("too many non-data values returned")
        hid = len(handles) + 1
        handles[hid] = value
        try:
            name = type(value).__qualname__
            name = name if type(name) is str else "object"
        except BaseException:
            name = "object"
        return {"__handle__": hid, "type": name[:200]}

    def decode(value):
        if isinstance(value, list):
            return [decode(v) for v in value]
        if isinstance(value, dict):
            if "__tuple__" in value:
                return tuple(decode(v) for v in value["__tuple__"])
            if "__dict__" in value:
                return {k: decode(v) for k, v in value["__dict__"].items()}
            if "__float__" in value:
                return float(value["__float__"])
            if "__bigint__" in value:
                return int(value["__bigint__"])
            if "__ndarray__" in value:
                spec = value["__ndarray__"]
                raw = base64.b64decode(spec["b64"])
                return _np.frombuffer(raw, dtype=_np.dtype(spec["dtype"])).reshape(spec["shape"]).copy()
            if "__handle__" in value:
                return handles[value["__handle__"]]
        return value

    def describe(exc):
        try:
            text = str(exc)
            text = text if type(text) is str else ""
        except BaseException:
            text = "<unprintable exception>"
        return {"status": "error", "type": type(exc).__name__[:200], "message": text[:2000]}

    def call(request):
        target = request["target"]
        try:
            if "handle" in target:
                fn = getattr(handles[target["handle"]], target["method"])
            else:
                ns = get_ipython().user_ns
                if target["name"] not in ns:
                    raise NameError("name %r is not defined in the notebook" % target["name"])
                fn = ns[target["name"]]
            args = decode(request["args"])
            kwargs = decode(request["kwargs"])
            value = fn(*args, **kwargs)
            reply = {"status": "ok", "value": encode(value)}
        except BaseException as exc:  # SystemExit and KeyboardInterrupt too: one call fails
            reply = describe(exc)
        display({MIME: reply}, raw=True)

    def list_functions(prefix):
        ns = get_ipython().user_ns
        names = [k for k, v in ns.items() if k.startswith(prefix) and isinstance(v, types.FunctionType)]
        display({MIME: {"status": "ok", "value": sorted(names)}}, raw=True)

    def on_open(comm, _open_msg):
        def on_msg(msg):
            data = msg["content"]["data"]
            if "list" in data:
                list_functions(data["list"])
            else:
                call(data["call"])
        comm.on_msg(on_msg)

    module = types.ModuleType("__takehome__")
    module.call = call
    module.list_functions = list_functions
    sys.modules["__takehome__"] = module
    get_ipython().user_ns["__takehome__"] = module
    # Calls arrive as comm messages (see Kernel.call): no cell to compile,
    # transform and echo for each of the judge's calls.
    get_ipython().kernel.comm_manager.register_target(COMM_TARGET, on_open)

__takehome_install()
del __takehome_install
'''.replace("COMM_TARGET", repr(COMM_TARGET))


PR_SET_DUMPABLE = 4
PR_GET_DUMPABLE = 3


def make_undumpable() -> bool:
    """Hide this process's /proc files from same-user candidate code.

    PR_SET_DUMPABLE=0 makes /proc/<pid>/fd, mem and environ root-owned, so
    the kernel (same uid) cannot open our stdin or stdout.  Returns whether
    the flag is now off, read back from the kernel (a platform without
    prctl, e.g. a candidate's Mac running the local sandbox, returns False).
    """
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_DUMPABLE, 0, 0, 0, 0)
        return int(libc.prctl(PR_GET_DUMPABLE, 0, 0, 0, 0)) == 0
    except (OSError, AttributeError):
        return False


def reap_orphans() -> None:
    """As PID 1, collect every exited process so zombies never pile up.

    Orphans of candidate code (a forked child whose parent exited) are
    re-parented to PID 1, and a zombie counts against the pids cap until
    someone waits for it.  Waiting for any child also collects the kernel
    when it dies; ``subprocess`` then reports it as exited, which is true.
    """
    while True:
        try:
            os.waitpid(-1, 0)
        except ChildProcessError:
            time.sleep(0.5)  # no children yet (or any more)
        except InterruptedError:
            continue


class Channel:
    """JSON lines over stdin and a private duplicate of stdout."""

    def __init__(self) -> None:
        self._out = os.fdopen(os.dup(1), "wb", buffering=0)
        # Anything else that writes to fd 1 (a noisy library) goes to stderr,
        # so it can never be mistaken for a reply.
        os.dup2(2, 1)
        sys.stdout = sys.stderr

    def send(self, message: dict[str, Any]) -> None:
        data = json.dumps(message, separators=(",", ":"), allow_nan=False)
        self._out.write(data.encode("utf-8") + b"\n")

    def receive(self) -> dict[str, Any] | None:
        line = sys.stdin.buffer.readline()
        if not line:
            return None
        message = json.loads(line)
        if not isinstance(message, dict):
            raise ValueError("request is not an object")
        return message


def clean_text(text: str, limit: int) -> str:
    """Cap text; the host sanitises further, this just bounds the size."""
    if len(text) > limit:
        return text[:limit] + "\n[truncated]"
    return text


class Outputs:
    """What one request published, with streams capped at ``limit`` bytes.

    Dropping (not holding) the excess keeps a cell that prints 1 GB from
    filling the agent's memory; keeping the head lets a reviewer see what
    the cell printed before the cut.  One per request: the cap, the
    truncation flag and a pending ``clear_output(wait=True)`` belong to it.
    """

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.items: list[dict[str, Any]] = []
        self.truncated = False
        self._used = 0
        self._clear_next = False

    def add(self, kind: str, content: dict[str, Any]) -> None:
        """Record one published message of type ``kind``."""
        if kind == "clear_output":
            if content.get("wait"):
                self._clear_next = True
            else:
                self.items.clear()
            return
        if kind not in ("stream", "display_data", "execute_result", "error"):
            return
        if self._clear_next:
            self.items.clear()
            self._clear_next = False
        if kind == "stream":
            text = str(content.get("text", ""))
            if self._used >= self.limit:
                self.truncated = True
                return
            if self._used + len(text) > self.limit:
                self.truncated = True
                text = text[: self.limit - self._used] + "\n[output truncated]\n"
            self._used += len(text)
            self.items.append({"output_type": "stream", "name": str(content.get("name", "")),
                               "text": text})
            return
        self._used += len(json.dumps(content, default=str))
        if kind == "error":
            self.items.append({"output_type": "error", "ename": content.get("ename", ""),
                               "evalue": content.get("evalue", ""),
                               "traceback": content.get("traceback", [])})
        else:
            data = content.get("data")
            self.items.append({"output_type": kind,
                               "data": data if isinstance(data, dict) else {}})


class Kernel:
    """One ipykernel, spoken to directly over ZeroMQ, with capped outputs.

    The agent is the kernel's only client and needs four things of the
    Jupyter protocol: start a kernel, run code, collect what it publishes,
    interrupt or kill it.  Those are done here with pyzmq and the standard
    library instead of nbclient: importing nbclient, nbformat and
    jupyter_client cost the agent 0.45 s of CPU in every container, and each
    call from the judge went through nbclient's asyncio machinery (4 ms of
    agent CPU a call).  The messages are the same ones nbclient sends (Jupyter
    messaging 5.3, HMAC-SHA256 signed); the kernel, ipykernel, is unchanged.
    """

    def __init__(self, workdir: str, output_limit: int) -> None:
        import zmq  # the kernel's own dependency; imported here so probes stay cheap

        self._zmq = zmq
        self.workdir = workdir
        self.output_limit = output_limit  # may be changed until the notebook runs
        self._key = os.urandom(32).hex().encode("ascii")
        self._session = os.urandom(16).hex()
        self._ipython_dir = tempfile.mkdtemp(prefix="ipython-")
        os.environ["IPYTHONDIR"] = self._ipython_dir
        ports = _free_ports(5)
        connection = {
            "shell_port": ports[0], "iopub_port": ports[1], "stdin_port": ports[2],
            "control_port": ports[3], "hb_port": ports[4], "ip": "127.0.0.1",
            "key": self._key.decode("ascii"), "transport": "tcp",
            "signature_scheme": "hmac-sha256", "kernel_name": "python3",
        }
        connection_file = os.path.join(self._ipython_dir, "kernel.json")
        with open(os.open(connection_file, os.O_WRONLY | os.O_CREAT, 0o600), "w",
                  encoding="utf-8") as handle:
            json.dump(connection, handle)
        self.process = subprocess.Popen(  # pylint: disable=consider-using-with  # lives with the kernel
            [sys.executable, TREE_IMPORTS, "ipykernel_launcher", "-f", connection_file,
             "--HistoryManager.enabled=False"],
            cwd=workdir, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL, start_new_session=True,
        )
        self._context = zmq.Context()
        self._shell = self._context.socket(zmq.DEALER)
        self._iopub = self._context.socket(zmq.SUB)
        self._iopub.setsockopt(zmq.SUBSCRIBE, b"")
        for socket, port in ((self._shell, ports[0]), (self._iopub, ports[1])):
            socket.linger = 0
            socket.connect(f"tcp://127.0.0.1:{port}")
        self._poller = zmq.Poller()
        self._poller.register(self._shell, zmq.POLLIN)
        self._poller.register(self._iopub, zmq.POLLIN)
        try:
            self._wait_until_ready(KERNEL_START_TIMEOUT)
        except Exception:
            self.close()
            raise
        self.run(SHIM, timeout=30)
        self._comm_id = os.urandom(16).hex()
        opened = self._request("comm_open", {"comm_id": self._comm_id,
                                             "target_name": COMM_TARGET, "data": {}}, 30)
        if opened["status"] != "ok":
            self.close()
            raise RuntimeError("the kernel did not open the calls' comm")

    # -- the protocol ------------------------------------------------------------

    def _send(self, msg_type: str, content: dict[str, Any]) -> str:
        msg_id = os.urandom(16).hex()
        header = {"msg_id": msg_id, "session": self._session, "username": "takehome",
                  "date": datetime.datetime.now(datetime.timezone.utc).isoformat(),
                  "msg_type": msg_type, "version": "5.3"}
        frames = [json.dumps(part, allow_nan=False).encode("utf-8")  # strict JSON only
                  for part in (header, {}, {}, content)]
        signature = hmac.new(self._key, digestmod=hashlib.sha256)
        for frame in frames:
            signature.update(frame)
        self._shell.send_multipart([b"<IDS|MSG>", signature.hexdigest().encode("ascii"), *frames])
        return msg_id

    def _receive(self, timeout: float) -> tuple[str, dict[str, Any]] | None:
        """The next signed message from shell or iopub, or None after ``timeout``."""
        ready = dict(self._poller.poll(max(0, int(timeout * 1000))))
        for channel, socket in (("shell", self._shell), ("iopub", self._iopub)):
            if socket in ready:
                message = self._parse(socket.recv_multipart(self._zmq.NOBLOCK))
                if message is not None:
                    return channel, message
                return channel, {}  # unsigned or malformed: skipped by the callers
        return None

    def _parse(self, frames: list[bytes]) -> dict[str, Any] | None:
        try:
            start = frames.index(b"<IDS|MSG>")
            signature, *parts = frames[start + 1:start + 6]
            expected = hmac.new(self._key, digestmod=hashlib.sha256)
            for part in parts:
                expected.update(part)
            if len(parts) != 4 or not hmac.compare_digest(expected.hexdigest().encode(),
                                                          signature):
                return None
            header, parent, _metadata, content = (json.loads(part) for part in parts)
        except (ValueError, TypeError):
            return None
        if not isinstance(header, dict) or not isinstance(parent, dict) \
                or not isinstance(content, dict):
            return None
        return {"msg_type": header.get("msg_type"), "parent": parent.get("msg_id"),
                "content": content}

    def _wait_until_ready(self, timeout: float) -> None:
        """Ask for kernel_info until the reply and an iopub message for it arrive.

        A SUB socket misses what is published before it is connected, so the
        question is repeated until the kernel's busy/idle status for it is
        seen: from then on iopub delivers everything.  Once the shell reply
        is in, the status is either there within moments or was lost, so the
        next question goes out after READY_RETRY rather than a full second
        (half the kernel starts used to wait that second).
        """
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("the kernel exited while starting")
            msg_id = self._send("kernel_info_request", {})
            replied = published = False
            round_end = min(deadline, time.monotonic() + 1.0)
            while time.monotonic() < round_end and not (replied and published):
                received = self._receive(min(0.1, round_end - time.monotonic()))
                if received is None or received[1].get("parent") != msg_id:
                    continue
                if received[0] == "shell" and received[1]["msg_type"] == "kernel_info_reply":
                    replied = True
                    round_end = min(round_end, time.monotonic() + READY_RETRY)
                elif received[0] == "iopub":
                    published = True
            if replied and published:
                return
        raise RuntimeError(f"the kernel did not answer within {timeout:g} s")

    def _execute(self, source: str, timeout: float, *, interrupt: bool = True) -> dict[str, Any]:
        """Run ``source``; its outputs, and whether it finished, timed out or killed the kernel."""
        return self._request("execute_request", {
            "code": source, "silent": False, "store_history": False,
            "user_expressions": {}, "allow_stdin": False, "stop_on_error": False},
            timeout, interrupt=interrupt)

    def _request(self, msg_type: str, content: dict[str, Any], timeout: float, *,
                 interrupt: bool = True) -> dict[str, Any]:
        """Send one shell message; what it published, and how it ended.

        An execute request is done when both its reply (shell) and the idle
        status (iopub) have arrived, in either order; a comm message gets no
        reply, so the idle status alone ends it (the kernel flushes its
        streams before publishing it).  At ``timeout`` the kernel is
        interrupted (unless ``interrupt`` is false: then the answer is
        "timeout" at once) and gets :data:`IOPUB_SETTLE` seconds to report.
        """
        msg_id = self._send(msg_type, content)
        outputs = Outputs(self.output_limit)
        deadline = time.monotonic() + timeout
        expects_reply = msg_type == "execute_request"
        idle = interrupted = False
        replied = not expects_reply
        settle: float | None = None  # give up waiting for the rest at this time
        while not (idle and replied):
            now = time.monotonic()
            finished = idle or (expects_reply and replied)
            if not interrupted and not finished and now >= deadline:
                if not interrupt:
                    return {"status": "timeout", "outputs": outputs.items}
                self.interrupt()
                interrupted = True
                settle = now + IOPUB_SETTLE
            if settle is not None and now >= settle:
                break
            until = settle if settle is not None else deadline
            received = self._receive(min(0.1, max(0.0, until - now)))
            if received is None:
                if self.process.poll() is not None:
                    return {"status": "dead", "outputs": outputs.items}
                continue
            channel, message = received
            if message.get("parent") != msg_id:
                continue  # an earlier, interrupted run's late words, or junk
            if channel == "shell":
                if message["msg_type"] == "execute_reply":
                    replied = True
                    settle = settle or time.monotonic() + IOPUB_SETTLE
            elif message["msg_type"] == "status":
                idle = idle or message["content"].get("execution_state") == "idle"
            else:
                outputs.add(message["msg_type"], message["content"])
        return {"status": "timeout" if interrupted else "ok", "outputs": outputs.items,
                "truncated": outputs.truncated}

    # -- what the agent uses ----------------------------------------------------------

    def alive(self) -> bool:
        return self.process.poll() is None

    def interrupt(self) -> None:
        """SIGINT to the kernel's process group, as Jupyter interrupts a local kernel."""
        try:
            os.killpg(self.process.pid, signal.SIGINT)
        except (ProcessLookupError, PermissionError):
            pass

    def run(self, source: str, timeout: float) -> dict[str, Any]:
        """Run one cell; the outcome is data, whatever the cell does."""
        started = time.monotonic()
        return self._outcome(self._execute(source, max(1, int(round(timeout)))), started, timeout)

    def call(self, data: dict[str, Any], timeout: float) -> dict[str, Any]:
        """Hand ``data`` to the shim over its comm; the outcome as :meth:`run` gives it.

        A comm message costs the kernel a third of a one-line cell (no
        compile, input transforms or execute_input/execute_reply messages):
        about 1.4 instead of 3 ms for each of the judge's calls, measured in a
        container.  Interrupts work alike: ipykernel raises KeyboardInterrupt
        in any message handler, and the shim turns it into the call's error.
        """
        started = time.monotonic()
        executed = self._request("comm_msg", {"comm_id": self._comm_id, "data": data},
                                 max(1, int(round(timeout))))
        return self._outcome(executed, started, timeout)

    def _outcome(self, executed: dict[str, Any], started: float,
                 timeout: float) -> dict[str, Any]:
        duration = time.monotonic() - started
        if executed["status"] == "dead":
            return {"status": "dead", "duration": duration, "outputs": []}
        status = "ok"
        error: dict[str, Any] = {}
        for out in executed["outputs"]:
            if out.get("output_type") == "error":
                error = out
                status = "error"
        # The kernel is interrupted at the time limit; the candidate may
        # even swallow the interrupt.  The clock is the only reliable witness.
        if duration >= timeout or executed["status"] == "timeout":
            status = "timeout"
            error = error or {"ename": "TimeoutError", "evalue": f"no result within {timeout:g} s"}
        if status == "timeout" and not self.responsive():
            return {"status": "timeout", "duration": duration, "outputs": executed["outputs"],
                    "hung": True}
        return {
            "status": status,
            "duration": duration,
            "outputs": executed["outputs"],
            "error": error,
            "truncated": executed.get("truncated", False),
        }

    def responsive(self) -> bool:
        """After an interrupt: does the kernel answer again in a few seconds?"""
        started = time.monotonic()
        executed = self._execute("pass", READY_CHECK_TIMEOUT, interrupt=False)
        if executed["status"] != "ok" or time.monotonic() - started >= READY_CHECK_TIMEOUT:
            return False
        return not any(o.get("output_type") == "error" for o in executed["outputs"])

    def close(self) -> None:
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass
        self._context.destroy(linger=0)


def _free_ports(count: int) -> list[int]:
    """Ports on 127.0.0.1 nothing listens on now, for the kernel to bind.

    The same race Jupyter accepts: the kernel binds them a moment later, in a
    container where nothing else runs yet.
    """
    import socket

    holders = []
    try:
        for _ in range(count):
            holder = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            holder.bind(("127.0.0.1", 0))
            holders.append(holder)
        return [holder.getsockname()[1] for holder in holders]
    finally:
        for holder in holders:
            holder.close()


def cell_record(index: int, run: dict[str, Any], output_limit: int) -> dict[str, Any]:
    """The data the host gets for one notebook cell."""
    text_parts: list[str] = []
    for out in run.get("outputs", []):
        kind = out.get("output_type")
        if kind == "stream":
            text_parts.append(str(out.get("text", "")))
        elif kind in ("execute_result", "display_data"):
            text_parts.append(str(out.get("data", {}).get("text/plain", "")))
    error = run.get("error") or {}
    traceback = "\n".join(str(t) for t in error.get("traceback", []))
    return {
        "index": index,
        "status": run["status"],
        "duration": round(run.get("duration", 0.0), 3),
        "error_name": str(error.get("ename", ""))[:200],
        "error_value": clean_text(str(error.get("evalue", "")), 2000),
        "traceback": clean_text(traceback, MAX_TRACEBACK),
        "output": clean_text("".join(text_parts), output_limit),
        "truncated": bool(run.get("truncated")),
    }


class Agent:
    """Owns the kernel, replays the notebook after a crash, answers calls."""

    def __init__(self, channel: Channel) -> None:
        self.channel = channel
        self.kernel: Kernel | None = None
        self.cells: list[tuple[int, str]] = []
        self.completed: list[tuple[int, str]] = []  # cells that ran to the end (replayed)
        self.cell_timeout = 30.0
        self.execution_timeout = 120.0
        self.output_limit = 100_000
        self.restarts = 0
        self.workdir = os.getcwd()

    def start_kernel(self) -> Kernel:
        self.kernel = Kernel(self.workdir, self.output_limit)
        return self.kernel

    def stop_kernel(self) -> None:
        if self.kernel is not None:
            self.kernel.close()
            self.kernel = None

    def execute(self, request: dict[str, Any]) -> dict[str, Any]:
        notebook = request["notebook"]
        self.cell_timeout = float(request.get("cell_timeout", 30))
        self.execution_timeout = float(request.get("execution_timeout", 120))
        self.output_limit = int(request.get("output_limit", 100_000))
        self.cells = [
            (i, "".join(c["source"]) if isinstance(c["source"], list) else c["source"])
            for i, c in enumerate(notebook.get("cells", []))
            if c.get("cell_type") == "code"
        ]
        return self.run_notebook(report=True)

    def run_notebook(self, report: bool) -> dict[str, Any]:
        """Run the code cells in a fresh kernel within the time budget.

        The first run (``report=True``) runs every cell and remembers which
        ones completed.  A replay after a crash runs only those: a cell that
        timed out or killed the kernel would do it again, and each replay
        would burn a whole time budget per judge call.
        """
        deadline = time.monotonic() + self.execution_timeout
        if report and self.kernel is not None and self.kernel.alive():
            kernel = self.kernel  # started before the notebook arrived (see serve)
            kernel.output_limit = self.output_limit
        else:
            self.stop_kernel()
            kernel = self.start_kernel()
        records: list[dict[str, Any]] = []
        status = "ok"
        cells = self.cells if report else self.completed
        for position, (index, source) in enumerate(cells):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                status = "time-limit"
                records += [{"index": i, "status": "not-run"} for i, _ in self.cells[position:]]
                break
            if not source.strip():
                records.append({"index": index, "status": "ok", "duration": 0.0})
                continue
            run = kernel.run(source, min(self.cell_timeout, remaining))
            records.append(cell_record(index, run, self.output_limit))
            if run["status"] in ("ok", "error") and report:
                self.completed.append((index, source))
            if run["status"] == "timeout":
                status = "time-limit"
            if run["status"] == "dead" or run.get("hung"):
                if run["status"] == "dead":
                    status = "dead-kernel"
                records += [{"index": i, "status": "not-run"} for i, _ in cells[position + 1:]]
                self.stop_kernel()
                break
        if not report and status != "ok":
            self.restarts = MAX_KERNEL_RESTARTS  # a replay that fails will fail again
        reply = {"op": "executed", "status": status, "cells": records if report else []}
        reply["kernel"] = "alive" if self.kernel is not None and self.kernel.alive() else "dead"
        return reply

    def ensure_kernel(self) -> bool:
        """A live kernel with the notebook's state, restarting if needed."""
        if self.kernel is not None and self.kernel.alive():
            return True
        self.stop_kernel()
        if self.restarts >= MAX_KERNEL_RESTARTS:
            return False
        self.restarts += 1
        self.run_notebook(report=False)
        return self.kernel is not None and self.kernel.alive()

    def call(self, request: dict[str, Any]) -> dict[str, Any]:
        reply: dict[str, Any] = {"op": "result", "id": request.get("id")}
        if not self.ensure_kernel():
            return {**reply, "status": "dead", "message": "the kernel died and could not be restarted"}
        reply["generation"] = self.restarts
        target = request.get("target") or {}
        if "handle" in target and target.get("generation") != self.restarts:
            return {**reply, "status": "error", "type": "StaleHandle",
                    "message": "the object lived in a kernel that has since died"}
        assert self.kernel is not None
        timeout = float(request.get("timeout", 10))
        if request.get("op") == "list":
            data: dict[str, Any] = {"list": str(request["prefix"])}
        else:
            data = {"call": {"target": request["target"], "args": request.get("args", []),
                             "kwargs": request.get("kwargs", {})}}
        run = self.kernel.call(data, timeout)
        if run["status"] == "dead":
            self.stop_kernel()
            return {**reply, "status": "dead", "message": "the kernel died during the call"}
        if run["status"] == "timeout":
            if run.get("hung"):
                self.stop_kernel()
            return {**reply, "status": "timeout", "message": f"no answer within {timeout:g} s"}
        results = [
            o["data"][RESULT_MIME]
            for o in run["outputs"]
            if o.get("output_type") == "display_data" and RESULT_MIME in o.get("data", {})
        ]
        if not results:
            error = run.get("error") or {}
            message = f"{error.get('ename', 'no result')}: {error.get('evalue', '')}"
            return {**reply, "status": "error", "type": "NoResult", "message": message[:2000]}
        return {**reply, **results[-1]}

    def serve(self) -> None:
        """Greet, start the kernel, then answer requests until shutdown.

        The kernel starts right after the greeting and before the first
        request is read: a grader that starts the next sandbox while it is
        still judging the current submission gets one whose kernel is
        already up (starting it is most of an execution's cost), and the
        notebook's request simply waits in the pipe meanwhile.  No candidate
        code exists yet, so this kernel is as fresh as one started later.
        """
        self.channel.send({"op": "ready", "pid": os.getpid()})
        try:
            self.start_kernel()
        except Exception:  # noqa: BLE001 - retried (and reported) when the notebook runs
            self.stop_kernel()
        while True:
            request = self.channel.receive()
            if request is None or request.get("op") == "shutdown":
                break
            op = request.get("op")
            if op == "execute":
                self.channel.send(self.execute(request))
            elif op in ("call", "list"):
                self.channel.send(self.call(request))
            else:
                self.channel.send({"op": "error", "message": f"unknown op {op!r}"})
        self.stop_kernel()
        self.channel.send({"op": "bye"})


def main() -> None:
    if not make_undumpable() and os.getpid() == 1:
        # In the container the channel's safety rests on this flag: refuse
        # to serve rather than serve a channel the kernel could write into.
        sys.stderr.write("takehome agent: cannot make itself non-dumpable; refusing to run\n")
        sys.exit(70)
    if os.getpid() == 1:
        # PID 1 gets only the signals it handles; candidate code must not be
        # able to interrupt the agent, and orphans must be reaped.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        threading.Thread(target=reap_orphans, name="reaper", daemon=True).start()
    channel = Channel()
    Agent(channel).serve()


if __name__ == "__main__":
    main()
