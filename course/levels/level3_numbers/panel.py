"""Level 3's MNIST panel: `Numbers(x, y)[i]`, made from MNIST's images and labels, beside the item i
that torchvision's MNIST gives."""

from dunderquest.grader.checking import Panel, PanelItem, SandboxProblem, digit, indices, learner_item


def draw(sandbox, mnist, level, start):
    reference = mnist.tensor_dataset()
    dataset, error = None, None
    try:
        x = sandbox.make("mnist_images", "x", root=mnist.root, train=True)
        y = sandbox.make("mnist_labels", "y", root=mnist.root, train=True)
        dataset = sandbox.new(sandbox.learner_class("Numbers"), x, y)
    except SandboxProblem as problem:
        error = str(problem)
    items = []
    for index in indices(start, len(reference)):
        item = PanelItem(index, f"Numbers(x, y)[{index}]", f"MNIST(...)[{index}]", digit(*reference[index]),
                         error=error)
        if dataset is not None:
            item.learner, item.error = learner_item(dataset, index, f"Numbers(x, y)[{index}]")
        items.append(item)
    return Panel(items, len(reference), mnist.source.description)
