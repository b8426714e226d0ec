"""The alert e-mail: built from an :class:`~app.alerts.policy.Alert` and sent with smtplib (in a worker).

Nothing leaves the machine unless the user enabled e-mail and configured a server.

A mail server that accepts the connection and then never answers, or answers a byte now and then, must not hold
the send for ever: ``SMTP_TIMEOUT_S`` is the deadline for the *whole* send (name lookup, connect, TLS, login and
the message), not for each socket read. A :class:`SendGuard` enforces it by shutting the connection when time is
up, which ends any read that is blocked on it; quitting the app cuts a send the same way. A connect the server
never answers is waited for in short slices, so a cut ends that too; nothing waits outside the guard. A failure is
an :class:`EmailError` whose ``code`` (:class:`EmailProblem`) says why in words a user can act on; the text is
rendered where it is shown. The password never appears in it.

A call's alert e-mails are :class:`AlertMail` records; when the warning is withdrawn, a :class:`WithdrawalMail`
sent after them on the same lane (:func:`send_withdrawal_email`) replies to the ones that went out; when the warning
stands again after that correction went out, a :class:`ReinstatementMail` (:func:`send_reinstatement_email`) replies
to the correction.
"""

from __future__ import annotations

import errno
import os
import selectors
import smtplib
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Any

from app.alerts.policy import Alert, Reinstatement, Withdrawal
from app.settings import SmtpSettings
from screening.i18n import Message, MessageCode

# The whole send, from name lookup to the server's last reply. A normal send takes a second or two.
SMTP_TIMEOUT_S = 30.0
READ_GRACE_S = 0.5
# How often a pending connect looks whether the send was cut: at most this late does quitting end it.
CONNECT_SLICE_S = 0.05
# connect_ex on a non-blocking socket: the connect goes on (POSIX; Windows says WSAEWOULDBLOCK)
_CONNECTING = frozenset({errno.EINPROGRESS, errno.EWOULDBLOCK, errno.EAGAIN, getattr(errno, "WSAEWOULDBLOCK", 10035)})


class EmailProblem(MessageCode):
    NOT_CONFIGURED = ("邮件服务器或收件人还没有填写", "the mail server or the recipients are not filled in")
    NOT_FOUND = ("找不到邮件服务器 {host}：请检查服务器地址", "mail server {host} not found: check the server name")
    UNREACHABLE = (
        "连不上邮件服务器 {host}:{port}：地址或端口不对，或者网络不通",
        "could not reach mail server {host}:{port}: wrong address or port, or no network",
    )
    TIMED_OUT = (
        "邮件服务器 {host} 在 {seconds} 秒内没有完成发送（超时）",
        "mail server {host} did not finish the send within {seconds} s (timed out)",
    )
    DISCONNECTED = ("邮件服务器 {host} 中途断开了连接", "mail server {host} closed the connection")
    LOGIN_REFUSED = (
        "邮件服务器拒绝登录：用户名或密码（授权码）不对",
        "the mail server refused the login: wrong user name or password (app password)",
    )
    TLS_FAILED = ("加密连接失败，请换一种加密方式试试", "the encrypted connection failed; try another encryption mode")
    NOT_SUPPORTED = (
        "邮件服务器不支持所选的加密或登录方式，请换一种试试",
        "the mail server does not support the chosen encryption or login; try another",
    )
    RECIPIENT_REFUSED = ("邮件服务器拒收收件人地址", "the mail server refused the recipient address")
    REJECTED = ("邮件服务器拒收了这封邮件（代码 {status}）", "the mail server refused the message (code {status})")
    STOPPED = ("程序正在退出，邮件没有发完", "the app was closing; the e-mail was not finished")
    FAILED = ("发送时出错（{detail}）", "the send failed ({detail})")


class EmailError(OSError):
    """A failed send. ``message`` renders in zh or en; ``code`` is for programs and tests. Network trouble has
    always been an ``OSError`` here (smtplib's errors are), so callers that catch that still do."""

    def __init__(self, code: EmailProblem, **params: object) -> None:
        self.message = Message(code, params)
        self.code = code
        super().__init__(self.message.render("en"))


