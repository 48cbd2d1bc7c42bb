"""The sequential level's MNIST panel: MNIST digits through the learner's `Sequential(MaxPool2d(2),
Upsample(scale_factor=2))`, beside torch.nn.Sequential of the same modules. A container that runs
only one of its modules, or runs them backwards, draws other digits."""

import torch

from dunderquest.grader.checking import (
    Panel,
    PanelItem,
    SandboxProblem,
    describe,
    digit,
    indices,
    is_tensor,
    load_probes,
)

probes = load_probes(__file__)


def draw(sandbox, mnist, level, start):
    images, labels = mnist.images(), mnist.labels()
    reference = torch.nn.Sequential(*probes.blur_layers())
    window = indices(start, len(images))
    batch = images[window.start:window.stop]
    got, error = None, None
    try:
        model = sandbox.make("built", "Sequential(MaxPool2d(2), Upsample(scale_factor=2))",
                             cls=sandbox.learner_class("Sequential"), modules=sandbox.make("blur_layers", "layers"))
        got = model(sandbox.keep(batch, "images"))
    except SandboxProblem as problem:
        error = str(problem)
    expected = reference(batch)
    if got is not None and not (is_tensor(got) and list(got.shape) == list(expected.shape)):
        error, got = f"your Sequential gave {describe(got)}, not images of shape {list(expected.shape)}", None
    items = []
    for row, index in enumerate(window):
        item = PanelItem(index, f"your Sequential, image {index}", f"torch.nn.Sequential, image {index}",
                         digit(expected[row], labels[index]), error=error)
        if got is not None:
            item.learner = digit(got[row], labels[index])
        items.append(item)
    return Panel(items, len(images), mnist.source.description)
