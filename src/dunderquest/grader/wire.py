"""The sandbox RPC's wire format: safe data only, in both directions.

A frame is a 4-byte big-endian length, a JSON header of that length, then the raw bytes of any
tensors the header lists. Values are tagged JSON (`{"t": "int", "v": "3"}`); a tensor travels as
dtype + shape + raw bytes; anything else stays in the sandbox and travels as a reference. Nothing
here ever unpickles: the trusted side rebuilds tensors with `torch.frombuffer` and reads the rest
as JSON.
"""

from __future__ import annotations

import json
import math
import os
import struct
import sys
from dataclasses import dataclass
from typing import Any

MAX_HEADER = 64 * 1024 * 1024
MAX_BLOBS = 1024 * 1024 * 1024
MAX_ITEMS = 200_000  # items in one container: more is reported as a flood, not sent
MAX_DEPTH = 20
TENSOR_DTYPES = ("float32", "float64", "float16", "bfloat16", "uint8", "int8", "int16", "int32",
                 "int64", "bool")


class WireError(Exception):
    """The other side sent something that is not a well-formed frame."""


@dataclass(frozen=True)
class Image:
    """A PIL image from the sandbox, as its mode, size and raw pixels (no decoding of any format)."""

    mode: str
    size: tuple[int, int]
    pixels: bytes


# -- framing ---------------------------------------------------------------------------------------


def frame_head(header: dict, blobs: list[bytes] = ()) -> bytes:
    """The length prefix and the JSON header of a frame; the blobs, if any, follow it as they are."""
    header = dict(header, blobs=[len(b) for b in blobs])
    body = json.dumps(header, allow_nan=False).encode()
    return struct.pack(">I", len(body)) + body


def write_frame(fd: int, header: dict, blobs: list[bytes] = ()) -> None:
    write_all(fd, frame_head(header, blobs))
    for blob in blobs:
        write_all(fd, blob)


def write_all(fd: int, data: bytes | memoryview) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def read_exact(fd: int, n: int) -> bytes:
    chunks, left = [], n
    while left:
        chunk = os.read(fd, min(left, 1 << 20))
        if not chunk:
            raise EOFError
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def read_frame_from(read: Any) -> tuple[dict, list[bytes]]:
    """Reads one frame with `read(n) -> exactly n bytes` (raising EOFError at the end)."""
    (size,) = struct.unpack(">I", read(4))
    if size > MAX_HEADER:
        raise WireError(f"header of {size} bytes")
    try:
        header = json.loads(read(size))
    except (ValueError, UnicodeDecodeError) as err:
        raise WireError(f"header is not JSON: {err}") from None
    if not isinstance(header, dict):
        raise WireError("header is not an object")
    sizes = header.get("blobs", [])
    if not isinstance(sizes, list) or not all(isinstance(s, int) and s >= 0 for s in sizes):
        raise WireError("bad blob list")
    if sum(sizes) > MAX_BLOBS:
        raise WireError("blobs too large")
    return header, [read(s) for s in sizes]


# -- values ----------------------------------------------------------------------------------------


def encode(value: Any, blobs: list[bytes], *, ref_for: Any = None, depth: int = 0) -> dict:
    """Encodes a value. Objects that are not plain data become refs through `ref_for(obj) -> dict`
    (the sandbox's handle table); with no `ref_for`, they are an error."""
    if depth > MAX_DEPTH:
        raise ValueError("the value is nested too deeply to send")
    kind = type(value)
    if value is None:
        return {"t": "none"}
    if kind is bool:
        return {"t": "bool", "v": value}
    if kind is int:
        return {"t": "int", "v": str(value)}
    if kind is float:
        return {"t": "float", "v": repr(value)}
    if kind is str:
        return {"t": "str", "v": value}
    if kind in (tuple, list):
        if len(value) > MAX_ITEMS:
            raise ValueError(f"a {kind.__name__} of {len(value)} items is too large to send")
        return {"t": kind.__name__, "items": [encode(v, blobs, ref_for=ref_for, depth=depth + 1)
                                              for v in value]}
    if kind is dict:
        if len(value) > MAX_ITEMS:
            raise ValueError(f"a dict of {len(value)} items is too large to send")
        return {"t": "dict", "items": [[encode(k, blobs, ref_for=ref_for, depth=depth + 1),
                                         encode(v, blobs, ref_for=ref_for, depth=depth + 1)]
                                        for k, v in value.items()]}
    tensor = _as_tensor(value)
    if tensor is not None:
        return tensor_header(tensor, blobs)
    if kind.__module__.startswith("PIL.") and hasattr(value, "tobytes"):
        blobs.append(value.tobytes())
        return {"t": "image", "mode": value.mode, "size": list(value.size), "blob": len(blobs) - 1}
    if ref_for is None:
        raise TypeError(f"cannot send a {kind.__name__}")
    return ref_for(value)


