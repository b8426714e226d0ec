"""录音分析: the batch worker hands each finished file and its progress to the page on the GUI thread (through
app.inbox), never by emitting a signal on the worker: PySide can deadlock on a signal emitted from a plain Python
thread. Real services and job runner; the batch itself is replaced (``test_recordings.py`` runs the real one with a
real model), so that it reports from its worker exactly when the test lets it."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

import app.ui.page_recordings as page_module
from app.models.recording_model import FileStatus
from app.ui.page_recordings import RecordingsPage
from screening.types import Level
from speech.batch import BatchSummary, FileResult
from tests.helpers.signals import EmitThreads

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


def test_finished_files_and_progress_reach_the_page_on_the_gui_thread(
    qtbot, services, wait_jobs, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    go = threading.Event()
    worker: list[int] = []

    def run_batch(progress, on_file, paths, *_args):  # type: ignore[no-untyped-def]
        """Stands for ``app.operations.recordings.run_batch``: reports each file from the job's worker."""
        assert go.wait(5)
        worker.append(threading.get_ident())
        results = []
        for i, path in enumerate(paths, 1):
            result = FileResult(path, f"hash-{i}", "done", duration_s=3.0, transcript="你好", level=Level.UNKNOWN)
            results.append(result)
            on_file(result)
            progress.update(i, len(paths), Path(path).name)
        return BatchSummary(tuple(results), False, 0.1)

    monkeypatch.setattr(page_module, "run_batch", run_batch)
    files = []
    for name in ("a.wav", "b.wav"):
        (tmp_path / name).write_bytes(b"RIFF")
        files.append(str(tmp_path / name))
    page = RecordingsPage(services)
    qtbot.addWidget(page)
    wait_jobs()
    page.add_paths(files)
    wait_jobs()
    assert page.model.rowCount() == 2

    relay = EmitThreads(page.relay)  # heard where each signal is emitted (a direct connection)
    page.start_scan()
    assert page._job is not None and page._job.progress is not None
    progress = EmitThreads(page._job.progress)
    go.set()
    wait_jobs()

    assert worker and worker[0] != threading.get_ident()  # the batch really ran on a worker
    assert [result.path for (result,) in relay.of("fileDone")] == files
    assert [args[0] for args in progress.of("changed")] == [1, 2, 2]  # two files, then the final flush
    assert relay.off_gui_thread() == [] and progress.off_gui_thread() == []
    assert [row.status for row in page.model.rows()] == [FileStatus.DONE, FileStatus.DONE]
