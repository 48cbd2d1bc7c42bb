"""The one place that words what is wrong with a file the project reads: a course pack's TOML and
Markdown, a class file, a learner's file that is not UTF-8. Every message names the file, and the
line when there is one, the way Python and the compilers do (`path:line: what is wrong`). And what
went wrong when a learner's file or a workspace's state could not be written (`why_not`, `what_to_do`):
a full disk, a read-only workspace, a folder where the file should be."""

from __future__ import annotations

import errno
import os
import re
import tomllib
from pathlib import Path

TOML_WHERE = re.compile(r" \(at line (\d+), column (\d+)\)$")


class FileProblem(ValueError):
    """What is wrong with a file: the file, the line when there is one, and what is wrong."""

    def __init__(self, path: Path, line: int | None, message: str):
        self.path, self.line, self.message = path, line, message
        super().__init__(f"{path}{f':{line}' if line else ''}: {message}")


def cannot_read(err: OSError) -> str:
    """The words for a file or folder that is there but cannot be read."""
    return f"it cannot be read ({err.strerror or err})"


def not_utf8(raw: bytes, err: UnicodeDecodeError) -> tuple[int, str]:
    """The line and the words for a file that is not UTF-8 text, from the first byte that is not."""
    return (raw.count(b"\n", 0, err.start) + 1,
            f"not UTF-8 text: byte {err.start + 1} of the file (0x{raw[err.start]:02x}) cannot be read; save it "
            "as UTF-8")


def toml_problem(err: ValueError) -> tuple[int | None, str]:
    """The line and the words of a TOML error (`tomllib` puts them at the end of its message)."""
    text = str(err)
    where = TOML_WHERE.search(text)
    if where is None:
        return None, f"not valid TOML: {text}"
    return int(where[1]), f"not valid TOML: {text[:where.start()]} (column {where[2]})"


def read_utf8(path: Path) -> str:
    """The file's text; FileProblem, with the line, when it is not UTF-8 text. A file that is missing
    raises FileNotFoundError, for the caller to word."""
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as err:
        raise FileProblem(path, *not_utf8(raw, err)) from None


def read_toml(path: Path) -> dict:
    """The keys of a TOML file; FileProblem, with the line, when it cannot be read or is not TOML. A file
    that is missing (or a file where a folder should be) raises the OSError, for the caller to word."""
    try:
        return tomllib.loads(read_utf8(path))
    except (FileNotFoundError, NotADirectoryError):  # missing: for the caller to word
        raise
    except OSError as err:
        raise FileProblem(path, None, cannot_read(err)) from None
    except tomllib.TOMLDecodeError as err:
        raise FileProblem(path, *toml_problem(err)) from None


# Why a file could not be written (or read), in plain words, and what to do about it, by errno.
WHY_NOT = {
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "your disk quota is used up",
    errno.EROFS: "the disk it is on is read-only",
    errno.EACCES: "you may not write there (permission denied)",
    errno.EPERM: "you may not write there (operation not permitted)",
    errno.EISDIR: "it is a folder, not a file",
    errno.ENOTDIR: "a folder on its way is a file",
    errno.ELOOP: "it is a symbolic link that leads round in a circle",
}
WHAT_TO_DO = {
    errno.ENOSPC: "Free some space on the disk, then try again.",
    errno.EDQUOT: "Free some space, or ask for a larger quota, then try again.",
    errno.EROFS: "Play in a workspace you can write to: `dunderquest init DIR` makes one; copy your exercise "
                 "files into its exercises/ folder.",
    errno.EACCES: "Play in a workspace of your own: `dunderquest init DIR` makes one; copy your exercise files "
                  "into its exercises/ folder.",
    errno.EISDIR: "Move the folder away (or rename it), then try again.",
    errno.ELOOP: "Remove the link, or point it at a file.",
}
WHAT_TO_DO[errno.EPERM] = WHAT_TO_DO[errno.EACCES]


def why_not(err: OSError) -> str:
    """Why a file could not be written or read, in plain words: "the disk is full"."""
    return WHY_NOT.get(err.errno, err.strerror or str(err))


def what_to_do(err: OSError) -> str:
    """What to do about it, as a sentence (empty when there is nothing to say)."""
    return WHAT_TO_DO.get(err.errno, "")


def link_target(path: Path) -> str | None:
    """Where a symbolic link at `path` leads, which is the file a save writes; None when it is no link."""
    return os.path.realpath(path) if os.path.islink(path) else None


def disk_is_full(folder: Path) -> bool:
    """Whether the disk that holds `folder` has no room left for this user (False if that cannot be told)."""
    try:
        return os.statvfs(folder).f_bavail == 0
    except (OSError, AttributeError):  # no statvfs on Windows
        return False


def not_saved(name: str, err: OSError) -> str:
    """What every front end says when a learner's file could not be saved: the file keeps its text."""
    kept = "" if err.errno in (errno.EISDIR, errno.ELOOP) else " The file keeps the text it had."
    return f"Could not save {name}: {why_not(err)}.{kept} {what_to_do(err)}".rstrip()


def not_recorded(path: object, err: OSError) -> str:
    """What every front end says when a check's result could not be written to the progress file."""
    return f"This result could not be recorded in {path}: {why_not(err)}. {what_to_do(err)}".rstrip()
