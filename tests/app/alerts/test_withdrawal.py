"""A withdrawn warning the family was e-mailed about: one correction follows the alert e-mail, threaded under it.

Real parts: AppServices on a temporary data dir (real job runner with its e-mail lane, real detector, real call
bridge, real SQLite lists) and a real SMTP server (aiosmtpd) on 127.0.0.1. What each test checks arrives at that
server. The grace period a correction is held for is cut to nothing here, except where a test is about it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from email.message import Message as EmailMessage
from typing import Any

import pytest

from app.alerts.policy import Reinstatement, Withdrawal, WithdrawalNote
from app.live.service import CallNote
from screening.i18n import Message
from screening.types import Level, TranscriptSegment
from tests.app.conftest import Inbox, free_port, local_smtp
from tests.app.live.test_call_ends import TEACHER, EndlessSilence, SlowFlushRecognizer, _call, _teacher_call

WITHDRAWN = Message(CallNote.WITHDRAWN)
STANDS = Message(CallNote.LAST_WORDS)


@pytest.fixture(autouse=True)
def _no_grace(services) -> None:
    services.alerts.withdrawal_grace_s = 0.0


def _body(msg: EmailMessage) -> str:
    return str(msg.get_body().get_content())  # type: ignore[attr-defined]


def _assert_threaded(alert: EmailMessage, correction: EmailMessage) -> None:
    """The correction replies to the alert: "Re:" its subject, In-Reply-To and References its Message-ID."""
    assert alert["Message-ID"] and alert["Message-ID"] != correction["Message-ID"]
    assert correction["Subject"] == f"Re: {alert['Subject']}"
    assert correction["In-Reply-To"] == alert["Message-ID"]
    assert alert["Message-ID"] in correction["References"].split()


@pytest.fixture
def held_lane(services) -> Iterator[threading.Event]:
    """The e-mail lane is busy (a send to a slow server) until the test sets the event: what is queued waits."""
    release = threading.Event()
    started = threading.Event()

    def busy() -> None:
        started.set()
        release.wait(10)

    services.jobs.run(busy, lane="email", name="busy-email")
    assert started.wait(10)
    yield release
    release.set()


def test_a_withdrawn_alert_is_followed_by_one_threaded_correction(qtbot, services, smtp_server, wait_jobs) -> None:
    inbox, port = smtp_server
    services.settings.update(smtp=local_smtp(port))
    alerts = services.alerts
    with qtbot.waitSignal(alerts.emailSent, timeout=10_000):
        alerts.consider("call-40", "95275012", Level.WARN, ["租用的 95 号段"], excerpt="请把钱转到安全账户")
    with qtbot.waitSignal(alerts.withdrawalSent, timeout=10_000) as sent:
        assert alerts.withdraw("call-40", WITHDRAWN)
    assert not alerts.withdraw("call-40", WITHDRAWN)  # withdrawn again (the user trusts it too): nothing more
    services.calls.trust("95275012")
    wait_jobs()

    assert len(inbox.messages) == 2
    alert, correction = inbox.messages
    assert alert["Subject"] == "来电护盾警告：95275012"
    _assert_threaded(alert, correction)
    body = _body(correction)
    assert body.startswith("更正：刚才关于 95275012 的诈骗提醒已撤回。"), body
    assert "原因：通话中曾发出警告；整通电话听下来不像诈骗话术" in body
    assert "安全账户" not in body and "95 号段" not in body  # a correction, not the alert again
    assert inbox.envelopes[1] == inbox.envelopes[0]  # the same sender and family member
    assert sent.args[0].alert.key == "call-40"


def test_a_correction_queued_behind_its_alert_arrives_after_it(
    qtbot, services, smtp_server, held_lane, wait_jobs
) -> None:
    """Withdrawn while the alert e-mail still waits its turn (the lane busy with another send): the alert goes out
    first, then its correction."""
    inbox, port = smtp_server
    services.settings.update(smtp=local_smtp(port))
    alerts = services.alerts
    alerts.consider("call-41", "95275012", Level.WARN, ["租用的 95 号段"])
    assert alerts.withdraw("call-41", WITHDRAWN)  # queued: nothing has been sent yet
    assert inbox.messages == []
    with qtbot.waitSignal(alerts.withdrawalSent, timeout=10_000):
        held_lane.set()
    wait_jobs()
    assert [m["Subject"] for m in inbox.messages] == ["来电护盾警告：95275012", "Re: 来电护盾警告：95275012"]
    _assert_threaded(*inbox.messages)


class RefusingInbox(Inbox):
    """A mail server that refuses the first message it is given and takes the rest."""

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if not getattr(self, "refused", False):
            self.refused = True
            return "550 refused"
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture
def refusing_smtp() -> Iterator[tuple[RefusingInbox, int]]:
    from aiosmtpd.controller import Controller

    inbox = RefusingInbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


def test_no_correction_when_the_alert_e_mail_failed(qtbot, services, refusing_smtp, held_lane, wait_jobs) -> None:
    """The alert e-mail was refused, so the family never got it: no correction either (the server would take it)."""
    inbox, port = refusing_smtp
    services.settings.update(smtp=local_smtp(port))
    alerts = services.alerts
    outcome: list[object] = []
    alerts.withdrawalSent.connect(outcome.append)
    alerts.withdrawalFailed.connect(lambda w, exc: outcome.append(exc))
    alerts.consider("call-42", "95275012", Level.WARN, ["租用的 95 号段"])
    alerts.withdraw("call-42", WITHDRAWN)  # queued behind the alert, whose fate is not known yet
    with qtbot.waitSignal(alerts.emailFailed, timeout=10_000):
        held_lane.set()
    wait_jobs()
    assert inbox.refused and inbox.messages == [] and outcome == []
    # the server takes mail now: a later alert of another call and its correction go out (the lane still works)
    with qtbot.waitSignal(alerts.emailSent, timeout=10_000):
        alerts.consider("call-43", "02161234567", Level.WARN, ["x"])
    with qtbot.waitSignal(alerts.withdrawalSent, timeout=10_000):
        alerts.withdraw("call-43", WITHDRAWN)
    assert [m["Subject"] for m in inbox.messages] == ["来电护盾警告：02161234567", "Re: 来电护盾警告：02161234567"]


def test_no_correction_for_an_alert_never_e_mailed(qtbot, services, smtp_server, wait_jobs) -> None:
    """Suppressed by the cool-down, or raised while e-mail was off: nothing was sent, so nothing is corrected."""
    inbox, port = smtp_server
    services.settings.update(smtp=local_smtp(port))
    alerts = services.alerts
    with qtbot.waitSignal(alerts.emailSent, timeout=10_000):
        alerts.consider("call-44", "95275012", Level.WARN, ["x"])
    assert alerts.consider("call-45", "95275012", Level.WARN, ["x"]) is None  # same number again: cool-down
    assert not alerts.withdraw("call-45", WITHDRAWN)
    services.settings.update(smtp=local_smtp(port, enabled=False))
    assert alerts.consider("call-46", "02161234567", Level.WARN, ["x"]) is not None
    services.settings.update(smtp=local_smtp(port))
    assert not alerts.withdraw("call-46", WITHDRAWN)
    wait_jobs()
    assert [m["Subject"] for m in inbox.messages] == ["来电护盾警告：95275012"]


def test_a_warning_that_stands_again_calls_off_a_correction_not_yet_sent(
    qtbot, services, smtp_server, held_lane, wait_jobs
) -> None:
    inbox, port = smtp_server
    services.settings.update(smtp=local_smtp(port))
    alerts = services.alerts
    alerts.consider("call-47", "95275012", Level.WARN, ["x"])
    assert alerts.withdraw("call-47", WITHDRAWN)
    qtbot.waitUntil(lambda: alerts.held_withdrawals == 0)  # on the lane, behind the alert
    alerts.reinstate("call-47", STANDS)  # the call's last words bore the warning out after all
    with qtbot.waitSignal(alerts.emailSent, timeout=10_000):
        held_lane.set()
    wait_jobs()
    assert [m["Subject"] for m in inbox.messages] == ["来电护盾警告：95275012"]
    with qtbot.waitSignal(alerts.withdrawalSent, timeout=10_000):  # withdrawn for good: now it goes
        assert alerts.withdraw("call-47", WITHDRAWN)
    assert len(inbox.messages) == 2
    _assert_threaded(*inbox.messages)
    assert not alerts.withdraw("call-47", WITHDRAWN)  # withdrawn once more: no second correction
    wait_jobs()
    assert len(inbox.messages) == 2


def test_the_correction_is_in_the_alert_e_mails_language(qtbot, qapp, services, smtp_server, wait_jobs) -> None:
    from app.i18n import install_language

    inbox, port = smtp_server
    services.settings.update(smtp=local_smtp(port))
    alerts = services.alerts
    install_language(qapp, "en")
    with qtbot.waitSignal(alerts.emailSent, timeout=10_000):
        alerts.consider("call-48", "95275012", Level.WARN, ["x"])
    install_language(qapp, "zh")  # the app's language changed between the alert and its withdrawal
    with qtbot.waitSignal(alerts.withdrawalSent, timeout=10_000):
        alerts.withdraw("call-48", Message(WithdrawalNote.TRUSTED))
    alert, correction = inbox.messages
    assert correction["Subject"] == f"Re: {alert['Subject']}" == "Re: CallShield warning: 95275012"
    body = _body(correction)
    assert body.startswith("Correction: the scam alert about 95275012 was withdrawn.")
    assert "Because: the person who took the call added this number to the trusted list" in body
    assert "更正" not in body


# ------------------------------------------------------------------------------------ from a live call
def test_a_live_warning_withdrawn_when_the_call_ends_sends_the_correction(
    qtbot, services, smtp_server, wait_jobs
) -> None:
    """The teacher's call peaks at a warning (alert e-mail), then, heard whole, is withdrawn when it ends."""
    inbox, port = smtp_server
    services.settings.update(smtp=local_smtp(port))
    with qtbot.waitSignal(services.alerts.emailSent, timeout=10_000):
        state = _teacher_call(qtbot, services)
    with qtbot.waitSignal(services.alerts.withdrawalSent, timeout=10_000):
        services.calls.stop_line("manual")
    assert state.withdrawn
    services.calls.trust(state.number)  # 这是熟人 as well: the family was already told
    wait_jobs()
    assert len(inbox.messages) == 2
    alert, correction = inbox.messages
    assert alert["Subject"].endswith("13912345678") and "研学费" in _body(alert)
    _assert_threaded(alert, correction)
    assert "整通电话听下来不像诈骗话术" in _body(correction) and "研学费" not in _body(correction)


