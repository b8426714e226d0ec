"""Subscribing to a published list and keeping it current: verify everything, then swap atomically.

Every update, from whichever source (the URL, then each mirror):

1. fetch ``manifest.json`` (conditional GET: unchanged → nothing else is fetched) and its ``.minisig``;
2. verify the signature with the pinned key (or with the next key the previous manifest announced: a key
   rotation), and that the trusted comment repeats ``list_id``/``serial``/``expires_at``;
3. check ``list_id``, ``min_app_version``, ``serial`` > the stored one (no rollback), not expired;
4. fetch the delta from the stored serial when there is one, else the full snapshot; each file must have
   exactly the announced size and SHA-256 (reading stops one byte past the announced size);
5. write entries and the new serial in ONE transaction (``ListStore.bulk_insert``/``apply_changes``), and
   check the entry count equals the manifest's.

Any failure leaves the list exactly as it was and records the reason (a code, rendered by the UI).  A list
whose ``expires_at`` has passed keeps working; its state is ``EXPIRED`` so the UI can warn.

A caller that may have to stop (the app quitting) passes a ``threading.Event`` as ``cancel``: once it is set the
download in flight ends within a fraction of a second (``fetch.CANCEL_POLL_S``) and ``DownloadCancelled`` is raised.
It is not a failure: no mirror is tried, nothing is written and nothing recorded — the last good list, its state
and its schedule stay exactly as they were.
"""

from __future__ import annotations

import enum
import hashlib
import json
import logging
import random
import sqlite3
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

import sqlite_utils

from blocklists.history import utc_now_iso
from blocklists.store import Category, ListKind, ListStore, ParsedPattern, StoreError
from blocklists.subscriptions.bundle import (
    MANIFEST,
    MAX_MANIFEST_BYTES,
    MAX_SIGNATURE_BYTES,
    SIGNATURE,
    FileInfo,
    Manifest,
    check_trusted_comment,
    iso,
    parse_entry_file,
    parse_manifest,
    version_tuple,
)
from blocklists.subscriptions.fetch import Source, open_source
from blocklists.subscriptions.minisign import PublicKey, parse_signature, verify
from blocklists.subscriptions.problems import DownloadCancelled, SubscriptionError, SubscriptionProblem
from screening.i18n import Message

log = logging.getLogger(__name__)

APP_VERSION = "0.1.0"  # kept equal to app.__version__ by a test; core must not import app
MIN_CHECK_INTERVAL = timedelta(hours=1)
MAX_CHECK_INTERVAL = timedelta(days=7)
RETRY_AFTER_FAILURE = timedelta(hours=1)


class SubscriptionState(enum.Enum):
    OK = "ok"
    EXPIRED = "expired"  # still in force, with a warning
    FAILING = "failing"  # the last update failed; the last good list is in force
    NEVER = "never"

    @property
    def zh(self) -> str:
        return _STATE_TEXT[self][0]

    @property
    def en(self) -> str:
        return _STATE_TEXT[self][1]

    def label(self, lang: str = "zh") -> str:
        return self.en if lang.startswith("en") else self.zh


_STATE_TEXT = {
    SubscriptionState.OK: ("正常", "up to date"),
    SubscriptionState.EXPIRED: ("已过期（仍在使用）", "expired (still in use)"),
    SubscriptionState.FAILING: ("更新失败（仍用上一版）", "update failing (last good list in use)"),
    SubscriptionState.NEVER: ("尚未更新", "never updated"),
}


class UpdateStatus(enum.Enum):
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    FAILED = "failed"


