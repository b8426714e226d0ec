"""查号 Check page with real services: real SQLite file, real screener, real job runner."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from app.models.check_model import CheckResultsModel
from app.ui.page_check import CheckPage
from app.ui.widgets import HighlightedTranscript
from screening.types import Level

# The offscreen platform plugin warns when a top-level window is shown; harmless.
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


def _page(qtbot, services) -> CheckPage:
    page = CheckPage(services)
    qtbot.addWidget(page)
    page.show()
    return page


def _cell(page: CheckPage, raw: str, column: int) -> str:
    model = page.model
    row = model.find_row(lambda r: r.raw == raw)
    assert row >= 0, f"{raw} not in the table"
    return str(model.data(model.index(row, column)))


def test_paste_numbers_shows_verdicts_with_reasons(qtbot, services, wait_jobs) -> None:
    page = _page(qtbot, services)
    page.input.setPlainText("95275012\n95588\n+86 138 0013 8000\n\n+852 96110\n")
    qtbot.mouseClick(page.check_button, Qt.MouseButton.LeftButton)
    wait_jobs()
    assert page.model.rowCount() == 4
    assert _cell(page, "95275012", CheckResultsModel.COL_LEVEL) == "警告"
    assert "呼叫中心" in _cell(page, "95275012", CheckResultsModel.COL_REASONS)
    assert _cell(page, "95588", CheckResultsModel.COL_LEVEL) == "可信"
    assert "工商银行" in _cell(page, "95588", CheckResultsModel.COL_REASONS)
    assert "北京" in _cell(page, "+86 138 0013 8000", CheckResultsModel.COL_LOCATION)
    assert "移动" in _cell(page, "+86 138 0013 8000", CheckResultsModel.COL_CARRIER)
    assert _cell(page, "+852 96110", CheckResultsModel.COL_LEVEL) == "拦截"
    # sorted by risk, most dangerous first; the banner shows the selected verdict with its words
    assert page.table.visible_rows()[0].raw == "+852 96110"
    assert page.banner.level is Level.BLOCK
    assert "拦截" in page.banner.title_text()
    assert "共 4 个" in page.summary.text()
    # level filter
    page.level_filter.setCurrentIndex(page.level_filter.findData(int(Level.WARN)))
    assert sorted(r.raw for r in page.table.visible_rows()) == ["+852 96110", "95275012"]


def test_a_mistyped_number_is_refused_by_the_list_not_cut_to_its_digits(qtbot, services, wait_jobs) -> None:
    """A trial added 「abc123」 and 「1381234567O」 (a letter O) to 我的黑名单 from 查号: the list held 123 and a
    ten-digit 1381234567, and both were then 拦截. The list reads the number as typed and refuses it, saying why."""
    page = _page(qtbot, services)
    page.input.setPlainText("1381234567O")
    page.check_pasted()
    wait_jobs()
    row = page.model.find_row(lambda r: r.raw == "1381234567O")
    page.table.select_source_row(row)
    page.list_combo.setCurrentIndex(page.list_combo.findData("block"))
    before = services.store().count("block")
    if page.add_button.isEnabled():
        qtbot.mouseClick(page.add_button, Qt.MouseButton.LeftButton)
        wait_jobs()
        assert "未能加入" in page.add_status.text() and "“O”" in page.add_status.text(), page.add_status.text()
    assert services.store().count("block") == before
    assert services.store().find("block", "1381234567") is None


def test_add_selected_number_to_blocklist_then_allowlist(qtbot, services, wait_jobs) -> None:
    page = _page(qtbot, services)
    page.input.setPlainText("13800138000\n95588")
    page.check_pasted()
    wait_jobs()
    row = page.model.find_row(lambda r: r.raw == "13800138000")
    assert page.model.row_at(row).level is Level.UNKNOWN
    page.table.select_source_row(row)
    assert page.add_button.isEnabled()
    page.list_combo.setCurrentIndex(page.list_combo.findData("block"))
    page.category_combo.setCurrentIndex(page.category_combo.findData("fraud"))
    page.note_edit.setText("冒充客服")
    qtbot.mouseClick(page.add_button, Qt.MouseButton.LeftButton)
    wait_jobs()
    qtbot.waitUntil(lambda: page.model.row_at(row).level is Level.BLOCK, timeout=5000)
    entry = services.store().find("block", "+8613800138000")
    assert entry is not None and entry.note == "冒充客服" and entry.category.value == "fraud"
    assert "已把 1 个号码加入" in page.add_status.text()
    assert "黑名单" in _cell(page, "13800138000", CheckResultsModel.COL_REASONS)
    assert page.note_edit.text() == ""  # a trial put the next call log's first number on a list with this note


def test_a_number_from_a_call_log_goes_on_a_list_with_its_name_when_no_note_is_typed(
    qtbot, services, wait_jobs
) -> None:
    page = _page(qtbot, services)
    page.input.setPlainText("姓名,号码\n骚扰电话,17012345678\n快递,13912345678")
    page.check_pasted()
    wait_jobs()
    assert _cell(page, "17012345678", CheckResultsModel.COL_NAME) == "手机标记：骚扰电话"  # a mark, not a contact
    assert _cell(page, "13912345678", CheckResultsModel.COL_NAME) == "快递"
    page.table.select_source_row(page.model.find_row(lambda r: r.raw == "17012345678"))
    page.list_combo.setCurrentIndex(page.list_combo.findData("block"))
    page.note_edit.clear()
    qtbot.mouseClick(page.add_button, Qt.MouseButton.LeftButton)
    wait_jobs()
    qtbot.waitUntil(lambda: services.store().find("block", "+8617012345678") is not None, timeout=5000)
    assert services.store().find("block", "+8617012345678").note == "骚扰电话"


def test_a_name_typed_beside_a_pasted_number_is_shown_and_kept_as_its_note(qtbot, services, wait_jobs) -> None:
    """A volunteer pastes a resident's contacts as people write them, a name beside each number, with no header."""
    page = _page(qtbot, services)
    page.input.setPlainText("王大爷 13812345678\n13912345678（李阿姨）\n95588")
    page.check_pasted()
    wait_jobs()
    assert not page.table.isColumnHidden(CheckResultsModel.COL_NAME)
    assert _cell(page, "13812345678", CheckResultsModel.COL_NAME) == "王大爷"
    assert _cell(page, "13912345678", CheckResultsModel.COL_NAME) == "李阿姨"
    assert _cell(page, "95588", CheckResultsModel.COL_NAME) == ""
    page.table.select_source_row(page.model.find_row(lambda r: r.raw == "13812345678"))
    page.list_combo.setCurrentIndex(page.list_combo.findData("allow"))
    page.note_edit.clear()
    qtbot.mouseClick(page.add_button, Qt.MouseButton.LeftButton)
    wait_jobs()
    qtbot.waitUntil(lambda: services.store().find("allow", "+8613812345678") is not None, timeout=5000)
    assert services.store().find("allow", "+8613812345678").note == "王大爷"


