"""Community lists and reports: the worker-side functions the Lists page and the CLI call (issue 15).

Each function opens its own database connection (one per thread, STYLE.md §2.8), does one user action and
returns a typed result.  Problems the user can act on raise ``SubscriptionError`` (``.message`` renders in
zh/en); updates never raise for network or verification failures — their result carries the reason, and
the last good list stays in force.  The downloading ones take ``cancel``, a ``threading.Event`` (the job runner's
``run_cancellable`` passes it and sets it on quit): once set, they raise ``DownloadCancelled`` within a fraction
of a second, having stored nothing.  Qt-free.
"""

from __future__ import annotations

import os
import random
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from blocklists.db import open_db
from blocklists.store import ListStore
from blocklists.subscriptions import bundle, reports
from blocklists.subscriptions import subscribe as subs
from blocklists.subscriptions.minisign import (
    MEMLIMIT_DEFAULT,
    OPSLIMIT_DEFAULT,
    PublicKey,
    SecretKey,
    generate_secret_key,
    read_secret_key,
    secret_key_file_text,
)
from blocklists.subscriptions.problems import SubscriptionError, SubscriptionProblem
from screening.i18n import BiText, Message

SECRET_KEY_NAME = "callshield.key"
PUBLIC_KEY_NAME = "callshield.pub"


# ---------------------------------------------------------------------------------------------- keys
@dataclass(frozen=True)
class KeyFiles:
    secret: Path
    public: Path
    fingerprint: str


