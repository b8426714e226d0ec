"""AlertService: threshold, de-duplication, cool-down, sound fallback, and e-mail to a real SMTP server."""

from __future__ import annotations

import dataclasses
import threading

from app.alerts.email import EmailProblem, send_alert_email
from app.alerts.policy import Alert, AlertPolicy
from screening.types import Level, TranscriptSegment
from tests.app.conftest import free_port, local_smtp
from tests.helpers.clock import FakeClock
from tests.helpers.devices import record_portaudio_restarts, scan_devices


# ------------------------------------------------------------------------------------------ policy
def test_policy_threshold() -> None:
    policy = AlertPolicy(FakeClock())
    assert not policy.should_alert("c1", "95275012", Level.CAUTION, Level.WARN, 120)
    assert policy.should_alert("c2", "95275012", Level.WARN, Level.WARN, 120)
    assert policy.should_alert("c3", "13800000000", Level.CAUTION, Level.CAUTION, 120)


def test_policy_one_call_alerts_once_per_level_but_escalates() -> None:
    policy = AlertPolicy(FakeClock())
    assert policy.should_alert("call-1", "95275012", Level.WARN, Level.WARN, 120)
    assert not policy.should_alert("call-1", "95275012", Level.WARN, Level.WARN, 120)  # duplicate
    assert policy.should_alert("call-1", "95275012", Level.BLOCK, Level.WARN, 120)  # rose to block
    assert not policy.should_alert("call-1", "95275012", Level.BLOCK, Level.WARN, 120)
    assert not policy.should_alert("call-1", "95275012", Level.WARN, Level.WARN, 120)  # fell back


def test_policy_cooldown_per_number() -> None:
    clock = FakeClock()
    policy = AlertPolicy(clock)
    assert policy.should_alert("call-1", "95275012", Level.WARN, Level.WARN, 120)
    clock.now += 30
    assert not policy.should_alert("call-2", "95275012", Level.WARN, Level.WARN, 120)  # rang again soon
    assert policy.should_alert("call-3", "02161234567", Level.WARN, Level.WARN, 120)  # other number
    clock.now += 100  # 130 s after the first alert
    assert policy.should_alert("call-4", "95275012", Level.WARN, Level.WARN, 120)


def test_policy_cooldown_is_per_line() -> None:
    """The same scammer ringing a hotline's second line within the cool-down reaches another operator: alerted too (a
    trial); the same line again is not."""
    clock = FakeClock()
    policy = AlertPolicy(clock)
    assert policy.should_alert("call-1", "95275077", Level.WARN, Level.WARN, 120, line="前台")
    clock.now += 11
    assert policy.should_alert("call-2", "95275077", Level.WARN, Level.WARN, 120, line="二线")
    assert not policy.should_alert("call-3", "95275077", Level.WARN, Level.WARN, 120, line="前台")


def test_alert_service_dedupes_and_emits(qtbot, services) -> None:
    alerts = services.alerts
    raised: list[Alert] = []
    alerts.alertRaised.connect(raised.append)
    assert alerts.consider("call-7", "95275012", Level.WARN, ["95 号段"]) is not None
    assert alerts.consider("call-7", "95275012", Level.WARN, ["95 号段"]) is None
    assert alerts.consider("call-8", "13800138000", Level.UNKNOWN) is None
    assert [a.level for a in raised] == [Level.WARN]
    assert raised[0].reasons == ("95 号段",)


def test_alert_sound_falls_back_to_beep_or_plays(qtbot, services) -> None:
    services.settings.update(alert_sound=True)
    with qtbot.waitSignal(services.alerts.soundPlayed, timeout=10_000) as blocker:
        services.alerts.consider("call-9", "95275012", Level.WARN)
    # Either the tone went to a real output device or, without one, the system beep was used.
    assert blocker.args[0] in ("sounddevice", "beep")


def test_muted_alerts_show_but_make_no_sound(qtbot, services) -> None:
    # Screenshot rendering mutes the service but keeps the user's settings (sound on) untouched.
    services.settings.update(alert_sound=True)
    alerts = services.alerts
    alerts.muted = True
    raised: list[Alert] = []
    played: list[str] = []
    alerts.alertRaised.connect(raised.append)
    alerts.soundPlayed.connect(played.append)
    assert alerts.consider("call-10", "95275012", Level.BLOCK) is not None
    qtbot.wait(300)
    assert [a.level for a in raised] == [Level.BLOCK]
    assert played == []
    assert services.settings.value.alert_sound is True


