"""The batch layer: many submissions around the one-submission pipeline.

``gradebook`` is the SQLite store every export reads; ``scheduler`` grades a
batch into it (parallel, resumable); ``shard``, ``blind`` and ``merge`` split,
anonymise and recombine batches; ``exports`` renders CSV, index and reports
from the store alone.  Modules here import downward (pipeline, report), never
the other way.
"""

from __future__ import annotations
