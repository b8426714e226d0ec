"""Block/allow lists: several named lists of exact numbers, prefixes and wildcard patterns.

Entries
    ``13800138000`` / ``+852 2123 4567`` (exact), ``170*`` (prefix), ``952750??`` (wildcard: ``?`` is one
    digit, a trailing ``*`` any number of digits).  Every entry is stored in *key space* — the same form as
    ``NormalisedNumber.key`` (``+8613800138000``, ``+86170*``, ``+86952750??``) — so ``013800138000``,
    ``+86 138…`` and ``0086 138…`` are one entry, and a pattern written nationally matches numbers shown
    internationally.

Lookup
    Exact entries are found with one probe of the unique ``(canonical, list_id)`` index — skipped when no
    enabled list has an entry of that key length (``lists.key_lengths``), so a list of a million mobile
    numbers costs at most one index probe per call.  Prefix and wildcard entries (few, even in big lists)
    are kept in memory, keyed by their literal head (``match_key``: the part before the first ``?``/``*``)
    and probed once per head length; wildcards are then confirmed with a precompiled regex.  ``lookup``
    never writes; call ``record_hits`` for a real call so ``hit_count``/``last_hit`` stay meaningful.

Writes made through another connection (the CLI while the GUI runs) are noticed through
``PRAGMA data_version`` and the cached list metadata is reloaded.

Do not write ``entries`` with raw SQL from elsewhere: ``key_lengths`` must stay a superset of the entry
key lengths of each list, which the methods here maintain.
"""

from __future__ import annotations

import enum
import itertools
import json
import logging
import os
import re
import sqlite3
import time
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import lru_cache
from typing import Any, NamedTuple

import sqlite_utils

from blocklists.history import utc_now_iso  # one "now in UTC" for lists and history
from screening.i18n import BiText, Message, MessageCode
from screening.numbers import NormalisedNumber, NumberProblem, normalise
from screening.processes import pid_alive

log = logging.getLogger(__name__)


class Category(enum.Enum):
    FRAUD = "fraud"
    HARASSMENT = "harassment"
    SALES = "sales"
    CUSTOM = "custom"

    @property
    def zh(self) -> str:
        return _CATEGORY_TEXT[self][0]

    @property
    def en(self) -> str:
        return _CATEGORY_TEXT[self][1]

    def label(self, lang: str = "zh") -> str:
        return self.en if lang.startswith("en") else self.zh

    @classmethod
    def parse(cls, value: str | Category | None, default: Category | None = None) -> Category:
        """Accepts the code, the Chinese or English label and a few common synonyms; ValueError otherwise."""
        if isinstance(value, Category):
            return value
        found = _CATEGORY_ALIASES.get(value) if value else None
        if found is not None:
            return found
        text = unicodedata.normalize("NFKC", value or "").strip().lower()
        if not text:
            if default is None:
                raise ValueError("empty category")
            return default
        found = _CATEGORY_ALIASES.get(text)
        if found is None:
            raise ValueError(f"unknown category: {value}")
        return found


_CATEGORY_TEXT = {
    Category.FRAUD: ("诈骗", "fraud"),
    Category.HARASSMENT: ("骚扰", "harassment"),
    Category.SALES: ("推销", "sales"),
    Category.CUSTOM: ("自定义", "custom"),
}
_CATEGORY_ALIASES: dict[str, Category] = {}
for _cat, (_zh, _en) in _CATEGORY_TEXT.items():
    _CATEGORY_ALIASES[_cat.value] = _cat
    _CATEGORY_ALIASES[_zh] = _cat
    _CATEGORY_ALIASES[_en] = _cat
_CATEGORY_ALIASES.update(
    {
        "scam": Category.FRAUD,
        "诈骗电话": Category.FRAUD,
        "spam": Category.HARASSMENT,
        "harass": Category.HARASSMENT,
        "骚扰电话": Category.HARASSMENT,
        "marketing": Category.SALES,
        "telemarketing": Category.SALES,
        "广告推销": Category.SALES,
        "推销电话": Category.SALES,
        "other": Category.CUSTOM,
        "其他": Category.CUSTOM,
        "其它": Category.CUSTOM,
    }
)


class ListKind(enum.Enum):
    BLOCK = "block"  # the user's own blocklist(s)
    ALLOW = "allow"  # allowlist (family): beats every blocklist
    BUNDLED = "bundled"  # shipped with the app (blocks)
    IMPORTED = "imported"  # imported or subscribed (blocks)

    @property
    def blocks(self) -> bool:
        return self is not ListKind.ALLOW


class PatternProblem(MessageCode):
    EMPTY = ("空白", "empty")
    BAD_CHAR = ("含有不能用于号码规则的字符“{char}”", "contains “{char}”, which cannot be part of a number pattern")
    STAR_NOT_LAST = ("“*”只能放在末尾（如 170*）", "“*” may only come last (as in 170*)")
    TOO_BROAD = ("规则太宽：至少要写出 {min} 位数字", "pattern too broad: give at least {min} digits")
    BAD_NUMBER = ("不是号码：{reason}", "not a number: {reason_en}")
    TOO_LONG = ("太长（{length} 位）", "too long ({length} digits)")


class StoreProblem(MessageCode):
    NO_SUCH_LIST = ("没有名为“{name}”的名单", "there is no list named “{name}”")
    LIST_EXISTS = ("名单“{name}”已存在", "a list named “{name}” already exists")
    BAD_LIST_NAME = (
        "名单名称“{name}”不可用（1–40 个字符，不能有空格）",
        "list name “{name}” is not usable (1–40 characters, no spaces)",
    )
    NOT_IN_LIST = ("名单“{name}”里没有“{pattern}”", "“{pattern}” is not in list “{name}”")


