"""Classroom 50's own rules for a result.json (classroom50/result/v1), written from its runner's and
its score collector's validation (`validate_result` in runner.py and collect_scores.py of
foundation50/classroom50) and from its JSON schema, which is stricter about the top level. A result
that breaks any of them is replaced, on Classroom 50, by a 0/0 error: the student gets nothing.

`problems(result, environ)` lists every rule a result breaks, in Classroom 50's words where it has
them; an empty list means both the runner and the collector accept it."""

from __future__ import annotations

import re

SCHEMA = "classroom50/result/v1"
REQUIRED = ("schema", "classroom", "assignment", "assignment_type", "owner", "submission", "commit", "release",
            "review", "datetime", "score", "max-score", "tests")
OPTIONAL = ("graded_at", "submitted_by")
DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T([01]\d|2[0-3]):[0-5]\d:[0-5]\dZ$")
TYPES = ("individual", "group", "team")


def whole(value: object) -> bool:
    """An integer as Classroom 50 takes one: a JSON integer, not a boolean and not 1.0, 0 or more."""
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def text(value: object) -> bool:
    return isinstance(value, str) and value != ""


def problems(result: object, environ: dict[str, str]) -> list[str]:
    if not isinstance(result, dict):
        return ["result.json is not a JSON object"]
    found = []
    # The schema: these keys and no others at the top level.
    found += [f"missing key {key!r}" for key in REQUIRED if key not in result]
    found += [f"unknown top-level key {key!r}" for key in result if key not in REQUIRED + OPTIONAL]
    if result.get("schema") != SCHEMA:
        found.append(f"'schema' must be {SCHEMA!r}")
    # The runner and the collector: the submission's identity.
    if result.get("classroom") != environ.get("CLASSROOM"):
        found.append("'classroom' must be the CLASSROOM this run grades")
    if result.get("assignment") != environ.get("ASSIGNMENT"):
        found.append("'assignment' must be the ASSIGNMENT this run grades")
    owner = environ.get("OWNER") or environ.get("USERNAME") or ""
    if not text(result.get("owner")) or result["owner"].lower() != owner.lower():
        found.append("'owner' must be the repository's owner")
    if result.get("assignment_type") not in TYPES or result.get("assignment_type") != (
            environ.get("ASSIGNMENT_TYPE") or "individual"):
        found.append("'assignment_type' must be the assignment's type")
    if not isinstance(result.get("submission"), str) or not result["submission"].startswith("submit/"):
        found.append("'submission' must start with 'submit/'")
    for key in ("commit", "release", "review", "datetime"):
        if not text(result.get(key)):
            found.append(f"{key!r} must be a non-empty string")
    if isinstance(result.get("datetime"), str) and not DATETIME.match(result["datetime"]):
        found.append("'datetime' must be UTC, as 2026-06-01T14:32:01Z")
    for key in ("score", "max-score"):
        if not whole(result.get(key)):
            found.append(f"{key!r} must be a non-negative integer")
    if whole(result.get("score")) and whole(result.get("max-score")) and result["score"] > result["max-score"]:
        found.append("'score' must not exceed 'max-score'")
    tests = result.get("tests")
    if not isinstance(tests, list):
        return [*found, "'tests' must be a list"]
    for number, test in enumerate(tests):
        where = f"tests[{number}]"
        if not isinstance(test, dict):
            found.append(f"{where} must be an object")
            continue
        if not text(test.get("test-name")):
            found.append(f"{where}.test-name must be a non-empty string")
        if not isinstance(test.get("passed"), bool):
            found.append(f"{where}.passed must be a boolean")
        for key in ("score", "max-score"):
            if not whole(test.get(key)):
                found.append(f"{where}.{key} must be a non-negative integer")
        if whole(test.get("score")) and whole(test.get("max-score")) and test["score"] > test["max-score"]:
            found.append(f"{where}.score must not exceed its max-score")
    by = result.get("submitted_by")
    integer_or_null = by is None or not isinstance(by, dict) or by.get("id") is None or (
        isinstance(by["id"], int) and not isinstance(by["id"], bool))
    if by is not None and (not isinstance(by, dict) or not text(by.get("username")) or not integer_or_null):
        found.append("'submitted_by' must hold a username and an integer id or null")
    return found
