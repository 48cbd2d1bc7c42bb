"""A learner's workspace: `exercises/` with one file per level, and `.dunderquest/` with the progress
file, backups, and (for a workspace made from a course pack) `workspace.toml`, which names the pack.
This module is the one place that decides which workspace a command uses."""

from __future__ import annotations

import json
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import locations
from .catalog import Catalog, Level
from .locations import RECORD, STATE_DIR
from .file_errors import what_to_do, why_not
from .pack import Pack, PackError, builtin_pack, read_pack
from .progress import Progress, create_atomically, remove_stale_temp_files, write_atomically


class NoWorkspace(LookupError):
    pass


def user_data_dir() -> Path:
    return Path(locations.user_data_dir())


def default_workspace_path() -> Path:
    return Path(locations.default_workspace_path())


@dataclass
class Workspace:
    """A learner's workspace, and the course pack it plays (read once, when the workspace is found)."""

    root: Path
    pack: Pack = field(default_factory=builtin_pack)
    added: list[Level] = field(default_factory=list, repr=False, compare=False)  # stubs written when opened
    # The stubs of missing files that could not be written (a full disk, a read-only workspace), and why.
    unwritten: dict[Level, OSError] = field(default_factory=dict, repr=False, compare=False)

    @property
    def catalog(self) -> Catalog:
        return self.pack.catalog

    @property
    def state_dir(self) -> Path:
        return self.root / STATE_DIR

    @property
    def progress(self) -> Progress:
        return Progress(self.state_dir / "progress.json", self.catalog)

    def exercise(self, level: Level) -> Path:
        return self.root / level.exercise_path

    @classmethod
    def create(cls, root: Path, pack: Pack | None = None) -> Workspace:
        """Makes `root` a workspace for `pack`'s levels (the built-in course by default). Existing
        learner files are never touched. A workspace made for another pack says so in workspace.toml."""
        root = root.resolve()
        if root.exists() and not root.is_dir():
            raise NoWorkspace(f"{root} is a file, not a folder: give a new folder's name for the workspace.")
        try:
            pack = pack or recorded_pack(root) or builtin_pack()
            workspace = cls(root, pack)
            workspace.state_dir.mkdir(parents=True, exist_ok=True)
            record = workspace.state_dir / RECORD
            if not pack.builtin:
                write_atomically(record, f"# The course pack this workspace plays (dunderquest init --pack).\n"
                                         f"pack = {json.dumps(str(pack.root))}\n")
            elif record.exists():
                record.unlink()
            workspace.add_missing_stubs()
            if workspace.unwritten:
                raise next(iter(workspace.unwritten.values()))
        except OSError as err:
            raise NoWorkspace(f"Could not make a workspace in {root}: {why_not(err)}. {what_to_do(err)}".rstrip()) \
                from None
        return workspace

    @classmethod
    def find(cls, start: Path) -> Workspace | None:
        """The workspace that contains `start`, if any, with the levels of its pack."""
        folder = locations.enclosing_workspace(str(start.resolve()))
        if folder is None:
            return None
        return cls(Path(folder), recorded_pack(Path(folder)) or builtin_pack())

    def add_missing_stubs(self) -> list[Level]:
        """Writes a fresh stub for every level whose file is missing (a new level, or a deleted file)."""
        added = []
        self.unwritten = {}
        for level in self.catalog:
            path = self.exercise(level)
            if not path.exists():
                # Never over a file that appeared in the meantime; whole, or not at all (a full disk).
                try:
                    path.parent.mkdir(parents=True, exist_ok=True)
                    if create_atomically(path, level.stub()):
                        added.append(level)
                except OSError as err:  # the file stays missing, and the note says why
                    self.unwritten[level] = err
        self.added += added
        return added

    def remove_stale_temp_files(self) -> None:
        """Removes what a save killed half way left beside the exercise files and the progress file."""
        for folder in {self.exercise(level).parent for level in self.catalog} | {self.state_dir}:
            remove_stale_temp_files(folder)

    def missing_note(self) -> str | None:
        """What to tell the learner about the files that were missing when the workspace was opened."""
        notes = [f"{level.exercise_path} is missing, and its starting file could not be written again: "
                 f"{why_not(err)}. {what_to_do(err)}".rstrip() for level, err in self.unwritten.items()]
        if self.added:
            paths = ", ".join(level.exercise_path for level in self.added)
            notes.insert(0, f"{paths} was missing, so its starting file was written again." if len(self.added) == 1
                         else f"{paths} were missing, so their starting files were written again.")
        return "\n".join(notes) or None

    def back_up(self, level: Level) -> Path | None:
        """Copies the level's file into `.dunderquest/backups/`; returns the copy (None: no file)."""
        path = self.exercise(level)
        if not path.exists():
            return None
        backup = self.state_dir / "backups" / f"{path.stem}.{time.strftime('%Y%m%d-%H%M%S')}.py"
        n = 1
        while backup.exists():
            backup = backup.with_name(f"{path.stem}.{time.strftime('%Y%m%d-%H%M%S')}-{n}.py")
            n += 1
        backup.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, backup)  # the bytes as they are, whatever their encoding
        return backup

    def reset(self, level: Level) -> Path | None:
        """Restores the stub. The learner's file is kept in `.dunderquest/backups/` (unless it is the
        stub already); returns that copy."""
        path = self.exercise(level)
        if path.is_file() and path.read_bytes() == level.stub().encode("utf-8"):
            return None
        backup = self.back_up(level)
        write_atomically(path, level.stub())
        return backup


def recorded_pack(root: Path) -> Pack | None:
    """The course pack that the workspace at `root` was made from, when not the built-in course."""
    record = root / STATE_DIR / RECORD
    try:
        folder = locations.recorded_pack_folder(str(root))
    except ValueError as err:
        raise NoWorkspace(str(err)) from None
    if folder is None:
        return None
    try:
        return read_pack(Path(folder))
    except PackError as err:
        raise NoWorkspace(f"This workspace plays the course pack named in {record}, which cannot be read: {err}") \
            from None


@dataclass
class Resolved:
    workspace: Workspace
    note: str | None  # said to the user when the choice is not obvious (a default workspace was made)


def resolve_workspace(explicit: Path | None, cwd: Path | None = None) -> Resolved:
    """`--workspace DIR` if given; else the workspace containing the current folder; else the
    default one in the user's data folder, created on first use."""
    if explicit is not None:
        found = Workspace.find(explicit)
        if found is None or found.root != explicit.resolve():
            raise NoWorkspace(
                f"{explicit} is not a dunderquest workspace. Create one with: dunderquest init {explicit}"
            )
        found.remove_stale_temp_files()
        found.add_missing_stubs()
        return Resolved(found, found.missing_note())
    found = Workspace.find(cwd or Path.cwd())
    if found is not None:
        found.remove_stale_temp_files()
        found.add_missing_stubs()
        return Resolved(found, found.missing_note())
    default = default_workspace_path()
    if (default / STATE_DIR).is_dir():
        workspace = Workspace.create(default)
        return Resolved(workspace, f"Using your workspace at {workspace.root}")
    workspace = Workspace.create(default)
    return Resolved(workspace, f"Created your workspace at {workspace.root} (your exercises are in "
                               f"{workspace.root / 'exercises'})")
