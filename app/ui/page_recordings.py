"""录音分析 Recordings: pick files or a folder → batch scan with progress, cancel and per-file status.

The scan itself is ``speech.batch.scan_recordings`` (worker processes, skip-by-content-hash, history
writes), driven from one long job.  Each finished file crosses to the GUI thread through a queued
signal on :class:`BatchRelay`, so the table fills in while the batch runs.  With no speech model the
page says so and points to Settings instead of failing.
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app import inbox
from app.display import about_text, heard_no_chinese, shown_category
from app.models.recording_model import (
    FileStatus,
    RecordingResultsModel,
    RecordingRow,
    row_from_file_result,
    row_from_history_record,
)
from app.operations import DataArea
from app.operations.recordings import collect_recordings, model_for_scan, run_batch
from app.reports.export import entity_line, quoted_as_written, shown_transcript, write_report
from app.ui import files, style
from app.ui.widgets import (
    DataTable,
    ErrorDetailsDialog,
    FlowLayout,
    HighlightedTranscript,
    LevelFilterCombo,
    TaskProgress,
    VerdictBanner,
    VerticalScrollArea,
    hint_label,
    page_title,
    render_text,
)
from screening.types import Level
from speech.batch import AUDIO_EXTENSIONS
from speech.language import recording_warnings

log = logging.getLogger(__name__)


BANNER_REASONS = 3  # reasons shown in the verdict banner; the rest are in the evidence list


class BatchRelay(QObject):
    """Lives on the GUI thread; the batch worker posts each finished file through ``app.inbox`` and ``fileDone`` is
    emitted on the GUI thread (never on the worker: PySide can deadlock on a signal emitted from a plain thread)."""

    fileDone = Signal(object)  # speech.batch.FileResult

    def post_file_done(self, result: Any) -> None:
        """The batch's ``on_file`` (any thread)."""
        inbox.emit(self, "fileDone", result)


