"""`dunderquest serve`: the game in a browser tab, with textual-serve (the `web` extra).

Each tab that opens the page gets a game process of its own, `dunderquest play` on the same
workspace, whose screen travels over a websocket. Textual's web driver speaks to the server over the
game's stdout, so nothing else may write there: the grader's processes never inherit it (they talk
to the game over pipes of their own, and their output goes nowhere).

Links in the page are absolute. Without --public-url they are made from the address the browser
used (or the one a proxy in front says it used, X-Forwarded-Host and X-Forwarded-Proto), so the page
works on localhost, on a LAN address, and through `ssh -L`; behind a proxy that serves it under a
path (jupyter-server-proxy on a JupyterHub), --public-url gives the address with that path.

Only the user who started it gets in: localhost is shared by every user of the machine. Each serve
makes a random token (or takes DUNDERQUEST_SERVE_TOKEN) and prints the address with it, as Jupyter
does. The first visit with ?token=... sets a cookie (HttpOnly, SameSite=Strict, scoped to the served
path and named after the port) and is sent back to the same address without the token, so it stays
out of the address bar and the history. Every route (the page, its static files, the websocket,
downloads) answers 403 without the token or the cookie, and the websocket also refuses a page of
another origin (another port of localhost gets this one's cookies). --no-token lets anyone in.
"""

from __future__ import annotations

import errno
import hmac
import html
import logging
import os
import re
import secrets
import shlex
import socket
import sys
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

from ..exit_status import FAILED, OK

INSTALL = 'python -m pip install "dunderquest[web]"'
LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1")
TOKEN_VARIABLE = "DUNDERQUEST_SERVE_TOKEN"
SHORTEST_TOKEN = 16
TABS_LINGER = 60  # seconds the tabs' grader stays after the last one closes, when DUNDERQUEST_LINGER=0

NO_TOKEN = ("This game is open only to the user who started it.\n\n"
            "Open the address that `dunderquest serve` printed when it started, the one that ends in "
            "?token=... (copy it whole).\n")
WRONG_TOKEN = ("This address's token is not this server's: the token changes each time `dunderquest serve` "
               "starts.\n\nOpen the address it printed this time, the one that ends in ?token=...\n")
OTHER_ORIGIN = "This game's connection serves only its own page: open the address `dunderquest serve` printed.\n"
NO_TOKEN_WARNING = ("Warning: --no-token: anyone who can reach port {port} ({who}) can play in this workspace and "
                    "read its files through the game.")


def share_one_grader() -> None:
    """The tabs' games share the workspace's lingering grader, as `dunderquest play` and `check` do. With
    DUNDERQUEST_LINGER=0 each game would start a grader of its own, a gigabyte a tab: theirs lingers
    TABS_LINGER seconds after the last tab closes instead (a reloaded tab finds it warm)."""
    from ..grader.service.address import LINGER_VARIABLE, linger_seconds, supported

    if supported() and linger_seconds() <= 0:
        os.environ[LINGER_VARIABLE] = str(TABS_LINGER)


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


def browser_address(request: Any) -> str:
    """scheme://host[:port] as the browser used it, or as a proxy in front says it did."""
    scheme = request.headers.get("X-Forwarded-Proto", request.scheme).split(",")[0].strip()
    host = request.headers.get("X-Forwarded-Host", request.host).split(",")[0].strip()
    return f"{scheme}://{host}"


def origin_key(address: str) -> tuple[str, str, int | None] | None:
    """(scheme, host, port) of an address, with the scheme's default port, or None if it is not one."""
    try:
        parts = urlsplit(address)
        port = parts.port or {"http": 80, "https": 443}.get(parts.scheme)
    except ValueError:
        return None
    return (parts.scheme, (parts.hostname or "").lower(), port) if parts.hostname else None


