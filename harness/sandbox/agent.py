"""The in-sandbox agent: runs the notebook in a kernel and serves calls.

This file runs *inside* the sandbox (a Docker container or a local
subprocess), so it is standalone: the standard library, nbclient and the
kernel's own packages only, never the ``harness`` package.  It speaks JSON
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
* The kernel is a real ipykernel driven by nbclient, the same way Jupyter
  runs a notebook.  Calls from the judge run as tiny code cells that invoke a
  shim; the shim turns the return value into plain data (or a handle) and
  publishes it as a display message with a private MIME type.  The shim lives
  in the candidate's kernel and so can be tampered with; that is fine: it can
  only change the candidate's own return values, and the judge outside treats
  every value as untrusted data.
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

import ctypes
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
MAX_TRACEBACK = 8_000
MAX_KERNEL_RESTARTS = 3
READY_CHECK_TIMEOUT = 3

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

    def call(payload):
        request = json.loads(payload)
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

    module = types.ModuleType("__takehome__")
    module.call = call
    module.list_functions = list_functions
    sys.modules["__takehome__"] = module
    get_ipython().user_ns["__takehome__"] = module

__takehome_install()
del __takehome_install
'''


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


class Kernel:
    """One ipykernel driven by nbclient, with capped outputs."""

    def __init__(self, workdir: str, output_limit: int) -> None:
        # Imported here so `python agent.py --help`-style probes stay cheap.
        import nbformat
        from nbclient import NotebookClient

        self._nbformat = nbformat
        self.workdir = workdir
        self.output_limit = output_limit  # may be changed until the notebook runs

        class CappedClient(NotebookClient):  # type: ignore[misc]
            """Keep the first ``_th_limit`` bytes of a cell's stream output, drop the rest.

            Dropping (not holding) the excess keeps a cell that prints 1 GB
            from filling the agent's memory; keeping the head lets a reviewer
            see what the cell printed before the cut.
            """

            def output(self, outs, msg, display_id, cell_index):  # type: ignore[no-untyped-def]
                used = getattr(self, "_th_used", 0)
                limit = self._th_limit
                content = msg.get("content", {})
                if msg["msg_type"] == "stream":
                    text = str(content.get("text", ""))
                    if used >= limit:
                        self._th_truncated = True
                        return None
                    if used + len(text) > limit:
                        self._th_truncated = True
                        content["text"] = text[: limit - used] + "\n[output truncated]\n"
                    self._th_used = used + len(content["text"])
                else:
                    self._th_used = used + len(json.dumps(content, default=str))
                return super().output(outs, msg, display_id, cell_index)

        self._ipython_dir = tempfile.mkdtemp(prefix="ipython-")
        os.environ["IPYTHONDIR"] = self._ipython_dir
        # nbclient writes each executed cell back into its notebook at the
        # given index, so the client gets one slot that every run reuses.
        empty = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("")])
        empty.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        self.client = CappedClient(
            empty,
            kernel_name="python3",
            allow_errors=True,
            interrupt_on_timeout=True,
            error_on_timeout={"ename": "TimeoutError", "evalue": "time limit reached", "traceback": []},
            record_timing=False,
            iopub_timeout=2,
            shutdown_kernel="immediate",
            resources={"metadata": {"path": workdir}},
            extra_arguments=["--HistoryManager.enabled=False"],
        )
        self._context = self.client.setup_kernel(
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL
        )
        self._context.__enter__()
        self.run(SHIM, -1, timeout=30)

    def alive(self) -> bool:
        from nbclient.util import ensure_async, run_sync

        km = self.client.km

        async def probe() -> bool:
            return bool(km is not None and await ensure_async(km.is_alive()))

        try:
            return bool(run_sync(probe)())
        except Exception:  # noqa: BLE001 - a broken manager means not alive
            return False

    def run(self, source: str, index: int, timeout: float) -> dict[str, Any]:
        """Run one cell; the outcome is data, whatever the cell does."""
        from nbclient.exceptions import DeadKernelError

        cell = self._nbformat.v4.new_code_cell(source=source)
        self.client.timeout = max(1, int(round(timeout)))
        self.client._th_used = 0
        self.client._th_limit = self.output_limit
        self.client._th_truncated = False
        started = time.monotonic()
        try:
            self.client.execute_cell(cell, 0, store_history=False)
        except DeadKernelError:
            return {"status": "dead", "duration": time.monotonic() - started, "outputs": []}
        duration = time.monotonic() - started
        status = "ok"
        error: dict[str, Any] = {}
        for out in cell.outputs:
            if out.get("output_type") == "error":
                error = out
                status = "error"
        # nbclient interrupts the kernel at the time limit and answers with a
        # synthetic error; the candidate may even swallow the interrupt.  The
        # clock is the only reliable witness.
        if duration >= timeout:
            status = "timeout"
            error = error or {"ename": "TimeoutError", "evalue": f"no result within {timeout:g} s"}
        if status == "timeout" and not self.responsive():
            return {"status": "timeout", "duration": duration, "outputs": cell.outputs, "hung": True}
        return {
            "status": status,
            "duration": duration,
            "outputs": cell.outputs,
            "error": error,
            "truncated": self.client._th_truncated,
        }

    def responsive(self) -> bool:
        """After an interrupt: does the kernel answer again in a few seconds?"""
        cell = self._nbformat.v4.new_code_cell(source="pass")
        self.client.timeout = READY_CHECK_TIMEOUT
        started = time.monotonic()
        try:
            self.client.execute_cell(cell, 0, store_history=False)
        except Exception:  # noqa: BLE001 - any failure means not responsive
            return False
        # A kernel still stuck makes nbclient answer with its synthetic
        # time-out reply, which leaves no error output: only the clock tells.
        if time.monotonic() - started >= READY_CHECK_TIMEOUT:
            return False
        return not any(o.get("output_type") == "error" for o in cell.outputs)

    def close(self) -> None:
        try:
            self._context.__exit__(None, None, None)
        except Exception:  # noqa: BLE001 - shutting down a broken kernel
            pass
        km = self.client.km
        if km is not None:
            try:
                km.shutdown_kernel(now=True)
            except Exception:  # noqa: BLE001
                pass


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
            run = kernel.run(source, index, min(self.cell_timeout, remaining))
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
            source = f"__takehome__.list_functions({str(request['prefix'])!r})"
        else:
            payload = json.dumps(
                {"target": request["target"], "args": request.get("args", []),
                 "kwargs": request.get("kwargs", {})},
                allow_nan=False,
            )
            source = f"__takehome__.call({payload!r})"
        run = self.kernel.run(source, -1, timeout)
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
