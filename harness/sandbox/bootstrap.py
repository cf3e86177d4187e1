"""A local Debian base image for machines that cannot reach a registry.

``python:3.11-slim`` is the normal base of the sandbox image.  Where no
container registry answers (air-gapped CI, a mirror-only network) the engine
starts empty and ``FROM python:3.11-slim`` cannot work, but a Debian package
mirror usually can.  So we build the same thing by hand: ``debootstrap`` a
minimal bookworm (whose python3 is CPython 3.11, like the slim image) from the
mirror the host's apt already uses, and ``docker import`` the tree.

The mirror is read from the host's apt sources at run time (or from
``TAKEHOME_DEBIAN_MIRROR``); no mirror hostname is written in this code.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import docker.errors  # type: ignore[import-untyped, unused-ignore]  # docker ships no type hints

from harness.errors import InfrastructureError

BOOTSTRAP_REPOSITORY = "takehome-base"
BOOTSTRAP_TAG = "bookworm"
BOOTSTRAP_IMAGE = f"{BOOTSTRAP_REPOSITORY}:{BOOTSTRAP_TAG}"
SUITE = "bookworm"
# python3-venv brings ensurepip, which `python3 -m venv` in the Dockerfile needs.
PACKAGES = ("python3", "python3-venv")
MIRROR_ENV = "TAKEHOME_DEBIAN_MIRROR"
APT_SOURCES = Path("/etc/apt")


def apt_mirrors(apt_dir: Path = APT_SOURCES) -> list[tuple[str, list[str]]]:
    """Return ``(uri, suites)`` of every active ``deb`` source under ``apt_dir``.

    Reads both formats apt accepts: one-line ``sources.list`` / ``*.list`` and
    deb822 ``*.sources``.  Files with other suffixes are ignored, as apt does.
    """
    files = [apt_dir / "sources.list"]
    parts = apt_dir / "sources.list.d"
    if parts.is_dir():
        files += sorted(parts.iterdir())
    found: list[tuple[str, list[str]]] = []
    for path in files:
        if not path.is_file():
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        if path.suffix == ".sources":
            found += _deb822_entries(text)
        elif path.name == "sources.list" or path.suffix == ".list":
            found += _one_line_entries(text)
    return found


def _one_line_entries(text: str) -> Iterator[tuple[str, list[str]]]:
    for raw in text.splitlines():
        words = raw.split("#", 1)[0].split()
        if not words or words[0] != "deb":
            continue
        words = words[1:]
        if words and words[0].startswith("["):  # options such as [arch=amd64]
            while words and not words[0].endswith("]"):
                words = words[1:]
            words = words[1:]
        if len(words) >= 2:
            yield words[0], [words[1]]


def _deb822_entries(text: str) -> Iterator[tuple[str, list[str]]]:
    for stanza in text.split("\n\n"):
        fields: dict[str, str] = {}
        key = ""
        for line in stanza.splitlines():
            if line.startswith("#") or not line.strip():
                continue
            if line[0].isspace() and key:  # continuation line
                fields[key] += " " + line.strip()
                continue
            key, _, value = line.partition(":")
            key = key.strip().lower()
            fields[key] = value.strip()
        if "deb" not in fields.get("types", "").split():
            continue
        if fields.get("enabled", "yes").lower() == "no":
            continue
        for uri in fields.get("uris", "").split():
            yield uri, fields.get("suites", "").split()


def debian_mirror(apt_dir: Path = APT_SOURCES) -> str:
    """Pick the Debian mirror to bootstrap from.

    ``TAKEHOME_DEBIAN_MIRROR`` wins; otherwise the host source that serves
    ``bookworm`` itself, else any source of the plain Debian archive (a path
    ending in ``/debian``), since one mirror serves every suite.
    """
    override = os.environ.get(MIRROR_ENV, "").strip()
    if override:
        return override
    entries = apt_mirrors(apt_dir)
    for uri, suites in entries:
        if SUITE in suites:
            return uri
    for uri, _ in entries:
        if uri.rstrip("/").endswith("/debian"):
            return uri
    raise InfrastructureError(
        f"no Debian mirror found in {apt_dir}/sources.list*; set {MIRROR_ENV} "
        "to a Debian archive URL to bootstrap the sandbox base image"
    )


def bootstrap_base_image(
    client: Any,
    *,
    progress: Callable[[str], None] = print,
    workdir: Path | None = None,
) -> str:
    """Build ``takehome-base:bookworm`` with debootstrap unless it exists; return its id.

    ``client`` is a ``docker.DockerClient``.  Needs root (debootstrap creates
    device nodes and chowns files) and the ``debootstrap`` program.
    """
    try:
        return str(client.images.get(BOOTSTRAP_IMAGE).id)
    except docker.errors.ImageNotFound:
        pass
    program = shutil.which("debootstrap")
    if program is None:
        raise InfrastructureError(
            "cannot build the sandbox base image: no registry answered and "
            "`debootstrap` is not installed; run `apt-get install debootstrap` "
            "(or make python:3.11-slim available to the Docker engine)"
        )
    if os.geteuid() != 0:
        raise InfrastructureError(
            "cannot build the sandbox base image: debootstrap needs root; run "
            "`takehome image build` as root once (or load python:3.11-slim "
            "into the Docker engine)"
        )
    mirror = debian_mirror()
    with tempfile.TemporaryDirectory(prefix="takehome-rootfs-", dir=workdir) as tmp:
        root = Path(tmp) / "rootfs"
        progress(f"bootstrapping Debian {SUITE} from {mirror} (about 2 minutes)")
        _run_streamed(
            [program, "--variant=minbase", f"--include={','.join(PACKAGES)}",
             SUITE, str(root), mirror],
            progress,
            what="debootstrap",
        )
        _slim_rootfs(root)
        tarball = Path(tmp) / "rootfs.tar"
        subprocess.run(
            ["tar", "--numeric-owner", "-C", str(root), "-cf", str(tarball), "."],
            check=True,
        )
        progress(f"importing the root file system as {BOOTSTRAP_IMAGE}")
        try:
            client.api.import_image_from_file(
                str(tarball),
                repository=BOOTSTRAP_REPOSITORY,
                tag=BOOTSTRAP_TAG,
                changes=[
                    "ENV LANG=C.UTF-8",
                    'CMD ["/bin/bash"]',
                    "LABEL org.takehome.role=sandbox-base",
                ],
            )
        except docker.errors.APIError as exc:
            raise InfrastructureError(
                f"docker import of the bootstrapped base {BOOTSTRAP_IMAGE} failed: {exc}"
            ) from exc
    return str(client.images.get(BOOTSTRAP_IMAGE).id)


def _slim_rootfs(root: Path) -> None:
    """Drop the downloaded .debs and package lists: build steps never use apt."""
    for sub in ("var/cache/apt/archives", "var/lib/apt/lists"):
        for entry in _children(root / sub):
            if entry.is_file():
                entry.unlink()


def _children(path: Path) -> Iterable[Path]:
    return path.iterdir() if path.is_dir() else ()


def _run_streamed(cmd: list[str], progress: Callable[[str], None], *, what: str) -> None:
    """Run ``cmd``, passing each output line to ``progress``; raise on failure."""
    tail: list[str] = []
    with subprocess.Popen(
        cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    ) as proc:
        assert proc.stdout is not None  # for mypy: stdout=PIPE above
        for line in proc.stdout:
            line = line.rstrip()
            tail = (tail + [line])[-20:]
            # debootstrap prints one "I: Retrieving/Validating/Unpacking" line per
            # package; show only the step headlines.
            if not line.startswith(("I: Retrieving", "I: Validating", "I: Unpacking ",
                                    "I: Configuring ", "I: Extracting ")):
                progress(line)
    if proc.returncode != 0:
        raise InfrastructureError(
            f"{what} failed with exit status {proc.returncode}:\n" + "\n".join(tail)
        )
