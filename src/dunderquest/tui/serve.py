"""`dunderquest serve`: the game in a browser tab, with textual-serve (the `web` extra).

Each tab that opens the page gets a game process of its own, `dunderquest play` on the same
workspace, whose screen travels over a websocket. Textual's web driver speaks to the server over the
game's stdout, so nothing else may write there: the grader's processes never inherit it (they talk
to the game over pipes of their own, and their output goes nowhere).

Links in the page are absolute. Without --public-url they are made from the address the browser
used (or the one a proxy in front says it used, X-Forwarded-Host and X-Forwarded-Proto), so the page
works on localhost, on a LAN address, and through `ssh -L`; behind a proxy that serves it under a
path (jupyter-server-proxy on a JupyterHub), --public-url gives the address with that path.
"""

from __future__ import annotations

import errno
import shlex
import socket
import sys
from pathlib import Path
from typing import Any

from ..exit_status import FAILED, OK

INSTALL = 'python -m pip install "dunderquest[web]"'
LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1")


def play_command(workspace_root: Path) -> str:
    """The shell command each tab's game runs: `exec`, so that the game itself gets the server's
    signals, and this Python, so that the tab plays with the dunderquest that serves it."""
    return "exec " + shlex.join([sys.executable, "-m", "dunderquest", "play", "--workspace", str(workspace_root)])


def port_problem(host: str, port: int) -> str | None:
    """Why the server could not listen on host:port, found out before it starts (textual-serve
    prints its banner before it binds, then a traceback)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as err:
        return f"{host} is not an address of this machine ({err.strerror})."
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as err:
            if err.errno == errno.EADDRINUSE:
                return f"Port {port} is in use on {host}: choose another with --port."
            if err.errno == errno.EACCES:
                return f"Port {port} needs administrator rights: choose one above 1023 with --port."
            return f"Cannot listen on {host}:{port} ({err.strerror})."
    return None


def server_class() -> Any:
    """textual-serve's Server, with page links made from the address the browser used when no public
    URL was given."""
    from textual_serve.server import Server

    class GameServer(Server):
        def __init__(self, *args: Any, derive_url: bool, **kwargs: Any):
            super().__init__(*args, **kwargs)
            self.derive_url = derive_url

        async def handle_index(self, request: Any) -> dict[str, Any]:
            if self.derive_url:
                scheme = request.headers.get("X-Forwarded-Proto", request.scheme).split(",")[0].strip()
                host = request.headers.get("X-Forwarded-Host", request.host).split(",")[0].strip()
                self.public_url = f"{scheme}://{host}"
            return await super().handle_index(request)

    return GameServer


def serve(workspace_root: Path, host: str, port: int, public_url: str | None) -> int:
    try:
        import textual_serve.server  # noqa: F401
    except ImportError:
        print(f"dunderquest serve needs textual-serve, which is not installed. Install it with:\n  {INSTALL}",
              file=sys.stderr)
        return FAILED
    problem = port_problem(host, port)
    if problem:
        print(problem, file=sys.stderr)
        return FAILED
    shown = public_url or f"http://{'localhost' if host in LOCAL_HOSTS else host}:{port}"
    print(f"Serving the game for the workspace {workspace_root}\nOpen {shown} in a browser: each tab plays its "
          "own game on this workspace. Ctrl+C stops it.")
    if host in LOCAL_HOSTS:
        print("It listens on this machine only. To open it from another machine, use --host 0.0.0.0 (on a network "
              "you trust: anyone who reaches the port can play in this workspace), or ssh -L.")
    else:
        print(f"It listens on {host}: anyone who can reach port {port} can play in this workspace.")
    sys.stdout.flush()
    server = server_class()(play_command(workspace_root), host=host, port=port, title="dunderquest",
                            public_url=public_url, derive_url=public_url is None)
    server.serve()
    return OK
