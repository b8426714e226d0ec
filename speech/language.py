"""A recording's warnings about its speech: cut off, failed, or heard by a model of another language (the text's own
judgement is ``screening.language.not_chinese``)."""

from __future__ import annotations

from typing import Any

from screening.i18n import Message
from screening.language import not_chinese
from speech.errors import SpeechProblem

__all__ = ["not_chinese", "not_chinese_warning", "recording_warnings"]


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
