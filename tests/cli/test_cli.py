"""The `dunderquest` command, run as a learner runs it: `python -m dunderquest ...` in a subprocess,
from a folder of its own, with the test session's data and user folders (see tests/conftest.py)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from dunderquest.core.pack import builtin_pack

REPO = Path(__file__).resolve().parent.parent.parent
CATALOG = builtin_pack().catalog
# The commands reach one background grader, as a learner's do; the tests of the one-off path say so.
pytestmark = pytest.mark.usefixtures("lingering_grader")
ALL_LOCKED = {level.id: "locked" for level in CATALOG}


def dq(*args: str, cwd: Path, env: dict | None = None, timeout: float = 180) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "dunderquest", *args], cwd=cwd, env=env or dict(os.environ),
                          capture_output=True, text=True, timeout=timeout)


@pytest.fixture
def ws(tmp_path) -> Path:
    """A fresh workspace made by `dunderquest init`; the commands run from inside it."""
    done = dq("init", "ws", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    return tmp_path / "ws"


def exercise(ws: Path, number: str) -> Path:
    return ws / CATALOG.get(number).exercise_path


def put_solution(ws: Path, number: str) -> None:
    level = CATALOG.get(number)
    shutil.copyfile(REPO / "solutions" / level.file_name, ws / level.exercise_path)


def listing(ws: Path) -> dict[str, str]:
    done = dq("list", "--format", "json", cwd=ws)
    assert done.returncode == 0, done.stderr
    return {row["id"]: row["status"] for row in json.loads(done.stdout)}


def record_pass(ws: Path, number: str) -> None:
    from dunderquest.core.workspace import Workspace

    Workspace.find(ws).progress.record(CATALOG.get(number), passed=True)


# -- help, init, list ------------------------------------------------------------------------------


@pytest.mark.parametrize("command", [["list"], ["check", "1"], ["hint", "1"]], ids=lambda c: c[0])
def test_output_into_a_reader_that_went_away_ends_quietly(ws, command):
    """`dunderquest list | head -1`: once the reader has gone, the command stops without a traceback."""
    reader, writer = os.pipe()
    os.close(reader)  # gone before the first line is written
    try:
        done = subprocess.run([sys.executable, "-m", "dunderquest", *command], cwd=ws, stdout=writer,
                              stderr=subprocess.PIPE, text=True, timeout=180)
    finally:
        os.close(writer)
    assert "Traceback" not in done.stderr and "Exception ignored" not in done.stderr, done.stderr
    assert done.returncode == 1


@pytest.mark.parametrize("command", [[], ["play"], ["init"], ["check"], ["list"], ["hint"], ["reset"],
                                     ["solution"], ["data"]], ids=lambda c: c[0] if c else "top")
def test_help_explains_every_command(tmp_path, command):
    done = dq(*command, "--help", cwd=tmp_path)
    assert done.returncode == 0 and done.stderr == ""
    assert done.stdout.startswith("usage: dunderquest")
    if not command:
        for name in ("play", "init", "check", "list", "hint", "reset", "solution", "data"):
            assert name in done.stdout


def test_init_creates_a_workspace_with_every_exercise(tmp_path):
    done = dq("init", "ws", cwd=tmp_path)
    assert done.returncode == 0
    assert "Created the workspace" in done.stdout
    for level in CATALOG:
        assert (tmp_path / "ws" / level.exercise_path).read_text(encoding="utf-8") == level.stub()
    assert (tmp_path / "ws" / ".dunderquest").is_dir()


def test_init_never_overwrites_the_learner_work(ws):
    exercise(ws, "1").write_text("# my own Double\n", encoding="utf-8")
    done = dq("init", str(ws), cwd=ws.parent)
    assert done.returncode == 0 and "is a workspace already; every exercise file is in place" in done.stdout
    assert exercise(ws, "1").read_text(encoding="utf-8") == "# my own Double\n"
    exercise(ws, "2").unlink()
    done = dq("init", str(ws), cwd=ws.parent)
    assert f"Updated the workspace {ws}: wrote the starting file of exercises/level2_data.py" in done.stdout
    assert exercise(ws, "1").read_text(encoding="utf-8") == "# my own Double\n"


def test_init_of_a_file_or_of_a_folder_inside_a_workspace_is_refused_in_plain_words(ws, tmp_path):
    (tmp_path / "notes.txt").write_text("mine\n", encoding="utf-8")
    done = dq("init", "notes.txt", cwd=tmp_path)
    assert done.returncode == 2 and "is a file, not a folder" in done.stderr, done.stderr
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "mine\n"
    done = dq("init", "exercises", cwd=ws)
    assert done.returncode == 2 and f"is inside the workspace {ws}" in done.stderr, done.stderr
    assert not (ws / "exercises" / ".dunderquest").exists()
    assert "Traceback" not in done.stderr


def test_a_missing_exercise_file_is_written_again_and_the_command_says_so(ws):
    exercise(ws, "1").unlink()
    done = dq("list", cwd=ws)
    assert done.returncode == 0
    assert "exercises/level1_double.py was missing, so its starting file was written again." in done.stderr
    assert exercise(ws, "1").read_text(encoding="utf-8") == CATALOG.get("1").stub()
    assert "was missing" not in dq("list", cwd=ws).stderr, "said once, when it happened"


def test_list_shows_every_level_and_its_status(ws):
    done = dq("list", cwd=ws)
    assert done.returncode == 0
    for level in CATALOG:
        assert level.title in done.stdout and level.exercise_path in done.stdout
    assert f"0/{len(CATALOG)} passed" in done.stdout
    rows = json.loads(dq("list", "--format", "json", cwd=ws).stdout)
    assert [set(row) for row in rows] == [{"id", "title", "status", "file"}] * len(CATALOG)
    assert [(row["id"], row["status"], row["file"]) for row in rows] == [
        (level.id, "unlocked" if level.number == 1 else "locked", level.exercise_path) for level in CATALOG]


def test_list_reflects_passes(ws):
    record_pass(ws, "1")
    record_pass(ws, "2")
    assert listing(ws) == {**ALL_LOCKED, "level1_double": "passed", "level2_data": "passed",
                           "level3_numbers": "unlocked"}
    assert f"2/{len(CATALOG)} passed" in dq("list", cwd=ws).stdout


# -- usage errors ----------------------------------------------------------------------------------


@pytest.mark.parametrize("command", [["check", "99"], ["hint", "ninety"], ["reset", "level0"],
                                     ["solution", "77"]])
def test_an_unknown_level_is_a_usage_error(ws, command):
    done = dq(*command, cwd=ws, timeout=60)
    assert done.returncode == 2
    assert f"There is no level called '{command[1]}'" in done.stderr
    assert "1 (double)" in done.stderr and done.stdout == ""
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("command", [["list"], ["check", "1"], ["hint", "1"]])
def test_a_workspace_that_does_not_exist_is_a_usage_error(tmp_path, command):
    done = dq(*command, "--workspace", "/nonexistent/dq-ws", cwd=tmp_path, timeout=60)
    assert done.returncode == 2
    assert "/nonexistent/dq-ws is not a dunderquest workspace" in done.stderr
    assert "dunderquest init" in done.stderr and "Traceback" not in done.stderr
    assert not Path("/nonexistent/dq-ws").exists()


def test_the_workspace_option_works_from_anywhere(ws, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    record_pass(ws, "1")
    done = dq("list", "--format", "json", "--workspace", str(ws), cwd=elsewhere)
    assert done.returncode == 0 and json.loads(done.stdout)[0]["status"] == "passed"


# -- hints, reset, solution, data ------------------------------------------------------------------


def words(text: str) -> str:
    """Text as Rich draws Markdown without colours: its words, without code fences, the backticks of
    inline code and the stars of bold text."""
    kept = [line for line in text.splitlines() if not line.strip().startswith("```")]
    return " ".join(" ".join(kept).replace("`", "").replace("*", "").split())


def test_hints_come_one_at_a_time_as_markdown(ws):
    hints = CATALOG.get("1").hints()
    first, second = (dq("hint", "1", cwd=ws) for _ in range(2))
    assert first.returncode == second.returncode == 0
    assert f"Level 1: hint 1 of {len(hints)} (Double)" in first.stdout and words(hints[0]) in words(first.stdout)
    assert "`" not in first.stdout and "**" not in first.stdout, "Markdown is drawn, not shown raw"
    assert f"Level 1: hint 2 of {len(hints)}" in second.stdout and words(hints[1]) in words(second.stdout)
    for _ in range(len(hints) - 2):
        dq("hint", "1", cwd=ws)
    last = dq("hint", "1", cwd=ws)
    assert f"you have seen all {len(hints)} hints" in last.stdout and words(hints[-1]) in words(last.stdout)


@pytest.mark.parametrize("number", [str(level.number) for level in CATALOG])
def test_every_level_s_lesson_is_shown_outside_the_game(ws, number):
    level = CATALOG.get(number)
    done = dq("lesson", number, cwd=ws)
    assert done.returncode == 0 and done.stderr == "", done.stderr
    shown = [line.strip() for line in done.stdout.splitlines()]
    headings = [line for line in level.lesson().splitlines() if line.startswith("#")]
    assert headings and not set(headings) & set(shown), "headings are drawn, not shown raw"
    assert words(headings[0].lstrip("# ")) in words(done.stdout) and not [line for line in shown if "```" in line]
    lines = [line for line in level.lesson().splitlines() if line and not line.startswith(("#", "```", "|", "-", ">"))]
    assert words(lines[0]) in words(done.stdout)
    assert f"dunderquest check {number}" in done.stdout and level.exercise_path in done.stdout


@pytest.mark.parametrize("name", ["3", "level3", "numbers", "Numbers", "level3_numbers"])
def test_a_level_can_be_named_as_the_help_says(ws, name):
    done = dq("hint", name, cwd=ws)
    assert done.returncode == 0, done.stderr
    assert "Level 3: hint 1 of" in done.stdout and "(Numbers)" in done.stdout


def test_reset_restores_the_stub_and_keeps_a_backup(ws):
    exercise(ws, "1").write_text("class Double:\n    pass  # my try\n", encoding="utf-8")
    done = dq("reset", "1", cwd=ws)
    assert done.returncode == 0
    assert exercise(ws, "1").read_text(encoding="utf-8") == CATALOG.get("1").stub()
    kept = done.stdout.split("kept as ")[1].strip()
    assert (ws / kept).read_text(encoding="utf-8") == "class Double:\n    pass  # my try\n"


def test_reset_of_the_untouched_stub_keeps_no_backup(ws):
    done = dq("reset", "1", cwd=ws)
    assert done.returncode == 0 and "kept as" not in done.stdout
    assert not (ws / ".dunderquest" / "backups").exists()


def test_a_folder_where_the_file_should_be_is_named_by_reset_and_solution(ws):
    record_pass(ws, "1")
    exercise(ws, "1").unlink()
    exercise(ws, "1").mkdir()
    for command in ("reset", "solution"):
        done = dq(command, "1", cwd=ws)
        assert done.returncode == 1, done.stderr
        assert "exercises/level1_double.py" in done.stderr and "Traceback" not in done.stderr
    assert "is a folder, not a file" in dq("reset", "1", cwd=ws).stderr
    assert exercise(ws, "1").is_dir(), "nothing of the learner's was removed"


def test_hint_without_a_level_is_for_the_current_one(ws):
    record_pass(ws, "1")
    done = dq("hint", cwd=ws)
    assert done.returncode == 0 and "Level 2: hint 1 of" in done.stdout


def test_the_solution_opens_only_after_a_pass(ws):
    done = dq("solution", "1", cwd=ws)
    assert done.returncode == 1
    assert "opens once you pass it" in done.stderr and done.stdout == ""
    record_pass(ws, "1")
    done = dq("solution", "1", cwd=ws)
    assert done.returncode == 0
    assert "--- yours: exercises/level1_double.py" in done.stdout
    assert "+    def __call__(self, x):" in done.stdout
    put_solution(ws, "1")
    assert "same as the reference solution" in dq("solution", "1", cwd=ws).stdout


def test_data_names_the_sample(ws):
    done = dq("data", cwd=ws)
    assert done.returncode == 0
    assert "MNIST sample (4,000 train / 1,000 test" in done.stdout
    assert "dunderquest data download" in done.stdout


# -- check: the cold path, about 5 s each ----------------------------------------------------------


def one_json_document(stdout: str) -> dict:
    document = json.loads(stdout)  # raises if anything else was printed
    assert set(document) == {"level", "title", "passed", "data", "checks", "seconds", "notes", "printed",
                             "mistake"}
    assert all(set(check) == {"id", "name", "passed", "message", "line", "method"} for check in document["checks"])
    return document


@pytest.mark.slow
def test_check_of_the_stub_fails_with_one_json_document(ws):
    done = dq("check", "1", "--format", "json", cwd=ws)
    assert done.returncode == 1, done.stderr
    document = one_json_document(done.stdout)
    assert (document["level"], document["passed"]) == ("level1_double", False)
    assert "MNIST sample" in document["data"]
    failed = [check for check in document["checks"] if not check["passed"]]
    assert failed and all(check["message"] for check in failed)
    assert "Traceback" not in done.stdout + done.stderr
    assert listing(ws)["level1_double"] == "unlocked"


def test_check_shows_what_the_learner_s_code_printed(ws):
    """Debugging with print() works: the end of what the code printed, at import and in the checks,
    comes after the checks, in the text and in the JSON document. A quiet file shows nothing of it."""
    exercise(ws, "1").write_text('print("importing my Double")\n'
                                 "class Double:\n"
                                 "    def __call__(self, x):\n"
                                 "        print('called with', repr(x)[:20])\n"
                                 "        return x + x + 1\n")
    done = dq("check", "1", cwd=ws)
    assert done.returncode == 1, done.stderr
    shown = done.stdout.split("What your code printed during the run (its last lines):")[1]
    assert "importing my Double" in done.stdout and "called with" in shown
    assert len([line for line in shown.splitlines() if line.startswith("      ")]) <= 20
    document = one_json_document(dq("check", "1", "--format", "json", cwd=ws).stdout)
    assert "importing my Double" in document["printed"]
    put_solution(ws, "1")
    quiet = dq("check", "1", "--format", "json", cwd=ws)
    assert one_json_document(quiet.stdout)["printed"] == ""
    assert "What your code printed" not in dq("check", "1", cwd=ws).stdout


@pytest.mark.slow
def test_check_of_a_solution_passes_and_unlocks_the_next_level(ws):
    put_solution(ws, "1")
    done = dq("check", "1", cwd=ws)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "6/6 checks passed" in done.stdout
    assert "Level 1 passed.\nLevel 2 (Length and indexing) is now unlocked: exercises/level2_data.py" in done.stdout
    assert listing(ws) == {**ALL_LOCKED, "level1_double": "passed", "level2_data": "unlocked"}


@pytest.mark.slow
def test_check_in_json_of_a_solution_exits_0_and_records_the_pass(ws):
    put_solution(ws, "2")
    record_pass(ws, "1")
    done = dq("check", "level2", "--format", "json", cwd=ws)
    assert done.returncode == 0, done.stderr
    document = one_json_document(done.stdout)
    assert document["passed"] and all(check["passed"] for check in document["checks"])
    assert listing(ws)["level3_numbers"] == "unlocked"


@pytest.mark.slow
def test_check_of_a_locked_level_grades_it_and_says_so(ws):
    put_solution(ws, "3")
    done = dq("check", "numbers", cwd=ws)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "This level is locked" in done.stdout and "checked anyway" in done.stdout
    assert "Level 3 passed" in done.stdout
    assert listing(ws) == {**ALL_LOCKED, "level1_double": "unlocked", "level3_numbers": "passed"}


@pytest.mark.slow
def test_check_with_no_workspace_anywhere_makes_the_default_one(tmp_path):
    empty, xdg = tmp_path / "empty", tmp_path / "xdg"
    empty.mkdir()
    env = dict(os.environ, XDG_DATA_HOME=str(xdg))
    done = dq("check", "1", "--format", "json", cwd=empty, env=env)
    assert done.returncode == 1, done.stderr
    assert one_json_document(done.stdout)["level"] == "level1_double"  # the note stays off stdout
    default = xdg / "dunderquest" / "workspace"
    assert f"Created your workspace at {default}" in done.stderr
    assert (default / CATALOG.get("1").exercise_path).is_file()
    assert list(empty.iterdir()) == []


PLANTED = """
import os
open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "torch-was-imported"), "w").close()
print("HACKED")
def equal(*args, **kwargs):
    return True
