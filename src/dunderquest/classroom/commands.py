"""The teacher's commands, `dunderquest grade` and `dunderquest classroom`: their arguments and what
they do. cli.py registers them with `add_commands` and calls `grade()` and `classroom()`.

Exit status: `grade` on one workspace exits 0 only when every check passed, 1 otherwise; on a class
folder, 0 once the gradebook is written. `classroom` exits 0 once its kit is written. Both exit 2
for a usage error and 1 when something could not be done.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from ..core.catalog import Level, UnknownLevel, default_catalog
from ..exit_status import FAILED, OK, USAGE
from .report import FORMATS

GRADE_HELP = "grade a workspace (or a whole class) for a teacher, in a platform's format"
GRADE_EPILOG = """\
One workspace:
  dunderquest grade [--workspace DIR] [--levels 1,3] --format gradescope|junit|json|github
                    [--output PATH] [--seed N]
  Grades every level (or those listed), locked or not. DIR is a workspace or a folder holding the
  exercise files. Without --output the report goes to stdout; --format github appends
  result=<base64> to the file $GITHUB_OUTPUT names (or to --output) and prints a summary. Exit
  status: 0 only when every check passed.

A whole class:
  dunderquest grade --submissions DIR --output OUTDIR [--jobs N] [--seed N] [--levels 1,3]
  DIR holds one folder per student (a workspace, or the exercise files at its top level). Writes
  OUTDIR/gradebook.csv (student, level1 ... levelN, total, status) and each student's JSON and
  JUnit reports next to it. The same --seed gives the same gradebook, byte for byte.

Points come from each level's level.toml (points = 10 by default), split evenly across its checks."""

CLASSROOM_HELP = "build a kit that grades on Gradescope or GitHub Classroom"
CLASSROOM_EPILOG = """\
  dunderquest classroom gradescope --output autograder.zip
      a Gradescope autograder: setup.sh and run_autograder at the root, and a wheel of this
      dunderquest without the reference solutions (--with-solutions adds them); upload it in the
      assignment's Configure Autograder page
  dunderquest classroom github DIR
      a template repository for a GitHub Classroom assignment: exercises/, a README for students and
      .github/workflows/classroom.yml (one grading step per level, then the grading reporter)"""


class Usage(Exception):
    pass


def add_commands(command, grade_func, classroom_func) -> None:
    """Adds `grade` and `classroom` through cli.py's `command(name, func, help, epilog)`."""
    p = command("grade", grade_func, GRADE_HELP, GRADE_EPILOG)
    p.formatter_class = argparse.RawDescriptionHelpFormatter
    p.add_argument("--levels", metavar="1,3", help="only these levels (default: every level)")
    p.add_argument("--format", choices=FORMATS, help="the report's format, for one workspace")
    p.add_argument("--output", metavar="PATH",
                   help="one workspace: the file to write (default: stdout); a class: the folder to write")
    p.add_argument("--seed", type=int, default=None,
                   help="fix the checks' random seeds and sample indices, to repeat a grading exactly")
    p.add_argument("--submissions", metavar="DIR", help="grade a whole class: one folder per student in DIR")
    p.add_argument("--jobs", type=int, default=None, metavar="N",
                   help="runs at a time for a class (default: one per CPU core)")

    p = command("classroom", classroom_func, CLASSROOM_HELP, CLASSROOM_EPILOG)
    p.formatter_class = argparse.RawDescriptionHelpFormatter
    kits = p.add_subparsers(dest="kit", metavar="KIT", required=True)
    kit = kits.add_parser("gradescope", help="write a Gradescope autograder zip",
                          description="Writes a Gradescope autograder zip: setup.sh and run_autograder at its "
                                      "root, with a wheel of this dunderquest that carries no reference solutions.")
    kit.add_argument("--output", metavar="PATH", default="autograder.zip", help="default: autograder.zip")
    _kit_options(kit)
    kit = kits.add_parser("github", help="write a GitHub Classroom template repository into DIR",
                          description="Writes a template repository for a GitHub Classroom assignment into DIR: "
                                      "exercises/, a README for students and .github/workflows/classroom.yml.")
    kit.add_argument("dir", metavar="DIR")
    _kit_options(kit)


def _kit_options(kit: argparse.ArgumentParser) -> None:
    kit.add_argument("--levels", metavar="1,3", help="only these levels (default: every level)")
    kit.add_argument("--wheel", metavar="PATH", type=Path,
                     help="use this dunderquest wheel instead of building one (from the checkout, or from this "
                          "installed dunderquest)")
    kit.add_argument("--with-solutions", action="store_true",
                     help="put the reference solutions in the kit's wheel too (left out by default: the kit "
                          "carries no answer key)")


def chosen_levels(text: str | None) -> list[Level]:
    catalog = default_catalog()
    if not text:
        return list(catalog)
    try:
        chosen = {catalog.get(name).id: catalog.get(name) for name in text.split(",") if name.strip()}
    except UnknownLevel as err:
        raise Usage(str(err)) from None
    if not chosen:
        raise Usage("--levels names no level; give numbers such as --levels 1,3.")
    return sorted(chosen.values(), key=lambda level: level.number)


