"""What a grade was computed with, so that it can be reproduced: this dunderquest's version, the
pack's name, version and a hash of what decides its scores, the torch version and the seed.

The pack's hash covers every file that decides a score: each level's `level.toml` (its points),
`checks.py`, `probes.py` and panel file, and its stub (the checks the stub fails carry the points).
Two packs with the same hash grade the same file the same way with the same seed and torch.
Cheap to compute: no torch import (torch's version is read from its installed metadata).
"""

from __future__ import annotations

import hashlib
from functools import cache
from importlib import metadata
from pathlib import Path

from .pack import Pack


def _level_files(pack: Pack) -> list[tuple[str, Path]]:
    files = []
    for level in pack.catalog:
        for name in ("level.toml", "checks.py", "probes.py", *((level.panel,) if level.panel else ())):
            path = level.folder / name
            if path.is_file():
                files.append((f"levels/{level.id}/{name}", path))
        files.append((f"exercises/{level.file_name}", level.stub_path))
    return sorted(files)


@cache
def _hash(files: tuple[tuple[str, Path, int, int], ...]) -> str:
    digest = hashlib.sha256()
    for name, path, _, _ in files:
        data = path.read_bytes()
        digest.update(f"{name}\0{len(data)}\0".encode())
        digest.update(data)
    return "sha256:" + digest.hexdigest()[:16]


def pack_hash(pack: Pack) -> str:
    """A short hash of everything in `pack` that decides a score ("sha256:" and 16 hex digits)."""
    files = []
    for name, path in _level_files(pack):
        stat = path.stat()
        files.append((name, path, stat.st_mtime_ns, stat.st_size))  # a file changed is hashed anew
    return _hash(tuple(files))


def torch_version() -> str:
    try:
        return metadata.version("torch")
    except metadata.PackageNotFoundError:
        return "not installed"


def graded_with(pack: Pack, seed: int) -> dict[str, object]:
    """What every report names, so that its grade can be reproduced."""
    from .. import __version__

    return {"dunderquest": __version__, "pack": pack.name, "pack_version": pack.version,
            "pack_hash": pack_hash(pack), "torch": torch_version(), "seed": seed}


def graded_with_line(fields: dict) -> str:
    """`graded_with` in one line, for text reports."""
    return (f"Graded with dunderquest {fields['dunderquest']}, pack {fields['pack']} {fields['pack_version']} "
            f"({fields['pack_hash']}), torch {fields['torch']}, seed {fields['seed']}.")
