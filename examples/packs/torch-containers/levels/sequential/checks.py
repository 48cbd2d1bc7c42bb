"""Sequential: a container that is called, measured, indexed, sliced and iterated like
torch.nn.Sequential. The learner's container and torch's are made of the same layers (probes.py),
and their answers are compared: the very module objects, and the outputs on MNIST batches."""

import pytest
import torch

from dunderquest.grader.checking import (
    Named,
    expect_class,
    expect_ends,
    expect_index_errors,
    expect_instance,
    expect_same,
    expect_same_object,
    load_probes,
)

probes = load_probes(__file__)
DUNDERS = ("__init__", "__call__", "__len__", "__getitem__", "__iter__")


@pytest.fixture
def stack(sandbox, Sequential, rng):
    """The learner's Sequential over four layers made in the sandbox, the layers themselves, and
    torch.nn.Sequential over the same layers made here."""
    seed = rng.randrange(2**31)
    layers = sandbox.make("layers", "layers", seed=seed)
    model = sandbox.make("built", "Sequential(flatten, linear1, relu, linear2)", cls=Sequential, modules=layers)
    expect_instance(model, Sequential, "Sequential(flatten, linear1, relu, linear2)")
    return model.named("model"), layers, torch.nn.Sequential(*probes.layers(seed))


def layer(layers, index, theirs):
    """The module at `index` of the model, as made in the sandbox."""
    return layers[index].named(f"the module `{type(theirs[index]).__name__}` that model holds at {index}")


def test_sequential_is_a_class_with_the_container_dunders(sandbox, Sequential):
    """Sequential is a class you wrote, with __init__, __call__, __len__, __getitem__ and __iter__"""
    expect_class(Sequential, "A container needs each of them: `len()`, `[]`, `for` and calling all go through one.",
                 methods=DUNDERS, not_from=(torch.nn.Sequential, torch.nn.ModuleList))


def test_len_counts_the_modules(sandbox, stack):
    """len(model) is the number of modules it holds"""
    model, _, theirs = stack
    expect_same(len(model), len(theirs), "len(model)", "(model holds flatten, linear1, relu and linear2.)")


def test_indexing_gives_the_very_modules(sandbox, stack):
    """model[i] is the i-th module itself, negative i counts from the end, and past the end is IndexError"""
    model, layers, theirs = stack
    for index in (0, 1, 3, -1, -4):
        expect_same_object(model[index], layer(layers, index, theirs), f"model[{index}]",
                           "torch.nn.Sequential gives the module itself: return it, not a copy.")
    expect_index_errors(model, (4, -5), "model holds 4 modules, and torch.nn.Sequential raises IndexError for an "
                        "index past either end.")


def test_a_slice_is_a_new_sequential_of_the_same_modules(sandbox, Sequential, stack):
    """model[1:3] and model[:-1] are new Sequentials holding the very same modules"""
    model, layers, theirs = stack
    for expr, (start, stop), indices in (("model[1:3]", (1, 3), (1, 2)), ("model[:-1]", (None, -1), (0, 1, 2))):
        got = sandbox.make("sliced", expr, items=model, start=start, stop=stop)
        expect_instance(got, Sequential, expr, "A slice of torch.nn.Sequential is a new Sequential: for a `slice`, "
                        "return `Sequential(*chosen_modules)`.")
        expect_same(len(got.named(expr)), len(indices), f"len({expr})")
        for position, index in enumerate(indices):
            expect_same_object(got.named(expr)[position], layer(layers, index, theirs), f"{expr}[{position}]",
                               "A slice holds the same modules, not copies.")


def test_iterating_gives_the_modules_in_order(sandbox, stack):
    """for layer in model: gives each module itself, in order"""
    model, layers, theirs = stack
    got = expect_ends(model, len(theirs), "list(model)", f"model holds {len(theirs)} modules")
    for index, mine in enumerate(got):
        expect_same_object(mine, layer(layers, index, theirs), f"list(model)[{index}]",
                           "Iterate over the modules themselves, in order.")


def test_calling_runs_the_modules_in_order_on_mnist(sandbox, stack, mnist, rng):
    """model(images) equals torch.nn.Sequential's output on a batch of MNIST images"""
    model, _, theirs = stack
    images = mnist.some_images(rng, 8)
    with torch.no_grad():
        expected = theirs(images)
    expect_same(model(Named(images, "images")), expected, "model(images)",
                "(images are 8 MNIST digits, [8, 1, 28, 28]; each module takes the output of the one before, "
                "from the first to the last.)")
