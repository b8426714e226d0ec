"""Live page: simulated calls, input errors, block / trust / mark / stop, several lines, typed caller text."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from app.ui.page_live import LivePage
from screening.types import Level, TranscriptSegment


@pytest.fixture
def page(qtbot, services) -> LivePage:
    p = LivePage(services)
    qtbot.addWidget(p)
    p.resize(1000, 800)
    p.show()
    return p


def _let_controller_see_list_changes(qtbot) -> None:
    """The controller's own connection re-reads list metadata at most every ``refresh_interval`` seconds."""
    from blocklists.store import ListStore

    qtbot.wait(int(ListStore.refresh_interval * 1000) + 100)


def _call(qtbot, page: LivePage, number: str, line: str = "manual") -> None:
    page.services.calls.simulate_call(number, line=line)
    qtbot.waitUntil(lambda: line in page.cards and page.cards[line].state.number == number, timeout=10_000)


def test_empty_page_explains_what_will_appear(page) -> None:
    assert page.empty_label.isVisible()
    assert "现在没有来电" in page.empty_label.text()
    assert page.sim_number.accessibleName() == "模拟来电号码"


def test_empty_number_gives_a_clear_error_and_no_call(qtbot, page) -> None:
    qtbot.mouseClick(page.sim_button, Qt.MouseButton.LeftButton)
    assert page.input_error.text() == "请输入来电号码"
    qtbot.keyClicks(page.sim_number, "1" * 40)
    qtbot.keyClick(page.sim_number, Qt.Key.Key_Return)
    assert "号码太长" in page.input_error.text()
    assert page.sim_number.text() == "1" * 40  # what was typed is kept
    assert not page.cards


def test_trusted_number_shows_allow_and_no_alert(qtbot, services, page, wait_jobs) -> None:
    services.store().add("allow", "13800138000", note="女儿")
    _let_controller_see_list_changes(qtbot)
    raised = []
    services.alerts.alertRaised.connect(raised.append)
    _call(qtbot, page, "13800138000")
    card = page.cards["manual"]
    assert card.banner.level is Level.ALLOW
    assert "可信" in card.banner.title_text()
    assert raised == []
    assert card.place_label.text()  # 归属地 / carrier or an explicit "unknown"


def test_spoofed_official_number_blocks(qtbot, page) -> None:
    _call(qtbot, page, "+852 96110")
    card = page.cards["manual"]
    assert card.banner.level is Level.BLOCK
    assert card.meter.level is Level.BLOCK
    assert card.banner.accessibleName().startswith("拦截")


def test_block_trust_and_mark_write_to_the_database(qtbot, services, page, wait_jobs) -> None:
    _call(qtbot, page, "02161234567")
    card = page.cards["manual"]
    qtbot.mouseClick(card.block_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: card.action_status.text() == "已拉黑", timeout=5000)
    assert services.store().find("block", "02161234567") is not None

    card.mark("harassment", "天天打来推销贷款", also_block=False)
    qtbot.waitUntil(lambda: "骚扰" in card.action_status.text(), timeout=5000)
    wait_jobs()
    row = services.history().get(card.state.history_id)
    assert row["category"] == "harassment" and row["note"] == "天天打来推销贷款"

    _call(qtbot, page, "13912345678", line="2")
    card2 = page.cards["2"]
    qtbot.mouseClick(card2.trust_button, Qt.MouseButton.LeftButton)  # unknown number: no confirmation needed
    qtbot.waitUntil(lambda: card2.action_status.text() == "已加入白名单", timeout=5000)
    assert services.store().find("allow", "13912345678") is not None
    # The next call from that number is trusted.
    _let_controller_see_list_changes(qtbot)
    _call(qtbot, page, "13912345678", line="3")
    assert page.cards["3"].banner.level is Level.ALLOW


