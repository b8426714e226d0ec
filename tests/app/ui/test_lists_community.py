"""Lists page, community lists (issue 15), with real parts: real Qt widgets offscreen, a real SQLite file, a real
HTTP server on 127.0.0.1 (``tests.blocklists.subs_support``) serving bundles published by the real publish code.

Subscribe through the dialog, update, see serial and count change, a tampered update keeps the last good list
and says why, an expired list warns; report a call from History, Check and Live; preview and export the reports.
"""

from __future__ import annotations

import functools
import json
import sqlite3
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from app.models.community_model import SubscriptionsModel
from app.models.list_model import ListsModel
from app.operations import DataArea
from app.operations import community as ops
from app.ui.community import cancelled_text
from app.ui.page_lists import ListsPage
from blocklists.subscriptions import bundle, fetch
from blocklists.subscriptions import subscribe as subs
from blocklists.subscriptions.minisign import generate_secret_key
from tests.blocklists.subs_support import Publisher, Server, serve

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")

SCAM = "13800138001"


@pytest.fixture
def publisher(tmp_path: Path) -> Publisher:
    pub = Publisher(tmp_path / "pub")
    pub.add(SCAM, "13800138002", note="冒充客服")
    pub.add("952750??", note="租用号段")
    pub.publish()
    return pub


@pytest.fixture
def pubkey_file(publisher: Publisher, tmp_path: Path) -> Path:
    path = tmp_path / "nantong.pub"
    path.write_text(publisher.key.public_key.file_text(), "ascii")
    return path


@pytest.fixture
def server(publisher: Publisher) -> Iterator[Server]:
    yield from serve(publisher.out)


@pytest.fixture
def page(qtbot, page_services) -> ListsPage:
    p = ListsPage(page_services)
    qtbot.addWidget(p)
    p.resize(1100, 760)
    p.show()
    return p


def _cell(model: SubscriptionsModel, row: int, col: int) -> str:
    return str(model.data(model.index(row, col)))


def _subscribe_via_dialog(qtbot, page: ListsPage, location: str, key: Path) -> None:
    dialog = page.subscriptions.open_subscribe()
    dialog.location_edit.setText(location)
    dialog.key_edit.setText(str(key))
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)


