"""A published list: ``manifest.json`` + ``manifest.json.minisig`` + entry files, in one static folder.

The folder works from any web server, a CDN, a shared drive or a USB stick (also zipped).  Layout::

    manifest.json           what is in the bundle (below), signed
    manifest.json.minisig   minisign signature; trusted comment "list_id=… serial=… expires_at=…"
    full-<serial>.csv       the whole list
    delta-<from>-<serial>.csv   changes since an older serial (the last few serials)

Entry files are UTF-8 CSV with the header ``op,number,category,reason_zh,reason_en,votes,source``; ``op`` is
``+`` (add or replace) or ``-`` (remove).  A full snapshot has only ``+`` rows.  ``number`` is an exact
number, a prefix (``170*``) or a wildcard (``952750??``) — wildcards are allowed and counted, so
subscribers are told about them.

The manifest::

    {"format": "callshield-list", "format_version": 1, "list_id": "nt-community", "serial": 1733300000,
     "title": {"zh": …, "en": …}, "publisher": …, "generated_at": …, "expires_at": …, "min_app_version": …,
     "counts": {"entries": n, "exact": …, "prefix": …, "wildcard": …},
     "files": [{"name": "full-….csv", "kind": "full", "size": …, "sha256": …, "entries": n},
               {"name": "delta-…-….csv", "kind": "delta", "from_serial": …, "size": …, "sha256": …,
                "added": …, "removed": …}],
     "mirrors": ["https://…/"], "next_key": "RWQ…"}      # both optional

``serial`` only grows: it is ``max(previous + 1, unix time)``, so even publishing into a fresh folder can
never go backwards.  ``next_key`` announces a key rotation; it is covered by the current key's signature.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, NamedTuple

from blocklists.store import Category, ListStore, ParsedPattern, StoreError, parse_pattern
from blocklists.subscriptions.minisign import PublicKey, SecretKey, parse_signature, verify
from blocklists.subscriptions.problems import SubscriptionError, SubscriptionProblem

FORMAT = "callshield-list"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
SIGNATURE = "manifest.json.minisig"
HEADER = ["op", "number", "category", "reason_zh", "reason_en", "votes", "source"]
KEEP_DELTAS = 5
DEFAULT_VALID_DAYS = 7
MAX_MANIFEST_BYTES = 1024 * 1024
MAX_SIGNATURE_BYTES = 4096
MAX_FILE_BYTES = 512 * 1024 * 1024
SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,120}$")
_VOTES_IN_NOTE = re.compile(r"^\s*votes=(\d+)\s*;?\s*")


class PublishedEntry(NamedTuple):
    """One row of an entry file (in key space: ``canonical`` is unique within a list).  A tuple: a publisher
    holds two million of these while computing a delta."""

    number: str
    canonical: str
    match_kind: str
    category: str
    reason_zh: str = ""
    reason_en: str = ""
    votes: int = 0
    source: str = ""

    def row(self, op: str = "+") -> list[str]:
        votes = str(self.votes) if self.votes else ""
        return [op, self.number, self.category, self.reason_zh, self.reason_en, votes, self.source]


@dataclass(frozen=True)
class FileInfo:
    name: str
    kind: str  # full | delta
    size: int
    sha256: str
    from_serial: int | None = None
    entries: int = 0
    added: int = 0
    removed: int = 0


@dataclass(frozen=True)
class Manifest:
    list_id: str
    serial: int
    generated_at: datetime
    expires_at: datetime
    min_app_version: str
    counts: Mapping[str, int]
    files: tuple[FileInfo, ...]
    title_zh: str = ""
    title_en: str = ""
    publisher: str = ""
    mirrors: tuple[str, ...] = ()
    next_key: str | None = None

    @property
    def full(self) -> FileInfo:
        for f in self.files:
            if f.kind == "full":
                return f
        raise SubscriptionError(SubscriptionProblem.NO_FULL_FILE)

    def delta_from(self, serial: int) -> FileInfo | None:
        return next((f for f in self.files if f.kind == "delta" and f.from_serial == serial), None)

    def trusted_comment(self) -> str:
        return trusted_comment(self.list_id, self.serial, self.expires_at)

    def to_json(self) -> bytes:
        data: dict[str, Any] = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "list_id": self.list_id,
            "serial": self.serial,
            "title": {"zh": self.title_zh, "en": self.title_en},
            "publisher": self.publisher,
            "generated_at": iso(self.generated_at),
            "expires_at": iso(self.expires_at),
            "min_app_version": self.min_app_version,
            "counts": dict(self.counts),
            "files": [_file_json(f) for f in self.files],
        }
        if self.mirrors:
            data["mirrors"] = list(self.mirrors)
        if self.next_key:
            data["next_key"] = self.next_key
        return (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def _file_json(f: FileInfo) -> dict[str, Any]:
    out: dict[str, Any] = {"name": f.name, "kind": f.kind, "size": f.size, "sha256": f.sha256}
    if f.kind == "full":
        out["entries"] = f.entries
    else:
        out |= {"from_serial": f.from_serial, "added": f.added, "removed": f.removed}
    return out


def iso(when: datetime) -> str:
    return when.astimezone(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def parse_time(text: Any, field_name: str) -> datetime:
    if not isinstance(text, str):
        raise SubscriptionError(SubscriptionProblem.BAD_MANIFEST, detail=f"{field_name} missing")
    try:
        when = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as exc:
        raise SubscriptionError(SubscriptionProblem.BAD_MANIFEST, detail=f"{field_name}: {text!r}") from exc
    return when if when.tzinfo else when.replace(tzinfo=timezone.utc)


def trusted_comment(list_id: str, serial: int, expires_at: datetime) -> str:
    return f"list_id={list_id} serial={serial} expires_at={iso(expires_at)}"


def safe_name(name: Any) -> str:
    """A file name from a manifest, refused unless it is a plain name inside the bundle (no ``../``)."""
    if not isinstance(name, str) or not SAFE_NAME.match(name) or ".." in name:
        raise SubscriptionError(SubscriptionProblem.UNSAFE_NAME, name=str(name)[:80])
    return name


def parse_manifest(data: bytes) -> Manifest:
    """Bytes → Manifest, checking shape, types and file names.  ``BAD_MANIFEST`` / ``UNSAFE_NAME``."""
    try:
        raw = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SubscriptionError(SubscriptionProblem.BAD_MANIFEST, detail="not JSON") from exc
    if not isinstance(raw, dict) or raw.get("format") != FORMAT:
        raise SubscriptionError(SubscriptionProblem.BAD_MANIFEST, detail="not a CallShield list manifest")
    if not isinstance(raw.get("format_version"), int) or raw["format_version"] > FORMAT_VERSION:
        raise SubscriptionError(SubscriptionProblem.BAD_MANIFEST, detail="unknown format_version")
    list_id = raw.get("list_id")
    serial = raw.get("serial")
    if not isinstance(list_id, str) or not SAFE_NAME.match(list_id):
        raise SubscriptionError(SubscriptionProblem.BAD_MANIFEST, detail="list_id")
    if not isinstance(serial, int) or isinstance(serial, bool) or serial < 1:
        raise SubscriptionError(SubscriptionProblem.BAD_MANIFEST, detail="serial")
    files = []
    for item in raw.get("files") or []:
        if not isinstance(item, dict):
            raise SubscriptionError(SubscriptionProblem.BAD_MANIFEST, detail="files")
        name = safe_name(item.get("name"))
        size, sha = item.get("size"), item.get("sha256")
        kind = item.get("kind")
        if kind not in ("full", "delta") or not isinstance(size, int) or size < 0 or size > MAX_FILE_BYTES:
            raise SubscriptionError(SubscriptionProblem.BAD_MANIFEST, detail=f"file {name}")
        if not isinstance(sha, str) or not re.fullmatch(r"[0-9a-f]{64}", sha):
            raise SubscriptionError(SubscriptionProblem.BAD_MANIFEST, detail=f"file {name} sha256")
        from_serial = item.get("from_serial")
        if kind == "delta" and not isinstance(from_serial, int):
            raise SubscriptionError(SubscriptionProblem.BAD_MANIFEST, detail=f"file {name} from_serial")
        files.append(
            FileInfo(
                name=name,
                kind=kind,
                size=size,
                sha256=sha,
                from_serial=from_serial if kind == "delta" else None,
                entries=int(item.get("entries") or 0),
                added=int(item.get("added") or 0),
                removed=int(item.get("removed") or 0),
            )
        )
    counts = raw.get("counts") or {}
    if not isinstance(counts, dict) or not all(isinstance(v, int) for v in counts.values()):
        raise SubscriptionError(SubscriptionProblem.BAD_MANIFEST, detail="counts")
    title_raw = raw.get("title")
    title: dict[str, Any] = title_raw if isinstance(title_raw, dict) else {}
    mirrors = raw.get("mirrors") or []
    if not isinstance(mirrors, list) or not all(isinstance(m, str) for m in mirrors):
        raise SubscriptionError(SubscriptionProblem.BAD_MANIFEST, detail="mirrors")
    next_key = raw.get("next_key")
    if next_key is not None:
        PublicKey.parse(str(next_key))
    manifest = Manifest(
        list_id=list_id,
        serial=serial,
        generated_at=parse_time(raw.get("generated_at"), "generated_at"),
        expires_at=parse_time(raw.get("expires_at"), "expires_at"),
        min_app_version=str(raw.get("min_app_version") or "0"),
        counts=counts,
        files=tuple(files),
        title_zh=str(title.get("zh") or ""),
        title_en=str(title.get("en") or ""),
        publisher=str(raw.get("publisher") or ""),
        mirrors=tuple(mirrors),
        next_key=str(next_key) if next_key else None,
    )
    manifest.full  # noqa: B018 - raises NO_FULL_FILE
    return manifest


def check_trusted_comment(manifest: Manifest, comment: str) -> None:
    fields = dict(part.split("=", 1) for part in comment.split() if "=" in part)
    expected = {"list_id": manifest.list_id, "serial": str(manifest.serial), "expires_at": iso(manifest.expires_at)}
    for key, value in expected.items():
        if fields.get(key) != value:
            raise SubscriptionError(SubscriptionProblem.COMMENT_MISMATCH, field=key)


def version_tuple(text: str) -> tuple[int, ...]:
    return tuple(int(p) for p in re.findall(r"\d+", text)[:4]) or (0,)


# ---------------------------------------------------------------------------------------------- entry files
def encode_rows(rows: Iterable[list[str]]) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(HEADER)
    writer.writerows(rows)
    return buf.getvalue().encode("utf-8")


def subscriber_note(reason_zh: str, reason_en: str, votes: int, source: str) -> str:
    """The note a subscriber's entry carries: the reason (zh / en), then votes and source if given."""
    note = (
        reason_zh
        if not reason_en or reason_en == reason_zh
        else (f"{reason_zh} / {reason_en}" if reason_zh else reason_en)
    )
    extra = []
    if votes:
        extra.append(f"{votes} 票 / votes")
    if source:
        extra.append(source)
    return note if not extra else (f"{note} ({', '.join(extra)})" if note else ", ".join(extra))


