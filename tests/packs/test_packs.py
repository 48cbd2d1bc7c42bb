"""Course packs: `pack new` makes a pack that `pack check` proves; `pack check` catches a stub that
passes, a check that no wrong file fails and malformed files, each with its file and line; a workspace
made from a pack plays, checks and grades the pack's levels; the kits carry a pack; and the built-in
course and the example pack hold."""

from __future__ import annotations

import json
import re
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from dunderquest.cli import main
from dunderquest.core.pack import PackError, read_pack
from dunderquest.packs import scaffold

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "examples" / "packs" / "torch-containers"


pytestmark = pytest.mark.usefixtures("lingering_grader")  # commands share a background grader


def dq(*args: str, cwd: Path | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "dunderquest", *args], capture_output=True, text=True, cwd=cwd,
                          env={**os.environ, **(env or {})}, timeout=900)


@pytest.fixture
def pack(tmp_path) -> Path:
    assert main(["pack", "new", str(tmp_path / "my-pack")]) == 0
    return tmp_path / "my-pack"


def checked(folder: Path | None = None) -> tuple[int, dict]:
    done = dq("pack", "check", *([str(folder)] if folder else []), "--format", "json")
    return done.returncode, json.loads(done.stdout)


def test_pack_new_writes_one_complete_level(pack):
    made = read_pack(pack)
    assert [level.folder.name for level in made.catalog] == ["square"]
    level = made.catalog.get("square")
    assert level.lesson().strip() and len(level.hints()) >= 2 and len(level.checks()) == 3
    assert level.stub() and level.solution()
    assert len(list((pack / "wrong" / "square").glob("*.py"))) >= 2
    assert main(["pack", "new", str(pack)]) == 2, "a pack is never written over another folder's files"


@pytest.mark.slow
def test_pack_check_proves_a_new_pack_as_it_comes(pack):
    code, report = checked(pack)
    assert code == 0 and report["holds"] is True, report
    assert report["graded"] == 6 and report["problems"] == []  # stub, solution, a right file, three wrong ones


@pytest.mark.slow
def test_pack_check_catches_a_stub_that_passes_and_a_check_that_no_wrong_file_fails(pack):
    shutil.copyfile(pack / "solutions" / "square.py", pack / "exercises" / "square.py")
    (pack / "wrong" / "square" / "squares_in_place.py").unlink()
    code, report = checked(pack)
    assert code == 1 and report["holds"] is False
    problems = {(p["file"], p["line"]): p["message"] for p in report["problems"]}
    assert "the untouched stub passes its level" in problems[("exercises/square.py", None)]
    checks = (pack / "levels" / "square" / "checks.py").read_text().splitlines()
    line = next(n for n, text in enumerate(checks, start=1) if text.startswith("def test_square_leaves"))
    assert "no wrong file fails test_square_leaves_its_input_unchanged" in \
        problems[("levels/square/checks.py", line)]


@pytest.mark.slow
def test_pack_check_catches_a_wrong_file_that_passes_what_it_names_and_a_right_file_that_fails(pack):
    (pack / "wrong" / "square" / "doubles.py").write_text(
        "# must fail: test_square_of_numbers_and_images\nclass Square:\n    def __call__(self, x):\n"
        "        return x * x\n")
    (pack / "right" / "square" / "power.py").write_text("class Square:\n    def __call__(self, x):\n"
                                                        "        return x + x\n")
    code, report = checked(pack)
    problems = {(p["file"], p["line"]): p["message"] for p in report["problems"]}
    assert code == 1
    assert "should fail test_square_of_numbers_and_images, but passes it" in \
        problems[("wrong/square/doubles.py", 1)]
    assert any(key[0] == "right/square/power.py" and "it should pass" in message
               for key, message in problems.items())


def test_malformed_files_are_reported_with_their_file_and_line(pack, capsys):
    level_toml = pack / "levels" / "square" / "level.toml"
    level_toml.write_text(level_toml.read_text() + 'colour = "blue"\n')
    (pack / "levels" / "square" / "hints.md").write_text("# Hints\n\nNone yet.\n")
    (pack / "wrong" / "square" / "doubles.py").write_text("# must fail: test_no_such_check\nclass Square: pass\n")
    from dunderquest.packs.check import check_pack

    report = check_pack(read_pack(pack))
    problems = {(p.file, p.line): p.message for p in report.problems}
    assert "unknown key 'colour'" in problems[("levels/square/level.toml", 5)]
    assert report.graded == 0  # nothing is graded while the pack's files are not right
    level_toml.write_text(level_toml.read_text().replace('colour = "blue"\n', ""))
    report = check_pack(read_pack(pack))
    problems = {(p.file, p.line): p.message for p in report.problems}
    assert "at least one hint" in problems[("levels/square/hints.md", None)]
    assert "have no test_no_such_check" in problems[("wrong/square/doubles.py", 1)]


@pytest.mark.parametrize(("text", "said"), [
    ('name = "x"\ntitle = "X"\nversion = "1"\ndunderquest = ">=0.1"\ncolor = 1\n', "unknown key 'color'"),
    ('title = "X"\nversion = "1"\ndunderquest = ">=0.1"\n', "name is required"),
    ('name = "x"\ntitle = "X"\nversion = "1"\ndunderquest = ">=99"\n', "works with dunderquest >=99"),
    ('name = "x"\ntitle = "X"\nversion = "1"\ndunderquest = ">=0.1"\nlevels = ["nope"]\n', "levels/nope/level.toml"),
])
def test_a_pack_toml_that_is_wrong_is_refused_with_what_is_wrong(tmp_path, text, said):
    (tmp_path / "pack.toml").write_text(text)
    with pytest.raises(PackError, match="pack.toml") as raised:
        read_pack(tmp_path)
    assert said in str(raised.value)


