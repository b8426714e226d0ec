"""Recording scans, worker side: find the files, pick the model, scan them, store each result in the history.

``speech.batch.scan_recordings`` (core) transcribes and assesses and returns results; this module is the one writer
that stores them (:class:`HistoryWriter`, its own sqlite connection on the job's thread). The Recordings page and
``callshield scan`` both go through :func:`scan_and_store`.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import os
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from app.jobs import Progress
from blocklists.db import open_db
from blocklists.history import History, speech_reason
from speech.batch import BatchProgress, BatchSummary, FileResult, scan_recordings
from speech.language import recording_warnings

log = logging.getLogger(__name__)


def store_result(history: History, result: FileResult) -> int:
    """Write a finished scan into the history table (``blocklists.history.History``). A finished scan's warnings (a
    cut-off file, a transcript that is hardly Chinese: ``speech.language``) are kept among its reasons, so 记录 and the
    reports say them too."""
    warnings = recording_warnings(result.path, result.transcript or "", result.error)
    return int(
        history.add_recording(
            result.path,
            content_hash=result.content_hash,
            source="scan",
            duration_s=round(result.duration_s, 2),
            level=result.level,
            score=result.score,
            category=result.category,
            reasons=[*result.reasons, *(speech_reason(w) for w in warnings)],
            transcript=result.transcript,
            hits=list(result.hits),
            entities=list(result.entities),
        )
    )


class HistoryWriter:
    """The one writer of scan results: knows which content hashes are stored, stores finished results."""

    def __init__(self, db_path: str | Path) -> None:
        self.history = History(open_db(db_path))

    def known(self, content_hash: str) -> bool:
        return self.history.find_by_hash(content_hash) is not None

    def store(self, result: FileResult) -> FileResult:
        return dataclasses.replace(result, history_id=store_result(self.history, result))

    def close(self) -> None:
        self.history.db.close()


def scan_and_store(
    items: str | Path | Iterable[str | Path],
    model_path: str | Path,
    db_path: str | Path | None,
    *,
    workers: int = 2,
    progress: Callable[[BatchProgress], None] | None = None,
    cancel: threading.Event | None = None,
    rescan: bool = False,
    grammar: list[str] | tuple[str, ...] | None = None,
    detector_packs: list[str | Path] | None = None,
) -> BatchSummary:
    """Scan recordings; files already in the history at ``db_path`` are skipped (unless ``rescan``) and each
    finished one is stored there. ``db_path=None`` scans without storing."""
    writer = HistoryWriter(db_path) if db_path is not None else None
    try:
        return scan_recordings(
            items,
            model_path,
            known=writer.known if writer is not None else None,
            on_result=writer.store if writer is not None else None,
            workers=workers,
            progress=progress,
            cancel=cancel,
            rescan=rescan,
            grammar=grammar,
            detector_packs=detector_packs,
        )
    finally:
        if writer is not None:
            writer.close()


def resolve_model_path(data_dir: Path, configured: str | None) -> str:
    """The speech model to use (``app.audio.model``); raises ``speech.errors.ModelError`` if none."""
    from app.audio.model import resolve_app_model

    return str(resolve_app_model(data_dir, configured).path)


def model_for_scan(data_dir: Path, configured: str | None) -> tuple[str, Any]:
    """The speech model to use and its language warning (``app.audio.model.language_warning``, the one Settings
    shows); raises ``speech.errors.ModelError`` if there is none."""
    from app.audio.model import language_warning, resolve_app_model

    resolved = resolve_app_model(data_dir, configured)
    return str(resolved.path), language_warning(resolved)


def collect_recordings(items: list[str]) -> list[str]:
    """Folders → their audio files (recursively); files as given.  Runs in a job (a folder may be big)."""
    from speech.batch import collect_files

    out: list[str] = []
    for item in items:
        out.extend(str(p) for p in collect_files(item))
    return out


def run_batch(
    progress: Progress,
    on_file: Callable[[FileResult], None],
    paths: list[str],
    data_dir: Path,
    configured_model: str | None,
    db_path: Path,
    rescan: bool,
    workers: int,
) -> BatchSummary:
    """Job: scan ``paths`` with the app's model; each finished file is stored (one writer) and handed to
    ``on_file`` (the page's queued signal) as it completes."""
    model_path = resolve_model_path(data_dir, configured_model)
    total = len(paths)
    progress.update(0, total, "")

    def file_done(batch_progress: BatchProgress) -> None:
        on_file(batch_progress.result)
        progress.update(batch_progress.done, batch_progress.total, Path(batch_progress.result.path).name)

    with background_priority():
        return scan_and_store(
            paths,
            model_path,
            db_path,
            workers=max(1, min(workers, total)),
            progress=file_done,
            cancel=progress.cancel_event,
            rescan=rescan,
        )


SCAN_NICENESS = 10


@contextlib.contextmanager
def background_priority() -> Iterator[None]:
    """Run the batch (and the decoder processes it starts, which inherit it) at a lower CPU priority,
    so that on a busy two-core PC the window stays responsive while Vosk uses every core.

    On Linux the niceness applies to the calling (job) thread; it is put back afterwards when the OS
    allows it.  Elsewhere this does nothing.
    """
    if not hasattr(os, "setpriority") or not sys.platform.startswith("linux"):
        yield
        return
    try:
        before = os.getpriority(os.PRIO_PROCESS, 0)
        os.setpriority(os.PRIO_PROCESS, 0, min(19, before + SCAN_NICENESS))
    except OSError:
        yield
        return
    try:
        yield
    finally:
        try:
            os.setpriority(os.PRIO_PROCESS, 0, before)
        except OSError:  # raising priority again needs privileges; the thread only runs background jobs
            log.debug("could not restore the job thread's priority")
