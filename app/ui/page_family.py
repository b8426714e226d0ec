"""家人防诈报告 Family safety report: one person's phone (a profile) over a period, plain and large.

Everything comes from :mod:`app.operations.phone`, run by the job runner: the report's data (its timeline chart is
the export's, drawn by ``app.reports.family.timeline_svg`` in the UI's language and shown through QtSvg), importing a phone backup (with progress and
cancel, then ``dataChanged(HISTORY)``), the HTML export, and adding or renaming a person.  Nothing here touches
SQL, files or threads.
"""

from __future__ import annotations

import datetime as dt
import html
import logging
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QSize, Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtSvgWidgets import QSvgWidget
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from app.display import LEVEL_STYLES, label_colon, list_sep, with_name
from app.local_zone import month_days
from app.operations import DataArea
from app.operations import phone as ops
from app.phone.importer import IMPORT_EXTENSIONS
from app.reports.family import (
    CONTACTED_ADVICE,
    CONTACTED_TITLE,
    KIND_SHORT,
    FlaggedItem,
    NumberSummary,
    SafetyReport,
    also_text,
    block_numbers,
    block_numbers_text,
    contacted_text,
    number_badge_word,
    official_text,
    report_file_name,
    report_window,
    seen_line,
    timeline_empty_pair,
    timeline_svg,
    unchecked_text,
)
from app.ui import files, style
from app.ui.widgets import (
    ErrorDetailsDialog,
    FlowLayout,
    TaskProgress,
    VerticalScrollArea,
    ask_person_name,
    date_range_edits,
    friendly_message,
    hint_label,
    page_title,
    picked_days,
)
from screening.types import Level
from speech.errors import SpeechProblem

log = logging.getLogger(__name__)

PERIOD_7, PERIOD_30, PERIOD_CUSTOM, PERIOD_MONTH, PERIOD_LAST_MONTH = 7, 30, 0, -1, -2
KIND_WORDS = KIND_SHORT  # the chart's legend and these words name the kinds alike

MAX_SPEECH_NOTES = 3  # recordings whose warning the import names one by one; the rest are counted


