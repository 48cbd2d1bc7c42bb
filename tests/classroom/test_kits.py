"""The platform kits: the Gradescope autograder zip, run end to end on a simulated /autograder tree,
and the GitHub Classroom template repository with its workflow."""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml

from dunderquest.classroom.kits import REPORTER
from dunderquest.cli import main
from dunderquest.core.catalog import default_catalog

REPO = Path(__file__).resolve().parent.parent.parent
CATALOG = default_catalog()
FIRST, SECOND = list(CATALOG)[:2]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """One wheel of this checkout for the module's kits (building it is the slow part)."""
    from dunderquest.classroom.kits import build_wheel

    return build_wheel(tmp_path_factory.mktemp("wheel"))


def test_the_wheel_is_built_from_the_checkout_without_touching_it(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    for level in CATALOG:
        assert f"dunderquest/levels/{level.folder.name}/checks.py" in names
        assert f"dunderquest/exercises/{level.file_name}" in names
    assert "dunderquest/classroom/kits.py" in names
    assert not (REPO / "build").exists()


# -- Gradescope ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def autograder_zip(tmp_path_factory, wheel) -> Path:
    out = tmp_path_factory.mktemp("kit") / "autograder.zip"
    assert main(["classroom", "gradescope", "--output", str(out), "--wheel", str(wheel),
                 "--levels", f"{FIRST.number},{SECOND.number}"]) == 0
    return out


def test_the_zip_has_setup_and_run_autograder_at_its_root(autograder_zip, wheel):
    archive = zipfile.ZipFile(autograder_zip)
    assert sorted(archive.namelist()) == sorted(["setup.sh", "run_autograder", wheel.name])
    for script in ("setup.sh", "run_autograder"):
        assert (archive.getinfo(script).external_attr >> 16) & 0o111, f"{script} must be executable"
        assert archive.read(script).startswith(b"#!/usr/bin/env bash\n")
    assert f'"./{wheel.name}"' in archive.read("setup.sh").decode()
    subprocess.run(["bash", "-n", "-c", archive.read("setup.sh").decode()], check=True)


@pytest.mark.slow
def test_run_autograder_grades_the_submission_into_results_json(autograder_zip, tmp_path):
    root = tmp_path / "autograder"
    with zipfile.ZipFile(autograder_zip) as archive:
        archive.extractall(root / "source")
    shutil.copy(root / "source" / "run_autograder", root / "run_autograder")
    submission = root / "submission"
    submission.mkdir()
    shutil.copy(REPO / "solutions" / FIRST.file_name, submission / FIRST.file_name)  # as uploaded: loose
    shutil.copy(REPO / "exercises" / SECOND.file_name, submission / SECOND.file_name)
    before = {p.name: p.read_bytes() for p in submission.iterdir()}

    env = {**os.environ, "DUNDERQUEST_AUTOGRADER_ROOT": str(root),
           "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    done = subprocess.run(["bash", str(root / "run_autograder")], env=env, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr

    results = json.loads((root / "results" / "results.json").read_text())
    assert results["score"] == pytest.approx(sum(test["score"] for test in results["tests"]))
    assert FIRST.points <= results["score"] < FIRST.points + SECOND.points  # the second file is the stub
    first = [t for t in results["tests"] if t["number"].startswith(f"{FIRST.number}.")]
    second = [t for t in results["tests"] if t["number"].startswith(f"{SECOND.number}.")]
    assert len(first) == len(FIRST.checks()) and len(second) == len(SECOND.checks())
    assert all(t["status"] == "passed" for t in first)
    assert any(t["status"] == "failed" and t["output"] for t in second)
    assert {p.name: p.read_bytes() for p in submission.iterdir()} == before
    assert f"Level {FIRST.number}" in done.stdout  # the readable summary, for the instructor's view


# -- GitHub Classroom ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def template(tmp_path_factory, wheel) -> Path:
    dest = tmp_path_factory.mktemp("template") / "assignment"
    assert main(["classroom", "github", str(dest), "--wheel", str(wheel)]) == 0
    return dest


def test_the_template_has_the_exercises_a_readme_and_the_wheel(template, wheel):
    for level in CATALOG:
        assert (template / level.exercise_path).read_text(encoding="utf-8") == level.stub()
    readme = (template / "README.md").read_text()
    assert "dunderquest play" in readme and all(level.title in readme for level in CATALOG)
    assert (template / ".github" / "dunderquest" / wheel.name).read_bytes() == wheel.read_bytes()
    assert (template / ".dunderquest").is_dir()  # so that `dunderquest play` finds the workspace


def test_the_workflow_grades_each_level_in_its_own_step_and_reports_them_all(template, wheel):
    flow = yaml.safe_load((template / ".github" / "workflows" / "classroom.yml").read_text())
    steps = flow["jobs"]["run-autograding-tests"]["steps"]
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
    assert any(wheel.name in step.get("run", "") for step in steps)


@pytest.mark.slow
def test_a_grading_step_appends_its_result_to_github_output(template, tmp_path):
    """What one step of the workflow does, run here: the result decodes to version 1 with the points."""
    shutil.copy(REPO / "solutions" / FIRST.file_name, template / FIRST.exercise_path)
    output = tmp_path / "github_output"
    output.write_text("earlier=1\n")
    done = subprocess.run([sys.executable, "-m", "dunderquest", "grade", "--workspace", ".", "--levels",
                           str(FIRST.number), "--format", "github"], cwd=template, capture_output=True, text=True,
                          env={**os.environ, "GITHUB_OUTPUT": str(output)}, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    lines = output.read_text().splitlines()
    assert lines[0] == "earlier=1" and lines[1].startswith("result=")
    result = json.loads(base64.b64decode(lines[1].removeprefix("result=")))
    assert result["version"] == 1 and result["status"] == "pass" and result["max_score"] == FIRST.points
    assert sum(test["score"] for test in result["tests"]) == pytest.approx(FIRST.points)
    assert "PASS" in done.stdout and f"{FIRST.title}" in done.stdout


def test_a_template_never_overwrites_files(template, capsys):
    wheel = next(template.glob(".github/dunderquest/*.whl"))
    assert main(["classroom", "github", str(template), "--wheel", str(wheel)]) == 1
    assert "nothing was written" in capsys.readouterr().err
