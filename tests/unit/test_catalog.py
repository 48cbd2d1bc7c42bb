"""The level catalog: levels in pack.toml's order (or by their folders' numbers), known by their
folders' names, named many ways on the command line, each complete."""

from __future__ import annotations

import shutil
import tomllib
from pathlib import Path

import pytest

from dunderquest.core import catalog as catalog_module
from dunderquest.core.catalog import Level, UnknownLevel, load_level
from dunderquest.core.pack import builtin_pack

NUMBERS = [level.number for level in builtin_pack().catalog]


def test_the_levels_are_known_by_their_folders_and_numbered_in_play_order(catalog):
    assert [level.id for level in catalog] == [level.folder.name for level in catalog]
    assert [level.number for level in catalog] == list(range(1, len(catalog) + 1))
    assert [level.id for level in catalog] == list(builtin_pack().order)
    assert [level.class_name for level in catalog][:4] == ["Double", "Data", "Numbers", "ExampleLoader"]


@pytest.mark.parametrize("name", ["level3", "3", "numbers", "Numbers", "NUMBERS", " 3 ", "level3_numbers"])
def test_a_level_can_be_named_many_ways(catalog, name):
    assert catalog.get(name).id == "level3_numbers"


@pytest.mark.parametrize("name", ["example_loader", "example-loader", "exampleloader", "ExampleLoader", "4"])
def test_a_two_word_level_takes_either_separator(catalog, name):
    assert catalog.get(name).id == "level4_example_loader"


def test_a_name_wins_over_a_place_in_the_play_order(tmp_path):
    """In a pack that lists `level2_b` first, `level2_b` is that level; `2` and `level2` are the
    second one played."""
    levels = tmp_path / "levels"
    for name in ("level2_b", "a"):
        (levels / name).mkdir(parents=True)
        (levels / name / "level.toml").write_text(f'title = "{name}"\nclass = "C{name[-1]}"\nsummary = "s"\n')
    found = catalog_module.scan(levels, ["level2_b", "a"])
    assert found.get("level2_b").number == 1 and found.get("b").number == 1
    assert found.get("2").id == found.get("level2").id == "a"
    assert found.find("a") is found.get("a") and found.find("level2") is None


@pytest.mark.parametrize("name", ["99", "level0", "", "data_loader", "level"])
def test_an_unknown_level_says_which_levels_there_are(catalog, name):
    with pytest.raises(UnknownLevel) as raised:
        catalog.get(name)
    message = str(raised.value)
    assert repr(name) in message
    for level in catalog:
        assert f"{level.number} ({level.slug})" in message


def test_before_and_after_follow_the_play_order(catalog):
    one, two, three, *_, last = catalog
    assert catalog.before(three) == [one, two]
    assert catalog.before(one) == []
    assert catalog.after(one) is two
    assert catalog.after(last) is None


@pytest.mark.parametrize("number", NUMBERS)
def test_every_level_is_complete(catalog, number):
    level = catalog.get(str(number))
    assert level.title and level.summary and level.class_name
    assert len(level.lesson()) > 200
    hints = level.hints()
    assert len(hints) >= 3 and all(hint.strip() for hint in hints)
    assert f"class {level.class_name}" in level.stub()
    assert f"class {level.class_name}" in level.solution()
    assert level.checks_path.is_file()
    assert level.exercise_path == f"exercises/{level.folder.name}.py"


@pytest.mark.parametrize("number", NUMBERS)
def test_every_stub_and_solution_compiles(catalog, number):
    level = catalog.get(str(number))
    compile(level.stub(), level.exercise_path, "exec")
    compile(level.solution(), f"solutions/{level.file_name}", "exec")


def test_a_new_level_folder_is_picked_up(tmp_path):
    levels = tmp_path / "levels"
    shutil.copytree(builtin_pack().levels_dir, levels)
    new = levels / "level99_shapes"
    new.mkdir()
    (new / "level.toml").write_text('title = "Shapes"\nclass = "Shapes"\nsummary = "Write Shapes."\n')
    (new / "lesson.md").write_text("# Shapes\n")
    (new / "hints.md").write_text("# Hints\n\n## Hint 1\n\nOne.\n\n## Hint 2\n\nTwo.\n")
    (new / "checks.py").write_text("def test_nothing():\n    pass\n")
    (levels / "notes").mkdir()  # a folder not named like a level is not a level
    found = catalog_module.scan(levels)
    assert [level.id for level in found] == [level.id for level in builtin_pack().catalog] + ["level99_shapes"]
    shapes = found.get("shapes")
    assert shapes == load_level(new, len(found), levels.parent / "exercises", levels.parent / "solutions")
    assert (shapes.title, shapes.class_name, shapes.panel) == ("Shapes", "Shapes", None)
    assert shapes.hints() == ["One.", "Two."]
    assert found.after(found.get(str(NUMBERS[-1]))) is shapes


def test_every_key_of_a_level_toml_is_documented_on_level(catalog):
    for level in catalog:
        keys = tomllib.loads((level.folder / "level.toml").read_text(encoding="utf-8"))
        undocumented = [key for key in keys if f"- `{key}`" not in Level.__doc__]
        assert undocumented == [], f"{level.folder.name}/level.toml: {undocumented} are not documented on Level"


def test_every_panel_a_level_names_is_a_file_of_its_own_that_draws_it(catalog):
    import ast

    with_panel = [level for level in catalog if level.panel is not None]
    assert [level.number for level in with_panel] == [3, 4, 7, 9, 10]  # the game's f5 panel
    for level in with_panel:
        tree = ast.parse(level.panel_path.read_text(encoding="utf-8"))
        assert level.panel_path.parent == level.folder
        assert any(isinstance(node, ast.FunctionDef) and node.name == "draw" for node in tree.body)


def test_a_panel_that_is_not_a_python_file_is_refused(tmp_path):
    folder = tmp_path / "levels" / "level1_x"
    folder.mkdir(parents=True)
    (folder / "level.toml").write_text('title = "x"\nclass = "X"\nsummary = "s"\npanel = "dataset"\n')
    with pytest.raises(catalog_module.LevelError, match='panel = "panel.py"'):
        catalog_module.scan(tmp_path / "levels")


def test_no_level_is_named_outside_its_own_folder(catalog):
    """A level is its folder, stub and solution: the rest of the package finds it through the catalog."""
    package = Path(catalog_module.__file__).resolve().parents[1]
    for path in package.rglob("*"):
        if path.suffix not in {".py", ".tcss", ".toml", ".md"}:
            continue
        text = path.read_text(encoding="utf-8")
        named = [level.folder.name for level in catalog if level.folder.name in text]
        assert named == [], f"{path.relative_to(package)} names {named}"


def test_without_a_list_levels_play_in_their_folders_number_order(tmp_path):
    for name in ("level10_ten", "level2_two", "notes"):
        folder = tmp_path / name
        folder.mkdir()
        (folder / "level.toml").write_text(f'title = "{name}"\nclass = "C"\nsummary = "s"\n')
    found = catalog_module.scan(tmp_path)
    assert [(level.number, level.id) for level in found] == [(1, "level2_two"), (2, "level10_ten")]


def test_the_built_in_course_works_with_this_dunderquest():
    """read_pack takes the built-in course's `dunderquest` specifier on trust; this holds it to it."""
    from dunderquest.core.pack import works_with

    assert works_with(builtin_pack().requires)
