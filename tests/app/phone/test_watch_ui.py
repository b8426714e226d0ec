"""Watched recording folders in the desktop app: the Settings section saves a real folder, the app's watcher
(``PhoneWatchService``) picks up a recording synced into it, the normal alert fires and the family e-mail reaches a
local aiosmtpd; the family report page shows the flagged recording; an unplugged folder gets a plain status line.
Real Qt widgets offscreen, real SQLite file, real watchdog on a real folder; the content comes from a scripted
recogniser fed by the real audio pipeline (``ScriptedTranscriber``)."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QDate

from app.alerts.service import AlertService
from app.phone_watch import PhoneWatchService
from app.settings import Settings
from app.ui.page_family import PERIOD_CUSTOM, FamilyReportPage
from app.ui.settings.folders import COL_PROFILE, COL_STATUS, WatchedFoldersSection
from screening.types import Level
from tests.app.conftest import Inbox, local_smtp
from tests.app.phone.audio_util import encode, shared_clip
from tests.app.phone.chromium import keep
from tests.app.phone.test_watch_alerts import BENIGN, FRAUD, _text
from tests.app.phone.transcribers import ScriptedTranscriber
from tests.helpers.services import page_services

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


@pytest.fixture
def app_services(qapp, ui_lang, data_dir: Path, smtp_server: tuple[Inbox, int]):  # type: ignore[no-untyped-def]
    _, port = smtp_server
    settings = Settings(language="zh", first_run_done=True, alert_sound=False, tray_notifications=False,
                        smtp=local_smtp(port))  # fmt: skip
    svc = page_services(data_dir, settings)
    svc.alerts = AlertService(svc)
    svc.alerts.muted = False
    svc.phone_watch = PhoneWatchService(svc, transcriber=ScriptedTranscriber(_text), settle_s=0.3)
    yield svc
    svc.close()
    assert not [t for t in threading.enumerate() if t.name == "phone-folder-watch" and t.is_alive()]


def test_recording_in_a_watched_folder_alerts_emails_and_shows_in_the_report(
    qtbot, app_services, smtp_server, tmp_path: Path
) -> None:
    inbox, _ = smtp_server
    folder = tmp_path / "sync" / "MIUI" / "sound_recorder" / "call_rec"
    folder.mkdir(parents=True)
    section = WatchedFoldersSection(app_services)
    qtbot.addWidget(section)
    section.load(app_services.settings.value)
    section.retranslate()
    assert section.table.rowCount() == 0
    section.profile.setEditText("妈妈")
    section.add_folder(str(folder))
    assert app_services.phone_watch.running
    assert section.table.rowCount() == 1 and section.table.item(0, COL_PROFILE).text() == "妈妈"
    assert section.table.item(0, COL_STATUS).text() == "✓ 正在监视"

    page = FamilyReportPage(app_services)
    qtbot.addWidget(page)
    page.show()  # a hidden page only marks itself stale; this one is on screen and follows the watcher
    page.period_combo.setCurrentIndex(page.period_combo.findData(PERIOD_CUSTOM))
    page.since_edit.setDate(QDate(2026, 11, 1))
    page.until_edit.setDate(QDate(2026, 12, 31))
    assert page.current_profile() == "妈妈" and page.report is not None and page.report.recordings_scanned == 0

    raised: list = []
    app_services.alerts.alertRaised.connect(raised.append)
    staging = tmp_path / "staging"
    encode(shared_clip(BENIGN), staging / "通话录音@儿子(13912345678)_20261201083000.mp3")
    encode(shared_clip(FRAUD), staging / "通话录音@13812345678(13812345678)_20261201093000.mp3")
    for f in sorted(staging.iterdir()):
        f.rename(folder / f.name)  # as a sync tool does: complete files renamed into place
    qtbot.waitUntil(lambda: bool(raised) and len(inbox.messages) >= 1, timeout=30_000)
    qtbot.waitUntil(lambda: page.report is not None and page.report.recordings_scanned == 2, timeout=20_000)
    alert = raised[0]
    assert alert.source == "recording" and alert.number == "13812345678" and alert.level >= Level.WARN
    assert "诈骗类型：" in "\n".join(alert.reason_texts("zh"))
    assert app_services.alerts.history == raised  # the normal alert path (banner, tray, sound) saw it
    body = inbox.messages[0].get_content()
    assert "号码：13812345678" in body and "时间：2026-12-01 " in body and "证据：〖" in body
    assert len(raised) == 1  # the benign call raises nothing
    rep = page.report
    assert rep.recordings_flagged == 1 and rep.items and rep.items[0].kind == "recording"
    cards = "\n".join(page.items_box.itemAt(i).widget().text() for i in range(page.items_box.count()))
    assert "13812345678" in cards and "通话录音" in cards and "证据：" in cards

    # USB unplugged: the folder goes away and the section says so in words
    folder.rename(tmp_path / "unplugged")
    qtbot.waitUntil(lambda: "不见了" in section.status.text(), timeout=20_000)
    assert section.table.item(0, COL_STATUS).text() == "⚠ 找不到（U 盘拔出或网络盘断开？）"
    png = tmp_path / "settings_watched_folder_gone.png"
    section.resize(900, 360)
    section.grab().save(str(png))
    keep(png)
    (tmp_path / "unplugged").rename(folder)
    qtbot.waitUntil(lambda: "不见了" not in section.status.text(), timeout=20_000)


def test_remove_folder_stops_watching(qtbot, app_services, tmp_path: Path) -> None:
    folder = tmp_path / "Sounds" / "CallRecord"
    folder.mkdir(parents=True)
    section = WatchedFoldersSection(app_services)
    qtbot.addWidget(section)
    section.load(app_services.settings.value)
    section.add_folder(str(folder), "爸爸", polling=True)
    assert app_services.phone_watch.running and section.table.rowCount() == 1
    assert section.table.item(0, 2).text().startswith("✓")  # polling, in words
    section.table.selectRow(0)
    assert section.profile.currentText() == "爸爸" and section.polling.isChecked()
    section.remove_selected()
    assert section.table.rowCount() == 0 and not app_services.phone_watch.running
    missing = tmp_path / "not-there"
    section.add_folder(str(missing), "爸爸")
    assert "找不到文件夹" in section.status.text() and section.table.item(0, COL_STATUS).text().startswith("⚠")
