"""Runs cleanly: the notebook runs top to bottom in a fresh kernel, in time.

A reviewer opens the notebook and runs all cells; any error, time-out or
crash means it does not run cleanly.  The result is all or nothing, with the
first failing cell as evidence.
"""

from __future__ import annotations

from harness.criteria.base import Context
from harness.result import CriterionResult, Evidence, Status

_STATUS_TEXT = {
    "error": "raised {error}",
    "timeout": "hit the cell time limit",
    "dead": "killed the kernel",
    "not-run": "did not run (an earlier cell stopped the run)",
    "protocol": "is not trusted (the sandbox broke the judge protocol)",
}
_RUN_TEXT = {
    "time-limit": "The notebook hit its time limit.",
    "memory-limit": "The notebook was killed for using too much memory.",
    "process-limit": "The notebook hit the process limit.",
    "dead-kernel": "The kernel died while running the notebook.",
    "protocol": "The sandbox broke the judge protocol; nothing it reported is trusted.",
}


class RunsCleanly:
    """All code cells ran without error within the limits."""

    name = "runs_cleanly"

    def evaluate(self, context: Context) -> CriterionResult:
        bad = [c for c in context.cells if c.status != "ok"]
        evidence = tuple(
            Evidence(
                message=f"cell {c.index} "
                + _STATUS_TEXT.get(c.status, c.status).format(
                    error=f"{c.error_name}: {c.error_value}".strip(": ")
                ),
                cell=c.index,
                line=None,
                kind=c.status,
                severity="error",
            )
            for c in bad
        )
        if context.execution_status != "ok" or not context.cells:
            summary = _RUN_TEXT.get(context.execution_status, "The notebook did not run.")
            return CriterionResult(
                self.name, 0.0, Status.FAIL, summary, evidence,
                "Restart the kernel and run all cells; keep each cell within the time limit.",
            )
        if bad:
            first = bad[0]
            return CriterionResult(
                self.name,
                0.0,
                Status.FAIL,
                f"{len(bad)} of {len(context.cells)} code cells failed; first: cell {first.index}.",
                evidence,
                "Restart the kernel and run all cells; fix the first failing cell.",
            )
        return CriterionResult(
            self.name, 1.0, Status.PASS, f"All {len(context.cells)} code cells ran without error."
        )