def email_problem(exc: BaseException, config: SmtpSettings, seconds: float) -> EmailError:
    """The failure of a send within ``seconds``, as a code. The text names the server, never the password."""
    where: dict[str, object] = {"host": config.host, "port": config.port}
    if isinstance(exc, EmailError):
        return exc
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return EmailError(EmailProblem.LOGIN_REFUSED)
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return EmailError(EmailProblem.RECIPIENT_REFUSED)
    if isinstance(exc, smtplib.SMTPNotSupportedError):
        return EmailError(EmailProblem.NOT_SUPPORTED)
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return EmailError(EmailProblem.DISCONNECTED, **where)
    if isinstance(exc, smtplib.SMTPResponseException):
        return EmailError(EmailProblem.REJECTED, status=exc.smtp_code)
    # smtplib's errors are OSErrors, but the server answered: never "wrong address or port" (the OSError below).
    if type(exc) is smtplib.SMTPException:  # smtplib raises it bare when no login method offered is one it can do
        return EmailError(EmailProblem.NOT_SUPPORTED)
    if isinstance(exc, smtplib.SMTPException):
        return EmailError(EmailProblem.FAILED, detail=type(exc).__name__)
    if isinstance(exc, ssl.SSLError | ssl.CertificateError):
        return EmailError(EmailProblem.TLS_FAILED)
    if isinstance(exc, TimeoutError):
        return EmailError(EmailProblem.TIMED_OUT, seconds=_seconds(seconds), **where)
    if isinstance(exc, socket.gaierror):
        return EmailError(EmailProblem.NOT_FOUND, **where)
    if isinstance(exc, OSError):
        return EmailError(EmailProblem.UNREACHABLE, **where)
    return EmailError(EmailProblem.FAILED, detail=type(exc).__name__)


def _seconds(value: float) -> str:
    return f"{value:g}"


class SendGuard:
    """The deadline of one send, and the way to cut it short (at the deadline, or when the app quits).

    Cutting shuts the connection down: a read blocked on it returns at once, whatever smtplib was waiting for.
    The guard keeps its own duplicate of the socket for that, because STARTTLS and SMTP_SSL wrap the original
    socket into a new object; the duplicate still refers to the same connection.
    """

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._deadline = float("inf")
        self._seconds = 0.0
        self._host = ""
        self._cutter: socket.socket | None = None
        self._reason: EmailProblem | None = None
        self._finished = False

    @property
    def reason(self) -> EmailProblem | None:
        """Why the send was cut (TIMED_OUT, STOPPED), or None."""
        return self._reason

    def error(self) -> EmailError:
        """The failure a cut send ends with."""
        reason = self._reason or EmailProblem.TIMED_OUT
        if reason is EmailProblem.TIMED_OUT:
            return EmailError(reason, seconds=_seconds(self._seconds), host=self._host)
        return EmailError(reason)

    def cut(self, reason: EmailProblem = EmailProblem.STOPPED) -> None:
        """End the send now (any thread). A send that has not started yet will not start."""
        with self._lock:
            if self._reason is not None or self._finished:
                return
            self._reason = reason
            if self._cutter is not None:
                try:
                    self._cutter.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
        self._wake.set()

    def overdue(self) -> bool:
        """True once the send was cut or its time is up (a read that timed out just before the cut counts too)."""
        if self._reason is None and self._clock() >= self._deadline:
            self.cut(EmailProblem.TIMED_OUT)
        return self._reason is not None

    def left(self) -> float:
        """Seconds left before the deadline; raises if the send was cut or time is up."""
        if self._reason is not None:
            raise self.error()
        left = self._deadline - self._clock()
        if left <= 0:
            self.cut(EmailProblem.TIMED_OUT)
            raise self.error()
        return left

    @contextmanager
    def running(self, seconds: float, host: str = "") -> Iterator[None]:
        """The send runs inside this block: the deadline's timer is armed on entry and disarmed on exit."""
        with self._lock:
            if self._reason is not None:
                raise self.error()
            self._seconds = seconds
            self._host = host
            self._deadline = self._clock() + seconds
        timer = threading.Timer(seconds, self.cut, args=(EmailProblem.TIMED_OUT,))
        timer.name = "callshield-email-deadline"
        timer.daemon = True
        timer.start()
        try:
            yield
        finally:
            timer.cancel()
            timer.join()
            with self._lock:
                self._finished = True
                if self._cutter is not None:
                    self._cutter.close()
                    self._cutter = None

    def connect(self, host: str, port: int) -> socket.socket:
        """A connected socket, within the time left; from now on a cut shuts it down."""
        last: OSError | None = None
        for family, kind, proto, _name, address in self._resolve(host, port):
            sock = socket.socket(family, kind, proto)
            try:
                self._connect(sock, address)
                with self._lock:
                    if self._reason is not None:
                        raise self.error()
                    self._cutter = sock.dup()
                # each read is bounded too, a little past the deadline: the cut is what ends the send
                sock.settimeout(self.left() + READ_GRACE_S)
                return sock
            except EmailError:
                sock.close()
                raise
            except OSError as exc:
                sock.close()
                last = exc
        raise last or OSError(f"no address for {host}")

    def _connect(self, sock: socket.socket, address: Any) -> None:
        """Connect without blocking in connect(): a server that never answers it (a wrong port behind a firewall, a
        full accept queue) would hold a blocking connect until its timeout, and a cut cannot end that. The connect
        is waited for in short slices instead, each one checking for a cut or the deadline."""
        sock.setblocking(False)
        err = sock.connect_ex(address)
        if err in _CONNECTING:
            with selectors.DefaultSelector() as pending:
                pending.register(sock, selectors.EVENT_WRITE)  # writable once connected, or once it failed
                while not pending.select(min(self.left(), CONNECT_SLICE_S)):  # left() raises once cut or late
                    pass
            err = sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
        if err:
            raise OSError(err, os.strerror(err))  # ECONNREFUSED, ETIMEDOUT … become their OSError subclasses

    def _resolve(self, host: str, port: int) -> list[Any]:
        """``getaddrinfo`` within the time left; given up at the deadline or the quit (``left`` raises)."""
        from blocklists.subscriptions.fetch import resolve_interruptibly

        def wait(done: threading.Event) -> None:
            self._wake.wait(self.left())
            self.left()  # raises once cut or out of time

        return resolve_interruptibly(host, port, wait, "callshield-email-lookup", wake=self._wake)


