"""`dunderquest data download`: the full MNIST set, through torchvision's own downloader. Kept apart
from data.py, which the game imports, because this imports torchvision."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from .data import MnistSource, data_dir, full_source


class DownloadFailed(RuntimeError):
    pass


def download_full(base: Path | None = None) -> MnistSource:
    """Runs torchvision's own download (with its progress bar) into `<data>/full/`.

    The files land in a temporary folder first and move into place only when all four are whole,
    so an interrupted download never replaces the sample with half a data set."""
    from urllib.error import URLError

    from torchvision.datasets import MNIST

    base = base or data_dir()
    if (existing := full_source(base)) is not None:
        return existing
    base.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".download-", dir=base))
    try:
        try:
            MNIST(root=str(staging), train=True, download=True)
        except (URLError, RuntimeError, OSError) as err:
            reason = str(err).strip().splitlines()
            offline = any(word in str(err) for word in ("Name or service", "resolution", "unreachable",
                                                         "Network", "network", "timed out", "refused"))
            if offline:
                raise DownloadFailed("Could not download MNIST: this machine cannot reach the MNIST "
                                     "mirrors (no network). The embedded sample stays in use.") from None
            raise DownloadFailed(f"Could not download MNIST: {reason[-1] if reason else err!r}. "
                                 "The embedded sample stays in use.") from None
        full = base / "full"
        if full.exists():
            shutil.rmtree(full)
        os.replace(staging, full)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    source = full_source(base)
    if source is None:
        raise DownloadFailed("The MNIST download finished but its files are not whole. "
                             "The embedded sample stays in use.")
    return source
