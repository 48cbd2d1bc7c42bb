"""The trusted side's proxy of a sandbox: it starts a sandbox process, asks it to run the learner's
code, and turns whatever happens (a value, an exception, a hang, a crash) into something a check can
judge. The checks get it as their `sandbox` fixture.

Checks work with `Remote` objects (see remote.py): stand-ins for objects that live in the sandbox.
Calling, indexing, `len()` and iterating a `Remote` run the learner's code over there, each call
under a deadline, and bring back plain values (numbers, strings, tuples, tensors) or further `Remote`s.
"""

from __future__ import annotations

import hashlib
import os
import select
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import wire
from .expect import describe
from .limits import DEFAULT_TIMEOUT, STARTUP_TIMEOUT
from .messages import (
    Exhausted,
    LearnerRaised,
    LoadFailed,
    SandboxGone,
    death_message,
    grader_import_message,
    importing,
    load_message,
    not_text_message,
    raised_message,
    timeout_message,
    unreadable_message,
)
from .remote import Named, Remote, call_text, render
from .result import last_printed
from .source import grader_imports, not_text

if TYPE_CHECKING:
    from .service.processes import SandboxProcess, SandboxSource


# The learner's method each operation runs.
RUNS = {"len": "__len__", "getitem": "__getitem__", "setitem": "__setitem__", "contains": "__contains__",
        "iter": "__iter__", "next": "__next__", "take": "__next__"}


def sandbox_seed(run_seed: int) -> int:
    """The seed of a sandbox's global random state for a run: fixed by the run's seed, telling nothing of it."""
    return int.from_bytes(hashlib.sha256(f"sandbox {run_seed}".encode()).digest()[:4], "big")