def _ehlo_name(sock: socket.socket | None) -> str:
    """How EHLO names this machine: its address on the connection, as an address literal (RFC 5321 4.1.3). What
    smtplib does by default, asking DNS for the machine's full name (socket.getfqdn), is a wait nothing can cut."""
    if sock is None:
        return _EHLO_UNKNOWN
    address = str(sock.getsockname()[0]).partition("%")[0]  # an IPv6 zone (fe80::1%eth0) is not for the server
    return f"[IPv6:{address}]" if sock.family == socket.AF_INET6 else f"[{address}]"


# passed to smtplib so that it makes no lookup; replaced by _ehlo_name once connected
_EHLO_UNKNOWN = "[127.0.0.1]"


class _GuardedSMTP(smtplib.SMTP):
    """smtplib.SMTP whose connection is made, and can be cut, by a :class:`SendGuard`."""

    def __init__(self, guard: SendGuard, host: str, port: int) -> None:
        self._guard = guard
        super().__init__(host, port, local_hostname=_EHLO_UNKNOWN)
        self.local_hostname = _ehlo_name(self.sock)

    def _get_socket(self, host: str, port: int, timeout: float | None) -> socket.socket:
        return self._guard.connect(host, port)


class _GuardedSMTPSSL(smtplib.SMTP_SSL):
    def __init__(self, guard: SendGuard, host: str, port: int, context: ssl.SSLContext) -> None:
        self._guard = guard
        super().__init__(host, port, local_hostname=_EHLO_UNKNOWN, context=context)
        self.local_hostname = _ehlo_name(self.sock)

    def _get_socket(self, host: str, port: int, timeout: float | None) -> socket.socket:
        return self.context.wrap_socket(self._guard.connect(host, port), server_hostname=host)


MESSAGE_ID_DOMAIN = "callshield.local"


