"""The documentation site and the README: the site builds with warnings as errors and offline, the API
page shows every public name of the checking module, every `dunderquest` command shown parses with
the real parser, and the README is a front page that shows the two commands CI runs."""

from __future__ import annotations

import argparse
import contextlib
import io
import re
import shlex
import shutil

import pytest
import yaml

from docs_site import REPO, Site
from dunderquest.cli import parser

DOCS = REPO / "docs"
README = REPO / "README.md"
PAGES = sorted(DOCS.rglob("*.md"))
SHOWN = [README, *PAGES]

# -- what counts as a command shown ------------------------------------------------------------------

FENCE = re.compile(r"^\s*(`{3,}|~{3,})")
# A line of a code block that runs `dunderquest`: at its start (after `$ ` and variables set in front
# of it), or after a shell operator.
RUNS = re.compile(r"(?:^|&&|\|\||;|\|)\s*(?:\$\s+)?(?:[A-Za-z_][A-Za-z0-9_]*=\S*\s+)*dunderquest\s")
ASSIGNMENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*=")
INLINE = re.compile(r"(?<!`)`([^`]+)`(?!`)")
OPERATORS = {"&&", "||", ";", "|", "&", "(", ")"}


def shell_commands(line: str) -> list[list[str]]:
    """The simple commands of a shell line, each as its words, without `$ `, the variables set in front
    of it, or a comment."""
    lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    commands = [[]]
    for word in lexer:
        if word in OPERATORS:
            commands.append([])
        elif commands[-1] or not (word == "$" or ASSIGNMENT.match(word)):
            commands[-1].append(word)
    return [words for words in commands if words]


def commands_in(markdown: str) -> list[str]:
    """Every `dunderquest` command the Markdown shows, with its arguments: in code blocks, each line
    that runs `dunderquest` (at its start, after `$ ` or variables set in front of it, or after `&&`,
    `;` or `|`), and in the text, each inline code span that starts with `dunderquest `. Notebook magics
    (`%dunderquest`) are not the command line."""
    commands, prose, fence, code = [], [], None, []
    for line in markdown.splitlines():
        opened = FENCE.match(line)
        if fence is None:
            if opened:
                fence = opened[1]
            else:
                prose.append(line)
        elif opened and line.strip() == opened[1] and opened[1].startswith(fence):
            fence = None
        else:
            code.append(line)
    for line in "\n".join(code).replace("\\\n", " ").splitlines():
        runs = RUNS.search(line.strip())
        if runs:
            commands += [shlex.join(words) for words in shell_commands(line.strip()[runs.start():])
                         if words[0] == "dunderquest"]
    for span in INLINE.findall("\n".join(prose)):
        span = " ".join(span.replace("\\|", "|").split())
        if span.startswith("dunderquest "):
            commands.append(span)
    return commands


class Refused(Exception):
    """What argparse would have said before exiting with status 2."""


class Helped(Exception):
    """`--help` or `--version`: the command exists, and argparse would have exited with status 0."""


class Strict(argparse.ArgumentParser):
    def error(self, message: str):
        raise Refused(message)

    def exit(self, status: int = 0, message: str | None = None):
        raise Refused(message) if status else Helped()


def refusal(command: str) -> str | None:
    """Why `dunderquest.cli.parser()` refuses the command's arguments, or None when it takes them."""
    words = shlex.split(command)
    assert words[0] == "dunderquest", command
    try:
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            parser(Strict).parse_args(words[1:])
    except Helped:
        return None
    except (Refused, SystemExit) as err:
        return str(err) or "refused"
    return None


