"""Level 2: `Data`, a read-only sequence with `__len__` and `__getitem__`."""

import pytest

from dunderquest.grader.checking import LearnerRaised, describe, expect_class, expect_index_errors, expect_same, fail

FALLBACK = ("Python's `for`, `list()` and `in` call `d[0]`, `d[1]`, ... and stop at the first IndexError, "
            "so your `__getitem__` must raise IndexError past the end.")
PAST_THE_END = f"A list raises IndexError for an index out of range, and Python relies on it. {FALLBACK}"


@pytest.fixture(scope="module")
def labels(mnist):
    return [int(label) for label in mnist.labels()]


@pytest.fixture
def mnist_labels(sandbox, Data, labels):
    """Data holding every MNIST training label, in order. The labels are sent to the sandbox once;
    each check hands the learner's Data a fresh copy of the list."""
    kept = sandbox.reuse("labels", lambda: sandbox.keep(labels, "labels"))
    return sandbox.new(Data, sandbox.make("copy", "labels", value=kept))


def test_data_is_a_class(sandbox, Data):
    """Data is a class, and Data() makes a Data object"""
    expect_class(Data, "Give it `__len__` and `__getitem__` methods.")
    sandbox.new(Data)


def test_a_new_data_holds_10_20_30(sandbox, Data):
    """Data() holds 10, 20 and 30"""
    d = sandbox.new(Data)
    expect_same(len(d), 3, "len(Data())")
    for i, expected in enumerate((10, 20, 30)):
        expect_same(d[i], expected, f"Data()[{i}]")


def test_len_is_the_number_of_items(sandbox, Data, mnist, mnist_labels, rng):
    """len(Data(items)) is the number of items, as for torchvision's MNIST"""
    expect_same(len(mnist_labels), len(mnist.train), "len(Data(labels))",
                f"(labels are the {len(mnist.train)} labels of torchvision's MNIST, whose len() is "
                f"{len(mnist.train)}.)")
    for size in (0, 1, rng.randint(2, 9)):
        items = [rng.randint(0, 99) for _ in range(size)]
        expect_same(len(sandbox.new(Data, items)), size, f"len(Data({items}))")


def test_indexing_gives_the_items_in_order(mnist, mnist_labels, rng):
    """Data(labels)[i] is the label torchvision's MNIST gives for image i"""
    for i in [0, *rng.sample(range(1, len(mnist.train)), 8)]:
        expected = mnist.train[i][1]
        expect_same(mnist_labels[i], expected, f"Data(labels)[{i}]",
                    f"(torchvision's `MNIST(...)[{i}][1]` is {expected}.)")


def test_negative_indices_count_from_the_end(labels, mnist_labels, rng):
    """Data(labels)[-i] counts from the end, like a list"""
    n = len(labels)
    for i in (-1, -2, -n, -rng.randint(3, n - 1)):
        expect_same(mnist_labels[i], labels[i], f"Data(labels)[{i}]",
                    f"(A list gives labels[{n + i}] for [{i}]: negative indices count from the end.)")


def test_an_index_past_the_end_raises_index_error(sandbox, Data, mnist_labels, labels, rng):
    """An index past the end raises IndexError"""
    n, d = len(labels), sandbox.new(Data)
    expect_index_errors(mnist_labels, (n, n + rng.randint(1, 50), -n - 1), PAST_THE_END)
    expect_index_errors(d, (3,), PAST_THE_END)


def test_for_list_and_in_work(sandbox, Data, rng):
    """for, list() and `in` work on a Data"""
    items = rng.sample(range(100, 1000), rng.randint(4, 9))
    d = sandbox.new(Data, items).named(f"Data({items})", on_timeout=FALLBACK)
    got, ended = d.take(len(items) + 10)
    if not ended:
        fail(f"`list(Data({items}))` did not stop: it went past the {len(items)} items "
             f"({describe(got[len(items)])} came next). {FALLBACK}")
    expect_same(got, items, f"list(Data({items}))")
    inside, outside = rng.choice(items), 7
    expect_same(inside in d, True, f"{inside} in Data({items})")
    expect_same(outside in d, False, f"{outside} in Data({items})")


def test_data_is_read_only(sandbox, Data):
    """A Data is read-only: d[0] = 5 fails"""
    d = sandbox.new(Data).named("d")
    try:
        d[0] = 5
    except LearnerRaised:
        expect_same(d[0], 10, "d[0]", "(after the failed `d[0] = 5`, d should be unchanged.)")
        return
    fail("`d[0] = 5` worked, but a Data is read-only: like a tuple, it should refuse with TypeError. "
         "Give Data no `__setitem__` (and don't inherit it from `list`).")
