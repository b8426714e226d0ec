"""Types shared across the core and the app: risk levels and transcript segments.

These are the contract between the number screener, the transcript detector, the speech
pipeline, the call sources and the UI.  Keep them small and frozen.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any, Protocol


class Level(enum.IntEnum):
    """Risk level of a call, ordered: a higher value is more dangerous.

    The UI always shows the word (and an icon) with the colour, never the colour alone.
    """

    ALLOW = 0  # 可信：allowlist, official service number
    UNKNOWN = 1  # 未知：nothing known either way
    CAUTION = 2  # 注意：unusual but often legitimate (international, virtual operator)
    WARN = 3  # 警告：typical of fraud (leased 95 block, 1069 caller, fraud phrases)
    BLOCK = 4  # 拦截：spoofed official number, blocklisted, clear fraud script

    @property
    def zh(self) -> str:
        return _LEVEL_TEXT[self][0]

    @property
    def en(self) -> str:
        return _LEVEL_TEXT[self][1]

    def label(self, lang: str = "zh") -> str:
        return self.en if lang.startswith("en") else self.zh

    @classmethod
    def parse(cls, value: str | int | Level) -> Level:
        if isinstance(value, Level):
            return value
        if isinstance(value, int):
            return cls(value)
        return cls[value.strip().upper()]


_LEVEL_TEXT = {
    Level.ALLOW: ("可信", "trusted"),
    Level.UNKNOWN: ("未知", "unknown"),
    Level.CAUTION: ("注意", "caution"),
    Level.WARN: ("警告", "warning"),
    Level.BLOCK: ("拦截", "block"),
}


@dataclass(frozen=True)
class TranscriptSegment:
    """A piece of recognised (or typed) call text.

    ``start``/``end`` are seconds from the start of the call or recording.  Partial segments
    (``is_final=False``) are replaced by the next partial or final segment of the same utterance.
    """

    text: str
    is_final: bool = True
    start: float = 0.0
    end: float = 0.0


class SegmentSink(Protocol):
    """Anything that consumes transcript segments (the streaming scam-script detector does)."""

    def feed(self, segment: TranscriptSegment) -> Any: ...
