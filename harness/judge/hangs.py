"""The hang rule: after a call has hung, later calls share one time budget.

Without it, a notebook whose ``kmeans`` never returns costs one full call
limit per test (14 hidden tests, 10 s each, then the candidate's own tests),
minutes of grading for a submission that has already shown what it does.
Failing every later call at once would be cheap but unfair to a function that
hangs on one input and answers all the others.  So (docs/security.md, "A
function that hangs"):

1. Until some call hangs (times out), every call gets the full per-call limit.
2. The first hang opens one shared budget of one per-call limit for the rest
   of judging.  Each later call runs with what is left of it (at most the
   per-call limit) and spends the time it really takes: an answer in
   milliseconds costs milliseconds, another hang spends the rest.
3. Once the budget is spent, a function whose latest call hung is not called
   again (its calls fail at once, saying why), and any other function gets a
   short probe limit (:data:`PROBE_SECONDS`), so ``inertia`` keeps its tests
   next to a hanging ``kmeans``; a probe that hangs marks that function too.
4. A call that answers in time clears its function: only the *latest* call
   decides whether a function counts as hung.
5. The notebook's own ``test_*`` functions count as one function here, since
   any of them may call the hanging code.

A hanging submission so costs about two call limits plus short probes, and one
that hangs on a single input loses that input's test only.
"""

from __future__ import annotations

from dataclasses import dataclass, field

PROBE_SECONDS = 1.0  # limit of a call once the shared budget is spent (the agent's minimum)
OWN_TESTS = "the notebook's own tests"


def hang_key(label: str) -> str:
    """The function a call counts against: its name, or one key for all own tests."""
    return OWN_TESTS if label.startswith("test") else label


@dataclass
class HangBudget:
    """Per-call time limits for one judging phase, following the rule above."""

    call_timeout: float  # the task's per-call limit
    remaining: float | None = None  # the shared budget; None until the first hang
    hung: set[str] = field(default_factory=set)  # functions whose latest call hung

    def limit_for(self, key: str) -> float | None:
        """Seconds the next call to ``key`` may take, or None: do not call it."""
        if self.remaining is None:
            return self.call_timeout
        if self.remaining > 0:
            return min(self.call_timeout, self.remaining)
        if key in self.hung:
            return None
        return min(self.call_timeout, PROBE_SECONDS)

    def record(self, key: str, hung: bool, seconds: float) -> None:
        """Account for one finished call: did it hang, how long did it take."""
        if self.remaining is None:
            if hung:
                self.remaining = self.call_timeout  # the first hang is not charged twice
        else:
            self.remaining = max(0.0, self.remaining - seconds)
        if hung:
            self.hung.add(key)
        else:
            self.hung.discard(key)

    def refusal(self, label: str) -> str:
        """Why a call was not made (the test's failure message)."""
        who = ("another of the notebook's own tests hung (they count as one function "
               "here)" if hang_key(label) == OWN_TESTS else "it hung before")
        return (f"{label}() was not called: {who} and the time shared by calls after a "
                f"hang ({self.call_timeout:g} s) is used up")
