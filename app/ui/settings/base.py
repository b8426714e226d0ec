"""What every settings section shares: a titled group with a form, a load guard and the services."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QComboBox, QFormLayout, QGroupBox, QLabel, QWidget

from app.services import AppServices
from app.settings import Settings


def set_combo(combo: QComboBox, data: Any) -> None:
    index = combo.findData(data)
    if index >= 0:
        combo.setCurrentIndex(index)


class SettingsSection(QGroupBox):
    """One section of the Settings page. Subclasses build their fields in ``__init__`` and implement
    ``_load(settings)`` and ``retranslate()``; changes they make go through ``services.settings.update``."""

    def __init__(self, services: AppServices, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self._loading = False
        self.form = QFormLayout(self)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)

    def load(self, settings: Settings) -> None:
        """Show ``settings`` in the fields without treating it as an edit."""
        self._loading = True
        try:
            self._load(settings)
        finally:
            self._loading = False
        self._loaded()

    def _load(self, settings: Settings) -> None:
        raise NotImplementedError

    def _loaded(self) -> None:
        """After loading (signals back on): refresh what depends on the loaded values."""

    def retranslate(self) -> None:
        raise NotImplementedError

    def buddy_text(self, widget: QWidget) -> str:
        for label in self.findChildren(QLabel):
            if label.buddy() is widget:
                return label.text()
        return ""

    def shutdown(self) -> None:
        """The window is closing: stop anything this section started."""
