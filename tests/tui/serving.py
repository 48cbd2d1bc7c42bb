"""`dunderquest serve` started for a test: on a free port, its output in a file, the address it printed
(with its token) once it listens, and the tabs' grader in a folder of the test's own; stopped with every
game it started and that grader."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pytest


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def listening(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


@dataclass
class Served:
    process: subprocess.Popen
    address: str  # as printed, on 127.0.0.1 (where it listens) rather than localhost
    port: int
    env: dict[str, str]

    def stop(self) -> None:
        """The server and every game it started (they share its process group), then their grader."""
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            self.process.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        subprocess.run([sys.executable, "-m", "dunderquest", "stop"], env=self.env, capture_output=True, timeout=60)
        shutil.rmtree(self.env["XDG_RUNTIME_DIR"], ignore_errors=True)


def start_serve(workspace: Path, log: Path, *options: str, env: dict[str, str] | None = None) -> Served:
    port = free_port()
    runtime = tempfile.mkdtemp(prefix="dq-run-", dir="/tmp")  # short enough for a socket's path
    env = dict(os.environ if env is None else env, XDG_RUNTIME_DIR=runtime)
    with open(log, "wb") as out:
        process = subprocess.Popen([sys.executable, "-m", "dunderquest", "serve", "--port", str(port),
                                    "--workspace", str(workspace), *options], stdin=subprocess.DEVNULL, stdout=out,
                                   stderr=subprocess.STDOUT, start_new_session=True, env=env)
    served = Served(process, "", port, env)
    deadline = time.monotonic() + 30
    while True:
        printed = re.search(r"^Open (\S+) in a browser", log.read_text(errors="replace"), re.MULTILINE)
        if printed and listening(port):
            served.address = printed.group(1).replace("//localhost:", "//127.0.0.1:")
            return served
        if process.poll() is not None or time.monotonic() > deadline:
            served.stop()
            pytest.fail(f"dunderquest serve did not start:\n{log.read_text(errors='replace')}")
        time.sleep(0.1)
