"""The game, driven key by key through Textual's Pilot, with a fake grader."""

from __future__ import annotations

import asyncio
import time

from fakes import digit_window, failing, passing, syntax_error
from textual.widgets import Button, OptionList, Static

from dunderquest.grader.service.client import GraderUnavailable
from dunderquest.tui.app import DunderquestApp
from dunderquest.tui.dialogs import ChoiceScreen, NoteScreen
from dunderquest.tui.game import GameScreen
from dunderquest.tui.palette import game_commands
from dunderquest.tui.panel_screen import MnistPanelScreen
from dunderquest.tui.solution import SolutionScreen

SIZE = (100, 32)


def play(app: DunderquestApp, steps, size=SIZE) -> None:
    """Runs `steps(pilot)` in the app, headless, and checks that the app is still up at the end
    unless the steps quit it."""

    async def main():
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            await steps(pilot)

    asyncio.run(main())


async def finish_run(pilot) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def wait_for(pilot, condition, seconds: float = 5.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting"
        await pilot.pause(0.05)


async def answer(pilot, answer: str) -> None:
    """Clicks an answer of the question on screen, once the question is laid out."""
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, ChoiceScreen))
    await pilot.pause()
    await pilot.click(f"#answer-{answer}")
    await pilot.pause()


def text_of(app, selector: str) -> str:
    return str(app.query_one(selector, Static).render())


def level(app, name: str):
    return app.workspace.catalog.get(name)


# -- a fresh start --------------------------------------------------------------------------------


def test_a_new_learner_starts_on_level_1_ready_to_edit(app, workspace, fake_grader):
    async def steps(pilot):
        assert app.game.level.id == "level1_double"
        assert app.focused is app.game.editor
        assert not app.game.editor.read_only
        assert app.game.editor.text == level(app, "1").stub()
        assert app.game.editor.language == "python"
        assert app.game.editor.show_line_numbers
        assert str(workspace.root) in app.sub_title
        assert fake_grader.warmed
        assert text_of(app, "#progress-summary") == f"0/{len(workspace.catalog)} passed"
        assert "MNIST sample" in text_of(app, "#data-source")
        assert "Objects you can call" in app.query_one("#lesson", Static).content.markup
        prompts = [str(app.query_one("#levels", OptionList).get_option_at_index(i).prompt)
                   for i in range(len(workspace.catalog))]
        assert "Double · unlocked" in prompts[0]
        assert all("· locked" in prompt for prompt in prompts[1:])

    play(app, steps)


def test_the_game_is_the_apps_default_screen(app):
    async def steps(pilot):
        assert isinstance(app.game, GameScreen)
        assert app.screen is app.game and app.screen_stack == [app.game]

    play(app, steps)


def test_the_bindings_have_ids_and_the_footer_shows_them(app):
    async def steps(pilot):
        ids = {binding.id for binding in [*app.BINDINGS, *app.game.BINDINGS]}
        assert {"run", "save", "hint", "edit_outside", "solution", "next_level", "mnist_panel", "cancel_run",
                "quit"} <= ids
        shown = {binding.binding.id for binding in app.active_bindings.values()
                 if binding.enabled and binding.binding.show}
        assert {"run", "save", "hint", "quit"} <= shown
        assert "mnist_panel" not in shown  # level 1 has no MNIST panel
        assert "solution" not in shown  # not passed yet

    play(app, steps)


def test_tab_indents_in_the_editor(app):
    async def steps(pilot):
        await pilot.press("tab")
        assert app.game.editor.text.startswith("    ")
        assert app.focused is app.game.editor

    play(app, steps)


# -- saving and running ---------------------------------------------------------------------------


def test_ctrl_s_saves_the_file(app, workspace):
    async def steps(pilot):
        app.game.editor.insert("# mine\n", (0, 0))
        await pilot.pause()
        assert "modified" in text_of(app, "#status")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert workspace.exercise(app.game.level).read_text().startswith("# mine\n")
        assert "saved" in text_of(app, "#status")

    play(app, steps)


def test_ctrl_r_saves_then_runs_the_checks_of_the_open_level(app, workspace, fake_grader):
    async def steps(pilot):
        app.game.editor.insert("# mine\n", (0, 0))
        await pilot.press("ctrl+r")
        await finish_run(pilot)
        assert fake_grader.graded == [("level1_double", workspace.exercise(app.game.level).read_text())]
        assert fake_grader.graded[0][1].startswith("# mine\n")
        assert app.query_one("#side-tabs").active == "checks-tab"

    play(app, steps)


