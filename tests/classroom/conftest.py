"""What the kit tests share: the wheel the kits carry, and one Classroom 50 kit built with it."""

from __future__ import annotations

from pathlib import Path

import pytest

from dunderquest.classroom.wheel import kit_wheel
from dunderquest.cli import main


@pytest.fixture(scope="session")
def kit(tmp_path_factory, wheel) -> Path:
    """The wheel the kits carry: without the reference solutions."""
    return kit_wheel(tmp_path_factory.mktemp("kit-wheel"), given=wheel)


@pytest.fixture(scope="module")
def classroom50(tmp_path_factory, kit) -> Path:
    dest = tmp_path_factory.mktemp("classroom50") / "kit"
    assert main(["classroom", "classroom50", str(dest), "--wheel", str(kit)]) == 0
    return dest
