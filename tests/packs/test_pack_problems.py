"""A pack that cannot be read, or whose files are broken, is named plainly, with the file and the line:
`pack check` reports a problem and exits 1, and `grade --pack` refuses it as a usage error (2), never
with a Python traceback."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from dunderquest.cli import main

pytestmark = pytest.mark.usefixtures("lingering_grader")


def dq(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "dunderquest", *args], capture_output=True, text=True,
                          env=dict(os.environ), timeout=900)


@pytest.fixture
def pack(tmp_path) -> Path:
    assert main(["pack", "new", str(tmp_path / "my-pack")]) == 0
    return tmp_path / "my-pack"


def line_of(path: Path, start: str) -> int:
    return next(n for n, text in enumerate(path.read_text().splitlines(), start=1) if text.startswith(start))


def pack_check(folder: Path) -> tuple[int, str]:
    done = dq("pack", "check", str(folder))
    assert "Traceback" not in done.stdout + done.stderr, done.stderr
    return done.returncode, done.stdout + done.stderr


def grade_with(folder: Path, tmp_path: Path) -> tuple[int, str]:
    (tmp_path / "class" / "ann").mkdir(parents=True, exist_ok=True)
    done = dq("grade", "--pack", str(folder), "--submissions", str(tmp_path / "class"), "--output",
              str(tmp_path / "grades"))
    assert "Traceback" not in done.stdout + done.stderr, done.stderr
    return done.returncode, done.stderr


def test_a_file_given_as_the_pack_is_not_a_folder(tmp_path):
    script = tmp_path / "some_file.sh"
    script.write_text("echo hello\n")
    code, said = pack_check(script)
    assert code == 1 and f"{script} is a file, not a folder" in said
    code, said = grade_with(script, tmp_path)
    assert code == 2 and f"{script} is a file, not a folder" in said


def test_a_pack_toml_that_cannot_be_read_is_named(pack, tmp_path):
    (pack / "pack.toml").unlink()
    (pack / "pack.toml").mkdir()
    code, said = pack_check(pack)
    assert code == 1 and f"{pack / 'pack.toml'}: it cannot be read (Is a directory)" in said
    code, said = grade_with(pack, tmp_path)
    assert code == 2 and f"{pack / 'pack.toml'}: it cannot be read" in said


def test_a_pack_folder_that_cannot_be_read_is_named(pack, tmp_path, request):
    """Root reads any folder, so as root the commands run as `nobody`, as a teacher would run them."""
    prefix, python, env = (), sys.executable, dict(os.environ)
    if os.geteuid() == 0:
        prefix, python, env, top = request.getfixturevalue("as_nobody")
        tmp_path = Path(tempfile.mkdtemp(dir=top))
        tmp_path.chmod(0o777)
        pack = shutil.copytree(pack, tmp_path / "my-pack")
    env = dict(env, DUNDERQUEST_LINGER="0")
    (tmp_path / "class" / "ann").mkdir(parents=True)
    for folder in (tmp_path / "class", tmp_path / "class" / "ann"):
        folder.chmod(0o777)
    pack.chmod(0)
    try:
        for args, code in ((["pack", "check", str(pack)], 1),
                           (["grade", "--pack", str(pack), "--submissions", str(tmp_path / "class"), "--output",
                             str(tmp_path / "grades")], 2)):
            done = subprocess.run([*prefix, python, "-m", "dunderquest", *args], capture_output=True, text=True,
                                  env=env, timeout=600, cwd="/")
            assert done.returncode == code, done.stdout + done.stderr
            assert "it cannot be read (Permission denied)" in done.stdout + done.stderr
            assert "Traceback" not in done.stdout + done.stderr
    finally:
        pack.chmod(0o755)


def test_a_syntax_error_in_checks_is_one_problem_and_the_rest_is_still_checked(pack, tmp_path):
    checks = pack / "levels" / "square" / "checks.py"
    checks.write_text(checks.read_text().replace("def test_square_of_numbers_and_images(square, mnist, rng):",
                                                 "def test_square_of_numbers_and_images(square, mnist, rng:"))
    (pack / "levels" / "square" / "hints.md").write_text("# Hints\n\nNone yet.\n")
    line = line_of(checks, "def test_square_of_numbers_and_images")
    code, said = pack_check(pack)
    assert code == 1
    assert f"PROBLEM  levels/square/checks.py:{line}: SyntaxError: " in said
    assert "PROBLEM  levels/square/hints.md: every level needs at least one hint" in said
    assert "does not hold: 2 problems" in said
    code, said = grade_with(pack, tmp_path)
    assert code == 2 and f"{checks}:{line}: SyntaxError: " in said


@pytest.mark.parametrize(("change", "line", "said"), [
    (lambda text: text.replace('title = "Objects that square"', "title = "), 1, "not valid TOML: Invalid value"),
    (lambda text: text + 'class = "Cube"\n', 5, "not valid TOML: Cannot overwrite a value"),
], ids=["a value left out", "a key given twice"])
def test_a_level_toml_that_is_not_toml_is_named_with_its_line(pack, tmp_path, change, line, said):
    level_toml = pack / "levels" / "square" / "level.toml"
    level_toml.write_text(change(level_toml.read_text()))
    code, out = pack_check(pack)
    assert code == 1 and f"PROBLEM  levels/square/level.toml:{line}: {said}" in out
    code, out = grade_with(pack, tmp_path)
    assert code == 2 and f"{level_toml}:{line}: {said}" in out


@pytest.mark.parametrize("name", ["levels/square/lesson.md", "levels/square/hints.md", "wrong/square/doubles.py"])
def test_a_file_that_is_not_utf8_is_named_with_its_line_and_byte(pack, name):
    path = pack / name
    text = path.read_bytes()
    path.write_bytes(text + b"caf\xe9\n")
    code, said = pack_check(pack)
    lines = text.count(b"\n") + 1
    assert code == 1
    assert f"PROBLEM  {name}:{lines}: not UTF-8 text: byte {len(text) + 4} of the file (0xe9) cannot be read" in said


def test_points_fewer_than_the_checks_are_a_problem(pack):
    level_toml = pack / "levels" / "square" / "level.toml"
    level_toml.write_text(level_toml.read_text().replace("points = 10", "points = 2"))
    code, said = pack_check(pack)
    assert code == 1
    assert ("PROBLEM  levels/square/level.toml:4: points = 2 is fewer than the level's 3 checks, so some checks "
            "would be worth no points and failing them would cost nothing; give 0 or at least 3") in said


@pytest.mark.slow
def test_checks_that_fail_to_import_are_one_problem_on_the_checks(pack):
    checks = pack / "levels" / "square" / "checks.py"
    checks.write_text(checks.read_text().replace("import pytest\n", "import pytest\n\nSCALE = undefined_scale\n"))
    code, said = pack_check(pack)
    assert code == 1
    problems = [line for line in said.splitlines() if line.startswith("PROBLEM")]
    assert problems == [f"PROBLEM  levels/square/checks.py:{line_of(checks, 'SCALE =')}: the grader cannot import "
                        "it: NameError: name 'undefined_scale' is not defined"], said


def test_a_dunder_name_outside_backticks_in_a_lesson_is_a_problem(pack):
    """Markdown draws `__call__` written bare as a bold "call": the lesson would teach the wrong name."""
    lesson = pack / "levels" / "square" / "lesson.md"
    lesson.write_text(lesson.read_text() + "\nPython calls __call__ for you, and `__init__` first.\n")
    lines = lesson.read_text().count("\n")
    code, said = pack_check(pack)
    assert code == 1
    assert (f"PROBLEM  levels/square/lesson.md:{lines}: __call__ outside backticks is drawn as bold text (call); write "
            "`__call__`") in said
    assert "__init__ outside" not in said
