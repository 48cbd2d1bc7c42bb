"""Fixtures for the game's tests: a fake grader, and the app built on it."""

from __future__ import annotations

import pytest
from fakes import FakeGrader
from textual.widgets import TextArea

# Snapshots must not depend on when the cursor blinks.
TextArea.cursor_blink = False


@pytest.fixture
def fake_grader() -> FakeGrader:
    return FakeGrader()


@pytest.fixture
def app(workspace, fake_grader):
    from dunderquest.tui.app import DunderquestApp

    return DunderquestApp(workspace, grader=fake_grader)
