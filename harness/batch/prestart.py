"""Start the next sandbox while the current submission is being judged.

Creating and starting a container and its agent costs about a second per
submission; none of it depends on the notebook, which reaches the agent
later over stdin.  :class:`PrestartingSandbox` wraps a backend: each
``start`` hands out a sandbox started earlier for the same settings (image,
limits, data files) and begins starting the next one in a background thread.
The spare is an ordinary fresh sandbox that nobody has written to; it is
terminated when the batch closes the wrapper.
"""

from __future__ import annotations

import dataclasses
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from harness.errors import HarnessError
from harness.sandbox.base import RunSpec, Sandbox, Stream


class PrestartingSandbox:
    """A sandbox backend that keeps one started spare for the next submission."""

    def __init__(self, inner: Sandbox) -> None:
        self.inner = inner
        self.name = inner.name
        self.isolates = inner.isolates
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="prestart")
        self._lock = threading.Lock()
        self._spare: tuple[Any, Future[Stream]] | None = None

    def start(self, spec: RunSpec) -> Stream:
        """A started sandbox for ``spec``; a spare is started for the next call."""
        key = _settings(spec)
        with self._lock:
            spare, self._spare = self._spare, None
            self._spare = (key, self._pool.submit(self.inner.start, spec))
        if spare is not None:
            spare_key, future = spare
            stream = _taken(future)
            if stream is not None and spare_key == key:
                return stream
            if stream is not None:
                stream.terminate()  # started for other settings: never reuse it
        return self.inner.start(spec)

    def close(self) -> None:
        """Terminate the unused spare (if any) and stop the helper thread."""
        with self._lock:
            spare, self._spare = self._spare, None
        if spare is not None:
            stream = _taken(spare[1])
            if stream is not None:
                stream.terminate()
        self._pool.shutdown(wait=True)


def _taken(future: Future[Stream]) -> Stream | None:
    """The spare's stream, or None when starting it failed (start afresh then).

    A failure here is retried by the caller's own ``start``, which raises
    the error where the submission that needs it can report it.
    """
    try:
        return future.result()
    except HarnessError:
        return None


def _settings(spec: RunSpec) -> Any:
    """Everything of a RunSpec that the container depends on: all but the notebook."""
    fields = dataclasses.asdict(dataclasses.replace(spec, notebook={}))
    return repr(sorted(fields.items()))