def test_subscribe_update_tamper_and_unsubscribe_on_the_lists_page(
    qtbot, page: ListsPage, page_services, publisher: Publisher, server: Server, pubkey_file: Path, tmp_path: Path
) -> None:
    panel = page.subscriptions
    page.tabs.setCurrentWidget(panel)
    assert "还没有订阅任何名单" in panel.details.text() and not panel.update_button.isEnabled()

    # the wrong key: the dialog stays open with the core's translated reason, nothing is stored
    other = tmp_path / "other.pub"
    other.write_text(generate_secret_key().public_key.file_text(), "ascii")
    _subscribe_via_dialog(qtbot, page, server.url, other)
    dialog = panel.subscribe_dialog
    assert dialog is not None and dialog.isVisible()
    assert "另一把密钥" in dialog.error_label.text() and dialog.ok_button.isEnabled()
    assert ops.list_subscriptions(page_services.db_path) == []

    # the right key: subscribed over HTTP; the row shows publisher key, serial, state, count, wildcard flag
    dialog.key_edit.setText(str(pubkey_file))
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    assert "已订阅“nt”：版本 1，3 条" in panel.status.text() and "通配规则" in panel.status.text()
    model = panel.model
    assert model.rowCount() == 1
    fp = publisher.key.public_key.fingerprint
    assert _cell(model, 0, SubscriptionsModel.COL_TITLE) == "南通社区反诈名单"
    assert _cell(model, 0, SubscriptionsModel.COL_KEY).replace(" ", "") == fp
    assert _cell(model, 0, SubscriptionsModel.COL_SERIAL) == "1"
    assert _cell(model, 0, SubscriptionsModel.COL_STATE) == "✔ 正常"
    assert _cell(model, 0, SubscriptionsModel.COL_ENTRIES).startswith("3  ⚠ 通配 1")
    assert _cell(model, 0, SubscriptionsModel.COL_UPDATED) != "从未"
    assert "952750" not in panel.details.text() and "会拦截整段号码" in panel.details.text()
    assert not page.subs_warning.isVisible()

    # in 我的名单 it is a subscribed list (not "imported"), read-only, removed only by unsubscribing
    page.reload_lists("nt")
    row = page.lists_model.find_row(lambda info: info.name == "nt")
    assert "（订阅）" in str(page.lists_model.data(page.lists_model.index(row, ListsModel.COL_NAME)))
    assert "订阅名单" in page.list_heading.text()
    assert not page.add_button.isEnabled() and not page.delete_list_button.isEnabled()

    # a new version: 立即更新 takes the delta; serial and count change on screen
    publisher.add("13900001111")
    publisher.publish()
    qtbot.mouseClick(panel.update_button, Qt.MouseButton.LeftButton)
    assert "已更新到版本 2（增量，+1 −0），共 4 条" in panel.status.text()
    assert _cell(panel.model, 0, SubscriptionsModel.COL_SERIAL) == "2"
    assert _cell(panel.model, 0, SubscriptionsModel.COL_ENTRIES).startswith("4 ")

    # a tampered manifest: the reason is shown, the last good list stays in force, the page warns
    publisher.add("13900002222")
    publisher.publish()
    manifest = publisher.out / bundle.MANIFEST
    manifest.write_text(manifest.read_text("utf-8").replace('"entries": 5', '"entries": 6'), "utf-8")
    qtbot.mouseClick(panel.update_button, Qt.MouseButton.LeftButton)
    status = panel.status.text()
    assert "“nt”更新失败：签名不符" in status and "继续使用上一版（版本 2，4 条）" in status
    assert _cell(panel.model, 0, SubscriptionsModel.COL_SERIAL) == "2"
    assert _cell(panel.model, 0, SubscriptionsModel.COL_STATE) == "✖ 更新失败（仍用上一版）"
    assert "签名不符" in panel.details.text()
    assert page.subs_warning.isVisible() and page.subs_warning.text().startswith("✖ ")
    assert page_services.store().count("nt") == 4
    assert page_services.screener.screen("13900001111").level.name == "BLOCK"

    # unsubscribe asks first; then the list and its numbers are gone
    panel.unsubscribe_current()
    box = panel.confirm_box
    assert box is not None and "4 个号码" in box.text()
    box.buttonClicked.emit(panel.confirm_yes)
    assert panel.model.rowCount() == 0 and "已取消订阅" in panel.status.text()
    assert not page_services.store().has_list("nt") and not page.subs_warning.isVisible()


