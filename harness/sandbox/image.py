"""Build and find the sandbox Docker image.

The image is named by what goes into it: a hash of the Dockerfile, the agent,
the pinned requirements and the base image's id gives the tag
``takehome-sandbox:<hash12>``.  So a build whose inputs have not changed finds
its tag and returns at once, and a changed agent can never run in a stale
image.  The build itself runs with no network: wheels are downloaded on the
host (and cached), then installed from the build context.

Task images (a task that needs e.g. pandas) derive from the sandbox image with
a generated Dockerfile and are tagged by the hash of the parent tag and the
sorted requirements, so each is built once.
"""

from __future__ import annotations

import gc
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import warnings
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import docker  # type: ignore[import-untyped, unused-ignore]  # docker ships no type hints
import docker.errors  # type: ignore[import-untyped, unused-ignore]

from harness.errors import InfrastructureError
from harness.sandbox import bootstrap

IMAGE_REPOSITORY = "takehome-sandbox"
TASK_REPOSITORY = "takehome-sandbox-task"
DEFAULT_BASE_IMAGE = "python:3.11-slim"
ROLE_LABEL = "org.takehome.role"
CONTENT_LABEL = "org.takehome.content"
PARENT_LABEL = "org.takehome.parent"
REQUIREMENTS_LABEL = "org.takehome.requirements"
# A pull that has not finished by then will not finish on a slow CI machine
# either; we fall back to the bootstrapped base instead of hanging.
PULL_TIMEOUT = 120.0
# Builds stream output, but a pip install step can be silent for a while.
CLIENT_TIMEOUT = 600
CACHE_ENV = "TAKEHOME_CACHE_DIR"

_PACKAGE_DIR = Path(__file__).resolve().parent
# A symlink to the top-level Dockerfile, shipped as package data, so an
# installed (non-editable) harness, as in the GitHub Action, can build too.
_DOCKERFILE = _PACKAGE_DIR / "Dockerfile"
_AGENT = _PACKAGE_DIR / "agent.py"
_TREE_IMPORTS = _PACKAGE_DIR / "tree_imports.py"
_REQUIREMENTS = _PACKAGE_DIR / "requirements.txt"
# The wheels must fit the image's interpreter, not the host's.
_PLATFORM_ARGS = (
    "--only-binary=:all:",
    "--platform", "manylinux2014_x86_64",
    "--platform", "manylinux_2_17_x86_64",
    "--platform", "manylinux_2_28_x86_64",
    "--python-version", "3.11",
    "--implementation", "cp",
)

Progress = Callable[[str], None]


def build_image(
    *,
    base_image: str | None = None,
    extra_requirements: Sequence[str] = (),
    progress: Progress = print,
    client: Any = None,
) -> str:
    """Build the sandbox image (and a task image on top) unless built; return the tag.

    ``base_image`` defaults to python:3.11-slim, pulled if missing; when no
    registry answers, a Debian bookworm base is bootstrapped from the host's
    apt mirror.  With ``extra_requirements`` the returned tag is that of the
    task image derived from the sandbox image.
    """
    client = docker_client(client)
    base_id, base_ref = _resolve_base(client, base_image, progress)
    sources = _sources()
    tag = image_tag_for(base_id, sources)
    if _image_exists(client, tag):
        progress(f"sandbox image {tag} is up to date")
    else:
        _build_sandbox_image(client, tag, base_ref, sources, progress)
    if extra_requirements:
        return build_task_image(tag, extra_requirements, progress=progress, client=client)
    return tag


