"""Level 7: `DataLoader`, an iterable whose `__iter__` makes a new iterator object every time, which
batches MNIST like `torch.utils.data.DataLoader`.

The reference is torch's own DataLoader over the same MNIST items, either sequential or with
`sampler=RandomSampler(dataset, generator=<the same seed>)`. RandomSampler draws one more
permutation at the end of each epoch, so only a first epoch matches `torch.randperm` one for one:
every shuffled comparison uses a freshly seeded generator and one epoch.
"""

import itertools

import pytest
import torch
from torch.utils.data import RandomSampler

from dunderquest.grader.checking import (
    batch_difference,
    describe,
    expect_class,
    expect_ends,
    expect_iterator,
    expect_reads,
    expect_same,
    expect_same_batch,
    expect_same_batches,
    expect_stops,
    fail,
    plural,
    same_batches,
    same_form,
)

METHODS = ("__init__", "__iter__", "__len__")
NEVER_STOPS = ("Its iterator's `__next__` should raise StopIteration once every batch has been given, and on every "
               "later call too.")


@pytest.fixture
def small(sandbox, mnist, rng):
    """A few dozen MNIST training items: in the sandbox as torchvision's MNIST with ToTensor() gives
    them, (image, int label), and here as the same tensors. Their number is never a multiple of 7 or
    16, so the last batch is short."""
    size = rng.choice([n for n in range(30, 50) if n % 7 and n % 16])
    indices = rng.sample(range(len(mnist.train)), size)
    remote = sandbox.make("mnist_dataset", "dataset", root=mnist.root, train=True, indices=indices)
    return remote, mnist.items(indices)


def new_loader(sandbox, cls, dataset, batch_size, *, shuffle=False, seed=None, drop_last=False):
    """The learner's `DataLoader(dataset, batch_size=..., shuffle=..., generator=..., drop_last=...)`, as `loader`."""
    options = {"batch_size": batch_size, "shuffle": shuffle, "drop_last": drop_last}
    if seed is not None:
        options["generator"] = sandbox.make("seeded_generator", "g", seed=seed)
    return sandbox.new(cls, dataset, **options).named("loader", on_timeout=NEVER_STOPS)


def reference(dataset, batch_size, *, seed=None, drop_last=False, order=None):
    """torch's DataLoader: sequential, shuffled with a fresh RandomSampler(generator=seed), or in `order`."""
    sampler = order if seed is None else RandomSampler(dataset, generator=torch.Generator().manual_seed(seed))
    return torch.utils.data.DataLoader(dataset, batch_size=batch_size, sampler=sampler, drop_last=drop_last)


def test_dataloader_is_a_class_with_iter_and_len(sandbox, DataLoader, small):
    """DataLoader is a class with __init__, __iter__ and __len__"""
    expect_class(DataLoader, "A DataLoader is an iterable: `__iter__` hands out a new iterator for each pass, and "
                 "`__len__` says how many batches a pass has.", methods=METHODS)
    new_loader(sandbox, DataLoader, small[0], 8)


def test_iter_gives_a_new_iterator_object_each_time(sandbox, DataLoader, small):
    """iter(loader) is a new object of your own iterator class every time, and iter(it) is it"""
    loader = new_loader(sandbox, DataLoader, small[0], 8)
    first, second = iter(loader), iter(loader)
    if first.is_same_object(loader):
        fail("`iter(loader)` returned the loader itself. A DataLoader is not its own iterator: its `__iter__` "
             "returns a new object of a separate iterator class, as PyTorch's returns a "
             "`_SingleProcessDataLoaderIter`, so that two passes never share their position.")
    if first.is_same_object(second):
        fail(f"Two calls of `iter(loader)` returned the same object ({describe(first)}). Each pass needs its own "
             "iterator: make a new one in every `__iter__` call.")
    name = first.type_name
    if name == "generator":
        fail("`iter(loader)` returned a generator: your `__iter__` uses `yield`. That works in plain Python, but "
             "this level asks for what PyTorch does: a separate iterator class, with `__next__` giving one "
             "batch per call and `__iter__` returning itself, whose new object `DataLoader.__iter__` returns.")
    if name == "DataLoader" or not sandbox.source.has_class_with(name, "__next__"):
        fail(f"`iter(loader)` returned {describe(first)}, not an object of an iterator class written in "
             f"{sandbox.display_path}. Write a second class with `__next__` (and an `__iter__` that returns "
             "self), and return a new object of it from `DataLoader.__iter__`.")
    expect_iterator(first.named("it"), f"`it = iter(loader)` is an object of your class `{name}`, and an iterator's "
                    "`__iter__` returns the iterator itself, so that `for batch in it:` works too.")


