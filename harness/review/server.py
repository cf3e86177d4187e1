"""Serve the review app for one batch folder on a local port.

:func:`open_review` wires the pieces (gradebook, review store, secrets, app);
:func:`serve` runs it with uvicorn on 127.0.0.1 unless told otherwise.  The
socket is bound before the URL is printed, so the printed link always works
and port 0 means "any free port".
"""

from __future__ import annotations

import getpass
import signal
import socket
import sys
import threading
import webbrowser
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import uvicorn
from starlette.applications import Starlette

from harness.errors import InputError
from harness.review.app import create_app
from harness.review.export import write_review_exports
from harness.review.gradebook_batch import GradebookBatch, gradebook_path, reveal_names
from harness.review.security import TOKEN_PARAM, Secrets
from harness.review.store import ReviewStore

LOOPBACK = ("127.0.0.1", "localhost", "::1")


def default_reviewer() -> str:
    """The OS user: who made a change when --reviewer is not given."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry (some containers)
        return "reviewer"


def allowed_hosts(host: str, port: int) -> frozenset[str]:
    """Host headers the app accepts; empty (any) when bound beyond loopback."""
    if host not in LOOPBACK:
        return frozenset()
    shown = f"[{host}]" if ":" in host else host
    return frozenset({f"{shown}:{port}", f"localhost:{port}", f"127.0.0.1:{port}"})


@dataclass(frozen=True)
class Review:
    """An app ready to serve, and what it holds open."""

    app: Starlette
    keys: Secrets
    store: ReviewStore


@contextmanager
def open_review(folder: Path, reviewer: str, hosts: frozenset[str] = frozenset(),
                reveal: Path | None = None) -> Iterator[Review]:
    """The review app over ``folder``'s gradebook; closes the files on exit.

    ``reveal`` is a blind batch's reveal file: with it a reviewer can reveal
    names (recorded); without it names stay hidden whatever is clicked.
    """
    path = gradebook_path(folder)
    keys = Secrets()
    batch = GradebookBatch(path, names=reveal_names(reveal))
    store = ReviewStore(path, reviewer)
    try:
        app = create_app(batch, store, keys, hosts, lambda: write_review_exports(folder))
        yield Review(app, keys, store)
    finally:
        store.close()
        batch.close()


def bind(host: str, port: int) -> socket.socket:
    """A listening socket, or an InputError that says what to change."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise InputError(f"cannot listen on {host}:{port} ({exc.strerror}); "
                         "pick another --port") from exc
    sock.listen(64)
    return sock


def serve(folder: Path, *, reviewer: str | None = None, host: str = "127.0.0.1",  # pylint: disable=too-many-arguments  # one per CLI option
          port: int = 0, open_browser: bool = True, reveal: Path | None = None,
          announce: Callable[[str], None] = lambda line: print(line, file=sys.stderr)) -> None:
    """Serve the review app until interrupted (Ctrl+C), then write the exports."""
    gradebook_path(folder)  # a wrong folder fails before a port is taken
    with bind(host, port) as sock:
        actual = sock.getsockname()[1]
        with open_review(folder, reviewer or default_reviewer(), allowed_hosts(host, actual),
                         reveal) as review:
            shown = f"[{host}]" if ":" in host else host
            url = f"http://{shown}:{actual}/?{TOKEN_PARAM}={review.keys.token}"
            if host not in LOOPBACK:
                announce(f"warning: listening on {host}, beyond this machine; "
                         "anyone with the link can read and change the review")
            announce(f"reviewing {folder} as {review.store.reviewer}")
            announce(f"open {url}  (Ctrl+C stops; every change is already saved)")
            if open_browser:
                threading.Timer(0.5, webbrowser.open, args=(url,)).start()
            _run_until_stopped(review.app, sock)
    # The review is already stored; the files now show it too.
    written = write_review_exports(folder)
    announce(f"exports written: {len(written)} files in {folder}")


def _run_until_stopped(app: Starlette, sock: socket.socket) -> None:
    """uvicorn on ``sock`` until Ctrl+C or SIGTERM, both a normal stop."""
    config = uvicorn.Config(app, log_level="warning", lifespan="off")
    # uvicorn re-raises the signal that stopped it; SIGTERM would then end the
    # process at once, so it becomes the same clean stop as Ctrl+C.
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        uvicorn.Server(config).run(sockets=[sock])
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt(f"signal {signum}")