def test_a_failed_run_selects_the_first_failure_and_highlights_its_line(app, workspace, fake_grader):
    fake_grader.results["level1_double"] = failing(level(app, "1"), line=12)

    async def steps(pilot):
        await pilot.press("ctrl+r")
        await finish_run(pilot)
        checks = app.query_one("#checks", OptionList)
        assert checks.option_count == 3
        assert checks.highlighted == 1  # the first failure, not the passing check before it
        detail = text_of(app, "#check-detail")
        assert "is callable through __call__" in detail
        assert "Line 12 of your file" in detail
        assert "Define __call__ in the class body." in detail
        assert "NOT YET" in text_of(app, "#checks-summary")
        assert app.game.editor.selected_text == app.game.editor.document.get_line(11)
        assert app.game.editor.cursor_location == (11, 0)
        assert workspace.progress.load().failed_tries == {"level1_double": 1}
        assert workspace.progress.status(level(app, "1")) == "unlocked"

    play(app, steps)


def test_choosing_a_check_points_the_editor_at_its_line(app, fake_grader):
    fake_grader.results["level1_double"] = failing(level(app, "1"), line=4)

    async def steps(pilot):
        await pilot.press("ctrl+r")
        await finish_run(pilot)
        app.game.editor.move_cursor((0, 0))
        app.query_one("#checks", OptionList).focus()
        await pilot.press("enter")
        await pilot.pause()
        assert app.game.editor.cursor_location == (3, 0)
        assert app.focused is app.game.editor

    play(app, steps)


def test_a_syntax_error_is_reported_with_its_line(app, fake_grader):
    fake_grader.results["level1_double"] = syntax_error(level(app, "1"), line=2)

    async def steps(pilot):
        await pilot.press("ctrl+r")
        await finish_run(pilot)
        assert "SyntaxError at line 2" in text_of(app, "#check-detail")
        assert "(line 2)" in str(app.query_one("#checks", OptionList).get_option_at_index(0).prompt)
        assert app.game.editor.cursor_location == (1, 0)
        assert app.is_running

    play(app, steps)


def test_when_the_grader_fails_the_game_says_so_and_stays_up(app, fake_grader):
    def broken(text):
        raise GraderUnavailable("the grader process stopped twice in a row")

    fake_grader.results["level1_double"] = broken

    async def steps(pilot):
        await pilot.press("ctrl+r")
        await finish_run(pilot)
        assert "could not run" in text_of(app, "#checks-summary")
        assert not app.game.running
        await pilot.press("ctrl+r")  # and it can try again
        await finish_run(pilot)
        assert len(fake_grader.graded) == 2

    play(app, steps)


def test_escape_cancels_a_running_check(app, fake_grader):
    fake_grader.hang = True

    async def steps(pilot):
        await pilot.press("ctrl+r")
        await wait_for(pilot, fake_grader.started.is_set)
        assert app.game.running
        assert "running" in text_of(app, "#status")
        assert app.query_one("#checks-running").display
        await pilot.press("escape")
        await finish_run(pilot)
        assert fake_grader.cancels == 1
        assert not app.game.running
        assert "Stopped" in text_of(app, "#checks-summary")
        assert app.workspace.progress.load().failed_tries == {}  # a cancelled run is no try

    play(app, steps)


def test_every_third_failure_suggests_a_hint(app, fake_grader):
    async def steps(pilot):
        for _ in range(3):
            await pilot.press("ctrl+r")
            await finish_run(pilot)
        assert any("f1 shows a hint" in str(n.message) for n in app._notifications)

    play(app, steps)


# -- passing and unlocking ------------------------------------------------------------------------


def test_a_pass_unlocks_the_next_level_and_ctrl_n_moves_on(app, workspace, fake_grader):
    fake_grader.results["level1_double"] = passing(level(app, "1"))

    async def steps(pilot):
        await pilot.press("ctrl+r")
        await finish_run(pilot)
        assert workspace.progress.status(level(app, "1")) == "passed"
        assert workspace.progress.status(level(app, "2")) == "unlocked"
        assert text_of(app, "#progress-summary") == f"1/{len(workspace.catalog)} passed"
        banner = app.query_one("#celebration", Static)
        assert banner.display
        assert "Level 1 passed" in text_of(app, "#celebration")
        assert "Level 2 (Length and indexing) is now unlocked: ctrl+n goes there" in text_of(app, "#celebration")
        prompt = str(app.query_one("#levels", OptionList).get_option_at_index(1).prompt)
        assert "Data · unlocked" in prompt
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert app.game.level.id == "level2_data"
        assert app.game.editor.text == level(app, "2").stub()
        assert not app.game.editor.read_only
        assert not banner.display

    play(app, steps)


