"""Issue 13 / Low 14: no hang on a FIFO or /dev/zero, no OverflowError on a huge --limit."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from speech.batch import FAILED, scan_recordings
from speech.errors import SpeechProblem
from tests.speech.conftest import ko_model_dir  # noqa: F401 - fixture


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_scan_skips_fifo_and_devices_at_once(tmp_path: Path, ko_model_dir: Path) -> None:  # noqa: F811
    fifo = tmp_path / "call.wav"
    os.mkfifo(fifo)
    paths = [fifo] + ([Path("/dev/zero")] if Path("/dev/zero").exists() else [])
    summary = scan_recordings(paths, ko_model_dir)
    assert [r.status for r in summary.results] == [FAILED] * len(paths)
    assert all(r.error is not None and r.error.code is SpeechProblem.NOT_A_REGULAR_FILE for r in summary.results)


def test_history_huge_limit(run_cli) -> None:  # type: ignore[no-untyped-def]
    r = run_cli("--lang", "en", "history", "--limit", "99999999999999999999")
    assert r.returncode == 0, r.stderr
    assert "Traceback" not in r.stderr
