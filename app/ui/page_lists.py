"""名单 Lists: browse, search, add, edit and delete entries; enable/disable lists; import with a preview; export.

Reading a list, searching it and validating an import file run in jobs; every write (add, edit, delete,
enable, import commit) goes through the single DB writer.  An import is two steps: the file is parsed and
validated into a preview (nothing written), the preview dialog shows the problems with their line
numbers, and only the user's confirmation commits it — in one transaction.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QPushButton,
    QSplitter,
    QStyle,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.display import LIST_CATEGORIES, category_label
from app.models.list_model import ListEntriesModel, ListsModel
from app.operations import DataArea
from app.operations.lists import (
    commit_import,
    create_list,
    delete_list,
    export_list,
    load_entries,
    load_lists,
    preview_import,
    remove_entries,
    set_list_enabled,
    write_entry,
)
from app.ui import files, style
from app.ui.community import ReportsPanel, SubscriptionsPanel, warning_text
from app.ui.widgets import (
    DataTable,
    ErrorDetailsDialog,
    TaskProgress,
    hint_label,
    ok_cancel_buttons,
    page_title,
    render_text,
)
from screening.privacy import mask_number

log = logging.getLogger(__name__)


def _category_items(combo: QComboBox, lang: str, current: Any = None) -> None:
    combo.clear()
    for key in LIST_CATEGORIES:
        combo.addItem(category_label(key, lang), key)
    combo.setCurrentIndex(max(0, combo.findData(current)))


# ------------------------------------------------------------------------------------------ dialogs
class EntryDialog(QDialog):
    """Add or edit one entry: number or pattern (952750??, 170*), category, note.  Validates before closing."""

    def __init__(self, lang: str, region: str, entry: Any = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._region = region
        self._lang = lang
        self.setWindowTitle(self.tr("编辑条目") if entry is not None else self.tr("添加号码"))
        self.pattern_edit = QLineEdit(self)
        self.pattern_edit.setPlaceholderText(self.tr("号码，或规则如 952750?? 、170*"))
        self.pattern_edit.setAccessibleName(self.tr("号码或规则"))
        self.category_combo = QComboBox(self)
        self.category_combo.setAccessibleName(self.tr("类别"))
        _category_items(self.category_combo, lang, getattr(getattr(entry, "category", None), "value", "fraud"))
        self.note_edit = QLineEdit(self)
        self.note_edit.setAccessibleName(self.tr("备注"))
        self.error_label = QLabel(self)
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: #b91c1c;")
        if entry is not None:
            self.pattern_edit.setText(entry.pattern)
            self.pattern_edit.setReadOnly(True)
            self.note_edit.setText(entry.note)
        form = QFormLayout()
        form.addRow(self.tr("号码 / 规则："), self.pattern_edit)
        form.addRow(self.tr("类别："), self.category_combo)
        form.addRow(self.tr("备注："), self.note_edit)
        buttons = ok_cancel_buttons(self, self.tr("保存"), self.tr("取消"), self._validate)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(buttons)

    def values(self) -> tuple[str, str, str]:
        return self.pattern_edit.text().strip(), str(self.category_combo.currentData()), self.note_edit.text().strip()

    def _validate(self) -> None:
        from blocklists.store import parse_pattern

        try:
            parse_pattern(self.pattern_edit.text(), self._region)
        except ValueError as exc:
            message = getattr(exc, "message", None)
            self.error_label.setText(render_text(message, self._lang) if message is not None else str(exc))
            self.pattern_edit.setFocus()
            return
        self.accept()


class ImportPreviewDialog(QDialog):
    """Shows what an import would do — counts, per-line problems, a sample — before anything is written."""

    def __init__(self, preview: Any, lists: list[Any], current: str, lang: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.preview = preview
        self.skip_bad = False
        self.setWindowTitle(self.tr("导入预览"))
        name = Path(str(preview.source)).name
        valid = len(preview.rows)
        summary = self.tr("文件“%1”：读取 %2 行，有效 %3 条，文件内重复 %4 条，错误 %5 行。（格式 %6，编码 %7）")
        for key, value in (
            ("%1", name),
            ("%2", preview.lines_read),
            ("%3", valid),
            ("%4", preview.duplicates_in_file),
            ("%5", preview.problem_count),
            ("%6", preview.format.upper()),
            ("%7", preview.encoding),
        ):
            summary = summary.replace(key, str(value))
        self.summary = QLabel(summary, self)
        self.summary.setWordWrap(True)
        self.problems_label = QLabel(self)
        self.problems_label.setWordWrap(True)
        self.problems = QListWidget(self)
        self.problems.setAccessibleName(self.tr("有问题的行"))
        for problem in preview.problems:
            self.problems.addItem(problem.render(lang))
        if preview.problem_count > len(preview.problems):
            self.problems.addItem(self.tr("…还有 %n 行有问题", "", preview.problem_count - len(preview.problems)))
        if preview.problem_count:
            self.problems_label.setText(
                self.tr(
                    "以下各行有问题。现在还没有写入任何内容：可以修改文件后重新导入，或跳过这些行只导入有效的条目。"
                )
            )
        else:
            self.problems_label.setText(self.tr("没有发现问题。确认后才会写入。"))
            self.problems.setVisible(False)
        # said, not refused: columns the list does not keep (a resident's call log read as a list)
        self.notes = QLabel("\n".join(note.render(lang) for note in getattr(preview, "notes", ())), self)
        self.notes.setWordWrap(True)
        self.notes.setVisible(bool(self.notes.text()))
        self.sample = QListWidget(self)
        self.sample.setAccessibleName(self.tr("将要导入的条目（前 20 条）"))
        for parsed, category, note in preview.sample(20):
            text = f"{parsed.pattern}  ·  {category.label(lang)}"
            self.sample.addItem(f"{text}  ·  {note}" if note else text)
        self.target = QComboBox(self)
        self.target.setAccessibleName(self.tr("导入到名单"))
        for info in lists:
            if info.kind.value == "bundled":
                continue
            self.target.addItem(render_text(info.title, lang), info.name)
        names = {info.name for info in lists}
        stem = "".join("_" if ch.isspace() else ch for ch in Path(str(preview.source)).stem)[:32] or "imported"
        new_name, n = stem, 2
        while new_name in names:
            new_name, n = f"{stem}-{n}", n + 1
        self.new_list_name = new_name
        self.target.addItem(self.tr("新名单：%1").replace("%1", new_name), new_name)
        self.target.setCurrentIndex(max(0, self.target.findData(current)))
        # An allowlist beats every blocklist: fraud rows or ranges go there only when the user says so.
        self._allow_names = {info.name for info in lists if info.kind.value == "allow"}
        self.allow_risky = QCheckBox(
            self.tr("确实要把标为诈骗/骚扰的号码或号段（如 170*）放进白名单（通常不应这样做）"), self
        )
        self.allow_risky.setAccessibleName(self.tr("允许把诈骗/骚扰条目或号段导入白名单"))
        from blocklists.importexport import risky_for_allowlist

        self._risky = risky_for_allowlist(preview)
        self._risky_examples = "、".join(self._risky[:3])
        # said in the dialog, before anything is written (a trial got an error dialog after 导入 and started over)
        self.risky_note = QLabel(self)
        self.risky_note.setWordWrap(True)
        self.risky_note.setText(
            "⚠ "
            + self.tr(
                "其中 %n 条标为诈骗/骚扰或是号段（如 %1）。白名单里的号码永远不会被拦截。", "", len(self._risky)
            ).replace("%1", self._risky_examples)
        )
        self.target.currentIndexChanged.connect(self._update_allow_risky)
        self._update_allow_risky()
        target_row = QHBoxLayout()
        target_label = QLabel(self.tr("导入到："), self)
        target_label.setBuddy(self.target)
        target_row.addWidget(target_label)
        target_row.addWidget(self.target, 1)

        self.buttons = QDialogButtonBox(self)
        self.import_button = self.buttons.addButton(
            self.tr("导入 %n 条", "", valid), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.skip_button = self.buttons.addButton(
            self.tr("跳过错误行，导入 %n 条", "", valid), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.cancel_button = self.buttons.addButton(self.tr("取消，不导入"), QDialogButtonBox.ButtonRole.RejectRole)
        self.import_button.setVisible(preview.problem_count == 0)
        self.import_button.setEnabled(bool(valid))
        self.skip_button.setVisible(preview.problem_count > 0)
        self.skip_button.setEnabled(bool(valid))
        self.import_button.clicked.connect(self.accept)
        self.skip_button.clicked.connect(self._accept_skipping)
        self.cancel_button.clicked.connect(self.reject)
        if preview.problem_count:
            # Enter must not import part of a file: skipping bad lines is a choice made with the mouse, or by Tab to
            # the button and then Enter (it still answers Enter with the focus on it); a trial pressed Enter on this
            # preview and got 2 of 5 lines in
            for button in (self.import_button, self.skip_button):
                button.setDefault(False)
            self.cancel_button.setDefault(True)
            self.cancel_button.setFocus()

        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.notes)
        layout.addWidget(self.problems_label)
        layout.addWidget(self.problems, 1)
        sample_label = QLabel(self.tr("将要导入的条目（前 20 条）："), self)
        layout.addWidget(sample_label)
        layout.addWidget(self.sample, 1)
        layout.addLayout(target_row)
        layout.addWidget(self.risky_note)
        layout.addWidget(self.allow_risky)
        layout.addWidget(self.buttons)
        self.resize(640, 480)

    def target_list(self) -> str:
        return str(self.target.currentData() or "")

    def _update_allow_risky(self) -> None:
        at_risk = self.target_list() in self._allow_names and bool(self._risky)
        self.allow_risky.setVisible(at_risk)
        self.risky_note.setVisible(at_risk)
        if not at_risk:
            self.allow_risky.setChecked(False)

    def accept(self) -> None:
        """Not into an allowlist with fraud rows or ranges unless the box says so: the dialog stays, says why and
        points at the box (nothing is written either way)."""
        if self.allow_risky.isVisibleTo(self) and not self.allow_risky.isChecked():
            self.risky_note.setText(
                "✖ "
                + self.tr(
                    "没有导入：其中 %n 条标为诈骗/骚扰或是号段（如 %1），白名单里的号码永远不会被拦截。"
                    "确实要这样做，请勾选下面这一项；否则换一个名单，或取消。",
                    "",
                    len(self._risky),
                ).replace("%1", self._risky_examples)
            )
            self.allow_risky.setFocus()
            self.skip_bad = False
            return
        super().accept()

    def _accept_skipping(self) -> None:
        self.skip_bad = True
        self.accept()


class NewListDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("新建名单"))
        self.title_edit = QLineEdit(self)
        self.title_edit.setAccessibleName(self.tr("名单名称"))
        self.kind_combo = QComboBox(self)
        self.kind_combo.addItem(self.tr("✖ 拦截名单"), "block")
        self.kind_combo.addItem(self.tr("✔ 可信名单（放行）"), "allow")
        self.kind_combo.setAccessibleName(self.tr("名单类型"))
        form = QFormLayout()
        form.addRow(self.tr("名称："), self.title_edit)
        form.addRow(self.tr("类型："), self.kind_combo)
        buttons = ok_cancel_buttons(self, self.tr("创建"), self.tr("取消"))
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)


# --------------------------------------------------------------------------------------------- page
class ListsPage(QWidget):
    def __init__(self, services: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.error_dialog: ErrorDetailsDialog | None = None
        self.preview_dialog: ImportPreviewDialog | None = None
        self.entry_dialog: EntryDialog | None = None
        self.new_list_dialog: NewListDialog | None = None
        self.confirm_box: QMessageBox | None = None
        self.confirm_yes: Any = None
        self._lists: list[Any] = []
        self._entries_job: Any = None
        self._pending_search = False
        self._total = 0

        self.title = page_title(self)
        self.hint = hint_label(self)

        # left: the lists
        self.lists_model = ListsModel(self, lang=style.current_language())
        self.lists_model.icon_provider = style.level_icon
        self.lists_table = DataTable(self.lists_model, self, stretch_column=ListsModel.COL_NAME)
        self.lists_table.setSelectionMode(DataTable.SelectionMode.SingleSelection)
        self.lists_table.setSortingEnabled(False)
        self.lists_table.selectionModel().currentChanged.connect(self._list_changed)
        self.lists_model.toggleRequested.connect(self.set_list_enabled)
        self.toggle_button = QPushButton(self)
        self.toggle_button.clicked.connect(self.toggle_current_list)
        self.new_list_button = QPushButton(self)
        self.new_list_button.clicked.connect(self.new_list)
        self.delete_list_button = QPushButton(self)
        self.delete_list_button.clicked.connect(self.delete_current_list)
        self.import_button = QPushButton(self)
        self.import_button.clicked.connect(self.choose_import)
        self.export_button = QPushButton(self)
        self.export_button.clicked.connect(self.choose_export)
        left = QWidget(self)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.lists_table, 1)
        for button in (self.toggle_button, self.new_list_button, self.delete_list_button):
            left_layout.addWidget(button)
        left_layout.addSpacing(8)
        left_layout.addWidget(self.import_button)
        left_layout.addWidget(self.export_button)

        # right: entries of the selected list
        self.list_heading = QLabel(self)
        font = self.list_heading.font()
        font.setBold(True)
        self.list_heading.setFont(font)
        self.search_label = QLabel(self)
        self.search_edit = QLineEdit(self)
        self.search_edit.setClearButtonEnabled(True)
        self.search_label.setBuddy(self.search_edit)
        self.search_edit.returnPressed.connect(self.reload_entries)
        self.search_button = QPushButton(self)
        self.search_button.clicked.connect(self.reload_entries)
        search_row = QHBoxLayout()
        search_row.addWidget(self.search_label)
        search_row.addWidget(self.search_edit, 1)
        search_row.addWidget(self.search_button)
        self.entries_model = ListEntriesModel(self, lang=style.current_language())
        self.entries_model.icon_provider = style.level_icon
        self.entries_table = DataTable(self.entries_model, self, stretch_column=ListEntriesModel.COL_NOTE)
        self.entries_table.doubleClicked.connect(lambda _index: self.edit_entry())
        self.entries_table.selectionModel().selectionChanged.connect(self._update_actions)
        self.count_label = QLabel(self)
        self.add_button = QPushButton(self)
        self.add_button.clicked.connect(self.add_entry)
        self.edit_button = QPushButton(self)
        self.edit_button.clicked.connect(self.edit_entry)
        self.delete_button = QPushButton(self)
        self.delete_button.clicked.connect(self.delete_entries)
        QShortcut(QKeySequence.StandardKey.Delete, self.entries_table, self.delete_entries)
        entry_buttons = QHBoxLayout()
        entry_buttons.addWidget(self.add_button)
        entry_buttons.addWidget(self.edit_button)
        entry_buttons.addWidget(self.delete_button)
        entry_buttons.addStretch(1)
        entry_buttons.addWidget(self.count_label)
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        self.progress = TaskProgress(self)
        self.progress.cancelRequested.connect(self._cancel_entries_job)
        right = QWidget(self)
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.list_heading)
        right_layout.addLayout(search_row)
        right_layout.addWidget(self.entries_table, 1)
        right_layout.addLayout(entry_buttons)
        right_layout.addWidget(self.progress)
        right_layout.addWidget(self.status)

        splitter = self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(left)
        splitter.addWidget(right)
        em = self.fontMetrics().horizontalAdvance("M")
        splitter.setSizes([em * 22, em * 50])
        # widened to the longest list name whenever the lists load or the page is shown, until the user drags it
        self._user_sized = False
        splitter.splitterMoved.connect(self._splitter_dragged)
        splitter.setStretchFactor(1, 3)
        splitter.setChildrenCollapsible(False)
        # community lists (issue 15): subscriptions and the user's own reports, each on its own tab
        self.subscriptions = SubscriptionsPanel(services, self)
        self.subscriptions.loaded.connect(self._subscriptions_loaded)
        self.reports = ReportsPanel(services, self)
        self.tabs = QTabWidget(self)
        self.tabs.addTab(splitter, "")
        self.tabs.addTab(self.subscriptions, "")
        self.tabs.addTab(self.reports, "")
        # expired or failing subscriptions: a warning above the tabs, whichever tab is open (glyph + words)
        self.subs_warning = QLabel(self)
        self.subs_warning.setObjectName("warningText")
        self.subs_warning.setWordWrap(True)
        self.subs_warning.setStyleSheet("color: #92400e; background: #fef3c7; padding: 6px; border-radius: 4px;")
        self.subs_warning.setVisible(False)
        self._subscription_views: list[Any] = []
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.hint)
        layout.addWidget(self.subs_warning)
        layout.addWidget(self.tabs, 1)

        self._own_writes = 0
        services.dataChanged.connect(self._data_changed)
        self.retranslate()
        self._update_actions()
        self.reload_lists()
        self.subscriptions.reload()
        self.reports.reload()

    # ------------------------------------------------------------------ texts
    def _lang(self) -> str:
        return style.current_language()

    def _say(self, text: Callable[[], str] | None) -> None:
        """The status line; ``text`` makes it in the current language, again on a switch (a trial switched to
        English and read 「导入完成：新增 4 条…」 still)."""
        self._status_text = text
        self.status.setText(text() if text is not None else "")

    def retranslate(self) -> None:
        lang = self._lang()
        if getattr(self, "_status_text", None) is not None:
            self._say(self._status_text)
        self.title.setText(self.tr("名单"))
        self.hint.setText(
            self.tr(
                "拦截名单里的号码来电时会报警；可信名单（家人、熟人）里的号码永远不会被标记。"
                "勾选名单左侧的方框可以启用或停用整个名单。"
            )
        )
        self.lists_table.setAccessibleName(self.tr("名单列表"))
        self.entries_table.setAccessibleName(self.tr("名单中的号码"))
        self.toggle_button.setText(self.tr("启用 / 停用名单"))
        self.new_list_button.setText(self.tr("新建名单…"))
        self.delete_list_button.setText(self.tr("删除名单…"))
        self.import_button.setText(self.tr("导入…"))
        self.import_button.setAccessibleName(self.tr("从文件导入号码（先预览）"))
        self.export_button.setText(self.tr("导出…"))
        self.export_button.setAccessibleName(self.tr("把当前名单导出到文件"))
        self.search_label.setText(self.tr("搜索："))
        self.search_edit.setPlaceholderText(self.tr("号码、备注或类别"))
        self.search_edit.setAccessibleName(self.tr("搜索名单"))
        self.search_button.setText(self.tr("搜索"))
        self.add_button.setText(self.tr("添加号码…"))
        self.edit_button.setText(self.tr("编辑…"))
        self.delete_button.setText(self.tr("删除"))
        self.delete_button.setAccessibleName(self.tr("删除选中的号码"))
        self.progress.retranslate()
        self.tabs.setTabText(0, self.tr("我的名单"))
        self.tabs.setTabText(1, self.tr("社区订阅"))
        self.tabs.setTabText(2, self.tr("我的举报"))
        self.subscriptions.retranslate()
        self.reports.retranslate()
        self._subscriptions_loaded(self._subscription_views)
        self.lists_model.set_language(lang)
        self.entries_model.set_language(lang)
        self._update_heading()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._lists:  # numbers may have been added from 查号 or 来电监控 meanwhile
            self.reload_lists()

    def _subscriptions_loaded(self, views: list[Any]) -> None:
        self._subscription_views = views
        text = warning_text(views, self._lang())
        self.subs_warning.setText(text)
        self.subs_warning.setVisible(bool(text))

    def _data_changed(self, area: DataArea) -> None:
        """A write finished (here, in 查号, 来电监控 or the wizard): show it if this page is on screen."""
        if area is DataArea.LISTS and self.isVisible() and self._lists and not self._own_writes:
            self.reload_lists()
            self.reload_entries()

    # ------------------------------------------------------------------ lists
    def current_list(self) -> Any | None:
        return self.lists_table.current_row()

    def current_list_name(self) -> str:
        info = self.current_list()
        return str(info.name) if info is not None else ""

    def reload_lists(self, select: str | None = None) -> None:
        keep = select or self.current_list_name() or "block"
        self.services.jobs.run(
            load_lists,
            self.services,
            on_result=lambda lists: self._lists_loaded(lists, keep),
            on_error=self._show_error,
        )

    def _lists_loaded(self, lists: list[Any], select: str) -> None:
        self._lists = lists
        self.lists_model.set_rows(lists)
        row = self.lists_model.find_row(lambda info: info.name == select)
        self.lists_table.select_source_row(max(0, row))
        self._update_actions()
        if not self._user_sized and self.isVisible():
            self._fit_lists_pane()

    def _splitter_dragged(self, *_: Any) -> None:
        self._user_sized = True  # (setSizes does not emit splitterMoved: only the user's drag does)

    def _fit_lists_pane(self) -> None:
        """Widen the lists pane so that the longest list name shows whole (English cut "Allowlist (family a…", and a
        page first laid out in a small window kept its pane at the buttons' width), up to half the page; the tooltip
        holds the whole name where it is still cut. Runs when the lists load (also each time the page is shown)."""
        table = self.lists_table
        model = self.lists_model
        fm = table.fontMetrics()
        names = [str(model.index(r, ListsModel.COL_NAME).data() or "") for r in range(model.rowCount())]
        check = table.style().pixelMetric(QStyle.PixelMetric.PM_IndicatorWidth)
        name_width = max((fm.horizontalAdvance(n) for n in names), default=0) + check + fm.horizontalAdvance("M")
        short = name_width - table.horizontalHeader().sectionSize(ListsModel.COL_NAME)
        sizes = self.splitter.sizes()
        total = sum(sizes)
        if total > 0 and short > 0:
            left = min(sizes[0] + short, total // 2)
            self.splitter.setSizes([left, total - left])

    def _list_changed(self, *_: Any) -> None:
        self.search_edit.clear()
        self._update_heading()
        self._update_actions()
        self.reload_entries()

    def toggle_current_list(self) -> None:
        info = self.current_list()
        if info is not None:
            self.set_list_enabled(info.name, not info.enabled)

    def set_list_enabled(self, name: str, enabled: bool) -> None:
        self._write(set_list_enabled, name, enabled, done=lambda _r: self.reload_lists(name))

    def new_list(self) -> None:
        self.new_list_dialog = NewListDialog(self)
        self.new_list_dialog.accepted.connect(self._create_list)
        self.new_list_dialog.open()

    def _create_list(self) -> None:
        dialog = self.new_list_dialog
        title = dialog.title_edit.text().strip() if dialog is not None else ""
        if dialog is None or not title:
            return
        name = "".join(ch if not ch.isspace() else "_" for ch in title)[:40]
        kind = str(dialog.kind_combo.currentData())
        self._write(create_list, name, kind, title, done=lambda _r: self.reload_lists(name))

    def delete_current_list(self) -> None:
        info = self.current_list()
        if info is None or not self.delete_list_button.isEnabled():
            return
        title = render_text(info.title, self._lang())
        self._ask(
            self.tr("删除名单"),
            self.tr("确定删除名单“%1”及其中的全部号码吗？此操作不能撤销。").replace("%1", title),
            lambda: self._write(delete_list, info.name, done=lambda _r: self.reload_lists("block")),
        )

    def _ask(self, title: str, text: str, on_yes: Any) -> None:
        """A Yes/No question that does not block the event loop (window-modal, answered by signal)."""
        box = QMessageBox(QMessageBox.Icon.Question, title, text, parent=self)
        yes = box.addButton(self.tr("确定"), QMessageBox.ButtonRole.YesRole)
        box.addButton(self.tr("取消"), QMessageBox.ButtonRole.NoRole)
        box.setDefaultButton(yes)
        box.buttonClicked.connect(lambda button: on_yes() if button is yes else None)
        self.confirm_box = box
        self.confirm_yes = yes
        box.open()

    # ---------------------------------------------------------------- entries
    def reload_entries(self) -> None:
        name = self.current_list_name()
        if not name:
            self.entries_model.clear()
            return
        if self._entries_job is not None and not self._entries_job.done():
            self._entries_job.cancel()
            self._pending_search = True
            return
        text = self.search_edit.text()
        self._pending_search = False
        if text.strip():
            self.progress.start(self.tr("正在搜索…"))
        self._entries_job = self.services.jobs.run_long(
            load_entries,
            self.services,
            name,
            text,
            on_result=lambda result: self._entries_loaded(name, result),
            on_error=self._entries_failed,
            on_cancelled=self._entries_cancelled,
            on_progress=self.progress.set_progress,
            name="load-entries",
        )

    def _entries_loaded(self, name: str, result: tuple[list[Any], int]) -> None:
        self._entries_job = None
        self.progress.finish()
        if self._pending_search:
            self.reload_entries()
            return
        entries, total = result
        self._total = total
        self.entries_model.set_rows(entries)
        if self.search_edit.text().strip():
            text = self.tr("找到 %n 条", "", len(entries))
        elif len(entries) < total:
            text = (
                self.tr("显示前 %1 条，共 %2 条；用搜索查找其余的号码")
                .replace("%1", str(len(entries)))
                .replace("%2", str(total))
            )
        else:
            text = self.tr("共 %n 条", "", total)
        self.count_label.setText(text)
        self._update_actions()

    def _entries_failed(self, exc: BaseException) -> None:
        self._entries_job = None
        self.progress.finish()
        self._show_error(exc)

    def _entries_cancelled(self) -> None:
        self._entries_job = None
        self.progress.finish()
        if self._pending_search:
            self.reload_entries()

    def _cancel_entries_job(self) -> None:
        if self._entries_job is not None:
            self._pending_search = False
            self._entries_job.cancel()

    def add_entry(self) -> None:
        name = self.current_list_name()
        if not name:
            return
        self.entry_dialog = EntryDialog(self._lang(), self.services.settings.value.region, parent=self)
        self.entry_dialog.accepted.connect(lambda: self._save_entry(name, None))
        self.entry_dialog.open()

    def edit_entry(self) -> None:
        entry = self.entries_table.current_row()
        name = self.current_list_name()
        if entry is None or not name:
            return
        self.entry_dialog = EntryDialog(self._lang(), self.services.settings.value.region, entry, parent=self)
        self.entry_dialog.accepted.connect(lambda: self._save_entry(name, entry.id))
        self.entry_dialog.open()

    def _save_entry(self, list_name: str, entry_id: int | None) -> None:
        assert self.entry_dialog is not None
        pattern, category, note = self.entry_dialog.values()

        def done(_entry: Any) -> None:
            self._say(lambda: self.tr("已保存“%1”。").replace("%1", pattern))
            log.info("saved list entry %s in %s", mask_number(pattern), list_name)
            self.reload_lists(list_name)

        self._write(write_entry, list_name, pattern, category, note, entry_id, done=done)

    def delete_entries(self) -> None:
        entries = self.entries_table.selected_rows()
        name = self.current_list_name()
        if not entries or not name:
            return
        patterns = [e.pattern for e in entries]

        def done(n: int) -> None:
            self._say(lambda: self.tr("已删除 %n 条。", "", n))
            self.reload_lists(name)

        self._ask(
            self.tr("删除号码"),
            self.tr("确定从名单中删除选中的 %n 条吗？", "", len(entries)),
            lambda: self._write(remove_entries, name, patterns, done=done),
        )

    # ---------------------------------------------------------- import/export
    def choose_import(self) -> None:
        path = files.open_file(self, self.tr("导入名单"), self.tr("名单文件 (*.csv *.txt *.json);;所有文件 (*)"))
        if path:
            self.start_import(path)

    def start_import(self, path: str) -> None:
        """Step 1: parse and validate in a job; nothing is written."""
        self.progress.start(self.tr("正在检查文件…"))
        self.services.jobs.run(
            preview_import,
            path,
            self.services.settings.value.region,
            on_result=self._show_preview,
            on_error=self._import_failed,
            name="import-preview",
        )

    def _show_preview(self, preview: Any) -> None:
        """Step 2: show the preview; the user confirms (commit) or cancels (nothing happens)."""
        self.progress.finish()
        self.preview_dialog = ImportPreviewDialog(
            preview, self._lists, self.current_list_name() or "block", self._lang(), self
        )
        self.preview_dialog.accepted.connect(self._commit_import)
        self.preview_dialog.rejected.connect(lambda: self._say(lambda: self.tr("已取消导入，没有写入任何内容。")))
        self.preview_dialog.open()

    def _commit_import(self) -> None:
        dialog = self.preview_dialog
        assert dialog is not None
        target = dialog.target_list()

        def done(result: Any) -> None:
            def text() -> str:
                said = self.tr("导入完成：新增 %1 条，已存在 %2 条，跳过错误行 %3 行。")
                for key, value in (("%1", result.added), ("%2", result.already_present), ("%3", result.skipped_bad)):
                    said = said.replace(key, str(value))
                return said

            self._say(text)
            self.reload_lists(target)

        self._write(commit_import, dialog.preview, target, dialog.skip_bad, dialog.allow_risky.isChecked(), done=done)

    def _import_failed(self, exc: BaseException) -> None:
        self.progress.finish()
        self._show_error(exc)

    def choose_export(self) -> None:
        info = self.current_list()
        if info is None:
            return
        path, _ = files.save_file(
            self,
            self.tr("导出名单"),
            f"{info.name}.csv",
            self.tr("CSV 表格 (*.csv);;文本文件，每行一个号码 (*.txt);;JSON (*.json)"),
        )
        if path:
            self.export_to(path)

    def export_to(self, path: str) -> None:
        name = self.current_list_name()
        if not name:
            return
        self.services.jobs.run(
            export_list,
            self.services,
            name,
            path,
            style.current_language(),
            on_result=lambda n: self._say(lambda: self.tr("已导出 %n 条到：", "", n) + path),
            on_error=self._show_error,
            name="export-list",
        )

    # ----------------------------------------------------------------- helpers
    def _write(self, fn: Any, *args: Any, done: Any = None) -> None:
        self._own_writes += 1  # this page reloads after its own writes itself (keeping the right selection)

        def finished(result: Any) -> None:
            self._own_writes -= 1
            if done is not None:
                done(result)

        def failed(exc: BaseException) -> None:
            self._own_writes -= 1
            self._show_error(exc)

        self.services.write(fn, self.services, *args, area=DataArea.LISTS, on_result=finished, on_error=failed)

    def _show_error(self, exc: BaseException) -> None:
        log.warning("lists page: %s", type(exc).__name__)
        preview = getattr(exc, "preview", None)
        message = ""
        if preview is not None and preview.problems:
            message = self.tr("导入被拒绝，没有写入任何内容：") + preview.problems[0].render(self._lang())
        elif hasattr(getattr(exc, "message", None), "render"):  # e.g. fraud rows refused for the allowlist
            message = exc.message.render(self._lang())  # type: ignore[attr-defined]
        self.error_dialog = ErrorDetailsDialog.from_exception(
            exc, message=message, parent=self, log_path=str(self.services.log_path)
        )
        self.error_dialog.open()

    def _update_heading(self) -> None:
        info = self.current_list()
        if info is None:
            self.list_heading.setText("")
            return
        lang = self._lang()
        state = self.tr("已启用") if info.enabled else self.tr("已停用")
        kind = self.tr("可信名单") if info.kind.value == "allow" else self.tr("拦截名单")
        if getattr(info, "subscribed", False):
            kind = self.tr("订阅名单（只读，由发布者更新）")
        self.list_heading.setText(f"{render_text(info.title, lang)}  ·  {kind}  ·  {state}")

    def _update_actions(self, *_: Any) -> None:
        info = self.current_list()
        has_list = info is not None
        has_entry = bool(self.entries_table.selectionModel().selectedRows())
        self.toggle_button.setEnabled(has_list)
        # Bundled lists come with the app and subscribed ones from their publisher (both replaced on update):
        # browse and switch them, not edit them; a subscription is removed with 取消订阅 on its own tab.
        fixed = info is not None and (
            getattr(info.kind, "value", "") == "bundled" or getattr(info, "subscribed", False)
        )
        self.delete_list_button.setEnabled(info is not None and info.name not in ("block", "allow") and not fixed)
        self.export_button.setEnabled(has_list)
        editable = info is not None and not fixed
        self.add_button.setEnabled(editable)
        self.edit_button.setEnabled(editable and has_entry)
        self.delete_button.setEnabled(editable and has_entry)
        if info is not None:
            self.toggle_button.setText(self.tr("停用此名单") if info.enabled else self.tr("启用此名单"))
