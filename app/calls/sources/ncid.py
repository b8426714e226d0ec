"""Caller ID from an NCID server (Network Caller ID, TCP port 3333, API 1.5 lines).

The client reads the greeting (``200`` server, ``210`` API and feature sets), the call log the
server replays at connect (``CIDLOG:``/``HUPLOG:``/… between ``254`` and ``250``; kept for display,
never reported as new calls), then live lines:

* ``CID: *DATE*…*TIME*…*LINE*…*NMBR*…*MESG*…*NAME*…*`` – an incoming call;
* ``HUP:`` / ``BLK:`` – a call the server itself hung up on or blocked (same fields);
* ``CIDINFO: *LINE*…*RING*n*TIME*…*`` – ring count; 0 and negative counts mean the call ended;
* ``END: *HTYPE*…*…`` – a gateway reports the end of a call.

It pushes blocks with ``REQ: black add "<number>" "<comment>"`` followed by ``REQ: RELOAD``, sends
``REQ: YO`` as a keepalive, and reconnects with exponential backoff when the server goes away.
Lines it cannot read are reported (rate-limited, phone numbers masked) and skipped; they never stop the client.
A call line whose ``*``-separated pairs don't line up (a ``*`` inside the caller's name) is still a call: its
fields are taken by name (``salvage_call_fields``) so the number is screened.
"""

from __future__ import annotations

import collections
import logging
import queue
import re
import socket
import time
from dataclasses import dataclass
from typing import Any

from app.calls.events import (
    CallCallback,
    CallEnded,
    CallerId,
    CallEvent,
    Clock,
    EndCallback,
    Severity,
    SourceMessage,
    SourceState,
    StatusCallback,
    WakeSocketSource,
    utc_now,
)
from app.calls.sources.modem import classify_number
from screening.privacy import mask_number, mask_numbers_in_text

log = logging.getLogger(__name__)

DEFAULT_PORT = 3333
CALL_LABELS = {"CID": "call", "HUP": "hung_up", "BLK": "blocked"}
LOG_LABELS = frozenset(
    {"CIDLOG", "HUPLOG", "BLKLOG", "MSGLOG", "OUTLOG", "PIDLOG", "NOTLOG", "WIDLOG", "ENDLOG", "RIDLOG", "LOG"}
)
# Labels we understand but have nothing to do with: outgoing calls, messages, options, job replies.
IGNORED_LABELS = frozenset(
    {"MSG", "OPT", "OUT", "PID", "NOT", "WID", "RID", "WRK", "RESP", "INFO", "REQ", "HELLO", "CALL", "CALLINFO"}
)
RING_END_REASONS = {0: "ring_stopped", -1: "no_pickup", -2: "after_pickup", -3: "busy", -4: "auto_hangup"}
NO_NAME = frozenset({"", "-", "NO NAME", "NONAME"})
_LABEL_RE = re.compile(r"^([A-Z][A-Z0-9_]*):\s?(.*)$")
_CODE_RE = re.compile(r"^(\d{3})(?:\s+(.*))?$")
_UNSAFE_COMMENT = re.compile(r'["\r\n\x00-\x1f]')
_CALL_FIELD = re.compile(r"\*(DATE|TIME|LINE|NMBR|MESG|NAME)\*")


@dataclass(frozen=True)
class NcidConfig:
    """Settings for the NCID client source (shown and edited by the settings page)."""

    host: str = "127.0.0.1"
    port: int = DEFAULT_PORT
    connect_timeout_s: float = 5.0
    keepalive_s: float = 60.0  # send REQ: YO after this long without traffic
    keepalive_timeout_s: float = 20.0  # a server that answers YO and then stays silent this long is dead
    backoff_initial_s: float = 1.0
    backoff_max_s: float = 60.0
    push_blocks: bool = False  # send numbers CallShield blocks to the server's blacklist


def parse_fields(payload: str) -> dict[str, str] | None:
    """``*DATE*0101*NMBR*123*`` → ``{"DATE": "0101", "NMBR": "123"}``; None when the pairs don't line up."""
    text = payload.strip()
    if not text.startswith("*") or not text.endswith("*") or len(text) < 2:
        return None
    parts = text[1:-1].split("*")
    if len(parts) % 2:
        return None
    fields: dict[str, str] = {}
    for key, value in zip(parts[0::2], parts[1::2], strict=True):
        if not key or not key.replace("_", "").isalnum():
            return None
        # the first wins: a caller name such as "X*NMBR*95588" must not replace the number NCID put before it
        fields.setdefault(key.upper(), value.strip())
    return fields


