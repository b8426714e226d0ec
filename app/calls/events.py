"""What every call source produces: a frozen :class:`CallEvent`, plus status reports.

Plain Python, no Qt: sources run in their own worker threads and hand these objects to callbacks.
The app's Qt bridge (desktop issue) turns the callbacks into signals.

A caller who withholds the number, a number the network could not deliver, and a ring that came
with no caller ID at all are all *calls*: they get a CallEvent with an empty ``raw_number`` and a
:class:`CallerId` saying why, never an exception.
"""

from __future__ import annotations

import contextlib
import enum
import logging
import select
import socket
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from types import MappingProxyType
from typing import Any, Literal

from screening.i18n import Message, MessageCode
from screening.privacy import mask_numbers_in_text

log = logging.getLogger(__name__)

SourceKind = Literal["modem", "ncid", "manual", "sip"]

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    """The default clock: an aware UTC timestamp."""
    return datetime.now(timezone.utc)


class CallerId(enum.Enum):
    """Whether a number came with the call, and if not, why (value, zh, en)."""

    PRESENT = ("present", "有号码", "number present")
    WITHHELD = ("withheld", "对方隐藏了号码", "number withheld by the caller")
    UNAVAILABLE = ("unavailable", "号码无法获取（境外或不支持来电显示的线路）", "number unavailable (out of area)")
    NONE = ("none", "振铃但没有来电显示", "ringing without caller ID")

    @property
    def code(self) -> str:
        return str(self.value[0])

    def label(self, lang: str = "zh") -> str:
        return str(self.value[2] if lang.startswith("en") else self.value[1])


@dataclass(frozen=True)
class CallEvent:
    """One incoming call, as any source reports it.

    ``line`` identifies the phone line (a modem's line id, the NCID ``LINE`` field, ``manual``);
    ``raw_number`` is the number exactly as delivered (empty when there is none, see ``caller_id``);
    ``received_at`` is when *we* learned of the call (aware UTC); ``extra`` carries source-specific
    details (modem DATE/TIME/MESG, NCID label, the call id used for hang-up requests).
    """

    line: str
    raw_number: str
    name: str | None
    received_at: datetime
    source: SourceKind
    extra: Mapping[str, Any] = field(default_factory=dict)
    caller_id: CallerId = CallerId.PRESENT

    def __post_init__(self) -> None:
        if self.received_at.tzinfo is None:
            raise ValueError("CallEvent.received_at must be timezone-aware")
        # Freeze the mapping too, so that listeners on other threads cannot change what others see.
        object.__setattr__(self, "extra", MappingProxyType(dict(self.extra)))

    def __hash__(self) -> int:  # ``extra`` is a read-only mapping, which is not hashable itself
        return hash((self.line, self.raw_number, self.name, self.received_at, self.source, self.caller_id))

    @property
    def has_number(self) -> bool:
        return self.caller_id is CallerId.PRESENT and bool(self.raw_number.strip())

    def display_number(self, lang: str = "zh") -> str:
        """The number, or the reason there is none, for printing."""
        return self.raw_number if self.has_number else self.caller_id.label(lang)


@dataclass(frozen=True)
class CallEnded:
    """Ringing stopped or the call ended (modem ring timeout, NCID ``CIDINFO: RING 0`` / ``END:``)."""

    line: str
    source: SourceKind
    received_at: datetime
    reason: str  # ring_stopped | no_pickup | after_pickup | busy | auto_hangup | end
    extra: Mapping[str, Any] = field(default_factory=dict)


class SourceState(enum.Enum):
    STARTING = "starting"
    SEARCHING = "searching"
    CONNECTED = "connected"
    DISCONNECTED = "disconnected"
    STOPPED = "stopped"


class Severity(enum.Enum):
    INFO = "info"
    WARNING = "warning"
    ERROR = "error"


