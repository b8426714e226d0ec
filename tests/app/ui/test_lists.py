"""名单 Lists page with real services: real SQLite file, real list store and importer."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from app.models.list_model import ListEntriesModel, ListsModel
from app.ui.page_lists import ListsPage

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


def _page(qtbot, services, wait_jobs) -> ListsPage:
    page = ListsPage(services)
    qtbot.addWidget(page)
    page.show()
    wait_jobs()
    return page


def _patterns(page: ListsPage) -> list[str]:
    return sorted(e.pattern for e in page.entries_model.rows())


def test_gbk_import_with_a_bad_line_previews_then_writes_only_on_confirm(
    qtbot, services, wait_jobs, tmp_path: Path
) -> None:
    store = services.store()
    page = _page(qtbot, services, wait_jobs)
    assert page.current_list_name() == "block"
    before = store.count("block")
    src = tmp_path / "黑名单.csv"
    src.write_bytes(
        "号码,分类,备注\n95275012,诈骗,冒充银行\n13800138000,骚扰,\nabc-not-a-number,诈骗,坏行\n4001234567,推销,贷款推销\n".encode(
            "gbk"
        )
    )
    page.start_import(str(src))
    wait_jobs()
    dialog = page.preview_dialog
    assert dialog is not None and dialog.isVisible()
    problems = [dialog.problems.item(i).text() for i in range(dialog.problems.count())]
    assert len(problems) == 1 and problems[0].startswith("第 4 行")
    assert "GBK" in dialog.summary.text().upper() and "有效 3 条" in dialog.summary.text()
    assert dialog.sample.count() == 3 and "冒充银行" in dialog.sample.item(0).text()
    assert not dialog.import_button.isVisible() and dialog.skip_button.isVisible()
    assert not dialog.notes.isVisible()  # every column is one a list keeps
    # nothing written while the preview is open
    assert store.count("block") == before
    qtbot.mouseClick(dialog.skip_button, Qt.MouseButton.LeftButton)
    wait_jobs()
    assert store.count("block") == before + 3
    assert "新增 3 条" in page.status.text() and "跳过错误行 1 行" in page.status.text()
    qtbot.waitUntil(lambda: len(page.entries_model.rows()) == 3)
    assert _patterns(page) == ["13800138000", "4001234567", "95275012"]
    # switched to English, the status says it in English (a trial read the Chinese line still)
    from app.i18n import install_language

    install_language(QApplication.instance(), "en")
    try:
        page.retranslate()
        assert "3 added" in page.status.text() or "added 3" in page.status.text(), page.status.text()
        assert "导入完成" not in page.status.text()
    finally:
        install_language(QApplication.instance(), "zh")
        page.retranslate()


def test_enter_on_a_preview_with_bad_lines_imports_nothing(qtbot, services, wait_jobs, tmp_path: Path) -> None:
    """A trial pressed Enter on the preview of a file with bad lines, and its default button 「跳过错误行，导入 2 条」 wrote
    part of the file. Enter cancels; skipping is a choice made on purpose. A broken quote is said in Chinese only."""
    store = services.store()
    page = _page(qtbot, services, wait_jobs)
    before = store.count("block")
    src = tmp_path / "有错行.csv"
    src.write_bytes(
        '号码,分类,备注\n95275012,诈骗,冒充银行\n13800138000,骚扰,\n"13912345678,诈骗,没关的引号\n'.encode("gbk")
    )
    page.start_import(str(src))
    wait_jobs()
    dialog = page.preview_dialog
    assert dialog is not None and dialog.isVisible() and dialog.skip_button.isVisible()
    problems = [dialog.problems.item(i).text() for i in range(dialog.problems.count())]
    assert problems and problems[0].startswith("第 4 行：引号不成对"), problems
    assert not any(ch.isascii() and ch.isalpha() for ch in problems[0]), problems[0]  # no "unexpected end of data"
    assert dialog.cancel_button.isDefault() and not dialog.skip_button.isDefault()
    qtbot.keyClick(dialog, Qt.Key.Key_Return)
    wait_jobs()
    assert not dialog.isVisible() and store.count("block") == before
    # a keyboard user who tabs to 跳过错误行 and presses Enter does skip them (a review: Enter there cancelled)
    page.start_import(str(src))
    wait_jobs()
    dialog = page.preview_dialog
    assert dialog is not None and dialog.isVisible()
    dialog.skip_button.setFocus()
    qtbot.keyClick(dialog.skip_button, Qt.Key.Key_Return)
    wait_jobs()
    assert not dialog.isVisible() and store.count("block") == before + 2


def test_import_cancel_writes_nothing(qtbot, services, wait_jobs, tmp_path: Path) -> None:
    src = tmp_path / "ok.txt"
    src.write_text("13900139000\n13700137000\n", encoding="utf-8")
    page = _page(qtbot, services, wait_jobs)
    page.start_import(str(src))
    wait_jobs()
    dialog = page.preview_dialog
    assert dialog is not None and dialog.import_button.isVisible() and dialog.problems_label.text()
    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    wait_jobs()
    assert services.store().count("block") == 0
    assert "没有写入任何内容" in page.status.text()


def test_add_edit_search_delete_and_export(qtbot, services, wait_jobs, tmp_path: Path) -> None:
    page = _page(qtbot, services, wait_jobs)
    # add through the dialog; a bad pattern is refused inside the dialog, with a reason
    page.add_entry()
    dialog = page.entry_dialog
    assert dialog is not None
    dialog.pattern_edit.setText("9*")
    dialog._validate()
    assert dialog.isVisible() and "规则太宽" in dialog.error_label.text()
    dialog.pattern_edit.setText("952750??")
    dialog.category_combo.setCurrentIndex(dialog.category_combo.findData("fraud"))
    dialog.note_edit.setText("南通租用号段")
    dialog._validate()
    wait_jobs()
    page.add_entry()
    page.entry_dialog.pattern_edit.setText("13800138000")
    page.entry_dialog._validate()
    wait_jobs()
    qtbot.waitUntil(lambda: len(page.entries_model.rows()) == 2)
    store = services.store()
    assert store.find("block", "952750??").note == "南通租用号段"
    # list table shows the count
    row = page.lists_model.find_row(lambda info: info.name == "block")
    assert page.lists_model.data(page.lists_model.index(row, ListsModel.COL_COUNT)) == "2"
    # edit the note
    r = page.entries_model.find_row(lambda e: e.pattern == "13800138000")
    page.entries_table.select_source_row(r)
    page.edit_entry()
    assert page.entry_dialog.pattern_edit.isReadOnly()
    page.entry_dialog.note_edit.setText("推销")
    page.entry_dialog._validate()
    wait_jobs()
    assert store.find("block", "13800138000").note == "推销"
    # search
    page.search_edit.setText("南通")
    page.reload_entries()
    wait_jobs()
    assert _patterns(page) == ["952750??"]
    assert page.count_label.text() == "找到 1 条"
    page.search_edit.clear()
    page.reload_entries()
    wait_jobs()
    # export and read it back
    out = tmp_path / "export.csv"
    page.export_to(str(out))
    wait_jobs()
    with out.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0][:2] == ["号码", "类别"] and sorted(r[0] for r in rows[1:]) == ["13800138000", "952750??"]
    # delete after confirmation
    r = page.entries_model.find_row(lambda e: e.pattern == "952750??")
    page.entries_table.select_source_row(r)
    page.delete_entries()
    assert page.confirm_box is not None and store.count("block") == 2
    page.confirm_yes.click()
    wait_jobs()
    assert store.find("block", "952750??") is None and store.count("block") == 1
    index = page.entries_model.index(0, ListEntriesModel.COL_NOTE)
    qtbot.waitUntil(lambda: page.entries_model.rowCount() == 1)
    assert page.entries_model.data(index) == "推销"


def test_enable_disable_list_by_checkbox(qtbot, services, wait_jobs) -> None:
    page = _page(qtbot, services, wait_jobs)
    row = page.lists_model.find_row(lambda info: info.name == "allow")
    index = page.lists_model.index(row, ListsModel.COL_NAME)
    assert page.lists_model.data(index, Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked
    assert page.lists_model.setData(index, Qt.CheckState.Unchecked.value, Qt.ItemDataRole.CheckStateRole)
    wait_jobs()
    qtbot.waitUntil(lambda: not services.store().get_list("allow").enabled)
    wait_jobs()
    row = page.lists_model.find_row(lambda info: info.name == "allow")
    index = page.lists_model.index(row, ListsModel.COL_NAME)
    assert page.lists_model.data(index, Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Unchecked
    page.lists_table.select_source_row(row)
    assert page.toggle_button.text() == "启用此名单"
    page.toggle_current_list()
    wait_jobs()
    assert services.store().get_list("allow").enabled


def test_create_and_delete_user_list(qtbot, services, wait_jobs) -> None:
    page = _page(qtbot, services, wait_jobs)
    page.new_list()
    page.new_list_dialog.title_edit.setText("社区 骚扰号码")
    page.new_list_dialog.accept()
    wait_jobs()
    wait_jobs()
    assert services.store().has_list("社区_骚扰号码")
    assert page.current_list_name() == "社区_骚扰号码"
    assert page.delete_list_button.isEnabled()
    page.delete_current_list()
    page.confirm_yes.click()
    wait_jobs()
    wait_jobs()
    assert not services.store().has_list("社区_骚扰号码")


def test_import_into_a_new_list(qtbot, services, wait_jobs, tmp_path: Path) -> None:
    src = tmp_path / "社区 诈骗号码.json"
    src.write_text('["95275012", "4001234567"]', encoding="utf-8")
    page = _page(qtbot, services, wait_jobs)
    page.start_import(str(src))
    wait_jobs()
    dialog = page.preview_dialog
    assert dialog is not None and dialog.new_list_name == "社区_诈骗号码"
    dialog.target.setCurrentIndex(dialog.target.findData("社区_诈骗号码"))
    assert dialog.target.currentText() == "新名单：社区_诈骗号码"
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    wait_jobs()
    wait_jobs()
    store = services.store()
    assert store.has_list("社区_诈骗号码") and store.count("社区_诈骗号码") == 2 and store.count("block") == 0
    assert page.current_list_name() == "社区_诈骗号码"


def test_lists_page_refreshes_when_another_page_writes(qtbot, page_services) -> None:
    """A block from 来电监控 (the same operation and DataArea.LISTS write) shows up on the open Lists page without
    re-showing it. The page alone, on page services: each job runs at once, so no waiting."""
    from app.operations import DataArea
    from app.operations.calls import add_number

    page = ListsPage(page_services)
    qtbot.addWidget(page)
    page.show()
    assert page.current_list_name() == "block"
    assert "95275012" not in _patterns(page)
    with qtbot.waitSignal(page_services.dataChanged, timeout=1000) as changed:
        page_services.write(add_number, page_services, "block", "95275012", "fraud", "冒充银行", area=DataArea.LISTS)
    assert changed.args == [DataArea.LISTS]
    assert "95275012" in _patterns(page)  # reloaded by the signal, not by showing the page again
    page.hide()
    page_services.write(add_number, page_services, "block", "4001234567", "sales", "", area=DataArea.LISTS)
    assert "4001234567" not in _patterns(page)  # hidden pages wait until they are shown
    page.show()
    assert "4001234567" in _patterns(page)


def test_fraud_rows_into_the_allowlist_need_the_explicit_tick(qtbot, services, wait_jobs, tmp_path: Path) -> None:
    """The real lists page: importing a fraud list into the allowlist is refused in the preview itself, which stays
    open, says why and points at the tick (a trial got an error dialog and had to start the import over); the
    explicit tick (shown only for an allowlist, and only with such rows) lets it through."""
    src = tmp_path / "seed.csv"
    src.write_bytes("号码,分类,备注\n13800138000,诈骗,冒充客服\n170*,骚扰,虚拟运营商\n13900139000,自定义,\n".encode())
    page = _page(qtbot, services, wait_jobs)
    page.start_import(str(src))
    wait_jobs()
    dialog = page.preview_dialog
    assert dialog is not None
    assert not dialog.allow_risky.isVisible()  # target: the blocklist
    dialog.target.setCurrentIndex(dialog.target.findData("allow"))
    assert dialog.allow_risky.isVisible() and not dialog.allow_risky.isChecked()
    assert dialog.risky_note.isVisible() and "2 条" in dialog.risky_note.text() and "170*" in dialog.risky_note.text()
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    wait_jobs()
    assert services.store().count("allow") == 0 and page.error_dialog is None
    assert (
        dialog.isVisible()
        and "没有导入" in dialog.risky_note.text()
        and "--allow-risky" not in dialog.risky_note.text()
    )
    dialog.allow_risky.setChecked(True)
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    wait_jobs()
    assert services.store().count("allow") == 3


def test_the_english_allowlist_name_shows_whole(qtbot, qapp, services, wait_jobs) -> None:
    """In English the lists pane cut the name to "Allowlist (family a…": it widens to the longest name when the lists
    load, until the user drags it, and the tooltip holds the whole name where a narrow window still cuts it."""
    from app.i18n import install_language

    install_language(qapp, "en")
    try:
        page = ListsPage(services)
        qtbot.addWidget(page)
        page.resize(1000, 700)
        page.show()
        wait_jobs()
        qtbot.waitUntil(lambda: page.lists_model.rowCount() >= 2)
        row = page.lists_model.find_row(lambda info: info.name == "allow")
        index = page.lists_model.index(row, ListsModel.COL_NAME)
        name = str(index.data())
        assert name == "✔ Allowlist (family and friends)"
        header = page.lists_table.horizontalHeader()
        width = page.lists_table.fontMetrics().horizontalAdvance(name)
        qtbot.waitUntil(lambda: header.sectionSize(ListsModel.COL_NAME) >= width, timeout=3000)
        assert str(index.data(Qt.ItemDataRole.ToolTipRole)).startswith("Allowlist (family and friends)\n")

        # first laid out in a small window, the pane kept the buttons' width in a large one (a new user's trial)
        small = ListsPage(services)
        qtbot.addWidget(small)
        small.resize(420, 500)
        small.show()
        wait_jobs()
        small.resize(1100, 700)
        small.hide()
        small.show()  # the page reloads its lists when shown again (another page was open meanwhile)
        wait_jobs()
        header = small.lists_table.horizontalHeader()
        qtbot.waitUntil(lambda: header.sectionSize(ListsModel.COL_NAME) >= width, timeout=3000)
        # a width the user drags to is kept
        small.splitter.splitterMoved.emit(150, 1)
        small.splitter.setSizes([150, 900])
        small.hide()
        small.show()
        wait_jobs()
        assert small.splitter.sizes()[0] == 150
    finally:
        install_language(qapp, "zh")


def test_the_preview_names_columns_a_list_does_not_keep(qtbot, services, wait_jobs, tmp_path: Path) -> None:
    """A resident's call log imported as a list: "没有发现问题", and its names and dates went without a word."""
    page = _page(qtbot, services, wait_jobs)
    src = tmp_path / "居民来电.csv"
    src.write_bytes("姓名,电话,日期\n张三,13800138000,2026-12-06\n".encode("gbk"))
    page.start_import(str(src))
    wait_jobs()
    dialog = page.preview_dialog
    assert dialog is not None and dialog.notes.isVisible()
    assert dialog.notes.text().startswith("这些列没有用到：姓名、日期")
    dialog.reject()