def test_the_celebration_respects_the_animation_level(app, fake_grader):
    fake_grader.results["level1_double"] = passing(level(app, "1"))
    app.animation_level = "none"

    async def steps(pilot):
        await pilot.press("ctrl+r")
        await finish_run(pilot)
        assert app.query_one("#celebration").styles.opacity == 1.0

    play(app, steps)


def test_after_a_pass_f2_shows_the_solution_as_a_diff(app, fake_grader):
    fake_grader.results["level1_double"] = passing(level(app, "1"))

    async def steps(pilot):
        await pilot.press("f2")  # not passed yet: nothing opens
        await pilot.pause()
        assert not isinstance(app.screen, SolutionScreen)
        await pilot.press("ctrl+r")
        await finish_run(pilot)
        await pilot.press("f2")
        await pilot.pause()
        assert isinstance(app.screen, SolutionScreen)
        diff = str(app.screen.query_one("#solution-diff", Static).render())
        assert "-    def double(self, x):" in diff
        assert "+    def __call__(self, x):" in diff
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, SolutionScreen)

    play(app, steps)


# -- hints, the palette, reset --------------------------------------------------------------------


def test_f1_shows_the_next_hint(app, workspace):
    hints = level(app, "1").hints()

    async def steps(pilot):
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, NoteScreen)
        assert app.screen.title_text == f"Level 1: hint 1 of {len(hints)}"
        assert app.screen.markdown == hints[0]
        await pilot.press("escape")
        await pilot.press("f1")
        await pilot.pause()
        assert app.screen.title_text == f"Level 1: hint 2 of {len(hints)}"
        assert workspace.progress.load().hints_seen == {"level1_double": 2}

    play(app, steps)


def test_the_palette_resets_a_level_and_keeps_a_backup(app, workspace):
    async def steps(pilot):
        app.game.editor.insert("# my attempt\n", (0, 0))
        await pilot.press("ctrl+s")
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"reset level 1")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ChoiceScreen)
        assert app.screen.id == "reset-confirm"
        await answer(pilot, "reset")
        stub = level(app, "1").stub()
        assert workspace.exercise(app.game.level).read_text() == stub
        assert app.game.editor.text == stub
        backups = list((workspace.state_dir / "backups").iterdir())
        assert len(backups) == 1 and backups[0].read_text().startswith("# my attempt\n")

    play(app, steps)


def test_the_palette_goes_to_a_level(app, workspace):
    workspace.progress.record(level(app, "1"), passed=True)

    async def steps(pilot):
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"go to level 2")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert app.game.level.id == "level2_data"

    play(app, steps)


def test_the_palette_offers_the_game_commands(app, workspace):
    workspace.progress.record(level(app, "1"), passed=True)
    titles = [title for title, _, _ in game_commands(app.game)]
    assert "Go to level 3: Your own Dataset (Numbers)" in titles
    assert "Reset level 2 to its starting file" in titles
    assert "Show the solution to level 1" in titles
    assert "Show the solution to level 2" not in titles  # opens once passed
    assert "Download the full MNIST data set" in titles


# -- a locked level -------------------------------------------------------------------------------


def test_a_locked_level_can_be_read_but_not_edited(app, workspace, fake_grader):
    async def steps(pilot):
        levels = app.query_one("#levels", OptionList)
        levels.focus()
        levels.highlighted = 2
        await pilot.press("enter")
        await pilot.pause()
        assert app.game.level.id == "level3_numbers"
        assert app.game.editor.read_only
        assert "read-only" in text_of(app, "#status")
        assert "Your own Dataset" in app.query_one("#lesson", Static).content.markup
        app.game.editor.focus()
        await pilot.press("x", "y", "ctrl+s", "ctrl+r")
        await finish_run(pilot)
        assert app.game.editor.text == level(app, "3").stub()
        assert workspace.exercise(app.game.level).read_text() == level(app, "3").stub()
        assert fake_grader.graded == []

    play(app, steps)


# -- quitting -------------------------------------------------------------------------------------


def test_ctrl_q_quits_at_once_when_everything_is_saved(app):
    async def steps(pilot):
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert not app.is_running

    play(app, steps)