def salvage_call_fields(payload: str) -> dict[str, str] | None:
    """A call line's fields by name when its pairs don't line up: each of DATE, TIME, LINE, NMBR, MESG, NAME runs
    up to the next one (``*NAME*WANG*DA*`` → ``{"NAME": "WANG*DA"}``).  None without a number that is there
    and complete (non-empty and followed by ``*``: a line cut off inside the number is not guessed at)."""
    text = payload.strip()
    marks = list(_CALL_FIELD.finditer(text))
    fields: dict[str, str] = {}
    for mark, following in zip(marks, [*marks[1:], None], strict=True):
        value = text[mark.end() : following.start() if following else len(text)]
        if following is None:
            if not value.endswith("*") and mark.group(1) == "NMBR":
                return None
            value = value.removesuffix("*")
        fields.setdefault(mark.group(1), value.strip())
    return fields if fields.get("NMBR") else None


def ncid_number(value: str) -> tuple[str, CallerId]:
    upper = value.strip().upper()
    if upper in ("", "-", "NO-NUMBER", "NO NUMBER", "NONUMBER"):
        return "", CallerId.UNAVAILABLE
    return classify_number(value)


def block_request(number: str, comment: str = "") -> str:
    """The NCID client-job line that adds a number to the server's blacklist."""
    clean_number = re.sub(r"[^0-9+*#]", "", number)
    clean_comment = _UNSAFE_COMMENT.sub(" ", comment).strip()
    return f'REQ: black add "{clean_number}" "{clean_comment}"'


class _ConnectionLost(Exception):
    pass


