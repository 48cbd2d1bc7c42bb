"""The platform kits: the Gradescope autograder zip, run end to end on a simulated /autograder tree;
the Classroom 50 kit, whose autograder.py runs end to end in a student's checkout and writes a result
that Classroom 50's own rules accept; and the GitHub Actions template repository with its workflow.
Also: a teacher's class file, and starter code that scores 0 in every format."""

from __future__ import annotations

import base64
import csv
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml
from classroom50_rules import problems

from dunderquest.classroom.kits.github import REPORTER
from dunderquest.classroom.wheel import kit_wheel
from dunderquest.cli import main
from dunderquest.core.pack import builtin_pack
from tools import venv_with

REPO = Path(__file__).resolve().parent.parent.parent
CATALOG = builtin_pack().catalog
pytestmark = pytest.mark.usefixtures("lingering_grader")  # `grade` of one workspace shares a background grader
FIRST, SECOND = list(CATALOG)[:2]
CLASS_POINTS = 12  # a class file's points for the first level: at least its number of checks
CLASSROOM50_RUN = {"CLASSROOM": "cs-principles", "ASSIGNMENT": "dunderquest", "OWNER": "alice",
                   "SUBMISSION_TAG": "submit/2026-06-01T14-32-05Z-a1b2c3d", "ASSIGNMENT_TYPE": "individual",
                   "COMMIT_URL": "https://github.com/org/r/commit/abc", "RELEASE_URL": "https://github.com/org/r/r",
                   "REVIEW_URL": "https://github.com/org/r/compare/a...b"}


def test_building_a_wheel_leaves_the_checkout_as_it_was(tmp_path):
    """The wheel is built from a copy: the checkout is byte for byte the same after, whatever a
    newcomer's `pip install .` has left in it before (a build/ folder, say)."""
    def tree() -> dict[str, float]:
        return {str(p.relative_to(REPO)): p.stat().st_mtime for p in REPO.rglob("*")
                if ".git" not in p.parts and "__pycache__" not in p.parts and ".pytest_cache" not in p.parts}

    before = tree()
    built = kit_wheel(tmp_path / "out")
    names = zipfile.ZipFile(built).namelist()
    for level in CATALOG:
        assert f"dunderquest/course/levels/{level.folder.name}/checks.py" in names
        assert f"dunderquest/exercises/{level.file_name}" in names
    assert tree() == before


# -- Gradescope ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def autograder_zip(tmp_path_factory, kit) -> Path:
    out = tmp_path_factory.mktemp("kit") / "autograder.zip"
    assert main(["classroom", "gradescope", "--output", str(out), "--wheel", str(kit),
                 "--levels", f"{FIRST.number},{SECOND.number}"]) == 0
    return out


def test_the_zip_has_setup_and_run_autograder_at_its_root(autograder_zip, kit):
    archive = zipfile.ZipFile(autograder_zip)
    assert sorted(archive.namelist()) == sorted(["setup.sh", "run_autograder", kit.name])
    for script in ("setup.sh", "run_autograder"):
        assert (archive.getinfo(script).external_attr >> 16) & 0o111, f"{script} must be executable"
        assert archive.read(script).startswith(b"#!/usr/bin/env bash\n")
    assert f'"./{kit.name}"' in archive.read("setup.sh").decode()
    subprocess.run(["bash", "-n", "-c", archive.read("setup.sh").decode()], check=True)
    inner = zipfile.ZipFile(autograder_zip).open(kit.name)
    assert not [n for n in zipfile.ZipFile(inner).namelist() if n.startswith("dunderquest/solutions/")]


