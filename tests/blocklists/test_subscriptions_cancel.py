"""Cancelling a list download (the app quitting, its update scheduler stopping), with real sockets on 127.0.0.1.

Wherever a download waits — the name lookup, the connect, a proxy's answer to CONNECT, the TLS handshake, the
status line, the headers, the body — a set ``cancel`` Event ends it within about a second with
``DownloadCancelled``.  A cancelled update leaves the last good list, its state and its schedule exactly as they
were, tries no mirror and records no failure; a cancelled subscription stores nothing.

Before, nothing but the download's own limits could end it: each wait here would have lasted ``TIMEOUT`` (one
operation) or ``DEADLINE`` (the whole file; 600 s in the app), while each test allows ``ALLOWED_S``.
"""

from __future__ import annotations

import functools
import shutil
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from blocklists.db import open_db
from blocklists.store import ListStore
from blocklists.subscriptions import fetch
from blocklists.subscriptions import subscribe as subs
from blocklists.subscriptions.problems import DownloadCancelled, SubscriptionProblem
from screening.screener import NumberScreener
from screening.types import Level
from tests.blocklists.subs_support import Publisher, Server, serve

SCAM, NEW = "13800138001", "13900002222"
CANCEL_AFTER_S = 0.4
TIMEOUT, DEADLINE = 4.0, 6.0
ALLOWED_S = CANCEL_AFTER_S + 1.0


@pytest.fixture
def publisher(tmp_path: Path) -> Publisher:
    pub = Publisher(tmp_path)
    pub.add(SCAM, "13800138002")
    return pub


@pytest.fixture
def server(publisher: Publisher) -> Iterator[Server]:
    publisher.out.mkdir(parents=True, exist_ok=True)
    yield from serve(publisher.out)


@pytest.fixture
def subscriber(tmp_path: Path) -> ListStore:
    return ListStore(open_db(tmp_path / "subscriber.db"))


@pytest.fixture(autouse=True)
def _bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    """Updates and subscriptions here have a whole-file DEADLINE, not 600 s: without a working cancel a test fails
    in seconds instead of hanging."""
    monkeypatch.setattr(subs, "open_source", functools.partial(fetch.open_source, deadline=DEADLINE))


@pytest.fixture
def no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(var, raising=False)


@pytest.fixture
def silent() -> Iterator[socket.socket]:
    """A listening socket on 127.0.0.1 that accepts connections and never says a word (a proxy or TLS server that
    hangs): what arrives is left unread, and the connections stay open until the test ends."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    listener.settimeout(0.1)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield listener
    stop.set()
    thread.join(2)
    for conn in held:
        conn.close()
    listener.close()


def level(store: ListStore, number: str) -> Level:
    return NumberScreener(store).screen(number).level


def _stops_on_cancel(download: Callable[[threading.Event], Any]) -> DownloadCancelled:
    """Run ``download(cancel)``, set ``cancel`` after CANCEL_AFTER_S: it must end, cancelled, within ALLOWED_S."""
    cancel = threading.Event()
    timer = threading.Timer(CANCEL_AFTER_S, cancel.set)
    timer.daemon = True
    started = time.monotonic()
    timer.start()
    try:
        with pytest.raises(DownloadCancelled) as info:
            download(cancel)
    finally:
        timer.cancel()
    took = time.monotonic() - started
    assert CANCEL_AFTER_S <= took < ALLOWED_S, f"the download ended {took:.2f} s after it started"
    return info.value


def _get(url: str, cancel: threading.Event) -> fetch.Fetched:
    return fetch.HttpSource(url, timeout=TIMEOUT, deadline=DEADLINE, cancel=cancel).get("manifest.json", 1 << 20)


# ---------------------------------------------------------------------------------------------- each wait
@pytest.mark.parametrize(
    "fault",
    [
        "hang",  # the request is sent, the server never answers: waiting for the status line
        "drip-headers",  # the headers, one byte every 0.2 s
        "drip",  # the headers at once, then the body one byte every 0.2 s (never trips a read timeout)
    ],
)
def test_a_download_stops_within_a_second_of_a_cancel(publisher: Publisher, server: Server, fault: str) -> None:
    publisher.publish()
    server.state.faults["manifest.json"] = fault
    err = _stops_on_cancel(functools.partial(_get, server.url))
    zh, en = err.message.render("zh"), err.message.render("en")
    assert err.code is SubscriptionProblem.CANCELLED
    assert "已取消" in zh and "保持不变" in zh and "cancelled" in en and "unchanged" in en


def test_an_already_cancelled_download_does_not_connect(publisher: Publisher, server: Server) -> None:
    publisher.publish()
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(DownloadCancelled):
        _get(server.url, cancel)
    assert server.state.requests == []


def test_a_name_lookup_that_never_answers_is_left_behind(monkeypatch: pytest.MonkeyPatch, no_proxy: None) -> None:
    """A name lookup cannot be interrupted: it runs in a daemon thread of its own, and the download stops waiting
    for it.  (Here the resolver is the one stand-in: no test may depend on a real DNS server being slow.)"""
    release = threading.Event()
    real_getaddrinfo = socket.getaddrinfo

    def slow_dns(host: Any, *args: Any, **kwargs: Any) -> Any:
        if host == "lists.example":
            release.wait(DEADLINE)  # a DNS server that does not answer
            raise socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", slow_dns)
    try:
        _stops_on_cancel(functools.partial(_get, "http://lists.example/"))
    finally:
        release.set()


def test_a_connect_the_server_never_answers_stops_on_cancel() -> None:
    """A listening socket whose accept queue is full: its system drops further SYNs, so the connect just waits."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    address = listener.getsockname()
    queued: list[socket.socket] = []
    try:
        for _ in range(8):
            probe = socket.socket()
            probe.settimeout(0.3)
            try:
                probe.connect(address)
            except TimeoutError:
                probe.close()
                break
            except OSError as exc:
                probe.close()
                pytest.skip(f"this system refuses connections to a full accept queue ({exc}) instead of waiting")
            queued.append(probe)
        else:
            pytest.skip("this system accepts every connection into the queue: no connect that waits to test")
        _stops_on_cancel(functools.partial(_get, f"http://127.0.0.1:{address[1]}/"))
    finally:
        for sock in queued:
            sock.close()
        listener.close()


