"""The caller's voice on a softphone PC: capture what the playback device plays (loopback).

On a PC with a softphone or a headset the caller's voice comes out of the *playback* device; the
microphone carries only our own voice. Each platform offers the playback side as something to record:

* **Linux** (PulseAudio, or PipeWire with its PulseAudio layer): every output has a *monitor source*,
  ``<sink>.monitor``. PortAudio's ALSA ``pulse`` device can only record the one source named in the
  process-wide ``PULSE_SOURCE`` variable, so two channels (caller and us) on one line would hear the
  same thing; :class:`PulseSource` records one named source through ``parec`` instead (``pw-record``
  when only PipeWire's own tools are there).
* **Windows**: WASAPI loopback of the speaker/headset. Stock PortAudio does not expose it; the user
  enables "Stereo Mix" (立体声混音) in the Sound control panel, or installs a virtual cable
  (VB-CABLE) and sets the softphone's speaker to it. Either then appears as an ordinary input device.
* **macOS**: no loopback at all; a free virtual device such as BlackHole
  (https://existential.audio/blackhole/) is set as the softphone's speaker (with a Multi-Output
  Device in Audio MIDI Setup so that the user still hears the caller) and then appears as an input.

Plain Python, no Qt. Sources follow :class:`speech.audio.AudioSource` (16 kHz mono int16).
"""

from __future__ import annotations

import logging
import os
import queue
import shutil
import subprocess
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from speech.audio import TARGET_RATE, AudioSource, LevelReading, level_of
from speech.errors import AudioError, SpeechProblem

log = logging.getLogger(__name__)

CHUNK_BYTES = TARGET_RATE * 2 // 20  # 50 ms of 16 kHz mono int16


@dataclass(frozen=True)
class LoopbackDevice:
    """A recordable source the sound server offers: a playback device's monitor, or an input."""

    name: str  # the server's source name, e.g. "alsa_output.pci-0000_00_1f.3.analog-stereo.monitor"
    description: str  # what the sound settings call it
    is_monitor: bool

    def label(self, lang: str = "zh") -> str:
        """Clear wording for the device chooser: a monitor says it is the other side of the call."""
        if not self.is_monitor:
            return self.description
        # PulseAudio calls it "Monitor of <speaker>" (in the system's language); we say what it is for.
        speaker = self.description.removeprefix("Monitor of ").removeprefix("监视器 ") or self.name
        if lang.startswith("en"):
            return f"Playback loopback: {speaker} (the caller's voice)"
        return f"扬声器回采：{speaker}（对方的声音）"


def _pulse_tool() -> list[str] | None:
    parec = shutil.which("parec")
    if parec:
        return [parec, "--raw", "--format=s16le", f"--rate={TARGET_RATE}", "--channels=1", "--latency-msec=50"]
    pw_record = shutil.which("pw-record")
    if pw_record:
        return [pw_record, "--format=s16", f"--rate={TARGET_RATE}", "--channels=1"]
    return None


def list_loopback_devices(env: Mapping[str, str] | None = None) -> list[LoopbackDevice]:
    """Sources of the PulseAudio/PipeWire server (monitors first); empty when there is no such server."""
    pactl = shutil.which("pactl")
    if pactl is None:
        return []
    try:
        out = subprocess.run(
            [pactl, "list", "sources"],
            capture_output=True,
            text=True,
            timeout=5,
            env=dict(env) if env is not None else None,
        )
    except (OSError, subprocess.TimeoutExpired):
        return []
    if out.returncode != 0:
        return []
    devices: list[LoopbackDevice] = []
    name = description = ""
    for raw in out.stdout.splitlines() + ["Source #end"]:
        line = raw.strip()
        if line.startswith("Source #"):
            if name:
                devices.append(LoopbackDevice(name, description or name, name.endswith(".monitor")))
            name = description = ""
        elif line.startswith("Name:"):
            name = line.split(":", 1)[1].strip()
        elif line.startswith("Description:"):
            description = line.split(":", 1)[1].strip()
    return sorted(devices, key=lambda d: (not d.is_monitor, d.name))


