"""The batch scheduler with the local sandbox: resume, force, exports, merge, blind.

The local sandbox keeps these fast; the Docker behaviour (parallel
containers, kills, the soak) is in test_batch_docker.py.
"""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest

from bench.kmeans_submissions import write_batch
from harness.batch.gradebook import Gradebook
from harness.batch.scheduler import BatchOptions, Event, default_jobs, grade_batch
from harness.batch.shard import Shard
from harness.cli import main
from tests.conftest import KMEANS


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    folder = tmp_path_factory.mktemp("batch")
    return write_batch(folder, ["correct", "buggy", "crashing"])


def _options(out: Path, **extra: object) -> BatchOptions:
    return BatchOptions(task=KMEANS, out=out, sandbox="local", jobs=1, **extra)  # type: ignore[arg-type]


def test_a_rerun_grades_only_what_changed_and_force_regrades(
    batch: list[Path], tmp_path: Path
) -> None:
    notebooks = [shutil.copy(p, tmp_path / f"{i}.ipynb") for i, p in enumerate(batch)]
    out = tmp_path / "out"
    events: list[Event] = []
    first = grade_batch([Path(n) for n in notebooks], _options(out), events.append)
    assert (first.graded, first.skipped, first.failed) == (3, 0, [])
    assert [e.kind for e in events] == ["planned", "graded", "graded", "graded"]
    assert [e.done for e in events] == [0, 1, 2, 3]
    stamps = {s.submission: s.graded_at for s in first.results}

    Path(notebooks[1]).write_text(Path(notebooks[0]).read_text())  # the buggy one is fixed
    second = grade_batch([Path(n) for n in notebooks], _options(out))
    assert (second.graded, second.skipped) == (1, 2)
    with Gradebook.in_folder(out) as book:
        assert len(book) == 3
        assert book.get(first.results[0].submission).graded_at == stamps[  # type: ignore[union-attr]
            first.results[0].submission]
    third = grade_batch([Path(n) for n in notebooks], _options(out, force=True))
    assert (third.graded, third.skipped) == (3, 0)


def test_exports_are_rendered_from_the_gradebook(batch: list[Path], tmp_path: Path) -> None:
    out = tmp_path / "out"
    summary = grade_batch(batch, _options(out))
    rows = list(csv.DictReader((out / "gradebook.csv").read_text().splitlines()))
    assert [r["notebook"] for r in rows] == [s.result.notebook for s in summary.results]
    # The generated correct notebook is the task's solution code, so copy detection
    # charges it; the first row is still the best stored result.
    best = max(s.result.percent for s in summary.results)
    assert rows[0]["percent"] == f"{best:.1f}" and best > 90
    report = out / f"{summary.results[0].report_stem}.json"
    original = report.read_text()
    report.unlink()
    (out / "index.html").unlink()
    again = grade_batch(batch, _options(out))  # nothing to grade; exports come back
    assert again.graded == 0 and report.read_text() == original
    assert (out / "index.html").is_file()


def test_shards_merge_into_the_gradebook_of_one_run(batch: list[Path], tmp_path: Path) -> None:
    whole = grade_batch(batch, _options(tmp_path / "whole"))
    for k in (1, 2):
        grade_batch(batch, _options(tmp_path / f"shard{k}", shard=Shard(k, 2)))
    code = main(["gradebook", "merge", str(tmp_path / "shard1"), str(tmp_path / "shard2"),
                 "--out", str(tmp_path / "merged")])
    assert code == 0
    with Gradebook.in_folder(tmp_path / "merged") as book:
        merged = {s.submission: s.result.percent for s in book.results()}
    assert merged == {s.submission: s.result.percent for s in whole.results}
    for name in ("gradebook.csv",):
        assert (tmp_path / "merged" / name).read_text() == (tmp_path / "whole" / name).read_text()
    assert {p.name for p in (tmp_path / "merged").glob("*.html")} == {
        p.name for p in (tmp_path / "whole").glob("*.html")}


def test_merge_refuses_a_folder_without_a_gradebook(tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["gradebook", "merge", str(tmp_path), "--out", str(tmp_path / "m")]) == 2
    assert "no gradebook.sqlite" in capsys.readouterr().err


