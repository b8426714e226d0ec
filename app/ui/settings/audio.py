"""Settings section: the devices that hear the call, each with a level meter, and a 3-second test recording.

Two devices per line: "对方（电话那头）" (what the softphone or headset *plays*: a playback loopback, offered first, with
plain-words help for Windows and macOS) and "我方（麦克风）" (the microphone). Without a caller device the one input
hears the whole call, as with a phone-line recorder. This pair is the PC's default; below it, "各线路的设备"
(``app.ui.settings.lines``) gives single lines their own pair from the same device lists. Devices, meters and the
test recording run in the speech service's workers (``app.audio.service``).
"""

from __future__ import annotations

import sys
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QComboBox, QFormLayout, QHBoxLayout, QLabel, QProgressBar, QPushButton, QWidget

from app.display import device_name
from app.services import AppServices
from app.settings import Settings
from app.ui.settings.base import SettingsSection, set_combo
from app.ui.settings.lines import LineDevicesBox
from app.ui.widgets import friendly_message

TEST_RECORDING_S = 3.0
BLACKHOLE_URL = "https://existential.audio/blackhole/"


def caller_side_help(platform: str = sys.platform) -> str:
    """How to make the caller's voice recordable on this platform, in plain words (translated)."""

    if platform.startswith("win"):
        return QCoreApplication.translate(
            "AudioSection",
            "Windows：在“声音”设置的“录制”页里右键空白处，勾选“显示禁用的设备”，启用“立体声混音”；"
            "没有这一项的话，装一个虚拟声卡（如 VB-CABLE），把软电话的扬声器设成它。然后点“刷新”，在上面选它。",
        )
    if platform == "darwin":
        return QCoreApplication.translate(
            "AudioSection",
            "苹果电脑：先安装免费的 BlackHole（%1），在“音频 MIDI 设置”里建一个“多输出设备”（耳机 + BlackHole），"
            "把软电话的扬声器设成它。然后点“刷新”，在上面选 BlackHole。",
        ).replace("%1", f'<a href="{BLACKHOLE_URL}">{BLACKHOLE_URL}</a>')
    return QCoreApplication.translate(
        "AudioSection",
        "选“扬声器回采”，就能录到耳机或音箱里对方的声音。没有这一项时，请确认系统使用 PulseAudio 或 PipeWire。",
    )


