"""Whether a text is Chinese at all: a speech model of another language (a volunteer imported the Korean one) writes
its own script for Mandarin speech, and the scam-script detector then finds nothing in it. One judgement, from the
text itself, for the speech warnings (``speech.language``), the history's unchecked recordings
(``blocklists.history.UNCHECKED_RECORDING``, through the SQL function the database registers) and what is shown."""

from __future__ import annotations

import re

MIN_LETTERS = 8  # fewer letters (a Latin word counts one) say nothing either way (silence, a "喂", a name)
# ...but a short text in another script and no Chinese at all says it (a trial: a cut-off recording heard by the
# Korean model as 「미 가 물 히긴 힐링」 read 「未发现诈骗」); Latin letters alone never do (「OK」, 「QQ」)
MIN_FOREIGN_LETTERS = 3
MIN_CHINESE_SHARE = 0.5  # Mandarin transcripts carry a few Latin words (QQ, app, vivo), never half their letters
SQL_FUNCTION = "not_chinese"  # the SQL name of :func:`sql_not_chinese` on every connection ``blocklists.db`` opens


def _is_han(ch: str) -> bool:
    return "\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff"


_LATIN_WORD = re.compile(r"[A-Za-z]+")


def not_chinese(text: str) -> str | None:
    """A sample of ``text`` when it is hardly Chinese (its letters mostly of another script), else None. A Latin word
    counts once, as a Chinese character does: 「请 下载 zoom app 然后 输入 meeting id」 is Chinese (a review)."""
    latin_words = len(_LATIN_WORD.findall(text))
    others = [ch for ch in text if ch.isalpha() and not ("a" <= ch.lower() <= "z")]
    units = latin_words + len(others)
    han = sum(map(_is_han, others))
    if units < MIN_LETTERS and (han or len(others) < MIN_FOREIGN_LETTERS):
        return None
    if han >= MIN_CHINESE_SHARE * units:
        return None
    return " ".join(text.split())[:24]


def heard_nothing(transcript: object, hits: object) -> bool:
    """Whether a recording's speech went unread: a model of another language wrote ``transcript`` and nothing was found
    in it (``hits`` empty: a pack of that language that found some did read it). The one judgement of the history's
    unchecked recordings, what 录音分析, 记录 and the reports show, and the stored reasons."""
    return isinstance(transcript, str) and not hits and not_chinese(transcript) is not None


def sql_not_chinese(text: object) -> int:
    """:func:`not_chinese` as SQLite calls it: 1 or 0; NULL (no transcript) is 0."""
    return int(isinstance(text, str) and not_chinese(text) is not None)
