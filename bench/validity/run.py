"""Validity benchmark: do scores rank submissions as a reviewer would, and are copies found?

    .venv/bin/python bench/validity/run.py [--sandbox docker|local] [--skip-ranking]
                                           [--copydetect]

Prints:
- Spearman's rho between the harness's score and the reviewer's rank of the
  12 notebooks in ranked/ (each graded alone, as `takehome grade` would);
- copy-detection precision and recall over copies/ and independent/: a
  detected link is a (submission, source) flag from the provenance criterion
  (task solution, known_sources/) or a suspicious peer pair; the expected links
  come from truth.json (undeclared copies and the code they derive from);
- whether any independent solution was flagged and whether any declared copy
  was charged as undeclared;
- the detection cost on a 20-submission batch (fingerprints, reference
  comparisons, all peer pairs), best of 5 runs;
- with --copydetect, the same figures for the copydetect package (install it
  with `pip install -e .[bench]`).

Notebooks are rebuilt with build.py; numbers on a loaded machine are slower.
"""

from __future__ import annotations

import argparse
import itertools
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from harness.authorship import build_submission
from harness.criteria.base import Context
from harness.criteria.provenance import Provenance, fingerprint_notebook, tally
from harness.similarity import SOLUTION_LABEL, find_pairs, template_hashes
from harness.task import Task, load_task

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
TRUTH = json.loads((HERE / "truth.json").read_text())
Link = tuple[str, str]  # (submission, source): source a submission name or a reference label


def spearman(first: list[float], second: list[float]) -> float:
    """Spearman's rho with average ranks for ties (Pearson on the ranks)."""
    def ranks(values: list[float]) -> np.ndarray:
        order = np.argsort(values, kind="stable")
        out = np.empty(len(values))
        out[order] = np.arange(1, len(values) + 1)
        for value in set(values):
            same = [i for i, v in enumerate(values) if v == value]
            out[same] = np.mean(out[same])
        return out
    a, b = ranks(first), ranks(second)
    return float(np.corrcoef(a, b)[0, 1])


def ranking(sandbox: str) -> None:
    from harness.pipeline import grade
    from harness.sandbox import choose_sandbox

    backend = choose_sandbox(sandbox)
    task = load_task(ROOT / "tasks" / "kmeans")
    scores, ranks = [], []
    print(f"ranked set ({backend.name} sandbox):")
    for item in TRUTH["ranked"]:
        result = grade(HERE / "ranked" / f"{item['name']}.ipynb", task, sandbox=backend)
        points = {s.result.id: s.points for s in result.criteria}
        scores.append(result.percent)
        ranks.append(item["rank"])
        shown = " ".join(f"{k[:6]}={v:g}" for k, v in points.items())
        print(f"  {item['rank']:>2} {item['name']:<24} {result.percent:5.1f}%  {shown}")
    rho = spearman(scores, [-r for r in ranks])
    print(f"Spearman rho (score vs reviewer rank): {rho:.3f}")


def _task_with_known_sources(scratch: Path) -> Task:
    folder = scratch / "kmeans"
    shutil.copytree(ROOT / "tasks" / "kmeans", folder)
    shutil.copytree(HERE / "known_sources", folder / "known_sources")
    return load_task(folder)


def _batch() -> list[Path]:
    names = [c["name"] for c in TRUTH["copies"]]
    originals = sorted(p.stem for p in (HERE / "copies").glob("o*.ipynb"))
    paths = [HERE / "copies" / f"{n}.ipynb" for n in originals + names]
    return paths + [HERE / "independent" / f"{n}.ipynb" for n in TRUTH["independent"]]


def _label(source: str) -> str:
    if source == "solution":
        return SOLUTION_LABEL
    if source.startswith("known:"):
        return f"known source {source.split(':', 1)[1]}"
    return source


def expected_links() -> set[Link]:
    """Undeclared copy -> its source, and every pair of undeclared notebooks sharing a root."""
    undeclared = [c for c in TRUTH["copies"] if not c["declared"]]
    links = {(c["name"], _label(c["source"])) for c in undeclared}
    roots = {c["name"]: c["source"] for c in undeclared}
    roots.update({p.stem: p.stem for p in (HERE / "copies").glob("o*.ipynb")})
    for first, second in itertools.combinations(sorted(roots), 2):
        if roots[first] == roots[second] or roots[first] == second or roots[second] == first:
            links.add((first, second))
    return links


def detect(paths: list[Path], task: Task) -> tuple[set[Link], set[str]]:
    """Links found by provenance (references) and by peer pairs; names charged for copies."""
    links: set[Link] = set()
    charged: set[str] = set()
    prints = {}
    for path in paths:
        submission = build_submission(path, task.template)
        result = Provenance().evaluate(Context(submission=submission, task=task))
        for evidence in result.evidence:
            if evidence.kind == "undeclared-copy":
                label = evidence.message.split("matches ", 1)[1].split(":")[0].split(" (")[0]
                links.add((path.stem, label))
        if result.details["undeclared_copied_lines"]:
            charged.add(path.stem)
        prints[path.stem] = fingerprint_notebook(path, task.template)
    for pair in find_pairs(prints, template_hashes(task.template)):
        links.add((pair.first, pair.second))
        charged.update((pair.first, pair.second))
    return links, charged


