"""Level 9: `Dataset.__add__` and `ConcatDataset`, checked against torch's ConcatDataset on MNIST
train and test. The learner's classes get MNIST as torchvision's own datasets, read in the sandbox."""

import pytest
import torch.utils.data

from dunderquest.grader.checking import (
    expect_class,
    expect_index_errors,
    expect_instance,
    expect_reads,
    expect_same,
    expect_same_items,
)

TORCH = "torch's ConcatDataset"
LAZY = ("A ConcatDataset keeps the datasets and their lengths, and fetches one item from one dataset per `[i]`. "
        "Don't copy the items into a list, and don't loop over a dataset to learn its length.")
PAST_THE_END = ("Python's sequences raise IndexError for an index out of range, and `for` loops and `list()` "
                "rely on it. Check the index against `len(self)` (after adding `len(self)` to a negative one) "
                "and raise IndexError yourself.")


@pytest.fixture(scope="module")
def reference(mnist):
    """torch's own ConcatDataset over MNIST train and test, with ToTensor()."""
    return torch.utils.data.ConcatDataset([mnist.tensor_dataset(), mnist.test_dataset()])


def splits(sandbox, mnist, counted=False):
    """MNIST's train and test splits, read in the sandbox as `train` and `test` (their reads counted on request)."""
    return [sandbox.make("mnist_dataset", name, root=mnist.root, train=name == "train", counted=counted)
            for name in ("train", "test")]


@pytest.fixture
def train_test(sandbox, ConcatDataset, mnist):
    """Made once per sandbox: the checks that share it only index it."""
    return sandbox.reuse("train_test", lambda: sandbox.new(ConcatDataset, splits(sandbox, mnist)))


def sequences(sandbox, lengths):
    return [sandbox.make("counted_sequence", name, stop=n) for name, n in zip("abcdefgh", lengths, strict=False)]


def test_dataset_and_concat_dataset_are_classes_you_wrote(sandbox, Dataset, ConcatDataset):
    """Dataset and ConcatDataset are classes you wrote: Dataset with __add__, ConcatDataset with __len__
    and __getitem__"""
    for cls, methods in ((Dataset, ("__add__",)), (ConcatDataset, ("__len__", "__getitem__"))):
        expect_class(cls, "`a + b` calls `Dataset.__add__`; `len()` and `[]` call `__len__` and `__getitem__`.",
                     methods=methods, not_from=(torch.utils.data.ConcatDataset,))
    sandbox.new(ConcatDataset, sequences(sandbox, [2, 3]))


def test_the_lengths_add_up(sandbox, ConcatDataset, train_test, reference, rng):
    """len(ConcatDataset([a, b])) is len(a) + len(b), with an empty dataset among them too"""
    lengths = [rng.randint(2, 9), rng.randint(2, 9)]
    for sizes in (lengths, [lengths[0], 0, lengths[1]]):
        names = ", ".join("abc"[:len(sizes)])
        expect_same(len(sandbox.new(ConcatDataset, sequences(sandbox, sizes))), sum(sizes),
                    f"len(ConcatDataset([{names}]))",
                    f"(The lengths are {', '.join(map(str, sizes[:-1]))} and {sizes[-1]}.)")
    expect_same(len(train_test), len(reference), "len(ConcatDataset([train, test]))",
                f"(train holds {reference.cumulative_sizes[0]} MNIST images and test "
                f"{len(reference) - reference.cumulative_sizes[0]}; torch's ConcatDataset has length "
                f"{len(reference)}.)")


def test_indexing_crosses_the_boundaries(sandbox, ConcatDataset, train_test, reference, rng):
    """ConcatDataset([train, test])[i] is the item torch's ConcatDataset gives, on both sides of each boundary"""
    lengths = [rng.randint(2, 6), 0, rng.randint(2, 6)]
    small = sandbox.new(ConcatDataset, sequences(sandbox, lengths))
    expected = list(range(lengths[0])) + list(range(lengths[2]))
    sizes = f"a is {list(range(lengths[0]))}, b is empty and c is {list(range(lengths[2]))}"
    expect_same_items(small, expected, range(len(expected)), small.expr, sizes,
                      like="the list of a's, b's and c's items")
    edge, total = reference.cumulative_sizes[0], len(reference)
    picked = [0, edge - 1, edge, edge + 1, total - 1, rng.randrange(edge), rng.randrange(edge, total)]
    expect_same_items(train_test, reference, picked, "ConcatDataset([train, test])",
                      f"train has {edge} items, so test's first item is at index {edge}", like=TORCH)


