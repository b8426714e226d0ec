"""设置 Settings: language, large text, alerts, e-mail, call source, audio input and the speech model.

One widget per section (``app/ui/settings/<section>.py``); this page stacks them in a scroll area, loads them from the
settings and reloads them when the settings change. Simple switches apply at once; groups of fields (e-mail, call
source) apply with their own 保存 button so a half-typed server address is never used. Everything slow (devices,
meter, test recording, model download/import, test e-mail) runs through the services' workers.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, QTimer
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from app.services import AppServices
from app.settings import Settings
from app.ui import style
from app.ui.settings.alerts import AlertsSection
from app.ui.settings.audio import AudioSection
from app.ui.settings.base import SettingsSection
from app.ui.settings.display import DisplaySection
from app.ui.settings.email import EmailSection
from app.ui.settings.folders import WatchedFoldersSection
from app.ui.settings.model import ModelSection
from app.ui.settings.source import CallSourceSection
from app.ui.widgets import VerticalScrollArea


class SettingsPage(QWidget):
    def __init__(self, services: AppServices, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.title = QLabel(self)
        style.set_scaled_font(self.title, 1.5, bold=True)
        body = QWidget(self)
        self.body_layout = QVBoxLayout(body)
        self.body_layout.setSpacing(12)
        self.display = DisplaySection(services, body)
        self.alerts = AlertsSection(services, body)
        self.email = EmailSection(services, body)
        self.folders = WatchedFoldersSection(services, body)
        self.source = CallSourceSection(services, body)
        self.audio = AudioSection(services, body)
        self.model = ModelSection(services, body)
        for section in self.sections:
            self.body_layout.addWidget(section)
        self.body_layout.addStretch(1)
        self.scroll_area = VerticalScrollArea(self)  # the page is as wide as its widest section: no sideways scrolling
        self.scroll_area.setWidget(body)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.scroll_area, 1)

        self.load_from(services.settings.value)
        services.settings.changed.connect(self._on_settings_changed)
        self.retranslate()

    @property
    def sections(self) -> tuple[SettingsSection, ...]:
        return (self.display, self.alerts, self.email, self.folders, self.source, self.audio, self.model)

    def reveal(self, section: QWidget) -> None:
        """Scroll ``section`` into view, at the top (another page sent the user here for it: the speech model is the
        last section of a long page). After the page is laid out: it may have just been shown for the first time."""

        def scroll() -> None:
            body = self.scroll_area.widget()
            if body is not None:
                bar = self.scroll_area.verticalScrollBar()
                bar.setValue(min(bar.maximum(), section.mapTo(body, QPoint(0, 0)).y()))

        QTimer.singleShot(0, self, scroll)  # (dropped if the page is gone first)

    def load_from(self, settings: Settings) -> None:
        for section in self.sections:
            section.load(settings)

    def _on_settings_changed(self, new: Settings, old: Settings) -> None:
        if new != old:
            self.load_from(new)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.audio.load_devices_once()

    def retranslate(self) -> None:
        self.title.setText(self.tr("设置"))
        for section in self.sections:
            section.retranslate()

    def shutdown(self) -> None:
        for section in self.sections:
            section.shutdown()
