"""The class report page, `OUTDIR/report.html`: what a teacher reads the morning after a deadline.

One self-contained file that works offline: the plots are SVG drawn by matplotlib and written into
the page, the table's sorting and filtering are a few lines of script in the page itself, and a
Content-Security-Policy forbids the page any request. It shows the score distribution and each
level's pass rate, each level's checks by how many students failed them (with the message most of
them got), the known mistakes the class made (core/mistakes.py: a student's failed checks in a level
that are exactly a wrong file's), and a table of students that links to each student's own report.
"""

from __future__ import annotations

import html
import io
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from urllib.parse import quote

from ..core.catalog import Level
from ..core.mistakes import Index, Mistake
from ..core.provenance import graded_with_line
from .report import GRADER_ERROR, MISSING, UNREADABLE, Report

PAGE = "report.html"
NOT_GRADED = (MISSING, UNREADABLE, GRADER_ERROR)


@dataclass
class LevelMistakes:
    """A level's failing students, sorted into known mistakes and the rest."""

    level: Level
    known: list[tuple[Mistake, list[str]]] = field(default_factory=list)  # most students first
    unknown: list[tuple[frozenset[str], list[str]]] = field(default_factory=list)  # failed checks no wrong file fails
    not_run: list[tuple[str, str]] = field(default_factory=list)  # (student, problem): no check of theirs ran


def class_mistakes(reports: Sequence[Report], levels: Sequence[Level], index: Index | None) -> list[LevelMistakes]:
    """Each level's failing students matched to the pack's known mistakes, where one fits."""
    found = []
    for number, level in enumerate(levels):
        known: dict[str, tuple[Mistake, list[str]]] = {}
        unknown: dict[frozenset[str], list[str]] = {}
        here = LevelMistakes(level)
        for report in sorted(reports, key=lambda r: r.student or ""):
            graded = report.levels[number]
            failed = frozenset(check.id for check in graded.result.checks if not check.passed)
            if not failed:
                continue
            if graded.problem in NOT_GRADED:  # no check of theirs ran: their failures say nothing
                here.not_run.append((report.student or "", graded.problem))
                continue
            mistake = index.match(level.id, failed) if index is not None else None
            if mistake is None and graded.problem is not None:  # a hang or a crash that no wrong file makes
                here.not_run.append((report.student or "", graded.problem))
            elif mistake is None:
                unknown.setdefault(failed, []).append(report.student or "")
            else:
                known.setdefault(mistake.key, (mistake, []))[1].append(report.student or "")
        here.known = sorted(known.values(), key=lambda m: (-len(m[1]), m[0].name))
        here.unknown = sorted(unknown.items(), key=lambda u: (-len(u[1]), sorted(u[0])))
        found.append(here)
    return found


# -- the plots ---------------------------------------------------------------------------------------


def _svg(figure) -> str:
    from matplotlib.backends.backend_svg import FigureCanvasSVG

    out = io.StringIO()
    FigureCanvasSVG(figure).print_svg(out, metadata={"Date": None, "Creator": None})
    text = out.getvalue()
    return text[text.index("<svg"):]  # no XML declaration or doctype inside the page


def _style():
    import matplotlib

    # The text drawn as paths: no font is needed where the page is opened. A fixed salt: the same
    # class gives the same page.
    return matplotlib.rc_context({"svg.fonttype": "path", "svg.hashsalt": "dunderquest", "font.size": 10,
                                  "axes.spines.top": False, "axes.spines.right": False})


def score_plot(scores: Sequence[int], most: int) -> str:
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    with _style():
        figure = Figure(figsize=(5.2, 2.8), layout="constrained")
        axes = figure.add_subplot()
        bins = min(20, most + 1) if most else 1
        axes.hist(scores, bins=bins, range=(0, max(most, 1)), color="#3b6ea5", edgecolor="white")
        axes.set_xlabel(f"score (of {most})")
        axes.set_ylabel("students")
        axes.yaxis.set_major_locator(MaxNLocator(integer=True))
        axes.xaxis.set_major_locator(MaxNLocator(integer=True))
        axes.set_title("Score distribution")
        return _svg(figure)