def parse_entry_file(
    data: bytes, name: str, region: str = "CN"
) -> tuple[list[tuple[ParsedPattern, Category, str]], list[ParsedPattern]]:
    """Bytes of an entry file → (upserts, removals); upserts are ready for ``ListStore.bulk_insert``.

    One bad row refuses the whole file (``BAD_ENTRY_FILE``): a signed file with a bad row is a publisher
    bug, and a partial list would be worse than the last good one.
    """
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SubscriptionError(SubscriptionProblem.BAD_ENTRY_FILE, name=name, line=0, detail="not UTF-8") from exc
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    if not lines or lines[0].rstrip("\r").split(",") != HEADER:
        raise SubscriptionError(SubscriptionProblem.BAD_ENTRY_FILE, name=name, line=1, detail="unexpected header")
    upserts: list[tuple[ParsedPattern, Category, str]] = []
    removals: list[ParsedPattern] = []
    categories = {c.value: c for c in Category}
    for i, line in enumerate(lines[1:], 2):
        if '"' in line:
            try:
                cells = next(csv.reader([line], strict=True))
            except csv.Error as exc:
                raise SubscriptionError(SubscriptionProblem.BAD_ENTRY_FILE, name=name, line=i, detail=str(exc)) from exc
        else:
            cells = line.split(",")
        if len(cells) != 7:
            raise SubscriptionError(SubscriptionProblem.BAD_ENTRY_FILE, name=name, line=i, detail="7 columns expected")
        op, number, category, zh, en, votes, source = cells
        try:
            parsed = parse_pattern(number, region)
        except StoreError as exc:
            raise SubscriptionError(
                SubscriptionProblem.BAD_ENTRY_FILE, name=name, line=i, detail=exc.message.render("en")
            ) from exc
        if op == "-":
            removals.append(parsed)
            continue
        cat = categories.get(category)
        if op != "+" or cat is None or (votes and not votes.isdigit()):
            raise SubscriptionError(SubscriptionProblem.BAD_ENTRY_FILE, name=name, line=i, detail="bad op/category")
        note = zh if not (en or votes or source) else subscriber_note(zh, en, int(votes or 0), source)
        upserts.append((parsed, cat, note))
    return upserts, removals


