"""Write the validity benchmark's notebooks from impls.py and texts.py (deterministic).

    .venv/bin/python bench/validity/build.py

Writes ranked/, copies/, independent/ and known_sources/ next to this file,
plus truth.json: the reviewer's rank of every ranked notebook and, for every
copy, what it was derived from and whether the copy is declared.  Rerunning
gives byte-identical files.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

# pylint: disable=wrong-import-position
from impls import IMPLS, ORIGINALS  # noqa: E402
from texts import APPROACH, IMPROVE, PROSE, RESULTS, SHORT_TESTS, TESTS, THIN, TRIED  # noqa: E402

ROOT = HERE.parent.parent
TEMPLATE = json.loads((ROOT / "tasks" / "kmeans" / "template.ipynb").read_text())
SOLUTION = json.loads((ROOT / "tasks" / "kmeans" / "solution.ipynb").read_text())
SAMPLE_RUN = "".join(TEMPLATE["cells"][3]["source"])
KERNEL = {"name": "python3", "display_name": "Python 3", "language": "python"}

Cells = list[tuple[str, str]]


def _write(path: Path, cells: Cells) -> None:
    raw = []
    for index, (kind, source) in enumerate(cells):
        cell: dict[str, object] = {"cell_type": kind, "id": f"cell-{index}", "metadata": {},
                                   "source": source}
        if kind == "code":
            cell.update(outputs=[], execution_count=None)
        raw.append(cell)
    data = {"nbformat": 4, "nbformat_minor": 5, "metadata": {"kernelspec": KERNEL}, "cells": raw}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def from_template(code: str, tests: str = "", report: tuple[str, str, str] | None = None,
                  extra: Cells = ()) -> Cells:
    """The template with the stubs replaced, tests filled in and report placeholders replaced."""
    cells = [(c["cell_type"], "".join(c["source"])) for c in TEMPLATE["cells"]]
    cells[2] = ("code", code)
    cells[5] = ("code", tests)
    if report is not None:
        for position, text in zip((7, 9, 11), report):
            cells[position] = ("markdown", text)
    return [*cells[:12], *extra, *cells[12:]]


def own_layout(title: str, code: str, tests: str, prose: str) -> Cells:
    """A notebook not built from the template: own title, order and one prose cell."""
    cells: Cells = [("markdown", f"# {title}"), ("code", "import numpy as np"), ("code", code)]
    if tests:
        cells.append(("code", tests))
    cells += [("code", SAMPLE_RUN), ("markdown", prose)]
    return cells


def strip_docstrings(code: str) -> str:
    return re.sub(r'\n\s*"""[^"]*"""', "", code)


def rename(code: str, mapping: dict[str, str]) -> str:
    for old, new in mapping.items():
        code = re.sub(rf"\b{old}\b", new, code)
    return code


def reorder(code: str) -> str:
    """Functions in reverse order (Python resolves names at call time)."""
    parts = [p for p in code.split("\n\n\n") if p.strip()]
    return "\n\n\n".join(reversed(parts)) + "\n"


def reformat(code: str) -> str:
    """Comments dropped, docstrings reworded, operators re-spaced, blank lines added."""
    code = re.sub(r"^\s*#.*\n", "", code, flags=re.MULTILINE)
    code = re.sub(r'"""[^"]*"""', '"""See notes."""', code)
    code = code.replace(" = ", "=").replace(", ", ",")
    return code.replace("\n    for ", "\n\n    for ")


def solution_code() -> str:
    cells = ["".join(c["source"]) for c in SOLUTION["cells"] if c["cell_type"] == "code"]
    code = cells[1] + "\n\n" + cells[2]
    return re.sub(r"^# (copied-from|end-copied).*\n", "", code, flags=re.MULTILINE)


def broken(code: str, old: str, new: str) -> str:
    assert old in code, old
    return code.replace(old, new)


def ranked() -> list[tuple[str, Cells, str]]:
    """(name, cells, why) best first: the reviewer's ranking (principles in README.md)."""
    full = (APPROACH, TRIED, IMPROVE)
    no_check = broken(broken(IMPLS["recursive"], '''    if not 1 <= k <= len(data):
        raise ValueError("k must be in 1..n")
''', ""), "    if len(rows) >= k:", "    if False:")
    nan_clusters = broken(IMPLS["dict_clusters"], '''        key = tuple(pts[idx])
        if key not in seen:
            seen.add(key)
            centers.append(pts[idx])''', '''        centers.append(pts[idx])''')
    median = broken(IMPLS["sorted_blocks"], "cents[cluster] = arr[order[lo:hi]].mean(axis=0)",
                    "cents[cluster] = np.median(arr[order[lo:hi]], axis=0)")
    lists = broken(IMPLS["loops"], "    return centres, labels\n", "    return centres.tolist(), labels.tolist()\n")
    crash = broken(ORIGINALS["argpartition"], "    rng = np.random.default_rng(seed)",
                   "    rng = np.random.default_rng(sed)")
    return [
        ("r01_complete", from_template(IMPLS["add_at"], TESTS, full),
         "correct, four own tests, docstrings, full report under the template's headings"),
        ("r02_own_layout_prose", own_layout("K-means", IMPLS["class_based"], TESTS, PROSE),
         "correct and tested, not built from the template, report as prose without headings"),
        ("r03_results_headings", from_template(IMPLS["one_hot"], SHORT_TESTS, None, [
            ("markdown", "\n\n".join(f"## {h}\n\n{t}" for h, t in RESULTS.items()))]),
         "correct, two tests, report under Approach/Results/Limitations"),
        ("r04_duplicates_edge_case", from_template(no_check, TESTS.split("\n\n\ndef test_bad_k")[0] + "\n", full),
         "excellent except one edge case the task names: duplicate points (initial centroids "
         "are not distinct, so a cluster can end up empty); k is not checked either, but "
         "numpy's own error happens to reject a bad k"),
        ("r05_no_tests", from_template(IMPLS["generator"], "", full),
         "correct and well reported, but no own tests"),
        ("r06_no_report", from_template(IMPLS["dataclass_state"], TESTS, None),
         "correct and tested, the report left as the template's placeholders"),
        ("r07_bare", from_template(strip_docstrings(IMPLS["expanded_norms"]), "",
                                   (THIN, "_Replace this text: what did you try?_", "")),
         "correct, but no docstrings, no tests and a one-line report"),
        ("r08_empty_clusters", from_template(strip_docstrings(nan_clusters), "", (THIN, "", "")),
         "duplicate points give empty clusters and NaN centroids; thin everything else"),
        ("r09_median_update", from_template(median, SHORT_TESTS, (APPROACH, "", "")),
         "medians instead of means: not k-means (a conceptual error), though tested and "
         "partly reported"),
        ("r10_lists", from_template(strip_docstrings(lists), "", None),
         "returns Python lists, so the interface tests fail; no tests, no report"),
        ("r11_crash", from_template(crash, "", (THIN, "", "")),
         "a NameError inside kmeans: every call fails and the sample cell crashes"),
        ("r12_untouched", from_template("".join(TEMPLATE["cells"][2]["source"]), "", None),
         "the template as handed out"),
    ]


def copies() -> tuple[list[tuple[str, Cells]], list[dict[str, object]]]:
    """Originals, derived copies, and what each copy was derived from."""
    sol = solution_code()
    names = {"points": "pts", "centroids": "centres", "labels": "assignment",
             "squared_distances": "sq_dist", "update_centroids": "move_means",
             "assign_labels": "closest", "init_centroids": "seed_means", "n_points": "n"}
    originals = {f"o{i + 1:02d}_{name}": code for i, (name, code) in enumerate(ORIGINALS.items())}
    blog = (HERE / "known_sources" / "blog_kmeans.py").read_text()
    blog_code = blog.split('"""', 2)[2].replace("import numpy as np\n", "")
    own_inertia = ('def inertia(X, centroids, labels):\n    """Own: squared error."""\n'
                   "    return float(((X - centroids[labels]) ** 2).sum())\n")
    half = sol.split("# X is the name")[0]  # helpers only; own kmeans below
    own_kmeans = '''(X, k, seed=0, max_iter=100):
    """Own driver around the copied helpers: validate, seed, iterate."""
    data = np.asarray(X, dtype=float)
    if k not in range(1, len(data) + 1):
        raise ValueError("k must be in 1..len(X)")
    generator = np.random.default_rng(seed)
    means = init_centroids(data, int(k), generator)
    owner = assign_labels(data, means)
    rounds = 0
    while rounds < max_iter:
        rounds += 1
        means = update_centroids(data, owner, means)
        owner_next = assign_labels(data, means)
        if np.all(owner_next == owner):
            break
        owner = owner_next
    return means, owner


def inertia(X, centroids, labels):
    """Own: squared distances summed over every point."""
    gaps = np.asarray(X, dtype=float) - np.asarray(centroids, dtype=float)[np.asarray(labels)]
    return float(np.sum(gaps ** 2))
'''
    derived: list[tuple[str, str, str, bool]] = [
        ("c01_solution_renamed", rename(sol, names), "solution", False),
        ("c02_solution_reformatted", reformat(sol), "solution", False),
        ("c03_solution_reordered", reorder(sol), "solution", False),
        ("c04_solution_partial", half + "\n\ndef kmeans" + own_kmeans, "solution", False),
        ("c05_solution_declared",
         "# copied-from: a solution posted on a forum\n" + sol + "# end-copied\n", "solution", True),
        ("c06_peer_renamed", rename(originals["o01_masks"], {"centres": "mu", "owner": "who",
                                                             "data": "D", "masks": "sel"}),
         "o01_masks", False),
        ("c07_peer_reordered", reorder(reformat(originals["o02_history"])), "o02_history", False),
        ("c08_peer_partial", originals["o03_argpartition"].split("def inertia")[0] + own_inertia,
         "o03_argpartition", False),
        ("c09_peer_declared", "# adapted-from: my classmate's notebook (with permission)\n"
         + originals["o01_masks"] + "# end-copied\n", "o01_masks", True),
        ("c10_known_source", rename(blog_code, {"centers": "cents", "groups": "lab"}),
         "known:blog_kmeans.py", False),
        ("c11_solution_everything", reorder(reformat(rename(sol, names))), "solution", False),
    ]
    notebooks = [(name, from_template(code, "", (APPROACH, TRIED, IMPROVE)))
                 for name, code in originals.items()]
    truth = []
    for name, code, source, declared in derived:
        notebooks.append((name, from_template(code, "", (APPROACH, TRIED, IMPROVE))))
        truth.append({"name": name, "source": source, "declared": declared})
    return notebooks, truth


def main() -> None:
    truth: dict[str, object] = {"ranked": [], "copies": [], "independent": []}
    for rank, (name, cells, why) in enumerate(ranked(), start=1):
        _write(HERE / "ranked" / f"{name}.ipynb", cells)
        truth["ranked"].append({"name": name, "rank": rank, "why": why})  # type: ignore[attr-defined]
    notebooks, derived = copies()
    for name, cells in notebooks:
        _write(HERE / "copies" / f"{name}.ipynb", cells)
    truth["copies"] = derived
    for index, (name, code) in enumerate(IMPLS.items(), start=1):
        report = (f"I wrote this {name.replace('_', ' ')} version myself. " + APPROACH, TRIED, IMPROVE)
        # No own tests: ten candidates would not write the same tests, and the
        # copy set is about the solution code.
        _write(HERE / "independent" / f"i{index:02d}_{name}.ipynb", from_template(code, "", report))
        truth["independent"].append(f"i{index:02d}_{name}")  # type: ignore[attr-defined]
    (HERE / "truth.json").write_text(json.dumps(truth, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
