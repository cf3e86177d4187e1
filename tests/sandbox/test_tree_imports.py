"""Imports through held directory descriptors find what the standard finder finds.

The finder runs in every sandbox kernel (see harness/sandbox/tree_imports.py),
so a module it found differently would change what candidate code sees.
Each test compares it with the standard ``FileFinder`` on the same folder,
or runs a fresh interpreter that imports through it.
"""

from __future__ import annotations

import importlib.machinery
import os
import pkgutil
import subprocess
import sys
import sysconfig
import textwrap
from pathlib import Path

import pytest

from harness.sandbox import tree_imports
from harness.sandbox.tree_imports import ReadOnlyTree, TreeFinder

SANDBOX = Path(tree_imports.__file__).parent


def _standard(path: str) -> importlib.machinery.FileFinder:
    details = [
        (importlib.machinery.ExtensionFileLoader, importlib.machinery.EXTENSION_SUFFIXES),
        (importlib.machinery.SourceFileLoader, importlib.machinery.SOURCE_SUFFIXES),
        (importlib.machinery.SourcelessFileLoader, importlib.machinery.BYTECODE_SUFFIXES),
    ]
    return importlib.machinery.FileFinder(path, *details)


def _same_spec(name: str, path: str) -> None:
    ours = TreeFinder(ReadOnlyTree(path), path, ".").find_spec(name)
    theirs = _standard(path).find_spec(name)
    if theirs is None:
        assert ours is None, name
        return
    assert ours is not None, name
    assert (ours.name, ours.origin, ours.cached, ours.has_location) == \
        (theirs.name, theirs.origin, theirs.cached, theirs.has_location), name
    assert ours.submodule_search_locations == theirs.submodule_search_locations, name
    if theirs.loader is None:  # a namespace package
        assert ours.loader is None, name
    else:
        assert isinstance(ours.loader, type(theirs.loader)), name


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    root = tmp_path / "lib"
    (root / "pkg" / "sub").mkdir(parents=True)
    (root / "pkg" / "__init__.py").write_text("WHO = 'pkg'\n")
    (root / "pkg" / "sub" / "__init__.py").write_text("")
    (root / "pkg" / "leaf.py").write_text("WHO = 'leaf'\n")
    (root / "plain.py").write_text("WHO = 'plain'\nimport pkg.leaf\n")
    (root / "spaced" / "inner").mkdir(parents=True)  # a namespace package
    (root / "spaced" / "inner" / "mod.py").write_text("WHO = 'namespace'\n")
    (root / "onlybytes.pyc").write_bytes(b"")  # found, as the standard finder finds it
    (root / "notadir.py").mkdir()  # a folder with a module's name is not a module
    (root / "dangling.py").symlink_to(root / "missing.py")
    (root / "linked.py").symlink_to(root / "plain.py")
    return root


@pytest.mark.parametrize("name", [
    "pkg", "plain", "spaced", "onlybytes", "notadir", "dangling", "linked", "missing",
])
def test_finds_in_a_folder_what_the_standard_finder_finds(folder: Path, name: str) -> None:
    _same_spec(name, str(folder))


def test_finds_submodules_of_a_package_as_the_standard_finder_does(folder: Path) -> None:
    for name in ("pkg.leaf", "pkg.sub", "pkg.nothing"):
        _same_spec(name, str(folder / "pkg"))


@pytest.mark.parametrize("name", ["json", "os", "email", "asyncio", "_json", "_ctypes",
                                  "this_module_does_not_exist"])
def test_finds_in_the_standard_library_what_the_standard_finder_finds(name: str) -> None:
    for path in (sysconfig.get_path("stdlib"), sysconfig.get_path("platstdlib"),
                 os.path.join(sysconfig.get_path("stdlib"), "lib-dynload")):
        if os.path.isdir(path):
            _same_spec(name, path)


def test_paths_that_could_leave_the_tree_are_not_its_own(tmp_path: Path) -> None:
    tree = ReadOnlyTree(str(tmp_path))
    assert tree.relative(str(tmp_path)) == "."
    assert tree.relative(f"{tmp_path}/a/b.py") == "a/b.py"
    for outside in (f"{tmp_path}/../etc", f"{tmp_path}/a/./b", f"{tmp_path}//a",
                    f"{tmp_path}x/a", "relative/a"):
        assert tree.relative(outside) is None, outside


_IMPORT_THROUGH_TREE = """
import importlib.resources, os, pkgutil, sys
sys.path.insert(0, {sandbox!r})
import tree_imports
opened = []
sys.addaudithook(lambda event, args: opened.append(args[0])
                 if event == "open" and isinstance(args[0], str) else None)
sys.path.insert(0, {folder!r})
assert tree_imports.install([{folder!r}]) == 1
import plain, pkg.leaf, spaced.inner.mod
finder = sys.path_importer_cache[{folder!r}]
print(type(finder).__name__, type(plain.__spec__.loader).__name__)
print(plain.WHO, pkg.WHO, pkg.leaf.WHO, spaced.inner.mod.WHO)
print(plain.__file__ == os.path.join({folder!r}, "plain.py"))
print(sorted(m.name for m in pkgutil.iter_modules([{folder!r}])))
print(importlib.resources.files("pkg").joinpath("leaf.py").read_text().strip())
print([path for path in opened if path.startswith({folder!r})])
"""


def test_a_fresh_interpreter_imports_through_the_held_tree(folder: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-I", "-B", "-c",
         _IMPORT_THROUGH_TREE.format(sandbox=str(SANDBOX), folder=str(folder))],
        capture_output=True, text=True, check=False,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "TreeFinder TreeSourceLoader"
    assert lines[1] == "plain pkg leaf namespace"
    assert lines[2] == "True"
    assert lines[3] == str(sorted(m.name for m in pkgutil.iter_modules([str(folder)])))
    assert lines[4] == "WHO = 'leaf'"
    # Only the folder itself was opened by its absolute path, to hold it; the
    # modules were read relative to it (importlib.resources, asked for a
    # file by path, opens that path).
    assert lines[5] == repr([str(folder), str(folder / "pkg" / "leaf.py")])


_LAUNCH = """
import sys
print(sys.argv[1:], sys.path[0])
"""


def test_the_launcher_runs_a_module_as_python_m_does(tmp_path: Path) -> None:
    (tmp_path / "probe_main.py").write_text(_LAUNCH)
    work = tmp_path / "work"
    work.mkdir()
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    launched = subprocess.run(
        [sys.executable, str(SANDBOX / "tree_imports.py"), "probe_main", "-f", "x"],
        cwd=work, env=env, capture_output=True, text=True, check=True)
    direct = subprocess.run([sys.executable, "-m", "probe_main", "-f", "x"],
                            cwd=work, env=env, capture_output=True, text=True, check=True)
    assert launched.stdout == direct.stdout == f"['-f', 'x'] {work}\n"
