"""The sandbox: the only process that runs a learner's code.

It imports the learner's file by path and does what the trusted side asks (construct a class, call,
index, iterate, wrap an object in a real DataLoader), answering with plain data over the wire format.
It may be fully under the learner's control, so the trusted side believes nothing it says beyond the
values themselves, and judges those against references it computed on its own.

A sandbox is forked from a zygote (see sandbox_forker.py), which has torch imported already.
"""

from __future__ import annotations

import importlib.util
import linecache
import os
import re
import sys
import traceback
from typing import Any

from . import data_probes, finale_training, probes, wire

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


class CountedSequence:
    """A read-only sequence of 0 .. stop-1 with a len(), that counts the items handed out."""

    def __init__(self, stop: int):
        self.stop = stop
        self.pulled = 0

    def __len__(self) -> int:
        return self.stop

    def __getitem__(self, index: int) -> int:
        value = range(self.stop)[index]
        self.pulled += 1
        return value

    def __iter__(self):
        for value in range(self.stop):
            self.pulled += 1
            yield value


class CountedDataset:
    """Wraps a dataset and counts the items a DataLoader reads from it."""

    def __init__(self, dataset: Any):
        self.dataset = dataset
        self.fetched = 0

    def __len__(self) -> int:
        return len(self.dataset)

    def __getitem__(self, index: int) -> Any:
        self.fetched += 1
        return self.dataset[index]


class CountingIterator:
    """An iterator over 0, 1, 2, ... (endless when `stop` is None) that counts the items pulled."""

    def __init__(self, stop: int | None):
        self.stop = stop
        self.pulled = 0

    def __iter__(self):
        return self

    def __next__(self) -> int:
        if self.stop is not None and self.pulled >= self.stop:
            raise StopIteration
        self.pulled += 1
        return self.pulled - 1


def counting_generator(counter: CountingIterator):
    """The same as a generator function, for learners whose code treats generators specially."""
    while True:
        try:
            yield next(counter)
        except StopIteration:
            return


def seed_everything(seed: int) -> None:
    """The global random state the learner's code starts from: the same in every sandbox of a run."""
    import random

    random.seed(seed)
    torch = sys.modules.get("torch")
    if torch is not None:
        torch.manual_seed(seed)


MNIST_DATASETS: dict[tuple[str, bool], Any] = {}  # (root, train) -> torchvision MNIST, ToTensor
MNIST_IMAGES: dict[tuple[str, bool], Any] = {}  # (root, train) -> all its images, as ToTensor() makes them


def mnist_dataset(root: str, train: bool) -> Any:
    """torchvision's MNIST with ToTensor(), read from the files once per process."""
    if (root, train) not in MNIST_DATASETS:
        from torchvision.datasets import MNIST
        from torchvision.transforms import ToTensor

        MNIST_DATASETS[root, train] = MNIST(root, train=train, download=False, transform=ToTensor())
    return MNIST_DATASETS[root, train]


def mnist_images(root: str, train: bool) -> Any:
    """Every image of a split as one float tensor [N, 1, 28, 28], as ToTensor() makes each image."""
    if (root, train) not in MNIST_IMAGES:
        MNIST_IMAGES[root, train] = mnist_dataset(root, train).data.unsqueeze(1).float().div(255)
    return MNIST_IMAGES[root, train]


def preload(mnist_root: str) -> None:
    """Reads MNIST and takes the first steps that cost a few milliseconds only the first time in a
    process: an item through PIL and ToTensor(), seeding, stacking a batch. The zygote does this
    before it forks, so every sandbox starts with them done (MNIST is the learner's input, never an
    answer). A missing or broken MNIST is left for the checks to report."""
    import torch

    try:
        images = mnist_images(mnist_root, True)
        mnist_dataset(mnist_root, True)[0]
        mnist_dataset(mnist_root, False)
    except Exception:
        return
    torch.manual_seed(0)
    torch.stack([images[0], images[1]])
    torch.tensor([0, 1])


