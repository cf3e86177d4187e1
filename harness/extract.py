"""Extraction: all code cells as one Python module with a line map to cells.

Static criteria (pylint, docstrings, provenance) need plain Python, but
notebook cells hold IPython syntax too.  Rather than run IPython's own
transformer (which rewrites magics into ``get_ipython()`` calls, turns cell
bodies into strings and joins continuation lines, so line numbers drift),
this module neutralises IPython-only lines *in place*:

* line magics, shell escapes, ``?`` help and autocall escapes become comment
  lines of the same length (``%time f()`` -> ``#time f()``);
* ``x = !ls`` and ``x = %who_ls`` keep their target, so later uses of ``x``
  are not "undefined": ``x = globals().get("x")  #!ls`` (pylint cannot infer
  that value, so it raises no false type errors either);
* a cell magic whose body is Python (``%%time``, ``%%capture``...) loses only
  its first line; any other (``%%bash``, ``%%html``...) becomes all comments.

Only lines that *start* a logical line are candidates, which needs a small
scanner that tracks brackets, strings and backslash continuations.  Every
extracted line keeps its (cell, line) origin; a cell that still does not
parse is left out whole, so one broken cell does not blind the linter.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

from harness.submission import Cell, ExtractedCode, LineOrigin, Notebook

__all__ = ["extract_code", "split_lines", "PYTHON_CELL_MAGICS"]

# Cell magics whose body is ordinary Python run in the kernel's namespace.
PYTHON_CELL_MAGICS = frozenset({"time", "timeit", "capture", "prun", "debug"})

_MAX_RECHECK_LINES = 20_000
# The lines of a cell as Python's tokenizer counts them: \r\n, \r and \n
# end a line, but not \f, \v or \u2028, which str.splitlines() also splits on.
_NEWLINE_RE = re.compile(r"\r\n|\r|\n")
# IPython's escapes at the start of a logical line: %, %%, !, !!, ?, ??, and
# the autocall escapes / , ;.
_ESCAPE_CHARS = frozenset("%!?/,;")
# `target = !cmd` / `target = %magic`: IPython's SystemAssign/MagicAssign.
# No quotes in the target: `d['=%'] = 1` is Python, not a magic assignment.
_ASSIGN_RE = re.compile(r"^(?P<target>[A-Za-z_][\w.,\s\[\]()*]*?)\s*=\s*(?P<rest>[!%].*)$")
# `obj?`, `obj.attr??`, `%magic?`: IPython's help_end.
_HELP_END_RE = re.compile(r"^%{0,2}[A-Za-z_*][\w.*\[\]'\"]*\?{1,2}$")


def split_lines(source: str) -> list[str]:
    """Lines of a cell source, numbered as the notebook UI and Python do.

    A final newline does not start an extra empty line: ``"a\\n"`` is one line.
    """
    if not source:
        return []
    lines = _NEWLINE_RE.split(source)
    if lines[-1] == "":
        lines.pop()
    return lines


def extract_code(nb: Notebook) -> ExtractedCode:
    """Concatenate every code cell into one parseable module with a line map."""
    text_lines: list[str] = []
    origins: list[LineOrigin] = []
    unparsable: list[int] = []
    kept: list[_CellCode] = []
    for cell in nb.code_cells:
        code = _cell_code(cell)
        if code is None:
            unparsable.append(cell.index)
        else:
            kept.append(code)
    # Cells that parse alone parse together (each ends its statements at
    # column 0); the check is insurance, skipped for huge modules where
    # parsing again would double the cost.
    total = sum(len(c.lines) for c in kept)
    if total <= _MAX_RECHECK_LINES and not _parses("".join(c.text for c in kept)):
        kept = _drop_conflicting(kept, unparsable)
    for code in kept:
        text_lines.extend(code.lines)
        origins.extend(LineOrigin(code.index, n) for n in range(1, len(code.lines) + 1))
    text = "".join(line + "\n" for line in text_lines)
    return ExtractedCode(text=text, origins=tuple(origins), unparsable_cells=tuple(sorted(unparsable)))


@dataclass(frozen=True)
class _CellCode:
    index: int
    lines: tuple[str, ...]

    @property
    def text(self) -> str:
        return "".join(line + "\n" for line in self.lines)


def _cell_code(cell: Cell) -> _CellCode | None:
    """The cell as Python lines aligned 1:1 with its source, or None."""
    lines = split_lines(cell.source)
    if not lines:
        return _CellCode(cell.index, ())
    lines = _dedent_like_ipython(lines)
    body_start = _first_code_line(lines)
    if body_start is not None and lines[body_start].lstrip().startswith("%%"):
        magic = lines[body_start].lstrip()[2:].split(maxsplit=1)
        name = magic[0] if magic else ""
        lines = list(lines)
        lines[body_start] = _as_comment(lines[body_start])
        if name not in PYTHON_CELL_MAGICS:
            # Not Python (bash, html, writefile, an unknown magic...): all comments.
            body = [_as_comment(x) if x.strip() else x for x in lines[body_start + 1 :]]
            return _CellCode(cell.index, tuple(lines[: body_start + 1] + body))
    for placeholder in (False, True):
        # First try plain comments; if that empties an indented block
        # ("if x:\n    %time f()"), retry with `pass  #...` for indented magics.
        converted = _neutralise(lines, indented_pass=placeholder)
        if _parses("".join(x + "\n" for x in converted)):
            return _CellCode(cell.index, tuple(converted))
    return None


def _parses(text: str) -> bool:
    try:
        ast.parse(text)
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        # ValueError: NUL bytes (Python < 3.12); MemoryError/RecursionError:
        # absurdly nested expressions, which CPython's parser reports this way.
        return False
    return True


def _drop_conflicting(kept: list[_CellCode], unparsable: list[int]) -> list[_CellCode]:
    """Grow the module cell by cell, leaving out any cell that breaks it."""
    result: list[_CellCode] = []
    text = ""
    for code in kept:
        if _parses(text + code.text):
            result.append(code)
            text += code.text
        else:
            unparsable.append(code.index)
    return result


def _first_code_line(lines: list[str]) -> int | None:
    for number, line in enumerate(lines):
        if line.strip():
            return number
    return None


def _dedent_like_ipython(lines: list[str]) -> list[str]:
    """Remove the first line's indentation from every line, as IPython does.

    A cell pasted with a uniform indent runs in IPython; without this it
    would be an IndentationError here.
    """
    first = _first_code_line(lines)
    if first is None:
        return lines
    indent = lines[first][: len(lines[first]) - len(lines[first].lstrip(" \t"))]
    if not indent:
        return lines
    return [line[len(indent) :] if line.startswith(indent) else line for line in lines]


def _as_comment(line: str) -> str:
    """A comment of the same length where possible: ``%time f()`` -> ``#time f()``."""
    stripped = line.lstrip()
    indent = line[: len(line) - len(stripped)]
    if stripped[:1] in _ESCAPE_CHARS:
        return f"{indent}#{stripped[1:]}"
    return f"{indent}#{stripped}"


