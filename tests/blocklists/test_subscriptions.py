"""Community lists end to end: a publisher's real SQLite list → signed bundle → real HTTP server on
127.0.0.1 (or a folder / zip) → a subscriber's real SQLite file → the screener's verdict.

Every attack of issue 15 is a test here: each ends with a clear zh/en message, and the last good list
still in force (same serial, same verdict).
"""

from __future__ import annotations

import functools
import json
import random
import shutil
import socket
import time
import zipfile
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from blocklists.db import open_db
from blocklists.store import ListKind, ListStore
from blocklists.subscriptions import bundle, fetch
from blocklists.subscriptions import subscribe as subs
from blocklists.subscriptions.minisign import generate_secret_key
from blocklists.subscriptions.problems import SubscriptionError, SubscriptionProblem
from screening.screener import NumberScreener
from screening.types import Level
from tests.blocklists.subs_support import Publisher, Server, resign, serve

SCAM = "13800138001"


@pytest.fixture
def publisher(tmp_path: Path) -> Publisher:
    pub = Publisher(tmp_path)
    pub.add(SCAM, "13800138002", note="冒充客服")
    pub.add("170*", category="sales")
    pub.add("952750??", note="租用号段")
    return pub


@pytest.fixture
def server(publisher: Publisher) -> Iterator[Server]:
    publisher.out.mkdir(parents=True, exist_ok=True)
    yield from serve(publisher.out)


@pytest.fixture
def subscriber(tmp_path: Path) -> ListStore:
    return ListStore(open_db(tmp_path / "subscriber.db"))


def level(store: ListStore, number: str) -> Level:
    return NumberScreener(store).screen(number).level


def subscribed(publisher: Publisher, server: Server, subscriber: ListStore) -> subs.UpdateResult:
    publisher.publish()
    return subs.subscribe(subscriber, server.url, publisher.key.public_key.file_text(), timeout=2)


def rendered(message: object) -> tuple[str, str]:
    zh, en = message.render("zh"), message.render("en")  # type: ignore[attr-defined]
    assert zh and en and zh != en and "{" not in zh + en
    assert any("\u4e00" <= ch <= "\u9fff" for ch in zh)
    return zh, en


# ---------------------------------------------------------------------------------------------- the good path
def test_subscribe_over_http_then_screen(publisher: Publisher, server: Server, subscriber: ListStore) -> None:
    result = subscribed(publisher, server, subscriber)
    assert result.status is subs.UpdateStatus.UPDATED and result.used == "full"
    assert (result.entry_count, result.prefix_count, result.wildcard_count) == (4, 1, 1)  # wildcards are flagged
    info = subscriber.get_list("nt")
    assert info.kind is ListKind.IMPORTED and info.subscribed and info.title.zh == "南通社区反诈名单"
    assert level(subscriber, SCAM) is Level.BLOCK
    assert level(subscriber, "17012345678") is Level.BLOCK
    assert level(subscriber, "95275012") is Level.BLOCK
    sub = subs.get_subscription(subscriber.db, "nt")
    assert sub.serial == 1 and sub.state() is subs.SubscriptionState.OK
    assert sub.fingerprint == publisher.key.public_key.fingerprint
    assert sub.etag  # validator kept for the conditional GET
    assert [r[0] for r in server.state.requests] == ["manifest.json", "manifest.json.minisig", "full-1.csv"]


def test_unchanged_list_costs_one_conditional_get(publisher: Publisher, server: Server, subscriber: ListStore) -> None:
    subscribed(publisher, server, subscriber)
    etag = subs.get_subscription(subscriber.db, "nt").etag
    server.state.requests.clear()
    result = subs.update(subscriber, "nt", timeout=2)
    assert result.status is subs.UpdateStatus.UNCHANGED
    assert server.state.requests == [("manifest.json", etag, "")]  # 304, nothing else fetched
    forced = subs.update(subscriber, "nt", timeout=2, force=True)
    assert forced.status is subs.UpdateStatus.UNCHANGED  # same manifest bytes: nothing to do either