class StoreError(ValueError):
    """A user-facing problem (bad pattern, unknown list).  ``message`` renders in zh or en."""

    def __init__(self, message: Message) -> None:
        super().__init__(message.render("en"))
        self.message = message


class ParsedPattern(NamedTuple):
    """An entry in key space.  A tuple (not a dataclass): imports hold a million of them."""

    pattern: str  # as the user wrote it, separators removed (shown back to the user, exported)
    canonical: str  # key space, unique per list: +8613800138000 / +86170* / +86952750??
    match_kind: str  # exact | prefix | wildcard
    match_key: str  # literal head (the whole key for exact entries)


@dataclass(frozen=True)
class ListInfo:
    id: int
    name: str
    title: BiText
    kind: ListKind
    enabled: bool
    source: str
    version: str
    created_at: str
    updated_at: str
    key_lengths: tuple[int, ...]
    entry_count: int | None = None
    subscribed: bool = False  # a signed community list (``blocklists.subscriptions``), kind IMPORTED


@dataclass(frozen=True)
class Entry:
    id: int
    list_name: str
    pattern: str
    canonical: str
    match_kind: str
    category: Category
    note: str
    source: str
    added_at: str
    last_hit: str | None
    hit_count: int


@dataclass(frozen=True)
class ListMatch:
    """One list entry that matches a number."""

    list_name: str
    list_kind: ListKind
    list_title: BiText
    entry_id: int
    pattern: str
    match_kind: str
    category: Category
    note: str
    source: str
    subscribed: bool = False  # from a subscribed community list: never blocks official/protected numbers


DEFAULT_LISTS = (
    ("block", ListKind.BLOCK, "我的黑名单", "My blocklist"),
    ("allow", ListKind.ALLOW, "白名单（家人和熟人）", "Allowlist (family and friends)"),
)
LOOKUP_CACHE_SIZE = 65536  # numbers; cleared whenever the lists change
MIN_PATTERN_DIGITS = 2  # 95* is a pattern people really use
MIN_EXACT_DIGITS = 3  # 110
_PATTERN_STRIP = re.compile(r"[\s\-‐‑‒–—―−().\[\]/·•、]+")
_FAST_MOBILE = re.compile(r"(?:\+86|0086)?(1[3-9]\d{9})\Z")
_LIST_NAME = re.compile(r"^[^\s]{1,40}$")
_KIND_ORDER = {ListKind.ALLOW: 0, ListKind.BLOCK: 1, ListKind.IMPORTED: 2, ListKind.BUNDLED: 3}
_ENTRY_COLUMNS = "e.id, e.list_id, e.pattern, e.canonical, e.match_kind, e.category, e.note, e.source, e.added_at, e.last_hit, e.hit_count"
_EXACT_SQL = f"SELECT {_ENTRY_COLUMNS}, e.match_key FROM entries e WHERE e.canonical = ? AND e.match_kind = 'exact'"


def _key_prefix(head: str, region: str) -> str:
    """Key-space form of the literal head of a pattern (``170`` → ``+86170``, ``00852`` → ``+852``)."""
    if head.startswith("+"):
        digits = head[1:]
        return "+" + digits
    if head.startswith("00"):
        return "+" + head[2:]
    if region == "CN":
        return "+86" + (head[1:] if head.startswith("0") else head)
    cc = _cc(region)
    return f"+{cc}" + (head[1:] if head.startswith("0") else head)


@lru_cache(maxsize=32)
def _cc(region: str) -> int:
    import phonenumbers

    return int(phonenumbers.country_code_for_region(region) or 0)


def parse_pattern(text: str, region: str = "CN") -> ParsedPattern:
    """A list entry as typed or imported → key-space pattern.  Raises ``StoreError`` with a reason."""
    m = _FAST_MOBILE.match(text) if text else None
    if m:  # the common case in big lists (a bare mobile number), same key as normalise() gives
        key = "+86" + m.group(1)
        return ParsedPattern(text, key, "exact", key)
    cleaned = _PATTERN_STRIP.sub("", unicodedata.normalize("NFKC", text or "").strip()).rstrip("#")
    if not cleaned:
        raise StoreError(Message(PatternProblem.EMPTY))
    m = _FAST_MOBILE.match(cleaned)
    if m:  # the common case in big lists, same key as normalise() gives
        key = "+86" + m.group(1)
        return ParsedPattern(cleaned, key, "exact", key)
    if "*" not in cleaned and "?" not in cleaned:
        n = normalise(cleaned, region)
        if not n.key or n.problem in (
            NumberProblem.EMPTY,
            NumberProblem.NOT_A_NUMBER,
            NumberProblem.TOO_LONG,
            NumberProblem.UNPARSEABLE,
        ):
            reason = Message(n.problem or NumberProblem.UNPARSEABLE, n.params)
            raise StoreError(
                Message(PatternProblem.BAD_NUMBER, {"reason": reason.render("zh"), "reason_en": reason.render("en")})
            )
        if len(n.digits) < MIN_EXACT_DIGITS:
            raise StoreError(Message(PatternProblem.TOO_BROAD, {"min": MIN_EXACT_DIGITS}))
        return ParsedPattern(cleaned, n.key, "exact", n.key)
    body = cleaned[1:] if cleaned.startswith("+") else cleaned
    for ch in body:
        if ch not in "0123456789?*":
            raise StoreError(Message(PatternProblem.BAD_CHAR, {"char": ch}))
    if "*" in cleaned[:-1] or cleaned.count("*") > 1:
        raise StoreError(Message(PatternProblem.STAR_NOT_LAST))
    if sum(ch.isdigit() for ch in cleaned) + cleaned.count("?") < MIN_PATTERN_DIGITS or not any(
        ch.isdigit() for ch in cleaned[:3]
    ):
        raise StoreError(Message(PatternProblem.TOO_BROAD, {"min": MIN_PATTERN_DIGITS}))
    first_wild = min(i for i in (cleaned.find("?"), cleaned.find("*")) if i >= 0)
    head = _key_prefix(cleaned[:first_wild], region)
    if len(head) > 21:
        raise StoreError(Message(PatternProblem.TOO_LONG, {"length": len(head) - 1}))
    rest = cleaned[first_wild:]
    canonical = head + rest
    if rest == "*":
        return ParsedPattern(cleaned, canonical, "prefix", head)
    return ParsedPattern(cleaned, canonical, "wildcard", head)


