"""``takehome check``: the table a candidate reads, and ``--watch`` re-checking on save."""

from __future__ import annotations

import queue
import shutil
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from harness.cli import main
from harness.watch import signature, wait_for_save
from tests.conftest import KMEANS

TAKEHOME = Path(sys.executable).with_name("takehome")


def test_check_prints_a_table_then_the_report_paths(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["check", str(KMEANS / "template.ipynb"), "--task", str(KMEANS),
                 "--out", str(tmp_path), "--sandbox", "local", "--quiet"])
    out = capsys.readouterr().out
    assert code == 0
    lines = out.splitlines()
    assert "0.0% [graded] (local sandbox)" in lines[0]
    assert lines[1].split() == ["criterion", "points", "status", "first", "thing", "to", "fix"]
    rows = {line.split()[0]: line for line in lines[2:] if line.startswith("  ")}
    assert ("0/10  FAIL     test_shapes_and_dtypes failed: kmeans() raised "
            "NotImplementedError: implement kmeans") in rows["public_tests"]
    assert "cell 3 raised NotImplementedError" in rows["runs_cleanly"]
    assert "'Approach' section" in rows["report"]
    assert lines[-2:] == [f"report: {tmp_path / 'template.json'}",
                          f"report: {tmp_path / 'template.html'}"]
    assert (tmp_path / "template.html").is_file()


def test_wait_for_save_waits_until_the_file_settles(tmp_path: Path) -> None:
    path = tmp_path / "nb.ipynb"
    path.write_text("one")
    last = signature(path)
    steps = iter([lambda: None, lambda: path.unlink(), lambda: path.write_text("two!"),
                  lambda: path.write_text("three!!"), lambda: None, lambda: None])
    new = wait_for_save(path, last, poll=0, sleep=lambda _s: next(steps)())
    assert new == signature(path) and path.read_text() == "three!!"


def _lines(process: subprocess.Popen[str]) -> queue.Queue[str]:
    lines: queue.Queue[str] = queue.Queue()

    def read() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            lines.put(line.rstrip("\n"))

    threading.Thread(target=read, daemon=True).start()
    return lines


def _until(lines: queue.Queue[str], predicate: object, seen: list[str]) -> str:
    while True:
        try:
            line = lines.get(timeout=60)
        except queue.Empty:
            pytest.fail(f"no such line in time; saw: {seen}")
        seen.append(line)
        if callable(predicate) and predicate(line):
            return line


@pytest.mark.slow
def test_watch_rechecks_on_save_with_a_short_summary(tmp_path: Path) -> None:
    notebook = tmp_path / "mine.ipynb"
    shutil.copy(KMEANS / "template.ipynb", notebook)
    process = subprocess.Popen(
        [str(TAKEHOME), "check", str(notebook), "--task", str(KMEANS), "--sandbox", "local",
         "--out", str(tmp_path / "out"), "--quiet", "--watch"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, cwd=tmp_path)
    seen: list[str] = []
    try:
        lines = _lines(process)
        _until(lines, lambda line: line.startswith("watching "), seen)
        assert any("0.0% [graded]" in line for line in seen)  # the first check's table
        shutil.copy(KMEANS / "solution.ipynb", notebook)  # the candidate saves their work
        summary = _until(lines, lambda line: line.startswith("["), seen)
        assert "mine.ipynb: " in summary and "% (+" in summary and " | " in summary
        assert (tmp_path / "out" / "mine.html").is_file()
        process.send_signal(signal.SIGINT)
        _until(lines, lambda line: line == "stopped watching", seen)
        assert process.wait(timeout=30) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        if process.stdout is not None:
            process.stdout.close()
