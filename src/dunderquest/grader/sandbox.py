"""The trusted side of the sandbox: start a sandbox process, ask it to run the learner's code, and
turn whatever happens (a value, an exception, a hang, a crash) into something a check can judge.

Checks work with `Remote` objects (see remote.py): stand-ins for objects that live in the sandbox.
Calling, indexing, `len()` and iterating a `Remote` run the learner's code over there, each call
under a deadline, and bring back plain values (numbers, strings, tuples, tensors) or further `Remote`s.
"""

from __future__ import annotations

import hashlib
import os
import select
import signal
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

from . import wire
from .expect import describe, is_tensor
from .remote import Named, Remote

DEFAULT_TIMEOUT = 10.0
STARTUP_TIMEOUT = 60.0  # a forked sandbox is ready in milliseconds; a spawned one imports torch first
OUTPUT_LIMIT = 16 * 1024 * 1024  # bytes of print() output kept; past that it is dropped (see protections.py)
# What the learner's code may use above what a sandbox holds when it starts: torch alone maps about
# 3.4 GB of address space; the finale's training and the MNIST checks use a few hundred MB more.
MEMORY_LIMIT = 2 * 1024**3
CPU_LIMIT = 120  # seconds of processor time in one sandbox (the finale's training uses well under that)
PROCESS_LIMIT = 64  # processes and threads started in a sandbox's PID namespace (pid_max caps it near 300)
CHANNEL_BROKEN = 70  # a sandbox's exit code when it can no longer talk to the grader
TOO_MANY_PROCESSES = 71  # a sandbox's exit code when its PID namespace was ended for starting too many
NO_PROCESSES_NEEDED = "Your class should not need os.fork(), subprocesses or many threads."


# -- what can go wrong, in the learner's words ----------------------------------------------------


class SandboxProblem(Exception):
    """Something the learner's code did that ends a check. `str()` is the message for the learner;
    `line` is the line of the learner's file involved, when known."""

    line: int | None = None


class LearnerRaised(SandboxProblem):
    def __init__(self, message: str, error: dict):
        super().__init__(message)
        self.error = error
        self.line = error.get("line") if isinstance(error.get("line"), int) else None

    @property
    def type_name(self) -> str:
        return str(self.error.get("type"))


class SandboxGone(SandboxProblem):
    """The sandbox hung, crashed or exited."""


class LoadFailed(SandboxProblem):
    """The learner's file did not load, or lacks the class the level asks for."""


def where(error: dict, display_path: str) -> str:
    if not error.get("line"):
        return ""
    place = f" ({display_path}, line {error['line']}"
    if error.get("function") and error["function"] != "<module>":
        place += f", in {error['function']}"
    place += ")"
    if error.get("source"):
        place += f":\n    {error['source']}"
    return place


