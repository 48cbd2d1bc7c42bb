"""The MNIST the game uses: the embedded sample is real MNIST, read through torchvision's own class."""

from __future__ import annotations

import collections
import os
import struct
import subprocess
import sys
import textwrap
import time

import pytest

from dunderquest.core import data
from dunderquest.core.data import FILES, current_source, full_source, idx_count, sample_source


@pytest.fixture(scope="module")
def mnist():
    from torchvision.datasets import MNIST

    root = str(sample_source().root)
    return {split: MNIST(root, train=split == "train", download=False) for split in ("train", "test")}


def test_the_sample_is_4000_train_and_1000_test_items(mnist):
    source = sample_source()
    assert (source.kind, source.train_size, source.test_size) == ("sample", 4000, 1000)
    assert (len(mnist["train"]), len(mnist["test"])) == (4000, 1000)
    assert "4,000 train / 1,000 test" in source.description


@pytest.mark.parametrize("split", ["train", "test"])
def test_the_images_are_28_by_28_greyscale(mnist, split):
    for i in (0, 1, len(mnist[split]) - 1):
        image, label = mnist[split][i]
        assert (image.mode, image.size) == ("L", (28, 28))
        assert isinstance(label, int) and 0 <= label <= 9


@pytest.mark.parametrize("split", ["train", "test"])
def test_every_digit_is_there_in_a_real_mix(mnist, split):
    labels = mnist[split].targets.tolist()
    counts = collections.Counter(labels)
    assert sorted(counts) == list(range(10))
    assert max(counts.values()) < 0.2 * len(labels)  # no digit dominates
    assert labels != sorted(labels)  # not grouped by digit
    assert any(labels[i] != i % 10 for i in range(len(labels)))  # not 0, 1, ..., 9 over and over
    repeats = sum(a == b for a, b in zip(labels, labels[1:], strict=False))
    assert repeats < 0.2 * len(labels)


def test_the_pixels_look_like_handwriting(mnist):
    """MNIST's pixel mean is about 0.13 of full scale, with most pixels exactly 0 (background)."""
    pixels = mnist["train"].data.float() / 255
    assert 0.10 < pixels.mean().item() < 0.16
    assert 0.7 < (pixels == 0).float().mean().item() < 0.9
    assert pixels.max().item() == 1.0
    assert len({bytes(image.numpy()) for image in mnist["train"].data[:500]}) == 500  # no copies


def test_a_damaged_unpacked_file_is_unpacked_again(tmp_path):
    source = sample_source(tmp_path)
    raw = source.raw_folder / "train-images-idx3-ubyte"
    whole = raw.read_bytes()
    raw.write_bytes(whole[: len(whole) // 2])
    (source.raw_folder / "t10k-labels-idx1-ubyte").unlink()
    again = sample_source(tmp_path)
    assert (again.train_size, again.test_size) == (4000, 1000)
    assert raw.read_bytes() == whole
    assert [p.name for p in source.raw_folder.iterdir() if p.name.startswith(".")] == []


def test_there_is_no_full_set_until_it_is_downloaded(tmp_path):
    assert full_source(tmp_path) is None
    sample_source(tmp_path)  # the sample is not the full set
    assert full_source(tmp_path) is None


def test_the_sample_is_what_is_used_now():
    assert full_source() is None
    source = current_source()
    assert source.kind == "sample"
    assert source.root == data.data_dir() / "sample"
    assert data.data_dir() == data.Path(os.environ["DUNDERQUEST_DATA"])


def idx_images(path, count, rows=28, cols=28, magic=0x803):
    path.write_bytes(struct.pack(">IIII", magic, count, rows, cols) + bytes(count * rows * cols))
    return path


def test_idx_count_counts_whole_files_only(tmp_path):
    images = idx_images(tmp_path / "images", 3)
    assert idx_count(images, 0x803) == 3
    images.write_bytes(images.read_bytes()[:-1])
    assert idx_count(images, 0x803) is None  # truncated
    images.write_bytes(images.read_bytes()[:10])
    assert idx_count(images, 0x803) is None  # not even a header
    assert idx_count(idx_images(tmp_path / "more", 2), 0x803) == 2
    with open(tmp_path / "more", "ab") as f:
        f.write(b"\0")
    assert idx_count(tmp_path / "more", 0x803) is None  # too long
    assert idx_count(idx_images(tmp_path / "labels", 3, magic=0x801), 0x803) is None  # wrong magic
    assert idx_count(tmp_path / "missing", 0x803) is None
    labels = tmp_path / "real-labels"
    labels.write_bytes(struct.pack(">II", 0x801, 4) + bytes(4))
    assert idx_count(labels, 0x801) == 4
    labels.write_bytes(labels.read_bytes()[:-2])
    assert idx_count(labels, 0x801) is None


def test_the_embedded_files_are_the_four_torchvision_expects():
    assert set(FILES) == {"train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte",
                          "t10k-labels-idx1-ubyte"}
    for name in FILES:
        assert (data.SAMPLE_DIR / f"{name}.gz").is_file()


@pytest.mark.slow
def test_downloading_without_a_network_fails_fast_and_keeps_the_sample(tmp_path):
    """This machine reaches package registries only. A subprocess bounds the wait if a mirror hangs."""
    script = textwrap.dedent("""
        from pathlib import Path
        import sys
        from dunderquest.core.data import full_source
        from dunderquest.core.download import DownloadFailed, download_full
        try:
            download_full(Path(sys.argv[1]))
        except DownloadFailed as err:
            print("FAILED:", err)
        assert full_source(Path(sys.argv[1])) is None
    """)
    began = time.monotonic()
    done = subprocess.run([sys.executable, "-c", script, str(tmp_path)], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("FAILED: Could not download MNIST")
    assert "sample stays in use" in done.stdout
    assert time.monotonic() - began < 60
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".download-")] == []
