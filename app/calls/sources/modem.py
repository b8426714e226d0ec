"""Caller ID from a voice/data modem on a serial port (pyserial), with automatic hang-up.

The modem is driven the way CallAttendant and NCID drive it: reset, echo off, verbose results,
caller ID on (``AT+VCID=1``, falling back to ``AT#CID=1`` on older Rockwell/USR firmware), an
optional country code (``AT+GCI=26`` is China) and caller ID switched on again after every reset.
A caller-ID block looks like this (spaces around ``=`` vary between chipsets)::

    RING
    DATE = 0321
    TIME = 1405
    NMBR = 9527501234
    NAME = ...
    RING

One worker thread owns the port. It reads lines, assembles each block into a :class:`CallEvent`,
reports a ring without caller ID as an unknown caller, and executes hang-up requests (off hook with
``ATH1``, a short pause, on hook with ``ATH0``) queued from other threads. When the port vanishes
(USB modem unplugged) the worker reports it and keeps trying until the modem is back.
"""

from __future__ import annotations

import collections
import errno
import logging
import queue
import re
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import serial
import serial.tools.list_ports

from app.calls.events import (
    CallCallback,
    CallEnded,
    CallerId,
    CallEvent,
    Clock,
    EndCallback,
    Severity,
    SourceBase,
    SourceMessage,
    SourceState,
    StatusCallback,
    utc_now,
)
from screening.i18n import Message, MessageCode, count_en
from screening.privacy import mask_number

log = logging.getLogger(__name__)

AUTO = "auto"
FINAL_OK = "OK"
FINAL_ERRORS = ("ERROR", "NO CARRIER", "BUSY", "NO DIALTONE", "NO ANSWER")
CID_FIELDS = ("DATE", "TIME", "NMBR", "DDN_NMBR", "NAME", "MESG")
# Modem result codes and unsolicited lines that are not caller ID and not garbage.
KNOWN_LINES = frozenset({"OK", "RING", "CONNECT", "ERROR", "NO CARRIER", "BUSY", "NO DIALTONE", "NO ANSWER"})

_FIELD_RE = re.compile(r"^\s*(DATE|TIME|DDN_NMBR|NMBR|NAME|MESG)\s*=\s*(.*?)\s*$", re.IGNORECASE)
# Values a modem puts in NMBR/NAME instead of a number (Bellcore "P" = private, "O" = out of area).
_WITHHELD = frozenset({"P", "PRIVATE", "ANONYMOUS", "WITHHELD", "RESTRICTED"})
_UNAVAILABLE = frozenset({"O", "OUT OF AREA", "OUT-OF-AREA", "UNAVAILABLE", "UNKNOWN", "NO NUMBER"})


class ModemLineProblem(MessageCode):
    """Why a set of modems (one per landline) cannot be run: the CLI's ``--modem`` and the settings alike."""

    AUTO_WITH_OTHERS = (
        "自动查找（auto）只能用于一个调制解调器；有几条座机时请逐个写出串口，如 COM3（前台）、COM4（二线）",
        "finding the modem automatically (auto) works for one modem only; for several landlines name each port, such "
        "as COM3 (front) and COM4 (line 2)",
    )
    SAME_PORT = ("同一个串口写了两次：{port}", "the same serial port was given twice: {port}")
    SAME_LINE = ("两个调制解调器用了同一个线路名：{line}", "two modems have the same line name: {line}")


class ModemLinesError(ValueError):
    """A set of modems that cannot be run (:class:`ModemLineProblem`, to render)."""

    def __init__(self, message: Message) -> None:
        super().__init__(message.render("en"))
        self.message = message