def test_negative_indices_count_from_the_end(sandbox, ConcatDataset, train_test, reference, rng):
    """Negative indices count from the end of the whole ConcatDataset, like a list"""
    edge, total = reference.cumulative_sizes[0], len(reference)
    picked = [-1, -(total - edge), -(total - edge) - 1, -total, -rng.randint(2, total - 1)]
    expect_same_items(train_test, reference, picked, "ConcatDataset([train, test])",
                      f"[-i] is [{total} - i], as the two together hold {total} items", like=TORCH)


def test_an_index_past_either_end_raises_index_error(sandbox, ConcatDataset, train_test, reference, rng):
    """An index past either end raises IndexError"""
    total = len(reference)
    small = sandbox.new(ConcatDataset, sequences(sandbox, [2, 3]))
    expect_index_errors(train_test, (total, total + rng.randint(1, 99), -total - 1, -total - rng.randint(2, 99)),
                        f"A dataset of length {total} has no item there. {PAST_THE_END}")
    expect_index_errors(small, (5, -6), f"A dataset of length 5 has no item there. {PAST_THE_END}")


def test_dataset_plus_dataset_is_a_concat_dataset(sandbox, Dataset, ConcatDataset, mnist, reference, rng):
    """For your own datasets a and b, a + b is a ConcatDataset of both, and (a + b) + a works too"""
    train, test = splits(sandbox, mnist)
    a = sandbox.make("dataset_part", "a", base=Dataset, dataset=train, name="a")
    b = sandbox.make("dataset_part", "b", base=Dataset, dataset=test, name="b")
    both = sandbox.make("plus", "a + b", left=a, right=b)
    expect_instance(both, ConcatDataset, "a + b", "(a and b are objects of subclasses of your Dataset.) It should "
                    "be `ConcatDataset([a, b])`: `Dataset.__add__(self, other)` makes and returns it.")
    both = both.named("(a + b)")
    edge = len(mnist.tensor_dataset())
    expect_same(len(both), len(reference), "len(a + b)", f"(a holds {edge} images and b {len(mnist.test_dataset())}.)")
    expect_same_items(both, reference, [edge - 1, edge, -1], "(a + b)", f"a has {edge} items", like=TORCH)
    three = sandbox.make("plus", "(a + b) + a", left=both, right=a).named("((a + b) + a)")
    three_ref = torch.utils.data.ConcatDataset([reference, mnist.tensor_dataset()])
    expect_same(len(three), len(three_ref), "len((a + b) + a)",
                "(A ConcatDataset is a Dataset too, so it can be added again: make ConcatDataset a subclass "
                "of your Dataset.)")
    second_edge = len(reference)
    expect_same_items(three, three_ref, [second_edge - 1, second_edge, rng.randrange(second_edge, len(three_ref))],
                      "((a + b) + a)", f"a + b has {second_edge} items", like=TORCH)


def test_nothing_is_copied_or_loaded_up_front(sandbox, Dataset, ConcatDataset, mnist, rng):
    """ConcatDataset reads an item from its datasets only when it is asked for one"""
    train, test = splits(sandbox, mnist, counted=True)

    ds = sandbox.new(ConcatDataset, [train, test])
    expect_reads({train: 0, test: 0}, "After `ds = ConcatDataset([train, test])`", LAZY)
    total = len(ds)
    expect_reads({train: 0, test: 0}, "After `len(ds)`", LAZY)
    edge = len(train)
    ds[edge]
    expect_reads({train: 0, test: 1}, f"After `ds[{edge}]`", LAZY)
    ds[rng.randrange(edge)]
    ds[-1]
    expect_reads({train: 1, test: 2}, f"After `ds[{edge}]`, `ds[i]` for an i below {edge} and `ds[-1]` (of {total})",
                 LAZY)
    a = sandbox.make("dataset_part", "a", base=Dataset, dataset=train, name="a")
    b = sandbox.make("dataset_part", "b", base=Dataset, dataset=test, name="b")
    sandbox.make("plus", "a + b", left=a, right=b)
    expect_reads({train: 1, test: 2}, "After those, and then `a + b` for your own datasets a and b over train and "
                 "test", LAZY)
