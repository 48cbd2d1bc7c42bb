"""The finale's training loop, run in the sandbox with the learner's classes (made there as
`sandbox.make("finale_training", ...)`). The pack's pipeline (its pack.toml's `[finale]`, see
core/finale.py) says how each part is built from their classes: the transform that prepares the
MNIST images, the dataset that holds them, the loader that batches them, and the context the test
digits are guessed in. A part the pack leaves out is PyTorch's own.

It is the sandbox's side, so it imports nothing of the trusted grader. The trusted driver
(grader/finale.py) calls it a slice of steps at a time, each call under its own deadline, and gets plain
data back: losses, and at the end the model's guess for every test digit. It judges nothing: the
driver counts the right guesses against labels it read itself.
"""

from __future__ import annotations

import builtins
from typing import Any

MEAN, STD = (0.1307,), (0.3081,)  # MNIST's mean and standard deviation
HIDDEN = 64
MAX_EXTRA_BATCHES = 2  # an epoch may give this many batches more than the items allow, then it is stopped
LEARNER = "learner_"  # how the driver passes each of the learner's classes: learner_<its name>=...


class FinaleProblem(Exception):
    """What went wrong with the learner's classes, in plain words (the trusted side shows it as is)."""


def pytorch_part(part: str, **names: Any) -> Any:
    """PyTorch's own part, for a part the pack's pipeline leaves out."""
    import torch
    from torch.utils.data import DataLoader, TensorDataset
    from torchvision import transforms

    if part == "transform":
        return transforms.Compose([transforms.ToTensor(), transforms.Normalize(MEAN, STD)])
    if part == "dataset":
        return TensorDataset(names["images"], names["labels"])
    if part == "loader":
        return DataLoader(names["dataset"], batch_size=names["batch_size"], shuffle=names["shuffle"],
                          generator=names["generator"])
    return torch.no_grad()


