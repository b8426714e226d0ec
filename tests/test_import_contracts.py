"""Import contracts (pyproject ``[tool.importlinter]``, run by ``lint-imports`` in .ci/run) — checked here too, so
the layering check cannot silently vanish from CI, and shown to break on a tree that breaks each rule."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT

pytest.importorskip("importlinter", reason="import-linter is in the test extra (pip install -e '.[test]')")

CONTRACT_NAMES = (
    "The core (screening, speech, blocklists) never imports the app",
    "The core never imports Qt",
    "app never imports app.ui",
    "Calls (events, controller, sources), the alert policy, the alert e-mail and headless alerts never import Qt",
)


def _lint_imports(cwd: Path) -> subprocess.CompletedProcess[str]:
    exe = shutil.which("lint-imports") or str(Path(sys.executable).with_name("lint-imports"))
    return subprocess.run(
        [exe, "--config", str(cwd / "pyproject.toml"), "--no-cache"],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        env={"PYTHONPATH": str(cwd), "PATH": str(Path(sys.executable).parent)},
    )


def _config_text() -> str:
    text = (REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8")
    start = text.index("[tool.importlinter]")
    end = text.index("\n[tool.", start + 1)
    return text[start:end]


def test_the_project_keeps_every_import_contract() -> None:
    result = _lint_imports(REPO_ROOT)
    out = result.stdout + result.stderr
    assert result.returncode == 0, out
    flat = " ".join(out.split())
    for name in CONTRACT_NAMES:
        assert re.search(re.escape(name) + r".*? KEPT", flat), f"contract missing or not kept: {name}\n{out}"
    assert "Contracts: 4 kept, 0 broken." in out


def test_each_contract_breaks_on_a_tree_that_breaks_it(tmp_path: Path) -> None:
    """The same contracts on a tiny tree with one violation each: all four must be reported broken."""
    files = {
        "app/__init__.py": "",
        "app/ui/__init__.py": "",
        "app/ui/page.py": "import PySide6\n",
        "app/gui.py": "import app.ui.page\n",  # start-up modules may build the UI
        "app/screenshots.py": "import app.ui.page\n",
        "app/selftest.py": "import app.ui.page\n",
        "app/operations/__init__.py": "import app.ui.page\n",  # an app service importing a widget module
        "app/calls/__init__.py": "from app.calls import controller\n",
        "app/calls/controller.py": "import PySide6.QtCore\n",  # Qt in the Qt-free call flow
        "app/alerts/__init__.py": "",
        "app/alerts/policy.py": "import PySide6.QtWidgets\n",
        "app/alerts/email.py": "import PySide6.QtNetwork\n",  # the e-mail sent with Qt's sockets instead of smtplib
        "app/alerts/headless.py": "import PySide6.QtCore\n",  # the windowless alert path on a Qt timer
        "screening/__init__.py": "import app.operations\n",  # core importing the app
        "speech/__init__.py": "import PySide6\n",  # core importing Qt
        "blocklists/__init__.py": "",
    }
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text(_config_text() + "\n", encoding="utf-8")
    result = _lint_imports(tmp_path)
    out = result.stdout + result.stderr
    assert result.returncode == 1, out
    assert "Contracts: 0 kept, 4 broken." in out, out
    assert "app.operations -> app.ui.page" in out and "app.gui" not in out.split("Broken contracts")[-1]
