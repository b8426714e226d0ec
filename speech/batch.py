"""Batch scan of call recordings: transcribe each file, assess it, return the results.

Files are spread over worker *processes* (Vosk decoding is CPU-bound; one process per core).
Each worker loads the model once in its initializer.  The calling thread hashes files, skips the
ones the caller already knows (``known``), collects results as they finish, hands each finished one to the
caller's ``on_result`` (the app stores it in the history: ``app.operations.recordings``) and reports progress
through a callback. The core never opens the database.  Setting ``cancel``
stops queued files at once and running ones at their next audio chunk.  A bad file yields a
``failed`` result with a translated message; it never stops the batch.
"""

from __future__ import annotations

import concurrent.futures as cf
import dataclasses
import hashlib
import logging
import multiprocessing
import os
import stat
import sys
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from screening.i18n import Message
from screening.language import heard_nothing
from screening.processes import pid_alive
from screening.types import Level
from speech.errors import SpeechError, SpeechProblem
from speech.language import not_chinese_warning

log = logging.getLogger(__name__)

AUDIO_EXTENSIONS = frozenset({".wav", ".mp3", ".m4a", ".aac", ".amr", ".3gp", ".ogg", ".opus", ".flac", ".wma", ".mp4"})

DONE = "done"
SKIPPED = "skipped"
FAILED = "failed"
CANCELLED = "cancelled"


@dataclass(frozen=True)
class FileResult:
    """One recording's outcome. Plain data only, so it crosses process boundaries."""

    path: str
    content_hash: str
    status: str  # done | skipped | failed | cancelled
    duration_s: float = 0.0
    transcript: str = ""
    level: Level | None = None
    score: float | None = None
    category: str | None = None
    hits: tuple[dict[str, Any], ...] = ()
    entities: tuple[dict[str, Any], ...] = ()
    reasons: tuple[dict[str, Any], ...] = ()
    error: Message | None = None  # failed, or done with a warning (truncated file: transcribed what was there)
    history_id: int | None = None
    seconds: float = 0.0  # processing time


@dataclass(frozen=True)
class BatchProgress:
    done: int
    total: int
    result: FileResult


@dataclass(frozen=True)
class BatchSummary:
    results: tuple[FileResult, ...]
    cancelled: bool
    elapsed_s: float
    workers: int

    def count(self, status: str) -> int:
        return sum(1 for r in self.results if r.status == status)


def content_hash(path: str | Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def collect_files(items: str | Path | Iterable[str | Path]) -> list[Path]:
    """A folder (recursively, audio extensions only) or an explicit list (taken as given)."""
    if isinstance(items, (str, Path)) and Path(items).is_dir():
        root = Path(items)
        return sorted(p for p in root.rglob("*") if p.is_file() and p.suffix.lower() in AUDIO_EXTENSIONS)
    if isinstance(items, (str, Path)):
        return [Path(items)]
    return [Path(p) for p in items]


def _plain(obj: Any) -> dict[str, Any]:
    from screening.transcript.explain import hit_to_dict

    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return hit_to_dict(obj)  # any dataclass: asdict, then enums/levels made JSON-able
    return {"value": str(obj)}


# ---------------------------------------------------------------------------------------------
# Worker side (runs in the pool's processes)
# ---------------------------------------------------------------------------------------------

_W: dict[str, Any] = {}


def _exit_with_parent(parent_pid: int, interval: float = 1.0) -> None:
    """End this worker when the process that started it dies (``kill -9`` of a scan must not leave workers of
    ~700 MB each idling for ever).  Linux: the kernel sends SIGKILL at once (``PR_SET_PDEATHSIG``); everywhere:
    a daemon thread checks once a second whether we were re-parented or the parent is gone."""
    if sys.platform.startswith("linux"):
        try:
            import ctypes
            import signal

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, int(signal.SIGKILL), 0, 0, 0)  # 1 = PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent_pid:  # the parent died before we got here
        os._exit(1)

    def watch() -> None:
        while True:
            time.sleep(interval)
            if os.getppid() != parent_pid or not pid_alive(parent_pid):
                os._exit(1)

    threading.Thread(target=watch, name="callshield-parent-watch", daemon=True).start()


