"""Normalised token streams: code reduced to what survives a disguise.

Renaming identifiers, rewording comments and docstrings, changing literals
or re-spacing lines are the cheap ways to disguise a copy, so every name
becomes ``V``, every number ``N``, every string ``S``; comments, blank lines
and docstrings vanish.  Keywords, operators and block structure (newline,
indent, dedent) stay: they are what a copy keeps.  Python's own tokenizer
does the work, so ``#`` inside a string or a line continuation is never
misread.
"""

from __future__ import annotations

import io
import keyword
import tokenize
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from harness.submission import ExtractedCode

_DROPPED = {tokenize.COMMENT, tokenize.NL, tokenize.ENCODING, tokenize.ENDMARKER}
_STRUCTURE = {tokenize.NEWLINE: ";", tokenize.INDENT: "{", tokenize.DEDENT: "}"}
_STATEMENT_START = {";", "{", "}"}


@dataclass(frozen=True)
class Token:
    """One normalised token and the notebook place it came from."""

    text: str
    cell: int
    line: int  # 1-based line within the cell


def _normalise(token: tokenize.TokenInfo) -> str | None:
    if token.type in _DROPPED:
        return None
    if token.type in _STRUCTURE:
        return _STRUCTURE[token.type]
    if token.type == tokenize.NAME:
        return token.string if keyword.iskeyword(token.string) else "V"
    if token.type == tokenize.NUMBER:
        return "N"
    if token.type == tokenize.STRING:
        return "S"
    return token.string


def _raw_tokens(text: str) -> Iterator[tokenize.TokenInfo]:
    """Tokens of ``text``, stopping quietly where it stops tokenizing."""
    try:
        yield from tokenize.generate_tokens(io.StringIO(text).readline)
    except (tokenize.TokenError, SyntaxError):
        pass  # extracted code parses; a bad known source just ends early


def normalised_tokens(code: ExtractedCode, keep: Callable[[int, int], bool]) -> list[Token]:
    """Normalised tokens of the lines ``keep(cell, line)`` accepts, in code order.

    A docstring (a string that is a whole statement) is dropped with its
    newline: rewording one is the cheapest disguise and it is prose anyway.
    """
    found: list[Token] = []
    for raw in _raw_tokens(code.text):
        text = _normalise(raw)
        if text is None:
            continue
        origin = code.origin(raw.start[0])
        if origin is None or not keep(origin.cell, origin.line):
            continue
        if text == ";" and len(found) >= 2 and found[-1].text == "S" and (
            found[-2].text in _STATEMENT_START
        ):
            found.pop()  # the docstring, and this newline with it
            continue
        if text == ";" and (not found or found[-1].text in _STATEMENT_START):
            continue  # an empty statement left by a dropped line
        found.append(Token(text, origin.cell, origin.line))
    return found
