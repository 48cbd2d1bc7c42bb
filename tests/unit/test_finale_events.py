"""The finale's events travel as JSON lines from `dunderquest finale --format jsonl` to the game:
each comes back as the same event, and anything else is refused with ValueError."""

from __future__ import annotations

import json
import shutil

import pytest

from dunderquest.core.catalog import scan
from dunderquest.core.finale import (
    Accuracy,
    Finished,
    Guess,
    Guesses,
    Losses,
    Problem,
    Started,
    event_from_json,
    event_to_json,
    finish_first_message,
    level_to_finish_first,
    read_finale,
)
from dunderquest.core.pack import builtin_pack

FINALE = builtin_pack().finale

EVENTS = [
    Started("MNIST sample", 4000, 1000, 5, 625, 32, "784 -> 64 -> 10 MLP"),
    Losses(26, 1, [0.84, 0.52]),
    Accuracy(896, 1000),
    Guesses([Guess(0, [0] * 784, 7, 7), Guess(1, [255] * 784, 2, 8)]),
    Finished(13.4),
    Problem("Your DataLoader gave no batch at all."),
]


@pytest.mark.parametrize("event", EVENTS, ids=lambda e: e.event)
def test_each_event_comes_back_the_same_through_a_json_line(event):
    assert event_from_json(json.loads(json.dumps(event_to_json(event)))) == event


@pytest.mark.parametrize("raw", [[], {"event": "cheers"}, {"event": "losses", "first_step": 1},
                                 {"event": "guesses", "digits": [{"index": 0}]}, {"no": "event"}])
def test_what_is_not_an_event_is_refused(raw):
    with pytest.raises(ValueError):
        event_from_json(raw)


def test_a_guess_knows_whether_it_is_right_and_accuracy_its_fraction():
    assert Guess(0, [], 3, 3).right and not Guess(0, [], 3, 5).right
    assert Accuracy(896, 1000).fraction == pytest.approx(0.896)


def test_the_finale_waits_for_each_needed_level_in_play_order(workspace):
    needed = FINALE.levels(workspace.catalog)
    assert [level.number for level in needed] == sorted(level.number for level in needed)
    for level in needed:
        assert level_to_finish_first(FINALE, workspace.progress) == level
        assert f"Finish level {level.number} first" in finish_first_message(level, FINALE, workspace.catalog)
        workspace.progress.record(level, passed=True)
    assert level_to_finish_first(FINALE, workspace.progress) is None


def test_a_model_that_learned_little_is_told_so():
    assert not Accuracy(896, 1000).learned_little and Accuracy(98, 1000).learned_little
    assert "ToTensor scales the pixels" in FINALE.advice


def test_the_built_in_finale_is_pack_toml_s_pipeline():
    assert FINALE.expression("dataset") == "Numbers(images, labels)"
    assert FINALE.names("loader") == ["DataLoader", "dataset", "batch_size", "shuffle", "generator"]
    assert FINALE.unknown_names(builtin_pack().catalog) == []


@pytest.mark.parametrize(("raw", "said"), [
    ("Numbers", "finale must be a table"),
    ({"optimizer": "SGD()"}, "unknown key 'optimizer'"),
    ({"dataset": "Numbers(images,"}, "dataset must be one Python expression"),
    ({"loader": 3}, "loader must be one Python expression"),
    ({"advice": ["look"]}, "advice must be text"),
])
def test_a_finale_table_that_is_wrong_is_refused_with_what_is_wrong(raw, said):
    from dunderquest.core.finale import FinaleError

    with pytest.raises(FinaleError, match=said):
        read_finale(raw)


def test_a_part_that_names_a_class_no_level_teaches_is_found(tmp_path):
    finale = read_finale({"dataset": "Digits(images, labels)", "loader": "DataLoader(dataset, batch_size=batch_size)"})
    assert finale.unknown_names(builtin_pack().catalog) == ["Digits"]


def test_renumbering_the_levels_keeps_the_finale_on_the_classes_it_needs(tmp_path):
    """The finale finds its levels by the classes they teach, not by their numbers: with a new level
    put in front and every level after it moved up by one, it still takes each class from the level
    that teaches it."""
    levels = tmp_path / "levels"
    for level in builtin_pack().catalog:
        number = level.number + 1 if level.number >= 3 else level.number
        shutil.copytree(level.folder, levels / f"level{number}_{level.slug}")
    extra = levels / "level3_extra"
    extra.mkdir()
    (extra / "level.toml").write_text('title = "An extra level"\nclass = "Extra"\nsummary = "s"\n', encoding="utf-8")
    renumbered = scan(levels)
    assert renumbered.get("3").slug == "extra"
    taken = {name: level.slug for name, level in FINALE.classes(renumbered).items()}
    assert taken == {"Numbers": "numbers", "DataLoader": "dataloader", "no_grad": "no_grad",
                     "Compose": "transforms", "ToTensor": "transforms", "Normalize": "transforms"}
    assert [level.number for level in FINALE.levels(renumbered)] == [4, 8, 9, 11]
    assert FINALE.classes_from(renumbered.get("11"), renumbered) == ["Compose", "ToTensor", "Normalize"]
