"""The layers stay apart: the domain and the grader never import Textual, and the game's process
never imports torch or pytest (the grader has processes of its own). The contracts are in
pyproject.toml; import-linter checks them here."""

import ast
import subprocess
from pathlib import Path

from tools import installed

REPO = Path(__file__).resolve().parent.parent.parent


def test_the_import_contracts_hold():
    lint_imports = installed("lint-imports")  # import-linter is part of the test extra
    done = subprocess.run([lint_imports], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 broken" in done.stdout


# -- the trust boundary, as rules over the source ------------------------------------------------

SRC = REPO / "src"
GRADER = SRC / "dunderquest" / "grader"


def dunderquest_imports(path: Path) -> set[str]:
    """The dunderquest modules a file imports (relative imports resolved), wherever in the file."""
    package = ".".join(path.relative_to(SRC).with_suffix("").parts[:-1]) if SRC in path.parents else ""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(parts + ([base] if base else []))
            found |= {f"{base}.{alias.name}" for alias in node.names} | {base}
    return {name for name in found if name == "dunderquest" or name.startswith("dunderquest.")}


def outside(names: set[str], *packages: str) -> set[str]:
    """The names that are neither in one of `packages` nor a package above them (`from .. import x`
    names the package `..` too)."""
    above = {".".join(p.split(".")[:n]) for p in packages for n in range(1, p.count(".") + 1)}
    return {name for name in names if name not in above
            and not any(name == p or name.startswith(p + ".") for p in packages)}


BOUNDARY = ("dunderquest.grader.wire", "dunderquest.grader.limits")


def test_the_inside_imports_nothing_of_dunderquest_but_the_wire_format_and_the_limits():
    """What runs beside the learner's code holds no answers: a rule over every module of the inside
    package, so that a new module there is held to it too."""
    modules = sorted((GRADER / "inside").rglob("*.py"))
    assert len(modules) >= 4
    for path in modules:
        wrong = outside(dunderquest_imports(path), *BOUNDARY, "dunderquest.grader.inside")
        assert not wrong, f"{path.relative_to(REPO)} imports {sorted(wrong)}"


def test_the_confinement_imports_only_the_limits_and_the_inside_it_hands_over_to():
    for path in sorted((GRADER / "confinement").rglob("*.py")):
        wrong = outside(dunderquest_imports(path), "dunderquest.grader.limits", "dunderquest.grader.confinement",
                        "dunderquest.grader.inside")
        assert not wrong, f"{path.relative_to(REPO)} imports {sorted(wrong)}"


def test_every_level_s_checks_import_the_grader_through_one_module_and_its_probes_nothing_of_it():
    levels = sorted((REPO / "course" / "levels").glob("level*_*"))
    levels += sorted((REPO / "examples" / "packs").glob("*/levels/*"))
    assert len(levels) >= 12
    for folder in levels:
        assert dunderquest_imports(folder / "checks.py") == {"dunderquest.grader.checking"} | {
            f"dunderquest.grader.checking.{name}" for name in checking_names(folder / "checks.py")}, folder.name
        if (folder / "probes.py").exists():
            assert dunderquest_imports(folder / "probes.py") == set(), folder.name


def checking_names(path: Path) -> set[str]:
    return {alias.name for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
            if isinstance(node, ast.ImportFrom) and node.module == "dunderquest.grader.checking"
            for alias in node.names}


def test_no_module_of_the_grader_nor_the_cli_nor_the_game_s_screen_is_over_400_lines():
    paths = [*GRADER.rglob("*.py"), SRC / "dunderquest" / "cli.py", SRC / "dunderquest" / "tui" / "game.py"]
    long = {str(path.relative_to(SRC)): n for path in paths
            if (n := len(path.read_text(encoding="utf-8").splitlines())) > 400}
    assert long == {}


def test_no_module_imports_one_that_imports_it_back():
    """No import circle, not even through an import inside a function: each module can be read
    before the ones that use it."""
    modules = {".".join(path.relative_to(SRC).with_suffix("").parts).removesuffix(".__init__"): path
               for path in (SRC / "dunderquest").rglob("*.py")}
    graph = {name: {other for other in dunderquest_imports(path) if other in modules and other != name}
             for name, path in modules.items()}
    graph = {name: {other for other in others if not name.startswith(other + ".")}  # a package's own parents
             for name, others in graph.items()}
    circles = []

    def visit(name: str, path: list[str]) -> None:
        for other in sorted(graph[name]):
            if other in path:
                circles.append(path[path.index(other):] + [other])
            elif other not in seen:
                seen.add(other)
                visit(other, [*path, other])

    for start in sorted(graph):
        seen = {start}
        visit(start, [start])
    assert circles == []


def test_the_thin_client_starts_with_next_to_nothing_imported():
    """`dunderquest check` from a shell imports only what it needs to reach the background grader:
    the standard library's basics and five small modules of dunderquest, never the catalog, the
    grader's client, argparse or pathlib."""
    import sys

    script = ("import sys; before = set(sys.modules); import dunderquest.thin_client; "
              "print('\\n'.join(sorted(set(sys.modules) - before)))")
    done = subprocess.run([sys.executable, "-I", "-c", script], capture_output=True, text=True, timeout=60)
    loaded = set(done.stdout.split())
    ours = {name for name in loaded if name.startswith("dunderquest")}
    assert ours == {"dunderquest", "dunderquest.thin_client", "dunderquest.pager", "dunderquest.core",
                    "dunderquest.core.locations", "dunderquest.grader", "dunderquest.grader.confinement",
                    "dunderquest.grader.confinement.environment", "dunderquest.grader.service",
                    "dunderquest.grader.service.address"}, ours
    assert not loaded & {"argparse", "pathlib", "tempfile", "platformdirs", "torch", "textual", "rich"}, loaded
