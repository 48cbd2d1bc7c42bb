"""The documentation site as the tests build it: `mkdocs build --strict` (a warning fails it) into a
folder of their own, run by this Python, offline."""

from __future__ import annotations

import html
import json
import os
import re
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CONFIG = REPO / "mkdocs.yml"

# Every proxy points at a port where nothing listens, so whatever the build would download fails it.
OFFLINE = {name: "http://127.0.0.1:9" for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy",
                                                   "https_proxy", "all_proxy")}
OFFLINE.update(NO_PROXY="", no_proxy="", NO_MKDOCS_2_WARNING="1")  # and no notice from Material about its future


@dataclass(frozen=True)
class Site:
    folder: Path  # the built site
    returncode: int
    output: str  # what mkdocs said, stdout and stderr
    seconds: float

    @classmethod
    def build(cls, config: Path, folder: Path) -> Site:
        started = time.monotonic()
        done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--config-file", str(config),
                               "--site-dir", str(folder)], cwd=config.parent, env={**os.environ, **OFFLINE},
                              capture_output=True, text=True, timeout=600)
        return cls(folder, done.returncode, done.stdout + done.stderr, time.monotonic() - started)

    @classmethod
    def shared(cls, record: Path) -> Site:
        """The build that `record` (written by `keep`) describes, for another worker of the run."""
        fields = json.loads(record.read_text(encoding="utf-8"))
        return cls(**{**fields, "folder": Path(fields["folder"])})

    def keep(self, record: Path) -> None:
        record.write_text(json.dumps({**asdict(self), "folder": str(self.folder)}), encoding="utf-8")

    def html(self, page: str) -> str:
        """A page's HTML, named as its Markdown file in docs/ is, without `.md`: "learn/play"."""
        assert self.returncode == 0, f"the site did not build:\n{self.output}"
        return (self.folder / ("" if page == "index" else page) / "index.html").read_text(encoding="utf-8")

    def text(self, page: str) -> str:
        """A page's text as a reader sees it: code blocks as written, without the highlighting's tags."""
        return html.unescape(re.sub(r"<[^>]+>", "", self.html(page)))
