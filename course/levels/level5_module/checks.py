"""Level 5: `Module`, whose `__call__` runs the forward pre-hooks, `forward` and the forward hooks.

Each check builds the same `Net` subclass and the same hooks twice (see probes.py beside it): on the
learner's `Module` in the sandbox, and on `torch.nn.Module` here. Both log every call they get, and
the checks compare the logs and the outputs on a batch of MNIST images.
"""

import itertools

import pytest
import torch

from dunderquest.grader.checking import (
    LearnerRaised,
    Named,
    Remote,
    describe,
    difference,
    expect_class,
    expect_raises,
    explain_errors,
    fail,
    load_probes,
)

probes = load_probes(__file__)


METHODS = ("__call__", "forward", "register_forward_pre_hook", "register_forward_hook")


@pytest.fixture
def bench(sandbox, Module, mnist, rng):
    """A Bench whose first step is made: `m = Net()`."""
    made = Bench(sandbox, Module, mnist, rng)
    made.net("m")
    return made


class Bench:
    """Nets and hooks, built from the learner's Module in the sandbox and from torch.nn.Module here,
    step by step in the same order: each kept as (the learner's, torch's). `lines` is the set-up as
    Python, for messages."""

    def __init__(self, sandbox, Module, mnist, rng):
        self.sandbox, self.Module = sandbox, Module
        self.weight = torch.randn(784, 3, generator=torch.Generator().manual_seed(rng.randrange(2**31)))
        self.x = mnist.some_images(rng, 4)
        self.log, self.reference_log = sandbox.make("CallLog", "log"), probes.CallLog()
        self.seen = 0  # events of the learner's log already compared
        self.nets: dict[str, tuple] = {}
        self.hooks: dict[str, tuple] = {}
        self.handles: dict[str, tuple] = {}  # and the expression that returned them
        self.removed: set[str] = set()
        self.lines: list[str] = []

    def net(self, *tags: str) -> None:
        for tag in tags:
            self.lines.append(f"{tag} = Net()")
            self.nets[tag] = (self.sandbox.make("hooked_net", f"{tag} = Net()", base=self.Module, log=self.log,
                                                tag=tag, weight=Named(self.weight, "weight")).named(tag),
                              probes.hooked_net(torch.nn.Module, self.reference_log, tag, self.weight))

    def register(self, tag: str, *names: str, handles: tuple[str, ...] = ()) -> None:
        """`tag.register_...(name)` for each of `names`, in order; with `handles`, `handle = tag.register_...(name)`."""
        for name, handle in itertools.zip_longest(names, handles):
            method = "register_forward_pre_hook" if name in probes.PRE_HOOKS else "register_forward_hook"
            if name not in self.hooks:
                self.hooks[name] = (self.sandbox.make("hook", name, log=self.log, name=name),
                                    probes.hook(self.reference_log, name))
            expr = f"{tag}.{method}({name})"
            self.lines.append(f"{handle} = {expr}" if handle else expr)
            (mine, theirs), (my_hook, their_hook) = self.nets[tag], self.hooks[name]
            got, expected = mine.attribute(method)(my_hook), getattr(theirs, method)(their_hook)
            if handle:
                self.handles[handle] = (got, expected, expr)

    def remove(self, *handles: str) -> None:
        for handle in handles:
            got, expected, registered = self.handles[handle]
            self.lines.append(f"{handle}.remove()")
            if not isinstance(got, Remote):
                fail(f"`{handle} = {registered}` gave back {describe(got)}. A register method returns a handle "
                     f"object, and `{handle}.remove()` takes that one hook off again, as PyTorch's do. Look at what "
                     f"your register methods return in {self.sandbox.display_path}.")
            again = handle in self.removed
            self.removed.add(handle)
            try:
                got.named(handle).attribute("remove")()
            except LearnerRaised as raised:
                if not again:
                    raise
                fail(f"{raised} That was the second `{handle}.remove()`: in PyTorch, removing a hook that is "
                     f"already gone does nothing. Set-up: {self.setup()}.")
            expected.remove()

    def setup(self) -> str:
        actions = {**probes.PRE_HOOKS, **probes.FORWARD_HOOKS}
        said = "; ".join(f"{name} {actions[name]}" for name in self.hooks)
        return f"`{'; '.join(self.lines)}`" + (f" ({said})" if said else "")

    def call(self, tag: str, advice: str, shift: float | None = None) -> None:
        """`tag(x)` (or `tag(x, shift=...)`) on both sides: the same calls, in the same order, with the
        same arguments, and the same result."""
        kwargs = {} if shift is None else {"shift": shift}
        expr = f"{tag}(x)" if shift is None else f"{tag}(x, shift={shift})"
        self.lines.append(expr)
        mine, theirs = self.nets[tag]
        with explain_errors(f"Set-up: {self.setup()}. {advice}"):
            got = mine(Named(self.x, "x"), **kwargs)
        start = len(self.reference_log.events)
        expected = theirs(self.x, **kwargs)
        events = self.log.attribute("events")
        got_events, self.seen = events[self.seen:], len(events)
        compare_calls(got_events, self.reference_log.events[start:], expr, self.setup(), advice)
        found = difference(got, expected)
        if found is not None:
            fail(f"`{expr}` returned {describe(got)}; torch.nn.Module, with the same Net and hooks, returns "
                 f"{describe(expected)}: {found}. Set-up: {self.setup()}. {advice}")


