"""记录 History: calls and analysed recordings with their verdicts; filter, open details, export.

The query runs in a job (the history can hold years of calls); date, kind and level filter in SQL,
category and free text on the loaded rows.  Details show the reasons, the transcript with the evidence
highlighted, and the extracted entities.  Export writes the rows as shown to CSV or a self-contained
HTML report.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Any, TypeGuard

from PySide6.QtCore import Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.display import (
    CHAT,
    LIST_CATEGORIES,
    about_text,
    call_line,
    category_label,
    own_message,
    scheme_name,
    shown_category,
)
from app.local_zone import local_day_start
from app.models.history_model import HistoryModel, HistoryRow
from app.operations import DataArea
from app.operations.history import MAX_ROWS, delete_record, edit_record, load_history, load_profiles
from app.reports.export import entity_line, quoted_as_written, shown_transcript, write_report
from app.ui import files, style
from app.ui.community import open_report_dialog, reported_text
from app.ui.widgets import (
    DataTable,
    ErrorDetailsDialog,
    FlowLayout,
    HighlightedTranscript,
    VerdictBanner,
    ask_person_name,
    date_range_edits,
    hint_label,
    ok_cancel_buttons,
    page_title,
    picked_days,
    render_text,
)
from blocklists.history import is_unchecked
from screening.types import Level

log = logging.getLogger(__name__)

BANNER_REASONS = 4  # reasons shown in the verdict banner; the export has them all

RANGE_ALL, RANGE_TODAY, RANGE_7, RANGE_30, RANGE_CUSTOM = range(5)


def _reportable(row: HistoryRow | None) -> TypeGuard[HistoryRow]:
    """Whether 举报… can report a record's number: a caller's, a text's sender's or a recording's number, never the
    person's own sent message nor a pasted chat's (a trial found it greyed out for every text message)."""
    return row is not None and bool(row.number) and row.call_type != CHAT and not own_message(row)


class RecordEditDialog(QDialog):
    """家人和备注: whose record this is and the user's own note on it. A message saved for the wrong person moves to the
    right one (the family report counts it there), and a note is added or corrected; the verdict stays as recorded."""

    def __init__(self, subject: str, profiles: list[str], profile: str, note: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("家人和备注"))
        self.profile = QComboBox(self)
        self.profile.addItem(self.tr("（不指定）"), "")
        for name in dict.fromkeys([*profiles, *([profile] if profile else [])]):
            self.profile.addItem(name, name)
        self.profile.setCurrentIndex(max(0, self.profile.findData(profile)))
        self.profile.setAccessibleName(self.tr("这条记录属于哪位家人"))
        self.note = QLineEdit(note, self)
        self.note.setPlaceholderText(self.tr("例如：妈妈说已经挂断，没有回拨"))
        self.note.setAccessibleName(self.tr("备注"))
        self.note.setMinimumWidth(self.note.fontMetrics().horizontalAdvance("M") * 28)  # (large text: not clipped)
        # a person not in the list yet is added here, not on another page first (a trial went round by 家人报告)
        self.add_person = QPushButton(self.tr("添加家人…"), self)
        self.add_person.clicked.connect(self.ask_person)
        person = QHBoxLayout()
        person.addWidget(self.profile, 1)
        person.addWidget(self.add_person)
        form = QFormLayout()
        subject_label = QLabel(subject, self)
        subject_label.setWordWrap(True)
        form.addRow(self.tr("这条记录"), subject_label)
        form.addRow(self.tr("家人"), person)
        form.addRow(self.tr("备注"), self.note)
        buttons = ok_cancel_buttons(self, self.tr("保存"), self.tr("取消"))
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def ask_person(self) -> None:
        name = ask_person_name(self)
        if name is not None and name.strip():
            self.choose_new_person(name.strip())

    def choose_new_person(self, name: str) -> None:
        """Add ``name`` to the choice and choose it; the person is kept when the record is saved (``edit_record``)."""
        if self.profile.findData(name) < 0:
            self.profile.addItem(name, name)
        self.profile.setCurrentIndex(self.profile.findData(name))

    def chosen(self) -> tuple[str, str]:
        return str(self.profile.currentData() or ""), self.note.text().strip()


class HistoryPage(QWidget):
    def __init__(self, services: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.error_dialog: ErrorDetailsDialog | None = None
        self._job: Any = None
        self._loading = False
        self._reload_again = False
        self._loaded_once = False

        self.title = page_title(self)
        self.hint = hint_label(self)

        # filters
        self.range_combo = QComboBox(self)
        self.since_edit, self.until_edit = date_range_edits(self, days_back=30)
        self.since_edit.dateChanged.connect(self._dates_changed)
        self.until_edit.dateChanged.connect(self._dates_changed)
        self.to_label = QLabel(self)
        self.kind_combo = QComboBox(self)
        self.profile_combo = QComboBox(self)  # whose phone (issue 14); hidden while nobody has a profile
        self.profile_combo.setVisible(False)
        self.profiles: list[str] = []
        self.level_combo = QComboBox(self)
        self.category_combo = QComboBox(self)
        for combo in (self.profile_combo, self.category_combo):  # long names: shown shortened, not widening the page
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(6)
        self.search_edit = QLineEdit(self)
        self.search_edit.setClearButtonEnabled(True)
        self.refresh_button = QPushButton(self)
        self.refresh_button.clicked.connect(self.reload)
        dates = QHBoxLayout()  # from – to wrap together
        dates.setContentsMargins(0, 0, 0, 0)
        for widget in (self.since_edit, self.to_label, self.until_edit):
            dates.addWidget(widget)
        filter_row = FlowLayout()  # one row when it fits (the search box takes the rest); wraps with large text
        filter_row.addWidget(self.range_combo)
        filter_row.addLayout(dates)
        filter_row.addWidget(self.kind_combo)
        filter_row.addWidget(self.profile_combo)
        filter_row.addWidget(self.level_combo)
        filter_row.addWidget(self.category_combo)
        filter_row.addWidget(self.search_edit)
        filter_row.addWidget(self.refresh_button)

        self.model = HistoryModel(self, lang=style.current_language())

        self.model.icon_provider = style.level_icon
        self.table = DataTable(
            self.model,
            self,
            stretch_column=HistoryModel.COL_REASONS,
            # when space is short: the scheme's name gives way first, then whose phone, the number last
            elide_columns=(HistoryModel.COL_CATEGORY, HistoryModel.COL_PROFILE, HistoryModel.COL_SUBJECT),
        )
        self.table.selectionModel().currentChanged.connect(self._show_current)
        self.table.fitted.connect(self.arrange)
        self.search_edit.textChanged.connect(self._search_changed)
        self.count_label = QLabel(self)
        self.export_csv_button = QPushButton(self)
        self.export_csv_button.clicked.connect(lambda: self.choose_export("csv"))
        self.export_html_button = QPushButton(self)
        self.export_html_button.clicked.connect(lambda: self.choose_export("html"))
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        self._status_text: Callable[[], str] | None = None
        self.report_button = QPushButton(self)  # 举报… (issue 15): a report for the volunteer centre
        self.report_button.clicked.connect(self.report_current)
        # a record kept by mistake (a training call, a message saved for the wrong person) goes, once asked (a trial)
        self.delete_button = QPushButton(self)
        self.delete_button.clicked.connect(self.ask_delete_current)
        # a record saved for the wrong person moves to the right one, and its note can be written or mended (a trial)
        self.edit_button = QPushButton(self)
        self.edit_button.clicked.connect(self.ask_edit_current)
        self.edit_dialog: RecordEditDialog | None = None
        self.confirm_box: QMessageBox | None = None
        self.report_dialog: Any = None
        bottom = FlowLayout()  # the buttons wrap below the count with large text instead of widening the window
        bottom.addWidget(self.count_label)
        bottom.addStretch()
        bottom.addWidget(self.report_button)
        bottom.addWidget(self.edit_button)
        bottom.addWidget(self.delete_button)
        bottom.addWidget(self.export_csv_button)
        bottom.addWidget(self.export_html_button)
        # Tab follows the screen, left to right (the buttons were made in another order: a trial's Tab went from 导出 to
        # 删除 backwards)
        for first, second in zip(
            (self.report_button, self.edit_button, self.delete_button, self.export_csv_button),
            (self.edit_button, self.delete_button, self.export_csv_button, self.export_html_button),
            strict=True,
        ):
            QWidget.setTabOrder(first, second)

        # details
        self.banner = VerdictBanner(self, icon_size=36)
        self.detail_hint = QLabel(self)
        self.detail_hint.setObjectName("hint")
        self.detail_hint.setWordWrap(True)
        self.meta = QLabel(self)
        self.meta.setWordWrap(True)
        self.meta.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.transcript_label = QLabel(self)
        self.transcript = HighlightedTranscript(self)
        self.transcript_label.setBuddy(self.transcript)
        self.entities_label = QLabel(self)
        self.entities = QListWidget(self)
        self.entities_label.setBuddy(self.entities)
        detail = QWidget(self)
        detail_layout = QVBoxLayout(detail)
        detail_layout.setContentsMargins(0, 0, 0, 0)
        detail_layout.addWidget(self.detail_hint)
        detail_layout.addWidget(self.banner)
        detail_layout.addWidget(self.meta)
        detail_layout.addWidget(self.transcript_label)
        detail_layout.addWidget(self.transcript, 3)
        detail_layout.addWidget(self.entities_label)
        detail_layout.addWidget(self.entities, 1)
        detail_layout.addStretch(1)  # keeps the banner at the top when the transcript is hidden

        left = QWidget(self)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.table, 1)
        left_layout.addLayout(bottom)
        left_layout.addWidget(self.status)
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(left)
        # the details scroll on their own: a long transcript never squeezes the table (details below in large text)
        self.detail_scroll = QScrollArea(self)
        self.detail_scroll.setWidget(detail)
        self.detail_scroll.setWidgetResizable(True)
        self.detail_scroll.setFrameShape(QFrame.Shape.NoFrame)
        splitter.addWidget(self.detail_scroll)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setChildrenCollapsible(False)
        self.splitter = splitter
        self._arranged_for = (-1, -1)

        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.hint)
        layout.addLayout(filter_row)
        layout.addWidget(splitter, 1)

        self.retranslate()
        self.range_combo.currentIndexChanged.connect(self._range_changed)
        self.kind_combo.currentIndexChanged.connect(self.reload)
        self.profile_combo.currentIndexChanged.connect(self.reload)
        self.level_combo.currentIndexChanged.connect(self.reload)
        self.category_combo.currentIndexChanged.connect(self._category_changed)
        # New, updated or finished calls and scanned recordings appear without pressing 刷新 (only while visible).
        services.dataChanged.connect(self._data_changed)
        self._range_changed()

    # ------------------------------------------------------------------ texts
    def _lang(self) -> str:
        return style.current_language()

    def _say(self, text: Callable[[], str]) -> None:
        """The status line, said again in the new language on a switch (a trial read an English line left over)."""
        self._status_text = text
        self.status.setText(text())

    def retranslate(self) -> None:
        lang = self._lang()
        if self._status_text is not None:
            self.status.setText(self._status_text())
        self.title.setText(self.tr("记录"))
        self.hint.setText(
            self.tr("所有来电、导入的短信和分析过的录音都记在这里。选中一行可以查看原因、短信或通话文字。")
        )
        self._fill_combo(
            self.range_combo,
            [
                (self.tr("全部时间"), RANGE_ALL),
                (self.tr("今天"), RANGE_TODAY),
                (self.tr("最近 7 天"), RANGE_7),
                (self.tr("最近 30 天"), RANGE_30),
                (self.tr("指定日期…"), RANGE_CUSTOM),
            ],
        )
        self.range_combo.setAccessibleName(self.tr("时间范围"))
        self.since_edit.setAccessibleName(self.tr("开始日期"))
        self.until_edit.setAccessibleName(self.tr("结束日期"))
        self.to_label.setText(self.tr("至"))
        self._fill_combo(
            self.kind_combo,
            [
                (self.tr("全部类型的记录"), None),
                (self.tr("只看来电"), "call"),
                (self.tr("只看短信"), "sms"),
                (self.tr("只看录音"), "recording"),
            ],
        )
        self.kind_combo.setAccessibleName(self.tr("记录类型"))
        self._fill_profiles()
        levels: list[tuple[str, Any]] = [(self.tr("全部等级"), None)]
        levels += [
            (self.tr("%1 及以上").replace("%1", lv.label(lang)), int(lv))
            for lv in (Level.CAUTION, Level.WARN, Level.BLOCK)
        ]
        self._fill_combo(self.level_combo, levels)
        for i in range(1, self.level_combo.count()):
            self.level_combo.setItemIcon(i, style.level_icon(Level(int(self.level_combo.itemData(i)))))
        self.level_combo.setAccessibleName(self.tr("按风险等级筛选"))
        self.category_combo.setAccessibleName(self.tr("按诈骗类型筛选"))
        self._fill_categories()
        self.search_edit.setPlaceholderText(self.tr("搜索号码、文件、原因或内容"))
        self.search_edit.setAccessibleName(self.tr("搜索记录"))
        self.refresh_button.setText(self.tr("刷新"))
        self.table.setAccessibleName(self.tr("通话和录音记录"))
        self.export_csv_button.setText(self.tr("导出 CSV…"))
        self.edit_button.setText(self.tr("家人和备注…"))
        self.edit_button.setAccessibleName(self.tr("把选中的记录改到别的家人名下，或写备注"))
        self.delete_button.setText(self.tr("删除这条记录…"))
        self.delete_button.setAccessibleName(self.tr("从“记录”里删除选中的这条记录"))
        self.report_button.setText(self.tr("举报…"))
        self.report_button.setAccessibleName(self.tr("举报这条记录的来电号码（记在本机，可导出给志愿者中心）"))
        self.export_html_button.setText(self.tr("导出 HTML 报告…"))
        self.detail_hint.setText(self.tr("在表格中选中一条记录，这里会显示原因、通话文字和线索。"))
        self.transcript_label.setText(self.tr("通话文字（高亮处为可疑话术）："))
        self.entities_label.setText(self.tr("提取的线索（QQ群号、链接、账号等）："))
        self.entities.setAccessibleName(self.tr("提取的线索"))
        self.banner.retranslate()
        self.transcript.retranslate()
        self.model.set_language(lang)
        self._update_count()
        self._show_current()

    @staticmethod
    def _fill_combo(combo: QComboBox, items: list[tuple[str, Any]]) -> None:
        current = combo.currentData()
        combo.blockSignals(True)
        combo.clear()
        for text, data in items:
            combo.addItem(text, data)
        combo.setCurrentIndex(max(0, combo.findData(current)) if current is not None else 0)
        combo.blockSignals(False)

    def _fill_profiles(self) -> None:
        items: list[tuple[str, Any]] = [(self.tr("所有家人"), None)]
        items += [(name, name) for name in self.profiles]
        items.append((self.tr("本机来电（未指定家人）"), ""))
        current = self.profile_combo.currentData()
        self._fill_combo(self.profile_combo, items)
        if current == "":  # _fill_combo treats '' as "no choice"; keep "this PC's calls" selected
            self.profile_combo.setCurrentIndex(self.profile_combo.count() - 1)
        self.profile_combo.setAccessibleName(self.tr("按家人筛选"))
        self.profile_combo.setVisible(bool(self.profiles))

    def _profiles_loaded(self, names: list[str]) -> None:
        if names != self.profiles:
            self.profiles = list(names)
            self.profile_combo.blockSignals(True)
            self._fill_profiles()
            self.profile_combo.blockSignals(False)
        if self.table.isColumnHidden(HistoryModel.COL_PROFILE) == bool(self.profiles):
            self.table.setColumnHidden(HistoryModel.COL_PROFILE, not self.profiles)
            self.table.refit_later()

    def _fill_categories(self) -> None:
        lang = self._lang()
        seen: dict[str, str] = {}
        for row in self.model.rows():
            if row.category and row.category not in seen:
                seen[row.category] = render_text(row.category_text, lang) or (
                    category_label(row.category, lang)
                    if row.category in LIST_CATEGORIES
                    else scheme_name(row.category, lang)
                )
        items: list[tuple[str, Any]] = [(self.tr("全部类型"), "")]
        items += sorted(((text, key) for key, text in seen.items()), key=lambda item: item[0])
        self._fill_combo(self.category_combo, items)

    # ------------------------------------------------------------------ layout
    DETAIL_MIN_EM = 34  # the verdict banner and the transcript need about this much to read well

    def arrange(self) -> None:
        """Details beside the table when the table still shows every column there (its fitting may shorten the
        scheme and family names), otherwise below it: with large text the columns need the whole width."""
        table = self.table
        em = max(1, self.fontMetrics().horizontalAdvance("M"))
        room = self.splitter.width() - self.splitter.handleWidth()
        detail_min = em * self.DETAIL_MIN_EM
        beside = room - detail_min >= table.comfortable_width()
        key = (room, table.natural_width() if beside else -2)
        if key == self._arranged_for:
            return  # unchanged: keep what the user dragged the splitter to
        self._arranged_for = key
        if beside:
            self.splitter.setOrientation(Qt.Orientation.Horizontal)
            width = min(table.natural_width(), room - detail_min)
            self.splitter.setSizes([width, room - width])
        else:
            self.splitter.setOrientation(Qt.Orientation.Vertical)
            height = self.splitter.height()
            self.splitter.setSizes([height * 3 // 5, height - height * 3 // 5])
        rows = table.verticalHeader().defaultSectionSize()
        table.setMinimumHeight(table.horizontalHeader().sizeHint().height() + 4 * rows + 2 * table.frameWidth())
        if table.currentIndex().isValid():
            table.scrollTo(table.currentIndex())  # the selected record stays in view when the layout changes

    def fit_to_font(self) -> None:
        """Large-text mode toggled (after the new font reached the widgets): measure and arrange again."""
        self.table.fit_to_contents()
        self._arranged_for = (-1, -1)
        self.arrange()

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        self.arrange()

    # ----------------------------------------------------------------- loading
    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.reload()  # new calls may have arrived while another page was shown

    def prepare_screenshot(self) -> None:
        """For ``callshield --screenshot``: open the details of the most dangerous record."""
        self.table.sortByColumn(HistoryModel.COL_LEVEL, Qt.SortOrder.DescendingOrder)
        if self.table.proxy.rowCount():
            self.table.setCurrentIndex(self.table.proxy.index(0, 0))

    def _data_changed(self, area: DataArea) -> None:
        if area is DataArea.HISTORY and self.isVisible():
            self.reload()

    def filters(self) -> tuple[str | None, dt.datetime | None, dt.datetime | None, Level | None]:
        kind = self.kind_combo.currentData()
        level = self.level_combo.currentData()
        choice = self.range_combo.currentData()
        today = dt.date.today()
        since = until = None
        if choice == RANGE_TODAY:
            since = local_day_start(today)
        elif choice == RANGE_7:
            since = local_day_start(today - dt.timedelta(days=6))
        elif choice == RANGE_30:
            since = local_day_start(today - dt.timedelta(days=29))
        elif choice == RANGE_CUSTOM:
            _, since, until = picked_days(self.since_edit, self.until_edit)
        return kind, since, until, None if level is None else Level(int(level))

    def reload(self) -> None:
        if self._job is not None:
            self._reload_again = True
            return
        kind, since, until, min_level = self.filters()
        profile = self.profile_combo.currentData()
        self._reload_again = False
        self.services.jobs.run(
            load_profiles,
            self.services,
            on_result=self._profiles_loaded,
            on_error=self._show_error,
            name="load-profiles",
        )
        self._loading = True
        job = self.services.jobs.run(
            load_history,
            self.services,
            kind,
            since,
            until,
            min_level,
            profile=None if profile is None else str(profile),
            on_result=self._loaded,
            on_error=self._failed,
            name="load-history",
        )
        self._job = job if self._loading else None  # a synchronous runner may have finished already

    def _loaded(self, rows: list[HistoryRow]) -> None:
        self._loading = False
        self._job = None
        if self._reload_again:
            self.reload()
            return
        current = self.table.current_row()
        self.model.set_rows(rows)
        self._fill_categories()
        self._category_changed()
        if current is not None:
            index = self.model.find_row(lambda r: r.id == current.id)
            if index >= 0:
                self.table.select_source_row(index)
        self._loaded_once = True
        self._update_count()
        self._show_current()

    def _failed(self, exc: BaseException) -> None:
        self._loading = False
        self._job = None
        self._show_error(exc)

    def is_loading(self) -> bool:
        return self._job is not None

    def _range_changed(self) -> None:
        custom = self.range_combo.currentData() == RANGE_CUSTOM
        self.since_edit.setVisible(custom)
        self.until_edit.setVisible(custom)
        self.to_label.setVisible(custom)
        self.reload()

    def _dates_changed(self) -> None:
        if self.range_combo.currentData() == RANGE_CUSTOM:
            self.reload()

    def _category_changed(self) -> None:
        self.table.proxy.set_category(str(self.category_combo.currentData() or ""))
        self._update_count()

    def _search_changed(self, text: str) -> None:
        self.table.proxy.set_text(text)
        self._update_count()  # 显示 N 条 and the export buttons follow the search as they follow the dropdowns

    def _update_count(self) -> None:
        shown = self.table.proxy.rowCount()
        total = self.model.rowCount()
        text = self.tr("显示 %1 条（共载入 %2 条）").replace("%1", str(shown)).replace("%2", str(total))
        if total >= MAX_ROWS:
            text += self.tr("；只载入了最新的 %n 条，请缩小时间范围", "", MAX_ROWS)
        self.count_label.setText(text)
        self.export_csv_button.setEnabled(shown > 0)
        self.export_html_button.setEnabled(shown > 0)

    # ----------------------------------------------------------------- details
    def report_current(self) -> None:
        """举报 the caller of the row in view (app.ui.community: dialog, then the operations module)."""
        row: HistoryRow | None = self.table.current_row()
        if not _reportable(row):
            return
        self.report_dialog = open_report_dialog(
            self.services, self, row.number, on_done=lambda r: self._say(lambda: reported_text(r))
        )

    def ask_delete_current(self) -> None:
        """删除这条记录…: asked first (window-modal, answered by signal: the event loop never blocks)."""
        row: HistoryRow | None = self.table.current_row()
        if row is None or row.id is None:
            return
        history_id = row.id
        box = QMessageBox(
            QMessageBox.Icon.Question,
            self.tr("删除记录"),
            self.tr("确定从“记录”里删除这条记录（%1）吗？删除后不能恢复，家人报告里也不再算它。").replace(
                "%1", " · ".join(p for p in (row.time_text(), row.subject_text(self._lang())) if p)
            ),
            parent=self,
        )
        yes = box.addButton(self.tr("删除"), QMessageBox.ButtonRole.YesRole)
        box.addButton(self.tr("取消"), QMessageBox.ButtonRole.NoRole)
        box.setDefaultButton(yes)
        box.buttonClicked.connect(lambda button: self._delete(history_id) if button is yes else None)
        self.confirm_box, self.confirm_yes = box, yes
        box.open()

    def ask_edit_current(self) -> None:
        """家人和备注…: a window-modal dialog answered by signal; the writer changes the row, and the reload shows it."""
        row: HistoryRow | None = self.table.current_row()
        if row is None or row.id is None:
            return
        history_id = row.id
        subject = " · ".join(p for p in (row.time_text(), row.subject_text(self._lang())) if p)
        dialog = RecordEditDialog(subject, self.profiles, row.profile, row.note, self)
        dialog.accepted.connect(lambda: self._edit(history_id, *dialog.chosen()))
        dialog.finished.connect(dialog.deleteLater)  # (after accepted has read its choice)
        self.edit_dialog = dialog
        dialog.open()

    def _edit(self, history_id: int, profile: str, note: str) -> None:
        def done(changed: bool) -> None:
            if not changed:
                self._say(lambda: self.tr("这条记录已经不在了。"))
            elif profile:
                self._say(lambda: self.tr("已保存：这条记录现在属于“%1”。").replace("%1", profile))
            else:
                self._say(lambda: self.tr("已保存：这条记录现在不属于哪位家人。"))

        self.services.write(
            edit_record, self.services, history_id, profile, note,
            area=DataArea.HISTORY, on_result=done, on_error=self._show_error, name="edit-record",
        )  # fmt: skip

    def _delete(self, history_id: int) -> None:
        def done(removed: bool) -> None:
            self._say(lambda: self.tr("已删除这条记录。") if removed else self.tr("这条记录已经不在了。"))

        self.services.write(
            delete_record, self.services, history_id,
            area=DataArea.HISTORY, on_result=done, on_error=self._show_error, name="delete-record",
        )  # fmt: skip

    def _text_label(self, row: HistoryRow) -> str:
        """What the text below is: a message's words or a chat's, not 通话文字 (a trial's SMS was labelled so)."""
        if row.kind == "sms" and row.call_type == CHAT:
            return self.tr("聊天内容（高亮处为可疑话术）：")
        if row.kind == "sms":
            return self.tr("短信内容（高亮处为可疑话术）：")
        return self.tr("通话文字（高亮处为可疑话术）：")

    def _show_current(self, *_: Any) -> None:
        row: HistoryRow | None = self.table.current_row()
        self.report_button.setEnabled(_reportable(row))
        self.delete_button.setEnabled(row is not None and row.id is not None)
        self.edit_button.setEnabled(row is not None and row.id is not None)
        lang = self._lang()
        self.entities.clear()
        self.detail_hint.setVisible(row is None)
        self.banner.setVisible(row is not None)
        if row is None:
            self.meta.clear()
            self.transcript.clear_transcript()
            self.transcript_label.setVisible(False)
            self.transcript.setVisible(False)
            self.entities_label.setVisible(False)
            self.entities.setVisible(False)
            return
        category = shown_category(row.level, row.category, row.category_text, lang)
        # a message pasted on the 查号 page and kept has no sender: the scheme alone, no leading 「 · 」
        # the number with the name the phone gave it (儿子), as the table shows it (a trial: the name was dropped here)
        headline = " · ".join(part for part in (row.subject_text(lang), category) if part)
        reasons = quoted_as_written(row.reason_texts(lang), row.transcript or "")
        if len(reasons) > BANNER_REASONS:
            more = len(reasons) - BANNER_REASONS
            reasons = [*reasons[:BANNER_REASONS], self.tr("……另有 %n 条原因（导出报告可看全部）", "", more)]
        # no model, or the wrong model with nothing else to go on: no verdict; a caller flagged by the number (a
        # blocklisted one heard by the wrong model) keeps its level, the warning among the reasons (a review)
        unchecked = (
            isinstance(row.raw, dict) and is_unchecked(row.raw) and (row.level is None or row.level < Level.CAUTION)
        )
        self.banner.set_verdict(
            row.level, headline, reasons, about_text=about_text(row), no_verdict="failed" if unchecked else None
        )
        meta = [row.time_text(), row.kind_text(lang)]
        if row.profile:
            meta.append(self.tr("家人：%1").replace("%1", row.profile))
        if row.path:
            meta.append(row.path)
        if row.source:
            meta.append(self.tr("来源：") + row.source_text(lang))
        if call_line(row):
            meta.append(self.tr("线路：") + call_line(row))
        if row.note:
            meta.append(self.tr("备注：") + row.note)
        meta.append(self.tr("风险分：") + f"{row.score:.2f}")
        self.meta.setText("  ·  ".join(m for m in meta if m))
        has_text = bool(row.transcript)
        self.transcript_label.setText(self._text_label(row))
        self.transcript_label.setVisible(has_text)
        self.transcript.setVisible(has_text)
        text, shown_hits = shown_transcript(row.transcript, row.hits)
        calm = row.level is not None and row.level < Level.CAUTION
        self.transcript.set_text_with_hits(text, shown_hits, calm=calm)
        self.entities_label.setVisible(bool(row.entities))
        self.entities.setVisible(bool(row.entities))
        seen: set[tuple[str, str]] = set()
        for entity in row.entities:
            key = (str(getattr(entity, "kind", "")), str(getattr(entity, "value", "")))
            if key not in seen:
                seen.add(key)
                self.entities.addItem(entity_line(key[0], key[1], lang))

    # ------------------------------------------------------------------ export
    def choose_export(self, fmt: str) -> None:
        zh = self._lang() == "zh"
        if fmt == "html":
            filter_text = self.tr("HTML 报告 (*.html)")
            default = "来电护盾记录.html" if zh else "callshield-history.html"
        else:
            filter_text = self.tr("CSV 表格 (*.csv)")
            default = "来电护盾记录.csv" if zh else "callshield-history.csv"
        path, _ = files.save_file(self, self.tr("导出记录"), default, filter_text)
        if path:
            self.export_to(path, fmt)

    def export_to(self, path: str, fmt: str) -> None:
        """Export the rows as shown (filters applied), in a job."""
        rows = self.table.visible_rows()
        self.services.jobs.run(
            write_report,
            "history",
            fmt,
            rows,
            path,
            self._lang(),
            self.services.settings.value.report_by,
            on_result=lambda n: self._say(lambda: self.tr("已导出 %n 条记录到：", "", n) + path),
            on_error=self._show_error,
            name="export-history",
        )

    def _show_error(self, exc: BaseException) -> None:
        log.warning("history page: %s", type(exc).__name__)
        self.error_dialog = ErrorDetailsDialog.from_exception(exc, parent=self, log_path=str(self.services.log_path))
        self.error_dialog.open()