def test_trusting_the_number_during_a_live_call_withdraws_its_alert(qtbot, services, smtp_server, wait_jobs) -> None:
    inbox, port = smtp_server
    services.settings.update(smtp=local_smtp(port))
    with qtbot.waitSignal(services.alerts.emailSent, timeout=10_000):
        services.calls.simulate_call("95275012")  # a leased 95 number: a warning from the number alone
    state = services.calls.lines["manual"]
    assert state.level >= Level.WARN
    with qtbot.waitSignal(services.alerts.withdrawalSent, timeout=10_000):
        services.calls.trust("95275012")
    services.calls.feed_segment("manual", TranscriptSegment("喂，是我，你表哥", True, 0.0, 1.0))
    services.calls.stop_line("manual")
    wait_jobs()
    assert len(inbox.messages) == 2
    _assert_threaded(*inbox.messages)
    assert "原因：接电话的人把这个号码加入了白名单（家人、熟人）" in _body(inbox.messages[1])


def test_a_failed_correction_shows_the_window_notice(qtbot, services, smtp_server) -> None:
    """The alert went out, the correction did not (the mail server went away): the window says so, as it does for a
    failed alert e-mail."""
    from PySide6.QtWidgets import QApplication

    from app.gui import build_window

    window = build_window(QApplication.instance(), services)
    qtbot.addWidget(window)
    window.show()
    inbox, port = smtp_server
    services.settings.update(smtp=local_smtp(port))
    with qtbot.waitSignal(services.alerts.emailSent, timeout=10_000):
        services.alerts.consider("call-49", "95275012", Level.WARN, ["x"])
    services.settings.update(smtp=local_smtp(free_port()))  # nothing listens there any more
    with qtbot.waitSignal(services.alerts.withdrawalFailed, timeout=10_000):
        assert services.alerts.withdraw("call-49", WITHDRAWN)
    notice = window.email_notice
    assert notice.isVisible()
    text = notice.text.text()
    assert "更正邮件没有发出去" in text and "连不上" in text and "95275012" in text and "撤回" in text, text
    assert isinstance(notice.alert, Withdrawal) and notice.alert.alert.key == "call-49"
    assert len(inbox.messages) == 1


