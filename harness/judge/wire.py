"""The data that may cross the sandbox boundary, and its strict decoder.

Only plain data crosses: None, bool, int, float, str, list, tuple, dict with
str keys and numeric/bool numpy arrays.  Anything else stays in the sandbox
and arrives as a :class:`RemoteRef` that the proxy turns into a handle.  The
decoder trusts nothing: it checks every tag, caps depth, element counts and
array sizes, and builds arrays from raw bytes with an allow-listed dtype.
Nothing here can run code, which is the point: no pickle, no eval.
"""

from __future__ import annotations

import base64
import binascii
import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from harness.errors import ProtocolError

MAX_DEPTH = 32
MAX_ARRAY_BYTES = 256 * 1024 * 1024
ALLOWED_DTYPES = frozenset(
    ["|b1", "|i1", "|u1", "<i2", "<u2", "<i4", "<u4", "<i8", "<u8", "<f2", "<f4", "<f8"]
)
_SPECIAL_FLOATS = {"nan": math.nan, "inf": math.inf, "-inf": -math.inf}


@dataclass(frozen=True)
class RemoteRef:
    """A value that stayed in the sandbox: its id there and its type name."""

    handle: int
    type_name: str
    generation: int


def encode(value: Any, depth: int = 0) -> Any:
    """Turn test arguments into wire data; refuses anything that is not data."""
    if depth > MAX_DEPTH:
        raise TypeError("argument nested too deeply to send to the sandbox")
    kind = type(value)
    if value is None or kind in (bool, str):
        return value
    if kind is int:
        return value if abs(value) < 2**63 else {"__bigint__": str(value)}
    if isinstance(value, (float, np.floating)):
        number = float(value)
        if math.isnan(number):
            return {"__float__": "nan"}
        if math.isinf(number):
            return {"__float__": "inf" if number > 0 else "-inf"}
        return number
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, np.bool_):
        return bool(value)
    if kind is list:
        return [encode(v, depth + 1) for v in value]
    if kind is tuple:
        return {"__tuple__": [encode(v, depth + 1) for v in value]}
    if kind is dict:
        if not all(type(k) is str for k in value):
            raise TypeError("only dicts with str keys can be sent to the sandbox")
        return {"__dict__": {k: encode(v, depth + 1) for k, v in value.items()}}
    if isinstance(value, np.ndarray):
        array = np.ascontiguousarray(value)
        if array.dtype.kind not in "biuf":
            raise TypeError(f"arrays of dtype {array.dtype} cannot be sent to the sandbox")
        little = array.astype(array.dtype.newbyteorder("<"), copy=False)
        return {
            "__ndarray__": {
                "dtype": little.dtype.str,
                "shape": list(array.shape),
                "b64": base64.b64encode(little.tobytes()).decode("ascii"),
            }
        }
    if isinstance(value, RemoteRef):
        return {"__handle__": value.handle, "generation": value.generation}
    raise TypeError(f"{kind.__name__} values cannot be sent to the sandbox")


def decode(data: Any, generation: int = 0, depth: int = 0) -> Any:
    """Turn untrusted wire data into Python values, or raise ProtocolError."""
    if depth > MAX_DEPTH:
        raise ProtocolError("value from the sandbox is nested too deeply")
    if data is None or isinstance(data, (bool, str)):
        return data
    if isinstance(data, int):
        return data
    if isinstance(data, float):
        return data
    if isinstance(data, list):
        return [decode(v, generation, depth + 1) for v in data]
    if not isinstance(data, dict) or len(data) > 2:
        raise ProtocolError(f"unexpected value from the sandbox: {type(data).__name__}")
    if "__tuple__" in data:
        return tuple(decode(v, generation, depth + 1) for v in _expect(data["__tuple__"], list))
    if "__dict__" in data:
        items = _expect(data["__dict__"], dict)
        return {str(k): decode(v, generation, depth + 1) for k, v in items.items()}
    if "__float__" in data:
        tag = data["__float__"]
        if tag not in _SPECIAL_FLOATS:
            raise ProtocolError("unknown float tag from the sandbox")
        return _SPECIAL_FLOATS[tag]
    if "__bigint__" in data:
        text = _expect(data["__bigint__"], str)
        if len(text) > 5000 or not text.lstrip("-").isdigit():
            raise ProtocolError("bad integer from the sandbox")
        return int(text)
    if "__ndarray__" in data:
        return _decode_array(_expect(data["__ndarray__"], dict))
    if "__handle__" in data:
        handle = data["__handle__"]
        type_name = data.get("type", "object")
        if type(handle) is not int or not isinstance(type_name, str):
            raise ProtocolError("bad handle from the sandbox")
        return RemoteRef(handle, type_name[:200], generation)
    raise ProtocolError("unknown tagged value from the sandbox")


def _expect(value: Any, kind: type) -> Any:
    if not isinstance(value, kind):
        raise ProtocolError(f"expected {kind.__name__} in data from the sandbox")
    return value


def _decode_array(spec: dict[str, Any]) -> np.ndarray:
    dtype_name = spec.get("dtype")
    shape = spec.get("shape")
    if dtype_name not in ALLOWED_DTYPES:
        raise ProtocolError(f"array dtype {dtype_name!r} is not allowed from the sandbox")
    if not isinstance(shape, list) or len(shape) > 32 or not all(
        type(n) is int and n >= 0 for n in shape
    ):
        raise ProtocolError("bad array shape from the sandbox")
    dtype = np.dtype(dtype_name)
    count = math.prod(shape)
    if count * dtype.itemsize > MAX_ARRAY_BYTES:
        raise ProtocolError("array from the sandbox is too large")
    try:
        raw = base64.b64decode(_expect(spec.get("b64"), str), validate=True)
    except binascii.Error as exc:
        raise ProtocolError("array bytes from the sandbox are not base64") from exc
    if len(raw) != count * dtype.itemsize:
        raise ProtocolError("array bytes do not match its shape and dtype")
    array = np.frombuffer(raw, dtype=dtype).reshape(shape).astype(dtype.newbyteorder("="))
    return array