class SourceMessage(MessageCode):
    """Everything a call source tells the user about itself (zh, en)."""

    STARTING = ("正在启动来电来源：{source}", "starting call source: {source}")
    STOPPED = ("来电来源已停止：{source}", "call source stopped: {source}")
    INTERNAL_ERROR = (
        "来电来源 {source} 内部出错：{error}（将自动重试）",
        "call source {source} failed: {error} (retrying)",
    )
    # Modem
    MODEM_SEARCHING = (
        "正在查找来电显示调制解调器（{count} 个端口）…",
        "looking for a caller-ID modem ({ports_en})…",
    )
    MODEM_NOT_FOUND = (
        "没有找到来电显示调制解调器（已检查 {count} 个端口）。请检查是否插好，{retry} 秒后重试",
        "no caller-ID modem found ({ports_en} checked). Check that it is plugged in; retrying in {retry} s",
    )
    MODEM_PORT_GONE = (
        "串口 {port} 不存在：调制解调器没插好（或已拔出），或串口名不对。{retry} 秒后重试",
        "serial port {port} does not exist: the modem is not plugged in (or was unplugged), or the port name is "
        "wrong. Retrying in {retry} s",
    )
    MODEM_PORT_DENIED = (
        "没有权限打开串口 {port}（Linux 上要把当前用户加入 dialout 组，再重新登录）。{retry} 秒后重试",
        "no permission to open serial port {port} (on Linux, add the user to the dialout group and log in again). "
        "Retrying in {retry} s",
    )
    MODEM_PORT_BUSY = (
        "串口 {port} 被别的程序占用（另一个来电护盾或拨号程序？）。{retry} 秒后重试",
        "serial port {port} is in use by another program (another CallShield, or a dialler?). Retrying in {retry} s",
    )
    MODEM_PORT_MISSING = (
        "串口 {port} 不存在或无法打开（{error}），{retry} 秒后重试",
        "serial port {port} is missing or cannot be opened ({error}); retrying in {retry} s",
    )
    MODEM_CONNECTED = ("已连接来电显示调制解调器：{model}（{port}）", "caller-ID modem connected: {model} ({port})")
    MODEM_NOT_RESPONDING = (
        "{port} 上的设备不回应命令 {command}，不像调制解调器",
        "the device on {port} does not answer {command}; it does not look like a modem",
    )
    MODEM_NO_CALLER_ID = (
        "调制解调器拒绝开启来电显示（{command}），可能不支持来电显示",
        "the modem refused to enable caller ID ({command}); it may not support caller ID",
    )
    MODEM_COUNTRY_REJECTED = (
        "调制解调器不接受国家代码设置 AT+GCI={country}，沿用其默认设置",
        "the modem rejected the country code AT+GCI={country}; keeping its default",
    )
    MODEM_LOST = (
        "调制解调器 {port} 已断开（被拔出？），正在等待重新连接",
        "modem on {port} disconnected (unplugged?); waiting for it to come back",
    )
    MODEM_GARBLED = (
        "调制解调器发来无法识别的数据（已忽略）：{text}",
        "ignored unreadable data from the modem: {text}",
    )
    HANGUP_DONE = ("已自动挂断来电 {number}", "hung up on {number}")
    HANGUP_FAILED = ("自动挂断 {number} 失败：{error}", "could not hang up on {number}: {error}")
    HANGUP_TOO_LATE = ("来电 {number} 已结束，无需挂断", "call from {number} already over; nothing to hang up")
    HANGUP_UNSUPPORTED = ("来源 {source} 不能挂断电话", "source {source} cannot hang up calls")
    # NCID
    NCID_CONNECTING = ("正在连接 NCID 服务器 {host}:{port}…", "connecting to NCID server {host}:{port}…")
    NCID_CONNECTED = (
        "已连接 NCID 服务器 {host}:{port}（{server}，API {api}）",
        "connected to NCID server {host}:{port} ({server}, API {api})",
    )
    NCID_UNREACHABLE = (
        "无法连接 NCID 服务器 {host}:{port}（{error}），{retry} 秒后重试",
        "cannot reach NCID server {host}:{port} ({error}); retrying in {retry} s",
    )
    NCID_LOST = (
        "与 NCID 服务器 {host}:{port} 的连接断开（{error}），{retry} 秒后重连",
        "lost the NCID server {host}:{port} ({error}); reconnecting in {retry} s",
    )
    NCID_BAD_LINE = ("NCID 服务器发来无法识别的一行（已忽略）：{text}", "ignored an unreadable line from NCID: {text}")
    NCID_BLOCK_PUSHED = ("已把 {number} 加入 NCID 服务器黑名单", "added {number} to the NCID server's blacklist")
    NCID_BLOCK_FAILED = ("NCID 服务器拒绝拉黑 {number}：{error}", "the NCID server refused to block {number}: {error}")
    NCID_BLOCK_QUEUED = (
        "NCID 服务器未连接，{number} 将在连接后加入黑名单",
        "NCID server not connected; {number} will be blocked there once it is",
    )
    # Manual
    MANUAL_READY = ("手动输入已就绪", "manual entry ready")
    MANUAL_EMPTY = ("请输入来电号码", "please enter the caller's number")
    MANUAL_TOO_LONG = (
        "号码太长（{length} 个字符，最多 {limit} 个）",
        "number too long ({length} characters, at most {limit})",
    )