class NcidSource(WakeSocketSource):
    """NCID client worker: one TCP connection, reconnecting with backoff until stopped."""

    kind = "ncid"

    def __init__(
        self,
        config: NcidConfig,
        on_call: CallCallback,
        on_status: StatusCallback | None = None,
        on_end: EndCallback | None = None,
        clock: Clock = utc_now,
    ) -> None:
        super().__init__(on_call, on_status, on_end, clock)
        self.config = config
        self._pushes: queue.Queue[tuple[str, str]] = queue.Queue()
        self._awaiting: collections.deque[tuple[str, str, str]] = collections.deque()  # (kind, number, comment)
        self._connected = False
        self.server: str = ""
        self.api: str = ""
        self.call_log: collections.deque[dict[str, str]] = collections.deque(maxlen=500)

    # -- public API (any thread) ------------------------------------------------------------------
    def push_block(self, number: str, comment: str = "") -> None:
        """Ask the server to blacklist a number (sent now, or as soon as the server is reachable)."""
        self._pushes.put((number, comment))
        if not self._connected:
            self._report(self.status.state, SourceMessage.NCID_BLOCK_QUEUED, severity=Severity.WARNING, number=number)
        self._wake()

    def request_hangup(self, event: CallEvent) -> bool:
        # NCID clients cannot take a line off hook; the server hangs up on its own blacklist,
        # which is why blocked numbers are pushed there (push_block) instead.
        return False

    def close(self) -> None:
        """Same as stop(); kept so that owners can treat every source alike."""
        self.stop()

    # -- worker -----------------------------------------------------------------------------------
    def _run(self) -> None:
        cfg = self.config
        delay = cfg.backoff_initial_s
        while not self._stop.is_set():
            self._report(SourceState.SEARCHING, SourceMessage.NCID_CONNECTING, host=cfg.host, port=cfg.port)
            try:
                sock = socket.create_connection((cfg.host, cfg.port), timeout=cfg.connect_timeout_s)
            except OSError as exc:
                self._report(
                    SourceState.DISCONNECTED,
                    SourceMessage.NCID_UNREACHABLE,
                    severity=Severity.WARNING,
                    host=cfg.host,
                    port=cfg.port,
                    error=exc.strerror or str(exc),
                    retry=f"{delay:g}",
                )
                self._stop.wait(delay)
                delay = min(cfg.backoff_max_s, delay * 2)
                continue
            try:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
                self._session(sock)
                error = "closed"
            except _ConnectionLost as exc:
                error = str(exc) or "closed"
            except OSError as exc:
                error = exc.strerror or str(exc)
            finally:
                was_connected = self._connected
                self._connected = False
                sock.close()
            if self._stop.is_set():
                break
            if was_connected:
                delay = cfg.backoff_initial_s
            self._requeue_unacknowledged()
            self._report(
                SourceState.DISCONNECTED,
                SourceMessage.NCID_LOST,
                severity=Severity.WARNING,
                host=cfg.host,
                port=cfg.port,
                error=error,
                retry=f"{delay:g}",
            )
            self._stop.wait(delay)
            delay = min(cfg.backoff_max_s, delay * 2)

    def _session(self, sock: socket.socket) -> None:
        sock.setblocking(False)
        buf = bytearray()
        last_rx = last_tx = time.monotonic()
        yo_sent_at: float | None = None
        yo_answered = False
        self.server = self.api = ""
        self._awaiting.clear()
        while not self._stop.is_set():
            if self._connected:
                self._send_pushes(sock)
            now = time.monotonic()
            timeout = max(0.05, max(last_rx, last_tx) + self.config.keepalive_s - now)
            if yo_sent_at is not None and yo_answered:
                timeout = min(timeout, max(0.05, yo_sent_at + self.config.keepalive_timeout_s - now))
            has_data = self._wait_readable(sock, timeout)
            now = time.monotonic()
            if has_data:
                try:
                    data = sock.recv(65536)
                except BlockingIOError:  # spurious wake-up
                    continue
                if not data:
                    raise _ConnectionLost("server closed the connection")
                last_rx = now
                if yo_sent_at is not None:
                    yo_answered, yo_sent_at = True, None
                buf.extend(data)
                while True:
                    cut = buf.find(b"\n")
                    if cut < 0:
                        break
                    raw = bytes(buf[:cut])
                    del buf[: cut + 1]
                    self._handle_line(raw.decode("utf-8", errors="replace").strip("\r\n"))
                if len(buf) > 65536:
                    self._bad_line(buf[:60].decode("utf-8", errors="replace"))
                    buf.clear()
            if yo_sent_at is not None and yo_answered and now - yo_sent_at > self.config.keepalive_timeout_s:
                raise _ConnectionLost("no answer to keepalive")
            if yo_sent_at is None and now - max(last_rx, last_tx) >= self.config.keepalive_s:
                self._send(sock, "REQ: YO")
                yo_sent_at = last_tx = now

    def _send(self, sock: socket.socket, line: str) -> None:
        data = (line + "\n").encode("utf-8")
        sock.setblocking(True)
        sock.settimeout(self.config.connect_timeout_s)
        try:
            sock.sendall(data)
        finally:
            sock.setblocking(False)

    def _send_pushes(self, sock: socket.socket) -> None:
        while True:
            try:
                number, comment = self._pushes.get_nowait()
            except queue.Empty:
                return
            self._send(sock, block_request(number, comment))
            self._send(sock, "REQ: RELOAD")
            self._awaiting.append(("add", number, comment))
            self._awaiting.append(("reload", number, comment))

    def _requeue_unacknowledged(self) -> None:
        """Pushes the server never confirmed are sent again on the next connection."""
        pending = [(number, comment) for kind, number, comment in self._awaiting if kind == "reload"]
        self._awaiting.clear()
        for item in pending:
            self._pushes.put(item)

    # -- line handling ----------------------------------------------------------------------------
    def _handle_line(self, line: str) -> None:
        text = line.strip()
        if not text:
            return
        code = _CODE_RE.match(text)
        if code is not None:
            self._handle_code(int(code.group(1)), code.group(2) or "")
            return
        match = _LABEL_RE.match(text)
        if match is None:
            self._bad_line(text)
            return
        label, payload = match.group(1), match.group(2)
        if label in CALL_LABELS:
            self._handle_call(label, payload, text)
        elif label == "CIDINFO":
            self._handle_info(payload, text)
        elif label == "END":
            fields = parse_fields(payload)
            if fields is None:
                self._bad_line(text)
                return
            self._emit_end(CallEnded(fields.get("LINE", "-") or "-", "ncid", self._clock(), "end", {"ncid": fields}))
        elif label in LOG_LABELS:
            fields = parse_fields(payload) or {"TEXT": payload}
            self.call_log.append({"LABEL": label, **fields})
        elif label in IGNORED_LABELS or label.endswith("LOG"):
            return
        else:
            self._bad_line(text)

    def _handle_code(self, code: int, text: str) -> None:
        if code == 200:
            self.server = text.removeprefix("Server:").strip() or "NCID"
        elif code == 210:
            api = re.match(r"API:\s*(\S+)", text)
            self.api = api.group(1) if api else text
        elif code in (250, 251, 252, 253, 300):  # end of the call log / of the start-up: ready
            if not self._connected:
                self._mark_connected()
        elif code in (410, 411):
            self._acknowledge(code)
        elif code >= 400 and code not in (400, 401, 402, 403):
            # 4xx data markers (400-403) are informational; anything else in 4xx/5xx is a refusal.
            self._refused(text)

    def _mark_connected(self) -> None:
        self._connected = True
        self._report(
            SourceState.CONNECTED,
            SourceMessage.NCID_CONNECTED,
            host=self.config.host,
            port=self.config.port,
            server=self.server or "NCID",
            api=self.api or "?",
        )
        self._wake()  # send queued pushes

    def _acknowledge(self, code: int) -> None:
        if not self._awaiting:
            return
        kind, number, _ = self._awaiting.popleft()
        if kind == "reload":
            log.info("NCID blacklist now has %s", mask_number(number))
            self._report(SourceState.CONNECTED, SourceMessage.NCID_BLOCK_PUSHED, number=number)

    def _refused(self, text: str) -> None:
        if not self._awaiting:
            return
        kind, number, _ = self._awaiting.popleft()
        if kind == "add" and self._awaiting and self._awaiting[0][:2] == ("reload", number):
            self._awaiting.popleft()
        self._report(
            self.status.state, SourceMessage.NCID_BLOCK_FAILED, severity=Severity.WARNING, number=number, error=text
        )

    def _handle_call(self, label: str, payload: str, text: str) -> None:
        fields = parse_fields(payload)
        if fields is None or "NMBR" not in fields:
            fields = salvage_call_fields(payload)
            if fields is None:
                self._bad_line(text)
                return
            log.info("NCID %s line whose fields don't pair up (a '*' in a value?): read by field name", label)
            log.debug("unpaired NCID line: %r", mask_numbers_in_text(text)[:200])
        if not self._connected:  # an old server that sends no 300 line: the first call proves we're up
            self._mark_connected()
        number, caller_id = ncid_number(fields["NMBR"])
        name_field = fields.get("NAME", "")
        name = None if name_field.upper() in NO_NAME else name_field
        extra: dict[str, Any] = {
            "ncid_label": label,
            "server_action": CALL_LABELS[label],
            **{k.lower(): v for k, v in fields.items() if k in ("DATE", "TIME", "MESG")},
        }
        if caller_id is not CallerId.PRESENT:
            extra["raw_nmbr"] = fields["NMBR"]
        event = CallEvent(
            line=fields.get("LINE", "-") or "-",
            raw_number=number,
            name=name,
            received_at=self._clock(),
            source="ncid",
            extra=extra,
            caller_id=caller_id,
        )
        log.info("NCID %s on %s from %s", label, event.line, mask_number(number) if number else "-")
        self._emit(event)

    def _handle_info(self, payload: str, text: str) -> None:
        fields = parse_fields(payload)
        if fields is None:
            self._bad_line(text)
            return
        try:
            ring = int(fields.get("RING", ""))
        except ValueError:
            self._bad_line(text)
            return
        if ring in RING_END_REASONS:
            line = fields.get("LINE", "-") or "-"
            self._emit_end(CallEnded(line, "ncid", self._clock(), RING_END_REASONS[ring], {"ncid": fields}))

    def _bad_line(self, text: str) -> None:
        log.info("unreadable NCID line: %r", mask_numbers_in_text(text)[:200])
        self._report_unreadable(SourceMessage.NCID_BAD_LINE, text)
