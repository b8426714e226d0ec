"""The app's folder watcher (``PhoneWatchService``) reports from its own threads (the job worker that starts it, the
watcher thread); every signal it and the alert service send is emitted on the GUI thread (through app.inbox), never
on those threads: PySide can deadlock on a signal emitted from a plain Python thread. Real services and job runner,
real watcher on a real folder."""

from __future__ import annotations

import threading
from pathlib import Path

from app.operations import phone as ops
from app.phone.importer import PhoneEvent
from app.phone.watch import EventKind
from screening.types import Level
from tests.helpers.signals import EmitThreads


def test_a_folder_gone_and_back_is_reported_on_the_gui_thread(qtbot, services, tmp_path: Path) -> None:
    folder = tmp_path / "MIUI" / "sound_recorder" / "call_rec"  # not there yet: the phone's USB drive is unplugged
    ops.add_watched_folder(services.data_dir, folder, "妈妈")
    watch = services.phone_watch
    emits = EmitThreads(watch)  # heard where each signal is emitted (a direct connection)
    watch.start()  # started on a job worker, which reports the missing folder
    qtbot.waitUntil(lambda: [m.code.name for m in watch.status.values()] == ["FOLDER_GONE"], timeout=10_000)
    folder.mkdir(parents=True)  # plugged in: the watcher thread notices
    qtbot.waitUntil(lambda: not watch.status, timeout=10_000)

    kinds = [event.kind for (event,) in emits.of("_event")]
    assert kinds == [EventKind.FOLDER_GONE, EventKind.FOLDER_BACK]
    assert emits.of("statusChanged")
    assert emits.off_gui_thread() == []


def test_a_flagged_recording_alerts_on_the_gui_thread(qtbot, services, tmp_path: Path) -> None:
    folder = tmp_path / "call_rec"
    folder.mkdir()
    ops.add_watched_folder(services.data_dir, folder)
    watch = services.phone_watch
    watch.start()
    qtbot.waitUntil(lambda: watch.running and watch.folders != [], timeout=10_000)
    emits, alert_emits = EmitThreads(watch), EmitThreads(services.alerts)
    event = PhoneEvent("recording", "13812345678", "2026-12-01T09:30:00+00:00", Level.BLOCK, 0.9, "fraud", ())
    running = watch._watch
    assert running is not None and running.on_flagged is not None
    # What the watcher thread does with a WARN/BLOCK recording, from a thread of its own:
    worker = threading.Thread(target=running.on_flagged, args=(event,))
    worker.start()
    worker.join(5)
    qtbot.waitUntil(lambda: bool(emits.of("flagged")), timeout=5000)

    assert emits.of("flagged") == [(event,)]
    (alert,) = [args[0] for args in alert_emits.of("alertRaised")]
    assert alert.number == "13812345678" and alert.source == "recording"
    assert emits.off_gui_thread() == [] and alert_emits.off_gui_thread() == []
