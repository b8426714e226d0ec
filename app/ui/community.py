"""社区名单 Community lists on the Lists page, and 举报 (report a number) from Live, History and Check (issue 15).

Widgets only.  Every action runs worker-side through ``app.operations.community`` on the job runner:
subscribing and updating fetch over the network (a worker of the pool, so a slow server never holds up the one
DB writer), unsubscribing and reporting are writes (``services.write``).  Problems show as the translated
message the core returns; a failed update leaves the last good list in force and the panel says so.
"""

from __future__ import annotations

import logging
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.display import LIST_CATEGORIES, category_label
from app.models.community_model import ReportsModel, SubscriptionsModel, short_fingerprint, state_text
from app.models.list_model import _time_text
from app.operations import DataArea
from app.operations import community as ops
from app.ui import files, style
from app.ui.widgets import DataTable, ErrorDetailsDialog, friendly_message, render_text
from blocklists.subscriptions.problems import SubscriptionProblem
from blocklists.subscriptions.reports import SAFE, payload_text, report_category_label
from blocklists.subscriptions.subscribe import SubscriptionState, UpdateStatus
from screening.i18n import Message
from screening.privacy import mask_number

log = logging.getLogger(__name__)

SUBSCRIBE_TIMEOUT_S = 20.0  # per network operation of a subscribe / "update now" started by the user


def _fill(text: str, *values: Any) -> str:
    for i, value in enumerate(values, start=1):
        text = text.replace(f"%{i}", str(value))
    return text


def _error_label(parent: QWidget) -> QLabel:
    label = QLabel(parent)
    label.setWordWrap(True)
    label.setObjectName("errorText")
    label.setStyleSheet("color: #b91c1c;")
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


