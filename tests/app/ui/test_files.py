"""Where the file dialogs open (``app.ui.files``): the last folder chosen, else home, never the program's folder."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog, QWidget

from app.ui import files


def test_dialogs_open_at_home_then_where_the_last_file_was_chosen(
    qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A trial: every dialog opened in the folder the app was started from (its own source folder)."""
    monkeypatch.setattr(files, "_last", [])
    monkeypatch.setattr(Path, "home", classmethod(lambda cls: tmp_path / "home"))  # (HOME is not Windows' home)
    (tmp_path / "home").mkdir()
    asked: list[str] = []

    def fake_open(parent, title, folder, filters):  # type: ignore[no-untyped-def]
        asked.append(folder)
        return str(tmp_path / "backups" / "calls.csv"), filters

    def fake_save(parent, title, folder, filters):  # type: ignore[no-untyped-def]
        asked.append(folder)
        return "", filters  # cancelled: nothing remembered

    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(fake_open))
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(fake_save))
    (tmp_path / "backups").mkdir()
    parent = QWidget()
    qtbot.addWidget(parent)
    assert files.open_file(parent, "打开", "CSV (*.csv)") == str(tmp_path / "backups" / "calls.csv")
    assert files.save_file(parent, "导出", "查号结果.csv", "CSV (*.csv)") == ("", "CSV (*.csv)")
    assert asked == [str(tmp_path / "home"), str(tmp_path / "backups" / "查号结果.csv")]
    assert files.start_in() == str(tmp_path / "backups")  # a cancelled save changed nothing
