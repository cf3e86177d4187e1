"""The review loop: a hiring team reads, comments, adjusts and decides.

``takehome review DIR`` serves :func:`~harness.review.app.create_app` over
the batch's gradebook.  :func:`~harness.review.adjust.adjust` is the one
place adjusted scores come from, for the app and for every export.
"""

from __future__ import annotations