def test_the_rule_finds_commands_where_the_pages_show_them_and_refuses_a_made_up_option():
    shown = """Run `dunderquest check 3`, or
`dunderquest grade
--workspace ann --format json`. `%dunderquest check level3` is a magic, `dunderquest` a name.

| `dunderquest check --format text\\|json` | a table |

```sh
$ dunderquest list
python -m pip install . && dunderquest play
DUNDERQUEST_LINGER=0 dunderquest check 1 --seed 7   # a comment
cd ws && dunderquest lesson 2; dunderquest stop
```

```python
%%dunderquest level1
print("not dunderquest check --nothing")
```
"""
    assert commands_in(shown) == [
        "dunderquest list", "dunderquest play", "dunderquest check 1 --seed 7", "dunderquest lesson 2",
        "dunderquest stop", "dunderquest check 3", "dunderquest grade --workspace ann --format json",
        "dunderquest check --format text|json"]
    assert refusal("dunderquest check 3 --format json") is None and refusal("dunderquest grade --help") is None
    assert "--no-such-option" in refusal("dunderquest check 3 --no-such-option")
    assert "invalid choice" in refusal("dunderquest check --format yaml")
    assert "invalid choice" in refusal("dunderquest chekc 3")


@pytest.mark.parametrize("shown", SHOWN, ids=[str(path.relative_to(REPO)) for path in SHOWN])
def test_every_command_shown_parses(shown):
    commands = commands_in(shown.read_text(encoding="utf-8"))
    refused = {command: why for command in commands if (why := refusal(command))}
    assert not refused, f"{shown.relative_to(REPO)} shows commands that dunderquest refuses: {refused}"


def test_the_commands_page_shows_every_learner_command():
    shown = {shlex.split(command)[1] for command in commands_in((DOCS / "learn" / "commands.md").read_text())}
    learner = {"play", "serve", "init", "check", "list", "lesson", "hint", "reset", "solution", "watch", "data",
               "finale", "stop", "doctor"}
    assert learner <= shown, learner - shown


# -- the built site ----------------------------------------------------------------------------------


def test_the_site_builds_with_warnings_as_errors_and_offline(built_site):
    assert built_site.returncode == 0, built_site.output
    assert (built_site.folder / "index.html").is_file()
    print(f"mkdocs build --strict took {built_site.seconds:.1f} s")


def test_the_site_reports_a_broken_link_a_missing_page_and_a_docstring_that_does_not_render(tmp_path):
    """The same site, with a page that links nowhere, a nav entry for a page that is not there, and a
    function whose docstring names a parameter it does not have: each is a warning, so the build fails."""
    copy = tmp_path / "checkout"
    copy.mkdir()
    for part in ("src", "course", "exercises", "solutions", "examples", "tests"):
        (copy / part).symlink_to(REPO / part)
    shutil.copytree(DOCS, copy / "docs")
    config = yaml.safe_load((REPO / "mkdocs.yml").read_text(encoding="utf-8"))
    config["nav"] += [{"Broken": "broken.md"}, {"Missing": "missing.md"}]
    mkdocstrings = next(plugin["mkdocstrings"] for plugin in config["plugins"] if "mkdocstrings" in plugin)
    mkdocstrings["handlers"]["python"]["paths"] = ["src", "extra"]
    (copy / "mkdocs.yml").write_text(yaml.safe_dump(config), encoding="utf-8")
    (copy / "extra").mkdir()
    (copy / "extra" / "badly_documented.py").write_text(
        'def scale(x):\n    """Scales x.\n\n    Args:\n        factor: how much.\n    """\n', encoding="utf-8")
    (copy / "docs" / "broken.md").write_text(
        "# Broken\n\n[nowhere](nowhere.md), [no such heading](index.md#no-such-heading)\n\n"
        "::: badly_documented\n", encoding="utf-8")
    built = Site.build(copy / "mkdocs.yml", tmp_path / "site")
    assert built.returncode != 0, built.output
    for problem in ("nowhere.md", "no-such-heading", "missing.md", "factor"):
        assert problem in built.output, (problem, built.output)


