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

from ..core.catalog import Level, UnknownLevel
from ..core.pack import BUILTIN_NAME, Pack, PackError, builtin_pack, read_pack
from ..exit_status import FAILED, OK, USAGE
from ..grader.confinement.protections import ACCEPT_THE_RISK
from .report import CLASSROOM50_NEEDS, FORMATS

GRADE_HELP = "grade a workspace (or a whole class) for a teacher, in a platform's format"
GRADE_EPILOG = """\
One workspace:
  dunderquest grade [--workspace DIR] [--levels 1,3] [--class FILE] --format FORMAT [--output PATH] [--seed N]
  Grades every level (or those listed), locked or not. DIR is a workspace or a folder holding the
  exercise files. The formats:
    gradescope   Gradescope's results.json
    classroom50  Classroom 50's result.json, to ./result.json unless --output says; it takes the
                 submission's identity from the variables Classroom 50 sets (CLASSROOM, ASSIGNMENT,
                 SUBMISSION_TAG, COMMIT_URL, RELEASE_URL, OWNER or USERNAME, REVIEW_URL)
    junit        JUnit XML: one testsuite per level, one testcase per check
    json         every level and check, points, the data set, the seed, the sandbox's protections
    github       in a GitHub Actions step: appends result=<base64> to the file $GITHUB_OUTPUT names
                 (or to --output) for the grading reporter, and each check to the run's summary
  Without --output the report goes to stdout. Exit status: 0 only when every check passed.

A whole class:
  dunderquest grade --submissions DIR --output OUTDIR [--jobs N] [--seed N] [--levels 1,3] [--class FILE]
  DIR holds one folder per student (a workspace, or the exercise files at its top level). Writes
  OUTDIR/gradebook.csv (student, a column per level by its name, total, status) and each student's JSON and
  JUnit reports next to it. The same --seed gives the same gradebook, byte for byte. What in DIR is
  not a folder is named after grading, with why it was not graded; the reports that an earlier run
  left in OUTDIR for students not in this one are removed.

Other people's files: where the reference solutions are installed and a learner's code could read them
(neither Landlock nor a mount namespace in force: macOS, Windows, some containers; `dunderquest doctor`
says which case this machine is in), a file that copies them would pass. There `grade` refuses
--submissions, and a --workspace other than your own (the workspace around the current folder, else
your default one), and says what to do instead: a kit, a Linux machine, an install without the
solutions. --accept-answer-key-risk grades all the same, and each report says so. Grading your own
workspace is never refused.

Points are whole numbers. Each level is worth its points (level.toml, 10 by default, or the class
file's), shared by the checks that its untouched stub fails: starter code scores 0, and a level
whose stub fails no check is worth 0.

A class file (classroom.toml) sets, per level, its points and its Gradescope visibility, and asks
for a Gradescope leaderboard of the finale's test accuracy:
  leaderboard = true
  [levels.level1_double]            # a level by its name (1, level1 or double work too)
  points = 12                       # 0, or at least the level's number of checks
  visibility = "after_due_date"     # visible, hidden, after_due_date or after_published"""

CLASSROOM_HELP = "build a kit that grades on Gradescope, Classroom 50 or GitHub Actions"
CLASSROOM_EPILOG = """\
  dunderquest classroom gradescope --output autograder.zip
      a Gradescope autograder: setup.sh and run_autograder at the root, and a wheel of this
      dunderquest; upload it in the assignment's Configure Autograder page
  dunderquest classroom classroom50 DIR
      for Classroom 50: the assignment's autograder bundle (autograder.py and the wheel), the
      students' starting repository, runtime.json, and a README with the gh teacher steps
  dunderquest classroom github DIR
      a template repository whose GitHub Actions workflow grades every push and shows the points in
      the run's summary (nothing collects them: GitHub Classroom was retired in August 2026)

Every kit's wheel leaves out the reference solutions (--with-solutions adds them). It is built from
the checkout you run from, or else packed from this installed dunderquest; --wheel uses yours."""


