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

A download can be cancelled (the app quitting, its update scheduler stopping): the caller passes a
``threading.Event`` as ``cancel``, and every wait of the download — the name lookup, the connect, a proxy's
answer to CONNECT, the TLS handshake and each read — waits in slices of ``CANCEL_POLL_S`` and looks at it between
them, so a set Event ends the download within about that long, with ``DownloadCancelled``.  The name lookup itself
cannot be interrupted: it runs in a daemon thread of its own that is left to finish by itself.  Not covered: the
proxy bypass check of urllib on Windows and macOS (``proxy_bypass``), which may look a name up on the calling
thread when the system proxy has an exception list.
"""

from __future__ import annotations

import errno
import functools
import http.client
import io
import ipaddress
import os
import selectors
import socket
import ssl
import threading
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
from blocklists.subscriptions.problems import DownloadCancelled, SubscriptionError, SubscriptionProblem

USER_AGENT = "CallShield-lists/1"
DEFAULT_TIMEOUT = 20.0
DEFAULT_DEADLINE = 600.0
CHUNK = 1 << 16
CANCEL_POLL_S = 0.2  # a cancellable download looks at its cancel Event at least this often while it waits
# connect_ex on a non-blocking socket: the connect goes on (POSIX; Windows says WSAEWOULDBLOCK)
_CONNECTING = frozenset({errno.EINPROGRESS, errno.EWOULDBLOCK, errno.EAGAIN, getattr(errno, "WSAEWOULDBLOCK", 10035)})


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


def open_source(
    location: str,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    deadline: float = DEFAULT_DEADLINE,
    cancel: threading.Event | None = None,
) -> Source:
    """A URL (the bundle folder, or its ``manifest.json``), a folder, or a ``.zip`` file.

    ``cancel`` (HTTP only: a folder or zip is read at once): once set, a download stops with ``DownloadCancelled``."""
    if is_url(location):
        return HttpSource(location, timeout=timeout, deadline=deadline, cancel=cancel)
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
    def __init__(
        self,
        url: str,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        deadline: float = DEFAULT_DEADLINE,
        cancel: threading.Event | None = None,
    ) -> None:
        base = url if url.endswith("/") else (url.rsplit("/", 1)[0] + "/" if url.endswith(".json") else url + "/")
        self.base = base
        self.label = base
        self.timeout = timeout
        self.deadline = deadline
        self.cancel = cancel

    def _opener(self, limits: _Limits) -> urllib.request.OpenerDirector:
        """An opener whose connections all keep to ``limits``, redirects included.

        build_opener() includes ProxyHandler(getproxies()): the system proxy is used like a browser would.
        """
        return urllib.request.build_opener(
            _DeadlineHTTPHandler(limits), _DeadlineHTTPSHandler(limits), _HttpOnlyRedirects()
        )

    def get(self, name: str, max_bytes: int, *, etag: str = "", last_modified: str = "") -> Fetched:
        url = urllib.parse.urljoin(self.base, urllib.parse.quote(safe_name(name)))
        headers = {"User-Agent": USER_AGENT, "Accept": "application/json, text/csv, */*;q=0.5"}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        request = urllib.request.Request(url, headers=headers)
        limits = _Limits(time.monotonic() + self.deadline, min(self.timeout, self.deadline), self.cancel)
        ends_at = limits.ends_at
        limits.check()
        try:
            with self._opener(limits).open(request, timeout=limits.timeout) as resp:
                ctype = (resp.headers.get("Content-Type") or "").lower()
                if "text/html" in ctype:
                    raise SubscriptionError(SubscriptionProblem.NOT_A_LIST, url=url)
                length = resp.headers.get("Content-Length")
                if length and length.isdigit() and int(length) > max_bytes:
                    raise SubscriptionError(SubscriptionProblem.TOO_LARGE, name=name, limit=max_bytes)
                chunks: list[bytes] = []
                got = 0
                while True:  # each socket read inside ends by the deadline, or at a cancel (_DeadlineReader)
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


@dataclass(frozen=True)
class _Limits:
    """What every wait of one file's download keeps to: the whole-file deadline ``ends_at`` (``time.monotonic()``),
    ``timeout`` for each network operation (the name lookup and connect together, a handshake, one read), and the
    caller's ``cancel`` Event, looked at every ``CANCEL_POLL_S`` while waiting."""

    ends_at: float
    timeout: float
    cancel: threading.Event | None = None

    def check(self) -> None:
        if self.cancel is not None and self.cancel.is_set():
            raise DownloadCancelled()

    def operation_ends(self) -> float:
        """When an operation starting now must be done: ``timeout`` from now, never past the whole-file deadline."""
        return min(time.monotonic() + self.timeout, self.ends_at)

    def settle(self, sock: socket.socket) -> None:
        """Once connected (or the handshake done): the socket timeout that bounds sending the request."""
        sock.settimeout(max(self.operation_ends() - time.monotonic(), 0.001))

    def wait_s(self, ends: float) -> float:
        """How long the next wait of an operation that must end by ``ends`` may block: the time left, in slices
        while the download can be cancelled.  Raises ``DownloadCancelled`` once cancelled, ``TimeoutError`` once
        ``ends`` has passed."""
        self.check()
        left = ends - time.monotonic()
        if left <= 0:
            raise TimeoutError("download deadline passed" if ends >= self.ends_at else "timed out")
        return left if self.cancel is None else min(left, CANCEL_POLL_S)


