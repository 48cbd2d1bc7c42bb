"""Where a learner's things are: the user's data folder, the default workspace, and what marks a
folder as a workspace. Standard library and platformdirs only, so that the thin client
(thin_client.py) finds a workspace as every other command does, without importing the rest."""

from __future__ import annotations

import os

STATE_DIR = ".dunderquest"  # in a workspace: the progress file, backups, and the pack's record
RECORD = "workspace.toml"  # in STATE_DIR: the course pack a workspace was made from


def user_data_dir() -> str:
    import platformdirs

    return platformdirs.user_data_dir("dunderquest", appauthor=False)


def default_workspace_path() -> str:
    return os.path.join(user_data_dir(), "workspace")


def enclosing_workspace(start: str) -> str | None:
    """The workspace that contains the folder `start` (itself, or the nearest folder above it that
    holds STATE_DIR), if any."""
    folder = os.path.abspath(start)
    while True:
        if os.path.isdir(os.path.join(folder, STATE_DIR)):
            return folder
        parent = os.path.dirname(folder)
        if parent == folder:
            return None
        folder = parent


def recorded_pack_folder(workspace: str) -> str | None:
    """The folder of the course pack the workspace at `workspace` was made from, as its record names it
    (a relative path is the workspace's own); None for the built-in course. ValueError, with why, when
    the record is damaged."""
    import tomllib

    record = os.path.join(workspace, STATE_DIR, RECORD)
    try:
        with open(record, "rb") as file:
            text = file.read().decode("utf-8")
    except FileNotFoundError:
        return None
    try:
        folder = tomllib.loads(text)["pack"]
        if not isinstance(folder, str):
            raise TypeError(f"pack is {type(folder).__name__}, not text")
    except (tomllib.TOMLDecodeError, UnicodeDecodeError, KeyError, TypeError) as err:
        raise ValueError(f"{record} is damaged ({err}); it should say `pack = \"/path/to/the/pack\"`.") from None
    return os.path.abspath(os.path.join(workspace, folder))