# What --output names for one workspace, format by format.
OUTPUT_EXAMPLES = {"gradescope": "such as results.json", "classroom50": "./result.json by default",
                   "junit": "such as report.xml", "json": "such as report.json",
                   "github": "by default the file that $GITHUB_OUTPUT names"}


class Usage(Exception):
    pass


def add_commands(command, grade_func, classroom_func) -> None:
    """Adds `grade` and `classroom` through cli.py's `command(name, func, help, epilog)`."""
    p = command("grade", grade_func, GRADE_HELP, GRADE_EPILOG)
    p.formatter_class = argparse.RawDescriptionHelpFormatter
    p.add_argument("--levels", metavar="1,3", help="only these levels (default: every level)")
    p.add_argument("--format", choices=FORMATS, help="the report's format, for one workspace")
    p.add_argument("--output", metavar="PATH",
                   help="one workspace: the file to write (default: stdout; ./result.json for classroom50); a "
                        "class: the folder to write")
    p.add_argument("--seed", type=int, default=None,
                   help="fix the checks' random seeds and sample indices, to repeat a grading exactly")
    p.add_argument("--submissions", metavar="DIR", help="grade a whole class: one folder per student in DIR")
    p.add_argument("--jobs", type=int, default=None, metavar="N",
                   help="runs at a time for a class (default: one per CPU core)")
    p.add_argument(ACCEPT_THE_RISK, dest="accept_answer_key_risk", action="store_true",
                   help="grade other people's files (--submissions, or a --workspace that is not your own) even "
                        "where their code could read the reference solutions: they are installed here and neither "
                        "Landlock nor a mount namespace hides them (`dunderquest doctor` says). Each report says so")
    _class_option(p)

    p = command("classroom", classroom_func, CLASSROOM_HELP, CLASSROOM_EPILOG)
    p.formatter_class = argparse.RawDescriptionHelpFormatter
    kits = p.add_subparsers(dest="kit", metavar="KIT", required=True)
    kit = kits.add_parser("gradescope", help="write a Gradescope autograder zip",
                          description="Writes a Gradescope autograder zip: setup.sh and run_autograder at its "
                                      "root, with a wheel of this dunderquest that carries no reference solutions.")
    kit.add_argument("--output", metavar="PATH", default="autograder.zip", help="default: autograder.zip")
    _kit_options(kit)
    kit = kits.add_parser("classroom50", help="write a Classroom 50 kit into DIR",
                          description="Writes what a Classroom 50 teacher uploads into DIR: autograder/ (the "
                                      "assignment's bundle), starter/ (the students' starting repository), "
                                      "runtime.json and a README.md with the exact gh teacher steps.")
    kit.add_argument("dir", metavar="DIR")
    _kit_options(kit)
    kit = kits.add_parser("github", help="write a GitHub Actions template repository into DIR",
                          description="Writes a template repository into DIR whose workflow grades every push with "
                                      "GitHub Actions and shows the points in the run's summary.")
    kit.add_argument("dir", metavar="DIR")
    _kit_options(kit)


def _class_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--class", dest="class_file", metavar="FILE", type=Path,
                   help="a class file (classroom.toml): each level's points and Gradescope visibility, and a "
                        "leaderboard")
    p.add_argument("--pack", metavar="DIR", type=Path,
                   help=f"a course pack's levels instead of the built-in course, or {BUILTIN_NAME!r} for the "
                        "built-in course (a workspace made from a pack outside it uses that pack)")


def _kit_options(kit: argparse.ArgumentParser) -> None:
    kit.add_argument("--levels", metavar="1,3", help="only these levels (default: every level)")
    _class_option(kit)
    kit.add_argument("--wheel", metavar="PATH", type=Path,
                     help="use this dunderquest wheel instead of building one (from the checkout, or from this "
                          "installed dunderquest)")
    kit.add_argument("--with-solutions", action="store_true",
                     help="put the reference solutions in the kit's wheel too (left out by default: the kit "
                          "carries no answer key)")


