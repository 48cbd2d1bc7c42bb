"""The class report page, `OUTDIR/report.html`, over a class of 40 with mistakes planted from the
course's own wrong files: the page names each planted mistake with the right count and students;
and in a real browser (Debian's Chromium, driven by Playwright) its plots are drawn, no console
error is logged, and nothing but the file itself is fetched. With DUNDERQUEST_UPDATE_DOCS=1, the
browser test also writes the README's screenshot, docs/class-report.png."""

from __future__ import annotations

import html
import os
import re
import shutil
from collections import defaultdict
from pathlib import Path

import pytest

from dunderquest.cli import main
from dunderquest.core.mistakes import read_index
from dunderquest.core.pack import BUILTIN, builtin_pack
from tools import CHROMIUM_ARGS, chromium

REPO = Path(__file__).resolve().parents[2]
CATALOG = builtin_pack().catalog
LEVELS = [CATALOG.get(name) for name in ("level3_numbers", "level4_example_loader", "level7_dataloader")]
SLOW = re.compile(r"for_ever|never_stops|reads_everything|reads_sized")  # they hang until the time limit
STUDENTS = 40


def plan() -> dict[str, dict[str, str]]:
    """Student -> level -> the wrong file planted there ("" for the reference solution). In each
    level: three wrong files whose failed checks no other wrong file shares, planted 5, 3 and 2
    times, and one whose failed checks others share, planted 4 times."""
    index = read_index(BUILTIN)
    planted: dict[str, dict[str, str]] = {f"s{n:02}": {} for n in range(STUDENTS)}
    for offset, level in enumerate(LEVELS):
        files = [f for f in index.levels[level.id] if not f.varies and not SLOW.search(f.file)]
        alone = [f for f in files if [g.failed for g in files].count(f.failed) == 1
                 and index.match(level.id, f.failed).files == (f,)]
        shared = [f for f in files if len(index.match(level.id, f.failed).files) > 1]
        chosen = [alone[0].file] * 5 + [alone[1].file] * 3 + [alone[2].file] * 2 + [shared[0].file] * 4
        for number, file in enumerate(chosen):
            planted[f"s{(number + 13 * offset) % STUDENTS:02}"][level.id] = file
    return planted


@pytest.fixture(scope="module")
def graded(tmp_path_factory) -> tuple[Path, dict[str, dict[str, str]]]:
    root = tmp_path_factory.mktemp("class")
    planted = plan()
    for student, levels in planted.items():
        folder = root / "submissions" / student
        folder.mkdir(parents=True)
        for level in LEVELS:
            wrong = levels.get(level.id)
            source = BUILTIN / "wrong" / level.id / wrong if wrong else level.solution_path
            shutil.copyfile(source, folder / level.file_name)
    out = root / "out"
    assert main(["grade", "--submissions", str(root / "submissions"), "--output", str(out), "--seed", "7",
                 "--levels", ",".join(level.id for level in LEVELS)]) == 0
    return out, planted


def mistakes_on_the_page(page: str) -> dict[tuple[str, str], tuple[int, list[str]]]:
    """(level, the wrong files named) -> (the count shown, the students linked), as the page shows them."""
    found = {}
    for match in re.finditer(r'<div class="mistake" data-level="([^"]+)" data-files="([^"]+)" '
                             r'data-count="(\d+)">(.*?)<div class="students">(.*?)</div></div>', page, re.S):
        level, files, count, _, links = match.groups()
        students = re.findall(r'<a href="[^"]+">([^<]+)</a>', links)
        found[(level, html.unescape(files))] = (int(count), [html.unescape(s) for s in students])
    return found


@pytest.mark.slow
def test_the_page_names_each_planted_mistake_with_its_count_and_its_students(graded):
    out, planted = graded
    page = (out / "report.html").read_text(encoding="utf-8")
    shown = mistakes_on_the_page(page)
    index = read_index(BUILTIN)
    expected: dict[tuple[str, str], list[str]] = defaultdict(list)
    for student, levels in sorted(planted.items()):
        for level, file in levels.items():
            files = index.match(level, next(f.failed for f in index.levels[level] if f.file == file)).files
            expected[(level, " ".join(f.file for f in files))].append(student)
    assert {key: (len(students), students) for key, students in expected.items()} == shown
    for level, files in shown:
        for file in files.split():
            entry = next(f for f in index.levels[level] if f.file == file)
            # The header as written, its Markdown `code` set as code.
            header = re.sub(r"`([^`]+)`", r"<code>\1</code>", html.escape(entry.header))
            assert html.escape(entry.name) in page and header in page
            assert "`" not in header, header
        if len(files.split()) > 1:  # several wrong files fail these checks: the page says so
            assert f"{len(files.split())} wrong solutions fail exactly these checks" in page
    assert '<figure class="plot" id="plot-scores"><svg' in page and '<figure class="plot" id="plot-levels"><svg' in page
    assert "http://" not in page.split("<svg", 1)[0] and "src=" not in page
    for student in planted:
        assert f'<a href="{student}.json">{student}</a>' in page


@pytest.mark.slow
def test_the_page_lists_each_level_s_checks_by_failures_with_the_message_most_got(graded):
    out, planted = graded
    page = (out / "report.html").read_text(encoding="utf-8")
    table = page.split(f"({LEVELS[0].id})</small></h3><table", 1)[1].split("</table>", 1)[0]
    counts = [int(n) for n in re.findall(r'<td class="num">(\d+)</td>', table)]
    planted_here = sum(1 for levels in planted.values() if LEVELS[0].id in levels)
    assert counts == sorted(counts, reverse=True) and 0 < counts[0] <= planted_here
    assert "got this message" in table


@pytest.mark.slow
@pytest.mark.e2e
def test_in_a_real_browser_the_plots_draw_offline_without_a_console_error(graded, tmp_path):
    playwright = pytest.importorskip("playwright.sync_api", reason="the test extra installs Playwright")

    out, planted = graded
    page_path = (out / "report.html").resolve()
    url = page_path.as_uri()
    requests, errors = [], []
    with playwright.sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=chromium(), args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            page = context.new_page()
            page.on("request", lambda request: requests.append(request.url))
            page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.goto(url)
            page.wait_for_load_state("load")
            for plot in ("#plot-scores", "#plot-levels"):
                box = page.locator(f"{plot} svg").bounding_box()
                assert box and box["width"] > 200 and box["height"] > 100, plot
                assert page.locator(f"{plot} svg path").count() > 20, plot  # bars, axes and text, drawn
            rows = page.locator("#students-table tbody tr")
            assert rows.count() == STUDENTS
            one = next(s for s, levels in planted.items() if levels)
            page.fill("#filter", one)
            assert page.locator("#students-table tbody tr:not([hidden])").count() == 1
            page.fill("#filter", "")
            page.click("#students-table th:nth-child(2)")  # the score, highest first
            scores = [float(v) for v in page.locator("#students-table tbody tr td:nth-child(2)").evaluate_all(
                "cells => cells.map(c => c.dataset.value)")]
            assert scores == sorted(scores, reverse=True)
            page.click("#students-table th:nth-child(2)")
            page.screenshot(path=str(tmp_path / "class-report.png"), full_page=False)
            if os.environ.get("DUNDERQUEST_UPDATE_DOCS"):
                page.evaluate("window.scrollTo(0, 0)")
                page.screenshot(path=str(REPO / "docs" / "class-report.png"), full_page=False)
        finally:
            browser.close()
    assert errors == []
    assert [r for r in requests if r != url and not r.startswith("data:")] == []
