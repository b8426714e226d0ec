"""AlertService: decide when a call deserves an alert, then ring, notify, raise the window and e-mail the family.

Decisions (pure, testable with a fake clock):
- threshold: only calls at or above ``settings.alert_sensitivity`` (default WARN) alert;
- de-duplication: one call (``key``) alerts once per level — rising from warn to block alerts again, repeating
  warn does not;
- cool-down: the same number does not alert again at the same or a lower level within ``alert_cooldown_s``.

Effects (each optional, each failing soft): the ``alertRaised`` signal (the main window shows the banner and comes
to front), a sound (sounddevice tone in a worker; ``QApplication.beep`` if there is no audio device), a tray
notification, and an e-mail over SMTP when the user configured one. Nothing leaves the machine unless e-mail is
enabled.

E-mails go one at a time on a worker of their own (the jobs' ``"email"`` lane), each within one deadline for the
whole send (:mod:`app.alerts.email`): a mail server that never answers delays only the next e-mail, never
listening or list updates. ``close()`` cuts a send in flight, so quitting never waits on the mail server. A failure
is logged and reported through ``emailFailed`` with an ``EmailError`` whose code says why; the window shows it.

When a warning the family was e-mailed about is withdrawn (``withdraw``: the whole call did not bear it out, or
the number was added to the allowlist, wherever that happened), one short correction follows on the same lane,
threaded under the alert e-mail ("Re:" its subject, In-Reply-To/References its Message-ID). It is first held for
``withdrawal_grace_s`` (``WITHDRAWAL_GRACE_S``) on the GUI thread, so that a call's last words, flushed and scored
after it ended, can bear the warning out and call it off (``reinstate``) before the family hears of it. The lane's
order puts it after the alert; it goes out only if the alert did, once per alert e-mail, and reports
``withdrawalSent`` / ``withdrawalFailed``. When the warning stands again after the correction went out all the
same, one follow-up ("提醒仍然有效 / The warning stands") replies to the correction (``reinstatementSent`` /
``reinstatementFailed``): the family is never left with a withdrawal the app no longer shows.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from contextlib import nullcontext
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication, QSystemTrayIcon

from app.alerts.email import (
    AlertMail,
    EmailProblem,
    ReinstatementMail,
    SendGuard,
    WithdrawalMail,
    send_alert_mail,
    send_reinstatement_email,
    send_withdrawal_email,
)
from app.alerts.policy import Alert, AlertPolicy, Reinstatement, Withdrawal, WithdrawalNote, excerpt_of
from app.alerts.tone import play_tone
from app.operations import DataArea
from app.settings import SmtpSettings
from screening.i18n import BiText, Message
from screening.privacy import mask_number
from screening.types import Level

if TYPE_CHECKING:
    from app.services import AppServices

log = logging.getLogger(__name__)

MAILS_KEPT = 50  # calls whose alert e-mails are remembered for a withdrawal
# How long a correction waits before it goes on the e-mail lane. A live call's warning is withdrawn the moment it
# ends, while its recogniser still flushes the last words (Vosk's final() on the large model: up to about a second
# on a busy PC) and the detector scores them (milliseconds); if those words bear the warning out, the correction is
# called off within this time and the family never hears of it. Later than that, a follow-up takes it back.
WITHDRAWAL_GRACE_S = 5.0


class AlertService(QObject):
    alertRaised = Signal(object)  # Alert
    emailSent = Signal(object)  # Alert
    emailFailed = Signal(object, object)  # Alert, exception (an EmailError: ``.code``, ``.message`` to render)
    soundPlayed = Signal(str)  # backend used: "sounddevice" | "beep"
    withdrawalSent = Signal(object)  # Withdrawal: the family was told that an alert e-mailed to them was withdrawn
    withdrawalFailed = Signal(object, object)  # Withdrawal, exception (an EmailError, as for emailFailed)
    reinstatementSent = Signal(object)  # Reinstatement: the family was told the warning stands after all
    reinstatementFailed = Signal(object, object)  # Reinstatement, exception (an EmailError, as for emailFailed)

    def __init__(
        self,
        services: AppServices,
        clock: Callable[[], float] = time.monotonic,
        withdrawal_grace_s: float = WITHDRAWAL_GRACE_S,
    ) -> None:
        super().__init__(services)
        self._services = services
        self.policy = AlertPolicy(clock)
        self._tray: QSystemTrayIcon | None = None
        self.history: list[Alert] = []
        self.last_sound_backend = ""
        # Rendering screenshots or demos: alerts still show in the window, but no sound or tray pop-up,
        # without changing the user's settings (which the Settings page would then show as off).
        self.muted = False
        self._sending: set[SendGuard] = set()  # e-mails queued or in flight, cut on close
        # Each call's alert e-mails (key → in the order queued), for the correction when its warning is withdrawn;
        # the last MAILS_KEPT calls only.
        self._mails: dict[str, list[AlertMail]] = {}
        self.withdrawal_grace_s = withdrawal_grace_s  # (tests shorten it)
        self._held: dict[WithdrawalMail, QTimer] = {}  # corrections in their grace period (GUI thread)
        # Whether each remembered call's number was on the allowlist when last looked at (its alert, then each
        # change of the lists): a call whose number is added to it is withdrawn, one already on it is not.
        self._trusted: dict[str, bool] = {}
        services.dataChanged.connect(self._data_changed)

    # ----------------------------------------------------------------- wiring
    def set_tray(self, tray: QSystemTrayIcon | None) -> None:
        self._tray = tray

    # -------------------------------------------------------------- decisions
    def consider(
        self,
        key: str,
        number: str,
        level: Level,
        reasons: Sequence[Any] = (),
        excerpt: str = "",
        source: str = "call",
        line: str = "",
        simulated: bool = False,
    ) -> Alert | None:
        """Raise an alert if policy allows; returns the alert or None (below threshold / duplicate / cool-down)."""
        settings = self._services.settings.value
        if not self.policy.should_alert(
            key, number, level, settings.alert_sensitivity, settings.alert_cooldown_s, line=line
        ):
            return None
        alert = Alert(
            key=key,
            number=number,
            level=Level.parse(level),
            reasons=tuple(reasons),
            excerpt=excerpt_of(excerpt),
            source=source,
            line=line,
            simulated=simulated,
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

        speech = getattr(self._services, "speech", None)

        def tone(parsed: Level) -> str:
            # a device rescan does not re-initialise PortAudio under the tone
            with speech.holding_audio() if speech is not None else nullcontext():
                return play_tone(parsed)

        self._services.jobs.run(tone, Level.parse(level), on_result=played, on_error=failed, name="alert-sound")

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
        texts = alert.reason_texts(lang)
        first = texts[0] if texts else ""
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
        mail = AlertMail(alert, _lang())
        if smtp is None and alert.source != "test":  # an alert to the family: a withdrawal may follow it
            self._remember(mail)

        def sent(_: Any) -> None:
            log.info("alert e-mail sent for %s", mask_number(alert.number))
            self.emailSent.emit(alert)
            if on_result is not None:
                on_result(alert)

        def failed(exc: BaseException) -> None:
            log.warning("alert e-mail failed: %s", exc)  # the EmailError's text names the server, not the password
            self.emailFailed.emit(alert, exc)
            if on_error is not None:
                on_error(exc)

        self._send(send_alert_mail, config, mail, sent, failed, "email")

    def _send(
        self,
        send: Callable[..., str],
        config: SmtpSettings,
        mail: AlertMail | WithdrawalMail | ReinstatementMail,
        sent: Callable[[str], None],
        failed: Callable[[BaseException], None],
        name: str,
    ) -> None:
        """One e-mail on the e-mail lane (one worker, in order), within the send deadline; cut on close."""
        guard = SendGuard()
        self._sending.add(guard)

        def done(message_id: str) -> None:
            self._sending.discard(guard)
            sent(message_id)

        def broke(exc: BaseException) -> None:
            self._sending.discard(guard)
            failed(exc)

        self._services.jobs.run(
            send, config, mail, guard=guard, on_result=done, on_error=broke, lane="email", name=name
        )

    def _remember(self, mail: AlertMail) -> None:
        key = mail.alert.key
        mails = self._mails.pop(key, [])  # (re-inserted: the most recent calls are the last ones)
        mails.append(mail)
        self._mails[key] = mails
        if key not in self._trusted:
            self._trusted[key] = self._on_allowlist({mail.alert.number}).get(mail.alert.number, False)
        for old in list(self._mails)[:-MAILS_KEPT]:
            del self._mails[old]
            self._trusted.pop(old, None)

    # ------------------------------------------------------------ withdrawal
    def withdraw(self, key: str, reason: Any) -> bool:
        """The warning of call ``key`` was withdrawn (``reason``: a code, rendered in the alert e-mail's language).

        When the family was e-mailed about it, one short correction follows on the e-mail lane, threaded under the
        alert e-mail; it is held for ``withdrawal_grace_s`` first (``reinstate`` calls it off meanwhile), then queued
        behind an alert e-mail still waiting or sending, and sent only if that one went out. Each alert e-mail gets
        at most one (until a follow-up says that its warning stands). True when a correction is on its way."""
        settings = self._services.settings.value
        open_mails = [m for m in self._mails.get(key, ()) if m.claim is None or m.claim.called_off.is_set()]
        if not open_mails or self.muted or not (settings.smtp.enabled and settings.smtp.usable):
            return False
        pending = WithdrawalMail(Withdrawal(open_mails[-1].alert, reason), open_mails)
        for mail in open_mails:
            mail.claim = pending
        timer = QTimer(self)
        timer.setSingleShot(True)
        timer.timeout.connect(lambda: self._release(pending))
        self._held[pending] = timer
        timer.start(max(0, round(self.withdrawal_grace_s * 1000)))
        return True

    def _release(self, pending: WithdrawalMail) -> None:
        """The correction's grace period is over (GUI thread): unless called off, it goes on the e-mail lane."""
        timer = self._held.pop(pending, None)
        if timer is not None:
            timer.deleteLater()
        smtp = self._services.settings.value.smtp
        if pending.called_off.is_set():
            return
        if not (smtp.enabled and smtp.usable):  # e-mail turned off meanwhile: not sent (a later one may be)
            pending.called_off.set()
            return
        pending.queued = True
        withdrawal = pending.withdrawal
        number = mask_number(withdrawal.alert.number)

        def sent(message_id: str) -> None:
            if not message_id:
                log.info("no withdrawal e-mail for %s: its alert e-mail did not go out, or it was called off", number)
                return
            log.info("alert withdrawal e-mail sent for %s", number)
            self.withdrawalSent.emit(withdrawal)

        def failed(exc: BaseException) -> None:
            log.warning("alert withdrawal e-mail failed: %s", exc)
            self.withdrawalFailed.emit(withdrawal, exc)

        self._send(send_withdrawal_email, smtp, pending, sent, failed, "email-withdrawal")

    def reinstate(self, key: str, reason: Any) -> None:
        """The withdrawn warning of call ``key`` stands again (``reason``: why, e.g. the call's last words bore it
        out). A correction still held or waiting on the lane is called off; one that went out all the same is
        followed by one short e-mail, threaded under it, saying that the warning stands."""
        claims = {id(m.claim): m.claim for m in self._mails.get(key, ()) if m.claim is not None}
        for claim in claims.values():
            if claim.called_off.is_set():
                continue
            claim.called_off.set()
            timer = self._held.pop(claim, None)
            if timer is not None:  # still in its grace period: the family never hears of it
                timer.stop()
                timer.deleteLater()
            if claim.queued:  # on the lane: it may have gone out already, the lane knows (and says so in order)
                self._send_reinstatement(Reinstatement(claim.withdrawal, reason), claim)

    def _send_reinstatement(self, reinstatement: Reinstatement, correction: WithdrawalMail) -> None:
        number = mask_number(reinstatement.alert.number)

        def sent(message_id: str) -> None:
            if not message_id:
                log.info("no reinstatement e-mail for %s: its correction did not go out", number)
                return
            log.info("alert reinstatement e-mail sent for %s", number)
            self.reinstatementSent.emit(reinstatement)

        def failed(exc: BaseException) -> None:
            log.warning("alert reinstatement e-mail failed: %s", exc)
            self.reinstatementFailed.emit(reinstatement, exc)

        pending = ReinstatementMail(reinstatement, correction)
        smtp = self._services.settings.value.smtp
        self._send(send_reinstatement_email, smtp, pending, sent, failed, "email-reinstatement")

    @property
    def held_withdrawals(self) -> int:
        """Corrections waiting out their grace period."""
        return len(self._held)

    # ------------------------------------------------------------- allowlist
    def _data_changed(self, area: object) -> None:
        if area is DataArea.LISTS:
            self.withdraw_trusted()

    def withdraw_trusted(self) -> int:
        """The lists changed (GUI thread, ``dataChanged``): every call the family was e-mailed about whose number
        is on the allowlist now and was not at the last look (its alert, or the last change of the lists) is
        withdrawn, however the number was added (a call's card, the Check or Lists page, an import) and however it
        was written there: the list store decides, as it does when a call is screened (``ListStore.lookup``: the
        number's key, and patterns too). Returns how many corrections are on their way."""
        if not self._mails:
            return 0
        trusted = self._on_allowlist({mails[-1].alert.number for mails in self._mails.values()})
        withdrawn = 0
        for key, mails in list(self._mails.items()):
            now = trusted.get(mails[-1].alert.number)
            if now is None:
                continue
            was, self._trusted[key] = self._trusted.get(key, False), now
            if now and not was:
                withdrawn += self.withdraw(key, Message(WithdrawalNote.TRUSTED))
        return withdrawn

    def _on_allowlist(self, numbers: set[str]) -> dict[str, bool]:
        """Whether each number is on an enabled allowlist now (GUI thread: indexed lookups); left out if unknown."""
        try:
            store = self._services.store()
            store.lists()  # picks up list changes made a moment ago on the writer's connection
            return {n: bool(n) and any(not m.list_kind.blocks for m in store.lookup(n)) for n in numbers}
        except Exception:  # a broken database must not stop the alerts; the next change looks again
            log.exception("cannot look numbers up in the allowlist")
            return {}

    def send_test_email(
        self,
        smtp: SmtpSettings,
        on_result: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
    ) -> None:
        """Send a harmless test message with the given (possibly unsaved) SMTP settings."""
        reason = BiText("这是来电护盾的测试邮件，收到说明设置正确。", "This is a test e-mail from CallShield.")
        alert = Alert(key="test", number="", level=Level.UNKNOWN, reasons=(reason,), source="test")
        self.send_email(alert, smtp, on_result, on_error)

    def close(self) -> None:
        """Cut the e-mails still queued or sending, so the jobs' shutdown joins their worker at once."""
        self._tray = None
        for timer in self._held.values():  # corrections still in their grace period are not sent
            timer.stop()
        self._held.clear()
        for guard in list(self._sending):
            guard.cut(EmailProblem.STOPPED)
        self._sending.clear()


def _lang() -> str:
    from app.i18n import current_language

    return current_language()