def test_ctrl_q_with_unsaved_changes_asks_first(app, workspace):
    stub = level(app, "1").stub()

    async def steps(pilot):
        app.game.editor.insert("# unsaved\n", (0, 0))
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, ChoiceScreen) and app.screen.id == "quit-unsaved"
        first = app.screen.query(Button).first()
        assert app.screen.focused is first  # enter takes the first answer
        await pilot.press("escape")  # keep playing
        await pilot.pause()
        assert app.is_running and app.game.editor.text.startswith("# unsaved")
        await pilot.press("ctrl+q")
        await pilot.pause()
        await answer(pilot, "discard")
        assert not app.is_running
        assert workspace.exercise(app.game.level).read_text() == stub

    play(app, steps)


def test_ctrl_q_over_a_dialog_still_asks_about_unsaved_changes(app, workspace):
    async def steps(pilot):
        app.game.editor.insert("# unsaved\n", (0, 0))
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, NoteScreen)
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, ChoiceScreen) and app.screen.id == "quit-unsaved"
        assert app.is_running

    play(app, steps)


def test_save_and_quit_writes_the_file(app, workspace):
    async def steps(pilot):
        app.game.editor.insert("# kept\n", (0, 0))
        await pilot.press("ctrl+q")
        await pilot.pause()
        await answer(pilot, "save")
        assert not app.is_running
        assert workspace.exercise(app.game.level).read_text().startswith("# kept\n")

    play(app, steps)


# -- changes made outside the game ----------------------------------------------------------------


def test_a_change_on_disk_reloads_a_buffer_without_unsaved_changes(app, workspace):
    async def steps(pilot):
        workspace.exercise(app.game.level).write_text("class Double:\n    pass  # from outside\n")
        await wait_for(pilot, lambda: "from outside" in app.game.editor.text, seconds=3)
        assert "saved" in text_of(app, "#status")

    play(app, steps)


def test_a_change_on_disk_with_unsaved_changes_asks_and_can_load_the_disk_version(app, workspace):
    async def steps(pilot):
        app.game.editor.insert("# mine\n", (0, 0))
        workspace.exercise(app.game.level).write_text("# theirs\n")
        await wait_for(pilot, lambda: isinstance(app.screen, ChoiceScreen), seconds=3)
        assert app.screen.id == "disk-conflict"
        assert app.game.editor.text.startswith("# mine")  # nothing replaced before the answer
        await answer(pilot, "disk")
        assert app.game.editor.text == "# theirs\n"
        assert workspace.exercise(app.game.level).read_text() == "# theirs\n"

    play(app, steps)


def test_keeping_my_changes_after_a_change_on_disk_saves_them_on_request(app, workspace):
    async def steps(pilot):
        app.game.editor.insert("# mine\n", (0, 0))
        workspace.exercise(app.game.level).write_text("# theirs\n")
        await wait_for(pilot, lambda: isinstance(app.screen, ChoiceScreen), seconds=3)
        await answer(pilot, "mine")
        await pilot.pause(0.8)  # the next polls must not ask again
        assert not isinstance(app.screen, ChoiceScreen)
        assert workspace.exercise(app.game.level).read_text() == "# theirs\n"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert workspace.exercise(app.game.level).read_text().startswith("# mine\n")

    play(app, steps)


def test_saving_never_overwrites_a_change_on_disk_silently(app, workspace):
    async def steps(pilot):
        app.game.editor.insert("# mine\n", (0, 0))
        workspace.exercise(app.game.level).write_text("# theirs\n")
        await pilot.press("ctrl+s")  # whether the save or the poll notices first, the game asks
        await pilot.pause()
        assert isinstance(app.screen, ChoiceScreen)
        assert workspace.exercise(app.game.level).read_text() == "# theirs\n"

    play(app, steps)


# -- the MNIST panel ------------------------------------------------------------------------------


