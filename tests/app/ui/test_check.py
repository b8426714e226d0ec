"""查号 Check page with real services: real SQLite file, real screener, real job runner."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from app.models.check_model import CheckResultsModel
from app.ui.page_check import CheckPage
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
    """打开通话记录… read the names (姓名) of a log with a title line, each 没有可识别的号码: it now reads as
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
    assert "没有可识别的号码" not in "".join(
        _cell(page, r.raw, CheckResultsModel.COL_REASONS) for r in page.model.rows()
    )
    assert page.input.toPlainText() == "13800138000\n95275012\n0513-96110"
    assert "共 3 个" in page.summary.text() and "有 1 行看不出哪一部分是号码" in page.summary.text()
    page.clear()
    assert page.summary.text() == ""


def test_binary_file_gives_translated_error_not_crash(qtbot, services, wait_jobs, tmp_path: Path) -> None:
    bad = tmp_path / "photo.csv"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    page = _page(qtbot, services)
    page.open_call_log(str(bad))
    wait_jobs()
    assert page.error_dialog is not None and page.error_dialog.isVisible()
    assert "不是文本或 CSV 文件" in page.error_dialog.message_label.text()
    page.error_dialog.accept()
    assert page.check_button.isEnabled()


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
    assert table[1][0] == "+852 96110" and table[1][2] == "✖ 拦截"
    assert "已导出 120 个号码" in page.add_status.text()


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
    """The reasons under the verdict (「没有可识别的号码…」) stayed Chinese after switching the UI to English."""
    from app.i18n import install_language

    page = _page(qtbot, services)
    page.input.setPlainText("abc")
    page.check_pasted()
    wait_jobs()
    reason = services.screener.screen("abc").reasons[0].text
    assert reason.zh.startswith("没有可识别的号码") and page.banner.reasons_text() == [reason.zh]
    install_language(qapp, "en")  # as the main window does on LanguageChange: every page's retranslate()
    page.retranslate()
    assert page.banner.reasons_text() == [reason.en]
    assert reason.en.startswith("No recognisable number") and "abc" in page.banner.title_text()
    install_language(qapp, "zh")
    page.retranslate()
    assert page.banner.reasons_text() == [reason.zh]
