"""Settings, under the PC-wide pair of devices: 各线路的设备 / Devices per line.

A small call centre answers several lines on one PC, each with its own headset or softphone. Each line can have its
own "对方（电话那头）" and "我方（麦克风）" device (``app.settings.LineDevices``); a line that is not listed uses the PC-wide
pair above it (``app.settings.devices_for_line`` decides, for the live service too). A table lists the lines; the
editor under it adds, changes or removes one, with level meters on both devices of the line being edited. The device
lists are the audio section's own (the same choices as the PC-wide pair); the meters run in the speech service's
workers (``app.audio.service``).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from app.display import device_name
from app.services import AppServices
from app.settings import (
    LineAlreadyListed,
    LineDevices,
    Settings,
    find_line_devices,
    line_key,
    put_line_devices,
    remove_line_devices,
)
from app.ui.settings.base import set_combo
from app.ui.widgets import friendly_message
from speech.channels import Side

COL_LINE, COL_CALLER, COL_US = range(3)
MAX_LINE_NAME = 40

DeviceItems = list[tuple[str, str]]  # (what the chooser shows, what the settings store)


class LineDevicesBox(QGroupBox):
    """The per-line device table and its editor (part of the audio section)."""

    def __init__(self, services: AppServices, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.entries: tuple[LineDevices, ...] = ()
        self._loading = False
        self._metering: set[str] = set()  # side codes whose meter runs
        self.hint = QLabel(self)
        self.hint.setObjectName("hint")
        self.hint.setWordWrap(True)
        self.table = QTableWidget(0, 3, self)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)  # large text
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(COL_LINE, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COL_CALLER, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(COL_US, QHeaderView.ResizeMode.Stretch)
        self.table.setMinimumHeight(110)
        self.table.itemSelectionChanged.connect(self._selected)

        self.line_name = QLineEdit(self)
        self.line_name.setMaxLength(MAX_LINE_NAME)
        self.line_name_label = QLabel(self)
        self.line_name_label.setBuddy(self.line_name)
        self.caller_device = QComboBox(self)
        self.caller_device.addItem("", "")
        self.caller_device.currentIndexChanged.connect(lambda _i: self._device_changed(Side.CALLER))
        self.caller_device_label = QLabel(self)
        self.caller_device_label.setBuddy(self.caller_device)
        self.caller_meter, self.caller_meter_label = self._meter()
        self.us_device = QComboBox(self)
        self.us_device.addItem("", "")
        self.us_device.currentIndexChanged.connect(lambda _i: self._device_changed(Side.US))
        self.us_device_label = QLabel(self)
        self.us_device_label.setBuddy(self.us_device)
        self.us_meter, self.us_meter_label = self._meter()
        self.meter_button = QPushButton(self)
        self.meter_button.setCheckable(True)
        self.meter_button.toggled.connect(self._toggle_meters)
        self.add_button = QPushButton(self)
        self.add_button.clicked.connect(self.add_line)
        self.save_button = QPushButton(self)
        self.save_button.clicked.connect(self.save_selected)
        self.remove_button = QPushButton(self)
        self.remove_button.clicked.connect(self.remove_selected)
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        form = QFormLayout(self)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)  # large text: labels above their fields
        form.addRow(self.hint)
        form.addRow(self.table)
        form.addRow(self.line_name_label, self.line_name)
        form.addRow(self.caller_device_label, self.caller_device)
        form.addRow(self.caller_meter_label, self.caller_meter)
        form.addRow(self.us_device_label, self.us_device)
        form.addRow(self.us_meter_label, self.us_meter)
        meter_row = QHBoxLayout()
        meter_row.addWidget(self.meter_button)
        meter_row.addStretch(1)
        form.addRow("", meter_row)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        form.addRow(buttons)
        form.addRow(self.status)
        services.speech.lineLevelChanged.connect(self._on_level)
        services.speech.lineMeterStopped.connect(self._on_meter_stopped)
        self._selected()

    def _meter(self) -> tuple[QProgressBar, QLabel]:
        bar = QProgressBar(self)
        bar.setRange(0, 100)
        bar.setTextVisible(True)  # the level in dB as text, never the bar's colour alone
        bar.setFormat("")
        label = QLabel(self)
        label.setBuddy(bar)
        return bar, label

    # --------------------------------------------------------------- devices
    def set_us_choices(self, items: DeviceItems) -> None:
        """The 我方 devices (the audio section's list: PortAudio inputs), after the "system default" entry."""
        self._fill(self.us_device, items)

    def set_caller_choices(self, items: DeviceItems) -> None:
        """The 对方 devices (the audio section's list: playback loopbacks first), after the "not used" entry."""
        self._fill(self.caller_device, items)

    def _fill(self, combo: QComboBox, items: DeviceItems) -> None:
        current = str(combo.currentData() or "")
        first = combo.itemText(0)
        self._loading = True
        try:
            combo.clear()
            combo.addItem(first, "")
            for text, data in items:
                combo.addItem(text, data)
            self._offer_saved(combo)
            self._ensure(combo, current)
            set_combo(combo, current)
        finally:
            self._loading = False
        self._show_rows()

    def _offer_saved(self, combo: QComboBox) -> None:
        """A device a saved line uses stays choosable (and named) even when it is not plugged in now."""
        for entry in self.entries:
            self._ensure(combo, entry.caller_device if combo is self.caller_device else entry.us_device or "")

    @staticmethod
    def _ensure(combo: QComboBox, key: str) -> None:
        if key and combo.findData(key) < 0:
            combo.addItem(device_name(key), key)

    def _device_text(self, combo: QComboBox, key: str) -> str:
        index = combo.findData(key or "")
        return combo.itemText(index) if index >= 0 else key

    # ------------------------------------------------------------------ load
    def load(self, settings: Settings) -> None:
        """Show the saved table (keeping the selected line selected, and the editor showing that line as saved)."""
        selected = self.selected_line()
        self.entries = settings.line_devices
        self._loading = True
        try:
            for combo in (self.caller_device, self.us_device):
                self._offer_saved(combo)
        finally:
            self._loading = False
        self._show_rows(selected, show_in_editor=True)

    def _show_rows(self, select: str | None = None, show_in_editor: bool = False) -> None:
        """Fill the table (its selection signals held back while it is rebuilt) and select ``select`` (None: the
        line selected now). ``show_in_editor``: the editor then shows the selected row (after a load the saved values
        may differ from what it showed); otherwise it keeps what the user is typing (a device rescan, a language
        switch)."""
        select = self.selected_line() if select is None else select
        self.table.blockSignals(True)
        try:
            self.table.clearSelection()
            self.table.setRowCount(len(self.entries))
            for row, entry in enumerate(self.entries):
                cells = (
                    entry.line,
                    self._device_text(self.caller_device, entry.caller_device),
                    self._device_text(self.us_device, entry.us_device or ""),
                )
                for col, text in enumerate(cells):
                    item = QTableWidgetItem(text)
                    item.setToolTip(text)
                    self.table.setItem(row, col, item)
                if select is not None and line_key(entry.line) == line_key(select):
                    self.table.selectRow(row)
        finally:
            self.table.blockSignals(False)
        if show_in_editor:
            self._selected()
        else:
            self._update_buttons()

    # ------------------------------------------------------------------ edit
    def selected_line(self) -> str | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows or rows[0].row() >= len(self.entries):
            return None
        return self.entries[rows[0].row()].line

    def select_line(self, line: str) -> None:
        for row, entry in enumerate(self.entries):
            if line_key(entry.line) == line_key(line):
                self.table.selectRow(row)
                return

    def _selected(self) -> None:
        """A row was picked: the editor shows that line (its meters, when on, follow its devices)."""
        line = self.selected_line()
        entry = find_line_devices(self.entries, line) if line is not None else None
        if entry is not None:
            self.line_name.setText(entry.line)
            for combo, key in ((self.caller_device, entry.caller_device), (self.us_device, entry.us_device or "")):
                self._ensure(combo, key)
                set_combo(combo, key)  # a change restarts that side's meter (_device_changed)
        self._update_buttons()

    def _update_buttons(self) -> None:
        chosen = self.selected_line() is not None
        self.save_button.setEnabled(chosen)
        self.remove_button.setEnabled(chosen)

    def _edited(self) -> LineDevices | None:
        """The editor's line, or None (and a plain reason in the status line) when it has no name."""
        name = self.line_name.text().strip()
        if not name:
            self._say(self.tr("请填写线路名称，和来电卡片上显示的一样（如 1、line2；NCID 没有线路名时是 -）。"))
            self.line_name.setFocus()
            return None
        return LineDevices(
            name, str(self.caller_device.currentData() or ""), str(self.us_device.currentData() or "") or None
        )

    def add_line(self) -> None:
        """添加线路: the editor's line becomes a new row (a line already listed is changed with 保存修改 instead)."""
        entry = self._edited()
        if entry is None:
            return
        table = self._put(entry, adding=True)
        if table is None:
            return
        self._save(table, entry.line)
        self._say(self.tr("已添加线路 %1。").replace("%1", entry.line), ok=True)

    def save_selected(self) -> None:
        """保存修改: the selected row takes the editor's name and devices (a rename must not repeat another line)."""
        selected = self.selected_line()
        entry = self._edited()
        if selected is None or entry is None:
            return
        table = self._put(entry, replacing=selected)
        if table is None:
            return
        self._save(table, entry.line)
        self._say(self.tr("已保存线路 %1。").replace("%1", entry.line), ok=True)

    def _put(
        self, entry: LineDevices, replacing: str | None = None, adding: bool = False
    ) -> tuple[LineDevices, ...] | None:
        """The table with ``entry`` put in (``app.settings.put_line_devices`` keeps the rules), or None after saying
        in plain words why not."""
        try:
            return put_line_devices(self.entries, entry, replacing, adding=adding)
        except LineAlreadyListed as exc:
            self._say(self.tr("线路 %1 已经在表里了：选中它，改好后点“保存修改”。").replace("%1", exc.line))
        except ValueError:  # no name (the editor asks for one before this)
            self._say(self.tr("请填写线路名称，和来电卡片上显示的一样（如 1、line2；NCID 没有线路名时是 -）。"))
        return None

    def remove_selected(self) -> None:
        """移除: the selected line uses the PC-wide devices again."""
        selected = self.selected_line()
        if selected is None:
            return
        self._save(remove_line_devices(self.entries, selected), None)
        self._say(self.tr("已移除线路 %1，它的来电改用上面的设备。").replace("%1", selected), ok=True)

    def _save(self, table: tuple[LineDevices, ...], select: str | None) -> None:
        self.services.settings.update(line_devices=table)  # saved at once; the page reloads this box (load)
        self.entries = self.services.settings.value.line_devices
        self._show_rows(select if select is not None else "")

    def _say(self, text: str, ok: bool = False) -> None:
        self.status.setText(("✓ " if ok else "✗ ") + text)  # a mark as well as the words, never colour alone

    # ---------------------------------------------------------------- meters
    def _device_changed(self, side: Side) -> None:
        if self._loading or not self.meter_button.isChecked():
            return
        self._start_meter(side)

    def _start_meter(self, side: Side) -> None:
        speech = self.services.speech
        combo, bar = (self.caller_device, self.caller_meter) if side is Side.CALLER else (self.us_device, self.us_meter)
        key = str(combo.currentData() or "")
        if side is Side.CALLER and not key:  # "not used": nothing to measure on the caller's side
            self._metering.discard(side.code)
            speech.stop_line_meter(side)
            self._reset(bar)
            return
        self._metering.add(side.code)
        speech.start_line_meter(side, key or None)

    def _toggle_meters(self, on: bool) -> None:
        if on:
            self._start_meter(Side.CALLER)
            self._start_meter(Side.US)
            self._say(self.tr("请让这条线路的软电话或耳机放出声音、对着它的麦克风说话，两个音量条应该跳动。"), ok=True)
        else:
            self._metering.clear()
            self.services.speech.stop_line_meters()
        self.meter_button.setText(self.tr("停止") if on else self.tr("检测这条线路的设备"))

    def _on_level(self, side: str, bar: float, dbfs: float) -> None:
        meter = self.caller_meter if side == Side.CALLER.code else self.us_meter
        meter.setValue(int(bar * 100))
        meter.setFormat(f"{dbfs:.0f} dB")

    def _on_meter_stopped(self, side: str, exc: Any) -> None:
        caller = side == Side.CALLER.code
        self._reset(self.caller_meter if caller else self.us_meter)
        if exc is None:
            return
        self._metering.discard(side)
        which = self.tr("对方") if caller else self.tr("我方")
        self._say(self.tr("无法打开这条线路“%1”的设备：").replace("%1", which) + friendly_message(exc))
        if not self._metering and self.meter_button.isChecked():
            self.meter_button.blockSignals(True)
            self.meter_button.setChecked(False)
            self.meter_button.blockSignals(False)
            self.meter_button.setText(self.tr("检测这条线路的设备"))

    @staticmethod
    def _reset(bar: QProgressBar) -> None:
        bar.setValue(0)
        bar.setFormat("")

    # ------------------------------------------------------------ language
    def retranslate(self) -> None:
        self.setTitle(self.tr("各线路的设备"))
        self.hint.setText(
            self.tr(
                "一台电脑接几条线路时（如小型呼叫中心），每条线路可以用自己的“对方”和“我方”设备。"
                "线路名称要和来电卡片上显示的一样；表里没有的线路用上面的设备。"
                "这张表只管调制解调器和 NCID 线路：SIP 线路的通话直接从 baresip 自己的录音里听。"
            )
        )
        self.table.setHorizontalHeaderLabels([self.tr("线路"), self.tr("对方（电话那头）"), self.tr("我方（麦克风）")])
        self.table.setAccessibleName(self.tr("各线路的设备"))
        self.line_name_label.setText(self.tr("线路名称"))
        self.line_name.setPlaceholderText(self.tr("如 1、line2、-"))
        self.line_name.setAccessibleName(self.tr("线路名称"))
        self.caller_device_label.setText(self.tr("对方（电话那头）"))
        self.caller_device.setItemText(0, self.tr("不用（我方设备听整通电话）"))
        self.caller_device.setAccessibleName(self.tr("这条线路对方的声音设备"))
        self.us_device_label.setText(self.tr("我方（麦克风）"))
        self.us_device.setItemText(0, self.tr("系统默认设备"))
        self.us_device.setAccessibleName(self.tr("这条线路我方的麦克风"))
        self.caller_meter_label.setText(self.tr("对方音量"))
        self.caller_meter.setAccessibleName(self.tr("这条线路的对方音量"))
        self.us_meter_label.setText(self.tr("我方音量"))
        self.us_meter.setAccessibleName(self.tr("这条线路的我方音量"))
        self.meter_button.setText(self.tr("停止") if self.meter_button.isChecked() else self.tr("检测这条线路的设备"))
        self.add_button.setText(self.tr("添加线路"))
        self.save_button.setText(self.tr("保存修改"))
        self.remove_button.setText(self.tr("移除"))
        self._show_rows()

    def shutdown(self) -> None:
        self._metering.clear()
        self.services.speech.stop_line_meters()
