"""Settings section: where incoming calls come from (typed by hand, a caller-ID modem, an NCID server or a SIP line).

The SIP line's 测试 button runs ``app.operations.calls.check_sip_line`` on a worker and shows the status it returns
(registered, wrong password, server silent, baresip missing…). The SIP password is kept like the SMTP password: in
the settings file in the user's own data dir (readable by the user only).
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.calls.sources.modem import ModemLinesError, name_modem_lines
from app.calls.sources.sip import SipConfig, SipConfigError, account_line
from app.services import AppServices
from app.settings import CallSourceSettings, ModemLine, Settings
from app.ui import style
from app.ui.settings.base import SettingsSection, set_combo

if TYPE_CHECKING:
    from app.calls.events import SourceStatus


def split_account(account: str) -> tuple[str, str]:
    """``sip:8001@sip.example.com`` → (server, user): the two fields the settings show."""
    text = account.strip().strip("<>").split(";", 1)[0]
    for prefix in ("sip:", "sips:"):
        if text.lower().startswith(prefix):
            text = text[len(prefix) :]
    user, _, server = text.rpartition("@")
    return server, user


def join_account(server: str, user: str) -> str:
    server, user = server.strip(), user.strip()
    return f"sip:{user}@{server}" if user else f"sip:{server}"


class CallSourceSection(SettingsSection):
    def __init__(self, services: AppServices, parent: QWidget | None = None) -> None:
        super().__init__(services, parent)
        form = self.form
        self.source_kind = QComboBox(self)
        for kind in ("manual", "modem", "ncid", "sip"):
            self.source_kind.addItem("", kind)
        self.source_kind.currentIndexChanged.connect(self._source_kind_changed)
        self.source_kind_label = QLabel(self)
        self.source_kind_label.setBuddy(self.source_kind)
        self.modem_port = QComboBox(self)
        self.modem_port.setEditable(True)
        self.modem_port_label = QLabel(self)
        self.modem_port_label.setBuddy(self.modem_port)
        # a hotline's several landlines, one modem each (listen-calls --modem PORT=LINE did it alone: a trial)
        self.modem_line = QLineEdit(self)
        self.modem_line_label = QLabel(self)
        self.modem_line_label.setBuddy(self.modem_line)
        self.more_modems_box = QWidget(self)
        self.more_modems = QTableWidget(0, 2, self.more_modems_box)
        self.more_modems.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.more_modems.verticalHeader().setVisible(False)
        self.more_modems.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.more_modems.setMaximumHeight(140)
        self.add_modem = QPushButton(self.more_modems_box)
        self.add_modem.clicked.connect(lambda: self._add_modem_row())
        self.remove_modem = QPushButton(self.more_modems_box)
        self.remove_modem.clicked.connect(self._remove_modem_row)
        box = QVBoxLayout(self.more_modems_box)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.more_modems)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_modem)
        buttons.addWidget(self.remove_modem)
        buttons.addStretch(1)
        box.addLayout(buttons)
        self.more_modems_label = QLabel(self)
        self.more_modems_label.setBuddy(self.more_modems)
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
        self._build_sip()
        self.auto_hangup = QCheckBox(self)
        self.source_save = QPushButton(self)
        self.source_save.setObjectName("primary")
        self.source_save.clicked.connect(self.save_source)
        self.source_status = QLabel(self)
        self.source_status.setWordWrap(True)
        form.addRow(self.source_kind_label, self.source_kind)
        form.addRow(self.modem_port_label, self.modem_port)
        form.addRow(self.modem_line_label, self.modem_line)
        form.addRow(self.more_modems_label, self.more_modems_box)
        form.addRow(self.modem_country_label, self.modem_country)
        form.addRow(self.ncid_host_label, self.ncid_host)
        form.addRow(self.ncid_port_label, self.ncid_port)
        form.addRow("", self.ncid_push_blocks)
        self._add_sip_rows(form)
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
        self.modem_line.setText(src.modem_line)
        self.more_modems.setRowCount(0)
        for m in src.more_modems:
            self._add_modem_row(m.port, m.line)
        self.ncid_host.setText(src.ncid_host)
        self.ncid_port.setValue(src.ncid_port)
        if self.modem_country.findData(src.modem_country) < 0:  # another country's code, set by hand
            self.modem_country.addItem(f"AT+GCI={src.modem_country}", src.modem_country)
        set_combo(self.modem_country, src.modem_country)
        self.ncid_push_blocks.setChecked(src.ncid_push_blocks)
        self.auto_hangup.setChecked(settings.auto_hangup)
        self._load_sip(src.sip)

    def _loaded(self) -> None:
        self._source_kind_changed()

    def _source_kind_changed(self) -> None:
        kind = str(self.source_kind.currentData())
        form = self._source_form
        for widget, shown in (
            (self.modem_port, kind == "modem"),
            (self.modem_line, kind == "modem"),
            (self.more_modems_box, kind == "modem"),
            (self.modem_country, kind == "modem"),
            (self.ncid_host, kind == "ncid"),
            (self.ncid_port, kind == "ncid"),
            (self.ncid_push_blocks, kind == "ncid"),
            # A modem picks up and hangs up, a SIP line refuses the call; an NCID server is asked to block instead.
            (self.auto_hangup, kind in ("modem", "sip")),
            *((widget, kind == "sip") for widget in self.sip_rows),
        ):
            form.setRowVisible(widget, shown)
        self._auto_hangup_text()
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

    def _add_modem_row(self, port: str = "", line: str = "") -> None:
        row = self.more_modems.rowCount()
        self.more_modems.insertRow(row)
        port_item = QTableWidgetItem(port)
        self.more_modems.setItem(row, 0, port_item)
        self.more_modems.setItem(row, 1, QTableWidgetItem(line))
        if not port:  # 添加: straight into typing its port
            self.more_modems.setCurrentCell(row, 0)
            self.more_modems.editItem(port_item)

    def _remove_modem_row(self) -> None:
        """删除所选: the selected rows (none selected: nothing, not the last row; a review)."""
        for row in sorted({i.row() for i in self.more_modems.selectedIndexes()}, reverse=True):
            self.more_modems.removeRow(row)

    def more_modems_from_form(self) -> tuple[ModemLine, ...]:
        """The table's modems; an empty row is left out. A cell still being typed in counts (on macOS a click on
        保存 does not take the focus, so its editor had not handed the text over)."""
        editor = QApplication.focusWidget()
        if editor is not None and self.more_modems.isAncestorOf(editor):
            self.more_modems.commitData(editor)
        out = []
        for row in range(self.more_modems.rowCount()):
            cells = [self.more_modems.item(row, c) for c in (0, 1)]
            port, line = (c.text().strip() if c is not None else "" for c in cells)
            if port or line:
                out.append(ModemLine(port, line))
        return tuple(out)

    def save_source(self) -> None:
        kind = str(self.source_kind.currentData())
        port_text = self.modem_port.currentText().strip()
        if port_text == self.tr("自动查找"):
            port_text = ""
        more = self.more_modems_from_form()
        source = CallSourceSettings(
            kind=kind,  # type: ignore[arg-type]
            modem_port=port_text,
            modem_line=self.modem_line.text().strip(),
            more_modems=more,
            modem_baud=self.services.settings.value.call_source.modem_baud,
            ncid_host=self.ncid_host.text().strip() or "127.0.0.1",
            ncid_port=int(self.ncid_port.value()),
            modem_country=str(self.modem_country.currentData()),
            ncid_push_blocks=self.ncid_push_blocks.isChecked(),
            sip=self.sip_from_form(),
        )
        if kind == "modem":  # the rules listen-calls --modem follows (one auto only, no port or line twice)
            if any(not m.port for m in more):  # a line named without its port was dropped without a word (a review)
                self.source_status.setText("⚠ " + self.tr("其他座机线路里有一行没填串口（如 COM4）"))
                return
            try:
                name_modem_lines(source.modems)
            except ModemLinesError as exc:
                self.source_status.setText("⚠ " + exc.message.render(style.current_language()))
                return
        if kind == "sip":
            problem = self._validate_sip(source.sip)
            if problem:
                self._sip_result(problem, False)
                return
        self.services.settings.update(call_source=source, auto_hangup=self.auto_hangup.isChecked())
        self.source_status.setText(self.tr("来电来源已保存"))

    def retranslate(self) -> None:
        self.setTitle(self.tr("来电从哪里来"))
        self.source_kind_label.setText(self.tr("来电来源"))
        self.source_kind.setItemText(0, self.tr("手动输入（不接设备）"))
        self.source_kind.setItemText(1, self.tr("来电显示调制解调器（座机）"))
        self.source_kind.setItemText(2, self.tr("NCID 来电显示服务器"))
        self.modem_port_label.setText(self.tr("串口"))
        self.modem_line_label.setText(self.tr("线路名称"))
        self.modem_line.setPlaceholderText(self.tr("可不填，如 前台；有几台调制解调器时用来区分线路"))
        self.more_modems_label.setText(self.tr("其他座机线路"))
        self.more_modems.setHorizontalHeaderLabels([self.tr("串口"), self.tr("线路名称")])
        self.more_modems.setAccessibleName(self.tr("其他座机线路：每条线一台调制解调器"))
        self.more_modems.setToolTip(
            self.tr("每条座机线路接一台来电显示调制解调器；写出它的串口（如 COM4）和线路名称（如 二线）。")
        )
        self.add_modem.setText(self.tr("添加一台调制解调器"))
        self.remove_modem.setText(self.tr("删除所选"))
        self.ncid_host_label.setText(self.tr("服务器地址"))
        self.ncid_port_label.setText(self.tr("端口"))
        self.modem_country_label.setText(self.tr("来电显示制式"))
        self.modem_country.setItemText(0, self.tr("中国（AT+GCI=26，推荐）"))
        self.modem_country.setItemText(1, self.tr("不设置（沿用调制解调器自己的设置）"))
        self.modem_country.setToolTip(self.tr("调制解调器按所选国家的标准解读来电显示；设错了可能收不到号码。"))
        self.ncid_push_blocks.setText(self.tr("把拦截的号码加入 NCID 服务器的黑名单（由服务器挂断）"))
        self.source_save.setText(self.tr("保存来电来源"))
        self.source_kind.setItemText(3, self.tr("SIP 网络电话线路（通过 baresip）"))
        self._retranslate_sip()
        for widget in (self.source_kind, self.modem_country, self.sip_transport):
            widget.setAccessibleName(self.buddy_text(widget))

    # ------------------------------------------------------------------- SIP line
    def _build_sip(self) -> None:
        self.sip_server = QLineEdit(self)
        self.sip_user = QLineEdit(self)
        self.sip_password = QLineEdit(self)
        self.sip_password.setEchoMode(QLineEdit.EchoMode.Password)
        self.sip_transport = QComboBox(self)
        for transport in ("udp", "tcp", "tls"):
            self.sip_transport.addItem(transport.upper(), transport)
        self.sip_register = QCheckBox(self)
        self.sip_listen = QLineEdit(self)
        self.sip_auto_answer = QCheckBox(self)
        self.sip_home_e164 = QCheckBox(self)
        self.sip_test = QPushButton(self)
        self.sip_test.clicked.connect(self.test_sip_line)
        self.sip_status = QLabel(self)
        self.sip_status.setWordWrap(True)
        self.sip_status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.sip_labels: dict[QWidget, QLabel] = {
            w: QLabel(self) for w in (self.sip_server, self.sip_user, self.sip_password)
        }
        self.sip_labels[self.sip_transport] = QLabel(self)
        self.sip_labels[self.sip_listen] = QLabel(self)
        for field, label in self.sip_labels.items():
            label.setBuddy(field)

    def _add_sip_rows(self, form: QFormLayout) -> None:
        for field in (self.sip_server, self.sip_user, self.sip_password, self.sip_transport):
            form.addRow(self.sip_labels[field], field)
        form.addRow("", self.sip_register)
        form.addRow(self.sip_labels[self.sip_listen], self.sip_listen)
        form.addRow("", self.sip_auto_answer)
        form.addRow("", self.sip_home_e164)
        self.sip_test_row = QWidget(self)
        row = QHBoxLayout(self.sip_test_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.sip_test)
        row.addWidget(self.sip_status, 1)
        form.addRow("", self.sip_test_row)

    @property
    def sip_rows(self) -> tuple[QWidget, ...]:
        return (
            self.sip_server,
            self.sip_user,
            self.sip_password,
            self.sip_transport,
            self.sip_register,
            self.sip_listen,
            self.sip_auto_answer,
            self.sip_home_e164,
            self.sip_test_row,
        )

    def _load_sip(self, sip: SipConfig) -> None:
        server, user = split_account(sip.account)
        self.sip_server.setText(server)
        self.sip_user.setText(user)
        self.sip_password.setText(sip.password)
        set_combo(self.sip_transport, sip.transport)
        self.sip_register.setChecked(sip.register)
        self.sip_listen.setText(sip.listen)
        self.sip_auto_answer.setChecked(sip.auto_answer)
        self.sip_home_e164.setChecked(sip.home_e164)

    def sip_from_form(self) -> SipConfig:
        """The SIP line as typed (the fields this page does not show keep their saved values)."""
        saved = self.services.settings.value.call_source.sip
        account = join_account(self.sip_server.text(), self.sip_user.text()) if self.sip_server.text().strip() else ""
        return dataclasses.replace(
            saved,
            account=account,
            password=self.sip_password.text(),
            transport=str(self.sip_transport.currentData()),
            register=self.sip_register.isChecked(),
            listen=self.sip_listen.text().strip() or SipConfig.listen,
            auto_answer=self.sip_auto_answer.isChecked(),
            home_e164=self.sip_home_e164.isChecked(),
        )

    def _validate_sip(self, sip: SipConfig) -> str:
        if not self.sip_server.text().strip():
            return self.tr("请填写 SIP 服务器地址（例如 sip.example.com）")
        if sip.register and not self.sip_user.text().strip():
            return self.tr("请填写 SIP 用户名（通常是分机号）")
        try:
            account_line(sip)
        except SipConfigError:
            return self.tr("SIP 设置里有不能用的字符（换行、分号、空格或尖括号），请修改")
        host, _, port = sip.listen.rpartition(":")
        if not host or not port.isdigit() or not 0 < int(port) < 65536:
            return self.tr("本机 SIP 端口应写成“地址:端口”，例如 0.0.0.0:5060")
        return ""

    def _sip_result(self, text: str, ok: bool) -> None:
        colour = "#1a7f37" if ok else "#cf222e"
        self.sip_status.setStyleSheet(f"color: {colour}")
        self.sip_status.setText(("✔ " if ok else "✖ ") + text)  # a sign and words, never colour alone

    def test_sip_line(self) -> None:
        """测试: register (or start) the line as typed on a worker and show what came of it."""
        from app.calls.events import Severity, SourceState
        from app.operations.calls import check_sip_line

        sip = self.sip_from_form()
        problem = self._validate_sip(sip)
        if problem:
            self._sip_result(problem, False)
            return
        self.sip_test.setEnabled(False)
        self.sip_status.setStyleSheet("")
        self.sip_status.setText(self.tr("正在测试 SIP 线路…"))
        calls = getattr(self.services, "calls", None)
        running = calls.running_source("sip") if calls is not None else None  # it holds the SIP port

        def finish() -> None:
            self.sip_test.setEnabled(True)

        def done(status: SourceStatus) -> None:
            finish()
            ok = status.state is SourceState.CONNECTED and status.severity is Severity.INFO
            self._sip_result(status.message.render(style.current_language()), ok)

        def failed(exc: BaseException) -> None:
            finish()
            from app.ui.widgets import friendly_message

            self._sip_result(self.tr("测试没有完成：") + friendly_message(exc), False)

        self.services.jobs.run(check_sip_line, sip, running, on_result=done, on_error=failed, name="check-sip-line")

    def _auto_hangup_text(self) -> None:
        if str(self.source_kind.currentData()) == "sip":
            self.auto_hangup.setText(self.tr("拦截的号码自动拒接（我方不振铃）"))
        else:
            self.auto_hangup.setText(self.tr("高风险来电自动挂断"))

    def _retranslate_sip(self) -> None:
        texts: dict[QWidget, str] = {
            self.sip_server: self.tr("SIP 服务器"),
            self.sip_user: self.tr("用户名（分机号）"),
            self.sip_password: self.tr("密码"),
            self.sip_transport: self.tr("传输方式"),
            self.sip_listen: self.tr("本机 SIP 端口"),
        }
        for field, text in texts.items():
            self.sip_labels[field].setText(text)
        self.sip_server.setPlaceholderText(self.tr("例如 sip.example.com 或 192.168.1.10:5060"))
        self.sip_password.setToolTip(self.tr("密码只保存在本机的数据文件夹里"))
        self.sip_register.setText(self.tr("向服务器注册（不勾选：对方直接呼叫本机）"))
        self.sip_auto_answer.setText(self.tr("放行的来电自动接听，并转写双方的话（无人值守）"))
        self.sip_home_e164.setText(self.tr("线路把国内来电写成 +86 开头：按在国内拨打的号码判断"))
        self.sip_home_e164.setToolTip(
            self.tr(
                "有的运营商线路把每个来电都写成 +86 开头（如 +86 95588）。不勾选时，+86 开头的来电按“从境外打来”判断，"
                "+86 95588 会被当成冒充的官方号码拦截。只有确认线路这样写号码时才勾选。"
            )
        )
        self.sip_test.setText(self.tr("测试"))
        self.sip_test.setToolTip(self.tr("用上面的设置连接一次 SIP 服务器，看能否注册"))
        self._auto_hangup_text()
