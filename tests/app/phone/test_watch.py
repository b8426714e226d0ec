"""The folder watcher on a real folder: files appearing, growing, renamed, removed; a folder that vanishes."""

from __future__ import annotations

import shutil
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from app.phone.watch import EventKind, FolderWatcher, ScanFailed, WatchEvent, WatchProblem
from screening.i18n import Message


class Recorder:
    def __init__(self, fail_times: int = 0) -> None:
        self.scanned: list[tuple[str, str]] = []
        self.events: list[WatchEvent] = []
        self.fail_times = fail_times
        self.calls = 0
        self.cond = threading.Condition()

    def on_file(self, path: Path, digest: str) -> str:
        self.calls += 1
        if self.calls <= self.fail_times:
            raise ScanFailed(Message(WatchProblem.EMPTY, {"path": str(path)}))
        data = path.read_bytes()
        self.scanned.append((path.name, digest))
        return f"{len(data)} bytes"

    def on_event(self, event: WatchEvent) -> None:
        with self.cond:
            self.events.append(event)
            self.cond.notify_all()

    def wait_for(self, pred: Callable[[list[WatchEvent]], bool], timeout: float = 10.0) -> list[WatchEvent]:
        deadline = time.monotonic() + timeout
        with self.cond:
            while not pred(self.events):
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"timed out; events so far: {[(e.kind.value, e.path) for e in self.events]}")
                self.cond.wait(left)
        return self.events

    def kinds(self, kind: EventKind) -> list[WatchEvent]:
        return [e for e in self.events if e.kind is kind]