def _fail(message: str, code: int) -> int:
    print(f"dunderquest: {message}", file=sys.stderr)
    return code


# -- grade -------------------------------------------------------------------------------------------


def grade(args: argparse.Namespace) -> int:
    try:
        levels = chosen_levels(args.levels)
        if args.jobs is not None and args.jobs < 1:
            raise Usage("--jobs must be 1 or more.")
        if args.submissions:
            return _grade_class(args, levels)
        return _grade_workspace(args, levels)
    except Usage as err:
        return _fail(str(err), USAGE)


def _seed(args: argparse.Namespace) -> int:
    from .grading import new_seed

    return args.seed if args.seed is not None else new_seed()


def _folder_to_grade(args: argparse.Namespace) -> Path:
    """`--workspace DIR` as given (a workspace or loose files); else the workspace around the current
    folder, else the default one. Grading never creates or changes a workspace."""
    from ..core.workspace import Workspace, default_workspace_path

    if args.workspace:
        folder = Path(args.workspace)
        if not folder.is_dir():
            raise Usage(f"{folder} is not a folder. Give the workspace (or the folder of exercise files) "
                        "to grade: dunderquest grade --workspace DIR --format json")
        return folder
    found = Workspace.find(Path.cwd()) or Workspace.find(default_workspace_path())
    if found is None:
        raise Usage("There is no workspace here. Give the folder to grade: "
                    "dunderquest grade --workspace DIR --format json")
    return found.root


def _grade_workspace(args: argparse.Namespace, levels: list[Level]) -> int:
    from ..core.progress import write_atomically
    from .grading import grade_one
    from .submission import Submission

    if not args.format:
        raise Usage(f"choose the report's format: --format {'|'.join(FORMATS)}")
    folder = _folder_to_grade(args)
    report = grade_one(Submission(folder.name, folder), levels, seed=_seed(args), jobs=args.jobs)
    report.student = None  # one workspace: the report is about the files, not about a class roster
    document = report.render(args.format)
    if args.format == "github":
        print(report.summary())
        target = args.output or os.environ.get("GITHUB_OUTPUT")
        if target:
            with open(target, "a", encoding="utf-8") as out:  # appended: other steps' outputs stay
                out.write(document)
        else:
            print(document, end="")
    elif args.output:
        write_atomically(Path(args.output), document)
        print(report.summary())
        print(f"Wrote {args.output}")
    else:
        sys.stdout.write(document)
    return OK if report.passed else FAILED


def _grade_class(args: argparse.Namespace, levels: list[Level]) -> int:
    from .gradebook import GRADEBOOK, grade_class

    if args.workspace:
        raise Usage("--submissions grades a class folder; leave out --workspace.")
    if args.format:
        raise Usage("--format is for one workspace. A class gets OUTDIR/gradebook.csv with each student's "
                    "JSON and JUnit reports next to it.")
    if not args.output:
        raise Usage("--submissions needs --output OUTDIR, the folder for the gradebook and reports.")
    root, outdir = Path(args.submissions).resolve(), Path(args.output).resolve()
    if not root.is_dir():
        raise Usage(f"{args.submissions} is not a folder of submissions.")
    if outdir == root or root in outdir.parents:
        raise Usage("--output must be outside the submissions folder, or it would be graded as a student.")
    if outdir.exists() and not outdir.is_dir():
        raise Usage(f"{args.output} is a file; --output names the folder for the gradebook.")
    seed = _seed(args)
    gradebook = grade_class(root, levels, seed=seed, jobs=args.jobs, progress=True)
    path = gradebook.write(outdir)
    reports = gradebook.reports
    full = sum(report.passed for report in reports)
    print(f"Graded {len(reports)} students x {len(levels)} levels with seed {seed}: {full} passed everything.")
    for report in reports:
        if report.status != "ok":
            print(f"  {report.student}: {report.status}")
    print(f"Wrote {path} and each student's reports next to it ({GRADEBOOK}, STUDENT.json, STUDENT.xml).")
    return OK


# -- classroom ---------------------------------------------------------------------------------------


def classroom(args: argparse.Namespace) -> int:
    from .kits import KitError, github_template, gradescope_zip

    try:
        levels = chosen_levels(args.levels)
        if args.kit == "gradescope":
            path = gradescope_zip(Path(args.output), levels, list(default_catalog()), args.wheel,
                                  args.with_solutions)
            print(f"Wrote {path}. In Gradescope: create a Programming Assignment, choose the Ubuntu 24.04 base "
                  "image in Configure Autograder, and upload this zip.")
            return OK
        written = github_template(Path(args.dir), levels, args.wheel, args.with_solutions)
        print(f"Wrote a GitHub Classroom template repository in {args.dir} ({len(written)} files). Push it to "
              "GitHub, mark it as a template repository, and choose it as the assignment's starter code.")
        return OK
    except Usage as err:
        return _fail(str(err), USAGE)
    except KitError as err:
        return _fail(str(err), FAILED)