def pass_rate_plot(levels: Sequence[Level], rates: Sequence[float]) -> str:
    from matplotlib.figure import Figure

    with _style():
        figure = Figure(figsize=(5.2, max(1.8, 0.8 + 0.3 * len(levels))), layout="constrained")
        axes = figure.add_subplot()
        names = [level.id for level in levels][::-1]
        values = [100 * rate for rate in rates][::-1]
        bars = axes.barh(names, values, color="#5a9e6f")
        axes.bar_label(bars, labels=[f"{v:.0f}%" for v in values], padding=3, fontsize=8)
        axes.set_xlim(0, 110)
        axes.set_xlabel("students who passed every check (%)")
        axes.set_title("Each level's pass rate")
        return _svg(figure)


# -- the page ----------------------------------------------------------------------------------------

STYLE = """
body { font: 15px/1.45 system-ui, sans-serif; margin: 2em auto; max-width: 72em; padding: 0 1em; color: #222; }
h1 { margin-bottom: .2em; } h2 { border-bottom: 2px solid #ddd; padding-bottom: .2em; margin-top: 2em; }
.about { color: #555; } .plots { display: flex; flex-wrap: wrap; gap: 1em; } figure.plot { margin: 0; }
figure.plot svg { max-width: 100%; height: auto; }
table { border-collapse: collapse; margin: .5em 0 1em; } td, th { padding: .25em .6em; border-bottom: 1px solid #eee;
text-align: left; vertical-align: top; } th { background: #f4f4f4; }
th[data-sort] { cursor: pointer; } th[data-sort]::after { content: " \\2195"; color: #999; }
td.num, th.num { text-align: right; } .fail { color: #a33; } .pass { color: #286; }
.mistake { margin: .6em 0; } .mistake .count { font-weight: bold; font-size: 1.1em; } .header { color: #444; }
.students a { margin-right: .5em; } .shared { color: #865; font-size: .9em; }
code { background: #f2f2f2; padding: 0 .25em; border-radius: 3px; font-size: .92em; }
pre { white-space: pre-wrap; background: #f7f7f7; padding: .4em; margin: .2em 0; font-size: .85em; max-width: 60em; }
#filter { font-size: 1em; padding: .3em; width: 20em; } .note { color: #555; font-size: .9em; }
"""

SCRIPT = """
const table = document.getElementById("students-table");
const body = table.tBodies[0];
document.getElementById("filter").addEventListener("input", (event) => {
  const words = event.target.value.toLowerCase().split(/\\s+/).filter(Boolean);
  for (const row of body.rows) {
    const text = row.textContent.toLowerCase();
    row.hidden = !words.every((word) => text.includes(word));
  }
});
table.tHead.querySelectorAll("th[data-sort]").forEach((th, column) => {
  th.addEventListener("click", () => {
    const down = th.dataset.order !== "down";
    table.tHead.querySelectorAll("th").forEach((other) => delete other.dataset.order);
    th.dataset.order = down ? "down" : "up";
    const number = th.dataset.sort === "number";
    const key = (row) => number ? parseFloat(row.cells[column].dataset.value) : row.cells[column].textContent;
    const rows = Array.from(body.rows).sort((a, b) => {
      const x = key(a), y = key(b);
      const order = number ? x - y : x.localeCompare(y);
      return down ? -order : order;
    });
    body.append(...rows);
  });
});
"""

CSP = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:"


def _e(text: object) -> str:
    return html.escape(str(text))


def _code_spans(text: str) -> str:
    """A wrong file's header, escaped, with its `code` (Markdown's backticks) set as code."""
    return re.sub(r"`([^`]+)`", r"<code>\1</code>", _e(text))


def _student_link(name: str) -> str:
    return f'<a href="{quote(name)}.json">{_e(name)}</a>'


def _check_names(level: Level) -> dict[str, str]:
    try:
        return dict(level.checks())
    except Exception:  # noqa: BLE001 - a name is only a label here
        return {}