def test_trusting_a_risky_caller_asks_and_enter_keeps_it_off_the_allowlist(qtbot, services, page) -> None:
    """A trial pressed Enter on 「这个来电有诈骗风险。确定要把它加入白名单吗？」 and trusted the scammer: 「是」 was the
    default button. 「否」 is; Enter answers it, and the number stays off the allowlist."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox

    _call(qtbot, page, "+852 96110")
    card = page.cards["manual"]
    assert card.banner.level is Level.BLOCK
    seen: list[str] = []

    def answer() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(50, answer)
            return
        default = box.defaultButton()
        seen.append(box.standardButton(default).name if default is not None else "none")
        qtbot.keyClick(box, Qt.Key.Key_Return)

    QTimer.singleShot(50, answer)
    qtbot.mouseClick(card.trust_button, Qt.MouseButton.LeftButton)
    assert seen == ["No"]
    assert services.store().find("allow", "+85296110") is None and card.trust_button.isEnabled()


def test_several_lines_all_shown_compact_the_risky_one_on_top(qtbot, page) -> None:
    _call(qtbot, page, "13800138000", line="1")
    assert not page.cards["1"].compact  # one line: the full card
    _call(qtbot, page, "13912345678", line="2")
    assert page.ordered_lines() == ["2", "1"]  # nothing risky: the newest call first
    _call(qtbot, page, "95275012", line="3")  # a rented 95 number: warn
    _call(qtbot, page, "02161234567", line="4")
    assert set(page.cards) == {"1", "2", "3", "4"}
    assert page.ordered_lines()[0] == "3"  # the risky line comes to the top, though it is not the newest
    columns = page.card_columns()
    assert columns == 2  # 1000 px wide: two cards side by side
    assert [page.card_position(line) for line in page.ordered_lines()] == [(0, 0), (0, 1), (1, 0), (1, 1)]
    assert page.cards["3"].banner.level is Level.WARN and page.cards["3"].banner.isVisible()
    assert all(card.compact and card.isVisible() for card in page.cards.values())  # every line at once
    assert page.newest_line() == "4"
    # A line that becomes risky while it is being heard rises to the top.
    page.services.calls.feed_segment("1", TranscriptSegment("我是公安局的，你涉嫌洗钱，把钱转到安全账户", True, 0, 3))
    qtbot.waitUntil(lambda: page.ordered_lines()[0] == "1", timeout=10_000)
    assert page.card_position("1") == (0, 0)
    page.dismiss("2")
    page.dismiss("3")
    page.dismiss("4")
    assert not page.cards["1"].compact  # one line left: full size again


def test_typed_caller_text_goes_through_the_detector(qtbot, page) -> None:
    _call(qtbot, page, "95275012")
    card = page.cards["manual"]
    assert card.banner.level is Level.WARN
    page.say_text.setText("我是公安局的，你涉嫌洗钱，把钱转到安全账户")  # QTest cannot type CJK; Enter is a real key
    qtbot.keyClick(page.say_text, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: card.banner.level is Level.BLOCK, timeout=10_000)
    assert "安全账户" in "".join(card.transcript.highlighted_phrases())
    assert page.say_text.text() == ""


def test_on_a_call_its_words_did_not_raise_the_numbers_reason_leads(qtbot, page) -> None:
    """A volunteer: the police's 110 calling to warn about 安全账户 was a green 可信 card whose reasons began
    「冒充公检法："派出所"」. The words heard follow the number's own reason where they did not raise the call."""
    _call(qtbot, page, "110")
    card = page.cards["manual"]
    page.say_text.setText("这里是派出所，提醒您家老人，接到要求转账到安全账户的电话马上挂断")
    qtbot.keyClick(page.say_text, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: len(card.banner.reasons_text()) > 1, timeout=10_000)
    assert card.banner.level is Level.ALLOW
    reasons = card.banner.reasons_text()
    assert "报警电话" in reasons[0] and any("安全账户" in r for r in reasons[1:]), reasons
    # the scam cues it named are said as mentioned by a trusted caller, not as a charge against it (a trial: a green
    # card listed 「说这话的一定是骗子」 as a reason)
    assert "这多半是在提醒您防骗" in reasons[1] and any("安全账户" in r for r in reasons[2:]), reasons
    state = page.services.calls.lines["manual"]
    qtbot.mouseClick(card.stop_button, Qt.MouseButton.LeftButton)  # the call ends: its record says it the same way

    def written() -> bool:  # (the end-of-call write runs on the writer: until then the row keeps the number's reason)
        codes = [r["code"] for r in page.services.history().get(state.history_id)["reasons"]]
        return len(codes) > 1 and codes[1] == "call.trusted_heard"

    qtbot.waitUntil(written, timeout=10_000)


# An honest teacher's call whose first half reads like a fee scam (the same text as the detector's own test).
TEACHER = (
    "喂，是刘大爷吗？", "我是您孙子学校的班主任张老师，", "孩子的研学费八百元需要今天交，", "您转一下吧。",
    "您别转给我，", "学校统一在缴费平台交，", "明天您来学校门卫室，", "我带您去财务室现场交，", "交完给您开发票。",
)  # fmt: skip


