"""Real peers for the call-source tests: a modem on a pseudo-terminal and an NCID server on 127.0.0.1.

``ModemPeer`` sits on the master side of a real pty (``os.openpty``) and answers AT commands the way
a USR/Conexant voice modem does: echo until ``ATE0``, ``OK``/``ERROR`` result codes, ``ATI`` with a
model string, caller ID only after ``AT+VCID=1`` (and lost again on ``ATZ``), hook state from
``ATH1``/``ATH0``. The source under test opens the slave through pyserial, exactly as it would open
``/dev/ttyACM0``. A stable symlink plays the part of ``/dev/serial/by-id/…``, so the modem can be
"unplugged" (pty closed, link removed) and "plugged back" (new pty, same link).

``NcidPeer`` is a TCP server speaking the documented NCID lines. The bench imports both.
The tests at the bottom check the peers themselves, so a broken peer cannot make the source
tests pass for the wrong reason.
"""

from __future__ import annotations

import os
import select
import socket
import struct
import sys
import threading
import time

import pytest

if sys.platform != "win32":  # the modem peer needs a POSIX pseudo-terminal
    import fcntl
    import termios
    import tty
from collections.abc import Callable
from pathlib import Path

from app.calls.events import CallEnded, CallEvent, SourceStatus
from screening.i18n import MessageCode

USR_MODEL = "U.S. Robotics 56K Voice Faxmodem Pro (USR5637)"

#: Modem tests need os.openpty (Linux, macOS). On Windows the same source code runs against COM ports,
#: but there is no built-in pseudo-terminal to put a scripted modem on (com0com is a third-party driver).
needs_pty = pytest.mark.skipif(
    not hasattr(os, "openpty"), reason="needs a POSIX pseudo-terminal (os.openpty) for the scripted modem"
)