def class_page(reports: Sequence[Report], levels: Sequence[Level], *, title: str, index: Index | None,
               graded_with: dict | None, index_note: str = "") -> str:
    reports = sorted(reports, key=lambda r: r.student or "")
    count = len(reports)
    most = sum(graded.max_score for graded in reports[0].levels) if reports else 0
    rates = [sum(r.levels[n].passed for r in reports) / count if count else 0 for n in range(len(levels))]
    parts = [f"<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
             f"<meta http-equiv=\"Content-Security-Policy\" content=\"{CSP}\">"
             f"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
             f"<title>Class report: {_e(title)}</title><style>{STYLE}</style></head><body>",
             f"<h1>Class report: {_e(title)}</h1>",
             f"<p class=\"about\">{count} students &times; {len(levels)} levels. "
             f"{_e(graded_with_line(graded_with)) if graded_with else ''}</p>"]
    if reports:
        full = sum(r.passed for r in reports)
        mean = sum(r.score for r in reports) / count
        parts.append(f"<p>{full} of {count} passed every check; the mean score is {mean:.1f} of {most}.</p>")
    try:
        plots = (f"<figure class=\"plot\" id=\"plot-scores\">{score_plot([r.score for r in reports], most)}</figure>"
                 f"<figure class=\"plot\" id=\"plot-levels\">{pass_rate_plot(levels, rates)}</figure>")
    except ImportError as err:  # an install without matplotlib: the page, without its plots
        plots = f"<p>The plots need matplotlib, which this install lacks ({_e(err)}): pip install matplotlib</p>"
    parts.append(f"<section id=\"plots\"><h2>Scores</h2><div class=\"plots\">{plots}</div></section>")
    found = class_mistakes(reports, levels, index)
    parts.append(_mistakes_section(found, index, index_note))
    parts.append(_checks_section(reports, levels))
    parts.append(_students_section(reports, levels, found))
    parts.append(f"<script>{SCRIPT}</script></body></html>\n")
    return "\n".join(parts)


def _mistakes_section(found: list[LevelMistakes], index: Index | None, index_note: str) -> str:
    out = ["<section id=\"mistakes\"><h2>The known mistakes</h2>",
           "<p class=\"note\">A student's failed checks in a level matched to the course's wrong solution that "
           "fails exactly those checks.</p>"]
    if index is None:
        out.append(f"<p>{_e(index_note or 'This course has no index of known mistakes.')}</p>")
    for here in found:
        if not (here.known or here.unknown or here.not_run):
            continue
        out.append(f"<h3 id=\"mistakes-{_e(here.level.id)}\">Level {here.level.number}: {_e(here.level.title)} "
                   f"<small>({_e(here.level.id)})</small></h3>")
        for mistake, students in here.known:
            out.append(f"<div class=\"mistake\" data-level=\"{_e(here.level.id)}\" "
                       f"data-files=\"{_e(' '.join(f.file for f in mistake.files))}\" data-count=\"{len(students)}\">"
                       f"<span class=\"count\">{len(students)} student{'s' if len(students) != 1 else ''}</span>: "
                       f"<strong class=\"name\">{_e(mistake.name)}</strong>")
            if mistake.shared:
                out.append(f"<div class=\"shared\">{len(mistake.files)} wrong solutions fail exactly these checks, "
                           "so the checks cannot tell which of them this is:</div>")
            out += [f"<div class=\"header\">{_e(f.name)}: {_code_spans(f.header)}</div>" for f in mistake.files]
            out.append("<div class=\"students\">" + " ".join(_student_link(s) for s in students) + "</div></div>")
        for failed, students in here.unknown:
            out.append(f"<div class=\"mistake unknown\" data-level=\"{_e(here.level.id)}\" "
                       f"data-count=\"{len(students)}\"><span class=\"count\">{len(students)} "
                       f"student{'s' if len(students) != 1 else ''}</span>: no known mistake fails just "
                       f"{_e(', '.join(sorted(failed)))}"
                       "<div class=\"students\">" + " ".join(_student_link(s) for s in students) + "</div></div>")
        if here.not_run:
            problems = Counter(problem for _, problem in here.not_run)
            said = ", ".join(f"{n} {p}" for p, n in problems.most_common())
            out.append(f"<div class=\"note\">Not matched, for what went wrong beyond failed checks: {_e(said)}</div>")
    out.append("</section>")
    return "\n".join(out)