# ------------------------------------------------------------------ the call's last words, flushed after hang-up
# Heard after the teacher's call, these words make the whole call read like a fee scam again: back to a warning, the
# level it already alerted at, so no new alert e-mail follows (the policy alerts once per call and level).
STANDS_TAIL = "您先转八百到我微信，别跟别人说"


def _teacher_call_flushing_last_words(qtbot, services, release: threading.Event):
    """The teacher's call heard on a recogniser whose last words (STANDS_TAIL) come out only after ``release``."""
    state = _call(qtbot, services, "13912345678")
    script: list[tuple[object, ...]] = [("final", piece, float(i), i + 0.9) for i, piece in enumerate(TEACHER)]
    with qtbot.waitSignal(services.alerts.emailSent, timeout=10_000):
        services.calls.listen("manual", EndlessSilence(), SlowFlushRecognizer(STANDS_TAIL, release, script))
        qtbot.waitUntil(lambda: len(state.final_text) == len(TEACHER), timeout=10_000)
    assert state.level is Level.WARN
    return state


def test_a_correction_waits_for_the_last_words_that_bear_the_warning_out(
    qtbot, services, smtp_server, wait_jobs
) -> None:
    """A reviewer's race: the warning is withdrawn at hang-up while the recogniser still flushes the last words. On
    an idle e-mail lane the correction went out at once; the last words then brought the warning back, and the
    family was left with "withdrawn" while the app showed a warning. Held for its grace period, it is called off."""
    inbox, port = smtp_server
    services.settings.update(smtp=local_smtp(port))
    alerts = services.alerts
    alerts.withdrawal_grace_s = 2.0
    release = threading.Event()
    state = _teacher_call_flushing_last_words(qtbot, services, release)
    services.calls.stop_line("manual")
    ended = time.monotonic()
    assert state.withdrawn and alerts.held_withdrawals == 1  # the card says so at once; the family not yet
    qtbot.wait(300)  # the e-mail lane is idle: a correction not held would be out by now
    release.set()  # the last words come out
    qtbot.waitUntil(lambda: not state.withdrawn, timeout=10_000)
    assert time.monotonic() - ended < alerts.withdrawal_grace_s  # (within the grace period, as on a real PC)
    assert state.level is Level.WARN and alerts.held_withdrawals == 0
    qtbot.wait(round(alerts.withdrawal_grace_s * 1000))  # past the end of the grace period: nothing goes out
    wait_jobs()
    assert [m["Subject"] for m in inbox.messages] == ["【模拟】来电护盾警告：13912345678"]  # (a 模拟来电 says so)


