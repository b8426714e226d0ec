"""The file dialogs every page opens, starting where the user last chose a file (else their home folder), not in the
folder the program was started from (a trial's dialogs all opened in the app's own source folder)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QWidget

_last: list[Path] = []  # the folder of the last file or folder chosen in this run


def start_in(name: str = "") -> str:
    """Where a dialog opens: the last folder used, or home; with ``name``, that file in it (a save dialog's default)."""
    folder = _last[-1] if _last and _last[-1].is_dir() else Path.home()
    return str(folder / name) if name else str(folder)


def remember(path: str) -> None:
    """The folder of a chosen file or folder, for the next dialog."""
    if path:
        chosen = Path(path)
        _last[:] = [chosen if chosen.is_dir() else chosen.parent]


def open_file(parent: QWidget, title: str, filters: str) -> str:
    path, _ = QFileDialog.getOpenFileName(parent, title, start_in(), filters)
    remember(path)
    return path


def open_files(parent: QWidget, title: str, filters: str) -> list[str]:
    paths, _ = QFileDialog.getOpenFileNames(parent, title, start_in(), filters)
    if paths:
        remember(paths[0])
    return list(paths)


def choose_folder(parent: QWidget, title: str) -> str:
    folder = QFileDialog.getExistingDirectory(parent, title, start_in())
    remember(folder)
    return folder


def save_file(parent: QWidget, title: str, name: str, filters: str) -> tuple[str, str]:
    """The path to save to ("" if cancelled) and the filter chosen; ``name`` is the suggested file name."""
    path, chosen = QFileDialog.getSaveFileName(parent, title, start_in(Path(name).name if name else ""), filters)
    remember(path)
    return path, chosen
