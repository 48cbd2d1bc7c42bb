"""Without fork() (Windows), each sandbox is a fresh `python -I` process. DUNDERQUEST_SANDBOX_START=spawn
forces that path here, for every level: every reference solution passes, every stub fails, and the
wrong solution of each level that fails the most checks fails every check it names. (Each spawned
sandbox imports torch itself, so the whole wrong corpus would take many minutes here; it goes through
the forked grader in tests/grader/test_levels.py, and through the one-off path in the warm/cold
agreement test, tests/warm/test_warm_grader.py.)

One helper process imports the grader once and forks a child per file that grades it with `runner.grade`
(the cold path of `dunderquest check`), so each file gets a fresh runner and fresh spawned sandboxes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from grader_corpus import LEVELS, REPO, wrong_solutions

from dunderquest.core.pack import builtin_pack
from tools import COLD_GRADER

CATALOG = builtin_pack().catalog


def most_failing(wrong: list) -> list:
    """Per level, the wrong solution that names the most checks it must fail."""
    best: dict[str, object] = {}
    for submission in wrong:
        if len(submission.must_fail) > len(getattr(best.get(submission.level), "must_fail", [])):
            best[submission.level] = submission
    return [best[level] for level in sorted(best)]
CASES = ([(f"solution/{folder}", folder, REPO / "solutions" / CATALOG.get(folder).file_name, True, [])
          for folder in LEVELS]
         + [(f"stub/{folder}", folder, REPO / "exercises" / CATALOG.get(folder).file_name, False, [])
            for folder in LEVELS]
         + [(f"wrong/{w.level}/{w.path.name}", w.level, w.path, False, w.must_fail)
            for w in most_failing([w for w in wrong_solutions() if not w.known_bug])])


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
    assert not passes or result["printed"] == ""  # torch, started in the sandbox, prints nothing there
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
    sandboxes = SpawnedSandboxes(data_roots(None), answer_key(builtin_pack()), set())
    proxy = SandboxProxy(file, "look.py", sandboxes=sandboxes, module_name="look")
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



def test_every_level_goes_through_the_spawned_path_passing_and_failing():
    assert {(case[1], case[3]) for case in CASES} == {(level, passes) for level in LEVELS for passes in (True, False)}
    assert all(case[4] for case in CASES if case[0].startswith("wrong/"))