# ---------------------------------------------------------------------------------------------- report
class ReportDialog(QDialog):
    """举报: a number, a category (or 正常/误报), an optional note.  Stays open to show a problem."""

    submitted = Signal(str, str, str)  # number, category code, note

    def __init__(self, number: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("举报这个号码"))
        lang = style.current_language()
        self.number_edit = QLineEdit(number, self)
        self.number_edit.setAccessibleName(self.tr("号码"))
        self.number_edit.setReadOnly(bool(number))
        self.category = QComboBox(self)
        for code in LIST_CATEGORIES:
            self.category.addItem(category_label(code, lang), code)
        self.category.addItem(report_category_label(SAFE, lang), SAFE)
        self.category.setAccessibleName(self.tr("类别"))
        self.note = QLineEdit(self)
        self.note.setPlaceholderText(self.tr("例如：自称银行客服，要求转账"))
        self.note.setAccessibleName(self.tr("备注（可不填）"))
        self.privacy = QLabel(
            self.tr("举报只记在本机。导出给志愿者中心时才会分享，导出前会完整显示要分享的内容。"), self
        )
        self.privacy.setObjectName("hint")
        self.privacy.setWordWrap(True)
        self.error_label = _error_label(self)
        form = QFormLayout()
        form.addRow(self.tr("号码："), self.number_edit)
        form.addRow(self.tr("类别："), self.category)
        form.addRow(self.tr("备注："), self.note)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(self.tr("举报"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        buttons.accepted.connect(self._submit)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.privacy)
        layout.addWidget(self.error_label)
        layout.addWidget(buttons)

    def choose(self, category: str, note: str = "") -> None:
        self.category.setCurrentIndex(max(0, self.category.findData(category)))
        self.note.setText(note)

    def _submit(self) -> None:
        number = self.number_edit.text().strip()
        if not number:
            self.show_error(self.tr("请填写号码。"))
            return
        self.error_label.clear()
        self.submitted.emit(number, str(self.category.currentData()), self.note.text().strip())

    def show_error(self, text: str) -> None:
        self.error_label.setText("✖ " + text)


def open_report_dialog(services: Any, parent: QWidget, number: str, on_done: Any = None) -> ReportDialog:
    """Open 举报 for ``number`` (window-modal, not blocking); the report is written through the operations module
    and ``dataChanged(REPORTS)`` fires.  ``on_done(report)`` runs on success.  Returns the dialog (tests fill it)."""
    dialog = ReportDialog(number, parent)

    def submitted(num: str, category: str, note: str) -> None:
        def done(report: Any) -> None:
            log.info("reported %s as %s", mask_number(report.number), report.category)
            dialog.accept()
            if on_done is not None:
                on_done(report)

        services.write(
            ops.add_report,
            services.db_path,
            num,
            category,
            note,
            services.settings.value.region,
            area=DataArea.REPORTS,
            on_result=done,
            on_error=lambda exc: dialog.show_error(friendly_message(exc)),
            name="add-report",
        )

    dialog.submitted.connect(submitted)
    dialog.open()
    return dialog


def reported_text(report: Any) -> str:
    lang = style.current_language()
    return (
        QCoreApplication.translate("ReportsPanel", "已记录举报：")
        + f"{report.number}（{report_category_label(report.category, lang)}）"
    )


# ---------------------------------------------------------------------------------------------- subscribe
class SubscribeDialog(QDialog):
    """订阅: an address (http/https) or a bundle folder / zip (a USB stick), and the publisher's public key file."""

    submitted = Signal(str, str, str)  # location, public-key file, name ("" = the list's own id)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("订阅社区名单"))
        self.intro = QLabel(
            self.tr(
                "填写志愿者中心给的名单地址，或选择 U 盘上的名单文件夹 / zip 文件，再选择发布者给的公钥文件（.pub）。"
                "每次更新都会用这个公钥核对签名，别人无法冒充发布者。"
            ),
            self,
        )
        self.intro.setWordWrap(True)
        self.location_edit = QLineEdit(self)
        self.location_edit.setPlaceholderText("https://… / E:\\nantong")
        self.location_edit.setAccessibleName(self.tr("名单地址、文件夹或 zip"))
        self.folder_button = QPushButton(self.tr("文件夹…"), self)
        self.folder_button.setAccessibleName(self.tr("选择名单文件夹"))
        self.zip_button = QPushButton(self.tr("zip 文件…"), self)
        self.zip_button.setAccessibleName(self.tr("选择名单 zip 文件"))
        self.folder_button.clicked.connect(self._choose_folder)
        self.zip_button.clicked.connect(self._choose_zip)
        location_row = QHBoxLayout()
        location_row.addWidget(self.location_edit, 1)
        location_row.addWidget(self.folder_button)
        location_row.addWidget(self.zip_button)
        self.key_edit = QLineEdit(self)
        self.key_edit.setAccessibleName(self.tr("发布者的公钥文件"))
        self.key_button = QPushButton(self.tr("选择…"), self)
        self.key_button.setAccessibleName(self.tr("选择公钥文件"))
        self.key_button.clicked.connect(self._choose_key)
        key_row = QHBoxLayout()
        key_row.addWidget(self.key_edit, 1)
        key_row.addWidget(self.key_button)
        self.name_edit = QLineEdit(self)
        self.name_edit.setPlaceholderText(self.tr("可不填（用名单自带的名称）"))
        self.name_edit.setAccessibleName(self.tr("在本机的名单名（可不填）"))
        self.busy_label = QLabel(self)
        self.busy_label.setObjectName("hint")
        self.error_label = _error_label(self)
        form = QFormLayout()
        form.addRow(self.tr("名单地址："), location_row)
        form.addRow(self.tr("公钥文件："), key_row)
        form.addRow(self.tr("名称："), self.name_edit)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(self.tr("订阅"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        self.buttons.accepted.connect(self._submit)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(form)
        layout.addWidget(self.busy_label)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        em = self.fontMetrics().horizontalAdvance("M")
        self.resize(em * 48, self.sizeHint().height())

    def _choose_folder(self) -> None:
        path = files.choose_folder(self, self.tr("选择名单文件夹"))
        if path:
            self.location_edit.setText(path)

    def _choose_zip(self) -> None:
        path = files.open_file(self, self.tr("选择名单 zip 文件"), self.tr("zip 文件 (*.zip)"))
        if path:
            self.location_edit.setText(path)

    def _choose_key(self) -> None:
        path = files.open_file(self, self.tr("选择公钥文件"), self.tr("公钥 (*.pub);;所有文件 (*)"))
        if path:
            self.key_edit.setText(path)

    def _submit(self) -> None:
        location, key = self.location_edit.text().strip(), self.key_edit.text().strip()
        if not location:
            self.show_error(self.tr("请填写名单地址，或选择 U 盘上的名单文件夹或 zip 文件。"))
            return
        if not key:
            self.show_error(self.tr("请选择发布者给的公钥文件（.pub）。"))
            return
        self.error_label.clear()
        self.set_busy(True)
        self.submitted.emit(location, key, self.name_edit.text().strip())

    def set_busy(self, busy: bool) -> None:
        self.ok_button.setEnabled(not busy)
        self.busy_label.setText(self.tr("正在下载并核对签名…") if busy else "")

    def show_error(self, text: str) -> None:
        self.set_busy(False)
        self.error_label.setText("✖ " + text)


class SubscriptionsPanel(QWidget):
    """The subscriptions table with 订阅… / 立即更新 / 取消订阅…, details of the selected one, and a status line."""

    loaded = Signal(object)  # list[SubscriptionView], after each reload

    def __init__(self, services: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.subscribe_dialog: SubscribeDialog | None = None
        self.confirm_box: QMessageBox | None = None
        self.confirm_yes: Any = None
        self.error_dialog: ErrorDetailsDialog | None = None
        self.views: list[Any] = []
        self._updating = False
        self._select: str | None = None  # a new subscription is selected once the table reloads
        self.intro = QLabel(self)
        self.intro.setObjectName("hint")
        self.intro.setWordWrap(True)
        self.model = SubscriptionsModel(self, lang=style.current_language())
        # no stretch column: in large text the title keeps its width and the table scrolls sideways
        self.table = DataTable(self.model, self)
        self.table.setSelectionMode(DataTable.SelectionMode.SingleSelection)
        self.table.selectionModel().currentChanged.connect(self._show_current)
        self.details = QLabel(self)
        self.details.setWordWrap(True)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.subscribe_button = QPushButton(self)
        self.subscribe_button.clicked.connect(self.open_subscribe)
        self.update_button = QPushButton(self)
        self.update_button.clicked.connect(self.update_now)
        self.unsubscribe_button = QPushButton(self)
        self.unsubscribe_button.setObjectName("danger")
        self.unsubscribe_button.clicked.connect(self.unsubscribe_current)
        buttons = QHBoxLayout()
        buttons.addWidget(self.subscribe_button)
        buttons.addWidget(self.update_button)
        buttons.addWidget(self.unsubscribe_button)
        buttons.addStretch(1)
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.intro)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.details)
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        services.dataChanged.connect(self._data_changed)
        self.retranslate()

    def _data_changed(self, area: DataArea) -> None:
        if area is DataArea.SUBSCRIPTIONS:  # here, the background scheduler, or another window
            self.reload()

    def retranslate(self) -> None:
        self.intro.setText(
            self.tr(
                "订阅志愿者中心、居委会发布的签名名单，本机会按名单的有效期自动更新。"
                "每次更新都核对发布者的签名；任何一步出错都继续使用上一版，并在这里说明原因。"
            )
        )
        self.table.setAccessibleName(self.tr("订阅的名单"))
        self.subscribe_button.setText(self.tr("订阅…"))
        self.subscribe_button.setAccessibleName(self.tr("订阅社区名单（网址、文件夹或 zip）"))
        self.update_button.setText(self.tr("立即更新"))
        self.update_button.setAccessibleName(self.tr("立即检查选中订阅的新版本"))
        self.unsubscribe_button.setText(self.tr("取消订阅…"))
        self.unsubscribe_button.setAccessibleName(self.tr("取消选中的订阅并删除其号码"))
        self.model.set_language(style.current_language())
        self._show_current()

    # ------------------------------------------------------------------ data
    def reload(self) -> None:
        self.services.jobs.run(
            ops.list_subscriptions,
            self.services.db_path,
            on_result=self._loaded,
            on_error=self._show_error,
            name="load-subscriptions",
        )

    def _loaded(self, views: list[Any]) -> None:
        keep = self._select or self.current_name()
        self._select = None
        self.views = views
        self.model.set_rows(views)
        row = self.model.find_row(lambda v: v.name == keep)
        if views:
            self.table.select_source_row(max(0, row))
        self._show_current()
        self.loaded.emit(views)

    def current(self) -> Any | None:
        return self.table.current_row()

    def current_name(self) -> str:
        view = self.current()
        return str(view.name) if view is not None else ""

    def _show_current(self, *_: Any) -> None:
        view = self.current()
        has = view is not None
        self.update_button.setEnabled(bool(self.views) and not self._updating)
        self.unsubscribe_button.setEnabled(has and not self._updating)
        if view is None:
            self.details.setText(self.tr("还没有订阅任何名单。") if not self.views else "")
            return
        lang = style.current_language()
        lines = [
            f"{render_text(view.title, lang)}  ·  {state_text(view.state, lang)}",
            self.tr("来源：") + view.source,
            self.tr("公钥指纹：") + short_fingerprint(view.fingerprint),
            self.tr("有效期至：") + (_time_text(view.expires_at) or "—")
            + "    " + self.tr("下次自动检查：") + self._next_check_text(view.next_check),
        ]  # fmt: skip
        if view.wildcard_count or view.prefix_count:
            lines.append(
                "⚠ "
                + _fill(
                    self.tr("此名单含 %1 条号段规则和 %2 条通配规则，会拦截整段号码（官方号码和您的白名单不受影响）"),
                    view.prefix_count,
                    view.wildcard_count,
                )
            )
        if view.last_error is not None:
            lines.append("✖ " + self.tr("上次更新失败：") + render_text(view.last_error, lang))
            lines.append(
                self.tr("继续使用上一版（版本 %1，%2 条）")
                .replace("%1", str(view.serial))
                .replace("%2", str(view.entry_count))
            )
        self.details.setText("\n".join(lines))

    def _next_check_text(self, when: datetime | None) -> str:
        if when is None:
            return "—"
        if when <= datetime.now(timezone.utc):
            return self.tr("已到时间（程序运行时会自动检查）")
        return _time_text(when)

    # --------------------------------------------------------------- actions
    def open_subscribe(self) -> SubscribeDialog:
        self.subscribe_dialog = SubscribeDialog(self)
        self.subscribe_dialog.submitted.connect(self._subscribe)
        self.subscribe_dialog.rejected.connect(self._cancel_subscribe)  # one connection, however many tries
        self.subscribe_dialog.open()
        return self.subscribe_dialog

    def _subscribe(self, location: str, key_file: str, name: str) -> None:
        dialog = self.subscribe_dialog

        def done(result: Any) -> None:
            text = _fill(self.tr("已订阅“%1”：版本 %2，%3 条。"), result.name, result.serial, result.entry_count)
            if result.wildcard_count or result.prefix_count:
                text += "\n⚠ " + _fill(
                    self.tr("此名单含 %1 条号段规则和 %2 条通配规则，会拦截整段号码（官方号码和您的白名单不受影响）"),
                    result.prefix_count,
                    result.wildcard_count,
                )
            self.status.setText(text)
            if dialog is not None:
                dialog.accept()
            self._changed(lists=True, select=result.name)

        def failed(exc: BaseException) -> None:
            log.warning("subscribe failed: %s", type(exc).__name__)
            if dialog is not None and dialog.isVisible():
                dialog.show_error(friendly_message(exc))
            else:
                self._show_error(exc)

        def cancelled() -> None:  # the app is closing: nothing was stored
            if dialog is not None:
                dialog.set_busy(False)
            self.status.setText(cancelled_text())

        job = self.services.jobs.run_cancellable(
            ops.subscribe_with_key_file,
            self.services.db_path,
            location,
            key_file,
            name or None,
            timeout=SUBSCRIBE_TIMEOUT_S,
            on_result=done,
            on_error=failed,
            on_cancelled=cancelled,
            name="subscribe",
        )
        self._subscribe_job = job  # 取消 while it downloads stops the download too: nothing is stored

    def _cancel_subscribe(self) -> None:
        job = getattr(self, "_subscribe_job", None)
        if job is not None and not job.done():
            job.cancel()

    def update_now(self) -> None:
        """Update the selected subscription (all of them when none is selected), now, whatever the schedule."""
        if self._updating or not self.views:
            return
        name = self.current_name() or None
        self._updating = True
        self._show_current()
        self.status.setText(self.tr("正在检查新版本…"))
        scheduler = getattr(self.services, "subscriptions", None)  # the app's scheduler: one run at a time
        if scheduler is not None:
            started = scheduler.run_update(
                name,
                timeout=SUBSCRIBE_TIMEOUT_S,
                on_result=self._updated,
                on_error=self._update_failed,
                on_cancelled=self._update_cancelled,
            )
            if not started:
                self._updating = False
                self._show_current()
                self.status.setText(self.tr("正在后台检查更新，请稍等片刻再试。"))
            return
        self.services.jobs.run_cancellable(
            ops.update,
            self.services.db_path,
            name,
            timeout=SUBSCRIBE_TIMEOUT_S,
            on_result=self._updated,
            on_error=self._update_failed,
            on_cancelled=self._update_cancelled,
            name="update-subscriptions",
        )

    def _updated(self, results: list[Any]) -> None:
        self._updating = False
        self.status.setText("\n".join(self.result_text(r) for r in results))
        self._changed(lists=any(r.status is UpdateStatus.UPDATED for r in results))

    def _update_failed(self, exc: BaseException) -> None:
        self._updating = False
        self.status.setText("✖ " + friendly_message(exc))
        self._changed(lists=False)

    def _update_cancelled(self) -> None:
        """Stopped (the scheduler stopping, the app closing): no error, the list being downloaded stays as it was;
        lists finished before the cancel are kept, so the pages reload."""
        self._updating = False
        self.status.setText(cancelled_text())
        self._changed(lists=True)

    def result_text(self, r: Any) -> str:
        """One update's outcome in words; a failure names the reason and that the last good list stays."""
        if r.status is UpdateStatus.UPDATED:
            how = self.tr("增量") if r.used == "delta" else self.tr("完整名单")
            return "✔ " + _fill(
                self.tr("“%1”已更新到版本 %2（%3，+%4 −%5），共 %6 条"),
                r.name, r.serial, how, r.added, r.removed, r.entry_count,
            )  # fmt: skip
        if r.status is UpdateStatus.UNCHANGED:
            text = "✔ " + _fill(self.tr("“%1”已是最新（版本 %2，%3 条）"), r.name, r.serial, r.entry_count)
            if r.expired:
                text += "\n⚠ " + self.tr("但名单已过期（仍在使用），请联系发布者")
            return text
        reason = render_text(r.error) if r.error is not None else ""
        return (
            "✖ " + _fill(self.tr("“%1”更新失败：%2"), r.name, reason) + "\n"
            + _fill(self.tr("继续使用上一版（版本 %1，%2 条）"), r.serial, r.entry_count)
        )  # fmt: skip

    def unsubscribe_current(self) -> None:
        view = self.current()
        if view is None:
            return
        title = render_text(view.title, style.current_language())
        box = QMessageBox(
            QMessageBox.Icon.Question,
            self.tr("取消订阅"),
            _fill(self.tr("确定取消订阅“%1”吗？它的 %2 个号码会从本机删除，以后也不再更新。"), title, view.entry_count),
            parent=self,
        )
        yes = box.addButton(self.tr("取消订阅"), QMessageBox.ButtonRole.YesRole)
        box.addButton(self.tr("保留"), QMessageBox.ButtonRole.NoRole)
        box.setDefaultButton(yes)
        name = view.name

        def answered(button: Any) -> None:
            if button is yes:
                self.services.write(
                    ops.unsubscribe,
                    self.services.db_path,
                    name,
                    area=DataArea.SUBSCRIPTIONS,
                    on_result=lambda _r: self._unsubscribed(title),
                    on_error=self._show_error,
                    name="unsubscribe",
                )

        box.buttonClicked.connect(answered)
        self.confirm_box, self.confirm_yes = box, yes
        box.open()

    def _unsubscribed(self, title: str) -> None:
        self.status.setText(_fill(self.tr("已取消订阅“%1”。"), title))
        self.services.notify_changed(DataArea.LISTS)

    def _changed(self, lists: bool, select: str | None = None) -> None:
        if select:
            self._select = select
        self.services.notify_changed(DataArea.SUBSCRIPTIONS)  # this panel (and the scheduler) reload on it
        if lists:
            self.services.notify_changed(DataArea.LISTS)

    def _show_error(self, exc: BaseException) -> None:
        log.warning("subscriptions: %s", type(exc).__name__)
        self.error_dialog = ErrorDetailsDialog.from_exception(exc, parent=self, log_path=str(self.services.log_path))
        self.error_dialog.open()


def cancelled_text() -> str:
    """What a cancelled download says (not an error: nothing was stored, the lists in use are unchanged)."""
    return render_text(Message(SubscriptionProblem.CANCELLED))


def warning_text(views: list[Any], lang: str) -> str:
    """The Lists page's warning line: expired and failing subscriptions, glyph + words (empty when all is well)."""
    lines = []
    for v in views:
        title = render_text(v.title, lang)
        if v.state is SubscriptionState.EXPIRED:
            lines.append(
                "⚠ " + _fill(
                    QCoreApplication.translate("SubscriptionsPanel", "订阅的名单“%1”已过期（仍在使用）：发布者可能已停止更新，请联系发布者。"), title
                )
            )  # fmt: skip
        elif v.state is SubscriptionState.FAILING:
            reason = render_text(v.last_error, lang) if v.last_error is not None else ""
            lines.append(
                "✖ " + _fill(QCoreApplication.translate("SubscriptionsPanel", "订阅的名单“%1”更新失败（仍用上一版）：%2"), title, reason)
            )  # fmt: skip
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------- reports
class ExportPreviewDialog(QDialog):
    """导出举报: exactly what the file will hold, shown before anything is written."""

    nameChanged = Signal(str)
    saveRequested = Signal(str)  # destination path

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("导出举报给志愿者中心"))
        self.payload: dict[str, Any] | None = None
        self.explain = QLabel(
            self.tr(
                "下面就是将要分享的全部内容：号码、类别、备注、时间，和一个随机安装编号（用来让志愿者把同一户的举报只算一次，"
                "看不出您是谁）。不含您的电话号码或其他个人信息。称呼可不填。"
            ),
            self,
        )
        self.explain.setWordWrap(True)
        self.name_edit = QLineEdit(self)
        self.name_edit.setPlaceholderText(self.tr("可不填，例如：张阿姨家"))
        self.name_edit.setAccessibleName(self.tr("您的称呼（可不填）"))
        self.name_edit.textChanged.connect(self.nameChanged.emit)
        self.preview = QPlainTextEdit(self)
        self.preview.setReadOnly(True)
        self.preview.setAccessibleName(self.tr("将要写入文件的内容"))
        self.error_label = _error_label(self)
        form = QFormLayout()
        form.addRow(self.tr("您的称呼："), self.name_edit)
        self.buttons = QDialogButtonBox(self)
        self.save_button = self.buttons.addButton(self.tr("保存到文件…"), QDialogButtonBox.ButtonRole.AcceptRole)
        cancel = self.buttons.addButton(self.tr("取消，不导出"), QDialogButtonBox.ButtonRole.RejectRole)
        self.save_button.clicked.connect(self._choose_file)
        cancel.clicked.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.explain)
        layout.addLayout(form)
        layout.addWidget(self.preview, 1)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        em = self.fontMetrics().horizontalAdvance("M")
        self.resize(em * 50, em * 34)

    def set_payload(self, payload: dict[str, Any]) -> None:
        self.payload = payload
        self.preview.setPlainText(payload_text(payload))
        count = len(payload.get("reports", []))
        self.save_button.setText(self.tr("保存 %n 条举报到文件…", "", count))
        self.save_button.setEnabled(count > 0)

    def _choose_file(self) -> None:
        path, _ = files.save_file(self, self.tr("导出举报"), "callshield-reports.json", self.tr("JSON 文件 (*.json)"))
        if path:
            self.saveRequested.emit(path)

    def show_error(self, text: str) -> None:
        self.error_label.setText("✖ " + text)