# ---------------------------------------------------------------------------------------------- publish
@dataclass
class PublishResult:
    manifest: Manifest
    out_dir: Path
    previous_serial: int | None
    written: list[str] = field(default_factory=list)
    removed_files: list[str] = field(default_factory=list)

    @property
    def wildcard_count(self) -> int:
        return int(self.manifest.counts.get("wildcard", 0))


def _iter_entries(store: ListStore, list_id: int) -> Iterator[PublishedEntry]:
    """The list's entries in key order, read straight from the table (a million ``Entry`` objects would
    cost most of a publish)."""
    known = {c.value for c in Category}
    cur = store.conn.execute(
        "SELECT pattern, canonical, match_kind, category, note FROM entries WHERE list_id = ? ORDER BY canonical",
        [list_id],
    )
    for pattern, canonical, kind, category, note in cur:
        votes = 0
        if note.startswith("votes="):
            m = _VOTES_IN_NOTE.match(note)
            if m:  # "votes=5; 冒充客服" — what `reports aggregate` proposes
                votes = int(m.group(1))
                note = note[m.end() :]
        cat = category if category in known else Category.CUSTOM.value
        yield PublishedEntry(pattern, canonical, kind, cat, note, "", votes, "")


def _read_verified(path: Path, info: FileInfo) -> bytes:
    data = path.read_bytes()
    if len(data) != info.size or hashlib.sha256(data).hexdigest() != info.sha256:
        raise SubscriptionError(SubscriptionProblem.HASH_MISMATCH, name=info.name)
    return data


