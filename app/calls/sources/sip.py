"""SIP lines through baresip: a caller-ID source that can also refuse blocked callers.

CallShield does not speak SIP itself. It starts (or attaches to) a baresip user agent and drives it
over baresip's ``ctrl_tcp`` module: netstring-framed JSON, ``{"command": …, "params": …, "token": …}``
from us, ``{"event": true, "type": "CALL_INCOMING", "peeruri": …, "id": …}`` events and
``{"response": true, …}`` replies from baresip.

* ``CALL_INCOMING`` becomes the usual :class:`CallEvent` (source ``sip``, line = the SIP account).
  The number is the P-Asserted-Identity when the INVITE carried one (read from baresip's SIP trace,
  which we only have when we started baresip ourselves), else the user part of the peer URI.
* The call is *held* until the CallController has screened it. When the controller asks for a
  hang-up (automatic hang-up on, verdict at or above its level), baresip rejects the INVITE
  (SIP ``486``) before the call rings on our side; otherwise the call rings through (and is
  answered at once when ``auto_answer`` is set, for test calls). A verdict that does not arrive
  within ``hold_timeout_s`` rings through anyway: a bug must never swallow a call.
* Registration is followed from baresip's events and output: server not answering, registration
  refused, wrong password each get their own message.
* If baresip dies (killed, crashed), calls in progress are reported as ended (``line_lost``), the
  worker restarts it with exponential backoff, and nothing recorded so far is lost (the history rows
  are written by the controller as each call arrives).

baresip 1.0 (Debian 11/12) sends ``180 Ringing`` to the caller as soon as the INVITE arrives and its
``hangup`` command always answers ``486``; that is what the caller's network sees. Its ``hangup`` and
``accept`` act on "the current call", so each line takes one call at a time (a second caller hears busy).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import queue
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any
from urllib.parse import unquote

from app.calls.events import (
    CallCallback,
    CallEnded,
    CallerId,
    CallEvent,
    Clock,
    EndCallback,
    Severity,
    SourceState,
    SourceStatus,
    StatusCallback,
    WakeSocketSource,
    utc_now,
)
from app.calls.sources.modem import classify_number
from screening.i18n import Message, MessageCode
from screening.privacy import mask_number, mask_numbers_in_text
from speech.loopback import stop_process

log = logging.getLogger(__name__)

# Where installers put baresip when it is not on PATH (Windows zip/installer, Homebrew on Apple/Intel Macs).
COMMON_LOCATIONS: tuple[str, ...] = (
    r"C:\Program Files\baresip\baresip.exe",
    r"C:\Program Files (x86)\baresip\baresip.exe",
    "/opt/homebrew/bin/baresip",
    "/usr/local/bin/baresip",
    "/usr/bin/baresip",
)
MODULE_DIRS: tuple[str, ...] = (
    "/usr/lib/baresip/modules",
    "/usr/lib64/baresip/modules",
    "/usr/local/lib/baresip/modules",
    "/opt/homebrew/lib/baresip/modules",
)
_PHONE_CHARS = re.compile(r"^[+0-9*#()\-. ]+$")
_REG_FAIL_RE = re.compile(r"reg: (sip:\S+): (\d{3}) ([^(\r\n]*)")
_REG_OK_RE = re.compile(r"\{\d+/\w+/v\d\} 200 ")
_REQUEST_LINE_RE = re.compile(r"^[A-Z]+ \S+ SIP/2\.0$")
_ERR_LINE_RE = re.compile(r"(Address already in use|init failed|could not|cannot|failed)", re.IGNORECASE)


class SipMessage(MessageCode):
    """What the SIP line tells the user about itself (zh, en)."""

    NOT_INSTALLED = (
        "没有找到 baresip（{program}）。请先安装 baresip（见说明书“SIP 线路”一节），{retry} 秒后重试",
        "baresip was not found ({program}). Install baresip (see “SIP lines” in the README); retrying in {retry} s",
    )
    STARTING = ("正在启动 baresip（{program}）…", "starting baresip ({program})…")
    START_FAILED = (
        "baresip 启动失败：{error}。{retry} 秒后重试",
        "baresip failed to start: {error}; retrying in {retry} s",
    )
    CTRL_UNREACHABLE = (
        "无法连接 baresip 控制端口 {host}:{port}（{error}），{retry} 秒后重试",
        "cannot reach baresip's control port {host}:{port} ({error}); retrying in {retry} s",
    )
    READY = ("SIP 线路 {line} 已就绪（不注册，直接接听）", "SIP line {line} ready (no registration, direct calls)")
    REGISTERING = ("正在向 SIP 服务器注册 {line}…", "registering {line} with the SIP server…")
    REGISTERED = ("SIP 线路 {line} 已注册，可以接听来电", "SIP line {line} registered; ready for calls")
    SERVER_NO_ANSWER = (
        "SIP 服务器 {server} 没有应答（{seconds} 秒）。请检查服务器地址和网络，仍在重试",
        "the SIP server {server} does not answer ({seconds} s). Check the address and the network; still trying",
    )
    WRONG_PASSWORD = (
        "SIP 服务器拒绝了 {line} 的密码（{status}）。请在设置中检查用户名和密码",
        "the SIP server rejected the password for {line} ({status}). Check the user name and password in Settings",
    )
    REGISTER_REFUSED = (
        "SIP 服务器拒绝注册 {line}（{status}）。请检查账号是否正确、是否已开通",
        "the SIP server refused to register {line} ({status}). Check that the account exists and is enabled",
    )
    BARESIP_EXITED = (
        "baresip 意外退出（{error}）。已记录的来电都保留，{retry} 秒后重新启动",
        "baresip stopped unexpectedly ({error}). Calls recorded so far are kept; restarting in {retry} s",
    )
    CTRL_LOST = (
        "与 baresip 的连接断开（{error}），{retry} 秒后重连",
        "lost the connection to baresip ({error}); reconnecting in {retry} s",
    )
    REJECTED = ("已拒接 {number}（SIP 486，未振铃）", "refused the call from {number} (SIP 486, before ringing)")
    RING_THROUGH = ("来电 {number} 已放行，正在振铃", "call from {number} allowed; ringing")
    ANSWERED = ("已自动接听 {number}", "answered the call from {number}")
    TOO_LATE = ("来电 {number} 已结束，无需拒接", "call from {number} already over; nothing to refuse")
    BAD_SETTING = (
        "SIP 设置“{field}”里有不能用的字符（换行、分号或尖括号），请在设置中修改。{retry} 秒后重试",
        "the SIP setting “{field}” contains a character that cannot be used (line break, ; or <>); "
        "please change it in Settings. Retrying in {retry} s",
    )
    BAD_MESSAGE = ("baresip 发来无法识别的数据（已忽略）：{text}", "ignored unreadable data from baresip: {text}")


@dataclass(frozen=True)
class SipConfig:
    """One SIP line (the settings page edits these; the password is stored like the SMTP password)."""

    account: str = ""  # the line's SIP address, e.g. "sip:8001@sip.example.com" or "sip:line1@127.0.0.1:5071"
    password: str = field(default="", repr=False)
    register: bool = True  # False: no registrar, callers dial this address directly
    auth_user: str = ""  # when the provider's login name differs from the user part of the address
    transport: str = "udp"
    listen: str = "0.0.0.0:5060"  # baresip's sip_listen (SIP also binds TLS on port + 1)
    program: str = "baresip"  # name on PATH or a full path
    attach: str = ""  # "host:port" of a baresip already running with ctrl_tcp; empty: we start our own
    ctrl_port: int = 0  # ctrl_tcp port for the baresip we start (0: pick a free one)
    work_dir: str = ""  # where our baresip config lives (empty: a private temporary folder)
    auto_answer: bool = False  # answer allowed calls at once (test calls, unattended listening)
    hold_timeout_s: float = 3.0  # ring through if no verdict arrives within this time
    register_timeout_s: float = 10.0  # report a silent server after this long (baresip keeps trying)
    register_interval_s: int = 600
    sip_trace: bool = True  # read INVITEs from baresip's output (P-Asserted-Identity, display name)
    # the provider writes every caller in E.164 (+86 21 6123 4567, +86 95588): read them as dialled at home, or each
    # domestic caller reads as a call from abroad and the real 95588 as the spoof of it (a hotline trial)
    home_e164: bool = False
    audio_lines: tuple[str, ...] = ()  # extra baresip config lines for audio (audio_player, audio_source, …)
    record_dir: str = ""  # both sides of each answered call written here as they happen (baresip's sndfile)
    startup_timeout_s: float = 5.0
    backoff_initial_s: float = 1.0
    backoff_max_s: float = 60.0

    @property
    def line(self) -> str:
        """How the line is named in the history: the account without ``sip:`` and parameters."""
        return account_label(self.account)


def account_label(uri: str) -> str:
    text = uri.strip().strip("<>")
    text = re.sub(r"^sips?:", "", text, flags=re.IGNORECASE)
    return text.split(";", 1)[0] or "sip"


def find_baresip(program: str = "baresip", locations: Sequence[str] = COMMON_LOCATIONS) -> str | None:
    """The baresip executable: a path that exists, the name on PATH, or a usual install location."""
    if os.sep in program or (os.altsep and os.altsep in program):
        return program if os.path.isfile(program) and os.access(program, os.X_OK) else None
    found = shutil.which(program)
    if found:
        return found
    for candidate in locations:
        if os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    return None


def uri_user(uri: str) -> tuple[str, str | None]:
    """``"Bank" <sip:+8613800138000@host;user=phone>`` → (``+8613800138000``, ``Bank``); tel: URIs too."""
    text = uri.strip()
    name: str | None = None
    display = re.match(r'^\s*"([^"]*)"\s*<', text) or re.match(r"^\s*([^<\"]+?)\s*<", text)
    if display:
        name = display.group(1).strip() or None
    inner = re.search(r"<([^>]*)>", text)
    if inner:
        text = inner.group(1)
    text = text.split(";", 1)[0] if text.lower().startswith("tel:") else text
    match = re.match(r"^(?:sips?|tel):([^@;?>]*)", text.strip(), flags=re.IGNORECASE)
    user = unquote(match.group(1)) if match else ""
    user = user.split(";", 1)[0]
    return user, name


def caller_from(peer_uri: str, pai: str | None = None, display: str | None = None) -> tuple[str, CallerId, str | None]:
    """The caller's number, caller-ID status and name: P-Asserted-Identity first, then the peer URI."""
    for candidate in (pai, peer_uri):
        if not candidate:
            continue
        user, name = uri_user(candidate)
        name = name or display
        if user and _PHONE_CHARS.match(user) and any(ch.isdigit() for ch in user):
            return user.strip(), CallerId.PRESENT, name
        if user:
            number, status = classify_number(user)
            if status is not CallerId.PRESENT:
                return "", status, name
            if candidate is peer_uri:  # a SIP name, not a number (sip:alice@…)
                return "", CallerId.UNAVAILABLE, name or user
    return "", CallerId.UNAVAILABLE, display


