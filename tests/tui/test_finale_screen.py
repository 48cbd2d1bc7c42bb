"""The finale's screen, driven through Pilot with a fake run: the loss plot fills as the events come,
then the accuracy and the grid of guessed digits show, wrong guesses marked; a problem is said in
words; escape stops the run. Plus the real run's reader, on a small stand-in for the command."""

from __future__ import annotations

import asyncio
import json
import sys
import time

import pytest
from fake_finale import FakeFinale, finale_events, problem_events
from textual.app import App
from textual.widgets import Static

from dunderquest.core.finale import Accuracy, Finished, Losses, Problem, Started, event_to_json
from dunderquest.tui.finale import DigitCard, FinaleProcess, FinaleScreen


class Host(App[None]):
    """Just enough app to show the screen on."""

    def __init__(self, run):
        super().__init__()
        self.run_ = run

    def on_mount(self) -> None:
        self.push_screen(FinaleScreen(self.run_, id="finale"))


def text_of(screen: FinaleScreen, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


def show(run, steps) -> None:
    """Shows the screen over `run`, headless, and runs `steps(pilot)`."""

    async def main():
        async with Host(run).run_test(size=(100, 40)) as pilot:
            await pilot.pause()
            await steps(pilot)

    asyncio.run(main())


async def finished(pilot) -> FinaleScreen:
    screen = pilot.app.screen
    await screen.workers.wait_for_complete()
    await pilot.pause()
    return screen


class TestAWholeRun:
    """Every event of a run that ends well."""

    def test_the_plot_holds_every_loss_in_step_order(self):
        async def steps(pilot):
            screen = await finished(pilot)
            losses = [loss for e in finale_events() if isinstance(e, Losses) for loss in e.losses]
            assert screen.steps == list(range(1, 251))
            assert screen.losses == losses

        show(FakeFinale(finale_events()), steps)

    def test_the_accuracy_and_the_time_are_shown(self):
        async def steps(pilot):
            screen = await finished(pilot)
            assert "Test accuracy: 90.3%" in text_of(screen, "#finale-accuracy")
            assert "903 of 1,000" in text_of(screen, "#finale-accuracy")
            assert "trained a real model in 12.5 s" in text_of(screen, "#finale-info")

        show(FakeFinale(finale_events()), steps)

    def test_each_digit_shows_its_guess_and_the_wrong_ones_are_marked(self):
        async def steps(pilot):
            screen = await finished(pilot)
            cards = list(screen.query(DigitCard))
            assert len(cards) == 12
            wrong = [i for i, card in enumerate(cards) if card.has_class("-wrong")]
            assert wrong == [2, 7]
            guess = str(cards[2].query(Static).last().render())
            assert f"guess {cards[2].guess} ✗ (it is a {cards[2].label})" == guess
            assert str(cards[0].query(Static).last().render()) == f"guess {cards[0].label} ✓"
            assert "(2 wrong)" in text_of(screen, "#finale-digits-title")

        show(FakeFinale(finale_events(wrong_at=frozenset({2, 7}))), steps)


class TestAModelThatLearnedLittle:
    def test_the_accuracy_comes_with_what_to_look_at(self):
        advice = "That is far below what such classes reach. Look at how your ToTensor scales the pixels."
        events = [Accuracy(98, 1000, advice) if isinstance(e, Accuracy) else e for e in finale_events()]

        async def steps(pilot):
            screen = await finished(pilot)
            accuracy = text_of(screen, "#finale-accuracy")
            assert "Test accuracy: 9.8%" in accuracy
            assert "Look at how your ToTensor scales the pixels" in accuracy

        show(FakeFinale(events), steps)


class TestARunInProgress:
    def test_the_info_follows_the_steps_and_escape_stops_the_run(self):
        run = FakeFinale(finale_events(), hold_after=3)  # started, then two slices of 25 steps
        async def steps(pilot):
            await pilot.pause()
            while len(pilot.app.screen.losses) < 50:
                await pilot.pause(0.01)
            screen = pilot.app.screen
            assert "epoch 1 of 2 · step 50 of 250" in text_of(screen, "#finale-info")
            assert not screen.query(DigitCard)
            await pilot.press("escape")
            await pilot.pause()
            assert run.stopped.is_set()
            assert not isinstance(pilot.app.screen, FinaleScreen)

        show(run, steps)


class TestQuitting:
    def test_quitting_the_game_during_a_run_stops_it(self):
        run = FakeFinale(finale_events(), hold_after=3)

        async def steps(pilot):
            await pilot.pause()
            assert not run.stopped.is_set()
            pilot.app.exit()
            await pilot.pause()

        show(run, steps)
        assert run.stopped.is_set()


class TestAProblem:
    def test_the_message_is_shown_in_words(self):
        async def steps(pilot):
            screen = await finished(pilot)
            info = text_of(screen, "#finale-info")
            assert info.startswith("The finale stopped. ")
            assert "exercises/level7_dataloader.py, line 40" in info

        show(FakeFinale(problem_events()), steps)


class TestTheRealRunsReader:
    """FinaleProcess reads the events of `dunderquest finale --format jsonl`; here a small script
    stands in for that command, so no torch is needed."""

    def script(self, tmp_path, body: str) -> FinaleProcess:
        path = tmp_path / "stand_in.py"
        path.write_text(body)
        run = FinaleProcess(tmp_path)
        run.command = [sys.executable, str(path)]
        return run

    def test_events_come_back_typed_and_other_lines_are_skipped(self, tmp_path):
        lines = [json.dumps(event_to_json(e)) for e in finale_events()[:2]] + ["not json", "[]"]
        lines.append(json.dumps(event_to_json(Finished(3.0))))
        text = "\n".join(lines)
        run = self.script(tmp_path, f"print({text!r})\n")
        events = list(run.events())
        assert [type(e) for e in events] == [Started, Losses, Finished]

    def test_a_command_that_ends_without_a_result_is_a_problem(self, tmp_path):
        run = self.script(tmp_path, "import sys\nprint('Traceback: boom', file=sys.stderr)\nsys.exit(3)\n")
        events = list(run.events())
        assert len(events) == 1 and isinstance(events[0], Problem)
        assert "exit status 3" in events[0].message and "boom" in events[0].message


# -- in the game ----------------------------------------------------------------------------------


def play(app, steps) -> None:
    async def main():
        async with app.run_test(size=(100, 32)) as pilot:
            await pilot.pause()
            await steps(pilot)

    asyncio.run(main())


class TestInTheGame:
    """The game opens the finale with f6 once the last level passes, and from the command palette."""

    def game(self, workspace, fake_grader, run):
        from dunderquest.tui.app import DunderquestApp

        app = DunderquestApp(workspace, grader=fake_grader)
        app.game.finale_run = lambda: run
        return app

    def test_passing_the_last_level_offers_the_finale_on_f6(self, workspace, fake_grader):
        from fakes import passing

        *before, last = workspace.catalog
        for level in before:
            workspace.progress.record(level, passed=True)
        run = FakeFinale(finale_events())
        app = self.game(workspace, fake_grader, run)
        fake_grader.results[last.id] = passing(last)

        async def steps(pilot):
            assert app.game.level == last
            assert not app.game.check_action("finale", ())
            await pilot.press("ctrl+r")
            await pilot.app.workers.wait_for_complete()
            await pilot.pause()
            assert "train a model on MNIST: f6 starts it" in str(app.game.query_one("#celebration", Static).render())
            await pilot.press("f6")
            await pilot.pause()
            assert isinstance(app.screen, FinaleScreen)
            screen = await finished(pilot)
            assert len(screen.query(DigitCard)) == 12
            await pilot.press("escape")
            await pilot.pause()
            assert app.screen is app.game

        play(app, steps)

    def test_the_palette_says_which_level_to_finish_first(self, workspace, fake_grader):
        from dunderquest.tui.palette import game_commands

        run = FakeFinale(finale_events())
        app = self.game(workspace, fake_grader, run)

        async def steps(pilot):
            commands = {title: (action, help) for title, action, help in game_commands(app.game)}
            action, help = commands["The finale: your classes train a model on MNIST"]
            assert help == "finish level 3 first"
            action()
            await pilot.pause()
            assert app.screen is app.game
            assert any("Finish level 3 first" in n.message for n in app._notifications)

        play(app, steps)

    def test_the_palette_opens_the_finale_once_its_levels_are_passed(self, workspace, fake_grader):
        from dunderquest.tui.palette import game_commands

        for level in workspace.catalog:
            workspace.progress.record(level, passed=True)
        run = FakeFinale(finale_events())
        app = self.game(workspace, fake_grader, run)

        async def steps(pilot):
            commands = {title: action for title, action, _ in game_commands(app.game)}
            commands["The finale: your classes train a model on MNIST"]()
            await pilot.pause()
            assert isinstance(app.screen, FinaleScreen)

        play(app, steps)


@pytest.mark.slow
def test_the_game_follows_a_real_finale_run_with_the_reference_solutions(workspace, fake_grader):
    """f6 in the game runs `dunderquest finale` for real: the plot, the accuracy and the digits come in."""
    from dunderquest.tui.app import DunderquestApp

    for level in workspace.catalog:
        workspace.exercise(level).write_text(level.solution())
        workspace.progress.record(level, passed=True)
    app = DunderquestApp(workspace, grader=fake_grader)

    async def steps(pilot):
        await pilot.press("f6")
        await pilot.pause()
        screen = pilot.app.screen
        assert isinstance(screen, FinaleScreen)
        deadline = time.monotonic() + 240
        while screen.outcome is None:
            assert time.monotonic() < deadline, "the finale gave no result in 240 s"
            await pilot.pause(0.2)
        await pilot.pause()
        assert isinstance(screen.outcome, Finished), text_of(screen, "#finale-info")
        assert len(screen.losses) == screen.started.steps
        accuracy = text_of(screen, "#finale-accuracy")
        percent = float(accuracy.split("Test accuracy: ")[1].split("%")[0])
        assert percent >= 85.0, accuracy
        assert len(screen.query(DigitCard)) == 12

    play(app, steps)
