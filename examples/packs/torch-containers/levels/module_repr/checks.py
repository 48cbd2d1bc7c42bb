"""Module.__repr__: a tree of modules printed as torch.nn.Module prints it. Each check builds the same
tree (the makers' `module_tree`) on the learner's Module in the sandbox and on torch.nn.Module here, with
real torch.nn.Linear and ReLU layers among the children, and compares the two texts line by line."""

import torch

from dunderquest.grader.checking import describe, expect_class, fail, make_here

METHODS = ("__init__", "__setattr__", "extra_repr", "__repr__")


def node(name: str, children: list, extra: str = "") -> dict:
    return {"name": name, "extra": extra, "children": children}


def shown(text: str) -> str:
    return "\n".join(f"    {line}" for line in text.splitlines()) or "    (nothing)"


def expect_printed_like_torch(sandbox, Module, spec: dict, what: str, advice: str) -> None:
    mine = sandbox.make("module_tree", f"a {spec['name']} tree", base=Module, **spec)
    text = sandbox.make("printed", f"repr({spec['name'].lower()})", value=mine).value()
    expected = repr(make_here("module_tree", base=torch.nn.Module, **spec))
    if not isinstance(text, str):
        fail(f"`repr({spec['name'].lower()})` gave back {describe(text)}; `__repr__` must return a str.")
    if text != expected:
        mine_lines, theirs = text.splitlines(), expected.splitlines()
        first = next((n for n, (a, b) in enumerate(zip(mine_lines, theirs, strict=False)) if a != b),
                     min(len(mine_lines), len(theirs)))
        fail(f"For {what}, your `repr()` prints:\n{shown(text)}\ntorch.nn.Module prints:\n{shown(expected)}\n"
             f"They differ first at line {first + 1}. {advice}")


def test_module_is_a_class_with_setattr_extra_repr_and_repr(sandbox, Module):
    """Module is a class you wrote, with __init__, __setattr__, extra_repr and __repr__"""
    expect_class(Module, "`__setattr__` keeps the submodules, and `__repr__` prints them, with `extra_repr()`.",
                 methods=METHODS)


def test_a_module_without_children_prints_its_class_name(sandbox, Module):
    """A module with no children and no extra repr prints as Name()"""
    expect_printed_like_torch(sandbox, Module, node("Empty", []), "a module with nothing in it",
                              "It prints its own class's name, `type(self).__name__`, then `()`.")


def test_extra_repr_goes_inside_the_parentheses(sandbox, Module):
    """A one-line extra_repr prints inside the parentheses; more lines go one under the other"""
    expect_printed_like_torch(sandbox, Module, node("Scale", [], "factor=2"), "a module whose extra_repr() is "
                              "'factor=2'", "With no child and one line of extra repr, it all fits on one line.")
    expect_printed_like_torch(sandbox, Module, node("Window", [], "width=28\nheight=28"),
                              "a module whose extra_repr() has two lines", "Each line of the extra repr goes on a "
                              "line of its own, indented by two spaces, and `)` on the last line.")


def test_children_are_listed_in_the_order_they_were_assigned(sandbox, Module):
    """Children print as (name): repr(child), in the order they were assigned"""
    spec = node("Net", [["encoder", "linear", [784, 32]], ["act", "relu", None], ["head", "linear", [32, 10]]])
    expect_printed_like_torch(sandbox, Module, spec, "a Net with encoder, act and head (torch.nn.Linear, ReLU, "
                              "Linear) assigned in that order", "Keep the children in the order they were first "
                              "assigned (a dict does), and print each as `(name): ` and its own repr.")


def test_nested_children_are_indented(sandbox, Module, rng):
    """A child's own lines are indented two spaces more, however deep"""
    inner = node("Inner", [["proj", "linear", [rng.choice([16, 32, 64]), 10]]], "depth=2")
    spec = node("Net", [["flat", "relu", None], ["body", "module", node("Body", [["inner", "module", inner],
                                                                               ["out", "relu", None]])]])
    expect_printed_like_torch(sandbox, Module, spec, "a Net whose body holds an Inner that holds a Linear",
                              "Every line of a child's repr after its first gets two more spaces: "
                              "`repr(child).replace('\\n', '\\n  ')`.")


def test_plain_values_are_not_children_and_a_replaced_child_keeps_its_place(sandbox, Module):
    """Plain values are not listed, and assigning a child's name again keeps its place"""
    spec = node("Net", [["size", "plain", 3], ["first", "linear", [784, 10]], ["second", "relu", None],
                        ["rate", "plain", 0.5], ["first", "linear", [10, 10]]])
    expect_printed_like_torch(sandbox, Module, spec, "a Net given size = 3, first = Linear(784, 10), second = "
                              "ReLU(), rate = 0.5, then first = Linear(10, 10) again", "Only modules are children "
                              "(yours or torch.nn's); a name assigned again keeps its place with its new module.")
