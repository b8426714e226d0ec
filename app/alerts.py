"""AlertService: decide when a call deserves an alert, then ring, notify, raise the window and e-mail the family.

Decisions (pure, testable with a fake clock):
- threshold: only calls at or above ``settings.alert_sensitivity`` (default WARN) alert;
- de-duplication: one call (``key``) alerts once per level — rising from warn to block alerts again, repeating
  warn does not;
- cool-down: the same number does not alert again at the same or a lower level within ``alert_cooldown_s``.

Effects (each optional, each failing soft): the ``alertRaised`` signal (the main window shows the banner and comes
to front), a sound (sounddevice tone in a worker; ``QApplication.beep`` if there is no audio device), a tray
notification, and an e-mail over SMTP in a worker when the user configured one. Nothing leaves the machine unless
e-mail is enabled.
"""

from __future__ import annotations

import array
import logging
import math
import smtplib
import ssl
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QApplication, QSystemTrayIcon

from app.settings import SmtpSettings
from screening.privacy import mask_number
from screening.types import Level

if TYPE_CHECKING:
    from app.services import AppServices

log = logging.getLogger(__name__)

SMTP_TIMEOUT_S = 20.0
EXCERPT_CHARS = 400


@dataclass(frozen=True)
class Alert:
    key: str  # one call / recording (e.g. the history id or the line id)
    number: str
    level: Level
    reasons: tuple[str, ...] = ()
    excerpt: str = ""
    at: float = field(default_factory=time.time)
    source: str = "call"  # "call" | "recording" | "test"

    def title(self, lang: str = "zh") -> str:
        if lang == "en":
            return f"CallShield {self.level.en}: {self.number or 'unknown number'}"
        return f"来电护盾{self.level.zh}：{self.number or '未知号码'}"

    def body(self, lang: str = "zh") -> str:
        lines: list[str] = []
        if lang == "en":
            lines.append(f"Number: {self.number or 'unknown'}")
            lines.append(f"Verdict: {self.level.en}")
            when = datetime.fromtimestamp(self.at).strftime("%Y-%m-%d %H:%M:%S")
            lines.append(f"Time: {when}")
            if self.reasons:
                lines.append("Reasons:")
                lines.extend(f"  - {r}" for r in self.reasons)
            if self.excerpt:
                lines.append("What the caller said (excerpt):")
                lines.append("  " + self.excerpt)
            lines.append("")
            lines.append("Sent by CallShield on the family computer. Do not transfer money; call your relative back.")
        else:
            lines.append(f"号码：{self.number or '未知'}")
            lines.append(f"判断：{self.level.zh}")
            when = datetime.fromtimestamp(self.at).strftime("%Y-%m-%d %H:%M:%S")
            lines.append(f"时间：{when}")
            if self.reasons:
                lines.append("原因：")
                lines.extend(f"  - {r}" for r in self.reasons)
            if self.excerpt:
                lines.append("通话内容摘录：")
                lines.append("  " + self.excerpt)
            lines.append("")
            lines.append("此邮件由家中电脑上的来电护盾发送。请提醒家人不要转账，并尽快回电确认。")
        return "\n".join(lines)