def build_task_image(
    base_tag: str,
    requirements: Sequence[str],
    *,
    progress: Progress = print,
    client: Any = None,
) -> str:
    """Derive an image with ``requirements`` installed from ``base_tag``; return its tag.

    The sandbox's own pins are passed as constraints, so an extra package
    cannot silently move numpy or the kernel to another version.
    """
    client = docker_client(client)
    tag = task_image_tag(base_tag, requirements)
    if _image_exists(client, tag):
        progress(f"task image {tag} is up to date")
        return tag
    reqs = "".join(f"{line}\n" for line in sorted(requirements))
    wheels = _wheelhouse(reqs, progress, constraints=_REQUIREMENTS.read_text())
    with tempfile.TemporaryDirectory(prefix="takehome-task-build-") as tmp:
        context = Path(tmp)
        _copy_wheels(wheels, context / "wheels")
        (context / "wheels" / "requirements.txt").write_text(reqs)
        shutil.copy(_REQUIREMENTS, context / "wheels" / "constraints.txt")
        (context / "Dockerfile").write_text(
            f"FROM {base_tag}\n"
            "USER root\n"
            "COPY wheels/ /tmp/wheels/\n"
            "RUN /opt/takehome/venv/bin/pip install --no-index --no-cache-dir"
            " --disable-pip-version-check --find-links /tmp/wheels"
            " -c /tmp/wheels/constraints.txt -r /tmp/wheels/requirements.txt"
            " && rm -rf /tmp/wheels\n"
            "USER sandbox\n"
        )
        _docker_build(
            client,
            context,
            tag,
            buildargs={},
            labels={
                ROLE_LABEL: "sandbox-task-image",
                PARENT_LABEL: base_tag,
                REQUIREMENTS_LABEL: " ".join(sorted(requirements)),
            },
            progress=progress,
        )
    return tag


def image_tag_for(base_image_id: str, sources: dict[str, bytes] | None = None) -> str:
    """The sandbox image tag for the current sources built on ``base_image_id``."""
    digest = hashlib.sha256(f"{content_hash(sources)}\0{base_image_id}".encode()).hexdigest()
    return f"{IMAGE_REPOSITORY}:{digest[:12]}"


def task_image_tag(base_tag: str, requirements: Iterable[str]) -> str:
    """The task image tag for ``requirements`` on top of ``base_tag`` (order-free)."""
    text = "\0".join([base_tag, *sorted(requirements)])
    return f"{TASK_REPOSITORY}:{hashlib.sha256(text.encode()).hexdigest()[:12]}"


def content_hash(sources: dict[str, bytes] | None = None) -> str:
    """Hash of the files that make the sandbox image: Dockerfile, agent, pins."""
    digest = hashlib.sha256()
    for name, data in sorted((sources or _sources()).items()):
        digest.update(f"{name}\0{len(data)}\0".encode())
        digest.update(data)
    return digest.hexdigest()


def _sources() -> dict[str, bytes]:
    """The build context's own files, read once so hash and build agree."""
    return {
        "Dockerfile": _read_source(_DOCKERFILE),
        "agent.py": _read_source(_AGENT),
        "tree_imports.py": _read_source(_TREE_IMPORTS),
        "requirements.txt": _read_source(_REQUIREMENTS),
    }


def find_image(*, extra_requirements: Sequence[str] = (), client: Any = None) -> str:
    """Return the tag of a built image for the current sources, without building.

    Any base qualifies (pulled slim or bootstrapped Debian); the newest wins.
    """
    client = docker_client(client)
    images = _list_images(client, {ROLE_LABEL: "sandbox-image", CONTENT_LABEL: content_hash()})
    tags: list[str] = [
        str(tag)
        for image in sorted(images, key=lambda i: str(i.attrs.get("Created", "")), reverse=True)
        for tag in image.tags
        if tag.startswith(f"{IMAGE_REPOSITORY}:")
    ]
    if not tags:
        raise InfrastructureError(
            f"sandbox image {IMAGE_REPOSITORY} for the current sources "
            f"(content {content_hash()[:12]}) is missing; run `takehome image build`"
        )
    if not extra_requirements:
        return tags[0]
    tag = task_image_tag(tags[0], extra_requirements)
    if not _image_exists(client, tag):
        raise InfrastructureError(
            f"task image {tag} (with {', '.join(sorted(extra_requirements))}) is "
            "missing; run `takehome image build` for this task"
        )
    return tag


def remove_stale_images(*, client: Any = None, progress: Progress = print) -> list[str]:
    """Remove sandbox images of older sources and task images built on them.

    Returns the removed tags.  Images a container still uses are kept.
    """
    client = docker_client(client)
    current = content_hash()
    live: set[str] = set()
    stale: list[str] = []
    for image in _list_images(client, {ROLE_LABEL: "sandbox-image"}):
        mine = [t for t in image.tags if t.startswith(f"{IMAGE_REPOSITORY}:")]
        if image.labels.get(CONTENT_LABEL) == current:
            live.update(mine)
        else:
            stale += mine
    for image in _list_images(client, {ROLE_LABEL: "sandbox-task-image"}):
        if image.labels.get(PARENT_LABEL) not in live:
            stale += [t for t in image.tags if t.startswith(f"{TASK_REPOSITORY}:")]
    removed: list[str] = []
    # Task images first: they are children of the sandbox images.
    for tag in sorted(stale, key=lambda t: not t.startswith(TASK_REPOSITORY)):
        try:
            client.images.remove(tag)
        except docker.errors.APIError as exc:
            progress(f"kept {tag}: {exc.explanation or exc}")
            continue
        progress(f"removed {tag}")
        removed.append(tag)
    return removed


