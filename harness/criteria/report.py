"""Report: markdown sections on the approach, what was tried, and what to improve.

Reviewers of take-homes ask candidates to describe their process; this finds
those three sections however a candidate titles them (any heading level,
a bold line, numbered, with or without a colon, common synonyms such as
"Results" or "Limitations", a few other languages, and a task's own
``[report.headings]``) and credits a section only for the candidate's own
words: the template's placeholder, lorem ipsum or a handful of words earn
nothing.  A part with no credited heading may still be found in the
candidate's prose (:mod:`harness.criteria.report_prose`) for most of its credit.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass

from harness.criteria._util import option_number, status_for
from harness.criteria.base import Context
from harness.criteria.report_prose import FALLBACK_CREDIT, ProsePart, find_prose_parts
from harness.extract import split_lines
from harness.result import CriterionResult, Evidence
from harness.submission import Notebook

SIMILAR = 0.8  # difflib ratio at or above which a section is the template's text

_LEAD = r"(?:(?:my|our|the|your|a|an)\s+)?"
# Matched at the start of the normalised heading, in this order; anchoring at
# the start keeps "Approaches tried" out of "approach" and "Next steps" out of
# "tried".
SECTIONS: tuple[tuple[str, str, re.Pattern[str]], ...] = (
    (
        "approach",
        "Approach",
        re.compile(
            _LEAD
            + r"(?:approach|method|methods|methodology|process|steps taken"
            r"|solution (?:overview|summary|approach|description|outline)"
            r"|overview of (?:my |the )?solution|summary of (?:my |the )?solution"
            r"|how (?:it|this|the solution|my solution) works"
            r"|how (?:i|we) (?:solved|approached|tackled) (?:it|this|the (?:task|problem))"
            r"|implementation|design|ansatz|vorgehen|vorgehensweise|lösungsweg|methodik"
            r"|approche|méthode|methode|enfoque|método|metodología)\b"
        ),
    ),
    (
        "tried",
        "What I tried",
        re.compile(
            _LEAD
            + r"(?:what (?:i|we) (?:have )?(?:tried|attempted|experimented with)"
            r"|what (?:was|i've|we've|has been) tried|things (?:i|we) tried"
            r"|experiments?|experimentation|attempts|tried|trials|what didn't work"
            r"|alternatives(?: considered| tried| explored)?"
            r"|(?:other |alternative )?approaches (?:tried|considered|explored)"
            r"|results|findings|observations|evaluation|discussion|what worked"
            r"|ergebnisse|versuche|résultats|essais|resultados|pruebas)\b"
        ),
    ),
    (
        "improve",
        "What I would improve with more time",
        re.compile(
            _LEAD
            + r"(?:what (?:i|we)(?: would|'d| will| could) (?:improve|change|add"
            r"|do differently|do next|do with more time)"
            r"|(?:possible |potential |further |future )?improvements?"
            r"|future (?:work|directions)|further work|next steps|outlook"
            r"|(?:with|if i had|given) more time|room for improvement"
            r"|(?:known |current )?limitations|what's next|ausblick|verbesserungen"
            r"|améliorations|perspectives|mejoras|trabajo futuro)\b"
        ),
    ),
)

_ATX = re.compile(r"^ {0,3}(#{1,6})(?!#)\s*(\S.*?)\s*#*\s*$")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)\s*$")
_BOLD = re.compile(r"^\s*(\*\*|__)(.+?)\1\s*(:?)\s*(.*)$")
_FENCE = re.compile(r"^\s*(```|~~~)")
_NUMBERING = re.compile(r"^(?:\d+(?:\.\d+)*[.)]?|[ivx]+[.)]|[a-z][.)]|step \d+[.:)]?)\s+")
_PLACEHOLDER = re.compile(r"replace this text|lorem ipsum", re.IGNORECASE)
_FILLER = re.compile(
    r"<!--.*?-->|\b(?:todo|tbd|fixme)\b|\.\.\.|<[^<>\n]*>|\[(?:your|write|add)[^\]]*\]",
    re.IGNORECASE | re.DOTALL,
)
_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)*")
BOLD_LEVEL = 7  # a bold-line heading sits below every '#' level


@dataclass(frozen=True)
class Section:
    """One heading that names a report section, and the text under it."""

    key: str  # "approach", "tried" or "improve"
    title: str  # the heading as written
    cell: int
    line: int  # 1-based line of the heading within its cell
    text: str


@dataclass(frozen=True)
class _Line:
    cell: int
    line: int
    text: str
    level: int = 0  # heading level, 0 for body text
    title: str = ""  # heading text without markup


def normalise_title(title: str) -> str:
    """Lower-case heading text without markup, numbering or trailing colon."""
    text = title.replace("\u2019", "'").replace("\u2018", "'").lower()
    text = re.sub(r"[*_`]", "", text)
    text = re.sub(r"^[^\w]+", "", text)  # bullets, emoji, stray punctuation
    text = _NUMBERING.sub("", text)
    text = re.sub(r"[\s:.?!-]+$", "", text)
    return re.sub(r"\s+", " ", text).strip()


Synonyms = Mapping[str, tuple[str, ...]]  # section key -> extra heading phrases (task.toml)


def section_key(title: str, synonyms: Synonyms | None = None) -> str | None:
    """Which report section a heading names, if any.

    ``synonyms`` are a task's own heading phrases (``[report.headings]`` in
    task.toml); like the built-in ones they match at the start of the
    heading, whole words, case-insensitively.
    """
    text = normalise_title(title)
    if not text or len(text.split()) > 12:
        return None
    for key, _, pattern in SECTIONS:
        if pattern.match(text):
            return key
    for key, phrases in (synonyms or {}).items():
        for phrase in phrases:
            wanted = normalise_title(phrase)
            if wanted and re.match(re.escape(wanted) + r"(?!\w)", text):
                return key
    return None


def _lines(notebook: Notebook, synonyms: Synonyms | None) -> list[_Line]:
    """Every markdown line in notebook order, headings marked with their level."""
    out: list[_Line] = []
    for cell in notebook.markdown_cells:
        rows = split_lines(cell.source)
        in_fence = False
        skip = 0  # the ==== or ---- under a setext heading
        for number, text in enumerate(rows, start=1):
            if number <= skip:
                continue
            if _FENCE.match(text):
                in_fence = not in_fence
            if in_fence or _FENCE.match(text):
                out.append(_Line(cell.index, number, text))
                continue
            lines, underlined = _classify(cell.index, number, text, rows, synonyms)
            out.extend(lines)
            skip = number + 1 if underlined else 0
    return out


def _classify(
    cell: int, number: int, text: str, rows: list[str], synonyms: Synonyms | None
) -> tuple[list[_Line], bool]:
    """Lines for one markdown row, and whether the next row underlines it."""
    if match := _ATX.match(text):
        return [_Line(cell, number, "", len(match.group(1)), match.group(2))], False
    if match := _BOLD.match(text):
        title, colon, rest = match.group(2), match.group(3), match.group(4)
        if not rest:
            return [_Line(cell, number, "", BOLD_LEVEL, title)], False
        # "**Approach:** I used ..." is a heading with its content on the line;
        # any other bold lead-in is just emphasis in a paragraph.
        if (colon or title.rstrip().endswith(":")) and section_key(title, synonyms):
            return [_Line(cell, number, "", BOLD_LEVEL, title), _Line(cell, number, rest)], False
        return [_Line(cell, number, text)], False
    following = rows[number] if number < len(rows) else ""
    # List items and quotes followed by ---- are not headings in practice.
    plain = text.strip() and not text.lstrip().startswith(("-", "*", "+", ">"))
    if plain and _SETEXT.match(following):
        level = 1 if following.strip().startswith("=") else 2
        return [_Line(cell, number, "", level, text.strip())], True
    return [_Line(cell, number, text)], False


def find_sections(notebook: Notebook, synonyms: Synonyms | None = None) -> list[Section]:
    """All headings that name a report section, each with the text below it.

    A section runs until the next heading of the same or a higher level, or
    the next heading that starts another report section (so "### What I
    tried" nested under "## Approach" does not lend it words); it continues
    across markdown cells, and code cells in between do not end it.
    """
    lines = _lines(notebook, synonyms)
    found: list[Section] = []
    for position, head in enumerate(lines):
        key = section_key(head.title, synonyms) if head.level else None
        if key is None:
            continue
        body: list[str] = []
        for row in lines[position + 1 :]:
            if row.level and (
                row.level <= head.level or section_key(row.title, synonyms) not in (None, key)
            ):
                break
            body.append(row.title if row.level else row.text)
        found.append(Section(key, head.title, head.cell, head.line, "\n".join(body).strip()))
    return found


def _normalise(text: str) -> str:
    text = re.sub(r"\]\([^)]*\)", "]", text)  # keep a link's words, drop its URL
    text = re.sub(r"[*_`#>\[\]|]", " ", text.replace("\u2019", "'").lower())
    return re.sub(r"\s+", " ", text).strip()


@dataclass(frozen=True)
class _Verdict:
    section: Section
    words: int
    problem: str  # "" when the section earns credit


def _similar(text: str, original: str) -> bool:
    # The quick upper bounds skip the quadratic comparison for long sections.
    matcher = difflib.SequenceMatcher(None, text, original)
    return (
        matcher.real_quick_ratio() >= SIMILAR
        and matcher.quick_ratio() >= SIMILAR
        and matcher.ratio() >= SIMILAR
    )


def _judge(section: Section, template: Section | None, min_words: int) -> _Verdict:
    if _PLACEHOLDER.search(section.text):
        return _Verdict(section, 0, "placeholder")
    text = _normalise(_FILLER.sub(" ", section.text))
    if template is not None:
        original = _normalise(_FILLER.sub(" ", template.text))
        if original and _similar(text, original):
            return _Verdict(section, 0, "template")
        # Instructions kept from the template are not the candidate's words.
        for row in template.text.splitlines():
            kept = _normalise(_FILLER.sub(" ", row))
            if kept:
                text = text.replace(kept, " ")
    words = len(_WORD.findall(text))
    return _Verdict(section, words, "" if words >= min_words else "short")


def _headed(
    sections: list[Section], template_sections: list[Section], min_words: int
) -> tuple[dict[str, _Verdict], dict[str, list[str]]]:
    """The best verdict per part among its headed sections, and the text of short ones.

    Sections judged too short stay too short: their words do not come back
    as prose for the same part.
    """
    best: dict[str, _Verdict] = {}
    judged: dict[str, list[str]] = {}
    for key, _, _ in SECTIONS:
        template = next((s for s in template_sections if s.key == key), None)
        verdicts = [_judge(s, template, min_words) for s in sections if s.key == key]
        judged[key] = [v.section.text for v in verdicts if v.problem == "short"]
        if verdicts:
            # The first occurrence with real content, else the fullest one.
            best[key] = next((v for v in verdicts if not v.problem), None) or max(
                verdicts, key=lambda v: v.words
            )
    return best, judged


class Report:
    """Three report sections with real content, one third of the score each."""

    name = "report"

    def evaluate(self, context: Context) -> CriterionResult:
        """Find each section, judge its content, and point at its heading."""
        submission = context.submission
        min_words = int(
            option_number(
                context.options, "min_words", 20, criterion=self.name, bounds=(0, 100_000)
            )
        )
        synonyms = context.task.report_headings if context.task is not None else {}
        sections = find_sections(submission.notebook, synonyms)
        template_sections = (
            find_sections(submission.template, synonyms) if submission.template else []
        )
        best, judged = _headed(sections, template_sections, min_words)
        uncredited = tuple(key for key, _, _ in SECTIONS if key not in best or best[key].problem)
        prose = find_prose_parts(
            submission.notebook, submission.template, uncredited, min_words, judged
        )
        evidence = [
            _part_evidence(key, label, best, prose, min_words) for key, label, _ in SECTIONS
        ]
        missing = [label for key, label, _ in SECTIONS if key not in best and key not in prose]
        weak = [
            label for key, label, _ in SECTIONS
            if key in best and best[key].problem and key not in prose
        ]
        credited = sum(1 for verdict in best.values() if not verdict.problem)
        score = (credited + FALLBACK_CREDIT * len(prose)) / len(SECTIONS)
        summary = f"{credited} of {len(SECTIONS)} report sections have real content"
        if prose:
            summary += f"; {len(prose)} more found in your prose without a heading"
        advice = _advice(missing, weak, min_words)
        if prose:
            advice = (advice + " " if advice else "") + (
                "Put each part of your report under its own heading "
                "(Approach, What I tried, What I would improve) for full marks."
            )
        return CriterionResult(
            id=self.name,
            score=score,
            status=status_for(score),
            summary=summary + ".",
            evidence=tuple(evidence),
            advice=advice,
            details={
                "words": {key: verdict.words for key, verdict in best.items()},
                "prose_words": {key: part.words for key, part in prose.items()},
                "min_words": min_words,
            },
        )


def _part_evidence(
    key: str, label: str, best: dict[str, _Verdict], prose: dict[str, ProsePart], min_words: int
) -> Evidence:
    """The evidence for one part: its heading's verdict, or where the prose covers it."""
    if key in prose:
        part = prose[key]
        return Evidence(
            f"{label!r} found in your prose without a heading: {part.words} words "
            f"({FALLBACK_CREDIT:.0%} of the credit)",
            kind="prose-section",
            severity="warning",
            cell=part.cell,
        )
    if key in best:
        return _evidence(label, best[key], min_words)
    return Evidence(
        f"no {label!r} section: add a markdown heading such as '## {label}'",
        kind="missing-section",
        severity="warning",
    )


def _evidence(label: str, verdict: _Verdict, min_words: int) -> Evidence:
    section = verdict.section
    if verdict.problem == "placeholder":
        return Evidence(
            f"{label!r} section ({section.title!r}) still holds placeholder text",
            kind="placeholder",
            severity="warning",
            cell=section.cell,
            line=section.line,
        )
    if verdict.problem == "template":
        return Evidence(
            f"{label!r} section ({section.title!r}) is the template's text, unchanged",
            kind="placeholder",
            severity="warning",
            cell=section.cell,
            line=section.line,
        )
    if verdict.problem == "short":
        return Evidence(
            f"{label!r} section ({section.title!r}) has {verdict.words} words of your own; "
            f"{min_words} are needed",
            kind="short-section",
            severity="warning",
            cell=section.cell,
            line=section.line,
        )
    return Evidence(
        f"{label!r} section ({section.title!r}): {verdict.words} words",
        kind="section",
        cell=section.cell,
        line=section.line,
    )


def _advice(missing: list[str], weak: list[str], min_words: int) -> str:
    parts: list[str] = []
    if missing:
        parts.append("Add markdown sections for: " + ", ".join(missing) + ".")
    if weak:
        parts.append(
            "Replace the placeholder with your own words, at least "
            f"{min_words} of them, in: " + ", ".join(weak) + "."
        )
    if parts:
        parts.append(
            "Reviewers read these to understand your process: the steps you took, "
            "what you tried and dropped, and what you would do with more time."
        )
    return " ".join(parts)
