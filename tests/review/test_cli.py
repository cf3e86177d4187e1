"""``takehome review``: clear errors before any server starts."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.cli import main


def test_a_folder_without_a_gradebook_is_an_input_error(tmp_path: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["review", str(tmp_path), "--no-browser"]) == 2
    assert "no gradebook.sqlite here" in capsys.readouterr().err


def test_a_missing_reveal_file_is_an_input_error(batch_dir: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["review", str(batch_dir), "--reveal", str(batch_dir / "nope.json"),
                 "--no-browser"]) == 2
    assert "no such reveal file" in capsys.readouterr().err


def test_a_bad_port_is_refused_by_the_parser(batch_dir: Path) -> None:
    with pytest.raises(SystemExit):
        main(["review", str(batch_dir), "--port", "70000"])