def docker_client(client: Any = None) -> Any:
    """Return ``client`` or a client for the engine the environment names.

    Raises InfrastructureError when the engine does not answer.
    """
    if client is not None:
        return client
    problem: str | None = None
    # docker-py leaks its socket when the engine does not answer; the
    # ResourceWarning would only bury the message below.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        try:
            new = docker.from_env(timeout=CLIENT_TIMEOUT)
            new.ping()
        except docker.errors.DockerException as exc:
            problem = str(exc)  # not the exception: it holds the socket
        gc.collect()
    if problem is not None:
        where = os.environ.get("DOCKER_HOST", "unix:///var/run/docker.sock")
        raise InfrastructureError(
            f"Docker engine not reachable at {where} ({problem}); start Docker or "
            "use --sandbox local"
        )
    return new


# -- base image -------------------------------------------------------------------


def _resolve_base(client: Any, base_image: str | None, progress: Progress) -> tuple[str, str]:
    """Return ``(id, reference)`` of the base to build on, making it if needed."""
    if base_image is not None:
        image_id = _local_image_id(client, base_image) or _pull(client, base_image, progress)
        if image_id is None:
            raise InfrastructureError(
                f"base image {base_image} is not present and could not be pulled; "
                "load it into the Docker engine or omit --base-image"
            )
        return image_id, base_image
    for candidate in (DEFAULT_BASE_IMAGE, bootstrap.BOOTSTRAP_IMAGE):
        image_id = _local_image_id(client, candidate)
        if image_id is not None:
            return image_id, candidate
    image_id = _pull(client, DEFAULT_BASE_IMAGE, progress)
    if image_id is not None:
        return image_id, DEFAULT_BASE_IMAGE
    progress(f"{DEFAULT_BASE_IMAGE} cannot be pulled; bootstrapping a Debian base")
    return bootstrap.bootstrap_base_image(client, progress=progress), bootstrap.BOOTSTRAP_IMAGE


def _local_image_id(client: Any, ref: str) -> str | None:
    try:
        return str(client.images.get(ref).id)
    except docker.errors.ImageNotFound:
        return None
    except docker.errors.APIError as exc:
        raise InfrastructureError(f"Docker engine error looking up {ref}: {exc}") from exc


def _pull(client: Any, ref: str, progress: Progress) -> str | None:
    """Try to pull ``ref`` within PULL_TIMEOUT; return its id, or None if it failed."""
    repository, _, tag = ref.partition(":")
    outcome: list[BaseException] = []

    def pull() -> None:
        try:
            for _ in client.api.pull(repository, tag or "latest", stream=True, decode=True):
                pass
        except docker.errors.DockerException as exc:
            outcome.append(exc)

    progress(f"pulling {ref}")
    # The pull runs in a daemon thread so a registry that hangs cannot hang us.
    worker = threading.Thread(target=pull, daemon=True)
    worker.start()
    worker.join(PULL_TIMEOUT)
    if worker.is_alive():
        progress(f"pulling {ref} took over {PULL_TIMEOUT:.0f} s; giving up")
        return None
    if outcome:
        progress(f"cannot pull {ref}: {outcome[0]}")
        return None
    return _local_image_id(client, ref)


# -- building ---------------------------------------------------------------------


def _build_sandbox_image(
    client: Any, tag: str, base_ref: str, sources: dict[str, bytes], progress: Progress
) -> None:
    wheels = _wheelhouse(sources["requirements.txt"].decode(), progress, exact=True)
    with tempfile.TemporaryDirectory(prefix="takehome-build-") as tmp:
        context = Path(tmp)
        _copy_wheels(wheels, context / "wheels")
        (context / "Dockerfile").write_bytes(sources["Dockerfile"])
        (context / "agent.py").write_bytes(sources["agent.py"])
        (context / "tree_imports.py").write_bytes(sources["tree_imports.py"])
        (context / "wheels" / "requirements.txt").write_bytes(sources["requirements.txt"])
        _docker_build(
            client,
            context,
            tag,
            buildargs={"BASE_IMAGE": base_ref},
            labels={ROLE_LABEL: "sandbox-image", CONTENT_LABEL: content_hash(sources),
                    "org.takehome.base": base_ref},
            progress=progress,
        )


