"""A teacher's review of the classroom commands: a class file's points that would let a check fail for
free, --output naming a folder where a file is wanted, and what each kit tells the teacher and the
students about points and installing. None of these grade anything: each is refused, or is a kit's
text, before a grader would start."""

from __future__ import annotations

from pathlib import Path

from dunderquest.classroom.class_file import read_class_file
from dunderquest.cli import main
from dunderquest.core.pack import builtin_pack

REPO = Path(__file__).resolve().parent.parent.parent
CATALOG = builtin_pack().catalog
FIRST, SECOND = list(CATALOG)[:2]
CLASS_POINTS = 12  # a class file's points for the first level: at least its number of checks
CLASSROOM50_RUN = {"CLASSROOM": "cs-principles", "ASSIGNMENT": "dunderquest", "OWNER": "alice",
                   "SUBMISSION_TAG": "submit/2026-06-01T14-32-05Z-a1b2c3d",
                   "COMMIT_URL": "https://github.com/org/r/commit/abc", "RELEASE_URL": "https://github.com/org/r/r"}


def test_a_class_file_giving_a_level_fewer_points_than_checks_is_refused(tmp_path, capsys):
    """With 1 point over 6 checks, 5 checks would be worth nothing: a level failing them would still
    score full marks. 0 (the level counts for nothing) and one point a check or more are fine."""
    checks = len(FIRST.checks())
    class_file = tmp_path / "classroom.toml"
    for points in (1, checks - 1):
        class_file.write_text(f"[levels.{FIRST.number}]\npoints = {points}\n", encoding="utf-8")
        assert main(["grade", "--workspace", str(tmp_path), "--format", "json", "--class", str(class_file)]) == 2
        err = capsys.readouterr().err
        assert str(class_file) in err and f"[levels.{FIRST.number}] points = {points} is too few" in err, err
        assert f"{checks} checks" in err and f"0 points, or {checks} or more" in err and "Traceback" not in err
    for points in (0, checks, 10 * checks):
        class_file.write_text(f"[levels.{FIRST.number}]\npoints = {points}\n", encoding="utf-8")
        assert read_class_file(class_file, CATALOG).points(FIRST) == points


def test_the_class_file_page_s_example_is_accepted(tmp_path):
    page = (REPO / "docs" / "teach" / "class-file.md").read_text(encoding="utf-8")
    example = page.split("```toml\n", 1)[1].split("```", 1)[0]
    (tmp_path / "classroom.toml").write_text(example, encoding="utf-8")
    read = read_class_file(tmp_path / "classroom.toml", CATALOG)
    assert all(read.points(level) == 0 or read.points(level) >= len(level.checks()) for level in CATALOG)


def test_grade_with_output_naming_a_folder_says_it_names_a_file(tmp_path, capsys, monkeypatch):
    """Refused before anything is graded, with what --output is for each way of grading."""
    for name, value in CLASSROOM50_RUN.items():
        monkeypatch.setenv(name, value)
    (tmp_path / FIRST.file_name).write_text(FIRST.stub(), encoding="utf-8")
    folder = tmp_path / "out"
    folder.mkdir()
    for fmt in ("gradescope", "classroom50", "junit", "json", "github"):
        code = main(["grade", "--workspace", str(tmp_path), "--levels", str(FIRST.number), "--format", fmt,
                     "--output", str(folder)])
        captured = capsys.readouterr()
        assert code == 2, (fmt, captured.err)
        assert f"--output {folder} is a folder" in captured.err and "names the file to write" in captured.err
        assert "--submissions" in captured.err and "Traceback" not in captured.err + captured.out
    assert list(folder.iterdir()) == [] and sorted(p.name for p in tmp_path.iterdir()) == [FIRST.file_name, "out"]


def test_a_gradescope_kit_into_a_folder_is_refused_before_it_is_built_and_leaves_nothing(tmp_path, capsys,
                                                                                          monkeypatch):
    def no_building(*args, **kwargs):
        raise AssertionError("the kit was built before its --output was checked")

    monkeypatch.setattr("dunderquest.classroom.kits.gradescope.kit_wheel", no_building)
    folder = tmp_path / "grading"
    folder.mkdir()
    assert main(["classroom", "gradescope", "--output", str(folder)]) == 2
    err = capsys.readouterr().err
    assert f"--output {folder} is a folder" in err and "zip file" in err and "Traceback" not in err
    assert [p.name for p in tmp_path.iterdir()] == ["grading"] and list(folder.iterdir()) == []