_HOME_PREFIXES = ("+86", "0086")


def as_dialled_at_home(number: str) -> str:
    """A caller written in E.164 by a provider that writes every caller so (``SipConfig.home_e164``), as it shows on a
    phone at home: +86 21 6123 4567 → 02161234567, +86 139 1234 5678 → 13912345678, +86 95588 → 95588. A number from
    another country keeps its country code."""
    digits = re.sub(r"[\s\-().]", "", number)
    for prefix in _HOME_PREFIXES:
        if digits.startswith(prefix):
            rest = digits[len(prefix) :]
            break
    else:
        return number
    import phonenumbers

    try:
        parsed = phonenumbers.parse("+86" + rest)
    except phonenumbers.NumberParseException:
        return rest
    if phonenumbers.is_valid_number(parsed):  # a landline takes its trunk 0 back
        return re.sub(r"\D", "", phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL))
    return rest  # a short or service number (95588, 10086, 12345) is dialled as it is


# -- netstrings -------------------------------------------------------------------------------------
def netstring(payload: dict[str, Any]) -> bytes:
    data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    return str(len(data)).encode("ascii") + b":" + data + b","


class NetstringError(ValueError):
    pass


def read_netstrings(buf: bytearray, limit: int = 1 << 20) -> Iterator[bytes]:
    """Take every complete netstring off the front of ``buf`` (leaving a partial one in place)."""
    while buf:
        colon = buf.find(b":")
        if colon < 0:
            if len(buf) > 12:
                raise NetstringError(bytes(buf[:40]).decode("ascii", "replace"))
            return
        head = bytes(buf[:colon])
        if not head.isdigit() or len(head) > 9:
            raise NetstringError(bytes(buf[:40]).decode("ascii", "replace"))
        size = int(head)
        if size > limit:
            raise NetstringError(f"netstring of {size} bytes")
        end = colon + 1 + size
        if len(buf) < end + 1:
            return
        if buf[end : end + 1] != b",":
            raise NetstringError(bytes(buf[: min(len(buf), 40)]).decode("utf-8", "replace"))
        payload = bytes(buf[colon + 1 : end])
        del buf[: end + 1]
        yield payload


