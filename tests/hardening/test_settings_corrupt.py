"""Issue 13 / High 1: an unreadable settings.json never stops the app; it is set aside once, defaults are used.

Corrupt-state matrix, settings row: cut-off UTF-8, binary junk, valid JSON of the wrong shape, a folder
where the file should be, an unreadable file.  Each must give defaults, keep the bad bytes, and say so once.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.settings import Settings, load_settings, save_settings, settings_path

CUT_OFF_UTF8 = b'{"language": "zh", "smtp": {"sender": "\xe5\xa6'


@pytest.mark.parametrize(
    "payload",
    [CUT_OFF_UTF8, b"\x00\xff\xfe\x81junk", b"\xef\xbb\xbf[1, 2]", b'"just a string"', b"{not json"],
    ids=["cut-off-utf8", "binary", "bom-list", "string", "not-json"],
)
def test_unreadable_settings_set_aside_once_and_defaults_used(
    tmp_path: Path, payload: bytes, caplog: pytest.LogCaptureFixture
) -> None:
    settings_path(tmp_path).write_bytes(payload)
    with caplog.at_level(logging.WARNING, logger="app.settings"):
        assert load_settings(tmp_path) == Settings()
    kept = sorted(tmp_path.glob("settings.json.bad*"))
    assert len(kept) == 1 and kept[0].read_bytes() == payload  # kept byte for byte
    assert not settings_path(tmp_path).exists()
    assert sum("settings" in r.getMessage() for r in caplog.records) == 1
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="app.settings"):  # reported once: the next start is quiet
        assert load_settings(tmp_path) == Settings()
    assert not caplog.records


def test_an_older_bad_copy_is_not_overwritten(tmp_path: Path) -> None:
    (tmp_path / "settings.json.bad").write_bytes(b"first")
    settings_path(tmp_path).write_bytes(CUT_OFF_UTF8)
    load_settings(tmp_path)
    assert (tmp_path / "settings.json.bad").read_bytes() == b"first"
    assert [p.read_bytes() for p in tmp_path.glob("settings.json.bad-*")] == [CUT_OFF_UTF8]


def test_settings_path_is_a_folder(tmp_path: Path) -> None:
    settings_path(tmp_path).mkdir()
    assert load_settings(tmp_path) == Settings()


def test_cli_starts_with_cut_off_settings(tmp_path: Path) -> None:
    """The repro from the issue, through the real command: no traceback, a plain answer."""
    data = tmp_path / "data"
    data.mkdir()
    settings_path(data).write_bytes(CUT_OFF_UTF8)
    proc = subprocess.run(
        [sys.executable, "-m", "app", "--data-dir", str(data), "--lang", "en", "model", "status"],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert proc.returncode in (0, 2), proc.stderr  # 2: no model installed in this fresh data dir
    assert "Traceback" not in proc.stderr
    assert list(data.glob("settings.json.bad*"))


def test_save_is_atomic_and_leaves_no_temp_files(tmp_path: Path) -> None:
    save_settings(tmp_path, Settings(language="zh"))
    save_settings(tmp_path, Settings(language="en"))
    assert load_settings(tmp_path).language == "en"
    assert [p.name for p in tmp_path.iterdir()] == ["settings.json"]


def test_the_app_is_told_once_where_the_file_went(tmp_path: Path) -> None:
    from app.settings import take_set_aside_notice

    settings_path(tmp_path).write_bytes(CUT_OFF_UTF8)
    load_settings(tmp_path)
    kept = take_set_aside_notice(tmp_path)
    assert kept is not None and kept.read_bytes() == CUT_OFF_UTF8
    assert take_set_aside_notice(tmp_path) is None
    load_settings(tmp_path)
    assert take_set_aside_notice(tmp_path) is None


def test_the_window_shows_it_once(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QMessageBox, QWidget

    from app.gui import _tell_about_set_aside_settings

    settings_path(tmp_path).write_bytes(CUT_OFF_UTF8)
    load_settings(tmp_path)
    window = QWidget()
    qtbot.addWidget(window)
    _tell_about_set_aside_settings(window, tmp_path)
    _tell_about_set_aside_settings(window, tmp_path)
    boxes = window.findChildren(QMessageBox)
    assert len(boxes) == 1 and "settings.json.bad" in boxes[0].text()
    boxes[0].close()
