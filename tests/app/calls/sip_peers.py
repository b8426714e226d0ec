"""Real SIP peers for the SIP-line tests: a small UDP registrar on 127.0.0.1 and baresip "caller" instances.

The registrar speaks just enough SIP for a user agent to register: it challenges with an RFC 2617 digest
(MD5, ``qop=auth``), checks the answer, and replies 200 OK, or 403 Forbidden for a wrong password (as
most providers do), or always 403 when told to refuse everyone.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
import socket
import subprocess
import threading
import time
import wave
from pathlib import Path
from typing import Any

from app.calls.sources.sip import module_path, netstring, read_netstrings

REALM = "callshield.test"


def free_udp_port() -> int:
    """A port that is free for UDP and TCP (baresip binds both, and TLS on port+1)."""
    while True:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
            udp.bind(("127.0.0.1", 0))
            port = int(udp.getsockname()[1])
        if port > 65000:
            continue
        try:
            for offset in (0, 1):
                with socket.socket() as tcp:
                    tcp.bind(("127.0.0.1", port + offset))
        except OSError:
            continue
        return port


def _md5(text: str) -> str:
    return hashlib.md5(text.encode()).hexdigest()  # noqa: S324 - SIP digest is MD5 by definition


def _headers(message: str) -> tuple[str, dict[str, str]]:
    head = message.split("\r\n\r\n", 1)[0]
    lines = head.split("\r\n")
    headers: dict[str, str] = {}
    for line in lines[1:]:
        if ":" in line:
            name, value = line.split(":", 1)
            headers.setdefault(name.strip().lower(), value.strip())
    return lines[0], headers


class Registrar:
    """A UDP SIP registrar on 127.0.0.1 with digest authentication."""

    def __init__(self, users: dict[str, str], refuse_all: bool = False) -> None:
        self.users = users
        self.refuse_all = refuse_all
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.settimeout(0.2)
        self.port = int(self.sock.getsockname()[1])
        self.registered: list[str] = []
        self.answers: list[int] = []
        self._nonce = secrets.token_hex(8)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, name="test-registrar", daemon=True)

    def start(self) -> Registrar:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(5)
        self.sock.close()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                data, addr = self.sock.recvfrom(65536)
            except TimeoutError:
                continue
            except OSError:
                return
            text = data.decode("utf-8", errors="replace")
            start, headers = _headers(text)
            if not start.startswith("REGISTER "):
                continue
            code, reason, extra = self._answer(start, headers)
            self.answers.append(code)
            reply = [f"SIP/2.0 {code} {reason}"]
            for name in ("via", "from", "to", "call-id", "cseq"):
                value = headers.get(name, "")
                if name == "to" and ";tag=" not in value:
                    value += ";tag=reg1"
                reply.append(f"{name.title()}: {value}")
            reply += extra
            reply += ["Content-Length: 0", "", ""]
            self.sock.sendto("\r\n".join(reply).encode(), addr)

    def _answer(self, start: str, headers: dict[str, str]) -> tuple[int, str, list[str]]:
        if self.refuse_all:
            return 403, "Forbidden", []
        auth = headers.get("authorization", "")
        challenge = f'WWW-Authenticate: Digest realm="{REALM}", nonce="{self._nonce}", algorithm=MD5, qop="auth"'
        if not auth:
            return 401, "Unauthorized", [challenge]
        fields = {k: a or b for k, a, b in re.findall(r'(\w+)=(?:"([^"]*)"|([^,\s]*))', auth)}
        user = fields.get("username", "")
        password = self.users.get(user)
        if password is None:
            return 403, "Forbidden", []
        ha1 = _md5(f"{user}:{REALM}:{password}")
        ha2 = _md5(f"REGISTER:{fields.get('uri', '')}")
        if fields.get("qop"):
            expected = _md5(f"{ha1}:{fields.get('nonce')}:{fields.get('nc')}:{fields.get('cnonce')}:auth:{ha2}")
        else:
            expected = _md5(f"{ha1}:{fields.get('nonce')}:{ha2}")
        if fields.get("response") != expected:
            return 401, "Unauthorized", [challenge]  # a wrong password is challenged again (Kamailio, Asterisk)
        self.registered.append(user)
        expires = headers.get("expires", "600")
        return 200, "OK", [f"Contact: {headers.get('contact', '')};expires={expires}", f"Expires: {expires}"]


def silence_wav(path: Path, seconds: float = 1.0) -> Path:
    """8 kHz mono silence (aufile plays a WAV at its own rate; ausine only works at 48 kHz)."""
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(8000)
        out.writeframes(b"\0\0" * int(8000 * seconds))
    return path


def line_audio(folder: Path) -> tuple[str, ...]:
    """Audio for CallShield's own line in tests: silence out, nothing played."""
    folder.mkdir(parents=True, exist_ok=True)
    return (f"audio_source aufile,{silence_wav(folder / 'line-silence.wav')}", "audio_player none,none")