def test_a_correction_that_went_out_before_the_last_words_is_followed_by_the_warning_stands(
    qtbot, services, smtp_server, wait_jobs
) -> None:
    """Last words slower than the grace period: the correction has gone out, so one follow-up, threaded under it,
    tells the family that the warning stands after all."""
    inbox, port = smtp_server
    services.settings.update(smtp=local_smtp(port))
    alerts = services.alerts
    release = threading.Event()
    state = _teacher_call_flushing_last_words(qtbot, services, release)
    with qtbot.waitSignal(alerts.withdrawalSent, timeout=10_000):
        services.calls.stop_line("manual")
    release.set()
    qtbot.waitUntil(lambda: len(inbox.messages) == 3, timeout=10_000)
    wait_jobs()
    assert not state.withdrawn and state.level is Level.WARN
    alert, correction, stands = inbox.messages
    _assert_threaded(alert, correction)
    assert stands["Subject"] == f"Re: {alert['Subject']}"
    assert stands["In-Reply-To"] == correction["Message-ID"]
    assert stands["References"].split() == [alert["Message-ID"], correction["Message-ID"]]
    body = _body(stands)
    assert body.startswith("提醒仍然有效：关于 13912345678 的诈骗提醒并没有撤回"), body
    assert "原因：挂断后才识别完的最后几句话" in body and "微信" not in body  # no transcript in an e-mail
    history = services.history().get(state.history_id)
    assert history["level"] is Level.WARN


