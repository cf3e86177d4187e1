"""The candidate proxy over a fake session: decoding, handles, errors."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from harness.judge import wire
from harness.judge.proxy import Candidate, CandidateCrashed, CandidateRaised, Handle
from harness.sandbox.base import CallReply, Limits


class FakeSession:
    """Answers calls from a table; records what was sent."""

    def __init__(self, replies: dict[str, CallReply]) -> None:
        self.replies = replies
        self.limits = Limits()
        self.sent: list[tuple[dict[str, Any], list[Any], dict[str, Any]]] = []

    def call(self, target: dict[str, Any], args: list[Any], kwargs: dict[str, Any],
             timeout: float | None = None) -> CallReply:
        self.sent.append((target, args, kwargs))
        key = target.get("name") or target.get("method")
        return self.replies[str(key)]


def make(replies: dict[str, CallReply]) -> tuple[Candidate, FakeSession]:
    session = FakeSession(replies)
    return Candidate(session), session  # type: ignore[arg-type]


def test_arguments_cross_as_wire_data() -> None:
    candidate, session = make({"f": CallReply("ok", value=1)})
    candidate.f(np.arange(3), k=2)
    target, args, kwargs = session.sent[0]
    assert target == {"name": "f"}
    assert np.array_equal(wire.decode(args[0]), [0, 1, 2])
    assert kwargs == {"k": 2}


def test_plain_values_come_back_as_python_values() -> None:
    value = wire.encode((np.ones(2), 3.5))
    candidate, _ = make({"f": CallReply("ok", value=value)})
    centroids, number = candidate.f()
    assert np.array_equal(centroids, [1.0, 1.0]) and number == 3.5


def test_non_data_comes_back_as_a_handle_that_equals_only_itself() -> None:
    candidate, _ = make({"liar": CallReply("ok", value={"__handle__": 1, "type": "Liar"})})
    liar = candidate.liar()
    assert isinstance(liar, Handle)
    assert liar != 5 and liar != liar.__class__ and (liar == np.zeros(1)) is False
    assert liar == liar


def test_handle_methods_call_back_into_the_sandbox() -> None:
    replies = {"make": CallReply("ok", value={"__handle__": 7, "type": "Model"}, generation=1),
               "predict": CallReply("ok", value=[1, 2])}
    candidate, session = make(replies)
    model = candidate.make()
    assert model.predict(3) == [1, 2]
    assert session.sent[1][0] == {"handle": 7, "method": "predict", "generation": 1}


def test_candidate_exceptions_mirror_builtin_types() -> None:
    candidate, _ = make({"f": CallReply("error", error_type="ValueError", message="k < 1")})
    with pytest.raises(ValueError, match="k < 1") as info:
        candidate.f()
    assert isinstance(info.value, CandidateRaised)


def test_unknown_exception_names_do_not_create_builtin_subclasses() -> None:
    candidate, _ = make({"f": CallReply("error", error_type="MyError", message="x")})
    with pytest.raises(CandidateRaised) as info:
        candidate.f()
    assert not isinstance(info.value, ValueError)


@pytest.mark.parametrize("status", ["timeout", "dead", "protocol"])
def test_crashes_raise_candidate_crashed(status: str) -> None:
    candidate, _ = make({"f": CallReply(status, message="gone")})
    with pytest.raises(CandidateCrashed):
        candidate.f()


def test_malformed_values_fail_the_call_not_the_judge() -> None:
    candidate, _ = make({"f": CallReply("ok", value={"__pickle__": "x"})})
    with pytest.raises(CandidateCrashed, match="malformed"):
        candidate.f()


def test_private_names_are_not_proxied() -> None:
    candidate, _ = make({})
    with pytest.raises(AttributeError):
        candidate._secret  # noqa: B018 - the access is the test