def _snapshot_entries(data: bytes, region: str) -> Iterator[PublishedEntry]:
    """A full snapshot's entries, which we always write in strictly increasing key order."""
    last = ""
    for cells in _rows(data):
        entry = _entry_from_cells(cells, parse_pattern(cells[1], region))
        if entry.canonical <= last:
            raise SubscriptionError(SubscriptionProblem.PREVIOUS_BUNDLE_BROKEN, detail="snapshot not in key order")
        last = entry.canonical
        yield entry


def _rows(data: bytes) -> Iterator[list[str]]:
    reader = csv.reader(io.StringIO(data.decode("utf-8")))
    next(reader, None)
    yield from reader


def _entry_from_cells(cells: list[str], parsed: ParsedPattern) -> PublishedEntry:
    return PublishedEntry(
        cells[1], parsed.canonical, parsed.match_kind, cells[2], cells[3], cells[4], int(cells[5] or 0), cells[6]
    )  # fmt: skip


def _read_delta(path: Path, info: FileInfo, region: str) -> dict[str, tuple[str, PublishedEntry]]:
    data = _read_verified(path, info)
    out: dict[str, tuple[str, PublishedEntry]] = {}
    for cells in _rows(data):
        parsed = parse_pattern(cells[1], region)
        out[parsed.canonical] = (cells[0], _entry_from_cells(cells, parsed))
    return out


