"""Blind mode: pseudonyms, redaction of names, the separate reveal file."""

from __future__ import annotations

import dataclasses
import json
import stat
from pathlib import Path

from harness.batch.blind import Blinder, default_reveal_path, names_in
from harness.batch.items import plan
from harness.report import render_html, render_json
from tests.report.conftest import make_graded


def _notebook(authors: list[str]) -> bytes:
    return json.dumps({"metadata": {"authors": [{"name": a} for a in authors]},
                       "cells": []}).encode()


def test_names_come_from_distinguishing_path_parts_and_metadata(tmp_path: Path) -> None:
    items = plan([Path("subs/alice-smith/solution.ipynb"), Path("subs/bob/solution.ipynb")])
    names = names_in(items[0], _notebook(["Alice Smith"]), items)
    assert "alice-smith" in names and "Alice Smith" in names
    assert "subs" not in names and "solution" not in names


def test_pseudonyms_are_stable_with_the_reveal_file_and_hide_names(tmp_path: Path) -> None:
    reveal = tmp_path / "out-reveal.json"
    items = plan([Path("subs/alice-smith/solution.ipynb"), Path("subs/bob/solution.ipynb")])
    blinder = Blinder(reveal)
    alias = blinder.register(items[0], names_in(items[0], _notebook(["Alice Smith"]), items))
    assert alias.startswith("candidate-") and "alice" not in alias
    graded = make_graded()
    leaky = dataclasses.replace(graded, notebook=items[0].id,
                                message="Graded ALICE's notebook; smith wrote it")
    blinded = blinder.apply(items[0], leaky)
    for text in (render_json(blinded), render_html(blinded)):
        assert "alice" not in text.lower() and "smith" not in text.lower()
        assert alias in text
    # Enum values survive even when a name token matches them.
    assert [c.result.status for c in blinded.criteria] == [c.result.status for c in graded.criteria]
    blinder.save()
    assert stat.S_IMODE(reveal.stat().st_mode) == 0o600
    mapping = json.loads(reveal.read_text())["pseudonyms"]
    assert mapping[alias]["notebook"] == items[0].id
    assert Blinder(reveal).pseudonym(items[0]) == alias  # same key: same pseudonym
    assert Blinder(tmp_path / "other.json").pseudonym(items[0]) != alias  # new key: new ones


def test_the_reveal_file_sits_outside_the_output_folder(tmp_path: Path) -> None:
    out = tmp_path / "graded"
    reveal = default_reveal_path(out)
    assert out.resolve() not in reveal.parents and reveal.name == "graded-reveal.json"