def test_two_passes_are_independent(sandbox, DataLoader, small):
    """Two passes over the same loader never share their position, and each ends with StopIteration"""
    dataset, theirs = small
    loader = new_loader(sandbox, DataLoader, dataset, 7)
    expected = [list(batch) for batch in reference(theirs, 7)]
    first = iter(loader).named("it")
    for _ in range(2):
        next(first)
    second = iter(loader).named("it")
    steps = ((second, 0, "the first `next(it2)`, after `it = iter(loader); next(it); next(it); it2 = iter(loader)`"),
             (first, 2, "the third `next(it)`, after `it2 = iter(loader); next(it2)`"))
    for iterator, number, when in steps:
        should = (f"{when[0].upper()}{when[1:]} should give batch {number} of the sequential pass over "
                  f"{len(theirs)} MNIST items with batch_size=7")
        keep = "Each iterator keeps its own position: keep it on the iterator object, not on the DataLoader."
        try:
            got = next(iterator)
        except StopIteration:
            fail(f"{should}, but it raised StopIteration. {keep}")
        found = batch_difference(got, expected[number])
        if found is not None:
            fail(f"{should}, but it differs: {found}." + (f" {keep}" if same_form(got, expected[number]) else ""))
    expect_ends(first, len(expected) - 3, "list(it)", f"the rest of the pass after three `next(it)` calls is "
                f"{len(expected) - 3} batches", NEVER_STOPS, noun=("batch", "batches"))
    expect_stops(first, "after the pass ended", NEVER_STOPS)
    expect_same_batches(loader, reference(theirs, 7), "list(loader)",
                        f"a third pass over {len(theirs)} MNIST items, batch_size=7",
                        "Every `iter(loader)` starts a fresh pass from the first item.")


def test_len_is_the_number_of_batches(sandbox, DataLoader, small):
    """len(loader) is the number of batches, with and without drop_last"""
    dataset, theirs = small
    size = len(theirs)
    for batch_size, drop_last in itertools.product((7, size + 5), (False, True)):
        loader = new_loader(sandbox, DataLoader, dataset, batch_size, drop_last=drop_last)
        expected = len(reference(theirs, batch_size, drop_last=drop_last))
        expect_same(len(loader), expected, f"len(DataLoader(dataset, batch_size={batch_size}"
                    f"{', drop_last=True' if drop_last else ''}))", f"(torch's DataLoader gives that for a dataset of "
                    f"{size} items.) `len()` of a DataLoader counts batches: a last short batch counts as one, unless "
                    "drop_last drops it.")


def test_a_batch_is_stacked_images_and_int64_labels(sandbox, DataLoader, small):
    """A batch is [images, labels]: the images stacked into one tensor, the labels an int64 tensor"""
    dataset, theirs = small
    loader = new_loader(sandbox, DataLoader, dataset, 8)
    got = next(iter(loader))
    images, labels = next(iter(reference(theirs, 8)))
    if not isinstance(got, list | tuple) or len(got) != 2:
        fail(f"`next(iter(loader))` returned {describe(got)}; a batch is the pair [images, labels], as torch's "
             "DataLoader gives for (image, label) samples.")
    like = "as torch's DataLoader gives them for a batch of 8 MNIST items with ToTensor()"
    expect_same(got[0], images, "next(iter(loader))[0]", f"(The images, {like}.) Stack the 8 image tensors into "
                "one with `torch.stack`, which adds the batch dimension in front.")
    expect_same(got[1], labels, "next(iter(loader))[1]", f"(The labels, {like}.) Turn the 8 int labels into one "
                "int64 tensor, as `torch.tensor(labels)` does.")


def test_a_sequential_pass_matches_torch(sandbox, DataLoader, small):
    """Without shuffle, a whole pass equals torch's batch for batch, for batch sizes that leave a short batch"""
    dataset, theirs = small
    size = len(theirs)
    for batch_size, drop_last in ((7, False), (16, True), (size + 5, False)):
        loader = new_loader(sandbox, DataLoader, dataset, batch_size, drop_last=drop_last)
        expect_same_batches(loader, reference(theirs, batch_size, drop_last=drop_last), "list(loader)",
                            f"{size} MNIST items, batch_size={batch_size}, drop_last={drop_last}",
                            "Without shuffle, the items go in order 0, 1, 2, ...; the last batch is shorter "
                            "when the size does not divide, and drop_last=True leaves it out.")


