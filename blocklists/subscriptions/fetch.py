"""Where a bundle comes from: an HTTP(S) URL, a local folder (shared drive, USB stick) or a zip file.

Every source answers ``get(name, max_bytes)`` with the file's bytes, never more than ``max_bytes`` (a file
that is bigger is refused while reading: ``TOO_LARGE``), or ``None`` for "not modified" when the caller
passed the ETag / Last-Modified it saw last time (a conditional GET; only HTTP knows about it).

HTTP goes through urllib's opener, so the system proxy settings (``http_proxy``/``https_proxy`` environment,
Windows registry, macOS System Settings — urllib's ``getproxies``) apply.  Each read waits at most ``timeout``
seconds and a whole file — connecting, the headers, redirects and the body together — at most ``deadline``
seconds: every read from the socket is checked against it and its socket timeout shrinks to the time left, so a
server that drips a byte at a time ("slow loris") is cut off, not waited on for ever.  Redirects are followed
only to http:// and https:// addresses.  An HTML answer (a captive portal, a hosting provider's error page) is
reported as such, not as a broken list.
"""

from __future__ import annotations

import functools
import http.client
import io
import os
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, cast

from blocklists.subscriptions.bundle import MANIFEST, safe_name
from blocklists.subscriptions.problems import SubscriptionError, SubscriptionProblem

USER_AGENT = "CallShield-lists/1"
DEFAULT_TIMEOUT = 20.0
DEFAULT_DEADLINE = 600.0
CHUNK = 1 << 16


@dataclass(frozen=True)
class Fetched:
    data: bytes | None  # None: not modified since the ETag / Last-Modified given
    etag: str = ""
    last_modified: str = ""


class Source(Protocol):
    label: str

    def get(self, name: str, max_bytes: int, *, etag: str = "", last_modified: str = "") -> Fetched: ...


def is_url(text: str) -> bool:
    return text.lower().startswith(("http://", "https://"))


def open_source(location: str, *, timeout: float = DEFAULT_TIMEOUT, deadline: float = DEFAULT_DEADLINE) -> Source:
    """A URL (the bundle folder, or its ``manifest.json``), a folder, or a ``.zip`` file."""
    if is_url(location):
        return HttpSource(location, timeout=timeout, deadline=deadline)
    path = Path(location).expanduser()
    if path.is_dir():
        return FolderSource(path)
    if path.is_file() and (path.suffix.lower() == ".zip" or zipfile.is_zipfile(path)):
        return ZipSource(path)
    if path.is_file() and path.name == MANIFEST:
        return FolderSource(path.parent)
    if not path.exists() and ("/" in location or os.sep in location or path.suffix):
        raise SubscriptionError(SubscriptionProblem.NOT_FOUND_LOCAL, path=location)
    raise SubscriptionError(SubscriptionProblem.BAD_SOURCE, source=location)


class HttpSource:
    def __init__(self, url: str, *, timeout: float = DEFAULT_TIMEOUT, deadline: float = DEFAULT_DEADLINE) -> None:
        base = url if url.endswith("/") else (url.rsplit("/", 1)[0] + "/" if url.endswith(".json") else url + "/")
        self.base = base
        self.label = base
        self.timeout = timeout
        self.deadline = deadline

    def _opener(self, ends_at: float) -> urllib.request.OpenerDirector:
        """An opener whose connections all end by ``ends_at`` (``time.monotonic()``), redirects included.

        build_opener() includes ProxyHandler(getproxies()): the system proxy is used like a browser would.
        """
        return urllib.request.build_opener(
            _DeadlineHTTPHandler(ends_at), _DeadlineHTTPSHandler(ends_at), _HttpOnlyRedirects()
        )

    def get(self, name: str, max_bytes: int, *, etag: str = "", last_modified: str = "") -> Fetched:
        url = urllib.parse.urljoin(self.base, urllib.parse.quote(safe_name(name)))
        headers = {"User-Agent": USER_AGENT, "Accept": "application/json, text/csv, */*;q=0.5"}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        request = urllib.request.Request(url, headers=headers)
        ends_at = time.monotonic() + self.deadline
        try:
            with self._opener(ends_at).open(request, timeout=min(self.timeout, self.deadline)) as resp:
                ctype = (resp.headers.get("Content-Type") or "").lower()
                if "text/html" in ctype:
                    raise SubscriptionError(SubscriptionProblem.NOT_A_LIST, url=url)
                length = resp.headers.get("Content-Length")
                if length and length.isdigit() and int(length) > max_bytes:
                    raise SubscriptionError(SubscriptionProblem.TOO_LARGE, name=name, limit=max_bytes)
                chunks: list[bytes] = []
                got = 0
                while True:  # each socket read inside ends by the deadline (_DeadlineReader)
                    chunk = resp.read(CHUNK)
                    if not chunk:
                        break
                    got += len(chunk)
                    if got > max_bytes:
                        raise SubscriptionError(SubscriptionProblem.TOO_LARGE, name=name, limit=max_bytes)
                    chunks.append(chunk)
                data = b"".join(chunks)
                if length and length.isdigit() and len(data) < int(length):
                    raise SubscriptionError(SubscriptionProblem.TRUNCATED, name=name, got=len(data))
                if data[:64].lstrip().lower().startswith((b"<!doctype html", b"<html")):
                    raise SubscriptionError(SubscriptionProblem.NOT_A_LIST, url=url)
                return Fetched(
                    data,
                    resp.headers.get("ETag") or "",
                    _strong_last_modified(resp.headers.get("Last-Modified"), resp.headers.get("Date")),
                )
        except urllib.error.HTTPError as exc:
            exc.close()
            if exc.code == 304:
                return Fetched(None, etag, last_modified)
            raise SubscriptionError(SubscriptionProblem.HTTP_STATUS, status=exc.code, url=url) from exc
        except http.client.IncompleteRead as exc:
            raise SubscriptionError(SubscriptionProblem.TRUNCATED, name=name, got=len(exc.partial)) from exc
        except TimeoutError as exc:
            raise self._timed_out(url, ends_at) from exc
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, TimeoutError):
                raise self._timed_out(url, ends_at) from exc
            raise SubscriptionError(SubscriptionProblem.NETWORK, url=url, detail=str(exc.reason)) from exc
        except (http.client.HTTPException, ConnectionError, OSError) as exc:
            raise SubscriptionError(
                SubscriptionProblem.NETWORK, url=url, detail=str(exc) or type(exc).__name__
            ) from exc

    def _timed_out(self, url: str, ends_at: float) -> SubscriptionError:
        """TIMEOUT naming the limit that struck: the whole-file deadline, or one read's ``timeout``."""
        seconds = self.deadline if time.monotonic() >= ends_at - 0.05 else self.timeout
        return SubscriptionError(SubscriptionProblem.TIMEOUT, url=url, seconds=max(1, round(seconds)))


