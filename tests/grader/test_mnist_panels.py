"""Each level's MNIST panel with the real grader: a level's reference solution gives the very digits
the real PyTorch object gives, and a wrong file shows where it differs, never a traceback."""

from __future__ import annotations

import pytest
from grader_corpus import REPO, WRONG

from dunderquest.core.pack import builtin_pack

WITH_PANEL = [level for level in builtin_pack().catalog if level.panel is not None]


@pytest.mark.parametrize("level", WITH_PANEL, ids=[level.id for level in WITH_PANEL])
def test_the_reference_solution_shows_the_same_digits(grader, level):
    for start in (0, 40):
        shown = grader.mnist_panel(level, REPO / "solutions" / level.file_name, start)
        assert shown.items and shown.items[0].index == min(start, shown.total - 1)
        assert [item for item in shown.items if item.differs] == []


def test_a_wrong_dataloader_shows_where_it_differs(grader, catalog):
    level = catalog.get("dataloader")
    shown = grader.mnist_panel(level, WRONG / level.folder.name / "ignores_the_generator.py", 0)
    assert shown.items and any(item.differs for item in shown.items)
    assert all(item.learner is not None and not item.error for item in shown.items)
    stub = grader.mnist_panel(level, REPO / "exercises" / level.file_name, 0)
    assert stub.items
    assert all(item.differs and item.error and "Traceback" not in item.error for item in stub.items)


def test_a_wrong_concat_dataset_shows_the_boundary_it_misses(grader, catalog):
    level = catalog.get("concat")
    shown = grader.mnist_panel(level, WRONG / level.folder.name / "bisect_left_at_the_boundary.py", 0)
    wrong = [item for item in shown.items if item.differs]
    assert [item.index for item in wrong] == [7]  # b's first digit: a holds 7
    assert "IndexError" in wrong[0].error and "Traceback" not in wrong[0].error


def test_a_transform_that_does_not_scale_shows_different_digits(grader, catalog):
    level = catalog.get("transforms")
    shown = grader.mnist_panel(level, WRONG / level.folder.name / "to_tensor_not_scaled.py", 0)
    assert shown.items
    assert all(item.differs and item.learner is not None and not item.error for item in shown.items)
    assert all(item.learner.label == item.reference.label for item in shown.items)