def _docker_build(  # pylint: disable=too-many-arguments  # all keyword-only, each needed
    client: Any,
    context: Path,
    tag: str,
    *,
    buildargs: dict[str, str],
    labels: dict[str, str],
    progress: Progress,
) -> None:
    """Build ``context`` as ``tag`` with no network, streaming the log to ``progress``.

    The low-level API is used because ``client.images.build`` returns its log
    only after the build ends; a 2-minute build should show what it is doing.
    """
    progress(f"building {tag}")
    try:
        for chunk in client.api.build(
            path=str(context),
            tag=tag,
            buildargs=buildargs,
            labels=labels,
            network_mode="none",
            rm=True,
            forcerm=True,
            decode=True,
        ):
            if "error" in chunk:
                raise InfrastructureError(
                    f"docker build of {tag} failed: {str(chunk['error']).strip()}"
                )
            text = str(chunk.get("stream", "")).rstrip()
            if text:
                progress(text)
    except docker.errors.DockerException as exc:
        raise InfrastructureError(f"docker build of {tag} failed: {exc}") from exc
    if not _image_exists(client, tag):
        raise InfrastructureError(f"docker build of {tag} ended without the image")


def _wheelhouse(requirements: str, progress: Progress, *, constraints: str = "",
               exact: bool = False) -> Path:
    """Download the wheels for ``requirements`` once; return the cached folder.

    Keyed by the requirement and constraint text, so a changed pin fetches a
    new set and an unchanged one never touches the network.  ``exact``: the
    list is complete by itself (the sandbox's pins), so dependencies are not
    resolved and only what it names is fetched.
    """
    key = hashlib.sha256(
        "\0".join([requirements, constraints, str(exact), *_PLATFORM_ARGS]).encode()
    ).hexdigest()[:16]
    target = cache_dir() / "wheels" / key
    if target.is_dir():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    progress(f"downloading wheels into {target}")
    with tempfile.TemporaryDirectory(prefix=".partial-", dir=target.parent) as tmp:
        staging = Path(tmp)
        (staging / "requirements.txt").write_text(requirements)
        cmd = [sys.executable, "-m", "pip", "download", "--disable-pip-version-check",
               "--no-input", *_PLATFORM_ARGS, "-d", str(staging / "wheels"),
               "-r", str(staging / "requirements.txt"), *(["--no-deps"] if exact else [])]
        if constraints:
            (staging / "constraints.txt").write_text(constraints)
            cmd += ["-c", str(staging / "constraints.txt")]
        done = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise InfrastructureError(
                "pip download of the sandbox wheels failed (is PyPI reachable?):\n"
                + "\n".join(done.stderr.strip().splitlines()[-15:])
            )
        # Rename into place last, so an interrupted download never looks cached.
        try:
            os.replace(staging / "wheels", target)
        except OSError:
            if not target.is_dir():  # else a concurrent build won the race
                raise
    return target


def _copy_wheels(source: Path, dest: Path) -> None:
    dest.mkdir(parents=True)
    for wheel in source.iterdir():
        try:  # hard links cost nothing; fall back to a copy across file systems
            os.link(wheel, dest / wheel.name)
        except OSError:
            shutil.copy(wheel, dest / wheel.name)


def cache_dir() -> Path:
    """The harness's cache (downloaded wheels, extracted image trees): $TAKEHOME_CACHE_DIR, else the XDG cache."""
    explicit = os.environ.get(CACHE_ENV)
    if explicit:
        return Path(explicit)
    xdg = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(xdg) / "takehome"


# -- engine helpers -----------------------------------------------------------------


def _image_exists(client: Any, ref: str) -> bool:
    return _local_image_id(client, ref) is not None


def _list_images(client: Any, labels: dict[str, str]) -> list[Any]:
    try:
        found = client.images.list(filters={"label": [f"{k}={v}" for k, v in labels.items()]})
    except docker.errors.APIError as exc:
        raise InfrastructureError(f"Docker engine error listing images: {exc}") from exc
    return list(found)


def _read_source(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError as exc:
        raise InfrastructureError(
            f"{path} is missing; reinstall takehome-harness (the Dockerfile ships "
            "with the package) or build from a source checkout"
        ) from exc
