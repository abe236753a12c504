"""The import contracts of pyproject.toml ([tool.importlinter]) hold, and they can break.

Run in a subprocess: import-linter adds the working directory to sys.path and
finds the package by name, so the fake package below must not meet the real one.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LINT = (
    "from importlinter.cli import lint_imports;"
    "raise SystemExit(lint_imports(no_cache=True, no_logo=True))"
)


def lint_imports(folder: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(folder)}
    return subprocess.run(
        [sys.executable, "-c", LINT], cwd=folder, env=env, capture_output=True, text=True
    )


def test_the_layers_of_lotline_keep_their_import_contracts() -> None:
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_service_importing_an_interface_or_rules_importing_the_store_breaks_them(
    tmp_path: Path,
) -> None:
    modules = {
        "__init__.py": "",
        "app.py": "import lotline.services.stock\n",
        "cli/__init__.py": "import lotline.app\n",
        "rules/__init__.py": "",
        "rules/expiry.py": "import lotline.store.bulk\n",
        "store/__init__.py": "",
        "store/bulk.py": "import sqlalchemy\n",
        "files.py": "",
        "services/__init__.py": "",
        "services/stock.py": "import lotline.cli\n",
    }
    for name, text in modules.items():
        path = tmp_path / "lotline" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    (tmp_path / "pyproject.toml").write_text((ROOT / "pyproject.toml").read_text())
    result = lint_imports(tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "lotline.services.stock -> lotline.cli" in result.stdout
    assert "lotline.rules.expiry -> lotline.store.bulk" in result.stdout
    assert "Contracts: 1 kept, 2 broken." in result.stdout