class ChartView(QSvgWidget):
    """The report's timeline SVG, scaled to the page width with its aspect ratio kept."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.renderer().setAspectRatioMode(Qt.AspectRatioMode.KeepAspectRatio)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setMaximumWidth(620)
        self.svg = ""

    def set_svg(self, svg: str) -> None:
        self.svg = svg
        self.load(QByteArray(svg.encode("utf-8")))
        self.renderer().setAspectRatioMode(Qt.AspectRatioMode.KeepAspectRatio)
        self.setFixedHeight(self.heightForWidth(max(self.width(), 480)))

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        size = self.renderer().defaultSize()
        if size.isEmpty():
            return 0
        return min(int(width * size.height() / size.width()), 560)

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        if self.svg:
            self.setFixedHeight(self.heightForWidth(self.width()))

    def sizeHint(self) -> QSize:
        return QSize(640, self.heightForWidth(640))

    def is_valid(self) -> bool:
        renderer: QSvgRenderer = self.renderer()
        return bool(self.svg) and renderer.isValid()


class FamilyReportPage(QWidget):
    def __init__(self, services: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.transcriber: Any = None  # tests hand in a scripted one; None: the app's speech model, loaded lazily
        self.report: SafetyReport | None = None
        self.chart_svg = ""
        self.profiles: list[str] = []
        self.error_dialog: ErrorDetailsDialog | None = None
        self._load_job: Any = None
        self._loading = False
        self._stale = False
        self._reload_again = False
        self._import_job: Any = None
        self._importing = False
        self.last_import: Any = None
        self.last_export = ""

        self.title = page_title(self)
        self.hint = hint_label(self)

        # who and when
        self.profile_label = QLabel(self)
        self.profile_combo = QComboBox(self)
        self.profile_combo.setMinimumContentsLength(8)
        self.profile_label.setBuddy(self.profile_combo)
        self.add_profile_button = QPushButton(self)
        self.add_profile_button.clicked.connect(self.ask_add_profile)
        self.rename_profile_button = QPushButton(self)
        self.rename_profile_button.clicked.connect(self.ask_rename_profile)
        self.period_label = QLabel(self)
        self.period_combo = QComboBox(self)
        self.period_label.setBuddy(self.period_combo)
        self.since_edit, self.until_edit = date_range_edits(self, days_back=13)
        self.to_label = QLabel(self)
        person, period, dates = QHBoxLayout(), QHBoxLayout(), QHBoxLayout()  # each wraps as one
        person.addWidget(self.profile_label)
        person.addWidget(self.profile_combo)
        period.addWidget(self.period_label)
        period.addWidget(self.period_combo)
        for widget in (self.since_edit, self.to_label, self.until_edit):
            dates.addWidget(widget)
        who = FlowLayout()  # one row when it fits; wraps with large text instead of squeezing the names
        who.addLayout(person)
        who.addWidget(self.add_profile_button)
        who.addWidget(self.rename_profile_button)
        who.addSpacing(16)
        who.addLayout(period)
        who.addLayout(dates)

        # actions
        self.import_button = QPushButton(self)
        self.import_menu = QMenu(self)
        self.import_files_action = self.import_menu.addAction("")
        self.import_files_action.triggered.connect(self.choose_import_files)
        self.import_folder_action = self.import_menu.addAction("")
        self.import_folder_action.triggered.connect(self.choose_import_folder)
        self.import_button.setMenu(self.import_menu)
        self.export_button = QPushButton(self)
        self.export_button.clicked.connect(self.choose_export)
        actions = QHBoxLayout()
        actions.addWidget(self.import_button)
        actions.addWidget(self.export_button)
        actions.addStretch(1)
        self.progress = TaskProgress(self)
        self.progress.cancelRequested.connect(self.cancel_import)
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._status_text: Callable[[], str] | None = None  # made again on a language switch
        # a CSV with a few unreadable lines imports nothing (all or nothing); this imports its readable lines, as the
        # command line's --skip-bad does, when the user has read which lines were bad
        self.skip_bad_button = QPushButton(self)
        self.skip_bad_button.clicked.connect(self.import_skipping_bad_lines)
        self.skip_bad_button.hide()
        self._bad_lines: tuple[str, list[str]] = ("", [])  # (the person imported for, the files refused for lines)
        self._import_profile = ""

        # the report
        self.verdict = QLabel(self)
        self.verdict.setWordWrap(True)
        style.set_scaled_font(self.verdict, 1.3, bold=True)
        # she called or texted a number a scam gave (``app.reports.family.ContactedNumber``): first, in a red frame
        self.contacted = QLabel(self)
        self.contacted.setObjectName("contacted")
        self.contacted.setWordWrap(True)
        self.contacted.setTextFormat(Qt.TextFormat.RichText)
        self.contacted.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        accent = LEVEL_STYLES[Level.BLOCK].accent
        self.contacted.setStyleSheet(
            f"QLabel#contacted {{ border: 4px solid {accent}; border-radius: 8px; padding: 8px; background: white; }}"
        )
        self.contacted.hide()
        self.counts_title = QLabel(self)
        style.set_scaled_font(self.counts_title, 1.2, bold=True)
        self.counts = QWidget(self)
        self.counts_grid = QGridLayout(self.counts)
        self.counts_grid.setContentsMargins(0, 0, 0, 0)
        self.count_cards: dict[str, QLabel] = {}
        for i, key in enumerate(
            ("calls", "calls_suspicious", "calls_blocked", "sms", "sms_suspicious", "recordings", "recordings_flagged")
        ):
            card = QLabel(self.counts)
            card.setObjectName(f"count_{key}")
            card.setWordWrap(True)
            card.setTextFormat(Qt.TextFormat.RichText)
            card.setMinimumWidth(140)
            self.count_cards[key] = card
            self.counts_grid.addWidget(card, i // 4, i % 4)
        self.chart_title = QLabel(self)
        style.set_scaled_font(self.chart_title, 1.2, bold=True)
        self.chart = ChartView(self)
        self.chart_text = QLabel(self)  # the same data in words (screen readers; never the chart alone)
        self.chart_text.setWordWrap(True)
        self.chart_text.setObjectName("hint")
        self.numbers_title = QLabel(self)
        style.set_scaled_font(self.numbers_title, 1.2, bold=True)
        self.numbers_box = QVBoxLayout()
        self.items_title = QLabel(self)
        style.set_scaled_font(self.items_title, 1.2, bold=True)
        self.items_box = QVBoxLayout()
        self.todo_title = QLabel(self)
        style.set_scaled_font(self.todo_title, 1.2, bold=True)
        self.todo = QLabel(self)
        self.todo.setWordWrap(True)
        self.todo.setTextFormat(Qt.TextFormat.RichText)
        self.todo.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        body = QWidget(self)
        body_layout = QVBoxLayout(body)
        body_layout.setSpacing(10)
        body_layout.addWidget(self.verdict)
        body_layout.addWidget(self.contacted)
        body_layout.addWidget(self.counts_title)
        body_layout.addWidget(self.counts)
        body_layout.addWidget(self.chart_title)
        body_layout.addWidget(self.chart)
        body_layout.addWidget(self.chart_text)
        body_layout.addWidget(self.numbers_title)
        body_layout.addLayout(self.numbers_box)
        body_layout.addWidget(self.items_title)
        body_layout.addLayout(self.items_box)
        body_layout.addWidget(self.todo_title)
        body_layout.addWidget(self.todo)
        body_layout.addStretch(1)
        self.body_scroll = VerticalScrollArea(self)  # as wide as the report needs: no sideways scrolling
        self.body_scroll.setWidget(body)

        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.hint)
        layout.addLayout(who)
        layout.addLayout(actions)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        skip_row = QHBoxLayout()
        skip_row.addWidget(self.skip_bad_button)
        skip_row.addStretch(1)
        layout.addLayout(skip_row)
        layout.addWidget(self.body_scroll, 1)

        self.retranslate()
        self.profile_combo.currentIndexChanged.connect(self._profile_changed)
        self.period_combo.currentIndexChanged.connect(self._period_changed)
        self.since_edit.dateChanged.connect(self._dates_changed)
        self.until_edit.dateChanged.connect(self._dates_changed)
        services.dataChanged.connect(self._data_changed)
        self._period_changed()
        self.load_profiles()

    # ------------------------------------------------------------------ texts
    def _lang(self) -> str:
        return style.current_language()

    def _t(self, zh: str, en: str) -> str:
        """Report data carries both languages; pick the reader's."""
        return en if self._lang() == "en" else zh

    def retranslate(self) -> None:
        self.title.setText(self.tr("家人防诈报告"))
        self.hint.setText(
            self.tr(
                "选一位家人和一段时间，看看他们手机上的可疑电话、短信和通话录音。"
                "每周把手机备份导进来，或在设置里让电脑监视手机同步过来的录音文件夹。"
            )
        )
        self.profile_label.setText(self.tr("家人："))
        unassigned = self.profile_combo.findData("")
        if unassigned >= 0:
            self.profile_combo.setItemText(unassigned, self.tr("（未指定家人的记录）"))
        self.profile_combo.setAccessibleName(self.tr("选择家人（手机）"))
        self.add_profile_button.setText(self.tr("添加家人…"))
        self.rename_profile_button.setText(self.tr("改名…"))
        self.period_label.setText(self.tr("时间："))
        current = self.period_combo.currentData()
        self.period_combo.blockSignals(True)
        self.period_combo.clear()
        self.period_combo.addItem(self.tr("最近 7 天"), PERIOD_7)
        self.period_combo.addItem(self.tr("最近 30 天"), PERIOD_30)
        self.period_combo.addItem(self.tr("本月"), PERIOD_MONTH)
        self.period_combo.addItem(self.tr("上个月"), PERIOD_LAST_MONTH)
        self.period_combo.addItem(self.tr("指定日期…"), PERIOD_CUSTOM)
        self.period_combo.setCurrentIndex(max(0, self.period_combo.findData(current)) if current is not None else 0)
        self.period_combo.blockSignals(False)
        self.period_combo.setAccessibleName(self.tr("报告的时间范围"))
        self.since_edit.setAccessibleName(self.tr("开始日期"))
        self.until_edit.setAccessibleName(self.tr("结束日期"))
        self.to_label.setText(self.tr("至"))
        self.skip_bad_button.setText(self.tr("跳过读不了的行，导入其余的"))
        self.skip_bad_button.setAccessibleName(self.tr("只导入这些文件里能读的行；读不了的行已在上面列出"))
        self.import_button.setText(self.tr("导入手机备份…"))
        self.import_button.setAccessibleName(self.tr("导入手机备份（备份文件或文件夹）"))
        self.import_files_action.setText(self.tr("选择备份文件（通话记录、短信、录音）…"))
        self.import_folder_action.setText(self.tr("选择整个文件夹…"))
        self.export_button.setText(self.tr("导出报告…"))
        self.export_button.setAccessibleName(self.tr("导出报告为一个网页文件，可以发到家人群里"))
        self.counts_title.setText(self.tr("数字一览"))
        self.chart_title.setText(self.tr("可疑事件时间线"))
        self.chart.setAccessibleName(self.tr("每天的可疑事件图表"))
        self.numbers_title.setText(self.tr("最可疑的号码"))
        self.items_title.setText(self.tr("可疑短信和录音"))
        self.todo_title.setText(self.tr("接下来怎么做"))
        self.progress.retranslate()
        self._resay()
        self._update_buttons()
        self._show_report()

    # -------------------------------------------------------------- profiles
    def load_profiles(self, select: str | None = None) -> None:
        self.services.jobs.run(
            ops.list_profiles,
            self.services.data_dir,
            on_result=lambda names: self._profiles_loaded(names, select),
            on_error=self._show_error,
            name="list-profiles",
        )

    def _profiles_loaded(self, names: list[str], select: str | None = None) -> None:
        current = select if select is not None else self.current_profile()
        self.profiles = list(names)
        self.profile_combo.blockSignals(True)
        self.profile_combo.clear()
        for name in names:
            self.profile_combo.addItem(name, name)
        self.profile_combo.addItem(self.tr("（未指定家人的记录）"), "")
        index = self.profile_combo.findData(current) if current is not None else -1
        self.profile_combo.setCurrentIndex(index if index >= 0 else 0)
        self.profile_combo.blockSignals(False)
        self._update_buttons()
        self.reload()

    def current_profile(self) -> str | None:
        data = self.profile_combo.currentData()
        return None if data is None else str(data)

    def select_profile(self, name: str) -> None:
        index = self.profile_combo.findData(name)
        if index >= 0:
            self.profile_combo.setCurrentIndex(index)

    def ask_add_profile(self) -> None:
        name = ask_person_name(self)
        if name is not None:
            self.add_profile(name)

    def add_profile(self, name: str) -> None:
        name = name.strip()
        self.services.write(
            ops.add_profile,
            self.services.data_dir,
            name,
            area=DataArea.HISTORY,
            on_result=lambda names: self._profiles_loaded(names, name),
            on_error=self._show_error,
            name="add-profile",
        )

    def ask_rename_profile(self) -> None:
        old = self.current_profile()
        if not old:
            return
        new, ok = QInputDialog.getText(
            self, self.tr("给家人改名"), self.tr("新的称呼："), QLineEdit.EchoMode.Normal, old
        )
        if ok:
            self.rename_profile(old, new)

    def rename_profile(self, old: str, new: str) -> None:
        self.services.write(
            ops.rename_profile,
            self.services.data_dir,
            old,
            new,
            area=DataArea.HISTORY,
            on_result=lambda names: self._profiles_loaded(names, new.strip()),
            on_error=self._show_error,
            name="rename-profile",
        )

    # ---------------------------------------------------------------- period
    def period(self) -> tuple[int, dt.datetime | None, dt.datetime | None]:
        """(days, since, until): the last 7/30 days up to now, or whole local days for a chosen range."""
        choice = self.period_combo.currentData()
        if choice == PERIOD_CUSTOM:
            return picked_days(self.since_edit, self.until_edit)
        if choice in (PERIOD_MONTH, PERIOD_LAST_MONTH):  # calendar months, in local days
            return month_days(dt.date.today(), last=choice == PERIOD_LAST_MONTH)
        return int(choice or PERIOD_7), None, None

    def _period_changed(self) -> None:
        custom = self.period_combo.currentData() == PERIOD_CUSTOM
        for w in (self.since_edit, self.until_edit, self.to_label):
            w.setVisible(custom)
        self._resay()  # (an import's count of records outside the period follows the period)
        self.reload()

    def _dates_changed(self) -> None:
        if self.period_combo.currentData() == PERIOD_CUSTOM:
            self._resay()
            self.reload()

    def _profile_changed(self) -> None:
        if self._bad_lines[1] and self._bad_lines[0] != (self.current_profile() or ""):
            self._say(None)  # another person's import status, and its retry, are not this person's
        self._update_buttons()
        self.reload()

    # ---------------------------------------------------------------- loading
    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:
            self._stale = False
            self.load_profiles()  # reloads the report too
        else:
            self.reload()

    def _data_changed(self, area: DataArea) -> None:
        if area is not DataArea.HISTORY:
            return
        if self.isVisible():
            self.load_profiles()  # new people may have arrived with an import; reloads the report too
        else:
            self._stale = True  # every live call writes history: catch up when the page is shown

    def reload(self) -> None:
        profile = self.current_profile()
        if profile is None:
            return
        if self._loading:
            self._reload_again = True
            return
        self._reload_again = False
        self._loading = True
        days, since, until = self.period()
        job = self.services.jobs.run(
            ops.family_report_view,
            self.services.data_dir,
            profile,
            days,
            since=since,
            until=until,
            on_result=self._loaded,
            on_error=self._load_failed,
            name="family-report",
        )
        self._load_job = job if self._loading else None  # a synchronous runner may have finished already

    def is_loading(self) -> bool:
        return self._loading

    def _loaded(self, view: ops.ReportView) -> None:
        self._loading = False
        self._load_job = None
        if self._reload_again:
            self.reload()
            return
        self.report = view.report
        self._update_buttons()
        self._show_report()

    def _load_failed(self, exc: BaseException) -> None:
        self._loading = False
        self._load_job = None
        self._show_error(exc)

    def _update_buttons(self) -> None:
        has_profile = self.current_profile() is not None
        self.rename_profile_button.setEnabled(bool(self.current_profile()))
        self.export_button.setEnabled(has_profile and self.report is not None)
        self.import_button.setEnabled(not self._importing)

    # ------------------------------------------------------------- rendering
    def _show_report(self) -> None:
        rep = self.report
        self._clear(self.numbers_box)
        self._clear(self.items_box)
        self._show_contacted(rep)
        if rep is None:
            self.verdict.setText(self.tr("还没有记录。先导入一位家人的手机备份。"))
            for card in self.count_cards.values():
                card.clear()
            self.chart_text.clear()
            self.todo.setText(self._todo_html([]))
            return
        if rep.risky_total:
            self.verdict.setText(
                "⚠ "
                + self.tr(
                    "这段时间发现 %n 个可疑的电话、短信或录音，请看下面的说明，并和家人聊一聊。", "", rep.risky_total
                )
            )
        elif not rep.checked_total and rep.recordings_unchecked:
            self.verdict.clear()  # the recordings not checked are all there is, said below
        elif not rep.checked_total:  # a person with nothing imported for the period: nothing vouched for, no ✓
            self.verdict.setText(
                self.tr("这段时间没有任何记录，所以什么也没有检查。请导入这段时间的手机备份，或换一段时间。")
            )
        else:
            self.verdict.setText("✓ " + self.tr("这段时间没有发现可疑的电话、短信或录音。"))
        if rep.recordings_unchecked:  # as the export says it
            self.verdict.setText("\n".join(t for t in (self.verdict.text(), "ⓘ " + self._t(*unchecked_text(rep))) if t))
        counts = {
            "calls": (self.tr("检查的电话"), rep.calls_screened, False),
            "calls_suspicious": (self.tr("可疑电话"), rep.calls_suspicious, True),
            "calls_blocked": (self.tr("应拦截的电话"), rep.calls_blocked, True),
            "sms": (self.tr("检查的短信"), rep.sms_screened, False),
            "sms_suspicious": (self.tr("可疑短信"), rep.sms_suspicious, True),
            "recordings": (self.tr("检查的录音"), rep.recordings_scanned, False),
            "recordings_flagged": (self.tr("可疑录音"), rep.recordings_flagged, True),
        }
        warn = LEVEL_STYLES[Level.WARN]
        for key, (text, n, risky) in counts.items():
            alert = risky and n > 0
            card = self.count_cards[key]
            mark = "⚠ " if alert else ""
            card.setText(f"<span style='font-size:xx-large;font-weight:bold'>{n}</span><br>{mark}{html.escape(text)}")
            card.setAccessibleName(f"{text}: {n}")
            border = f"3px solid {warn.accent}" if alert else "1px solid #9ca3af"
            card.setStyleSheet(f"QLabel {{ border: {border}; border-radius: 8px; padding: 8px; background: white; }}")
        self.chart_svg = timeline_svg(rep, self._lang())  # drawn again on a language switch
        self.chart.set_svg(self.chart_svg)
        self.chart_text.setText(self._timeline_words(rep))
        for s in rep.numbers:
            self.numbers_box.addWidget(self._number_card(s, rep))
        self.numbers_title.setVisible(bool(rep.numbers))
        for item in rep.items:
            self.items_box.addWidget(self._item_card(item, rep))
        if rep.items_not_shown:
            more = QLabel(self.tr("另有 %n 条没有列出（导出的报告里也只列前面这些）", "", rep.items_not_shown))
            more.setObjectName("hint")
            self.items_box.addWidget(more)
        self.items_title.setVisible(bool(rep.items))
        self.todo.setText(self._todo_html(block_numbers(rep)))

    def _timeline_words(self, rep: SafetyReport) -> str:
        if not rep.timeline:  # the chart's own words (``timeline_empty_pair``)
            return self._t(*timeline_empty_pair(rep)) + ("." if self._lang() == "en" else "。")
        parts = []
        for day, c in sorted(rep.timeline.items()):
            kinds = [f"{self._t(*KIND_WORDS[k])} {c[k]}" for k in ("call", "sms", "recording") if c[k]]
            parts.append(f"{day:%m-%d} " + ", ".join(kinds))
        return self.tr("每天的可疑事件：") + list_sep(self._lang()).join(parts)

    def _level_html(self, level: Level, word_pair: tuple[str, str] | None = None) -> str:
        st = LEVEL_STYLES[level]
        word = self._t(*word_pair) if word_pair else style.level_text(level)
        return (
            f"<span style='background:{st.text};color:white;font-weight:bold;padding:2px 8px'>"
            f"&nbsp;{st.glyph} {html.escape(word)}&nbsp;</span>"
        )

    def _when(self, iso: str, rep: SafetyReport) -> str:
        return dt.datetime.fromisoformat(iso).astimezone(rep.tz).strftime("%Y-%m-%d %H:%M")

    def _show_contacted(self, rep: SafetyReport | None) -> None:
        """The numbers from scams she called or texted, as the export says them (``contacted_text``)."""
        if rep is None or not rep.contacted:
            self.contacted.clear()
            self.contacted.hide()
            return
        title = self._t(*CONTACTED_TITLE)
        lines = [self._t(*contacted_text(c, rep.tz)) for c in rep.contacted]
        advice = self._t(*CONTACTED_ADVICE)
        items = "".join(f"<li>{html.escape(line)}</li>" for line in lines)
        self.contacted.setText(
            f"<b style='font-size:large'>⚠ {html.escape(title)}</b><ul style='margin:4px 0'>{items}</ul>"
            f"<b>{html.escape(advice)}</b>"
        )
        self.contacted.setAccessibleName(" ".join([title, *lines, advice]))
        self.contacted.show()

    def _card(self, text: str, name: str) -> QLabel:
        card = QLabel(text, self.body_scroll.widget())
        card.setWordWrap(True)
        card.setTextFormat(Qt.TextFormat.RichText)
        card.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        card.setStyleSheet("QLabel { border: 1px solid #9ca3af; border-radius: 8px; padding: 8px; background: white; }")
        card.setAccessibleName(name)
        return card

    def _number_card(self, s: NumberSummary, rep: SafetyReport) -> QLabel:
        who = with_name(s.number, s.name, self._lang())
        seen = self._t(*seen_line(s, rep.tz))  # 「2 次（短信、电话），最近 …」: as the export says it
        reason = self._t(s.reason_zh, s.reason_en)
        also = self._t(*also_text(s))  # 「同一号码另有 3 次电话…；回拨或回复过…」: as the export says it
        official = self._t(*official_text(s))  # a faked official sender: what to do instead of blocking it
        text = (
            f"{self._level_html(s.level, number_badge_word(s))} <b style='font-size:large'>{html.escape(who)}</b><br>"
            f"{html.escape(seen)}<br>{f'<b>{html.escape(also)}</b><br>' if also else ''}{html.escape(reason)}"
            + (f"<br><b>{html.escape(official)}</b>" if official else "")
        )
        return self._card(text, f"{style.level_text(s.level)} {who}: {reason}")

    def _item_card(self, it: FlaggedItem, rep: SafetyReport) -> QLabel:
        zh, en = it.kind_words()  # 短信 / 聊天记录 / 通话录音, as the export says it
        kind = en if self._lang() == "en" else zh
        who = with_name(it.number or self.tr("未知号码"), it.name, self._lang())
        lines = [f"{self._level_html(it.level)} <b>{html.escape(kind)}</b> · {self._when(it.occurred_at, rep)}"]
        number_word = self.tr("号码：")
        lines.append(f"{html.escape(number_word)}<b>{html.escape(who)}</b>")
        if it.file_name:
            lines.append(html.escape(self.tr("文件：") + it.file_name))
        scheme = self._t(it.scheme_zh, it.scheme_en)
        if scheme:
            scheme_word = self.tr("诈骗类型：")
            lines.append(f"{html.escape(scheme_word)}<b>{html.escape(scheme)}</b>")
        if it.evidence:
            marks = " ".join(
                f"<span style='background:#fde68a;font-weight:bold'>【{html.escape(p)}】</span>" for p in it.evidence
            )
            lines.append(html.escape(self.tr("证据：")) + marks)
        if it.entities:
            ents = list_sep(self._lang()).join(
                f"{html.escape(self._t(zh, en))} <b>{html.escape(v)}</b>" for zh, en, v in it.entities
            )
            lines.append(html.escape(self.tr("线索：")) + ents)
        for zh, en in it.reasons[:2]:
            text = self._t(zh, en)
            if text:
                lines.append("• " + html.escape(text))
        if it.excerpt:
            lines.append(f"<i>“{html.escape(it.excerpt)}”</i>")
        return self._card("<br>".join(lines), f"{kind} {who} {scheme}")

    def _todo_html(self, to_block: list[str]) -> str:
        block = self.tr("把可疑号码加入黑名单（“名单”页面），也在手机上拉黑。")
        if len(to_block) == 1:
            block = self.tr("把可疑号码 %1 加入黑名单（“名单”页面），也在手机上拉黑。").replace("%1", to_block[0])
        elif to_block:  # every one (a trial read the one example as the whole list)
            block = self.tr(
                "把这些可疑号码加入黑名单，也在手机上拉黑：%1（在“查号”页粘贴、查询后选中它们，点“加入名单”）。"
            ).replace("%1", block_numbers_text(to_block, self._lang()))
        items = [
            self.tr("拿不准时，拨打 96110（全国反诈专线）问一问；已经转账的，马上打 110 报警。"),
            block,
            self.tr(
                "和家人聊一聊：不点短信里的链接，不加陌生人的 QQ/微信，不说验证码，不给任何人转账；"
                "有人自称公检法、客服或亲友要钱时，先挂断再打给本人核实。"
            ),
        ]
        return "<ol>" + "".join(f"<li style='margin-bottom:6px'>{html.escape(t)}</li>" for t in items) + "</ol>"

    @staticmethod
    def _clear(box: QVBoxLayout) -> None:
        while box.count():
            item = box.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.hide()
                widget.setParent(None)
                widget.deleteLater()

    # ----------------------------------------------------------------- import
    def choose_import_files(self) -> None:
        # what an import reads, the importer's own list (the filter lacked .txt, .tsv, .flac, .wma and .mp4)
        patterns = " ".join(f"*{ext}" for ext in sorted(IMPORT_EXTENSIONS))
        chosen = files.open_files(
            self, self.tr("选择手机备份"), self.tr("手机备份 (%1);;所有文件 (*)").replace("%1", patterns)
        )
        if chosen:
            self.import_paths(chosen)

    def choose_import_folder(self) -> None:
        folder = files.choose_folder(self, self.tr("选择手机备份所在的文件夹"))
        if folder:
            self.import_paths([folder])

    def import_paths(self, paths: list[str], skip_bad: bool = False, profile: str | None = None) -> None:
        """Import backups/recordings for ``profile`` (the chosen person) in the writer job, with progress and cancel;
        with ``skip_bad``, a CSV's readable lines when some are not."""
        if self._importing:
            return
        profile = (self.current_profile() or "") if profile is None else profile
        self._import_profile = profile
        self.progress.start(self.tr("正在导入手机备份…"))
        self._say(None)
        self._importing = True
        job = self.services.jobs.run_long(
            ops.import_job,
            self.services.data_dir,
            list(paths),
            profile,
            self.transcriber,
            skip_bad,
            on_result=self._imported,
            on_error=self._import_failed,
            on_progress=self._import_progress,
            on_cancelled=self._import_cancelled,
            writer=True,
            name="phone-import",
        )
        self._import_job = job if self._importing else None  # a synchronous runner may have finished already
        self._update_buttons()

    def _import_progress(self, done: int, total: int, text: str) -> None:
        if text:
            self.progress.set_progress(done, total, self.tr("已处理 %n 个文件：", "", done) + text)

    def cancel_import(self) -> None:
        if self._import_job is not None:
            self._import_job.cancel()

    def _import_done(self) -> None:
        self._importing = False
        self._import_job = None
        self.progress.finish()
        self._update_buttons()

    def _imported(self, result: Any) -> None:
        self._import_done()
        self.last_import = result

        def text() -> str:
            lang = self._lang()
            summary = [m.render(lang) for m in result.summary()]  # the same words as the CLI's summary
            # each file's failure first, as the command line prints them: the summary's 「原因见上」 is true here too
            # (a trial read "see why above" over the reason below it, under "Import finished")
            lines = ["✗ " + f.error.render(lang) for f in result.files if f.error is not None]
            failed_all = bool(result.files) and all(f.error is not None for f in result.files)
            head = self.tr("导入没有成功：") if failed_all else self.tr("导入完成：")
            lines.append(head + summary[0] + "".join(self.tr("。") + line for line in summary[1:]))
            if outside := self._flagged_outside_period(result.flagged):  # (the page shows the chosen period only)
                lines.append(
                    self.tr(
                        "其中 %n 条可疑记录不在所选的时间里（比如更早）：要看它们，请把“时间”改成更长的范围或“指定日期…”。",
                        "",
                        outside,
                    )
                )
            lines += [  # each line not read, as the command line lists them (the error names only the first)
                "⚠ " + Path(f.path).name + label_colon(lang) + "  ".join(m.render(lang) for m in f.notes)
                for f in result.files
                if f.bad_rows and f.notes
            ]
            # a recording cut off or heard by a model of another language: the report counts it not checked and says
            # 「导入时的提示写了原因」, so the import says why (a review: only the command line did)
            heard = [
                "⚠ " + m.render(lang)
                for f in result.files
                if not f.bad_rows
                for m in f.notes
                if isinstance(m.code, SpeechProblem)
            ]
            lines += heard[:MAX_SPEECH_NOTES]
            if len(heard) > MAX_SPEECH_NOTES:
                lines.append(self.tr("……另有 %n 段录音也有提示", "", len(heard) - MAX_SPEECH_NOTES))
            return "\n".join(lines)

        self._say(text)
        self._show_skip_bad([f.path for f in result.files if f.error is not None and f.error.code in ops.BAD_LINES])
        self.services.notify_changed(DataArea.HISTORY)
        self.load_profiles()

    def _flagged_outside_period(self, events: Sequence[Any]) -> int:
        """How many of an import's flagged events the chosen period leaves out (a backup of last month, read with
        最近 7 天 chosen, said 可疑 7 条 and the report showed 1)."""
        start, end = report_window(*self.period())  # (the period the report is collected for)
        return sum(not (start <= dt.datetime.fromisoformat(e.occurred_at) <= end) for e in events)

    def _show_skip_bad(self, files: list[str]) -> None:
        """Offer the retry beside the status that names the bad lines (``_say`` takes it away with that status)."""
        self._bad_lines = (self._import_profile, files)
        self.skip_bad_button.setVisible(bool(files))

    def import_skipping_bad_lines(self) -> None:
        """The files that failed only for unreadable lines, again, keeping their readable lines, for the person they
        were imported for."""
        profile, files = self._bad_lines
        if files:
            self.import_paths(files, skip_bad=True, profile=profile)

    def _import_failed(self, exc: BaseException) -> None:
        self._import_done()
        self._say(lambda: "✗ " + friendly_message(exc).splitlines()[0])
        self._show_error(exc)
        self.services.notify_changed(DataArea.HISTORY)  # files finished before the failure are kept
        self.load_profiles()

    def _import_cancelled(self) -> None:
        self._import_done()
        self._say(lambda: self.tr("已取消导入；已经完成的文件保留，没完成的那个文件什么都没有导入。"))
        self.services.notify_changed(DataArea.HISTORY)
        self.load_profiles()

    # ----------------------------------------------------------------- export
    def choose_export(self) -> None:
        profile = self.current_profile() or ""
        name = report_file_name(profile, self._lang())
        path, _ = files.save_file(self, self.tr("导出报告"), name, self.tr("网页文件 (*.html)"))
        if path:
            self.export_to(path)

    def export_to(self, path: str) -> None:
        profile = self.current_profile()
        if profile is None:
            return
        days, since, until = self.period()
        self.services.jobs.run(
            ops.build_family_report,
            self.services.data_dir,
            profile,
            path,
            days,
            since=since,
            until=until,
            lang=self._lang(),  # the reader's language, as on the page
            by=self.services.settings.value.report_by,
            on_result=lambda out: self._exported(str(out[0])),
            on_error=self._show_error,
            name="family-report-export",
        )

    def _exported(self, path: str) -> None:
        self.last_export = path
        self._say(lambda: self.tr("报告已保存到：") + path + "\n" + self.tr("可以用手机或浏览器打开，发给家人。"))

    # ------------------------------------------------------------------ misc
    def _resay(self) -> None:
        """The status line made again (a language switch, another period), its retry kept."""
        self.status.setText(self._status_text() if self._status_text is not None else "")

    def _say(self, text: Callable[[], str] | None) -> None:
        """The status line under the buttons; ``text`` makes it in the current language (again on a switch)."""
        self._status_text = text
        self._bad_lines = ("", [])  # a retry belongs to the status that named the bad lines
        self.skip_bad_button.hide()
        self.status.setText(text() if text is not None else "")

    def prepare_screenshot(self) -> None:
        """For ``callshield --screenshot``: the first person, last 30 days, scrolled to the chart."""
        self.period_combo.setCurrentIndex(self.period_combo.findData(PERIOD_30))

    def timeline_counts(self) -> dict[dt.date, Counter[str]]:
        return dict(self.report.timeline) if self.report is not None else {}

    def _show_error(self, exc: BaseException) -> None:
        log.warning("family report page: %s", type(exc).__name__)
        self._say(lambda: "✗ " + friendly_message(exc).splitlines()[0])
        if isinstance(exc, ops.ProfileError):
            return  # bad input, said in plain words above; no details needed
        self.error_dialog = ErrorDetailsDialog.from_exception(exc, parent=self, log_path=str(self.services.log_path))
        self.error_dialog.open()
