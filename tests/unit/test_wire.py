"""The sandbox wire format: plain data and tensors only, exact in both directions, and strict about
what it reads, because the sandbox on the other end may be hostile."""

from __future__ import annotations

import json
import math
import os
import re
import socket
import struct
from pathlib import Path

import pytest
import torch

from dunderquest.grader import wire
from dunderquest.grader.wire import WireError, decode, encode

GRADER = Path(wire.__file__).resolve().parent


def through_a_pipe(header: dict, blobs: list[bytes]) -> tuple[dict, list[bytes]]:
    read_end, write_end = os.pipe()
    try:
        wire.write_frame(write_end, header, blobs)
        os.close(write_end)
        return wire.read_frame_from(lambda n: wire.read_exact(read_end, n))
    finally:
        os.close(read_end)


def round_trip(value):
    blobs: list[bytes] = []
    node = encode(value, blobs)
    header, got_blobs = through_a_pipe({"value": node}, blobs)
    return decode(header["value"], got_blobs)


def same(a, b) -> bool:
    if type(a) is not type(b):
        return False
    if isinstance(a, torch.Tensor):
        return a.dtype == b.dtype and a.shape == b.shape and torch.equal(a, b)
    if isinstance(a, float) and math.isnan(a):
        return math.isnan(b)
    if isinstance(a, float):
        return a == b and math.copysign(1, a) == math.copysign(1, b)
    if isinstance(a, tuple | list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    return a == b


VALUES = {
    "none": None, "true": True, "false": False, "zero": 0, "negative": -17, "big int": 2**200 + 1,
    "big negative": -(10**300), "float": 0.1, "negative zero": -0.0, "nan": math.nan, "inf": math.inf,
    "minus inf": -math.inf, "tiny": 5e-324, "str": "héllo, wörld \u2603\n\"quoted\"", "empty str": "",
    "tuple": (1, 2.5, "three"), "one tuple": (1,), "empty tuple": (), "list": [1, [2, (3,)]],
    "empty list": [], "dict": {"a": 1, 2: [3], (4, 5): None}, "tuple vs list": ([1], (1,)),
}


@pytest.mark.parametrize("value", list(VALUES.values()), ids=list(VALUES))
def test_plain_values_come_back_exactly(value):
    assert same(round_trip(value), value)


def test_a_tuple_stays_a_tuple_and_a_list_a_list():
    got = round_trip(((1, 2), [1, 2]))
    assert type(got) is tuple and type(got[0]) is tuple and type(got[1]) is list


def test_bools_stay_bools_and_ints_stay_ints():
    got = round_trip([True, 1, 1.0])
    assert [type(v) for v in got] == [bool, int, float]


TENSORS = {
    "float32": torch.rand(2, 3),
    "float64": torch.rand(4, dtype=torch.float64),
    "float16": torch.rand(3).half(),
    "bfloat16": torch.rand(3).bfloat16(),
    "uint8": torch.randint(0, 256, (1, 28, 28), dtype=torch.uint8),
    "int8": torch.tensor([-128, 0, 127], dtype=torch.int8),
    "int16": torch.tensor([-32768, 32767], dtype=torch.int16),
    "int32": torch.tensor([[1, -2], [3, -4]], dtype=torch.int32),
    "int64": torch.tensor([2**62, -(2**62)]),
    "bool": torch.tensor([True, False, True]),
    "scalar": torch.tensor(7),
    "empty": torch.empty(0),
    "empty rows": torch.empty(2, 0, dtype=torch.uint8),
    "nan and inf": torch.tensor([math.nan, math.inf, -math.inf, -0.0]),
    "transposed": torch.arange(6.0).reshape(2, 3).t(),
    "sliced": torch.arange(20)[::3],
}


def bits(tensor: torch.Tensor) -> torch.Tensor:
    return tensor.contiguous().reshape(-1).view(torch.uint8)


@pytest.mark.parametrize("tensor", list(TENSORS.values()), ids=list(TENSORS))
def test_tensors_come_back_with_their_dtype_shape_and_values(tensor):
    got = round_trip(tensor)
    assert type(got) is torch.Tensor
    assert (got.dtype, got.shape) == (tensor.dtype, tensor.shape)
    assert torch.equal(bits(got), bits(tensor))  # bit for bit, so nan and -0.0 count too


def test_tensors_inside_containers_keep_their_places():
    images, labels = torch.rand(4, 1, 28, 28), torch.tensor([3, 1, 4, 1])
    got = round_trip([(images, labels), {"n": labels}])
    assert torch.equal(got[0][0], images) and torch.equal(got[0][1], labels)
    assert torch.equal(got[1]["n"], labels)


def test_a_decoded_tensor_is_its_own_memory():
    got = round_trip(torch.zeros(3))
    got += 1  # writable, and changing it changes nothing else
    assert torch.equal(got, torch.ones(3))


def test_a_tensor_subclass_is_not_sent_as_a_tensor():
    class Sneaky(torch.Tensor):
        pass

    with pytest.raises(TypeError):
        encode(torch.zeros(2).as_subclass(Sneaky), [])
    assert encode(torch.zeros(2).as_subclass(Sneaky), [], ref_for=lambda obj: {"t": "ref", "id": 1}) == {
        "t": "ref", "id": 1}


def test_other_objects_travel_as_references_only():
    refs = []
    node = encode([object()], [], ref_for=lambda obj: refs.append(obj) or {"t": "ref", "id": 7})
    assert node == {"t": "list", "items": [{"t": "ref", "id": 7}]} and len(refs) == 1
    assert decode(node, [], ref=lambda n: ("ref", n["id"])) == [("ref", 7)]
    with pytest.raises(WireError, match="unexpected reference"):
        decode(node, [])


def test_a_value_nested_too_deeply_is_not_sent():
    value = []
    for _ in range(wire.MAX_DEPTH + 5):
        value = [value]
    with pytest.raises(ValueError, match="nested too deeply"):
        encode(value, [])


def test_a_frame_nested_too_deeply_is_refused():
    node = {"t": "none"}
    for _ in range(wire.MAX_DEPTH + 5):
        node = {"t": "list", "items": [node]}
    with pytest.raises(WireError):
        decode(node, [])


def frame_bytes(body: bytes, blobs: bytes = b"") -> bytes:
    return struct.pack(">I", len(body)) + body + blobs


def read_bytes(data: bytes):
    view = memoryview(data)
    position = 0

    def read(n):
        nonlocal position
        if position + n > len(view):
            raise EOFError
        chunk = bytes(view[position:position + n])
        position += n
        return chunk

    return wire.read_frame_from(read)


@pytest.mark.parametrize("raw", [
    frame_bytes(b"{not json"),
    frame_bytes(b"\xff\xfe"),
    frame_bytes(b"[1, 2]"),
    frame_bytes(b'{"blobs": "many"}'),
    frame_bytes(b'{"blobs": [-1]}'),
    frame_bytes(b'{"blobs": [1.5]}'),
    frame_bytes(json.dumps({"blobs": [wire.MAX_BLOBS + 1]}).encode()),
    struct.pack(">I", wire.MAX_HEADER + 1),
], ids=["bad json", "not utf-8", "not an object", "blob list not a list", "negative blob", "float blob",
        "blobs too large", "header too large"])
def test_a_malformed_frame_is_refused(raw):
    with pytest.raises(WireError):
        read_bytes(raw)


def test_a_frame_cut_short_is_the_end_of_the_stream():
    whole = frame_bytes(json.dumps({"blobs": [4]}).encode(), b"\0\0\0\0")
    assert read_bytes(whole)[1] == [b"\0\0\0\0"]
    with pytest.raises(EOFError):
        read_bytes(whole[:-1])


def tensor_node(dtype="float32", shape=(2,), blob=0):
    return {"t": "tensor", "dtype": dtype, "shape": list(shape), "blob": blob}


@pytest.mark.parametrize(("node", "blobs"), [
    (tensor_node(), [b"\0" * 7]),
    (tensor_node(), [b"\0" * 9]),
    (tensor_node(shape=(0,)), [b"\0"]),
    (tensor_node(dtype="complex64"), [b"\0" * 16]),
    (tensor_node(dtype="object"), [b""]),
    (tensor_node(shape=(-2,)), [b""]),
    (tensor_node(blob=3), [b"\0" * 8]),
    ({"t": "tensor", "dtype": "float32"}, []),
    ({"t": "pickle", "v": "gASVAAAAAAAAAAB9lC4="}, []),
    ({"t": "int", "v": 12}, []),
    ({"t": "int", "v": "1" * 6000}, []),
    ({"t": "int", "v": "twelve"}, []),
    ({"t": "str", "v": 5}, []),
    ({"t": "list", "items": "abc"}, []),
    ({"t": "dict", "items": [[{"t": "list", "items": []}, {"t": "none"}]]}, []),
    ({"v": 1}, []),
    ("none", []),
    ({"t": "image", "mode": "L", "size": [28], "blob": 0}, [b""]),
], ids=["blob too short", "blob too long", "blob for an empty tensor", "unknown dtype", "object dtype",
        "negative shape", "missing blob", "no shape", "unknown tag", "int not a string", "int too long",
        "int not digits", "str not a string", "items not a list", "unhashable key", "no tag",
        "node not an object", "image size"])
def test_a_malformed_value_is_refused(node, blobs):
    with pytest.raises(WireError):
        decode(node, blobs)


def test_write_frame_refuses_nan_in_the_header():
    read_end, write_end = os.pipe()
    try:
        with pytest.raises(ValueError):
            wire.write_frame(write_end, {"bad": math.nan})
    finally:
        os.close(read_end)
        os.close(write_end)


def test_the_zygote_channel_carries_wire_frames_with_descriptors_beside_them():
    """A runner and the zygote speak in the same frames as the sandbox, over a socket that also
    carries the sandbox's pipe ends; a channel closed by the other side is the end of the stream."""
    from dunderquest.grader.service.channel import receive, send

    runner, zygote = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
    read_end, write_end = os.pipe()
    try:
        send(zygote, {"pid": 1234, "home": "/tmp/home"}, [read_end, write_end])
        message, fds = receive(runner)
        assert message == {"pid": 1234, "home": "/tmp/home", "blobs": []}
        assert len(fds) == 2
        os.write(fds[1], b"through the passed end")
        assert os.read(read_end, 100) == b"through the passed end"
        for fd in fds:
            os.close(fd)

        send(runner, {"op": "wait", "pid": 1234, "timeout": 2})
        assert zygote.recv(1000) == wire.frame_head({"op": "wait", "pid": 1234, "timeout": 2})

        zygote.sendall(struct.pack(">I", 2) + b"[]")
        with pytest.raises(WireError):
            receive(runner)
        zygote.close()
        with pytest.raises(EOFError):
            receive(runner)
    finally:
        for fd in (read_end, write_end):
            os.close(fd)
        runner.close()
        zygote.close()


UNSAFE = re.compile(r"^\s*(import|from)\s+(pickle|cPickle|dill|marshal|shelve|multiprocessing)\b"
                    r"|pickle\.loads?\(|Unpickler|torch\.load\(|\.recv\(\)|allow_pickle\s*=\s*True"
                    r"|\beval\(|\bexec\(", re.MULTILINE)


@pytest.mark.parametrize("path", sorted(GRADER.rglob("*.py")), ids=lambda p: str(p.relative_to(GRADER)))
def test_the_grader_never_unpickles(path):
    """Unpickling (pickle, torch.load, a multiprocessing Connection's recv()) runs code the other side
    chose. Only the sandbox may run code from a file: the learner's, with its own exec, and the pack's
    finale pipeline, with eval; so those are allowed there, and nowhere else."""
    found = [m.group(0).strip() for m in UNSAFE.finditer(path.read_text(encoding="utf-8"))]
    where = path.relative_to(GRADER).as_posix()
    allowed = {"inside/server.py": "exec(", "inside/finale_training.py": "eval("}.get(where)
    found = [f for f in found if f != allowed]
    assert found == []