def test_a_shuffled_first_pass_matches_torch(sandbox, DataLoader, small, rng):
    """With shuffle=True and a seeded generator, the first pass equals torch's with RandomSampler(generator=...)"""
    dataset, theirs = small
    size = len(theirs)
    for batch_size, drop_last in ((rng.choice([5, 7, 9]), False), (16, True), (size, False)):
        seed = rng.randrange(2**31)
        loader = new_loader(sandbox, DataLoader, dataset, batch_size, shuffle=True, seed=seed, drop_last=drop_last)
        expect_same_batches(loader, reference(theirs, batch_size, seed=seed, drop_last=drop_last),
                            "list(loader)", f"{size} MNIST items, batch_size={batch_size}, drop_last={drop_last}, "
                            f"a RandomSampler with its own torch.Generator().manual_seed({seed})",
                            "A shuffled pass takes the items in the order "
                            "`torch.randperm(len(dataset), generator=generator)`, drawn from the generator the "
                            "DataLoader was given.")


def test_each_pass_is_a_new_shuffle(sandbox, DataLoader, small, rng):
    """With shuffle=True, each new pass draws a new permutation from the same generator"""
    dataset, theirs = small
    size, seed = len(theirs), rng.randrange(2**31)
    loader = new_loader(sandbox, DataLoader, dataset, 16, shuffle=True, seed=seed)
    first, _ = loader.take(size + 2)
    second, _ = loader.take(size + 2)
    generator = torch.Generator().manual_seed(seed)
    orders = [torch.randperm(size, generator=generator).tolist() for _ in range(3)]
    # Ours draws one permutation per pass; torch's RandomSampler draws an extra one at the end of a pass,
    # so its second pass is the third permutation. Either is a new shuffle from the same generator.
    if any(same_batches(second, reference(theirs, 16, order=order)) for order in orders[1:]):
        return
    if same_batches(second, first):
        fail(f"The second pass of `DataLoader(dataset, batch_size=16, shuffle=True, generator=g)` ({size} MNIST "
             "items) gave the same batches as the first. Draw a new `torch.randperm(len(dataset), "
             "generator=generator)` for every pass, when the iterator is made, not once in `DataLoader.__init__`.")
    fail(f"The second pass of `DataLoader(dataset, batch_size=16, shuffle=True, generator=g)` ({size} MNIST items, "
         f"g = torch.Generator().manual_seed({seed})) is not in the order of the next "
         "`torch.randperm(len(dataset), generator=g)`. Draw each pass's order from the generator the DataLoader "
         "was given, once per pass.")


def test_it_reads_only_the_batch_it_is_asked_for(sandbox, DataLoader, mnist, rng):
    """On all MNIST training images, it reads each batch when asked, and gives torch's first batches"""
    batch_size, seed = rng.choice([16, 24, 32]), rng.randrange(2**31)
    counted = sandbox.make("mnist_dataset", "dataset", root=mnist.root, train=True, counted=True)
    loader = new_loader(sandbox, DataLoader, counted, batch_size, shuffle=True, seed=seed)
    expected = iter(reference(mnist.items(), batch_size, seed=seed))
    total = len(mnist.train)
    lazy = ("A DataLoader reads a batch's items only when `next()` asks for that batch, so that a pass over data "
            "bigger than memory works.")
    expect_reads({counted: 0}, f"After `DataLoader(dataset, batch_size={batch_size}, shuffle=True, generator=g)`, "
                               f"over the {total} MNIST training images", lazy)
    iterator = iter(loader).named("it")
    for number in (1, 2):
        got = next(iterator)
        expect_reads({counted: number * batch_size}, f"After {plural(number, '`next(it)` call')} on "
                     f"`it = iter(loader)`, with batch_size={batch_size} over the {total} MNIST training images",
                     f"torch's DataLoader reads {number * batch_size}. {lazy}")
        expect_same_batch(got, next(expected), f"DataLoader(dataset, batch_size={batch_size}, shuffle=True, "
                          f"generator=g)", f"the {total} MNIST training images, `RandomSampler(dataset, "
                          f"generator=torch.Generator().manual_seed({seed}))`", number=number - 1)
