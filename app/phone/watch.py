"""Watch recording folders: scan each new or changed audio file once it is complete, once per content.

* **Events.**  ``watchdog``'s native observer (inotify on Linux, FSEvents, ReadDirectoryChangesW) reports
  created / modified / moved / closed files; ``polling=True`` (network drives, or when the native observer
  cannot start, e.g. the inotify watch limit) uses its polling observer instead.
* **Complete files only.**  A file is handed over when its size and mtime have not changed for ``settle_s``
  (a sync in progress keeps changing them); a "closed after writing" event (inotify) shortens the wait.
  A 0-byte file is reported once and waits for content.
* **Once per content.**  Files are keyed by SHA-256: a file renamed, copied again or re-synced is not scanned
  twice (``seen`` lets the caller check its history too).
* **Failures.**  A scan that fails is retried after ``backoff_s`` (e.g. 5 s, 30 s, 2 min), at most
  ``max_attempts`` times, then reported as given up until the file's content changes.
* **Vanished folders.**  A folder that disappears (USB unplugged, share offline) is reported once, and re-armed
  when it comes back: its files are looked at again (the content hashes keep done files from a rescan).

All callbacks run on the watcher's own worker thread, never on the caller's (a GUI thread is never blocked).
Qt-free; events carry codes (``WatchProblem``), rendered later.
"""

from __future__ import annotations

import enum
import hashlib
import logging
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from screening.i18n import Message, MessageCode
from speech.batch import AUDIO_EXTENSIONS

log = logging.getLogger(__name__)

# what a folder scan and an import read (one list: .wma was missing here), but .mp4: a synced folder holds the phone's
# videos too, and each would be transcribed and kept as a call recording (a review)
DEFAULT_EXTENSIONS = AUDIO_EXTENSIONS - {".mp4"}
SETTLE_S = 1.0
CLOSED_SETTLE_S = 0.25
TICK_S = 0.1
FOLDER_CHECK_S = 1.0
BACKOFF_S: tuple[float, ...] = (5.0, 30.0, 120.0)


class WatchProblem(MessageCode):
    FOLDER_GONE = (
        "监视的文件夹 {path} 不见了（U 盘拔出或网络盘断开？）；它回来后会自动继续",
        "the watched folder {path} has gone (USB stick unplugged or network drive offline?); watching resumes "
        "when it is back",
    )
    FOLDER_BACK = ("文件夹 {path} 又可以访问了，继续监视", "the folder {path} is back; watching again")
    EMPTY = (
        "{path} 是空文件（0 字节），等它有内容后再检查",
        "{path} is empty (0 bytes); it will be checked once it has content",
    )
    RETRY = (
        "检查 {path} 失败（第 {attempt} 次）：{detail}；{delay} 秒后重试",
        "checking {path} failed (attempt {attempt}): {detail}; retrying in {delay} s",
    )
    GAVE_UP = (
        "检查 {path} 失败 {attempt} 次，已放弃（文件内容变化后会再试）：{detail}",
        "checking {path} failed {attempt} times; given up until the file changes: {detail}",
    )
    POLLING = (
        "无法使用系统的文件变化通知（{detail}），改为每 {interval} 秒检查一次",
        "system file notifications are unavailable ({detail}); checking every {interval} s instead",
    )


class EventKind(str, enum.Enum):
    SCANNED = "scanned"  # on_file returned
    SKIPPED = "skipped"  # content seen before
    RETRY = "retry"
    GAVE_UP = "gave_up"
    EMPTY = "empty"
    FOLDER_GONE = "folder_gone"
    FOLDER_BACK = "folder_back"
    POLLING = "polling"


@dataclass(frozen=True)
class WatchEvent:
    kind: EventKind
    path: str
    message: Message | None = None
    result: Any = None  # what on_file returned (SCANNED)
    content_hash: str = ""
    ready_at: float = 0.0  # monotonic time the file was judged complete (for latency measurements)


class ScanFailed(Exception):
    """Raised by ``on_file`` for a failure worth retrying; ``message`` says why (zh/en)."""

    def __init__(self, message: Message) -> None:
        self.message = message
        super().__init__(message.render("en"))


@dataclass
class _Pending:
    size: int = -1
    mtime_ns: int = -1
    stable_since: float = 0.0
    closed: bool = False
    attempts: int = 0
    not_before: float = 0.0
    reported_empty: bool = False


@dataclass
class _Folder:
    path: Path
    watch: Any = None
    present: bool = True


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