def _worker_init(
    model_path: str,
    grammar: tuple[str, ...] | None,
    packs: tuple[str, ...] | None,
    cancel: Any,
    parent_pid: int | None = None,
) -> None:
    from speech.recognizer import build_grammar, load_model

    if parent_pid is not None:
        _exit_with_parent(parent_pid)
    _W.clear()
    _W["cancel"] = cancel
    try:
        model = load_model(model_path)
        _W["model"] = model
        _W["grammar"] = build_grammar(model, grammar) if grammar else None
    except SpeechError as exc:
        _W["error"] = exc.message
        return
    try:
        from screening.transcript import ScriptDetector

        _W["detector"] = ScriptDetector.load(*packs) if packs else ScriptDetector.default()
    except ImportError:  # pragma: no cover - the detector ships with the app
        _W["detector"] = None


def _worker_scan(path: str, digest: str) -> FileResult:
    from speech.audio import FileSource
    from speech.pipeline import run_sync

    t0 = time.perf_counter()
    if "error" in _W:
        return FileResult(path=path, content_hash=digest, status=FAILED, error=_W["error"])
    detector = _W.get("detector")
    session = detector.session() if detector is not None else None
    recognizer = _W["model"].recognizer(grammar=_W["grammar"])
    result = run_sync(
        FileSource(path, chunk_s=0.5), recognizer, sink=session, cancel=_W["cancel"], keep_updates=False, partials=False
    )
    seconds = time.perf_counter() - t0
    warning: Message | None = None
    if result.error is not None:
        fatal = result.error.code is not SpeechProblem.TRUNCATED or not result.segments
        if fatal:
            return FileResult(
                path=path,
                content_hash=digest,
                status=FAILED,
                duration_s=result.audio_s,
                transcript=result.text,
                error=result.error.message,
                seconds=seconds,
            )
        warning = result.error.message
    if result.stopped:
        return FileResult(path=path, content_hash=digest, status=CANCELLED, duration_s=result.audio_s, seconds=seconds)
    # a model of another language: its verdict means nothing (a cut-off file says that first; its stored row and its
    # page say this too: ``app.operations.recordings.store_result``, ``app.display.heard_no_chinese``)
    warning = warning or not_chinese_warning(path, result.text)
    level = score = category = None
    hits: tuple[dict[str, Any], ...] = ()
    entities: tuple[dict[str, Any], ...] = ()
    reasons: tuple[dict[str, Any], ...] = ()
    if session is not None:
        a = session.assessment
        level, score, category = a.level, float(a.score), a.category
        hits = tuple(_plain(h) for h in a.hits)
        entities = tuple(_plain(e) for e in a.entities)
        # heard in another script with nothing found: 「没有发现诈骗话术」 would read as a verdict; the warning is all
        # there is to say (a trial read that bullet first on a recording that could not be checked)
        if not heard_nothing(result.text, hits):
            reasons = tuple(_plain(r) for r in a.reasons)
    log.debug("scanned %s: %s", Path(path).name, result.text)
    return FileResult(
        path=path,
        content_hash=digest,
        status=DONE,
        duration_s=result.audio_s,
        transcript=result.text,
        level=level,
        score=score,
        category=category,
        hits=hits,
        entities=entities,
        reasons=reasons,
        error=warning,
        seconds=seconds,
    )


# ---------------------------------------------------------------------------------------------
# Driver (runs on the caller's thread, e.g. a UI job worker or the CLI)
# ---------------------------------------------------------------------------------------------


