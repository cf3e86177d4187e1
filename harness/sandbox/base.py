"""The sandbox protocol: start an agent, execute the notebook, serve calls.

A sandbox backend only has to start the agent (``harness/sandbox/agent.py``)
somewhere isolated and hand back a :class:`Stream` of its stdin/stdout.
Everything else (framing, caps, time limits, turning replies into results)
is shared in :class:`Session`, so the local and Docker backends and the fake
used in unit tests cannot drift apart.
"""

from __future__ import annotations

import json
import queue
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from harness.errors import ProtocolError, SandboxError

MAX_MESSAGE_BYTES = 64 * 1024 * 1024
STARTUP_TIMEOUT = 60.0
GRACE = 10.0


@dataclass(frozen=True)
class Limits:
    """Resource limits for one submission; defaults suit small tasks."""

    cell_timeout: float = 30.0  # seconds per notebook cell
    execution_timeout: float = 120.0  # seconds for the whole notebook
    call_timeout: float = 10.0  # seconds per call from a test
    judge_timeout: float = 300.0  # seconds for all calls of all tests together
    memory_mb: int = 1024  # hard memory cap, swap off
    pids: int = 128  # process/thread cap
    cpus: float = 1.0  # CPU quota in cores
    output_limit: int = 100_000  # bytes of cell output kept per cell
    tmpfs_mb: int = 256  # size of the writable /tmp and work dir
    file_size_mb: int = 64  # largest file the candidate may write


@dataclass(frozen=True)
class RunSpec:
    """What a sandbox needs to run one notebook."""

    notebook: Mapping[str, Any]  # normalised notebook JSON
    data_files: tuple[Path, ...] = ()  # copied (read-only) next to the notebook
    limits: Limits = field(default_factory=Limits)
    image: str = ""  # Docker image tag; empty: the current image for the requirements
    requirements: tuple[str, ...] = ()  # the task's extra packages (selects the task image)
    task_dir: Path | None = None


class Stream(Protocol):
    """A started agent: line-oriented pipe plus a way to stop it."""

    def write(self, data: bytes) -> None: ...

    def lines(self) -> Iterator[bytes]:
        """Yield raw lines from the agent's stdout; ends at EOF."""
        ...

    def terminate(self) -> str:
        """Stop everything; return why it ended if known ("memory-limit", ...).

        A backend may shut the agent down gracefully first or just kill it.
        """
        ...


class Sandbox(Protocol):
    """A backend: starts an agent for a RunSpec."""

    name: str
    isolates: bool

    def start(self, spec: RunSpec) -> Stream: ...


@dataclass(frozen=True)
class CallReply:
    """One call's outcome, still as untrusted wire data in ``value``."""

    status: str  # "ok", "error", "timeout", "dead", "not-data", "protocol"
    value: Any = None
    error_type: str = ""
    message: str = ""
    generation: int = 0


@dataclass(frozen=True)
class Execution:
    """How the notebook run went, as reported by the agent."""

    status: str  # "ok", "time-limit", "dead-kernel", "memory-limit", "process-limit", ...
    cells: tuple[Mapping[str, Any], ...]
    kernel_alive: bool


