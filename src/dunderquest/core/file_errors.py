"""The one place that words what is wrong with a file the project reads: a course pack's TOML and
Markdown, a class file, a learner's file that is not UTF-8. Every message names the file, and the
line when there is one, the way Python and the compilers do (`path:line: what is wrong`)."""

from __future__ import annotations

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
