"""`dunderquest serve` lets in only its own user: localhost is shared by every user of the machine. The
server runs as the test's user; another user (`nobody`) asks for the page, its files and the
WebSocket without the token and is refused, with a page that names no file of the workspace; with the
token the page sets its cookie and loads. Behind a proxy (--public-url) the cookie is scoped to the
proxy's path and the WebSocket takes the proxy's origin; --no-token warns. The browser test
(test_serve_browser.py) plays a game with the token."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from http_probe import page, websocket
from serving import free_port, start_serve

from dunderquest.core.workspace import Workspace

pytest.importorskip("textual_serve", reason="the test extra installs textual-serve")

PROBE = Path(__file__).with_name("http_probe.py")


@pytest.fixture
def workspace_root(tmp_path) -> Path:
    return Workspace.create(tmp_path / "ws").root


@pytest.fixture
def served(workspace_root, tmp_path):
    served = start_serve(workspace_root, tmp_path / "server.log")
    try:
        yield served
    finally:
        served.stop()


def split(address: str) -> tuple[str, str, str]:
    """(the served root, its port, the token) of the address serve printed."""
    parts = urlsplit(address)
    return f"{parts.scheme}://{parts.netloc}/", str(parts.port), parse_qs(parts.query)["token"][0]


def header(answer: dict, name: str) -> str | None:
    return next((value for key, value in answer["headers"] if key == name), None)


def probe_as_nobody(nobody, probes: list[list]) -> list[dict]:
    """http_probe.py's answers, asked as `nobody` (the as_nobody fixture)."""
    prefix, python, env, top = nobody
    script = top / "http_probe.py"
    if not script.exists():
        shutil.copyfile(PROBE, script)
        script.chmod(0o644)
    done = subprocess.run([*prefix, python, "-I", str(script), json.dumps(probes)], env=env, capture_output=True,
                          text=True, timeout=120, cwd="/")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def assert_refused(answer: dict, workspace_root: Path) -> None:
    assert answer["status"] == 403, answer
    assert "dunderquest serve" in answer["body"] and "?token=" in answer["body"], answer["body"]
    assert str(workspace_root) not in answer["body"] and "exercises" not in answer["body"]


def test_another_user_without_the_token_gets_neither_the_page_nor_the_websocket(served, workspace_root,
                                                                                 as_nobody):
    address = served.address
    root, port, token = split(address)
    websocket_url = root.replace("http:", "ws:") + "ws"
    cookie = f"dunderquest-token-{port}={token}"
    without, static, sock, wrong, wrong_socket = probe_as_nobody(as_nobody, [
        ["page", root, None, None],
        ["page", root + "static/js/textual.js", None, None],
        ["websocket", websocket_url, None, root.rstrip("/")],
        ["page", root + "?token=" + "0" * len(token), None, None],
        ["websocket", websocket_url, f"dunderquest-token-{port}={'0' * len(token)}", root.rstrip("/")],
    ])
    for answer in (without, static, sock, wrong, wrong_socket):
        assert_refused(answer, workspace_root)
    assert "changes each time" in wrong["body"]
    assert token not in Path(f"/proc/{served.process.pid}/cmdline").read_text(), "every user reads command lines"

    first, again, opened, other_origin = probe_as_nobody(as_nobody, [
        ["page", address, None, None],
        ["page", root, cookie, None],
        ["websocket", websocket_url, cookie, root.rstrip("/")],
        ["websocket", websocket_url, cookie, "http://127.0.0.1:1"],  # a page of another port of localhost
    ])
    assert first["status"] == 200, first
    set_cookie = header(first, "set-cookie")
    assert set_cookie.startswith(cookie + ";"), set_cookie
    assert {"HttpOnly", "Path=/", "SameSite=Strict"} <= {part.strip() for part in set_cookie.split(";")}
    assert 'url=./"' in first["body"] and token not in first["body"], "the token leaves the address bar"
    assert again["status"] == 200 and websocket_url in again["body"], again
    assert opened["status"] == 101, opened
    assert other_origin["status"] == 403 and str(workspace_root) not in other_origin["body"], other_origin


def test_behind_a_proxy_the_cookie_keeps_to_its_path_and_the_websocket_to_its_origin(workspace_root, tmp_path):
    public = "https://hub.example.org/user/ada/proxy/8000"
    served = start_serve(workspace_root, tmp_path / "server.log", "--public-url", public)
    address, port = served.address, served.port
    try:
        assert address.startswith(public + "/?token="), address
        token = parse_qs(urlsplit(address).query)["token"][0]
        local = f"http://127.0.0.1:{port}/"  # where the proxy sends what the browser asked of `public`
        first = page(f"{local}?token={token}&fontsize=18")
        assert first["status"] == 200, first
        set_cookie = header(first, "set-cookie")
        assert {"Path=/user/ada/proxy/8000", "Secure", "HttpOnly", "SameSite=Strict"} <= \
            {part.strip() for part in set_cookie.split(";")}, set_cookie
        assert 'url=./?fontsize=18"' in first["body"], first["body"]
        cookie = f"dunderquest-token-{port}={token}"
        shown = page(local, cookie)
        assert shown["status"] == 200 and "wss://hub.example.org/user/ada/proxy/8000/ws" in shown["body"]
        assert websocket(local + "ws", cookie, "https://hub.example.org")["status"] == 101
        assert websocket(local + "ws", cookie, f"http://127.0.0.1:{port}")["status"] == 403
        assert page(local)["status"] == 403
    finally:
        served.stop()


def test_no_token_warns_that_anyone_can_play_and_lets_anyone_in(workspace_root, tmp_path):
    log = tmp_path / "server.log"
    served = start_serve(workspace_root, log, "--no-token")
    address = served.address
    try:
        assert "token=" not in address
        said = log.read_text()
        assert "Warning: --no-token: anyone who can reach port" in said
        assert "can play in this workspace and read its files" in said
        assert page(address)["status"] == 200
    finally:
        served.stop()


def test_a_token_from_the_environment_is_the_one_asked_for_and_a_short_one_is_refused(workspace_root, tmp_path):
    env = dict(os.environ, DUNDERQUEST_SERVE_TOKEN="a-token-of-the-hub-" + "7" * 20)
    served = start_serve(workspace_root, tmp_path / "server.log", env=env)
    try:
        assert served.address.endswith("/?token=a-token-of-the-hub-" + "7" * 20)
    finally:
        served.stop()
    short = subprocess.run([sys.executable, "-m", "dunderquest", "serve", "--port", str(free_port()),
                            "--workspace", str(workspace_root)], env=dict(env, DUNDERQUEST_SERVE_TOKEN="secret"),
                           capture_output=True, text=True, timeout=60)
    assert short.returncode == 1
    assert "DUNDERQUEST_SERVE_TOKEN must be at least 16" in short.stderr and "Traceback" not in short.stderr
