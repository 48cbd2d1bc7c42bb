"""The finale end to end, as the game runs it: `dunderquest finale --format jsonl` in a subprocess,
on a workspace holding the reference solutions of the levels it needs. With them, a model trains
to at least 85% on the MNIST sample's test digits; with a broken class, the run stops with a message
that names the learner's file and line."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from dunderquest.core.data import sample_source
from dunderquest.core.finale import (
    Accuracy,
    Finished,
    Guesses,
    Losses,
    Problem,
    Started,
    event_from_json,
)
from dunderquest.core.pack import builtin_pack
from dunderquest.core.workspace import Workspace

# The finales reach one background grader, as `dunderquest finale` does; one test compares it with
# a finale run in the command's own process.
pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("lingering_grader")]
REPO = Path(__file__).resolve().parent.parent.parent


@pytest.fixture
def ready(tmp_path) -> Workspace:
    """A workspace where every level the finale needs holds its reference solution, passed."""
    workspace = Workspace.create(tmp_path / "ws")
    for level in builtin_pack().finale.levels(workspace.catalog):
        shutil.copyfile(REPO / "solutions" / level.file_name, workspace.exercise(level))
        workspace.progress.record(level, passed=True)
    return workspace


def finale(workspace: Workspace, env: dict[str, str] | None = None) -> tuple[int, list]:
    done = subprocess.run([sys.executable, "-m", "dunderquest", "finale", "--format", "jsonl", "--workspace",
                           str(workspace.root)], capture_output=True, text=True, timeout=300,
                          env=dict(os.environ) if env is None else env)
    return done.returncode, [event_from_json(json.loads(line)) for line in done.stdout.splitlines()]


def test_the_finale_needs_levels_3_7_8_and_10(catalog):
    """The finale's levels are in the catalog (a level renamed away would stop it)."""
    assert [level.id for level in builtin_pack().finale.levels(catalog)] == [
        "level3_numbers", "level7_dataloader", "level8_no_grad", "level10_transforms"]


def test_the_reference_solutions_train_a_model_past_85_percent(ready):
    code, events = finale(ready)
    assert code == 0, events
    started, *middle, accuracy, guesses, finished = events
    assert isinstance(started, Started) and isinstance(finished, Finished)
    losses = [loss for event in middle for loss in event.losses]
    assert all(isinstance(event, Losses) for event in middle)
    assert [event.first_step for event in middle] == [1 + sum(len(e.losses) for e in middle[:i])
                                                      for i in range(len(middle))]
    assert len(losses) == started.steps == started.epochs * -(-started.train_size // started.batch_size)
    assert sum(losses[-50:]) / 50 < sum(losses[:25]) / 25 / 4, "the loss should fall a long way"

    assert isinstance(accuracy, Accuracy) and accuracy.total == 1000
    assert accuracy.fraction >= 0.85

    raw = sample_source().raw_folder
    labels = (raw / "t10k-labels-idx1-ubyte").read_bytes()[8:]
    images = (raw / "t10k-images-idx3-ubyte").read_bytes()[16:]
    assert isinstance(guesses, Guesses) and len(guesses.digits) == 12
    for digit in guesses.digits:
        assert digit.label == labels[digit.index]
        assert digit.pixels == list(images[digit.index * 784:(digit.index + 1) * 784])
        assert 0 <= digit.guess <= 9


def test_the_lingering_grader_runs_the_same_finale_as_the_command_itself(ready, tmp_path):
    runtime = Path(tempfile.mkdtemp(prefix="dq-run-", dir="/tmp"))  # short: a socket's path must be
    lingering = dict(os.environ, DUNDERQUEST_LINGER="60", XDG_RUNTIME_DIR=str(runtime))
    try:
        code, events = finale(ready, lingering)
        assert list(runtime.glob("dunderquest/*.sock")), "no grader lingers"
        again = finale(ready, lingering)
    finally:
        subprocess.run([sys.executable, "-m", "dunderquest", "stop"], env=lingering, capture_output=True, timeout=60)
        shutil.rmtree(runtime, ignore_errors=True)
    assert code == 0 and isinstance(events[-1], Finished)
    assert events[:-1] == again[1][:-1], "the same training, step by step"
    # In the command's own process (DUNDERQUEST_LINGER=0) the same training starts the same way; the
    # floating-point rounding of the two processes' matrix products parts after a few steps.
    alone = finale(ready, dict(os.environ, DUNDERQUEST_LINGER="0"))[1]
    assert alone[0] == events[0] and alone[1].losses[:4] == events[1].losses[:4]
    assert [type(event) for event in alone] == [type(event) for event in events]
    assert min(e.fraction for e in (events[-3], alone[-3])) >= 0.85


def replace(workspace: Workspace, level_id: str, old: str, new: str) -> None:
    path = workspace.exercise(workspace.catalog.get(level_id))
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


def problem_of(workspace: Workspace) -> str:
    code, events = finale(workspace)
    assert code == 1
    assert isinstance(events[-1], Problem), events[-1]
    return events[-1].message


def test_an_error_in_the_dataloader_names_its_file_and_line(ready):
    replace(ready, "level7", "        self.position += len(indices)\n",
            "        self.position += len(indices)\n        if self.position > 64:\n"
            "            raise IndexError('out of batches')\n")
    message = problem_of(ready)
    assert "`training steps 1 to 25, each on the next batch of your DataLoader` raised IndexError: " \
           "out of batches" in message
    assert "(exercises/level7_dataloader.py, line " in message and "in __next__" in message


def test_a_transform_of_the_wrong_shape_is_explained(ready):
    replace(ready, "level10", "return grey.unsqueeze(0).float().div(255)", "return grey.float()[:14]")
    message = problem_of(ready)
    assert "turned MNIST image 0 into a tensor of shape [1, 14, 28]" in message
    assert "[1, 28, 28]" in message


def test_a_dataloader_that_hangs_is_stopped_at_its_deadline(ready):
    replace(ready, "level7", "    def __next__(self):\n", "    def __next__(self):\n        while True:\n"
            "            pass\n")
    message = problem_of(ready)
    assert "did not finish within 15 s, so it was stopped" in message


def test_a_file_python_cannot_read_is_named(ready):
    replace(ready, "level10", "class Normalize:", "class Normalize")
    message = problem_of(ready)
    assert message.startswith("Python cannot read exercises/level10_transforms.py: SyntaxError at line ")


def test_a_missing_class_is_named_with_its_file(ready):
    replace(ready, "level8", "class no_grad:", "class NoGrad:")
    message = problem_of(ready)
    assert message.startswith("exercises/level8_no_grad.py has no `no_grad`")
    assert "It defines: NoGrad" in message