def _write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".part")
    with open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def publish(
    store: ListStore,
    list_name: str,
    out_dir: str | os.PathLike[str],
    key: SecretKey,
    *,
    list_id: str | None = None,
    title_zh: str = "",
    title_en: str = "",
    publisher: str = "",
    valid_for: timedelta = timedelta(days=DEFAULT_VALID_DAYS),
    min_app_version: str = "0.1.0",
    mirrors: Iterable[str] = (),
    next_key: PublicKey | None = None,
    now: datetime | None = None,
    serial: int | None = None,
    keep_deltas: int = KEEP_DELTAS,
) -> PublishResult:
    """Write a signed bundle of ``list_name`` into ``out_dir`` (a new serial, deltas from the previous ones).

    A previous bundle in ``out_dir`` must verify with this key (or with the key it announced as next);
    otherwise nothing is written (``PREVIOUS_BUNDLE_BROKEN``): deltas computed from a forged snapshot would
    poison every subscriber.
    """
    now = (now or datetime.now(timezone.utc)).astimezone(timezone.utc).replace(microsecond=0)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    info = store.get_list(list_name)
    region = store.region
    previous = _previous_bundle(out, key, region)
    lid = list_id or (previous[0].list_id if previous else None) or list_name
    prev_serial = previous[0].serial if previous else 0
    new_serial = serial if serial is not None else max(prev_serial + 1, int(now.timestamp()))
    if new_serial <= prev_serial:
        raise SubscriptionError(SubscriptionProblem.ROLLBACK, found=new_serial, current=prev_serial)
    # One pass in key order: write the full snapshot (the same list always gives the same bytes) and merge
    # it with the previous snapshot, which is in key order too — memory grows with the changes, not the list.
    counts = {"entries": 0, "exact": 0, "prefix": 0, "wildcard": 0}
    step: dict[str, tuple[str, PublishedEntry]] = {}
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(HEADER)
    prev_iter: Iterator[PublishedEntry] = _snapshot_entries(previous[1], region) if previous else iter(())
    try:
        pending = next(prev_iter, None)
        for e in _iter_entries(store, info.id):
            writer.writerow(e.row())
            counts["entries"] += 1
            counts[e.match_kind] += 1
            while pending is not None and pending.canonical < e.canonical:
                step[pending.canonical] = ("-", pending)
                pending = next(prev_iter, None)
            if pending is not None and pending.canonical == e.canonical:
                if pending != e:
                    step[e.canonical] = ("+", e)
                pending = next(prev_iter, None)
            else:
                step[e.canonical] = ("+", e)
        while pending is not None:
            step[pending.canonical] = ("-", pending)
            pending = next(prev_iter, None)
    except SubscriptionError:
        raise
    except (ValueError, IndexError) as exc:  # a previous snapshot row that does not parse
        raise SubscriptionError(SubscriptionProblem.PREVIOUS_BUNDLE_BROKEN, detail=str(exc)) from exc
    if not counts["entries"]:
        raise SubscriptionError(SubscriptionProblem.NOTHING_TO_PUBLISH, name=list_name)
    files: list[FileInfo] = []
    written: list[str] = []
    full_name = f"full-{new_serial}.csv"
    data = buf.getvalue().encode("utf-8")
    del buf
    _write_atomic(out / full_name, data)
    written.append(full_name)
    files.append(FileInfo(full_name, "full", len(data), hashlib.sha256(data).hexdigest(), entries=counts["entries"]))
    del data
    # Deltas: previous → new, and older ones composed with it (a key's last change wins).
    if previous is not None:
        prev_manifest, _snapshot, prev_deltas = previous
        chains: list[tuple[int, dict[str, tuple[str, PublishedEntry]]]] = [(prev_manifest.serial, step)]
        for from_serial, changes in sorted(prev_deltas.items(), reverse=True):
            chains.append((from_serial, {**changes, **step}))
        for from_serial, changes in chains[:keep_deltas]:
            name = f"delta-{from_serial}-{new_serial}.csv"
            rows = [entry.row(op) for _k, (op, entry) in sorted(changes.items())]
            blob = encode_rows(rows)
            _write_atomic(out / name, blob)
            written.append(name)
            added = sum(1 for op, _e in changes.values() if op == "+")
            files.append(
                FileInfo(
                    name,
                    "delta",
                    len(blob),
                    hashlib.sha256(blob).hexdigest(),
                    from_serial=from_serial,
                    added=added,
                    removed=len(changes) - added,
                )
            )
    manifest = Manifest(
        list_id=lid,
        serial=new_serial,
        generated_at=now,
        expires_at=now + valid_for,
        min_app_version=min_app_version,
        counts=counts,
        files=tuple(files),
        title_zh=title_zh or info.title.zh,
        title_en=title_en or info.title.en,
        publisher=publisher,
        mirrors=tuple(mirrors),
        next_key=next_key.line() if next_key else None,
    )
    blob = manifest.to_json()
    signature = key.sign(blob, manifest.trusted_comment(), f"CallShield list {lid} serial {new_serial}")
    # Signature first, then the manifest: a reader between the two renames sees a mismatch and retries later.
    _write_atomic(out / SIGNATURE, signature.encode("ascii"))
    _write_atomic(out / MANIFEST, blob)
    written += [MANIFEST, SIGNATURE]
    # Drop entry files neither this manifest nor the previous one names (readers mid-update still find theirs).
    keep = {f.name for f in files} | ({f.name for f in previous[0].files} if previous else set())
    removed = []
    for path in out.glob("*.csv"):
        if re.fullmatch(r"(full-\d+|delta-\d+-\d+)\.csv", path.name) and path.name not in keep:
            path.unlink()
            removed.append(path.name)
    return PublishResult(manifest, out, prev_serial or None, written, removed)