"""


@pytest.mark.slow
@pytest.mark.parametrize("linger", ["120", "0"], ids=["background grader", "one-off"])
def test_a_torch_py_in_the_current_folder_is_never_imported(ws, linger):
    env = dict(os.environ, DUNDERQUEST_LINGER=linger)
    for folder in (ws, ws / "exercises"):
        (folder / "torch.py").write_text(PLANTED, encoding="utf-8")
    done = dq("check", "1", "--format", "json", cwd=ws, env=env)
    assert "HACKED" not in done.stdout + done.stderr
    assert not (ws / "torch-was-imported").exists() and not (ws / "exercises" / "torch-was-imported").exists()
    assert done.returncode == 1 and one_json_document(done.stdout)["passed"] is False  # the stub, failed
    put_solution(ws, "1")
    done = dq("check", "1", "--format", "json", cwd=ws / "exercises", env=env)
    assert done.returncode == 0 and one_json_document(done.stdout)["passed"] is True
    assert "HACKED" not in done.stdout + done.stderr


@pytest.mark.slow
def test_check_of_code_that_kills_the_grader_fails_in_plain_words(ws):
    shutil.copyfile(REPO / "tests" / "grader" / "hostile" / "kills_its_parent.py", exercise(ws, "1"))
    done = dq("check", "1", "--format", "json", cwd=ws)
    assert "Traceback" not in done.stderr, done.stderr
    assert done.returncode == 1 and one_json_document(done.stdout)["passed"] is False