class HideToken(logging.Filter):
    """Keeps the token out of the server's log of requests."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = re.sub(r"token=[^&\s\"]*", "token=[hidden]", str(record.msg))
        return True


class Gate:
    """Lets in the requests that carry `token`: in the address (?token=...), which sets the cookie
    and sends the browser back to the same address without it, or in the cookie."""

    def __init__(self, token: str, port: int, public_url: str | None):
        self.token = token.encode()
        self.cookie = f"dunderquest-token-{port}"
        self.public_url = public_url
        self.path = (urlsplit(public_url).path.rstrip("/") or "/") if public_url else "/"

    def matches(self, given: str | None) -> bool:
        return given is not None and hmac.compare_digest(given.encode(errors="replace"), self.token)

    def same_origin(self, request: Any) -> bool:
        """Whether a websocket comes from this server's own page. A browser always says which page
        opens a websocket; a client that is not a browser says nothing and needs the token anyway."""
        origin = request.headers.get("Origin")
        if origin is None:
            return True
        theirs = origin_key(origin)
        return theirs is not None and theirs == origin_key(self.public_url or browser_address(request))

    def sets_cookie(self, request: Any) -> Any:
        """The cookie that carries the token, and the way back to the same address without it. A page
        that moves on by itself rather than an HTTP redirect: a SameSite=Strict cookie does not go with
        a redirect that a link on another site started (a page of the hub, of the course), and it does
        go with a navigation that this page starts. The page replaces itself in the history."""
        from aiohttp import web

        rest = [(key, value) for key, value in request.query.items() if key != "token"]
        location = quote(request.path.rsplit("/", 1)[-1]) or "./"
        location = html.escape(location + (f"?{urlencode(rest)}" if rest else ""))
        response = web.Response(text=f'<!DOCTYPE html><meta http-equiv="refresh" content="0; url={location}">'
                                     f'<title>dunderquest</title><a href="{location}">dunderquest</a>\n',
                                content_type="text/html")
        secure = (self.public_url or browser_address(request)).startswith("https:")
        response.set_cookie(self.cookie, self.token.decode(), path=self.path, httponly=True, samesite="Strict",
                            secure=secure or None)
        response.headers["Cache-Control"] = "no-store"
        response.headers["Referrer-Policy"] = "no-referrer"
        return response

    async def __call__(self, request: Any, handler: Any) -> Any:
        from aiohttp import web

        websocket = request.headers.get("Upgrade", "").lower() == "websocket"
        given = request.query.get("token")
        if given is not None and not self.matches(given):
            return web.Response(status=403, text=WRONG_TOKEN)
        if given is None and not self.matches(request.cookies.get(self.cookie)):
            return web.Response(status=403, text=NO_TOKEN)
        if websocket and not self.same_origin(request):
            return web.Response(status=403, text=OTHER_ORIGIN)
        if given is not None and not websocket and request.method in ("GET", "HEAD"):
            return self.sets_cookie(request)
        return await handler(request)


def server_class() -> Any:
    """textual-serve's Server, with page links made from the address the browser used when no public
    URL was given, and every route behind the gate when there is one."""
    from aiohttp import web
    from textual_serve.server import Server

    class GameServer(Server):
        def __init__(self, *args: Any, derive_url: bool, gate: Gate | None, **kwargs: Any):
            super().__init__(*args, **kwargs)
            self.derive_url = derive_url
            self.gate = gate

        async def _make_app(self) -> Any:
            app = await super()._make_app()
            if self.gate is not None:
                app.middlewares.append(web.middleware(self.gate))
            return app

        async def on_startup(self, app: Any) -> None:
            """Nothing more to say: serve() said where to go (textual-serve would print the address
            without its token)."""

        async def handle_index(self, request: Any) -> dict[str, Any]:
            if self.derive_url:
                self.public_url = browser_address(request)
            return await super().handle_index(request)

    return GameServer


def serve_token(no_token: bool) -> tuple[str | None, str | None]:
    """(the token, None), (None, None) with --no-token, or (None, why) when DUNDERQUEST_SERVE_TOKEN
    is too short to keep anyone out. The variable is taken out of the environment that the games (and
    their graders) inherit."""
    given = os.environ.pop(TOKEN_VARIABLE, "").strip()
    if no_token:
        return None, None
    if not given:
        return secrets.token_hex(24), None
    if len(given) < SHORTEST_TOKEN or not given.isascii() or not given.isprintable():
        return None, (f"{TOKEN_VARIABLE} must be at least {SHORTEST_TOKEN} printable ASCII characters, hard to "
                      "guess; leave it unset and dunderquest serve makes one.")
    return given, None


def serve(workspace_root: Path, host: str, port: int, public_url: str | None, no_token: bool = False) -> int:
    try:
        import textual_serve.server  # noqa: F401
    except ImportError:
        print(f"dunderquest serve needs textual-serve, which is not installed. Install it with:\n  {INSTALL}",
              file=sys.stderr)
        return FAILED
    token, problem = serve_token(no_token)
    problem = problem or port_problem(host, port)
    if problem:
        print(problem, file=sys.stderr)
        return FAILED
    shown = (public_url or f"http://{'localhost' if host in LOCAL_HOSTS else host}:{port}").rstrip("/") + "/"
    if token is not None:
        shown += f"?token={token}"
    print(f"Serving the game for the workspace {workspace_root}\nOpen {shown} in a browser: each tab plays its "
          "own game on this workspace. Ctrl+C stops it.")
    if token is not None:
        print("Only a browser that opens this address, with its token, gets in; the token changes each time "
              "dunderquest serve starts.")
    if host in LOCAL_HOSTS:
        print("It listens on this machine only. To open it from another machine, use ssh -L" +
              (", or --host 0.0.0.0 on a network you trust (plain http: the network sees the token)." if token
               else "."))
    elif token is not None:
        print(f"It listens on {host}, over plain http: use it on a network you trust, as anyone on it sees the "
              "token pass.")
    sys.stdout.flush()
    if token is None:
        who = "every user of this machine" + ("" if host in LOCAL_HOSTS else ", and anyone on the network")
        print(NO_TOKEN_WARNING.format(port=port, who=who), file=sys.stderr)
    gate = None if token is None else Gate(token, port, public_url)
    server = server_class()(play_command(workspace_root), host=host, port=port, title="dunderquest",
                            public_url=public_url, derive_url=public_url is None, gate=gate)
    logging.getLogger("aiohttp.access").addFilter(HideToken())
    share_one_grader()
    server.serve()
    return OK
