"""The sandbox image, built for real: contents, user, caching, task images.

The first build is slow (on a machine without a registry it bootstraps a
Debian base); the built images are kept, so later runs and later test steps
reuse them.
"""

from __future__ import annotations

from typing import Any

import pytest

from harness.sandbox import image

pytestmark = pytest.mark.docker

# Small, pure Python, wheel-only, and not already in the sandbox image.
EXTRA_REQUIREMENT = "six==1.16.0"


@pytest.fixture(scope="session")
def sandbox_tag(docker_client: Any) -> str:
    """Build (or find) the sandbox image once per session."""
    return image.build_image(client=docker_client, progress=lambda _line: None)


@pytest.fixture(scope="session")
def task_tag(docker_client: Any, sandbox_tag: str) -> str:
    return image.build_image(
        extra_requirements=[EXTRA_REQUIREMENT], client=docker_client, progress=lambda _l: None
    )


def run_in(client: Any, tag: str, *command: str) -> tuple[int, str]:
    """Run ``command`` in a fresh container of ``tag``; return (status, output)."""
    container = client.containers.create(
        tag, entrypoint=list(command[:1]), command=list(command[1:]), network_disabled=True
    )
    try:
        container.start()
        status = container.wait(timeout=120)["StatusCode"]
        return status, container.logs(stdout=True, stderr=True).decode()
    finally:
        container.remove(force=True)


def test_tag_names_the_sources(sandbox_tag: str) -> None:
    assert sandbox_tag.startswith(f"{image.IMAGE_REPOSITORY}:")
    assert len(sandbox_tag.partition(":")[2]) == 12


def test_second_build_reuses_the_image(docker_client: Any, sandbox_tag: str) -> None:
    before = docker_client.images.get(sandbox_tag).id
    lines: list[str] = []
    again = image.build_image(client=docker_client, progress=lines.append)
    assert again == sandbox_tag
    assert docker_client.images.get(again).id == before
    assert not any(line.startswith("building") for line in lines), lines


def test_find_image_returns_the_built_tag(docker_client: Any, sandbox_tag: str) -> None:
    assert image.find_image(client=docker_client) == sandbox_tag


def test_image_carries_its_labels(docker_client: Any, sandbox_tag: str) -> None:
    labels = docker_client.images.get(sandbox_tag).labels
    assert labels[image.ROLE_LABEL] == "sandbox-image"
    assert labels[image.CONTENT_LABEL] == image.content_hash()


def test_runs_as_unprivileged_user(docker_client: Any, sandbox_tag: str) -> None:
    status, out = run_in(
        docker_client, sandbox_tag, "python", "-c",
        "import os; print(os.getuid(), os.getgid(), os.getcwd(), os.access('/work', os.W_OK))",
    )
    assert (status, out.split()) == (0, ["10001", "10001", "/work", "True"])


def test_entrypoint_is_the_agent(docker_client: Any, sandbox_tag: str) -> None:
    config = docker_client.images.get(sandbox_tag).attrs["Config"]
    assert config["Entrypoint"] == ["/opt/takehome/venv/bin/python", "/opt/takehome/agent.py"]
    assert config["User"] == "sandbox"


@pytest.mark.parametrize("module", ["numpy", "ipykernel", "nbclient", "jupyter_client"])
def test_sandbox_packages_import(docker_client: Any, sandbox_tag: str, module: str) -> None:
    status, out = run_in(docker_client, sandbox_tag, "python", "-c", f"import {module}; print('ok')")
    assert (status, out.strip()) == (0, "ok"), out


def test_venv_python_is_first_on_path(docker_client: Any, sandbox_tag: str) -> None:
    status, out = run_in(
        docker_client, sandbox_tag, "sh", "-c", "command -v python; python -c 'import sys; print(sys.version_info[:2])'"
    )
    assert status == 0, out
    assert out.split("\n")[:2] == ["/opt/takehome/venv/bin/python", "(3, 11)"]


def test_kernelspec_lives_in_the_venv(docker_client: Any, sandbox_tag: str) -> None:
    status, out = run_in(
        docker_client, sandbox_tag, "python", "-c",
        "from jupyter_client.kernelspec import KernelSpecManager as M;"
        "print(M().get_kernel_spec('python3').resource_dir)",
    )
    assert status == 0, out
    assert out.strip().startswith("/opt/takehome/venv/share/jupyter/kernels/"), out


# A notebook run the way the agent runs one, on a read-only root with only /tmp
# writable and few processes: Jupyter's runtime files and numpy's threads must fit.
_RUN_NOTEBOOK = """
import nbformat, nbclient
nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
    "import numpy as np; print(int(np.ones((300, 300)).dot(np.ones(300)).sum()))")])
nbclient.NotebookClient(nb, timeout=60, kernel_name="python3").execute()
print(nb.cells[0].outputs[0]["text"].strip())
"""


