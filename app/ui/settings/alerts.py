"""Settings section: when to alert, the alarm sound, bringing the window to the front, tray notifications."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QComboBox, QHBoxLayout, QLabel, QPushButton, QWidget

from app.services import AppServices
from app.settings import Settings
from app.ui.settings.base import SettingsSection, set_combo
from screening.types import Level


class AlertsSection(SettingsSection):
    def __init__(self, services: AppServices, parent: QWidget | None = None) -> None:
        super().__init__(services, parent)
        self.sensitivity = QComboBox(self)
        for level in (Level.CAUTION, Level.WARN, Level.BLOCK):
            self.sensitivity.addItem("", level.name)
        self.sensitivity.currentIndexChanged.connect(self._apply)
        self.sensitivity_label = QLabel(self)
        self.sensitivity_label.setBuddy(self.sensitivity)
        self.alert_sound = QCheckBox(self)
        self.alert_sound.toggled.connect(self._apply)
        self.try_sound = QPushButton(self)
        self.try_sound.clicked.connect(self._try_sound)
        sound_row = QHBoxLayout()
        sound_row.addWidget(self.alert_sound)
        sound_row.addWidget(self.try_sound)
        sound_row.addStretch(1)
        self.bring_front = QCheckBox(self)
        self.bring_front.toggled.connect(self._apply)
        self.tray = QCheckBox(self)
        self.tray.toggled.connect(self._apply)
        self.form.addRow(self.sensitivity_label, self.sensitivity)
        self.form.addRow("", sound_row)
        self.form.addRow("", self.bring_front)
        self.form.addRow("", self.tray)

    def _load(self, settings: Settings) -> None:
        set_combo(self.sensitivity, Level.parse(settings.alert_sensitivity).name)
        self.alert_sound.setChecked(settings.alert_sound)
        self.bring_front.setChecked(settings.bring_to_front)
        self.tray.setChecked(settings.tray_notifications)

    def _apply(self) -> None:
        if self._loading:
            return
        self.services.settings.update(
            alert_sensitivity=Level.parse(str(self.sensitivity.currentData())),
            alert_sound=self.alert_sound.isChecked(),
            bring_to_front=self.bring_front.isChecked(),
            tray_notifications=self.tray.isChecked(),
        )

    def _try_sound(self) -> None:
        self.services.alerts.play_sound(Level.WARN)

    def retranslate(self) -> None:
        self.setTitle(self.tr("提醒"))
        self.sensitivity_label.setText(self.tr("什么时候提醒"))
        self.sensitivity.setItemText(0, self.tr("有一点可疑就提醒（注意及以上）"))
        self.sensitivity.setItemText(1, self.tr("疑似诈骗时提醒（警告及以上，推荐）"))
        self.sensitivity.setItemText(2, self.tr("只在高风险时提醒（拦截）"))
        self.alert_sound.setText(self.tr("提醒时响铃"))
        self.try_sound.setText(self.tr("试听铃声"))
        self.bring_front.setText(self.tr("提醒时把窗口调到最前面"))
        self.tray.setText(self.tr("在任务栏弹出通知"))
        self.sensitivity.setAccessibleName(self.buddy_text(self.sensitivity))