def test_qt_file_dialog_is_chinese_in_chinese_mode(qtbot) -> None:
    """Where the system gives no file dialog (Linux), Qt's own says 「Look in:」 and 「Files of type:」 even with Qt's
    Chinese translation installed (a trial's 导入 dialog); the app fills those gaps, and English stays English."""
    from PySide6.QtWidgets import QApplication, QFileDialog, QLabel

    from app.i18n import install_language

    app = QApplication.instance()
    try:
        install_language(app, "zh")
        dialog = QFileDialog(None, "x")
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
        qtbot.addWidget(dialog)
        labels = [label.text() for label in dialog.findChildren(QLabel)]
        assert "查找范围(&L)：" in labels and "文件类型(&T)：" in labels, labels
        assert not any("Look in" in t or "type:" in t for t in labels)
        # every other string is left alone: the app's own Chinese source text and its plurals (a first version
        # answered "" for them, which Qt takes for a translation: every page went blank)
        from PySide6.QtCore import QCoreApplication

        assert QCoreApplication.translate("ListsPage", "导入到：") == "导入到："
        assert QCoreApplication.translate("ListsPage", "导入 %n 条", "", 3) == "导入 3 条"
        assert QCoreApplication.translate("QFileDialog", "&Open") == "打开(&O)"  # Qt's own translation still wins
        install_language(app, "en")
        english = QFileDialog(None, "x")
        english.setOption(QFileDialog.Option.DontUseNativeDialog, True)
        qtbot.addWidget(english)
        assert "&Look in:" in [label.text() for label in english.findChildren(QLabel)]
    finally:
        install_language(app, "zh")


def test_the_import_preview_says_a_range_blocks_a_whole_block(qtbot, services, wait_jobs, tmp_path: Path) -> None:
    """A trial imported 952750?? through the page: the command line warns that it covers a hundred numbers, the
    preview said nothing."""
    page = _page(qtbot, services, wait_jobs)
    src = tmp_path / "号段.csv"
    src.write_text("号码,分类,备注\n952750??,诈骗,租用的95号段\n13800138000,骚扰,\n", encoding="utf-8")
    page.start_import(str(src))
    wait_jobs()
    dialog = page.preview_dialog
    assert dialog is not None and dialog.notes.isVisible()
    assert "1 条是号段或通配规则（952750??）" in dialog.notes.text(), dialog.notes.text()
    dialog.reject()
