"""Level 7's MNIST panel: the first batches of `DataLoader(dataset, batch_size=32, shuffle=True,
generator=g)` over MNIST, beside torch's DataLoader with `sampler=RandomSampler(dataset, generator=g)`,
g seeded the same."""

import torch
from torch.utils.data import DataLoader, RandomSampler

from dunderquest.grader.checking import PANEL_SEED, Panel, PanelItem, SandboxProblem, batch_item, digit, indices

BATCH_SIZE = 32
TOTAL = 4 * BATCH_SIZE  # the first four batches of a pass


def draw(sandbox, mnist, level, start):
    window = indices(start, TOTAL)
    needed = (window[-1]) // BATCH_SIZE + 1
    dataset = mnist.tensor_dataset()
    sampler = RandomSampler(dataset, generator=torch.Generator().manual_seed(PANEL_SEED))
    expected = [batch for batch, _ in zip(DataLoader(dataset, batch_size=BATCH_SIZE, sampler=sampler),
                                          range(needed), strict=False)]
    expr = f"DataLoader(dataset, batch_size={BATCH_SIZE}, shuffle=True, generator=g)"
    got, error = [], None
    try:
        learner_dataset = sandbox.make("mnist_dataset", "dataset", root=mnist.root, train=True)
        generator = sandbox.make("seeded_generator", "g", seed=PANEL_SEED)
        loader = sandbox.learner_class("DataLoader")(learner_dataset, batch_size=BATCH_SIZE, shuffle=True,
                                                     generator=generator)
        got, _ = loader.named(f"the first batches of {expr}").take(needed)
    except SandboxProblem as problem:
        error = str(problem)
    items = []
    for index in window:
        number, row = divmod(index, BATCH_SIZE)
        images, labels = expected[number]
        item = PanelItem(index, f"your batch {number}, item {row}", f"DataLoader's batch {number}, item {row}",
                         digit(images[row], labels[row]), error=error)
        if error is None:
            if number >= len(got):
                item.error = f"your DataLoader gave only {len(got)} batches"
            else:
                item.learner, item.error = batch_item(got[number], row)
                if item.error:
                    item.error = f"your batch {number} is {item.error}"
        items.append(item)
    return Panel(items, TOTAL, mnist.source.description)
