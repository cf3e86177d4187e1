"""Imports from read-only directories, through descriptors held open.

This file runs inside the sandbox beside ``agent.py`` and, like it, needs the
standard library only.  The agent imports it first thing; the kernel is
started through it (``python tree_imports.py ipykernel_launcher ...``).

Why: on Docker's fuse-overlayfs storage driver a container's root directory
lives on FUSE, and the kernel asks the FUSE daemon for the root's ACL each
time a process looks up an absolute path: a round trip to the daemon, about
90 us of wall time and 50 us of CPU per lookup on a 2-core machine.  The
image's ``/usr`` and ``/opt`` are bind mounts there (see ``image_tree.py``), but
every path into them still starts at ``/``.  Python's import system looks up
some 3,500 absolute paths to start a kernel (a stat of the directory per
``sys.path`` entry per import, a stat of each source, an open of each
``.pyc``), which made 4,400 FUSE requests per graded submission.

A directory on a read-only mount cannot change while the process lives, so
its listing can be read once and its files opened relative to a descriptor
of the directory, which never passes ``/``.  That is all this module does: a
path hook puts a :class:`TreeFinder` on each import directory inside a
read-only ``sys.path`` entry.  It finds modules exactly as the standard
``FileFinder`` does (package, then extension, source and bytecode suffixes,
then namespace) and is one, so ``pkgutil`` and ``importlib.resources`` see
no difference; its loaders are the standard ones with ``get_data`` and
``path_stats`` reading through the held descriptor.  Module ``__file__`` and
``__spec__.origin`` stay the usual absolute paths.  Extension modules load
through the standard loader (``dlopen`` needs a path).  Writable
directories (the notebook's folder) keep the standard finder, which notices
new files.

Nothing here is a trust boundary: the finder lives in the candidate's own
kernel, which candidate code controls anyway, and in the agent before any
candidate code exists.
"""

from __future__ import annotations

import os
import runpy
import sys
from importlib.machinery import (
    BYTECODE_SUFFIXES,
    EXTENSION_SUFFIXES,
    SOURCE_SUFFIXES,
    ExtensionFileLoader,
    FileFinder,
    ModuleSpec,
    SourceFileLoader,
    SourcelessFileLoader,
)
from importlib.util import spec_from_file_location
from typing import Any, Mapping

_DIR, _FILE = "dir", "file"


class ReadOnlyTree:
    """A directory on a read-only mount, held open, with its listings cached."""

    def __init__(self, root: str) -> None:
        self.root = root
        self.fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        self._listings: dict[str, dict[str, str]] = {}

    def relative(self, path: str) -> str | None:
        """``path`` relative to the root, or None when it is not plainly inside it."""
        if path == self.root:
            return "."
        if not path.startswith(self.root + "/"):
            return None
        rel = path[len(self.root) + 1:]
        parts = rel.split("/")
        if any(part in ("", ".", "..") for part in parts):
            return None  # a path a symlink or ".." could send elsewhere: not ours
        return rel

    def listing(self, rel: str) -> dict[str, str]:
        """Name -> "dir" or "file" (symlinks followed) of the directory ``rel``."""
        found = self._listings.get(rel)
        if found is None:
            found = {}
            fd = os.open(rel, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC, dir_fd=self.fd)
            try:
                with os.scandir(fd) as entries:
                    for entry in entries:
                        try:
                            kind = _DIR if entry.is_dir() else _FILE if entry.is_file() else ""
                        except OSError:
                            kind = ""  # a dangling symlink: neither, as for FileFinder
                        found[entry.name] = kind
            finally:
                os.close(fd)
            self._listings[rel] = found
        return found

    def kind(self, rel: str) -> str:
        """"dir", "file" or "" for the entry ``rel``."""
        if rel == ".":
            return _DIR
        parent, _, name = rel.rpartition("/")
        try:
            return self.listing(parent or ".").get(name, "")
        except OSError:
            return ""

    def read(self, rel: str) -> bytes:
        """The bytes of the file ``rel``."""
        fd = os.open(rel, os.O_RDONLY | os.O_CLOEXEC, dir_fd=self.fd)
        with open(fd, "rb") as handle:
            return handle.read()

    def stat(self, rel: str) -> os.stat_result:
        """``os.stat`` of ``rel``, symlinks followed."""
        return os.stat(rel, dir_fd=self.fd)


_TREES: list[ReadOnlyTree] = []


def _locate(path: str) -> tuple[ReadOnlyTree, str] | None:
    """The innermost held tree containing ``path``, and the path relative to it."""
    found = [(len(tree.root), tree, rel) for tree in _TREES
             if (rel := tree.relative(path)) is not None]
    if not found:
        return None
    _, tree, rel = max(found, key=lambda item: item[0])
    return tree, rel


def _read_from_tree(path: str) -> bytes | None:
    located = _locate(path)
    return None if located is None else located[0].read(located[1])