class _DeadlineReader(io.RawIOBase):
    """The socket's reading side, each read ending by its own ``timeout``, by the deadline or at a cancel,
    whichever comes first: the socket timeout shrinks to the time left (or to a slice, between looks at the
    cancel Event)."""

    def __init__(self, sock: socket.socket, limits: _Limits) -> None:
        super().__init__()
        self._sock = sock
        self._raw = sock.makefile("rb", buffering=0)  # a SocketIO: keeps the socket open until closed itself
        self._limits = limits

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int | None:
        ends = self._limits.operation_ends()
        while True:
            self._sock.settimeout(self._limits.wait_s(ends))
            try:
                # the socket itself, not the SocketIO: that one refuses every read after its first timeout
                return self._sock.recv_into(buffer)
            except TimeoutError:
                continue  # a slice ended: look at the cancel and the time left again

    def close(self) -> None:
        if not self.closed:
            self._raw.close()
        super().close()


class _DeadlineSocket:
    """What an HTTP connection reads and writes through: the real socket, except that the response it makes
    with ``makefile`` reads via ``_DeadlineReader`` (a proxy's answer to CONNECT, status line, headers and body)."""

    def __init__(self, sock: socket.socket, limits: _Limits) -> None:
        self._sock = sock
        self._limits = limits

    def makefile(self, mode: str = "rb", *args: Any, **kwargs: Any) -> io.BufferedReader:
        return io.BufferedReader(_DeadlineReader(self._sock, self._limits))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._sock, name)


def _resolve(limits: _Limits, host: str, port: int, ends: float) -> list[Any]:
    """``getaddrinfo`` within ``ends`` and until a cancel (:func:`resolve_interruptibly`)."""
    return resolve_interruptibly(host, port, lambda done: done.wait(limits.wait_s(ends)), "callshield-lists-lookup")


def resolve_interruptibly(
    host: str, port: int, wait: Callable[[threading.Event], object], name: str, wake: threading.Event | None = None
) -> list[Any]:
    """``getaddrinfo`` that its caller can give up on: a name lookup cannot be interrupted, so it runs in a daemon
    thread of its own, left to finish by itself, while ``wait(done)`` is called until ``done`` is set; ``wait``
    raises to give up (a deadline, a cancel, a quit). ``wake`` is set too when the lookup ends (a caller that waits
    on its own event). An address needs no lookup and no waiting. The list download and the alert e-mail use it."""
    try:
        ipaddress.ip_address(host)
    except ValueError:
        pass
    else:  # an address: no lookup, no waiting
        return socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_NUMERICHOST)
    found: list[Any] = []
    done = threading.Event()

    def lookup() -> None:
        try:
            found.append(socket.getaddrinfo(host, port, type=socket.SOCK_STREAM))
        except BaseException as exc:  # reported on the waiting thread
            found.append(exc)
        finally:
            done.set()
            if wake is not None:
                wake.set()

    threading.Thread(target=lookup, name=name, daemon=True).start()
    while not done.is_set():
        wait(done)
    if isinstance(found[0], BaseException):
        raise found[0]
    return list(found[0])