def raised_message(expr: str, error: dict, display_path: str) -> str:
    kind, text = error.get("type", "an exception"), error.get("message", "")
    if error.get("ours"):
        return f"`{expr}` gave back something the grader cannot read: {text}."
    if kind == "OSError" and "[Errno 27]" in text:  # EFBIG: a file reached its limit
        return (f"While running `{expr}`, your code wrote a file larger than {OUTPUT_LIMIT // 2**20} MB, "
                f"which a sandbox does not allow{where(error, display_path)}.")
    if kind == "MemoryError" or "can't allocate memory" in text or "Cannot allocate memory" in text:
        return (f"While running `{expr}`, your code used more than {MEMORY_LIMIT // 2**30} GB of memory, so "
                f"it was stopped{where(error, display_path)}. Look for a list or tensor that keeps growing.")
    if kind == "BlockingIOError" and "[Errno 11]" in text:  # EAGAIN from fork(): the process limit
        return (f"While running `{expr}`, your code started more processes than a sandbox allows, so it was "
                f"stopped{where(error, display_path)}. {NO_PROCESSES_NEEDED}")
    if kind == "PermissionError" and "[Errno 13] Permission denied: '" in text:  # Landlock: not its folder
        return (f"While running `{expr}`, your code tried to open a file outside the folder a sandbox may use "
                f"({text.split(': ', 1)[-1]}){where(error, display_path)}. Your class should only use what "
                "it is given.")
    if "[Errno 101]" in text or kind == "PermissionError" and text.endswith("Permission denied"):
        return (f"While running `{expr}`, your code tried to use the network, which a sandbox does not "
                f"have ({kind}: {text}){where(error, display_path)}.")
    if kind in ("PermissionError", "ProcessLookupError") and ("[Errno 1]" in text or "[Errno 3]" in text):
        return (f"While running `{expr}`, your code tried to signal or trace a process outside its sandbox, "
                f"which it cannot see ({kind}: {text}){where(error, display_path)}.")
    if kind == "SystemExit":
        return (f"`{expr}` called exit() (SystemExit){where(error, display_path)}. Your class should "
                "return a value, not end the program.")
    detail = f": {text}" if text else ""
    return f"`{expr}` raised {kind}{detail}{where(error, display_path)}"


# -- processes -------------------------------------------------------------------------------------


class SandboxProcess(Protocol):
    pid: int
    rfd: int  # we read the sandbox's answers here
    wfd: int  # and write our requests here

    def kill(self) -> None: ...
    def wait(self, timeout: float) -> int | None: ...
    def output_tail(self) -> str: ...
    def output_cut(self) -> bool: ...


# -- the client ------------------------------------------------------------------------------------


def render(value: Any) -> str:
    if isinstance(value, Named):
        return value.name
    if isinstance(value, Remote):
        return value.expr
    if is_tensor(value):
        return f"tensor of shape {list(value.shape)}"
    return wire.shorten(repr(value), 40)


def sandbox_seed(run_seed: int) -> int:
    """The seed of a sandbox's global random state for a run: fixed by the run's seed, and telling
    nothing about it."""
    return int.from_bytes(hashlib.sha256(f"sandbox {run_seed}".encode()).digest()[:4], "big")


