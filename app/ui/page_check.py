"""查号 Check: paste numbers or a message, or open a call-log CSV → verdicts with reasons → add to a list.

What is pasted is checked as numbers, or as a message (an SMS, a chat, what a caller said) when it reads like one
(``app.models.calllog.looks_like_message``) or the 内容 selector says so: the message goes through the scam-script
detector and is shown by :class:`app.ui.check_text.TextResultSection`, and the phone numbers in it are screened into
the table. Screening and reading run in jobs (a big paste or a 100,000-row call log never blocks the window; the
detector loads on a worker); adding to a list goes through the single DB writer, then the affected numbers are
screened again so the table shows the new verdict.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.display import LIST_CATEGORIES, category_label, join_list, label_colon, not_a_number_word
from app.models.base import level_text
from app.models.calllog import looks_like_message, read_call_log
from app.models.check_model import CheckResultsModel, CheckRow
from app.operations import DataArea
from app.operations.check import (
    TextCheck,
    add_to_list,
    check_each,
    check_text,
    screen_numbers,
    screen_pasted,
)
from app.reports.export import write_check_csv
from app.ui import files, style
from app.ui.check_text import TextResultSection
from app.ui.community import open_report_dialog, reported_text
from app.ui.widgets import (
    DataTable,
    ErrorDetailsDialog,
    FlowLayout,
    LevelFilterCombo,
    TaskProgress,
    VerdictBanner,
    VerticalScrollArea,
    hint_label,
    page_title,
    render_text,
)
from screening.privacy import mask_number
from screening.types import Level

if TYPE_CHECKING:
    from app.phone.importer import CallDetails

log = logging.getLogger(__name__)


MAX_SHOWN = 2000  # rows in the table; a 100,000-row call log is summarised, shown riskiest first, exported in full
TEXT_STYLES = ("sms", "chat", "call")  # the 内容 choices read by the detector (its ``style``)


class CheckPage(QWidget):
    def __init__(self, services: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self._job: Any = None
        self._all_rows: list[CheckRow] = []
        self._unclear_lines: tuple[int, ...] = ()  # lines of the opened or pasted call log that were not checked
        self._unclear_pasted = False  # … of a pasted one (not of a file)
        self._text_check: TextCheck | None = None  # the message last checked, shown by ``text_result``
        self._opened_log: tuple[str, Any] | None = None  # (the input as filled from an opened call log, the log)
        self._message_as_numbers = False  # 电话号码 chosen for what reads like a message (a hint is shown)
        self.error_dialog: ErrorDetailsDialog | None = None

        self.title = page_title(self)
        self.hint = hint_label(self)

        self.input = QPlainTextEdit(self)
        self.input.setTabChangesFocus(True)
        self.kind_label = QLabel(self)
        self.kind_combo = QComboBox(self)  # 自动判断 / 电话号码 / 短信 / 聊天 / 通话内容
        self.kind_label.setBuddy(self.kind_combo)
        self.check_button = QPushButton(self)
        self.check_button.setObjectName("primary")
        self.check_button.clicked.connect(self.check_pasted)
        self.open_button = QPushButton(self)
        self.open_button.clicked.connect(self.choose_call_log)
        self.clear_button = QPushButton(self)
        self.clear_button.clicked.connect(self.clear)
        QShortcut(QKeySequence("Ctrl+Return"), self.input, self.check_pasted)

        input_buttons = QVBoxLayout()
        input_buttons.addWidget(self.kind_label)
        input_buttons.addWidget(self.kind_combo)
        input_buttons.addWidget(self.check_button)
        input_buttons.addWidget(self.open_button)
        input_buttons.addWidget(self.clear_button)
        input_buttons.addStretch(1)
        input_row = QHBoxLayout()
        input_row.addWidget(self.input, 1)
        input_row.addLayout(input_buttons)

        self.progress = TaskProgress(self)
        self.progress.cancelRequested.connect(self.cancel)

        self.filter_label = QLabel(self)
        self.filter_edit = QLineEdit(self)
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_label.setBuddy(self.filter_edit)
        self.level_filter = LevelFilterCombo(self)
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)  # (two lines in large text on a small screen, not the filter box squeezed)
        self.export_button = QPushButton(self)
        self.export_button.clicked.connect(self.choose_export)
        filter_row = QHBoxLayout()
        filter_row.addWidget(self.filter_label)
        self.filter_edit.setMinimumWidth(self.filter_edit.fontMetrics().horizontalAdvance("0") * 14)
        filter_row.addWidget(self.filter_edit, 1)
        filter_row.addWidget(self.level_filter)
        filter_row.addWidget(self.summary)
        filter_row.addWidget(self.export_button)

        self.model = CheckResultsModel(self, lang=style.current_language())

        self.model.icon_provider = style.level_icon
        self.table = DataTable(self.model, self, stretch_column=CheckResultsModel.COL_REASONS)
        self.model.modelReset.connect(self._show_detail_columns)
        self._show_detail_columns()
        self.table.selectionModel().currentChanged.connect(self._show_current)
        self.table.selectionModel().selectionChanged.connect(self._update_actions)
        self.filter_edit.textChanged.connect(self.table.proxy.set_text)
        self.level_filter.currentIndexChanged.connect(self._level_filter_changed)

        self.banner = VerdictBanner(self)
        self.banner.setVisible(False)  # no verdict before a number is checked and chosen
        self.text_result = TextResultSection(services, self)
        self.text_result.eachRequested.connect(self.check_each)
        self.numbers_heading = QLabel(self)  # over the table when it holds the numbers found in a message
        self.numbers_heading.setWordWrap(True)

        self.add_label = QLabel(self)
        self.list_combo = QComboBox(self)
        self.category_label = QLabel(self)
        self.category_combo = QComboBox(self)
        for combo in (self.list_combo, self.category_combo):  # a list's whole name, at any text size (我的黑名单)
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
            combo.setMaximumWidth(combo.fontMetrics().horizontalAdvance("名") * 20)  # (a long list title elides)
        self.category_label.setBuddy(self.category_combo)
        self.add_label.setBuddy(self.list_combo)
        self.note_edit = QLineEdit(self)
        self.add_button = QPushButton(self)
        self.add_button.clicked.connect(self.add_selected_to_list)
        self.add_status = QLabel(self)
        self.add_status.setWordWrap(True)
        to_list, as_category = QHBoxLayout(), QHBoxLayout()  # a label wraps with its field
        to_list.addWidget(self.add_label)
        to_list.addWidget(self.list_combo)
        as_category.addWidget(self.category_label)
        as_category.addWidget(self.category_combo)
        add_row = FlowLayout()  # one row when it fits (the note takes the rest); wraps with large text
        add_row.addLayout(to_list)
        add_row.addLayout(as_category)
        add_row.addWidget(self.note_edit)
        add_row.addWidget(self.add_button)
        self.report_button = QPushButton(self)  # 举报… (issue 15): a report for the volunteer centre
        self.report_button.clicked.connect(self.report_current)
        self.report_dialog: Any = None
        add_row.addWidget(self.report_button)

        self.numbers_box = QWidget(self)  # the numbers' table and actions (hidden for a message without numbers)
        numbers_layout = QVBoxLayout(self.numbers_box)
        numbers_layout.setContentsMargins(0, 0, 0, 0)
        numbers_layout.addWidget(self.numbers_heading)
        numbers_layout.addLayout(filter_row)
        numbers_layout.addWidget(self.table, 1)
        numbers_layout.addWidget(self.banner)
        numbers_layout.addLayout(add_row)
        numbers_layout.addWidget(self.add_status)
        results = QWidget(self)
        results_layout = QVBoxLayout(results)
        results_layout.setContentsMargins(0, 0, 0, 0)
        results_layout.addWidget(self.text_result)
        results_layout.addWidget(self.numbers_box, 1)
        # a checked message and the numbers in it scroll together, up and down only: nothing is squeezed (large text,
        # a long message), and the page is as wide as they need (the add-to-list row wraps with large text)
        lower = VerticalScrollArea(self)
        lower.setWidget(results)
        self.results_scroll = lower
        upper = QWidget(self)
        upper_layout = QVBoxLayout(upper)
        upper_layout.setContentsMargins(0, 0, 0, 0)
        upper_layout.addLayout(input_row)
        upper_layout.addWidget(self.progress)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(upper)
        splitter.addWidget(lower)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 4)
        splitter.setChildrenCollapsible(False)

        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.hint)
        layout.addWidget(splitter, 1)

        self.setAcceptDrops(True)  # a call-log CSV can be dragged in from the file manager
        self.retranslate()
        self._show_text_result()
        self._set_busy(False)
        self._update_actions()

    # ------------------------------------------------------------------ texts
    def keyboard_start(self) -> QWidget:
        """Where Ctrl+2 puts the caret: the box numbers and messages are typed into."""
        return self.input

    def _lang(self) -> str:
        return style.current_language()

    def retranslate(self) -> None:
        lang = self._lang()
        self.title.setText(self.tr("查号"))
        self.hint.setText(
            self.tr(
                "粘贴一个或多个电话号码，或一条可疑的短信、聊天内容，或打开手机导出的通话记录（CSV 文件），"
                "看看有没有诈骗风险、为什么。"
            )
        )
        self.input.setPlaceholderText(
            self.tr(
                "在这里粘贴电话号码（每行一个）或一条短信，例如：\n95275012\n+86 138 0013 8000\n"
                "【某某银行】您的账户存在异常，请点击链接重新认证……"
            )
        )
        self.input.setAccessibleName(self.tr("要查询的号码或短信"))
        self.kind_label.setText(self.tr("内容："))
        current_kind = self.kind_combo.currentData()
        self.kind_combo.clear()
        for text, key in (
            (self.tr("自动判断"), "auto"),
            (self.tr("电话号码"), "numbers"),
            (self.tr("短信"), "sms"),
            (self.tr("聊天"), "chat"),
            (self.tr("通话内容"), "call"),
        ):
            self.kind_combo.addItem(text, key)
        self.kind_combo.setCurrentIndex(max(0, self.kind_combo.findData(current_kind)))
        self.kind_combo.setAccessibleName(self.tr("粘贴的是什么：自动判断、电话号码、短信、聊天或通话内容"))
        self.check_button.setText(self.tr("查询 (Ctrl+Enter)"))
        self.check_button.setAccessibleName(self.tr("查询号码或短信"))
        self.open_button.setText(self.tr("打开通话记录…"))
        self.open_button.setAccessibleName(self.tr("打开通话记录 CSV 文件"))
        self.clear_button.setText(self.tr("清空"))
        self.filter_label.setText(self.tr("筛选："))
        self.filter_edit.setPlaceholderText(self.tr("输入号码、地区或原因"))
        self.filter_edit.setAccessibleName(self.tr("筛选查询结果"))
        self.level_filter.retranslate()
        self.table.setAccessibleName(self.tr("查询结果"))
        self.add_label.setText(self.tr("把选中的号码加入："))
        self.list_combo.setAccessibleName(self.tr("目标名单"))
        self.category_label.setText(self.tr("类别："))
        current_cat = self.category_combo.currentData()
        self.category_combo.clear()
        for key in LIST_CATEGORIES:
            self.category_combo.addItem(category_label(key, lang), key)
        self.category_combo.setCurrentIndex(max(0, self.category_combo.findData(current_cat)))
        self.category_combo.setAccessibleName(self.tr("类别"))
        self.note_edit.setPlaceholderText(self.tr("备注（可不填）"))
        self.note_edit.setAccessibleName(self.tr("备注"))
        self.add_button.setText(self.tr("加入名单"))
        self.report_button.setText(self.tr("举报…"))
        self.report_button.setAccessibleName(self.tr("举报选中的号码（记在本机，可导出给志愿者中心）"))
        self.export_button.setText(self.tr("导出 CSV…"))
        self.export_button.setAccessibleName(self.tr("把全部查询结果导出为 CSV 表格"))
        self.progress.retranslate()
        self.banner.retranslate()
        self.numbers_heading.setText(self.tr("文字里的电话号码（已按号码查询）："))
        self.text_result.style_name = self._style_name()
        self.text_result.retranslate()
        self.model.set_language(lang)
        self.refresh_lists()
        self._update_summary()
        self._show_current()  # the verdict banner's reasons, in the new language

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.refresh_lists()  # lists may have been created or renamed on the 名单 page

    def refresh_lists(self) -> None:
        """Fill the target-list combo with the lists a user may add to (not the bundled ones)."""
        lang = self._lang()
        current = self.list_combo.currentData()
        self.list_combo.clear()
        try:
            lists = self.services.store().lists()
        except Exception:  # the store is part of another issue; the page still screens without it
            log.exception("cannot read the lists")
            lists = []
        for info in lists:
            kind = getattr(getattr(info, "kind", None), "value", "")
            if kind == "bundled" or getattr(info, "subscribed", False):  # replaced by their publisher's updates
                continue
            prefix = "✔ " if kind == "allow" else "✖ "
            self.list_combo.addItem(prefix + render_text(info.title, lang), info.name)
        index = self.list_combo.findData(current) if current else self.list_combo.findData("block")
        self.list_combo.setCurrentIndex(max(0, index))

    def prepare_screenshot(self) -> None:
        """Demo content for ``callshield --screenshot``: a few typical numbers, screened for real."""
        self.input.setPlainText("95275012\n95588\n+86 138 0013 8000\n+852 96110\n4008123123\n17012345678")
        self.check_pasted()

    # ----------------------------------------------------------------- actions
    def check_pasted(self) -> None:
        """Check what was pasted: as a message when the 内容 selector says so or it reads like one, else as numbers."""
        self._unclear_lines = ()  # a call log has lines it could not read, a message none
        self._message_as_numbers = False
        text = self.input.toPlainText()
        if not text.strip():
            self.summary.setText(self.tr("请先输入或粘贴号码或短信。"))
            self.input.setFocus()
            return
        kind = self.kind_combo.currentData()
        if kind in TEXT_STYLES or (kind == "auto" and looks_like_message(text)):
            self.check_message(text, kind if kind in TEXT_STYLES else None)
            return
        if self._job is not None:
            return
        if self._opened_log is not None and self._opened_log[0] == text:
            log_ = self._opened_log[1]  # the opened call log, unchanged: all its numbers, with their 姓名 and 时间
            self._unclear_lines = log_.unclear_lines
            self._unclear_pasted = False  # (its unreadable lines are the file's)
            self.check_numbers(log_.numbers, log_.details)
            return
        # numbers asked for, and it reads like a message: its numbers are checked, and the page says how to read it
        self._message_as_numbers = kind == "numbers" and looks_like_message(text)
        self._start_screening(self.tr("正在查询号码…"), 0)
        self._job = self.services.jobs.run_long(
            screen_pasted,
            self.services,
            text,
            on_result=self._pasted_screened,
            on_error=self._failed,
            on_progress=self.progress.set_progress,
            on_cancelled=self._cancelled,
            name="check-pasted",
        )

    def check_numbers(self, numbers: list[str], details: Sequence[CallDetails] = ()) -> None:
        """Screen ``numbers`` in a job (``details``: their call log's names and times); the table fills when done."""
        if self._job is not None:
            return
        self._start_screening(self.tr("正在查询 %n 个号码…", "", len(numbers)), len(numbers))
        self._job = self.services.jobs.run_long(
            screen_numbers,
            self.services,
            numbers,
            details,
            on_result=self._screened,
            on_error=self._failed,
            on_progress=self.progress.set_progress,
            on_cancelled=self._cancelled,
            name="check-numbers",
        )

    def check_message(self, text: str, style_key: str | None) -> None:
        """Read ``text`` as a message (``style_key`` sms/chat/call, None: guessed) in a job: the detector, then the
        phone numbers it mentions. The result section and the table fill when it is done."""
        if self._job is not None:
            return
        self._start_screening(self.tr("正在检查这段文字…"), 0)
        self._job = self.services.jobs.run_long(
            check_text,
            self.services,
            text,
            style_key,
            on_result=self._text_checked,
            on_error=self._failed,
            on_progress=self.progress.set_progress,
            on_cancelled=self._cancelled,
            name="check-text",
        )

    def check_each(self) -> None:
        """Read each message of the pasted text on its own (逐条检查), in a job; the section lists them when done.
        The numbers' table stays: the numbers are the same, read all together."""
        checked = self._text_check
        if self._job is not None or checked is None:
            return
        self._set_busy(True)
        self.progress.start(self.tr("正在逐条检查…"))
        self._job = self.services.jobs.run_long(
            check_each,
            self.services,
            checked.text,
            checked.style,
            on_result=self._each_checked,
            on_error=self._failed,
            on_progress=self.progress.set_progress,
            on_cancelled=self._cancelled,
            name="check-each",
        )

    def _each_checked(self, parts: list[TextCheck]) -> None:
        self._job = None
        self._set_busy(False)
        self.text_result.show_parts(parts)
        log.info("checked %d pasted messages one by one", len(parts))

    def _start_screening(self, text: str, total: int) -> None:
        self.model.clear()
        self._all_rows = []
        self._text_check = None
        self._show_text_result()
        self.banner.setVisible(False)  # a model reset moves no current row: the last number's verdict would stay
        self.add_status.clear()
        self._set_busy(True)
        self.progress.start(text, total)

    def choose_call_log(self) -> None:
        path = files.open_file(self, self.tr("打开通话记录"), self.tr("通话记录 (*.csv *.txt);;所有文件 (*)"))
        if path:
            self.open_call_log(path)

    def open_call_log(self, path: str) -> None:
        """Read the CSV in a job (it may be large, UTF-8 or GBK), then screen its numbers.  Read as ``phone import``
        and ``callshield check --file`` read it (``app.models.calllog.read_call_log``): a title line above the header
        is skipped and the header's number column read."""
        if self._job is not None:
            return
        self._set_busy(True)
        self.progress.start(self.tr("正在读取通话记录…"))
        self._job = self.services.jobs.run(
            read_call_log, path, on_result=self._call_log_read, on_error=self._failed, name="read-call-log"
        )

    def _call_log_read(self, log_: Any) -> None:
        self._job = None
        self._set_busy(False)
        self.input.setPlainText("\n".join(log_.numbers[:2000]))
        self._opened_log = (self.input.toPlainText(), log_)  # 查询 again checks the log, not the bare numbers shown
        self._unclear_lines = log_.unclear_lines
        self._unclear_pasted = False
        self.check_numbers(log_.numbers, log_.details)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls() and any(url.isLocalFile() for url in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        files = [url.toLocalFile() for url in event.mimeData().urls() if url.isLocalFile()]
        if files and self._job is None:
            self.open_call_log(files[0])
            event.acceptProposedAction()

    def cancel(self) -> None:
        if self._job is not None:
            self._job.cancel()

    def clear(self) -> None:
        self.input.clear()
        self._opened_log = None
        self._all_rows = []
        self._unclear_lines = ()
        self._message_as_numbers = False
        self._text_check = None
        self.model.clear()
        self.banner.setVisible(False)
        self._show_text_result()
        self.add_status.clear()
        # back to 自动判断 (a volunteer's next SMS was read as a call: 清空 had kept 内容 at 通话内容), and no action
        # left for a table that is empty
        self.kind_combo.setCurrentIndex(0)
        self._update_summary()
        self._update_actions()

    def add_selected_to_list(self) -> None:
        rows: list[CheckRow] = self.table.selected_rows()
        list_name = self.list_combo.currentData()
        if not rows or not list_name:
            self.add_status.setText(self.tr("请先在表格中选中号码。"))
            return
        values = list(dict.fromkeys(row.list_value for row in rows if row.list_value))
        category = str(self.category_combo.currentData() or "custom")
        note = self.note_edit.text().strip()
        # no note typed: each number keeps the name its call log gave it (儿子, 骚扰电话), so the list says who it is
        names = {row.list_value: row.name for row in rows if row.name} if not note else {}
        self.add_button.setEnabled(False)
        self.add_status.setText(self.tr("正在加入名单…"))
        list_title = self.list_combo.currentText()

        def done(problems: list[tuple[str, Any]]) -> None:
            added = len(values) - len(problems)
            text = self.tr("已把 %n 个号码加入“%1”。", "", added).replace("%1", list_title)
            if problems:
                lang = self._lang()
                details = join_list(
                    (f"{value}{label_colon(lang)}{render_text(msg, lang)}" for value, msg in problems), lang
                )
                text += " " + self.tr("未能加入：") + details
            self.add_status.setText(text)
            log.info("added %d numbers to list %s", added, list_name)
            self._update_actions()
            self.refresh_lists()
            if added:  # the note was for these numbers, not the next ones; and show the new verdicts
                self.note_edit.clear()
                self._rescreen([r for r in rows if r.list_value not in {v for v, _ in problems}])

        def failed(exc: BaseException) -> None:
            self._update_actions()
            self.add_status.clear()
            self._show_error(exc)

        self.services.write(
            add_to_list, self.services, list_name, values, category, note, names,
            area=DataArea.LISTS, on_result=done, on_error=failed, name="add-to-list",
        )  # fmt: skip

    def _rescreen(self, rows: list[CheckRow]) -> None:
        raws = [r.raw for r in rows]

        def done(new_rows: list[CheckRow]) -> None:
            by_raw = {r.raw: r.verdict for r in new_rows}  # the new verdict; each row keeps its call's name and time
            self._all_rows = [replace(r, verdict=by_raw[r.raw]) if r.raw in by_raw else r for r in self._all_rows]
            for i, row in enumerate(self.model.rows()):
                if row.raw in by_raw:
                    self.model.replace_row(i, replace(row, verdict=by_raw[row.raw]))
            self._show_current()
            self._update_summary()

        self.services.jobs.run_long(screen_numbers, self.services, raws, on_result=done, on_error=self._show_error)

    # ----------------------------------------------------------------- results
    def _text_checked(self, result: TextCheck) -> None:
        self._job = None
        self._text_check = result
        self._show_text_result()
        self._screened(result.numbers)
        self.results_scroll.verticalScrollBar().setValue(0)  # a new verdict is read from its heading
        log.info("checked a pasted message: %s, %d numbers in it", result.level.name, len(result.numbers))

    def _show_text_result(self) -> None:
        """The message section for a new ``_text_check`` (hidden when numbers were checked)."""
        result = self._text_check
        self.text_result.show_result(result, self._style_name(), guessed=result is not None and result.style is None)
        self.numbers_heading.setVisible(result is not None)
        self.numbers_box.setVisible(result is None or bool(result.numbers))
        # below a message the table is as tall as a few numbers need; alone it fills the page
        self.table.setMinimumHeight(self.fontMetrics().height() * 8 if result is not None else 0)

    def _style_name(self) -> str:
        """What the message was read as, in the 内容 selector's words (短信 / 聊天 / 通话内容)."""
        result = self._text_check
        if result is None:
            return ""
        key = result.style or result.assessment.style
        index = self.kind_combo.findData(key)
        return self.kind_combo.itemText(index) if index >= 0 else key

    def _pasted_screened(self, result: tuple[list[CheckRow], tuple[int, ...]]) -> None:
        rows, self._unclear_lines = result  # a pasted call log's lines that could not be read (张三,138,0013,8000)
        self._unclear_pasted = True
        self._screened(rows)

    def _screened(self, rows: list[CheckRow]) -> None:
        self._job = None
        self._set_busy(False)
        self._all_rows = rows
        # Already sorted riskiest first by the worker: set the indicator without sorting again here.
        header = self.table.horizontalHeader()
        header.blockSignals(True)
        header.setSortIndicator(CheckResultsModel.COL_LEVEL, Qt.SortOrder.DescendingOrder)
        header.blockSignals(False)
        self.model.set_rows(rows[:MAX_SHOWN])
        if rows and self._text_check is None:  # a message's own verdict is the one shown; a number's on request
            self.table.selectRow(0)
            self.table.setCurrentIndex(self.table.proxy.index(0, 0))
        self._update_summary()
        if not rows and self._text_check is None:
            self.summary.setText(self.tr("没有找到电话号码。"))
        self._update_actions()
        log.info("screened %d numbers", len(rows))

    def _show_detail_columns(self) -> None:
        """The 姓名 and 时间 columns only when the rows came from a call log that had them."""
        for column, shown in self.model.detail_columns(self.model.rows()).items():
            self.table.setColumnHidden(column, not shown)

    def _cancelled(self) -> None:
        self._job = None
        self._set_busy(False)
        self.summary.setText(self.tr("已取消查询。"))

    def _failed(self, exc: BaseException) -> None:
        self._job = None
        self._set_busy(False)
        self._show_error(exc)

    def _show_error(self, exc: BaseException) -> None:
        log.warning("check page: %s", type(exc).__name__)
        self.error_dialog = ErrorDetailsDialog.from_exception(exc, parent=self, log_path=str(self.services.log_path))
        self.error_dialog.open()

    def _show_current(self, *_: Any) -> None:
        row: CheckRow | None = self.table.current_row()
        self.banner.setVisible(row is not None)
        if row is None:
            self._update_actions()
            return
        lang = self._lang()
        parts = [row.raw, row.location(lang), row.carrier(lang)]
        self.banner.set_verdict(row.level, "  ".join(p for p in parts if p), row.reasons(lang))
        self._update_actions()
        log.debug("showing verdict for %s", mask_number(row.raw))

    def _level_filter_changed(self) -> None:
        self.table.proxy.set_min_level(self.level_filter.min_level())
        self._update_summary()

    def _update_summary(self) -> None:
        rows = self._all_rows
        if not rows:
            self.summary.setText(self._with_hint(self.tr("没有找到电话号码。") if self._message_as_numbers else ""))
            return
        lang = self._lang()
        counts = {level: 0 for level in Level}
        for row in rows:
            if not row.not_a_number:
                counts[row.level] += 1
        parts = [f"{level_text(level, lang)} {counts[level]}" for level in sorted(Level, reverse=True) if counts[level]]
        if typos := sum(row.not_a_number for row in rows):  # typing slips, not callers: counted apart
            parts.append(f"{not_a_number_word(lang)} {typos}")
        text = self.tr("共 %n 个：", "", len(rows)) + "  ".join(parts)
        if len(rows) > self.model.rowCount():
            text += "  " + self.tr("（表格显示风险最高的 %n 个；导出 CSV 可得到全部结果）", "", self.model.rowCount())
        if self._unclear_lines and self._unclear_pasted:
            text += "  " + self.tr(
                "（粘贴的内容里有 %n 行看不出哪一部分是号码，没有检查）", "", len(self._unclear_lines)
            )
        elif self._unclear_lines:
            text += "  " + self.tr("（文件里有 %n 行看不出哪一部分是号码，没有检查）", "", len(self._unclear_lines))
        self.summary.setText(self._with_hint(text))

    def _with_hint(self, text: str) -> str:
        """``text``, and how to read what was checked as numbers though it reads like a message (re-said on a
        language switch or a filter change, as the summary is)."""
        if not self._message_as_numbers:
            return text
        hint = self.tr("这段看起来是短信或聊天：要检查里面的话术，请在“内容”里选“自动判断”或“短信”。")
        return " ".join(t for t in (text, hint) if t)

    def _set_busy(self, busy: bool) -> None:
        self.check_button.setEnabled(not busy)
        self.open_button.setEnabled(not busy)
        if not busy:
            self.progress.finish()

    def _update_actions(self, *_: Any) -> None:
        has_selection = bool(self.table.selectionModel().selectedRows())
        self.add_button.setEnabled(has_selection and self.list_combo.count() > 0)
        self.report_button.setEnabled(self.table.current_row() is not None)
        self.export_button.setEnabled(bool(self._all_rows))

    def report_current(self) -> None:
        """举报 the number of the result in view (app.ui.community: dialog, then the operations module)."""
        row: CheckRow | None = self.table.current_row()
        if row is None:
            return
        self.report_dialog = open_report_dialog(
            self.services, self, row.raw, on_done=lambda r: self.add_status.setText(reported_text(r))
        )

    # ------------------------------------------------------------------ export
    def choose_export(self) -> None:
        default = "查号结果.csv" if self._lang() == "zh" else "check-results.csv"
        path, _ = files.save_file(self, self.tr("导出查询结果"), default, self.tr("CSV 表格 (*.csv)"))
        if path:
            self.export_to(path)

    def export_to(self, path: str) -> None:
        """All results (not only the rows shown), riskiest first, in a job."""
        self.services.jobs.run(
            write_check_csv,
            list(self._all_rows),
            path,
            self._lang(),
            on_result=lambda n: self.add_status.setText(self.tr("已导出 %n 个号码的结果到：", "", n) + path),
            on_error=self._show_error,
            name="export-check",
        )
