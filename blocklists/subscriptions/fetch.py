"""Where a bundle comes from: an HTTP(S) URL, a local folder (shared drive, USB stick) or a zip file.

Every source answers ``get(name, max_bytes)`` with the file's bytes, never more than ``max_bytes`` (a file
that is bigger is refused while reading: ``TOO_LARGE``), or ``None`` for "not modified" when the caller
passed the ETag / Last-Modified it saw last time (a conditional GET; only HTTP knows about it).

HTTP goes through urllib's default opener, so the system proxy settings (``http_proxy``/``https_proxy``
environment, Windows registry, macOS System Settings — urllib's ``getproxies``) apply.  Each read waits at
most ``timeout`` seconds and a whole file at most ``deadline`` seconds.  An HTML answer (a captive portal,
a hosting provider's error page) is reported as such, not as a broken list.
"""

from __future__ import annotations

import http.client
import os
import time
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

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
        # build_opener() includes ProxyHandler(getproxies()): the system proxy is used like a browser would.
        self.opener = urllib.request.build_opener()

    def get(self, name: str, max_bytes: int, *, etag: str = "", last_modified: str = "") -> Fetched:
        url = urllib.parse.urljoin(self.base, urllib.parse.quote(safe_name(name)))
        headers = {"User-Agent": USER_AGENT, "Accept": "application/json, text/csv, */*;q=0.5"}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        request = urllib.request.Request(url, headers=headers)
        started = time.monotonic()
        try:
            with self.opener.open(request, timeout=self.timeout) as resp:
                ctype = (resp.headers.get("Content-Type") or "").lower()
                if "text/html" in ctype:
                    raise SubscriptionError(SubscriptionProblem.NOT_A_LIST, url=url)
                length = resp.headers.get("Content-Length")
                if length and length.isdigit() and int(length) > max_bytes:
                    raise SubscriptionError(SubscriptionProblem.TOO_LARGE, name=name, limit=max_bytes)
                chunks: list[bytes] = []
                got = 0
                while True:
                    if time.monotonic() - started > self.deadline:
                        raise SubscriptionError(SubscriptionProblem.TIMEOUT, url=url, seconds=int(self.deadline))
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
            raise SubscriptionError(SubscriptionProblem.TIMEOUT, url=url, seconds=int(self.timeout)) from exc
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, TimeoutError):
                raise SubscriptionError(SubscriptionProblem.TIMEOUT, url=url, seconds=int(self.timeout)) from exc
            raise SubscriptionError(SubscriptionProblem.NETWORK, url=url, detail=str(exc.reason)) from exc
        except (http.client.HTTPException, ConnectionError, OSError) as exc:
            raise SubscriptionError(
                SubscriptionProblem.NETWORK, url=url, detail=str(exc) or type(exc).__name__
            ) from exc


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