def _magic_replacement(line: str, indented_pass: bool) -> str | None:
    """The inert replacement of an IPython-only logical line, or None if it is Python."""
    stripped = line.strip()
    indent = line[: len(line) - len(line.lstrip())]
    # Cheap tests first: this runs on every statement line of every cell.
    assign = _ASSIGN_RE.match(stripped) if ("!" in stripped or "%" in stripped) else None
    if assign:
        target = assign.group("target").strip()
        first = re.match(r"[A-Za-z_]\w*", target)
        key = first.group(0) if first else "_"
        return f'{indent}{target} = globals().get("{key}")  #{assign.group("rest")}'
    if stripped[:1] in _ESCAPE_CHARS or (stripped.endswith("?") and _HELP_END_RE.match(stripped)):
        if indented_pass and indent:
            return f"{indent}pass  #{stripped}"
        return _as_comment(line)
    return None


@dataclass
class _ScanState:
    """Lexical state carried from one physical line to the next."""

    depth: int = 0  # open (, [, {
    string: str | None = None  # the open triple quote, if inside one
    continued: bool = False  # the previous line ended with a backslash

    @property
    def at_statement_start(self) -> bool:
        return self.depth == 0 and self.string is None and not self.continued


def _neutralise(lines: list[str], *, indented_pass: bool) -> list[str]:
    """Replace IPython-only logical lines, keeping one output line per input line."""
    state = _ScanState()
    out: list[str] = []
    number = 0
    while number < len(lines):
        line = lines[number]
        replacement = _magic_replacement(line, indented_pass) if state.at_statement_start else None
        if replacement is None:
            _scan(line, state)
            out.append(line)
            number += 1
            continue
        out.append(replacement)
        number += 1
        # IPython joins backslash-continued magic lines into one command.
        while line.rstrip().endswith("\\") and number < len(lines):
            line = lines[number]
            out.append(_as_comment(line) if line.strip() else line)
            number += 1
    return out


# What the scanner stops at outside strings, and inside each kind of string.
_CODE_STOP_RE = re.compile(r"[\"'#()\[\]{}\\]")
_STRING_STOP_RE = {q: re.compile(r"\\.?|" + re.escape(q)) for q in ('"', "'", '"""', "'''")}


def _scan(line: str, state: _ScanState) -> None:
    """Advance ``state`` over one physical line of Python.

    Jumps between interesting characters with regexes: this runs on every
    line of every cell, so a per-character loop would dominate extraction.
    """
    state.continued = False
    i = 0
    end = len(line)
    while i < end:
        if state.string is not None:
            i = _string_end(line, i, state.string)
            if i < 0:
                return  # the triple-quoted string goes on past this line
            state.string = None
            continue
        found = _CODE_STOP_RE.search(line, i)
        if found is None:
            return
        char = found.group()
        i = found.end()
        if char == "#":
            return
        if char in "\"'":
            quote = char * 3 if line.startswith(char * 3, i - 1) else char
            i += len(quote) - 1
            state.string = quote
            if len(quote) == 1:
                end_of_string = _string_end(line, i, quote)
                # An unterminated short string ends with the line (a syntax
                # error the parser will report; the scan must go on).
                i = end if end_of_string < 0 else end_of_string
                state.string = None
        elif char in "([{":
            state.depth += 1
        elif char in ")]}":
            state.depth = max(0, state.depth - 1)
        elif char == "\\" and not line[i:].strip():
            state.continued = True
            return


def _string_end(line: str, start: int, quote: str) -> int:
    """Index just past the closing ``quote`` at or after ``start``, or -1.

    A backslash always protects the next character, raw string or not.
    """
    pattern = _STRING_STOP_RE[quote]
    position = start
    while True:
        found = pattern.search(line, position)
        if found is None:
            return -1
        if found.group() == quote:
            return found.end()
        position = found.end()