@pytest.mark.slow
def test_a_workspace_made_from_a_pack_lists_checks_grades_and_remembers_its_levels(pack, tmp_path):
    ws = tmp_path / "ws"
    made = dq("init", "--pack", str(pack), str(ws))
    assert made.returncode == 0 and "Playing the course pack" in made.stdout
    assert (ws / "exercises" / "square.py").read_text() == (pack / "exercises" / "square.py").read_text()
    listed = json.loads(dq("list", "--format", "json", cwd=ws).stdout)
    assert [(row["id"], row["title"], row["file"]) for row in listed] == [
        ("square", "Objects that square", "exercises/square.py")]
    assert dq("check", "square", cwd=ws).returncode == 1
    shutil.copyfile(pack / "solutions" / "square.py", ws / "exercises" / "square.py")
    checked_json = json.loads(dq("check", "--format", "json", "1", cwd=ws).stdout)
    assert checked_json["passed"] is True and checked_json["title"] == "Objects that square"
    assert json.loads(dq("list", "--format", "json", cwd=ws).stdout)[0]["status"] == "passed"
    graded = json.loads(dq("grade", "--workspace", str(ws), "--format", "json").stdout)
    assert [level["level"] for level in graded["levels"]] == ["square"] and graded["score"] == 10
    assert "Python looks for __call__ on the class" in dq("hint", "1", cwd=ws).stdout
    finale = dq("finale", cwd=ws)
    assert finale.returncode == 1 and "The course My course has no finale." in finale.stderr


@pytest.mark.slow
def test_a_class_graded_with_a_pack_and_its_gradescope_kit_carries_the_pack_without_its_answers(pack, tmp_path,
                                                                                                 wheel):
    for name, source in (("ann", pack / "solutions" / "square.py"), ("ben", pack / "exercises" / "square.py")):
        (tmp_path / "class" / name).mkdir(parents=True)
        shutil.copyfile(source, tmp_path / "class" / name / "square.py")
    done = dq("grade", "--pack", str(pack), "--submissions", str(tmp_path / "class"), "--output",
              str(tmp_path / "grades"), "--seed", "1")
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "grades" / "gradebook.csv").read_text().splitlines() == [
        "student,square,total,status", "ann,10,10,ok", "ben,0,0,ok"]
    out = tmp_path / "autograder.zip"
    from dunderquest.classroom.wheel import kit_wheel

    kit = kit_wheel(tmp_path / "kit", given=wheel)
    made = dq("classroom", "gradescope", "--pack", str(pack), "--output", str(out), "--wheel", str(kit))
    assert made.returncode == 0, made.stderr
    names = zipfile.ZipFile(out).namelist()
    assert "pack/pack.toml" in names and "pack/levels/square/checks.py" in names
    assert "pack/exercises/square.py" in names and not [n for n in names if "solutions" in n or "wrong" in n]
    assert "--pack pack" in zipfile.ZipFile(out).read("run_autograder").decode()


def test_the_pack_format_page_shows_the_new_pack_s_level_as_its_example(built_site):
    """Each file as `pack new` writes it: included from what the command's own code writes when the site
    is built (docs/hooks.py), never copied, so the page cannot drift from the command."""
    page = (REPO / "docs" / "write-levels" / "pack-format.md").read_text(encoding="utf-8")
    built = built_site.text("write-levels/pack-format")
    files = {"levels/square/checks.py": scaffold.CHECKS, "levels/square/level.toml": scaffold.LEVEL_TOML,
             "exercises/square.py": scaffold.STUB, "solutions/square.py": scaffold.SOLUTION,
             "levels/square/lesson.md": scaffold.LESSON, "levels/square/hints.md": scaffold.HINTS}
    for name, text in files.items():
        assert f'--8<-- "my-pack/{name}"' in page and text.strip() not in page, name
        assert text.strip() in built, name
    for key in ("name", "title", "version", "dunderquest", "levels"):
        assert f"{key} = " in built


@pytest.mark.slow
@pytest.mark.parametrize("folder", [None, EXAMPLE], ids=["the built-in course", "the example pack"])
def test_the_built_in_course_and_the_example_pack_hold(folder):
    code, report = checked(folder)
    assert code == 0 and report["holds"] is True, report["problems"]
    assert report["graded"] >= 20 and len(report["notes"]) == 1
    share = re.match(r"Of the (\d+) checks the wrong files fail, (\d+) \(\d+%\) point at a line of the file \(by level: "
                     r"1 \d+%", report["notes"][0])
    assert share and int(share[2]) >= 0.9 * int(share[1]), report["notes"]  # where to look, for 90% at least


@pytest.mark.slow
def test_the_example_pack_draws_its_own_mnist_panel():
    """A pack's level names its own panel (level.toml's `panel`), drawn with the checking module: the
    reference solution draws torch.nn.Sequential's very digits; a container that skips a module does not."""
    from dunderquest.grader.service.client import GraderClient

    pack = read_pack(EXAMPLE)
    level = pack.catalog.get("sequential")
    assert level.panel_path == level.folder / "panel.py"
    client = GraderClient(pack)
    try:
        right = client.mnist_panel(level, pack.solutions_dir / "sequential.py", 5)
        wrong = client.mnist_panel(level, pack.wrong_dir / "sequential" / "calls_only_the_last_module.py", 0)
    finally:
        client.close()
    assert [item.index for item in right.items] == list(range(5, 21))
    assert right.items and not [item for item in right.items if item.differs]
    assert wrong.items and all(item.differs and item.error and "Traceback" not in item.error for item in wrong.items)
