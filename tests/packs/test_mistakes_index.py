"""The index of known mistakes: what it holds, how a failed set is matched, and `pack check`
keeping it current (core/mistakes.py, packs/mistakes_index.py)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from dunderquest.core.mistakes import INDEX, Index, WrongFile, header_of, read_index, words
from dunderquest.core.pack import BUILTIN, builtin_pack, read_pack

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "examples" / "packs" / "torch-containers"


def test_a_wrong_file_s_name_in_words_and_its_header():
    assert words("label_first.py") == "Label first"
    assert words("iter_is_a_generator.py") == "Iter is a generator"
    text = "# Returns (label, image).\n# must fail: test_x\n# says: a tuple\nclass A: ...\n"
    assert header_of(text) == "Returns (label, image)."
    assert header_of("# must fail: test_x\nimport torch\n") == ""
    assert header_of('# must fail: test_x\n"""Lists every attribute,\nnumbers too."""\n') == "Lists every attribute,"


def test_a_header_may_go_on_over_several_comment_lines():
    text = "# Skips repeated Parameters only within one module,\n# so a shared one is listed twice.\n# must fail: t\n"
    assert header_of(text) == "Skips repeated Parameters only within one module, so a shared one is listed twice."


@pytest.mark.parametrize("level_id, file, named", [
    ("level3_numbers", "label_as_int.py", '"Label as int": Turns the label tensor into a Python int'),
    ("level6_parameters", "each_submodule_its_own_memory.py", "so a Parameter shared by two submodules is listed"),
    ("level3_numbers", "label_first.py", None),  # fails the same checks as other wrong files: which is unclear
    ("level2_data", "len_is_always_ten.py", None),
])
def test_a_learner_s_result_names_the_one_known_mistake_its_failed_checks_are_exactly(grader, level_id, file, named):
    level = builtin_pack().catalog.get(level_id)
    result = grader.grade(level, REPO / "course" / "wrong" / level_id / file, seed=11)
    assert not result.passed
    if named is None:
        assert result.mistake == ""
    else:
        assert result.mistake.startswith("A known mistake? These failed checks are exactly those of ") and \
            named in result.mistake
        assert result.to_json()["mistake"] == result.mistake


@pytest.mark.parametrize("level_id", ["level3_numbers", "level7_dataloader"])
def test_neither_the_untouched_stub_nor_the_reference_solution_is_named_after_a_mistake(grader, level_id):
    level = builtin_pack().catalog.get(level_id)
    assert grader.grade(level, level.stub_path, seed=11).mistake == ""
    assert grader.grade(level, REPO / "solutions" / level.file_name, seed=11).mistake == ""


def test_the_known_mistake_is_said_by_check_after_the_failed_checks(tmp_path):
    level = builtin_pack().catalog.get("level3_numbers")
    ws = tmp_path / "ws"
    subprocess.run([sys.executable, "-m", "dunderquest", "init", str(ws)], check=True, capture_output=True)
    shutil.copyfile(REPO / "course" / "wrong" / level.id / "label_as_int.py", ws / level.exercise_path)
    done = subprocess.run([sys.executable, "-m", "dunderquest", "check", level.id], cwd=ws, capture_output=True,
                          text=True)
    assert done.returncode == 1
    out = done.stdout
    assert out.index("  FAIL  ") < out.index('  A known mistake? These failed checks are exactly those of "Label as int"')


def test_a_failed_set_matches_the_wrong_files_that_fail_exactly_it_and_says_when_several_do():
    a = WrongFile("lvl", "label_first.py", "Label first.", frozenset({"test_a", "test_b"}))
    b = WrongFile("lvl", "label_as_float.py", "A float label.", frozenset({"test_a", "test_b"}))
    c = WrongFile("lvl", "flaky.py", "Depends on the seed.", frozenset({"test_c"}),
                  (frozenset({"test_c"}), frozenset({"test_c", "test_d"})))
    index = Index({"lvl": (a, b, c)})
    shared = index.match("lvl", ["test_b", "test_a"])
    assert shared.files == (a, b) and shared.shared and shared.name == "Label first or Label as float"
    assert index.match("lvl", ["test_a"]) is None and index.match("lvl", []) is None
    assert index.match("other", ["test_a", "test_b"]) is None
    assert index.match("lvl", {"test_c", "test_d"}).files == (c,) and c.varies


@pytest.mark.parametrize("root", [BUILTIN, EXAMPLE], ids=["the built-in course", "the example pack"])
def test_each_pack_s_index_names_every_wrong_file_with_at_least_the_checks_it_must_fail(root):
    pack = read_pack(root)
    index = read_index(root)
    assert index is not None and index.pack == pack.name
    files = {(f.level, f.file): f for f in index.files()}
    wrong = sorted(pack.wrong_dir.glob("*/*.py"))
    assert len(files) == len(wrong)
    for path in wrong:
        entry = files[(path.parent.name, path.name)]
        text = path.read_text(encoding="utf-8")
        must = {line.split(":", 1)[1].strip() for line in text.splitlines() if line.startswith("# must fail:")}
        assert must <= entry.failed, path
        assert entry.header == header_of(text) and entry.header


def test_the_wheel_carries_the_index_and_not_the_wrong_files(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    assert zipfile.ZipFile(wheel).read("dunderquest/course/mistakes.json") == (BUILTIN / INDEX).read_bytes()
    assert not [name for name in names if "/wrong/" in name or "/right/" in name]


@pytest.mark.slow
def test_pack_check_reports_an_index_out_of_date_and_writes_it_anew(tmp_path):
    pack = tmp_path / "pack"
    shutil.copytree(EXAMPLE, pack)
    raw = json.loads((pack / INDEX).read_text(encoding="utf-8"))
    entry = raw["levels"]["sequential"][0]
    entry["failed"] = []
    raw["levels"]["sequential"] = raw["levels"]["sequential"][:-1]
    (pack / INDEX).write_text(json.dumps(raw), encoding="utf-8")

    def check(*extra):
        done = subprocess.run([sys.executable, "-m", "dunderquest", "pack", "check", str(pack), "--format", "json",
                               *extra], capture_output=True, text=True, timeout=600)
        return done.returncode, json.loads(done.stdout)

    code, report = check()
    messages = [p["message"] for p in report["problems"] if p["file"] == INDEX]
    assert code == 1 and len(messages) == 2, report
    assert any(f"wrong/sequential/{entry['file']} fails" in m for m in messages)
    assert any("is not in mistakes.json" in m for m in messages)
    assert all("dunderquest pack check --write-mistakes" in m for m in messages)

    code, report = check("--write-mistakes")
    assert code == 0 and any("Wrote mistakes.json" in note for note in report["notes"]), report
    assert json.loads((pack / INDEX).read_text(encoding="utf-8"))["levels"] == json.loads(
        (EXAMPLE / INDEX).read_text(encoding="utf-8"))["levels"]
    assert check()[0] == 0


def test_a_pack_without_an_index_holds_with_a_note(tmp_path):
    from dunderquest.packs.mistakes_index import MISSING

    assert "--write-mistakes" in MISSING and builtin_pack().name == "dunderquest"