def test_call_log_csv_in_gbk(qtbot, services, wait_jobs, tmp_path: Path) -> None:
    log_file = tmp_path / "通话记录.csv"
    log_file.write_bytes(
        "姓名,来电号码,时间\n张三,95275012,2026-01-01 10:00\n李四,13800138000,2026-01-02\n".encode("gbk")
    )
    page = _page(qtbot, services)
    page.open_call_log(str(log_file))
    wait_jobs()
    assert sorted(r.raw for r in page.model.rows()) == ["13800138000", "95275012"]
    assert page.error_dialog is None


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gbk"])
def test_a_call_log_with_a_title_line_is_read_by_its_number_column(
    qtbot, services, wait_jobs, tmp_path: Path, encoding: str
) -> None:
    """打开通话记录… read the names (姓名) of a log with a title line, each 无法识别这个号码: it now reads as
    ``phone import`` and ``check --file`` do, the title skipped and the 号码 column read."""
    log_file = tmp_path / "通话记录-爸爸-20261206.csv"
    log_file.write_bytes(
        (
            "通话记录-爸爸-20261206\n姓名,号码,时间,类型,时长\n爸爸,13800138000,2026-12-06 09:00,来电,35\n"
            "小区物业,95275012,2026-12-06 10:00,未接,0\n妈妈,0513-96110,2026-12-06 11:00,来电,60\n"
            "张三,138,0013,8000\n"
        ).encode(encoding)
    )
    page = _page(qtbot, services)
    page.open_call_log(str(log_file))
    wait_jobs()
    assert page.error_dialog is None
    assert [r.raw for r in page.table.visible_rows()] == ["95275012", "13800138000", "0513-96110"]  # riskiest first
    assert _cell(page, "0513-96110", CheckResultsModel.COL_LEVEL) == "可信"
    assert _cell(page, "95275012", CheckResultsModel.COL_LEVEL) == "警告"
    assert "无法识别这个号码" not in "".join(
        _cell(page, r.raw, CheckResultsModel.COL_REASONS) for r in page.model.rows()
    )
    assert page.input.toPlainText() == "13800138000\n95275012\n0513-96110"
    assert "共 3 个" in page.summary.text() and "有 1 行看不出哪一部分是号码" in page.summary.text()
    # who and when, as the log says, beside each verdict (the trial's volunteer lost them: only numbers were shown)
    assert _cell(page, "95275012", CheckResultsModel.COL_NAME) == "小区物业"
    assert _cell(page, "95275012", CheckResultsModel.COL_TIME) == "2026-12-06 10:00"
    assert not page.table.isColumnHidden(CheckResultsModel.COL_NAME)
    assert not page.table.isColumnHidden(CheckResultsModel.COL_TIME)
    page.check_pasted()  # 查询 again: the log's names and times stay (the box shows its bare numbers)
    wait_jobs()
    assert _cell(page, "95275012", CheckResultsModel.COL_NAME) == "小区物业"
    assert "文件里有 1 行看不出哪一部分是号码" in page.summary.text()
    page.input.setPlainText(page.input.toPlainText() + "\n95588")  # edited: what the box holds is checked
    page.check_pasted()
    wait_jobs()
    assert page.model.rowCount() == 4 and page.table.isColumnHidden(CheckResultsModel.COL_NAME)
    page.clear()
    assert page.summary.text() == ""
    assert page.table.isColumnHidden(CheckResultsModel.COL_NAME)


def test_a_list_of_numbers_has_no_name_or_time_columns_and_a_pasted_log_has(qtbot, services, wait_jobs) -> None:
    page = _page(qtbot, services)
    page.input.setPlainText("95275012\n13800138000")
    page.check_pasted()
    wait_jobs()
    assert page.model.rowCount() == 2
    assert page.table.isColumnHidden(CheckResultsModel.COL_NAME)
    assert page.table.isColumnHidden(CheckResultsModel.COL_TIME)
    page.input.setPlainText("号码\t时间\n95275012\t12-06 10:00\n13800138000\t12-06 11:00")  # from a spreadsheet
    page.check_pasted()
    wait_jobs()
    assert _cell(page, "95275012", CheckResultsModel.COL_TIME) == "12-06 10:00"
    assert not page.table.isColumnHidden(CheckResultsModel.COL_TIME)
    assert page.table.isColumnHidden(CheckResultsModel.COL_NAME)  # the paste had no 姓名


