"""The device rescan (刷新) as tests drive it: record PortAudio's restarts and wait for one scan's result."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from app.audio.service import DeviceScan


def record_portaudio_restarts(monkeypatch: pytest.MonkeyPatch, *, real: bool) -> list[str]:
    """Each PortAudio restart (``sd._terminate``/``sd._initialize``) a scan makes, recorded as ``terminate`` /
    ``initialize``. ``real``: also run it (a test on real PulseAudio devices); else nothing is restarted."""
    import sounddevice as sd

    restarts: list[str] = []
    for name in ("_terminate", "_initialize"):
        original = getattr(sd, name)

        def restart(original: Callable[[], object] = original, name: str = name) -> object:
            restarts.append(name.strip("_"))
            return original() if real else None

        monkeypatch.setattr(sd, name, restart)
    return restarts


def scan_devices(qtbot: Any, speech: Any, timeout: int = 10_000) -> DeviceScan:
    """One device scan through ``speech`` (the app's SpeechService), waited for on the GUI thread."""
    got: list[DeviceScan] = []
    speech.list_devices(got.append, lambda exc: pytest.fail(f"device scan failed: {exc!r}"))
    qtbot.waitUntil(lambda: bool(got), timeout=timeout)
    return got[0]
