"""Serve the sandbox's interpreter from a host copy of the image where the engine's storage is slow.

A Docker engine on fuse-overlayfs (rootless engines, engines nested in a VM
or container, as on our CI machine) pays a user-space round trip for every
file a container opens or stats.  Starting the kernel opens about a thousand
files (the interpreter, the stdlib, IPython, zmq, numpy), so on that driver
a container needs ~1.9 s for the imports a host does in ~0.6 s, and the
fuse daemon burns about half a core-second per container on top.

So, on such a driver, the image's ``/usr`` and ``/opt`` (interpreter,
stdlib, the venv and the agent) are extracted once per image into the
cache, keyed by the image id, and bind-mounted read-only over the same
paths in every sandbox.  The content is the image's own, byte for byte
(``docker export`` of a never-started container), set-id bits removed; the
container still cannot write anywhere but its tmpfs; a candidate sees the
same files as without the binds.  Measured on the CI machine (import of
ipykernel, numpy and nbclient in ``docker run``): 1.9 s from the layers,
1.0 s with the binds.

``TAKEHOME_IMAGE_BINDS`` chooses: ``auto`` (the default: on for the slow
drivers in :data:`SLOW_DRIVERS`), ``on`` or ``off``.  Any failure to build
the copy falls back to the image's layers with a warning: the binds are a
speed-up, never a condition for grading.
"""

from __future__ import annotations

import contextlib
import fcntl
import io
import os
import shutil
import tarfile
import tempfile
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import docker.errors
from docker.types import Mount

from harness.errors import InfrastructureError, InputError

MODE_ENV = "TAKEHOME_IMAGE_BINDS"
MODES = ("auto", "on", "off")
# Storage drivers that serve container files slowly enough to matter.
SLOW_DRIVERS = frozenset({"fuse-overlayfs", "vfs"})
# What the kernel's start-up reads: everything else stays in the layers.
TREES = ("usr", "opt")
_COMPLETE = ".complete"  # written last: a tree without it is never used


def binds_wanted(driver: str, mode: str | None = None) -> bool:
    """Whether sandboxes should read ``TREES`` from a host copy on this engine."""
    chosen = (mode if mode is not None else os.environ.get(MODE_ENV, "auto")).strip().lower()
    if chosen not in MODES:
        raise InputError(f"{MODE_ENV} must be one of {', '.join(MODES)}, not {chosen!r}")
    if chosen == "auto":
        return driver in SLOW_DRIVERS
    return chosen == "on"


def tree_mounts(root: Path) -> list[Mount]:
    """Read-only binds of an extracted tree over the image's own paths."""
    return [Mount(target=f"/{name}", source=str(root / name), type="bind", read_only=True)
            for name in TREES]


def image_tree(client: Any, image: str, cache: Path) -> Path:
    """The extracted ``TREES`` of ``image`` under ``cache``; extracted on first use.

    Several graders may ask at once: one extracts under a lock, the others
    wait and reuse its result.  Trees of images the engine no longer has are
    removed when a new one is extracted.
    """
    try:
        image_id = str(client.images.get(image).id)
    except docker.errors.APIError as exc:
        raise InfrastructureError(f"cannot inspect sandbox image {image}: {exc}") from exc
    key = image_id.split(":")[-1][:32]
    cache.mkdir(parents=True, exist_ok=True)
    root = cache / key
    if (root / _COMPLETE).is_file():
        return root
    with _locked(cache / ".lock"):
        if (root / _COMPLETE).is_file():
            return root
        _remove_stale(client, cache)
        staging = Path(tempfile.mkdtemp(prefix=f".{key}-", dir=cache))
        try:
            _extract(client, image, staging)
            (staging / _COMPLETE).write_text(image_id + "\n", encoding="utf-8")
            shutil.rmtree(root, ignore_errors=True)  # an incomplete earlier attempt
            staging.rename(root)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return root


def image_tree_or_none(client: Any, image: str, cache: Path) -> Path | None:
    """:func:`image_tree`, or None (with a warning) when it cannot be built."""
    try:
        return image_tree(client, image, cache)
    except (OSError, tarfile.TarError, InfrastructureError, docker.errors.APIError) as exc:
        warnings.warn(f"sandboxes read the image's layers (slower): could not extract "
                      f"{image} into {cache}: {exc}", RuntimeWarning, stacklevel=2)
        return None


def _extract(client: Any, image: str, target: Path) -> None:
    """Unpack ``TREES`` of a created (never started) container of ``image``."""
    container = client.api.create_container(image, entrypoint=["/nonexistent"], command=[],
                                            network_disabled=True)
    try:
        stream = io.BufferedReader(_ChunkReader(client.api.export(container["Id"])), 1 << 20)
        with tarfile.open(fileobj=stream, mode="r|") as archive:
            # "tar" keeps the image's modes and absolute symlinks (resolved
            # inside the container) but refuses paths leaving the target and
            # drops set-id bits and group/other write permission.
            archive.extractall(target, members=_wanted(archive), filter="tar")
    finally:
        with contextlib.suppress(docker.errors.APIError):
            client.api.remove_container(container["Id"], force=True)
    for name in TREES:
        if not (target / name).is_dir():
            raise InfrastructureError(f"image {image} has no /{name} to serve from the host")


def _wanted(archive: tarfile.TarFile) -> Iterator[tarfile.TarInfo]:
    for member in archive:
        top = member.name.lstrip("./").split("/", 1)[0]
        if top in TREES and not (member.ischr() or member.isblk() or member.isfifo()):
            yield member


def _remove_stale(client: Any, cache: Path) -> None:
    """Drop extracted trees whose image is gone (a rebuilt image has a new id)."""
    try:
        live = {str(i.id).split(":")[-1][:32] for i in client.images.list(all=True)}
    except docker.errors.APIError:
        return
    for entry in cache.iterdir():
        if entry.is_dir() and not entry.name.startswith(".") and entry.name not in live:
            shutil.rmtree(entry, ignore_errors=True)


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    with open(path, "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


class _ChunkReader(io.RawIOBase):
    """The engine's chunked export stream as a readable raw file for tarfile."""

    def __init__(self, chunks: Any) -> None:
        super().__init__()
        self._chunks = iter(chunks)
        self._pending = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while not self._pending:
            try:
                self._pending = next(self._chunks)
            except StopIteration:
                return 0
        size = min(len(buffer), len(self._pending))
        buffer[:size] = self._pending[:size]
        self._pending = self._pending[size:]
        return size
