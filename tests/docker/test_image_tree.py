"""The image's interpreter served from a host copy: same files, read-only, used by sandboxes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from harness.errors import InputError
from harness.sandbox import image
from harness.sandbox.base import RunSpec, Session
from harness.sandbox.docker import DockerSandbox, container_config
from harness.sandbox.image_tree import MODE_ENV, binds_wanted, image_tree, tree_mounts
from tests.conftest import notebook_json

# Every file under the trees, with its size and mode, as Python inside the
# container sees it; printed as JSON on one line.
_LISTING = r"""
import json, os, stat
found = {}
for top in ("/opt", "/usr/lib/python3.11", "/usr/bin"):
    for root, dirs, files in os.walk(top):
        for name in files:
            path = os.path.join(root, name)
            info = os.lstat(path)
            found[path] = [info.st_size, stat.S_IMODE(info.st_mode) & 0o755]
print(json.dumps(found, sort_keys=True))
"""


def test_the_mode_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(MODE_ENV, raising=False)
    assert binds_wanted("fuse-overlayfs") and binds_wanted("vfs")
    assert not binds_wanted("overlay2")
    monkeypatch.setenv(MODE_ENV, "off")
    assert not binds_wanted("fuse-overlayfs")
    monkeypatch.setenv(MODE_ENV, "on")
    assert binds_wanted("overlay2")
    monkeypatch.setenv(MODE_ENV, "sometimes")
    with pytest.raises(InputError, match=MODE_ENV):
        binds_wanted("overlay2")


@pytest.mark.docker
def test_the_copy_holds_the_images_files(docker_client: Any, tmp_path: Path) -> None:
    """Listing the trees from the layers and from the binds gives the same files."""
    tag = image.find_image(client=docker_client)
    root = image_tree(docker_client, tag, tmp_path / "trees")
    assert root == image_tree(docker_client, tag, tmp_path / "trees")  # extracted once
    layers = _listing(docker_client, tag, mounts=[])
    bound = _listing(docker_client, tag, mounts=tree_mounts(root))
    assert len(layers) > 1000 and "/opt/takehome/agent.py" in layers
    assert bound == layers


@pytest.mark.docker
def test_sandboxes_read_the_trees_read_only(
    docker_client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With binds on, a notebook sees /usr and /opt as read-only mounts and runs as before."""
    monkeypatch.setenv(MODE_ENV, "on")
    sandbox = DockerSandbox(docker_client)
    cells = (
        "mounts = {l.split()[4]: l.split()[5] for l in open('/proc/self/mountinfo')}",
        "print(mounts.get('/usr'), mounts.get('/opt'))",
        "import os\ntry:\n    open('/usr/lib/x', 'w')\nexcept OSError as exc:\n"
        "    print('refused', type(exc).__name__)",
    )
    notebook = notebook_json(*cells)
    spec = RunSpec(notebook=notebook)
    session = Session(sandbox.start(spec), spec.limits)
    try:
        execution = session.execute(notebook)
    finally:
        session.close()
    assert [c["status"] for c in execution.cells] == ["ok", "ok", "ok"]
    usr, opt = execution.cells[1]["output"].split()
    assert usr.split(",")[0] == "ro" and opt.split(",")[0] == "ro"
    assert "refused" in execution.cells[2]["output"]


def test_the_container_binds_the_trees_first(tmp_path: Path) -> None:
    """The tree's mounts come with the data files' and are read-only."""
    data = tmp_path / "points.csv"
    data.write_text("1,2\n", encoding="utf-8")
    config = container_config(RunSpec(notebook={}, data_files=(data,)), "img", "run",
                              tmp_path / "tree")
    targets = [(m["Target"], m["ReadOnly"]) for m in config["mounts"]]
    assert targets == [("/usr", True), ("/opt", True), ("/work/points.csv", True)]
    assert container_config(RunSpec(notebook={}), "img", "run")["mounts"] == []


def _listing(client: Any, tag: str, mounts: list[Any]) -> dict[str, Any]:
    container = client.containers.create(
        tag, entrypoint=["/opt/takehome/venv/bin/python", "-c", _LISTING], command=[],
        network_disabled=True, read_only=True, mounts=mounts, user="10001:10001",
    )
    try:
        container.start()
        assert container.wait(timeout=120)["StatusCode"] == 0
        return dict(json.loads(container.logs(stdout=True, stderr=False).decode()))
    finally:
        container.remove(force=True)


