"""Extraction: IPython syntax neutralised, every line mapped back to its cell."""

from __future__ import annotations

import ast
import random

import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from harness.extract import extract_code, split_lines
from harness.intake import notebook_from_dict
from harness.submission import ExtractedCode, LineOrigin, Notebook


def _nb(*sources: str) -> Notebook:
    """Code cells from sources; a source starting with 'MD:' is a markdown cell."""
    cells = [new_markdown_cell(s[3:]) if s.startswith("MD:") else new_code_cell(s) for s in sources]
    return notebook_from_dict(new_notebook(cells=cells), "sub.ipynb")


def _extract(*sources: str) -> ExtractedCode:
    code = extract_code(_nb(*sources))
    ast.parse(code.text)  # whatever went in, the module parses
    assert len(code.origins) == code.text.count("\n")
    return code


def _line(code: ExtractedCode, cell: int, line: int) -> str:
    """The extracted text of (cell, line)."""
    number = code.origins.index(LineOrigin(cell, line))
    return code.text.splitlines()[number]


LINE_MAGICS = {
    "line-magic": ("%matplotlib inline", "#matplotlib inline"),
    "time-magic": ("%time x = f()", "#time x = f()"),
    "shell": ("!pip install numpy", "#pip install numpy"),
    "double-shell": ("!!ls", "#!ls"),
    "help-prefix": ("?len", "#len"),
    "help-suffix": ("np.linalg.norm?", "#np.linalg.norm?"),
    "help-double": ("obj.method??", "#obj.method??"),
    "autocall": ("/print 1", "#print 1"),
    "shell-assign": ("files = !ls -la", 'files = globals().get("files")  #!ls -la'),
    "magic-assign-tuple": ("a, b = %who_ls", 'a, b = globals().get("a")  #%who_ls'),
}


@pytest.mark.parametrize(("source", "expected"), LINE_MAGICS.values(), ids=LINE_MAGICS.keys())
def test_line_magics_become_inert(source: str, expected: str) -> None:
    code = _extract(f"import numpy as np\n{source}\ny = 2")
    assert _line(code, 0, 2) == expected
    assert _line(code, 0, 3) == "y = 2"  # alignment kept after the magic
    assert code.unparsable_cells == ()


def test_magic_comment_keeps_line_length() -> None:
    code = _extract("%timeit sorted(range(100))")
    assert len(code.text.splitlines()[0]) == len("%timeit sorted(range(100))")


def test_assigned_shell_output_stays_defined() -> None:
    """`files = !ls` must still bind `files`, or lint reports it undefined."""
    code = _extract("files = !ls\nprint(files)")
    assigned = {n.id for n in ast.walk(ast.parse(code.text)) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
    assert "files" in assigned


@pytest.mark.parametrize("magic", ["%%bash", "%%sh", "%%html", "%%writefile out.txt", "%%javascript", "%%mystery"])
def test_non_python_cell_magic_is_all_comments(magic: str) -> None:
    code = _extract(f"{magic}\necho 'hi' && ls\n\nfor f in *; do echo $f; done", "x = 1")
    lines = code.text.splitlines()
    assert all(line.startswith("#") or not line for line in lines[:4])
    assert lines[2] == ""  # blank lines stay blank
    assert code.origin(5) == LineOrigin(1, 1)


@pytest.mark.parametrize("magic", ["%%time", "%%timeit -n 3", "%%capture out"])
def test_python_cell_magic_keeps_body(magic: str) -> None:
    code = _extract(f"{magic}\ndef f():\n    return 1\n")
    assert code.text.splitlines() == [f"#{magic[1:]}", "def f():", "    return 1"]


def test_cell_magic_after_leading_blank_lines() -> None:
    code = _extract("\n\n%%bash\nls -la")
    assert code.text.splitlines()[2:] == ["#%bash", "#ls -la"]


def test_magic_alone_in_indented_block_keeps_block_valid() -> None:
    code = _extract("for i in range(3):\n    %time f(i)\nx = 1")
    assert _line(code, 0, 2) == "    pass  #%time f(i)"
    assert code.unparsable_cells == ()


def test_magic_in_indented_block_with_other_code_is_a_comment() -> None:
    code = _extract("def g():\n    %time f()\n    return 1")
    assert _line(code, 0, 2) == "    #time f()"


def test_continued_magic_lines_are_comments_too() -> None:
    code = _extract("%time total = sum(\\\n    [1, 2, 3])\nz = 0")
    assert code.text.splitlines() == ["#time total = sum(\\", "    #[1, 2, 3])", "z = 0"]


def test_magic_like_text_inside_strings_and_brackets_is_untouched() -> None:
    source = "s = '''\n%not a magic\n!nor this\n'''\nt = (1,\n     2)\nd = {'=%': 1}\nd['=%'] = 2\nu = 'it''s?'"
    code = _extract(source)
    assert code.text == source + "\n"


def test_uniformly_indented_cell_is_dedented_like_ipython() -> None:
    code = _extract("    a = 1\n    if a:\n        b = 2")
    assert code.text.splitlines() == ["a = 1", "if a:", "    b = 2"]


def test_line_map_points_at_cell_and_line() -> None:
    code = _extract(
        "import math",  # cell 0
        "MD:# Heading",  # cell 1: markdown, no lines
        "\n\ndef area(r):\n    return math.pi * r ** 2\n",  # cell 2
        "print(area(2))",  # cell 3
    )
    lines = code.text.splitlines()
    number = lines.index("    return math.pi * r ** 2") + 1
    assert number == 5
    assert code.origin(number) == LineOrigin(cell=2, line=4)
    assert code.origin(6) == LineOrigin(cell=3, line=1)
    assert code.origin(0) is None
    assert code.origin(7) is None


@pytest.mark.parametrize(
    ("source", "lines"),
    [("", []), ("a", ["a"]), ("a\n", ["a"]), ("a\n\n", ["a", ""]), ("a\r\nb\rc", ["a", "b", "c"]), ("a\x0cb\u2028c", ["a\x0cb\u2028c"])],
    ids=["empty", "one", "trailing-newline", "trailing-blank", "crlf-and-cr", "ff-and-u2028-not-newlines"],
)
def test_split_lines_counts_like_python(source: str, lines: list[str]) -> None:
    assert split_lines(source) == lines


def test_unparsable_cell_is_isolated() -> None:
    code = _extract("a = 1", "def broken(:\n    pass", "b = a + 1")
    assert code.unparsable_cells == (1,)
    assert code.text == "a = 1\nb = a + 1\n"
    assert code.origin(2) == LineOrigin(2, 1)
    assert all(o.cell != 1 for o in code.origins)


@pytest.mark.parametrize(
    "source",
    ["x = (1,", "'''never closed", "\x00", "if True:\nprint(1)", "%%time\n)", "((((" * 200, "x = 1 \\"],
    ids=["open-bracket", "open-string", "nul-byte", "bad-indent", "bad-cell-magic-body", "deep-brackets", "dangling-backslash"],
)
def test_bad_cells_are_reported_not_raised(source: str) -> None:
    code = _extract("ok = 1", source)
    assert code.unparsable_cells == (1,)
    assert code.text == "ok = 1\n"


def test_random_text_never_crashes() -> None:
    rng = random.Random(7)
    alphabet = "ab%!?/,;#:()[]{}'\"\\ \n\t=\r.*01"
    for _ in range(400):
        sources = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40))) for _ in range(3)]
        code = _extract(*sources)
        assert set(code.unparsable_cells) <= {0, 1, 2}
