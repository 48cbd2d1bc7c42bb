"""The `dunderquest` command. Exit codes: 0 when all is well (every check passed), 1 when a check
failed or an action could not be done, 2 for a usage error (an unknown level, a missing workspace)."""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
from pathlib import Path

from . import __version__, learner_commands
from .core.catalog import Level
from .core.pack import PackError, read_pack
from .core.progress import Status
from .core.workspace import STATE_DIR, NoWorkspace, Workspace
from .exit_status import FAILED, OK, USAGE
from .learner_commands import Shell, UsageError, level_named, workspace_of


def _workspace(args: argparse.Namespace) -> Workspace:
    return workspace_of(args, Shell.here())


def _level(workspace: Workspace, name: str) -> Level:
    return level_named(workspace, name)


# -- commands ----------------------------------------------------------------------------------------


def cmd_play(args: argparse.Namespace) -> int:
    workspace = _workspace(args)
    from .tui.app import run_game

    return run_game(workspace)


def cmd_serve(args: argparse.Namespace) -> int:
    workspace = _workspace(args)
    from .tui.serve import serve

    return serve(workspace.root, args.host, args.port, args.public_url, no_token=args.no_token)


def cmd_init(args: argparse.Namespace) -> int:
    root = Path(args.dir)
    existed = (root / STATE_DIR).is_dir()
    enclosing = None if existed else Workspace.find(root.resolve().parent)
    if enclosing is not None:
        raise UsageError(f"{root} is inside the workspace {enclosing.root}, whose exercises are in "
                         f"{enclosing.root / 'exercises'}. Choose a folder outside it.")
    try:
        pack = read_pack(Path(args.pack)) if args.pack else None
        workspace = Workspace.create(root, pack)
    except (PackError, NoWorkspace) as err:
        raise UsageError(str(err)) from None
    if not workspace.pack.builtin:
        print(f"Playing the course pack {workspace.pack.title} ({workspace.pack.name} {workspace.pack.version}), "
              f"from {workspace.pack.root}")
    if not existed:
        print(f"Created the workspace {workspace.root}")
    elif workspace.added:
        print(f"Updated the workspace {workspace.root}: wrote the starting file of "
              f"{', '.join(level.exercise_path for level in workspace.added)}")
    else:
        print(f"{workspace.root} is a workspace already; every exercise file is in place.")
    print(f"Your exercises: {', '.join(level.exercise_path for level in workspace.catalog)}")
    print(f"Next: cd {args.dir} && dunderquest play   (or: dunderquest check 1)")
    return OK


def cmd_list(args: argparse.Namespace) -> int:
    return learner_commands.listing(args, Shell.here())


def cmd_check(args: argparse.Namespace) -> int:
    return learner_commands.check(args, Shell.here())


def cmd_hint(args: argparse.Namespace) -> int:
    return learner_commands.hint(args, Shell.here())


def cmd_lesson(args: argparse.Namespace) -> int:
    return learner_commands.lesson(args, Shell.here())


def cmd_reset(args: argparse.Namespace) -> int:
    workspace = _workspace(args)
    level = _level(workspace, args.level)
    path = workspace.exercise(level)
    if path.exists() and not path.is_file():
        return _cannot(f"{level.exercise_path} is a folder, not a file. Move it away, then run "
                       f"`dunderquest reset {level.number}` again.")
    try:
        backup = workspace.reset(level)
    except OSError as err:
        return _cannot(f"Could not put back {level.exercise_path}: {err.strerror or err}.")
    print(f"{level.exercise_path} is back to its starting stub.")
    if backup:
        print(f"Your previous file was kept as {backup.relative_to(workspace.root)}")
    return OK


def cmd_solution(args: argparse.Namespace) -> int:
    workspace = _workspace(args)
    level = _level(workspace, args.level)
    if workspace.progress.status(level) is not Status.PASSED:
        print(f"The solution to level {level.number} opens once you pass it: dunderquest check "
              f"{level.number}", file=sys.stderr)
        return FAILED
    from .core.solution import solution_diff

    path = workspace.exercise(level)
    try:
        mine = path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""
    except OSError as err:
        return _cannot(f"Could not read {level.exercise_path}: {err.strerror or err}.")
    diff = solution_diff(level, mine)
    if not diff.installed:
        print(diff.heading, file=sys.stderr)
        return FAILED
    print(diff.heading + "\n")
    print("\n".join(diff.lines))
    return OK


def _cannot(message: str) -> int:
    print(message, file=sys.stderr)
    return FAILED


def cmd_watch(args: argparse.Namespace) -> int:
    workspace = _workspace(args)
    level = _level(workspace, args.level) if args.level else None
    from .watch import watch

    return watch(workspace, level)