def test_binary_file_gives_translated_error_not_crash(qtbot, services, wait_jobs, tmp_path: Path) -> None:
    bad = tmp_path / "photo.csv"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    page = _page(qtbot, services)
    page.open_call_log(str(bad))
    wait_jobs()
    assert page.error_dialog is not None and page.error_dialog.isVisible()
    assert "不是文本或 CSV 文件" in page.error_dialog.message_label.text()
    assert "另存为" in page.error_dialog.message_label.text()  # and what to do (a trial)
    page.error_dialog.accept()
    assert page.check_button.isEnabled()


def test_an_excel_file_is_asked_for_as_csv_without_a_crash_report(qtbot, services, wait_jobs, tmp_path: Path) -> None:
    """A volunteer opened the .xlsx itself: the message was right but came as a crash, asking to send details to
    whoever installed the app. It now says to save as CSV, plainly."""
    import zipfile

    book = tmp_path / "王阿姨通话记录.xlsx"
    with zipfile.ZipFile(book, "w") as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
    page = _page(qtbot, services)
    page.open_call_log(str(book))
    wait_jobs()
    dialog = page.error_dialog
    assert dialog is not None and dialog.isVisible()
    assert "另存为" in dialog.message_label.text() and "CSV" in dialog.message_label.text()
    assert dialog.windowTitle() == "无法完成"
    assert not dialog.toggle_button.isVisible() and not dialog.copy_button.isVisible()
    assert "发给帮您安装的人" not in " ".join(w.text() for w in dialog.findChildren(QLabel) if w.isVisible())
    dialog.accept()


def test_big_list_runs_in_a_job_and_can_be_cancelled(qtbot, services, wait_jobs) -> None:
    numbers = [f"1380013{i:04d}" for i in range(20000)]
    page = _page(qtbot, services)
    page.check_numbers(numbers)
    # the call returned at once: the work is on a worker, the GUI shows progress
    assert page.model.rowCount() == 0
    assert page.progress.isVisible() and not page.check_button.isEnabled()
    qtbot.mouseClick(page.progress.cancel_button, Qt.MouseButton.LeftButton)
    wait_jobs(20_000)
    assert page.model.rowCount() == 0
    assert page.summary.text() == "已取消查询。"
    assert page.check_button.isEnabled()


def test_long_call_log_table_shows_riskiest_and_export_has_all(
    qtbot, services, wait_jobs, tmp_path: Path, monkeypatch
) -> None:
    import csv

    from app.ui import page_check

    monkeypatch.setattr(page_check, "MAX_SHOWN", 50)
    numbers = [f"1380013{i:04d}" for i in range(118)] + ["95275012", "+852 96110"]
    page = _page(qtbot, services)
    page.check_numbers(numbers)
    wait_jobs()
    assert page.model.rowCount() == 50
    assert [r.raw for r in page.table.visible_rows()[:2]] == ["+852 96110", "95275012"]
    assert "共 120 个" in page.summary.text() and "风险最高的 50 个" in page.summary.text()
    out = tmp_path / "check.csv"
    page.export_to(str(out))
    wait_jobs()
    with out.open(encoding="utf-8-sig", newline="") as fh:
        table = list(csv.reader(fh))
    assert table[0][:3] == ["号码", "标准格式", "风险等级"] and len(table) == 121
    assert table[1][0] == "\t+852 96110" and table[1][2] == "✖ 拦截"  # (the tab keeps a number text in Excel)
    assert "已导出 120 个号码" in page.add_status.text()


def test_export_of_an_opened_call_log_keeps_its_names_and_times(qtbot, services, wait_jobs, tmp_path: Path) -> None:
    import csv

    log_file = tmp_path / "通话记录.csv"
    log_file.write_bytes("姓名,来电号码,时间\n张三,95275012,2026-01-01 10:00\n,13800138000,2026-01-02\n".encode("gbk"))
    page = _page(qtbot, services)
    page.open_call_log(str(log_file))
    wait_jobs()
    out = tmp_path / "check.csv"
    page.export_to(str(out))
    wait_jobs()
    with out.open(encoding="utf-8-sig", newline="") as fh:
        table = list(csv.reader(fh))
    assert table[0][:5] == ["号码", "标准格式", "姓名", "时间", "风险等级"]
    assert table[1][:5] == ["\t95275012", "", "张三", "2026-01-01 10:00", "⚠ 警告"]
    assert table[2][2:4] == ["", "2026-01-02"]


def test_english_ui_with_live_switch(qtbot, services, wait_jobs, qapp) -> None:
    from app.i18n import install_language

    page = _page(qtbot, services)
    page.input.setPlainText("95275012")
    page.check_pasted()
    wait_jobs()
    install_language(qapp, "en")
    page.retranslate()
    model = page.model
    assert page.title.text() == "Check"
    assert model.headerData(CheckResultsModel.COL_LEVEL, Qt.Orientation.Horizontal) == "Risk level"
    assert _cell(page, "95275012", CheckResultsModel.COL_LEVEL) == "warning"
    expected = services.screener.screen("95275012").reasons[0].text.en
    assert _cell(page, "95275012", CheckResultsModel.COL_REASONS) == expected
    assert page.category_combo.currentText() == "fraud"
    assert "warning" in page.summary.text() and "in total" in page.summary.text()
    install_language(qapp, "zh")
    page.retranslate()
    assert page.title.text() == "查号" and _cell(page, "95275012", CheckResultsModel.COL_LEVEL) == "警告"


