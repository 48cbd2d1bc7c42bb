"""The loop a sandbox runs: the only code that handles the learner's objects directly.

It imports the learner's file by path and does what the trusted side asks (construct a class, call,
index, iterate, wrap an object in a real DataLoader), answering with plain data over the wire format.
It may be fully under the learner's control, so the trusted side believes nothing it says beyond the
values themselves, and judges those against references it computed on its own.

A sandbox is shut in (see `confinement/`) before it runs this loop; the loop itself trusts nothing it
is given but the requests.
"""

from __future__ import annotations

import collections
import importlib.util
import linecache
import os
import re
import sys
import threading
import traceback
from types import ModuleType
from typing import Any

from .. import wire
from .makers import MAKERS
from .watch import Watch

ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")


def safe_text(value: Any, limit: int = 300) -> str:
    try:
        text = str(value)
    except BaseException:  # a learner's __str__ may raise anything
        return "<could not be shown>"
    return wire.shorten(text, limit)


def safe_repr(value: Any, limit: int = 120) -> str:
    torch = wire.loaded_torch()
    if torch is not None and type(value) in (torch.Tensor, torch.nn.Parameter):
        # A tensor's repr formats every value it shows, one small torch call each; a thread the
        # learner left spinning makes each of those wait for the GIL. Its shape says enough.
        return f"shape {list(value.shape)}, dtype {str(value.dtype).removeprefix('torch.')}"
    try:
        text = repr(value)
    except BaseException:
        return f"<{type(value).__name__} object>"
    text = ADDRESS.sub("", text)  # "<Double object at 0x7f...>": the address means nothing to a learner
    text = " ".join(text.split())  # an array's repr spans lines
    return wire.shorten(text, limit)


class GraderModules:
    """Refuses to import any module of dunderquest that is not loaded already: a sandbox never gets
    the grader's own code, such as the reference solutions or the levels' checks, from an import.
    The operating system hides them too (Landlock, and a mount namespace); this holds where neither
    is there."""

    def find_spec(self, name: str, path: Any = None, target: Any = None) -> None:
        if name == "dunderquest" or name.startswith("dunderquest."):
            raise ModuleNotFoundError(f"No module named {name!r}: a sandbox cannot import the grader's own package",
                                      name=name)
        return None


def seed_everything(seed: int) -> None:
    """The global random state the learner's code starts from: the same in every sandbox of a run."""
    import random

    random.seed(seed)
    torch = sys.modules.get("torch")
    if torch is not None:
        torch.manual_seed(seed)