class TreeSourceLoader(SourceFileLoader):
    """The standard source loader, reading through a held tree."""

    def get_data(self, path: str) -> bytes:
        """The bytes of a source or ``.pyc`` file."""
        data = _read_from_tree(path)
        return super().get_data(path) if data is None else data

    def path_stats(self, path: str) -> Mapping[str, Any]:
        """The source's mtime and size, which validate its ``.pyc``."""
        located = _locate(path)
        if located is None:
            return super().path_stats(path)
        stat = located[0].stat(located[1])
        return {"mtime": stat.st_mtime, "size": stat.st_size}


class TreeSourcelessLoader(SourcelessFileLoader):
    """The standard bytecode-only loader, reading through a held tree."""

    def get_data(self, path: str) -> bytes:
        """The bytes of a ``.pyc`` file."""
        data = _read_from_tree(path)
        return super().get_data(path) if data is None else data


# The standard FileFinder's order: extensions, then sources, then bytecode.
_LOADERS = [(suffix, ExtensionFileLoader) for suffix in EXTENSION_SUFFIXES] + \
    [(suffix, TreeSourceLoader) for suffix in SOURCE_SUFFIXES] + \
    [(suffix, TreeSourcelessLoader) for suffix in BYTECODE_SUFFIXES]


class TreeFinder(FileFinder):
    """A FileFinder for a directory in a read-only tree: listings read once."""

    def __init__(self, tree: ReadOnlyTree, path: str, rel: str) -> None:
        super().__init__(path)
        self._tree = tree
        self._rel = rel  # ``path`` relative to the tree's root ("." for the root)

    def invalidate_caches(self) -> None:
        """Nothing to forget: a read-only directory does not change."""

    def find_spec(self, fullname: str, target: Any = None) -> ModuleSpec | None:
        tail = fullname.rpartition(".")[2]
        try:
            entries = self._tree.listing(self._rel)
        except OSError:
            return None
        namespace = None
        if entries.get(tail) == _DIR:
            base = f"{self.path}/{tail}"
            sub_rel = tail if self._rel == "." else f"{self._rel}/{tail}"
            try:
                inside = self._tree.listing(sub_rel)
            except OSError:
                inside = {}
            for suffix, loader in _LOADERS:
                if inside.get("__init__" + suffix) == _FILE:
                    return self._spec(loader, fullname, f"{base}/__init__{suffix}", [base])
            namespace = base
        for suffix, loader in _LOADERS:
            if entries.get(tail + suffix) == _FILE:
                return self._spec(loader, fullname, f"{self.path}/{tail}{suffix}", None)
        if namespace is not None:
            spec = ModuleSpec(fullname, None)
            spec.submodule_search_locations = [namespace]
            return spec
        return None

    @staticmethod
    def _spec(loader: Any, fullname: str, path: str,
              search: list[str] | None) -> ModuleSpec | None:
        return spec_from_file_location(fullname, path, loader=loader(fullname, path),
                                       submodule_search_locations=search)

    def __repr__(self) -> str:
        return f"TreeFinder({self.path!r})"


def _path_hook(path: str) -> TreeFinder:
    located = _locate(path) if os.path.isabs(path) else None
    if located is None or located[0].kind(located[1]) != _DIR:
        raise ImportError("not a directory in a read-only tree", path=path)
    return TreeFinder(located[0], path, located[1])


def _read_only(path: str) -> bool:
    try:
        return os.path.isdir(path) and bool(os.statvfs(path).f_flag & os.ST_RDONLY)
    except OSError:
        return False


def install(entries: list[str] | None = None) -> int:
    """Serve imports from read-only ``sys.path`` directories; return how many are held.

    ``entries``: the directories to hold (tests); by default the absolute
    ``sys.path`` entries on read-only mounts.  Directories on writable mounts
    are left to the standard finder.  Calling it again adds, never repeats.
    """
    held = {tree.root for tree in _TREES}
    chosen = entries if entries is not None else \
        [entry for entry in sys.path if os.path.isabs(entry) and _read_only(entry)]
    added = False
    for entry in chosen:
        if entry not in held:
            _TREES.append(ReadOnlyTree(entry))
            held.add(entry)
            added = True
    if added:
        if _path_hook not in sys.path_hooks:
            sys.path_hooks.insert(0, _path_hook)
        sys.path_importer_cache.clear()  # finders made before these trees were held
    return len(_TREES)


def run_module_as_main(argv: list[str]) -> None:
    """``python -m argv[0] argv[1:]``, with imports served from the read-only trees.

    ``sys.path[0]`` becomes the working directory, as ``-m`` makes it.
    """
    sys.path[0] = os.getcwd()
    install()
    sys.argv = [argv[0], *argv[1:]]
    runpy.run_module(argv[0], run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    # Import this file under its own name (sys.path[0] is still its folder),
    # so the finder's classes are ``tree_imports.*``, not ``__main__.*``.
    import tree_imports  # type: ignore[import-not-found]  # pylint: disable=import-self,import-error

    tree_imports.run_module_as_main(sys.argv[1:])