def chosen_levels(pack: Pack, text: str | None) -> list[Level]:
    catalog = pack.catalog
    if not text:
        return list(catalog)
    try:
        chosen = {catalog.get(name).id: catalog.get(name) for name in text.split(",") if name.strip()}
    except UnknownLevel as err:
        raise Usage(str(err)) from None
    if not chosen:
        raise Usage("--levels names no level; give names or numbers such as --levels 1,3.")
    return sorted(chosen.values(), key=lambda level: level.number)


def choose_pack(path: Path | None, workspace: Path | None = None) -> Pack:
    """The course pack to grade with: `--pack`'s (`builtin` is the built-in course), else the one the
    workspace was made from, else the built-in course.

    A pack's checks run as trusted code, outside the sandbox. So a pack that lies inside the graded
    workspace, which is the submission, is refused: a student could otherwise hand in checks of
    their own that pass anything. The kits always name their pack."""
    from ..core.workspace import NoWorkspace, Workspace

    try:
        if path is not None:
            chosen = builtin_pack() if str(path) == BUILTIN_NAME else read_pack(path)
        else:
            found = Workspace.find(workspace) if workspace is not None and workspace.is_dir() else None
            chosen = found.pack if found is not None and found.root == workspace.resolve() else builtin_pack()
            if not chosen.builtin and chosen.root.is_relative_to(found.root):
                raise Usage(f"{found.root} is set to use the course pack in {chosen.root}, inside the workspace "
                            "itself. A pack's checks run outside the sandbox, so dunderquest grade never takes "
                            "one from the work it grades. Pass the pack you trust: --pack DIR, or --pack "
                            f"{BUILTIN_NAME} for the built-in course.")
    except (PackError, NoWorkspace) as err:
        raise Usage(str(err)) from None
    return chosen


def read_class(path: Path | None, pack: Pack):
    """The class file at `path` (None without one), for `pack`'s levels; a usage error, with the file
    and key, if it is wrong."""
    from .class_file import ClassFileError, read_class_file

    if path is None:
        return None
    try:
        class_file = read_class_file(path, pack.catalog)
    except ClassFileError as err:
        raise Usage(str(err)) from None
    if class_file.renamed:
        named = ", ".join(f"[levels.{key}] as [levels.{name}]" for key, name in class_file.renamed.items())
        print(f"{path} names its levels by name from now on: {named}. A level's name stays with it when the "
              "course's levels move.", file=sys.stderr)
    return class_file


def _fail(message: str, code: int) -> int:
    print(f"dunderquest: {message}", file=sys.stderr)
    return code


# -- grade -------------------------------------------------------------------------------------------


def grade(args: argparse.Namespace) -> int:
    try:
        pack = choose_pack(args.pack, Path(args.workspace) if args.workspace else None)
        levels = chosen_levels(pack, args.levels)
        if args.jobs is not None and args.jobs < 1:
            raise Usage("--jobs must be 1 or more.")
        class_file = read_class(args.class_file, pack)
        args.answer_key_risk = _answer_key_risk(args, pack)
        if args.submissions:
            return _grade_class(args, pack, levels, class_file)
        return _grade_workspace(args, pack, levels, class_file)
    except Usage as err:
        return _fail(str(err), USAGE)


def _seed(args: argparse.Namespace) -> int:
    from .grading import new_seed

    return args.seed if args.seed is not None else new_seed()


def _own_workspace():
    """The user's own workspace: the one around the current folder, else their default one."""
    from ..core.workspace import Workspace, default_workspace_path

    return Workspace.find(Path.cwd()) or Workspace.find(default_workspace_path())