def test_the_mnist_panel_steps_through_indices(app, workspace, fake_grader):
    for name in ("1", "2"):
        workspace.progress.record(level(app, name), passed=True)
    app.game.level = level(app, "3")

    async def steps(pilot):
        assert app.game.level.id == "level3_numbers"
        await pilot.press("f5")
        await finish_run(pilot)
        screen = app.screen
        assert isinstance(screen, MnistPanelScreen)
        assert fake_grader.panels == [0]
        assert "index 0 of 40" in text_of(screen, "#digits-info")
        labels = [item.reference.label for item in digit_window(0).items]
        assert f"label: {labels[0]}" in text_of(screen, "#learner-label")
        assert not screen.query_one("#learner-box").has_class("-differs")
        await pilot.press("right", "right")
        assert screen.index == 2
        assert "DIFFERENT" in text_of(screen, "#digits-info")  # the fake's learner mislabels index 2
        assert f"label: {(labels[2] + 1) % 10}" in text_of(screen, "#learner-label")
        assert f"label: {labels[2]}" in text_of(screen, "#reference-label")
        assert screen.query_one("#learner-box").has_class("-differs")
        assert "2✗" in text_of(screen, "#digits-strip")
        await pilot.press("left")
        assert screen.index == 1 and "same as the reference" in text_of(screen, "#digits-info")
        await pilot.press("pagedown")  # past the window: the next one is fetched
        await finish_run(pilot)
        assert screen.index == 17 and fake_grader.panels == [0, 17]
        await pilot.press("left")  # before the window: the one ending here is fetched
        await finish_run(pilot)
        assert screen.index == 16 and fake_grader.panels == [0, 17, 1]
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, MnistPanelScreen)

    play(app, steps)


def test_a_digit_drawing_is_28_columns_by_14_rows():
    from dunderquest.tui.panel_screen import picture

    drawing = picture(digit_window(0).items[3].reference.pixels)
    rows = drawing.plain.split("\n")
    assert len(rows) == 14 and all(len(row) == 28 for row in rows)
    assert set(drawing.plain) <= {"▀", "\n"}


# -- themes and sizes -----------------------------------------------------------------------------


def test_the_editor_follows_light_and_dark_themes(app):
    async def steps(pilot):
        app.theme = "textual-light"
        await pilot.pause()
        assert app.game.editor.theme == "github_light"
        app.theme = "textual-dark"
        await pilot.pause()
        assert app.game.editor.theme == "monokai"

    play(app, steps)


def test_it_fits_80_by_24(app):
    async def steps(pilot):
        for selector in ("#sidebar", "#side-tabs", "#editor", "#status"):
            region = app.query_one(selector).region
            assert region.width > 0 and region.height > 0
            assert region.right <= 80 and region.bottom <= 24

    play(app, steps, size=(80, 24))


def test_a_workspace_made_from_a_course_pack_plays_its_levels(tmp_path, fake_grader):
    """The game shows the pack's levels, lesson and stub, grades them, and has no finale when the
    pack's levels lack the classes it trains with."""
    from dunderquest.core.pack import read_pack
    from dunderquest.core.workspace import Workspace
    from dunderquest.packs.scaffold import scaffold

    scaffold(tmp_path / "pack")
    workspace = Workspace.create(tmp_path / "ws", read_pack(tmp_path / "pack"))
    app = DunderquestApp(Workspace.find(tmp_path / "ws"), grader=fake_grader)
    square = workspace.catalog.get("square")
    fake_grader.results[square.id] = passing(square)

    async def steps(pilot):
        game = app.screen
        assert isinstance(game, GameScreen) and game.level == square
        listed = app.query_one(OptionList)
        prompts = [str(listed.get_option_at_index(n).prompt) for n in range(listed.option_count)]
        assert len(prompts) == 1 and "Objects that square" in prompts[0]
        assert game.editor.text == square.stub()
        await pilot.press("ctrl+r")
        await finish_run(pilot)
        assert fake_grader.graded[-1][0] == square.id
        assert workspace.progress.status(square) == "passed"
        assert not game.check_action("finale", ())

    play(app, steps)


def test_a_file_that_is_not_utf8_is_shown_with_a_warning_and_its_bytes_are_kept_before_a_save(app, workspace):
    path = workspace.exercise(workspace.catalog.get("1"))
    original = "# Réponse de l'élève\nclass Double:\n    pass\n".encode("cp1252")  # as an old Windows editor saves

    async def steps(pilot):
        path.write_bytes(original)
        app.game.open_level(level(app, "1"))
        await pilot.pause()
        assert "\ufffd" in app.game.editor.text and "class Double:" in app.game.editor.text
        assert any("is not UTF-8 text (line 1)" in str(n.message) for n in app._notifications)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert path.read_bytes().decode("utf-8").startswith("# R\ufffdponse")  # saved as UTF-8, as shown
        backups = sorted((workspace.state_dir / "backups").glob("level1_double.*.py"))
        assert [b.read_bytes() for b in backups] == [original]  # and the learner's own bytes are kept
        app.game.editor.insert("# more\n", (0, 0))
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert len(list((workspace.state_dir / "backups").glob("level1_double.*.py"))) == 1  # UTF-8 now: no more

    play(app, steps)
