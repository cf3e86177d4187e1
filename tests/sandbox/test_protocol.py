"""The host's side of the judge protocol: one reply per request, nothing else.

A scripted stream stands in for the agent, so every way a channel can be
abused (forged, duplicated, unasked, split, garbage, flooded, non-UTF-8) is
played exactly.  Each must end the session with status "protocol", never an
exception and never a result that counts.
"""

from __future__ import annotations

import json
import queue
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from harness.sandbox.base import MAX_MESSAGE_BYTES, Limits, Session

LIMITS = Limits(call_timeout=2.0, execution_timeout=2.0)
NOTEBOOK = {
    "cells": [
        {"cell_type": "markdown", "source": "# title"},
        {"cell_type": "code", "source": "x = 1"},
        {"cell_type": "code", "source": "raise RuntimeError"},
    ]
}
READY = b'{"op": "ready"}\n'


def executed(*indices: int, status: str = "ok") -> bytes:
    cells = [{"index": i, "status": status, "duration": 0.0} for i in indices]
    return json.dumps({"op": "executed", "status": "ok", "kernel": "alive",
                       "cells": cells}).encode() + b"\n"


def result(ident: int, value: Any = 1) -> bytes:
    return json.dumps({"op": "result", "id": ident, "status": "ok", "value": value}).encode() + b"\n"


Script = Callable[[dict[str, Any]], list[bytes]]


class ScriptedStream:
    """Answers each request with the chunks ``script(request)`` returns.

    Chunks are delivered as raw reads, so a chunk without a newline is a
    line split across writes, as a pipe may deliver it.
    """

    def __init__(self, greeting: list[bytes], script: Script) -> None:
        self._chunks: queue.Queue[bytes | None] = queue.Queue()
        for chunk in greeting:
            self._chunks.put(chunk)
        self._script = script
        self.terminated = False

    def write(self, data: bytes) -> None:
        for chunk in self._script(json.loads(data)):
            self._chunks.put(chunk)

    def lines(self) -> Iterator[bytes]:
        buffer = b""
        while True:
            chunk = self._chunks.get()
            if chunk is None:
                return
            buffer += chunk
            while b"\n" in buffer:
                line, buffer = buffer.split(b"\n", 1)
                yield line
            if len(buffer) > MAX_MESSAGE_BYTES:
                yield buffer
                return

    def terminate(self) -> str:
        self.terminated = True
        self._chunks.put(None)
        return "closed"


def honest(request: dict[str, Any]) -> list[bytes]:
    if request["op"] == "execute":
        return [executed(1, 2)]
    return [result(request["id"])]


def session_with(script: Script, greeting: tuple[bytes, ...] = (READY,)) -> Session:
    return Session(ScriptedStream(list(greeting), script), LIMITS)


def call(session: Session) -> Any:
    return session.call({"name": "f"}, [], {})


def test_an_honest_agent_is_served() -> None:
    session = session_with(honest)
    assert session.execute(NOTEBOOK).status == "ok"
    assert call(session).status == "ok" and call(session).value == 1
    assert session.close() == "closed" and session.violation == ""


def test_a_line_split_across_writes_is_one_message() -> None:
    def split(request: dict[str, Any]) -> list[bytes]:
        whole = executed(1, 2) if request["op"] == "execute" else result(request["id"])
        return [whole[:7], whole[7:20], whole[20:]]

    session = session_with(split, greeting=(READY[:5], READY[5:]))
    assert session.execute(NOTEBOOK).status == "ok"
    assert call(session).status == "ok"
    assert session.violation == ""


@pytest.mark.parametrize(
    "reply",
    [
        pytest.param(lambda r: [executed(1, 2), executed(1, 2)], id="second-executed"),
        pytest.param(lambda r: [executed(1, 2) + result(1)], id="unasked-result"),
        pytest.param(lambda r: [result(1)], id="result-instead-of-executed"),
        pytest.param(lambda r: [b"{not json\n"], id="garbage"),
        pytest.param(lambda r: [b'{"op": "exec', b"\xff\xfe\n"], id="partial-json-invalid-utf8"),
        pytest.param(lambda r: [b"[1, 2]\n"], id="not-an-object"),
        pytest.param(lambda r: [b"x" * (1 << 20)] * 65, id="flood-without-newline"),
    ],
)
def test_execution_that_breaks_the_protocol_is_a_protocol_status(reply: Script) -> None:
    session = session_with(reply)
    execution = session.execute(NOTEBOOK)
    after = call(session)
    if execution.status != "protocol":
        # The forged report came first and was taken; the violation behind it
        # ends the session all the same, and the pipeline then distrusts it.
        assert session.close() == "protocol"
    assert session.ended == "protocol" and session.violation
    assert after.status in ("protocol", "dead")