def test_delta_update_and_the_users_blocklist_beats_a_removal(
    publisher: Publisher, server: Server, subscriber: ListStore
) -> None:
    subscribed(publisher, server, subscriber)
    subscriber.add("block", SCAM, "fraud", note="my own entry")
    publisher.remove(SCAM)
    publisher.add("13900001111", category="harassment")
    result = publisher.publish()
    assert [f.kind for f in result.manifest.files] == ["full", "delta"]
    server.state.requests.clear()
    upd = subs.update(subscriber, "nt", timeout=2)
    assert upd.status is subs.UpdateStatus.UPDATED and upd.used == "delta" and (upd.added, upd.removed) == (1, 1)
    assert "full-2.csv" not in [r[0] for r in server.state.requests]
    assert subscriber.find("nt", SCAM) is None and subscriber.find("nt", "13900001111") is not None
    assert subscriber.count("nt") == 4
    verdict = NumberScreener(subscriber).screen(SCAM)
    assert verdict.level is Level.BLOCK and verdict.reasons[0].code == "list:block"  # the user's own list
    assert level(subscriber, "13900001111") is Level.BLOCK


def test_deltas_from_older_serials_are_composed(publisher: Publisher, tmp_path: Path) -> None:
    publisher.publish()
    old_store = ListStore(open_db(tmp_path / "old.db"))
    subs.subscribe(old_store, str(publisher.out), publisher.key.public_key.line())
    publisher.add("13900001111")
    publisher.publish()
    publisher.remove("13900001111", SCAM)
    publisher.add("13900002222")
    third = publisher.publish()
    assert sorted(f.from_serial for f in third.manifest.files if f.kind == "delta") == [1, 2]
    upd = subs.update(old_store, "nt")  # serial 1 → 3 in one delta
    assert upd.used == "delta" and upd.serial == 3
    assert {e.pattern for e in old_store.entries("nt")} == {"13800138002", "170*", "952750??", "13900002222"}


def test_without_a_matching_delta_the_full_list_is_fetched(
    publisher: Publisher, server: Server, subscriber: ListStore
) -> None:
    subscribed(publisher, server, subscriber)
    publisher.add("13900001111")
    publisher.publish(keep_deltas=0)
    upd = subs.update(subscriber, "nt", timeout=2)
    assert upd.used == "full" and subscriber.count("nt") == 5


def test_folder_and_zip_bundles(publisher: Publisher, tmp_path: Path) -> None:
    publisher.publish()
    zipped = tmp_path / "usb" / "nt-list.zip"
    zipped.parent.mkdir()
    with zipfile.ZipFile(zipped, "w") as zf:
        for f in publisher.out.iterdir():
            zf.write(f, f"nt-list/{f.name}")
    for i, location in enumerate([str(publisher.out), str(zipped)]):
        store = ListStore(open_db(tmp_path / f"s{i}.db"))
        result = subs.subscribe(store, location, publisher.key.public_key.file_text(), name=f"community{i}")
        assert result.entry_count == 4 and level(store, SCAM) is Level.BLOCK


def test_mirror_is_used_when_the_main_address_fails(
    publisher: Publisher, server: Server, subscriber: ListStore
) -> None:
    mirror_dir = publisher.out.parent / "mirror"
    publisher.publish(mirrors=[str(mirror_dir)])
    subs.subscribe(subscriber, server.url, publisher.key.public_key.line(), timeout=2)
    publisher.add("13900001111")
    publisher.publish(mirrors=[str(mirror_dir)])
    shutil.copytree(publisher.out, mirror_dir)
    server.state.faults["*"] = "404"
    upd = subs.update(subscriber, "nt", timeout=2)
    assert upd.status is subs.UpdateStatus.UPDATED and upd.source == str(mirror_dir) and upd.serial == 2


