"""Python's parser, one tree at a time.

CPython 3.11 counts the depth of the tree that `ast.parse` builds in a counter shared by all threads
(python/cpython#106905). When a collection runs a finalizer in the middle of a parse and another thread
parses meanwhile, the count no longer matches and the parse fails with "SystemError: AST constructor
recursion depth mismatch". Grading a class reads checks and learners' files in threads, so every parse
in dunderquest goes through the lock here."""

from __future__ import annotations

import ast
import threading

_ONE_AT_A_TIME = threading.Lock()


def parse(source: str | bytes, filename: str = "<unknown>", mode: str = "exec") -> ast.AST:
    """`ast.parse`, safe to call from several threads at once."""
    with _ONE_AT_A_TIME:
        return ast.parse(source, filename=filename, mode=mode)
