"""Prestarting sandboxes: a spare for the same settings, never reused across settings."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

from harness.batch.prestart import PrestartingSandbox
from harness.sandbox.base import Limits, RunSpec


class _Stream:
    def __init__(self, spec: RunSpec) -> None:
        self.spec = spec
        self.terminated = False

    def write(self, data: bytes) -> None:  # pragma: no cover - never written here
        raise AssertionError("a prestarted spare must not be written to")

    def lines(self) -> Iterator[bytes]:  # pragma: no cover
        return iter(())

    def terminate(self) -> str:
        self.terminated = True
        return "closed"


class _Backend:
    name = "fake"
    isolates = False

    def __init__(self) -> None:
        self.started: list[_Stream] = []

    def start(self, spec: RunSpec) -> _Stream:
        stream = _Stream(spec)
        self.started.append(stream)
        return stream


SPEC = RunSpec(notebook={"cells": ["a"]}, limits=Limits(cell_timeout=5))


def test_each_start_hands_out_the_spare_and_starts_the_next() -> None:
    backend = _Backend()
    sandbox = PrestartingSandbox(backend)  # type: ignore[arg-type]
    sandbox.prepare(dataclasses.replace(SPEC, notebook={}))
    first = sandbox.start(SPEC)
    second = sandbox.start(dataclasses.replace(SPEC, notebook={"cells": ["b"]}))
    assert first is backend.started[0] and second is backend.started[1]
    sandbox.close()
    assert len(backend.started) == 3 and backend.started[2].terminated  # the unused spare
    assert not first.terminated and not second.terminated  # their sessions close them


def test_a_spare_for_other_settings_is_terminated_not_reused() -> None:
    backend = _Backend()
    sandbox = PrestartingSandbox(backend, keep_spare=False)  # type: ignore[arg-type]
    sandbox.prepare(SPEC)
    other = dataclasses.replace(SPEC, limits=Limits(memory_mb=64))
    stream = sandbox.start(other)
    assert backend.started[0].terminated
    assert stream is backend.started[1] and stream.spec.limits.memory_mb == 64
    sandbox.close()
    assert len(backend.started) == 2  # keep_spare=False: no spare after the start