def test_the_gradescope_kit_says_the_total_to_enter_as_autograder_points(kit, tmp_path, capsys):
    assert main(["classroom", "gradescope", "--output", str(tmp_path / "plain.zip"), "--wheel", str(kit),
                 "--levels", f"{FIRST.number},{SECOND.number}"]) == 0
    assert f"enter {FIRST.points + SECOND.points} as its autograder points" in capsys.readouterr().out
    class_file = tmp_path / "classroom.toml"
    class_file.write_text(f"[levels.{FIRST.number}]\npoints = {CLASS_POINTS}\n", encoding="utf-8")
    assert main(["classroom", "gradescope", "--output", str(tmp_path / "class.zip"), "--wheel", str(kit),
                 "--class", str(class_file)]) == 0
    total = CLASS_POINTS + sum(level.points for level in CATALOG if level != FIRST)
    out = capsys.readouterr().out
    assert f"enter {total} as its autograder points" in out and str(class_file) in out


def test_the_template_readme_shows_the_points_the_workflow_grades_with(kit, tmp_path):
    """With a class file, the workflow grades with its points (--class), and so does the README's table."""
    class_file = tmp_path / "classroom.toml"
    class_file.write_text(f"[levels.{FIRST.number}]\npoints = {CLASS_POINTS}\n[levels.{SECOND.number}]\npoints = 0\n",
                          encoding="utf-8")
    dest = tmp_path / "assignment"
    assert main(["classroom", "github", str(dest), "--wheel", str(kit), "--class", str(class_file)]) == 0
    readme = (dest / "README.md").read_text()
    rows = {line.split("|")[1].strip(): line.split("|")[4].strip() for line in readme.splitlines()
            if line.startswith("| ") and line.split("|")[1].strip().isdigit()}
    assert rows[str(FIRST.number)] == str(CLASS_POINTS) and rows[str(SECOND.number)] == "0"
    assert all(rows[str(level.number)] == str(level.points) for level in CATALOG if level not in (FIRST, SECOND))
    total = CLASS_POINTS + sum(level.points for level in CATALOG if level not in (FIRST, SECOND))
    assert f"Total: {total} points." in readme
    workflow = (dest / ".github" / "workflows" / "dunderquest.yml").read_text()
    assert "--class .github/dunderquest/classroom.toml" in workflow


def test_the_classroom50_starter_readme_installs_the_wheel_the_starter_carries(classroom50, kit):
    """dunderquest is not on PyPI: students install the wheel in their own repository."""
    starter = classroom50 / "starter"
    readme = (starter / "README.md").read_text()
    assert "pip install dunderquest" not in readme
    installs = [line.split("pip install ", 1)[1].split()[0].strip("`") for line in readme.splitlines()
                if "pip install " in line]
    assert installs and all((starter / name).read_bytes() == kit.read_bytes() for name in installs), installs


def test_a_class_file_naming_levels_by_number_is_rewritten_once_by_name(tmp_path):
    """Points stay with their level: a class file of today (`[levels.3]`) is read with today's order and
    rewritten with the levels' names, comments and all; a level inserted later moves no points."""
    third = CATALOG.get("3")
    class_file = tmp_path / "classroom.toml"
    text = ('leaderboard = false\n\n# the dataset level counts double\n[levels.3]\npoints = 24\n\n'
            '[levels."level4"]\nvisibility = "hidden"\n\n[levels.double]\npoints = 0\n')
    class_file.write_text(text, encoding="utf-8")
    read = read_class_file(class_file, CATALOG)
    assert read.points(third) == 24 and read.settings(CATALOG.get("4")).visibility == "hidden"
    assert read.points(FIRST) == 0
    assert read.renamed == {"3": "level3_numbers", "level4": "level4_example_loader", "double": "level1_double"}
    rewritten = class_file.read_text(encoding="utf-8")
    assert rewritten == text.replace("[levels.3]", "[levels.level3_numbers]").replace(
        '[levels."level4"]', "[levels.level4_example_loader]").replace("[levels.double]", "[levels.level1_double]")
    again = read_class_file(class_file, CATALOG)
    assert again.renamed == {} and again.levels == read.levels