class BaresipPeer:
    """A second baresip on 127.0.0.1 acting as the caller: its own config dir, ports and ctrl_tcp socket."""

    def __init__(self, folder: Path, user: str, wav: Path | None = None, codecs: tuple[str, ...] = ("g711",)) -> None:
        self.folder = folder
        self.user = user
        self.sip_port = free_udp_port()
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.ctrl_port = int(sock.getsockname()[1])
        folder.mkdir(parents=True, exist_ok=True)
        audio_source = f"aufile,{wav or silence_wav(folder / 'silence.wav')}"
        (folder / "config").write_text(
            "\n".join(
                [
                    "poll_method epoll",
                    f"module_path {module_path()}",
                    f"sip_listen 127.0.0.1:{self.sip_port}",
                    f"audio_source {audio_source}",
                    "audio_player none,none",
                    "audio_alert none,none",
                    *([f"module {codec}.so" for codec in codecs]),
                    "module aufile.so",
                    "module ausine.so",
                    "module_tmp account.so",
                    "module_app menu.so",
                    "module_app ctrl_tcp.so",
                    f"ctrl_tcp_listen 127.0.0.1:{self.ctrl_port}",
                    "",
                ]
            )
        )
        (folder / "accounts").write_text(f"<sip:{user}@127.0.0.1:{self.sip_port};transport=udp>;regint=0\n")
        self.proc: subprocess.Popen[bytes] | None = None
        self.sock: socket.socket | None = None
        self.events: list[dict[str, Any]] = []
        self._buf = bytearray()

    def start(self) -> BaresipPeer:
        self._log = (self.folder / "baresip.log").open("wb")  # read it when a test fails
        self.proc = subprocess.Popen(
            ["baresip", "-f", str(self.folder)],
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        # (20 s: on a loaded 2-core machine baresip took more than the 5 s once allowed to load its modules and listen)
        deadline = time.monotonic() + 20
        while True:
            try:
                self.sock = socket.create_connection(("127.0.0.1", self.ctrl_port), timeout=1)
                break
            except OSError as exc:
                exited = self.proc.poll()
                if exited is not None or time.monotonic() > deadline:
                    self._log.flush()
                    log = (self.folder / "baresip.log").read_text(errors="replace")[-2000:]
                    why = f"baresip exited with {exited}" if exited is not None else "baresip did not listen in 20 s"
                    raise OSError(f"{why} on control port {self.ctrl_port}; its log ends:\n{log}") from exc
                time.sleep(0.05)
        return self

    def command(self, command: str, params: str = "") -> None:
        assert self.sock is not None
        self.sock.sendall(netstring({"command": command, "params": params, "token": command}))

    def dial(self, uri: str) -> None:
        self.command("dial", uri)

    def wait_event(self, kind: str, timeout: float = 5.0) -> dict[str, Any]:
        assert self.sock is not None
        deadline = time.monotonic() + timeout
        while True:
            for event in self.events:
                if event.get("type") == kind:
                    self.events.remove(event)
                    return event
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"no {kind} from the caller's baresip; saw {self.events}")
            self.sock.settimeout(left)
            try:
                data = self.sock.recv(65536)
            except TimeoutError:
                continue
            if not data:
                raise AssertionError("the caller's baresip closed its control socket")
            self._buf.extend(data)
            for payload in read_netstrings(self._buf):
                message = json.loads(payload)
                if message.get("event"):
                    self.events.append(message)

    def stop(self) -> None:
        if hasattr(self, "_log"):
            self._log.close()
        if self.sock is not None:
            self.sock.close()
        if self.proc is not None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