@dataclass(frozen=True)
class Subscription:
    name: str
    list_id: str
    source: str
    mirrors: tuple[str, ...]
    pubkey: str
    next_pubkey: str | None
    serial: int
    manifest_sha256: str
    title_zh: str
    title_en: str
    publisher: str
    generated_at: datetime | None
    expires_at: datetime | None
    entry_count: int
    prefix_count: int
    wildcard_count: int
    etag: str
    last_modified: str
    last_checked: datetime | None
    last_success: datetime | None
    last_error: Message | None
    failures: int
    next_check: datetime | None

    @property
    def fingerprint(self) -> str:
        return PublicKey.parse(self.pubkey).fingerprint

    def state(self, now: datetime | None = None) -> SubscriptionState:
        now = now or datetime.now(timezone.utc)
        if self.serial == 0:
            return SubscriptionState.NEVER
        if self.last_error is not None:
            return SubscriptionState.FAILING
        if self.expires_at is not None and now >= self.expires_at:
            return SubscriptionState.EXPIRED
        return SubscriptionState.OK

    def expired(self, now: datetime | None = None) -> bool:
        return self.expires_at is not None and (now or datetime.now(timezone.utc)) >= self.expires_at


@dataclass(frozen=True)
class UpdateResult:
    name: str
    status: UpdateStatus
    serial: int  # in force after the attempt
    previous_serial: int
    used: str = ""  # "full" | "delta" | ""
    source: str = ""
    added: int = 0
    removed: int = 0
    entry_count: int = 0
    wildcard_count: int = 0
    prefix_count: int = 0
    expired: bool = False
    key_rotated: bool = False
    error: Message | None = None
    errors: tuple[Message, ...] = field(default_factory=tuple)  # one per source tried

    @property
    def ok(self) -> bool:
        return self.status is not UpdateStatus.FAILED


# ---------------------------------------------------------------------------------------------- schedule
def next_check_time(
    *,
    now: datetime,
    generated_at: datetime | None,
    expires_at: datetime | None,
    failures: int = 0,
    rng: random.Random | None = None,
) -> datetime:
    """When to look for a new version: as filter lists do, from the list's own validity period.

    Half the validity period after a success (clamped to 1 h … 7 days), never later than the expiry; after
    failures, retry in 1 h, 2 h, 4 h … (at most the period).  A jitter of ±10 % spreads thousands of
    subscribers so they do not all hit the publisher's server in the same minute.  Pure.
    """
    rng = rng or random.Random()
    if generated_at is not None and expires_at is not None and expires_at > generated_at:
        period = min(max((expires_at - generated_at) / 2, MIN_CHECK_INTERVAL), MAX_CHECK_INTERVAL)
    else:
        period = timedelta(days=1)
    if failures > 0:
        wait = min(RETRY_AFTER_FAILURE * (2 ** min(failures - 1, 10)), period)
    else:
        wait = period
        if expires_at is not None and expires_at > now:
            wait = min(wait, expires_at - now)
    jitter = wait.total_seconds() * rng.uniform(-0.1, 0.1)
    when: datetime = now + max(wait + timedelta(seconds=jitter), timedelta(minutes=5))
    return when


# ---------------------------------------------------------------------------------------------- state table
_COLUMNS = (
    "name, list_id, source, mirrors, pubkey, next_pubkey, serial, manifest_sha256, title_zh, title_en, publisher,"
    " generated_at, expires_at, entry_count, prefix_count, wildcard_count, etag, last_modified, last_checked,"
    " last_success, last_error, failures, next_check"
)


def _dt(text: str | None) -> datetime | None:
    if not text:
        return None
    when = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return when if when.tzinfo else when.replace(tzinfo=timezone.utc)


def _error_json(message: Message | None) -> str | None:
    if message is None:
        return None
    return json.dumps({"code": message.code.name, "params": dict(message.params)}, ensure_ascii=False, default=str)


def _error_from_json(text: str | None) -> Message | None:
    if not text:
        return None
    data = json.loads(text)
    return Message(SubscriptionProblem[data["code"]], data.get("params") or {})