def test_drop_a_call_log_file(qtbot, services, wait_jobs, tmp_path: Path) -> None:
    from PySide6.QtCore import QMimeData, QPointF, QUrl
    from PySide6.QtGui import QDropEvent

    log_file = tmp_path / "calls.csv"
    log_file.write_text("number\n95588\n", encoding="utf-8-sig")
    page = _page(qtbot, services)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(log_file))])
    event = QDropEvent(
        QPointF(10, 10), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    )
    page.dropEvent(event)
    wait_jobs()
    assert [r.raw for r in page.model.rows()] == ["95588"]


def test_the_verdict_shown_follows_a_language_switch(qtbot, services, wait_jobs, qapp) -> None:
    """The reasons under the verdict (「无法识别这个号码：…」) stayed Chinese after switching the UI to English."""
    from app.i18n import install_language

    page = _page(qtbot, services)
    page.input.setPlainText("95588a")  # a number (letters alone, "abc", are a message to read)
    page.check_pasted()
    wait_jobs()
    reason = services.screener.screen("95588a").reasons[0].text
    assert reason.zh.startswith("无法识别这个号码") and page.banner.reasons_text() == [reason.zh]
    install_language(qapp, "en")  # as the main window does on LanguageChange: every page's retranslate()
    page.retranslate()
    assert page.banner.reasons_text() == [reason.en]
    assert reason.en.startswith("No recognisable number") and "95588a" in page.banner.title_text()
    install_language(qapp, "zh")
    page.retranslate()
    assert page.banner.reasons_text() == [reason.zh]


# ------------------------------------------------------------------------------------------ a pasted message
SCAM_SMS = (
    "【工商银行】尊敬的客户，您的网银证书已过期，请登录 http://icbc-upd.cc 重新认证，否则账户将被冻结，"
    "详询 13912345678。"
)
HARMLESS_SMS = "您好，您的快递到了，放在小区门口的快递柜，取件码 3867，请尽快取件。"


def _check(qtbot, page: CheckPage, text: str, wait_jobs) -> None:
    page.input.setPlainText(text)
    qtbot.mouseClick(page.check_button, Qt.MouseButton.LeftButton)
    wait_jobs(30_000)  # the first message loads the detector (on a worker)


def test_pasted_scam_sms_is_read_as_a_message_not_split_into_numbers(qtbot, services, wait_jobs) -> None:
    """A new user pasted his father's SMS into the only paste box: it was cut at the commas into "numbers", each only
    「注意 含有非号码字符」. It is a message: read by the detector, its scheme, reasons, cues and links shown."""
    page = _page(qtbot, services)
    _check(qtbot, page, SCAM_SMS, wait_jobs)
    # the table holds the one phone number in the message, screened as a number; no piece of the text
    assert [r.raw for r in page.model.rows()] == ["13912345678"]
    assert page.numbers_heading.isVisible() and page.table.isVisible()
    # the number the scam wants dialled is on no list, and not calm for that (it showed 「? 未知」 and no reason)
    assert _cell(page, "13912345678", CheckResultsModel.COL_REASONS).startswith(
        "号码本身没有记录，但它出现在这段疑似诈骗"
    )
    section = page.text_result
    assert section.isVisible() and page.error_dialog is None
    assert section.result is not None and section.result.level is Level.BLOCK
    title = section.banner.title_text()
    assert title.startswith("✖ 拦截") and "冒充银行 / 钓鱼链接" in title
    assert section.banner.accessibleDescription().startswith("诈骗话术，风险很高")
    reasons = " ".join(section.banner.reasons_text())
    assert "冒充银行 / 钓鱼链接" in reasons and "网银证书已过期" in reasons
    assert "网银证书已过期" in section.text_view.highlighted_phrases()
    assert "链接：http://icbc-upd.cc" in section.entity_texts()
    assert "电话号码：13912345678" in section.entity_texts()
    assert "按“短信”检查" in section.read_as.text() and "自动判断" in section.read_as.text()


def test_a_calm_message_with_weak_cues_says_so_and_names_no_scheme(qtbot, services, wait_jobs) -> None:
    """A supermarket's points SMS: 「未发现诈骗 — 里面没有常见的诈骗说法」 sat over its 「积分兑换」 cue, and a
    「话术与「积分兑换」相符」 line among them."""
    page = _page(qtbot, services)
    _check(qtbot, page, "【华润万家】会员您好，您有积分1,860分，本周末到店可积分兑换鸡蛋一盒（500分）。", wait_jobs)
    banner = page.text_result.banner
    assert banner.title_text() == "○ 未发现诈骗"
    assert banner.accessibleDescription().startswith("有几个骗子也常用的词，但合在一起不像诈骗话术")
    reasons = " ".join(banner.reasons_text())
    assert "积分兑换" in reasons and "相符" not in reasons


def test_a_number_written_in_a_message_is_screened_as_one_to_dial(qtbot, services, wait_jobs) -> None:
    """A volunteer's trial: JD's real hotline 400-606-5500 in a delivery SMS was told 「显示 400/800 的来电很可能是
    改号」, a rule about a caller's shown number; a bill's 户号 was read as a call from abroad."""
    page = _page(qtbot, services)
    text = (
        "【京东】您的订单已签收，如有问题请致电京东客服400-606-5500。【国家电网】您的户号0012345678本月电费128.50元。"
    )
    _check(qtbot, page, text, wait_jobs)
    assert [r.raw for r in page.model.rows()] == ["400-606-5500"]
    assert page.model.rows()[0].level < Level.CAUTION, page.model.rows()[0].verdict.reasons