def _as_tensor(value: Any) -> Any:
    """An exact torch.Tensor (or a torch.nn.Parameter), detached, on the CPU, contiguous."""
    torch = loaded_torch()
    if torch is None or not isinstance(value, torch.Tensor):
        return None
    if type(value) not in (torch.Tensor, torch.nn.Parameter):
        return None  # a Tensor subclass may override anything: keep it in the sandbox
    return value.detach().cpu().contiguous()


def tensor_header(tensor: Any, blobs: list[bytes]) -> dict:
    dtype = str(tensor.dtype).removeprefix("torch.")
    if dtype not in TENSOR_DTYPES:
        raise TypeError(f"cannot send a tensor of dtype {dtype}")
    flat = tensor.reshape(-1)
    raw = flat.view(loaded_torch().uint8).numpy().tobytes() if flat.numel() else b""
    blobs.append(raw)
    return {"t": "tensor", "dtype": dtype, "shape": list(tensor.shape), "blob": len(blobs) - 1}


def decode(node: Any, blobs: list[bytes], *, ref: Any = None, depth: int = 0) -> Any:
    """Decodes a value. `ref(node) -> object` resolves references (raising if there is none)."""
    if depth > MAX_DEPTH + 1 or not isinstance(node, dict):
        raise WireError("malformed value")
    t = node.get("t")
    try:
        if t == "none":
            return None
        if t == "bool":
            return bool(node["v"])
        if t == "int":
            text = node["v"]
            if not isinstance(text, str) or len(text) > 5000:
                raise WireError("bad int")
            return int(text)
        if t == "float":
            return float(node["v"])
        if t == "str":
            if not isinstance(node["v"], str):
                raise WireError("bad str")
            return node["v"]
        if t in ("tuple", "list"):
            items = [decode(v, blobs, ref=ref, depth=depth + 1) for v in node["items"]]
            return tuple(items) if t == "tuple" else items
        if t == "dict":
            return {_hashable(decode(k, blobs, ref=ref, depth=depth + 1)): decode(v, blobs, ref=ref,
                                                                                  depth=depth + 1)
                    for k, v in node["items"]}
        if t == "tensor":
            return decode_tensor(node, blobs)
        if t == "image":
            width, height = (int(n) for n in node["size"])
            return Image(str(node["mode"]), (width, height), blobs[node["blob"]])
        if t == "ref":
            if ref is None:
                raise WireError("unexpected reference")
            return ref(node)
    except (KeyError, TypeError, ValueError, IndexError) as err:
        raise WireError(f"malformed {t}: {err}") from None
    raise WireError(f"unknown tag {t!r}")


def _hashable(key: Any) -> Any:
    hash(key)
    return key


def decode_tensor(node: dict, blobs: list[bytes]) -> Any:
    import torch

    dtype = node["dtype"]
    if dtype not in TENSOR_DTYPES:
        raise WireError(f"bad dtype {dtype!r}")
    shape = [int(n) for n in node["shape"]]
    if any(n < 0 for n in shape):
        raise WireError("bad shape")
    torch_dtype = getattr(torch, dtype)
    raw = blobs[node["blob"]]
    expected = math.prod(shape) * torch.empty((), dtype=torch_dtype).element_size()
    if len(raw) != expected:
        raise WireError(f"tensor of shape {shape} and dtype {dtype} with {len(raw)} bytes")
    if not raw:
        return torch.empty(shape, dtype=torch_dtype)
    return torch.frombuffer(bytearray(raw), dtype=torch_dtype).reshape(shape)


# -- shared by both sides -------------------------------------------------------------------------


def loaded_torch() -> Any:
    """torch, if this process has imported it, else None. Asking whether a value is a tensor never
    imports torch: a process without it has no tensors."""
    return sys.modules.get("torch")


def shorten(text: str, limit: int) -> str:
    """`text` cut to about `limit` characters, with "..." where it was cut and the brackets the cut
    left open closed after it: "[(1, 2), (3, ...)]"."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 3] + "..."
    open_ = []
    for char in cut:
        if char in "([{":
            open_.append(")]}"["([{".index(char)])
        elif open_ and char == open_[-1]:
            open_.pop()
    return cut + "".join(reversed(open_))
