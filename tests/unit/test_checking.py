"""The vocabulary checks are written in (grader/checking.py), where it needs no sandbox: its reference
documents every name, the level's classes become fixtures, the learner's file answers questions of
structure, and the expectations over plain values write the messages they promise."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest
import torch

from dunderquest.core.pack import builtin_pack
from dunderquest.grader import checking
from dunderquest.grader.checking import CheckFailed, LearnerRaised, batch_difference, expect_same_steps
from dunderquest.grader.proxy import SandboxProxy, call_text
from dunderquest.grader.remote import Named, Remote
from dunderquest.grader.runner import OWN_FIXTURES, class_fixtures
from dunderquest.grader.source import read_source


def test_every_public_name_is_documented_in_the_module_a_pack_author_reads():
    doc = checking.__doc__
    undocumented = [name for name in checking.__all__ if not re.search(rf"\b{name}\b", doc)]
    assert undocumented == []


def test_each_class_a_level_names_is_a_fixture_of_that_name_and_the_grader_s_own_names_stay_its_own():
    levels = list(builtin_pack().catalog)
    names = {getattr(fixture, "name", None) for fixture in vars(type(class_fixtures(levels))).values()}
    assert {"Double", "Data", "Module", "DataLoader", "no_grad", "ConcatDataset", "Dataset", "Compose",
            "ToTensor", "Normalize"} <= names
    clashing = type("Level", (), {"classes": ("sandbox", "Square")})()
    names = {getattr(fixture, "name", None) for fixture in vars(type(class_fixtures([clashing]))).values()}
    assert "Square" in names and not names & set(OWN_FIXTURES)


def source_of(tmp_path: Path, text: str):
    path = tmp_path / "learner.py"
    path.write_text(text, encoding="utf-8")
    return read_source(path)


def test_the_file_says_which_classes_have_a_method_nested_ones_too(tmp_path):
    source = source_of(tmp_path, (
        "import collections.abc\n"
        "class Loader:\n"
        "    class _Iter:\n"
        "        def __next__(self): return 1\n"
        "    def __iter__(self): return Loader._Iter()\n"
        "class Ends(collections.abc.Iterator):\n"
        "    def __next__(self): raise StopIteration\n"
        "class Itself:\n"
        "    def __iter__(self): return self\n"))
    assert source.has_class_with("_Iter", "__next__") and not source.has_class_with("Loader", "__next__")
    assert source.gives_back_self("Itself", "__iter__") and source.gives_back_self("Ends", "__iter__")
    assert not source.gives_back_self("Loader", "__iter__")


def test_the_file_says_what_it_imports_and_reaches_through_an_import(tmp_path):
    source = source_of(tmp_path, (
        "import torchvision\n"
        "from torch.utils import data as d\n"
        "def f():\n"
        "    from torchvision.transforms import ToTensor\n"
        "    return torchvision.transforms.Normalize, d.Dataset\n"))
    assert "torchvision.transforms.ToTensor" in source.imports
    assert "torchvision.transforms.Normalize" in source.imports
    assert "torch.utils.data.Dataset" in source.imports


def test_a_call_is_shown_as_the_learner_would_write_it():
    remote = Remote(None, {"id": 1, "type": "Step"}, "f", 0)
    assert call_text("Compose", [[remote, remote.named("g")]], {}) == "Compose([f, g])"
    options = {"batch_size": 8, "generator": remote.named("g")}
    assert call_text("DataLoader", [Named(torch.zeros(3), "dataset")], options) == \
        "DataLoader(dataset, batch_size=8, generator=g)"


class Refs:
    """Stands in for a sandbox that names its objects by id."""

    def node_of(self, remote: Remote) -> dict:
        return {"t": "ref", "id": remote._id}


def test_an_argument_may_be_a_list_of_sandbox_objects_and_named_plain_values():
    remote = Remote(Refs(), {"id": 7, "type": "Step"}, "f", 0)
    blobs: list[bytes] = []
    nodes = SandboxProxy._encode_args(None, [[remote, Named(3, "n")], Named(torch.zeros(2), "x")], blobs)
    assert nodes[0] == {"t": "list", "items": [{"t": "ref", "id": 7}, {"t": "int", "v": "3"}]}
    assert nodes[1]["t"] == "tensor" and len(blobs) == 1
    with pytest.raises(TypeError):
        SandboxProxy._encode_args(None, [object()], blobs)


def test_a_batch_of_other_mnist_images_names_the_item_and_other_values_say_where():
    images = torch.arange(4 * 4, dtype=torch.float32).reshape(4, 1, 2, 2) / 255
    labels = torch.tensor([3, 1, 4, 1])
    shuffled = [images[[1, 0, 2, 3]], labels[[1, 0, 2, 3]]]
    assert batch_difference(shuffled, [images, labels]).startswith("item 0 of the batch is another MNIST image")
    scaled = [images / 255, labels]
    assert "values at [0] differ" in batch_difference(scaled, [images, labels])
    assert batch_difference(images, [images, labels]).startswith("a batch should be the pair [images, labels]")
    assert batch_difference([images, labels], [images, labels]) is None


def failure(action) -> str:
    with pytest.raises(CheckFailed) as raised:
        action()
    return str(raised.value)


def test_steps_compare_step_by_step_and_say_what_differs_with_the_step_s_own_advice():
    expected = [["`torch.is_grad_enabled()` inside", False], ["`callable(f)`", True], ["after", True]]
    say = "with `torch.no_grad`"
    expect_same_steps([list(step) for step in expected], expected, "with no_grad(): ...", like=say)
    off = [["`torch.is_grad_enabled()` inside", True]]
    assert failure(lambda: expect_same_steps(off, expected, "x", "Turn it off.", like=say)) == \
        "`torch.is_grad_enabled()` inside was True; with `torch.no_grad` it is False. Turn it off."
    assert failure(lambda: expect_same_steps([expected[0], ["`callable(f)`", False]], expected, "x", "Turn it off.",
                                             like=say, advice={"`callable(f)`": "Return a function."})) == \
        "`callable(f)` was False; with `torch.no_grad` it is True. Return a function."
    assert failure(lambda: expect_same_steps(expected[:2], expected, "x", "Turn it off.", like=say)) == \
        "`x` stopped after 2 of its 3 steps; with `torch.no_grad` it takes them all. Turn it off."
    assert "your code changed how the grader's own steps run there" in failure(
        lambda: expect_same_steps([["something else", False]], expected, "x", like=say))


class Objects:
    """Stands in for a sandbox whose objects are plain Python ones, by id."""

    def __init__(self, *objects):
        self.objects = objects

    def remote(self, index: int, expr: str) -> Remote:
        return Remote(self, {"id": index, "type": type(self.objects[index]).__name__}, expr, 0)

    def next(self, remote: Remote, **kw) -> object:
        return next(self.objects[remote._id])

    def getitem(self, remote: Remote, key: int, **kw) -> object:
        try:
            return self.objects[remote._id][key]
        except IndexError as err:
            raise LearnerRaised(f"`{remote.expr}[{key}]` raised IndexError: {err}", {"type": "IndexError"}) from None


def test_next_items_must_come_one_per_call_in_order_and_then_stop():
    def run(items):
        objects = Objects(iter(items))
        checking.expect_next_items(objects.remote(0, "l"), [1, 2, 3], "ExampleLoader([1, 2, 3])", "In order.",
                                   stops="Stop.")

    run([1, 2, 3])
    assert failure(lambda: run([1, 2])) == \
        "`next(l)` raised StopIteration after 2 items, for l = ExampleLoader([1, 2, 3]); it should give all 3."
    assert failure(lambda: run([1, 3, 2])) == \
        "`next(l) (call 2, l = ExampleLoader([1, 2, 3]))` returned 3; expected 2. In order."
    assert failure(lambda: run([1, 2, 3, 1])) == ("`next(l)` returned 1 (int) after the last of the 3 items of "
                                                  "ExampleLoader([1, 2, 3]); it should raise StopIteration. Stop.")


def test_items_must_be_the_reference_s_and_an_error_at_an_index_in_range_says_so():
    objects = Objects([10, 20, 99])
    data = objects.remote(0, "d")
    checking.expect_same_items(data, [10, 20, 99], [0, -1], "d", "d holds 3 items", like="the list")
    assert failure(lambda: checking.expect_same_items(data, [10, 21], [1], "d", "d holds 3 items", like="the list")) \
        == "`d[1]` returned 20; expected 21. (the list gives that item; d holds 3 items.)"
    with pytest.raises(LearnerRaised) as raised:
        checking.expect_same_items(data, [10, 20, 99, 5], [3], "d", "d holds 4 items", like="the list")
    assert str(raised.value) == ("`d[3]` raised IndexError: list index out of range\n"
                                 "Index 3 is in range: d holds 4 items.")


def test_a_module_tree_assigns_its_children_in_order_and_records_every_object_made():
    made = checking.make_here("made")
    weight = torch.randn(2, 3)
    tree = checking.make_here("module_tree", base=torch.nn.Module, made=made, children=[
        ["weight", "param", weight], ["steps", "plain", 3],
        ["block", "module", {"name": "Block", "extra": "k=1", "children": [["proj", "linear", [3, 2]]]}],
        ["tied", "same", 0], ["act", "relu", None]])
    assert [name for name, _ in tree.named_parameters()] == ["weight", "block.proj.weight", "block.proj.bias"]
    assert torch.equal(tree.weight, weight) and tree.weight is not weight and tree.tied is tree.weight
    assert made.index_of(tree.weight) == 0 and made.index_of(tree.block) == 3 and made.index_of(tree) == 5
    assert made.index_of(torch.nn.Parameter(weight)) == -1
    assert repr(tree).splitlines()[:3] == ["Model(", "  (block): Block(", "    k=1"]
    assert type(tree).__name__ == "Model" and checking.make_here("plus", left=[1], right=[2]) == [1, 2]


def test_an_object_of_another_class_says_what_came_back():
    class Classes(Objects):
        def instance_of(self, remote: Remote, of: Remote, **kw) -> bool:
            return isinstance(self.objects[remote._id], self.objects[of._id])

    objects = Classes([1], list, tuple)
    got = Remote(objects, {"id": 0, "type": "list", "text": "[1]"}, "x", 0)
    checking.expect_instance(got, objects.remote(1, "list"), "a + b")
    assert failure(lambda: checking.expect_instance(got, objects.remote(2, "Pair"), "a + b", "Return one.")) == \
        "`a + b` gave back a list object ([1]), not a Pair object. Return one."
    assert failure(lambda: checking.expect_instance(None, objects.remote(2, "Pair"), "a + b")) == \
        "`a + b` gave back None (NoneType), not a Pair object."


def test_indices_past_either_end_must_raise_index_error():
    objects = Objects([10, 20, 99], {0: 1, 3: None})
    checking.expect_index_errors(objects.remote(0, "d"), (3, -4), "d holds 3 items.")
    assert failure(lambda: checking.expect_index_errors(objects.remote(1, "w"), (3, 4), "w holds 1 item.")) == \
        "`w[3]` returned None (NoneType); it should raise IndexError. w holds 1 item."


def test_a_batch_must_be_the_reference_s_and_says_which_batch_of_what():
    images, labels = torch.zeros(2, 1, 2, 2), torch.tensor([1, 2])
    checking.expect_same_batch((images, labels), [images, labels], "next(it)", "2 items")
    assert failure(lambda: checking.expect_same_batch([images, labels.float()], [images, labels], "list(loader)",
                                                      "2 items, batch_size=2", "In order.", number=0)) == \
        ("Batch 0 of `list(loader)` differs from torch's DataLoader (2 items, batch_size=2): the dtype at [1] is "
         "float32, expected int64. In order.")
    assert failure(lambda: checking.expect_same_batch(images, [images, labels], "next(l)", "its second call",
                                                      like="the DataLoader's own second batch")) == \
        ("`next(l)` differs from the DataLoader's own second batch (its second call): a batch should be the pair "
         "[images, labels], got a tensor of shape [2, 1, 2, 2], dtype float32.")


def test_an_iteration_must_end_after_its_items_and_a_list_of_batches_is_compared_batch_for_batch():
    class Lists(Objects):
        def take(self, remote: Remote, limit: int, **kw) -> tuple[list, bool]:
            items = list(itertools.islice(self.objects[remote._id], limit + 1))
            return items[:limit], len(items) <= limit

    objects = Lists([1, 2], itertools.count())
    assert checking.expect_ends(objects.remote(0, "m"), 2, "list(m)", "m holds 2 modules") == [1, 2]
    assert failure(lambda: checking.expect_ends(objects.remote(0, "m"), 3, "list(m)", "m holds 3 modules")) == \
        "`list(m)` gave 2 items; m holds 3 modules."
    assert failure(lambda: checking.expect_ends(objects.remote(1, "it"), 1, "list(it)", "the rest is 1 batch",
                                                "Stop.", noun=("batch", "batches"))) == \
        "`list(it)` gave 3 batches and went on; the rest is 1 batch. Stop."
    batch = [torch.zeros(2, 1, 2, 2), torch.tensor([1, 2])]
    assert checking.same_batches([tuple(batch)], [batch]) and not checking.same_batches([batch], [batch, batch])
    assert not checking.same_batches([[batch[0], batch[1] + 1]], [batch])
