"""Level 3: `Numbers`, a `torch.utils.data.Dataset` that a real DataLoader can batch."""

import pytest
import torch
from torch.utils.data import DataLoader, Dataset, TensorDataset

from dunderquest.grader.checking import Named, describe, difference, expect_same, fail, is_subclass_of


@pytest.fixture
def Numbers(sandbox):
    return sandbox.learner_class("Numbers")


@pytest.fixture(scope="module")
def x(mnist):
    return mnist.images()


@pytest.fixture(scope="module")
def y(mnist):
    return mnist.labels()


@pytest.fixture
def dataset(sandbox, Numbers, mnist):
    """Numbers over all MNIST training images and labels. The sandbox reads the same MNIST files
    itself, which is quicker than sending 12 MB of pixels over."""
    x = sandbox.reuse("x", lambda: sandbox.make("mnist_images", "x", root=mnist.root, train=True))
    y = sandbox.reuse("y", lambda: sandbox.make("mnist_labels", "y", root=mnist.root, train=True))
    return sandbox.new(Numbers, x, y, expr="Numbers(x, y)")


def test_numbers_is_a_dataset(sandbox, Numbers):
    """Numbers is a subclass of torch.utils.data.Dataset"""
    if not sandbox.info(Numbers)["is_type"] or "Numbers" not in sandbox.source.classes:
        fail(f"`Numbers` in {sandbox.display_path} is {describe(Numbers)}, not a class. "
             "Write `class Numbers(Dataset):`.")
    # The sandbox's answer, confirmed from the file's text: a base that names torch's Dataset.
    in_source = any(is_subclass_of(base, Dataset) for base in sandbox.source.outside_bases("Numbers"))
    if not in_source or not sandbox.isinstance(Numbers, "torch.utils.data.Dataset", subclass=True):
        fail("`Numbers` is a class, but not a subclass of `torch.utils.data.Dataset`. Write "
             "`class Numbers(Dataset):` after `from torch.utils.data import Dataset`.")


def test_the_small_example_from_the_lesson(sandbox, Numbers):
    """Numbers([1, 2, 3], [0, 1, 0]) has length 3 and gives (1, 0) first"""
    ds = sandbox.new(Numbers, [1, 2, 3], [0, 1, 0])
    expect_same(len(ds), 3, "len(Numbers([1, 2, 3], [0, 1, 0]))")
    for i, expected in enumerate(((1, 0), (2, 1), (3, 0))):
        expect_same(ds[i], expected, f"Numbers([1, 2, 3], [0, 1, 0])[{i}]",
                    "(An item is the tuple (x[i], y[i]): the input first, then its label.)")


def test_len_is_the_length_of_x(sandbox, Numbers, dataset, x, rng):
    """len(Numbers(x, y)) is len(x)"""
    expect_same(len(dataset), len(x), "len(Numbers(x, y))",
                f"(x is the {len(x)} MNIST training images.)")
    size = rng.randint(4, 20)
    xs, ys = list(range(size)), [i % 10 for i in range(size)]
    expect_same(len(sandbox.new(Numbers, xs, ys)), size, f"len(Numbers(x, y)) with {size} items")


def test_items_are_the_image_and_its_label(dataset, mnist, x, y, rng):
    """Numbers(x, y)[i] is (x[i], y[i]), the same image and label as torchvision's MNIST"""
    reference = mnist.tensor_dataset()
    for i in [0, *rng.sample(range(1, len(x)), 6)]:
        got = dataset[i]
        expect_same(got, (x[i], y[i]), f"Numbers(x, y)[{i}]",
                    "(x holds MNIST images as ToTensor() makes them; y holds their labels.)")
        image, label = reference[i]
        if difference(got[0], image) is not None or int(got[1]) != label:
            fail(f"`Numbers(x, y)[{i}]` does not match torchvision's `MNIST(...)[{i}]` "
                 f"(label {label}).")


def expect_same_batches(sandbox, learner_dataset, x, y, seed, how_many, label):
    loader = sandbox.make("dataloader", "DataLoader(Numbers(x, y), batch_size=32, shuffle=True)",
                          dataset=learner_dataset, batch_size=32, shuffle=True, seed=seed)
    got, _ = sandbox.take(loader, how_many, expr=f"the first batches of DataLoader({label})")
    generator = torch.Generator().manual_seed(seed)
    expected = []
    for batch in DataLoader(TensorDataset(x, y), batch_size=32, shuffle=True, generator=generator):
        expected.append(list(batch))
        if len(expected) == how_many:
            break
    if len(got) != len(expected):
        fail(f"DataLoader({label}) gave {len(got)} batch{'es' if len(got) != 1 else ''}; the same DataLoader over "
             f"TensorDataset(x, y) gives {len(expected)}. A DataLoader learns how many items there are from "
             "`len()`: check your `__len__`.")
    for number, (mine, theirs) in enumerate(zip(got, expected, strict=True)):
        found = difference(mine, theirs)
        if found is not None:
            fail(f"Batch {number} of `DataLoader({label}, batch_size=32, shuffle=True)` differs from the "
                 f"same DataLoader over `TensorDataset(x, y)` with the same seed: {found}. "
                 "A DataLoader asks your dataset for len() and for ds[i]; check both.")


def test_a_dataloader_batches_it_like_tensor_dataset(sandbox, dataset, x, y, rng):
    """A shuffled DataLoader(Numbers(x, y), batch_size=32) gives the same batches as TensorDataset(x, y)"""
    expect_same_batches(sandbox, dataset, x, y, rng.randrange(2**31), 3, "Numbers(x, y)")


def test_a_whole_epoch_matches_tensor_dataset(sandbox, Numbers, x, y, rng):
    """A whole epoch over 100 MNIST images matches TensorDataset, the last short batch too"""
    picked = torch.tensor(rng.sample(range(len(x)), 100))
    small_x, small_y = x[picked], y[picked]
    small = sandbox.new(Numbers, Named(small_x, "x"), Named(small_y, "y"))
    expect_same_batches(sandbox, small, small_x, small_y, rng.randrange(2**31), 4, "Numbers(x, y)")