def report(name: str, found: set[Link], charged: set[str], expected: set[Link]) -> None:
    hits = found & expected
    precision = len(hits) / len(found) if found else 1.0
    recall = len(hits) / len(expected) if expected else 1.0
    independent = sorted(n for n in charged if n.startswith("i"))
    declared = sorted(c["name"] for c in TRUTH["copies"] if c["declared"] and c["name"] in charged)
    print(f"{name}: precision {precision:.2f} ({len(hits)}/{len(found)}), "
          f"recall {recall:.2f} ({len(hits)}/{len(expected)})")
    print(f"  independent solutions flagged: {independent or 'none'}")
    print(f"  declared copies charged: {declared or 'none'}")
    missed = sorted(expected - found)
    if missed:
        print(f"  missed: {missed}")
    extra = sorted(found - expected)
    if extra:
        print(f"  unexpected: {extra}")


def cost(paths: list[Path], task: Task) -> None:
    batch = paths[:20]
    runs = []
    for _ in range(5):
        started = time.perf_counter()
        detect(batch, task)
        runs.append(time.perf_counter() - started)
    print(f"detection cost, {len(batch)}-submission batch (intake + provenance + fingerprints"
          f" + all pairs): best {min(runs):.3f} s, median {sorted(runs)[2]:.3f} s")


def copydetect_figures(paths: list[Path], task: Task) -> None:
    """The copydetect package on the same written code, same links, its default-ish settings."""
    import copydetect  # pylint: disable=import-outside-toplevel

    threshold = 0.33  # copydetect's default display threshold
    with tempfile.TemporaryDirectory() as scratch:
        files = {}
        for path in paths:
            # The same input ours gets: written lines outside declared regions.
            submission = build_submission(path, task.template)
            declared = tally(submission).declared
            code = "\n".join(
                line for number, line in enumerate(submission.code.text.splitlines(), start=1)
                if (origin := submission.code.origin(number)) is not None
                and submission.is_written(origin.cell, origin.line)
                and (origin.cell, origin.line) not in declared
            )
            files[path.stem] = Path(scratch) / f"{path.stem}.py"
            files[path.stem].write_text(code + "\n")
        assert task.solution is not None
        solution = build_submission(task.solution, task.template)
        files[SOLUTION_LABEL] = Path(scratch) / "solution.py"
        files[SOLUTION_LABEL].write_text("\n".join(
            line for number, line in enumerate(solution.code.text.splitlines(), start=1)
            if (o := solution.code.origin(number)) and solution.is_written(o.cell, o.line)))
        files["known source blog_kmeans.py"] = HERE / "known_sources" / "blog_kmeans.py"
        started = time.perf_counter()
        prints = {n: copydetect.CodeFingerprint(str(f), 25, 1) for n, f in files.items()}
        found: set[Link] = set()
        charged: set[str] = set()
        names = [p.stem for p in paths]
        references = [SOLUTION_LABEL, "known source blog_kmeans.py"]
        for first, second in itertools.combinations(sorted(names), 2):
            _, (a, b), _ = copydetect.compare_files(prints[first], prints[second])
            if max(a, b) >= threshold:
                found.add((first, second))
                charged.update((first, second))
        for name in names:
            for reference in references:
                _, (a, _b), _ = copydetect.compare_files(prints[name], prints[reference])
                if a >= threshold:
                    found.add((name, reference))
                    charged.add(name)
        elapsed = time.perf_counter() - started
    report("copydetect (k=25, window 1, threshold 0.33)", found, charged, expected_links())
    print(f"  copydetect cost for {len(paths)} submissions: {elapsed:.3f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sandbox", default="docker", choices=["docker", "local"])
    parser.add_argument("--skip-ranking", action="store_true")
    parser.add_argument("--copydetect", action="store_true")
    args = parser.parse_args()
    if not args.skip_ranking:
        ranking(args.sandbox)
    with tempfile.TemporaryDirectory() as scratch:
        task = _task_with_known_sources(Path(scratch))
        paths = _batch()
        found, charged = detect(paths, task)
        print(f"copy set: {len(TRUTH['copies'])} derived copies, "
              f"{len(list((HERE / 'copies').glob('o*.ipynb')))} originals, "
              f"{len(TRUTH['independent'])} independent solutions")
        report("takehome winnowing", found, charged, expected_links())
        cost(paths, task)
        if args.copydetect:
            copydetect_figures(paths, task)
    return None


if __name__ == "__main__":
    sys.exit(main())
