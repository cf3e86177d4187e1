"""The ``candidate`` object tests talk to.

``candidate.kmeans(X, 3)`` sends the arguments as wire data to the kernel
that ran the notebook and decodes the reply.  Plain data comes back as real
Python and numpy values; anything else comes back as a :class:`Handle` that
equals nothing but itself, so an object whose ``__eq__`` always says yes
cannot pass an equality check.  A call that raises in the candidate's code
raises :class:`CandidateRaised` here (also an instance of the matching
built-in exception, so ``pytest.raises(ValueError)`` works); a time-out or a
dead kernel raises :class:`CandidateCrashed`.  Either fails the one test.
After a call has hung, later calls share one time budget
(:mod:`harness.judge.hangs`), so a function that never returns costs about
two call limits, not one per test.
"""

from __future__ import annotations

import builtins
import time
from typing import Any

from harness.errors import ProtocolError
from harness.judge import wire
from harness.judge.hangs import HangBudget, hang_key
from harness.sandbox.base import CallReply, Session


class CandidateCallError(Exception):
    """A call into the candidate's notebook did not return data."""


class CandidateRaised(CandidateCallError):
    """The candidate's function raised; ``type_name`` is its exception type."""

    type_name = "Exception"


class CandidateCrashed(CandidateCallError):
    """The call timed out, killed the kernel or broke the wire format."""


_BUILTIN_ERRORS: dict[str, type[CandidateRaised]] = {}


def _raised_class(type_name: str) -> type[CandidateRaised]:
    """A CandidateRaised subclass that is also the built-in exception type.

    Only names of built-in exception classes are mirrored; a candidate cannot
    make the judge create arbitrary classes.
    """
    if type_name in _BUILTIN_ERRORS:
        return _BUILTIN_ERRORS[type_name]
    builtin = getattr(builtins, type_name, None)
    if (
        isinstance(builtin, type)
        and issubclass(builtin, Exception)
        and not issubclass(builtin, (SystemExit, KeyboardInterrupt, GeneratorExit))
        and builtin is not Exception
    ):
        cls = type(f"Candidate{type_name}", (CandidateRaised, builtin), {"type_name": type_name})
    else:
        cls = type("CandidateRaised", (CandidateRaised,), {"type_name": type_name})
    _BUILTIN_ERRORS[type_name] = cls
    return cls


class Handle:
    """An object that stayed in the sandbox; its methods can be called."""

    def __init__(self, candidate: Candidate, ref: wire.RemoteRef) -> None:
        self._candidate = candidate
        self._ref = ref

    def __getattr__(self, name: str) -> RemoteFunction:
        if name.startswith("__"):
            raise AttributeError(name)
        target = {"handle": self._ref.handle, "method": name, "generation": self._ref.generation}
        return RemoteFunction(self._candidate, target, f"{self._ref.type_name}.{name}")

    def __eq__(self, other: object) -> bool:
        return self is other

    def __hash__(self) -> int:
        return id(self)

    def __repr__(self) -> str:
        return f"<{self._ref.type_name} object in the candidate's kernel (not data)>"


class RemoteFunction:
    """A callable that runs in the sandbox."""

    def __init__(self, candidate: Candidate, target: dict[str, Any], label: str) -> None:
        self._candidate = candidate
        self._target = target
        self._label = label

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._candidate._call(self._target, self._label, args, kwargs)

    def __repr__(self) -> str:
        return f"<candidate function {self._label}>"


class Candidate:
    """Attribute access gives the notebook's functions; calls cross the wire."""

    Error = CandidateCallError
    Raised = CandidateRaised
    Crashed = CandidateCrashed

    def __init__(self, session: Session, call_timeout: float | None = None) -> None:
        self._session = session
        self._hangs = HangBudget(
            session.limits.call_timeout if call_timeout is None else call_timeout)
        self.calls = 0

    def __getattr__(self, name: str) -> RemoteFunction:
        if name.startswith("_"):
            raise AttributeError(name)
        return RemoteFunction(self, {"name": name}, name)

    def _call(
        self, target: dict[str, Any], label: str, args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> Any:
        self.calls += 1
        wire_args = [wire.encode(a) for a in args]
        wire_kwargs = {k: wire.encode(v) for k, v in kwargs.items()}
        key = hang_key(label)
        limit = self._hangs.limit_for(key)
        if limit is None:
            raise CandidateCrashed(self._hangs.refusal(label))
        started = time.monotonic()
        reply = self._session.call(target, wire_args, wire_kwargs, limit)
        self._hangs.record(key, reply.status == "timeout", time.monotonic() - started)
        return self._interpret(reply, label)

    def _interpret(self, reply: CallReply, label: str) -> Any:
        if reply.status == "ok":
            try:
                value = wire.decode(reply.value, reply.generation)
            except ProtocolError as exc:
                raise CandidateCrashed(f"{label}() returned malformed data: {exc}") from None
            return self._wrap(value)
        if reply.status == "error":
            cls = _raised_class(reply.error_type or "Exception")
            raise cls(f"{label}() raised {reply.error_type}: {reply.message}")
        if reply.status == "timeout":
            raise CandidateCrashed(f"{label}() did not return in time: {reply.message}")
        raise CandidateCrashed(f"{label}() failed: {reply.message or reply.status}")

    def _wrap(self, value: Any) -> Any:
        """Replace remote references (at any depth) with handles."""
        if isinstance(value, wire.RemoteRef):
            return Handle(self, value)
        if isinstance(value, list):
            return [self._wrap(v) for v in value]
        if isinstance(value, tuple):
            return tuple(self._wrap(v) for v in value)
        if isinstance(value, dict):
            return {k: self._wrap(v) for k, v in value.items()}
        return value
