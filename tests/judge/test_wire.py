"""The wire decoder accepts plain data and refuses everything else."""

from __future__ import annotations

import base64
import math

import numpy as np
import pytest

from harness.errors import ProtocolError
from harness.judge import wire


@pytest.mark.parametrize(
    "value",
    [None, True, 3, -2**70, 1.5, "text", [1, [2]], (1, "a"), {"k": [1.0, None]}],
    ids=["none", "bool", "int", "bigint", "float", "str", "nested-list", "tuple", "dict"],
)
def test_round_trip_of_plain_data(value: object) -> None:
    assert wire.decode(wire.encode(value)) == value


def test_special_floats_round_trip() -> None:
    nan, inf, ninf = wire.decode(wire.encode([math.nan, math.inf, -math.inf]))
    assert math.isnan(nan) and inf == math.inf and ninf == -math.inf


@pytest.mark.parametrize("dtype", ["float64", "float32", "int64", "int8", "bool", ">f8"])
def test_arrays_round_trip_with_dtype_and_shape(dtype: str) -> None:
    array = (np.arange(12).reshape(3, 4) % 2).astype(dtype)
    back = wire.decode(wire.encode(array))
    assert isinstance(back, np.ndarray)
    assert back.shape == (3, 4) and back.dtype == np.dtype(dtype).newbyteorder("=")
    assert np.array_equal(back, array)


def test_decoded_arrays_are_writable_copies() -> None:
    back = wire.decode(wire.encode(np.zeros(3)))
    back[0] = 1.0
    assert back[0] == 1.0


@pytest.mark.parametrize(
    "payload",
    [
        {"__ndarray__": {"dtype": "|O", "shape": [1], "b64": ""}},
        {"__ndarray__": {"dtype": "<f8", "shape": [2], "b64": base64.b64encode(b"x" * 8).decode()}},
        {"__ndarray__": {"dtype": "<f8", "shape": [-1], "b64": ""}},
        {"__ndarray__": {"dtype": "<f8", "shape": [10**9, 10**9], "b64": ""}},
        {"__ndarray__": {"dtype": "<f8", "shape": [1], "b64": "not base64!"}},
        {"__pickle__": "gASVAAAA"},
        {"__float__": "1e308"},
        {"__bigint__": "12a"},
        {"__handle__": "1"},
        {1: 2, 3: 4, 5: 6},
    ],
    ids=["object-dtype", "short-bytes", "negative-shape", "huge", "bad-base64", "pickle-tag",
         "bad-float-tag", "bad-bigint", "bad-handle", "untagged-dict"],
)
def test_malformed_payloads_are_refused(payload: object) -> None:
    with pytest.raises(ProtocolError):
        wire.decode(payload)


def test_depth_is_capped() -> None:
    deep: list[object] = []
    for _ in range(wire.MAX_DEPTH + 5):
        deep = [deep]
    with pytest.raises(ProtocolError):
        wire.decode(deep)


def test_handles_decode_to_remote_refs() -> None:
    ref = wire.decode({"__handle__": 4, "type": "Liar"}, generation=2)
    assert ref == wire.RemoteRef(4, "Liar", 2)


@pytest.mark.parametrize("value", [object(), {1: "a"}, np.array(["a"], dtype=object)],
                         ids=["object", "int-keys", "object-array"])
def test_encoding_refuses_non_data(value: object) -> None:
    with pytest.raises(TypeError):
        wire.encode(value)
