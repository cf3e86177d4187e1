"""The pytest plugin that hands tests the ``candidate`` and records outcomes.

It records which tests were collected (the expected set) and the outcome of
each phase, so the runner can turn every expected test into a result and
count a missing one as a failure.
"""

from __future__ import annotations

from typing import Any

import pytest

from harness.result import Outcome

MAX_MESSAGE = 2000
_PROXY_PREFIX = "harness.judge.proxy.Candidate"


def short_message(report: pytest.TestReport | pytest.CollectReport) -> str:
    """The one-line reason of a failure, capped (the crash line when known)."""
    longrepr: Any = report.longrepr
    crash = getattr(longrepr, "reprcrash", None)
    text = getattr(crash, "message", None) or report.longreprtext or ""
    text = str(text).strip()
    # "harness.judge.proxy.CandidateValueError: kmeans() raised ValueError: x"
    # says the same thing twice; the reader wants the part after the class.
    if text.startswith(_PROXY_PREFIX):
        text = text.split(": ", 1)[-1]
    return text if len(text) <= MAX_MESSAGE else text[:MAX_MESSAGE] + " [truncated]"


class JudgePlugin:
    """Registered per run; one instance per suite."""

    def __init__(self, candidate: object) -> None:
        self._candidate = candidate
        self.expected: list[str] = []
        self.outcomes: dict[str, tuple[Outcome, str, float]] = {}
        self.collection_errors: list[tuple[str, str]] = []

    def pytest_configure(self, config: pytest.Config) -> None:
        """Plain tracebacks: only a failure's crash line is kept (:func:`short_message`).

        pytest's default long form re-parses every frame's source, about
        35 ms per failed test; the option belongs to the terminal plugin,
        which the judge does not load, so it is set here.
        """
        config.option.tbstyle = "native"

    @pytest.fixture(name="candidate")
    def candidate_fixture(self) -> object:
        """The candidate's notebook, reached through the sandbox."""
        return self._candidate

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        if report.failed:
            self.collection_errors.append((report.nodeid, short_message(report)))

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        self.expected = [item.nodeid for item in session.items]

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        previous = self.outcomes.get(report.nodeid)
        duration = (previous[2] if previous else 0.0) + report.duration
        if report.when == "call":
            if report.passed:
                outcome, message = Outcome.PASSED, ""
            elif report.skipped:
                outcome, message = Outcome.SKIPPED, short_message(report)
            else:
                outcome, message = Outcome.FAILED, short_message(report)
        elif report.failed:
            # Setup or teardown failed: the test could not be judged.
            outcome, message = Outcome.ERROR, f"{report.when}: {short_message(report)}"
        elif report.skipped and report.when == "setup":
            outcome, message = Outcome.SKIPPED, short_message(report)
        else:
            if previous is not None:
                self.outcomes[report.nodeid] = (previous[0], previous[1], duration)
            return
        if previous is not None and previous[0] in (Outcome.FAILED, Outcome.ERROR):
            outcome, message = previous[0], previous[1]
        self.outcomes[report.nodeid] = (outcome, message, duration)