def test_a_warning_the_whole_call_does_not_bear_out_is_withdrawn_when_it_ends(qtbot, services, page, wait_jobs):
    raised = []
    services.alerts.alertRaised.connect(raised.append)
    _call(qtbot, page, "13912345678")
    card = page.cards["manual"]
    assert card.banner.level is Level.UNKNOWN
    for i, piece in enumerate(TEACHER[:4]):
        services.calls.feed_segment("manual", TranscriptSegment(piece, True, float(i), i + 0.9))
    qtbot.waitUntil(lambda: card.banner.level >= Level.WARN, timeout=10_000)
    assert len(raised) == 1  # warned while it mattered
    for i, piece in enumerate(TEACHER[4:], start=4):
        services.calls.feed_segment("manual", TranscriptSegment(piece, True, float(i), i + 0.9))
    state = services.calls.lines["manual"]
    qtbot.waitUntil(lambda: len(state.final_text) == len(TEACHER), timeout=10_000)
    assert card.banner.level >= Level.WARN  # during the call a warning never drops
    qtbot.mouseClick(card.stop_button, Qt.MouseButton.LeftButton)  # the call ends: judged whole, it is no scam
    qtbot.waitUntil(lambda: card.banner.level is Level.CAUTION, timeout=5000)
    assert "已降为“注意”" in card.banner.reasons_text()[0] and "通话中曾发出警告" in card.banner.reasons_text()[0]
    assert len(raised) == 1
    assert card.meter.level is Level.CAUTION and state.score < 0.6  # the meter shows the whole call's score
    wait_jobs()
    row = services.history().get(state.history_id)
    assert row["level"] is Level.CAUTION and row["reasons"][0]["code"] == "call.warning_withdrawn"
    assert "研学费" in row["transcript"]


def test_a_scam_call_keeps_its_warning_when_it_ends(qtbot, services, page, wait_jobs):
    _call(qtbot, page, "13912345678")
    card = page.cards["manual"]
    services.calls.feed_segment("manual", TranscriptSegment("我是公安局的，你涉嫌洗钱", True, 0, 2))
    services.calls.feed_segment("manual", TranscriptSegment("把钱转到安全账户，不要告诉家人", True, 2, 4))
    qtbot.waitUntil(lambda: card.banner.level >= Level.WARN, timeout=10_000)
    state = services.calls.lines["manual"]
    qtbot.waitUntil(lambda: len(state.final_text) == 2, timeout=10_000)
    peak = card.banner.level
    qtbot.mouseClick(card.stop_button, Qt.MouseButton.LeftButton)
    qtbot.wait(200)
    assert card.banner.level is peak and not state.withdrawn
    assert not any("已降为" in r for r in card.banner.reasons_text())
    wait_jobs()
    assert services.history().get(state.history_id)["level"] is peak


def test_caller_text_without_a_call_is_refused(qtbot, page) -> None:
    page.say_text.setText("你好")
    qtbot.keyClick(page.say_text, Qt.Key.Key_Return)
    assert "没有正在监听的来电" in page.input_error.text()


def test_stop_then_remove_card(qtbot, services, page, wait_jobs) -> None:
    _call(qtbot, page, "95275012")
    card = page.cards["manual"]
    qtbot.mouseClick(card.stop_button, Qt.MouseButton.LeftButton)
    assert not services.calls.lines["manual"].listening
    assert card.action_status.text() == "已结束监听"
    qtbot.mouseClick(card.close_button, Qt.MouseButton.LeftButton)
    assert "manual" not in page.cards and "manual" not in services.calls.lines
    assert page.empty_label.isVisibleTo(page)
    wait_jobs()
    assert services.history().get(card.state.history_id)["duration_s"] is not None


def test_a_card_says_what_was_done_in_the_language_switched_to(qtbot, services, page, wait_jobs, qapp) -> None:
    """「已结束监听」 stayed Chinese on a card after Settings → 界面语言 English (what the last action did)."""
    from app.i18n import install_language

    _call(qtbot, page, "95275012")
    card = page.cards["manual"]
    card.mark("harassment", "推销", also_block=False)
    qtbot.waitUntil(lambda: card.action_status.text() == "已标记为：骚扰", timeout=5000)
    install_language(qapp, "en")  # as the main window does on LanguageChange: every page's retranslate()
    page.retranslate()
    assert card.action_status.text() == "Marked as: harassment"
    qtbot.mouseClick(card.stop_button, Qt.MouseButton.LeftButton)
    assert card.action_status.text() == "Stopped listening"
    install_language(qapp, "zh")
    page.retranslate()
    assert card.action_status.text() == "已结束监听"
    wait_jobs()


def test_withheld_number_card_says_why(qtbot, services, page) -> None:
    from datetime import datetime, timezone

    from app.calls.events import CallerId, CallEvent

    event = CallEvent(
        line="modem",
        raw_number="",
        name=None,
        received_at=datetime.now(timezone.utc),
        source="manual",
        caller_id=CallerId.WITHHELD,
    )
    services.calls.handle_event(event)
    qtbot.waitUntil(lambda: "modem" in page.cards, timeout=10_000)
    card = page.cards["modem"]
    assert card.number_label.text() == "对方隐藏了号码"
    assert card.banner.title_text()  # a verdict is shown, not a crash


