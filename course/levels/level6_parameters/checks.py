"""Level 6: `Module`, whose `__setattr__` registers Parameters and submodules, and whose
`named_parameters()` and `parameters()` walk the tree as torch.nn.Module does.

Each check builds the same model twice (the makers' `module_tree`): from the learner's
`Module` in the sandbox and from `torch.nn.Module` here, assigning the same attributes in the same
order. Then it compares what the two list: names, order, and the very Parameter objects.
"""

import torch

from dunderquest.grader.checking import (
    describe,
    difference,
    expect_class,
    expect_raises,
    expect_same,
    explain_errors,
    fail,
    load_probes,
    make_here,
    plural,
)

probes = load_probes(__file__)


METHODS = ("__setattr__", "parameters", "named_parameters")
READ_BACK = ("After registering a Parameter or a submodule, `model.name` must still give it back: keep it in "
             "`__dict__` too, or write a `__getattr__` that looks in your registries.")
ORDER = ("torch.nn.Module lists a module's own Parameters first, in the order they were assigned, then goes "
         "into each submodule in the order the submodules were assigned, and puts the submodule's name and a "
         "dot in front of every name found there.")


def tensor(rng, *shape):
    return torch.randn(*shape, generator=torch.Generator().manual_seed(rng.randrange(2**31)))


def linear(rng, outputs, inputs):
    return [["weight", "param", tensor(rng, outputs, inputs)], ["bias", "param", tensor(rng, outputs)]]


def render(spec) -> str:
    parts = []
    for name, kind, payload in spec:
        if kind == "param":
            parts.append(f"{name}=Parameter{list(payload.shape)}")
        elif kind == "module":
            parts.append(f"{name}=Model({render(payload)})")
        elif kind == "same":
            parts.append(f"{name}=<the Parameter made {payload + 1}{'st' if payload == 0 else 'th'}>")
        elif isinstance(payload, torch.Tensor):
            parts.append(f"{name}=tensor{list(payload.shape)}")
        else:
            parts.append(f"{name}={payload!r}")
    return ", ".join(parts)