# ------------------------------------------------------------------------------------------ e-mail
def test_email_contains_number_verdict_reasons_and_excerpt(smtp_server) -> None:
    inbox, port = smtp_server
    alert = Alert(
        key="call-1",
        number="95275012",
        level=Level.BLOCK,
        reasons=("冒充公检法：“安全账户”", "7–8 位的 95 号码是出租给企业的呼叫中心号段"),
        excerpt="请把钱转到安全账户里进行资金核查",
    )
    send_alert_email(local_smtp(port), alert, "zh")
    assert len(inbox.messages) == 1
    msg = inbox.messages[0]
    assert inbox.envelopes[0] == ("callshield@home.example", ["daughter@example.org"])
    assert msg["Subject"] == "来电护盾拦截：95275012"
    body = msg.get_body().get_content()
    assert "号码：95275012" in body
    assert "判断：拦截" in body
    assert "安全账户" in body and "95 号码" in body
    assert "资金核查" in body
    assert msg["X-CallShield-Level"] == "BLOCK"


def test_email_alert_sent_by_service_when_enabled(qtbot, services, smtp_server) -> None:
    inbox, port = smtp_server
    services.settings.update(smtp=local_smtp(port))
    with qtbot.waitSignal(services.alerts.emailSent, timeout=10_000):
        services.alerts.consider("call-11", "95275012", Level.WARN, ["租用的 95 号段"], excerpt="您好")
    assert len(inbox.messages) == 1
    assert "95275012" in inbox.messages[0]["Subject"]


def test_no_email_unless_enabled(qtbot, services, smtp_server, wait_jobs) -> None:
    inbox, port = smtp_server
    services.settings.update(smtp=dataclasses.replace(local_smtp(port), enabled=False))
    services.alerts.consider("call-12", "95275012", Level.BLOCK, ["x"])
    wait_jobs()
    assert inbox.messages == []


def test_email_failure_is_reported_not_raised(qtbot, services) -> None:
    port = free_port()  # nothing listens here
    failures: list[BaseException] = []
    with qtbot.waitSignal(services.alerts.emailFailed, timeout=10_000):
        services.alerts.send_email(Alert("k", "95275012", Level.WARN), local_smtp(port), on_error=failures.append)
    assert failures and isinstance(failures[0], OSError)
    assert failures[0].code is EmailProblem.UNREACHABLE  # said in plain words where it is shown


def test_alert_raised_brings_banner_and_live_page(qtbot, services) -> None:
    from PySide6.QtWidgets import QApplication

    from app.gui import build_window

    window = build_window(QApplication.instance(), services)
    qtbot.addWidget(window)
    window.show()
    window.show_page("settings")
    services.alerts.consider("call-20", "95275012", Level.WARN, ["租用的 95 号段"])
    assert window.alert_bar.isVisible()
    assert "95275012" in window.alert_bar.text.text()
    assert "警告" in window.alert_bar.text.text()
    assert window.current_page_key() == "live"
    assert window.alert_bar.accessibleName()
    window.alert_bar.close_button.click()
    assert not window.alert_bar.isVisible()


def test_an_alert_whose_call_was_replaced_is_said_as_past(qtbot, services) -> None:
    """A trial: after a scam call alerted, a new calm call came in on the same line; the bar still said 警告 about
    the last number above the calm card, and 查看来电 opened the calm card. The bar now says that call is over and
    offers 记录; a call on another line, or a new alert, does not."""
    from PySide6.QtWidgets import QApplication

    from app.gui import build_window

    window = build_window(QApplication.instance(), services)
    qtbot.addWidget(window)
    window.show()
    calls, bar = services.calls, window.alert_bar
    calls.simulate_call("95275012", line="前台")  # a rented 95 number: 警告 at once
    qtbot.waitUntil(lambda: bar.isVisible() and "95275012" in bar.text.text(), timeout=10_000)
    scam_key = bar.alert.key
    calls.simulate_call("13912345678", line="后台")  # another line: the alert's call is still on its card
    qtbot.waitUntil(lambda: "后台" in calls.lines, timeout=10_000)
    assert not bar.past and bar.alert.key == scam_key
    window.show_page("history")
    assert "查看来电" == bar.show_button.text()
    calls.simulate_call("13800138000", line="前台")  # the same line: a new, calm call replaces the scam's card
    qtbot.waitUntil(lambda: calls.lines["前台"].number == "13800138000", timeout=10_000)
    qtbot.waitUntil(lambda: bar.past, timeout=5000)
    assert bar.isVisible() and "95275012" in bar.text.text() and "已经结束" in bar.text.text()
    window.show_page("live")
    assert bar.show_button.isVisibleTo(window) and bar.show_button.text() == "查看记录"
    bar.show_button.click()
    assert window.current_page_key() == "history"
    calls.simulate_call("95275013", line="前台")  # a new alert: current again
    qtbot.waitUntil(lambda: "95275013" in bar.text.text(), timeout=10_000)
    assert not bar.past and "已经结束" not in bar.text.text()
    window.pages["live"].dismiss("前台")  # its card dismissed: the alert is past (a review: 查看来电 led nowhere)
    qtbot.waitUntil(lambda: bar.past, timeout=5000)


