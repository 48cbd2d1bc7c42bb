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
  DIR holds one folder per student (a workspace, or the exercise files at its top level, or a git
  clone). Writes OUTDIR/gradebook.csv (student, a column per level by its name, total, status),
  OUTDIR/report.html (the class report: scores, each level's checks, the known mistakes, the students),
  OUTDIR/gradebook.json (what the run was graded with) and each student's JSON and JUnit reports.
  The same --seed gives the same gradebook, byte for byte. What in DIR is not a folder is named after
  grading, with why it was not graded; the reports that an earlier run left in OUTDIR for students
  not in this one are removed. A git clone is graded at its last commit before the class file's
  deadline; a plain folder's hand-in time cannot be told.

  dunderquest grade --submissions DIR --against OUTDIR [--output NEWDIR]
  Regrades the class (with OUTDIR's seed unless --seed says) and lists every student whose score
  would change against the gradebook in OUTDIR, and why (other files, another pack hash, seed,
  torch or dunderquest), before writing anything; it writes only with --output.

  dunderquest grade --canvas EXPORT.csv --output OUTDIR [--canvas-column "Assignment (123)"]
  Fills the assignment's column of the CSV that Canvas's gradebook exports with OUTDIR's totals
  (with --submissions, after grading), matching students by SIS Login ID or e-mail, and writes
  OUTDIR/canvas-import.csv for Canvas's Grades, Import. It lists the students it cannot match.

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

A class file (classroom.toml) sets, per level, its points and its Gradescope visibility, asks
for a Gradescope leaderboard of the finale's test accuracy, and sets a deadline and a late rule:
  leaderboard = true
  deadline = 2026-12-01T23:59:00-05:00  # with its time zone; a git clone is graded at its last commit before
  [late]                            # late work counts (without [late], nothing after the deadline does)
  penalty = 10                      # percent off per day late, each day begun counting
  last_day = 2026-12-04T23:59:00-05:00  # after it nothing counts
  [levels.NAME]                     # a level by its name, its id in `dunderquest list --format json`
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
    p.add_argument("--against", metavar="OUTDIR", type=Path,
                   help="a class: regrade and list every student whose score would change against the gradebook in "
                        "OUTDIR, and why, before writing anything (written only with --output)")
    p.add_argument("--canvas", metavar="EXPORT.csv", type=Path,
                   help="a class: fill the assignment's column of Canvas's gradebook export with the totals, into "
                        "OUTDIR/canvas-import.csv")
    p.add_argument("--canvas-column", metavar="NAME",
                   help="the Canvas assignment to fill, as its column names it (needed when the export has several)")
    p.add_argument("--submission-metadata", metavar="FILE", type=Path,
                   help="one workspace on Gradescope: its submission_metadata.json, whose time and due dates apply "
                        "the class file's late rule")
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
                   help="a class file (classroom.toml): each level's points and Gradescope visibility, a "
                        "leaderboard, and a deadline with its late rule")
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


def grade(args: argparse.Namespace, client=None) -> int:
    """`dunderquest grade`; `client` grades one workspace instead of the lingering grader (the
    background grader's own, when a thin client handed it the command)."""
    try:
        pack = choose_pack(args.pack, Path(args.workspace) if args.workspace else None)
        levels = chosen_levels(pack, args.levels)
        if args.jobs is not None and args.jobs < 1:
            raise Usage("--jobs must be 1 or more.")
        class_file = read_class(args.class_file, pack)
        args.answer_key_risk = _answer_key_risk(args, pack)
        if args.submissions:
            return _grade_class(args, pack, levels, class_file)
        if args.against:
            raise Usage("--against regrades a class: give --submissions DIR too.")
        if args.canvas_column and not args.canvas:
            raise Usage("--canvas-column names the column of Canvas's export to fill: give --canvas EXPORT.csv too.")
        if args.canvas:
            return _canvas_only(args)
        return _grade_workspace(args, pack, levels, class_file, client)
    except Usage as err:
        return _fail(str(err), USAGE)


# The formats whose report depends only on the files: classroom50 and github read the command's own
# environment (the run's identity, $GITHUB_OUTPUT), so they are written by the command itself.
SERVED_FORMATS = ("json", "junit", "gradescope")


def served_grade(args: argparse.Namespace, cwd: Path, pack: Pack, client) -> int | None:
    """`grade` of one workspace, run in the background grader for a thin client started in `cwd`, with
    the grader's own `client`; None when the command must run in the client's own process (a class,
    another course than the grader's, a report that reads the command's environment)."""
    from ..core.workspace import Workspace, default_workspace_path

    if args.submissions or args.canvas or args.against or args.format not in SERVED_FORMATS:
        return None
    args.workspace = getattr(args, "workspace", None)  # absent unless given (see cli.py)
    args.output_as_given, args.started_in = args.output, cwd
    for name in ("workspace", "output", "class_file", "submission_metadata", "pack"):
        value = getattr(args, name, None)
        if value is not None and str(value) != BUILTIN_NAME:
            setattr(args, name, type(value)(cwd / value) if isinstance(value, Path) else str(cwd / value))
    if args.workspace is None:
        found = Workspace.find(cwd) or Workspace.find(default_workspace_path())
        if found is None:
            return None
        args.workspace = str(found.root)
    try:
        chosen = choose_pack(args.pack, Path(args.workspace))
    except Usage:
        return None  # said by the command itself, in its own process
    if chosen.root != pack.root:
        return None
    return grade(args, client)


def _seed(args: argparse.Namespace) -> int:
    from .grading import new_seed

    return args.seed if args.seed is not None else new_seed()


def _own_workspace(args: argparse.Namespace):
    """The user's own workspace: the one around the folder the command was started in, else their
    default one."""
    from ..core.workspace import Workspace, default_workspace_path

    return Workspace.find(getattr(args, "started_in", None) or Path.cwd()) or Workspace.find(default_workspace_path())


def _answer_key_risk(args: argparse.Namespace, pack: Pack):
    """Where a learner's code could read the reference solutions, other people's files (a class, or a
    --workspace that is not the user's own) are graded only with --accept-answer-key-risk: a usage
    error without it; with it, the case, for the reports to say (None when there is no such risk)."""
    own = None if args.submissions or not args.workspace else _own_workspace(args)
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
    found = _own_workspace(args)
    if found is None:
        raise Usage("There is no workspace here. Give the folder to grade: "
                    "dunderquest grade --workspace DIR --format json")
    return found.root


def missing_classroom50_variables() -> list[str]:
    missing = [name for name in CLASSROOM50_NEEDS if not os.environ.get(name)]
    if not (os.environ.get("OWNER") or os.environ.get("USERNAME")):
        missing.append("OWNER (or USERNAME)")
    return missing


def _grade_workspace(args: argparse.Namespace, pack: Pack, levels: list[Level], class_file, given=None) -> int:
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
    handin = _gradescope_handin(args.submission_metadata, class_file)
    client = given or warm_grader(pack)  # the lingering grader, as `dunderquest check` uses it
    try:
        report = grade_one(Submission(folder.name, folder), pack, levels, seed=_seed(args), jobs=args.jobs,
                           class_file=class_file, client=client)
    finally:
        if given is None:
            client.close()
    report.student = None  # one workspace: the report is about the files, not about a class roster
    report.handin = handin
    _say_the_risk([report], args.answer_key_risk)
    document = report.render(args.format)
    try:
        _write_report(args.format, report, document, output, getattr(args, "output_as_given", output))
    except OSError as err:
        return _fail(f"could not write the report to {err.filename or output}: {err.strerror or err}.", FAILED)
    return OK if report.passed else FAILED


def _write_report(fmt: str, report, document: str, output: str | None, shown: str | None = None) -> None:
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
        print(f"Wrote {shown or output}")
    else:
        sys.stdout.write(document)


def _gradescope_handin(path: Path | None, class_file):
    """The hand-in that Gradescope's submission_metadata.json describes, with the class file's penalty."""
    from .handin import MetadataError, gradescope_handin

    if path is None:
        return None
    rule = class_file.rule if class_file is not None else None
    try:
        return gradescope_handin(path, rule.penalty if rule else 0.0, rule.last_day if rule else None,
                                 f"Gradescope's due dates{f' and {rule.source}' if rule and rule.penalty else ''}")
    except MetadataError as err:
        raise Usage(str(err)) from None


def _grade_class(args: argparse.Namespace, pack: Pack, levels: list[Level], class_file) -> int:
    import tempfile

    from .git_clone import hand_ins
    from .gradebook import GRADEBOOK, PAGE, RUN, grade_class
    from .regrade import NotAGradebook, changes, read_earlier
    from .submission import read_class_folder

    if args.workspace:
        raise Usage("--submissions grades a class folder; leave out --workspace.")
    if args.format:
        raise Usage("--format is for one workspace. A class gets OUTDIR/gradebook.csv with each student's "
                    "JSON and JUnit reports next to it.")
    if args.submission_metadata:
        raise Usage("--submission-metadata is Gradescope's, for one workspace; a class's hand-in times come from "
                    "its git clones and the class file's deadline.")
    if not args.output and not args.against:
        raise Usage("--submissions needs --output OUTDIR, the folder for the gradebook and reports.")
    root = Path(args.submissions).resolve()
    outdir = Path(args.output).resolve() if args.output else None
    if not root.is_dir():
        raise Usage(f"{args.submissions} is not a folder of submissions.")
    if outdir is not None and (outdir == root or root in outdir.parents):
        raise Usage("--output must be outside the submissions folder, or it would be graded as a student.")
    if outdir is not None and outdir.exists() and not outdir.is_dir():
        raise Usage(f"{args.output} is a file; --output names the folder for the gradebook.")
    if args.canvas and outdir is None:
        raise Usage("--canvas writes OUTDIR/canvas-import.csv: give --output OUTDIR too.")
    try:
        earlier = read_earlier(args.against) if args.against else None
    except NotAGradebook as err:
        raise Usage(str(err)) from None
    found = read_class_folder(Path(args.submissions))
    if problem := found.problem(levels):
        raise Usage(problem)
    if clash := [s.name for s in found.submissions if s.name == Path(RUN).stem]:
        raise Usage(f"A student folder is named {clash[0]!r}: their report would be written over the gradebook's own "
                    f"{RUN}. Rename the folder (to the student's login, say) and grade again.")
    seed = args.seed if args.seed is not None else (earlier.seed if earlier and earlier.seed is not None
                                                    else _seed(args))
    rule = class_file.rule if class_file is not None else None
    with tempfile.TemporaryDirectory(prefix="dunderquest-commits-") as scratch:
        submissions, handins = hand_ins(found.submissions, levels, rule, Path(scratch))
        gradebook = grade_class(submissions, pack, levels, seed=seed, jobs=args.jobs, progress=True,
                                class_file=class_file, handins=handins)
    _say_the_risk(gradebook.reports, args.answer_key_risk)
    reports = gradebook.reports
    full = sum(report.passed for report in reports)
    print(f"Graded {len(reports)} students x {len(levels)} levels with seed {seed}: {full} passed everything.")
    for report in reports:
        if report.status != "ok":
            print(f"  {report.student}: {report.status}")
    _say_hand_ins(gradebook, rule)
    if found.skipped:
        print(f"Not graded: {found.not_graded()}")
    if earlier is not None:
        changed = changes(earlier, gradebook)
        print(f"Against {args.against}: {len(changed)} of {len(reports)} students' scores would change"
              + (":" if changed else "."))
        for change in changed:
            print(f"  {change.line()}")
        if outdir is None:
            print("Nothing was written (give --output to write this gradebook).")
            return OK
    try:
        path, removed = gradebook.write(outdir)
    except OSError as err:
        return _fail(f"could not write the gradebook in {args.output}: {err.strerror or err} "
                     f"({err.filename or outdir}).", FAILED)
    print(f"Wrote {path}, the class report {outdir / PAGE}, and each student's reports next to them ({GRADEBOOK}, "
          f"{PAGE}, {RUN}, STUDENT.json, STUDENT.xml).")
    if removed:
        print(f"Removed the reports that an earlier run left there for students not in this one: "
              f"{', '.join(stale.name for stale in removed)}")
    if args.canvas:
        return _write_canvas(args, outdir, {r.student or "": (r.score, r.max_score) for r in reports})
    return OK


def _say_hand_ins(gradebook, rule) -> None:
    """One line for the hand-in times: the commits graded, the folders whose time cannot be told, and
    the scores a rule changed."""
    handins = [(r.student, r.handin) for r in gradebook.reports if r.handin is not None]
    clones = [h for _, h in handins if h.how == "git"]
    folders = [s for s, h in handins if h.how == "folder"]
    if clones:
        late = sum(h.days_late() > 0 for h in clones)
        print(f"Git clones: {len(clones)}, each graded at its last commit"
              + (f" before {rule.describe()}" if rule else "") + f" ({late} late); each report names the commit.")
    if folders and rule is not None:
        print(f"Plain folders: {len(folders)}; when they were handed in cannot be told, so the deadline was not "
              f"applied to them: {', '.join(folders)}")
    for report in gradebook.reports:
        if report.rule_changed:
            print(f"  {report.student}: {report.rule_changed}")
        if report.handin is not None and report.handin.note and report.handin.how != "folder":
            print(f"  {report.student}: {report.handin.note}")


def _canvas_only(args: argparse.Namespace) -> int:
    """`grade --canvas EXPORT.csv --output OUTDIR`: the totals of the gradebook already in OUTDIR."""
    import json

    from .gradebook import RUN

    if not args.output:
        raise Usage("--canvas fills Canvas's export with a gradebook's totals: give --output OUTDIR, the folder "
                    "grade --submissions wrote (or --submissions DIR to grade first).")
    outdir = Path(args.output)
    try:
        run = json.loads((outdir / RUN).read_text(encoding="utf-8"))
        totals = {name: (int(s["score"]), int(s["max_score"])) for name, s in run["students"].items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as err:
        raise Usage(f"--output {outdir}: there is no gradebook to read ({outdir / RUN}: {err}). Grade the class into "
                    "it first: dunderquest grade --submissions DIR --output OUTDIR") from None
    return _write_canvas(args, outdir, totals)


def _write_canvas(args: argparse.Namespace, outdir: Path, totals: dict[str, tuple[int, int]]) -> int:
    from ..core.progress import write_atomically
    from .canvas import CanvasError, fill

    try:
        filled = fill(args.canvas, totals, args.canvas_column)
    except CanvasError as err:
        return _fail(str(err), USAGE)
    target = outdir / "canvas-import.csv"
    try:
        write_atomically(target, filled.text, private=False)
    except OSError as err:
        return _fail(f"could not write {target}: {err.strerror or err}.", FAILED)
    print(f"Wrote {target}: {len(filled.matched)} of {len(totals)} students' totals in {filled.column!r}. "
          "Import it in Canvas: Grades, Import.")
    if filled.scaled:
        print(filled.scaled)
    if filled.unmatched:
        print("Not matched to a Canvas student (by SIS Login ID or e-mail), so left out: "
              + ", ".join(filled.unmatched))
    if filled.ambiguous:
        print(f"Matched to more than one Canvas row, so left out: {', '.join(filled.ambiguous)}")
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