class Pair:
    """One model, built from the learner's Module in the sandbox and from torch.nn.Module here."""

    def __init__(self, sandbox, Module, spec):
        self.sandbox = sandbox
        self.setup = (f"model = Model({render(spec)}), where Model subclasses Module, calls `super().__init__()`, "
                      "then assigns these attributes to self in this order")
        self.made, self.reference_made = sandbox.make("made", "made"), make_here("made")
        self.mine = sandbox.make("module_tree", "model = Model(...)", base=Module, children=spec, made=self.made)
        self.theirs = make_here("module_tree", base=torch.nn.Module, children=spec, made=self.reference_made)

    def both(self, probe: str, expr: str, **args):
        """The probe run on the learner's model in the sandbox (as `expr`), and on torch's here."""
        mine = self.sandbox.make(probe, expr, module=self.mine, made=self.made, **args)
        return mine, getattr(probes, probe)(self.theirs, self.reference_made, **args)

    def report(self, method: str) -> tuple[str, list, list, dict[int, str]]:
        """`list(model.<method>())` as the expression, what both sides give, and the dotted name torch gives
        each Parameter, by its index among the objects made."""
        got, expected = self.both("parameter_report", f"model.{method}()", method=method)
        names = {index: name for name, index, _, _ in
                 probes.parameter_report(self.theirs, self.reference_made, "named_parameters")}
        return f"list(model.{method}())", got.value(), expected, names

    def expect_named_parameters(self, advice: str) -> None:
        expr, got, expected, names = self.report("named_parameters")
        odd = next((item for item in got if not isinstance(item[0], str)), None)
        if odd is not None:
            fail(f"`{expr}` gave {describe(odd[3])} (a {odd[2]}) as an item; expected pairs `(name, parameter)` "
                 f"with a str name, as torch.nn.Module gives. ({self.setup}.)")
        got_names, expected_names = [item[0] for item in got], [item[0] for item in expected]
        if got_names != expected_names:
            gave = f"the names {got_names}" if got_names else "nothing"
            fail(f"`{expr}` gave {gave}; torch.nn.Module, with the same model, gives "
                 f"{expected_names}. ({self.setup}.) {advice}")
        for mine, theirs in zip(got, expected, strict=True):
            self.expect_the_parameter(expr, f"the item named {mine[0]!r}", mine, theirs, names)

    def expect_parameters(self) -> None:
        expr, got, expected, names = self.report("parameters")
        if len(got) != len(expected):
            fail(f"`{expr}` gave {plural(len(got), 'item')}; torch.nn.Module, with the same model, gives "
                 f"{len(expected)}: the Parameters {list(names.values())}. ({self.setup}.) "
                 "`parameters()` gives the same Parameters as `named_parameters()`, without the names.")
        for position, (mine, theirs) in enumerate(zip(got, expected, strict=True)):
            self.expect_the_parameter(expr, f"item {position}", mine, theirs, names, in_order=True)

    def expect_the_parameter(self, expr, which, mine, theirs, names, in_order=False) -> None:
        """`mine`, an item of the learner's report, is the very Parameter `theirs` is in torch's."""
        (_, index, kind, value), (_, expected_index, _, expected_value) = mine, theirs
        if index == expected_index:
            return
        wanted = names.get(expected_index, "?")
        if index >= 0 and in_order:
            fail(f"In `{expr}`, {which} is the Parameter {names.get(index, '?')}; torch.nn.Module gives "
                 f"{wanted} there. ({self.setup}.) `parameters()` gives the Parameters in the same order as "
                 "`named_parameters()`.")
        found = difference(value, expected_value)
        same = "the same values" if found is None else f"other values ({found})"
        fail(f"In `{expr}`, {which} is {describe(value)} (a {kind}) with {same}, but not the Parameter object "
             f"`model.{wanted}` itself. Give back the very Parameter objects that were assigned, not copies or "
             "their `.data`: an optimizer changes them in place.")


def test_module_is_a_class_with_setattr_and_parameters(sandbox, Module):
    """Module is a class with __setattr__, parameters and named_parameters"""
    expect_class(Module, "This level is about writing what torch.nn.Module does, so write each of them in your "
                 "class (inheriting them from torch.nn.Module does not count).", methods=METHODS)
    sandbox.new(Module)


def test_parameters_are_registered_in_the_order_they_are_assigned(sandbox, Module, rng):
    """Assigning a Parameter registers it; named_parameters() lists them in order, skipping plain tensors and numbers"""
    spec = [["bias", "param", tensor(rng, 10)], ["steps", "plain", rng.randint(2, 9)],
            ["weight", "param", tensor(rng, 10, 784)], ["mask", "plain", tensor(rng, 10)],
            ["scale", "param", tensor(rng, 1)]]
    Pair(sandbox, Module, spec).expect_named_parameters(
        "`__setattr__` registers a value only when it is a `torch.nn.Parameter`; a plain tensor or a number is "
        "just an attribute. A dict keeps the order things were put in.")


def test_submodules_give_dotted_names_in_torch_order(sandbox, Module, rng):
    """named_parameters() goes into submodules: own Parameters first, then each submodule's, with dotted names"""
    spec = [["encoder", "module", [*linear(rng, 16, 784), ["norm", "module", [["gain", "param", tensor(rng, 16)]]]]],
            ["temperature", "param", tensor(rng, 1)],
            ["head", "module", linear(rng, 10, 16)],
            ["offset", "param", tensor(rng, 10)]]
    Pair(sandbox, Module, spec).expect_named_parameters(ORDER)