@dataclass(frozen=True)
class SourceStatus:
    """A status report from a source: what state it is in and a translatable message."""

    source: SourceKind
    state: SourceState
    message: Message
    at: datetime
    severity: Severity = Severity.INFO
    line: str = ""  # the line of a source that is one of several of its kind (a hotline's second modem), else ""

    def render(self, lang: str = "zh") -> str:
        return self.message.render(lang)


CallCallback = Callable[[CallEvent], None]
StatusCallback = Callable[[SourceStatus], None]
EndCallback = Callable[[CallEnded], None]


class SourceBase:
    """Shared plumbing: a stop Event, one worker thread, callbacks that can never kill the worker."""

    kind: SourceKind = "manual"
    status_line = ""  # said with each status where several sources of a kind run (``ModemSource`` names its line)

    def __init__(
        self,
        on_call: CallCallback,
        on_status: StatusCallback | None = None,
        on_end: EndCallback | None = None,
        clock: Clock = utc_now,
    ) -> None:
        self._on_call = on_call
        self._on_status = on_status
        self._on_end = on_end
        self._clock = clock
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._status_lock = threading.Lock()
        self._unreadable_reported_at = 0.0
        self._status = SourceStatus(
            self.kind, SourceState.STOPPED, Message(SourceMessage.STOPPED, {"source": self.kind}), clock()
        )

    # -- lifecycle -------------------------------------------------------------------------------
    def start(self) -> None:
        if self._thread is not None and self._thread.is_alive():
            return
        self._stop.clear()
        self._report(SourceState.STARTING, SourceMessage.STARTING, source=self.kind)
        self._thread = threading.Thread(target=self._run_guarded, name=f"callshield-{self.kind}", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        self._wake()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout)
        self._thread = None

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    @property
    def status(self) -> SourceStatus:
        with self._status_lock:
            return self._status

    # -- hooks for subclasses --------------------------------------------------------------------
    def _run(self) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def _wake(self) -> None:
        """Interrupt a blocking wait in the worker (overridden by sources that block on I/O)."""

    def handles(self, event: CallEvent) -> bool:
        """Whether ``event`` came in through this source (a modem answers for its own line only)."""
        return True

    def request_hangup(self, event: CallEvent) -> bool:
        """Ask the source to hang up on this call. Returns False when the source cannot."""
        self._report(self.status.state, SourceMessage.HANGUP_UNSUPPORTED, severity=Severity.WARNING, source=self.kind)
        return False

    # -- helpers ---------------------------------------------------------------------------------
    def _run_guarded(self) -> None:
        while not self._stop.is_set():
            try:
                self._run()
                break
            except Exception as exc:  # a bug must not kill the source silently (STYLE §2.6)
                log.exception("call source %s crashed; restarting", self.kind)
                self._report(
                    SourceState.DISCONNECTED,
                    SourceMessage.INTERNAL_ERROR,
                    severity=Severity.ERROR,
                    source=self.kind,
                    error=f"{type(exc).__name__}: {exc}",
                )
                self._stop.wait(1.0)
        self._report(SourceState.STOPPED, SourceMessage.STOPPED, source=self.kind)

    def _report(
        self, state: SourceState, code: MessageCode, severity: Severity = Severity.INFO, **params: Any
    ) -> SourceStatus:
        status = SourceStatus(self.kind, state, Message(code, params), self._clock(), severity, self.status_line)
        with self._status_lock:
            self._status = status
        if self._on_status is not None:
            try:
                self._on_status(status)
            except Exception:  # a listener's bug must not stop the source
                log.exception("status listener failed")
        return status

    def _report_unreadable(self, code: MessageCode, text: str, width: int = 80) -> None:
        """Report data the source cannot read (printable part, cut to ``width``, phone numbers masked: the status
        line is shown on screen and kept), once a second at most."""
        shown = mask_numbers_in_text("".join(ch if ch.isprintable() else "?" for ch in text))[:width]
        now = time.monotonic()
        if now - self._unreadable_reported_at >= 1.0:  # one report per second is enough for a noisy line
            self._unreadable_reported_at = now
            self._report(self.status.state, code, severity=Severity.WARNING, text=shown)

    def _emit(self, event: CallEvent) -> None:
        try:
            self._on_call(event)
        except Exception:
            log.exception("call listener failed")

    def _emit_end(self, ended: CallEnded) -> None:
        if self._on_end is None:
            return
        try:
            self._on_end(ended)
        except Exception:
            log.exception("call-end listener failed")


