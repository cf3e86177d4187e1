"""What a batch stores beside each result for later readers of the gradebook.

Two artifacts, both taken from the notebook once, when its result is stored:
the fingerprint of its written code (for the copy-detection batch step, see
:mod:`harness.batch.peers`) and its markdown cells (the candidate's write-up,
which the review app shows without needing the notebook file, and which in a
blind batch has the candidate's names replaced like the result).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from harness.errors import NotebookError

FINGERPRINT = "fingerprint"
MARKDOWN = "markdown"  # [[cell index, source], ...]

Redact = Callable[[str], str]


def submission_artifacts(
    notebook: Path, template: Path | None, redact: Redact | None = None
) -> dict[str, Any]:
    """Fingerprint and markdown of one notebook; {} when it cannot be read."""
    from harness.authorship import build_submission
    from harness.criteria.provenance import fingerprint_submission_json

    try:
        submission = build_submission(notebook, template)
    except NotebookError:
        return {}  # an input error: no code to compare, no write-up to show
    keep = redact or (lambda text: text)
    return {
        FINGERPRINT: fingerprint_submission_json(submission),
        MARKDOWN: [[cell.index, keep(cell.source)] for cell in submission.notebook.cells
                   if cell.cell_type == "markdown"],
    }