# -- baresip configuration --------------------------------------------------------------------------
def module_path() -> str | None:
    for folder in MODULE_DIRS:
        if os.path.isfile(os.path.join(folder, "ctrl_tcp.so")):
            return folder
    return None


class SipConfigError(ValueError):
    """A setting that cannot go into baresip's files as it is (the settings page shows it)."""


def _clean(name: str, value: str, forbidden: str = "") -> str:
    """Values go into baresip's line-based config: a line break would smuggle in a second line."""
    if any(ord(ch) < 32 for ch in value) or any(ch in value for ch in forbidden):
        raise SipConfigError(name)
    return value


def account_line(cfg: SipConfig) -> str:
    params = [f"regint={cfg.register_interval_s if cfg.register else 0}"]
    if cfg.password:
        params.append(f"auth_pass={_clean('password', cfg.password, ';')}")
    if cfg.auth_user:
        params.append(f"auth_user={_clean('auth_user', cfg.auth_user, ';<>')}")
    uri = _clean("account", cfg.account.strip(), "<> ").strip("<>")
    if not uri.lower().startswith(("sip:", "sips:")):
        uri = "sip:" + uri
    if ";transport=" not in uri:
        uri += f";transport={cfg.transport}"
    return f"<{uri}>;" + ";".join(params)