def compare_calls(got: list, expected: list, expr: str, setup: str, advice: str) -> None:
    got_labels = [str(event[0]) if isinstance(event, tuple) and event else describe(event) for event in got]
    expected_labels = [what for what, _ in expected]
    if got_labels != expected_labels:
        fail(f"`{expr}` ran {', then '.join(got_labels) or 'nothing'}. torch.nn.Module, with the same Net and "
             f"hooks, runs {', then '.join(expected_labels)}. Set-up: {setup}. {advice}")
    for (_, mine), (what, theirs) in zip(got, expected, strict=True):
        for part, value in theirs.items():
            found = difference(mine[part], value)
            if found is not None:
                fail(f"In `{expr}`, the {what} was given {part} {describe(mine[part])}; torch.nn.Module gives it "
                     f"{describe(value)}: {found}. Set-up: {setup}. {advice}")


def test_module_is_a_class_with_call_and_the_hook_methods(sandbox, Module):
    """Module is a class with __call__, forward, register_forward_pre_hook and register_forward_hook"""
    expect_class(Module, "This level is about writing what torch.nn.Module does, so write each of them in your "
                 "class (inheriting them from torch.nn.Module does not count).", methods=METHODS)
    sandbox.new(Module)


def test_calling_a_module_runs_forward(bench):
    """m(x) calls m.forward(x) and returns its result; m(x, shift=s) passes shift on to forward"""
    advice = ("`__call__(self, *args, **kwargs)` should hand all its arguments to "
              "`self.forward(*args, **kwargs)` and return what it returns.")
    bench.call("m", advice)
    bench.call("m", advice, shift=0.5)


def test_the_base_forward_raises_not_implemented_error(sandbox, Module, mnist):
    """Module()(x) raises NotImplementedError: a subclass must write forward"""
    module = sandbox.new(Module)
    expect_raises(NotImplementedError, lambda: module(Named(mnist.images()[:2], "x")), "Module()(x)",
                  "torch.nn.Module does: the base class's `forward` should `raise NotImplementedError`, so a "
                  "subclass that forgets to write forward hears about it.")


def test_pre_hooks_run_in_order_before_forward(bench):
    """Forward pre-hooks run before forward, in the order they were registered, as hook(module, args)"""
    bench.register("m", "peek", "glance")
    bench.call("m", "`__call__` runs every forward pre-hook, oldest first, as `hook(self, args)` with `args` "
                    "the tuple of positional arguments, and only then `forward`.")


def test_a_pre_hook_can_replace_the_arguments(bench):
    """A pre-hook that returns something replaces the arguments; a single value is wrapped in a tuple"""
    advice = ("When a pre-hook returns something other than None, that becomes the new args: the next hooks and "
              "forward get it. A result that is not a tuple is wrapped in one first: `(result,)`.")
    bench.register("m", "halve", "peek", "plus_one", "glance")
    bench.call("m", advice)


def test_forward_hooks_run_after_forward_and_can_replace_the_output(bench):
    """Forward hooks run after forward, in order, as hook(module, args, output), and can replace the output"""
    advice = ("After `forward`, `__call__` runs every forward hook, oldest first, as `hook(self, args, output)`, "
              "where args are the ones forward got (after the pre-hooks). A hook that returns something other "
              "than None replaces the output; None leaves it as it is.")
    bench.register("m", "halve", "watch", "double", "note", "add_one")
    bench.call("m", advice)


def test_hooks_get_only_the_positional_arguments(bench, rng):
    """m(x, shift=s): hooks get args=(x,) only, and forward still gets shift=s"""
    advice = ("Hooks are given the positional arguments only, as the tuple `args`; keyword arguments go "
              "straight to `forward(*args, **kwargs)`, untouched by the hooks.")
    bench.register("m", "peek", "halve", "watch")
    bench.call("m", advice, shift=round(rng.uniform(0.5, 3), 2))


def test_remove_takes_off_only_its_own_hook(bench):
    """handle.remove() takes off exactly the hook it was returned for, and removing twice does nothing"""
    advice = ("Each register call returns its own handle; `remove()` takes off that one registration, "
              "whatever was added or removed before it. The same function registered twice runs twice, and "
              "removing an already removed hook does nothing.")
    bench.register("m", "peek", "halve", "glance", "plus_one", handles=("h1", "h2", "h3", "h4"))
    bench.register("m", "watch", "double", "watch", handles=("g1", "g2", "g3"))
    bench.call("m", advice)
    bench.remove("h1", "h3", "g1")
    bench.call("m", advice)
    bench.remove("h1", "g1", "h4")
    bench.call("m", advice)


def test_each_module_has_its_own_hooks(sandbox, Module, mnist, rng):
    """Hooks belong to the module they were registered on, and get that module as their first argument"""
    advice = ("Each module keeps its own hooks: make the containers in `__init__` (on `self`), not in the class "
              "body, where every Module would share them.")
    bench = Bench(sandbox, Module, mnist, rng)
    bench.net("a", "b")
    bench.register("a", "peek", "double")
    bench.register("b", "watch")
    bench.call("a", advice)
    bench.call("b", advice)