def test_hit_reasons_quote_each_stretch_of_speech_once() -> None:
    """One line per category; a phrase inside a longer one of the same category is not quoted again."""
    from types import SimpleNamespace

    from app.live.service import CallBridge
    from screening.i18n import BiText

    generic = BiText("常见诈骗手法", "Common scam tactics")
    police = BiText("冒充公检法", "Fake police")
    hits = [
        SimpleNamespace(category="generic", category_text=generic, matched="把钱转"),
        SimpleNamespace(category="generic", category_text=generic, matched="转到安全账户"),
        SimpleNamespace(category="generic", category_text=generic, matched="安全账户"),
        SimpleNamespace(category="police", category_text=police, matched="公安局"),
        SimpleNamespace(category="police", category_text=police, matched="公安局"),
    ]
    verdict = SimpleNamespace(reasons=(), level=Level.UNKNOWN)
    said = CallBridge.ordered_reasons(SimpleNamespace(hits=hits, verdict=verdict, level=Level.WARN, category=None))
    assert [r.render("zh") for r in said] == ["常见诈骗手法：“把钱转”“转到安全账户”", "冒充公检法：“公安局”"]
    assert said[1].render("en") == "Fake police: “公安局”"
    # with its scheme named, a warning also says how that scheme works, as 查号 does (a trial: labels only), after
    # what was heard: the first reason stays the evidence
    named = SimpleNamespace(hits=hits, verdict=verdict, level=Level.WARN, category="police_impersonation")
    said = CallBridge.ordered_reasons(named)
    assert said[2].render("zh").startswith("「冒充公检法」的常见套路：自称警察") and len(said) == 3
    assert said[2].render("en").startswith("The usual 'Fake police, prosecutor or court' trick:")
    assert said[0].render("zh").startswith("常见诈骗手法：")
    named.level = Level.CAUTION  # not a warning: the cues alone
    assert len(CallBridge.ordered_reasons(named)) == 2


def test_a_card_names_the_devices_its_line_is_heard_on(qtbot, qapp, services) -> None:
    """「对方：… · 我方：…」 under the number once the line listens on sound devices; nothing for a line without them."""
    from datetime import datetime, timezone

    from PySide6.QtCore import QTranslator

    from app.calls.events import CallEvent
    from app.display import device_name
    from app.i18n import qm_path
    from app.live.service import LineState
    from app.ui.page_live import CallCard

    event = CallEvent("2", "13912345678", None, datetime.now(timezone.utc), "ncid")
    verdict = services.screener.screen("13912345678")
    state = LineState("2", event, verdict, None, Level.UNKNOWN, 0.0, "13912345678")
    card = CallCard(services, state)
    qtbot.addWidget(card)
    card.show()
    assert not card.devices_label.isVisible()
    state.devices = ("pulse:headset2.monitor", "USB Headset, MME")
    card.refresh()
    assert card.devices_label.isVisible()
    assert card.devices_label.text() == "对方：headset2.monitor · 我方：USB Headset, MME"
    state.devices = ("", None)  # one device, the system default: a phone-line recorder hears both sides
    card.refresh()
    assert card.devices_label.text() == "录音设备：系统默认麦克风"
    translator = QTranslator()
    assert translator.load(qm_path("en"))
    qapp.installTranslator(translator)
    try:
        card.refresh()
        assert card.devices_label.text() == "Recording device: system default microphone"
    finally:
        qapp.removeTranslator(translator)
    assert device_name("3") == "#3" and device_name("input:USB Mic") == "USB Mic"


def test_switching_the_call_source_off_ends_its_calls(qtbot, services, page, wait_jobs) -> None:
    """A call from an NCID server the user then switched off stayed listening, its card on top of newer calls (a
    hotline trial): the calls of a source that stops are over, their cards say so."""
    from app.settings import CallSourceSettings
    from tests.app.calls.test_sources_peers import NcidPeer

    peer = NcidPeer().start()
    try:
        services.settings.update(
            call_source=CallSourceSettings(kind="ncid", ncid_host="127.0.0.1", ncid_port=peer.port)
        )
        assert peer.wait_connected(timeout=30)
        peer.send("CID: *DATE*11212026*TIME*0435*LINE*POTS*NMBR*95275012*MESG*NONE*NAME*-*")
        qtbot.waitUntil(lambda: "POTS" in page.cards, timeout=10_000)
        assert services.calls.lines["POTS"].listening and page.cards["POTS"].stop_button.isEnabled()
        services.settings.update(call_source=CallSourceSettings())  # back to typing numbers in
        qtbot.waitUntil(lambda: not services.calls.lines["POTS"].listening, timeout=10_000)
        assert not page.cards["POTS"].stop_button.isEnabled() and page.cards["POTS"].close_button.isVisible()
    finally:
        services.settings.update(call_source=CallSourceSettings())
        peer.stop()
    wait_jobs()