def test_parameters_gives_the_parameters_themselves(sandbox, Module, rng):
    """parameters() gives the very Parameter objects, in the order of named_parameters()"""
    spec = [["hidden", "module", linear(rng, 16, 784)], ["scale", "param", tensor(rng, 1)],
            ["out", "module", linear(rng, 10, 16)]]
    Pair(sandbox, Module, spec).expect_parameters()


def test_attributes_read_back_what_was_assigned(sandbox, Module, rng):
    """model.weight, model.block.bias and plain attributes read back the very objects assigned"""
    spec = [["block", "module", linear(rng, 4, 784)], ["weight", "param", tensor(rng, 4, 4)],
            ["steps", "plain", rng.randint(2, 9)], ["mask", "plain", tensor(rng, 4)]]
    pair = Pair(sandbox, Module, spec)
    for path in ("weight", "block", "block.bias", "steps", "mask"):
        with explain_errors(f"({pair.setup}.) {READ_BACK}"):
            made, (expected_index, expected_kind, _) = pair.both("attribute_report", f"model.{path}", path=path)
        index, kind, value = made.value()
        if index != expected_index:
            fail(f"`model.{path}` gave {describe(value)} (a {kind}), not the {expected_kind} that was assigned to it. "
                 f"({pair.setup}.) {READ_BACK}")


def test_assigning_a_parameter_again_keeps_its_place(sandbox, Module, rng):
    """Assigning a new Parameter to a name already used replaces it and keeps its place in the order"""
    spec = [["weight", "param", tensor(rng, 3, 784)], ["bias", "param", tensor(rng, 3)]]
    pair = Pair(sandbox, Module, spec)
    pair.both("assign_parameter", "model.weight = Parameter(...)", name="weight", value=tensor(rng, 3, 784))
    pair.setup += "; then model.weight = Parameter(<new values>)"
    pair.expect_named_parameters("A name has one Parameter at a time. A dict keyed by name does this by itself: "
                                 "assigning to a key that is already there replaces its value and keeps its "
                                 "place.")


def test_a_shared_parameter_is_listed_once(sandbox, Module, rng):
    """A Parameter shared by two submodules (tied weights) is listed once, under the first name it is found at"""
    spec = [["encoder", "module", [["weight", "param", tensor(rng, 16, 784)]]],
            ["decoder", "module", [["weight", "same", 0], ["bias", "param", tensor(rng, 16)]]]]
    pair = Pair(sandbox, Module, spec)
    pair.setup += " (decoder.weight is the very Parameter encoder.weight)"
    pair.expect_named_parameters("torch.nn.Module gives each Parameter once, even when two modules share it, as tied "
                                 "weights do. Remember the Parameters already given (a set of them, shared by the "
                                 "whole walk into submodules) and skip those.")


def test_assigning_before_init_raises_attribute_error(sandbox, Module):
    """Assigning a Parameter or a submodule before super().__init__() raises AttributeError; a plain value does not"""
    cases = (("param", "self.weight = Parameter(torch.zeros(3))", "parameters"),
             ("module", "self.block = Module()", "module"))
    for kind, line, what in cases:
        expect_raises(AttributeError, lambda kind=kind: sandbox.make("early_model", "Model()", base=Module, what=kind),
                      "Model()", f"There, `Model.__init__` runs `{line}` before `super().__init__()`. torch.nn.Module "
                      f"raises AttributeError (\"cannot assign {what} before Module.__init__() call\"), because the "
                      "registries it would go into do not exist until `Module.__init__` makes them: raise "
                      "AttributeError when they are not there yet, and do not create them on the fly in `__setattr__`.")
    with explain_errors("There, `Model.__init__` runs `self.size = 3` before `super().__init__()`. torch.nn.Module "
                        "allows that: a plain value (not a Parameter or a Module) needs no registry."):
        model = sandbox.make("early_model", "Model()", base=Module, what="plain")
    expect_same(model.attribute("size"), 3, "model.size",
                "(It was set by `self.size = 3` before `super().__init__()`.)")
