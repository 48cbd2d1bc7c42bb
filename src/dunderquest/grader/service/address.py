"""Where this user's lingering graders are, and which one serves a command: the folder of their
sockets, a grader's name (who asks and with what) and the fingerprint of the files it serves.

A shell command reads this before anything else (thin_client.py), so it imports only what Python
starts with and a few cheap modules of the standard library: no pathlib, no tempfile, nothing of
dunderquest but the environment the grader keeps."""

from __future__ import annotations

import hashlib
import json
import os
import socket
import struct
import sys

from ..confinement.environment import PACK_VARIABLE, sandbox_environment

LINGER_VARIABLE = "DUNDERQUEST_LINGER"
DEFAULT_LINGER = 600.0  # seconds after the last request
SOCKET_PATH_ROOM = 100  # bytes a Unix socket's path may take (108 on Linux, with room for its name)
PACKAGE = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))  # dunderquest/
SERVED = (".py", ".toml", ".md")  # the kinds of file whose change makes a grader stale


def supported() -> bool:
    """Whether this system has what a lingering grader needs: Unix sockets whose peer's user can be
    read (SO_PEERCRED, Linux), and file locks."""
    try:
        import fcntl  # noqa: F401
    except ImportError:
        return False
    return hasattr(socket, "AF_UNIX") and hasattr(socket, "SO_PEERCRED")


def linger_seconds(environ: dict[str, str] | None = None) -> float:
    """How long a grader lingers, from DUNDERQUEST_LINGER: 0 turns lingering off (and it is off where
    the system lacks what it needs)."""
    if not supported():
        return 0.0
    text = (os.environ if environ is None else environ).get(LINGER_VARIABLE, "").strip()
    try:
        return max(0.0, float(text)) if text else DEFAULT_LINGER
    except ValueError:
        return DEFAULT_LINGER


def temporary_folder(environ: dict[str, str]) -> str:
    """The temporary folder, as Python's `tempfile` finds it on Unix (without importing it)."""
    for name in ("TMPDIR", "TEMP", "TMP"):
        folder = environ.get(name)
        if folder and os.path.isdir(folder) and os.access(folder, os.W_OK | os.X_OK):
            return folder
    return "/tmp"


def runtime_folder(environ: dict[str, str] | None = None) -> str | None:
    """The folder for this user's graders' sockets, created if need be, or None when there is no safe
    one: a folder that is not a symbolic link, belongs to this user, and nobody else may open, with a
    path short enough for a socket in it."""
    import stat

    environ = os.environ if environ is None else environ
    base = environ.get("XDG_RUNTIME_DIR")
    candidates = [os.path.join(base, "dunderquest")] if base and os.path.isdir(base) else []
    candidates.append(os.path.join(temporary_folder(environ), f"dunderquest-{os.getuid()}"))
    folder = next((c for c in candidates if len(os.fsencode(c)) + 26 <= SOCKET_PATH_ROOM), None)
    if folder is None:
        return None
    try:
        os.mkdir(folder, 0o700)
    except FileExistsError:
        pass
    except OSError:
        return None
    try:
        info = os.lstat(folder)
    except OSError:
        return None
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid() or info.st_mode & 0o077:
        return None
    return folder


def course_roots(pack: str | None) -> list[str]:
    """The folders whose files a grader serves: dunderquest itself, the built-in course (inside the
    package in an install, beside `src/` in a checkout), and the pack it grades."""
    roots = [PACKAGE]
    checkout_course = os.path.join(os.path.dirname(os.path.dirname(PACKAGE)), "course")
    if os.path.isfile(os.path.join(checkout_course, "pack.toml")):
        roots.append(checkout_course)
    if pack:
        roots.append(pack)
    return roots


def files_of(root: str) -> list[tuple[str, int, int]]:
    """(path, mtime, size) of each file a grader serves under `root`, in a fixed order."""
    found = []
    stack = [root]
    while stack:
        folder = stack.pop()
        try:
            entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
        except OSError:
            continue
        for entry in entries:
            if entry.name == "__pycache__":
                continue
            try:
                if entry.is_dir():
                    stack.append(entry.path)
                elif entry.name.endswith(SERVED):
                    info = entry.stat()
                    found.append((entry.path, info.st_mtime_ns, info.st_size))
            except OSError:
                continue
    return found


def identity(environ: dict[str, str] | None = None) -> tuple[str, str]:
    """(the socket's name, the fingerprint) for a grader started with `environ`: the name stands for
    who asks and with what (the user, the Python, the variables the grader keeps, the pack among
    them, but not the linger time); the fingerprint for the files it serves (dunderquest's version
    and files, the built-in course's and the pack's), which a grader that serves older ones lacks."""
    from ... import __version__

    kept = sandbox_environment(environ)
    kept.pop(LINGER_VARIABLE, None)
    who = json.dumps([os.getuid(), sys.executable, sorted(kept.items())])
    name = hashlib.sha256(who.encode()).hexdigest()[:20]
    files = hashlib.sha256(f"{__version__} {sys.version}".encode())
    for root in course_roots(kept.get(PACK_VARIABLE)):
        for path, mtime, size in files_of(root):
            files.update(f"{path} {mtime} {size}\n".encode())
    return name, files.hexdigest()[:20]


def peer(sock: socket.socket) -> tuple[int, int]:
    """(pid, uid) of the process at the other end of a Unix socket."""
    pid, uid, _ = struct.unpack("3i", sock.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i")))
    return pid, uid