class SandboxProxy:
    """One learner file, loaded in a sandbox process started by `sandboxes` (a sandbox source, see
    service/processes.py). A hang or a crash ends that process; the next request starts a fresh one
    and loads the file again, so one broken check never spoils the next. `probes` are the level's own
    helpers (its probes.py), run in each sandbox before the learner's file."""

    def __init__(self, learner_file: Path, display_path: str, *, sandboxes: SandboxSource,
                 timeout: float = DEFAULT_TIMEOUT, module_name: str = "learner",
                 also: Sequence[tuple[Path, str, str]] = (), seed: int | None = None,
                 probes: Path | None = None):
        self.learner_file = Path(learner_file).resolve()
        # Seeds Python's and torch's global random state before the learner's file runs, so code that
        # draws from them behaves the same in every sandbox of a run, warm or cold, and `--seed`
        # repeats it. Derived one way from the run's seed, so the learner cannot learn the checks'.
        self.seed = None if seed is None else sandbox_seed(seed)
        self.display_path = display_path
        # More learner files to load into the same process after this one, as (file, display path,
        # module name): the finale runs the classes of several levels together.
        self.also = [(Path(file).resolve(), display, module) for file, display, module in also]
        self.sandboxes = sandboxes
        self.probes = probes
        self.timeout = timeout
        self.module_name = module_name
        self.process: SandboxProcess | None = None
        self.asked = 0  # requests sent to this process
        # The learner's methods run so far in this check, as (class name, method, the step): the
        # method a failure points at when nothing else says where (see pointing.py).
        self.ran: list[tuple[str, str, str]] = []
        self.generation = 0
        self.load_error: LoadFailed | None = None
        self.names: list[str] = []
        self.defined: dict[str, list[str]] = {}  # display path -> the names its file defines
        self.loaded = False
        self.reused: dict[str, Any] = {}
        self._source: Any = None
        # Whether some sandbox of this file printed past OUTPUT_LIMIT, and the end of what they printed.
        self.output_was_cut, self.printed = False, ""
        self.applied: list[str] | None = None  # the protections its sandbox said it got, before any learner code

    def close(self) -> None:
        self._stop()

    def _ensure(self) -> SandboxProcess:
        if self.load_error is not None:
            raise self.load_error
        if self.process is not None and self.loaded:
            return self.process
        if self.process is None:
            self.process, self.asked = self.sandboxes(), 0
        try:
            hello, _ = self._receive(self.process, time.monotonic() + STARTUP_TIMEOUT,
                                     "starting Python for your code")
        except SandboxGone as gone:
            raise SandboxGone(f"The sandbox that runs your code could not start: {gone}") from None
        if not hello.get("ready"):
            self._stop()
            raise SandboxGone("The sandbox that runs your code did not start properly.")
        if isinstance(hello.get("applied"), list):
            self.applied = [str(name) for name in hello["applied"]]
        if self.probes is not None:
            self._load_probes()
        for file, display, module in [(self.learner_file, self.display_path, self.module_name), *self.also]:
            try:  # the sandbox may not read the learner's folder: it gets the file's text
                text = file.read_bytes()
            except OSError as err:
                self.load_error = LoadFailed(f"The grader could not read {display}: {err.strerror}.")
                self._stop()
                raise self.load_error from None
            if (problem := not_text(text)) is not None:
                self.load_error = LoadFailed(not_text_message(display, problem[1]))
                self.load_error.line = problem[0]
                self._stop()
                raise self.load_error
            if lines := grader_imports(text):
                self.load_error = LoadFailed(grader_import_message(display, lines))
                self.load_error.line = lines[0]
                self._stop()
                raise self.load_error
            try:
                request = {"op": "load", "path": str(file), "module": module, "seed": self.seed}
                reply, _ = self._exchange(request, [text],
                                          importing(display), self.timeout, "Look for a loop at the top level "
                                          "of your file: it runs when the file is imported.")
            except SandboxGone as gone:  # it would hang or crash again in every check: say it once
                self.load_error = LoadFailed(str(gone))
                raise self.load_error from None
            if not reply.get("ok"):
                error = reply.get("error") or {}
                self.load_error = LoadFailed(load_message(error, display))
                self.load_error.line = error.get("line") if isinstance(error.get("line"), int) else None
                self._stop()
                raise self.load_error
            self.defined[display] = [str(n) for n in reply.get("names", [])]
        self.names = self.defined[self.display_path]
        self.loaded = True
        return self.process

    def _load_probes(self) -> None:
        """Runs the level's probes.py in the sandbox, from its text (the sandbox may not read the
        level's folder). It is the grader's own code: if it fails, that is dunderquest's problem."""
        request = {"op": "probes", "path": str(self.probes), "module": f"{self.module_name}_probes"}
        reply, _ = self._exchange(request, [self.probes.read_bytes()], "loading the level's probes", self.timeout,
                                  None)
        if not reply.get("ok"):
            error = reply.get("error") or {}
            raise RuntimeError(f"the level's probes.py failed in the sandbox: {error.get('type')}: "
                               f"{error.get('message')}")

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
            self.printed = last_printed("\n".join(filter(None, (self.printed, self.process.output_tail()))))
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
        self.asked += 1  # the sandbox numbers its requests too: a note of where its code was says which
        try:
            wire.write_frame(process.wfd, {**header, "timeout": timeout}, blobs)
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

        where = None  # the line the learner's code was on near the deadline, if the sandbox said
        try:
            while "where" in (frame := wire.read_frame_from(read))[0]:
                where = frame[0]["where"] if frame[0].get("request") == self.asked else where
            return frame
        except TimeoutError:
            self._stop()
            gone = SandboxGone(timeout_message(expr, timeout, on_timeout, where, self.display_of(where or {})))
            gone.line = where.get("line") if isinstance(where, dict) else None
            raise gone from None
        except (EOFError, OSError, wire.WireError) as err:
            if isinstance(err, wire.WireError):
                message = unreadable_message(expr, str(err))
            else:
                message = death_message(expr, process.wait(2), process.output_tail(), self.display_path)
            self._stop()
            raise SandboxGone(message) from None

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
        """Plain values as they are (`Named` ones too), and objects of the sandbox, in lists and tuples too, as refs."""
        def ref(value: Any) -> dict:
            if isinstance(value, Named):
                return wire.encode(value.value, blobs, ref_for=ref)
            if not isinstance(value, Remote):
                raise TypeError(f"cannot send a {type(value).__name__}")
            return value._node()

        return [wire.encode(value, blobs, ref_for=ref) for value in values]

    def learner_class(self, name: str, module: str | None = None) -> Remote:
        """The learner's class (or whatever the name holds), from the main file or from the `also`
        file loaded as `module`. A missing name fails with a message that says which class and which file."""
        return self.reuse(f"class {module}.{name}", lambda: self._learner_class(name, module))

    def _learner_class(self, name: str, module: str | None) -> Remote:
        display = next((d for _, d, m in self.also if m == module), self.display_path)
        reply = self.request({"op": "class", "name": name, "module": module or self.module_name}, [],
                             importing(display))
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

    def call(self, remote: Remote, *args: Any, expr: str | None = None, kwargs: dict | None = None,
             **kw: Any) -> Any:
        """`remote(*args, **kwargs)`; `kw` are the request's (`timeout`, `on_timeout`)."""
        blobs, kwargs = [], kwargs or {}
        encoded, named = self._encode_args(list(args), blobs), self._encode_args(list(kwargs.values()), blobs)
        expr = expr or call_text(remote.expr, args, kwargs)
        is_class = remote.text.startswith("<class ")
        self.ran.append((remote.text.rsplit(".", 1)[-1].strip("'>") if is_class else remote.type_name,
                         "__init__" if is_class else "__call__", expr))
        reply = self.request({"op": "call", "ref": remote._node(), "args": encoded,
                              "kwargs": dict(zip(kwargs, named, strict=True))}, blobs, expr, **kw)
        return self._value(reply, expr)

    def _ask(self, op: str, remote: Remote, expr: str, kw: dict, fields: dict | None = None,
             **values: Any) -> tuple[dict, Any]:
        """One operation on `remote`: `values` are sent as arguments (plain or of the sandbox), `fields`
        as they are; `kw` are the request's. The reply, and the value it brings back (if any)."""
        blobs: list[bytes] = []
        nodes = dict(zip(values, self._encode_args(list(values.values()), blobs), strict=True))
        if method := RUNS.get(op):
            self.ran.append((remote.type_name, method, expr))
        reply = self.request({"op": op, "ref": remote._node(), **(fields or {}), **nodes}, blobs, expr, **kw)
        return reply, self._value(reply, expr) if "value" in reply else None

    def len(self, remote: Remote, **kw: Any) -> int:
        return self._ask("len", remote, f"len({remote.expr})", kw)[1]

    def getitem(self, remote: Remote, key: Any, **kw: Any) -> Any:
        return self._ask("getitem", remote, f"{remote.expr}[{render(key)}]", kw, key=key)[1]

    def setitem(self, remote: Remote, key: Any, value: Any, **kw: Any) -> None:
        self._ask("setitem", remote, f"{remote.expr}[{render(key)}] = {render(value)}", kw, key=key, value=value)

    def contains(self, remote: Remote, value: Any, **kw: Any) -> bool:
        return bool(self._ask("contains", remote, f"{render(value)} in {remote.expr}", kw, value=value)[1])

    def iter(self, remote: Remote, **kw: Any) -> Remote:
        return self._ask("iter", remote, f"iter({remote.expr})", kw)[1]

    def next(self, remote: Remote, expr: str | None = None, **kw: Any) -> Any:
        """The next item; raises StopIteration when the learner's iterator does."""
        reply, value = self._ask("next", remote, expr or f"next({remote.expr})", kw)
        if reply.get("stop"):
            raise Exhausted(expr or f"next({remote.expr})")
        return value

    def take(self, remote: Remote, limit: int, expr: str | None = None, **kw: Any) -> tuple[list, bool]:
        """Up to `limit` items of `list(remote)`, and whether the iteration ended by itself."""
        reply, items = self._ask("take", remote, expr or f"list({remote.expr})", kw, {"limit": limit})
        return items, bool(reply.get("ended"))

    def getattr(self, remote: Remote, name: str, **kw: Any) -> Any:
        return self._ask("getattr", remote, f"{remote.expr}.{name}", kw, {"name": name})[1]

    def is_same_object(self, a: Remote, b: Remote) -> bool:
        """`a is b`, in the sandbox."""
        reply = self.request({"op": "same", "a": a._node(), "b": b._node()}, [], f"{a.expr} is {b.expr}")
        return bool(self._value(reply, ""))

    def keep(self, value: Any, expr: str) -> Remote:
        """The value, put into the sandbox: a check can hand it to the learner's code and look at it again."""
        return self.make("value", expr, value=value)

    def fetch(self, remote: Remote) -> Any:
        """The current value of a Remote (a tensor, a number, ...)."""
        return self._value(self.request({"op": "value", "ref": remote._node()}, [], remote.expr), remote.expr)

    def new(self, cls: Remote, *args: Any, **kwargs: Any) -> Remote:
        """`cls(*args, **kwargs)`, which must give back an object of that class (not a tuple, a function,
        or whatever a `__new__` or a plain function might return). Named as that call; a hang gets the
        advice `cls` carries (see `Remote.named`)."""
        expr, name = call_text(cls.expr, args, kwargs), cls.expr
        if not self.reuse(f"is_type {cls._id}", lambda: self.info(cls)["is_type"]):
            raise LoadFailed(f"`{name}` in {self.display_path} is {describe(cls)}, not a class. Write "
                             f"`class {name}:` there.")
        made = self.call(cls, *args, expr=expr, kwargs=kwargs, on_timeout=cls.advice)
        if not isinstance(made, Remote) or not self.instance_of(made, cls):
            raise LoadFailed(f"`{expr}` gave back {wire.shorten(describe(made), 100)}, not a {name} object. `{name}` "
                             f"should be a class, and calling it should make an instance of it: write `class {name}:` "
                             f"in {self.display_path}, without a `__new__` that returns something else.")
        return made.named(expr)

    def instance_of(self, remote: Remote, of: Remote | str, *, subclass: bool = False) -> bool:
        """`isinstance(remote, of)`, or with `subclass` `issubclass(remote, of)`: `of` is a class of the
        sandbox, or the dotted name of one the sandbox knows ("torch.utils.data.Dataset")."""
        if isinstance(of, str):
            header, shown = {"op": "isinstance", "of": of, "subclass": subclass}, of
        else:
            header, shown = {"op": "instance_of", "cls": of._node()}, of.expr
        reply = self.request({**header, "ref": remote._node()}, [], f"isinstance({remote.expr}, {shown})")
        return bool(self._value(reply, ""))

    @property
    def source(self) -> Any:
        """The learner's file as parsed text (see source.py): what the checks confirm answers with."""
        from .source import read_source

        if self._source is None:
            self._source = read_source(self.learner_file)
        return self._source

    def make(self, maker: str, expr: str, /, *, timeout: float | None = None, on_timeout: str | None = None,
             **args: Any) -> Remote:
        """An object built in the sandbox by name, from `args` (plain values or Remotes): a PyTorch object or
        helper of inside/makers.py, or a public function or class of the level's probes.py. It may run the learner's
        code (`on_timeout` says what to tell them if it hangs) and get a longer `timeout`. `expr` names it."""
        blobs: list[bytes] = []
        nodes = self._encode_args(list(args.values()), blobs)
        reply = self.request({"op": "make", "name": maker, "args": dict(zip(args, nodes, strict=True))},
                             blobs, expr, timeout=timeout, on_timeout=on_timeout)
        return self._value(reply, expr)