def test_blind_cli_shows_pseudonyms_and_writes_the_reveal_file(tmp_path: Path,
                                                               capsys: pytest.CaptureFixture[str]
                                                               ) -> None:
    folder = tmp_path / "subs" / "alice-smith"
    folder.mkdir(parents=True)
    notebook = json.loads((KMEANS / "solution.ipynb").read_text())
    notebook["metadata"]["authors"] = [{"name": "Alice Smith"}]
    notebook["cells"].append({"cell_type": "markdown", "id": "sig", "metadata": {},
                              "source": "Written by Alice Smith."})
    (folder / "solution.ipynb").write_text(json.dumps(notebook))
    (tmp_path / "subs" / "bob").mkdir()
    shutil.copy(KMEANS / "template.ipynb", tmp_path / "subs" / "bob" / "solution.ipynb")
    out = tmp_path / "out"
    code = main(["grade", str(tmp_path / "subs"), "--task", str(KMEANS), "--out", str(out),
                 "--sandbox", "local", "--blind", "--quiet"])
    assert code == 0
    printed = capsys.readouterr().out
    for path in out.iterdir():
        if path.suffix in (".html", ".json", ".csv"):
            text = path.read_text().lower()
            assert "alice" not in text and "smith" not in text, path.name
    assert "alice" not in printed.split("blind:")[0].lower()
    reveal = json.loads((tmp_path / "out-reveal.json").read_text())
    assert sorted(v["notebook"].split("/")[-2] for v in reveal["pseudonyms"].values()) == [
        "alice-smith", "bob"]
    assert not list(out.glob("*reveal*"))
    # What the review app reads stays blind too: the flag, and the stored write-up.
    with Gradebook.in_folder(out) as book:
        assert book.meta("blind") == "1"
        stored = {s.submission: s.artifacts["markdown"] for s in book.results()}
    write_ups = " ".join(text for cells in stored.values() for _, text in cells)
    assert "Written by candidate-" in write_ups and "alice" not in write_ups.lower()


def test_default_jobs_follow_cores_and_memory() -> None:
    assert default_jobs(1024, cpus=8, available_mb=64_000) == 8
    assert default_jobs(1024, cpus=8, available_mb=3_000) == 2
    assert default_jobs(1024, cpus=2, available_mb=100) == 1
    assert default_jobs(1024, cpus=4, available_mb=0) == 4  # unknown memory: cores decide


def test_progress_is_a_live_bar_on_a_terminal_and_plain_lines_otherwise(
    batch: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    import io
    import sys

    from harness.batch.cli import _progress

    events = []
    grade_batch(batch[:2], _options(tmp_path / "out"), events.append)

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    monkeypatch.delenv("CI", raising=False)
    with _progress(quiet=False) as show:
        for event in events:
            show(event)
    assert "2/2" in terminal.getvalue() and "failed" in terminal.getvalue()

    monkeypatch.setenv("CI", "true")  # CI logs: plain lines even on a terminal
    plain = Terminal()
    monkeypatch.setattr(sys, "stderr", plain)
    with _progress(quiet=False) as show:
        for event in events:
            show(event)
    lines = plain.getvalue().splitlines()
    assert lines[0].startswith("2 notebooks") and lines[-1].startswith("[2/2] ")

    quiet = Terminal()
    monkeypatch.setattr(sys, "stderr", quiet)
    with _progress(quiet=True) as show:
        for event in events:
            show(event)
    assert quiet.getvalue() == ""


def test_no_spare_sandbox_is_started_after_the_last_submission(
    batch: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from harness.sandbox.local import LocalSandbox

    started: list[object] = []
    original = LocalSandbox.start

    def counted(self: LocalSandbox, spec: object) -> object:
        started.append(spec)
        return original(self, spec)  # type: ignore[arg-type]

    monkeypatch.setattr(LocalSandbox, "start", counted)
    summary = grade_batch(batch, _options(tmp_path / "out"))
    assert summary.graded == len(batch)
    # One sandbox per submission: the first prepared before reading it, each
    # next one while the one before is judged, none after the last.
    assert len(started) == len(batch)
