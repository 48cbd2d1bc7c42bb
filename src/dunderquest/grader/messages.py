"""What the learner reads when a call into their code goes wrong, in plain words: the problems a
check can end with, and the message for each way a sandbox can stop. When a protection stopped the
code, the words come from the protections table (confinement/protections.py)."""

from __future__ import annotations

import signal

from .confinement.protections import BY_NAME, ended_by, stopped_by
from .limits import CHANNEL_BROKEN


class SandboxProblem(Exception):
    """Something the learner's code did that ends a check. `str()` is the message for the learner;
    `line` is the line of the learner's file involved, when known."""

    line: int | None = None


class LearnerRaised(SandboxProblem):
    """The learner's code raised an exception (`type_name`); `error` is the sandbox's account of it."""

    def __init__(self, message: str, error: dict):
        super().__init__(message)
        self.error = error
        self.line = error.get("line") if isinstance(error.get("line"), int) else None

    @property
    def type_name(self) -> str:
        return str(self.error.get("type"))


class Exhausted(StopIteration):
    """The learner's iterator raised StopIteration at `expr`: the end of a `for` loop in a check, or,
    where a check expected an item, a failure of the learner's (see runner.py)."""

    def __init__(self, expr: str):
        super().__init__()
        self.expr = expr


class SandboxGone(SandboxProblem):
    """The sandbox hung, crashed or exited."""


class LoadFailed(SandboxProblem):
    """The learner's file did not load, or lacks the class the level asks for."""


def where(error: dict, display_path: str) -> str:
    """Where in the learner's file an error came from: " (its path, line 4, in __call__):" with that
    line's text below it, or "" without a line."""
    if not error.get("line"):
        return ""
    place = f" ({display_path}, line {error['line']}"
    if error.get("function") and error["function"] != "<module>":
        place += f", in {error['function']}"
    place += ")"
    if error.get("source"):
        place += f":\n    {error['source']}"
    return place


def _stopped(expr: str, stops: str, advice: str, place: str = "", detail: str = "") -> str:
    return f"While running `{expr}`, {stops.format(detail=detail)}{place}." + (f" {advice}" if advice else "")


def _protection_message(expr: str, error: dict, display_path: str) -> str | None:
    """The message for an exception a protection raised in the learner's code, if one did."""
    kind, text = str(error.get("type", "an exception")), str(error.get("message", ""))
    protection = stopped_by(kind, text)
    if protection is None:
        return None
    detail = text.split(": ", 1)[-1] if protection.name == "landlock filesystem" else f"{kind}: {text}"
    return _stopped(expr, protection.stops, protection.advice, where(error, display_path), detail)


def raised_message(expr: str, error: dict, display_path: str) -> str:
    """The message for an exception the learner's code raised while running `expr`."""
    kind, text = str(error.get("type", "an exception")), str(error.get("message", ""))
    if error.get("ours"):
        return f"`{expr}` gave back something the grader cannot read: {text}."
    if stopped := _protection_message(expr, error, display_path):
        return stopped
    if kind == "SystemExit":
        return (f"`{expr}` called exit() (SystemExit){where(error, display_path)}. Your class should "
                "return a value, not end the program.")
    detail = f": {text}" if text else ""
    return f"`{expr}` raised {kind}{detail}{where(error, display_path)}"


def timeout_message(expr: str, timeout: float | None, on_timeout: str | None = None, where_now: dict | None = None,
                    display_path: str = "") -> str:
    """`expr` did not finish within `timeout`; `where_now` is the line the code was on near the end."""
    deadline = BY_NAME["deadline per call"]
    seconds = f"{timeout:g} s" if timeout else "the time allowed"
    running = " "
    if where_now and isinstance(where_now.get("line"), int):
        inside = f", in `{where_now['function']}`" if where_now.get("function") not in (None, "<module>") else ""
        running = f" When it was stopped, it was at line {where_now['line']} of {display_path}{inside}"
        running += f":\n    {where_now['source']}\n" if where_now.get("source") else ". "
    return f"`{expr}` {deadline.stops.format(detail=seconds)}.{running}{on_timeout or deadline.advice}"


def unreadable_message(expr: str, problem: str) -> str:
    return f"While running `{expr}`, the sandbox sent back something unreadable ({problem})."