class _DeadlineReader(io.RawIOBase):
    """The socket's reading side, each read ending by ``ends_at``: the socket timeout shrinks to the time left."""

    def __init__(self, sock: socket.socket, ends_at: float, timeout: float) -> None:
        super().__init__()
        self._sock = sock
        self._raw = sock.makefile("rb", buffering=0)  # a SocketIO: keeps the socket open until closed itself
        self._ends_at = ends_at
        self._timeout = timeout

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int | None:
        left = self._ends_at - time.monotonic()
        if left <= 0:
            raise TimeoutError("download deadline passed")
        self._sock.settimeout(min(self._timeout, left))
        return self._raw.readinto(buffer)

    def close(self) -> None:
        if not self.closed:
            self._raw.close()
        super().close()


class _DeadlineSocket:
    """What an HTTP connection reads and writes through: the real socket, except that the response it makes
    with ``makefile`` reads via ``_DeadlineReader`` (status line, headers and body alike)."""

    def __init__(self, sock: socket.socket, ends_at: float, timeout: float) -> None:
        self._sock = sock
        self._ends_at = ends_at
        self._timeout = timeout

    def makefile(self, mode: str = "rb", *args: Any, **kwargs: Any) -> io.BufferedReader:
        return io.BufferedReader(_DeadlineReader(self._sock, self._ends_at, self._timeout))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._sock, name)


def _bounded_connect(conn: http.client.HTTPConnection, ends_at: float, connect: Callable[[], None]) -> None:
    """Connect ``conn`` so that connecting, the TLS handshake and every later read end by ``ends_at``."""
    left = ends_at - time.monotonic()
    if left <= 0:
        raise TimeoutError("download deadline passed")
    per_read = conn.timeout if isinstance(conn.timeout, (int, float)) else left
    conn.timeout = min(per_read, left)  # connect and the TLS handshake each end within it (CPython bounds both)
    connect()
    conn.sock = cast(socket.socket, _DeadlineSocket(conn.sock, ends_at, per_read))


class _DeadlineHTTPConnection(http.client.HTTPConnection):
    def __init__(self, host: str, *, ends_at: float, **kwargs: Any) -> None:
        super().__init__(host, **kwargs)
        self.ends_at = ends_at

    def connect(self) -> None:
        _bounded_connect(self, self.ends_at, super().connect)


class _DeadlineHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, host: str, *, ends_at: float, **kwargs: Any) -> None:
        super().__init__(host, **kwargs)
        self.ends_at = ends_at

    def connect(self) -> None:
        _bounded_connect(self, self.ends_at, super().connect)


class _DeadlineHTTPHandler(urllib.request.HTTPHandler):
    def __init__(self, ends_at: float) -> None:
        super().__init__()
        self.ends_at = ends_at

    def do_open(self, http_class: Any, req: urllib.request.Request, **http_conn_args: Any) -> http.client.HTTPResponse:
        conn = functools.partial(_DeadlineHTTPConnection, ends_at=self.ends_at)
        return super().do_open(cast(Any, conn), req, **http_conn_args)


