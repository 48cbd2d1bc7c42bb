"""Level 10's MNIST panel: MNIST's training digit i through the file's `Compose([ToTensor(),
Normalize((0.1307,), (0.3081,))])`, beside torchvision's pipeline. Both are drawn as `x * 0.3081 +
0.1307`, undoing the normalization, so a digit that ToTensor did not scale to [0, 1] shows up as a blot."""

from torchvision import transforms

from dunderquest.grader.checking import Panel, PanelItem, SandboxProblem, digit, indices, is_tensor, learner_item

MEAN, STD = (0.1307,), (0.3081,)


def shown(tensor):
    return tensor * STD[0] + MEAN[0] if is_tensor(tensor) and tensor.dtype.is_floating_point else tensor


def draw(sandbox, mnist, level, start):
    reference = transforms.Compose([transforms.ToTensor(), transforms.Normalize(MEAN, STD)])
    dataset, error = None, None
    try:
        parts = [sandbox.new(sandbox.learner_class("ToTensor")),
                 sandbox.new(sandbox.learner_class("Normalize"), MEAN, STD)]
        pipeline = sandbox.new(sandbox.learner_class("Compose"), parts)
        dataset = sandbox.make("mnist_pil", "MNIST(..., transform=transform)", root=mnist.root, train=True,
                               transform=pipeline)
    except SandboxProblem as problem:
        error = str(problem)
    items = []
    for index in indices(start, len(mnist.train)):
        image, label = mnist.train[index]
        item = PanelItem(index, f"your transform, image {index}", f"torchvision's transform, image {index}",
                         digit(shown(reference(image)), label), error=error)
        if dataset is not None:
            item.learner, item.error = learner_item(dataset, index, f"MNIST(..., transform=your transform)[{index}]",
                                                    shown)
        items.append(item)
    return Panel(items, len(mnist.train), mnist.source.description)
