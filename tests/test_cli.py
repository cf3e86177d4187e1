"""The CLI in-process: exit codes, report files, one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from harness.cli import main
from tests.conftest import KMEANS


def test_grade_writes_json_and_html_per_notebook(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    code = main(["grade", str(KMEANS / "template.ipynb"), "--task", str(KMEANS),
                 "--out", str(out), "--sandbox", "local", "--quiet"])
    assert code == 0
    data = json.loads((out / "template.json").read_text())
    assert data["status"] == "graded" and 0 <= data["percent"] < 30
    assert {c["id"] for c in data["criteria"]} >= {"hidden_tests", "lint", "report"}
    assert (out / "template.html").read_text().lstrip().lower().startswith("<!doctype html")
    assert "template.ipynb" in capsys.readouterr().out


@pytest.mark.parametrize(
    "content",
    [b"{ not json", b"", b"\x00\xff\xfe junk", json.dumps({"nbformat": 2, "cells": []}).encode(),
     json.dumps({"nbformat": 4, "nbformat_minor": 5, "cells": [],
                 "metadata": {"kernelspec": {"name": "ir", "language": "R"}}}).encode()],
    ids=["not-json", "empty", "binary", "nbformat-2", "r-kernel"],
)
def test_bad_notebooks_exit_2_with_a_one_line_error_and_a_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes
) -> None:
    bad = tmp_path / "bad.ipynb"
    bad.write_bytes(content)
    code = main(["grade", str(bad), "--task", str(KMEANS), "--out", str(tmp_path / "out"),
                 "--sandbox", "local", "--quiet"])
    captured = capsys.readouterr()
    assert code == 2
    assert "Traceback" not in captured.out + captured.err
    data = json.loads((tmp_path / "out" / "bad.json").read_text())
    assert data["status"] == "input-error" and "bad.ipynb" in data["message"]
    assert "\n" not in data["message"]


def test_missing_task_is_an_input_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["grade", str(KMEANS / "template.ipynb"), "--task", str(tmp_path / "nope"),
                 "--sandbox", "local"])
    assert code == 2
    assert "task folder not found" in capsys.readouterr().err


def test_bad_rubric_names_file_and_key(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rubric = tmp_path / "r.toml"
    rubric.write_text("[criteria.lint]\nweight = -1\n")
    code = main(["grade", str(KMEANS / "template.ipynb"), "--task", str(KMEANS),
                 "--rubric", str(rubric), "--sandbox", "local"])
    err = capsys.readouterr().err
    assert code == 2
    assert "r.toml" in err and "'lint'" in err and "weight -1" in err


def test_fail_under_exits_1_when_below(tmp_path: Path) -> None:
    code = main(["check", str(KMEANS / "template.ipynb"), "--task", str(KMEANS),
                 "--out", str(tmp_path), "--sandbox", "local", "--fail-under", "50", "--quiet"])
    assert code == 1


def test_unknown_format_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["grade", "x.ipynb", "--task", str(KMEANS), "--format", "pdf"])
    assert info.value.code == 2
    assert "unknown format" in capsys.readouterr().err


def test_same_stem_in_a_batch_gets_distinct_reports(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    for folder in (a, b):
        (folder / "sub.ipynb").write_bytes(b"{")
    main(["grade", str(a / "sub.ipynb"), str(b / "sub.ipynb"), "--task", str(KMEANS),
          "--out", str(tmp_path / "out"), "--sandbox", "local", "--quiet"])
    # Named by the folders that tell them apart: stable across reruns and shards.
    assert sorted(p.name for p in (tmp_path / "out").glob("*.json")) == [
        "a__sub.json", "b__sub.json"]


def test_unreachable_docker_engine_is_an_infrastructure_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DOCKER_HOST", f"unix://{tmp_path}/no-such.sock")
    code = main(["grade", str(KMEANS / "solution.ipynb"), "--task", str(KMEANS),
                 "--out", str(tmp_path / "out"), "--sandbox", "docker", "--quiet"])
    assert code == 4
    assert "Docker engine not reachable" in capsys.readouterr().err
    assert not (tmp_path / "out" / "solution.json").exists()  # never a zero score


def test_every_format_can_be_written(tmp_path: Path) -> None:
    code = main(["grade", str(KMEANS / "template.ipynb"), "--task", str(KMEANS), "--out",
                 str(tmp_path), "--sandbox", "local", "--format", "json,html,junit,md", "--quiet"])
    assert code == 0
    assert sorted(p.name for p in tmp_path.glob("template.*")) == [
        "template.html", "template.json", "template.junit.xml", "template.md"]


def test_check_without_docker_falls_back_to_local_and_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DOCKER_HOST", f"unix://{tmp_path}/no-such.sock")
    code = main(["check", str(KMEANS / "template.ipynb"), "--task", str(KMEANS),
                 "--out", str(tmp_path / "out")])
    captured = capsys.readouterr()
    assert code == 0
    assert "does not isolate" in captured.err
    data = json.loads((tmp_path / "out" / "template.json").read_text())
    assert data["sandbox"] == "local" and "not isolated" in data["message"]
    assert not [t for t in data["tests"] if t["suite"] == "hidden"]
