"""Whether a transcript is Chinese at all: a speech model of another language (a volunteer imported the Korean one)
writes its own script for Mandarin speech, and the scam-script detector then finds nothing in it."""

from __future__ import annotations

import re
from typing import Any

from screening.i18n import Message
from speech.errors import SpeechProblem

MIN_LETTERS = 8  # fewer letters (a Latin word counts one) say nothing either way (silence, a "喂", a name)
MIN_CHINESE_SHARE = 0.5  # Mandarin transcripts carry a few Latin words (QQ, app, vivo), never half their letters


def _is_han(ch: str) -> bool:
    return "\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff"


_LATIN_WORD = re.compile(r"[A-Za-z]+")


def not_chinese(text: str) -> str | None:
    """A sample of ``text`` when it is hardly Chinese (its letters mostly of another script), else None. A Latin word
    counts once, as a Chinese character does: 「请 下载 zoom app 然后 输入 meeting id」 is Chinese (a review)."""
    latin_words = len(_LATIN_WORD.findall(text))
    others = [ch for ch in text if ch.isalpha() and not ("a" <= ch.lower() <= "z")]
    units = latin_words + len(others)
    if units < MIN_LETTERS:
        return None
    han = sum(map(_is_han, others))
    if han >= MIN_CHINESE_SHARE * units:
        return None
    return " ".join(text.split())[:24]


def recording_warnings(path: str, text: str, first: Any = None) -> list[Any]:
    """A recording's warnings, as every place that keeps or shows them lists them: ``first`` (a cut-off file's, or a
    failed file's reason) when there is one, then :func:`not_chinese_warning` unless ``first`` already is it."""
    out = [first] if first is not None else []
    heard = not_chinese_warning(path, text)
    if heard is not None and getattr(first, "code", None) is not heard.code:
        out.append(heard)
    return out


def not_chinese_warning(path: str, text: str) -> Message | None:
    """:data:`~speech.errors.SpeechProblem.NOT_CHINESE` for a recording whose transcript is hardly Chinese."""
    sample = not_chinese(text)
    if sample is None:
        return None
    return Message(SpeechProblem.NOT_CHINESE, {"path": path, "sample": sample})
