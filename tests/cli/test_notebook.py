"""`%load_ext dunderquest` in a real notebook, run headlessly by nbclient on an ipykernel kernel: a
cell becomes the level's file and is graded by the real grader, in processes the kernel started as new
programs (never forks of the kernel); the result shows as a table of checks, with the MNIST panel's
digits where the level has one and the next level once it unlocks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dunderquest.core.progress import Status
from dunderquest.core.workspace import Workspace

REPO = Path(__file__).resolve().parent.parent.parent
SOLUTIONS = REPO / "solutions"

CHILDREN = """
import json, os
mine = open(f"/proc/{os.getpid()}/cmdline", "rb").read()
children = []
for task in os.listdir(f"/proc/{os.getpid()}/task"):
    for child in open(f"/proc/{os.getpid()}/task/{task}/children").read().split():
        children.append(open(f"/proc/{child}/cmdline", "rb").read().decode().split("\\0"))
print(json.dumps({"kernel": mine.decode().split("\\0"), "children": children}))
"""


def html_of(cell) -> str:
    return "".join(output.get("data", {}).get("text/html", "") for output in cell.outputs)


def text_of(cell) -> str:
    return "".join(output.get("text", "") + output.get("data", {}).get("text/plain", "") +
                   output.get("data", {}).get("text/markdown", "") for output in cell.outputs)


@pytest.mark.slow
def test_a_notebook_grades_its_cells_with_the_dunderquest_magic(tmp_path):
    nbformat = pytest.importorskip("nbformat", reason="the test extra installs nbformat")
    nbclient = pytest.importorskip("nbclient", reason="the test extra installs nbclient")
    pytest.importorskip("ipykernel", reason="the test extra installs ipykernel")
    workspace = tmp_path / "ws"
    cells = [
        "%load_ext dunderquest",
        f"%dunderquest workspace {workspace}",
        "%%dunderquest level1\nclass Double:\n    def __call__(self, x):\n"
        "        return x + x if isinstance(x, int) else x\n",
        "%%dunderquest level1\n" + (SOLUTIONS / "level1_double.py").read_text(),
        "%dunderquest hint level2",
        "%%dunderquest level3\n" + (SOLUTIONS / "level3_numbers.py").read_text(),
        "%dunderquest list",
        "%dunderquest hint level99",
        CHILDREN,
    ]
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source) for source in cells])
    client = nbclient.NotebookClient(notebook, timeout=600, kernel_name="python3",
                                     resources={"metadata": {"path": str(tmp_path)}})
    client.execute()
    (load, where, wrong, right, hint, panel, listing, unknown, children) = notebook.cells

    assert all(output.get("output_type") != "error" for cell in notebook.cells for output in cell.outputs)
    assert str(workspace) in text_of(where)

    assert "NOT YET" in html_of(wrong) and "&#10007;" in html_of(wrong)
    assert "Double()(x) returns 2 * x for floats" in html_of(wrong)
    assert "FAIL" in text_of(wrong)

    page = html_of(right)
    assert "PASSED" in page and "&#10007;" not in page
    assert "Level 2 (Length and indexing) is now unlocked: `%%dunderquest level2`" in page
    progress = Workspace.find(workspace).progress
    assert progress.status(Workspace.find(workspace).catalog.get("level1")) is Status.PASSED
    assert (workspace / "exercises" / "level1_double.py").read_text() == (SOLUTIONS / "level1_double.py").read_text()

    assert "Level 2: hint 1 of" in text_of(hint)

    page = html_of(panel)
    assert "PASSED" in page and "it was checked anyway" in page  # level 3 is still locked
    assert '<img class="dunderquest-digits" alt="MNIST digits" src="data:image/png;base64,' in page

    assert "1. Objects you can call (Double): passed" in text_of(listing)
    assert "dunderquest: There is no level called 'level99'" in text_of(unknown)

    processes = json.loads(text_of(children).strip().splitlines()[-1])
    assert processes["children"], "the kernel started its grader"
    for command in processes["children"]:
        assert command != processes["kernel"], "the kernel forked itself to grade"
        assert any("dunderquest.grader.service" in part for part in command), command


def test_the_lesson_magic_shows_a_level_s_lesson_as_markdown(tmp_path):
    from dunderquest.notebook import Session, run_line

    session = Session()
    session.use(tmp_path / "ws")
    shown = run_line(session, "lesson 2")
    assert shown._repr_markdown_() == session.current().catalog.get("2").lesson()
    assert run_line(session, "lesson")._repr_markdown_().startswith("# Objects you can call")