def cmd_data(args: argparse.Namespace) -> int:
    from .core import data

    if args.action == "download":
        from .core.download import DownloadFailed, download_full

        try:
            source = download_full()
        except DownloadFailed as err:
            print(str(err), file=sys.stderr)
            return FAILED
        except KeyboardInterrupt:
            print("Download stopped. The embedded sample stays in use.", file=sys.stderr)
            return FAILED
        print(f"Now using {source.description}, in {source.raw_folder}")
        return OK
    source = data.current_source()
    print(f"Using: {source.description}")
    print(f"Folder: {source.raw_folder}")
    if source.kind == "sample":
        print("The full MNIST set (60,000 + 10,000 digits) is not downloaded. "
              "Get it with: dunderquest data download")
    return OK


def cmd_grade(args: argparse.Namespace) -> int:
    from .classroom.teacher_commands import grade

    return grade(args)


def cmd_finale(args: argparse.Namespace) -> int:
    workspace = _workspace(args)
    from .finale_command import run_finale

    return run_finale(workspace, args.format)


def cmd_doctor(args: argparse.Namespace) -> int:
    from .core.pack import builtin_pack
    from .grader.confinement.doctor import answer_key, in_force

    packs = [builtin_pack()]  # and the pack of the workspace here, whose solutions grading would use
    with contextlib.suppress(NoWorkspace):
        if (here := Workspace.find(Path(args.workspace) if args.workspace else Path.cwd())) is not None:
            packs.append(here.pack)
    found = [*in_force(), answer_key([folder for pack in packs for folder in pack.solution_folders()]).finding()]
    if args.format == "json":
        print(json.dumps([protection.as_dict() for protection in found]))
        return OK
    print("What holds a learner's code in on this machine (each sandbox gets all that is in force):\n")
    for protection in found:
        print(f"  {'in force' if protection.in_force else 'MISSING ':<8}  {protection.name}")
        print(f"            {protection.detail}")
    missing = [p.name for p in found if not p.in_force]
    print(f"\n{len(found) - len(missing)}/{len(found)} in force." + (
        " Checks still work without the missing ones; they only guard less." if missing else ""))
    from .grader.service.lingering_client import describe_lingering

    print(f"\n{describe_lingering()}")
    return OK


def cmd_stop(args: argparse.Namespace) -> int:
    from .grader.service.lingering_client import stop_all

    stopped = stop_all()
    for grader in stopped:
        print(f"Stopped the background grader (process {grader['pid']}, {grader['requests']} requests served).")
    if not stopped:
        print("No background grader was running.")
    return OK


def cmd_classroom(args: argparse.Namespace) -> int:
    from .classroom.teacher_commands import classroom

    return classroom(args)


def cmd_pack(args: argparse.Namespace) -> int:
    from .packs.pack_commands import pack

    return pack(args)


# -- parsing -----------------------------------------------------------------------------------------


LEVEL_NAMES = "its number, its name, or level<N> (3, numbers or level3)"