@pytest.fixture(params=["native", "polling"])
def mode(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    d = tmp_path / "MIUI" / "sound_recorder" / "call_rec"
    d.mkdir(parents=True)
    return d


def _watch(folder: Path, rec: Recorder, mode: str, **kw: object) -> FolderWatcher:
    return FolderWatcher(
        [folder],
        rec.on_file,
        rec.on_event,
        polling=mode == "polling",
        poll_interval_s=0.2,
        settle_s=0.6,
        **kw,  # type: ignore[arg-type]
    )


def test_new_file_is_scanned_once_complete_and_only_once(folder: Path, mode: str) -> None:
    rec = Recorder()
    with _watch(folder, rec, mode):
        target = folder / "通话录音@妈妈(13912345678)_20261130090000.mp3"
        with open(target, "wb") as fh:  # a sync in progress: the file grows for ~1.5 s
            for _ in range(6):
                fh.write(b"x" * 4096)
                fh.flush()
                time.sleep(0.25)
        rec.wait_for(lambda ev: any(e.kind is EventKind.SCANNED for e in ev))
        assert rec.scanned and rec.scanned[0][0] == target.name
        assert rec.kinds(EventKind.SCANNED)[0].result == f"{6 * 4096} bytes"  # the whole file, not a part
        # renamed → the same content: skipped, not scanned again
        target.rename(folder / "renamed.mp3")
        rec.wait_for(lambda ev: any(e.kind is EventKind.SKIPPED for e in ev))
        # a copy of the same content elsewhere in the tree: skipped too
        (folder / "sub").mkdir()
        shutil.copy(folder / "renamed.mp3", folder / "sub" / "copy.mp3")
        rec.wait_for(lambda ev: len([e for e in ev if e.kind is EventKind.SKIPPED]) >= 2)
        # other file types are ignored; removed files are forgotten
        (folder / "notes.txt").write_text("hello")
        gone = folder / "deleted.m4a"
        gone.write_bytes(b"y" * 100)
        gone.unlink()
        time.sleep(1.2)
    assert len(rec.scanned) == 1
    assert not any(e.path.endswith(("notes.txt", "deleted.m4a")) for e in rec.events)


def test_temp_file_renamed_into_place_is_scanned(folder: Path, mode: str) -> None:
    rec = Recorder()
    with _watch(folder, rec, mode):
        tmp = folder / ".syncthing.rec.mp3.tmp"
        tmp.write_bytes(b"z" * 5000)
        time.sleep(0.3)
        tmp.rename(folder / "13800138000_20261130101500.mp3")
        rec.wait_for(lambda ev: any(e.kind is EventKind.SCANNED for e in ev))
    assert [n for n, _ in rec.scanned] == ["13800138000_20261130101500.mp3"]


def test_zero_byte_file_is_reported_then_scanned_when_it_gets_content(folder: Path) -> None:
    rec = Recorder()
    with _watch(folder, rec, "native"):
        f = folder / "empty.m4a"
        f.write_bytes(b"")
        events = rec.wait_for(lambda ev: any(e.kind is EventKind.EMPTY for e in ev))
        assert "0 字节" in events[-1].message.render("zh")  # type: ignore[union-attr]
        assert rec.scanned == []
        f.write_bytes(b"a" * 2048)
        rec.wait_for(lambda ev: any(e.kind is EventKind.SCANNED for e in ev))
    assert [n for n, _ in rec.scanned] == ["empty.m4a"]


def test_failures_are_retried_with_backoff_then_given_up(folder: Path) -> None:
    rec = Recorder(fail_times=99)
    with FolderWatcher([folder], rec.on_file, rec.on_event, settle_s=0.3, backoff_s=(0.2, 0.4), max_attempts=3):
        (folder / "bad.mp3").write_bytes(b"q" * 100)
        rec.wait_for(lambda ev: any(e.kind is EventKind.GAVE_UP for e in ev))
        time.sleep(1.0)  # no fourth try
    assert rec.calls == 3
    retries = rec.kinds(EventKind.RETRY)
    assert [e.message.params["delay"] for e in retries] == [0.2, 0.4]  # type: ignore[union-attr]
    gave_up = rec.kinds(EventKind.GAVE_UP)[0].message
    assert gave_up is not None and "放弃" in gave_up.render("zh") and "given up" in gave_up.render("en")


def test_failure_then_success(folder: Path) -> None:
    rec = Recorder(fail_times=1)
    with FolderWatcher([folder], rec.on_file, rec.on_event, settle_s=0.3, backoff_s=(0.2,)):
        (folder / "flaky.mp3").write_bytes(b"f" * 100)
        rec.wait_for(lambda ev: any(e.kind is EventKind.SCANNED for e in ev))
    assert len(rec.kinds(EventKind.RETRY)) == 1 and len(rec.scanned) == 1


def test_folder_that_disappears_is_reported_and_rearmed(tmp_path: Path, mode: str) -> None:
    usb = tmp_path / "usb" / "Sounds" / "CallRecord"
    usb.mkdir(parents=True)
    (usb / "妈妈_13912345678_20261130090000.m4a").write_bytes(b"1" * 300)
    rec = Recorder()
    with _watch(usb, rec, mode):
        rec.wait_for(lambda ev: any(e.kind is EventKind.SCANNED for e in ev))  # existing file on start
        shutil.rmtree(tmp_path / "usb")  # unplugged
        events = rec.wait_for(lambda ev: any(e.kind is EventKind.FOLDER_GONE for e in ev))
        gone = next(e for e in events if e.kind is EventKind.FOLDER_GONE).message
        assert gone is not None and "不见了" in gone.render("zh") and "has gone" in gone.render("en")
        usb.mkdir(parents=True)  # plugged in again, with the old file and a new one
        (usb / "妈妈_13912345678_20261130090000.m4a").write_bytes(b"1" * 300)
        (usb / "95275012_20261201110000.m4a").write_bytes(b"2" * 300)
        rec.wait_for(lambda ev: any(e.kind is EventKind.FOLDER_BACK for e in ev))
        rec.wait_for(lambda ev: len([e for e in ev if e.kind is EventKind.SCANNED]) >= 2)
        rec.wait_for(lambda ev: any(e.kind is EventKind.SKIPPED for e in ev))
    assert [n for n, _ in rec.scanned] == ["妈妈_13912345678_20261130090000.m4a", "95275012_20261201110000.m4a"]


def test_folder_missing_at_start_is_reported_and_picked_up_later(tmp_path: Path) -> None:
    later = tmp_path / "later"
    rec = Recorder()
    with FolderWatcher([later], rec.on_file, rec.on_event, settle_s=0.3):
        rec.wait_for(lambda ev: any(e.kind is EventKind.FOLDER_GONE for e in ev))
        later.mkdir()
        (later / "a.wav").write_bytes(b"w" * 64)
        rec.wait_for(lambda ev: any(e.kind is EventKind.SCANNED for e in ev))


def test_seen_callback_skips_content_in_history(folder: Path) -> None:
    rec = Recorder()
    (folder / "old.mp3").write_bytes(b"old")
    import hashlib

    known = {hashlib.sha256(b"old").hexdigest()}
    with FolderWatcher([folder], rec.on_file, rec.on_event, seen=known.__contains__, settle_s=0.3):
        rec.wait_for(lambda ev: any(e.kind is EventKind.SKIPPED for e in ev))
    assert rec.scanned == []


@pytest.fixture(autouse=True)
def _no_thread_leak() -> Iterator[None]:
    before = {t.name for t in threading.enumerate()}
    yield
    time.sleep(0.05)
    leaked = [
        t for t in threading.enumerate() if t.name == "phone-folder-watch" and t.name not in before and t.is_alive()
    ]
    assert not leaked