def test_harmless_sms_says_nothing_found_and_has_no_number_table(qtbot, services, wait_jobs) -> None:
    page = _page(qtbot, services)
    _check(qtbot, page, HARMLESS_SMS, wait_jobs)
    section = page.text_result
    assert section.isVisible()
    assert section.banner.title_text() == "○ 未发现诈骗"
    # the icon says ○ too, not the "?" of a number nobody can tell about (a new user's trial)
    from app.ui import style

    shown = section.banner._icon.pixmap().toImage()
    size = section.banner._icon_size
    assert shown == style.level_pixmap(Level.UNKNOWN, size, about_text=True).toImage()
    assert shown != style.level_pixmap(Level.UNKNOWN, size).toImage()
    assert section.banner.reasons_text() == []  # 「没有发现诈骗话术」 is the advice line, not said twice
    assert not page.numbers_box.isVisible()  # no phone number in it, so no empty table


def test_numbers_separated_by_commas_and_spaces_are_still_numbers(qtbot, services, wait_jobs) -> None:
    page = _page(qtbot, services)
    _check(qtbot, page, "13800138000, 95588 0513-85123456", wait_jobs)
    assert _cell(page, "13800138000", CheckResultsModel.COL_REASONS) == "没有发现风险迹象"  # not an empty cell
    assert sorted(r.raw for r in page.model.rows()) == ["0513-85123456", "13800138000", "95588"]
    assert not any("非号码字符" in " ".join(r.reasons("zh")) for r in page.model.rows())
    assert not page.text_result.isVisible() and not page.numbers_heading.isVisible()
    # a call-log paste with names, dates and times is numbers too
    _check(qtbot, page, "张三 138 0013 8000 2026-01-02 10:30\n中国工商银行 95588", wait_jobs)
    assert sorted(r.raw for r in page.model.rows()) == ["138 0013 8000", "95588"]
    assert not page.text_result.isVisible()
    # a call log copied with its title and header: read as 打开通话记录… reads it, the 号码 column only
    paste = (
        "通话记录-爸爸-20261206\n姓名,号码,时间,类型,时长\n爸爸,13800138000,2026-12-06 09:00,来电,35\n"
        "小区物业,95275012,2026-12-06 10:00,未接,0\n张三,138,0013,8000\n"
    )
    _check(qtbot, page, paste, wait_jobs)
    assert sorted(r.raw for r in page.model.rows()) == ["13800138000", "95275012"]
    assert "共 2 个" in page.summary.text() and "粘贴的内容里有 1 行看不出哪一部分是号码" in page.summary.text()
    assert not page.text_result.isVisible()
    # a line with no number in it among numbers is said, not dropped in silence
    _check(qtbot, page, "95275012\n+852 96110\n13912345678\nabc", wait_jobs)
    assert "共 3 个" in page.summary.text() and "粘贴的内容里有 1 行看不出哪一部分是号码" in page.summary.text()


def test_empty_page_shows_no_verdict(qtbot, services, wait_jobs) -> None:
    page = _page(qtbot, services)
    assert not page.banner.isVisible() and not page.text_result.isVisible()
    assert "短信" in page.input.placeholderText() and "95275012" in page.input.placeholderText()
    page.check_pasted()  # nothing typed: a prompt, still no verdict
    assert "请先输入或粘贴号码或短信" in page.summary.text()
    assert not page.banner.isVisible()
    _check(qtbot, page, "95275012", wait_jobs)
    assert page.banner.isVisible() and page.banner.level is Level.WARN
    page.clear()
    assert not page.banner.isVisible() and not page.text_result.isVisible()
    _check(qtbot, page, "95275012", wait_jobs)
    _check(qtbot, page, SCAM_SMS, wait_jobs)  # the message's verdict shows, not the number checked before
    assert page.text_result.isVisible() and not page.banner.isVisible()
    assert page.table.current_row() is None  # its number's verdict shows when chosen
    page.table.select_source_row(0)
    assert page.banner.isVisible() and "13912345678" in page.banner.title_text()


def test_kind_selector_overrides_the_guess(qtbot, services, wait_jobs) -> None:
    page = _page(qtbot, services)
    page.kind_combo.setCurrentIndex(page.kind_combo.findData("chat"))
    _check(qtbot, page, "13800138000", wait_jobs)  # the user says it is a chat line: read, not screened
    assert page.text_result.isVisible() and page.text_result.result is not None
    assert page.text_result.result.assessment.style == "chat"
    assert "按“聊天”检查" in page.text_result.read_as.text() and "自动判断" not in page.text_result.read_as.text()
    page.kind_combo.setCurrentIndex(page.kind_combo.findData("numbers"))
    _check(qtbot, page, "妈 13800138000 你好啊今天回家吃饭吗", wait_jobs)  # said to be numbers: screened
    assert [r.raw for r in page.model.rows()] == ["13800138000"]
    assert not page.text_result.isVisible()
    page.table.selectRow(0)
    assert page.add_button.isEnabled()
    # 清空 starts over: 内容 back to 自动判断 (a volunteer's next SMS was read as what he had chosen before), and
    # nothing to add or report from an empty table
    qtbot.mouseClick(page.clear_button, Qt.MouseButton.LeftButton)
    assert page.kind_combo.currentIndex() == 0 and page.model.rowCount() == 0
    assert not page.add_button.isEnabled() and not page.report_button.isEnabled()