def test_system_proxy_is_used(
    publisher: Publisher, server: Server, subscriber: ListStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """urllib's default opener takes the proxy from the system settings (here: the environment)."""
    proxied: list[str] = []
    import http.server
    import threading
    import urllib.request

    class Proxy(http.server.BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            return

        def do_GET(self) -> None:  # noqa: N802
            proxied.append(self.path)
            opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
            try:
                with opener.open(self.path, timeout=5) as resp:
                    body = resp.read()
                    self.send_response(200)
                    self.send_header("Content-Type", resp.headers.get("Content-Type", ""))
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
            except urllib.error.HTTPError as exc:
                self.send_error(exc.code)

    proxy = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Proxy)
    thread = threading.Thread(target=proxy.serve_forever, daemon=True)
    thread.start()
    try:
        for var in ("no_proxy", "NO_PROXY", "https_proxy", "HTTPS_PROXY"):
            monkeypatch.delenv(var, raising=False)
        monkeypatch.setenv("http_proxy", f"http://127.0.0.1:{proxy.server_address[1]}")
        subscribed(publisher, server, subscriber)
    finally:
        proxy.shutdown()
        proxy.server_close()
    assert proxied and proxied[0] == server.url + "manifest.json"


# ---------------------------------------------------------------------------------------------- precedence
def test_precedence_with_a_subscribed_list(tmp_path: Path, subscriber: ListStore) -> None:
    pub = Publisher(tmp_path)
    # A careless or hostile publisher lists emergency and official numbers, and a family member's number.
    pub.add("110", "96110", "95588", "95*", "13700001234", "10086")
    pub.publish()
    subs.subscribe(subscriber, str(pub.out), pub.key.public_key.line())
    subscriber.add("allow", "13700001234", note="妈妈")
    screener = NumberScreener(subscriber)
    assert screener.screen("13700001234").level is Level.ALLOW  # the user's allowlist beats every subscription
    for protected in ("110", "96110"):
        v = screener.screen(protected)
        assert v.level is Level.ALLOW and any(r.code == "list-ignored:nt" for r in v.reasons)
    for official in ("95588", "10086"):  # official directory: not even an exact subscribed entry blocks it
        v = screener.screen(official)
        assert v.level is Level.ALLOW, official
    assert screener.screen("+852 96110").level is Level.BLOCK  # spoofed official is still blocked
    assert screener.screen("95123").level is Level.BLOCK  # the pattern itself still works on other numbers
    subscriber.add("block", "95588")  # only the user's own exact entry can block an official number
    assert NumberScreener(subscriber).screen("95588").level is Level.BLOCK


# ---------------------------------------------------------------------------------------------- attacks
def _attack_and_check(
    publisher: Publisher, server: Server, subscriber: ListStore, code: SubscriptionProblem, *, timeout: float = 2
) -> subs.UpdateResult:
    before = subs.get_subscription(subscriber.db, "nt")
    upd = subs.update(subscriber, "nt", timeout=timeout)
    assert upd.status is subs.UpdateStatus.FAILED, upd
    assert upd.error is not None and upd.error.code is code, upd.error
    rendered(upd.error)
    after = subs.get_subscription(subscriber.db, "nt")
    assert after.serial == before.serial == upd.serial  # the last good list stays in force
    assert after.state() is subs.SubscriptionState.FAILING and after.last_error is not None
    assert after.last_error.code is code and after.failures == before.failures + 1
    assert subscriber.count("nt") == before.entry_count
    assert level(subscriber, SCAM) is Level.BLOCK
    return upd


def _next_version(publisher: Publisher) -> bundle.PublishResult:
    publisher.add("13900001111")
    return publisher.publish()


def test_tampered_entry_file(publisher: Publisher, server: Server, subscriber: ListStore) -> None:
    subscribed(publisher, server, subscriber)
    result = _next_version(publisher)
    for f in result.manifest.files:  # same size, one digit changed: only the hash can tell
        path = publisher.out / f.name
        path.write_bytes(path.read_bytes().replace(b"13900001111", b"13900001112"))
    _attack_and_check(publisher, server, subscriber, SubscriptionProblem.HASH_MISMATCH)


def test_tampered_manifest(publisher: Publisher, server: Server, subscriber: ListStore) -> None:
    subscribed(publisher, server, subscriber)
    _next_version(publisher)
    path = publisher.out / bundle.MANIFEST
    path.write_text(path.read_text("utf-8").replace('"entries": 5', '"entries": 6'), "utf-8")
    _attack_and_check(publisher, server, subscriber, SubscriptionProblem.BAD_SIGNATURE)


def test_signature_by_another_key(publisher: Publisher, server: Server, subscriber: ListStore) -> None:
    subscribed(publisher, server, subscriber)
    _next_version(publisher)
    resign(publisher.out, generate_secret_key())
    _attack_and_check(publisher, server, subscriber, SubscriptionProblem.OTHER_KEY)


def test_replayed_older_serial(publisher: Publisher, server: Server, subscriber: ListStore, tmp_path: Path) -> None:
    publisher.publish()
    old = tmp_path / "old-bundle"
    shutil.copytree(publisher.out, old)
    _next_version(publisher)
    subs.subscribe(subscriber, server.url, publisher.key.public_key.line(), timeout=2)
    assert subs.get_subscription(subscriber.db, "nt").serial == 2
    shutil.rmtree(publisher.out)
    shutil.copytree(old, publisher.out)  # a genuine, correctly signed, older bundle
    upd = _attack_and_check(publisher, server, subscriber, SubscriptionProblem.ROLLBACK)
    assert "1" in upd.error.render("en") and "2" in upd.error.render("en")  # type: ignore[union-attr]


def test_expired_list_on_the_server(publisher: Publisher, server: Server, subscriber: ListStore) -> None:
    subscribed(publisher, server, subscriber)
    publisher.add("13900001111")
    publisher.publish(now=datetime.now(timezone.utc) - timedelta(days=30))
    _attack_and_check(publisher, server, subscriber, SubscriptionProblem.EXPIRED)


def test_expired_subscription_keeps_working_with_a_warning(publisher: Publisher, subscriber: ListStore) -> None:
    publisher.publish(valid_for=timedelta(days=2))
    subs.subscribe(subscriber, str(publisher.out), publisher.key.public_key.line())
    later = datetime.now(timezone.utc) + timedelta(days=3)
    sub = subs.get_subscription(subscriber.db, "nt")
    assert sub.state(later) is subs.SubscriptionState.EXPIRED and sub.expired(later)
    state = sub.state(later)
    assert state.label("zh") == "已过期（仍在使用）" and state.label("en") == "expired (still in use)"
    assert level(subscriber, SCAM) is Level.BLOCK
    upd = subs.update(subscriber, "nt", now=later)  # the server still has the same (expired) manifest
    assert upd.status is subs.UpdateStatus.UNCHANGED and upd.expired


@pytest.mark.parametrize(
    ("fault", "code"),
    [
        ("truncate", SubscriptionProblem.TRUNCATED),
        ("html", SubscriptionProblem.NOT_A_LIST),
        ("404", SubscriptionProblem.HTTP_STATUS),
        ("hang", SubscriptionProblem.TIMEOUT),
        ("huge", SubscriptionProblem.TOO_LARGE),
    ],
)
def test_broken_downloads(
    publisher: Publisher, server: Server, subscriber: ListStore, fault: str, code: SubscriptionProblem
) -> None:
    subscribed(publisher, server, subscriber)
    publisher.add("13900002222")
    publisher.publish(keep_deltas=0)
    target = "manifest.json" if fault in ("html", "404", "hang") else f"full-{publisher.serial}.csv"
    server.state.faults[target] = fault
    _attack_and_check(publisher, server, subscriber, code, timeout=1)


def test_huge_file_announced_as_small_in_a_folder(publisher: Publisher, subscriber: ListStore) -> None:
    publisher.publish()
    subs.subscribe(subscriber, str(publisher.out), publisher.key.public_key.line())
    result = _next_version(publisher)
    full = publisher.out / result.manifest.full.name
    with open(full, "ab") as fh:
        fh.write(b"1" * (4 * 1024 * 1024))
    (publisher.out / result.manifest.files[1].name).unlink()  # no delta: the full file must be read
    before = subs.get_subscription(subscriber.db, "nt")
    upd = subs.update(subscriber, "nt")
    assert upd.error is not None and upd.error.code is SubscriptionProblem.TOO_LARGE
    assert subs.get_subscription(subscriber.db, "nt").serial == before.serial


# ---------------------------------------------------------------------------------------------- hostile servers
def _fetch_failure(source: fetch.HttpSource, name: str = "manifest.json") -> tuple[SubscriptionError, float]:
    started = time.monotonic()
    with pytest.raises(SubscriptionError) as info:
        source.get(name, 1 << 20)
    return info.value, time.monotonic() - started


@pytest.mark.parametrize("fault", ["drip", "drip-headers"])
def test_a_slow_loris_server_is_cut_off_at_the_whole_file_deadline(
    publisher: Publisher, server: Server, fault: str
) -> None:
    """One byte every 0.2 s never trips the 0.8 s read timeout; before, each read of 64 KiB waited for all of it
    and the deadline was only checked between reads (and never while reading the headers), so a fetch (and the
    app's scheduler, and quitting) hung for ever.  Now the 1 s deadline covers connect, headers and body."""
    publisher.publish()
    server.state.faults["manifest.json"] = fault
    err, took = _fetch_failure(fetch.HttpSource(server.url, timeout=0.8, deadline=1.0))
    assert err.code is SubscriptionProblem.TIMEOUT and took < 2.5, (err, took)
    zh, en = rendered(err.message)
    assert "1 秒" in zh and "1 s" in en


def test_a_slow_loris_entry_file_imports_nothing(
    publisher: Publisher, server: Server, subscriber: ListStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    subscribed(publisher, server, subscriber)
    publisher.add("13900002222")
    publisher.publish(keep_deltas=0)
    server.state.faults[f"full-{publisher.serial}.csv"] = "drip"
    monkeypatch.setattr(subs, "open_source", functools.partial(fetch.open_source, deadline=1.0))
    started = time.monotonic()
    _attack_and_check(publisher, server, subscriber, SubscriptionProblem.TIMEOUT, timeout=0.8)
    assert time.monotonic() - started < 4.0
    assert level(subscriber, "13900002222") is not Level.BLOCK  # not a single row of the cut-off file


@pytest.mark.parametrize("target", ["ftp://127.0.0.1:PORT/manifest.json", "file:///etc/passwd", "data:,hello"])
def test_redirects_go_to_http_and_https_only(publisher: Publisher, server: Server, target: str) -> None:
    """urllib's default opener followed a redirect to ftp:// (and answered file:/data: with a bare HTTP 302)."""
    publisher.publish()
    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen(5)
        target = target.replace("PORT", str(other.getsockname()[1]))
        server.state.faults["manifest.json"] = "redirect:" + target
        err, _took = _fetch_failure(fetch.HttpSource(server.url, timeout=2))
        other.setblocking(False)
        with pytest.raises(BlockingIOError):
            other.accept()  # nobody connected to the ftp:// address
    assert err.code is SubscriptionProblem.BAD_REDIRECT, err
    zh, en = rendered(err.message)
    assert target.split(":")[0] in zh and "http" in en


def test_a_redirect_to_another_http_address_is_followed(publisher: Publisher, server: Server) -> None:
    publisher.publish()
    (publisher.out / "moved").mkdir()
    shutil.copy(publisher.out / bundle.MANIFEST, publisher.out / "moved" / bundle.MANIFEST)
    server.state.faults["manifest.json"] = "redirect:" + server.url + "moved/manifest.json"
    got = fetch.HttpSource(server.url, timeout=2).get("manifest.json", 1 << 20)
    assert got.data == (publisher.out / bundle.MANIFEST).read_bytes()
    assert [r[0] for r in server.state.requests] == ["manifest.json", "moved/manifest.json"]


def test_an_unreachable_server_is_explained_before_the_system_message() -> None:
    """The OS's own text ("[Errno 111] Connection refused") used to be the whole reason, in English, inside the
    Chinese sentence; it is kept, after an explanation in the user's language."""
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]  # bound, not listening: the connection is refused
        err, _took = _fetch_failure(fetch.HttpSource(f"http://127.0.0.1:{port}/", timeout=2))
    assert err.code is SubscriptionProblem.NETWORK, err
    zh, en = rendered(err.message)
    detail = str(err.message.params["detail"])
    assert detail and zh.index("请检查网络") < zh.index(detail) and en.index("check the network") < en.index(detail)


def test_manifest_pointing_outside_the_bundle(publisher: Publisher, server: Server, subscriber: ListStore) -> None:
    subscribed(publisher, server, subscriber)
    result = _next_version(publisher)
    secret = publisher.out.parent / "secret.csv"
    shutil.copy(publisher.out / result.manifest.full.name, secret)
    files = [{**bundle._file_json(f), "name": "../secret.csv"} for f in result.manifest.files if f.kind == "full"]
    resign(publisher.out, publisher.key, files=files)  # correctly signed: the name itself is refused
    _attack_and_check(publisher, server, subscriber, SubscriptionProblem.UNSAFE_NAME)


def test_count_mismatch_rolls_the_swap_back(publisher: Publisher, server: Server, subscriber: ListStore) -> None:
    subscribed(publisher, server, subscriber)
    result = _next_version(publisher)
    resign(publisher.out, publisher.key, counts={**result.manifest.counts, "entries": 99})
    _attack_and_check(publisher, server, subscriber, SubscriptionProblem.COUNT_MISMATCH)
    assert subscriber.find("nt", "13900001111") is None  # nothing of the failed update landed


def test_wrong_list_id_and_newer_app_required(publisher: Publisher, server: Server, subscriber: ListStore) -> None:
    subscribed(publisher, server, subscriber)
    _next_version(publisher)
    resign(publisher.out, publisher.key, list_id="other-list")
    _attack_and_check(publisher, server, subscriber, SubscriptionProblem.WRONG_LIST)
    resign(publisher.out, publisher.key, list_id="nt", min_app_version="99.0")
    _attack_and_check(publisher, server, subscriber, SubscriptionProblem.APP_TOO_OLD)


def test_malformed_public_key_stores_nothing(publisher: Publisher, subscriber: ListStore) -> None:
    publisher.publish()
    for bad in ("", "hello", "untrusted comment: x\nRWQ!!!notbase64", "untrusted comment: x\nUldRQUFBQQ=="):
        with pytest.raises(SubscriptionError) as err:
            subs.subscribe(subscriber, str(publisher.out), bad)
        assert err.value.code is SubscriptionProblem.BAD_KEY
        rendered(err.value.message)
    assert not subscriber.has_list("nt") and subs.subscriptions(subscriber.db) == []


def test_failed_first_subscription_leaves_nothing(publisher: Publisher, subscriber: ListStore) -> None:
    publisher.publish()
    with pytest.raises(SubscriptionError) as err:
        subs.subscribe(subscriber, str(publisher.out), generate_secret_key().public_key.line())
    assert err.value.code is SubscriptionProblem.OTHER_KEY
    assert not subscriber.has_list("nt") and subs.subscriptions(subscriber.db) == []


# ---------------------------------------------------------------------------------------------- key rotation
def test_key_rotation_announced_by_the_current_key(publisher: Publisher, server: Server, subscriber: ListStore) -> None:
    subscribed(publisher, server, subscriber)
    new_key = generate_secret_key()
    publisher.add("13900001111")
    publisher.publish(next_key=new_key.public_key)  # signed by the old key, names the new one
    assert subs.update(subscriber, "nt", timeout=2).status is subs.UpdateStatus.UPDATED
    assert subs.get_subscription(subscriber.db, "nt").next_pubkey == new_key.public_key.line()
    old_key = publisher.key
    publisher.key = new_key
    publisher.add("13900002222")
    publisher.publish()  # the previous bundle announced this key, so publishing continues with deltas
    upd = subs.update(subscriber, "nt", timeout=2)
    assert upd.status is subs.UpdateStatus.UPDATED and upd.key_rotated and upd.used == "delta"
    assert subs.get_subscription(subscriber.db, "nt").pubkey == new_key.public_key.line()
    # The retired key no longer counts (and publishing with it into this folder is refused).
    with pytest.raises(SubscriptionError):
        bundle.publish(publisher.store, "nt", publisher.out, old_key)
    resign(publisher.out, old_key, serial=publisher.serial + 5)
    _attack_and_check(publisher, server, subscriber, SubscriptionProblem.OTHER_KEY)


def test_unannounced_new_key_is_refused(publisher: Publisher, server: Server, subscriber: ListStore) -> None:
    subscribed(publisher, server, subscriber)
    publisher.key = generate_secret_key()
    shutil.rmtree(publisher.out)
    publisher.out.mkdir()
    publisher.add("13900001111")
    publisher.publish()
    _attack_and_check(publisher, server, subscriber, SubscriptionProblem.OTHER_KEY)


# ---------------------------------------------------------------------------------------------- publishing
def test_serial_only_grows_and_a_broken_previous_bundle_is_not_overwritten(publisher: Publisher) -> None:
    first = bundle.publish(publisher.store, "nt", publisher.out, publisher.key)
    second = bundle.publish(publisher.store, "nt", publisher.out, publisher.key)
    assert second.manifest.serial > first.manifest.serial >= int(datetime.now(timezone.utc).timestamp()) - 60
    with pytest.raises(SubscriptionError) as err:
        bundle.publish(publisher.store, "nt", publisher.out, publisher.key, serial=second.manifest.serial)
    assert err.value.code is SubscriptionProblem.ROLLBACK
    (publisher.out / second.manifest.full.name).write_text("op,number\n", "utf-8")
    with pytest.raises(SubscriptionError) as err:
        bundle.publish(publisher.store, "nt", publisher.out, publisher.key)
    assert err.value.code is SubscriptionProblem.PREVIOUS_BUNDLE_BROKEN
    rendered(err.value.message)
    manifest = json.loads((publisher.out / bundle.MANIFEST).read_text("utf-8"))
    assert manifest["serial"] == second.manifest.serial  # untouched


def test_empty_list_is_not_published(tmp_path: Path) -> None:
    pub = Publisher(tmp_path)
    with pytest.raises(SubscriptionError) as err:
        pub.publish()
    assert err.value.code is SubscriptionProblem.NOTHING_TO_PUBLISH


# ---------------------------------------------------------------------------------------------- schedule
def test_next_check_follows_the_expiry_with_jitter() -> None:
    now = datetime(2026, 12, 1, tzinfo=timezone.utc)
    gen, exp = now, now + timedelta(days=4)
    times = [subs.next_check_time(now=now, generated_at=gen, expires_at=exp, rng=random.Random(i)) for i in range(200)]
    hours = [(t - now).total_seconds() / 3600 for t in times]
    assert 48 * 0.9 <= min(hours) < max(hours) <= 48 * 1.1  # half the validity, ±10 %
    assert len({round(h, 3) for h in hours}) > 100  # spread out
    # close to expiry: never later than the expiry (+ jitter)
    late = subs.next_check_time(now=exp - timedelta(hours=3), generated_at=gen, expires_at=exp, rng=random.Random(1))
    assert late <= exp + timedelta(minutes=20)
    # failures back off 1 h, 2 h, 4 h … up to the period
    backoff = [
        (subs.next_check_time(now=now, generated_at=gen, expires_at=exp, failures=f, rng=random.Random(0)) - now)
        for f in (1, 2, 3, 10)
    ]
    assert backoff[0] < backoff[1] < backoff[2] <= backoff[3] <= timedelta(days=2, hours=5)
    assert timedelta(minutes=50) <= backoff[0] <= timedelta(minutes=70)


def test_due_subscriptions(publisher: Publisher, subscriber: ListStore) -> None:
    publisher.publish()
    subs.subscribe(subscriber, str(publisher.out), publisher.key.public_key.line())
    assert subs.due(subscriber.db) == []
    assert [s.name for s in subs.due(subscriber.db, datetime.now(timezone.utc) + timedelta(days=5))] == ["nt"]


def test_unsubscribe_removes_list_and_state(publisher: Publisher, subscriber: ListStore) -> None:
    publisher.publish()
    subs.subscribe(subscriber, str(publisher.out), publisher.key.public_key.line())
    subs.unsubscribe(subscriber, "nt")
    assert not subscriber.has_list("nt") and subs.subscriptions(subscriber.db) == []
    assert level(subscriber, SCAM) is not Level.BLOCK


def test_app_version_constant_matches_the_app() -> None:
    from app import __version__

    assert subs.APP_VERSION == __version__


def test_random_edits_over_several_serials_keep_subscribers_identical(tmp_path: Path) -> None:
    """Deltas (streamed merge of two key-ordered snapshots, composed over serials) always reproduce the
    publisher's list exactly: adds, removals, category and note changes, prefixes and wildcards."""
    rng = random.Random(15)
    pub = Publisher(tmp_path)
    numbers = [f"139{rng.randrange(10**8):08d}" for _ in range(300)] + ["170*", "1710*", "952750??", "95276?*"]
    for n in numbers[:200]:
        pub.add(n, category=rng.choice(["fraud", "sales"]))
    pub.publish()
    stores = []
    for i in range(3):  # subscribers that fall behind by 0, 1 and 2 serials
        store = ListStore(open_db(tmp_path / f"s{i}.db"))
        subs.subscribe(store, str(pub.out), pub.key.public_key.line())
        stores.append(store)
    for round_ in range(4):
        present = [e.pattern for e in pub.store.entries("nt")]
        for p in rng.sample(present, 20):
            pub.remove(p)
        for n in rng.sample(numbers, 30):
            pub.store.add("nt", n, rng.choice(["fraud", "harassment"]), note=f"r{round_}")  # new, or unchanged
        for e in rng.sample(pub.store.entries("nt"), 10):
            pub.store.edit(e.id, category="custom", note=f"changed {round_}")
        pub.publish()
        want = {(e.canonical, e.category, e.note) for e in pub.store.entries("nt")}
        for i, store in enumerate(stores):
            if round_ % (i + 1):
                continue  # this subscriber skips some serials
            upd = subs.update(store, "nt")
            assert upd.ok and upd.used == "delta", (round_, i, upd)
            got = {(e.canonical, e.category, e.note) for e in store.entries("nt")}
            assert got == want, (round_, i)
    fresh = ListStore(open_db(tmp_path / "fresh.db"))
    subs.subscribe(fresh, str(pub.out), pub.key.public_key.line())
    assert {(e.canonical, e.category, e.note) for e in fresh.entries("nt")} == want


def test_a_last_modified_within_its_own_second_is_not_sent_back() -> None:
    """A manifest re-published within the second it was fetched in keeps its Last-Modified; servers that compare
    only dates (http.server) would then answer 304 for ever, so such a weak date is not used for If-Modified-Since
    (the benchmark's quick re-publish found this)."""
    from blocklists.subscriptions.fetch import _strong_last_modified

    assert _strong_last_modified("Fri, 04 Dec 2026 18:00:00 GMT", "Fri, 04 Dec 2026 18:00:00 GMT") == ""
    assert _strong_last_modified("Fri, 04 Dec 2026 18:00:00 GMT", None) == ""
    assert _strong_last_modified("not a date", "Fri, 04 Dec 2026 18:00:05 GMT") == ""
    strong = "Fri, 04 Dec 2026 17:59:58 GMT"
    assert _strong_last_modified(strong, "Fri, 04 Dec 2026 18:00:00 GMT") == strong