class Session:
    """A running agent: send requests, read capped replies with time limits."""

    def __init__(self, stream: Stream, limits: Limits) -> None:
        self._stream = stream
        self.limits = limits
        self._replies: queue.Queue[dict[str, Any] | BaseException | None] = queue.Queue()
        self._next_id = 0
        self.ended: str = ""
        self.violation: str = ""  # why the agent broke the protocol, once it has
        self.deadline: float | None = None  # monotonic time after which calls fail at once
        # The one reply the protocol allows next: (op, id); None when none is.
        self._awaiting: tuple[str, int | None] | None = ("ready", None)
        self._state = threading.Lock()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        hello = self._receive(STARTUP_TIMEOUT)
        if hello is None or hello.get("op") != "ready":
            reason = self.close()
            raise SandboxError(f"the sandbox agent did not start ({reason or 'no greeting'})")

    def _read(self) -> None:
        """Deliver each reply the protocol expects; stop at the first that is not.

        Exactly one reply per request, of the awaited op and id.  Anything
        else (a second reply, an unasked one, garbage, an oversized or
        non-UTF-8 line) is a protocol violation: reading stops and the
        session ends with status "protocol", so nothing sent after it counts.
        """
        try:
            for line in self._stream.lines():
                self._accept(_parse_line(line))
        except ProtocolError as exc:
            self.violation = str(exc)
            self._replies.put(exc)
        except OSError as exc:
            self._replies.put(exc)
        self._replies.put(None)

    def _accept(self, message: dict[str, Any]) -> None:
        with self._state:
            awaiting, self._awaiting = self._awaiting, None
            if awaiting is None:
                raise ProtocolError(f"unrequested {_describe(message)} from the sandbox")
            op, ident = awaiting
            if message.get("op") != op or (ident is not None and message.get("id") != ident):
                raise ProtocolError(
                    f"expected the reply to request {ident} ({op}), "
                    f"got {_describe(message)} from the sandbox"
                )
            self._replies.put(message)

    def _violate(self, reason: str) -> str:
        """Record a violation found outside the reader; end the session."""
        self.violation = self.violation or reason
        return self.close()

    def _receive(self, timeout: float) -> dict[str, Any] | None:
        """Next reply, or None when the agent went away or the time ran out."""
        try:
            item = self._replies.get(timeout=timeout)
        except queue.Empty:
            return None
        if isinstance(item, BaseException) or item is None:
            self._replies.put(None)  # keep reporting the end to later callers
            return None
        return item

    def _send(self, message: Mapping[str, Any], awaiting: tuple[str, int | None]) -> None:
        with self._state:
            self._awaiting = awaiting  # before writing: the reply may be instant
        try:
            self._stream.write(json.dumps(message, allow_nan=False).encode() + b"\n")
        except OSError:
            pass  # the agent is gone; the missing reply says so

    def execute(self, notebook: Mapping[str, Any]) -> Execution:
        """Run the notebook once; the kernel stays up for calls."""
        limits = self.limits
        self._send(
            {
                "op": "execute",
                "notebook": notebook,
                "cell_timeout": limits.cell_timeout,
                "execution_timeout": limits.execution_timeout,
                "output_limit": limits.output_limit,
            },
            ("executed", None),
        )
        reply = self._receive(limits.execution_timeout + STARTUP_TIMEOUT + GRACE)
        if reply is None:
            status = self.close() or "dead-kernel"
            return Execution(status=status, cells=(), kernel_alive=False)
        cells = reply.get("cells")
        expected = _code_cell_indices(notebook)
        if not isinstance(cells, list) or [
            c.get("index") if isinstance(c, dict) else None for c in cells
        ] != expected:
            status = self._violate(
                f"the execution report does not list the notebook's {len(expected)} code cells"
            )
            return Execution(status=status, cells=(), kernel_alive=False)
        return Execution(
            status=str(reply.get("status", "ok")),
            cells=tuple(cells),
            kernel_alive=reply.get("kernel") == "alive",
        )

    def call(
        self,
        target: Mapping[str, Any],
        args: list[Any],
        kwargs: Mapping[str, Any],
        timeout: float | None = None,
    ) -> CallReply:
        """Call a notebook function (or a handle's method) with wire data."""
        return self._request(
            {"op": "call", "target": dict(target), "args": args, "kwargs": dict(kwargs)}, timeout
        )

    def list_functions(self, prefix: str) -> CallReply:
        """Names of plain functions in the notebook starting with ``prefix``."""
        return self._request({"op": "list", "prefix": prefix}, None)

    def _request(self, message: dict[str, Any], timeout: float | None) -> CallReply:
        if self.ended:
            return CallReply("dead", message=f"the sandbox has ended ({self.ended})")
        now = time.monotonic()
        if self.deadline is not None and now >= self.deadline:
            return CallReply("timeout", message="the time limit for all tests was reached")
        self._next_id += 1
        call_timeout = self.limits.call_timeout if timeout is None else timeout
        message.update(id=self._next_id, timeout=call_timeout)
        self._send(message, ("result", self._next_id))
        # A dead kernel is replayed before the call runs, so allow for that,
        # but never past the deadline of the whole judging phase.
        deadline = now + call_timeout + self.limits.execution_timeout + STARTUP_TIMEOUT + GRACE
        if self.deadline is not None:
            deadline = min(deadline, self.deadline + GRACE)
        reply = self._receive(max(0.0, deadline - time.monotonic()))
        if reply is None:
            reason = self.close()
            if reason == "protocol":
                return CallReply("protocol", message=f"the sandbox broke the protocol: "
                                 f"{self.violation}")
            return CallReply("dead", message=f"the sandbox stopped answering ({reason})")
        result = _call_reply(reply)
        if result.status == "protocol":
            self._violate(result.message)
        return result

    def close(self) -> str:
        """Stop the agent (idempotent); returns why the sandbox ended.

        A protocol violation outranks what the container says about itself:
        nothing that sandbox reported can be trusted any more.
        """
        if not self.ended:
            with self._state:
                self._awaiting = ("bye", None)  # a local agent says goodbye on shutdown
            reason = self._stream.terminate() or "closed"
            self.ended = "protocol" if self.violation else reason
        return self.ended

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _parse_line(line: bytes) -> dict[str, Any]:
    """One line from the agent as a JSON object, or ProtocolError."""
    if len(line) > MAX_MESSAGE_BYTES:
        raise ProtocolError("a message from the sandbox exceeds the size cap")
    try:
        message = json.loads(line)
    except ValueError as exc:  # includes invalid UTF-8
        raise ProtocolError(f"malformed message from the sandbox: {exc}") from None
    if not isinstance(message, dict):
        raise ProtocolError("a message from the sandbox is not an object")
    return message


def _describe(message: Mapping[str, Any]) -> str:
    """A short, safe description of an unexpected message (no candidate text)."""
    op, ident = message.get("op"), message.get("id")
    op_text = repr(op)[:40] if isinstance(op, str) else type(op).__name__
    return f"message op={op_text}" + (f" id={ident}" if type(ident) is int else "")


def _code_cell_indices(notebook: Mapping[str, Any]) -> list[int]:
    """Indices of the notebook's code cells: what an execution report must list."""
    cells = notebook.get("cells", [])
    return [i for i, cell in enumerate(cells) if cell.get("cell_type") == "code"]


def _call_reply(reply: Mapping[str, Any]) -> CallReply:
    status = reply.get("status")
    if status not in ("ok", "error", "timeout", "dead"):
        return CallReply("protocol", message="the sandbox sent an unknown call status")
    generation = reply.get("generation", 0)
    return CallReply(
        status=str(status),
        value=reply.get("value"),
        error_type=str(reply.get("type", ""))[:200],
        message=str(reply.get("message", ""))[:2000],
        generation=generation if type(generation) is int else 0,
    )


SandboxFactory = Callable[[], Sandbox]
