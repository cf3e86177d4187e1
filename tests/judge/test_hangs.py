"""The hang rule over a fake session: later calls share one budget after a hang."""

from __future__ import annotations

from typing import Any

import pytest

from harness.judge.hangs import OWN_TESTS, PROBE_SECONDS, HangBudget, hang_key
from harness.judge.proxy import Candidate, CandidateCrashed
from harness.sandbox.base import CallReply, Limits

LIMIT = 10.0


class ClockSession:
    """A session whose calls advance a fake clock: a hang takes its whole limit."""

    def __init__(self, hangs: set[str], monkeypatch: pytest.MonkeyPatch) -> None:
        self.limits = Limits(call_timeout=LIMIT)
        self.hangs = hangs  # functions that never return
        self.now = 1000.0
        self.sent: list[tuple[str, float]] = []  # (function, limit) of each call made
        monkeypatch.setattr("harness.judge.proxy.time.monotonic", lambda: self.now)

    def call(self, target: dict[str, Any], args: list[Any], kwargs: dict[str, Any],
             timeout: float | None = None) -> CallReply:
        name, limit = str(target["name"]), float(timeout or LIMIT)
        self.sent.append((name, limit))
        if name in self.hangs or (name == "k" and args == [1]):
            self.now += limit
            return CallReply("timeout", message=f"no answer within {limit:g} s")
        self.now += 0.01
        return CallReply("ok", value=1)


def calls(candidate: Candidate, *names: str) -> list[str]:
    """Call each name; 'ok' or the failure message."""
    outcomes = []
    for name in names:
        try:
            getattr(candidate, name)()
            outcomes.append("ok")
        except CandidateCrashed as exc:
            outcomes.append(str(exc))
    return outcomes


def test_a_function_that_never_returns_costs_two_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    session = ClockSession({"kmeans"}, monkeypatch)
    candidate = Candidate(session)  # type: ignore[arg-type]
    started = session.now
    outcomes = calls(candidate, *["kmeans"] * 17, "inertia", "inertia")
    assert session.now - started == pytest.approx(2 * LIMIT + 0.02)
    assert [name for name, _ in session.sent] == ["kmeans", "kmeans", "inertia", "inertia"]
    assert all("did not return in time" in o for o in outcomes[:2])
    assert all("kmeans() was not called: it hung before" in o for o in outcomes[2:17])
    assert outcomes[17:] == ["ok", "ok"]  # a function that answers keeps its tests
    assert session.sent[-1] == ("inertia", PROBE_SECONDS)


def test_hanging_on_one_input_costs_only_that_call(monkeypatch: pytest.MonkeyPatch) -> None:
    session = ClockSession(set(), monkeypatch)
    candidate = Candidate(session)  # type: ignore[arg-type]
    outcomes = [calls(candidate, "inertia")[0]]
    for k in (3, 1, 2, 4, 5, 2, 3):
        try:
            candidate.k(k)
            outcomes.append("ok")
        except CandidateCrashed:
            outcomes.append("hung")
    assert outcomes == ["ok", "ok", "hung", "ok", "ok", "ok", "ok", "ok"]
    # After the hang the others ran with the shared budget's remainder, nearly a full limit.
    assert [limit for _, limit in session.sent[3:]] == pytest.approx(
        [LIMIT - 0.01 * n for n in range(5)])


def test_an_answer_clears_a_function_and_own_tests_count_as_one() -> None:
    assert hang_key("test_my_kmeans") == hang_key("test_other") == OWN_TESTS
    assert hang_key("kmeans") == "kmeans"
    budget = HangBudget(call_timeout=LIMIT)
    budget.record("kmeans", hung=True, seconds=LIMIT)
    assert budget.limit_for("kmeans") == LIMIT  # the shared budget is still whole
    budget.record("kmeans", hung=False, seconds=0.5)  # answers on another input
    budget.record("inertia", hung=True, seconds=LIMIT - 0.5)
    assert budget.remaining == 0
    assert budget.limit_for("inertia") is None
    assert budget.limit_for("kmeans") == budget.limit_for(OWN_TESTS) == PROBE_SECONDS


def test_a_refused_own_test_says_the_group_hung() -> None:
    budget = HangBudget(call_timeout=LIMIT)
    assert "another of the notebook's own tests hung" in budget.refusal("test_inertia")
    assert "kmeans() was not called: it hung before" in budget.refusal("kmeans")