def _answer_key_risk(args: argparse.Namespace, pack: Pack):
    """Where a learner's code could read the reference solutions, other people's files (a class, or a
    --workspace that is not the user's own) are graded only with --accept-answer-key-risk: a usage
    error without it; with it, the case, for the reports to say (None when there is no such risk)."""
    own = None if args.submissions or not args.workspace else _own_workspace()
    others = args.submissions or (args.workspace and (own is None or Path(args.workspace).resolve() != own.root))
    if not others:
        return None
    from ..grader.confinement.doctor import answer_key

    case = answer_key([*builtin_pack().solution_folders(), *pack.solution_folders()])
    if not case.readable:
        return None
    if not args.accept_answer_key_risk:
        raise Usage(case.refusal())
    print(f"Grading all the same ({ACCEPT_THE_RISK}): a learner's code could read the reference solutions here "
          f"({', '.join(case.folders)}), so a file that copies them may be credited. Each report says so.",
          file=sys.stderr)
    return case


def _say_the_risk(reports: list, case) -> None:
    """Each report's protections say that the teacher accepted the answer key's risk, when they did."""
    for report in reports if case is not None else ():
        report.protections = [*report.protections, case.finding(accepted=True).as_dict()]


def _folder_to_grade(args: argparse.Namespace) -> Path:
    """`--workspace DIR` as given (a workspace or loose files); else the workspace around the current
    folder, else the default one. Grading never creates or changes a workspace."""
    if args.workspace:
        folder = Path(args.workspace)
        if not folder.is_dir():
            raise Usage(f"{folder} is not a folder. Give the workspace (or the folder of exercise files) "
                        "to grade: dunderquest grade --workspace DIR --format json")
        return folder
    found = _own_workspace()
    if found is None:
        raise Usage("There is no workspace here. Give the folder to grade: "
                    "dunderquest grade --workspace DIR --format json")
    return found.root


def missing_classroom50_variables() -> list[str]:
    missing = [name for name in CLASSROOM50_NEEDS if not os.environ.get(name)]
    if not (os.environ.get("OWNER") or os.environ.get("USERNAME")):
        missing.append("OWNER (or USERNAME)")
    return missing


def _grade_workspace(args: argparse.Namespace, pack: Pack, levels: list[Level], class_file) -> int:
    from .grading import grade_one
    from .submission import Submission

    if not args.format:
        raise Usage(f"choose the report's format: --format {'|'.join(FORMATS)}")
    if args.format == "classroom50" and (missing := missing_classroom50_variables()):
        raise Usage(f"--format classroom50 writes the result of a Classroom 50 run, which sets the submission's "
                    f"identity in the environment; these variables are missing: {', '.join(missing)}.")
    from ..grader.service.lingering_client import warm_grader

    output = args.output or ("result.json" if args.format == "classroom50" else None)
    if output and Path(output).is_dir():
        raise Usage(f"--output {output} is a folder. For --format {args.format}, --output names the file to write "
                    f"({OUTPUT_EXAMPLES[args.format]}); a folder is for --submissions, which writes a gradebook and "
                    "each student's reports into it.")
    folder = _folder_to_grade(args)
    client = warm_grader(pack)  # the lingering grader, as `dunderquest check` uses it
    try:
        report = grade_one(Submission(folder.name, folder), pack, levels, seed=_seed(args), jobs=args.jobs,
                           class_file=class_file, client=client)
    finally:
        client.close()
    report.student = None  # one workspace: the report is about the files, not about a class roster
    _say_the_risk([report], args.answer_key_risk)
    document = report.render(args.format)
    try:
        _write_report(args.format, report, document, output)
    except OSError as err:
        return _fail(f"could not write the report to {err.filename or output}: {err.strerror or err}.", FAILED)
    return OK if report.passed else FAILED


