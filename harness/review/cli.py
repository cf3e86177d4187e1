"""``takehome review DIR``: parse the options, serve, print the link."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from harness.errors import EXIT_GRADED, InputError


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
    review.add_argument("--reveal", type=Path, metavar="FILE",
                        help="a blind batch's reveal file: lets a reviewer reveal names "
                        "(recorded); default: DIR-reveal.json beside DIR when present")
    review.add_argument("--no-browser", dest="browser", action="store_false",
                        help="print the link without opening a browser")


def run(args: argparse.Namespace) -> int:
    """Serve until Ctrl+C."""
    # Imported here so other commands start without the web stack.
    from harness.batch.blind import default_reveal_path  # pylint: disable=import-outside-toplevel
    from harness.review.server import serve  # pylint: disable=import-outside-toplevel

    if args.reveal is not None and not args.reveal.is_file():
        raise InputError(f"{args.reveal}: no such reveal file; pass the file "
                         "`takehome grade --blind` printed")
    reveal = args.reveal if args.reveal is not None else default_reveal_path(args.folder)
    serve(args.folder, reviewer=args.reviewer, host=args.host, port=args.port,
          open_browser=args.browser, reveal=reveal)
    return EXIT_GRADED