def test_an_alert_whose_warning_the_call_withdrew_leaves_the_bar(qtbot, services) -> None:
    """A teacher's honest call warned part-way, then read whole as no scam: its card says 已降为“注意”, and the bar
    no longer says 警告 over it."""
    from PySide6.QtWidgets import QApplication

    from app.gui import build_window
    from tests.app.ui.test_live import TEACHER

    window = build_window(QApplication.instance(), services)
    qtbot.addWidget(window)
    window.show()
    calls, bar = services.calls, window.alert_bar
    calls.simulate_call("13912345678")
    qtbot.waitUntil(lambda: "manual" in calls.lines, timeout=10_000)
    for i, piece in enumerate(TEACHER[:4]):
        calls.feed_segment("manual", TranscriptSegment(piece, True, float(i), i + 0.9))
    qtbot.waitUntil(lambda: bar.isVisible() and "13912345678" in bar.text.text(), timeout=10_000)
    for i, piece in enumerate(TEACHER[4:], start=4):
        calls.feed_segment("manual", TranscriptSegment(piece, True, float(i), i + 0.9))
    state = calls.lines["manual"]
    qtbot.waitUntil(lambda: len(state.final_text) == len(TEACHER), timeout=10_000)
    assert bar.isVisible()  # during the call a warning stands
    calls.stop_line("manual")
    qtbot.waitUntil(lambda: state.withdrawn, timeout=5000)
    qtbot.waitUntil(lambda: not bar.isVisible(), timeout=5000)
    assert bar.alert is None


def test_alert_reasons_follow_a_language_switch(qtbot, services) -> None:
    """The banner's reason is rendered when shown: after switching to English it is English (issue 11)."""
    from PySide6.QtWidgets import QApplication

    from app.gui import build_window

    window = build_window(QApplication.instance(), services)
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitSignal(services.alerts.alertRaised, timeout=10_000):
        services.calls.simulate_call("95275012")
    window.show_page("check")  # (on 来电监控 the bar gives only its title: the call's card gives the reasons)
    assert "出租给企业的呼叫中心号段" in window.alert_bar.text.text()
    alert = services.alerts.history[-1]
    services.settings.update(language="en")
    qtbot.waitUntil(lambda: window.alert_bar.show_button.text() != "查看来电", timeout=2000)
    text = window.alert_bar.text.text()
    assert "leased call-centre block" in text, text
    assert "呼叫中心" not in text
    assert "leased call-centre block" in alert.body("en") and "呼叫中心" in alert.body("zh")
    services.settings.update(language="zh")
    qtbot.waitUntil(lambda: "出租给企业的呼叫中心号段" in window.alert_bar.text.text(), timeout=2000)


def test_a_device_rescan_waits_out_the_alarm_tone(qtbot, services, monkeypatch) -> None:
    """While the tone's output stream is open, 刷新 (or the start-up naming of devices saved by number) does not
    re-initialise PortAudio under it: the scan keeps the list PortAudio knew and says audio holds it."""
    import app.alerts.service as alert_service

    restarts = record_portaudio_restarts(monkeypatch, real=False)
    playing, finish = threading.Event(), threading.Event()

    def tone(level: Level) -> str:
        playing.set()
        assert finish.wait(10)
        return "sounddevice"

    monkeypatch.setattr(alert_service, "play_tone", tone)
    speech = services.speech

    with qtbot.waitSignal(services.alerts.soundPlayed, timeout=10_000):
        services.alerts.play_sound(Level.WARN)
        assert playing.wait(10)
        held = scan_devices(qtbot, speech)
        finish.set()
    assert (held.held_by, held.rescanned, restarts) == ("audio", False, [])
    free = scan_devices(qtbot, speech)
    assert free.rescanned and restarts == ["terminate", "initialize"]


def test_a_simulated_call_is_mailed_as_one_and_a_real_call_names_its_line(qtbot, services, smtp_server) -> None:
    """A volunteer's 模拟来电 must not read as a real call in the supervisor's inbox (a trial: two alerts went out that
    looked real); a real call's e-mail names the line it came in on (a hotline has several)."""
    inbox, port = smtp_server
    services.settings.update(smtp=local_smtp(port))
    with qtbot.waitSignal(services.alerts.emailSent, timeout=20_000):
        services.calls.simulate_call("95275012", line="manual")
    subject = str(inbox.messages[0]["Subject"])
    body = inbox.messages[0].get_body().get_content()
    assert subject == "【模拟】来电护盾警告：95275012", subject
    assert body.startswith("这是模拟来电（培训或试用），不是真实来电。") and "线路：" not in body
    real = Alert(key="call-7", number="95275013", level=Level.WARN, reasons=("租用的 95 号段",), line="二线")
    with qtbot.waitSignal(services.alerts.emailSent, timeout=20_000):
        services.alerts.raise_alert(real)
    assert str(inbox.messages[1]["Subject"]) == "来电护盾警告：95275013"
    assert "线路：二线" in inbox.messages[1].get_body().get_content()