def test_checked_message_saved_to_history_for_a_person(qtbot, services, wait_jobs) -> None:
    from app.operations import DataArea

    services.history().add_profile("爸爸")
    changed: list[object] = []
    services.dataChanged.connect(changed.append)
    page = _page(qtbot, services)
    _check(qtbot, page, SCAM_SMS, wait_jobs)
    section = page.text_result
    section.profile_combo.setCurrentIndex(section.profile_combo.findData("爸爸"))
    qtbot.mouseClick(section.save_button, Qt.MouseButton.LeftButton)
    wait_jobs()
    assert DataArea.HISTORY in changed
    assert "已存入" in section.save_status.text() and not section.save_button.isEnabled()  # once
    rows = services.history().query(kind="sms")
    assert len(rows) == 1
    row = rows[0]
    assert row["transcript"] == SCAM_SMS and row["profile"] == "爸爸" and row["source"] == "check"
    assert row["level"] is Level.BLOCK and row["category"] == "bank_phishing"
    assert any("网银证书已过期" in r["zh"] for r in row["reasons"])
    assert {"kind": "url", "value": "http://icbc-upd.cc"}.items() <= row["entities"][0].items()
    # the History page shows it as a text message of 爸爸, its scheme after the verdict (it has no sender)
    from app.ui.page_history import HistoryPage

    history_page = HistoryPage(services)
    qtbot.addWidget(history_page)
    history_page.show()
    wait_jobs()
    assert history_page.model.rowCount() == 1
    history_page.table.select_source_row(0)
    assert history_page.banner.title_text() == "✖ 拦截 · 冒充银行 / 钓鱼链接"


def test_a_saved_message_keeps_its_sender_and_a_note(qtbot, services, wait_jobs) -> None:
    """A volunteer's weekly record for the police: who sent each message, and what became of it (a trial: every
    pasted message read 「号码：未知号码」, and there was nowhere to write 「老人没转账」)."""
    page = _page(qtbot, services)
    _check(qtbot, page, SCAM_SMS, wait_jobs)
    section = page.text_result
    section.sender_edit.setText("1069 0000 777O")  # a letter O for a zero: said, nothing saved
    qtbot.mouseClick(section.save_button, Qt.MouseButton.LeftButton)
    assert "发信号码只能有数字" in section.save_status.text() and section.save_button.isEnabled()
    assert services.history().query(kind="sms") == []
    section.sender_edit.setText("1069 0000 7770")
    section.note_edit.setText("老人没有转账，已提醒")
    qtbot.mouseClick(section.save_button, Qt.MouseButton.LeftButton)
    wait_jobs()
    (row,) = services.history().query(kind="sms")
    assert row["number_raw"] == "1069 0000 7770" and row["note"] == "老人没有转账，已提醒"
    from app.ui.page_history import HistoryPage  # 记录's details say it, as the exports do

    history_page = HistoryPage(services)
    qtbot.addWidget(history_page)
    history_page.show()
    wait_jobs()
    history_page.table.select_source_row(0)
    assert (
        "备注：老人没有转账，已提醒" in history_page.meta.text()
        and "来源：查号页粘贴的消息" in history_page.meta.text()
    )
    _check(qtbot, page, "【京东】您的订单已发货，预计明天送达。", wait_jobs)  # the next message starts empty
    assert section.sender_edit.text() == "" and section.note_edit.text() == ""


def test_checked_message_in_english_after_a_live_switch(qtbot, services, wait_jobs, qapp) -> None:
    from app.i18n import install_language

    page = _page(qtbot, services)
    _check(qtbot, page, SCAM_SMS, wait_jobs)
    install_language(qapp, "en")
    page.retranslate()
    section = page.text_result
    assert section.banner.title_text() == "✖ Block · Fake bank / phishing link"
    assert any("phishing" in r.lower() for r in section.banner.reasons_text())
    assert "link: http://icbc-upd.cc" in section.entity_texts()
    install_language(qapp, "zh")
    page.retranslate()
    assert section.banner.title_text().startswith("✖ 拦截")


def test_a_second_check_shows_its_verdict_from_the_top(qtbot, services, wait_jobs) -> None:
    """In large text the result area scrolls: a second message's verdict opened where the first was scrolled to,
    its heading cut off above."""
    page = _page(qtbot, services)
    page.resize(900, 520)
    _check(qtbot, page, SCAM_SMS, wait_jobs)
    bar = page.results_scroll.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0)
    bar.setValue(bar.maximum())
    _check(qtbot, page, SCAM_SMS + " 请尽快处理", wait_jobs)
    qtbot.waitUntil(lambda: page._text_check is not None)
    assert bar.value() == 0


def test_several_messages_pasted_together_are_named(qtbot, services, wait_jobs) -> None:
    """A volunteer pasted a pickup code and a refund scam together and got one verdict for both, with no word that
    it read them as one: the page says how many messages it seems to hold and asks for them one at a time."""
    page = _page(qtbot, services)
    two = (
        "【菜鸟驿站】您的包裹已到站，取件码 3-2-1107，请凭码取件。\n【京东】您的订单退款失败，请加QQ群 7654321 办理退款"
    )
    _check(qtbot, page, two, wait_jobs)
    section = page.text_result
    assert section.read_as.text().startswith("⚠ 这里好像有 2 条短信")
    assert section.each_button.isVisible() and not section.parts_list.isVisible()
    # 逐条检查: each message read on its own, listed, the riskiest shown
    qtbot.mouseClick(section.each_button, Qt.MouseButton.LeftButton)
    wait_jobs()
    assert section.parts_list.isVisible() and section.parts_list.count() == 2
    items = [section.parts_list.item(i).text() for i in range(2)]
    assert items[0].startswith("1. ○ 未发现诈骗") and "菜鸟驿站" in items[0]
    assert items[1].startswith("2. ") and "【京东】" in items[1] and ("警告" in items[1] or "拦截" in items[1])
    assert section.parts_list.currentRow() == 1 and section.result is not None
    assert section.result.text.startswith("【京东】") and section.result.level >= Level.WARN
    assert not section.each_button.isVisible() and "条短信" not in section.read_as.text()
    section.parts_list.setCurrentRow(0)  # the pickup code, on its own: nothing found
    assert section.result.text.startswith("【菜鸟驿站】") and section.result.level < Level.CAUTION
    _check(qtbot, page, SCAM_SMS, wait_jobs)
    assert "条短信" not in section.read_as.text() and not section.parts_list.isVisible()
    assert not section.each_button.isVisible()


