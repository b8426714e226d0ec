"""Scam-script detection on call transcripts (typed, pasted or streaming from the recogniser).

::

    from screening.transcript import ScriptDetector
    det = ScriptDetector.default()
    a = det.assess("您好，我是电信客服，您的积分即将过期，请把收到的验证码告诉我。")
    a.level, a.category, [h.matched for h in a.hits]

    s = det.session()
    s.feed(TranscriptSegment("积分 即将 过期", is_final=False, start=3.2, end=4.0))

Plain Python (pypinyin, pyahocorasick); no Qt, no scikit-learn at run time.
"""

from __future__ import annotations

from screening.transcript.detector import PhraseHit, ScriptDetector, TranscriptAssessment, level_for
from screening.transcript.entities import Entity
from screening.transcript.model import ModelError
from screening.transcript.phrases import PhrasePackError
from screening.transcript.session import DetectorSession, StreamUpdate

__all__ = [
    "DetectorSession",
    "Entity",
    "ModelError",
    "PhraseHit",
    "PhrasePackError",
    "ScriptDetector",
    "StreamUpdate",
    "TranscriptAssessment",
    "level_for",
]