class AlertMail:
    """One alert e-mail of a call: made on the GUI thread when the alert is raised, sent on the e-mail lane.

    Its Message-ID and subject are fixed when it is made, so that a correction can thread under it. ``sent`` and
    ``withdrawn`` are written and read on the e-mail lane only (one worker, in order): a withdrawal queued after
    the alert runs after the alert's send has ended, and finds out there whether the alert went out. ``claim`` is
    the GUI thread's: the withdrawal queued for it, if any."""

    def __init__(self, alert: Alert, lang: str) -> None:
        self.alert = alert
        self.lang = lang
        self.subject = alert_subject(alert, lang)
        self.message_id = make_msgid(domain=MESSAGE_ID_DOMAIN)
        self.sent = False  # the server accepted it (e-mail lane)
        # A correction was sent, or tried, for it, and no follow-up said since that the warning stands: never a
        # second correction meanwhile (e-mail lane).
        self.withdrawn = False
        self.claim: WithdrawalMail | None = None  # GUI thread


class WithdrawalMail:
    """The correction for a call's alert e-mails (:class:`AlertMail`, in the order they were queued): sent on the
    e-mail lane after them, only for those that went out and were not corrected before, and not at all when it was
    called off (the warning stands again) before its turn came. ``queued`` (GUI thread): it is on the e-mail lane,
    past the grace period it is held for first; ``replied`` and ``message_id`` (e-mail lane): the alert e-mails it
    answered and its own Message-ID, once the server took it."""

    def __init__(self, withdrawal: Withdrawal, mails: Sequence[AlertMail]) -> None:
        self.withdrawal = withdrawal
        self.mails = tuple(mails)
        self.called_off = threading.Event()  # set on the GUI thread, read on the e-mail lane
        self.queued = False  # GUI thread
        self.replied: tuple[AlertMail, ...] = ()  # e-mail lane
        self.message_id = ""  # e-mail lane: set once the server accepted the correction


class ReinstatementMail:
    """The follow-up to a correction (:class:`WithdrawalMail`) whose warning stands again: sent on the e-mail lane
    after it, only if that correction went out, and at most once for it."""

    def __init__(self, reinstatement: Reinstatement, correction: WithdrawalMail) -> None:
        self.reinstatement = reinstatement
        self.correction = correction


def alert_subject(alert: Alert, lang: str = "zh") -> str:
    if alert.source == "test":
        return "CallShield test e-mail" if lang == "en" else "来电护盾测试邮件"
    return alert.title(lang)


def build_email(config: SmtpSettings, alert: Alert, lang: str = "zh", message_id: str = "") -> EmailMessage:
    msg = _message(config, alert_subject(alert, lang), message_id)
    msg["X-CallShield-Level"] = alert.level.name
    msg.set_content(alert.body(lang) if alert.source != "test" else "\n".join(alert.reason_texts(lang)))
    return msg


def build_withdrawal_email(config: SmtpSettings, withdrawal: Withdrawal, replied: Sequence[AlertMail]) -> EmailMessage:
    """The correction, a reply to the last of ``replied`` (the alert e-mails that went out): "Re:" its subject, in
    its language, with In-Reply-To and References so that the family's mail program shows it under the alert."""
    last = replied[-1]
    msg = _message(config, f"Re: {last.subject}", "")
    msg["In-Reply-To"] = last.message_id
    msg["References"] = " ".join(mail.message_id for mail in replied)
    msg.set_content(withdrawal.body(last.lang))
    return msg


def build_reinstatement_email(
    config: SmtpSettings, reinstatement: Reinstatement, correction: WithdrawalMail
) -> EmailMessage:
    """The follow-up, a reply to the correction that went out (``correction.message_id``): the same "Re:" subject,
    in the alert e-mail's language, In-Reply-To the correction and References the whole thread."""
    last = correction.replied[-1]
    msg = _message(config, f"Re: {last.subject}", "")
    msg["In-Reply-To"] = correction.message_id
    msg["References"] = " ".join([*(mail.message_id for mail in correction.replied), correction.message_id])
    msg.set_content(reinstatement.body(last.lang))
    return msg


def _message(config: SmtpSettings, subject: str, message_id: str) -> EmailMessage:
    msg = EmailMessage()
    msg["Subject"] = subject
    msg["From"] = config.sender or config.user
    msg["To"] = ", ".join(config.recipients)
    msg["Date"] = formatdate(localtime=True)
    msg["Message-ID"] = message_id or make_msgid(domain=MESSAGE_ID_DOMAIN)
    return msg