class _DeadlineHTTPSHandler(urllib.request.HTTPSHandler):
    def __init__(self, ends_at: float) -> None:
        super().__init__()
        self.ends_at = ends_at

    def do_open(self, http_class: Any, req: urllib.request.Request, **http_conn_args: Any) -> http.client.HTTPResponse:
        conn = functools.partial(_DeadlineHTTPSConnection, ends_at=self.ends_at)
        return super().do_open(cast(Any, conn), req, **http_conn_args)


class _HttpOnlyRedirects(urllib.request.HTTPRedirectHandler):
    """Follows redirects to http(s) only.  urllib's own handler also follows ``ftp://`` (and refuses ``file:``
    or ``data:`` with a bare HTTPError); a list subscribed over HTTP(S) must never be fetched any other way."""

    def http_error_302(self, req: urllib.request.Request, fp: Any, code: int, msg: str, headers: Any) -> Any:
        location = headers.get("location") or headers.get("uri") or ""
        if location:
            target = urllib.parse.urljoin(req.full_url, location.strip())
            if urllib.parse.urlsplit(target).scheme.lower() not in ("http", "https"):
                fp.close()
                shown = target if len(target) <= 120 else target[:117] + "..."
                raise SubscriptionError(SubscriptionProblem.BAD_REDIRECT, url=req.full_url, target=shown)
        return super().http_error_302(req, fp, code, msg, headers)

    http_error_301 = http_error_303 = http_error_307 = http_error_308 = http_error_302


class FolderSource:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.label = str(folder)

    def get(self, name: str, max_bytes: int, *, etag: str = "", last_modified: str = "") -> Fetched:
        path = self.folder / safe_name(name)
        try:
            with open(path, "rb") as fh:
                data = fh.read(max_bytes + 1)
        except FileNotFoundError as exc:
            raise SubscriptionError(SubscriptionProblem.NOT_FOUND_LOCAL, path=str(path)) from exc
        except OSError as exc:
            raise SubscriptionError(SubscriptionProblem.NETWORK, url=str(path), detail=exc.strerror or "") from exc
        if len(data) > max_bytes:
            raise SubscriptionError(SubscriptionProblem.TOO_LARGE, name=name, limit=max_bytes)
        return Fetched(data)


class ZipSource:
    """A zipped bundle; the files may sit at the top or inside one folder."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.label = str(path)
        try:
            with zipfile.ZipFile(path) as zf:
                names = zf.namelist()
        except (zipfile.BadZipFile, OSError) as exc:
            raise SubscriptionError(SubscriptionProblem.BAD_ZIP, detail=str(exc)) from exc
        heads = [n[: -len(MANIFEST)] for n in names if n == MANIFEST or n.endswith("/" + MANIFEST)]
        if not heads:
            raise SubscriptionError(SubscriptionProblem.BAD_ZIP, detail="no manifest.json")
        self.prefix = min(heads, key=len)

    def get(self, name: str, max_bytes: int, *, etag: str = "", last_modified: str = "") -> Fetched:
        member = self.prefix + safe_name(name)
        try:
            with zipfile.ZipFile(self.path) as zf:
                try:
                    info = zf.getinfo(member)
                except KeyError as exc:
                    raise SubscriptionError(SubscriptionProblem.NOT_FOUND_LOCAL, path=f"{self.path}:{member}") from exc
                if info.file_size > max_bytes:
                    raise SubscriptionError(SubscriptionProblem.TOO_LARGE, name=name, limit=max_bytes)
                with zf.open(info) as fh:
                    data = fh.read(max_bytes + 1)
        except (zipfile.BadZipFile, OSError, EOFError) as exc:
            raise SubscriptionError(SubscriptionProblem.BAD_ZIP, detail=str(exc)) from exc
        if len(data) > max_bytes:
            raise SubscriptionError(SubscriptionProblem.TOO_LARGE, name=name, limit=max_bytes)
        return Fetched(data)


def _strong_last_modified(last_modified: str | None, date: str | None) -> str:
    """The Last-Modified value worth sending back as If-Modified-Since, or ``""``.

    HTTP dates have one-second resolution: a manifest rewritten within the second it was fetched in keeps the same
    Last-Modified, and a server that only compares dates (Python's http.server, many static hosts) would answer
    304 to every later check, so that publish would be missed until the next one.  As RFC 9110 §8.8.2.2 says, a
    Last-Modified less than a second before the response's Date is weak: it is not used for the conditional GET.
    """
    if not last_modified:
        return ""
    from email.utils import parsedate_to_datetime

    try:
        modified = parsedate_to_datetime(last_modified)
        served = parsedate_to_datetime(date) if date else None
    except (TypeError, ValueError, IndexError):
        return ""
    if served is None or (served - modified).total_seconds() < 1:
        return ""
    return last_modified