def _row_to_subscription(r: Sequence[Any]) -> Subscription:
    return Subscription(
        name=r[0],
        list_id=r[1],
        source=r[2],
        mirrors=tuple(json.loads(r[3] or "[]")),
        pubkey=r[4],
        next_pubkey=r[5],
        serial=int(r[6]),
        manifest_sha256=r[7],
        title_zh=r[8],
        title_en=r[9],
        publisher=r[10],
        generated_at=_dt(r[11]),
        expires_at=_dt(r[12]),
        entry_count=int(r[13]),
        prefix_count=int(r[14]),
        wildcard_count=int(r[15]),
        etag=r[16],
        last_modified=r[17],
        last_checked=_dt(r[18]),
        last_success=_dt(r[19]),
        last_error=_error_from_json(r[20]),
        failures=int(r[21]),
        next_check=_dt(r[22]),
    )


def subscriptions(db: sqlite_utils.Database) -> list[Subscription]:
    return [_row_to_subscription(r) for r in db.execute(f"SELECT {_COLUMNS} FROM subscriptions ORDER BY name")]


def get_subscription(db: sqlite_utils.Database, name: str) -> Subscription:
    row = db.execute(f"SELECT {_COLUMNS} FROM subscriptions WHERE name = ?", [name]).fetchone()
    if row is None:
        raise SubscriptionError(SubscriptionProblem.NO_SUCH_SUBSCRIPTION, name=name)
    return _row_to_subscription(row)


def due(db: sqlite_utils.Database, now: datetime | None = None) -> list[Subscription]:
    """Subscriptions whose next check time has come (for the app's scheduler)."""
    now = now or datetime.now(timezone.utc)
    return [s for s in subscriptions(db) if s.next_check is None or s.next_check <= now]


def unsubscribe(store: ListStore, name: str) -> None:
    get_subscription(store.db, name)
    store.delete_list(name)  # the subscription row goes with it (ON DELETE CASCADE)


# ---------------------------------------------------------------------------------------------- verify
@dataclass
class _Verified:
    manifest: Manifest
    manifest_sha256: str
    etag: str
    last_modified: str
    source: str
    key_rotated: bool
    pubkey: str
    used: str = ""
    upserts: list[tuple[ParsedPattern, Category, str]] = field(default_factory=list)
    removals: list[ParsedPattern] = field(default_factory=list)


def _fetch_file(src: Source, info: FileInfo) -> bytes:
    got = src.get(info.name, info.size)
    data = got.data or b""
    if len(data) != info.size:
        raise SubscriptionError(SubscriptionProblem.SIZE_MISMATCH, name=info.name, expected=info.size, found=len(data))
    if hashlib.sha256(data).hexdigest() != info.sha256:
        raise SubscriptionError(SubscriptionProblem.HASH_MISMATCH, name=info.name)
    return data