def test_a_report_that_lists_other_cells_is_refused() -> None:
    """A forged report claims 12 clean cells; the notebook has 2 code cells."""
    session = session_with(lambda r: [executed(*range(12))])
    execution = session.execute(NOTEBOOK)
    assert execution.status == "protocol" and execution.cells == ()
    assert "2 code cells" in session.violation


def test_a_result_for_a_future_id_is_refused() -> None:
    """A reply planted for the next request id before it is asked counts as a violation."""
    def planted(request: dict[str, Any]) -> list[bytes]:
        if request["op"] == "execute":
            return [executed(1, 2)]
        return [result(request["id"]), result(request["id"] + 1, value="forged")]

    session = session_with(planted)
    session.execute(NOTEBOOK)
    first = call(session)
    second = call(session)
    assert first.status == "ok"
    assert second.status == "protocol" and second.value is None
    assert session.ended == "protocol"


def test_a_reply_with_the_wrong_id_is_refused() -> None:
    def wrong(request: dict[str, Any]) -> list[bytes]:
        return [executed(1, 2)] if request["op"] == "execute" else [result(request["id"] + 7)]

    session = session_with(wrong)
    session.execute(NOTEBOOK)
    assert call(session).status == "protocol"
    assert "request 1" in session.violation


def test_an_unknown_call_status_ends_the_session() -> None:
    def odd(request: dict[str, Any]) -> list[bytes]:
        if request["op"] == "execute":
            return [executed(1, 2)]
        return [json.dumps({"op": "result", "id": request["id"], "status": "passed"}).encode()
                + b"\n"]

    session = session_with(odd)
    session.execute(NOTEBOOK)
    assert call(session).status == "protocol"
    assert call(session).status == "dead"  # the session is over
    assert session.ended == "protocol"


def test_a_goodbye_on_close_is_not_a_violation() -> None:
    """The local agent answers the shutdown at close with 'bye'."""
    stream = ScriptedStream([READY], honest)

    def terminate() -> str:
        stream._chunks.put(b'{"op": "bye"}\n')
        stream._chunks.put(None)
        return "closed"

    stream.terminate = terminate  # type: ignore[method-assign]
    session = Session(stream, LIMITS)
    session.execute(NOTEBOOK)
    assert session.close() == "closed"
    session._reader.join(timeout=5)
    assert session.violation == ""


class ForgingSandbox:
    """The real local sandbox, plus a forged report slipped into its channel.

    It plays what candidate code could do if it ever reached the channel:
    claim every cell ran cleanly before the agent's own report arrives.
    """

    name = "local"
    isolates = False

    def start(self, spec: Any) -> Any:
        from harness.sandbox.local import LocalSandbox

        stream = LocalSandbox().start(spec)
        real_lines = stream.lines

        def lines() -> Iterator[bytes]:
            agent = real_lines()
            yield next(agent)  # the agent's greeting
            yield executed(*range(12)).rstrip(b"\n")
            yield from agent

        stream.lines = lines  # type: ignore[method-assign]
        return stream


def test_a_forged_report_in_the_channel_gains_nothing(tmp_path: Any) -> None:
    """A grade whose channel carried a forgery counts no test and no clean run."""
    from harness import grade
    from tests.conftest import KMEANS

    result = grade(KMEANS / "solution.ipynb", KMEANS, mode="grade", sandbox=ForgingSandbox())
    assert result.status == "protocol"
    assert "broke the judge protocol" in result.message
    runs = next(c for c in result.criteria if c.result.id == "runs_cleanly")
    assert runs.points == 0.0
    assert result.tests and all(t.outcome.value != "passed" for t in result.tests)
    assert result.percent < 20.0