def test_a_person_is_added_where_the_message_is_saved(qtbot, services, wait_jobs, monkeypatch) -> None:
    """A volunteer checks a message for someone the history does not know yet: 添加家人… beside the 家人 list adds them
    (in the history, as the 家人 page would) and chooses them; a blank name is said beside the button."""
    from PySide6.QtWidgets import QInputDialog

    page = _page(qtbot, services)
    _check(qtbot, page, SCAM_SMS, wait_jobs)
    section = page.text_result
    assert section.add_profile_button.isVisible() and section.add_profile_button.text() == "添加家人…"
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("  王奶奶  ", True))
    qtbot.mouseClick(section.add_profile_button, Qt.MouseButton.LeftButton)
    wait_jobs()
    assert services.history().profiles() == ["王奶奶"]
    assert section.profile_combo.currentData() == "王奶奶"
    section.profile_combo.setCurrentIndex(0)
    qtbot.mouseClick(section.add_profile_button, Qt.MouseButton.LeftButton)  # the same name again: chosen, not doubled
    wait_jobs()
    assert services.history().profiles() == ["王奶奶"] and section.profile_combo.currentData() == "王奶奶"
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("  ", True))
    qtbot.mouseClick(section.add_profile_button, Qt.MouseButton.LeftButton)
    wait_jobs()
    assert "请填写家人的称呼" in section.save_status.text()
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("", False))  # cancelled: nothing happens
    qtbot.mouseClick(section.add_profile_button, Qt.MouseButton.LeftButton)
    wait_jobs()
    assert services.history().profiles() == ["王奶奶"]
    qtbot.mouseClick(section.save_button, Qt.MouseButton.LeftButton)
    wait_jobs()
    assert services.history().query(kind="sms")[0]["profile"] == "王奶奶"
    assert "家人：王奶奶" in section.save_status.text()


def test_a_message_checked_as_numbers_says_how_to_read_it(qtbot, services, wait_jobs) -> None:
    """A trial: with 内容 = 电话号码 left chosen, a loan-fee SMS was split into "numbers" with no word on why."""
    page = _page(qtbot, services)
    page.kind_combo.setCurrentIndex(page.kind_combo.findData("numbers"))
    page.input.setPlainText("【速贷通】您的贷款已审批，需先缴纳解冻费1999元至指定账户方可放款，客服95213344")
    page.check_pasted()
    wait_jobs()
    assert "这段看起来是短信或聊天" in page.summary.text() and "自动判断" in page.summary.text()
    page.level_filter.setCurrentIndex(1)  # the summary is said again on a filter change: the hint stays
    page.retranslate()
    assert "这段看起来是短信或聊天" in page.summary.text()
    page.input.setPlainText("13800138000\n95588")
    page.check_pasted()
    wait_jobs()
    assert "这段看起来是短信或聊天" not in page.summary.text()


def test_a_checked_message_is_shown_in_its_own_words(qtbot, services, wait_jobs) -> None:
    """The highlighted message was the detector's normalised form: 「请加qq 88765432」 and 「扣除5000元」 under a
    message that said ＱＱ and 五千元. It is shown as pasted, the cues marked on its own words."""
    page = _page(qtbot, services)
    sms = "【工商银行】您的网银证书已过期，请加ＱＱ 8876 5432 找客服处理，逾期扣除五千元手续费。"
    _check(qtbot, page, sms, wait_jobs)
    view = page.text_result.text_view
    assert view.lines() == [sms]
    marked = view.highlighted_phrases()
    assert "网银证书已过期" in marked and "手续费" in marked, marked
    assert any("ＱＱ" in m for m in marked), marked  # the QQ cue, in the full-width letters pasted
    assert not any("qq" in m or "5000" in m for m in marked), marked
    # the reasons quote it as written too, as the marks show it
    reasons = " ".join(page.text_result.banner.reasons_text())
    assert "「加ＱＱ」" in reasons and "「加qq」" not in reasons, reasons


def test_a_platform_number_in_a_message_is_not_judged_as_a_caller(qtbot, services, wait_jobs) -> None:
    """A 1069 number written in a pasted 刷单 SMS was told 「106/1069 开头的是短信平台端口，不应作为来电号码出现」, a
    rule about callers (a trial). Numbers in a message are screened as written in one; a scam's number is still 别拨打."""
    page = _page(qtbot, services)
    _check(qtbot, page, "【优选兼职】诚聘网络刷单员，日结200-500元，详询10690000123，加QQ 3344556677", wait_jobs)
    assert [r.raw for r in page.model.rows()] == ["10690000123"]
    reason = _cell(page, "10690000123", CheckResultsModel.COL_REASONS)
    assert "来电号码" not in reason and "不要拨打" in reason, reason
    assert "刷单返利" in page.text_result.banner.title_text()


