"""Settings section: where incoming calls come from (typed by hand, a caller-ID modem, or an NCID server)."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QComboBox, QHBoxLayout, QLabel, QLineEdit, QPushButton, QSpinBox, QWidget

from app.services import AppServices
from app.settings import CallSourceSettings, Settings
from app.ui.settings.base import SettingsSection, set_combo


class CallSourceSection(SettingsSection):
    def __init__(self, services: AppServices, parent: QWidget | None = None) -> None:
        super().__init__(services, parent)
        form = self.form
        self.source_kind = QComboBox(self)
        for kind in ("manual", "modem", "ncid"):
            self.source_kind.addItem("", kind)
        self.source_kind.currentIndexChanged.connect(self._source_kind_changed)
        self.source_kind_label = QLabel(self)
        self.source_kind_label.setBuddy(self.source_kind)
        self.modem_port = QComboBox(self)
        self.modem_port.setEditable(True)
        self.modem_port_label = QLabel(self)
        self.modem_port_label.setBuddy(self.modem_port)
        self.ncid_host = QLineEdit(self)
        self.ncid_port = QSpinBox(self)
        self.ncid_port.setRange(1, 65535)
        self.ncid_host_label = QLabel(self)
        self.ncid_host_label.setBuddy(self.ncid_host)
        self.ncid_port_label = QLabel(self)
        self.ncid_port_label.setBuddy(self.ncid_port)
        # AT+GCI: a modem set to another country's caller-ID standard misses or garbles Chinese caller ID
        self.modem_country = QComboBox(self)
        self.modem_country.addItem("", "26")
        self.modem_country.addItem("", "")
        self.modem_country_label = QLabel(self)
        self.modem_country_label.setBuddy(self.modem_country)
        self.ncid_push_blocks = QCheckBox(self)
        self.auto_hangup = QCheckBox(self)
        self.source_save = QPushButton(self)
        self.source_save.setObjectName("primary")
        self.source_save.clicked.connect(self.save_source)
        self.source_status = QLabel(self)
        self.source_status.setWordWrap(True)
        form.addRow(self.source_kind_label, self.source_kind)
        form.addRow(self.modem_port_label, self.modem_port)
        form.addRow(self.modem_country_label, self.modem_country)
        form.addRow(self.ncid_host_label, self.ncid_host)
        form.addRow(self.ncid_port_label, self.ncid_port)
        form.addRow("", self.ncid_push_blocks)
        form.addRow("", self.auto_hangup)
        row = QHBoxLayout()
        row.addWidget(self.source_save)
        row.addStretch(1)
        form.addRow("", row)
        form.addRow(self.source_status)
        self._source_form = form

    def _load(self, settings: Settings) -> None:
        src = settings.call_source
        set_combo(self.source_kind, src.kind)
        self.modem_port.setEditText(src.modem_port)
        self.ncid_host.setText(src.ncid_host)
        self.ncid_port.setValue(src.ncid_port)
        if self.modem_country.findData(src.modem_country) < 0:  # another country's code, set by hand
            self.modem_country.addItem(f"AT+GCI={src.modem_country}", src.modem_country)
        set_combo(self.modem_country, src.modem_country)
        self.ncid_push_blocks.setChecked(src.ncid_push_blocks)
        self.auto_hangup.setChecked(settings.auto_hangup)

    def _loaded(self) -> None:
        self._source_kind_changed()

    def _source_kind_changed(self) -> None:
        kind = str(self.source_kind.currentData())
        form = self._source_form
        for widget, shown in (
            (self.modem_port, kind == "modem"),
            (self.modem_country, kind == "modem"),
            (self.ncid_host, kind == "ncid"),
            (self.ncid_port, kind == "ncid"),
            (self.ncid_push_blocks, kind == "ncid"),
            # Only a modem can pick up and hang up; an NCID server is asked to block instead (the box above).
            (self.auto_hangup, kind == "modem"),
        ):
            form.setRowVisible(widget, shown)
        if kind == "modem" and self.modem_port.count() == 0:
            self._load_ports()

    def _load_ports(self) -> None:
        def ports() -> list[str]:
            try:
                from serial.tools import list_ports
            except ImportError:
                return []
            return [p.device for p in list_ports.comports()]

        def show(found: list[str]) -> None:
            current = self.modem_port.currentText()
            self.modem_port.clear()
            self.modem_port.addItem(self.tr("自动查找"), "")
            for port in found:
                self.modem_port.addItem(port, port)
            self.modem_port.setEditText(current)

        self.services.jobs.run(ports, on_result=show, on_error=lambda _e: show([]), name="list-ports")

    def save_source(self) -> None:
        kind = str(self.source_kind.currentData())
        port_text = self.modem_port.currentText().strip()
        if port_text == self.tr("自动查找"):
            port_text = ""
        source = CallSourceSettings(
            kind=kind,  # type: ignore[arg-type]
            modem_port=port_text,
            modem_baud=self.services.settings.value.call_source.modem_baud,
            ncid_host=self.ncid_host.text().strip() or "127.0.0.1",
            ncid_port=int(self.ncid_port.value()),
            modem_country=str(self.modem_country.currentData()),
            ncid_push_blocks=self.ncid_push_blocks.isChecked(),
        )
        self.services.settings.update(call_source=source, auto_hangup=self.auto_hangup.isChecked())
        self.source_status.setText(self.tr("来电来源已保存"))

    def retranslate(self) -> None:
        self.setTitle(self.tr("来电从哪里来"))
        self.source_kind_label.setText(self.tr("来电来源"))
        self.source_kind.setItemText(0, self.tr("手动输入（不接设备）"))
        self.source_kind.setItemText(1, self.tr("来电显示调制解调器（座机）"))
        self.source_kind.setItemText(2, self.tr("NCID 来电显示服务器"))
        self.modem_port_label.setText(self.tr("串口"))
        self.ncid_host_label.setText(self.tr("服务器地址"))
        self.ncid_port_label.setText(self.tr("端口"))
        self.auto_hangup.setText(self.tr("高风险来电自动挂断"))
        self.modem_country_label.setText(self.tr("来电显示制式"))
        self.modem_country.setItemText(0, self.tr("中国（AT+GCI=26，推荐）"))
        self.modem_country.setItemText(1, self.tr("不设置（沿用调制解调器自己的设置）"))
        self.modem_country.setToolTip(self.tr("调制解调器按所选国家的标准解读来电显示；设错了可能收不到号码。"))
        self.ncid_push_blocks.setText(self.tr("把拦截的号码加入 NCID 服务器的黑名单（由服务器挂断）"))
        self.source_save.setText(self.tr("保存来电来源"))
        for widget in (self.source_kind, self.modem_country):
            widget.setAccessibleName(self.buddy_text(widget))
