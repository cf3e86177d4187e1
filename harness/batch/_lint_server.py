"""The lint process of :mod:`harness.batch.lint_worker` (run as a script).

It imports pylint once and nothing of the harness (importing the harness
package would cost the grader's start-up again), then lints one request per
line: ``{"args": [...], "cwd": "..."}`` with the arguments and folder the
client prepared.  The reply is one line, ``{"messages": [...]}`` (pylint's
JSON output) or ``{"error": "..."}``.  Between requests astroid's caches are
cleared so one submission cannot influence the next.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import signal
import sys


def serve() -> None:
    """Answer lint requests from stdin until it closes."""
    import astroid
    from pylint.lint import Run

    # Ctrl-C reaches the whole process group; the grader decides what stops.
    signal.signal(signal.SIGINT, signal.SIG_IGN)

    home = os.getcwd()
    for request in sys.stdin:
        try:
            data = json.loads(request)
            output = io.StringIO()
            os.chdir(data["cwd"])  # as a fresh `python -m pylint` in that folder would run
            try:
                # The configuration's --output-format=json reporter writes to
                # sys.stdout, which is our reply channel: capture it.
                with contextlib.redirect_stdout(output):
                    Run([str(a) for a in data["args"]], exit=False)
            finally:
                os.chdir(home)
                astroid.MANAGER.clear_cache()
            reply = {"messages": json.loads(output.getvalue() or "[]")}
        except Exception as exc:  # pylint: disable=broad-exception-caught  # the client raises it
            reply = {"error": f"{type(exc).__name__}: {exc}"[:2000]}
        sys.stdout.write(json.dumps(reply) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    serve()
