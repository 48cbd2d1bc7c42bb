"""Everything a level's checks.py needs from the grader, in one module: the built-in course and a
teacher's course pack both write their checks with it, and with nothing else of dunderquest.

A level's checks are a pytest module. Each check is a function named `test_...` whose docstring's
first line is the sentence the learner reads. It fails through an `expect_...` below, or for a truly
unusual check through `fail(message)`, with a message in plain words: what the learner's code did,
what was expected, and where to look. A bare `assert` is never a message, and an exception other
than `CheckFailed` counts as a bug in the check, not in the learner's code. An exception the learner's
code raises comes out of the step that ran it as `LearnerRaised` (a hang or a crash as another
`SandboxProblem`) and fails the check with its own message, unless the check catches it.

A complete level, `class Square` whose instances square what they are called with:

    import pytest

    from dunderquest.grader.checking import Named, expect_class, expect_same, expect_unchanged

    @pytest.fixture
    def square(sandbox, Square):
        return sandbox.new(Square)             # `Square()`: it must make a Square object

    def test_square_is_a_class_with_call(Square):
        \"""Square is a class written in the file, with __call__\"""
        expect_class(Square, "Python looks for `__call__` on the class.", methods=("__call__",))

    def test_square_of_numbers_and_images(square, mnist, rng):
        \"""Square()(x) returns x * x for numbers and MNIST images\"""
        for n in (0, 3, rng.randint(5, 100)):
            expect_same(square(n), n * n, f"Square()({n})")
        image = mnist.images()[rng.randrange(len(mnist.train))]
        expect_same(square(Named(image, "image")), image * image, "Square()(image)")

    def test_square_leaves_its_input_unchanged(sandbox, square, mnist):
        \"""Square()(image) leaves image as it was\"""
        image = sandbox.keep(mnist.images()[0], "image")
        square(image)
        expect_unchanged(image, mnist.images()[0], "Square()(image)", "Return a new value: `x * x`.")

**Fixtures.** The grader hands every check these by name:

- each class `level.toml` names (`class`, and `also`), as a fixture of that name (`Square` above): the
  learner's class, a `Remote`. A file without it fails the check with a message that says so.
- `sandbox`: the learner's file, loaded in a sandbox process. It builds what the checks hand to the
  learner's code: `sandbox.new(cls, *args, **kwargs)` is `cls(...)`, which must make an object of that
  class; `sandbox.keep(value, expr)` puts a plain value (a tensor, a list of objects of the sandbox ...)
  there; `sandbox.make(name, expr, **args)` builds an object by name (a real PyTorch object or helper,
  see inside/makers.py, or a public function or class of the level's own probes.py; `timeout=` and
  `on_timeout=` as for the learner's code it may run); `expr` is what messages call it.
  `sandbox.reuse(key, build)` makes something costly once per sandbox process. `sandbox.source` is the
  learner's file as parsed text (source.py), for questions of structure that the sandbox could be lied
  to about: `classes`, `outside_bases(name)`, `member(name, method)`, `defines(name, method)`,
  `gives_back_self(name, method)`, `has_class_with(name, method)`, `imports`. `sandbox.display_path`
  is the learner's file as a message names it.
- `level`: the `Level` being graded (its class name, its title).
- `mnist`: the reference MNIST, torchvision's own objects over the data in use (see reference.py):
  `mnist.train`, `mnist.images()`, `mnist.some_images(rng, count)` (that many in a row, from a place `rng`
  picks), `mnist.labels()`, `mnist.items(indices)` (a TensorDataset), `mnist.tensor_dataset()`,
  `mnist.test_dataset()`, `mnist.loader(batch_size, seed)`.
- `rng`: a `random.Random` seeded afresh for every run, for sample indices and seeds.

**Running the learner's code: a `Remote`.** An object of the learner's code is a `Remote`, and
Python's own protocols on it are the one way to run that code, over there under a deadline:
`obj(x, key=v)`, `len(obj)`, `obj[i]`, `obj[i] = v`, `v in obj`, `iter(obj)`, `next(obj)`. What they
give back is a plain value (a number, a string, a tuple, a tensor) or another `Remote`. Its methods ask
what no protocol can: `obj.take(limit)` (`list(obj)`, stopping after `limit` items, and whether it
ended), `obj.attribute(name)`, `obj.is_same_object(other)`, `obj.is_instance(cls_or_dotted_name)`,
`cls.is_subclass(dotted_name)`, `obj.value()` (what a kept value is now) and `obj.info()`. Messages
show a step as the learner would write it, from the objects' names: `obj.named("l")` is the same
object called `l` (so `next(l)` ...), and `named(..., on_timeout=advice)` says what to tell the
learner when that object's code hangs. `Named(value, "image")` names a plain argument.

**Expectations.** Each takes `expr`, the step as the learner would write it, and `why`, the sentence
that tells the learner what to do about a failure, and writes the rest of the message itself:

- `expect_same(got, expected, expr, why)`: `got` is exactly `expected` (types, dtypes, shapes, values).
- `expect_close(got, expected, expr, why, like=)`: a tensor `allclose` to `expected`, as `like` gives it.
- `expect_raises(error, action, expr, why)`: `action()` (`lambda: data[n]`) raises `error`.
- `expect_index_errors(data, indices, why)`: `data[i]` raises IndexError for each of `indices`.
- `expect_stops(iterator, when, why)`: `next(iterator)` raises StopIteration, `when` it should.
- `expect_ends(iterable, count, expr, holds, why, noun=)`: `list(iterable)` gives `count` items and ends
  (`holds` says what it should give); it gives back the items.
- `expect_next_items(iterator, items, over, why, stops=)`: `next()` gives each of `items`, one per
  call, and then raises StopIteration (`stops`: what to tell a learner whose iterator goes on).
- `expect_iterator(it, why)`: `iter(it)` is `it` itself, as written in the file.
- `expect_same_items(dataset, reference, indices, expr, about, like=)`: `dataset[i]` is `reference[i]`
  for each index, all in range (`about` says what the data is, `like` who gives the reference).
- `expect_reads({data: n, ...}, when, why)`: counted data (a `counted_...` of makers.py, or made with
  `counted=True`) had exactly `n` items read from it `when` it should: a lazy class reads nothing ahead.
- `expect_unchanged(kept, before, expr, why)`: the learner's code left a kept input as it was.
- `expect_same_object(got, expected, expr, why)`: `got` is the very object `expected`, not a copy.
- `expect_instance(got, cls, expr, why)`: `got` is an object of `cls`, a class of the sandbox.
- `expect_same_batches(loader, reference, expr, setup, why, first=, like=)`: iterating `loader` gives
  the batches of `reference`, torch's own DataLoader (all of them, or the `first` few).
- `expect_same_batch(got, expected, expr, setup, why, like=, number=)`: one batch, [images, labels], is
  `expected` (`number`: which batch of `expr` it is); a batch of other MNIST images says which item.
- `expect_same_steps(got, expected, expr, why, like=, advice=)`: a probe's record of `expr` in the
  sandbox, [[what it looked at, the value], ...], is the record the same probe makes here around the
  reference (`like`: "with `torch.no_grad`"); `advice` gives a step its own `why`, by its `what`.
- `expect_class(cls, why, methods=, inherited=, not_from=, write=)`: `cls` is a class written in the
  learner's file, inheriting from none of `not_from`, with each of `methods` in its own body.
- `with explain_errors(why):` an exception the learner's code raises in the block fails the check
  with its own message (what raised, where) and then `why` (the set-up it ran in, what to do).

**Building a message by hand**, for the truly unusual check: `fail(message)`; `describe(value)` (a
short account of a value: "a tensor of shape [3], dtype float32"); `difference(got, expected)` (the
first difference, in words, or None) and `same(got, expected)`; `batch_difference(got, expected)` (the
same for a batch [images, labels]), `same_batches(got, expected)` (a list of batches, batch for batch)
and `same_form(got, expected)` (whether `got` is a pair of tensors of the batch's shapes and dtypes);
`is_tensor(value)`; `shown(value)` (True, 'text' and None as Python writes them, anything else
described); `said(*sentences)` (sentences joined, empty ones left out) and `plural(count, noun)` ("1
batch", "3 items"). About the learner's text: `is_subclass_of(dotted_name, cls)` and
`resolve(dotted_name)`, for the base classes `sandbox.source.outside_bases(name)` lists.

**Probes.** A level whose checks need helpers inside the sandbox (subclasses of the learner's class,
hooks, counting datasets) writes them in `probes.py` beside its checks.py. The grader runs that file in
every sandbox of the level, where `sandbox.make("name", ...)` builds its public functions and classes;
`probes = load_probes(__file__)` imports the same file here, so that a check can build the very same
helpers around torch's own classes and compare what both record (as plain data: `expect_same_steps`).
A probe runs beside the learner's code, so it imports nothing of dunderquest, and guards every look at
the learner's objects, so that a broken class is recorded rather than crashed on. The helpers of
inside/makers.py are built here too, with `make_here(name, **args)`: among them `module_tree(base,
children, made=, name=, extra=)`, a module of a new subclass of `base` (the learner's class there,
`torch.nn.Module` here) that assigns its children in order ("param", "module", "linear", "relu", "same",
"plain"), each recorded in `made` (a `made`: `index_of(obj)` tells the very objects from copies); and
`plus`, `sliced` and `printed`: `left + right`, `items[start:stop]` and `repr(value)`, run there.

**Panels.** A level that draws an MNIST panel in the game names its `panel.py` in level.toml. Its function
`draw(sandbox, mnist, level, start)` returns a `Panel` of up to WINDOW `PanelItem`s from `indices(start,
total)`: each the reference's `digit(image, label)` beside the learner's (`learner_item(dataset, i,
expr)` for a dataset's item, `batch_item(batch, row)` for a row of a batch), or the `error` their code
gave instead (catch `SandboxProblem`). A DataLoader a panel shuffles is seeded with PANEL_SEED.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

from .expect import (
    CheckFailed,
    batch_difference,
    describe,
    difference,
    expect_close,
    expect_same,
    expect_same_batch,
    expect_same_steps,
    fail,
    is_tensor,
    plural,
    said,
    same,
    same_batches,
    same_form,
    shown,
)
from .expect_code import (
    expect_class,
    expect_ends,
    expect_index_errors,
    expect_instance,
    expect_iterator,
    expect_next_items,
    expect_raises,
    expect_reads,
    expect_same_batches,
    expect_same_items,
    expect_same_object,
    expect_stops,
    expect_unchanged,
    explain_errors,
)
from .inside.makers import MAKERS
from .messages import LearnerRaised, SandboxProblem
from .panel_parts import PANEL_SEED, WINDOW, Panel, PanelItem, batch_item, digit, indices, learner_item
from .remote import Named, Remote
from .source import is_subclass_of, resolve

__all__ = [
    "PANEL_SEED", "WINDOW", "CheckFailed", "LearnerRaised", "Named", "Panel", "PanelItem", "Remote", "SandboxProblem",
    "batch_difference", "batch_item", "describe", "difference", "digit", "expect_class", "expect_close",
    "expect_ends", "expect_index_errors", "expect_instance", "expect_iterator", "expect_next_items", "expect_raises",
    "expect_reads", "expect_same", "expect_same_batch", "expect_same_batches", "expect_same_items",
    "expect_same_object", "expect_same_steps", "expect_stops", "expect_unchanged", "explain_errors", "fail",
    "indices", "is_subclass_of", "is_tensor", "learner_item", "load_probes", "make_here", "plural", "resolve",
    "said", "same", "same_batches", "same_form", "shown",
]


def make_here(maker: str, **args: Any) -> Any:
    """What `sandbox.make(maker, ...)` builds in the sandbox from a helper of inside/makers.py, built here
    from `args` (around torch's own classes, say), for a check to compare with the learner's."""
    return MAKERS[maker](**args)


def load_probes(checks_file: str) -> ModuleType:
    """The level's probes.py, beside `checks_file` (pass `__file__`), imported in the grader's
    process (once: later calls give the same module)."""
    path = Path(checks_file).resolve().with_name("probes.py")
    name = f"{path.parent.name}_probes"
    known = sys.modules.get(name)
    if known is not None and getattr(known, "__file__", None) == str(path):
        return known
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module
