"""Level 3: `Numbers`, a `torch.utils.data.Dataset` that a real DataLoader can batch."""

import pytest
import torch
from torch.utils.data import DataLoader, Dataset

from dunderquest.grader.checking import (
    Named,
    difference,
    expect_class,
    expect_same,
    expect_same_batches,
    fail,
    is_subclass_of,
)

BATCHES = "A DataLoader asks your dataset for len() (how many items, so how many batches) and for ds[i]; check both."


@pytest.fixture
def dataset(sandbox, Numbers, mnist):
    """Numbers over all MNIST training images and labels. The sandbox reads the same MNIST files
    itself, which is quicker than sending 12 MB of pixels over."""
    x = sandbox.reuse("x", lambda: sandbox.make("mnist_images", "x", root=mnist.root, train=True))
    y = sandbox.reuse("y", lambda: sandbox.make("mnist_labels", "y", root=mnist.root, train=True))
    return sandbox.new(Numbers, x, y)


def test_numbers_is_a_dataset(sandbox, Numbers):
    """Numbers is a subclass of torch.utils.data.Dataset"""
    expect_class(Numbers, write="class Numbers(Dataset):")
    # The sandbox's answer, confirmed from the file's text: a base that names torch's Dataset.
    in_source = any(is_subclass_of(base, Dataset) for base in sandbox.source.outside_bases("Numbers"))
    if not in_source or not Numbers.is_subclass("torch.utils.data.Dataset"):
        fail("`Numbers` is a class, but not a subclass of `torch.utils.data.Dataset`. Write "
             "`class Numbers(Dataset):` after `from torch.utils.data import Dataset`.")


def test_the_small_example_from_the_lesson(sandbox, Numbers):
    """Numbers([1, 2, 3], [0, 1, 0]) has length 3 and gives (1, 0) first"""
    ds = sandbox.new(Numbers, [1, 2, 3], [0, 1, 0])
    expect_same(len(ds), 3, "len(Numbers([1, 2, 3], [0, 1, 0]))")
    for i, expected in enumerate(((1, 0), (2, 1), (3, 0))):
        expect_same(ds[i], expected, f"Numbers([1, 2, 3], [0, 1, 0])[{i}]",
                    "(An item is the tuple (x[i], y[i]): the input first, then its label.)")


def test_len_is_the_length_of_x(sandbox, Numbers, dataset, mnist, rng):
    """len(Numbers(x, y)) is len(x)"""
    size = len(mnist.train)
    expect_same(len(dataset), size, "len(Numbers(x, y))", f"(x is the {size} MNIST training images.)")
    size = rng.randint(4, 20)
    xs, ys = list(range(size)), [i % 10 for i in range(size)]
    expect_same(len(sandbox.new(Numbers, xs, ys)), size, f"len(Numbers(x, y)) with {size} items")


def test_items_are_the_image_and_its_label(dataset, mnist, rng):
    """Numbers(x, y)[i] is (x[i], y[i]), the same image and label as torchvision's MNIST"""
    reference, items = mnist.tensor_dataset(), mnist.items()
    for i in [0, *rng.sample(range(1, len(items)), 6)]:
        got = dataset[i]
        expect_same(got, items[i], f"Numbers(x, y)[{i}]",
                    "(x holds MNIST images as ToTensor() makes them; y holds their labels.)")
        image, label = reference[i]
        if difference(got[0], image) is not None or int(got[1]) != label:
            fail(f"`Numbers(x, y)[{i}]` does not match torchvision's `MNIST(...)[{i}]` (label {label}).")


def expect_batches_like_tensor_dataset(sandbox, learner_dataset, items, seed, how_many):
    loader = sandbox.make("dataloader", "DataLoader(Numbers(x, y), batch_size=32, shuffle=True)",
                          dataset=learner_dataset, batch_size=32, shuffle=True, seed=seed)
    reference = DataLoader(items, batch_size=32, shuffle=True, generator=torch.Generator().manual_seed(seed))
    expect_same_batches(loader, reference, loader.expr, f"the first {how_many} batches, with the same seed",
                        BATCHES, first=how_many, like="the same DataLoader over `TensorDataset(x, y)`")


def test_a_dataloader_batches_it_like_tensor_dataset(sandbox, dataset, mnist, rng):
    """A shuffled DataLoader(Numbers(x, y), batch_size=32) gives the same batches as TensorDataset(x, y)"""
    expect_batches_like_tensor_dataset(sandbox, dataset, mnist.items(), rng.randrange(2**31), 3)


def test_a_whole_epoch_matches_tensor_dataset(sandbox, Numbers, mnist, rng):
    """A whole epoch over 100 MNIST images matches TensorDataset, the last short batch too"""
    small = mnist.items(torch.tensor(rng.sample(range(len(mnist.train)), 100)))
    images, labels = small.tensors
    learner_small = sandbox.new(Numbers, Named(images, "x"), Named(labels, "y"))
    expect_batches_like_tensor_dataset(sandbox, learner_small, small, rng.randrange(2**31), 4)