class Server:
    """The loop a sandbox runs: read one request frame on `rfd`, answer it with one frame on `wfd`.

    It says `{"ready": true}` first. Each request names an operation (`op_load` imports the learner's
    file, then `op_call`, `op_len`, `op_getitem`, ... `op_make`), answered with `{"ok": true, ...}`,
    usually carrying a `"value"`, or, whatever the learner's code raised, `{"ok": false, "error": ...}`
    with the line of their file it came from, when there is one. Objects that are not plain data
    stay here in `objects` and travel as handles (`ref_for`, `resolve`), so the trusted side never
    holds one of them. The loop ends when the grader closes the channel; the learner's code may end
    it sooner, and the grader then says how."""

    def __init__(self, rfd: int, wfd: int):
        self.rfd, self.wfd = rfd, wfd
        # Every torch call lets go of the GIL; with a thread of the learner's spinning, taking it
        # back waits for the switch interval (5 ms by default). A shorter one keeps such code checkable.
        sys.setswitchinterval(0.0005)
        self.objects: dict[int, Any] = {}
        self.ids: dict[int, int] = {}  # id(obj) -> handle, so the same object always has one handle
        self.module: Any = None
        self.path: str | None = None
        self.modules: dict[str, Any] = {}  # every learner file loaded, by module name (the finale loads four)
        self.paths: set[str] = set()  # their paths: an error's line is looked for in any of them

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
        wire.write_frame(self.wfd, {"ready": True, "pid": os.getpid()})
        while True:
            try:
                request, self.blobs = wire.read_frame_from(lambda n: wire.read_exact(self.rfd, n))
            except EOFError:
                return
            self.answer(request)

    def answer(self, request: dict) -> None:
        blobs: list[bytes] = []
        try:
            handler = getattr(self, "op_" + str(request.get("op")))
            reply = handler(request, blobs)
        except BaseException as exc:  # anything the learner's code raises, SystemExit included
            blobs = []
            reply = {"ok": False, "error": self.describe(exc)}
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
            info.update(line=last.lineno, function=last.name, source=(last.line or "").strip(),
                        file=last.filename)
        return info

    # -- operations ------------------------------------------------------------------------------

    def op_load(self, req: dict, blobs: list) -> dict:
        self.path = os.path.abspath(req["path"])
        self.paths.add(self.path)
        spec = importlib.util.spec_from_file_location(req["module"], self.path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[req["module"]] = module
        if self.blobs:  # the file's text, sent by the grader: a sandbox may not read the learner's folder
            source = self.blobs[0]
            text = source.decode("utf-8", "replace")
            linecache.cache[self.path] = (len(text), None, text.splitlines(True), self.path)
        else:
            with open(self.path, "rb") as f:
                source = f.read()
        code = compile(source, self.path, "exec", dont_inherit=True)
        if isinstance(req.get("seed"), int):
            seed_everything(req["seed"])
        exec(code, module.__dict__)
        self.module = self.modules[req["module"]] = module
        names = sorted(n for n, v in vars(module).items()
                       if not n.startswith("_") and getattr(v, "__module__", None) == module.__name__)
        return {"ok": True, "names": names}

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
        result = fn(*args)
        return self.value(result, blobs)

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
        """Real PyTorch objects and probes, built here so the learner's code can be given them."""
        import torch
        from torch.utils.data import DataLoader

        kind, args = req["kind"], {k: self.arg(v) for k, v in req.get("args", {}).items()}
        if kind == "dataloader":
            generator = torch.Generator().manual_seed(args["seed"])
            obj = DataLoader(args["dataset"], batch_size=args["batch_size"], shuffle=args["shuffle"],
                             generator=generator)
        elif kind == "mnist_loader":
            dataset = mnist_dataset(args["root"], args["train"])
            if args.get("counted"):
                dataset = CountedDataset(dataset)
            generator = torch.Generator().manual_seed(args["seed"])
            obj = DataLoader(dataset, batch_size=args["batch_size"], shuffle=True, generator=generator)
        elif kind == "mnist_images":
            obj = mnist_images(args["root"], args["train"])
        elif kind == "mnist_labels":
            obj = mnist_dataset(args["root"], args["train"]).targets.clone()
        elif kind == "copy":
            obj = list(args["value"])
        elif kind == "range":
            obj = range(args["start"], args["stop"])
        elif kind == "value":
            obj = args["value"]
        elif kind == "counted_sequence":
            obj = CountedSequence(args["stop"])
        elif kind == "counter":
            obj = CountingIterator(args["stop"])
        elif kind == "generator":
            obj = counting_generator(args["counter"])
        elif kind == "grad_steps":  # calling it runs a level 8 scenario with the learner's no_grad
            from functools import partial

            from .autograd_steps import grad_steps

            obj = partial(grad_steps, args["no_grad"], args["scenario"], args["seed"])
        elif kind == "mnist_dataset":  # MNIST with ToTensor(), or some of its items; counted on request
            dataset = mnist_dataset(args["root"], args["train"])
            if args.get("indices") is not None:
                dataset = torch.utils.data.Subset(dataset, args["indices"])
            obj = CountedDataset(dataset) if args.get("counted") else dataset
        elif kind in probes.KINDS:  # modules, hooks and module trees for levels 5 to 7 (see probes.py)
            obj = probes.KINDS[kind](**args)
        elif kind in data_probes.KINDS:  # lists, datasets and transforms (see data_probes.py)
            obj = data_probes.KINDS[kind](**args)
        elif kind == "mnist_pil":  # MNIST with the given transform (None: PIL images), or the PIL image at index
            dataset = data_probes.with_transform(mnist_dataset(args["root"], args["train"]), args.get("transform"))
            obj = dataset if args.get("index") is None else dataset[args["index"]][0]
        elif kind in finale_training.KINDS:  # the finale's training loop over the learner's classes
            obj = finale_training.KINDS[kind](**args)
        else:
            raise ValueError(f"unknown kind {kind!r}")
        return {"ok": True, "value": self.ref_for(obj)}
