"""Requests to `dunderquest serve` as a client that is not a browser makes them: the page (or any path)
over plain HTTP, and a WebSocket handshake, each with or without the cookie and an Origin. Only the
standard library, so that the tests can run it as another user (`nobody`) with `python -I`:

    python -I http_probe.py '[["page", URL, COOKIE, null], ["websocket", URL, COOKIE, ORIGIN]]'

prints one JSON line: for each probe, {"status", "headers", "body"} (the first 64 KB of the body;
a WebSocket that opens reports 101 and is closed at once).
"""

from __future__ import annotations

import base64
import http.client
import json
import os
import socket
import sys
from urllib.parse import urlsplit


def _target(url: str) -> tuple[str, int, str]:
    parts = urlsplit(url)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return parts.hostname or "127.0.0.1", parts.port or 80, path


def page(url: str, cookie: str | None = None, origin: str | None = None) -> dict:
    host, port, path = _target(url)
    headers = {k: v for k, v in (("Cookie", cookie), ("Origin", origin)) if v is not None}
    connection = http.client.HTTPConnection(host, port, timeout=30)
    try:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        return {"status": response.status, "headers": [[k.lower(), v] for k, v in response.getheaders()],
                "body": response.read(65536).decode("utf-8", "replace")}
    finally:
        connection.close()


def websocket(url: str, cookie: str | None = None, origin: str | None = None) -> dict:
    """The server's answer to a WebSocket handshake: 101 when it opens, else its refusal."""
    host, port, path = _target(url)
    lines = [f"GET {path} HTTP/1.1", f"Host: {host}:{port}", "Upgrade: websocket", "Connection: Upgrade",
             f"Sec-WebSocket-Key: {base64.b64encode(os.urandom(16)).decode()}", "Sec-WebSocket-Version: 13"]
    lines += [f"{name}: {value}" for name, value in (("Cookie", cookie), ("Origin", origin)) if value is not None]
    with socket.create_connection((host, port), timeout=30) as sock:
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        answer = b""
        while b"\r\n\r\n" not in answer:
            chunk = sock.recv(4096)
            if not chunk:
                break
            answer += chunk
        head, _, body = answer.partition(b"\r\n\r\n")
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        status = int(status_line.split()[1])
        headers = [[k.strip().lower(), v.strip()] for k, _, v in (h.partition(":") for h in header_lines)]
        if status != 101:
            length = next((int(v) for k, v in headers if k == "content-length"), 0)
            while len(body) < min(length, 4096):
                chunk = sock.recv(4096)
                if not chunk:
                    break
                body += chunk
    return {"status": status, "headers": headers, "body": body.decode("utf-8", "replace")}


def main(argv: list[str]) -> int:
    probes = {"page": page, "websocket": websocket}
    print(json.dumps([probes[kind](url, cookie, origin) for kind, url, cookie, origin in json.loads(argv[1])]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