def scan_recordings(
    items: str | Path | Iterable[str | Path],
    model_path: str | Path,
    *,
    known: Callable[[str], bool] | None = None,
    on_result: Callable[[FileResult], FileResult] | None = None,
    workers: int = 2,
    progress: Callable[[BatchProgress], None] | None = None,
    cancel: threading.Event | None = None,
    rescan: bool = False,
    grammar: Sequence[str] | None = None,
    detector_packs: Sequence[str | Path] | None = None,
) -> BatchSummary:
    """Scan recordings in ``workers`` processes and return every file's result.

    ``known(content_hash)`` says whether a file was scanned before (skipped unless ``rescan``); ``on_result`` gets
    each finished (DONE) result on this thread and returns it, e.g. with the ``history_id`` it was stored under;
    ``progress`` is called on this thread after every file (skipped, failed or done).
    """
    from speech.audio import probe
    from speech.models import validate_model_dir

    t0 = time.perf_counter()
    model_dir = validate_model_dir(Path(model_path)).path  # fail before forking anything
    cancel = cancel or threading.Event()
    files = collect_files(items)
    total = len(files)
    results: list[FileResult] = []

    def report(result: FileResult) -> None:
        if on_result is not None and result.status == DONE:
            try:
                result = on_result(result)
            except Exception:
                log.exception("could not store a scan result")
        results.append(result)
        if progress is not None:
            progress(BatchProgress(done=len(results), total=total, result=result))

    todo: list[tuple[str, str]] = []
    seen: set[str] = set()
    for audio_path in files:
        try:
            regular = stat.S_ISREG(os.stat(audio_path).st_mode)
        except OSError:
            regular = True  # missing: reported as such just below
        if not regular:  # a FIFO blocks for ever, /dev/zero never ends: only regular files are read
            report(
                FileResult(
                    path=str(audio_path),
                    content_hash="",
                    status=FAILED,
                    error=Message(SpeechProblem.NOT_A_REGULAR_FILE, {"path": str(audio_path)}),
                )
            )
            continue
        try:
            digest = content_hash(audio_path)
        except OSError:
            report(
                FileResult(
                    path=str(audio_path),
                    content_hash="",
                    status=FAILED,
                    error=Message(SpeechProblem.FILE_MISSING, {"path": str(audio_path)}),
                )
            )
            continue
        if digest in seen or (not rescan and known is not None and known(digest)):
            report(FileResult(path=str(audio_path), content_hash=digest, status=SKIPPED))
            continue
        seen.add(digest)
        try:
            probe(audio_path)  # empty, not audio, unsupported codec: known in milliseconds, no worker needed
        except SpeechError as exc:
            report(FileResult(path=str(audio_path), content_hash=digest, status=FAILED, error=exc.message))
            continue
        todo.append((str(audio_path), digest))

    workers = max(1, min(workers, len(todo) or 1))
    ctx = multiprocessing.get_context("spawn")  # same behaviour on Windows/macOS/Linux; no fork with threads
    mp_cancel = ctx.Event()
    init_args = (
        str(model_dir),
        tuple(grammar) if grammar else None,
        tuple(str(p) for p in detector_packs) if detector_packs else None,
        mp_cancel,
        os.getpid(),
    )
    remaining = list(todo)
    while remaining and not cancel.is_set():
        retry: list[tuple[str, str]] = []
        with cf.ProcessPoolExecutor(
            max_workers=workers, mp_context=ctx, initializer=_worker_init, initargs=init_args
        ) as pool:
            futures = {pool.submit(_worker_scan, p, d): (p, d) for p, d in remaining}
            pending = set(futures)
            broken = False
            while pending:
                done, pending = cf.wait(pending, timeout=0.2, return_when=cf.FIRST_COMPLETED)
                if cancel.is_set() and not mp_cancel.is_set():
                    mp_cancel.set()
                    for f in pending:
                        f.cancel()
                for f in done:
                    path, digest = futures[f]
                    if f.cancelled():
                        report(FileResult(path=path, content_hash=digest, status=CANCELLED))
                        continue
                    try:
                        report(f.result())
                    except BrokenProcessPool:
                        # A worker died (native crash). Blame the files that were running, retry the rest.
                        broken = True
                        retry.append((path, digest))
                    except Exception as exc:
                        log.exception("scan of one file failed")
                        report(
                            FileResult(
                                path=path,
                                content_hash=digest,
                                status=FAILED,
                                error=Message(SpeechProblem.INTERNAL, {"detail": type(exc).__name__}),
                            )
                        )
        order = {item: i for i, item in enumerate(remaining)}
        retry.sort(key=order.__getitem__)
        if broken and len(retry) == len(remaining):
            # Nothing finished in this round. Go one at a time; alone, the first file is the culprit.
            if workers == 1:
                path, digest = retry.pop(0)
                report(
                    FileResult(
                        path=path,
                        content_hash=digest,
                        status=FAILED,
                        error=Message(SpeechProblem.INTERNAL, {"detail": "decoder process crashed"}),
                    )
                )
            workers = 1
        remaining = retry
    for path, digest in remaining:  # cancelled before a retry round
        report(FileResult(path=path, content_hash=digest, status=CANCELLED))
    return BatchSummary(
        results=tuple(results), cancelled=cancel.is_set(), elapsed_s=time.perf_counter() - t0, workers=workers
    )


def default_workers() -> int:
    return max(1, min(4, (os.cpu_count() or 2)))
