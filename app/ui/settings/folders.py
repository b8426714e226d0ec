"""Settings section: the phone's synced call-recording folders to watch (issue 14).

Each folder belongs to a person (profile); "network drive" turns on polling (file notifications do not reach
across SMB/NFS).  The list lives in the database (``app.operations.phone``: ``watched_folders``,
``add_watched_folder``, ``remove_watched_folder``), written on the single DB writer; after each change the app's
watcher (``services.phone_watch``, started by the composition root) restarts with the new list.  A folder that is
missing (USB stick unplugged) or keeps failing shows a plain status line.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from app.operations import DataArea
from app.operations import phone as ops
from app.services import AppServices
from app.settings import Settings
from app.ui import files, style
from app.ui.settings.base import SettingsSection
from app.ui.widgets import FlowLayout, friendly_message

COL_FOLDER, COL_PROFILE, COL_POLLING, COL_STATUS = range(4)


class WatchedFoldersSection(SettingsSection):
    def __init__(self, services: AppServices, parent: QWidget | None = None) -> None:
        super().__init__(services, parent)
        self.folders: list[ops.WatchedFolder] = []
        self.hint = QLabel(self)
        self.hint.setObjectName("hint")
        self.hint.setWordWrap(True)
        self.table = QTableWidget(0, 4, self)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(COL_FOLDER, QHeaderView.ResizeMode.Stretch)
        for col in (COL_PROFILE, COL_POLLING, COL_STATUS):
            self.table.horizontalHeader().setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        self.table.setMinimumHeight(120)
        self.table.itemSelectionChanged.connect(self._selected)
        self.profile_label = QLabel(self)
        self.profile = QComboBox(self)
        self.profile.setEditable(True)
        self.profile.setMinimumContentsLength(8)
        self.profile_label.setBuddy(self.profile)
        self.polling = QCheckBox(self)
        self.add_button = QPushButton(self)
        self.add_button.clicked.connect(self.choose_folder)
        self.save_button = QPushButton(self)
        self.save_button.clicked.connect(self.save_selected)
        self.remove_button = QPushButton(self)
        self.remove_button.clicked.connect(self.remove_selected)
        whose = QHBoxLayout()  # the label stays with its field when the row wraps
        whose.addWidget(self.profile_label)
        whose.addWidget(self.profile, 1)
        row = FlowLayout()  # wraps (the long network-drive box below) rather than widening the page
        row.addLayout(whose)
        row.addWidget(self.polling)
        buttons = FlowLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.remove_button)
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.form.addRow(self.hint)
        self.form.addRow(self.table)
        self.form.addRow(row)
        self.form.addRow(buttons)
        self.form.addRow(self.status)
        watch = self._watch()
        if watch is not None:
            watch.statusChanged.connect(self._show_rows)
        self._selected()

    def _watch(self) -> Any:
        return getattr(self.services, "phone_watch", None)

    # ------------------------------------------------------------------ load
    def _load(self, settings: Settings) -> None:
        self.reload()

    def reload(self) -> None:
        self.services.jobs.run(
            lambda: (ops.watched_folders(self.services.data_dir), ops.list_profiles(self.services.data_dir)),
            on_result=self._loaded_folders,
            on_error=self._failed,
            name="watched-folders",
        )

    def _loaded_folders(self, result: tuple[list[ops.WatchedFolder], list[str]]) -> None:
        folders, profiles = result
        self.folders = folders
        text = self.profile.currentText()
        self.profile.blockSignals(True)
        self.profile.clear()
        self.profile.addItems(profiles)
        self.profile.setEditText(text)
        self.profile.blockSignals(False)
        self._show_rows()

    def _show_rows(self) -> None:
        lang = style.current_language()
        watch = self._watch()
        problems: dict[str, str] = watch.status_lines(lang) if watch is not None else {}
        selected = self.selected_path()
        self.table.setRowCount(len(self.folders))
        lines = []
        for i, f in enumerate(self.folders):
            if not f.present:
                state = "⚠ " + self.tr("找不到（U 盘拔出或网络盘断开？）")
                lines.append("⚠ " + self.tr("找不到文件夹 %1；它回来后会自动继续监视。").replace("%1", f.path))
            elif f.path in problems:
                gone = watch is not None and getattr(watch.status[f.path].code, "name", "") == "FOLDER_GONE"
                state = "⚠ " + (self.tr("找不到（U 盘拔出或网络盘断开？）") if gone else self.tr("有问题，见下方"))
                lines.append("⚠ " + problems[f.path])
            elif watch is not None and watch.running:
                state = "✓ " + self.tr("正在监视")
            else:
                state = self.tr("未在监视")
            cells = [
                f.path,
                f.profile or self.tr("（未指定）"),
                ("✓ " + self.tr("是")) if f.polling else self.tr("否"),
                state,
            ]
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.table.setItem(i, col, item)
            if f.path == selected:
                self.table.selectRow(i)
        self.status.setText("\n".join(lines))
        self._selected()

    # ----------------------------------------------------------------- edit
    def selected_path(self) -> str | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows or rows[0].row() >= len(self.folders):
            return None
        return self.folders[rows[0].row()].path

    def _selected(self) -> None:
        path = self.selected_path()
        self.save_button.setEnabled(path is not None)
        self.remove_button.setEnabled(path is not None)
        if path is not None:
            f = next(f for f in self.folders if f.path == path)
            self.profile.setEditText(f.profile)
            self.polling.setChecked(f.polling)

    def choose_folder(self) -> None:
        folder = files.choose_folder(self, self.tr("选择手机同步录音的文件夹"))
        if folder:
            self.add_folder(folder)

    def add_folder(self, folder: str, profile: str | None = None, polling: bool | None = None) -> None:
        self._write(
            ops.add_watched_folder,
            folder,
            self.profile.currentText() if profile is None else profile,
            self.polling.isChecked() if polling is None else polling,
        )

    def save_selected(self) -> None:
        path = self.selected_path()
        if path is not None:
            self.add_folder(path)

    def remove_selected(self) -> None:
        path = self.selected_path()
        if path is not None:
            self.table.clearSelection()
            self._write(ops.remove_watched_folder, path)

    def _write(self, fn: Any, *args: Any) -> None:
        self.services.write(
            fn,
            self.services.data_dir,
            *args,
            area=DataArea.HISTORY,  # a new person may have been added with the folder
            on_result=self._saved,
            on_error=self._failed,
            name="watched-folders-save",
        )

    def _saved(self, folders: list[ops.WatchedFolder]) -> None:
        self.folders = folders
        watch = self._watch()
        if watch is not None:
            watch.restart()
        self.reload()

    def _failed(self, exc: BaseException) -> None:
        self.status.setText("✗ " + friendly_message(exc).splitlines()[0])

    def retranslate(self) -> None:
        self.setTitle(self.tr("手机录音文件夹"))
        self.hint.setText(
            self.tr(
                "让手机把通话录音同步到电脑上的文件夹（Syncthing、U 盘复制或手机厂商的电脑助手），"
                "来电护盾会自动检查每个新录音；发现诈骗话术时照常提醒，开启了邮件提醒的也会发邮件给家人。"
            )
        )
        self.table.setHorizontalHeaderLabels([self.tr("文件夹"), self.tr("家人"), self.tr("网络盘"), self.tr("状态")])
        self.table.setAccessibleName(self.tr("监视的录音文件夹"))
        self.profile_label.setText(self.tr("属于哪位家人"))
        self.profile.setAccessibleName(self.buddy_text(self.profile))
        self.polling.setText(self.tr("这是网络盘（定时检查，不依赖文件变化通知）"))
        self.add_button.setText(self.tr("添加文件夹…"))
        self.save_button.setText(self.tr("保存修改"))
        self.remove_button.setText(self.tr("移除"))
        self._show_rows()
