"""docs/architecture.md matches the tree: it names every module, and only modules that exist."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "lotline"
DOC = ROOT / "docs" / "architecture.md"

# `rules/states.py`, `transfers/validate.py`, `services/transfers/`: paths inside lotline/
_PATH = re.compile(r"`([a-z_]+(?:/[a-z_0-9]+)*(?:\.py|/))`")
_SUBPACKAGES = ("transfers", "adjustments", "manufacturing")


def _named_paths() -> set[str]:
    named = set()
    for path in _PATH.findall(DOC.read_text(encoding="utf-8")):
        if path.split("/")[0] in _SUBPACKAGES:
            path = f"services/{path}"
        named.add(path)
    return named


def _modules() -> set[str]:
    found = set()
    for file in PACKAGE.rglob("*.py"):
        relative = file.relative_to(PACKAGE).as_posix()
        if "migrations/versions/" in relative or relative.endswith("/__init__.py"):
            continue
        if relative.startswith("store/migrations/") and relative != "store/migrations/env.py":
            continue
        found.add(relative)
    return found


def test_the_architecture_page_names_every_module_of_the_tree() -> None:
    missing = sorted(_modules() - _named_paths())
    assert not missing, f"docs/architecture.md does not name: {missing}"


def _exists(path: str) -> bool:
    top = path.split("/")[0]
    base = ROOT if top in ("bench", "tests", "docs") else PACKAGE
    return (base / path).exists()


def test_every_path_the_architecture_page_names_exists() -> None:
    stale = sorted(p for p in _named_paths() if not _exists(p))
    assert not stale, f"docs/architecture.md names paths that do not exist: {stale}"