def generate_keys(folder: str | os.PathLike[str], passphrase: str, *, opslimit: int | None = None,
                  memlimit: int | None = None) -> KeyFiles:  # fmt: skip
    """Write ``callshield.key`` (passphrase-protected, owner-only) and ``callshield.pub`` into ``folder``.

    Refuses to overwrite either (``KEY_EXISTS``): losing a publisher's key strands every subscriber.
    """
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    secret, public = out / SECRET_KEY_NAME, out / PUBLIC_KEY_NAME
    for path in (secret, public):
        if path.exists():
            raise SubscriptionError(SubscriptionProblem.KEY_EXISTS, path=str(path))
    key = generate_secret_key()
    text = secret_key_file_text(
        key, passphrase, opslimit=opslimit or OPSLIMIT_DEFAULT, memlimit=memlimit or MEMLIMIT_DEFAULT
    )
    fd = os.open(secret, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(text)
    public.write_text(key.public_key.file_text(), encoding="ascii")
    return KeyFiles(secret, public, key.public_key.fingerprint)


def load_secret_key(path: str | os.PathLike[str], passphrase: str | None) -> SecretKey:
    try:
        text = Path(path).read_text(encoding="ascii")
    except FileNotFoundError as exc:
        raise SubscriptionError(SubscriptionProblem.NOT_FOUND_LOCAL, path=str(path)) from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise SubscriptionError(SubscriptionProblem.BAD_KEY, detail=str(exc)) from exc
    return read_secret_key(text, passphrase)


def load_public_key(path: str | os.PathLike[str]) -> PublicKey:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise SubscriptionError(SubscriptionProblem.NOT_FOUND_LOCAL, path=str(path)) from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise SubscriptionError(SubscriptionProblem.BAD_KEY, detail=str(exc)) from exc
    return PublicKey.parse(text)


# ---------------------------------------------------------------------------------------------- publish
def publish_list(
    db_path: Path,
    list_name: str,
    out_dir: str | os.PathLike[str],
    key: SecretKey,
    *,
    list_id: str | None = None,
    valid_days: float = bundle.DEFAULT_VALID_DAYS,
    mirrors: Sequence[str] = (),
    next_key: PublicKey | None = None,
    publisher: str = "",
    title: str = "",
) -> bundle.PublishResult:
    store = ListStore(open_db(db_path))
    try:
        return bundle.publish(
            store,
            list_name,
            out_dir,
            key,
            list_id=list_id,
            title_zh=title,
            title_en=title,
            publisher=publisher,
            valid_for=timedelta(days=valid_days),
            mirrors=mirrors,
            next_key=next_key,
        )
    finally:
        store.db.conn.close()


# ---------------------------------------------------------------------------------------------- subscriptions
@dataclass(frozen=True)
class SubscriptionView:
    """One row of the Lists page's subscriptions section: everything it shows, as codes and values."""

    name: str
    title: BiText
    publisher: str
    list_id: str
    source: str
    mirrors: tuple[str, ...]
    fingerprint: str
    serial: int
    last_success: datetime | None
    last_checked: datetime | None
    next_check: datetime | None
    expires_at: datetime | None
    state: subs.SubscriptionState
    entry_count: int
    prefix_count: int
    wildcard_count: int  # shown as a flag: wildcards block whole ranges
    last_error: Message | None
    enabled: bool


def list_subscriptions(db_path: Path, now: datetime | None = None) -> list[SubscriptionView]:
    db = open_db(db_path)
    try:
        store = ListStore(db)
        enabled = {i.name: i.enabled for i in store.lists()}
        out = []
        for s in subs.subscriptions(db):
            out.append(
                SubscriptionView(
                    name=s.name,
                    title=BiText(s.title_zh or s.name, s.title_en or s.name),
                    publisher=s.publisher,
                    list_id=s.list_id,
                    source=s.source,
                    mirrors=s.mirrors,
                    fingerprint=s.fingerprint,
                    serial=s.serial,
                    last_success=s.last_success,
                    last_checked=s.last_checked,
                    next_check=s.next_check,
                    expires_at=s.expires_at,
                    state=s.state(now),
                    entry_count=s.entry_count,
                    prefix_count=s.prefix_count,
                    wildcard_count=s.wildcard_count,
                    last_error=s.last_error,
                    enabled=enabled.get(s.name, False),
                )
            )
        return out
    finally:
        db.conn.close()


def subscribe(
    db_path: Path,
    location: str,
    pubkey: PublicKey | str,
    *,
    name: str | None = None,
    timeout: float | None = None,
    cancel: threading.Event | None = None,
) -> subs.UpdateResult:
    """Add a subscription (URL, bundle folder or zip) and fetch it at once.  Raises ``SubscriptionError``."""
    store = ListStore(open_db(db_path))
    try:
        text = pubkey.line() if isinstance(pubkey, PublicKey) else pubkey
        location = location if location.lower().startswith(("http://", "https://")) else str(Path(location).resolve())
        return subs.subscribe(store, location, text, name=name, timeout=timeout, cancel=cancel)
    finally:
        store.db.conn.close()


def subscribe_with_key_file(
    db_path: Path, location: str, pubkey_file: str | os.PathLike[str], list_name: str | None = None,
    timeout: float | None = None, cancel: threading.Event | None = None,
) -> subs.UpdateResult:  # fmt: skip
    """The Subscribe dialog's action: read the publisher's ``*.pub`` file, then ``subscribe`` (``list_name``:
    the local name, by default the list's own id; positional so the job runner's ``name=`` stays free)."""
    key = load_public_key(pubkey_file)
    return subscribe(db_path, location, key, name=list_name or None, timeout=timeout, cancel=cancel)


def update(
    db_path: Path,
    name: str | None = None,
    *,
    force: bool = False,
    only_due: bool = False,
    timeout: float | None = None,
    cancel: threading.Event | None = None,
) -> list[subs.UpdateResult]:
    """Refresh one subscription, or all of them (``only_due``: those whose scheduled time has come).

    ``cancel`` set: ``DownloadCancelled`` out of the update in flight; updates finished before it stay."""
    store = ListStore(open_db(db_path))
    try:
        kwargs: dict[str, Any] = {"force": force, "cancel": cancel}
        if timeout is not None:
            kwargs["timeout"] = timeout
        if name is not None:
            return [subs.update(store, name, **kwargs)]
        if not subs.subscriptions(store.db):
            raise SubscriptionError(SubscriptionProblem.NO_SUBSCRIPTIONS)
        return subs.update_all(store, only_due=only_due, **kwargs)
    finally:
        store.db.conn.close()


def unsubscribe(db_path: Path, name: str) -> None:
    store = ListStore(open_db(db_path))
    try:
        subs.unsubscribe(store, name)
    finally:
        store.db.conn.close()


def next_check_at(db_path: Path) -> datetime | None:
    """The earliest scheduled check of any subscription (for the app's timer); None without subscriptions."""
    db = open_db(db_path)
    try:
        times = [s.next_check or datetime.now(timezone.utc) for s in subs.subscriptions(db)]
        return min(times) if times else None
    finally:
        db.conn.close()


def schedule(now: datetime, sub: subs.Subscription, rng: random.Random | None = None) -> datetime:
    """Pure: when ``sub`` should next be checked (filter-list style, from its expiry, with jitter)."""
    return subs.next_check_time(
        now=now, generated_at=sub.generated_at, expires_at=sub.expires_at, failures=sub.failures, rng=rng
    )


# ---------------------------------------------------------------------------------------------- reports
def add_report(db_path: Path, number: str, category: str, note: str = "", region: str = "CN") -> reports.Report:
    db = open_db(db_path)
    try:
        return reports.add_report(db, number, category, note, region=region)
    finally:
        db.conn.close()


def list_reports(db_path: Path) -> list[reports.Report]:
    db = open_db(db_path)
    try:
        return reports.list_reports(db)
    finally:
        db.conn.close()


def export_preview(db_path: Path, reporter_name: str = "") -> dict[str, Any]:
    """Exactly what ``write_reports_export`` will write: show it before the user shares it."""
    db = open_db(db_path)
    try:
        return reports.export_payload(db, reporter_name)
    finally:
        db.conn.close()


def write_reports_export(payload: dict[str, Any], dest: str | os.PathLike[str]) -> int:
    return reports.write_export(payload, dest)


def aggregate_reports(
    paths: Iterable[str | os.PathLike[str]],
    min_reports: int,
    out: str | os.PathLike[str] | None = None,
    *,
    db_path: Path | None = None,
    against_list: str | None = None,
) -> reports.Aggregate:
    """Merge report exports; with ``against_list`` compare with that list of the local database."""
    listed: list[str] | None = None
    if against_list is not None and db_path is not None:
        store = ListStore(open_db(db_path))
        try:
            listed = [e.canonical for e in store.iter_entries(against_list)]
        finally:
            store.db.conn.close()
    result = reports.aggregate(paths, min_reports=min_reports, listed=listed)
    if out is not None:
        reports.write_proposals(result, out)
    return result