# --------------------------------------------------------------------------------------------- page
class RecordingsPage(QWidget):
    def __init__(self, services: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.error_dialog: ErrorDetailsDialog | None = None
        self.model_path: str | None = None
        self.model_warning: Any = None  # the model's language warning (a Message), if it is of another language
        self.model_problem: Any = None
        self._job: Any = None
        self._last_summary: Any = None
        self._batch_paths: list[str] = []
        self._batch_workers = 1
        self.relay = BatchRelay(self)
        self.relay.fileDone.connect(self._file_done)

        self.title = page_title(self)
        self.hint = hint_label(self)

        # “no speech model” notice, pointing to Settings
        self.model_box = QFrame(self)
        self.model_box.setObjectName("modelNotice")
        self.model_box.setStyleSheet(
            "QFrame#modelNotice { background: #fff8c5; border: 2px solid #bf8700; border-radius: 6px; }"
            "QFrame#modelNotice QLabel { color: #4d2d00; background: transparent; border: none; }"
        )
        self.model_icon = QLabel(self.model_box)
        self.model_icon.setPixmap(style.level_pixmap(Level.CAUTION, 32))
        self.model_label = QLabel(self.model_box)
        self.model_label.setWordWrap(True)
        self.model_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.settings_button = QPushButton(self.model_box)
        self.settings_button.clicked.connect(self.open_settings)
        box_row = QHBoxLayout(self.model_box)
        box_row.addWidget(self.model_icon, 0, Qt.AlignmentFlag.AlignTop)
        box_row.addWidget(self.model_label, 1)
        box_row.addWidget(self.settings_button, 0, Qt.AlignmentFlag.AlignVCenter)
        self.model_box.setVisible(False)
        self.model_status = QLabel(self)
        self.model_status.setObjectName("hint")
        self.model_status.setWordWrap(True)

        self.files_button = QPushButton(self)
        self.files_button.clicked.connect(self.choose_files)
        self.folder_button = QPushButton(self)
        self.folder_button.clicked.connect(self.choose_folder)
        self.scan_button = QPushButton(self)
        self.scan_button.setObjectName("primary")
        self.scan_button.clicked.connect(self.start_scan)
        self.clear_button = QPushButton(self)
        self.clear_button.clicked.connect(self.clear)
        self.rescan_check = QCheckBox(self)
        self.export_csv_button = QPushButton(self)
        self.export_csv_button.clicked.connect(lambda: self.choose_export("csv"))
        self.export_html_button = QPushButton(self)
        self.export_html_button.clicked.connect(lambda: self.choose_export("html"))
        actions = FlowLayout()  # one row when it fits; wraps with large text or English instead of widening the window
        for widget in (self.files_button, self.folder_button, self.scan_button, self.clear_button):
            actions.addWidget(widget)
        actions.addWidget(self.rescan_check)
        actions.addStretch()
        exports = QHBoxLayout()  # the two exports wrap together
        exports.addWidget(self.export_csv_button)
        exports.addWidget(self.export_html_button)
        actions.addLayout(exports)

        self.progress = TaskProgress(self)
        self.progress.cancelRequested.connect(self.cancel)
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self.summary.setVisible(False)

        self.filter_label = QLabel(self)
        self.filter_edit = QLineEdit(self)
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_label.setBuddy(self.filter_edit)
        self.level_filter = LevelFilterCombo(self)
        filter_row = QHBoxLayout()
        filter_row.addWidget(self.filter_label)
        filter_row.addWidget(self.filter_edit, 1)
        filter_row.addWidget(self.level_filter)

        self.model = RecordingResultsModel(self, lang=style.current_language())

        self.model.icon_provider = style.level_icon
        # a failed file's reason in 状态 gives way first (its whole text is in the tooltip and the banner): it pushed
        # 风险等级 and 风险分 out of sight in a trial, even at 1400 × 900
        self.table = DataTable(
            self.model,
            self,
            stretch_column=RecordingResultsModel.COL_EVIDENCE,
            elide_columns=(RecordingResultsModel.COL_STATUS, RecordingResultsModel.COL_CATEGORY),
        )
        self.table.selectionModel().currentChanged.connect(self._show_current)
        self.model.dataChanged.connect(self._current_row_changed)
        self.filter_edit.textChanged.connect(self.table.proxy.set_text)
        self.level_filter.currentIndexChanged.connect(self._level_filter_changed)

        # detail view
        self.banner = VerdictBanner(self, icon_size=36)
        self.detail_hint = QLabel(self)
        self.detail_hint.setObjectName("hint")
        self.detail_hint.setWordWrap(True)
        self.transcript_label = QLabel(self)
        self.transcript = HighlightedTranscript(self)
        self.transcript_label.setBuddy(self.transcript)
        self.evidence_label = QLabel(self)
        self.evidence = QListWidget(self)
        self.evidence_label.setBuddy(self.evidence)
        self.entities_label = QLabel(self)
        self.entities = QListWidget(self)
        self.entities_label.setBuddy(self.entities)
        detail = QWidget(self)
        detail_layout = QVBoxLayout(detail)
        detail_layout.setContentsMargins(0, 0, 0, 0)
        detail_layout.addWidget(self.detail_hint)
        detail_layout.addWidget(self.banner)
        detail_layout.addWidget(self.transcript_label)
        detail_layout.addWidget(self.transcript, 3)
        detail_layout.addWidget(self.evidence_label)
        detail_layout.addWidget(self.evidence, 2)
        detail_layout.addWidget(self.entities_label)
        detail_layout.addWidget(self.entities, 1)
        detail_layout.addStretch(1)  # keeps the banner at the top when the transcript is hidden

        left = QWidget(self)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addLayout(filter_row)
        left_layout.addWidget(self.table, 1)
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(left)
        # the details scroll on their own, as 记录's do: in large text on 1100 × 760 the banner was squeezed until its
        # title ran over its advice and the reason (「…不完整…」) was cut off
        self.detail_scroll = VerticalScrollArea(self)
        self.detail_scroll.setWidget(detail)
        splitter.addWidget(self.detail_scroll)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setChildrenCollapsible(False)

        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.hint)
        layout.addWidget(self.model_box)
        layout.addWidget(self.model_status)
        layout.addLayout(actions)
        layout.addWidget(self.progress)
        layout.addWidget(self.summary)
        layout.addWidget(splitter, 1)

        self.setAcceptDrops(True)  # recordings can be dragged in from the file manager
        self.retranslate()
        self._update_actions()
        self._show_current()
        self.services.settings.changed.connect(self._settings_changed)
        self.refresh_model_status()

    # ------------------------------------------------------------------ texts
    def _lang(self) -> str:
        return style.current_language()

    def retranslate(self) -> None:
        lang = self._lang()
        self.title.setText(self.tr("录音分析"))
        self.hint.setText(
            self.tr(
                "选择通话录音文件或整个文件夹（WAV、MP3、M4A、AMR 等），程序会把语音转成文字，"
                "找出诈骗话术，并提取 QQ 群号、链接、账号等线索。分析全部在本机完成，不会上传。"
            )
        )
        self.settings_button.setText(self.tr("打开“设置”"))
        self.settings_button.setAccessibleName(self.tr("打开设置页面，下载或导入语音模型"))
        self.files_button.setText(self.tr("选择录音文件…"))
        self.folder_button.setText(self.tr("选择文件夹…"))
        self.scan_button.setText(self.tr("开始分析"))
        self.clear_button.setText(self.tr("清空列表"))
        self.rescan_check.setText(self.tr("重新分析以前分析过的文件"))
        self.filter_label.setText(self.tr("筛选："))
        self.filter_edit.setPlaceholderText(self.tr("文件名、类型或证据"))
        self.filter_edit.setAccessibleName(self.tr("筛选分析结果"))
        self.level_filter.retranslate()
        self.export_csv_button.setText(self.tr("导出 CSV…"))
        self.export_html_button.setText(self.tr("导出 HTML 报告…"))
        self.table.setAccessibleName(self.tr("录音分析结果"))
        self.detail_hint.setText(self.tr("在左边的表格中选中一个文件，这里会显示它的转写文字、证据和线索。"))
        self.transcript_label.setText(self.tr("转写文字（高亮处为可疑话术）："))
        self.transcript.setAccessibleName(self.tr("录音转写文字"))
        self.evidence_label.setText(self.tr("证据："))
        self.evidence.setAccessibleName(self.tr("命中的诈骗话术"))
        self.entities_label.setText(self.tr("提取的线索（QQ群号、链接、账号等）："))
        self.entities.setAccessibleName(self.tr("提取的线索"))
        self.progress.retranslate()
        self.banner.retranslate()
        self.transcript.retranslate()
        self.model.set_language(lang)
        self._render_model_status()
        self._show_current()
        self._update_summary()

    # ------------------------------------------------------------- model status
    def refresh_model_status(self) -> None:
        """Find the speech model in a job (it checks folders on disk), with the language warning Settings shows too
        (a review: this page said only 「语音模型：路径」 for the Korean model)."""
        configured = self.services.settings.value.model_path
        self.services.jobs.run(
            model_for_scan,
            self.services.data_dir,
            configured,
            on_result=self._model_checked,
            on_error=self._model_missing,
            name="resolve-model",
        )

    def _model_checked(self, found: tuple[str, Any]) -> None:
        path, self.model_warning = found
        self._model_found(path)

    def _settings_changed(self, new: Any, old: Any) -> None:
        if getattr(new, "model_path", None) != getattr(old, "model_path", None):
            self.refresh_model_status()

    def _model_found(self, path: str) -> None:
        self.model_path = path
        self.model_problem = None
        self._render_model_status()
        self._update_actions()

    def _model_missing(self, exc: BaseException) -> None:
        self.model_path = None
        self.model_warning = None
        self.model_problem = exc
        log.info("no usable speech model: %s", type(exc).__name__)
        self._render_model_status()
        self._update_actions()

    def _render_model_status(self) -> None:
        if self.model_problem is not None:
            message = getattr(self.model_problem, "message", None)
            code = getattr(message, "code", None)
            lines = [self.tr("还没有可用的语音识别模型，所以暂时不能分析录音。")]
            if message is not None and getattr(code, "name", "") != "NO_MODEL":
                lines.append(render_text(message, self._lang()))  # a broken model folder: say what is wrong
            elif message is None:
                lines.append(str(self.model_problem))
            lines.append(self.tr("请到“设置”页下载或导入中文语音模型。查号等其他功能不受影响。"))
            self.model_label.setText("\n".join(lines))
            self.model_box.setAccessibleName(self.model_label.text())
            self.model_box.setVisible(True)
            self.model_status.setVisible(False)
        else:
            self.model_box.setVisible(False)
            if self.model_path:
                text = self.tr("语音模型：") + self.model_path
                if self.model_warning is not None:  # a model of another language: what it hears is not checked
                    text = "⚠ " + render_text(self.model_warning, self._lang()) + "\n" + text
                self.model_status.setText(text)
            self.model_status.setVisible(bool(self.model_path))

    def open_settings(self) -> None:
        show_settings = getattr(self.window(), "show_settings", None)
        if callable(show_settings):
            show_settings("model")  # the speech model's section, at the foot of the page

    # ------------------------------------------------------------------ files
    def choose_files(self) -> None:
        patterns = " ".join(f"*{ext}" for ext in sorted(AUDIO_EXTENSIONS))  # what a scan reads (it lacked .wma)
        paths = files.open_files(
            self, self.tr("选择录音文件"), self.tr("录音文件 (%1);;所有文件 (*)").replace("%1", patterns)
        )
        if paths:
            self.add_paths(paths)

    def choose_folder(self) -> None:
        folder = files.choose_folder(self, self.tr("选择录音所在的文件夹"))
        if folder:
            self.add_paths([folder])

    def add_paths(self, items: list[str]) -> None:
        """Add files and folders (expanded in a job) as waiting rows."""
        self.services.jobs.run(
            collect_recordings, list(items), on_result=self._files_collected, on_error=self._show_error
        )

    def _files_collected(self, paths: list[str]) -> None:
        known = {row.path for row in self.model.rows()}
        new = [RecordingRow(path=p) for p in dict.fromkeys(paths) if p not in known]
        self.model.append_rows(new)
        if not paths:
            self._set_summary(self.tr("没有找到录音文件。"))
        self._update_summary()
        self._update_actions()

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls() and any(url.isLocalFile() for url in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = [url.toLocalFile() for url in event.mimeData().urls() if url.isLocalFile()]
        if paths and self._job is None:
            self.add_paths(paths)
            event.acceptProposedAction()

    def clear(self) -> None:
        if self._job is not None:
            return
        self.model.clear()
        self._set_summary("")
        self._show_current()
        self._update_actions()

    # ------------------------------------------------------------------- scan
    def start_scan(self) -> None:
        if self._job is not None:
            return
        todo = [
            i
            for i, row in enumerate(self.model.rows())
            if row.status in (FileStatus.QUEUED, FileStatus.FAILED, FileStatus.CANCELLED)
            or self.rescan_check.isChecked()
        ]
        if not todo:
            self._set_summary(self.tr("请先选择录音文件或文件夹。"))
            return
        from speech.batch import default_workers

        workers = default_workers()
        rows = self.model.rows()
        paths = [rows[i].path for i in todo]
        # Files are decoded in order, ``workers`` at a time: the first ones are 分析中, the rest 等待中.
        for n, i in enumerate(todo):
            rows[i] = RecordingRow(path=rows[i].path, status=FileStatus.SCANNING if n < workers else FileStatus.QUEUED)
        self.model.set_rows(rows)  # one reset instead of a change signal per file
        self._batch_paths = paths
        self._batch_workers = workers
        self.progress.start(self.tr("正在分析 %n 个录音…", "", len(paths)), len(paths))
        self._job = self.services.jobs.run_long(
            run_batch,
            self.relay.post_file_done,
            paths,
            self.services.data_dir,
            self.services.settings.value.model_path,
            self.services.db_path,
            self.rescan_check.isChecked(),
            workers,
            on_result=self._scan_finished,
            on_error=self._scan_failed,
            on_cancelled=self._scan_cancelled,
            on_progress=self._progress,
            name="scan-recordings",
        )
        self._update_actions()

    def cancel(self) -> None:
        if self._job is not None:
            self._job.cancel()

    def is_scanning(self) -> bool:
        return self._job is not None

    def _progress(self, done: int, total: int, text: str) -> None:
        label = self.tr("已分析 %1 / %2").replace("%1", str(done)).replace("%2", str(total))
        self.progress.set_progress(done, total, f"{label}  {text}" if text else label)

    def _file_done(self, result: Any) -> None:
        if getattr(result, "history_id", None) is not None:
            self.services.notify_changed(DataArea.HISTORY)  # stored by the scan's writer
        row = row_from_file_result(result)
        if row.status is FileStatus.SKIPPED and str(getattr(result, "content_hash", "") or ""):
            try:
                record = self.services.history().find_by_hash(result.content_hash)  # indexed lookup
            except Exception:
                log.exception("history lookup failed")
                record = None
            if record is not None:
                row = row_from_history_record(row.path, record)
        index = self.model.row_for_path(row.path)
        if index < 0:
            self.model.append_rows([row])
        else:
            self.model.replace_row(index, row)
        self._promote_next()
        self._update_summary()

    def _promote_next(self) -> None:
        """A decoder became free: the next waiting file of this batch is now being analysed."""
        if self._job is None:
            return
        rows = self.model.rows()
        if sum(1 for r in rows if r.status is FileStatus.SCANNING) >= self._batch_workers:
            return
        for path in self._batch_paths:
            index = self.model.row_for_path(path)
            if index >= 0 and rows[index].status is FileStatus.QUEUED:
                self.model.replace_row(index, rows[index].with_status(FileStatus.SCANNING))
                return

    def _scan_finished(self, summary: Any) -> None:
        self._job = None
        self._last_summary = summary
        self.progress.finish()
        self._mark_unfinished(FileStatus.CANCELLED if summary.cancelled else FileStatus.FAILED)
        self._update_summary()
        self.table.sortByColumn(RecordingResultsModel.COL_LEVEL, Qt.SortOrder.DescendingOrder)
        if self.table.currentIndex().row() < 0 and self.table.proxy.rowCount():
            self.table.setCurrentIndex(self.table.proxy.index(0, 0))
        self._update_actions()
        log.info("batch scan finished: %d files in %.1f s", len(summary.results), summary.elapsed_s)

    def _scan_cancelled(self) -> None:
        self._job = None
        self.progress.finish()
        self._mark_unfinished(FileStatus.CANCELLED)
        self._update_summary()
        self._update_actions()

    def _scan_failed(self, exc: BaseException) -> None:
        self._job = None
        self.progress.finish()
        self._mark_unfinished(FileStatus.QUEUED)
        self._update_actions()
        from speech.errors import ModelError

        if isinstance(exc, ModelError):  # the model vanished or is broken: show the notice, not a crash dialog
            self._model_missing(exc)
            return
        self._show_error(exc)

    def _mark_unfinished(self, status: FileStatus) -> None:
        batch = set(self._batch_paths)
        for i, row in enumerate(self.model.rows()):
            if row.status is FileStatus.SCANNING or (row.status is FileStatus.QUEUED and row.path in batch):
                self.model.replace_row(i, row.with_status(status))
        self._batch_paths = []

    # ---------------------------------------------------------------- details
    def _current_row_changed(self, top_left: Any, bottom_right: Any, *_: Any) -> None:
        current = self.table.proxy.mapToSource(self.table.currentIndex()).row()
        if current >= 0 and top_left.row() <= current <= bottom_right.row():
            self._show_current()

    def _show_current(self, *_: Any) -> None:
        row: RecordingRow | None = self.table.current_row()
        lang = self._lang()
        self.evidence.clear()
        self.entities.clear()
        self.detail_hint.setVisible(row is None)
        for widget in (
            self.banner,
            self.transcript_label,
            self.transcript,
            self.evidence_label,
            self.evidence,
            self.entities_label,
            self.entities,
        ):
            widget.setVisible(row is not None)
        if row is None:
            self.transcript.clear_transcript()
            return
        headline = row.name
        category = shown_category(row.level, getattr(row, "category", None), row.category_text, lang)
        if category:
            headline += " · " + category
        # a failed file's reason or a cut-off file's warning, and a model of another language's: said first, and once
        # (a file skipped as scanned before has them among its stored reasons too; a trial saw one twice)
        warnings = [render_text(w, lang) for w in recording_warnings(row.path, row.transcript, row.error)]
        unread = heard_no_chinese(row)  # 「没有发现诈骗话术」 of a row stored so would mislead
        stored = [] if unread else [render_text(getattr(r, "text", r), lang) for r in row.reasons]
        reasons = quoted_as_written([r for r in stored if r not in warnings], row.transcript)
        if len(reasons) > BANNER_REASONS:  # the full evidence is listed below the transcript
            more = len(reasons) - BANNER_REASONS
            reasons = [*reasons[:BANNER_REASONS], self.tr("……另有 %n 条，见下方“证据”", "", more)]
        reasons = [*warnings, *reasons]
        no_verdict = None
        if row.level is None:
            pending = row.status in (FileStatus.QUEUED, FileStatus.SCANNING)
            if pending or not warnings:  # (a failed file's reason says more than 「失败」)
                reasons.insert(0, row.status.label(lang))
            no_verdict = "pending" if pending else "failed"
        elif heard_no_chinese(row):
            no_verdict = "failed"  # heard by a model of another language: nothing was read to judge
        self.banner.set_verdict(
            row.level if row.level is not None else Level.UNKNOWN,
            headline,
            reasons,
            about_text=about_text(row),
            no_verdict=no_verdict,
        )
        text, shown_hits = shown_transcript(row.transcript, row.hits)
        calm = row.level is not None and row.level < Level.CAUTION
        self.transcript.set_text_with_hits(text, shown_hits, calm=calm)
        for hit in row.hits:
            t = getattr(hit, "t", None)
            stamp = f"{int(t) // 60:02d}:{int(t) % 60:02d}  " if isinstance(t, (int, float)) else ""
            cat = render_text(getattr(hit, "category_text", None), lang) or str(getattr(hit, "category", ""))
            explanation = render_text(getattr(hit, "explanation", None), lang)
            item = f"{stamp}“{getattr(hit, 'matched', '')}” — {cat}"
            self.evidence.addItem(f"{item}：{explanation}" if explanation else item)
        if not row.hits:
            self.evidence.addItem(self.tr("（没有命中诈骗话术）"))
        seen: set[tuple[str, str]] = set()
        for entity in row.entities:
            key = (str(getattr(entity, "kind", "")), str(getattr(entity, "value", "")))
            if key not in seen:
                seen.add(key)
                self.entities.addItem(entity_line(key[0], key[1], lang))
        if not row.entities:
            self.entities.addItem(self.tr("（没有提取到线索）"))

    def _level_filter_changed(self) -> None:
        self.table.proxy.set_min_level(self.level_filter.min_level())

    def _set_summary(self, text: str) -> None:
        self.summary.setText(text)
        self.summary.setVisible(bool(text))

    def _update_summary(self) -> None:
        rows = self.model.rows()
        if not rows:
            return
        counts: dict[FileStatus, int] = {}
        for row in rows:
            counts[row.status] = counts.get(row.status, 0) + 1
        lang = self._lang()
        risky = sum(1 for row in rows if row.level is not None and row.level >= Level.WARN)
        parts = [f"{status.label(lang)} {n}" for status, n in counts.items()]
        text = self.tr("共 %n 个文件：", "", len(rows)) + (", " if lang == "en" else "，").join(parts)
        if risky:
            text += "  " + self.tr("其中 %n 个有诈骗风险（警告或拦截）", "", risky)
        # done, but not read: a model of another language (a trial read 「完成 4」 over four recordings none was read)
        unread = sum(1 for row in rows if row.status is not FileStatus.FAILED and heard_no_chinese(row))
        if unread:
            text += "  " + self.tr("%n 个转写出的文字不是中文，没能检查（语音模型可能不是中文模型）", "", unread)
        self._set_summary(text)

    def _update_actions(self, *_: Any) -> None:
        busy = self._job is not None
        has_rows = self.model.rowCount() > 0
        self.scan_button.setEnabled(not busy and has_rows and self.model_path is not None)
        self.files_button.setEnabled(not busy)
        self.folder_button.setEnabled(not busy)
        self.clear_button.setEnabled(not busy and has_rows)
        has_results = any(row.level is not None for row in self.model.rows())
        self.export_csv_button.setEnabled(has_results)
        self.export_html_button.setEnabled(has_results)

    # ----------------------------------------------------------------- export
    def choose_export(self, fmt: str) -> None:
        if fmt == "html":
            filter_text = self.tr("HTML 报告 (*.html)")
            default = "录音分析报告.html" if self._lang() == "zh" else "recording-report.html"
        else:
            filter_text = self.tr("CSV 表格 (*.csv)")
            default = "录音分析结果.csv" if self._lang() == "zh" else "recording-results.csv"
        path, _ = files.save_file(self, self.tr("导出分析结果"), default, filter_text)
        if path:
            self.export_to(path, fmt)

    def export_to(self, path: str, fmt: str) -> None:
        """Export the rows as shown (after filtering), in a job."""
        rows = self.table.visible_rows()
        self.services.jobs.run(
            write_report,
            "recordings",
            fmt,
            rows,
            path,
            self._lang(),
            self.services.settings.value.report_by,
            on_result=lambda n: self._set_summary(self.tr("已导出 %n 个文件的结果到：", "", n) + path),
            on_error=self._show_error,
            name="export-recordings",
        )

    def _show_error(self, exc: BaseException) -> None:
        log.warning("recordings page: %s", type(exc).__name__)
        self.error_dialog = ErrorDetailsDialog.from_exception(exc, parent=self, log_path=str(self.services.log_path))
        self.error_dialog.open()
