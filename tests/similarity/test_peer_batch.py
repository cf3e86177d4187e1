"""Peer copy detection through `takehome grade` on several notebooks (local sandbox)."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

from harness.cli import main
from tests.conftest import KMEANS
from tests.criteria.conftest import write_notebook
from tests.similarity.test_fingerprint import INDEPENDENT, ORIGINAL

HOSTILE = "<script>alert(1)</script>"


def _with_code(path: Path, code: str) -> Path:
    cells = [(c["cell_type"], "".join(c["source"]))
             for c in json.loads((KMEANS / "template.ipynb").read_text())["cells"]]
    stub = next(i for i, (_, s) in enumerate(cells) if "def kmeans" in s)
    cells[stub] = ("code", cells[stub][1] + "\n\n" + code)
    return write_notebook(path, cells)


def test_copied_pair_is_listed_charged_and_shown_side_by_side(tmp_path: Path) -> None:
    original = _with_code(tmp_path / "alice.ipynb", ORIGINAL)
    renamed = ORIGINAL.replace("points", "pts").replace("centres", "mu").replace(
        "labels", "lab") + f"\n# {HOSTILE}\n"
    copy = _with_code(tmp_path / "bob.ipynb", renamed)
    other = _with_code(tmp_path / "carol.ipynb", "import numpy as np\n\n\n" + INDEPENDENT)
    out = tmp_path / "out"
    main(["grade", str(original), str(copy), str(other), "--task", str(KMEANS),
          "--out", str(out), "--sandbox", "local", "--quiet"])
    rows = list(csv.DictReader((out / "similarity.csv").read_text().splitlines()))
    assert [(r["first"], r["second"]) for r in rows] == [("alice", "bob")]
    assert float(rows[0]["share"]) > 0.8 and re.search(r"cell 2, lines \d+-\d+", rows[0]["regions"])
    bob = json.loads((out / "bob.json").read_text())
    provenance = next(c for c in bob["criteria"] if c["id"] == "provenance")
    assert any("submission 'alice'" in e["message"] for e in provenance["evidence"])
    assert "shared with 1 other submission" in provenance["summary"]
    carol = json.loads((out / "carol.json").read_text())
    assert not any(e["kind"] == "undeclared-copy"
                   for c in carol["criteria"] for e in c["evidence"])
    index = (out / "index.html").read_text()
    assert "Suspicious pairs" in index and "side-by-side" in index
    assert "def lloyd(pts, k, rounds=50):" in index
    assert HOSTILE not in index
    gradebook = {r["notebook"]: r for r in csv.DictReader((out / "gradebook.csv").read_text().splitlines())}
    assert float(gradebook[str(copy)]["percent"]) == bob["percent"]


def test_rerun_and_shard_merge_fold_each_copy_once(tmp_path: Path) -> None:
    """The batch step runs again on every resume and merge; a copy is charged once."""
    original = _with_code(tmp_path / "alice.ipynb", ORIGINAL)
    copy = _with_code(tmp_path / "bob.ipynb", ORIGINAL.replace("points", "pts"))
    other = _with_code(tmp_path / "carol.ipynb", "import numpy as np\n\n\n" + INDEPENDENT)
    notebooks = [str(original), str(copy), str(other)]
    common = ["--task", str(KMEANS), "--sandbox", "local", "--quiet"]
    whole = tmp_path / "whole"
    main(["grade", *notebooks, "--out", str(whole), *common])
    first = (whole / "bob.json").read_text()
    main(["grade", *notebooks, "--out", str(whole), *common])  # nothing regraded, step reruns
    assert (whole / "bob.json").read_text() == first
    # Shards: alice and bob may land in different shards; the merge compares them.
    for k in (1, 2):
        main(["grade", *notebooks, "--out", str(tmp_path / f"s{k}"), "--shard", f"{k}/2", *common])
    merged = tmp_path / "merged"
    main(["gradebook", "merge", str(tmp_path / "s1"), str(tmp_path / "s2"), "--out", str(merged)])
    rows = list(csv.DictReader((merged / "similarity.csv").read_text().splitlines()))
    assert [(r["first"], r["second"]) for r in rows] == [("alice", "bob")]
    assert json.loads((merged / "bob.json").read_text())["percent"] == json.loads(first)["percent"]