def run_gradescope(autograder_zip: Path, root: Path, files: dict[str, Path]) -> dict:
    with zipfile.ZipFile(autograder_zip) as archive:
        archive.extractall(root / "source")
    shutil.copy(root / "source" / "run_autograder", root / "run_autograder")
    submission = root / "submission"
    submission.mkdir()
    for name, source in files.items():
        shutil.copy(source, submission / name)
    env = {**os.environ, "DUNDERQUEST_AUTOGRADER_ROOT": str(root),
           "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    done = subprocess.run(["bash", str(root / "run_autograder")], env=env, capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, done.stderr
    results = json.loads((root / "results" / "results.json").read_text())
    results["_stdout"] = done.stdout
    return results


@pytest.mark.slow
def test_run_autograder_grades_the_submission_into_results_json(autograder_zip, tmp_path):
    files = {FIRST.file_name: REPO / "solutions" / FIRST.file_name,  # as uploaded: loose files
             SECOND.file_name: REPO / "exercises" / SECOND.file_name}
    results = run_gradescope(autograder_zip, tmp_path / "autograder", files)
    assert results["score"] == sum(test["score"] for test in results["tests"])
    assert results["score"] == FIRST.points  # the second file is the untouched stub: it earns nothing
    assert all(isinstance(test["score"], int) and isinstance(test["max_score"], int) for test in results["tests"])
    first = [t for t in results["tests"] if t["number"].startswith(f"{FIRST.number}.")]
    second = [t for t in results["tests"] if t["number"].startswith(f"{SECOND.number}.")]
    assert len(first) == len(FIRST.checks()) and len(second) == len(SECOND.checks())
    assert all(t["status"] == "passed" for t in first) and sum(t["max_score"] for t in second) == SECOND.points
    assert any(t["status"] == "failed" and t["output"] for t in second)
    assert f"Level {FIRST.number}" in results["_stdout"]  # the readable summary, for the instructor's view


@pytest.mark.slow
def test_a_class_file_sets_visibility_points_and_a_leaderboard_of_the_finale(kit, tmp_path):
    """classroom.toml in the kit: the first level hidden until the due date and worth 12 points, and
    the finale's test accuracy on Gradescope's leaderboard (the reference solutions train past 85%)."""
    class_file = tmp_path / "classroom.toml"
    class_file.write_text(f'leaderboard = true\n\n[levels.{FIRST.number}]\npoints = {CLASS_POINTS}\n'
                          'visibility = "after_due_date"\n', encoding="utf-8")
    out = tmp_path / "autograder.zip"
    assert main(["classroom", "gradescope", "--output", str(out), "--wheel", str(kit), "--class", str(class_file)]) == 0
    assert "classroom.toml" in zipfile.ZipFile(out).namelist()
    files = {level.file_name: REPO / "solutions" / level.file_name for level in CATALOG}
    results = run_gradescope(out, tmp_path / "autograder", files)
    first = [t for t in results["tests"] if t["number"].startswith(f"{FIRST.number}.")]
    assert {t["visibility"] for t in first} == {"after_due_date"}
    assert sum(t["max_score"] for t in first) == CLASS_POINTS
    assert {t["visibility"] for t in results["tests"] if t not in first} == {"visible"}
    assert results["score"] == CLASS_POINTS + sum(level.points for level in CATALOG if level != FIRST)
    (entry,) = results["leaderboard"]
    assert entry["order"] == "desc" and entry["value"] >= 85


def test_a_class_file_with_a_wrong_key_is_refused_with_the_file_and_the_key(tmp_path, capsys):
    for text, said in (('[levels.1]\npoint = 4\n', "unknown key 'point'"),
                       ('[levels.99]\npoints = 4\n', "There is no level called '99'"),
                       ('[levels.1]\nvisibility = "later"\n', "visibility must be one of"),
                       ('[levels.1]\npoints = 2.5\n', "whole number"),
                       ('[levels.1]\npoints = 1\n', "[levels.1] points = 1 is too few"),
                       ('leaderbord = true\n', "unknown key 'leaderbord'")):
        class_file = tmp_path / "classroom.toml"
        class_file.write_text(text, encoding="utf-8")
        assert main(["grade", "--workspace", str(tmp_path), "--format", "json", "--class", str(class_file)]) == 2
        err = capsys.readouterr().err
        assert str(class_file) in err and said in err, err


# -- Classroom 50 ------------------------------------------------------------------------------------


def test_the_classroom50_kit_has_its_bundle_starter_runtime_and_steps(classroom50, kit):
    assert sorted(p.name for p in (classroom50 / "autograder").iterdir()) == sorted(["autograder.py", kit.name])
    assert os.access(classroom50 / "autograder" / "autograder.py", os.X_OK)
    for level in CATALOG:
        assert (classroom50 / "starter" / level.exercise_path).read_text(encoding="utf-8") == level.stub()
    runtime = json.loads((classroom50 / "runtime.json").read_text())
    assert runtime["python"] in ("3.11", "3.12", "3.13") and runtime["runs-on"] == "ubuntu-latest"
    readme = (classroom50 / "README.md").read_text()
    for step in ("gh teacher assignment add", "--runtime runtime.json", "autograders/SLUG", "--template"):
        assert step in readme
    compile((classroom50 / "autograder" / "autograder.py").read_text(), "autograder.py", "exec")


def student_checkout(root: Path, files: dict[str, str]) -> Path:
    checkout = root / "cs-principles-dunderquest-alice"
    for name, text in files.items():
        (checkout / name).parent.mkdir(parents=True, exist_ok=True)
        (checkout / name).write_text(text, encoding="utf-8")
    return checkout


@pytest.mark.slow
def test_the_classroom50_autograder_grades_a_checkout_into_a_result_classroom_50_accepts(classroom50, kit,
                                                                                         tmp_path):
    """autograder.py, run as Classroom 50's runner runs it: python3, in the student's checkout, with
    the submission's identity in the environment. Every level is graded in that one run."""
    files = {level.exercise_path: (REPO / "solutions" / level.file_name).read_text() for level in CATALOG}
    files[SECOND.exercise_path] = SECOND.stub()  # one level untouched
    files["result.json"] = json.dumps({"score": 1000})  # a student's own result.json is no grade
    checkout = student_checkout(tmp_path, files)
    venv = venv_with(kit, tmp_path / "grader").parents[1]  # PyTorch is there already: no download here
    env = {**os.environ, **CLASSROOM50_RUN, "CLASSROOM50_BUNDLE_DIR": str(classroom50 / "autograder"),
           "DUNDERQUEST_AUTOGRADER_VENV": str(venv)}
    done = subprocess.run([sys.executable, str(classroom50 / "autograder" / "autograder.py")], cwd=checkout, env=env,
                          capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr
    result = json.loads((checkout / "result.json").read_text())
    assert problems(result, CLASSROOM50_RUN) == [], done.stdout + done.stderr
    total = sum(level.points for level in CATALOG)
    assert result["max-score"] == total and result["score"] == total - SECOND.points, json.dumps(result)[:3000]
    levels = {test["level"] for test in result["tests"]}
    assert levels == {level.id for level in CATALOG}
    stub = [test for test in result["tests"] if test["level"] == SECOND.id]
    assert sum(test["score"] for test in stub) == 0 and sum(test["max-score"] for test in stub) == SECOND.points
    assert any(not test["passed"] and test["message"] for test in stub)


def test_when_dunderquest_cannot_be_installed_the_student_still_gets_a_valid_result_that_says_why(classroom50,
                                                                                                  tmp_path):
    bundle = tmp_path / "bundle"
    shutil.copytree(classroom50 / "autograder", bundle, ignore=shutil.ignore_patterns("*.whl"))
    checkout = student_checkout(tmp_path, {FIRST.exercise_path: FIRST.stub()})
    venv = tmp_path / "venv"  # a virtualenv that has PyTorch (no download here) but no dunderquest
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    env = {**os.environ, **CLASSROOM50_RUN, "CLASSROOM50_BUNDLE_DIR": str(bundle),
           "DUNDERQUEST_AUTOGRADER_VENV": str(venv)}
    purelib = Path(subprocess.run([str(venv / "bin" / "python"), "-c",
                                   "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                                  capture_output=True, text=True, check=True).stdout.strip())
    (purelib / "torch-for-the-test.pth").write_text(str(Path(__import__("torch").__file__).parents[1]) + "\n")
    done = subprocess.run([sys.executable, str(bundle / "autograder.py")], cwd=checkout, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0
    result = json.loads((checkout / "result.json").read_text())
    assert problems(result, CLASSROOM50_RUN) == []
    assert result["score"] == 0 and result["max-score"] == sum(level.points for level in CATALOG)
    assert "no dunderquest wheel" in result["tests"][0]["message"]


def test_grade_for_classroom50_outside_a_classroom_50_run_names_the_missing_variables(tmp_path, capsys,
                                                                                      monkeypatch):
    for name in (*CLASSROOM50_RUN, "USERNAME"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("CLASSROOM", "cs-principles")
    assert main(["grade", "--workspace", str(tmp_path), "--format", "classroom50"]) == 2
    err = capsys.readouterr().err
    assert "ASSIGNMENT" in err and "SUBMISSION_TAG" in err and "OWNER (or USERNAME)" in err
    assert "CLASSROOM," not in err and not (tmp_path / "result.json").exists()


# -- GitHub Actions ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def template(tmp_path_factory, kit) -> Path:
    dest = tmp_path_factory.mktemp("template") / "assignment"
    assert main(["classroom", "github", str(dest), "--wheel", str(kit)]) == 0
    return dest


def test_the_template_has_the_exercises_a_readme_and_the_wheel(template, kit):
    for level in CATALOG:
        assert (template / level.exercise_path).read_text(encoding="utf-8") == level.stub()
    readme = (template / "README.md").read_text()
    assert "dunderquest play" in readme and all(level.title in readme for level in CATALOG)
    assert (template / ".github" / "dunderquest" / kit.name).read_bytes() == kit.read_bytes()
    assert (template / ".dunderquest").is_dir()  # so that `dunderquest play` finds the workspace


def test_the_workflow_grades_each_level_in_its_own_step_and_reports_them_all(template, kit):
    text = (template / ".github" / "workflows" / "dunderquest.yml").read_text()
    flow = yaml.safe_load(text)
    assert set(flow[True]) == {"push", "workflow_dispatch"}  # yaml reads the key `on` as True
    assert "repository_dispatch" not in text and "github-classroom" not in text
    job = flow["jobs"]["grade"]
    assert "if" not in job
    steps = job["steps"]
    grading = [step for step in steps if "grade" in step.get("run", "")]
    assert [step["id"] for step in grading] == [level.id for level in CATALOG]
    for step, level in zip(grading, CATALOG, strict=True):
        assert f"grade --workspace . --levels {level.number} --format github" in step["run"]
        assert step["continue-on-error"] is True  # a failed level must not skip the reporter
    reporter = steps[-1]
    assert reporter["uses"] == REPORTER
    assert reporter["with"]["runners"] == ",".join(level.id for level in CATALOG)
    for level in CATALOG:  # the reporter reads <RUNNER ID in upper case>_RESULTS
        assert reporter["env"][f"{level.id.upper()}_RESULTS"] == f"${{{{ steps.{level.id}.outputs.result }}}}"
    assert any(kit.name in step.get("run", "") for step in steps)


@pytest.mark.slow
def test_a_grading_step_appends_its_result_and_its_summary(template, tmp_path):
    """What one step of the workflow does, run here: the result decodes to version 1 with whole
    points, and the run's summary gets the level's checks."""
    shutil.copy(REPO / "solutions" / FIRST.file_name, template / FIRST.exercise_path)
    output, summary = tmp_path / "github_output", tmp_path / "summary.md"
    output.write_text("earlier=1\n")
    done = subprocess.run([sys.executable, "-m", "dunderquest", "grade", "--workspace", ".", "--levels",
                           str(FIRST.number), "--format", "github"], cwd=template, capture_output=True, text=True,
                          env={**os.environ, "GITHUB_OUTPUT": str(output), "GITHUB_STEP_SUMMARY": str(summary)},
                          timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    lines = output.read_text().splitlines()
    assert lines[0] == "earlier=1" and lines[1].startswith("result=")
    result = json.loads(base64.b64decode(lines[1].removeprefix("result=")))
    assert result["version"] == 1 and result["status"] == "pass" and result["max_score"] == FIRST.points
    assert sum(test["score"] for test in result["tests"]) == FIRST.points
    assert all(isinstance(test["score"], int) for test in result["tests"])
    assert f"{FIRST.points}/{FIRST.points} points" in summary.read_text()
    assert "PASS" in done.stdout and f"{FIRST.title}" in done.stdout


def test_a_template_never_overwrites_files(template, capsys):
    wheel = next(template.glob(".github/dunderquest/*.whl"))
    assert main(["classroom", "github", str(template), "--wheel", str(wheel)]) == 1
    assert "nothing was written" in capsys.readouterr().err


# -- starter code earns nothing, a solution everything -------------------------------------------------


@pytest.mark.slow
def test_untouched_stubs_score_0_and_solutions_full_points_in_every_format(tmp_path, capsys, monkeypatch):
    for name, value in CLASSROOM50_RUN.items():
        monkeypatch.setenv(name, value)
    stubs, solved = tmp_path / "class" / "stubs", tmp_path / "class" / "solved"
    for level in CATALOG:
        (stubs / level.file_name).parent.mkdir(parents=True, exist_ok=True)
        (stubs / level.file_name).write_text(level.stub(), encoding="utf-8")
        (solved / level.file_name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(REPO / "solutions" / level.file_name, solved / level.file_name)
    total = sum(level.points for level in CATALOG)
    for folder, expected in ((stubs, 0), (solved, total)):
        for fmt in ("gradescope", "classroom50", "json", "junit", "github"):
            out = tmp_path / f"{folder.name}.{fmt}"
            main(["grade", "--workspace", str(folder), "--format", fmt, "--output", str(out), "--seed", "5"])
            capsys.readouterr()
            text = out.read_text()
            if fmt == "gradescope":
                score = json.loads(text)["score"]
            elif fmt == "classroom50":
                score = json.loads(text)["score"]
                assert problems(json.loads(text), CLASSROOM50_RUN) == []
            elif fmt == "json":
                score = json.loads(text)["score"]
            elif fmt == "junit":
                score = sum(int(p.split('value="')[1].split('"')[0]) for p in text.splitlines()
                            if 'name="points"' in p)
            else:
                score = sum(t["score"] for t in json.loads(base64.b64decode(text.strip().removeprefix("result=")))
                            ["tests"])
            assert score == expected, (folder.name, fmt, score)
    assert main(["grade", "--submissions", str(tmp_path / "class"), "--output", str(tmp_path / "grades"),
                 "--seed", "5"]) == 0
    rows = {row["student"]: row for row in csv.DictReader((tmp_path / "grades" / "gradebook.csv").open())}
    assert rows["stubs"]["total"] == "0" and rows["solved"]["total"] == str(total)
