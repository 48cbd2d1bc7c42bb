"""Every command works with any course: a pack of one level (as `dunderquest pack new` makes it), a
pack of twelve levels, and the built-in course. The pack is found once, from the workspace, and
handed down; nothing asks for a level by its place in the built-in course."""

from __future__ import annotations

import asyncio
import json
import shutil
import signal
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from test_cli import dq

from dunderquest.core.workspace import Workspace
from dunderquest.grader.result import CheckResult, LevelResult

pytestmark = pytest.mark.usefixtures("lingering_grader")
COMMANDS = ["play", "serve", "init", "check", "list", "hint", "reset", "solution", "watch", "data", "finale",
            "stop", "doctor", "grade", "classroom", "pack"]


def twelve_levels(pack: Path) -> None:
    """The one level that `pack new` writes, and eleven more like it, each a folder of its own."""
    names = ["square"]
    for n in range(2, 13):
        name = f"square_{n}"
        shutil.copytree(pack / "levels" / "square", pack / "levels" / name)
        for part in ("exercises", "solutions"):
            shutil.copyfile(pack / part / "square.py", pack / part / f"{name}.py")
        toml = pack / "levels" / name / "level.toml"
        toml.write_text(toml.read_text().replace('title = "Objects that square"', f'title = "Square, take {n}"'))
        names.append(name)
    text = (pack / "pack.toml").read_text()
    (pack / "pack.toml").write_text(text.replace('levels = ["square"]', f"levels = {json.dumps(names)}"))


@pytest.fixture(scope="module", params=["one level", "twelve levels", "the built-in course"])
def course(request, tmp_path_factory) -> tuple[Path, int]:
    """(a workspace of the course, its number of levels)."""
    folder = tmp_path_factory.mktemp("course")
    if request.param == "the built-in course":
        made = dq("init", "ws", cwd=folder)
    else:
        assert dq("pack", "new", "pack", cwd=folder).returncode == 0
        if request.param == "twelve levels":
            twelve_levels(folder / "pack")
        made = dq("init", "--pack", "pack", "ws", cwd=folder)
    assert made.returncode == 0, made.stderr
    workspace = folder / "ws"
    return workspace, len(Workspace.find(workspace).catalog)


def no_traceback(done: subprocess.CompletedProcess) -> subprocess.CompletedProcess:
    assert "Traceback" not in done.stdout + done.stderr, done.stdout + done.stderr
    return done


def test_every_command_s_help_works_inside_the_workspace(course):
    workspace, _ = course
    assert no_traceback(dq("--help", cwd=workspace)).returncode == 0
    for command in COMMANDS:
        done = no_traceback(dq(command, "--help", cwd=workspace))
        assert done.returncode == 0 and done.stdout.startswith("usage: dunderquest"), command


def test_list_check_hint_reset_solution_and_grade_work_on_every_level(course):
    workspace, levels = course
    listed = json.loads(no_traceback(dq("list", "--format", "json", cwd=workspace)).stdout)
    assert len(listed) == levels and [row["status"] for row in listed][:2] == ["unlocked", "locked"][:levels]
    assert f"0/{levels} passed" in no_traceback(dq("list", cwd=workspace)).stdout
    last = listed[-1]["id"]
    checked = no_traceback(dq("check", cwd=workspace))  # the current level: the first, its stub
    assert checked.returncode == 1 and checked.stdout.startswith(f"Level 1: {listed[0]['title']}")
    document = json.loads(no_traceback(dq("check", str(levels), "--format", "json", cwd=workspace)).stdout)
    assert document["level"] == last and document["passed"] is False
    assert "hint 1 of" in no_traceback(dq("hint", cwd=workspace)).stdout
    assert no_traceback(dq("reset", last, cwd=workspace)).returncode == 0
    refused = no_traceback(dq("solution", "1", cwd=workspace))
    assert refused.returncode == 1 and "opens once you pass it" in refused.stderr
    graded = json.loads(no_traceback(dq("grade", "--workspace", str(workspace), "--format", "json",
                                        cwd=workspace.parent)).stdout)
    assert [level["level"] for level in graded["levels"]] == [row["id"] for row in listed]
    assert graded["score"] == 0  # the stubs, untouched


def test_data_doctor_stop_and_finale_work(course):
    workspace, levels = course
    for command in ("data", "doctor", "stop"):
        assert no_traceback(dq(command, cwd=workspace)).returncode == 0, command
    finale = no_traceback(dq("finale", cwd=workspace))
    assert finale.returncode == 1
    said = finale.stderr
    assert ("Finish level 3 first" in said) if levels == 10 else ("has no finale" in said)


def test_a_kit_is_made_for_the_course(course, tmp_path):
    workspace, levels = course
    pack = workspace.parent / "pack"
    chosen = ["--pack", str(pack)] if pack.is_dir() else []
    done = no_traceback(dq("classroom", "github", str(tmp_path / "kit"), *chosen, cwd=workspace))
    assert done.returncode == 0, done.stderr
    exercises = sorted((tmp_path / "kit" / "exercises").glob("*.py"))
    assert len(exercises) == levels


def test_watch_checks_the_current_level(course):
    workspace, _ = course
    watching = subprocess.Popen([sys.executable, "-m", "dunderquest", "watch"], cwd=workspace,
                                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        lines = []
        for line in watching.stdout:
            lines.append(line)
            if "checks passed" in line:
                break
        assert any(line.startswith("Level 1:") for line in lines), "".join(lines)
    finally:
        watching.send_signal(signal.SIGINT)
        watching.wait(30)
    assert watching.returncode == 0


class FailingGrader:
    """The game's grader, for the game alone: every check fails."""

    def warm_up(self) -> None: ...
    def cancel(self) -> None: ...
    def close(self) -> None: ...

    def grade(self, level, file) -> LevelResult:
        return LevelResult(level.id, level.title, False, "MNIST sample",
                           [CheckResult(check_id, name, False, "not yet") for check_id, name in level.checks()])

    def mnist_panel(self, level, file, start=0):
        raise AssertionError("no level of these packs has a panel")


def test_the_game_plays_every_level(course):
    from dunderquest.tui.app import DunderquestApp

    workspace, levels = course
    found = Workspace.find(workspace)
    app = DunderquestApp(found, grader=FailingGrader())

    async def play() -> None:
        async with app.run_test(size=(120, 36)) as pilot:
            await pilot.pause()
            last = found.catalog.levels[-1]
            app.game.switch_level(last)
            await pilot.pause()
            assert app.game.level == last and app.game.editor.read_only == (levels > 1)
            first = found.catalog.levels[0]
            app.game.switch_level(first)
            tries = found.progress.load().failed_tries.get(first.id, 0)
            await pilot.press("ctrl+r")
            await pilot.app.workers.wait_for_complete()
            await pilot.pause()
            assert found.progress.load().failed_tries[first.id] == tries + 1

    asyncio.run(play())


def test_the_pack_is_read_from_the_workspace_and_named_nowhere_else(course):
    workspace, levels = course
    record = workspace / ".dunderquest" / "workspace.toml"
    if levels == 10:
        assert not record.exists()
    else:
        assert Path(tomllib.loads(record.read_text())["pack"]) == (workspace.parent / "pack").resolve()
