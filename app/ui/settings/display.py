"""Settings section: interface language, large text, and running the first-run wizard again."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QComboBox, QHBoxLayout, QLabel, QLineEdit, QPushButton, QWidget

from app.services import AppServices
from app.settings import Settings
from app.ui.settings.base import SettingsSection, set_combo


class DisplaySection(SettingsSection):
    def __init__(self, services: AppServices, parent: QWidget | None = None) -> None:
        super().__init__(services, parent)
        self._wizard: Any = None
        self.language = QComboBox(self)
        self.language.addItem("", "auto")
        self.language.addItem("中文", "zh")
        self.language.addItem("English", "en")
        self.language.currentIndexChanged.connect(self._apply)
        self.large_text = QCheckBox(self)
        self.large_text.toggled.connect(self._apply)
        self.language_label = QLabel(self)
        self.language_label.setBuddy(self.language)
        self.rerun_wizard = QPushButton(self)
        self.rerun_wizard.clicked.connect(self.open_wizard)
        self.form.addRow(self.language_label, self.language)
        self.form.addRow("", self.large_text)
        row = QHBoxLayout()
        row.addWidget(self.rerun_wizard)
        row.addStretch(1)
        self.form.addRow("", row)
        # who compiled an exported report (记录, 录音分析, 家人报告), printed under its title
        self.report_by = QLineEdit(self)
        self.report_by.setMaxLength(80)
        self.report_by.editingFinished.connect(self._apply_report_by)
        self.report_by_label = QLabel(self)
        self.report_by_label.setBuddy(self.report_by)
        self.form.addRow(self.report_by_label, self.report_by)

    def _load(self, settings: Settings) -> None:
        set_combo(self.language, settings.language)
        self.large_text.setChecked(settings.large_text)
        self.report_by.setText(settings.report_by)

    def _apply_report_by(self) -> None:
        if not self._loading and self.report_by.text().strip() != self.services.settings.value.report_by:
            self.services.settings.update(report_by=self.report_by.text().strip())

    def _apply(self) -> None:
        if self._loading:
            return
        self.services.settings.update(language=str(self.language.currentData()), large_text=self.large_text.isChecked())

    def open_wizard(self) -> None:
        """Run the first-run wizard again (language, family numbers, model, call source)."""
        from app.ui.wizard import FirstRunWizard

        wizard = FirstRunWizard(self.services, self.window())
        wizard.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        wizard.open()
        self._wizard = wizard

    def retranslate(self) -> None:
        self.setTitle(self.tr("语言、文字大小和报告署名"))
        self.report_by_label.setText(self.tr("报告署名"))
        self.report_by.setPlaceholderText(self.tr("可不填，如：XX社区居委会反诈值班 周老师"))
        self.report_by.setAccessibleName(self.tr("导出的报告上写谁整理的（可不填）"))
        self.language_label.setText(self.tr("界面语言"))
        self.language.setItemText(0, self.tr("跟随系统"))
        self.large_text.setText(self.tr("大字模式（文字放大 1.5 倍）"))
        self.rerun_wizard.setText(self.tr("重新运行首次设置向导…"))
        self.language.setAccessibleName(self.buddy_text(self.language))