def name_modem_lines(modems: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
    """Each modem as (port, line id): one modem keeps the line id ``modem``; several get the names given, or modem1,
    modem2 … in order (a trial's second modem was silently dropped, and every line was called modem). ``port`` ""
    or ``auto`` finds the modem itself, for one modem only. Raises :class:`ModemLinesError`."""
    parsed: list[tuple[str, str]] = []
    for i, (port, line) in enumerate(modems, 1):
        port, line = port.strip(), line.strip()
        if not port or port.lower() == AUTO:
            port = AUTO
        parsed.append((port, line or ("modem" if len(modems) == 1 else f"modem{i}")))
    if len(parsed) > 1 and any(port == AUTO for port, _ in parsed):
        raise ModemLinesError(Message(ModemLineProblem.AUTO_WITH_OTHERS))
    # (letter case aside: COM3 and com3 are one port on Windows, and the per-line devices take Line2 for line2)
    ports = [port.casefold() for port, _ in parsed]
    lines = [line.casefold() for _, line in parsed]
    for (port, line), port_key, line_key in zip(parsed, ports, lines, strict=True):
        if ports.count(port_key) > 1:
            raise ModemLinesError(Message(ModemLineProblem.SAME_PORT, {"port": port}))
        if lines.count(line_key) > 1:
            raise ModemLinesError(Message(ModemLineProblem.SAME_LINE, {"line": line}))
    return parsed


@dataclass(frozen=True)
class ModemConfig:
    """Settings for the caller-ID modem source (shown and edited by the settings page)."""

    port: str = AUTO  # a device path (/dev/ttyACM0, COM3) or "auto"
    candidates: tuple[str, ...] = ()  # extra ports to try in auto mode (tried first)
    scan_system_ports: bool = True  # in auto mode, also try the serial ports the OS lists
    baudrate: int = 115200
    line_id: str = "modem"
    country_code: str | None = "26"  # AT+GCI=26: China; None leaves the modem's setting alone
    command_timeout_s: float = 2.0
    probe_timeout_s: float = 1.0
    hangup_pause_s: float = 1.0  # how long to stay off hook before ATH0
    reconnect_interval_s: float = 3.0
    ring_gap_s: float = 8.0  # no RING for this long: the call is over
    cid_grace_s: float = 0.03  # after NMBR, wait this long for NAME before reporting the call
    rings_before_unknown: int = 2  # RINGs without caller ID before reporting an unknown caller


def parse_cid_line(text: str) -> tuple[str, str] | None:
    """``"NMBR = 123"`` → ``("NMBR", "123")``; ``None`` for anything that is not a caller-ID field."""
    match = _FIELD_RE.match(text)
    if match is None:
        return None
    return match.group(1).upper(), match.group(2)


def classify_number(value: str) -> tuple[str, CallerId]:
    """Split a NMBR value into (number, caller-id status)."""
    cleaned = value.strip()
    upper = cleaned.upper()
    if not cleaned:
        return "", CallerId.UNAVAILABLE
    if upper in _WITHHELD:
        return "", CallerId.WITHHELD
    if upper in _UNAVAILABLE:
        return "", CallerId.UNAVAILABLE
    return cleaned, CallerId.PRESENT


def _is_garbled(text: str) -> bool:
    stripped = text.strip()
    if not stripped:
        return False
    if stripped.upper() in KNOWN_LINES or stripped.upper().startswith("CONNECT"):
        return False
    return parse_cid_line(stripped) is None


def candidate_ports(config: ModemConfig, system_ports: Iterable[str] = ()) -> list[str]:
    """Ports to probe in order: the configured ones, then those the OS lists; no duplicates."""
    seen: dict[str, None] = {}
    if config.port and config.port != AUTO:
        seen[config.port] = None
    for port in config.candidates:
        seen.setdefault(port, None)
    if config.port == AUTO and config.scan_system_ports:
        for port in system_ports:
            seen.setdefault(port, None)
    return list(seen)


def system_serial_ports() -> list[str]:
    """Serial ports the OS knows about (USB modems first, they are the likely caller-ID devices)."""
    try:
        ports = list(serial.tools.list_ports.comports())
    except Exception:  # enumeration can fail on odd systems; auto-detection then uses the candidates
        log.warning("could not enumerate serial ports", exc_info=True)
        return []
    usb = [p.device for p in ports if getattr(p, "vid", None) is not None]
    other = [p.device for p in ports if getattr(p, "vid", None) is None]
    return usb + other


class _PortLost(Exception):
    """The serial port went away (unplugged, or the device node vanished)."""


@dataclass
class _Call:
    call_id: int
    started: float
    last_activity: float
    rings: int = 0
    emitted: CallEvent | None = None


class ModemSource(SourceBase):
    """Caller-ID modem worker. ``start()``/``stop()``; events arrive on the worker thread."""

    kind = "modem"

    def __init__(
        self,
        config: ModemConfig,
        on_call: CallCallback,
        on_status: StatusCallback | None = None,
        on_end: EndCallback | None = None,
        clock: Clock = utc_now,
        list_ports: Callable[[], Sequence[str]] = system_serial_ports,
    ) -> None:
        super().__init__(on_call, on_status, on_end, clock)
        self.config = config
        self._list_ports = list_ports
        self._requests: queue.Queue[CallEvent] = queue.Queue()
        self._serial: serial.Serial | None = None
        self._serial_lock = threading.Lock()
        self._buf = bytearray()
        self._lines: collections.deque[str] = collections.deque()
        self._call: _Call | None = None
        self._call_lock = threading.Lock()
        self._next_call_id = 1
        self._pending: dict[str, str] | None = None
        self._pending_deadline = 0.0
        self._timeout: float | None = None
        self.port: str | None = None
        self.model: str | None = None

    # -- public API (any thread) ------------------------------------------------------------------
    @property
    def receiving_caller_id(self) -> bool:
        """True while a caller-ID block has started arriving but has not been reported yet."""
        return self._pending is not None

    @property
    def status_line(self) -> str:  # type: ignore[override]
        """The line this modem's statuses name, when it has a name of its own (one of several modems)."""
        return "" if self.config.line_id == "modem" else self.config.line_id

    def handles(self, event: CallEvent) -> bool:
        return event.line == self.config.line_id

    def request_hangup(self, event: CallEvent) -> bool:
        """Queue a hang-up for this call; the worker goes off hook, pauses and goes on hook."""
        if event.source != "modem":
            return False
        self._requests.put(event)
        self._wake()
        return True

    # -- worker ----------------------------------------------------------------------------------
    def _wake(self) -> None:
        with self._serial_lock:
            ser = self._serial
        if ser is not None:
            try:
                ser.cancel_read()
            except Exception:  # cancel_read is best effort; the read timeout bounds the wait anyway
                pass

    def _run(self) -> None:
        while not self._stop.is_set():
            opened = self._connect()
            if opened is None:
                continue
            ser, port = opened
            try:
                self._session(ser)
            except _PortLost as exc:
                self._flush_pending()
                log.warning("modem on %s lost: %s", port, exc)
                self._report(SourceState.DISCONNECTED, SourceMessage.MODEM_LOST, severity=Severity.WARNING, port=port)
            finally:
                self._close(ser)
                self._end_call("port_lost")
            self._stop.wait(self.config.reconnect_interval_s)

    def _connect(self) -> tuple[serial.Serial, str] | None:
        cfg = self.config
        if cfg.port != AUTO:
            ports = [cfg.port]
        else:
            ports = candidate_ports(cfg, self._list_ports() if cfg.scan_system_ports else ())
            self._report(
                SourceState.SEARCHING,
                SourceMessage.MODEM_SEARCHING,
                count=len(ports),
                ports_en=count_en(len(ports), "port"),
            )
        last_error = ""
        last_errno: int | None = None
        for port in ports:
            if self._stop.is_set():
                return None
            try:
                ser = serial.Serial(port, cfg.baudrate, timeout=0.2, write_timeout=cfg.command_timeout_s)
            except (serial.SerialException, OSError, ValueError) as exc:
                last_error, last_errno = str(exc), getattr(exc, "errno", None)
                log.info("cannot open %s: %s", port, exc)
                continue
            self._buf.clear()
            self._lines.clear()
            self._timeout = 0.2
            model = self._identify(ser)
            if model is None:
                log.info("no modem answered ATI on %s", port)
                if cfg.port != AUTO:
                    self._report(
                        SourceState.DISCONNECTED,
                        SourceMessage.MODEM_NOT_RESPONDING,
                        severity=Severity.WARNING,
                        port=port,
                        command="ATI",
                    )
                self._close(ser)
                continue
            with self._serial_lock:
                self._serial = ser
            self.port, self.model = port, model
            return ser, port
        retry = self.config.reconnect_interval_s
        if cfg.port != AUTO and last_error:
            # the usual reasons in plain words; pyserial's own text only for the rest (a trial read
            # 「[Errno 2] could not open port …: [Errno 2] No such file or directory」 in a Chinese line)
            known = {
                errno.ENOENT: SourceMessage.MODEM_PORT_GONE,
                errno.ENODEV: SourceMessage.MODEM_PORT_GONE,
                errno.ENXIO: SourceMessage.MODEM_PORT_GONE,
                errno.EACCES: SourceMessage.MODEM_PORT_DENIED,
                errno.EPERM: SourceMessage.MODEM_PORT_DENIED,
                errno.EBUSY: SourceMessage.MODEM_PORT_BUSY,
            }
            code = known.get(last_errno or 0)
            if code is None:  # Windows: no errno, the Windows error's name in the text (a review)
                text = last_error.lower()
                if "filenotfounderror" in text or "cannot find the file" in text:
                    code = SourceMessage.MODEM_PORT_GONE
                elif "permissionerror" in text or "access is denied" in text or "exclusively lock" in text:
                    code = SourceMessage.MODEM_PORT_BUSY  # Windows refuses a COM port another program holds
            self._report(
                SourceState.DISCONNECTED,
                code or SourceMessage.MODEM_PORT_MISSING,
                severity=Severity.WARNING,
                port=cfg.port,
                error=last_error,
                retry=f"{retry:g}",
            )
        elif cfg.port == AUTO:
            self._report(
                SourceState.DISCONNECTED,
                SourceMessage.MODEM_NOT_FOUND,
                severity=Severity.WARNING,
                count=len(ports),
                ports_en=count_en(len(ports), "port"),  # 1 port, 3 ports (a trial read 「1 ports」)
                retry=f"{retry:g}",
            )
        self._stop.wait(retry)
        return None

    def _identify(self, ser: serial.Serial) -> str | None:
        """Send ATI; a modem answers with its model and OK. Returns the model text, or None."""
        try:
            ser.reset_input_buffer()
            result, lines = self._command(ser, "ATI", self.config.probe_timeout_s, dispatch=False)
        except (_PortLost, serial.SerialException, OSError):
            return None
        if result != FINAL_OK:
            return None
        model = " ".join(line for line in lines if line).strip()
        return model or "AT modem"

    def _initialise(self, ser: serial.Serial) -> bool:
        cfg = self.config
        port = self.port or "?"
        for command in ("ATZ", "ATE0", "ATV1"):
            result, _ = self._command(ser, command, cfg.command_timeout_s)
            if result != FINAL_OK:
                self._report(
                    SourceState.DISCONNECTED,
                    SourceMessage.MODEM_NOT_RESPONDING,
                    severity=Severity.ERROR,
                    port=port,
                    command=command,
                )
                return False
        if cfg.country_code:
            result, _ = self._command(ser, f"AT+GCI={cfg.country_code}", cfg.command_timeout_s)
            if result != FINAL_OK:
                self._report(
                    SourceState.CONNECTED,
                    SourceMessage.MODEM_COUNTRY_REJECTED,
                    severity=Severity.WARNING,
                    country=cfg.country_code,
                )
        # Caller ID goes last: ATZ and, on many chipsets, AT+GCI reset it.
        return self._enable_caller_id(ser)

    def _enable_caller_id(self, ser: serial.Serial) -> bool:
        for command in ("AT+VCID=1", "AT#CID=1"):
            result, _ = self._command(ser, command, self.config.command_timeout_s)
            if result == FINAL_OK:
                return True
        self._report(
            SourceState.DISCONNECTED, SourceMessage.MODEM_NO_CALLER_ID, severity=Severity.ERROR, command="AT+VCID=1"
        )
        return False

    def _session(self, ser: serial.Serial) -> None:
        if not self._initialise(ser):
            raise _PortLost("initialisation failed")
        self._report(SourceState.CONNECTED, SourceMessage.MODEM_CONNECTED, model=self.model, port=self.port)
        while not self._stop.is_set():
            self._serve_requests(ser)
            self._set_timeout(ser, self._idle_timeout())
            self._fill(ser)
            while self._lines:
                self._handle_line(self._lines.popleft())
            self._check_deadlines()
        self._serve_requests(ser)  # a hang-up asked for just before stop() still happens

    # -- line handling ----------------------------------------------------------------------------
    def _handle_line(self, line: str) -> None:
        text = line.strip()
        if not text:
            return
        now = time.monotonic()
        upper = text.upper()
        if upper == "RING":
            self._on_ring(now)
            return
        field = parse_cid_line(text)
        if field is not None and not all(ch.isprintable() and ch != "\ufffd" for ch in field[1]):
            field = None  # line noise inside a field: better no number than a wrong one
        if field is not None:
            name, value = field
            if self._pending is None:
                self._pending = {}
            self._pending[name] = value
            self._pending_deadline = now + self.config.cid_grace_s
            if "NAME" in self._pending and ("NMBR" in self._pending or "DDN_NMBR" in self._pending):
                self._flush_pending()
            return
        if upper in KNOWN_LINES or upper.startswith("CONNECT"):
            return
        self._garbled(text)

    def _garbled(self, text: str) -> None:
        log.debug("garbled modem line: %r", text)
        self._report_unreadable(SourceMessage.MODEM_GARBLED, text, width=60)

    def _on_ring(self, now: float) -> None:
        if self._pending is not None:
            self._flush_pending()
        with self._call_lock:
            call = self._call
            if call is None or now - call.last_activity > self.config.ring_gap_s:
                call = self._new_call(now)
            call.rings += 1
            call.last_activity = now
            report_unknown = call.emitted is None and call.rings >= self.config.rings_before_unknown
        if report_unknown:
            self._emit_for_call(call, "", None, CallerId.NONE, {"rings": call.rings})

    def _new_call(self, now: float) -> _Call:
        call = _Call(self._next_call_id, now, now)
        self._next_call_id += 1
        self._call = call
        return call

    def _flush_pending(self) -> None:
        fields, self._pending = self._pending, None
        if not fields:
            return
        value = fields.get("NMBR", fields.get("DDN_NMBR", ""))
        if "NMBR" in fields or "DDN_NMBR" in fields:
            number, caller_id = classify_number(value)
        elif "MESG" in fields:
            number, caller_id = "", CallerId.UNAVAILABLE
        else:
            number, caller_id = "", CallerId.NONE
        name_value = fields.get("NAME")
        name = None
        if name_value:
            name_number, name_status = classify_number(name_value)
            name = name_number or None
            if caller_id is CallerId.PRESENT and not number:
                caller_id = name_status
        extra: dict[str, Any] = {k.lower(): v for k, v in fields.items() if k in ("DATE", "TIME", "MESG", "DDN_NMBR")}
        if caller_id is not CallerId.PRESENT and value:
            extra["raw_nmbr"] = value
        now = time.monotonic()
        with self._call_lock:
            call = self._call
            if call is None or call.emitted is not None or now - call.last_activity > self.config.ring_gap_s:
                call = self._new_call(now)
            call.last_activity = now
        self._emit_for_call(call, number, name, caller_id, extra)

    def _emit_for_call(
        self, call: _Call, number: str, name: str | None, caller_id: CallerId, extra: dict[str, Any]
    ) -> None:
        extra = dict(extra)
        extra["call_id"] = call.call_id
        if self.port:
            extra["port"] = self.port
        event = CallEvent(
            line=self.config.line_id,
            raw_number=number,
            name=name,
            received_at=self._clock(),
            source="modem",
            extra=extra,
            caller_id=caller_id,
        )
        call.emitted = event
        log.info("incoming call on %s from %s (%s)", event.line, mask_number(number) if number else "-", caller_id.code)
        self._emit(event)

    def _check_deadlines(self) -> None:
        now = time.monotonic()
        if self._pending is not None and now >= self._pending_deadline:
            self._flush_pending()
        call = self._call
        if call is not None and now - call.last_activity > self.config.ring_gap_s:
            self._end_call("ring_stopped")

    def _end_call(self, reason: str) -> None:
        with self._call_lock:
            call, self._call = self._call, None
        if call is None:
            return
        self._emit_end(
            CallEnded(
                line=self.config.line_id,
                source="modem",
                received_at=self._clock(),
                reason=reason,
                extra={"call_id": call.call_id, "rings": call.rings},
            )
        )

    def _idle_timeout(self) -> float:
        now = time.monotonic()
        deadlines = [now + 0.5]
        if self._pending is not None:
            deadlines.append(self._pending_deadline)
        if self._call is not None:
            deadlines.append(self._call.last_activity + self.config.ring_gap_s + 0.01)
        # Rounded so that the port is only reconfigured when the timeout really changes.
        return max(0.005, round(min(deadlines) - now, 2))

    # -- hang-up ----------------------------------------------------------------------------------
    def _serve_requests(self, ser: serial.Serial) -> None:
        while True:
            try:
                event = self._requests.get_nowait()
            except queue.Empty:
                return
            self._hang_up(ser, event)

    def _hang_up(self, ser: serial.Serial, event: CallEvent) -> None:
        number = event.display_number()
        with self._call_lock:
            call = self._call
        if call is None or call.call_id != event.extra.get("call_id"):
            self._report(self.status.state, SourceMessage.HANGUP_TOO_LATE, number=number)
            return
        off_hook, _ = self._command(ser, "ATH1", self.config.command_timeout_s)
        if off_hook != FINAL_OK:
            self._report(
                self.status.state, SourceMessage.HANGUP_FAILED, severity=Severity.ERROR, number=number, error="ATH1"
            )
            return
        self._stop.wait(self.config.hangup_pause_s)
        # Back on hook even when stopping: a line left off hook is a dead phone for the user.
        on_hook, _ = self._command(ser, "ATH0", self.config.command_timeout_s, until_done=True)
        if on_hook != FINAL_OK:
            self._report(
                self.status.state, SourceMessage.HANGUP_FAILED, severity=Severity.ERROR, number=number, error="ATH0"
            )
            return
        log.info("hung up on %s", mask_number(number))
        self._report(SourceState.CONNECTED, SourceMessage.HANGUP_DONE, number=number)
        self._end_call("auto_hangup")

    # -- serial I/O -------------------------------------------------------------------------------
    def _command(
        self, ser: serial.Serial, command: str, timeout: float, dispatch: bool = True, until_done: bool = False
    ) -> tuple[str | None, list[str]]:
        """Send one AT command; return (final result or None on timeout, information lines).

        Unsolicited lines that arrive meanwhile (RING, a caller-ID block) are handled as usual.
        """
        self._write(ser, command + "\r")
        deadline = time.monotonic() + timeout
        info: list[str] = []
        self._set_timeout(ser, 0.05)
        while time.monotonic() < deadline:
            self._fill(ser)
            while self._lines:
                text = self._lines.popleft().strip()
                upper = text.upper()
                if not text or upper == command.upper():  # blank, or our own echo
                    continue
                if upper == FINAL_OK:
                    return FINAL_OK, info  # lines after it stay queued for the main loop
                if upper in FINAL_ERRORS:
                    return upper, info
                if upper == "RING" or parse_cid_line(text) is not None:
                    if dispatch:
                        self._handle_line(text)
                else:
                    info.append(text)
            if self._stop.is_set() and not until_done:
                break
        return None, info

    def _write(self, ser: serial.Serial, text: str) -> None:
        try:
            ser.write(text.encode("ascii"))
            ser.flush()
        except (serial.SerialException, OSError) as exc:
            raise _PortLost(str(exc)) from exc

    def _set_timeout(self, ser: serial.Serial, timeout: float) -> None:
        if self._timeout != timeout:
            ser.timeout = timeout
            self._timeout = timeout

    def _fill(self, ser: serial.Serial) -> None:
        """Queue the complete lines that arrive within the read timeout (nothing read if some are queued)."""
        if not self._lines:
            self._lines.extend(self._read_lines(ser))

    def _read_lines(self, ser: serial.Serial) -> list[str]:
        try:
            chunk = ser.read(max(1, ser.in_waiting))
        except (serial.SerialException, OSError) as exc:
            raise _PortLost(str(exc)) from exc
        if not chunk:
            return []
        self._buf.extend(chunk)
        lines: list[str] = []
        while True:
            cut = min((i for i in (self._buf.find(b"\r"), self._buf.find(b"\n")) if i >= 0), default=-1)
            if cut < 0:
                break
            raw = bytes(self._buf[:cut])
            del self._buf[: cut + 1]
            lines.append(raw.decode("ascii", errors="replace"))
        if len(self._buf) > 4096:  # a device that never sends a line end is not a modem talking to us
            self._garbled(self._buf[:60].decode("ascii", errors="replace"))
            self._buf.clear()
        return lines

    def _close(self, ser: serial.Serial) -> None:
        with self._serial_lock:
            if self._serial is ser:
                self._serial = None
        try:
            ser.close()
        except Exception:  # closing a vanished device can fail; it is gone either way
            log.debug("closing the modem port failed", exc_info=True)
