"""Settings section: the speech model — which one is used, download (with an optional mirror), import, cancel, and
deleting one the app installed (a wrong language's model imported by mistake).

Which model is used is decided by ``app.audio.model``; download and import run in the speech service's workers.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QLineEdit, QMessageBox, QProgressBar, QPushButton, QWidget

from app.audio.model import model_setting
from app.services import AppServices
from app.settings import Settings
from app.ui import files, style
from app.ui.settings.base import SettingsSection
from app.ui.widgets import FlowLayout, friendly_message


class ModelSection(SettingsSection):
    def __init__(self, services: AppServices, parent: QWidget | None = None) -> None:
        super().__init__(services, parent)
        self._model_job: Any = None
        self._status: Any = None  # the last ModelStatus shown
        self._removing = False
        self._removed_note = ""
        self.confirm_box: QMessageBox | None = None
        form = self.form
        self.model_status = QLabel(self)
        self.model_status.setWordWrap(True)
        self.model_status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.model_download = QPushButton(self)
        self.model_download.clicked.connect(self.download_model)
        self.model_cancel = QPushButton(self)
        self.model_cancel.clicked.connect(self.cancel_model_job)
        self.model_cancel.setEnabled(False)
        self.model_import_zip = QPushButton(self)
        self.model_import_zip.clicked.connect(self.import_model_zip)
        self.model_import_dir = QPushButton(self)
        self.model_import_dir.clicked.connect(self.import_model_folder)
        self.model_remove = QPushButton(self)
        self.model_remove.clicked.connect(self.remove_model)
        self.model_remove.setEnabled(False)
        self.model_progress = QProgressBar(self)
        self.model_progress.setRange(0, 100)
        self.model_progress.hide()
        buttons = FlowLayout()  # wraps with large text rather than widening the page
        for b in (
            self.model_download,
            self.model_import_zip,
            self.model_import_dir,
            self.model_remove,
            self.model_cancel,
        ):
            buttons.addWidget(b)
        # Optional mirror: the official site can be slow from China; the official SHA-256 is checked either way.
        from speech.models import SMALL_CN

        self.model_mirror = QLineEdit(self)
        self.model_mirror.setPlaceholderText(SMALL_CN.url)
        self.model_mirror.setClearButtonEnabled(True)
        self.model_mirror.editingFinished.connect(self._save_model_mirror)
        self.model_mirror_label = QLabel(self)
        self.model_mirror_label.setBuddy(self.model_mirror)
        form.addRow(self.model_status)
        form.addRow(self.model_mirror_label, self.model_mirror)
        form.addRow(buttons)
        form.addRow(self.model_progress)

    def _load(self, settings: Settings) -> None:
        self.model_mirror.setText(settings.model_mirror or "")

    def _loaded(self) -> None:
        self._refresh_model_status()

    def _refresh_model_status(self) -> None:
        speech = self.services.speech
        status_fn = getattr(speech, "model_status", None)
        if not callable(status_fn):
            self.model_status.setText(self.tr("语音识别组件未安装，只能按号码判断。"))
            for b in (self.model_download, self.model_import_zip, self.model_import_dir, self.model_remove):
                b.setEnabled(False)
            return
        # Checks run in workers and may finish out of order (the page loads, then the folder changes): only the
        # latest request's answer is shown, or a stale "no model" could overwrite "ready".
        self._status_request = getattr(self, "_status_request", 0) + 1
        request = self._status_request
        status_fn(lambda status: self._show_model_status(status) if request == self._status_request else None)

    def _show_model_status(self, status: Any) -> None:
        lang = style.current_language()
        text = getattr(status, "text", None)
        shown = text(lang) if callable(text) else str(status)
        if self._removed_note:  # what was just deleted, above what is used now
            shown, self._removed_note = self._removed_note + "\n" + shown, ""
        self.model_status.setText(shown)
        self._status = status
        self._update_remove()

    def _update_remove(self) -> None:
        removable = bool(getattr(self._status, "removable", False))
        self.model_remove.setEnabled(removable and self._model_job is None and not self._removing)
        self.model_remove.setToolTip(
            self.tr("删除这个由本程序下载或导入的模型（例如误导入的非中文模型）；以后可以重新下载或导入。")
            if removable
            else self.tr("只能删除本程序下载或导入的模型。")
        )

    def remove_model(self) -> None:
        """Ask, then delete the model in use (the app's own copy in the data folder); the status then says which model
        is used instead, or that there is none."""
        status = self._status
        path = getattr(status, "path", None)
        if not path or not getattr(status, "removable", False):
            return
        box = QMessageBox(
            QMessageBox.Icon.Question,
            self.tr("删除语音模型"),
            self.tr("确定删除语音模型“%1”吗？会删除数据文件夹里的这份模型文件；以后可以重新下载或导入。").replace(
                "%1", path
            ),
            parent=self,
        )
        yes = box.addButton(self.tr("删除"), QMessageBox.ButtonRole.YesRole)
        box.addButton(self.tr("保留"), QMessageBox.ButtonRole.NoRole)
        box.setDefaultButton(yes)

        def answered(button: Any) -> None:
            if button is yes:
                self._start_remove(path)

        box.buttonClicked.connect(answered)
        self.confirm_box, self.confirm_yes = box, yes
        box.open()

    def _start_remove(self, path: str) -> None:
        fn = getattr(self.services.speech, "remove_model", None)
        if not callable(fn):
            return
        self._removing = True
        self._update_remove()
        self._set_model_buttons(False)  # no import or download into the folder being deleted
        self.model_status.setText(self.tr("正在删除模型…"))
        fn(path, self._model_removed, self._remove_failed)

    def _set_model_buttons(self, enabled: bool) -> None:
        for b in (self.model_download, self.model_import_zip, self.model_import_dir):
            b.setEnabled(enabled)

    def _model_removed(self, removed: Any) -> None:
        self._removing = False
        self._set_model_buttons(True)
        self._removed_note = self.tr("已删除模型“%1”。").replace("%1", removed.name)
        self._refresh_model_status()

    def _remove_failed(self, exc: BaseException) -> None:
        self._removing = False
        self._set_model_buttons(True)
        self._update_remove()
        self.model_status.setText(self.tr("没有删除：") + friendly_message(exc))

    def _save_model_mirror(self) -> bool:
        """Save the download address if it is empty (official site) or a valid http(s) URL; else explain."""
        from speech.errors import SpeechError
        from speech.models import check_mirror_url

        text = self.model_mirror.text().strip()
        try:
            mirror = check_mirror_url(text) if text else None
        except SpeechError as exc:
            self.model_status.setText(friendly_message(exc))
            self.model_mirror.setFocus()
            return False
        if mirror != self.services.settings.value.model_mirror:
            self.services.settings.update(model_mirror=mirror)
        return True

    def download_model(self) -> None:
        if not self._save_model_mirror():
            return
        speech = self.services.speech
        fn = getattr(speech, "download_model", None)
        if callable(fn):
            self._model_job = fn(self._model_progress, self._model_done, self._model_failed, self._model_cancelled)
            self._model_busy(True)

    def import_model_zip(self) -> None:
        path = files.open_file(self, self.tr("选择语音模型压缩包"), self.tr("模型压缩包 (*.zip)"))
        if path:
            self._import_model(path)

    def import_model_folder(self) -> None:
        path = files.choose_folder(self, self.tr("选择语音模型文件夹"))
        if path:
            self._import_model(path)

    def _import_model(self, path: str) -> None:
        speech = self.services.speech
        fn = getattr(speech, "import_model", None)
        if callable(fn):
            self._model_job = fn(
                path, self._model_progress, self._model_done, self._model_failed, self._model_cancelled
            )
            self._model_busy(True)

    def cancel_model_job(self) -> None:
        if self._model_job is not None:
            self._model_job.cancel()

    def _model_busy(self, busy: bool) -> None:
        self.model_progress.setVisible(busy)
        self.model_cancel.setEnabled(busy)
        self._set_model_buttons(not busy)
        self._update_remove()
        if busy:
            self.model_progress.setValue(0)

    def _model_progress(self, done: int, total: int, text: str) -> None:
        if total > 0:
            self.model_progress.setRange(0, 1000)
            self.model_progress.setValue(int(1000 * done / total))
            mb = f"{done / 1e6:.0f} / {total / 1e6:.0f} MB"
            self.model_progress.setFormat(f"{text} {mb}".strip())
        else:
            self.model_progress.setRange(0, 0)

    def _model_done(self, result: Any) -> None:
        self._model_job = None
        self._model_busy(False)
        path = getattr(result, "path", result)
        if path:
            self.services.settings.update(model_path=model_setting(self.services.data_dir, path))
        self._refresh_model_status()

    def _model_failed(self, exc: BaseException) -> None:
        self._model_job = None
        self._model_busy(False)
        self.model_status.setText(self.tr("没有成功：") + friendly_message(exc))

    def _model_cancelled(self) -> None:
        self._model_job = None
        self._model_busy(False)
        self.model_status.setText(self.tr("已取消。"))

    def retranslate(self) -> None:
        self.setTitle(self.tr("语音识别模型"))
        self.model_download.setText(self.tr("下载模型"))
        self.model_import_zip.setText(self.tr("从压缩包导入…"))
        self.model_import_dir.setText(self.tr("从文件夹导入…"))
        self.model_cancel.setText(self.tr("取消"))
        self.model_remove.setText(self.tr("删除此模型…"))
        self.model_mirror_label.setText(self.tr("下载地址"))
        self.model_mirror.setToolTip(
            self.tr(
                "可选：填写国内镜像地址（留空则用官方地址）。无论从哪里下载，都会核对官方文件的 SHA-256，不符就不安装。"
            )
        )
        self.model_mirror.setAccessibleName(self.tr("模型下载地址"))
        self._refresh_model_status()

    def shutdown(self) -> None:
        if self._model_job is not None:
            self._model_job.cancel()
