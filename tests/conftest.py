"""Shared test set-up: offscreen Qt, temporary data dirs, the real ``callshield`` command."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

# Qt must never try to open a real display in tests (Picard test/conftest.py does the same).
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED = REPO_ROOT.parent / "shared"


@pytest.fixture(autouse=True)
def _fresh_language_findings() -> None:
    """What model loads found of a model's language is kept per process (``app.audio.model``): each test starts
    without another's, so none passes or fails by the order they ran in."""
    from app.audio.model import forget_languages

    forget_languages()


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    path = tmp_path / "data"
    path.mkdir()
    return path


@pytest.fixture
def shared_dir() -> Path:
    if not SHARED.is_dir():
        pytest.skip(f"../shared not found beside the checkout ({SHARED}); it holds the corpora and audio fixtures")
    return SHARED


@pytest.fixture
def run_cli(data_dir: Path) -> Callable[..., subprocess.CompletedProcess[str]]:
    """Run the real ``callshield`` entry point in a subprocess against a temporary data dir."""

    def run(
        *args: str,
        input: str | None = None,
        timeout: float = 120,
        env: dict[str, str] | None = None,
        data: Path | None = None,
        cwd: Path | None = None,
    ) -> subprocess.CompletedProcess[str]:
        full_env = dict(os.environ)
        full_env.update({"PYTHONIOENCODING": "utf-8", "CALLSHIELD_LANG": "zh"})
        if env:
            full_env.update(env)
        cmd = [sys.executable, "-m", "app", "--data-dir", str(data or data_dir), *args]
        return subprocess.run(
            cmd,
            input=input,
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=timeout,
            env=full_env,
            cwd=cwd or REPO_ROOT,
        )

    return run