def send_alert_email(
    config: SmtpSettings,
    alert: Alert,
    lang: str = "zh",
    *,
    guard: SendGuard | None = None,
    deadline_s: float | None = None,
) -> str:
    """Send one message with smtplib (runs in a worker), all of it within ``deadline_s`` (``SMTP_TIMEOUT_S``).

    Returns the Message-ID. Raises :class:`EmailError` on failure. ``guard`` lets the caller cut the send (quit)."""
    return send_alert_mail(config, AlertMail(alert, lang), guard=guard, deadline_s=deadline_s)


def send_alert_mail(
    config: SmtpSettings, mail: AlertMail, *, guard: SendGuard | None = None, deadline_s: float | None = None
) -> str:
    """:func:`send_alert_email` for an :class:`AlertMail` (e-mail lane): once the server took it, ``mail.sent``."""
    _deliver(config, build_email(config, mail.alert, mail.lang, mail.message_id), guard, deadline_s)
    mail.sent = True
    return mail.message_id


def send_withdrawal_email(
    config: SmtpSettings, pending: WithdrawalMail, *, guard: SendGuard | None = None, deadline_s: float | None = None
) -> str:
    """Send the correction (e-mail lane, after the alert e-mails it follows), within the same deadline as an alert.

    Returns its Message-ID, or "" when nothing was sent: none of the alert e-mails went out (failed, cut), each that
    did was corrected before, or the correction was called off. Each alert e-mail is corrected at most once, even
    when this send fails. Raises :class:`EmailError` on failure."""
    replied = [mail for mail in pending.mails if mail.sent and not mail.withdrawn]
    if not replied or pending.called_off.is_set():
        return ""
    for mail in replied:
        mail.withdrawn = True
    msg = build_withdrawal_email(config, pending.withdrawal, replied)
    pending.replied = tuple(replied)
    _deliver(config, msg, guard, deadline_s)
    pending.message_id = str(msg["Message-ID"])
    return pending.message_id


def send_reinstatement_email(
    config: SmtpSettings, pending: ReinstatementMail, *, guard: SendGuard | None = None, deadline_s: float | None = None
) -> str:
    """Send the follow-up "the warning stands" (e-mail lane, after the correction it answers), within the same
    deadline as an alert.

    Returns its Message-ID, or "" when nothing was sent: the correction did not go out (called off in time, failed,
    cut, or nothing to correct). Once the server took the follow-up, the alert e-mails may be corrected again (the
    family was last told that their warning stands). Raises :class:`EmailError` on failure."""
    correction = pending.correction
    if not correction.message_id:
        return ""
    msg = build_reinstatement_email(config, pending.reinstatement, correction)
    _deliver(config, msg, guard, deadline_s)
    for mail in correction.replied:
        mail.withdrawn = False
    return str(msg["Message-ID"])


def _deliver(config: SmtpSettings, msg: EmailMessage, guard: SendGuard | None, deadline_s: float | None) -> None:
    if not config.host or not config.recipients:
        raise EmailError(EmailProblem.NOT_CONFIGURED)
    guard = guard or SendGuard()
    seconds = SMTP_TIMEOUT_S if deadline_s is None else deadline_s
    with guard.running(seconds, config.host):
        try:
            _send(config, msg, guard)
        except Exception as exc:
            if guard.overdue():  # cut: the error that caused (a closed connection) says nothing useful
                raise guard.error() from exc
            raise email_problem(exc, config, seconds) from exc


def _send(config: SmtpSettings, msg: EmailMessage, guard: SendGuard) -> None:
    context = ssl.create_default_context()
    smtp: smtplib.SMTP
    if config.tls == "ssl":
        smtp = _GuardedSMTPSSL(guard, config.host, config.port, context)
    else:
        smtp = _GuardedSMTP(guard, config.host, config.port)
    with smtp:
        smtp.ehlo()
        if config.tls == "starttls":
            smtp.starttls(context=context)
            smtp.ehlo()
        if config.user:
            smtp.login(config.user, config.password)
        smtp.send_message(msg)
