"""Level 4: `ExampleLoader`, a lazy iterator, and the DataLoader's `next(iter(loader))`."""


from dunderquest.grader.checking import (
    LearnerRaised,
    expect_class,
    expect_iterator,
    expect_next_items,
    expect_reads,
    expect_same,
    expect_same_batch,
    expect_stops,
    plural,
)

NEVER_STOPS = ("`next()` never raised StopIteration: your `__next__` keeps returning values after the data "
               "runs out.")
IN_ORDER = "(Items should come out in the order the data gives them.)"
EAGER = ("It seems to read all of its data up front (as `list(data)` does), which never ends on an endless "
         "generator. Keep `iter(data)` and pull one item per `__next__` call.")


def loader_of(sandbox, ExampleLoader, data):
    """`l = ExampleLoader(data)`, whose `next()` hanging is explained as reading all the data up front."""
    return sandbox.new(ExampleLoader, data).named("l", on_timeout=EAGER)


def test_example_loader_is_a_class_with_iter_and_next(sandbox, ExampleLoader):
    """ExampleLoader is a class with __iter__ and __next__"""
    expect_class(ExampleLoader, "An iterator needs both: `__iter__` returns the iterator itself, `__next__` the "
                 "next item.", methods=("__iter__", "__next__"), inherited=True)
    sandbox.new(ExampleLoader, [1, 2, 3])


def test_iter_returns_the_loader_itself(sandbox, ExampleLoader):
    """iter(l) returns l itself"""
    loader = sandbox.new(ExampleLoader, [1, 2, 3]).named("l")
    expect_iterator(loader, "An iterator's `__iter__` returns the iterator itself: `return self`.")


def test_next_gives_the_items_in_order_then_stops(sandbox, ExampleLoader, rng):
    """next(l) gives the items in order, then raises StopIteration"""
    items = rng.sample(range(1000), rng.randint(4, 8))
    expect_next_items(loader_of(sandbox, ExampleLoader, items), items, f"ExampleLoader({items})", IN_ORDER,
                      stops=NEVER_STOPS)


def test_it_keeps_raising_stop_iteration(sandbox, ExampleLoader, rng):
    """After the end, every later next(l) raises StopIteration again"""
    items = rng.sample(range(1000), 3)
    loader = loader_of(sandbox, ExampleLoader, items)
    expect_next_items(loader, items, f"ExampleLoader({items})", IN_ORDER, stops=NEVER_STOPS)
    for extra in range(3):
        expect_stops(loader.named("l", on_timeout=NEVER_STOPS), f"on call {extra + 2} after the end (it had "
                     "already raised StopIteration once; an iterator that has ended stays ended)", NEVER_STOPS)


def test_iter_never_rewinds(sandbox, ExampleLoader, rng):
    """iter(l) never starts over: it goes on from where next() left off"""
    items = rng.sample(range(1000), 6)
    loader = sandbox.new(ExampleLoader, items).named("l")
    next(loader)
    next(loader)
    expect_same(next(iter(loader)), items[2], "next(iter(l))", "(After two `next(l)` calls, that is the third item.) "
                "`iter(l)` must not rewind: return `self` from `__iter__` without resetting.")
    rest, _ = loader.take(10)
    expect_same(rest, items[3:], "list(l)", "(after three `next(l)` calls, `list(l)` should give the rest.)")


def test_it_pulls_no_item_before_it_is_asked(sandbox, ExampleLoader):
    """ExampleLoader is lazy: it pulls an item from its data only when next() asks"""
    # Once with an iterator, once with a sized sequence, which a loader might be tempted to copy.
    for kind, label in (("counted_iterator", "an iterator"), ("counted_sequence", "a list-like sequence")):
        source = sandbox.make(kind, "data", stop=50)
        loader = sandbox.new(ExampleLoader, source).named("l")
        expect_reads({source: 0}, f"After `ExampleLoader(data)`, with data {label} of 50 items",
                     "An ExampleLoader should take nothing until `next()` asks for it.")
        for asked in (1, 2, 3):
            next(loader)
            expect_reads({source: asked}, f"After {plural(asked, '`next(l)` call')}, with data {label}",
                         "An ExampleLoader takes exactly one item per call.")


def test_it_works_on_an_endless_generator(sandbox, ExampleLoader):
    """ExampleLoader works on an endless generator"""
    endless = sandbox.make("counted_generator", "endless()", stop=None)
    try:
        loader = sandbox.new(ExampleLoader.named("ExampleLoader", on_timeout=EAGER), endless).named("l")
        got = [next(loader) for _ in range(5)]
    except LearnerRaised as raised:
        if raised.type_name != "PulledTooMuch":  # the generator stops a loader that reads it all up front
            raise
        raise LearnerRaised(f"Your ExampleLoader took {raised.error.get('message')} from an endless generator "
                            f"before giving back a single one. {EAGER}", raised.error) from None
    expect_same(got, [0, 1, 2, 3, 4], "five next(l) calls on an endless generator 0, 1, 2, ...")


def test_it_works_on_any_iterable(sandbox, ExampleLoader, rng):
    """ExampleLoader works on any iterable: a tuple, a range, a string, a generator"""
    start = rng.randint(0, 50)
    triple = (start, start + 1, start + 2)
    cases = [(sandbox.keep(triple, str(triple)), list(triple)),
             (sandbox.make("range", f"range({start}, {start + 4})", start=start, stop=start + 4),
              list(range(start, start + 4))),
             (sandbox.keep("abc", "'abc'"), ["a", "b", "c"]),
             (sandbox.make("counted_generator", "a generator of 0, 1, 2, 3", stop=4), [0, 1, 2, 3])]
    for data, items in cases:
        expect_next_items(loader_of(sandbox, ExampleLoader, data), items, f"ExampleLoader({data.expr})", IN_ORDER,
                          stops=NEVER_STOPS)


def test_next_iter_gives_the_dataloaders_first_batch(sandbox, ExampleLoader, mnist, rng):
    """images, labels = next(iter(ExampleLoader(loader))) is the MNIST DataLoader's own first batch"""
    seed = rng.randrange(2**31)
    loader = sandbox.make("mnist_loader", "loader", timeout=120, root=mnist.root, train=True, batch_size=32,
                          seed=seed, counted=True)
    wrapped = sandbox.new(ExampleLoader, loader)
    first = next(iter(wrapped.named(wrapped.expr, on_timeout=EAGER)))
    expected = iter(mnist.loader(32, seed))
    expect_same_batch(first, next(expected), "images, labels = next(iter(ExampleLoader(loader)))", "loader is a "
                      "shuffled DataLoader over MNIST with batch_size=32, so its images are [32, 1, 28, 28]",
                      like="the DataLoader's own first batch")
    expect_reads({loader.attribute("dataset").named("the DataLoader's MNIST"): 32}, "To give its first batch",
                 "One batch is 32 images: an ExampleLoader should take one batch per `next()`, not read the loader "
                 "up front.")
    expect_same_batch(next(wrapped), next(expected), f"next({wrapped.expr})", "its second call, after the first "
                      "batch", like="the DataLoader's own second batch")