def test_the_warning_stands_once_and_a_later_trust_corrects_it_again(qtbot, services, smtp_server, wait_jobs) -> None:
    """The family is told each change the app shows, once: withdrawn, stands, then trusted (withdrawn again)."""
    inbox, port = smtp_server
    services.settings.update(smtp=local_smtp(port))
    alerts = services.alerts
    with qtbot.waitSignal(alerts.emailSent, timeout=10_000):
        alerts.consider("call-60", "13912345678", Level.WARN, ["x"])
    with qtbot.waitSignal(alerts.withdrawalSent, timeout=10_000):
        alerts.withdraw("call-60", WITHDRAWN)
    with qtbot.waitSignal(alerts.reinstatementSent, timeout=10_000) as stood:
        alerts.reinstate("call-60", STANDS)
    alerts.reinstate("call-60", STANDS)  # again: nothing more
    assert isinstance(stood.args[0], Reinstatement) and stood.args[0].alert.key == "call-60"
    with qtbot.waitSignal(alerts.withdrawalSent, timeout=10_000):
        services.calls.trust("13912345678")
    wait_jobs()
    bodies = [_body(m).splitlines()[0] for m in inbox.messages]
    assert [b.split("：")[0] for b in bodies] == ["号码", "更正", "提醒仍然有效", "更正"], bodies
    assert "加入了白名单" in _body(inbox.messages[3])


def test_a_failed_warning_stands_e_mail_shows_the_window_notice(qtbot, services, smtp_server) -> None:
    from PySide6.QtWidgets import QApplication

    from app.gui import build_window

    window = build_window(QApplication.instance(), services)
    qtbot.addWidget(window)
    window.show()
    inbox, port = smtp_server
    services.settings.update(smtp=local_smtp(port))
    alerts = services.alerts
    with qtbot.waitSignal(alerts.emailSent, timeout=10_000):
        alerts.consider("call-61", "95275012", Level.WARN, ["x"])
    with qtbot.waitSignal(alerts.withdrawalSent, timeout=10_000):
        alerts.withdraw("call-61", WITHDRAWN)
    services.settings.update(smtp=local_smtp(free_port()))  # nothing listens there any more
    with qtbot.waitSignal(alerts.reinstatementFailed, timeout=10_000):
        alerts.reinstate("call-61", STANDS)
    text = window.email_notice.text.text()
    assert "“提醒仍然有效”邮件没有发出去" in text and "95275012" in text and "直接告诉家人" in text, text
    assert isinstance(window.email_notice.alert, Reinstatement)
    assert len(inbox.messages) == 2


# ---------------------------------------------------------------- the number added to the allowlist, anywhere
def _alerted(qtbot, services, port: int, key: str = "call-70", number: str = "13912345678") -> None:
    """An alert e-mailed to the family about ``number`` as caller ID showed it (no +86)."""
    services.settings.update(smtp=local_smtp(port))
    with qtbot.waitSignal(services.alerts.emailSent, timeout=10_000):
        services.alerts.consider(key, number, Level.WARN, ["x"])


