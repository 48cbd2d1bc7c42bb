"""A student's git clone, read as hostile input: the commit to grade, and its files.

Only git's plumbing reads the clone (`rev-list`, `ls-tree`, `cat-file`), with no
pager, no hooks (none of these commands runs one), no system or global configuration, no
filesystem monitor and no prompt, each under a time limit. The files of the chosen commit are
copied out as bytes into a folder of ours, which is then graded like any submission; nothing is
ever checked out into the student's folder, and a link in the commit stays a link, which grading
refuses.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from ..core.catalog import Level
from .handin import FOLDER, HandIn, LateRule, when
from .submission import Submission

TIMEOUT = 60  # seconds for one git command: a huge or broken repository is not graded, not waited on
MOST_BYTES = 1 << 20  # a level's file larger than this is not copied out (a source file is far smaller)


class CloneError(Exception):
    """The clone cannot be read: why, for the teacher."""


def is_clone(root: Path) -> bool:
    git = root / ".git"
    return git.is_dir() and not git.is_symlink()


def _git(root: Path, *args: str) -> bytes:
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "GIT_CONFIG_NOSYSTEM": "1",
           "GIT_CONFIG_GLOBAL": os.devnull, "GIT_TERMINAL_PROMPT": "0", "GIT_OPTIONAL_LOCKS": "0",
           "HOME": os.devnull, "LC_ALL": "C"}
    command = ["git", "--no-pager", "-c", "core.fsmonitor=false", "-c", "safe.directory=*",
               f"--git-dir={root / '.git'}", *args]
    try:
        done = subprocess.run(command, capture_output=True, env=env, timeout=TIMEOUT, stdin=subprocess.DEVNULL)
    except FileNotFoundError:
        raise CloneError("git is not installed, so the clone's commits cannot be read") from None
    except subprocess.TimeoutExpired:
        raise CloneError(f"git took more than {TIMEOUT} s to read it") from None
    if done.returncode != 0:
        said = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise CloneError(f"git could not read it ({said[-1] if said else f'exit status {done.returncode}'})")
    return done.stdout


def commits(root: Path) -> list[tuple[str, datetime]]:
    """Every commit reachable from HEAD, newest first by its committer date."""
    out = _git(root, "rev-list", "--timestamp", "HEAD").decode("ascii", "replace")
    found = []
    for line in out.splitlines():
        stamp, _, sha = line.partition(" ")
        try:
            found.append((sha, datetime.fromtimestamp(int(stamp), UTC)))
        except (ValueError, OverflowError, OSError):
            continue
    return sorted(found, key=lambda c: c[1], reverse=True)


def choose(root: Path, rule: LateRule | None) -> HandIn:
    """The commit to grade: the newest whose date is not past the rule's cut-off (the deadline, or the
    last day when late work counts); the newest of all without a deadline."""
    found = commits(root)
    cutoff = rule.cutoff if rule is not None else None
    graded = [c for c in found if cutoff is None or c[1] <= cutoff]
    left_out = len(found) - len(graded)
    if not graded:
        note = (f"No commit is dated before {when(cutoff)}, so nothing was graded."
                if found else "The clone has no commit, so nothing was graded.")
        return HandIn("git", None, None, rule, note)
    sha, time = graded[0]
    note = (f"{left_out} later commit{'s were' if left_out != 1 else ' was'} not graded (after {when(cutoff)})."
            if left_out else "")
    return HandIn("git", time, sha, rule, note)


def copy_out(root: Path, commit: str | None, levels: Sequence[Level], dest: Path) -> None:
    """Writes the levels' files as they are in `commit` (exercises/<file>, or <file> at the top) into
    `dest`; a link stays a link (to nothing), which grading refuses; nothing is written without a commit."""
    dest.mkdir(parents=True, exist_ok=True)
    if commit is None:
        return
    wanted = [name for level in levels for name in (level.exercise_path, level.file_name)]
    listed = _git(root, "ls-tree", "-z", commit, "--", *wanted)
    for entry in listed.split(b"\0"):
        if not entry:
            continue
        meta, _, name = entry.partition(b"\t")
        mode, kind, blob = meta.split()
        path = name.decode("utf-8", "replace")
        if path not in wanted or kind != b"blob":
            continue
        target = dest / path
        target.parent.mkdir(parents=True, exist_ok=True)
        if mode == b"120000":
            target.symlink_to("a-link-in-the-commit")
            continue
        size = int(_git(root, "cat-file", "-s", blob.decode()))
        if size > MOST_BYTES:
            continue
        target.write_bytes(_git(root, "cat-file", "blob", blob.decode()))


def hand_ins(submissions: Sequence[Submission], levels: Sequence[Level], rule: LateRule | None,
             scratch: Path) -> tuple[list[Submission], dict[str, HandIn]]:
    """What to grade of each submission, and when it was handed in: a git clone's chosen commit,
    copied out into `scratch`; a plain folder as it is (its hand-in time cannot be told, which its
    report says when there is a deadline). A clone whose history cannot be read is graded as a
    plain folder, and its report says why."""
    graded, handins = [], {}
    for submission in submissions:
        if not is_clone(submission.root):
            graded.append(submission)
            if rule is not None:
                handins[submission.name] = FOLDER
            continue
        try:
            handin = choose(submission.root, rule)
            copy = scratch / str(len(graded)) / submission.name
            copy_out(submission.root, handin.commit, levels, copy)
        except (CloneError, OSError, ValueError) as err:
            graded.append(submission)
            handins[submission.name] = HandIn("folder", note=f"Its git history could not be read ({err}), so its "
                                                             "files were graded as they are in the folder.")
            continue
        graded.append(Submission(submission.name, copy))
        handins[submission.name] = handin
    return graded, handins
