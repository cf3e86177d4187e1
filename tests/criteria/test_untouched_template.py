"""Quality criteria give an untouched template nothing, through real authorship."""

from __future__ import annotations

import pytest

from harness.criteria.base import Context, Criterion
from harness.criteria.docstrings import Docstrings
from harness.criteria.lint import Lint
from harness.criteria.provenance import Provenance
from harness.result import Status
from tests.criteria.conftest import RealSubmission

TEMPLATE = [
    ("markdown", "# Task"),
    (
        "code",
        "# copied-from: <source>\ndef solve(data):\n"
        '    """Sort the data."""\n    raise NotImplementedError',
    ),
]


@pytest.mark.parametrize("criterion", [Lint(), Docstrings(), Provenance()],
                         ids=["lint", "docstrings", "provenance"])
def test_untouched_template_via_real_authorship_scores_zero(
    real_submission: RealSubmission, criterion: Criterion
) -> None:
    result = criterion.evaluate(Context(real_submission(TEMPLATE, TEMPLATE)))
    assert (result.score, result.status) == (0.0, Status.FAIL)
