"""Settings section: e-mail to the family on a suspicious call (SMTP server, recipients, a test e-mail).

The group of fields applies with its own 保存 button, so a half-typed server address is never used.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QComboBox, QHBoxLayout, QLabel, QLineEdit, QPushButton, QSpinBox, QWidget

from app.services import AppServices
from app.settings import Settings, SmtpSettings
from app.ui.settings.base import SettingsSection, set_combo
from app.ui.widgets import friendly_message


class EmailSection(SettingsSection):
    def __init__(self, services: AppServices, parent: QWidget | None = None) -> None:
        super().__init__(services, parent)
        form = self.form
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
        # an edit not saved yet is said under the buttons (a trial ticked 开启, sent a test e-mail, went to another page
        # and no alert was ever mailed: the saved settings still had e-mail off)
        self.smtp_enabled.toggled.connect(self._edited)
        for edit in (self.smtp_host, self.smtp_user, self.smtp_password, self.smtp_sender, self.smtp_recipients):
            edit.textEdited.connect(self._edited)
        self.smtp_port.valueChanged.connect(self._edited)
        self.smtp_tls.currentIndexChanged.connect(self._edited)
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

    def _load(self, settings: Settings) -> None:
        smtp = settings.smtp
        self.smtp_enabled.setChecked(smtp.enabled)
        self.smtp_host.setText(smtp.host)
        self.smtp_port.setValue(smtp.port)
        set_combo(self.smtp_tls, smtp.tls)
        self.smtp_user.setText(smtp.user)
        self.smtp_password.setText(smtp.password)
        self.smtp_sender.setText(smtp.sender)
        self.smtp_recipients.setText(", ".join(smtp.recipients))

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

    def _loaded(self) -> None:
        self._edited()  # the form shows the saved settings again: no unsaved-edit note left behind

    def _edited(self, *_: Any) -> None:
        if self._loading:
            return
        if self.smtp_from_form() != self.services.settings.value.smtp:
            self.smtp_status.setStyleSheet("")
            self.smtp_status.setText("● " + self.tr("有改动还没保存：点“保存邮件设置”（测试邮件发送成功时也会保存）。"))
        elif self.smtp_status.text().startswith("● "):
            self.smtp_status.setText("")

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

        saved_before = self.services.settings.value.smtp

        def ok(_: Any) -> None:
            self.smtp_test.setEnabled(True)
            text = self.tr("测试邮件已发出，请到收件箱查看")
            current = self.services.settings.value.smtp
            # these settings work: kept, not lost on leaving the page; unless something was saved or typed since the
            # test started (a review: a save made meanwhile was overwritten with what was tested)
            if smtp != current and current == saved_before and self.smtp_from_form() == smtp:
                self.services.settings.update(smtp=smtp)
                text += self.tr("；这些设置已保存")
            if not smtp.enabled:
                text += self.tr("。邮件提醒还没开启：勾选上面的“开启邮件提醒”并保存后，才会发出提醒。")
            self._email_status(text, True)

        def failed(exc: BaseException) -> None:
            self.smtp_test.setEnabled(True)
            self._email_status(self.tr("发送失败：") + friendly_message(exc), False)

        self.services.alerts.send_test_email(smtp, on_result=ok, on_error=failed)

    def retranslate(self) -> None:
        self.setTitle(self.tr("邮件通知家人"))
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
        self.smtp_tls.setAccessibleName(self.buddy_text(self.smtp_tls))
