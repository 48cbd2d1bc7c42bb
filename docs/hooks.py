"""What the site adds when it is built, so that its pictures and examples come from the code and the
tests, never from a copy kept by hand:

- the game's screens as the snapshot tests draw them (tests/tui/__snapshots__/test_snapshots/*.svg),
  at screens/NAME.svg;
- the course pack that `dunderquest pack new my-pack` writes, made by the command's own code in a
  temporary folder, from which pages include files as `my-pack/...` (pymdownx.snippets)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from mkdocs.structure.files import File

from dunderquest.packs.scaffold import scaffold

SNAPSHOTS = Path("tests") / "tui" / "__snapshots__" / "test_snapshots"
SCREENS = "screens"
NEW_PACK = "my-pack"

_new_pack: tempfile.TemporaryDirectory | None = None  # this build's `pack new` folder


def _top(config) -> Path:
    return Path(config.config_file_path).resolve().parent


def on_config(config):
    """Writes `pack new`'s pack, and lets pages include files from the repository's top and from it."""
    global _new_pack
    _new_pack = tempfile.TemporaryDirectory(prefix="dunderquest-docs-")
    scaffold(Path(_new_pack.name) / NEW_PACK)
    snippets = config.mdx_configs.setdefault("pymdownx.snippets", {})
    given = snippets.get("base_path", ["."])
    given = [given] if isinstance(given, str) else given
    snippets["base_path"] = [str(_top(config) / folder) for folder in given] + [_new_pack.name]
    return config


def on_files(files, config):
    """The snapshot tests' screens, as they are in the checkout now."""
    for svg in sorted((_top(config) / SNAPSHOTS).glob("*.svg")):
        files.append(File.generated(config, f"{SCREENS}/{svg.name}", abs_src_path=str(svg)))
    return files


def on_post_build(config):
    if _new_pack is not None:
        _new_pack.cleanup()
