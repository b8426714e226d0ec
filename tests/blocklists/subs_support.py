"""Shared parts for the community-list tests: quick keys, a publisher, and a real HTTP server on 127.0.0.1.

The server serves a folder with ETag / If-None-Match (304) and can be told to misbehave per file:
``404``, ``html`` (a web page instead of the file), ``hang`` (accept, never answer), ``truncate`` (announce
the full length, send half, close), ``huge`` (a body far larger than the manifest announces), ``drip`` (the
right headers at once, then the file one byte every 0.2 s: a "slow loris" that never trips a read timeout),
``drip-headers`` (the headers themselves one byte every 0.2 s) and ``redirect:<url>`` (302 to ``<url>``).
Every request is recorded (path and conditional headers) so tests can check what a subscriber fetched.
"""

from __future__ import annotations

import hashlib
import http.server
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from blocklists.db import open_db
from blocklists.store import ListStore
from blocklists.subscriptions import bundle
from blocklists.subscriptions.minisign import (
    MEMLIMIT_INTERACTIVE,
    OPSLIMIT_INTERACTIVE,
    SecretKey,
    generate_secret_key,
)

QUICK_LIMITS = {"opslimit": OPSLIMIT_INTERACTIVE, "memlimit": MEMLIMIT_INTERACTIVE}


@dataclass
class ServerState:
    root: Path
    faults: dict[str, str] = field(default_factory=dict)
    requests: list[tuple[str, str, str]] = field(default_factory=list)  # (path, If-None-Match, If-Modified-Since)
    stop: threading.Event = field(default_factory=threading.Event)


class _Handler(http.server.BaseHTTPRequestHandler):
    state: ServerState

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - keep test output quiet
        return

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        st = self.state
        name = self.path.split("?", 1)[0].lstrip("/")
        st.requests.append((name, self.headers.get("If-None-Match") or "", self.headers.get("If-Modified-Since") or ""))
        fault = st.faults.get(name) or st.faults.get("*")
        if fault == "hang":
            st.stop.wait(30)
            return
        if fault == "404":
            self.send_error(404)
            return
        if fault and fault.startswith("redirect:"):
            self.send_response(302)
            self.send_header("Location", fault.removeprefix("redirect:"))
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if fault == "drip-headers":
            self._drip(b"HTTP/1.0 200 OK\r\nContent-Type: application/json\r\nX-Padding: " + b"a" * 10_000)
            return
        if fault == "html":
            body = b"<!DOCTYPE html><html><body>Welcome to the hotel Wi-Fi, please log in</body></html>"
            self._send(200, body, "text/html; charset=utf-8")
            return
        path = st.root / name
        if not path.is_file() or ".." in name:
            self.send_error(404)
            return
        data = path.read_bytes()
        if fault == "huge":
            data = data + b"9" * (8 * 1024 * 1024)
        etag = '"' + hashlib.sha256(data).hexdigest()[:16] + '"'
        if self.headers.get("If-None-Match") == etag:
            self.send_response(304)
            self.send_header("ETag", etag)
            self.end_headers()
            return
        if fault == "truncate":
            self.send_response(200)
            self.send_header("Content-Type", "application/octet-stream")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data[: len(data) // 2])
            self.wfile.flush()
            self.close_connection = True
            return
        if fault == "drip":
            self.send_response(200)
            self.send_header("Content-Type", "application/octet-stream")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self._drip(data)
            return
        self._send(200, data, "application/json" if name.endswith(".json") else "text/csv", etag)

    def _drip(self, data: bytes) -> None:
        """One byte every 0.2 s until done, the client gives up or the server stops."""
        for i in range(len(data)):
            try:
                self.wfile.write(data[i : i + 1])
            except OSError:
                return
            if self.state.stop.wait(0.2):
                return

    def _send(self, status: int, body: bytes, ctype: str, etag: str = "") -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        if etag:
            self.send_header("ETag", etag)
        self.end_headers()
        self.wfile.write(body)


@dataclass
class Server:
    url: str
    state: ServerState


class _QuietServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        return  # a client that gave up (timeout tests) is expected here, not an error to print


def serve(root: Path) -> Iterator[Server]:
    state = ServerState(root)
    handler = type("Handler", (_Handler,), {"state": state})
    httpd = _QuietServer(("127.0.0.1", 0), handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield Server(f"http://127.0.0.1:{httpd.server_address[1]}/", state)
    finally:
        state.stop.set()
        httpd.shutdown()
        httpd.server_close()
        thread.join(5)


class Publisher:
    """A publisher's own database, list and key, publishing into ``out``."""

    def __init__(self, tmp: Path, key: SecretKey | None = None, name: str = "nt") -> None:
        self.store = ListStore(open_db(tmp / "publisher.db"))
        self.name = name
        self.store.create_list(name, "block", title_zh="南通社区反诈名单", title_en="Nantong community list")
        self.key = key or generate_secret_key()
        self.out = tmp / "bundle"
        self.serial = 0

    def add(self, *patterns: str, category: str = "fraud", note: str = "") -> None:
        for p in patterns:
            self.store.add(self.name, p, category, note=note)

    def remove(self, *patterns: str) -> None:
        for p in patterns:
            self.store.remove(self.name, p)

    def publish(self, **kwargs: Any) -> bundle.PublishResult:
        self.serial += 1
        kwargs.setdefault("serial", self.serial)
        return bundle.publish(self.store, self.name, self.out, self.key, **kwargs)


def resign(folder: Path, key: SecretKey, **changes: Any) -> None:
    """Change manifest fields and sign it again with ``key`` (a publisher bug or a forger with the key)."""
    data = json.loads((folder / bundle.MANIFEST).read_text("utf-8"))
    data.update(changes)
    blob = (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
    manifest = bundle.parse_manifest(blob) if "files" not in changes or _names_safe(data) else None
    comment = (
        manifest.trusted_comment()
        if manifest
        else f"list_id={data['list_id']} serial={data['serial']} expires_at={data['expires_at']}"
    )
    (folder / bundle.MANIFEST).write_bytes(blob)
    (folder / bundle.SIGNATURE).write_text(key.sign(blob, comment), "ascii")


def _names_safe(data: dict[str, Any]) -> bool:
    return all(bundle.SAFE_NAME.match(str(f.get("name"))) and ".." not in str(f.get("name")) for f in data["files"])


def wait_until(predicate: Any, timeout: float = 5.0) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.02)
    return bool(predicate())
