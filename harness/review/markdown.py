"""The candidate's markdown, rendered so none of it can run or call home.

markdown-it with raw HTML off turns ``<script>`` and ``<img onerror=...>``
into visible text; its link check drops ``javascript:``, ``vbscript:`` and
``data:`` targets; images are switched off so a remote picture cannot tell a
candidate when a reviewer opened the page.  The page's CSP is the second
wall behind this one.
"""

from __future__ import annotations

from markdown_it import MarkdownIt

from harness.text import clean

MARKDOWN_CAP = 50_000  # characters per cell

_MD = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
_MD.disable("image")


def render_markdown_safely(source: str) -> str:
    """HTML for one markdown cell: no raw HTML, no script links, no images."""
    return str(_MD.render(clean(source, MARKDOWN_CAP)))