class ModemPeer:
    """A scripted voice modem on a real pseudo-terminal."""

    def __init__(
        self,
        link: Path,
        model: str = USR_MODEL,
        answers: bool = True,
        errors: frozenset[str] = frozenset(),
        gci_resets_cid: bool = True,
        after: dict[str, bytes] | None = None,
    ) -> None:
        self.link = link
        self.model = model
        self.answers = answers  # False: a silent serial device that is not a modem
        self.errors = errors  # commands answered with ERROR
        self.gci_resets_cid = gci_resets_cid
        self.after = after or {}  # bytes sent in the same write as a command's result code
        self.commands: list[str] = []
        self.hook_events: list[tuple[str, float]] = []  # ("off"|"on", monotonic time)
        self.echo = True
        self.caller_id = False
        self.country: str | None = None
        self._cond = threading.Condition()
        self._master = -1
        self._slave = -1
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self._wake_r, self._wake_w = os.pipe()

    # -- lifecycle ----------------------------------------------------------------------------------
    def start(self) -> ModemPeer:
        self._master, self._slave = os.openpty()
        tty.setraw(self._slave)
        if self.link.is_symlink() or self.link.exists():
            self.link.unlink()
        self.link.symlink_to(os.ttyname(self._slave))
        self.echo, self.caller_id = True, False
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, name="modem-peer", daemon=True)
        self._thread.start()
        return self

    def vanish(self) -> None:
        """Unplug: the device node disappears and the open handle starts failing."""
        self._stop.set()
        os.write(self._wake_w, b"x")
        if self._thread is not None:
            self._thread.join(5)
            self._thread = None
        for fd in (self._master, self._slave):
            if fd >= 0:
                os.close(fd)
        self._master = self._slave = -1
        if self.link.is_symlink():
            self.link.unlink()

    def stop(self) -> None:
        self.vanish()
        os.close(self._wake_r)
        os.close(self._wake_w)

    # -- what the line does -------------------------------------------------------------------------
    def write(self, data: bytes) -> None:
        os.write(self._master, data)

    def ring(self) -> None:
        self.write(b"\r\nRING\r\n")

    def caller_id_block(
        self, number: str, name: str | None = None, date: str = "1121", time_: str = "0435", sep: str = " = "
    ) -> bool:
        """Send a caller-ID block, as the modem does between the first and second ring.

        Returns False (and sends nothing) when caller ID is off, as a real modem would.
        """
        if not self.caller_id:
            return False
        lines = [f"DATE{sep}{date}", f"TIME{sep}{time_}", f"NMBR{sep}{number}"]
        if name is not None:
            lines.append(f"NAME{sep}{name}")
        self.write(("\r\n" + "\r\n".join(lines) + "\r\n\r\n").encode("ascii"))
        return True

    def wait_drained(self, timeout: float = 5.0) -> bool:
        """Wait until the other end has read everything written so far (bytes waiting on the slave side)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            waiting = struct.unpack("i", fcntl.ioctl(self._slave, termios.FIONREAD, b"\0\0\0\0"))[0]
            if waiting == 0:
                return True
            time.sleep(0.002)
        return False

    def wait_for_command(self, command: str, timeout: float = 5.0, count: int = 1) -> bool:
        with self._cond:
            return self._cond.wait_for(lambda: self.commands.count(command) >= count, timeout)

    def wait_until(self, predicate: Callable[[], bool], timeout: float = 5.0) -> bool:
        with self._cond:
            return self._cond.wait_for(predicate, timeout)

    # -- the modem ----------------------------------------------------------------------------------
    def _loop(self) -> None:
        pending = b""
        while not self._stop.is_set():
            readable, _, _ = select.select([self._master, self._wake_r], [], [], 0.5)
            if self._wake_r in readable:
                os.read(self._wake_r, 64)
            if self._master not in readable:
                continue
            try:
                data = os.read(self._master, 1024)
            except OSError:  # the other side closed the slave; wait for it to reopen
                time.sleep(0.01)
                continue
            if self.echo and self.answers:
                os.write(self._master, data)
            pending += data
            while b"\r" in pending:
                raw, pending = pending.split(b"\r", 1)
                command = raw.decode("ascii", "replace").strip()
                if command:
                    self._command(command)

    def _command(self, command: str) -> None:
        upper = command.upper()
        with self._cond:
            self.commands.append(upper)
            if upper == "ATH1":
                self.hook_events.append(("off", time.monotonic()))
            elif upper == "ATH0":
                self.hook_events.append(("on", time.monotonic()))
            self._cond.notify_all()
        if not self.answers:
            return
        if upper in self.errors:
            self._result("ERROR", upper)
            return
        if upper == "ATZ":
            self.echo, self.caller_id = True, False
        elif upper == "ATE0":
            self.echo = False
        elif upper == "ATE1":
            self.echo = True
        elif upper.startswith("ATI"):
            self.write(f"\r\n{self.model}\r\n".encode("ascii"))
        elif upper in ("AT+VCID=1", "AT#CID=1"):
            self.caller_id = True
        elif upper.startswith("AT+GCI="):
            self.country = upper.split("=", 1)[1]
            if self.gci_resets_cid:
                self.caller_id = False
        elif upper in ("AT", "ATV1", "ATH0", "ATH1", "AT+VCID=0"):
            pass
        else:
            self._result("ERROR", upper)
            return
        self._result("OK", upper)

    def _result(self, code: str, command: str) -> None:
        self.write(f"\r\n{code}\r\n".encode("ascii") + self.after.get(command, b""))


class NcidPeer:
    """An NCID server on 127.0.0.1: greeting, call log, live lines, replies to client jobs."""

    GREETING = (
        "200 Server: ncidd (NCID) 1.11",
        "210 API: 1.5 Feature Set 1 2 3 4",
    )

    def __init__(self, call_log: tuple[str, ...] = (), port: int = 0, answer_yo: bool = True) -> None:
        self.call_log = call_log
        self.port = port
        self.answer_yo = answer_yo
        self.received: list[str] = []
        self.connections = 0
        self._cond = threading.Condition()
        self._clients: list[socket.socket] = []
        self._server: socket.socket | None = None
        self._threads: list[threading.Thread] = []
        self._stop = threading.Event()

    def start(self) -> NcidPeer:
        server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        server.bind(("127.0.0.1", self.port))
        server.listen(4)
        server.settimeout(0.1)
        self.port = server.getsockname()[1]
        self._server = server
        self._stop.clear()
        thread = threading.Thread(target=self._accept, name="ncid-peer", daemon=True)
        thread.start()
        self._threads.append(thread)
        return self

    def stop(self) -> None:
        """Server goes down: listening socket and every client connection closed."""
        self._stop.set()
        for thread in self._threads:
            thread.join(5)
        self._threads.clear()
        with self._cond:
            for client in self._clients:
                client.close()
            self._clients.clear()
        if self._server is not None:
            self._server.close()
            self._server = None

    def send(self, line: str) -> None:
        self.send_raw((line + "\r\n").encode("utf-8"))

    def send_raw(self, data: bytes) -> None:
        with self._cond:  # never interleaved with a greeting, never missing a client that was greeted
            for client in list(self._clients):
                try:
                    client.sendall(data)
                except OSError:  # that client has gone (a source restarted): drop it, as ncidd does
                    self._clients.remove(client)
                    client.close()

    def wait_connected(self, count: int = 1, timeout: float = 5.0) -> bool:
        with self._cond:
            return self._cond.wait_for(lambda: self.connections >= count and bool(self._clients), timeout)

    def wait_received(self, line: str, timeout: float = 5.0) -> bool:
        with self._cond:
            return self._cond.wait_for(lambda: line in self.received, timeout)

    def _accept(self) -> None:
        assert self._server is not None
        while not self._stop.is_set():
            try:
                client, _ = self._server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            lines = list(self.GREETING)
            if self.call_log:
                lines += ["254 Start of call log", *self.call_log, "250 End of call log"]
            else:
                lines += ["252 Call log empty"]
            lines += ["OPT: hangup-1", "OPT: country: CN", "300 End of connection startup"]
            with self._cond:  # the client is on the list before it can see "300" and start the test
                self._clients.append(client)
                client.sendall("".join(line + "\r\n" for line in lines).encode())
                self.connections += 1
                self._cond.notify_all()
            thread = threading.Thread(target=self._serve, args=(client,), name="ncid-peer-client", daemon=True)
            thread.start()
            self._threads.append(thread)

    def _serve(self, client: socket.socket) -> None:
        buf = b""
        while not self._stop.is_set():
            try:
                ready, _, _ = select.select([client], [], [], 0.1)
                if not ready:
                    continue
                data = client.recv(4096)
            except (OSError, ValueError):
                return
            if not data:
                return
            buf += data
            while b"\n" in buf:
                raw, buf = buf.split(b"\n", 1)
                line = raw.decode("utf-8").strip()
                with self._cond:
                    self.received.append(line)
                    self._cond.notify_all()
                self._reply(client, line)

    def _reply(self, client: socket.socket, line: str) -> None:
        if line == "REQ: YO" and self.answer_yo:
            replies = ["YO"]
        elif line.startswith("REQ: black add "):
            replies = ["400 Start of data requiring OK", "RESP: added to blacklist", "411 End of response"]
        elif line == "REQ: RELOAD":
            replies = [
                "400 Start of data requiring OK",
                "RESP: Reloaded alias, blacklist, whitelist",
                "410 End of data",
            ]
        else:
            return
        try:
            client.sendall("".join(r + "\r\n" for r in replies).encode())
        except OSError:
            pass


class Recorder:
    """Collects what a source reports through its callbacks; tests wait on it, never sleep."""

    def __init__(self) -> None:
        self.events: list[CallEvent] = []
        self.statuses: list[SourceStatus] = []
        self.ends: list[CallEnded] = []
        self._cond = threading.Condition()

    def on_call(self, event: CallEvent) -> None:
        with self._cond:
            self.events.append(event)
            self._cond.notify_all()

    def on_status(self, status: SourceStatus) -> None:
        with self._cond:
            self.statuses.append(status)
            self._cond.notify_all()

    def on_end(self, ended: CallEnded) -> None:
        with self._cond:
            self.ends.append(ended)
            self._cond.notify_all()

    def codes(self) -> list[MessageCode]:
        with self._cond:
            return [s.message.code for s in self.statuses]

    def wait_events(self, count: int, timeout: float = 5.0) -> list[CallEvent]:
        with self._cond:
            assert self._cond.wait_for(lambda: len(self.events) >= count, timeout), (
                f"expected {count} calls, got {self.events}; last statuses: {[s.render('en') for s in self.statuses[-4:]]}"
            )
            return list(self.events)

    def wait_status(self, code: MessageCode, count: int = 1, timeout: float = 5.0) -> SourceStatus:
        with self._cond:
            ok = self._cond.wait_for(lambda: sum(1 for s in self.statuses if s.message.code is code) >= count, timeout)
            assert ok, f"no {code.name} (x{count}); last: {[s.render('en') for s in self.statuses[-4:]]}"
            return [s for s in self.statuses if s.message.code is code][count - 1]

    def wait_end(self, reason: str, timeout: float = 5.0) -> CallEnded:
        with self._cond:
            assert self._cond.wait_for(lambda: any(e.reason == reason for e in self.ends), timeout), self.ends
            return next(e for e in self.ends if e.reason == reason)


# -- the peers themselves -----------------------------------------------------------------------------


@needs_pty
def test_modem_peer_speaks_at_over_a_real_pty(tmp_path: Path) -> None:
    import serial

    peer = ModemPeer(tmp_path / "ttyMODEM").start()
    try:
        with serial.Serial(str(peer.link), 115200, timeout=1) as ser:
            ser.write(b"ATI\r")
            assert peer.wait_for_command("ATI")
            reply = ser.read_until(b"OK\r\n")
            assert USR_MODEL.encode() in reply and reply.startswith(b"ATI\r")  # echo is on after power-up
            assert not peer.caller_id_block("123"), "caller ID must be off until AT+VCID=1"
    finally:
        peer.stop()


def test_ncid_peer_greets_and_answers_jobs() -> None:
    peer = NcidPeer(call_log=("CIDLOG: *DATE*11212026*TIME*0400*LINE*POTS*NMBR*110*MESG*NONE*NAME*-*",)).start()
    try:
        with socket.create_connection(("127.0.0.1", peer.port), timeout=2) as sock:
            data = b""
            while b"300 End" not in data:
                data += sock.recv(4096)
            assert data.startswith(b"200 Server:") and b"254 Start of call log" in data
            sock.sendall(b"REQ: YO\n")
            assert peer.wait_received("REQ: YO")
    finally:
        peer.stop()