def _checks_section(reports: Sequence[Report], levels: Sequence[Level]) -> str:
    out = ["<section id=\"checks\"><h2>Each level's checks</h2>",
           "<p class=\"note\">Ordered by how many students failed them, with the message most of them got.</p>"]
    for number, level in enumerate(levels):
        names = _check_names(level)
        failures: dict[str, list[str]] = {check_id: [] for check_id in names}
        for report in reports:
            for check in report.levels[number].result.checks:
                failures.setdefault(check.id, [])
                if not check.passed:
                    failures[check.id].append(check.message)
        out.append(f"<h3>Level {level.number}: {_e(level.title)} <small>({_e(level.id)})</small></h3>"
                   "<table class=\"checks\"><thead><tr><th>check</th><th class=\"num\">failed by</th>"
                   "<th>the message most got</th></tr></thead><tbody>")
        for check_id, messages in sorted(failures.items(), key=lambda item: -len(item[1])):
            common = Counter(messages).most_common(1)
            said = ""
            if common:
                message, times = common[0]
                said = (f"<pre>{_e(message[:1200])}</pre><span class=\"note\">{times} of {len(messages)} got this "
                        "message</span>")
            out.append(f"<tr data-check=\"{_e(check_id)}\"><td>{_e(names.get(check_id, check_id))}</td>"
                       f"<td class=\"num\">{len(messages)}</td><td>{said}</td></tr>")
        out.append("</tbody></table>")
    out.append("</section>")
    return "\n".join(out)


def _students_section(reports: Sequence[Report], levels: Sequence[Level], found: list[LevelMistakes]) -> str:
    mistakes: dict[str, list[str]] = {}
    for here in found:
        for mistake, students in here.known:
            for student in students:
                mistakes.setdefault(student, []).append(f"{here.level.id}: {mistake.name}")
    out = ["<section id=\"students\"><h2>Students</h2>",
           "<p><input id=\"filter\" type=\"search\" placeholder=\"Filter: a name, a level, a status\" "
           "aria-label=\"Filter the students\"> <span class=\"note\">Click a heading to sort.</span></p>",
           "<table id=\"students-table\"><thead><tr><th data-sort=\"text\">student</th>"
           "<th data-sort=\"number\" class=\"num\">score</th>"
           + "".join(f"<th data-sort=\"number\" class=\"num\" title=\"{_e(level.title)}\">{_e(level.id)}</th>"
                     for level in levels)
           + "<th data-sort=\"text\">status</th><th data-sort=\"text\">known mistakes</th>"
             "<th data-sort=\"text\">handed in</th></tr></thead><tbody>"]
    for report in reports:
        name = report.student or ""
        cells = [f"<td>{_student_link(name)} <a class=\"note\" href=\"{quote(name)}.xml\">xml</a></td>",
                 f"<td class=\"num\" data-value=\"{report.score}\">{report.score}/{report.max_score}</td>"]
        for graded in report.levels:
            mark = "pass" if graded.passed else "fail"
            cells.append(f"<td class=\"num {mark}\" data-value=\"{graded.score}\">{graded.score}</td>")
        handed = report.handin.line() if report.handin else ""
        if report.rule_changed:
            handed += " " + report.rule_changed
        cells += [f"<td>{_e(report.status)}</td>", f"<td>{_e('; '.join(mistakes.get(name, [])))}</td>",
                  f"<td class=\"note\">{_e(handed)}</td>"]
        out.append(f"<tr data-student=\"{_e(name)}\">" + "".join(cells) + "</tr>")
    out.append("</tbody></table></section>")
    return "\n".join(out)
