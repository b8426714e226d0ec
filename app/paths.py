"""Where things live: the user's data dir and the files bundled with the app.

Bundled files are resolved here and only here, through importlib.resources, so that a source
checkout, a wheel and a PyInstaller bundle all find them the same way.
"""

from __future__ import annotations

import os
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

import platformdirs

from app import APP_NAME

DB_FILENAME = "callshield.db"


def default_data_dir() -> Path:
    """CALLSHIELD_DATA_DIR, else the platform's per-user data dir (no roaming on Windows)."""
    override = os.environ.get("CALLSHIELD_DATA_DIR")
    if override:
        return Path(override).expanduser()
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False, roaming=False))


def data_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """The data dir to use (``--data-dir`` wins), created if missing."""
    path = Path(override).expanduser() if override else default_data_dir()
    path.mkdir(parents=True, exist_ok=True)
    return path


def db_path(override: str | os.PathLike[str] | None = None) -> Path:
    return data_dir(override) / DB_FILENAME


def log_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """``<data>/logs``, created if possible.  Never raises: a ``logs`` *file* or a read-only data dir only means
    no log file this time (``app.log.setup_logging`` says so once), never a command that will not run."""
    path = data_dir(override) / "logs"
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError:
        pass
    return path


def resource(package: str, *parts: str) -> Traversable:
    """A file shipped inside one of our packages, e.g. ``resource("blocklists", "data", "rules.json")``."""
    node = resources.files(package)
    for part in parts:
        node = node.joinpath(part)
    return node


def bundled_model_dir() -> Path | None:
    """The Vosk model shipped inside an offline installer (build.spec, ``CALLSHIELD_BUNDLE_MODEL``), if any."""
    node = resource("app", "bundled_model")
    if node.is_dir() and node.joinpath("am").is_dir():
        return Path(str(node))  # a real folder: importlib.resources serves packages from the file system
    return None