def test_a_pasted_chat_is_kept_as_a_chat_not_a_text_message(qtbot, services, wait_jobs) -> None:
    """A trial pasted a WeChat group chat into 查号 and kept it: 记录 and the family report called it 短信."""
    from app.reports.family import collect_report
    from app.ui.page_history import HistoryPage

    chat = (
        "李老师 09:16\n想参加的阿姨请下载“惠民养老”APP，把钱转到项目专用账户，名额有限，不要告诉子女。\n"
        "张大爷 09:20\n怎么下载啊\n李老师 09:21\n加我微信 lilaoshi_8888 我一步步教您，开个屏幕共享就行。"
    )
    services.history().add_profile("张大爷")
    page = _page(qtbot, services)
    page.check_message(chat, "chat")
    wait_jobs(30_000)
    section = page.text_result
    section.profile_combo.setCurrentIndex(section.profile_combo.findData("张大爷"))
    qtbot.mouseClick(section.save_button, Qt.MouseButton.LeftButton)
    wait_jobs()
    (row,) = services.history().query(kind="sms")
    assert row["call_type"] == "chat" and row["profile"] == "张大爷"
    history_page = HistoryPage(services)
    qtbot.addWidget(history_page)
    history_page.show()
    wait_jobs()
    assert history_page.model.rows()[0].kind_text("zh") == "聊天记录"
    assert history_page.model.rows()[0].kind_text("en") == "Chat"
    rep = collect_report(services.store().db, "张大爷", days=7)
    assert [it.kind_words() for it in rep.items] == [("聊天记录", "Chat")]


def test_a_message_in_another_language_is_not_read_and_says_so(qtbot, services, wait_jobs) -> None:
    """A trial pasted an English scam SMS and was told 「○ No scam found」: the detector reads Chinese only."""
    page = _page(qtbot, services)
    page.check_message(
        "Dear customer, your bank account is frozen. Transfer your savings to the safe account today and tell nobody.",
        "sms",
    )
    wait_jobs(30_000)
    banner = page.text_result.banner
    assert banner.level is Level.UNKNOWN and "几乎不是中文" in banner.accessibleDescription(), (
        banner.accessibleDescription()
    )
    assert "未发现诈骗" not in banner.title_text()


def test_an_honest_texts_cues_are_marked_without_a_scheme_beside_them(qtbot, services, wait_jobs) -> None:
    """A volunteer's trial: the honest courier's 「快递员」 read [冒充电商物流客服] and the neighbour's 「想借我」
    [冒充领导 / 熟人], on a screen she turned to the resident. Below caution the cues are marked in grey, with no
    scheme beside them; a scam's keep theirs."""
    page = _page(qtbot, services)
    _check(qtbot, page, "楼下刘阿姨说她家灯泡坏了，想借我家的梯子用一下，下午就还", wait_jobs)
    view = page.text_result.text_view
    html_text = view.toHtml()
    assert page.text_result.banner.level < Level.CAUTION
    assert view.highlighted_phrases() and "冒充" not in view.toPlainText()
    assert HighlightedTranscript.CALM_HIGHLIGHT in html_text and HighlightedTranscript.HIGHLIGHT not in html_text
    _check(qtbot, page, "【优选商城】诚聘兼职刷单，日结200元，动动手指在家赚钱，详情加QQ 3344556677", wait_jobs)
    assert "[刷单返利" in page.text_result.text_view.toPlainText()


def test_a_risky_number_in_a_calm_message_is_said_above_its_verdict(qtbot, services, wait_jobs) -> None:
    """A volunteer's trial: names and numbers with one sentence among them were read as a message, and the page
    opened on 「○ 未发现诈骗」 while two ⚠ 警告 numbers sat in the table she had to scroll to."""
    page = _page(qtbot, services)
    _check(qtbot, page, "王阿姨 171 2345 6789\n李大爷 95275012\n0085212345678 刘奶奶说是香港打来的", wait_jobs)
    section = page.text_result
    assert section.banner.level < Level.WARN  # the words alone are no scam
    qtbot.waitUntil(lambda: section.numbers_alert.isVisible(), timeout=5000)
    said = section.numbers_alert.text()
    assert said.startswith("⚠ 警告") and "95275012" in said and "0085212345678" in said and "号码表" in said
    # a message whose own verdict is as strong says it itself: no second line
    _check(qtbot, page, "【优选商城】诚聘兼职刷单，日结200元，加QQ 3344556677，联系 95275012", wait_jobs)
    assert not page.text_result.numbers_alert.isVisible()


def test_a_line_that_is_no_number_is_said_so_not_judged(qtbot, services, wait_jobs, tmp_path) -> None:
    """A trial: 「139-1234-567O」 (a letter O) was 「! 注意 0.40」 in the window and counted among the risks, where the
    command line said 输入有误. It is 「✗ 不是号码」, last in the table, counted apart, and so in the CSV."""
    from app.reports.export import write_check_csv

    page = _page(qtbot, services)
    page.input.setPlainText("139-1234-567O\n95275012\n13800138000")
    page.check_pasted()
    wait_jobs()
    rows = page.model.rows()
    assert [r.raw for r in rows][-1] == "139-1234-567O" and rows[-1].not_a_number
    last = page.model.index(len(rows) - 1, page.model.COL_LEVEL)
    assert page.model.data(last) == "✗ 不是号码"
    summary = page.summary.text()
    assert "✗ 不是号码 1" in summary and "注意 1" not in summary, summary
    out = tmp_path / "check.csv"
    write_check_csv(page.model.rows(), out, "en")
    assert "not a number" in out.read_text(encoding="utf-8-sig")