def config_text(cfg: SipConfig, ctrl_port: int, modules: str | None) -> str:
    # epoll is Linux's; elsewhere baresip picks its own method (select on Windows, kqueue/poll on macOS).
    lines = ["poll_method\t\tepoll"] if sys.platform.startswith("linux") else []
    if modules:
        lines.append(f"module_path\t\t{modules}")
    lines += [
        f"sip_listen\t\t{_clean('listen', cfg.listen, ' ')}",
        "call_local_timeout\t120",
        # One call at a time, like a phone line: baresip 1.0's hangup/accept act on its current call, so
        # a second caller gets "486 Busy" from baresip instead of risking the wrong call being refused.
        "call_max_calls\t\t1",
        # No ring tone and no sound devices unless asked for: CallShield decides whether a call rings.
        "audio_alert\t\tnone,none",
        # G.722 (16 kHz "HD voice") first where the other side has it: the recogniser hears twice the
        # bandwidth of G.711's 8 kHz telephone sound.
        "module\t\t\tg722.so",
        "module\t\t\tg711.so",
        "module\t\t\taufile.so",
        "module\t\t\tausine.so",
        "module_tmp\t\taccount.so",
        "module_app\t\tmenu.so",
        "module_app\t\tctrl_tcp.so",
        f"ctrl_tcp_listen\t\t127.0.0.1:{ctrl_port}",
    ]
    if cfg.record_dir:
        lines += ["module\t\t\tsndfile.so", f"snd_path\t\t{_clean('record_dir', cfg.record_dir)}"]
    if cfg.audio_lines:
        lines += [_clean("audio_lines", line) for line in cfg.audio_lines]
    elif modules is None or os.path.isfile(os.path.join(modules, "portaudio.so")):
        lines.append("module\t\t\tportaudio.so")  # the PC's own speaker and microphone, on every platform
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class CallRecordings:
    """The two files baresip's sndfile writes for one call, as they grow."""

    caller: Path  # dump-…-dec.wav: what we receive, the caller's voice
    us: Path  # dump-…-enc.wav: what we send, our voice


def call_recordings(record_dir: str | Path, since: float = 0.0) -> CallRecordings | None:
    """The newest pair of call files started at or after ``since`` (a ``time.time()`` value)."""
    folder = Path(record_dir)
    try:
        decoded = [p for p in folder.glob("dump-*-dec.wav") if p.stat().st_mtime >= since - 1.0]
    except OSError:
        return None
    for caller in sorted(decoded, key=lambda p: p.name, reverse=True):
        us = caller.with_name(caller.name[: -len("-dec.wav")] + "-enc.wav")
        if us.exists():
            return CallRecordings(caller, us)
    return None


def _free_tcp_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class _Call:
    event: CallEvent
    state: str  # screening | ringing | answered | rejecting
    deadline: float


class _Lost(Exception):
    pass