def _previous_bundle(
    out: Path, key: SecretKey, region: str
) -> tuple[Manifest, bytes, dict[int, dict[str, tuple[str, PublishedEntry]]]] | None:
    manifest_path = out / MANIFEST
    if not manifest_path.exists():
        return None
    try:
        blob = manifest_path.read_bytes()
        sig = parse_signature((out / SIGNATURE).read_text("ascii"))
        manifest = parse_manifest(blob)
        if sig.key_id == key.key_id:
            verify(key.public_key, blob, sig)
        elif manifest.next_key != key.public_key.line():
            # Signed by another key that did not announce this one as its successor.
            verify(key.public_key, blob, sig)
        # else: the previous bundle (signed by the old key) announced this key: a rotation in progress.
        check_trusted_comment(manifest, sig.trusted_comment)
        snapshot = _read_verified(out / manifest.full.name, manifest.full)
        deltas: dict[int, dict[str, tuple[str, PublishedEntry]]] = {}
        for f in manifest.files:
            if f.kind == "delta" and f.from_serial is not None and (out / f.name).exists():
                deltas[f.from_serial] = _read_delta(out / f.name, f, region)
    except SubscriptionError as exc:
        raise SubscriptionError(SubscriptionProblem.PREVIOUS_BUNDLE_BROKEN, detail=exc.message.render("en")) from exc
    except (OSError, UnicodeDecodeError, ValueError, IndexError) as exc:
        raise SubscriptionError(SubscriptionProblem.PREVIOUS_BUNDLE_BROKEN, detail=str(exc)) from exc
    return manifest, snapshot, deltas
