"""Level 9's MNIST panel: `ConcatDataset([a, b])[i]`, where a is MNIST's first few training digits and
b the test set, beside the item of a or b that torch's ConcatDataset gives: the boundary between
them is in the first window."""

from torch.utils.data import ConcatDataset, Subset
from torchvision.datasets import MNIST
from torchvision.transforms import ToTensor

from dunderquest.grader.checking import Panel, PanelItem, SandboxProblem, digit, indices, learner_item

EDGE = 7  # how many training digits `a` holds


def draw(sandbox, mnist, level, start):
    test = MNIST(mnist.root, train=False, download=False, transform=ToTensor())
    reference = ConcatDataset([Subset(mnist.tensor_dataset(), range(EDGE)), test])
    dataset, error = None, None
    try:
        a = sandbox.make("mnist_dataset", "a", root=mnist.root, train=True, indices=list(range(EDGE)))
        b = sandbox.make("mnist_dataset", "b", root=mnist.root, train=False)
        dataset = sandbox.new(sandbox.learner_class("ConcatDataset"), [a, b])
    except SandboxProblem as problem:
        error = str(problem)
    items = []
    for index in indices(start, len(reference)):
        source = f"a[{index}]" if index < EDGE else f"b[{index - EDGE}]"
        item = PanelItem(index, f"ConcatDataset([a, b])[{index}]", f"torch's ConcatDataset: {source}",
                         digit(*reference[index]), error=error)
        if dataset is not None:
            item.learner, item.error = learner_item(dataset, index, f"ConcatDataset([a, b])[{index}]")
        items.append(item)
    return Panel(items, len(reference), f"{mnist.source.description}; a: the first {EDGE} training digits, b: the "
                                        "test set")