class SipSource(WakeSocketSource):
    """One SIP line: a baresip process (or an attached one), its control connection, its calls."""

    kind = "sip"

    def __init__(
        self,
        config: SipConfig,
        on_call: CallCallback,
        on_status: StatusCallback | None = None,
        on_end: EndCallback | None = None,
        clock: Clock = utc_now,
        locations: Sequence[str] = COMMON_LOCATIONS,
        on_answered: CallCallback | None = None,
    ) -> None:
        super().__init__(on_call, on_status, on_end, clock)
        self.config = config
        self._on_answered = on_answered
        self._locations = locations
        self._commands: queue.Queue[tuple[str, str]] = queue.Queue()  # (command, call id)
        self._calls: dict[str, _Call] = {}
        self._calls_lock = threading.Lock()
        self._invites: dict[str, dict[str, str]] = {}
        self._invites_cond = threading.Condition()
        self._reg_lines: queue.Queue[tuple[str, str]] = queue.Queue()  # ("ok"|"fail", status) from the output
        self._output_tail: list[str] = []
        self._proc: subprocess.Popen[bytes] | None = None
        self._workdir: tempfile.TemporaryDirectory[str] | None = None
        self._registered = False
        self._challenged = False
        self.program: str | None = None
        self.pid: int | None = None

    # -- public API (any thread) ------------------------------------------------------------------
    def request_hangup(self, event: CallEvent) -> bool:
        """Refuse this call (SIP 486) if it has not been answered; the worker sends the command."""
        if event.source != "sip":
            return False
        call_id = str(event.extra.get("call_id", ""))
        with self._calls_lock:
            call = self._calls.get(call_id)
            if call is None or call.state == "answered":
                self._report(self.status.state, SipMessage.TOO_LATE, number=event.display_number())
                return False
            call.state = "rejecting"
        self._commands.put(("hangup", call_id))
        self._wake()
        return True

    def on_screened(self, event: CallEvent, verdict: Any = None, history_id: int | None = None) -> None:
        """CallController listener: a screened call that was not refused rings through now."""
        if event.source != "sip":
            return
        self._ring_through(str(event.extra.get("call_id", "")))

    def answer(self, call_id: str) -> None:
        self._commands.put(("accept", call_id))
        self._wake()

    @property
    def active_calls(self) -> list[CallEvent]:
        with self._calls_lock:
            return [c.event for c in self._calls.values()]

    def stop(self, timeout: float = 5.0) -> None:
        super().stop(timeout)
        self._kill_baresip()
        if not self.running:
            if self._workdir is not None:
                self._workdir.cleanup()
                self._workdir = None

    def close(self) -> None:
        self.stop()

    def kill_baresip_for_test(self) -> None:
        """Kill the baresip we started, as a crash would (used by the tests of the restart path)."""
        proc = self._proc
        if proc is not None:
            proc.kill()

    # -- worker -----------------------------------------------------------------------------------
    def _run(self) -> None:
        cfg = self.config
        delay = cfg.backoff_initial_s
        while not self._stop.is_set():
            try:
                host, port = self._launch()
                sock = self._connect(host, port)
            except _Lost as exc:
                self._kill_baresip()
                code, params = exc.args[0], exc.args[1]
                self._report(SourceState.DISCONNECTED, code, severity=Severity.ERROR, retry=f"{delay:g}", **params)
                self._stop.wait(delay)
                delay = min(cfg.backoff_max_s, delay * 2)
                continue
            error = "closed"
            try:
                self._session(sock)
            except _Lost as exc:
                error = str(exc.args[0])
            except OSError as exc:
                error = exc.strerror or str(exc)
            finally:
                sock.close()
            self._drop_calls()
            if self._stop.is_set():
                break
            if self._proc is not None:  # the control socket closes a moment before the process is reaped
                with contextlib.suppress(subprocess.TimeoutExpired):
                    self._proc.wait(0.5)
            exited = self._proc is not None and self._proc.poll() is not None
            code = SipMessage.BARESIP_EXITED if exited else SipMessage.CTRL_LOST
            if exited and self._proc is not None:
                error = f"exit code {self._proc.returncode}"
            self._kill_baresip()
            if self._registered or exited:
                delay = cfg.backoff_initial_s
            self._registered = False
            self._report(SourceState.DISCONNECTED, code, severity=Severity.WARNING, error=error, retry=f"{delay:g}")
            self._stop.wait(delay)
            delay = min(cfg.backoff_max_s, delay * 2)

    def _launch(self) -> tuple[str, int]:
        """Start our own baresip (or name the attached one); returns the control address."""
        cfg = self.config
        if cfg.attach:
            host, _, port = cfg.attach.rpartition(":")
            if not port.isdigit() or not 0 < int(port) < 65536:
                raise _Lost(SipMessage.BAD_SETTING, {"field": "attach"})
            return host or "127.0.0.1", int(port)
        program = find_baresip(cfg.program, self._locations)
        if program is None:
            raise _Lost(SipMessage.NOT_INSTALLED, {"program": cfg.program})
        self.program = program
        self._report(SourceState.STARTING, SipMessage.STARTING, program=program)
        if cfg.work_dir:
            folder = Path(cfg.work_dir)
            folder.mkdir(parents=True, exist_ok=True)
        else:
            if self._workdir is None:
                self._workdir = tempfile.TemporaryDirectory(prefix="callshield-sip-")
            folder = Path(self._workdir.name)
        ctrl_port = cfg.ctrl_port or _free_tcp_port()
        try:
            config, account = config_text(cfg, ctrl_port, module_path()), account_line(cfg)
        except SipConfigError as exc:
            raise _Lost(SipMessage.BAD_SETTING, {"field": str(exc)}) from exc
        (folder / "config").write_text(config, encoding="utf-8")
        accounts = folder / "accounts"
        accounts.write_text(account + "\n", encoding="utf-8")
        with contextlib.suppress(OSError):
            accounts.chmod(0o600)  # it holds the SIP password
        args = [program, "-f", str(folder)] + (["-s"] if cfg.sip_trace else [])
        self._output_tail = []
        self._challenged = False
        try:
            proc = subprocess.Popen(
                args,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                creationflags=getattr(subprocess, "CREATE_NO_WINDOW", 0),
            )
        except OSError as exc:
            raise _Lost(SipMessage.START_FAILED, {"error": exc.strerror or str(exc)}) from exc
        self._proc, self.pid = proc, proc.pid
        assert proc.stdout is not None
        threading.Thread(target=self._read_output, args=(proc.stdout,), name="callshield-sip-out", daemon=True).start()
        return "127.0.0.1", ctrl_port

    def _connect(self, host: str, port: int) -> socket.socket:
        deadline = time.monotonic() + self.config.startup_timeout_s
        last_error = ""
        while not self._stop.is_set():
            proc = self._proc
            if proc is not None and proc.poll() is not None:
                time.sleep(0.05)  # let the reader catch the last lines
                raise _Lost(SipMessage.START_FAILED, {"error": self._last_error(proc.returncode)})
            try:
                return socket.create_connection((host, port), timeout=2.0)
            except OSError as exc:
                last_error = exc.strerror or str(exc)
            if time.monotonic() > deadline:
                if proc is not None:
                    raise _Lost(SipMessage.START_FAILED, {"error": self._last_error(None) or last_error})
                raise _Lost(SipMessage.CTRL_UNREACHABLE, {"host": host, "port": port, "error": last_error})
            self._stop.wait(0.05)
        raise _Lost(SipMessage.CTRL_LOST, {"error": "stopped"})

    def _last_error(self, returncode: int | None) -> str:
        errors = [line for line in self._output_tail if _ERR_LINE_RE.search(line)]
        text = errors[-1] if errors else (self._output_tail[-1] if self._output_tail else "")
        if returncode is not None:
            text = f"{text} (exit code {returncode})" if text else f"exit code {returncode}"
        return text

    def _session(self, sock: socket.socket) -> None:
        cfg = self.config
        sock.setblocking(False)
        buf = bytearray()
        started = time.monotonic()
        silent_reported = False
        next_reginfo = 0.0
        if cfg.register:
            self._report(SourceState.SEARCHING, SipMessage.REGISTERING, line=cfg.line)
        else:
            self._registered = True
            self._report(SourceState.CONNECTED, SipMessage.READY, line=cfg.line)
        while not self._stop.is_set():
            now = time.monotonic()
            self._send_commands(sock)
            self._check_registration_output()
            if cfg.register and not self._registered and now >= next_reginfo:
                self._send(sock, {"command": "reginfo", "params": "", "token": "reginfo"})
                next_reginfo = now + 1.0
            if cfg.register and not self._registered and not silent_reported and now - started > cfg.register_timeout_s:
                silent_reported = True
                server = cfg.account.split("@", 1)[-1].split(";", 1)[0]
                self._report(
                    SourceState.DISCONNECTED,
                    SipMessage.SERVER_NO_ANSWER,
                    severity=Severity.WARNING,
                    server=server,
                    seconds=f"{cfg.register_timeout_s:g}",
                )
            self._expire_holds(now)
            if self._wait_readable(sock, 0.2):
                try:
                    data = sock.recv(65536)
                except BlockingIOError:
                    continue
                if not data:
                    raise _Lost("baresip closed the control connection")
                buf.extend(data)
                try:
                    for payload in read_netstrings(buf):
                        self._handle(payload)
                except NetstringError as exc:
                    self._bad_message(str(exc))
                    buf.clear()
            proc = self._proc
            if proc is not None and proc.poll() is not None:
                raise _Lost(f"exit code {proc.returncode}")

    def _send(self, sock: socket.socket, payload: dict[str, Any]) -> None:
        sock.setblocking(True)
        sock.settimeout(2.0)
        try:
            sock.sendall(netstring(payload))
        finally:
            sock.setblocking(False)

    def _send_commands(self, sock: socket.socket) -> None:
        while True:
            try:
                command, call_id = self._commands.get_nowait()
            except queue.Empty:
                return
            with self._calls_lock:
                call = self._calls.get(call_id)
            if call is None:
                continue
            # baresip 1.0 applies hangup/accept to its current call; the id goes along for later versions.
            self._send(sock, {"command": command, "params": "", "token": f"{command}:{call_id}"})
            number = call.event.display_number()
            if command == "hangup":
                log.info("SIP: refusing %s", mask_number(call.event.raw_number) if call.event.has_number else "-")
                self._report(SourceState.CONNECTED, SipMessage.REJECTED, number=number)
            elif command == "accept":
                self._report(SourceState.CONNECTED, SipMessage.ANSWERED, number=number)

    def _ring_through(self, call_id: str) -> None:
        with self._calls_lock:
            call = self._calls.get(call_id)
            if call is None or call.state != "screening":
                return
            call.state = "ringing"
        self._report(self.status.state, SipMessage.RING_THROUGH, number=call.event.display_number())
        if self.config.auto_answer:
            self.answer(call_id)

    def _expire_holds(self, now: float) -> None:
        with self._calls_lock:
            late = [cid for cid, call in self._calls.items() if call.state == "screening" and now >= call.deadline]
        for call_id in late:
            log.warning("SIP: no verdict within %.1f s; ringing through", self.config.hold_timeout_s)
            self._ring_through(call_id)

    def _drop_calls(self) -> None:
        with self._calls_lock:
            calls = list(self._calls.values())
            self._calls.clear()
        reason = "stopped" if self._stop.is_set() else "line_lost"
        for call in calls:
            self._emit_end(
                CallEnded(call.event.line, "sip", self._clock(), reason, {"call_id": call.event.extra["call_id"]})
            )

    # -- messages from baresip --------------------------------------------------------------------
    def _handle(self, payload: bytes) -> None:
        try:
            message = json.loads(payload.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            self._bad_message(payload[:60].decode("utf-8", "replace"))
            return
        if not isinstance(message, dict):
            self._bad_message(str(message)[:60])
            return
        if message.get("response"):
            if message.get("token") == "reginfo":
                self._handle_reginfo(str(message.get("data", "")))
            return
        if not message.get("event"):
            return
        kind = str(message.get("type", ""))
        if kind == "CALL_INCOMING":
            self._incoming(message)
        elif kind == "CALL_ESTABLISHED":
            with self._calls_lock:
                call = self._calls.get(str(message.get("id", "")))
                if call is not None:
                    call.state = "answered"
            if call is not None and self._on_answered is not None:
                try:  # e.g. start transcribing both sides (call_recordings)
                    self._on_answered(call.event)
                except Exception:
                    log.exception("answered-call listener failed")
        elif kind == "CALL_CLOSED":
            self._closed(message)
        elif kind == "REGISTER_OK":
            self._registration_ok()
        elif kind == "REGISTER_FAIL":
            self._registration_failed(str(message.get("param", "")))

    def _incoming(self, message: dict[str, Any]) -> None:
        call_id = str(message.get("id", ""))
        peer = str(message.get("peeruri", "") or message.get("param", ""))
        headers = self._invite_headers(call_id)
        pai = headers.get("p-asserted-identity")
        _, display = uri_user(headers.get("from", "")) if headers.get("from") else ("", None)
        number, caller_id, name = caller_from(peer, pai, display)
        if self.config.home_e164 and number:
            number = as_dialled_at_home(number)
        extra: dict[str, Any] = {"call_id": call_id, "peer_uri": peer}
        if pai:
            extra["pai"] = pai
        line = account_label(str(message.get("accountaor", ""))) or self.config.line
        event = CallEvent(line, number, name, self._clock(), "sip", extra, caller_id)
        with self._calls_lock:
            self._calls[call_id] = _Call(event, "screening", time.monotonic() + self.config.hold_timeout_s)
        log.info("SIP call on %s from %s", line, mask_number(number) if number else caller_id.code)
        self._emit(event)

    def _closed(self, message: dict[str, Any]) -> None:
        call_id = str(message.get("id", ""))
        with self._calls_lock:
            call = self._calls.pop(call_id, None)
        with self._invites_cond:
            self._invites.pop(call_id, None)
        if call is None:
            return
        reason = {"rejecting": "rejected", "answered": "after_pickup"}.get(call.state, "no_pickup")
        extra = {"call_id": call_id, "sip": str(message.get("param", ""))}
        self._emit_end(CallEnded(call.event.line, "sip", self._clock(), reason, extra))

    def _invite_headers(self, call_id: str) -> dict[str, str]:
        """The INVITE's headers from the SIP trace (briefly waiting for the output reader to catch up)."""
        if not self.config.sip_trace or self._proc is None:
            return {}
        with self._invites_cond:
            self._invites_cond.wait_for(lambda: call_id in self._invites, timeout=0.3)
            return dict(self._invites.get(call_id, {}))

    def _handle_reginfo(self, data: str) -> None:
        if re.search(r"\bOK\b", data):
            self._registration_ok()

    def _registration_ok(self) -> None:
        if not self._registered:
            self._registered = True
            self._report(SourceState.CONNECTED, SipMessage.REGISTERED, line=self.config.line)

    def _registration_failed(self, status: str) -> None:
        self._registered = False
        code = status.strip()[:3]
        wrong_password = code in ("401", "407") or (code == "403" and self._challenged)
        self._report(
            SourceState.DISCONNECTED,
            SipMessage.WRONG_PASSWORD if wrong_password else SipMessage.REGISTER_REFUSED,
            severity=Severity.ERROR,
            line=self.config.line,
            status=status.strip() or "?",
        )

    def _check_registration_output(self) -> None:
        while True:
            try:
                kind, status = self._reg_lines.get_nowait()
            except queue.Empty:
                return
            if kind == "ok":
                self._registration_ok()
            elif kind == "fail" and not status.startswith(("408", "503")):
                self._registration_failed(status)

    # -- baresip's output (SIP trace and log lines) -----------------------------------------------
    def _read_output(self, stream: IO[bytes]) -> None:
        block: list[str] = []
        for raw in iter(stream.readline, b""):
            line = re.sub(r"\x1b\[[0-9;]*m", "", raw.decode("utf-8", "replace")).rstrip("\r\n")
            if block or line.startswith("SIP/2.0 ") or _REQUEST_LINE_RE.match(line):
                if line.strip() == "" and block:
                    self._trace_block(block)
                    block = []
                elif line.strip():
                    block.append(line)
                continue
            if line.strip() and not re.match(r"^[a-z]=", line):
                self._output_tail = (self._output_tail + [line])[-20:]
            if _REG_OK_RE.search(line):
                self._reg_lines.put(("ok", "200 OK"))
                self._wake()
            failed = _REG_FAIL_RE.search(line)
            if failed:
                self._reg_lines.put(("fail", f"{failed.group(2)} {failed.group(3).strip()}"))
                self._wake()
        stream.close()

    def _trace_block(self, block: list[str]) -> None:
        start = block[0]
        headers: dict[str, str] = {}
        for line in block[1:]:
            if ":" in line and not line.startswith((" ", "\t")):
                name, value = line.split(":", 1)
                headers.setdefault(name.strip().lower(), value.strip())
        if start.startswith("SIP/2.0 401") or start.startswith("SIP/2.0 407"):
            if "REGISTER" in headers.get("cseq", ""):
                self._challenged = True
            return
        if not start.startswith("INVITE "):
            return
        call_id = headers.get("call-id", headers.get("i", ""))
        if not call_id:
            return
        with self._invites_cond:
            self._invites[call_id] = headers
            if len(self._invites) > 64:
                self._invites.pop(next(iter(self._invites)))
            self._invites_cond.notify_all()

    def _kill_baresip(self) -> None:
        proc, self._proc = self._proc, None
        if proc is None:
            return
        stop_process(proc)

    def _bad_message(self, text: str) -> None:
        log.info("unreadable message from baresip: %r", mask_numbers_in_text(text[:200]))
        self._report_unreadable(SipMessage.BAD_MESSAGE, text)


# What ends a line check: the line works, or it will not work until the user changes something.
CHECK_OUTCOMES = frozenset(
    {
        SipMessage.READY,
        SipMessage.REGISTERED,
        SipMessage.WRONG_PASSWORD,
        SipMessage.REGISTER_REFUSED,
        SipMessage.SERVER_NO_ANSWER,
        SipMessage.NOT_INSTALLED,
        SipMessage.START_FAILED,
        SipMessage.BAD_SETTING,
        SipMessage.CTRL_UNREACHABLE,
    }
)


def check_line(config: SipConfig, timeout_s: float = 15.0, locations: Sequence[str] = COMMON_LOCATIONS) -> SourceStatus:
    """The settings page's "test" button (run on a worker, it blocks): start the line, wait until it
    is ready or clearly cannot be, stop it, and return that status (its message says what to fix).
    It binds the configured SIP port, so the running line is stopped for the check (or give the check
    another ``listen`` port)."""
    import dataclasses

    cfg = dataclasses.replace(config, register_timeout_s=min(config.register_timeout_s, timeout_s * 0.8))
    outcome: list[SourceStatus] = []
    done = threading.Event()

    def on_status(status: SourceStatus) -> None:
        if status.message.code in CHECK_OUTCOMES and not done.is_set():
            outcome.append(status)
            done.set()

    source = SipSource(cfg, lambda event: None, on_status, locations=locations)
    source.start()
    try:
        if not done.wait(timeout_s):
            server = cfg.account.split("@", 1)[-1].split(";", 1)[0]
            return SourceStatus(
                "sip",
                SourceState.DISCONNECTED,
                Message(SipMessage.SERVER_NO_ANSWER, {"server": server, "seconds": f"{timeout_s:g}"}),
                utc_now(),
                Severity.WARNING,
            )
    finally:
        source.stop()
    return outcome[0]
