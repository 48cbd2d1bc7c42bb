"""Everything a level's checks.py needs from the grader, in one module:

    from dunderquest.grader.checking import Named, describe, expect_same, fail

A level's checks are a pytest module. Each check is a function named `test_...` whose docstring's
first line is the sentence the learner reads. It fails by calling `fail(message)` (or an `expect_...`
helper) with a message in plain words: what the learner's code did, what was expected, and where to
look. A bare `assert` is never a message, and an exception other than `CheckFailed` counts as a bug
in the check, not in the learner's code.

The grader hands every check these fixtures by name:

- `sandbox`: the learner's file, loaded in a sandbox process (a `SandboxProxy`, see proxy.py).
  `sandbox.learner_class("Name")` is their class as a `Remote`; calling, indexing, `len()` and
  iterating a `Remote` run their code over there under a deadline. `sandbox.new(cls, *args)`,
  `sandbox.make(name, expr, **args)` (an object built in the sandbox: see inside/makers.py, or a
  function of the level's own probes.py), `sandbox.keep(value, expr)`, `sandbox.fetch(remote)`,
  `sandbox.source` (the learner's file as parsed text, for questions of structure) and
  `sandbox.display_path` (the learner's file as a message should name it).
- `level`: the `Level` being graded (its class name, its title).
- `mnist`: the reference MNIST: torchvision's own objects over the data in use.
- `rng`: a `random.Random` seeded afresh for every run, for sample indices and seeds.

A level whose checks need helpers inside the sandbox (subclasses of the learner's class, hooks,
counting datasets) writes them in `probes.py` beside its checks.py. The grader runs that file in
every sandbox of the level, where `sandbox.make("name", ...)` builds its public functions and
classes; `probes = load_probes(__file__)` imports the same file here, so that a check can build the
very same helpers around torch's own classes and compare what both record.

A level that draws an MNIST panel in the game names its `panel.py` in level.toml. Its function
`draw(sandbox, mnist, level, start)` returns a `Panel` of up to WINDOW `PanelItem`s from `indices(start,
total)`: each the reference's `digit(image, label)` beside the learner's (`learner_item(dataset, i,
expr)` for a dataset's item, `batch_item(batch, row)` for a row of a batch), or the `error` their code
gave instead (catch `SandboxProblem`). A DataLoader a panel shuffles is seeded with PANEL_SEED.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

from .expect import CheckFailed, describe, difference, expect_same, expect_written_class, fail, is_tensor, same
from .messages import LearnerRaised, SandboxProblem
from .panel_parts import PANEL_SEED, WINDOW, Panel, PanelItem, batch_item, digit, indices, learner_item
from .remote import Named, Remote
from .source import is_subclass_of, resolve

__all__ = [
    "PANEL_SEED", "WINDOW", "CheckFailed", "LearnerRaised", "Named", "Panel", "PanelItem", "Remote", "SandboxProblem",
    "batch_item", "describe", "difference", "digit", "expect_same", "expect_written_class", "fail", "indices",
    "is_subclass_of", "is_tensor", "learner_item", "load_probes", "resolve", "same",
]


def load_probes(checks_file: str) -> ModuleType:
    """The level's probes.py, beside `checks_file` (pass `__file__`), imported in the grader's
    process (once: later calls give the same module)."""
    path = Path(checks_file).resolve().with_name("probes.py")
    name = f"{path.parent.name}_probes"
    known = sys.modules.get(name)
    if known is not None and getattr(known, "__file__", None) == str(path):
        return known
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module
