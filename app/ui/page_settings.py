"""设置 Settings: language, large text, alerts, e-mail, call source, audio input and the speech model.

Simple switches apply at once; groups of fields (e-mail, call source) apply with their own 保存 button so a half-typed
server address is never used. Everything slow (devices, meter, test recording, model download/import, test e-mail)
runs through the services' workers.
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.services import AppServices
from app.settings import CallSourceSettings, Settings, SmtpSettings
from app.ui import style
from app.ui.widgets import friendly_message
from screening.types import Level

log = logging.getLogger(__name__)

TEST_RECORDING_S = 3.0


def _set_combo(combo: QComboBox, data: Any) -> None:
    index = combo.findData(data)
    if index >= 0:
        combo.setCurrentIndex(index)


class SettingsPage(QWidget):
    def __init__(self, services: AppServices, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self._loading = False
        self._test_job: Any = None
        self._model_job: Any = None
        self._devices_loaded = False

        self.title = QLabel(self)
        style.set_scaled_font(self.title, 1.5, bold=True)
        body = QWidget(self)
        self.body_layout = QVBoxLayout(body)
        self.body_layout.setSpacing(12)
        self._build_display()
        self._build_alerts()
        self._build_email()
        self._build_source()
        self._build_audio()
        self._build_model()
        self.body_layout.addStretch(1)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(body)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(scroll, 1)

        self.load_from(services.settings.value)
        services.settings.changed.connect(self._on_settings_changed)
        speech = services.speech
        if speech is not None:
            speech.levelChanged.connect(self._on_level)
            speech.meterStopped.connect(self._on_meter_stopped)
        self.retranslate()

    # ================================================================ build
    def _group(self) -> tuple[QGroupBox, QFormLayout]:
        box = QGroupBox(self)
        form = QFormLayout(box)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.body_layout.addWidget(box)
        return box, form

    def _build_display(self) -> None:
        self.display_box, form = self._group()
        self.language = QComboBox(self)
        self.language.addItem("", "auto")
        self.language.addItem("中文", "zh")
        self.language.addItem("English", "en")
        self.language.currentIndexChanged.connect(self._apply_simple)
        self.large_text = QCheckBox(self)
        self.large_text.toggled.connect(self._apply_simple)
        self.language_label = QLabel(self)
        self.language_label.setBuddy(self.language)
        self.rerun_wizard = QPushButton(self)
        self.rerun_wizard.clicked.connect(self.open_wizard)
        form.addRow(self.language_label, self.language)
        form.addRow("", self.large_text)
        row = QHBoxLayout()
        row.addWidget(self.rerun_wizard)
        row.addStretch(1)
        form.addRow("", row)

    def _build_alerts(self) -> None:
        self.alerts_box, form = self._group()
        self.sensitivity = QComboBox(self)
        for level in (Level.CAUTION, Level.WARN, Level.BLOCK):
            self.sensitivity.addItem("", level.name)
        self.sensitivity.currentIndexChanged.connect(self._apply_simple)
        self.sensitivity_label = QLabel(self)
        self.sensitivity_label.setBuddy(self.sensitivity)
        self.alert_sound = QCheckBox(self)
        self.alert_sound.toggled.connect(self._apply_simple)
        self.try_sound = QPushButton(self)
        self.try_sound.clicked.connect(self._try_sound)
        sound_row = QHBoxLayout()
        sound_row.addWidget(self.alert_sound)
        sound_row.addWidget(self.try_sound)
        sound_row.addStretch(1)
        self.bring_front = QCheckBox(self)
        self.bring_front.toggled.connect(self._apply_simple)
        self.tray = QCheckBox(self)
        self.tray.toggled.connect(self._apply_simple)
        form.addRow(self.sensitivity_label, self.sensitivity)
        form.addRow("", sound_row)
        form.addRow("", self.bring_front)
        form.addRow("", self.tray)

    def _build_email(self) -> None:
        self.email_box, form = self._group()
        self.email_hint = QLabel(self)
        self.email_hint.setObjectName("hint")
        self.email_hint.setWordWrap(True)
        self.smtp_enabled = QCheckBox(self)
        self.smtp_host = QLineEdit(self)
        self.smtp_port = QSpinBox(self)
        self.smtp_port.setRange(1, 65535)
        self.smtp_tls = QComboBox(self)
        for mode in ("starttls", "ssl", "none"):
            self.smtp_tls.addItem("", mode)
        self.smtp_tls.currentIndexChanged.connect(self._tls_changed)
        self.smtp_user = QLineEdit(self)
        self.smtp_password = QLineEdit(self)
        self.smtp_password.setEchoMode(QLineEdit.EchoMode.Password)
        self.smtp_sender = QLineEdit(self)
        self.smtp_recipients = QLineEdit(self)
        self.smtp_save = QPushButton(self)
        self.smtp_save.setObjectName("primary")
        self.smtp_save.clicked.connect(self.save_email)
        self.smtp_test = QPushButton(self)
        self.smtp_test.clicked.connect(self.send_test_email)
        self.smtp_status = QLabel(self)
        self.smtp_status.setWordWrap(True)
        self.smtp_status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        buttons = QHBoxLayout()
        buttons.addWidget(self.smtp_save)
        buttons.addWidget(self.smtp_test)
        buttons.addStretch(1)
        self.smtp_labels = [QLabel(self) for _ in range(7)]
        fields = [
            self.smtp_host,
            self.smtp_port,
            self.smtp_tls,
            self.smtp_user,
            self.smtp_password,
            self.smtp_sender,
            self.smtp_recipients,
        ]
        form.addRow(self.email_hint)
        form.addRow("", self.smtp_enabled)
        for label, field in zip(self.smtp_labels, fields, strict=True):
            label.setBuddy(field)
            form.addRow(label, field)
        form.addRow("", buttons)
        form.addRow(self.smtp_status)

    def _build_source(self) -> None:
        self.source_box, form = self._group()
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

    def _build_audio(self) -> None:
        self.audio_box, form = self._group()
        self.device = QComboBox(self)
        self.device.addItem("", "")
        self.device.currentIndexChanged.connect(self._device_changed)
        self.device_label = QLabel(self)
        self.device_label.setBuddy(self.device)
        self.refresh_devices = QPushButton(self)
        self.refresh_devices.clicked.connect(self.load_devices)
        dev_row = QHBoxLayout()
        dev_row.addWidget(self.device, 1)
        dev_row.addWidget(self.refresh_devices)
        self.meter = QProgressBar(self)
        self.meter.setRange(0, 100)
        self.meter.setTextVisible(True)
        self.meter_button = QPushButton(self)
        self.meter_button.setCheckable(True)
        self.meter_button.toggled.connect(self._toggle_meter)
        meter_row = QHBoxLayout()
        meter_row.addWidget(self.meter, 1)
        meter_row.addWidget(self.meter_button)
        self.meter_label = QLabel(self)
        self.meter_label.setBuddy(self.meter)
        self.test_button = QPushButton(self)
        self.test_button.clicked.connect(self.start_test_recording)
        self.audio_status = QLabel(self)
        self.audio_status.setWordWrap(True)
        self.audio_status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form.addRow(self.device_label, dev_row)
        form.addRow(self.meter_label, meter_row)
        test_row = QHBoxLayout()
        test_row.addWidget(self.test_button)
        test_row.addStretch(1)
        form.addRow("", test_row)
        form.addRow(self.audio_status)

    def _build_model(self) -> None:
        self.model_box, form = self._group()
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
        self.model_progress = QProgressBar(self)
        self.model_progress.setRange(0, 100)
        self.model_progress.hide()
        buttons = QHBoxLayout()
        for b in (self.model_download, self.model_import_zip, self.model_import_dir, self.model_cancel):
            buttons.addWidget(b)
        buttons.addStretch(1)
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

    # ============================================================ settings
    def load_from(self, settings: Settings) -> None:
        self._loading = True
        try:
            _set_combo(self.language, settings.language)
            self.large_text.setChecked(settings.large_text)
            _set_combo(self.sensitivity, Level.parse(settings.alert_sensitivity).name)
            self.alert_sound.setChecked(settings.alert_sound)
            self.bring_front.setChecked(settings.bring_to_front)
            self.tray.setChecked(settings.tray_notifications)
            smtp = settings.smtp
            self.smtp_enabled.setChecked(smtp.enabled)
            self.smtp_host.setText(smtp.host)
            self.smtp_port.setValue(smtp.port)
            _set_combo(self.smtp_tls, smtp.tls)
            self.smtp_user.setText(smtp.user)
            self.smtp_password.setText(smtp.password)
            self.smtp_sender.setText(smtp.sender)
            self.smtp_recipients.setText(", ".join(smtp.recipients))
            src = settings.call_source
            _set_combo(self.source_kind, src.kind)
            self.modem_port.setEditText(src.modem_port)
            self.ncid_host.setText(src.ncid_host)
            self.ncid_port.setValue(src.ncid_port)
            if self.modem_country.findData(src.modem_country) < 0:  # another country's code, set by hand
                self.modem_country.addItem(f"AT+GCI={src.modem_country}", src.modem_country)
            _set_combo(self.modem_country, src.modem_country)
            self.ncid_push_blocks.setChecked(src.ncid_push_blocks)
            self.auto_hangup.setChecked(settings.auto_hangup)
            if settings.audio_device and self.device.findData(settings.audio_device) < 0:
                self.device.addItem(settings.audio_device, settings.audio_device)
            _set_combo(self.device, settings.audio_device or "")
            self.model_mirror.setText(settings.model_mirror or "")
        finally:
            self._loading = False
        self._source_kind_changed()
        self._refresh_model_status()

    def _on_settings_changed(self, new: Settings, old: Settings) -> None:
        if new != old:
            self.load_from(new)

    def _apply_simple(self) -> None:
        if self._loading:
            return
        self.services.settings.update(
            language=str(self.language.currentData()),
            large_text=self.large_text.isChecked(),
            alert_sensitivity=Level.parse(str(self.sensitivity.currentData())),
            alert_sound=self.alert_sound.isChecked(),
            bring_to_front=self.bring_front.isChecked(),
            tray_notifications=self.tray.isChecked(),
        )

    def open_wizard(self) -> None:
        """Run the first-run wizard again (language, family numbers, model, call source)."""
        from app.ui.wizard import FirstRunWizard

        wizard = FirstRunWizard(self.services, self.window())
        wizard.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        wizard.open()
        self._wizard = wizard

    def _try_sound(self) -> None:
        alerts = self.services.alerts
        if alerts is not None:
            alerts.play_sound(Level.WARN)

    # ================================================================ email
    def smtp_from_form(self) -> SmtpSettings:
        recipients = tuple(
            r.strip() for r in self.smtp_recipients.text().replace("；", ",").replace(";", ",").split(",") if r.strip()
        )
        return SmtpSettings(
            enabled=self.smtp_enabled.isChecked(),
            host=self.smtp_host.text().strip(),
            port=int(self.smtp_port.value()),
            tls=str(self.smtp_tls.currentData()),  # type: ignore[arg-type]
            user=self.smtp_user.text().strip(),
            password=self.smtp_password.text(),
            sender=self.smtp_sender.text().strip(),
            recipients=recipients,
        )

    def _validate_smtp(self, smtp: SmtpSettings) -> str:
        if not smtp.host:
            return self.tr("请填写邮件服务器地址（例如 smtp.qq.com）")
        if not smtp.recipients:
            return self.tr("请至少填写一个收件人邮箱")
        bad = [r for r in smtp.recipients if "@" not in r]
        if bad:
            return self.tr("这些收件人地址不像邮箱：") + ", ".join(bad)
        if not (smtp.sender or smtp.user):
            return self.tr("请填写发件人邮箱或登录用户名")
        return ""

    def _tls_changed(self) -> None:
        if self._loading:
            return
        defaults = {"starttls": 587, "ssl": 465, "none": 25}
        if self.smtp_port.value() in defaults.values():
            self.smtp_port.setValue(defaults[str(self.smtp_tls.currentData())])

    def _email_status(self, text: str, ok: bool) -> None:
        colour = "#1a7f37" if ok else "#cf222e"
        self.smtp_status.setStyleSheet(f"color: {colour}")
        self.smtp_status.setText(("✔ " if ok else "✖ ") + text)

    def save_email(self) -> bool:
        smtp = self.smtp_from_form()
        if smtp.enabled:
            problem = self._validate_smtp(smtp)
            if problem:
                self._email_status(problem, False)
                return False
        self.services.settings.update(smtp=smtp)
        self._email_status(self.tr("邮件设置已保存") if smtp.enabled else self.tr("已保存（邮件提醒未开启）"), True)
        return True

    def send_test_email(self) -> None:
        smtp = self.smtp_from_form()
        problem = self._validate_smtp(smtp)
        if problem:
            self._email_status(problem, False)
            return
        self.smtp_test.setEnabled(False)
        self.smtp_status.setStyleSheet("")
        self.smtp_status.setText(self.tr("正在发送测试邮件…"))

        def ok(_: Any) -> None:
            self.smtp_test.setEnabled(True)
            self._email_status(self.tr("测试邮件已发出，请到收件箱查看"), True)

        def failed(exc: BaseException) -> None:
            self.smtp_test.setEnabled(True)
            self._email_status(self.tr("发送失败：") + _smtp_error_text(exc, style.current_language()), False)

        self.services.alerts.send_test_email(smtp, on_result=ok, on_error=failed)

    # ========================================================== call source
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

    # ================================================================ audio
    def load_devices(self) -> None:
        speech = self.services.speech
        if speech is None:
            return
        self.audio_status.setText(self.tr("正在查找录音设备…"))

        def show(devices: list[Any]) -> None:
            self._devices_loaded = True
            current = self.services.settings.value.audio_device or ""
            self._loading = True
            try:
                self.device.clear()
                self.device.addItem(self.tr("系统默认设备"), "")
                for dev in devices:
                    self.device.addItem(f"{dev.name} ({dev.hostapi})", str(dev.index))
                _set_combo(self.device, current)
            finally:
                self._loading = False
            self.audio_status.setText(
                self.tr("找到 %1 个录音设备").replace("%1", str(len(devices)))
                if devices
                else self.tr("没有找到录音设备。请插上麦克风或电话录音盒后点“刷新”。")
            )

        def failed(exc: BaseException) -> None:
            self.audio_status.setText(self.tr("无法列出录音设备：") + friendly_message(exc))

        speech.list_devices(show, failed)

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        if not self._devices_loaded and self.services.speech is not None:
            self._devices_loaded = True
            self.load_devices()

    def _device_changed(self) -> None:
        if self._loading:
            return
        device = str(self.device.currentData() or "") or None
        self.services.settings.update(audio_device=device)
        if self.meter_button.isChecked():
            self.services.speech.start_meter(device)

    def _toggle_meter(self, on: bool) -> None:
        speech = self.services.speech
        if speech is None:
            return
        if on:
            self.audio_status.setText(self.tr("请对着麦克风说话，音量条应该跳动。"))
            speech.start_meter(self.services.settings.value.audio_device)
        else:
            speech.stop_meter()
        self.meter_button.setText(self.tr("停止") if on else self.tr("开始检测"))

    def _on_level(self, bar: float, dbfs: float) -> None:
        self.meter.setValue(int(bar * 100))
        self.meter.setFormat(f"{dbfs:.0f} dB")

    def _on_meter_stopped(self, exc: Any) -> None:
        if exc is not None:
            self.audio_status.setText(self.tr("无法打开录音设备：") + friendly_message(exc))
        self.meter.setValue(0)
        self.meter.setFormat("")
        if self.meter_button.isChecked():
            self.meter_button.blockSignals(True)
            self.meter_button.setChecked(False)
            self.meter_button.blockSignals(False)
            self.meter_button.setText(self.tr("开始检测"))

    def start_test_recording(self) -> None:
        speech = self.services.speech
        if speech is None:
            return
        self.test_button.setEnabled(False)
        self.audio_status.setText(self.tr("正在录音 %1 秒，请说话…").replace("%1", f"{TEST_RECORDING_S:.0f}"))

        def done(result: Any) -> None:
            self.test_button.setEnabled(True)
            quiet = result.rms_dbfs < -50
            text = self.tr("录好了：%1 秒，音量 %2 dB。").replace("%1", f"{result.seconds:.1f}")
            text = text.replace("%2", f"{result.rms_dbfs:.0f}")
            text += self.tr("声音太小，请检查设备。") if quiet else self.tr("设备工作正常。")
            if result.transcript:
                text += "\n" + self.tr("识别结果：") + result.transcript
            self.audio_status.setText(text)

        def failed(exc: BaseException) -> None:
            self.test_button.setEnabled(True)
            self.audio_status.setText(self.tr("录音失败：") + friendly_message(exc))

        def progress(done_: int, total: int, _text: str) -> None:
            if total:
                self.meter.setValue(int(100 * done_ / total))

        self._test_job = speech.test_recording(
            self.services.settings.value.audio_device, TEST_RECORDING_S, done, failed, progress
        )

    # ================================================================ model
    def _refresh_model_status(self) -> None:
        speech = self.services.speech
        status_fn = getattr(speech, "model_status", None)
        if not callable(status_fn):
            self.model_status.setText(self.tr("语音识别组件未安装，只能按号码判断。"))
            for b in (self.model_download, self.model_import_zip, self.model_import_dir):
                b.setEnabled(False)
            return
        status_fn(self._show_model_status)

    def _show_model_status(self, status: Any) -> None:
        lang = style.current_language()
        text = getattr(status, "text", None)
        self.model_status.setText(text(lang) if callable(text) else str(status))

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
        path, _ = QFileDialog.getOpenFileName(self, self.tr("选择语音模型压缩包"), "", self.tr("模型压缩包 (*.zip)"))
        if path:
            self._import_model(path)

    def import_model_folder(self) -> None:
        path = QFileDialog.getExistingDirectory(self, self.tr("选择语音模型文件夹"))
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
        for b in (self.model_download, self.model_import_zip, self.model_import_dir):
            b.setEnabled(not busy)
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
            self.services.settings.update(model_path=str(path))
        self._refresh_model_status()

    def _model_failed(self, exc: BaseException) -> None:
        self._model_job = None
        self._model_busy(False)
        self.model_status.setText(self.tr("没有成功：") + friendly_message(exc))

    def _model_cancelled(self) -> None:
        self._model_job = None
        self._model_busy(False)
        self.model_status.setText(self.tr("已取消。"))

    # ============================================================ language
    def retranslate(self) -> None:
        self.title.setText(self.tr("设置"))
        self.display_box.setTitle(self.tr("语言和文字大小"))
        self.language_label.setText(self.tr("界面语言"))
        self.language.setItemText(0, self.tr("跟随系统"))
        self.large_text.setText(self.tr("大字模式（文字放大 1.5 倍）"))
        self.rerun_wizard.setText(self.tr("重新运行首次设置向导…"))
        self.alerts_box.setTitle(self.tr("提醒"))
        self.sensitivity_label.setText(self.tr("什么时候提醒"))
        self.sensitivity.setItemText(0, self.tr("有一点可疑就提醒（注意及以上）"))
        self.sensitivity.setItemText(1, self.tr("疑似诈骗时提醒（警告及以上，推荐）"))
        self.sensitivity.setItemText(2, self.tr("只在高风险时提醒（拦截）"))
        self.alert_sound.setText(self.tr("提醒时响铃"))
        self.try_sound.setText(self.tr("试听铃声"))
        self.bring_front.setText(self.tr("提醒时把窗口调到最前面"))
        self.tray.setText(self.tr("在任务栏弹出通知"))
        self.email_box.setTitle(self.tr("邮件通知家人"))
        self.email_hint.setText(
            self.tr(
                "有可疑来电时给家人发邮件（号码、判断、原因和通话摘录）。只有在这里开启后才会发送，信息不会发给其他人。"
            )
        )
        self.smtp_enabled.setText(self.tr("开启邮件提醒"))
        tr_labels = [
            self.tr("邮件服务器"),
            self.tr("端口"),
            self.tr("加密方式"),
            self.tr("登录用户名"),
            self.tr("密码或授权码"),
            self.tr("发件人邮箱"),
            self.tr("收件人邮箱"),
        ]
        for label, text in zip(self.smtp_labels, tr_labels, strict=True):
            label.setText(text)
        self.smtp_host.setPlaceholderText(self.tr("例如 smtp.qq.com"))
        self.smtp_recipients.setPlaceholderText(self.tr("多个地址用逗号分开"))
        self.smtp_tls.setItemText(0, self.tr("STARTTLS（推荐，端口 587）"))
        self.smtp_tls.setItemText(1, self.tr("SSL/TLS（端口 465）"))
        self.smtp_tls.setItemText(2, self.tr("不加密（仅限本机或内网）"))
        self.smtp_save.setText(self.tr("保存邮件设置"))
        self.smtp_test.setText(self.tr("发送测试邮件"))
        self.source_box.setTitle(self.tr("来电从哪里来"))
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
        self.audio_box.setTitle(self.tr("声音输入（听通话内容）"))
        self.device_label.setText(self.tr("录音设备"))
        self.device.setItemText(0, self.tr("系统默认设备"))
        self.refresh_devices.setText(self.tr("刷新"))
        self.meter_label.setText(self.tr("音量"))
        self.meter_button.setText(self.tr("停止") if self.meter_button.isChecked() else self.tr("开始检测"))
        self.test_button.setText(self.tr("试录 3 秒"))
        self.model_box.setTitle(self.tr("语音识别模型"))
        self.model_download.setText(self.tr("下载模型"))
        self.model_import_zip.setText(self.tr("从压缩包导入…"))
        self.model_import_dir.setText(self.tr("从文件夹导入…"))
        self.model_cancel.setText(self.tr("取消"))
        self.model_mirror_label.setText(self.tr("下载地址"))
        self.model_mirror.setToolTip(
            self.tr(
                "可选：填写国内镜像地址（留空则用官方地址）。无论从哪里下载，都会核对官方文件的 SHA-256，不符就不安装。"
            )
        )
        self.model_mirror.setAccessibleName(self.tr("模型下载地址"))
        for widget in (
            self.language,
            self.sensitivity,
            self.smtp_tls,
            self.source_kind,
            self.modem_country,
            self.device,
            self.meter,
        ):
            widget.setAccessibleName(self._buddy_text(widget))
        self.meter.setAccessibleName(self.tr("音量"))
        self._refresh_model_status()

    def _buddy_text(self, widget: QWidget) -> str:
        for label in self.findChildren(QLabel):
            if label.buddy() is widget:
                return label.text()
        return ""

    def shutdown(self) -> None:
        if self.services.speech is not None:
            self.services.speech.stop_meter()
        if self._test_job is not None:
            self._test_job.cancel()
        if self._model_job is not None:
            self._model_job.cancel()


def _smtp_error_text(exc: BaseException, lang: str) -> str:
    import smtplib
    import socket
    import ssl

    en = lang == "en"
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return "wrong user name or password" if en else "用户名或密码（授权码）不对"
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return "the server refused the recipient address" if en else "服务器拒收这个收件人地址"
    if isinstance(exc, smtplib.SMTPNotSupportedError):
        return "the server does not support this encryption" if en else "服务器不支持这种加密方式，请换一种试试"
    if isinstance(exc, ssl.SSLError):
        return "encryption failed; try another encryption mode" if en else "加密连接失败，请换一种加密方式试试"
    if isinstance(exc, socket.timeout | TimeoutError):
        return "the server did not answer in time" if en else "服务器没有响应（超时）"
    if isinstance(exc, ConnectionRefusedError):
        return "nothing is listening at that address and port" if en else "连不上：地址或端口不对"
    if isinstance(exc, socket.gaierror):
        return "server name not found" if en else "找不到这个服务器地址"
    return f"{type(exc).__name__}: {exc}"