def _write_report(fmt: str, report, document: str, output: str | None) -> None:
    from ..core.progress import write_atomically

    if fmt == "github":
        print(report.summary())
        if os.environ.get("GITHUB_STEP_SUMMARY"):
            with open(os.environ["GITHUB_STEP_SUMMARY"], "a", encoding="utf-8") as out:
                out.write(report.markdown())
        target = output or os.environ.get("GITHUB_OUTPUT")
        if target:
            with open(target, "a", encoding="utf-8") as out:  # appended: other steps' outputs stay
                out.write(document)
        else:
            print(document, end="")
    elif output:
        write_atomically(Path(output), document, private=False)
        print(report.summary())
        print(f"Wrote {output}")
    else:
        sys.stdout.write(document)


def _grade_class(args: argparse.Namespace, pack: Pack, levels: list[Level], class_file) -> int:
    from .gradebook import GRADEBOOK, grade_class
    from .submission import read_class_folder

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
    found = read_class_folder(Path(args.submissions))
    if problem := found.problem(levels):
        raise Usage(problem)
    seed = _seed(args)
    gradebook = grade_class(found.submissions, pack, levels, seed=seed, jobs=args.jobs, progress=True,
                            class_file=class_file)
    _say_the_risk(gradebook.reports, args.answer_key_risk)
    try:
        path, removed = gradebook.write(outdir)
    except OSError as err:
        return _fail(f"could not write the gradebook in {args.output}: {err.strerror or err} "
                     f"({err.filename or outdir}).", FAILED)
    reports = gradebook.reports
    full = sum(report.passed for report in reports)
    print(f"Graded {len(reports)} students x {len(levels)} levels with seed {seed}: {full} passed everything.")
    for report in reports:
        if report.status != "ok":
            print(f"  {report.student}: {report.status}")
    if found.skipped:
        print(f"Not graded: {found.not_graded()}")
    print(f"Wrote {path} and each student's reports next to it ({GRADEBOOK}, STUDENT.json, STUDENT.xml).")
    if removed:
        print(f"Removed the reports that an earlier run left there for students not in this one: "
              f"{', '.join(stale.name for stale in removed)}")
    return OK


# -- classroom ---------------------------------------------------------------------------------------


def classroom(args: argparse.Namespace) -> int:
    from .kits import KitError
    from .kits.classroom50 import classroom50_kit
    from .kits.github import github_template
    from .kits.gradescope import gradescope_zip

    try:
        pack = choose_pack(args.pack)
        levels, everything = chosen_levels(pack, args.levels), list(pack.catalog)
        class_file = read_class(args.class_file, pack)
        kit = {"wheel": args.wheel, "with_solutions": args.with_solutions, "class_file": args.class_file,
               "pack": pack}
        points = {level.id: class_file.points(level) if class_file else level.points for level in levels}
        total = sum(points.values())
        if args.kit == "gradescope":
            if Path(args.output).is_dir():
                raise Usage(f"--output {args.output} is a folder; it names the zip file to write, such as "
                            f"{Path(args.output) / 'autograder.zip'}.")
            path = gradescope_zip(Path(args.output), levels, everything, **kit)
            whose = f"the levels' points in {args.class_file}" if class_file else "the levels' points"
            print(f"Wrote {path}. In Gradescope: create a Programming Assignment, enter {total} as its autograder "
                  f"points ({whose}), choose the Ubuntu 24.04 base image in Configure Autograder, and upload this "
                  "zip.")
        elif args.kit == "classroom50":
            written = classroom50_kit(Path(args.dir), levels, everything, total=total, **kit)
            print(f"Wrote a Classroom 50 kit in {args.dir} ({len(written)} files). Its README.md has the steps: "
                  "the starter repository, the assignment, and the autograder bundle.")
        else:
            written = github_template(Path(args.dir), levels, everything, points=points, **kit)
            print(f"Wrote a template repository in {args.dir} ({len(written)} files). Push it to GitHub: every "
                  "push runs its workflow, which grades the levels and shows the points in the run's summary.")
        return OK
    except Usage as err:
        return _fail(str(err), USAGE)
    except KitError as err:
        return _fail(str(err), FAILED)
    except OSError as err:
        return _fail(f"could not write the kit ({err.filename or err}): {err.strerror or err}.", FAILED)