class AudioSection(SettingsSection):
    def __init__(self, services: AppServices, parent: QWidget | None = None) -> None:
        super().__init__(services, parent)
        self._test_job: Any = None
        self._devices_loaded = False
        form = self.form
        self._build_caller_side(form)
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
        self.lines = LineDevicesBox(services, self)  # 各线路的设备: lines with their own pair, from the same lists
        form.addRow(self.lines)
        services.speech.levelChanged.connect(self._on_level)
        services.speech.meterStopped.connect(self._on_meter_stopped)
        services.speech.callerLevelChanged.connect(self._on_caller_level)
        services.speech.callerMeterStopped.connect(self._on_caller_meter_stopped)

    # ------------------------------------------------------------ 对方（电话那头）
    def _build_caller_side(self, form: QFormLayout) -> None:
        self.caller_device = QComboBox(self)
        self.caller_device.addItem("", "")
        self.caller_device.currentIndexChanged.connect(self._caller_device_changed)
        self.caller_device_label = QLabel(self)
        self.caller_device_label.setBuddy(self.caller_device)
        self.caller_meter = QProgressBar(self)
        self.caller_meter.setRange(0, 100)
        self.caller_meter.setTextVisible(True)
        self.caller_meter_button = QPushButton(self)
        self.caller_meter_button.setCheckable(True)
        self.caller_meter_button.toggled.connect(self._toggle_caller_meter)
        self.caller_meter_label = QLabel(self)
        self.caller_meter_label.setBuddy(self.caller_meter)
        self.caller_help = QLabel(self)
        self.caller_help.setObjectName("hint")
        self.caller_help.setWordWrap(True)
        self.caller_help.setTextFormat(Qt.TextFormat.AutoText)  # rich text only where there is a link (macOS)
        self.caller_help.setOpenExternalLinks(True)  # the user clicks it; nothing is fetched otherwise
        meter_row = QHBoxLayout()
        meter_row.addWidget(self.caller_meter, 1)
        meter_row.addWidget(self.caller_meter_button)
        form.addRow(self.caller_device_label, self.caller_device)
        form.addRow(self.caller_meter_label, meter_row)
        form.addRow(self.caller_help)

    def _load_caller(self, settings: Settings) -> None:
        key = settings.audio_caller_device
        if key and self.caller_device.findData(key) < 0:
            self.caller_device.addItem(key.partition(":")[2] or key, key)
        set_combo(self.caller_device, key)

    def _show_capture_choices(self, choices: list[Any]) -> None:
        from app.ui import style

        lang = style.current_language()
        current = self.services.settings.value.audio_caller_device
        items = [(choice.label(lang), choice.key) for choice in choices]  # loopbacks first: the caller's side
        self._loading = True
        try:
            self.caller_device.clear()
            self.caller_device.addItem(self.tr("不用（上面的录音设备听整通电话）"), "")
            for text, key in items:
                self.caller_device.addItem(text, key)
            self._load_caller(self.services.settings.value)
            set_combo(self.caller_device, current)
        finally:
            self._loading = False
        self.lines.set_caller_choices(items)

    def _caller_device_changed(self) -> None:
        if self._loading:
            return
        key = str(self.caller_device.currentData() or "")
        self.services.settings.update(audio_caller_device=key)
        if self.caller_meter_button.isChecked():
            if key:
                self.services.speech.start_caller_meter(key)
            else:
                self.caller_meter_button.setChecked(False)

    def _toggle_caller_meter(self, on: bool) -> None:
        speech = self.services.speech
        key = self.services.settings.value.audio_caller_device
        if on and not key:
            self.caller_meter_button.blockSignals(True)
            self.caller_meter_button.setChecked(False)
            self.caller_meter_button.blockSignals(False)
            self.audio_status.setText(self.tr("请先在“对方（电话那头）”里选一个设备。"))
            return
        if on:
            self.audio_status.setText(self.tr("请让软电话或耳机放出声音，“对方”的音量条应该跳动。"))
            speech.start_caller_meter(key)
        else:
            speech.stop_caller_meter()
        self.caller_meter_button.setText(self.tr("停止") if on else self.tr("开始检测"))

    def _on_caller_level(self, bar: float, dbfs: float) -> None:
        self.caller_meter.setValue(int(bar * 100))
        self.caller_meter.setFormat(f"{dbfs:.0f} dB")

    def _on_caller_meter_stopped(self, exc: Any) -> None:
        if exc is not None:
            self.audio_status.setText(self.tr("无法打开“对方”的设备：") + friendly_message(exc))
        self.caller_meter.setValue(0)
        self.caller_meter.setFormat("")
        if self.caller_meter_button.isChecked():
            self.caller_meter_button.blockSignals(True)
            self.caller_meter_button.setChecked(False)
            self.caller_meter_button.blockSignals(False)
            self.caller_meter_button.setText(self.tr("开始检测"))

    # ------------------------------------------------------------- 我方（麦克风）
    def _load(self, settings: Settings) -> None:
        self._load_caller(settings)
        self.lines.load(settings)
        if settings.audio_device and self.device.findData(settings.audio_device) < 0:
            self.device.addItem(settings.audio_device, settings.audio_device)
        set_combo(self.device, settings.audio_device or "")

    def load_devices(self) -> None:
        speech = self.services.speech
        self.audio_status.setText(self.tr("正在查找录音设备…"))

        def show(scan: Any) -> None:  # app.audio.service.DeviceScan
            self._devices_loaded = True
            devices = scan.devices
            current = self.services.settings.value.audio_device or ""
            self._loading = True
            keys = scan.keys
            # identical twins carry their place among themselves (USB Headset (MME) #2), as their key does
            items = [
                (f"{dev.name} ({dev.hostapi})" + keys[dev.index][len(dev.key) :], keys[dev.index]) for dev in devices
            ]
            try:
                self.device.clear()
                self.device.addItem(self.tr("系统默认设备"), "")
                for text, index in items:
                    self.device.addItem(text, index)
                if current and self.device.findData(current) < 0:  # saved, but not plugged in now: say so, keep it
                    self.device.addItem(self.tr("%1（现在没有插上）").replace("%1", device_name(current)), current)
                set_combo(self.device, current)
            finally:
                self._loading = False
            self.lines.set_us_choices(items)
            found = (
                self.tr("找到 %1 个录音设备").replace("%1", str(len(devices)))
                if devices
                else self.tr("没有找到录音设备。请插上麦克风或电话录音盒后点“刷新”。")
            )
            self.audio_status.setText("\n".join([found, *self._not_rescanned(scan.held_by)]))

        def failed(exc: BaseException) -> None:
            self.audio_status.setText(self.tr("无法列出录音设备：") + friendly_message(exc))

        speech.list_devices(show, failed)
        speech.list_capture_choices(
            self._show_capture_choices,
            lambda exc: self.audio_status.setText(self.tr("无法列出“对方”的设备：") + friendly_message(exc)),
        )

    def _not_rescanned(self, held_by: str | None) -> list[str]:
        """Why the device list may miss a device plugged in since the app started (nothing when it was rescanned)."""
        if held_by == "calls":
            return [self.tr("正在监听通话，所以没有重新查找设备：刚插上的设备要等通话结束后再点“刷新”才会出现。")]
        if held_by == "audio":
            return [self.tr("正在检测音量或试录音，所以没有重新查找设备：停下后再点“刷新”，刚插上的设备才会出现。")]
        return []

    def load_devices_once(self) -> None:
        """The first time the page is shown: list the devices (in a worker)."""
        if not self._devices_loaded:
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

    def retranslate(self) -> None:
        self.setTitle(self.tr("声音输入（听通话内容）"))
        self.caller_device_label.setText(self.tr("对方（电话那头）"))
        self.caller_device.setItemText(0, self.tr("不用（上面的录音设备听整通电话）"))
        self.caller_device.setToolTip(self.tr("软电话或耳机里对方的声音：选“扬声器回采”。只有对方说的话参与评分。"))
        self.caller_meter_label.setText(self.tr("对方音量"))
        self.caller_meter_button.setText(
            self.tr("停止") if self.caller_meter_button.isChecked() else self.tr("开始检测")
        )
        self.caller_help.setText(caller_side_help())
        self.caller_device.setAccessibleName(self.tr("对方的声音设备"))
        self.caller_meter.setAccessibleName(self.tr("对方音量"))
        self.device_label.setText(self.tr("我方（麦克风）"))
        self.device.setItemText(0, self.tr("系统默认设备"))
        self.refresh_devices.setText(self.tr("刷新"))
        self.meter_label.setText(self.tr("我方音量"))
        self.meter_button.setText(self.tr("停止") if self.meter_button.isChecked() else self.tr("开始检测"))
        self.test_button.setText(self.tr("试录 3 秒"))
        self.device.setAccessibleName(self.buddy_text(self.device))
        self.meter.setAccessibleName(self.tr("我方音量"))
        self.lines.retranslate()

    def shutdown(self) -> None:
        self.services.speech.stop_meter()
        self.services.speech.stop_caller_meter()
        self.lines.shutdown()
        if self._test_job is not None:
            self._test_job.cancel()