class WakeSocketSource(SourceBase):
    """A source whose worker waits in ``select()`` on a socket: ``_wake()`` interrupts the wait.

    The wake-up is a socket pair, not a pipe: ``select()`` on Windows only takes sockets.
    """

    def __init__(
        self,
        on_call: CallCallback,
        on_status: StatusCallback | None = None,
        on_end: EndCallback | None = None,
        clock: Clock = utc_now,
    ) -> None:
        super().__init__(on_call, on_status, on_end, clock)
        self._wake_lock = threading.Lock()
        self._wake_r: socket.socket | None = None
        self._wake_w: socket.socket | None = None

    def start(self) -> None:
        with self._wake_lock:
            if self._wake_r is None:
                self._wake_r, self._wake_w = socket.socketpair()
                self._wake_r.setblocking(False)
        super().start()

    def stop(self, timeout: float = 5.0) -> None:
        super().stop(timeout)
        if not self.running:
            with self._wake_lock:
                for sock in (self._wake_r, self._wake_w):
                    if sock is not None:
                        sock.close()
                self._wake_r = self._wake_w = None

    def _wake(self) -> None:
        with self._wake_lock:
            wake = self._wake_w
            if wake is None:
                return
            with contextlib.suppress(OSError):
                wake.send(b"x")

    def _wait_readable(self, sock: socket.socket, timeout: float) -> bool:
        """Wait until ``sock`` has data, ``_wake()`` is called or ``timeout`` passes; True when ``sock`` has data."""
        wake_r = self._wake_r
        assert wake_r is not None, "start() creates the wake-up socket"
        readable, _, _ = select.select([sock, wake_r], [], [], timeout)
        if wake_r in readable:
            with contextlib.suppress(BlockingIOError):
                wake_r.recv(4096)
        return sock in readable