def test_a_proxy_that_never_answers_connect_stops_on_cancel(
    silent: socket.socket, monkeypatch: pytest.MonkeyPatch, no_proxy: None
) -> None:
    """An https:// list through the system proxy: the proxy takes the CONNECT and never answers it."""
    monkeypatch.setenv("https_proxy", f"http://127.0.0.1:{silent.getsockname()[1]}")
    monkeypatch.delenv("no_proxy", raising=False)
    monkeypatch.delenv("NO_PROXY", raising=False)
    _stops_on_cancel(functools.partial(_get, "https://lists.example/"))


def test_a_tls_handshake_the_server_never_answers_stops_on_cancel(silent: socket.socket, no_proxy: None) -> None:
    _stops_on_cancel(functools.partial(_get, f"https://127.0.0.1:{silent.getsockname()[1]}/"))


# ---------------------------------------------------------------------------------------------- updates
def test_a_cancelled_update_changes_nothing_and_tries_no_mirror(
    publisher: Publisher, server: Server, subscriber: ListStore
) -> None:
    """The new version waits, complete, on a mirror; the main address drips it.  Cancelled part-way, the update
    neither imports anything nor goes on to the mirror, and records no failure: state and schedule are untouched
    (a failure would put the list in FAILING and move its next check)."""
    mirror = publisher.out.parent / "mirror"
    publisher.publish(mirrors=[str(mirror)])
    subs.subscribe(subscriber, server.url, publisher.key.public_key.line(), timeout=TIMEOUT)
    before = subs.get_subscription(subscriber.db, "nt")
    publisher.add(NEW)
    publisher.publish(mirrors=[str(mirror)], keep_deltas=0)
    shutil.copytree(publisher.out, mirror)
    full = f"full-{publisher.serial}.csv"
    server.state.faults[full] = "drip"

    _stops_on_cancel(lambda cancel: subs.update(subscriber, "nt", timeout=TIMEOUT, cancel=cancel))

    assert full in [r[0] for r in server.state.requests]  # it was cut in the middle of the list itself
    assert subs.get_subscription(subscriber.db, "nt") == before
    assert subscriber.count("nt") == 2 and level(subscriber, SCAM) is Level.BLOCK
    assert level(subscriber, NEW) is not Level.BLOCK


def test_a_cancelled_run_over_all_subscriptions_starts_no_further_download(
    publisher: Publisher, server: Server, subscriber: ListStore
) -> None:
    publisher.publish()
    for name in ("a", "b"):
        subs.subscribe(subscriber, server.url, publisher.key.public_key.line(), name=name, timeout=TIMEOUT)
    publisher.add(NEW)
    publisher.publish()
    server.state.faults["manifest.json"] = "drip"
    server.state.requests.clear()
    _stops_on_cancel(lambda cancel: subs.update_all(subscriber, timeout=TIMEOUT, cancel=cancel))
    assert [r[0] for r in server.state.requests] == ["manifest.json"]  # "a" was cut; "b" was never started
    assert [s.serial for s in subs.subscriptions(subscriber.db)] == [1, 1]


def test_a_cancelled_subscription_stores_nothing(publisher: Publisher, server: Server, subscriber: ListStore) -> None:
    publisher.publish()
    server.state.faults[f"full-{publisher.serial}.csv"] = "drip"
    _stops_on_cancel(
        lambda cancel: subs.subscribe(
            subscriber, server.url, publisher.key.public_key.line(), timeout=TIMEOUT, cancel=cancel
        )
    )
    assert not subscriber.has_list("nt") and subs.subscriptions(subscriber.db) == []