def test_an_update_cut_short_by_the_scheduler_stopping_says_cancelled_not_failed(
    qtbot, services, publisher: Publisher, server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Real services (the scheduler runs 立即更新 on a real worker): the new list drips in, the scheduler stops (as
    when the app closes).  The status line says the download was cancelled and nothing changed — no ✖, no
    "update failed" — and the subscription is not marked as failing."""
    ops.subscribe(services.db_path, server.url, publisher.key.public_key.line(), timeout=2)
    publisher.add("13900001111")
    publisher.publish(keep_deltas=0)
    full = f"full-{publisher.serial}.csv"
    server.state.faults[full] = "drip"
    monkeypatch.setattr(subs, "open_source", functools.partial(fetch.open_source, deadline=8.0))
    page = ListsPage(services)
    qtbot.addWidget(page)
    page.show()
    panel = page.subscriptions
    qtbot.waitUntil(lambda: panel.model.rowCount() == 1, timeout=5000)
    services.subscriptions.start()

    panel.update_now()
    qtbot.waitUntil(lambda: full in [r[0] for r in server.state.requests], timeout=10_000)
    assert panel.status.text() == "正在检查新版本…"
    services.subscriptions.stop()
    qtbot.waitUntil(lambda: panel.status.text() == cancelled_text(), timeout=2000)

    assert "已取消" in panel.status.text() and "✖" not in panel.status.text()
    qtbot.waitUntil(lambda: panel.update_button.isEnabled(), timeout=5000)  # ready for another try
    assert _cell(panel.model, 0, SubscriptionsModel.COL_STATE) == "✔ 正常"
    assert _cell(panel.model, 0, SubscriptionsModel.COL_SERIAL) == "1"
    assert services.store().count("nt") == 3


def test_cancel_in_the_subscribe_dialog_stops_the_download_and_stores_nothing(
    qtbot, services, publisher: Publisher, server: Server, pubkey_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """取消 while the list drips in: the download stops at once (it went on to the end before, and then subscribed
    behind the closed dialog), the status line says cancelled, and no subscription or number is stored."""
    full = f"full-{publisher.serial}.csv"
    server.state.faults[full] = "drip"
    monkeypatch.setattr(subs, "open_source", functools.partial(fetch.open_source, deadline=8.0))
    page = ListsPage(services)
    qtbot.addWidget(page)
    page.show()
    panel = page.subscriptions
    _subscribe_via_dialog(qtbot, page, server.url, pubkey_file)
    dialog = panel.subscribe_dialog
    assert dialog is not None
    qtbot.waitUntil(lambda: full in [r[0] for r in server.state.requests], timeout=10_000)
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel), Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    qtbot.waitUntil(lambda: panel.status.text() == cancelled_text(), timeout=2000)
    assert ops.list_subscriptions(services.db_path) == [] and not services.store().has_list("nt")


def test_bundle_folder_subscription_and_an_expired_list_warns(
    qtbot, page: ListsPage, page_services, publisher: Publisher, pubkey_file: Path
) -> None:
    _subscribe_via_dialog(qtbot, page, str(publisher.out), pubkey_file)  # a folder, e.g. on a USB stick
    assert page.subscriptions.model.rowCount() == 1
    assert not page.subs_warning.isVisible()
    with sqlite3.connect(page_services.db_path) as conn:  # the publisher stopped publishing a week ago
        past = (datetime.now(timezone.utc) - timedelta(days=1)).isoformat()
        conn.execute("UPDATE subscriptions SET expires_at = ?", [past])
    page_services.notify_changed(DataArea.SUBSCRIPTIONS)
    assert _cell(page.subscriptions.model, 0, SubscriptionsModel.COL_STATE) == "⚠ 已过期（仍在使用）"
    assert page.subs_warning.isVisible()
    assert page.subs_warning.text().startswith("⚠ ") and "已过期（仍在使用）" in page.subs_warning.text()
    assert page_services.screener.screen(SCAM).level.name == "BLOCK"  # it keeps working


def test_report_from_history_then_preview_and_export(qtbot, page_services, tmp_path: Path) -> None:
    from app.ui.page_history import HistoryPage

    page_services.history().add_call("17012345678", source="modem", line="1")
    history = HistoryPage(page_services)
    qtbot.addWidget(history)
    history.show()
    qtbot.waitUntil(lambda: history.model.rowCount() == 1)
    history.table.select_source_row(0)
    assert history.report_button.isEnabled()
    qtbot.mouseClick(history.report_button, Qt.MouseButton.LeftButton)
    dialog = history.report_dialog
    assert dialog is not None and dialog.isVisible() and dialog.number_edit.isReadOnly()
    dialog.choose("fraud", "冒充快递理赔")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible() and "已记录举报：+8617012345678（诈骗）" in history.status.text()
    [report] = ops.list_reports(page_services.db_path)
    assert (report.number, report.category, report.note) == ("+8617012345678", "fraud", "冒充快递理赔")

    lists = ListsPage(page_services)
    qtbot.addWidget(lists)
    panel = lists.reports
    assert panel.model.rowCount() == 1 and panel.model.data(panel.model.index(0, 1)) == "+8617012345678"
    # a number that cannot be reported: the translated reason, inside the still-open dialog
    bad = panel.report("")
    bad.number_edit.setText("abc")
    qtbot.mouseClick(bad.ok_button, Qt.MouseButton.LeftButton)
    assert bad.isVisible() and "不是可举报的号码" in bad.error_label.text()
    assert len(ops.list_reports(page_services.db_path)) == 1

    export = panel.open_export()
    shown = export.preview.toPlainText()
    assert "+8617012345678" in shown and "冒充快递理赔" in shown and "reporter" not in shown
    export.name_edit.setText("张阿姨家")
    shown = export.preview.toPlainText()
    assert json.loads(shown)["reporter"] == "张阿姨家" and export.save_button.isEnabled()
    out = tmp_path / "reports.json"
    panel.save_export(str(out))
    assert out.read_text("utf-8") == shown  # exactly what was shown, nothing more
    assert not export.isVisible() and "已导出 1 条举报" in panel.status.text()


def test_report_from_check_page(qtbot, page_services) -> None:
    from app.ui.page_check import CheckPage

    page = CheckPage(page_services)
    qtbot.addWidget(page)
    page.show()
    assert not page.report_button.isEnabled()
    page.check_numbers(["95275012"])
    qtbot.waitUntil(lambda: page.model.rowCount() == 1)
    page.table.select_source_row(0)
    assert page.report_button.isEnabled()
    page.report_current()
    dialog = page.report_dialog
    dialog.choose("harassment")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert "已记录举报" in page.add_status.text()
    assert [r.category for r in ops.list_reports(page_services.db_path)] == ["harassment"]


def test_report_from_a_live_call_card(qtbot, services, wait_jobs) -> None:
    from app.ui.page_live import LivePage

    page = LivePage(services)
    qtbot.addWidget(page)
    page.show()
    services.calls.simulate_call("02161234567", line="manual")
    qtbot.waitUntil(lambda: "manual" in page.cards, timeout=10_000)
    card = page.cards["manual"]
    qtbot.mouseClick(card.report_button, Qt.MouseButton.LeftButton)
    dialog = card.report_dialog
    assert dialog is not None and dialog.isVisible()
    dialog.choose("fraud", "自称公安")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    wait_jobs()
    qtbot.waitUntil(lambda: "已记录举报" in card.action_status.text(), timeout=5000)
    assert [(r.number, r.note) for r in ops.list_reports(services.db_path)] == [("+862161234567", "自称公安")]


def test_large_text_keeps_the_subscriptions_tab_usable(
    qtbot, page: ListsPage, page_services, publisher: Publisher, pubkey_file: Path, qapp
) -> None:
    from app.ui import style

    _subscribe_via_dialog(qtbot, page, str(publisher.out), pubkey_file)
    style.apply_text_scale(qapp, True)
    try:
        page.tabs.setCurrentWidget(page.subscriptions)
        qtbot.wait(50)
        panel = page.subscriptions
        for button in (panel.subscribe_button, panel.update_button, panel.unsubscribe_button):
            assert button.isVisible()
            assert button.width() >= button.fontMetrics().horizontalAdvance(button.text())  # text not cut off
        assert panel.table.isVisible() and panel.table.height() > 3 * panel.table.verticalHeader().defaultSectionSize()
    finally:
        style.apply_text_scale(qapp, False)


def test_english_ui_through_the_translation_files(
    qtbot, qapp, page_services, publisher: Publisher, pubkey_file: Path
) -> None:
    from app.i18n import install_language

    install_language(qapp, "en")
    try:
        page = ListsPage(page_services)
        qtbot.addWidget(page)
        _subscribe_via_dialog(qtbot, page, str(publisher.out), pubkey_file)
        assert [page.tabs.tabText(i) for i in range(3)] == ["My lists", "Subscriptions", "My reports"]
        panel = page.subscriptions
        assert panel.update_button.text() == "Update now" and panel.unsubscribe_button.text() == "Unsubscribe…"
        assert _cell(panel.model, 0, SubscriptionsModel.COL_TITLE) == "Nantong community list"
        assert _cell(panel.model, 0, SubscriptionsModel.COL_STATE) == "✔ up to date"
        assert panel.status.text().startswith("Subscribed to “nt”: serial 1, 3 entries.")
        assert page.reports.export_button.text() == "Export for the volunteer centre…"
    finally:
        install_language(qapp, "zh")


def test_a_texts_sender_is_reported_from_history_but_not_an_own_or_pasted_chat(qtbot, page_services) -> None:
    """A trial: 举报… stayed grey for every text message. A received text's sender can be reported; a message the
    person sent and a pasted chat (no one number behind it) cannot."""
    from app.ui.page_history import HistoryPage

    h = page_services.history()
    scam = h.add_sms("10690000123", "【优选】诚聘兼职刷单，日结200元", source="phone-backup")
    own = h.add_sms("13800138000", "妈，我到家了", source="phone-backup", call_type="sent")
    chat = h.add_sms("", "客服：退款要先进群\n我：好的", source="check", call_type="chat")
    history = HistoryPage(page_services)
    qtbot.addWidget(history)
    history.show()
    qtbot.waitUntil(lambda: history.model.rowCount() == 3)
    for record_id, reportable in ((scam, True), (own, False), (chat, False)):
        history.table.select_source_row(history.model.find_row(lambda r, i=record_id: r.id == i))
        assert history.report_button.isEnabled() is reportable, record_id
    history.table.select_source_row(history.model.find_row(lambda r: r.id == scam))
    history.report_current()
    dialog = history.report_dialog
    assert dialog is not None and dialog.isVisible() and dialog.number_edit.text().endswith("10690000123")
    dialog.choose("fraud", "刷单短信")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    [report] = ops.list_reports(page_services.db_path)
    assert report.category == "fraud" and report.number.endswith("10690000123")