class ReportsPanel(QWidget):
    """我的举报: the user's reports, 举报号码…, and 导出给志愿者中心… (with the preview)."""

    def __init__(self, services: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.report_dialog: ReportDialog | None = None
        self.export_dialog: ExportPreviewDialog | None = None
        self.error_dialog: ErrorDetailsDialog | None = None
        self._preview_serial = 0
        self.intro = QLabel(self)
        self.intro.setObjectName("hint")
        self.intro.setWordWrap(True)
        self.model = ReportsModel(self, lang=style.current_language())
        self.table = DataTable(self.model, self, stretch_column=ReportsModel.COL_NOTE)
        self.add_button = QPushButton(self)
        self.add_button.clicked.connect(lambda: self.report(""))
        self.export_button = QPushButton(self)
        self.export_button.clicked.connect(self.open_export)
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.export_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.intro)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        services.dataChanged.connect(self._data_changed)
        self.retranslate()

    def _data_changed(self, area: DataArea) -> None:
        if area is DataArea.REPORTS:
            self.reload()

    def retranslate(self) -> None:
        self.intro.setText(
            self.tr(
                "在来电监控、查号或记录页按“举报…”记下的号码。导出后把文件交给志愿者中心，"
                "他们汇总多户的举报后更新社区名单。"
            )
        )
        self.table.setAccessibleName(self.tr("我的举报"))
        self.add_button.setText(self.tr("举报号码…"))
        self.export_button.setText(self.tr("导出给志愿者中心…"))
        self.export_button.setAccessibleName(self.tr("导出举报（先显示要分享的内容）"))
        self.model.set_language(style.current_language())

    def reload(self) -> None:
        self.services.jobs.run(
            ops.list_reports,
            self.services.db_path,
            on_result=self._loaded,
            on_error=self._show_error,
            name="load-reports",
        )

    def _loaded(self, reports: list[Any]) -> None:
        self.model.set_rows(reports)
        self.export_button.setEnabled(bool(reports))

    def report(self, number: str) -> ReportDialog:
        self.report_dialog = open_report_dialog(
            self.services, self, number, on_done=lambda r: self.status.setText(reported_text(r))
        )
        return self.report_dialog

    # ---------------------------------------------------------------- export
    def open_export(self) -> ExportPreviewDialog:
        dialog = ExportPreviewDialog(self)
        self.export_dialog = dialog
        dialog.nameChanged.connect(self._load_preview)
        dialog.saveRequested.connect(self.save_export)
        self._load_preview("")
        dialog.open()
        return dialog

    def _load_preview(self, name: str) -> None:
        self._preview_serial += 1
        serial = self._preview_serial
        dialog = self.export_dialog
        if dialog is not None:
            dialog.save_button.setEnabled(False)  # until the preview matches what was typed

        def loaded(payload: dict[str, Any]) -> None:
            if serial == self._preview_serial and dialog is not None:
                dialog.set_payload(payload)

        self.services.jobs.run(
            ops.export_preview,
            self.services.db_path,
            name,
            on_result=loaded,
            on_error=self._show_error,
            name="reports-preview",
        )

    def save_export(self, path: str) -> None:
        """Write exactly the payload on screen."""
        dialog = self.export_dialog
        if dialog is None or dialog.payload is None:
            return
        payload = dialog.payload

        def done(n: int) -> None:
            self.status.setText(self.tr("已导出 %n 条举报到：", "", n) + str(Path(path)))
            dialog.accept()

        self.services.jobs.run(
            ops.write_reports_export,
            payload,
            path,
            on_result=done,
            on_error=lambda exc: dialog.show_error(friendly_message(exc)),
            name="reports-export",
        )

    def _show_error(self, exc: BaseException) -> None:
        log.warning("reports: %s", type(exc).__name__)
        self.error_dialog = ErrorDetailsDialog.from_exception(exc, parent=self, log_path=str(self.services.log_path))
        self.error_dialog.open()
