"""Level 4's MNIST panel: the first batch of `ExampleLoader(loader)`, wrapping a seeded MNIST
DataLoader, beside that DataLoader's own first batch."""

from dunderquest.grader.checking import (
    PANEL_SEED,
    Panel,
    PanelItem,
    SandboxProblem,
    describe,
    digit,
    indices,
    is_tensor,
)


def draw(sandbox, mnist, level, start):
    images, labels = next(iter(mnist.loader(32, PANEL_SEED)))
    got, error = None, None
    try:
        loader = sandbox.make("mnist_loader", "loader", timeout=120, root=mnist.root, train=True, batch_size=32,
                              seed=PANEL_SEED)
        wrapped = sandbox.new(sandbox.learner_class("ExampleLoader"), loader)
        got = next(iter(wrapped))
        if not (isinstance(got, list | tuple) and len(got) == 2 and is_tensor(got[0])):
            error = f"next(iter(ExampleLoader(loader))) returned {describe(got)}, not [images, labels]."
            got = None
    except StopIteration:
        error = "next(iter(ExampleLoader(loader))) raised StopIteration at once."
    except SandboxProblem as problem:
        error = str(problem)
    items = []
    for index in indices(start, len(images)):
        item = PanelItem(index, f"your first batch, item {index}", f"DataLoader's first batch, item {index}",
                         digit(images[index], labels[index]), error=error)
        if got is not None:
            if index < len(got[0]) and index < len(got[1]):
                item.learner = digit(got[0][index], got[1][index])
            else:
                item.error = f"your first batch has only {len(got[0])} items"
        items.append(item)
    return Panel(items, len(images), mnist.source.description)
