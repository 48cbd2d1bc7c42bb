"""`dunderquest finale` before the levels it needs are passed: it says which level to finish first,
in words or as one JSON event, and exits 1 without starting any training."""

from __future__ import annotations

import json

import test_cli
from test_cli import CATALOG, dq, record_pass

from dunderquest.core.pack import builtin_pack

FINALE = builtin_pack().finale

ws = test_cli.ws  # a fresh workspace made by `dunderquest init`, as in the other CLI tests


def test_a_fresh_workspace_is_told_to_finish_level_3_first(ws):
    done = dq("finale", cwd=ws)
    assert done.returncode == 1
    assert "Finish level 3 first: dunderquest check 3" in done.stderr
    assert "`Numbers`" in done.stderr
    assert done.stdout == ""


def test_the_first_needed_level_not_passed_is_named(ws):
    first, second, *_ = FINALE.levels(CATALOG)
    for level in CATALOG:
        if level.number <= first.number:
            record_pass(ws, level.id)
    done = dq("finale", cwd=ws)
    assert done.returncode == 1
    assert f"Finish level {second.number} first: dunderquest check {second.number}" in done.stderr
    assert f"`{FINALE.classes_from(second, CATALOG)[0]}`" in done.stderr


def test_jsonl_says_it_as_one_problem_event(ws):
    done = dq("finale", "--format", "jsonl", cwd=ws)
    assert done.returncode == 1
    lines = done.stdout.splitlines()
    assert len(lines) == 1
    event = json.loads(lines[0])
    assert event["event"] == "problem"
    assert "Finish level 3 first" in event["message"]
