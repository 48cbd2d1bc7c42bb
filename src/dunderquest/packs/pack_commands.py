"""`dunderquest pack new DIR` and `dunderquest pack check [DIR]`: their arguments and what they do.
cli.py registers them with `add_commands`."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ..core.pack import PackError, builtin_pack, read_pack
from ..exit_status import FAILED, OK, USAGE

PACK_HELP = "write your own levels: make a course pack, or prove one"
PACK_EPILOG = """\
  dunderquest pack new DIR
      a course pack with one small, complete level (lesson, hints, checks, stub, solution, a right
      file and three wrong ones), which `pack check` passes as it comes
  dunderquest pack check [DIR] [--format text|json] [--jobs N]
      proves the pack in DIR (the built-in course without DIR): its files are well-formed, each
      stub fails, each solution and right file passes, each wrong file fails the checks it names, and
      every check is failed by some wrong file, and its index of known mistakes (mistakes.json) says
      what each wrong file fails. Exit status: 0 when the pack holds, 1 when it does not.
  dunderquest pack check [DIR] --write-mistakes
      also grades each wrong file with more seeds and writes DIR/mistakes.json: each wrong file's
      name, header line and failed checks, which grade's class report matches students to. Commit it.

Then play it: dunderquest init --pack DIR WORKSPACE; grade with it: dunderquest grade --pack DIR ...
A pack's checks are trusted code, like the built-in ones (docs/write-levels/pack-format.md)."""


def add_commands(command, pack_func) -> None:
    p = command("pack", pack_func, PACK_HELP, PACK_EPILOG)
    p.formatter_class = argparse.RawDescriptionHelpFormatter
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    new = actions.add_parser("new", help="make a course pack with one working level in DIR",
                             description="Makes a course pack in DIR (new, or empty) with one small, complete "
                                         "level, which `dunderquest pack check DIR` passes as it comes.")
    new.add_argument("dir", metavar="DIR")
    check = actions.add_parser("check", help="prove a course pack (the built-in course without DIR)",
                               description="Proves the pack in DIR (the built-in course without DIR): its files "
                                           "are well-formed, each stub fails, each solution and right file passes, "
                                           "each wrong file fails the checks it names, and every check is failed "
                                           "by some wrong file. Exit status: 0 when the pack holds, 1 otherwise.")
    check.add_argument("dir", metavar="DIR", nargs="?", help="the pack's folder (default: the built-in course)")
    check.add_argument("--format", choices=["text", "json"], default="text",
                       help="text for people (default); json prints one document: holds, problems, notes")
    check.add_argument("--jobs", type=int, default=None, metavar="N",
                       help="files graded at a time (default: one per CPU core)")
    check.add_argument("--write-mistakes", action="store_true",
                       help="write the pack's index of known mistakes (mistakes.json) from its wrong files, grading "
                            "each with several seeds, when the pack holds")


def pack(args: argparse.Namespace) -> int:
    if args.action == "new":
        return _new(Path(args.dir))
    return _check(args)


def _new(dest: Path) -> int:
    from .scaffold import scaffold

    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        print(f"dunderquest: {dest} is not empty; a new pack needs a new or empty folder.", file=sys.stderr)
        return USAGE
    written = scaffold(dest)
    print(f"Made a course pack in {dest} ({len(written)} files), with one level, `square`.")
    print(f"Prove it:  dunderquest pack check {dest}")
    print(f"Play it:   dunderquest init --pack {dest} my-workspace && cd my-workspace && dunderquest play")
    return OK


def _check(args: argparse.Namespace) -> int:
    from .check import check_pack

    try:
        chosen = read_pack(Path(args.dir), levels=False) if args.dir else builtin_pack()
    except PackError as err:
        if args.format == "json":
            print(json.dumps({"holds": False, "problems": [{"file": err.file, "line": None, "message": str(err)}]}))
            return FAILED
        print(f"PROBLEM  {err}", file=sys.stderr)
        return FAILED
    bar = _Bar(args.format == "text")
    if args.format == "text":
        print(f"Checking the pack {chosen.name} {chosen.version} ({chosen.title}) in {chosen.root}", file=sys.stderr)
    with bar:
        report = check_pack(chosen, jobs=args.jobs, on_graded=bar.update, write_mistakes=args.write_mistakes)
    if args.format == "json":
        print(json.dumps(report.to_json()))
    else:
        print(report.text())
    return OK if report.holds else FAILED


class _Bar:
    """A progress bar on stderr over the files graded."""

    def __init__(self, show: bool):
        self.show, self.task = show, None

    def __enter__(self) -> _Bar:
        if self.show:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

            self.progress = Progress(TextColumn("Grading"), BarColumn(), MofNCompleteColumn(), TextColumn("files"),
                                     TimeRemainingColumn(), console=Console(file=sys.stderr))
            self.progress.start()
        return self

    def update(self, done: int, total: int) -> None:
        if self.show:
            if self.task is None:
                self.task = self.progress.add_task("grading", total=total)
            self.progress.update(self.task, completed=done, total=total)

    def __exit__(self, *exc) -> None:
        if self.show:
            self.progress.stop()