def test_the_site_adds_the_snapshot_tests_screens_as_they_are(built_site):
    snapshots = REPO / "tests" / "tui" / "__snapshots__" / "test_snapshots"
    for svg in snapshots.glob("*.svg"):
        assert (built_site.folder / "screens" / svg.name).read_bytes() == svg.read_bytes(), svg.name
    shown = set(re.findall(r'src="\.\./\.\./screens/([^"]+)"', built_site.html("learn/play")))
    assert {"test_a_failed_run.svg", "test_the_unlock.svg", "test_the_mnist_panel.svg",
            "test_the_finale_at_its_end.svg"} <= shown


def test_the_api_page_shows_every_public_name_of_the_checking_module(built_site):
    from dunderquest.grader import checking

    page = built_site.html("write-levels/checking-api")
    missing = [name for name in checking.__all__ if f'id="dunderquest.grader.checking.{name}"' not in page]
    assert not missing, f"the API page leaves out {missing}"


def test_a_complete_level_s_checks_come_from_the_file_itself(built_site):
    page = (DOCS / "write-levels" / "a-complete-level.md").read_text(encoding="utf-8")
    assert '--8<-- "course/levels/level3_numbers/checks.py"' in page
    checks = (REPO / "course" / "levels" / "level3_numbers" / "checks.py").read_text(encoding="utf-8")
    assert checks.strip() in built_site.text("write-levels/a-complete-level")


def test_the_built_pages_load_nothing_from_the_network(built_site):
    """Links a reader follows may go anywhere; what a page loads by itself (styles, scripts, fonts,
    pictures) comes from the site."""
    loaded = re.compile(r'<(?:link|script|img|source|iframe)\b[^>]*\b(?:href|src)="((?:https?:)?//[^"]+)"')
    for page in built_site.folder.rglob("*.html"):
        remote = loaded.findall(page.read_text(encoding="utf-8"))
        assert not remote, f"{page.relative_to(built_site.folder)} loads {remote}"
        assert "fonts.googleapis" not in page.read_text(encoding="utf-8")


# -- the README --------------------------------------------------------------------------------------


def code_lines(markdown: str) -> list[str]:
    lines, fence = [], None
    for line in markdown.splitlines():
        opened = FENCE.match(line)
        if fence is None and opened:
            fence = opened[1]
        elif fence is not None and opened and line.strip() == opened[1]:
            fence = None
        elif fence is not None:
            lines.append(line.strip())
    return lines


def test_the_readme_is_a_front_page_of_at_most_150_lines():
    readme = README.read_text(encoding="utf-8")
    assert len(readme.splitlines()) <= 150
    # The picture is the snapshot test's own, so it shows the game as the tests last saw it.
    assert "![" in readme and "(tests/tui/__snapshots__/test_snapshots/test_a_failed_run.svg)" in readme
    links = re.findall(r"\]\(((?!https?:)[^)#]+)(?:#[^)]*)?\)", readme)
    assert len(links) > 20 and all((REPO / link).is_file() for link in links), links
    sections = sorted(DOCS.glob("*/index.md"))  # Learn, Teach, Write levels, the grader, Contribute
    assert len(sections) == 5 and all(f"({section.relative_to(REPO)})" in readme for section in sections)


def test_the_readme_shows_the_two_quick_start_commands_exactly_as_ci_runs_them():
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    runs = re.findall(r"python -m pip install [^;\n]*", ci)
    assert len(runs) == 2, runs  # install and play, then install the test extra and run the tests
    shown = [line for line in code_lines(README.read_text(encoding="utf-8")) if line.startswith("python -m pip")]
    assert shown[:2] == runs, (shown, runs)


def test_the_readme_says_how_to_build_the_site_as_the_tests_build_it():
    lines = code_lines(README.read_text(encoding="utf-8"))
    assert 'python -m pip install -e ".[docs]"' in lines
    assert any(line.split("#")[0].split() == ["mkdocs", "build", "--strict"] for line in lines)
