"""Alert policy (no Qt): what an alert says, and when a call deserves one.

- :class:`Alert` carries the level, the number and the reasons as codes (BiText, Message, HitReason…);
  ``title``/``body``/``reason_texts`` render them in the language asked for, when shown.
- :class:`Withdrawal`: a warning already e-mailed was withdrawn; ``body`` renders the correction the family gets.
  :class:`Reinstatement`: that warning stands again after the correction went out; ``body`` renders the follow-up.
- :class:`AlertPolicy`: threshold (``settings.alert_sensitivity``), de-duplication (one call alerts once per
  level; rising from warn to block alerts again) and cool-down (the same number does not alert again at the
  same or a lower level within ``alert_cooldown_s``). The clock is injectable for tests.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from app.display import render_all, render_text
from screening.i18n import MessageCode
from screening.types import Level

EXCERPT_CHARS = 400


@dataclass(frozen=True)
class Alert:
    key: str  # one call / recording (e.g. the history id or the line id)
    number: str
    level: Level
    reasons: tuple[Any, ...] = ()  # codes with parameters (BiText, Message, HitReason…) or plain text
    excerpt: str = ""
    at: float = field(default_factory=time.time)
    source: str = "call"  # "call" | "recording" | "test"
    line: str = ""  # the line a call came in on, where there are several (a hotline's 3 landlines)
    simulated: bool = False  # a 模拟来电 (training, trying the app): said in the title and the first line

    def reason_texts(self, lang: str = "zh") -> list[str]:
        """The reasons in ``lang``, rendered now (a language switch re-renders an alert already shown)."""
        return render_all(self.reasons, lang)

    def title(self, lang: str = "zh") -> str:
        if lang == "en":
            return (
                "[Simulated] " if self.simulated else ""
            ) + f"CallShield {self.level.en}: {self.number or 'unknown number'}"
        return ("【模拟】" if self.simulated else "") + f"来电护盾{self.level.zh}：{self.number or '未知号码'}"

    def body(self, lang: str = "zh") -> str:
        lines: list[str] = []
        if lang == "en":
            if self.simulated:  # a volunteer's training must not read as a real call (a trial's supervisor got two)
                lines.append("This was a simulated call (training or trying the app), not a real one.")
            lines.append(f"Number: {self.number or 'unknown'}")
            if self.line:
                lines.append(f"Line: {self.line}")
            lines.append(f"Verdict: {self.level.en}")
            when = datetime.fromtimestamp(self.at).strftime("%Y-%m-%d %H:%M:%S")
            lines.append(f"Time: {when}")
            if self.reasons:
                lines.append("Reasons:")
                lines.extend(f"  - {r}" for r in self.reason_texts(lang))
            if self.excerpt:
                lines.append("What the caller said (excerpt):")
                lines.append("  " + self.excerpt)
            lines.append("")
            lines.append(
                "Sent by CallShield. Whoever took this call may be being scammed: reach them soon, and remind them not "
                "to transfer money or give out verification codes."
            )
        else:
            if self.simulated:
                lines.append("这是模拟来电（培训或试用），不是真实来电。")
            lines.append(f"号码：{self.number or '未知'}")
            if self.line:
                lines.append(f"线路：{self.line}")
            lines.append(f"判断：{self.level.zh}")
            when = datetime.fromtimestamp(self.at).strftime("%Y-%m-%d %H:%M:%S")
            lines.append(f"时间：{when}")
            if self.reasons:
                lines.append("原因：")
                lines.extend(f"  - {r}" for r in self.reason_texts(lang))
            if self.excerpt:
                lines.append("通话内容摘录：")
                lines.append("  " + self.excerpt)
            lines.append("")
            lines.append(
                "此邮件由来电护盾发送。接这个电话的人可能正在被骗：请尽快联系对方，提醒不要转账、不要给验证码。"
            )
        return "\n".join(lines)


class WithdrawalNote(MessageCode):
    """Why a warning the family was e-mailed about was withdrawn, when the alert service itself decides it."""

    TRUSTED = (
        "接电话的人把这个号码加入了白名单（家人、熟人）",
        "the person who took the call added this number to the trusted list (family, people they know)",
    )


@dataclass(frozen=True)
class Withdrawal:
    """A warning the family was e-mailed about was withdrawn: the whole call did not bear it out, or the person who
    took it trusted the number. ``alert`` is the call's latest alert; ``reason`` a code (Message, BiText…) rendered
    in the language of the alert e-mail it corrects."""

    alert: Alert
    reason: Any
    at: float = field(default_factory=time.time)

    def body(self, lang: str = "zh") -> str:
        number = self.alert.number
        if lang == "en":
            first = f"Correction: the scam alert about {number or 'an unknown number'} was withdrawn."
        else:
            first = f"更正：刚才关于 {number or '未知号码'} 的诈骗提醒已撤回。"
        return _notice(first, self.reason, self.at, lang)


@dataclass(frozen=True)
class Reinstatement:
    """A withdrawn warning stands again after the family was sent its correction (the call's last words bore it
    out): ``body`` renders the follow-up that tells them so, under the correction. ``withdrawal`` is the correction
    it takes back; ``reason`` a code, rendered in the language of the alert e-mail."""

    withdrawal: Withdrawal
    reason: Any
    at: float = field(default_factory=time.time)

    @property
    def alert(self) -> Alert:
        return self.withdrawal.alert

    def body(self, lang: str = "zh") -> str:
        number = self.alert.number
        if lang == "en":
            first = (
                f"The warning stands: the scam alert about {number or 'an unknown number'} is not withdrawn after "
                "all. Please disregard the correction sent before."
            )
        else:
            first = f"提醒仍然有效：关于 {number or '未知号码'} 的诈骗提醒并没有撤回，请不要理会上一封更正邮件。"
        return _notice(first, self.reason, self.at, lang)


def _notice(first: str, reason: Any, at: float, lang: str) -> str:
    """A short e-mail that follows an alert: what changed, why, when, and who sent it."""
    when = datetime.fromtimestamp(at).strftime("%Y-%m-%d %H:%M:%S")
    if lang == "en":
        lines = [
            first,
            f"Because: {render_text(reason, lang)}",
            f"Time: {when}",
            "",
            "Sent by CallShield.",
        ]
    else:
        lines = [first, f"原因：{render_text(reason, lang)}", f"时间：{when}", "", "此邮件由来电护盾发送。"]
    return "\n".join(lines)


class AlertPolicy:
    """Threshold, de-duplication and cool-down. No Qt; ``clock`` is injectable for tests."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._key_level: dict[str, Level] = {}
        self._number_last: dict[tuple[str, str], tuple[float, Level]] = {}

    def should_alert(
        self, key: str, number: str, level: Level, threshold: Level, cooldown_s: float, line: str = ""
    ) -> bool:
        """``line``: the cool-down is per number on each line; the same scammer ringing a hotline's second line
        within it reaches another operator, who is alerted too (a trial)."""
        level = Level.parse(level)
        if level < threshold:
            return False
        previous = self._key_level.get(key)
        if previous is not None and level <= previous:
            return False  # this call already alerted at this level or higher
        now = self._clock()
        if number and previous is None:
            last = self._number_last.get((number, line))
            if last is not None and now - last[0] < cooldown_s and level <= last[1]:
                return False  # same number rang again on this line within the cool-down
        self._key_level[key] = level
        if number:
            self._number_last[(number, line)] = (now, level)
        return True

    def forget(self, key: str) -> None:
        self._key_level.pop(key, None)


def excerpt_of(text: str) -> str:
    """The last :data:`EXCERPT_CHARS` characters of a transcript, whitespace folded."""
    text = " ".join(text.split())
    if len(text) <= EXCERPT_CHARS:
        return text
    return "…" + text[-EXCERPT_CHARS:]