def _fetch_verified(
    src: Source,
    *,
    pubkey: PublicKey,
    next_pubkey: PublicKey | None,
    expect_list_id: str | None,
    stored_serial: int,
    stored_manifest_sha256: str,
    etag: str,
    last_modified: str,
    now: datetime,
    region: str,
    app_version: str,
) -> _Verified | None:
    """None: unchanged (304, or the same manifest again).  Raises ``SubscriptionError`` on any problem."""
    got = src.get(MANIFEST, MAX_MANIFEST_BYTES, etag=etag, last_modified=last_modified)
    if got.data is None:
        return None
    blob = got.data
    manifest_sha = hashlib.sha256(blob).hexdigest()
    if stored_serial and manifest_sha == stored_manifest_sha256:
        return None
    sig_text = src.get(SIGNATURE, MAX_SIGNATURE_BYTES).data or b""
    try:
        sig = parse_signature(sig_text.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise SubscriptionError(SubscriptionProblem.BAD_SIGNATURE_FILE, detail="not text") from exc
    rotated = False
    key = pubkey
    if sig.key_id != pubkey.key_id and next_pubkey is not None and sig.key_id == next_pubkey.key_id:
        key, rotated = next_pubkey, True
    verify(key, blob, sig)
    manifest = parse_manifest(blob)
    check_trusted_comment(manifest, sig.trusted_comment)
    if expect_list_id is not None and manifest.list_id != expect_list_id:
        raise SubscriptionError(SubscriptionProblem.WRONG_LIST, found=manifest.list_id, expected=expect_list_id)
    if version_tuple(app_version) < version_tuple(manifest.min_app_version):
        raise SubscriptionError(
            SubscriptionProblem.APP_TOO_OLD, min_version=manifest.min_app_version, version=app_version
        )
    if manifest.serial <= stored_serial:
        raise SubscriptionError(SubscriptionProblem.ROLLBACK, found=manifest.serial, current=stored_serial)
    if manifest.expires_at <= now:
        raise SubscriptionError(SubscriptionProblem.EXPIRED, expires_at=iso(manifest.expires_at))
    out = _Verified(manifest, manifest_sha, got.etag, got.last_modified, src.label, rotated, key.line())
    delta = manifest.delta_from(stored_serial) if stored_serial else None
    if delta is not None:
        try:
            out.upserts, out.removals = parse_entry_file(_fetch_file(src, delta), delta.name, region)
            out.used = "delta"
            return out
        except SubscriptionError as exc:
            log.warning("delta %s unusable (%s); fetching the full list", delta.name, exc)
    full = manifest.full
    out.upserts, removals = parse_entry_file(_fetch_file(src, full), full.name, region)
    if removals:
        raise SubscriptionError(
            SubscriptionProblem.BAD_ENTRY_FILE, name=full.name, line=0, detail="removal in a full list"
        )
    out.used = "full"
    return out


# ---------------------------------------------------------------------------------------------- subscribe/update
def subscribe(
    store: ListStore,
    location: str,
    pubkey_text: str,
    *,
    name: str | None = None,
    now: datetime | None = None,
    timeout: float | None = None,
    app_version: str = APP_VERSION,
    rng: random.Random | None = None,
    cancel: threading.Event | None = None,
) -> UpdateResult:
    """Pin ``pubkey_text``, fetch and verify the bundle at ``location``, and store it as a new list.

    Raises ``SubscriptionError`` (nothing is stored) when the bundle cannot be fetched or does not verify, and
    ``DownloadCancelled`` (nothing is stored) once ``cancel`` is set.
    """
    now = now or datetime.now(timezone.utc)
    key = PublicKey.parse(pubkey_text)
    src = _source(location, timeout, cancel)
    verified = _fetch_verified(
        src,
        pubkey=key,
        next_pubkey=None,
        expect_list_id=None,
        stored_serial=0,
        stored_manifest_sha256="",
        etag="",
        last_modified="",
        now=now,
        region=store.region,
        app_version=app_version,
    )
    assert verified is not None
    _check(cancel)
    manifest = verified.manifest
    list_name = name or manifest.list_id
    if store.has_list(list_name):
        raise SubscriptionError(SubscriptionProblem.NAME_TAKEN, name=list_name)
    try:
        store.create_list(
            list_name,
            ListKind.IMPORTED,
            title_zh=manifest.title_zh or list_name,
            title_en=manifest.title_en or list_name,
            source=location,
            version=str(manifest.serial),
        )
    except StoreError as exc:
        raise SubscriptionError(SubscriptionProblem.NAME_TAKEN, name=list_name) from exc
    created = utc_now_iso()

    def record(conn: sqlite3.Connection) -> None:
        conn.execute(
            "INSERT INTO subscriptions (name, list_id, source, pubkey, created_at) VALUES (?, ?, ?, ?, ?)",
            [list_name, manifest.list_id, location, key.line(), created],
        )
        _record_success(conn, list_name, verified, now, rng)

    try:
        _write(store, list_name, verified, record)
    except BaseException:
        store.delete_list(list_name)
        raise
    store._reload()
    return _result(list_name, UpdateStatus.UPDATED, verified, 0, now)


def update(
    store: ListStore,
    name: str,
    *,
    now: datetime | None = None,
    force: bool = False,
    timeout: float | None = None,
    app_version: str = APP_VERSION,
    rng: random.Random | None = None,
    cancel: threading.Event | None = None,
) -> UpdateResult:
    """Refresh one subscription from its source, then its mirrors.  Never raises for network or
    verification problems: the result says why (and the last good list stays in force).  Raises
    ``DownloadCancelled`` once ``cancel`` is set, having changed nothing."""
    now = now or datetime.now(timezone.utc)
    _check(cancel)
    sub = get_subscription(store.db, name)
    key = PublicKey.parse(sub.pubkey)
    next_key = PublicKey.parse(sub.next_pubkey) if sub.next_pubkey else None
    errors: list[Message] = []
    for i, location in enumerate((sub.source, *sub.mirrors)):
        try:
            src = _source(location, timeout, cancel)
            verified = _fetch_verified(
                src,
                pubkey=key,
                next_pubkey=next_key,
                expect_list_id=sub.list_id,
                stored_serial=sub.serial,
                stored_manifest_sha256=sub.manifest_sha256,
                etag="" if force or i > 0 else sub.etag,
                last_modified="" if force or i > 0 else sub.last_modified,
                now=now,
                region=store.region,
                app_version=app_version,
            )
            if verified is None:
                _record_unchanged(store, sub, now, rng)
                return UpdateResult(
                    name,
                    UpdateStatus.UNCHANGED,
                    sub.serial,
                    sub.serial,
                    source=src.label,
                    entry_count=sub.entry_count,
                    wildcard_count=sub.wildcard_count,
                    prefix_count=sub.prefix_count,
                    expired=sub.expired(now),
                )
            if i > 0:  # validators belong to the primary source only
                verified.etag = verified.last_modified = ""
            _check(cancel)  # downloaded in full just as the cancel came: still nothing is written

            def record(conn: sqlite3.Connection, verified: _Verified = verified) -> None:
                _record_success(conn, name, verified, now, rng)

            try:
                _write(store, name, verified, record)
            except SubscriptionError:
                if verified.used != "delta":
                    raise
                # The delta did not land on the list we have (count check): take the full list instead.
                verified = _refetch_full(src, verified, store.region)
                _check(cancel)
                _write(store, name, verified, record)
            return _result(name, UpdateStatus.UPDATED, verified, sub.serial, now)
        except SubscriptionError as exc:
            log.warning("update of %s from %s failed: %s", name, location, exc)
            errors.append(exc.message)
    first = errors[0]
    _record_failure(store, sub, first, now, rng)
    return UpdateResult(
        name,
        UpdateStatus.FAILED,
        sub.serial,
        sub.serial,
        entry_count=sub.entry_count,
        wildcard_count=sub.wildcard_count,
        prefix_count=sub.prefix_count,
        expired=sub.expired(now),
        error=first,
        errors=tuple(errors),
    )


def update_all(store: ListStore, *, only_due: bool = False, **kwargs: Any) -> list[UpdateResult]:
    """``update`` each subscription (``only_due``: those whose time has come).  A cancel (``cancel=``) raises
    ``DownloadCancelled`` out of the one in flight; those done before it stay done, the rest are not started."""
    now = kwargs.get("now") or datetime.now(timezone.utc)
    subs = due(store.db, now) if only_due else subscriptions(store.db)
    return [update(store, s.name, **kwargs) for s in subs]


def _source(location: str, timeout: float | None, cancel: threading.Event | None) -> Source:
    if timeout is None:
        return open_source(location, cancel=cancel)
    return open_source(location, timeout=timeout, cancel=cancel)


def _check(cancel: threading.Event | None) -> None:
    if cancel is not None and cancel.is_set():
        raise DownloadCancelled()


def _refetch_full(src: Source, verified: _Verified, region: str) -> _Verified:
    full = verified.manifest.full
    verified.upserts, verified.removals = parse_entry_file(_fetch_file(src, full), full.name, region)
    verified.used = "full"
    return verified


def _write(store: ListStore, name: str, verified: _Verified, record: Callable[[sqlite3.Connection], None]) -> None:
    manifest = verified.manifest
    source = f"sub:{manifest.list_id}"
    expected = int(manifest.counts.get("entries", -1))
    store.get_list(name)  # NO_SUCH_LIST before any work

    def check_and_record(conn: sqlite3.Connection) -> None:
        # By name, not id: a full update is staged, so the list's row (and id) is a new one by the time this runs.
        list_id = int(conn.execute("SELECT id FROM lists WHERE name = ?", [name]).fetchone()[0])
        found = int(conn.execute("SELECT count(*) FROM entries WHERE list_id = ?", [list_id]).fetchone()[0])
        if expected >= 0 and found != expected:
            raise SubscriptionError(SubscriptionProblem.COUNT_MISMATCH, found=found, expected=expected)
        conn.execute(
            "UPDATE lists SET version = ?, title_zh = ?, title_en = ? WHERE id = ?",
            [str(manifest.serial), manifest.title_zh or name, manifest.title_en or name, list_id],
        )
        record(conn)

    rows = verified.upserts
    if verified.used == "delta":
        store.apply_changes(
            name, rows, [p.canonical for p in verified.removals], source, in_transaction=check_and_record
        )
    else:
        store.bulk_insert(name, rows, source, replace=True, in_transaction=check_and_record)


def _record_success(
    conn: sqlite3.Connection, name: str, v: _Verified, now: datetime, rng: random.Random | None
) -> None:
    m = v.manifest
    nxt = next_check_time(now=now, generated_at=m.generated_at, expires_at=m.expires_at, rng=rng)
    conn.execute(
        "UPDATE subscriptions SET serial = ?, manifest_sha256 = ?, title_zh = ?, title_en = ?, publisher = ?,"
        " generated_at = ?, expires_at = ?, entry_count = ?, prefix_count = ?, wildcard_count = ?, etag = ?,"
        " last_modified = ?, last_checked = ?, last_success = ?, last_error = NULL, failures = 0, next_check = ?,"
        " pubkey = ?, next_pubkey = ?, mirrors = ? WHERE name = ?",
        [
            m.serial,
            v.manifest_sha256,
            m.title_zh,
            m.title_en,
            m.publisher,
            iso(m.generated_at),
            iso(m.expires_at),
            int(m.counts.get("entries", 0)),
            int(m.counts.get("prefix", 0)),
            int(m.counts.get("wildcard", 0)),
            v.etag,
            v.last_modified,
            iso(now),
            iso(now),
            iso(nxt),
            v.pubkey,
            m.next_key,
            json.dumps(list(m.mirrors)),
            name,
        ],
    )


def _record_unchanged(store: ListStore, sub: Subscription, now: datetime, rng: random.Random | None) -> None:
    nxt = next_check_time(now=now, generated_at=sub.generated_at, expires_at=sub.expires_at, rng=rng)
    with store.conn:
        store.conn.execute(
            "UPDATE subscriptions SET last_checked = ?, last_error = NULL, failures = 0, next_check = ? WHERE name = ?",
            [iso(now), iso(nxt), sub.name],
        )


def _record_failure(
    store: ListStore, sub: Subscription, error: Message, now: datetime, rng: random.Random | None
) -> None:
    failures = sub.failures + 1
    nxt = next_check_time(now=now, generated_at=sub.generated_at, expires_at=sub.expires_at, failures=failures, rng=rng)
    with store.conn:
        store.conn.execute(
            "UPDATE subscriptions SET last_checked = ?, last_error = ?, failures = ?, next_check = ? WHERE name = ?",
            [iso(now), _error_json(error), failures, iso(nxt), sub.name],
        )


def _result(name: str, status: UpdateStatus, v: _Verified, previous: int, now: datetime) -> UpdateResult:
    m = v.manifest
    return UpdateResult(
        name,
        status,
        m.serial,
        previous,
        used=v.used,
        source=v.source,
        added=len(v.upserts),
        removed=len(v.removals),
        entry_count=int(m.counts.get("entries", 0)),
        wildcard_count=int(m.counts.get("wildcard", 0)),
        prefix_count=int(m.counts.get("prefix", 0)),
        expired=m.expires_at <= now,
        key_rotated=v.key_rotated,
    )
