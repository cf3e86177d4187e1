"""One long-lived pylint process per grading worker instead of one per notebook.

Starting pylint costs about a second of CPU per notebook (interpreter,
pylint and astroid imports, plugin loading); the linting itself is a few
hundred milliseconds.  A batch therefore keeps one lint process alive and
feeds it notebook after notebook.  Between notebooks the process forgets
what one submission left in astroid, so it cannot influence the next (how,
cheaply, is in :mod:`harness.batch._lint_server`), and the client still
enforces the per-notebook time limit: a notebook that makes inference crawl
gets :class:`PylintTimeout` and the process is killed and restarted for the
next one.  pylint only parses code (astroid never imports or runs it), so
this is static analysis and no candidate code runs here.

The process itself is :mod:`harness.batch._lint_server`, run as a script so
that it imports pylint and nothing of the harness.
"""

from __future__ import annotations

import json
import queue
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

from harness.criteria.lint import (
    DEFAULT_TIMEOUT,
    LintMessage,
    PylintTimeout,
    messages_from_json,
    prepare_lint,
)
from harness.errors import CriterionError


_SERVER = Path(__file__).with_name("_lint_server.py")
# pylint run repeatedly in one process keeps ~12 MB per notebook that
# clearing astroid's caches does not free (measured on pylint 4.1 / kmeans
# notebooks; cf. astroid issue #1780), so the process is replaced after this
# many notebooks: memory stays bounded, start-up is paid once per ten.
REQUESTS_PER_PROCESS = 10


class LintWorker:
    """Client of a persistent pylint process; start it lazily, restart it on trouble."""

    def __init__(self, timeout: float = DEFAULT_TIMEOUT) -> None:
        self.timeout = timeout
        self._process: subprocess.Popen[str] | None = None
        self._replies: queue.Queue[str | None] = queue.Queue()
        self._lock = threading.Lock()
        self._served = 0  # requests the current process has answered

    def lint(self, code_text: str) -> list[LintMessage]:
        """The messages ``run_pylint`` would give for ``code_text``."""
        with self._lock, tempfile.TemporaryDirectory(prefix="takehome-lint-") as tmp:
            process = self._ensure_started()
            assert process.stdin is not None
            args = prepare_lint(Path(tmp), code_text)
            try:
                process.stdin.write(json.dumps({"args": args, "cwd": tmp}) + "\n")
                process.stdin.flush()
                line = self._replies.get(timeout=self.timeout)
            except queue.Empty as exc:
                self._stop()
                raise PylintTimeout(
                    f"pylint did not finish within {self.timeout:g} s on the extracted "
                    "notebook code") from exc
            except OSError as exc:
                self._stop()
                raise CriterionError(f"the lint worker stopped: {exc}") from exc
            if line is None:
                self._stop()
                raise CriterionError("the lint worker exited; its error is on stderr")
            self._served += 1
            if self._served >= REQUESTS_PER_PROCESS:
                self._stop()
            reply = json.loads(line)
            if "error" in reply:
                raise CriterionError(f"pylint failed: {reply['error']}")
            return messages_from_json(reply["messages"])

    def close(self) -> None:
        """Stop the lint process (idempotent)."""
        with self._lock:
            self._stop()

    def _ensure_started(self) -> subprocess.Popen[str]:
        if self._process is None or self._process.poll() is not None:
            self._replies = queue.Queue()
            self._served = 0
            self._process = subprocess.Popen(  # pylint: disable=consider-using-with  # lives across calls
                # -P: the script's folder stays off sys.path (no module of ours
                # can shadow one pylint imports).
                [sys.executable, "-P", str(_SERVER)],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, encoding="utf-8",
                cwd=tempfile.gettempdir(),
            )
            threading.Thread(target=_pump, args=(self._process, self._replies),
                             daemon=True).start()
        return self._process

    def _stop(self) -> None:
        if self._process is not None:
            self._process.kill()
            self._process.wait()
            for pipe in (self._process.stdin, self._process.stdout):
                if pipe is not None:
                    pipe.close()
            self._process = None


def _pump(process: subprocess.Popen[str], replies: queue.Queue[str | None]) -> None:
    """Forward the worker's reply lines to the client; None at the end."""
    assert process.stdout is not None
    try:
        for line in process.stdout:
            replies.put(line)
    except (OSError, ValueError):
        pass  # the pipe was closed by _stop
    replies.put(None)
