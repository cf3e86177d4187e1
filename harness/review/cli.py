"""``takehome review DIR``: parse the options, serve, print the link."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from harness.errors import EXIT_GRADED


def _port(text: str) -> int:
    value = int(text) if text.isdigit() else -1
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port (0 to 65535; 0 picks a free one)")
    return value


def register(commands: Any) -> None:
    """Add the ``review`` subcommand to the CLI's subparsers."""
    review = commands.add_parser(
        "review", help="review a graded batch in the browser: comment, override, decide")
    review.add_argument("folder", type=Path, metavar="DIR",
                        help="a batch output folder (holds gradebook.sqlite)")
    review.add_argument("--reviewer", help="your name on every change (default: the OS user)")
    review.add_argument("--host", default="127.0.0.1",
                        help="address to listen on (default: 127.0.0.1, this machine only)")
    review.add_argument("--port", type=_port, default=0,
                        help="port to listen on (default: a free one)")
    review.add_argument("--no-browser", dest="browser", action="store_false",
                        help="print the link without opening a browser")


def run(args: argparse.Namespace) -> int:
    """Serve until Ctrl+C."""
    from harness.review.server import serve

    serve(args.folder, reviewer=args.reviewer, host=args.host, port=args.port,
          open_browser=args.browser)
    return EXIT_GRADED
