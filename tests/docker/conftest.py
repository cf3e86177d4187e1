"""Fixtures for tests that need a real Docker engine.

Without an engine these tests skip on a laptop, but fail in CI: a CI run that
silently skips the sandbox tests would report green on untested code.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

from harness.errors import InfrastructureError
from harness.sandbox.image import docker_client as connect


@pytest.fixture(scope="session")
def docker_client() -> Iterator[Any]:
    """A client for the local engine; skip (or fail under CI=true) if it is down."""
    try:
        client = connect()
    except InfrastructureError as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(str(exc))
        pytest.skip(str(exc))
    yield client
    client.close()
