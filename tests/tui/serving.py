"""`dunderquest serve` started for a test: on a free port, its output in a file, and the address it
printed (with its token) once it listens; stopped with every game it started."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def listening(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def start_serve(workspace: Path, log: Path, *options: str, env: dict[str, str] | None = None,
                port: int | None = None) -> tuple[subprocess.Popen, str]:
    """The server and the address it printed, on 127.0.0.1 (where it listens) rather than localhost."""
    port = port or free_port()
    with open(log, "wb") as out:
        server = subprocess.Popen([sys.executable, "-m", "dunderquest", "serve", "--port", str(port),
                                   "--workspace", str(workspace), *options], stdin=subprocess.DEVNULL, stdout=out,
                                  stderr=subprocess.STDOUT, start_new_session=True,
                                  env=dict(os.environ) if env is None else env)
    deadline = time.monotonic() + 30
    while True:
        printed = re.search(r"^Open (\S+) in a browser", log.read_text(errors="replace"), re.MULTILINE)
        if printed and listening(port):
            return server, printed.group(1).replace("//localhost:", "//127.0.0.1:")
        if server.poll() is not None or time.monotonic() > deadline:
            stop_serve(server)
            pytest.fail(f"dunderquest serve did not start:\n{log.read_text(errors='replace')}")
        time.sleep(0.1)


def stop_serve(server: subprocess.Popen) -> None:
    """The server and every game it started (they share its process group)."""
    try:
        os.killpg(server.pid, signal.SIGTERM)
    except ProcessLookupError:
        pass
    try:
        server.wait(15)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()