class FolderWatcher:
    """``FolderWatcher([folder], on_file).start()`` … ``.stop()``.

    ``on_file(path, sha256)`` scans one complete file and returns anything (passed on in the SCANNED event);
    raising :class:`ScanFailed` (or any exception) schedules a retry.  ``on_event(WatchEvent)`` hears about
    everything.  ``seen(sha256)`` returns True for content already scanned (e.g. in the history).
    """

    def __init__(
        self,
        folders: Sequence[str | Path],
        on_file: Callable[[Path, str], Any],
        on_event: Callable[[WatchEvent], None] | None = None,
        *,
        seen: Callable[[str], bool] | None = None,
        extensions: Iterable[str] = DEFAULT_EXTENSIONS,
        polling: bool = False,
        poll_interval_s: float = 2.0,
        settle_s: float = SETTLE_S,
        backoff_s: Sequence[float] = BACKOFF_S,
        max_attempts: int = 3,
        clock: Callable[[], float] = time.monotonic,
        on_start: Callable[[], None] | None = None,
    ) -> None:
        self.folders = [_Folder(Path(f)) for f in folders]
        self.on_start = on_start  # runs first on the worker thread (load models, open the DB) before any file
        self.on_file = on_file
        self.on_event = on_event
        self.seen = seen
        self.extensions = frozenset(e.lower() for e in extensions)
        self.polling = polling
        self.poll_interval_s = poll_interval_s
        self.settle_s = settle_s
        self.backoff_s = tuple(backoff_s)
        self.max_attempts = max_attempts
        self.clock = clock
        self._pending: dict[Path, _Pending] = {}
        self._done: set[str] = set()
        self._gave_up: set[str] = set()
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._observer: Any = None
        self._last_folder_check = 0.0
        self.events: list[WatchEvent] = []  # the last 200, for a status page

    # ---------------------------------------------------------------------------------- lifecycle
    def start(self) -> FolderWatcher:
        self._observer = self._make_observer()
        for folder in self.folders:
            folder.present = folder.path.is_dir()
            if folder.present:
                self._arm(folder)
            else:
                self._emit(
                    WatchEvent(
                        EventKind.FOLDER_GONE,
                        str(folder.path),
                        Message(WatchProblem.FOLDER_GONE, {"path": str(folder.path)}),
                    )
                )
        try:
            self._observer.start()
        except OSError as exc:  # e.g. inotify instance limit: fall back to polling
            self._fall_back_to_polling(exc)
        self._thread = threading.Thread(target=self._run, name="phone-folder-watch", daemon=True)
        self._thread.start()
        return self

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._observer is not None:
            try:
                self._observer.stop()
                self._observer.join(timeout)
            except RuntimeError:
                pass
        if self._thread is not None:
            self._thread.join(timeout)

    def __enter__(self) -> FolderWatcher:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def _make_observer(self) -> Any:
        if self.polling:
            from watchdog.observers.polling import PollingObserver

            return PollingObserver(timeout=self.poll_interval_s)
        from watchdog.observers import Observer

        return Observer()

    def _fall_back_to_polling(self, exc: BaseException) -> None:
        log.warning("native file notifications unavailable (%s); polling", exc)
        self.polling = True
        self._observer = self._make_observer()
        for folder in self.folders:
            folder.watch = None
            if folder.present:
                self._arm(folder, initial_scan=False)
        self._observer.start()
        self._emit(
            WatchEvent(
                EventKind.POLLING,
                "",
                Message(WatchProblem.POLLING, {"detail": str(exc), "interval": self.poll_interval_s}),
            )
        )

    def _arm(self, folder: _Folder, initial_scan: bool = True) -> None:
        handler = _Handler(self)
        try:
            folder.watch = self._observer.schedule(handler, str(folder.path), recursive=True)
        except OSError as exc:
            if not self.polling:
                self._fall_back_to_polling(exc)
                return
            raise
        if initial_scan:
            for f in folder.path.rglob("*"):
                if f.is_file():
                    self.touch(f)

    # ---------------------------------------------------------------------------------- events in
    def touch(self, path: Path, closed: bool = False) -> None:
        if path.suffix.lower() not in self.extensions or path.name.startswith("."):
            return
        with self._lock:
            p = self._pending.get(path)
            if p is None:
                p = self._pending[path] = _Pending(stable_since=self.clock())
            if closed:
                p.closed = True
        self._wake.set()

    def forget(self, path: Path) -> None:
        with self._lock:
            self._pending.pop(path, None)

    # ---------------------------------------------------------------------------------- worker
    def _run(self) -> None:
        if self.on_start is not None:
            try:
                self.on_start()
            except Exception:
                log.exception("folder watcher start-up hook failed")
        while not self._stop.is_set():
            self._wake.wait(TICK_S)
            self._wake.clear()
            try:
                now = self.clock()
                if now - self._last_folder_check >= FOLDER_CHECK_S:
                    self._last_folder_check = now
                    self._check_folders()
                for path in self._ready(now):
                    if self._stop.is_set():
                        break
                    self._handle(path)
            except Exception:  # the watcher must outlive any one bad file
                log.exception("folder watcher tick failed")

    def _check_folders(self) -> None:
        for folder in self.folders:
            present = folder.path.is_dir()
            if present == folder.present:
                continue
            folder.present = present
            if not present:
                if folder.watch is not None:
                    try:
                        self._observer.unschedule(folder.watch)
                    except (KeyError, OSError, RuntimeError):
                        pass
                    folder.watch = None
                with self._lock:
                    for p in [p for p in self._pending if folder.path in p.parents]:
                        del self._pending[p]
                self._emit(
                    WatchEvent(
                        EventKind.FOLDER_GONE,
                        str(folder.path),
                        Message(WatchProblem.FOLDER_GONE, {"path": str(folder.path)}),
                    )
                )
            else:
                self._emit(
                    WatchEvent(
                        EventKind.FOLDER_BACK,
                        str(folder.path),
                        Message(WatchProblem.FOLDER_BACK, {"path": str(folder.path)}),
                    )
                )
                self._arm(folder)

    def _ready(self, now: float) -> list[Path]:
        ready: list[Path] = []
        with self._lock:
            items = list(self._pending.items())
        for path, p in items:
            if now < p.not_before:
                continue
            try:
                st = path.stat()
            except OSError:
                self.forget(path)
                continue
            if (st.st_size, st.st_mtime_ns) != (p.size, p.mtime_ns):
                p.size, p.mtime_ns, p.stable_since = st.st_size, st.st_mtime_ns, now
                if not p.closed:
                    continue
            if st.st_size == 0:
                if not p.reported_empty and now - p.stable_since >= self.settle_s:
                    p.reported_empty = True
                    self._emit(WatchEvent(EventKind.EMPTY, str(path), Message(WatchProblem.EMPTY, {"path": str(path)})))
                continue
            wait = CLOSED_SETTLE_S if p.closed else self.settle_s
            if now - p.stable_since >= wait:
                ready.append(path)
        return ready

    def _handle(self, path: Path) -> None:
        ready_at = self.clock()
        with self._lock:
            p = self._pending.get(path)
        if p is None:
            return
        try:
            digest = sha256_file(path)
        except OSError:
            self.forget(path)
            return
        if digest in self._done or digest in self._gave_up or (self.seen is not None and self.seen(digest)):
            self._done.add(digest)
            self.forget(path)
            self._emit(WatchEvent(EventKind.SKIPPED, str(path), content_hash=digest, ready_at=ready_at))
            return
        try:
            result = self.on_file(path, digest)
        except Exception as exc:
            message = exc.message if isinstance(exc, ScanFailed) else None
            detail = message.render("zh") if message else type(exc).__name__
            if not isinstance(exc, ScanFailed):
                log.exception("scanning %s failed", path.name)
            p.attempts += 1
            if p.attempts >= self.max_attempts:
                self._gave_up.add(digest)
                self.forget(path)
                msg = Message(WatchProblem.GAVE_UP, {"path": str(path), "attempt": p.attempts, "detail": detail})
                self._emit(WatchEvent(EventKind.GAVE_UP, str(path), msg, content_hash=digest, ready_at=ready_at))
            else:
                delay = self.backoff_s[min(p.attempts - 1, len(self.backoff_s) - 1)] if self.backoff_s else 0.0
                p.not_before = self.clock() + delay
                msg = Message(
                    WatchProblem.RETRY, {"path": str(path), "attempt": p.attempts, "detail": detail, "delay": delay}
                )
                self._emit(WatchEvent(EventKind.RETRY, str(path), msg, content_hash=digest, ready_at=ready_at))
            return
        self._done.add(digest)
        self.forget(path)
        self._emit(WatchEvent(EventKind.SCANNED, str(path), result=result, content_hash=digest, ready_at=ready_at))

    def _emit(self, event: WatchEvent) -> None:
        self.events.append(event)
        del self.events[:-200]
        if self.on_event is not None:
            try:
                self.on_event(event)
            except Exception:
                log.exception("watch event handler failed")


def _handler_base() -> type:
    from watchdog.events import FileSystemEventHandler

    return FileSystemEventHandler


class _Handler(_handler_base()):  # type: ignore[misc]
    """Turns watchdog events (observer thread) into ``touch``/``forget`` calls."""

    def __init__(self, watcher: FolderWatcher) -> None:
        super().__init__()
        self.watcher = watcher

    def on_created(self, event: Any) -> None:
        if not event.is_directory:
            self.watcher.touch(Path(event.src_path))

    def on_modified(self, event: Any) -> None:
        if not event.is_directory:
            self.watcher.touch(Path(event.src_path))

    def on_closed(self, event: Any) -> None:
        if not event.is_directory:
            self.watcher.touch(Path(event.src_path), closed=True)

    def on_moved(self, event: Any) -> None:
        if event.is_directory:
            for f in Path(event.dest_path).rglob("*"):
                if f.is_file():
                    self.watcher.touch(f)
            return
        self.watcher.forget(Path(event.src_path))
        self.watcher.touch(Path(event.dest_path))

    def on_deleted(self, event: Any) -> None:
        if not event.is_directory:
            self.watcher.forget(Path(event.src_path))