def test_kernel_runs_on_a_read_only_root(docker_client: Any, sandbox_tag: str) -> None:
    container = docker_client.containers.create(
        sandbox_tag,
        entrypoint=["python", "-c", _RUN_NOTEBOOK],
        network_disabled=True,
        read_only=True,
        tmpfs={"/tmp": "size=64m"},
        pids_limit=64,
    )
    try:
        container.start()
        status = container.wait(timeout=180)["StatusCode"]
        out = container.logs(stdout=True, stderr=True).decode()
    finally:
        container.remove(force=True)
    assert (status, out.strip().splitlines()[-1:]) == (0, ["90000"]), out


@pytest.mark.parametrize(
    "name", ["OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"]
)
def test_blas_uses_one_thread(docker_client: Any, sandbox_tag: str, name: str) -> None:
    env = docker_client.images.get(sandbox_tag).attrs["Config"]["Env"]
    assert f"{name}=1" in env


def test_no_wheelhouse_left_in_image(docker_client: Any, sandbox_tag: str) -> None:
    status, out = run_in(docker_client, sandbox_tag, "sh", "-c", "ls /tmp/wheels 2>&1 || echo gone")
    assert (status, out.strip().splitlines()[-1:]) == (0, ["gone"]), out


def test_task_image_has_the_extra_package(docker_client: Any, task_tag: str) -> None:
    status, out = run_in(
        docker_client, task_tag, "python", "-c",
        "import os, six, numpy; print(six.__version__, os.getuid())",
    )
    assert (status, out.split()) == (0, ["1.16.0", "10001"]), out


def test_task_image_is_built_once(docker_client: Any, sandbox_tag: str, task_tag: str) -> None:
    before = docker_client.images.get(task_tag).id
    lines: list[str] = []
    again = image.build_task_image(sandbox_tag, [EXTRA_REQUIREMENT], client=docker_client,
                                   progress=lines.append)
    assert again == task_tag
    assert docker_client.images.get(again).id == before
    assert not any(line.startswith("building") for line in lines), lines
    assert image.find_image(extra_requirements=[EXTRA_REQUIREMENT], client=docker_client) == task_tag


def test_find_image_names_the_build_command_when_missing(docker_client: Any, sandbox_tag: str) -> None:
    from harness.errors import InfrastructureError

    assert image.find_image(client=docker_client) == sandbox_tag
    with pytest.raises(InfrastructureError, match="run `takehome image build`"):
        image.find_image(extra_requirements=["never-built==0.0.1"], client=docker_client)


# -- the Debian mirror the bootstrap reads from the host's apt sources ------------


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        pytest.param(
            {"sources.list.d/debian.sources": (
                "Types: deb\n# a comment\nURIs: http://mirror.invalid/debian\n"
                "Suites: bookworm bookworm-updates\nComponents: main\n\n"
                "Types: deb\nURIs: http://mirror.invalid/debian-security\n"
                "Suites: bookworm-security\nComponents: main\n")},
            "http://mirror.invalid/debian",
            id="deb822",
        ),
        pytest.param(
            {"sources.list": (
                "# deb http://commented.invalid/debian bookworm main\n"
                "deb-src http://src.invalid/debian bookworm main\n"
                "deb [arch=amd64 signed-by=/k.gpg] http://one.invalid/debian bookworm main\n")},
            "http://one.invalid/debian",
            id="one-line-with-options",
        ),
        pytest.param(
            {"sources.list": "deb http://other.invalid/debian trixie main\n",
             "sources.list.d/tool.list.disabled": "deb http://off.invalid/debian bookworm main\n"},
            "http://other.invalid/debian",
            id="other-suite-same-archive",
        ),
    ],
)
def test_debian_mirror_comes_from_apt_sources(
    tmp_path: Any, monkeypatch: pytest.MonkeyPatch, files: dict[str, str], expected: str
) -> None:
    from harness.sandbox import bootstrap

    monkeypatch.delenv(bootstrap.MIRROR_ENV, raising=False)
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    assert bootstrap.debian_mirror(tmp_path) == expected


def test_debian_mirror_missing_says_what_to_set(
    tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from harness.errors import InfrastructureError
    from harness.sandbox import bootstrap

    monkeypatch.delenv(bootstrap.MIRROR_ENV, raising=False)
    (tmp_path / "sources.list").write_text("deb https://tools.invalid/apt stable main\n")
    with pytest.raises(InfrastructureError, match=bootstrap.MIRROR_ENV):
        bootstrap.debian_mirror(tmp_path)


def test_the_dockerfile_ships_inside_the_package() -> None:
    """An installed (non-editable) harness, as in the GitHub Action, can build the image."""
    import tomllib

    root = image._PACKAGE_DIR.parent.parent
    assert image._DOCKERFILE.read_bytes() == (root / "Dockerfile").read_bytes()
    data = tomllib.loads((root / "pyproject.toml").read_text())
    assert "sandbox/Dockerfile" in data["tool"]["setuptools"]["package-data"]["harness"]