def parser(kind: type[argparse.ArgumentParser] = argparse.ArgumentParser) -> argparse.ArgumentParser:
    common = kind(add_help=False)
    common.add_argument("--workspace", metavar="DIR", default=argparse.SUPPRESS,
                        help="the workspace to use (default: the one containing the current folder, "
                             "else your default workspace)")
    top = kind(
        prog="dunderquest", parents=[common],
        description="A terminal game that teaches the Python magic behind PyTorch: write small classes "
                    "(__call__, __len__, __getitem__, __iter__, __next__) and a grader runs them against "
                    "the real DataLoader, TensorDataset and torchvision MNIST.",
        epilog=f"Start with: dunderquest play. A level is named by {LEVEL_NAMES}.",
    )
    top.add_argument("--version", action="version", version=f"dunderquest {__version__}")
    sub = top.add_subparsers(dest="command", metavar="COMMAND")

    def command(name: str, func, help: str, epilog: str | None = None) -> argparse.ArgumentParser:
        p = sub.add_parser(name, parents=[common], help=help, description=help, epilog=epilog)
        p.set_defaults(func=func)
        return p

    command("play", cmd_play, "play the game in the terminal")
    p = command("serve", cmd_serve, "play the game in a browser: serve it on http://localhost:8000 (needs the web "
                                    "extra: pip install \"dunderquest[web]\")",
                "Each browser tab plays its own game on the same workspace. It listens on this machine only "
                "unless --host says otherwise, and lets in only the browser that opens the address it prints, "
                "which carries a token (http://localhost:8000/?token=...), as Jupyter does; the token changes "
                "each time it starts, unless DUNDERQUEST_SERVE_TOKEN gives one. Behind a proxy that serves it "
                "under a path (jupyter-server-proxy on a JupyterHub, say), give the address the browser uses with "
                "--public-url.")
    p.add_argument("--host", default="127.0.0.1",
                   help="the address to listen on (default: 127.0.0.1, this machine only; 0.0.0.0: every network)")
    p.add_argument("--port", type=int, default=8000, help="the port to listen on (default: 8000)")
    p.add_argument("--public-url", metavar="URL",
                   help="the address browsers open, when it is not http://HOST:PORT (a proxy in front, with a "
                        "path): for example https://hub.example.org/user/ada/proxy/8000")
    p.add_argument("--no-token", action="store_true",
                   help="let in anyone who reaches the port, without a token: every user of this machine could "
                        "play in this workspace and read its files. Only where nobody else can reach it.")
    p = command("init", cmd_init, "create a workspace in DIR with fresh exercise files")
    p.add_argument("dir", metavar="DIR")
    p.add_argument("--pack", metavar="PACK", help="play a course pack's levels instead of the built-in course "
                                                  "(the workspace remembers it)")
    p = command("check", cmd_check, "run a level's checks against your file (exit 0 when all pass)",
                "The first check starts a grader that stays in the background (importing torch takes "
                "seconds), so the next checks take a fraction of a second; it ends after "
                "DUNDERQUEST_LINGER seconds without a request (default 600; 0: no grader stays), or with "
                "`dunderquest stop`. Exit status: 0 when every check passes, 1 when one fails, 2 for a "
                "usage error (an unknown level, a missing workspace). A locked level is checked too.")
    p.add_argument("level", metavar="LEVEL", nargs="?",
                   help=f"{LEVEL_NAMES} (default: your current level, the first you have not passed)")
    p.add_argument("--format", choices=["text", "json"], default="text",
                   help="text for people (default); json prints exactly one JSON document on stdout")
    p.add_argument("--seed", type=int, default=None,
                   help="fix the random seeds and sample indices the checks pick, to repeat a run exactly")
    p = command("list", cmd_list, "list the levels and your progress")
    p.add_argument("--format", choices=["text", "json"], default="text",
                   help="text for people (default); json prints a list of {id, title, status, file}")
    p = command("lesson", cmd_lesson, "read a level's lesson (paged when it is longer than the screen)")
    p.add_argument("level", metavar="LEVEL", nargs="?",
                   help=f"{LEVEL_NAMES} (default: your current level, the first you have not passed)")
    p = command("hint", cmd_hint, "show the next hint for a level")
    p.add_argument("level", metavar="LEVEL", nargs="?",
                   help=f"{LEVEL_NAMES} (default: your current level, the first you have not passed)")
    p = command("reset", cmd_reset, "restore a level's starting file (yours is kept as a backup)")
    p.add_argument("level", metavar="LEVEL")
    p = command("solution", cmd_solution, "after you pass a level: your file and the reference, as a diff")
    p.add_argument("level", metavar="LEVEL")
    p = command("watch", cmd_watch, "check your level each time you save its file (for your own editor); "
                                    "keys: r lesson, h hint, l list, n next level, q quit")
    p.add_argument("level", metavar="LEVEL", nargs="?", help="the level to start at (default: your current one)")
    p = command("data", cmd_data, "say which MNIST is used, or download the full set")
    p.add_argument("action", nargs="?", choices=["download"], help="download the full MNIST set")
    p = command("finale", cmd_finale, "after the levels: your own classes train a model on MNIST (not graded)",
                "It uses your classes from several levels and says which level to finish first. Exit status: 0 when "
                "the training ran to the end, 1 otherwise.")
    p.add_argument("--format", choices=["text", "jsonl"], default="text",
                   help="text for people (default); jsonl prints one JSON event per line")
    command("stop", cmd_stop, "stop the grader that stays in the background after a check (see check --help)")
    p = command("doctor", cmd_doctor, "say which protections hold a learner's code in on this machine",
                "The last row, \"answer key out of reach\", says whether a learner's code could read the reference "
                "solutions here (installed, with neither Landlock nor a mount namespace in force), in which case "
                "`grade` grades only your own workspace unless told --accept-answer-key-risk.")
    p.add_argument("--format", choices=["text", "json"], default="text",
                   help="text for people (default); json prints a list of {name, in_force, detail}")
    from .classroom.teacher_commands import add_commands
    from .packs.pack_commands import add_commands as add_pack_commands

    add_commands(command, cmd_grade, cmd_classroom)
    add_pack_commands(command, cmd_pack)
    return top


def main(argv: list[str] | None = None) -> int:
    top = parser()
    args = top.parse_args(argv)
    if not hasattr(args, "workspace"):
        args.workspace = None
    if args.command is None:
        top.print_help()
        return OK
    try:
        return args.func(args)
    except UsageError as err:
        print(f"dunderquest: {err}", file=sys.stderr)
        return USAGE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # the reader went away (`dunderquest list | head`): nothing more to say
        with contextlib.suppress(OSError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1