@lru_cache(maxsize=4096)
def _wildcard_regex(canonical: str) -> re.Pattern[str]:
    parts = []
    for ch in canonical:
        if ch == "?":
            parts.append(r"\d")
        elif ch == "*":
            parts.append(r"\d*")
        else:
            parts.append(re.escape(ch))
    return re.compile("".join(parts) + r"\Z")


IMPORT_CHUNK_ROWS = 50_000  # rows per write transaction of a staged import (about 0.1–0.3 s of lock each)
STAGING_PREFIX = ".import-"
TRASH_PREFIX = ".trash-"
_STAGE_COUNTER = itertools.count(1)
_INSERT_ENTRY = (
    "INSERT OR IGNORE INTO entries (list_id, pattern, canonical, match_kind, match_key, category, note,"
    " source, added_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


@dataclass
class ImportStats:
    """What ``ListStore.import_entries`` did, and the longest it held the database's write lock."""

    rows: int = 0
    added: int = 0
    write_transactions: int = 0
    longest_lock_s: float = 0.0


def _entry_params(
    list_id: int, r: tuple[ParsedPattern, Category, str], cat_value: dict[Category, str], source: str, now: str
) -> tuple[Any, ...]:
    p, c, n = r
    return (list_id, p[0], p[1], p[2], "" if p[2] == "exact" else p[3], cat_value[c], n, source, now)


@contextmanager
def _write_txn(conn: sqlite3.Connection, stats: ImportStats) -> Iterator[None]:
    """``BEGIN IMMEDIATE`` … ``COMMIT`` (rolled back on error), timing how long the write lock was held."""
    conn.execute("BEGIN IMMEDIATE")
    started = time.perf_counter()
    try:
        yield
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    finally:
        held = time.perf_counter() - started
        stats.write_transactions += 1
        stats.longest_lock_s = max(stats.longest_lock_s, held)


class ListStore:
    """Lists and entries in an open database (``blocklists.db.open_db``).  One per thread/connection."""

    #: How often ``lookup`` checks for writes made through *other* connections (seconds).  Writes through
    #: this store are seen at once.
    refresh_interval: float = 0.5

    def __init__(
        self,
        db: sqlite_utils.Database,
        region: str = "CN",
        ensure_defaults: bool = True,
        refresh_interval: float | None = None,
    ) -> None:
        if refresh_interval is not None:
            self.refresh_interval = refresh_interval
        self.db = db
        self.conn = db.conn
        self.region = region
        self._data_version: int | None = None
        self._lists_by_id: dict[int, ListInfo] = {}
        self._active_lengths: frozenset[int] = frozenset()
        self._patterns: dict[str, list[tuple[Any, ...]]] = {}
        self._pattern_lengths: tuple[int, ...] = ()
        self._next_check = 0.0
        self._lookup_cache: dict[str, tuple[ListMatch, ...]] = {}
        self._counts: dict[int, int] | None = None
        if ensure_defaults:
            self.ensure_default_lists()
        self._reload()
        if (
            ensure_defaults
            and self.conn.execute(
                "SELECT 1 FROM lists WHERE name LIKE '.import-%' OR name LIKE '.trash-%' LIMIT 1"
            ).fetchone()
        ):
            self.cleanup_interrupted_imports()

    # ------------------------------------------------------------------ cache
    def _reload(self) -> None:
        rows = self.conn.execute(
            "SELECT id, name, title_zh, title_en, kind, enabled, source, version, created_at, updated_at, key_lengths"
            " FROM lists"
        ).fetchall()
        subscribed = self._subscribed_names()
        lists: dict[int, ListInfo] = {}
        for r in rows:
            if r[1].startswith("."):  # hidden: an import being staged, or an old list being emptied
                continue
            lists[r[0]] = ListInfo(
                id=r[0],
                name=r[1],
                title=BiText(r[2] or r[1], r[3] or r[1]),
                kind=ListKind(r[4]),
                enabled=bool(r[5]),
                source=r[6],
                version=r[7],
                created_at=r[8],
                updated_at=r[9],
                key_lengths=tuple(json.loads(r[10] or "[]")),
                subscribed=r[1] in subscribed,
            )
        self._lists_by_id = lists
        lengths: set[int] = set()
        for info in lists.values():
            if info.enabled:
                lengths.update(info.key_lengths)
        self._active_lengths = frozenset(lengths)
        patterns: dict[str, list[tuple[Any, ...]]] = {}
        for r in self.conn.execute(
            f"SELECT {_ENTRY_COLUMNS}, e.match_key FROM entries e WHERE e.match_kind != 'exact' ORDER BY e.id"
        ):
            patterns.setdefault(r[11], []).append(tuple(r))
        self._patterns = patterns
        self._pattern_lengths = tuple(sorted({len(k) for k in patterns}))
        self._data_version = self._current_data_version()
        self._next_check = time.monotonic() + self.refresh_interval
        self._lookup_cache = {}
        self._counts = None

    def _subscribed_names(self) -> set[str]:
        try:
            return {r[0] for r in self.conn.execute("SELECT name FROM subscriptions")}
        except sqlite3.OperationalError:  # a database opened without migrating (older schema)
            return set()

    def _current_data_version(self) -> int:
        return int(self.conn.execute("PRAGMA data_version").fetchone()[0])

    def _fresh(self) -> None:
        if self._current_data_version() != self._data_version:
            self._reload()

    # ------------------------------------------------------------------ lists
    def ensure_default_lists(self) -> None:
        """Create the user's blocklist and allowlist if missing.  Reads first: opening a store must not
        wait for the write lock while another process is importing a big list."""
        names = {r[0] for r in self.conn.execute("SELECT name FROM lists")}
        if all(name in names for name, *_rest in DEFAULT_LISTS):
            return
        now = utc_now_iso()
        with self.conn:
            for name, kind, zh, en in DEFAULT_LISTS:
                self.conn.execute(
                    "INSERT OR IGNORE INTO lists (name, title_zh, title_en, kind, enabled, created_at, updated_at)"
                    " VALUES (?, ?, ?, ?, 1, ?, ?)",
                    [name, zh, en, kind.value, now, now],
                )

    def lists(self, with_counts: bool = False) -> list[ListInfo]:
        """All lists: allowlists first, then the user's, imported and bundled lists."""
        self._fresh()
        counts: dict[int, int] = {}
        if with_counts:
            if self._counts is None:  # cached until the lists change
                self._counts = dict(self.conn.execute("SELECT list_id, count(*) FROM entries GROUP BY list_id"))
            counts = self._counts
        out = [
            _replace_count(info, counts.get(info.id, 0)) if with_counts else info for info in self._lists_by_id.values()
        ]
        return sorted(out, key=lambda i: (_KIND_ORDER[i.kind], i.id))

    def get_list(self, name: str) -> ListInfo:
        self._fresh()
        for info in self._lists_by_id.values():
            if info.name == name:
                return info
        raise StoreError(Message(StoreProblem.NO_SUCH_LIST, {"name": name}))

    def has_list(self, name: str) -> bool:
        self._fresh()
        return any(info.name == name for info in self._lists_by_id.values())

    def create_list(
        self,
        name: str,
        kind: ListKind | str = ListKind.BLOCK,
        title_zh: str = "",
        title_en: str = "",
        enabled: bool = True,
        source: str = "",
        version: str = "",
    ) -> ListInfo:
        if not _LIST_NAME.match(name or "") or name.startswith("."):
            raise StoreError(Message(StoreProblem.BAD_LIST_NAME, {"name": name}))
        if self.has_list(name):
            raise StoreError(Message(StoreProblem.LIST_EXISTS, {"name": name}))
        now = utc_now_iso()
        with self.conn:
            self._insert_list(name, ListKind(kind), title_zh, title_en, enabled, source, version, now)
        self._reload()
        return self.get_list(name)

    def _insert_list(
        self,
        name: str,
        kind: ListKind,
        title_zh: str,
        title_en: str,
        enabled: bool,
        source: str,
        version: str,
        now: str,
    ) -> int:
        cur = self.conn.execute(
            "INSERT INTO lists (name, title_zh, title_en, kind, enabled, source, version, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [name, title_zh or name, title_en or name, kind.value, int(enabled), source, version, now, now],
        )
        return int(cur.lastrowid or 0)

    def delete_list(self, name: str) -> None:
        info = self.get_list(name)
        with self.conn:
            self.conn.execute("DELETE FROM entries WHERE list_id = ?", [info.id])
            self.conn.execute("DELETE FROM lists WHERE id = ?", [info.id])
        self._reload()

    def set_enabled(self, name: str, enabled: bool) -> None:
        info = self.get_list(name)
        with self.conn:
            self.conn.execute(
                "UPDATE lists SET enabled = ?, updated_at = ? WHERE id = ?", [int(enabled), utc_now_iso(), info.id]
            )
        self._reload()

    def enable(self, name: str) -> None:
        self.set_enabled(name, True)

    def disable(self, name: str) -> None:
        self.set_enabled(name, False)

    def _add_key_lengths(self, list_id: int, lengths: Iterable[int]) -> None:
        """Inside the caller's transaction: widen the list's ``key_lengths``."""
        row = self.conn.execute("SELECT key_lengths FROM lists WHERE id = ?", [list_id]).fetchone()
        current = set(json.loads(row[0] or "[]"))
        merged = current | set(lengths)
        self.conn.execute(
            "UPDATE lists SET key_lengths = ?, updated_at = ? WHERE id = ?",
            [json.dumps(sorted(merged)), utc_now_iso(), list_id],
        )

    # ------------------------------------------------------------------ entries
    def add(
        self,
        list_name: str,
        pattern: str,
        category: Category | str = Category.CUSTOM,
        note: str = "",
        source: str = "manual",
    ) -> Entry:
        """Add one entry (or return the existing one: entries are unique per list in key space)."""
        info = self.get_list(list_name)
        parsed = parse_pattern(pattern, self.region)
        cat = Category.parse(category, Category.CUSTOM)
        now = utc_now_iso()
        with self.conn:
            self.conn.execute(
                "INSERT OR IGNORE INTO entries (list_id, pattern, canonical, match_kind, match_key, category, note,"
                " source, added_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    info.id,
                    parsed.pattern,
                    parsed.canonical,
                    parsed.match_kind,
                    "" if parsed.match_kind == "exact" else parsed.match_key,
                    cat.value,
                    note,
                    source,
                    now,
                ],
            )
            self._add_key_lengths(info.id, [len(parsed.match_key)])
        self._reload()
        found = self.find(list_name, pattern)
        assert found is not None
        return found

    def find(self, list_name: str, pattern: str) -> Entry | None:
        info = self.get_list(list_name)
        parsed = parse_pattern(pattern, self.region)
        row = self.conn.execute(
            f"SELECT {_ENTRY_COLUMNS} FROM entries e WHERE e.list_id = ? AND e.canonical = ?",
            [info.id, parsed.canonical],
        ).fetchone()
        return self._entry(row) if row else None

    def remove(self, list_name: str, pattern: str) -> None:
        info = self.get_list(list_name)
        parsed = parse_pattern(pattern, self.region)
        with self.conn:
            cur = self.conn.execute(
                "DELETE FROM entries WHERE list_id = ? AND canonical = ?", [info.id, parsed.canonical]
            )
        if cur.rowcount == 0:
            raise StoreError(Message(StoreProblem.NOT_IN_LIST, {"name": list_name, "pattern": pattern}))
        self._reload()

    def edit(self, entry_id: int, *, category: Category | str | None = None, note: str | None = None) -> Entry:
        sets: list[str] = []
        params: list[Any] = []
        if category is not None:
            sets.append("category = ?")
            params.append(Category.parse(category).value)
        if note is not None:
            sets.append("note = ?")
            params.append(note)
        if sets:
            with self.conn:
                self.conn.execute(f"UPDATE entries SET {', '.join(sets)} WHERE id = ?", [*params, entry_id])
            self._reload()
        row = self.conn.execute(f"SELECT {_ENTRY_COLUMNS} FROM entries e WHERE e.id = ?", [entry_id]).fetchone()
        if row is None:
            raise KeyError(entry_id)
        return self._entry(row)

    def entries(self, list_name: str, limit: int | None = None, offset: int = 0) -> list[Entry]:
        info = self.get_list(list_name)
        sql = f"SELECT {_ENTRY_COLUMNS} FROM entries e WHERE e.list_id = ? ORDER BY e.id"
        params: list[Any] = [info.id]
        if limit is not None:
            sql += " LIMIT ? OFFSET ?"
            params += [limit, offset]
        return [self._entry(r) for r in self.conn.execute(sql, params).fetchall()]

    def iter_entries(self, list_name: str, batch: int = 10000) -> Iterable[Entry]:
        info = self.get_list(list_name)
        cur = self.conn.execute(f"SELECT {_ENTRY_COLUMNS} FROM entries e WHERE e.list_id = ? ORDER BY e.id", [info.id])
        while True:
            rows = cur.fetchmany(batch)
            if not rows:
                return
            for r in rows:
                yield self._entry(r)

    def count(self, list_name: str | None = None) -> int:
        counts = {i.id: i.entry_count or 0 for i in self.lists(with_counts=True)}
        if list_name is None:
            return sum(counts.values())
        return counts[self.get_list(list_name).id]

    def _entry(self, r: Sequence[Any]) -> Entry:
        info = self._lists_by_id.get(r[1])
        if info is None:
            self._reload()
            info = self._lists_by_id[r[1]]
        return Entry(
            id=r[0],
            list_name=info.name,
            pattern=r[2],
            canonical=r[3],
            match_kind=r[4],
            category=Category.parse(r[5], Category.CUSTOM),
            note=r[6],
            source=r[7],
            added_at=r[8],
            last_hit=r[9],
            hit_count=r[10],
        )

    # ------------------------------------------------------------------ bulk
    def bulk_insert(
        self,
        list_name: str,
        rows: Iterable[tuple[ParsedPattern, Category, str]],
        source: str,
        *,
        replace: bool = False,
        in_transaction: Callable[[sqlite3.Connection], None] | None = None,
    ) -> int:
        """Insert many parsed entries into an existing list; returns how many were new.  All or nothing.

        ``replace=True`` empties the list first (a subscribed list being refreshed).  ``in_transaction`` runs
        inside the transaction that makes the new entries visible, just before it commits (a subscription
        records its new serial there, so the entries and the serial change together or not at all); raising
        from it rolls that back and leaves the old list in force.  See ``import_entries``.
        """
        self.get_list(list_name)  # NO_SUCH_LIST before any work
        return self.import_entries(list_name, rows, source, replace=replace, in_transaction=in_transaction).added

    def import_entries(
        self,
        list_name: str,
        rows: Iterable[tuple[ParsedPattern, Category, str]],
        source: str,
        *,
        replace: bool = False,
        create_kind: ListKind | str | None = None,
        title_zh: str = "",
        list_source: str = "",
        in_transaction: Callable[[sqlite3.Connection], None] | None = None,
    ) -> ImportStats:
        """Write many entries into ``list_name`` — all or nothing, and without holding the write lock for long.

        Small imports into an existing list are one short transaction.  Anything bigger, and every
        ``replace``, is staged so that calls arriving meanwhile can still be recorded:

        1. rows stream into a TEMP table (this connection's own temp file: no lock on the database);
        2. a hidden, disabled list ``.import-<pid>-<n>`` is built in bounded chunks of ``IMPORT_CHUNK_ROWS``
           (each chunk its own short transaction): the existing entries (unless ``replace``), then the new
           rows in index order;
        3. one short transaction swaps names: the staged list becomes ``list_name``, the old one a hidden
           ``.trash-…`` list that is then emptied in chunks.

        A process killed at any point leaves either the old list or the new one, never a mix and never an
        empty new list; what it leaves hidden is removed on the next start (``cleanup_interrupted_imports``).
        ``create_kind`` creates the list in the swap if it does not exist yet.
        """
        exists = self.has_list(list_name)
        if not exists and create_kind is None:
            raise StoreError(Message(StoreProblem.NO_SUCH_LIST, {"name": list_name}))
        if not exists and not _LIST_NAME.match(list_name or "") or list_name.startswith("."):
            raise StoreError(Message(StoreProblem.BAD_LIST_NAME, {"name": list_name}))
        now = utc_now_iso()
        cat_value = {c: c.value for c in Category}
        stats = ImportStats()
        conn = self.conn
        if exists and not replace and isinstance(rows, Sequence) and len(rows) <= IMPORT_CHUNK_ROWS:
            info = self.get_list(list_name)
            small_lengths = {len(p.match_key) for p, _c, _n in rows}
            ordered = sorted(rows, key=lambda r: r[0][1])
            with _write_txn(conn, stats):
                if conn.execute("SELECT 1 FROM lists WHERE id = ?", [info.id]).fetchone() is None:
                    raise StoreError(Message(StoreProblem.NO_SUCH_LIST, {"name": list_name}))
                before = conn.total_changes
                conn.executemany(_INSERT_ENTRY, (_entry_params(info.id, r, cat_value, source, now) for r in ordered))
                stats.added = conn.total_changes - before
                self._add_key_lengths(info.id, small_lengths)
                if in_transaction is not None:
                    in_transaction(conn)
            stats.rows = len(rows)
            self._reload()
            return stats
        # 1. stream into this connection's temp table (no database lock)
        conn.execute("DROP TABLE IF EXISTS temp.import_rows")
        conn.execute(
            "CREATE TEMP TABLE import_rows (canonical TEXT, pattern TEXT, match_kind TEXT, match_key TEXT,"
            " category TEXT, note TEXT)"
        )
        lengths: set[int] = set()

        def feed() -> Iterable[tuple[str, str, str, str, str, str]]:
            for p, c, n in rows:
                lengths.add(len(p[3]))
                stats.rows += 1
                yield (p[1], p[0], p[2], "" if p[2] == "exact" else p[3], cat_value[c], n)

        flat = getattr(rows, "iter_flat", None)  # importexport.RowBuffer: packed rows, no per-row objects
        old_cache = conn.execute("PRAGMA cache_size").fetchone()[0]
        conn.execute("PRAGMA cache_size=-32768")  # 32 MB of page cache while the index grows
        try:
            with conn:
                if flat is not None:

                    def feed_flat() -> Iterable[tuple[str, str, str, str, str, str]]:
                        seen_lengths = lengths
                        for r in flat():
                            seen_lengths.add(len(r[3] or r[0]))
                            yield r
                        stats.rows = len(rows)  # type: ignore[arg-type]

                    conn.executemany("INSERT INTO temp.import_rows VALUES (?, ?, ?, ?, ?, ?)", feed_flat())
                else:
                    conn.executemany("INSERT INTO temp.import_rows VALUES (?, ?, ?, ?, ?, ?)", feed())
            conn.execute("CREATE TEMP TABLE import_sorted AS SELECT * FROM temp.import_rows ORDER BY canonical")
            conn.execute("DROP TABLE temp.import_rows")
            stage_name = f"{STAGING_PREFIX}{os.getpid()}-{next(_STAGE_COUNTER)}"
            with _write_txn(conn, stats):
                base = self.get_list(list_name) if exists else None
                kind = base.kind if base else ListKind(create_kind or ListKind.IMPORTED)
                stage_id = self._insert_list(stage_name, kind, title_zh, "", False, list_source, "", now)
            try:
                old_lengths: set[int] = set()
                if base is not None and not replace:
                    old_lengths = set(base.key_lengths)
                    self._copy_chunks(
                        "INSERT INTO entries (list_id, pattern, canonical, match_kind, match_key, category, note,"
                        " source, added_at, last_hit, hit_count) SELECT ?, pattern, canonical, match_kind, match_key,"
                        " category, note, source, added_at, last_hit, hit_count FROM entries"
                        " WHERE list_id = ? AND id > ? ORDER BY id LIMIT ?",
                        stage_id,
                        base.id,
                        "SELECT max(id) FROM (SELECT id FROM entries WHERE list_id = ? AND id > ? ORDER BY id LIMIT ?)",
                        stats,
                    )
                before_new = conn.execute("SELECT count(*) FROM entries WHERE list_id = ?", [stage_id]).fetchone()[0]
                total = conn.execute("SELECT max(rowid) FROM temp.import_sorted").fetchone()[0] or 0
                for lo in range(0, total, IMPORT_CHUNK_ROWS):
                    with _write_txn(conn, stats):
                        conn.execute(
                            "INSERT OR IGNORE INTO entries (list_id, pattern, canonical, match_kind, match_key,"
                            " category, note, source, added_at) SELECT ?, pattern, canonical, match_kind, match_key,"
                            " category, note, ?, ? FROM temp.import_sorted WHERE rowid > ? AND rowid <= ?",
                            [stage_id, source, now, lo, lo + IMPORT_CHUNK_ROWS],
                        )
                after = conn.execute("SELECT count(*) FROM entries WHERE list_id = ?", [stage_id]).fetchone()[0]
                stats.added = after - before_new
                # 3. the swap: one short transaction
                trash_name = f"{TRASH_PREFIX}{os.getpid()}-{next(_STAGE_COUNTER)}"
                with _write_txn(conn, stats):
                    row = conn.execute("SELECT id FROM lists WHERE name = ?", [list_name]).fetchone()
                    if row is None and base is not None:
                        raise StoreError(Message(StoreProblem.NO_SUCH_LIST, {"name": list_name}))
                    if row is not None and base is None:
                        raise StoreError(Message(StoreProblem.LIST_EXISTS, {"name": list_name}))
                    merged = json.dumps(sorted(old_lengths | lengths))
                    if base is not None:
                        conn.execute("UPDATE lists SET name = ?, enabled = 0 WHERE id = ?", [trash_name, base.id])
                        conn.execute(
                            "UPDATE lists SET name = ?, title_zh = ?, title_en = ?, kind = ?, enabled = ?,"
                            " source = ?, version = ?, created_at = ?, updated_at = ?, key_lengths = ? WHERE id = ?",
                            [
                                list_name,
                                base.title.zh,
                                base.title.en,
                                base.kind.value,
                                int(base.enabled),
                                base.source,
                                base.version,
                                base.created_at,
                                now,
                                merged,
                                stage_id,
                            ],
                        )
                    else:
                        title = title_zh or list_name
                        conn.execute(
                            "UPDATE lists SET name = ?, title_zh = ?, title_en = ?, enabled = 1, updated_at = ?,"
                            " key_lengths = ? WHERE id = ?",
                            [list_name, title, title, now, merged, stage_id],
                        )
                    if base is not None:
                        self._repoint_references(base.id, stage_id, trash_name, list_name)
                    if in_transaction is not None:
                        in_transaction(conn)
            except BaseException:
                self._drop_list_in_chunks(stage_id)
                raise
        finally:
            conn.execute("DROP TABLE IF EXISTS temp.import_rows")
            conn.execute("DROP TABLE IF EXISTS temp.import_sorted")
            conn.execute(f"PRAGMA cache_size={int(old_cache)}")
        if base is not None:
            self._drop_list_in_chunks(base.id)
        self._reload()
        return stats

    def _repoint_references(self, old_id: int, new_id: int, old_name: str, new_name: str) -> None:
        """Inside the swap, once the staged list carries the real name: rows of *other* tables that reference the
        list follow it — ``lists(id)`` references to the new id, ``lists(name)`` references (which ``ON UPDATE
        CASCADE`` moved to the hidden old list's name) back to the real name — so emptying the old list row
        never cascades into them (a subscription, say)."""
        conn = self.conn
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        for table in tables:
            if table in ("lists", "entries") or table.startswith("sqlite_"):
                continue
            for fk in conn.execute(f'PRAGMA foreign_key_list("{table}")').fetchall():
                if fk[2] == "lists" and fk[4] in (None, "id"):
                    conn.execute(f'UPDATE "{table}" SET "{fk[3]}" = ? WHERE "{fk[3]}" = ?', [new_id, old_id])
                elif fk[2] == "lists" and fk[4] == "name":
                    conn.execute(f'UPDATE "{table}" SET "{fk[3]}" = ? WHERE "{fk[3]}" = ?', [new_name, old_name])

    def _copy_chunks(self, insert_sql: str, stage_id: int, from_id: int, max_sql: str, stats: ImportStats) -> None:
        last = 0
        while True:
            with _write_txn(self.conn, stats):
                top = self.conn.execute(max_sql, [from_id, last, IMPORT_CHUNK_ROWS]).fetchone()[0]
                if top is None:
                    return
                self.conn.execute(insert_sql, [stage_id, from_id, last, IMPORT_CHUNK_ROWS])
            last = top

    def _drop_list_in_chunks(self, list_id: int) -> None:
        """Delete a (hidden) list's entries a chunk per transaction, then the list row."""
        conn = self.conn
        try:
            while True:
                with conn:
                    cur = conn.execute(
                        "DELETE FROM entries WHERE id IN (SELECT id FROM entries WHERE list_id = ? LIMIT ?)",
                        [list_id, IMPORT_CHUNK_ROWS],
                    )
                if cur.rowcount == 0:
                    break
            with conn:
                conn.execute("DELETE FROM lists WHERE id = ?", [list_id])
        except sqlite3.Error:  # busy or read-only: the next start's clean-up finishes it
            log.warning("could not remove a hidden import list yet; it is cleaned up on the next start")

    def cleanup_interrupted_imports(self) -> list[str]:
        """Remove hidden lists a killed import left (``.import-<pid>-…`` whose process is gone, ``.trash-…``)."""
        removed: list[str] = []
        for list_id, name in self.conn.execute(
            "SELECT id, name FROM lists WHERE name LIKE '.import-%' OR name LIKE '.trash-%'"
        ).fetchall():
            if name.startswith(STAGING_PREFIX):
                pid_text = name[len(STAGING_PREFIX) :].split("-", 1)[0]
                if pid_text.isdigit() and pid_alive(int(pid_text)):
                    continue
            self._drop_list_in_chunks(list_id)
            removed.append(name)
        if removed:
            log.info("removed %d hidden list(s) left by an interrupted import", len(removed))
            self._reload()
        return removed

    def apply_changes(
        self,
        list_name: str,
        upserts: Sequence[tuple[ParsedPattern, Category, str]],
        removals: Iterable[str],
        source: str,
        *,
        in_transaction: Callable[[sqlite3.Connection], None] | None = None,
    ) -> tuple[int, int]:
        """A delta in ONE transaction: add or replace ``upserts``, delete the ``removals`` (canonical keys).

        Returns (upserted, removed).  Replaced entries keep nothing of the old row (hits start again), which
        is what a publisher's correction means.  ``in_transaction`` as for ``bulk_insert``.
        """
        info = self.get_list(list_name)
        now = utc_now_iso()
        conn = self.conn
        list_id = info.id
        cat_value = {c: c.value for c in Category}
        conn.execute("BEGIN IMMEDIATE")
        try:
            if conn.execute("SELECT 1 FROM lists WHERE id = ?", [list_id]).fetchone() is None:
                raise StoreError(Message(StoreProblem.NO_SUCH_LIST, {"name": list_name}))
            before = conn.total_changes
            conn.executemany(
                "DELETE FROM entries WHERE canonical = ? AND list_id = ?", ((key, list_id) for key in removals)
            )
            removed = conn.total_changes - before
            conn.executemany(
                "INSERT OR REPLACE INTO entries (list_id, pattern, canonical, match_kind, match_key, category, note,"
                " source, added_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    (list_id, p[0], p[1], p[2], "" if p[2] == "exact" else p[3], cat_value[c], n, source, now)
                    for p, c, n in upserts
                ),
            )
            self._add_key_lengths(list_id, {len(p.match_key) for p, _c, _n in upserts})
            if in_transaction is not None:
                in_transaction(conn)
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        self._reload()
        return len(upserts), removed

    # ------------------------------------------------------------------ lookup
    def lookup(self, number: NormalisedNumber | str) -> tuple[ListMatch, ...]:
        """Every enabled-list entry matching the number: allowlists first, exact before prefix/wildcard,
        longer (more specific) patterns first.  Read-only.

        Exact entries: one indexed probe, skipped when no enabled list has an entry of that key length.
        Prefix/wildcard entries: an in-memory dict keyed by literal head, probed once per head length.
        """
        if isinstance(number, str):
            number = normalise(number, self.region)
        key = number.key
        if not key:
            return ()
        now = time.monotonic()
        if now >= self._next_check:
            self._fresh()
            self._next_check = now + self.refresh_interval
        cached = self._lookup_cache.get(key)
        if cached is not None:
            return cached
        result = self._lookup(key)
        if len(self._lookup_cache) >= LOOKUP_CACHE_SIZE:
            self._lookup_cache.clear()
        self._lookup_cache[key] = result
        return result

    def clear_cache(self) -> None:
        """Forget cached lookups (done automatically on every change this store sees)."""
        self._lookup_cache.clear()

    def _lookup(self, key: str) -> tuple[ListMatch, ...]:
        rows: list[tuple[Any, ...]] = []
        if len(key) in self._active_lengths:
            rows.extend(self.conn.execute(_EXACT_SQL, (key,)))
        for n in self._pattern_lengths:
            if n > len(key):
                break
            found = self._patterns.get(key[:n])
            if found:
                rows.extend(found)
        if not rows:
            return ()
        matches: list[tuple[tuple[int, int, int, int], ListMatch]] = []
        for r in rows:
            info = self._lists_by_id.get(r[1])
            if info is None or not info.enabled:
                continue
            kind = r[4]
            if kind == "wildcard" and not _wildcard_regex(r[3]).match(key):
                continue
            m = ListMatch(
                list_name=info.name,
                list_kind=info.kind,
                list_title=info.title,
                entry_id=r[0],
                pattern=r[2],
                match_kind=kind,
                category=Category.parse(r[5], Category.CUSTOM),
                note=r[6],
                source=r[7],
                subscribed=info.subscribed,
            )
            order = (_KIND_ORDER[info.kind], 0 if kind == "exact" else 1, -len(r[3]), r[0])
            matches.append((order, m))
        matches.sort(key=lambda t: t[0])
        return tuple(m for _o, m in matches)

    def record_hits(self, matches: Iterable[ListMatch], when: datetime | None = None) -> None:
        """Count a real call against the entries that matched it (not done by ``lookup``)."""
        ids = [m.entry_id for m in matches]
        if not ids:
            return
        stamp = (when or datetime.now(timezone.utc)).astimezone(timezone.utc).replace(microsecond=0).isoformat()
        with self.conn:
            self.conn.executemany(
                "UPDATE entries SET hit_count = hit_count + 1, last_hit = ? WHERE id = ?", [(stamp, i) for i in ids]
            )


def _replace_count(info: ListInfo, count: int) -> ListInfo:
    from dataclasses import replace

    return replace(info, entry_count=count)