class Training:
    """Trains a small MLP (784 -> HIDDEN -> 10) with SGD on `train_size` MNIST training digits, and
    evaluates it on `test_size` test digits. Every step that runs the learner's code is a method of
    its own, so a failure names the step it happened in."""

    def __init__(self, *, pipeline: dict[str, str], root: str, train_size: int, test_size: int, epochs: int,
                 batch_size: int, lr: float, seed: int, **classes: Any):
        self.classes = {name.removeprefix(LEARNER): cls for name, cls in classes.items() if name.startswith(LEARNER)}
        self.pipeline = dict(pipeline)
        self.root, self.train_size, self.test_size = root, train_size, test_size
        self.epochs, self.batch_size, self.lr, self.seed = epochs, batch_size, lr, seed
        self.epoch = 0
        self.step = 0
        self.batches: Any = None
        self.in_epoch = 0

    def build(self, part: str, **names: Any) -> Any:
        """A part of the training, as the pack's pipeline builds it from the learner's classes."""
        import torch

        expression = self.pipeline.get(part)
        if expression is None:
            return pytorch_part(part, **names)
        scope = {"__builtins__": builtins, "torch": torch, **self.classes, **names}
        return eval(compile(expression, f"<the finale's {part}>", "eval"), scope)  # the pack's own expression

    def named(self, part: str, *, first: bool = False) -> str:
        """A part, as messages name it (`first` in a sentence): the pack's expression, or PyTorch's own."""
        expression = self.pipeline.get(part)
        said = f"your `{expression}`" if expression else f"PyTorch's own {part}"
        return said[0].upper() + said[1:] if first else said

    # -- the steps the trusted side calls, in order ---------------------------------------------

    def prepare(self) -> int:
        """Turns the MNIST images into tensors with the learner's transform, puts them in their
        dataset, and makes their loader. Returns the number of batches in one epoch."""
        import torch
        from torchvision.datasets import MNIST

        transform = self.build("transform")
        train = MNIST(self.root, train=True, download=False)
        test = MNIST(self.root, train=False, download=False)
        self.train_set = self.build("dataset", images=self.images(transform, train, self.train_size),
                                    labels=train.targets[:self.train_size].clone())
        self.test_set = self.build("dataset", images=self.images(transform, test, self.test_size),
                                   labels=test.targets[:self.test_size].clone())
        torch.manual_seed(self.seed)
        self.model = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(28 * 28, HIDDEN), torch.nn.ReLU(),
                                         torch.nn.Linear(HIDDEN, 10))
        self.optimizer = torch.optim.SGD(self.model.parameters(), lr=self.lr, momentum=0.9)
        self.loader = self.build("loader", dataset=self.train_set, batch_size=self.batch_size, shuffle=True,
                                 generator=torch.Generator().manual_seed(self.seed))
        batches = len(self.loader)
        if not isinstance(batches, int):
            raise FinaleProblem(f"len() of {self.named('loader')} gave {type(batches).__name__}, not an int.")
        return batches

    def images(self, transform: Any, split: Any, count: int) -> Any:
        import torch

        images = []
        for index in range(count):
            image = transform(split[index][0])
            if not isinstance(image, torch.Tensor) or image.numel() != 28 * 28:
                got = f"a tensor of shape {list(image.shape)}" if isinstance(image, torch.Tensor) else \
                    type(image).__name__
                raise FinaleProblem(f"{self.named('transform', first=True)} turned MNIST image {index} into "
                                    f"{got}; the finale needs a float tensor of shape [1, 28, 28].")
            images.append(image.reshape(1, 28, 28).float())
        return torch.stack(images)

    def train(self, steps: int) -> dict:
        """Up to `steps` training steps, each on the next batch of the loader. Returns
        {"epoch": the epoch of the first step (1-based), "losses": [...], "done": all epochs ran}.
        A slice ends early at the end of an epoch, so its losses all belong to one epoch."""
        import torch

        if self.batches is None:
            if self.epoch >= self.epochs:
                return {"epoch": self.epoch, "losses": [], "done": True}
            self.batches = iter(self.loader)
            self.epoch += 1
            self.in_epoch = 0
        epoch, losses = self.epoch, []
        self.model.train()
        while len(losses) < steps:
            try:
                batch = next(self.batches)
            except StopIteration:
                if self.in_epoch == 0:
                    raise FinaleProblem(f"{self.named('loader', first=True)} gave no batch at all over "
                                        f"{self.train_size} items with batch_size={self.batch_size}.") from None
                self.batches = None
                break
            self.in_epoch += 1
            limit = -(-self.train_size // self.batch_size) + MAX_EXTRA_BATCHES
            if self.in_epoch > limit:
                raise FinaleProblem(f"{self.named('loader', first=True)} gave more than {limit} batches in one "
                                    f"pass over {self.train_size} items with batch_size={self.batch_size}: a pass "
                                    "should end with StopIteration once every item was given.")
            images, labels = self.pair(batch)
            self.optimizer.zero_grad()
            loss = torch.nn.functional.cross_entropy(self.model(images), labels)
            loss.backward()
            self.optimizer.step()
            value = float(loss.item())
            if value != value or value in (float("inf"), float("-inf")):
                raise FinaleProblem(f"The loss became {value} at step {self.step + len(losses) + 1}: the images "
                                    f"from {self.named('transform')} are far from normalized MNIST images "
                                    "(values around 0, mostly between -1 and 3). Look at how it scales the "
                                    "pixels and how it normalizes them.")
            losses.append(value)
        self.step += len(losses)
        return {"epoch": epoch, "losses": losses, "done": self.batches is None and self.epoch >= self.epochs}

    def pair(self, batch: Any) -> tuple[Any, Any]:
        """A batch as (images [B, 1, 28, 28], labels int64 [B]), or a plain message."""
        import torch

        if not isinstance(batch, list | tuple) or len(batch) != 2:
            raise FinaleProblem(f"A batch from {self.named('loader')} was {type(batch).__name__}, not the pair "
                                "[images, labels].")
        images, labels = batch
        if not isinstance(images, torch.Tensor) or images.dim() < 2 or images[0].numel() != 28 * 28:
            shape = list(images.shape) if isinstance(images, torch.Tensor) else type(images).__name__
            raise FinaleProblem(f"The images of a batch from {self.named('loader')} were {shape}, not one "
                                "tensor of shape [batch_size, 1, 28, 28]: the samples should be stacked.")
        labels = torch.as_tensor(labels).long().reshape(-1)
        if len(labels) != len(images):
            raise FinaleProblem(f"A batch from {self.named('loader')} had {len(images)} images but {len(labels)} "
                                "labels.")
        return images.float(), labels

    def evaluate(self) -> dict:
        """The model's guess for every test digit, in order, computed inside the pipeline's
        evaluation context; and whether autograd was off in there, as it should be."""
        import torch

        self.model.train(False)  # evaluation mode
        loader = self.build("loader", dataset=self.test_set, batch_size=250, shuffle=False, generator=None)
        guesses: list[int] = []
        grad_was_on = False
        with self.build("evaluation"):
            grad_was_on = torch.is_grad_enabled()
            for batch in loader:
                images, _ = self.pair(batch)
                guesses.extend(int(g) for g in self.model(images).argmax(dim=1))
                if len(guesses) > self.test_size:
                    break
        return {"guesses": guesses, "grad_was_on": grad_was_on}