class Server:
    """The loop a sandbox runs: read one request frame on `rfd`, answer it with one frame on `wfd`.

    It says `{"ready": true}` first, with the protections it was shut in with. Each request names an
    operation (`op_probes` runs the level's probes, `op_load` imports the learner's file, then
    `op_call`, `op_len`, `op_getitem`, ...
    `op_make`), answered with `{"ok": true, ...}`, usually carrying a `"value"`, or, whatever the
    learner's code raised, `{"ok": false, "error": ...}` with the line of their file it came from,
    when there is one. Objects that are not plain data stay here in `objects` and travel as handles
    (`ref_for`, `resolve`), so the trusted side never holds one of them. The loop ends when the
    grader closes the channel; the learner's code may end it sooner, and the grader then says how."""

    def __init__(self, rfd: int, wfd: int, applied: list[str] | None = None):
        self.rfd, self.wfd = rfd, wfd
        self.applied = applied  # the protections this sandbox got (see confinement/enter.py)
        # Every torch call lets go of the GIL; with a thread of the learner's spinning, taking it
        # back waits for the switch interval (5 ms by default). A shorter one keeps such code checkable.
        sys.setswitchinterval(0.0005)
        self.objects: dict[int, Any] = {}
        self.ids: dict[int, int] = {}  # id(obj) -> handle, so the same object always has one handle
        self.module: Any = None
        self.path: str | None = None
        self.modules: dict[str, Any] = {}  # every learner file loaded, by module name (the finale loads four)
        self.paths: set[str] = set()  # their paths: an error's line is looked for in any of them
        self.probes: list[ModuleType] = []  # the level's own probes.py (see op_probes)
        self.pid = os.getpid()  # the only process that answers

    # -- handles ---------------------------------------------------------------------------------

    def ref_for(self, obj: Any) -> dict:
        handle = self.ids.get(id(obj))
        if handle is None:
            handle = len(self.objects) + 1
            self.objects[handle] = obj  # kept alive, so id(obj) is never reused
            self.ids[id(obj)] = handle
        return {"t": "ref", "id": handle, "type": type(obj).__name__, "text": safe_repr(obj)}

    def resolve(self, node: dict) -> Any:
        return self.objects[int(node["id"])]

    def arg(self, node: Any) -> Any:
        return wire.decode(node, self.blobs, ref=self.resolve)

    # -- the loop --------------------------------------------------------------------------------

    def serve(self) -> None:
        sys.meta_path.insert(0, GraderModules())
        self.streams = (sys.stdout, sys.stderr)  # the sandbox's own, set before any learner code runs
        self.writing = threading.Lock()  # the loop's answers and the watch's notes never interleave
        self.answered = 0  # requests so far, numbered as the trusted side numbers them
        self.watch = Watch(self)
        wire.write_frame(self.wfd, {"ready": True, "pid": os.getpid(), "applied": self.applied})
        while True:
            try:
                request, self.blobs = wire.read_frame_from(lambda n: wire.read_exact(self.rfd, n))
            except EOFError:
                return
            self.answer(request)

    def answer(self, request: dict) -> None:
        blobs: list[bytes] = []
        self.answered += 1
        self.watch.start(request.get("timeout"), self.answered)
        try:
            handler = getattr(self, "op_" + str(request.get("op")))
            reply = handler(request, blobs)
        except BaseException as exc:  # anything the learner's code raises, SystemExit included
            blobs = []
            reply = {"ok": False, "error": self.describe(exc)}
        finally:
            self.watch.stop()
        if os.getpid() != self.pid:
            # A process the learner's code forked came back here, by returning or raising: it does not
            # speak for the sandbox. It ends at once, silently, and only the sandbox's own process answers.
            os._exit(0)
        flush_output(self.streams)
        with self.writing:
            try:
                wire.write_frame(self.wfd, reply, blobs)
            except (TypeError, ValueError) as exc:  # e.g. a value too large to send
                wire.write_frame(self.wfd, {"ok": False, "error": self.describe(exc, ours=True)})

    def value(self, value: Any, blobs: list[bytes]) -> dict:
        try:
            return {"ok": True, "value": wire.encode(value, blobs, ref_for=self.ref_for)}
        except (TypeError, ValueError) as exc:
            blobs.clear()
            return {"ok": False, "error": self.describe(exc, ours=True)}

    def describe(self, exc: BaseException, ours: bool = False) -> dict:
        info: dict[str, Any] = {"type": type(exc).__name__, "message": safe_text(exc), "ours": ours}
        if isinstance(exc, SyntaxError) and exc.filename == self.path:
            info.update(line=exc.lineno, column=exc.offset, source=(exc.text or "").rstrip("\n"),
                        message=safe_text(exc.msg), file=self.path)
            return info
        frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename in self.paths]
        if frames:
            last = frames[-1]
            if isinstance(exc, RecursionError):  # the line that calls again, not where the stack ran out
                counts = collections.Counter((f.filename, f.lineno) for f in frames)
                last = next(f for f in reversed(frames) if (f.filename, f.lineno) == counts.most_common(1)[0][0])
                info["recursion"] = True
            info.update(line=last.lineno, function=last.name, source=(last.line or "").strip(),
                        file=last.filename)
        return info

    def where_now(self, frame: Any) -> dict | None:
        """The line of the learner's files that `frame` (or the frames under it) is running."""
        while frame is not None:
            if frame.f_code.co_filename in self.paths:
                code = frame.f_code
                return {"line": frame.f_lineno, "function": code.co_name, "file": code.co_filename,
                        "source": linecache.getline(code.co_filename, frame.f_lineno).strip()}
            frame = frame.f_back
        return None

    # -- operations ------------------------------------------------------------------------------

    def op_load(self, req: dict, blobs: list) -> dict:
        """Imports a learner's file from its text, sent in the request: a sandbox may not read the
        learner's folder. Its path only names it, in tracebacks and messages."""
        self.path = os.path.abspath(req["path"])
        self.paths.add(self.path)
        module, code = self.module_from(self.blobs[0], self.path, req["module"])
        if isinstance(req.get("seed"), int):
            seed_everything(req["seed"])
        exec(code, module.__dict__)
        self.module = self.modules[req["module"]] = module
        names = sorted(n for n, v in vars(module).items()
                       if not n.startswith("_") and getattr(v, "__module__", None) == module.__name__)
        return {"ok": True, "names": names}

    def op_probes(self, req: dict, blobs: list) -> dict:
        """Runs a level's own probes.py, sent as text (the level's folder is not readable from a
        sandbox): its public functions and classes can then be made by name, as the makers can."""
        path = os.path.abspath(req["path"])
        module, code = self.module_from(self.blobs[0], path, req["module"])
        exec(code, module.__dict__)
        self.probes.insert(0, module)
        return {"ok": True}

    @staticmethod
    def module_from(source: bytes, path: str, name: str) -> tuple[ModuleType, Any]:
        """A new module `name` for the text of the file at `path`, and that text compiled, not yet run."""
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        text = source.decode("utf-8", "replace")
        linecache.cache[path] = (len(text), None, text.splitlines(True), path)
        return module, compile(source, path, "exec", dont_inherit=True)

    def op_class(self, req: dict, blobs: list) -> dict:
        name = req["name"]
        module = self.modules.get(req["module"]) if req.get("module") else self.module
        if module is None or name not in vars(module):
            return {"ok": True, "missing": True}
        return self.value(vars(module)[name], blobs)

    def op_info(self, req: dict, blobs: list) -> dict:
        obj = self.arg(req["ref"])
        is_type = isinstance(obj, type)
        cls = obj if is_type else type(obj)
        own = sorted({name for klass in cls.__mro__ if klass is not object
                      for name in vars(klass) if name.startswith("__") and name.endswith("__")})
        return {"ok": True, "is_type": is_type, "dunders": own, "instance_dict": sorted(vars(obj)) if not is_type and
                hasattr(obj, "__dict__") else []}

    def op_call(self, req: dict, blobs: list) -> dict:
        fn = self.arg(req["ref"])
        args = [self.arg(a) for a in req.get("args", [])]
        kwargs = {str(name): self.arg(value) for name, value in req.get("kwargs", {}).items()}
        return self.value(fn(*args, **kwargs), blobs)

    def op_len(self, req: dict, blobs: list) -> dict:
        return self.value(len(self.arg(req["ref"])), blobs)

    def op_getitem(self, req: dict, blobs: list) -> dict:
        return self.value(self.arg(req["ref"])[self.arg(req["key"])], blobs)

    def op_setitem(self, req: dict, blobs: list) -> dict:
        obj = self.arg(req["ref"])
        obj[self.arg(req["key"])] = self.arg(req["value"])
        return {"ok": True, "value": {"t": "none"}}

    def op_contains(self, req: dict, blobs: list) -> dict:
        return self.value(self.arg(req["value"]) in self.arg(req["ref"]), blobs)

    def op_iter(self, req: dict, blobs: list) -> dict:
        return {"ok": True, "value": self.ref_for(iter(self.arg(req["ref"])))}

    def op_next(self, req: dict, blobs: list) -> dict:
        iterator = self.arg(req["ref"])
        try:
            item = next(iterator)
        except StopIteration:
            return {"ok": True, "stop": True}
        return self.value(item, blobs)

    def op_take(self, req: dict, blobs: list) -> dict:
        """`list(obj)`, but stopping after `limit` items so an endless iteration still answers."""
        items = []
        iterator = iter(self.arg(req["ref"]))
        ended = False
        while len(items) < req["limit"]:
            try:
                items.append(next(iterator))
            except StopIteration:
                ended = True
                break
        reply = self.value(items, blobs)
        reply["ended"] = ended
        return reply

    def op_value(self, req: dict, blobs: list) -> dict:
        return self.value(self.arg(req["ref"]), blobs)

    def op_getattr(self, req: dict, blobs: list) -> dict:
        return self.value(getattr(self.arg(req["ref"]), req["name"]), blobs)

    def op_same(self, req: dict, blobs: list) -> dict:
        return {"ok": True, "value": {"t": "bool", "v": self.arg(req["a"]) is self.arg(req["b"])}}

    def op_isinstance(self, req: dict, blobs: list) -> dict:
        import torch.utils.data

        known = {"torch.utils.data.Dataset": torch.utils.data.Dataset}
        obj, of = self.arg(req["ref"]), known[req["of"]]
        result = issubclass(obj, of) if req.get("subclass") and isinstance(obj, type) else isinstance(obj, of)
        return {"ok": True, "value": {"t": "bool", "v": bool(result)}}

    def op_instance_of(self, req: dict, blobs: list) -> dict:
        result = isinstance(self.arg(req["ref"]), self.arg(req["cls"]))
        return {"ok": True, "value": {"t": "bool", "v": bool(result)}}

    def op_make(self, req: dict, blobs: list) -> dict:
        """Builds an object by name (see makers.py, and the level's probes) from the arguments given,
        and keeps it here: the learner's code can then be given it."""
        name, args = str(req["name"]), {k: self.arg(v) for k, v in req.get("args", {}).items()}
        return {"ok": True, "value": self.ref_for(self.maker(name)(**args))}

    def maker(self, name: str) -> Any:
        for module in self.probes:  # a public function or class written in the level's probes.py
            found = vars(module).get(name)
            if not name.startswith("_") and callable(found) and getattr(found, "__module__", None) == module.__name__:
                return found
        if name in MAKERS:
            return MAKERS[name]
        raise ValueError(f"nothing called {name!r} can be made in the sandbox")


def flush_output(streams: tuple[Any, ...]) -> None:
    """Sends what the learner's code printed so far to output.txt before each answer, so that the
    grader can show it even when this process is ended right after (the streams are block-buffered).
    Only the sandbox's own streams: one the learner's code put in their place is never called."""
    for stream in streams:
        try:
            stream.flush()
        except (OSError, ValueError, AttributeError):  # closed by the learner's code, or past the size limit
            pass
