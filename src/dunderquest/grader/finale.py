"""The finale's trusted driver: it loads the learner's files for the levels the pack's finale needs
into one sandbox, has the sandbox train a small model with their classes, built as the pack's
pipeline says (inside/finale_training.py, on the far side), and reports the run as events
(core/finale.py): the losses a slice of steps at a time, then the test accuracy and a grid of test
digits with the model's guesses.

Every call into the sandbox has its own deadline, and whatever the learner's code does is turned
into a `Problem` event in plain words. The accuracy is counted here, against labels this process
read itself; the sandbox only says what the model guessed. Nothing is graded.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from ..core.catalog import Level
from ..core.data import current_source
from ..core.finale import Accuracy, Event, Finale, Finished, Guess, Guesses, Losses, Problem, Started, in_words
from ..core.pack import Pack
from .inside.finale_training import LEARNER
from .messages import LearnerRaised, SandboxProblem
from .proxy import SandboxProxy

if TYPE_CHECKING:
    from .service.processes import SandboxSource

TRAIN_SIZE, TEST_SIZE = 4000, 1000  # the whole embedded sample; the same share of the full set
EPOCHS, BATCH_SIZE, LEARNING_RATE = 5, 32, 0.05
MODEL = "784 -> 64 -> 10 MLP (torch.nn.Linear, ReLU), SGD with momentum"
SLICE = 25  # training steps per call into the sandbox: the loss streams back this often
GRID = 12  # test digits shown with the model's guess
PREPARE_TIMEOUT = 40.0  # the learner's transforms run on 5,000 images in this call
STEP_TIMEOUT = 15.0  # one slice of training steps
EVALUATE_TIMEOUT = 20.0


def finale_events(pack: Pack, file_of: Callable[[Level], Path], sandboxes: SandboxSource, *,
                  seed: int = 0) -> Iterator[Event]:
    """Runs `pack`'s finale with the learner's files (`file_of(level)`: a workspace's exercise files,
    or a submission's), yielding its events as they happen. The last event is `Finished` or `Problem`."""
    began = time.monotonic()
    finale = pack.finale
    if finale is None:
        yield Problem(f"The course {pack.title} has no finale.")
        return
    if unknown := finale.unknown_names(pack.catalog):
        yield Problem(f"The finale's pipeline in {pack.root / 'pack.toml'} names {', '.join(unknown)}, which no "
                      "level teaches.")
        return
    levels = finale.levels(pack.catalog)
    files = [(file_of(level), level.exercise_path, level.folder.name) for level in levels]
    sandbox = SandboxProxy(files[0][0], files[0][1], sandboxes=sandboxes, module_name=files[0][2], also=files[1:])
    try:
        yield from _run(sandbox, finale, finale.classes(pack.catalog), seed, began)
    except SandboxProblem as problem:
        yield Problem(_message(problem))
    except (KeyError, TypeError, ValueError, AttributeError) as err:  # the sandbox is the learner's: it may lie
        yield Problem(f"The sandbox sent back something the finale cannot read ({type(err).__name__}: {err}). "
                      "Your code may have changed the training loop it runs.")
    finally:
        sandbox.close()


def _run(sandbox: SandboxProxy, finale: Finale, sources: dict[str, Level], seed: int, began: float,
         ) -> Iterator[Event]:
    from torchvision.datasets import MNIST

    source = current_source()
    classes = {f"{LEARNER}{name}": sandbox.learner_class(name, level.folder.name) for name, level in sources.items()}
    training = sandbox.make(
        "finale_training", "the finale's training", pipeline=dict(finale.parts), root=str(source.root),
        train_size=TRAIN_SIZE, test_size=TEST_SIZE, epochs=EPOCHS, batch_size=BATCH_SIZE, lr=LEARNING_RATE,
        seed=seed, **classes)
    described = ", ".join(f"`{expression}`" for part, expression in finale.parts if part != "evaluation")
    batches = sandbox.call(
        sandbox.getattr(training, "prepare"), timeout=PREPARE_TIMEOUT,
        expr=f"preparing {TRAIN_SIZE + TEST_SIZE:,} MNIST digits with {described or 'PyTorch'}")
    yield Started(source.description, TRAIN_SIZE, TEST_SIZE, EPOCHS, EPOCHS * batches, BATCH_SIZE, MODEL,
                  list(sources))

    train = sandbox.getattr(training, "train")
    loader = in_words([f"your {name}" for name in finale.names("loader") if name in sources]) or "the loader"
    step = 1
    # The sandbox ends an epoch after a few batches too many, so a run that works needs at most this
    # many calls; more means the far side no longer runs the training loop it was given.
    calls_left = EPOCHS * (TRAIN_SIZE // BATCH_SIZE // SLICE + 3)
    while True:
        calls_left -= 1
        if calls_left < 0:
            yield Problem("The training did not end after its epochs. Your code may have changed the training "
                          "loop the sandbox runs.")
            return
        reply = sandbox.call(train, SLICE, timeout=STEP_TIMEOUT,
                             expr=f"training steps {step} to {step + SLICE - 1}, each on the next batch of {loader}")
        losses = [float(loss) for loss in reply["losses"]]
        if losses:
            yield Losses(step, int(reply["epoch"]), losses)
            step += len(losses)
        if reply["done"]:
            break

    evaluation = finale.expression("evaluation")
    evaluated = sandbox.call(sandbox.getattr(training, "evaluate"), timeout=EVALUATE_TIMEOUT,
                             expr=f"the model's guesses for {TEST_SIZE:,} test digits"
                                  + (f", inside `with {evaluation}:`" if evaluation else "")
                                  + " (a batch of 250 at a time)")
    guesses = [int(guess) for guess in evaluated["guesses"]]
    if len(guesses) != TEST_SIZE:
        loader = finale.expression("loader")
        files = ", ".join(sources[name].exercise_path for name in finale.names("loader") if name in sources)
        yield Problem(f"`{loader or 'The loader'}` gave {len(guesses)} test digits in one pass without shuffling; "
                      f"there are {TEST_SIZE}. Look at how it ends a pass" + (f" ({files})." if files else "."))
        return
    test = MNIST(str(source.root), train=False, download=False)
    labels = test.targets[:TEST_SIZE].tolist()
    accuracy = Accuracy(sum(int(g == y) for g, y in zip(guesses, labels, strict=True)), TEST_SIZE)
    if accuracy.learned_little:
        accuracy.advice = (f"That is far below the 85-90% that classes which work like PyTorch's reach. "
                           f"{finale.advice}").strip()
    yield accuracy
    yield Guesses([Guess(i, test.data[i].reshape(-1).tolist(), labels[i], guesses[i]) for i in range(GRID)])
    yield Finished(round(time.monotonic() - began, 1))


def _message(problem: SandboxProblem) -> str:
    if isinstance(problem, LearnerRaised) and problem.type_name == "FinaleProblem":
        return str(problem.error.get("message", ""))  # the training loop's own words, about the learner's classes
    return str(problem)