class Sandbox:
    """One learner file, loaded in a sandbox process. A hang or a crash ends that process; the next
    request starts a fresh one and loads the file again, so one broken check never spoils the next."""

    def __init__(self, learner_file: Path, display_path: str, *, start: Any,
                 timeout: float = DEFAULT_TIMEOUT, module_name: str = "learner",
                 also: Sequence[tuple[Path, str, str]] = (), seed: int | None = None):
        self.learner_file = Path(learner_file).resolve()
        # Seeds Python's and torch's global random state before the learner's file runs, so code that
        # draws from them behaves the same in every sandbox of a run, warm or cold, and `--seed`
        # repeats it. Derived one way from the run's seed, so the learner cannot learn the checks'.
        self.seed = None if seed is None else sandbox_seed(seed)
        self.display_path = display_path
        # More learner files to load into the same process after this one, as (file, display path,
        # module name): the finale runs the classes of several levels together.
        self.also = [(Path(file).resolve(), display, module) for file, display, module in also]
        self.start = start
        self.timeout = timeout
        self.module_name = module_name
        self.process: SandboxProcess | None = None
        self.generation = 0
        self.load_error: LoadFailed | None = None
        self.names: list[str] = []
        self.defined: dict[str, list[str]] = {}  # display path -> the names its file defines
        self.loaded = False
        self.reused: dict[str, Any] = {}
        self._source: Any = None
        self.output_was_cut = False  # some sandbox of this file printed past OUTPUT_LIMIT

    def close(self) -> None:
        self._stop()

    def _ensure(self) -> SandboxProcess:
        if self.load_error is not None:
            raise self.load_error
        if self.process is not None and self.loaded:
            return self.process
        if self.process is None:
            self.process = self.start()
        try:
            hello, _ = self._receive(self.process, time.monotonic() + STARTUP_TIMEOUT,
                                     "starting Python for your code")
        except SandboxGone as gone:
            raise SandboxGone(f"The sandbox that runs your code could not start: {gone}") from None
        if not hello.get("ready"):
            self._stop()
            raise SandboxGone("The sandbox that runs your code did not start properly.")
        for file, display, module in [(self.learner_file, self.display_path, self.module_name), *self.also]:
            try:  # the sandbox may not read the learner's folder: it gets the file's text
                text = file.read_bytes()
            except OSError as err:
                self.load_error = LoadFailed(f"The grader could not read {display}: {err.strerror}.")
                self._stop()
                raise self.load_error from None
            try:
                request = {"op": "load", "path": str(file), "module": module, "seed": self.seed}
                reply, _ = self._exchange(request, [text],
                                          f"import {display}", self.timeout, "Look for a loop at the top level "
                                          "of your file: it runs when the file is imported.")
            except SandboxGone as gone:  # it would hang or crash again in every check: say it once
                self.load_error = LoadFailed(str(gone))
                raise self.load_error from None
            if not reply.get("ok"):
                error = reply.get("error") or {}
                self.load_error = LoadFailed(self._load_message(error, display))
                self.load_error.line = error.get("line") if isinstance(error.get("line"), int) else None
                self._stop()
                raise self.load_error
            self.defined[display] = [str(n) for n in reply.get("names", [])]
        self.names = self.defined[self.display_path]
        self.loaded = True
        return self.process

    def _load_message(self, error: dict, display_path: str) -> str:
        if error.get("type") in ("SyntaxError", "IndentationError", "TabError") and error.get("line"):
            column = f", column {error['column']}" if error.get("column") else ""
            pointer = ""
            if error.get("source") and error.get("column"):
                pointer = f"\n    {error['source']}\n    {' ' * (int(error['column']) - 1)}^"
            return (f"Python cannot read {display_path}: {error['type']} at line {error['line']}"
                    f"{column}: {error.get('message', '')}{pointer}")
        return (f"Running {display_path} raised {error.get('type')}: {error.get('message', '')}"
                f"{where(error, display_path)}. The file must run without errors before its class "
                "can be checked.")

    def display_of(self, error: dict) -> str:
        """The display path of the learner file an error came from (the main one when unknown)."""
        for file, display, _ in self.also:
            if error.get("file") == str(file):
                return display
        return self.display_path

    def reuse(self, key: str, build: Any) -> Any:
        """`build()`'s Remote, made once per sandbox process: after a crash, the fresh sandbox
        builds its own. Fixtures use this for things that are costly to make and never changed
        by a check (the learner's class, MNIST tensors)."""
        self._ensure()
        if key not in self.reused:
            self.reused[key] = build()
        return self.reused[key]

    def _stop(self) -> None:
        self.reused = {}
        self.loaded = False
        self.generation += 1  # every Remote from the old process is now stale
        if self.process is not None:
            self.output_was_cut = self.output_was_cut or self.process.output_cut()
            self.process.kill()
            self.process = None

    # -- one request, under a deadline -----------------------------------------------------------

    def request(self, header: dict, args_blobs: list[bytes], expr: str, *, timeout: float | None = None,
                on_timeout: str | None = None) -> dict:
        self._ensure()
        reply, blobs = self._exchange(header, args_blobs, expr, timeout or self.timeout, on_timeout)
        self._blobs = blobs
        if not reply.get("ok"):
            error = reply.get("error") or {}
            raise LearnerRaised(raised_message(expr, error, self.display_of(error)), error)
        return reply

    def _exchange(self, header: dict, blobs: list[bytes], expr: str, timeout: float,
                  on_timeout: str | None) -> tuple[dict, list[bytes]]:
        process = self.process
        try:
            wire.write_frame(process.wfd, header, blobs)
        except OSError:
            pass  # it died: reading the answer below reports how
        return self._receive(process, time.monotonic() + timeout, expr, on_timeout, timeout)

    def _receive(self, process: SandboxProcess, deadline: float, expr: str, on_timeout: str | None = None,
                 timeout: float | None = None) -> tuple[dict, list[bytes]]:
        def read(n: int) -> bytes:
            chunks, left = [], n
            while left:
                remaining = deadline - time.monotonic()
                if remaining <= 0 or not select.select([process.rfd], [], [], remaining)[0]:
                    raise TimeoutError
                chunk = os.read(process.rfd, min(left, 1 << 20))
                if not chunk:
                    raise EOFError
                chunks.append(chunk)
                left -= len(chunk)
            return b"".join(chunks)

        try:
            return wire.read_frame_from(read)
        except TimeoutError:
            self._stop()
            seconds = f"{timeout:g} s" if timeout else "the time allowed"
            hint = on_timeout or "Look for a loop that never ends, or a call that waits forever."
            message = f"`{expr}` did not finish within {seconds}, so it was stopped. {hint}"
            raise SandboxGone(message) from None
        except (EOFError, OSError, wire.WireError) as err:
            message = self._death_message(process, expr, err)
            self._stop()
            raise SandboxGone(message) from None

    def _death_message(self, process: SandboxProcess, expr: str, err: Exception) -> str:
        code = process.wait(2)
        tail = process.output_tail().strip()
        printed = ""
        if tail:
            lines = tail.splitlines()[-5:]
            printed = "\nThe last lines it printed:\n" + "\n".join("    " + line[:200] for line in lines)
        if isinstance(err, wire.WireError):
            return f"While running `{expr}`, the sandbox sent back something unreadable ({err})."
        if code is None or code == 0:
            return (f"While running `{expr}`, your code ended the Python process it ran in. Look for "
                    f"os._exit() or a closed standard stream in {self.display_path}.{printed}")
        if code == TOO_MANY_PROCESSES:
            return (f"While running `{expr}`, your code started more processes or threads than a sandbox allows "
                    f"({PROCESS_LIMIT}), so it was stopped. {NO_PROCESSES_NEEDED}")
        if code == CHANNEL_BROKEN:
            return (f"While running `{expr}`, your code cut the sandbox off from the grader: it closed or "
                    "replaced the file descriptors the sandbox talks through. Look for os.close() or "
                    f"os.dup2() in {self.display_path}.{printed}")
        if code > 0:
            return (f"While running `{expr}`, your code ended the Python process with exit code {code}. "
                    f"Look for os._exit() in {self.display_path}.{printed}")
        sig = -code
        if sig == signal.SIGXFSZ:
            return (f"While running `{expr}`, your code wrote more than {OUTPUT_LIMIT // 2**20} MB to one file, "
                    "so it was stopped. Look for a print() or write() inside a loop that never ends.")
        if sig == signal.SIGXCPU:
            return (f"While running `{expr}`, your code used more than {CPU_LIMIT} s of processor time in "
                    "this sandbox, so it was stopped. Look for a loop, or a thread, that never ends.")
        if sig == signal.SIGKILL:
            return (f"While running `{expr}`, the process running your code was killed (SIGKILL): by your "
                    "code itself (look for os.kill() or signal calls), or by the system because the machine "
                    "ran out of memory (look for a list or tensor that keeps growing).")
        name = signal.Signals(sig).name if sig in signal.Signals._value2member_map_ else f"signal {sig}"
        return f"While running `{expr}`, the process running your code crashed ({name}).{printed}"

    # -- operations ------------------------------------------------------------------------------

    def node_of(self, remote: Remote) -> dict:
        """How a request names `remote`; a Remote from a process stopped since is refused."""
        if remote._generation != self.generation:
            raise SandboxGone(f"Not run: `{remote.expr}` was lost when an earlier step stopped the sandbox.")
        return {"t": "ref", "id": remote._id}

    def _value(self, reply: dict, expr_of_result: str) -> Any:
        generation = self.generation
        return wire.decode(reply["value"], self._blobs,
                           ref=lambda node: Remote(self, node, expr_of_result, generation))

    def _encode_args(self, values: list[Any], blobs: list[bytes]) -> list[dict]:
        out = []
        for value in values:
            if isinstance(value, Named):
                value = value.value
            if isinstance(value, Remote):
                out.append(value._node())
            else:
                out.append(wire.encode(value, blobs))
        return out

    def learner_class(self, name: str, module: str | None = None) -> Remote:
        """The learner's class (or whatever the name holds), from the main file or from the `also`
        file loaded as `module`. A missing name fails with a message that says which class and which file."""
        return self.reuse(f"class {module}.{name}", lambda: self._learner_class(name, module))

    def _learner_class(self, name: str, module: str | None) -> Remote:
        display = next((d for _, d, m in self.also if m == module), self.display_path)
        reply = self.request({"op": "class", "name": name, "module": module or self.module_name}, [],
                             f"import {display}")
        if reply.get("missing"):
            names = self.defined.get(display)
            defined = f" It defines: {', '.join(names)}." if names else " It defines nothing yet."
            raise LoadFailed(f"{display} has no `{name}`: this level asks you to write "
                             f"`class {name}` there.{defined}")
        value = self._value(reply, name)
        if not isinstance(value, Remote):
            raise LoadFailed(f"In {display}, `{name}` is {render(value)}, not a class.")
        return value

    def info(self, remote: Remote) -> dict:
        return self.request({"op": "info", "ref": remote._node()}, [], f"type({remote.expr})")

    def call(self, remote: Remote, *args: Any, expr: str | None = None, **kw: Any) -> Any:
        blobs: list[bytes] = []
        encoded = self._encode_args(list(args), blobs)
        expr = expr or f"{remote.expr}({', '.join(render(a) for a in args)})"
        reply = self.request({"op": "call", "ref": remote._node(), "args": encoded}, blobs, expr, **kw)
        return self._value(reply, expr)

    def len(self, remote: Remote, **kw: Any) -> int:
        expr = f"len({remote.expr})"
        return self._value(self.request({"op": "len", "ref": remote._node()}, [], expr, **kw), expr)

    def getitem(self, remote: Remote, key: Any, **kw: Any) -> Any:
        blobs: list[bytes] = []
        expr = f"{remote.expr}[{render(key)}]"
        reply = self.request({"op": "getitem", "ref": remote._node(),
                              "key": self._encode_args([key], blobs)[0]}, blobs, expr, **kw)
        return self._value(reply, expr)

    def setitem(self, remote: Remote, key: Any, value: Any, **kw: Any) -> None:
        blobs: list[bytes] = []
        key_node, value_node = self._encode_args([key, value], blobs)
        expr = f"{remote.expr}[{render(key)}] = {render(value)}"
        self.request({"op": "setitem", "ref": remote._node(), "key": key_node, "value": value_node},
                     blobs, expr, **kw)

    def contains(self, remote: Remote, value: Any, **kw: Any) -> bool:
        blobs: list[bytes] = []
        expr = f"{render(value)} in {remote.expr}"
        reply = self.request({"op": "contains", "ref": remote._node(),
                              "value": self._encode_args([value], blobs)[0]}, blobs, expr, **kw)
        return bool(self._value(reply, expr))

    def iter(self, remote: Remote, **kw: Any) -> Remote:
        expr = f"iter({remote.expr})"
        return self._value(self.request({"op": "iter", "ref": remote._node()}, [], expr, **kw), expr)

    def next(self, remote: Remote, expr: str | None = None, **kw: Any) -> Any:
        """The next item; raises StopIteration when the learner's iterator does."""
        expr = expr or f"next({remote.expr})"
        reply = self.request({"op": "next", "ref": remote._node()}, [], expr, **kw)
        if reply.get("stop"):
            raise StopIteration
        return self._value(reply, expr)

    def take(self, remote: Remote, limit: int, expr: str | None = None, **kw: Any) -> tuple[list, bool]:
        """Up to `limit` items of `list(remote)`, and whether the iteration ended by itself."""
        expr = expr or f"list({remote.expr})"
        reply = self.request({"op": "take", "ref": remote._node(), "limit": limit}, [], expr, **kw)
        return self._value(reply, expr), bool(reply.get("ended"))

    def getattr(self, remote: Remote, name: str, **kw: Any) -> Any:
        expr = f"{remote.expr}.{name}"
        return self._value(self.request({"op": "getattr", "ref": remote._node(), "name": name}, [],
                                        expr, **kw), expr)

    def same(self, a: Remote, b: Remote) -> bool:
        reply = self.request({"op": "same", "a": a._node(), "b": b._node()}, [], f"{a.expr} is {b.expr}")
        return bool(self._value(reply, ""))

    def isinstance(self, remote: Remote, of: str, *, subclass: bool = False) -> bool:
        reply = self.request({"op": "isinstance", "ref": remote._node(), "of": of, "subclass": subclass},
                             [], f"isinstance({remote.expr}, {of})")
        return bool(self._value(reply, ""))

    def keep(self, value: Any, expr: str) -> Remote:
        """Puts a value into the sandbox and returns it as a Remote, so a check can look at it again
        after the learner's code has had it (to see whether it was changed in place)."""
        return self.make("value", expr, value=value)

    def fetch(self, remote: Remote) -> Any:
        """The current value of a Remote (a tensor, a number, ...)."""
        return self._value(self.request({"op": "value", "ref": remote._node()}, [], remote.expr), remote.expr)

    def new(self, cls: Remote, *args: Any, expr: str | None = None, **kw: Any) -> Remote:
        """`cls(*args)`, which must give back an object of that class (not a tuple, a function, or
        whatever a `__new__` or a plain function might return)."""
        expr = expr or f"{cls.expr}({', '.join(render(a) for a in args)})"
        name = cls.expr
        if not self.reuse(f"is_type {cls._id}", lambda: self.info(cls)["is_type"]):
            raise LoadFailed(f"`{name}` in {self.display_path} is {describe(cls)}, not a class. Write "
                             f"`class {name}:` there.")
        made = self.call(cls, *args, expr=expr, **kw)
        if not isinstance(made, Remote) or not self.instance_of(made, cls):
            raise LoadFailed(f"`{expr}` gave back {describe(made)}, not a {name} object. `{name}` should "
                             f"be a class, and calling it should make an instance of it: write `class {name}:` "
                             f"in {self.display_path}, without a `__new__` that returns something else.")
        return made.named(expr)

    def instance_of(self, remote: Remote, cls: Remote) -> bool:
        reply = self.request({"op": "instance_of", "ref": remote._node(), "cls": cls._node()}, [],
                             f"isinstance({remote.expr}, {cls.expr})")
        return bool(self._value(reply, ""))

    @property
    def source(self) -> Any:
        """The learner's file as parsed text (see source.py): what the checks confirm answers with."""
        from .source import read_source

        if self._source is None:
            self._source = read_source(self.learner_file)
        return self._source

    def make(self, kind: str, expr: str, *, timeout: float | None = None, **args: Any) -> Remote:
        """A real PyTorch object (or a probe) built in the sandbox: `make("mnist_loader", ...)`.
        This runs the grader's code, not the learner's, so it may be given a longer deadline."""
        blobs: list[bytes] = []
        names = list(args)
        nodes = self._encode_args([args[n] for n in names], blobs)
        reply = self.request({"op": "make", "kind": kind, "args": dict(zip(names, nodes, strict=True))},
                             blobs, expr, timeout=timeout)
        return self._value(reply, expr)
