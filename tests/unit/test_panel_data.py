"""A preview (the game's MNIST panel) is plain data that goes from the grader to the game as JSON."""

from __future__ import annotations

import json

from dunderquest.core.panel_data import Digit, Panel, PanelItem


def window() -> Panel:
    seven = Digit([0] * 700 + [255] * 84, 7)
    return Panel([
        PanelItem(0, "Numbers(x, y)[0]", "MNIST(...)[0]", seven, Digit(list(seven.pixels), 7)),
        PanelItem(1, "Numbers(x, y)[1]", "MNIST(...)[1]", seven, Digit(list(seven.pixels), 1)),
        PanelItem(2, "Numbers(x, y)[2]", "MNIST(...)[2]", seven, Digit(None, "'a str'", "not an image")),
        PanelItem(3, "Numbers(x, y)[3]", "MNIST(...)[3]", seven, error="`Numbers(x, y)[3]` raised KeyError"),
    ], 5000, "MNIST sample")


def test_a_preview_comes_back_whole_from_json():
    preview = window()
    assert Panel.from_json(json.loads(json.dumps(preview.to_json()))) == preview


def test_an_item_differs_unless_pixels_and_label_both_match():
    assert [item.differs for item in window().items] == [False, True, True, True]
