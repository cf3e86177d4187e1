"""One long-lived pylint process per grading worker instead of one per notebook.

Starting pylint costs about a second of CPU per notebook (interpreter,
pylint and astroid imports, plugin loading); the linting itself is a few
hundred milliseconds.  A batch therefore keeps one lint process alive and
feeds it notebook after notebook.  Between notebooks it clears astroid's
caches so one submission cannot influence the next, and the client still
enforces the per-notebook time limit: a notebook that makes inference crawl
gets :class:`PylintTimeout` and the process is killed and restarted for the
next one.  pylint only parses code (astroid never imports or runs it), so
this is static analysis and no candidate code runs here.

Protocol: one JSON line per request on stdin, ``{"code": "..."}``; one JSON
line per reply on stdout, ``{"messages": [...]}`` (pylint's JSON output) or
``{"error": "..."}``.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
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


class LintWorker:
    """Client of a persistent pylint process; start it lazily, restart it on trouble."""

    def __init__(self, timeout: float = DEFAULT_TIMEOUT) -> None:
        self.timeout = timeout
        self._process: subprocess.Popen[str] | None = None
        self._replies: queue.Queue[str | None] = queue.Queue()
        self._lock = threading.Lock()

    def lint(self, code_text: str) -> list[LintMessage]:
        """The messages ``run_pylint`` would give for ``code_text``."""
        with self._lock:
            process = self._ensure_started()
            assert process.stdin is not None
            try:
                process.stdin.write(json.dumps({"code": code_text}) + "\n")
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
            self._process = subprocess.Popen(
                [sys.executable, "-m", "harness.batch.lint_worker"],
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


def serve() -> None:
    """The worker side: lint each request with the notebook configuration."""
    # Imported here: the client side must stay cheap to import.
    import astroid
    from pylint.lint import Run

    home = os.getcwd()
    for request in sys.stdin:
        try:
            code = json.loads(request)["code"]
            with tempfile.TemporaryDirectory(prefix="takehome-lint-") as tmp:
                os.chdir(tmp)  # as the subprocess run does: nothing of ours is in reach
                output = io.StringIO()
                try:
                    # The configuration's --output-format=json reporter writes to
                    # sys.stdout, which is our reply channel: capture it.
                    with contextlib.redirect_stdout(output):
                        Run(prepare_lint(Path(tmp), code), exit=False)
                finally:
                    os.chdir(home)
                    # No state from one submission may reach the next one.
                    astroid.MANAGER.clear_cache()
            reply = {"messages": json.loads(output.getvalue() or "[]")}
        except Exception as exc:  # noqa: BLE001 - reported to the client, which raises
            reply = {"error": f"{type(exc).__name__}: {exc}"[:2000]}
        sys.stdout.write(json.dumps(reply) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    serve()
