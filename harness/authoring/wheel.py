"""The harness as a wheel, for the candidate bundle.

``takehome-harness`` is on no package index, so a bundle that said
``pip install takehome-harness`` failed at its first command.  The bundle
carries the wheel instead; its dependencies (nbclient, pylint, numpy, ...)
come from the normal index when the candidate installs it.

The wheel is built by pip from a copy of the source tree in a temporary
folder, so a release never writes ``build/`` or ``*.egg-info`` into the
author's checkout.  One build per process is enough (a release of several
tasks, or a test session, reuses it).
"""

from __future__ import annotations

import functools
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from harness.errors import TaskError

DISTRIBUTION = "takehome-harness"
_SOURCES = ("pyproject.toml", "LICENSE", "harness")  # what the build reads
# The wheel's long description.  The repository's README describes the example
# tasks (even quoting lines of their solutions), so it stays out of a bundle.
_WHEEL_README = """\
# takehome-harness

The checker of a take-home task: `takehome check NOTEBOOK --task TASK_DIR` runs the
notebook and the task's public tests and reports per criterion.  See the README of
the task bundle this wheel came with.
"""
BUILD_TIMEOUT = 600.0  # seconds; pip may fetch the build backend on a cold cache


def source_root() -> Path:
    """The checkout the running harness comes from (holding its pyproject.toml)."""
    root = Path(__file__).resolve().parents[2]
    pyproject = root / "pyproject.toml"
    if not pyproject.is_file() or f'name = "{DISTRIBUTION}"' not in pyproject.read_text(
            encoding="utf-8"):
        raise TaskError(f"release needs the harness source tree to build its wheel, and "
                        f"{root} is not one; run takehome from a checkout of "
                        f"{DISTRIBUTION} (pip install -e .)")
    return root


@functools.lru_cache(maxsize=1)
def harness_wheel() -> tuple[str, bytes]:
    """``(file name, content)`` of the harness wheel, built once per process."""
    root = source_root()
    with tempfile.TemporaryDirectory(prefix="takehome-wheel-") as tmp:
        source, out = Path(tmp) / "src", Path(tmp) / "out"
        source.mkdir()
        for name in _SOURCES:
            path = root / name
            if path.is_dir():
                shutil.copytree(path, source / name,
                                ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
            elif path.is_file():
                shutil.copy2(path, source / name)
        (source / "README.md").write_text(_WHEEL_README, encoding="utf-8")
        command = [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps",
                   "--wheel-dir", str(out), str(source)]
        try:
            subprocess.run(command, check=True, capture_output=True, text=True,
                           timeout=BUILD_TIMEOUT)
        except subprocess.CalledProcessError as exc:
            raise TaskError(f"building the {DISTRIBUTION} wheel failed: "
                            f"{(exc.stderr or exc.stdout).strip()[-2000:]}") from exc
        except subprocess.TimeoutExpired as exc:
            raise TaskError(f"building the {DISTRIBUTION} wheel took over "
                            f"{BUILD_TIMEOUT:g} s; check pip's access to the index") from exc
        wheels = sorted(out.glob("*.whl"))
        if len(wheels) != 1:
            raise TaskError(f"building the {DISTRIBUTION} wheel gave {len(wheels)} files")
        return wheels[0].name, wheels[0].read_bytes()