class AlertPolicy:
    """Threshold, de-duplication and cool-down. No Qt; ``clock`` is injectable for tests."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._key_level: dict[str, Level] = {}
        self._number_last: dict[str, tuple[float, Level]] = {}

    def should_alert(self, key: str, number: str, level: Level, threshold: Level, cooldown_s: float) -> bool:
        level = Level.parse(level)
        if level < threshold:
            return False
        previous = self._key_level.get(key)
        if previous is not None and level <= previous:
            return False  # this call already alerted at this level or higher
        now = self._clock()
        if number and previous is None:
            last = self._number_last.get(number)
            if last is not None and now - last[0] < cooldown_s and level <= last[1]:
                return False  # same number rang again within the cool-down
        self._key_level[key] = level
        if number:
            self._number_last[number] = (now, level)
        return True

    def forget(self, key: str) -> None:
        self._key_level.pop(key, None)


class AlertService(QObject):
    alertRaised = Signal(object)  # Alert
    emailSent = Signal(object)  # Alert
    emailFailed = Signal(object, object)  # Alert, exception
    soundPlayed = Signal(str)  # backend used: "sounddevice" | "beep"

    def __init__(self, services: AppServices, clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__(services)
        self._services = services
        self.policy = AlertPolicy(clock)
        self._tray: QSystemTrayIcon | None = None
        self.history: list[Alert] = []
        self.last_sound_backend = ""
        # Rendering screenshots or demos: alerts still show in the window, but no sound or tray pop-up,
        # without changing the user's settings (which the Settings page would then show as off).
        self.muted = False

    # ----------------------------------------------------------------- wiring
    def set_tray(self, tray: QSystemTrayIcon | None) -> None:
        self._tray = tray

    # -------------------------------------------------------------- decisions
    def consider(
        self,
        key: str,
        number: str,
        level: Level,
        reasons: Sequence[str] = (),
        excerpt: str = "",
        source: str = "call",
    ) -> Alert | None:
        """Raise an alert if policy allows; returns the alert or None (below threshold / duplicate / cool-down)."""
        settings = self._services.settings.value
        if not self.policy.should_alert(key, number, level, settings.alert_sensitivity, settings.alert_cooldown_s):
            return None
        alert = Alert(
            key=key,
            number=number,
            level=Level.parse(level),
            reasons=tuple(reasons),
            excerpt=_excerpt(excerpt),
            source=source,
        )
        self.raise_alert(alert)
        return alert

    def raise_alert(self, alert: Alert) -> None:
        settings = self._services.settings.value
        log.info("alert %s for %s", alert.level.name, mask_number(alert.number))
        self.history.append(alert)
        del self.history[:-50]
        self.alertRaised.emit(alert)
        if self.muted:
            return
        if settings.alert_sound:
            self.play_sound(alert.level)
        self._notify_tray(alert)
        if settings.smtp.enabled and settings.smtp.usable:
            self.send_email(alert)

    # ----------------------------------------------------------------- sound
    def play_sound(self, level: Level = Level.WARN) -> None:
        """Play the alert tone off the GUI thread; fall back to the system beep without an audio device."""

        def played(backend: str) -> None:
            self.last_sound_backend = backend
            self.soundPlayed.emit(backend)

        def failed(exc: BaseException) -> None:
            log.info("alert tone unavailable (%s); using the system beep", exc)
            QApplication.beep()
            played("beep")

        self._services.jobs.run(_play_tone, Level.parse(level), on_result=played, on_error=failed, name="alert-sound")

    # ------------------------------------------------------------------ tray
    def _notify_tray(self, alert: Alert) -> None:
        settings = self._services.settings.value
        tray = self._tray
        if not settings.tray_notifications or tray is None or not QSystemTrayIcon.isSystemTrayAvailable():
            return
        lang = _lang()
        icon = (
            QSystemTrayIcon.MessageIcon.Critical if alert.level >= Level.BLOCK else QSystemTrayIcon.MessageIcon.Warning
        )
        first = alert.reasons[0] if alert.reasons else ""
        tray.showMessage(alert.title(lang), first, icon, 15000)

    # ----------------------------------------------------------------- email
    def send_email(
        self,
        alert: Alert,
        smtp: SmtpSettings | None = None,
        on_result: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
    ) -> None:
        config = smtp or self._services.settings.value.smtp
        lang = _lang()

        def sent(_: Any) -> None:
            log.info("alert e-mail sent for %s", mask_number(alert.number))
            self.emailSent.emit(alert)
            if on_result is not None:
                on_result(alert)

        def failed(exc: BaseException) -> None:
            log.warning("alert e-mail failed: %s", exc)
            self.emailFailed.emit(alert, exc)
            if on_error is not None:
                on_error(exc)

        self._services.jobs.run(send_alert_email, config, alert, lang, on_result=sent, on_error=failed, name="email")

    def send_test_email(
        self,
        smtp: SmtpSettings,
        on_result: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
    ) -> None:
        """Send a harmless test message with the given (possibly unsaved) SMTP settings."""
        lang = _lang()
        reason = (
            "This is a test e-mail from CallShield." if lang == "en" else "这是来电护盾的测试邮件，收到说明设置正确。"
        )
        alert = Alert(key="test", number="", level=Level.UNKNOWN, reasons=(reason,), source="test")
        self.send_email(alert, smtp, on_result, on_error)

    def close(self) -> None:
        self._tray = None


def _lang() -> str:
    from app.ui.style import current_language

    return current_language()


def _excerpt(text: str) -> str:
    text = " ".join(text.split())
    if len(text) <= EXCERPT_CHARS:
        return text
    return "…" + text[-EXCERPT_CHARS:]


def build_email(config: SmtpSettings, alert: Alert, lang: str = "zh") -> EmailMessage:
    msg = EmailMessage()
    if alert.source == "test":
        msg["Subject"] = "CallShield test e-mail" if lang == "en" else "来电护盾测试邮件"
    else:
        msg["Subject"] = alert.title(lang)
    sender = config.sender or config.user
    msg["From"] = sender
    msg["To"] = ", ".join(config.recipients)
    msg["Date"] = formatdate(localtime=True)
    msg["Message-ID"] = make_msgid(domain="callshield.local")
    msg["X-CallShield-Level"] = alert.level.name
    msg.set_content(alert.body(lang) if alert.source != "test" else "\n".join(alert.reasons))
    return msg


def send_alert_email(config: SmtpSettings, alert: Alert, lang: str = "zh") -> str:
    """Send one message with smtplib (runs in a worker). Returns the Message-ID. Raises on failure."""
    if not config.host or not config.recipients:
        raise ValueError("SMTP is not configured")
    msg = build_email(config, alert, lang)
    context = ssl.create_default_context()
    smtp: smtplib.SMTP
    if config.tls == "ssl":
        smtp = smtplib.SMTP_SSL(config.host, config.port, timeout=SMTP_TIMEOUT_S, context=context)
    else:
        smtp = smtplib.SMTP(config.host, config.port, timeout=SMTP_TIMEOUT_S)
    with smtp:
        smtp.ehlo()
        if config.tls == "starttls":
            smtp.starttls(context=context)
            smtp.ehlo()
        if config.user:
            smtp.login(config.user, config.password)
        smtp.send_message(msg)
    return str(msg["Message-ID"])


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


def _play_tone(level: Level) -> str:
    """Two-tone alarm through sounddevice (blocking, in a worker). Raises if there is no output device."""
    import sounddevice as sd  # lazy: PortAudio may be missing

    if level not in _TONE_CACHE:
        _TONE_CACHE[level] = alarm_tone(level)
    with sd.RawOutputStream(samplerate=_TONE_RATE, channels=1, dtype="float32") as stream:
        stream.write(_TONE_CACHE[level])
    return "sounddevice"