def _trusted_correction(qtbot, inbox, wait_jobs) -> None:
    qtbot.waitUntil(lambda: len(inbox.messages) == 2, timeout=10_000)
    wait_jobs()
    assert len(inbox.messages) == 2
    _assert_threaded(*inbox.messages)
    assert "原因：接电话的人把这个号码加入了白名单" in _body(inbox.messages[1])


def test_trusting_the_number_on_the_check_page_withdraws_its_alert(qtbot, services, smtp_server, wait_jobs) -> None:
    """查号: the number checked as "+86 139 1234 5678" and added to the allowlist (the page adds its E.164 form)."""
    from app.ui.page_check import CheckPage

    inbox, port = smtp_server
    _alerted(qtbot, services, port)
    page = CheckPage(services)
    qtbot.addWidget(page)
    page.show()
    page.input.setPlainText("+86 139 1234 5678")
    page.check_pasted()
    wait_jobs()
    page.table.select_source_row(0)
    page.list_combo.setCurrentIndex(page.list_combo.findData("allow"))
    page.add_selected_to_list()
    _trusted_correction(qtbot, inbox, wait_jobs)
    assert services.store().find("allow", "13912345678") is not None


def test_trusting_the_number_on_the_lists_page_withdraws_its_alert(qtbot, services, smtp_server, wait_jobs) -> None:
    """名单: typed as "0086 139-1234-5678" into the allowlist."""
    from app.ui.page_lists import ListsPage

    inbox, port = smtp_server
    _alerted(qtbot, services, port)
    page = ListsPage(services)
    qtbot.addWidget(page)
    page.show()
    wait_jobs()
    page.reload_lists(select="allow")
    wait_jobs()
    assert page.current_list_name() == "allow"
    page.add_entry()
    page.entry_dialog.pattern_edit.setText("0086 139-1234-5678")
    page.entry_dialog._validate()
    _trusted_correction(qtbot, inbox, wait_jobs)


def test_importing_the_number_into_the_allowlist_withdraws_its_alert(
    qtbot, services, smtp_server, wait_jobs, tmp_path
) -> None:
    from app.ui.page_lists import ListsPage

    inbox, port = smtp_server
    _alerted(qtbot, services, port)
    src = tmp_path / "家人.txt"
    src.write_text("+8613912345678\n13700137000\n", encoding="utf-8")
    page = ListsPage(services)
    qtbot.addWidget(page)
    page.show()
    wait_jobs()
    page.start_import(str(src))
    wait_jobs()
    dialog = page.preview_dialog
    dialog.target.setCurrentIndex(dialog.target.findData("allow"))
    dialog.accept()
    _trusted_correction(qtbot, inbox, wait_jobs)


def test_list_changes_leave_alerts_about_numbers_not_newly_trusted(qtbot, services, smtp_server, wait_jobs) -> None:
    """Only a number added to the allowlist after its alert is withdrawn: not one blocked, nor one that was already
    trusted when it alerted (its words were a scam script), whatever else changes in the lists."""
    from app.operations import DataArea
    from app.operations.calls import add_number

    inbox, port = smtp_server
    services.write(add_number, services, "allow", "+8613700137000", "custom", "", area=DataArea.LISTS)
    wait_jobs()
    _alerted(qtbot, services, port, "call-71", "13700137000")  # on the allowlist already
    _alerted(qtbot, services, port, "call-72", "13912345678")
    services.write(add_number, services, "block", "13912345678", "fraud", "", area=DataArea.LISTS)
    services.write(add_number, services, "allow", "13800138000", "custom", "", area=DataArea.LISTS)  # another one
    qtbot.wait(100)
    wait_jobs()
    assert len(inbox.messages) == 2 and all(not m["Subject"].startswith("Re:") for m in inbox.messages)
