"""Without fork() (Windows), each sandbox is a fresh `python -I` process. DUNDERQUEST_SANDBOX_START=spawn
forces that path here, for every level: every reference solution passes, every stub fails, a right
solution of each level passes, and wrong solutions that between them fail every check of every level
(a cover of the wrong corpus: each spawned sandbox imports torch, so the whole corpus would take
minutes; tests/grader/test_levels.py runs all of it through the forked path) fail the checks they name.

One helper process imports the grader once and forks a child per file that grades it with `runner.grade`
(the cold path of `dunderquest check`), so each file gets a fresh runner and fresh spawned sandboxes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from grader_corpus import LEVELS, REPO, covering, wrong_solutions

from dunderquest.core.catalog import default_catalog
from tools import COLD_GRADER

CATALOG = default_catalog()
CASES = ([(f"solution/{folder}", folder, REPO / "course" / "solutions" / CATALOG.get(folder).file_name, True, [])
          for folder in LEVELS]
         + [(f"stub/{folder}", folder, REPO / "course" / "exercises" / CATALOG.get(folder).file_name, False, [])
            for folder in LEVELS]
         + [(f"right/{folder.name}/{right.name}", folder.name, right, True, [])
            for folder in sorted((REPO / "course" / "right").iterdir()) if folder.is_dir()
            for right in sorted(folder.glob("*.py"))[:1]]
         + [(f"wrong/{w.level}/{w.path.name}", w.level, w.path, False, w.must_fail)
            for w in covering([w for w in wrong_solutions() if not w.known_bug])])


@pytest.fixture(scope="module")
def spawned_grader():
    if not hasattr(os, "fork"):
        pytest.skip("the helper forks one runner per file; on this system every run is spawned anyway")
    env = dict(os.environ, DUNDERQUEST_SANDBOX_START="spawn")
    helper = subprocess.Popen([sys.executable, "-c", COLD_GRADER], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              text=True, env=env)

    def grade(level: str, path: Path) -> dict:
        helper.stdin.write(json.dumps([level, str(path), None]) + "\n")
        helper.stdin.flush()
        return json.loads(helper.stdout.readline())

    yield grade
    helper.stdin.close()
    helper.wait(60)


@pytest.mark.slow
@pytest.mark.parametrize(("level", "path", "passes", "must_fail"), [case[1:] for case in CASES],
                         ids=[case[0] for case in CASES])
def test_the_level_corpus_gets_the_same_outcomes_with_spawned_sandboxes(spawned_grader, level, path, passes,
                                                                        must_fail):
    result = spawned_grader(level, path)
    shown = "\n".join(f"  {'PASS' if c['passed'] else 'FAIL'} {c['id']}: {c['message'][:300]}"
                      for c in result["checks"])
    assert result["passed"] is passes, shown
    failed = {c["id"] for c in result["checks"] if not c["passed"]}
    assert [c for c in must_fail if c not in failed] == [], shown
    assert all(c["message"].strip() for c in result["checks"] if not c["passed"])
    assert not any("Traceback (most recent call last)" in c["message"] or "The grader itself failed" in c["message"]
                   for c in result["checks"])


LOADED = """import sys
LOADED = sorted(name for name in sys.modules if name == "dunderquest" or name.startswith("dunderquest."))
"""


def test_a_freshly_spawned_sandbox_loads_only_the_inside_the_confinement_the_wire_format_and_the_limits(tmp_path):
    """Before the learner's code runs, a sandbox started as a fresh process holds none of the trusted
    grader: not the catalog, the checks, the expectations or the reference objects."""
    from dunderquest.grader import wire
    from dunderquest.grader.proxy import SandboxProxy
    from dunderquest.grader.service.forker import answer_key, data_roots
    from dunderquest.grader.service.processes import SpawnedSandboxes

    file = tmp_path / "look.py"
    file.write_text(LOADED, encoding="utf-8")
    proxy = SandboxProxy(file, "look.py", sandboxes=SpawnedSandboxes(data_roots(None), answer_key(), set()),
                         module_name="look")
    try:
        reply = proxy.request({"op": "class", "name": "LOADED", "module": "look"}, [], "LOADED")
        loaded = wire.decode(reply["value"], [])
    finally:
        proxy.close()
    allowed = ("dunderquest.grader.inside", "dunderquest.grader.confinement")
    assert "dunderquest.grader.inside.server" in loaded and "dunderquest.grader.confinement.enter" in loaded
    extra = [name for name in loaded if name not in ("dunderquest", "dunderquest.grader", "dunderquest.grader.wire",
                                                     "dunderquest.grader.limits")
             and not any(name == p or name.startswith(p + ".") for p in allowed)]
    assert extra == []


def test_the_spawned_cases_cover_every_level_and_every_check_the_wrong_corpus_fails():
    from grader_corpus import check_ids

    levels = {case[1] for case in CASES}
    assert levels == set(LEVELS)
    failed = {(case[1], check) for case in CASES for check in case[4]}
    named = {(w.level, check) for w in wrong_solutions() if not w.known_bug for check in w.must_fail}
    assert failed == named
    for level in CATALOG:
        assert {check for lv, check in failed if lv == level.folder.name} <= set(check_ids(level))
