"""The alarm tone: two tones, higher for 拦截/BLOCK than for 警告/WARN, played through sounddevice in a worker."""

from __future__ import annotations

import array
import math

from screening.types import Level

_TONE_RATE = 22050
_TONE_CACHE: dict[Level, bytes] = {}


def alarm_tone(level: Level, rate: int = _TONE_RATE) -> bytes:
    """The two-tone alarm as float32 mono samples (native byte order, as PortAudio wants them).

    Four 0.18 s beeps (high, 784 Hz, high, 784 Hz) with 10 ms fades and 60 ms gaps; the high tone is
    1320 Hz for 拦截/BLOCK and 988 Hz for 警告/WARN, so the two levels also sound different.
    """
    high = 1320.0 if level >= Level.BLOCK else 988.0
    n = int(rate * 0.18)

    def beep(freq: float) -> array.array[float]:
        step = 2 * math.pi * freq / rate
        fade = 0.01 * rate
        return array.array("f", (0.4 * math.sin(step * i) * min(1.0, i / fade, (n - 1 - i) / fade) for i in range(n)))

    gap = array.array("f", bytes(4 * int(rate * 0.06)))
    a, b = beep(high), beep(784.0)
    return b"".join(part.tobytes() for part in (a, gap, b, gap, a, gap, b))


def play_tone(level: Level) -> str:
    """Two-tone alarm through sounddevice (blocking, in a worker). Raises if there is no output device."""
    import sounddevice as sd  # lazy: PortAudio may be missing

    if level not in _TONE_CACHE:
        _TONE_CACHE[level] = alarm_tone(level)
    with sd.RawOutputStream(samplerate=_TONE_RATE, channels=1, dtype="float32") as stream:
        stream.write(_TONE_CACHE[level])
    return "sounddevice"