def stop_process(proc: subprocess.Popen[bytes], grace_s: float = 3.0) -> None:
    """Ask a helper process to end (terminate), and kill it if it has not within ``grace_s``."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(grace_s)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(grace_s)


class PulseSource:
    """One named PulseAudio/PipeWire source (e.g. a sink's ``.monitor``) as 16 kHz mono, via ``parec``.

    The reader thread only copies the tool's output into a queue. If the tool exits or the server goes
    away, ``read`` raises ``AudioError(DEVICE_GONE)``, like a PortAudio device that vanished.
    """

    def __init__(
        self,
        source: str,
        on_level: Callable[[LevelReading], None] | None = None,
        env: Mapping[str, str] | None = None,
        stall_timeout: float = 2.0,
    ) -> None:
        self.source = source
        self.on_level = on_level
        self.env = dict(env) if env is not None else None
        self.stall_timeout = stall_timeout
        self._proc: subprocess.Popen[bytes] | None = None
        self._queue: queue.Queue[bytes] = queue.Queue()
        self._done = threading.Event()
        self._last_data = 0.0
        self._carry = b""

    def start(self) -> None:
        tool = _pulse_tool()
        if tool is None:
            raise AudioError(SpeechProblem.DEVICE_NOT_FOUND, device=f"{self.source} (parec/pw-record missing)")
        if os.path.basename(tool[0]).startswith("parec"):
            args = [*tool, f"--device={self.source}"]
        else:
            args = [*tool, "--target", self.source, "-"]
        try:
            self._proc = subprocess.Popen(
                args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=self.env
            )
        except OSError as exc:
            raise AudioError(SpeechProblem.DEVICE_OPEN_FAILED, device=self.source, detail=str(exc)) from exc
        threading.Thread(target=self._pump, name=f"loopback-{self.source}", daemon=True).start()
        # parec exits at once when the source does not exist: say so now, not as a stall later.
        try:
            code = self._proc.wait(0.3)
        except subprocess.TimeoutExpired:
            code = None
        if code is not None:
            detail = self._proc.stderr.read().decode("utf-8", "replace").strip() if self._proc.stderr else ""
            raise AudioError(SpeechProblem.DEVICE_NOT_FOUND, device=f"{self.source} ({detail or code})")
        self._last_data = time.monotonic()

    def _pump(self) -> None:
        proc = self._proc
        assert proc is not None and proc.stdout is not None
        stream = proc.stdout
        while True:
            block = stream.read1(CHUNK_BYTES) if hasattr(stream, "read1") else stream.read(CHUNK_BYTES)
            if not block:
                break
            self._queue.put(block)
        self._done.set()

    def read(self, timeout: float) -> bytes | None:
        try:
            block = self._queue.get(timeout=timeout)
        except queue.Empty:
            if self._done.is_set():
                raise AudioError(SpeechProblem.DEVICE_GONE, detail=f"{self.source}: recorder stopped") from None
            if time.monotonic() - self._last_data > self.stall_timeout:
                raise AudioError(SpeechProblem.DEVICE_GONE, detail=f"{self.source}: no audio") from None
            return None
        self._last_data = time.monotonic()
        data = self._carry + block  # keep whole samples: an odd byte waits for the next block
        cut = len(data) - len(data) % 2
        block, self._carry = data[:cut], data[cut:]
        if self.on_level is not None and block:
            self.on_level(level_of(block))
        return block

    def close(self) -> None:
        proc, self._proc = self._proc, None
        if proc is None:
            return
        stop_process(proc)
        for pipe in (proc.stdout, proc.stderr):
            if pipe is not None:
                pipe.close()


@dataclass(frozen=True)
class CaptureChoice:
    """One entry of a line's device chooser: a PortAudio input, or a sound-server source by name.

    ``key`` is what settings store (``"input:<device name>"`` or ``"pulse:<source name>"``);
    ``caller_side`` marks a loopback, the natural choice for the "对方（电话那头）" channel.
    """

    key: str
    name: str
    caller_side: bool
    description: str = ""

    def label(self, lang: str = "zh") -> str:
        if self.key.startswith("pulse:"):
            return LoopbackDevice(self.name, self.description or self.name, self.caller_side).label(lang)
        return self.name


def input_names() -> list[str]:
    """PortAudio's input devices by name; none when PortAudio cannot list them (the sound server's sources are still
    offered then)."""
    try:
        from speech.audio import list_input_devices

        return [d.name for d in list_input_devices()]
    except Exception:
        log.warning("PortAudio input devices could not be listed", exc_info=True)
        return []


def capture_choices(inputs: list[str] | None = None, env: Mapping[str, str] | None = None) -> list[CaptureChoice]:
    """Loopbacks first (the caller's side), then the sound server's other sources, then PortAudio inputs
    (``inputs``: their names, else :func:`input_names`)."""
    if inputs is None:
        inputs = input_names()
    choices = [
        CaptureChoice(f"pulse:{d.name}", d.name, d.is_monitor, d.description) for d in list_loopback_devices(env)
    ]
    choices += [CaptureChoice(f"input:{name}", name, False) for name in inputs]
    return choices


def open_capture(
    key: str, on_level: Callable[[LevelReading], None] | None = None, env: Mapping[str, str] | None = None
) -> AudioSource:
    """The audio source for a stored ``CaptureChoice.key`` (not started)."""
    kind, _, name = key.partition(":")
    if kind == "pulse" and name:
        return PulseSource(name, on_level=on_level, env=env)
    if kind == "input":
        from speech.audio import LiveSource

        return LiveSource(device=name or None, on_level=on_level)
    raise AudioError(SpeechProblem.DEVICE_NOT_FOUND, device=key)
