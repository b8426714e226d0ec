"""The alert e-mail: built from an :class:`~app.alerts.policy.Alert` and sent with smtplib (in a worker).

Nothing leaves the machine unless the user enabled e-mail and configured a server.
"""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from app.alerts.policy import Alert
from app.settings import SmtpSettings

SMTP_TIMEOUT_S = 20.0


def build_email(config: SmtpSettings, alert: Alert, lang: str = "zh") -> EmailMessage:
    msg = EmailMessage()
    if alert.source == "test":
        msg["Subject"] = "CallShield test e-mail" if lang == "en" else "来电护盾测试邮件"
    else:
        msg["Subject"] = alert.title(lang)
    sender = config.sender or config.user
    msg["From"] = sender
    msg["To"] = ", ".join(config.recipients)
    msg["Date"] = formatdate(localtime=True)
    msg["Message-ID"] = make_msgid(domain="callshield.local")
    msg["X-CallShield-Level"] = alert.level.name
    msg.set_content(alert.body(lang) if alert.source != "test" else "\n".join(alert.reason_texts(lang)))
    return msg


def send_alert_email(config: SmtpSettings, alert: Alert, lang: str = "zh") -> str:
    """Send one message with smtplib (runs in a worker). Returns the Message-ID. Raises on failure."""
    if not config.host or not config.recipients:
        raise ValueError("SMTP is not configured")
    msg = build_email(config, alert, lang)
    context = ssl.create_default_context()
    smtp: smtplib.SMTP
    if config.tls == "ssl":
        smtp = smtplib.SMTP_SSL(config.host, config.port, timeout=SMTP_TIMEOUT_S, context=context)
    else:
        smtp = smtplib.SMTP(config.host, config.port, timeout=SMTP_TIMEOUT_S)
    with smtp:
        smtp.ehlo()
        if config.tls == "starttls":
            smtp.starttls(context=context)
            smtp.ehlo()
        if config.user:
            smtp.login(config.user, config.password)
        smtp.send_message(msg)
    return str(msg["Message-ID"])