def death_message(expr: str, code: int | None, printed: str, display_path: str) -> str:
    """The message for a sandbox that ended while running `expr`, with exit status `code` (negative:
    the signal that killed it), having printed `printed` last."""
    if printed.strip():
        lines = printed.strip().splitlines()[-5:]
        printed = "\nThe last lines it printed:\n" + "\n".join("    " + line[:200] for line in lines)
    if code is None or code == 0:
        return (f"While running `{expr}`, your code ended the Python process it ran in. Look for "
                f"os._exit() or a closed standard stream in {display_path}.{printed}")
    protection = ended_by(code)
    if protection is not None:
        return _stopped(expr, protection.stops, protection.advice)
    if code == CHANNEL_BROKEN:
        return (f"While running `{expr}`, your code cut the sandbox off from the grader: it closed or "
                "replaced the file descriptors the sandbox talks through. Look for os.close() or "
                f"os.dup2() in {display_path}.{printed}")
    if code > 0:
        return (f"While running `{expr}`, your code ended the Python process with exit code {code}. "
                f"Look for os._exit() in {display_path}.{printed}")
    sig = -code
    if sig == signal.SIGKILL:
        return (f"While running `{expr}`, the process running your code was killed (SIGKILL): by your "
                "code itself (look for os.kill() or signal calls), or by the system because the machine "
                "ran out of memory (look for a list or tensor that keeps growing).")
    name = signal.Signals(sig).name if sig in signal.Signals._value2member_map_ else f"signal {sig}"
    return f"While running `{expr}`, the process running your code crashed ({name}).{printed}"


def grader_import_message(display_path: str, lines: list[int]) -> str:
    where = f"line {lines[0]}" if len(lines) == 1 else f"lines {', '.join(map(str, lines))}"
    return (f"{display_path} imports dunderquest ({where}): the grader's own package, which a solution may not use, "
            "so it was not run. Write the class yourself, with Python and torch; remove that import.")


def importing(display_path: str) -> str:
    """What the grader runs to load a learner's file, as the learner would write it."""
    return f"import {display_path.rsplit('/', 1)[-1].removesuffix('.py')}"


def not_text_message(display_path: str, problem: str) -> str:
    return (f"Python cannot read {display_path}: {problem}. Save the file as UTF-8 text (your editor's "
            "encoding setting), as Python expects.")


def load_message(error: dict, display_path: str) -> str:
    """The message for a learner's file that did not import."""
    if error.get("type") in ("SyntaxError", "IndentationError", "TabError") and error.get("line"):
        column = f", column {error['column']}" if error.get("column") else ""
        pointer = ""
        if error.get("source") and error.get("column"):
            pointer = f"\n    {error['source']}\n    {' ' * (int(error['column']) - 1)}^"
        return (f"Python cannot read {display_path}: {error['type']} at line {error['line']}"
                f"{column}: {error.get('message', '')}{pointer}")
    if stopped := _protection_message(importing(display_path), error, display_path):
        return stopped
    place = where(error, display_path)
    return (f"Running {display_path} raised {error.get('type')}: {error.get('message', '')}{place}"
            f"{chr(10) if chr(10) in place else '. '}The file must run without errors before its class "
            "can be checked.")


LEAD = 300  # characters a message's first line may take: what it found, before the details


def sentences(text: str, ends: str = ".;") -> list[str]:
    """`text` cut after each ". " or "; " (or each of `ends` followed by a space) that is outside code
    and brackets: the pieces a message can be broken into without breaking what it quotes."""
    pieces, start, depth, code = [], 0, 0, False
    for i, char in enumerate(text):
        if char == "`":
            code = not code
        elif not code and char in "([{":
            depth += 1
        elif not code and char in ")]}":
            depth = max(0, depth - 1)
        elif not code and depth == 0 and char in ends and text[i + 1:i + 2] == " ":
            pieces.append(text[start:i + 1])
            start = i + 2
    pieces.append(text[start:])
    return [piece for piece in pieces if piece]


def readable(message: str, limit: int = LEAD) -> str:
    """The message with its first line at most about `limit` characters: what went wrong first, then
    the details (the set-up, the values in full, the advice) on the lines below it."""
    first, _, rest = message.partition("\n")
    if len(first) <= limit:
        return message
    lead, details = [], []
    for piece in sentences(first):
        (lead if not details and (not lead or len(" ".join([*lead, piece])) <= limit) else details).append(piece)
    if len(lead[0]) > limit and len(parts := sentences(lead[0], ":")) > 1:  # one long sentence: its first clause
        lead = [parts[0]]
        details.insert(0, " ".join(parts[1:]))
    return "\n".join(filter(None, [" ".join(lead), " ".join(details), rest]))