def _open_socket(limits: _Limits, host: str, port: int, source_address: tuple[str, int] | None) -> socket.socket:
    """A connected socket (``socket.create_connection``, bounded by ``limits``): the lookup and the connect
    together within one ``timeout``.  The connect does not block in ``connect()``, which nothing could cut, but is
    waited for in slices, each one looking at the cancel and the time left."""
    ends = limits.operation_ends()
    last: OSError | None = None
    for family, kind, proto, _name, address in _resolve(limits, host, port, ends):
        sock = socket.socket(family, kind, proto)
        try:
            if source_address:
                sock.bind(source_address)
            sock.setblocking(False)
            err = sock.connect_ex(address)
            if err in _CONNECTING:
                with selectors.DefaultSelector() as pending:
                    pending.register(sock, selectors.EVENT_WRITE)  # writable once connected, or once it failed
                    while not pending.select(limits.wait_s(ends)):
                        pass
                err = sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
            if err:
                raise OSError(err, os.strerror(err))  # ECONNREFUSED, ETIMEDOUT … become their OSError subclasses
            limits.settle(sock)
            return sock
        except OSError as exc:
            sock.close()
            last = exc
        except BaseException:
            sock.close()
            raise
    raise last or OSError(f"no address for {host}")


def _tls_handshake(sock: ssl.SSLSocket, limits: _Limits) -> None:
    """The TLS handshake within one ``timeout`` and until a cancel (OpenSSL takes up a handshake where a slice's
    timeout left it)."""
    ends = limits.operation_ends()
    while True:
        sock.settimeout(limits.wait_s(ends))
        try:
            sock.do_handshake()
        except TimeoutError:
            continue
        limits.settle(sock)
        return


def _connector(limits: _Limits) -> Callable[..., socket.socket]:
    """What http.client's ``connect()`` calls instead of ``socket.create_connection``: a socket connected within
    ``limits`` and already wrapped, so that a proxy's answer to CONNECT (``_tunnel``) is read through it too."""

    def create_connection(
        address: tuple[str, int], timeout: Any = None, source_address: tuple[str, int] | None = None
    ) -> socket.socket:
        host, port = address
        return cast(socket.socket, _DeadlineSocket(_open_socket(limits, host, port, source_address), limits))

    return create_connection


class _DeadlineHTTPConnection(http.client.HTTPConnection):
    """An HTTP connection whose connect (with a proxy's CONNECT tunnel) and every read keep to ``limits``."""

    def __init__(self, host: str, *, limits: _Limits, **kwargs: Any) -> None:
        super().__init__(host, **kwargs)
        self.limits = limits
        self._create_connection = _connector(limits)


class _DeadlineHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, host: str, *, limits: _Limits, **kwargs: Any) -> None:
        super().__init__(host, **kwargs)
        self.limits = limits
        self._create_connection = _connector(limits)

    def connect(self) -> None:
        """As ``HTTPSConnection.connect``, with the handshake in slices: TCP (and the proxy's tunnel), then TLS."""
        http.client.HTTPConnection.connect(self)
        plain = cast(_DeadlineSocket, self.sock)._sock
        tunnel_host: str | None = self._tunnel_host  # type: ignore[attr-defined]  # http.client internals,
        context: ssl.SSLContext = self._context  # type: ignore[attr-defined]  # as its own connect() uses them
        try:
            tls = context.wrap_socket(plain, server_hostname=tunnel_host or self.host, do_handshake_on_connect=False)
        except BaseException:
            plain.close()
            raise
        self.sock = tls
        _tls_handshake(tls, self.limits)
        self.sock = cast(socket.socket, _DeadlineSocket(tls, self.limits))


class _DeadlineHTTPHandler(urllib.request.HTTPHandler):
    def __init__(self, limits: _Limits) -> None:
        super().__init__()
        self.limits = limits

    def do_open(self, http_class: Any, req: urllib.request.Request, **http_conn_args: Any) -> http.client.HTTPResponse:
        conn = functools.partial(_DeadlineHTTPConnection, limits=self.limits)
        return super().do_open(cast(Any, conn), req, **http_conn_args)


class _DeadlineHTTPSHandler(urllib.request.HTTPSHandler):
    def __init__(self, limits: _Limits) -> None:
        super().__init__()
        self.limits = limits

    def do_open(self, http_class: Any, req: urllib.request.Request, **http_conn_args: Any) -> http.client.HTTPResponse:
        conn = functools.partial(_DeadlineHTTPSConnection, limits=self.limits)
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
