"""The one SQLite file: opening it (WAL), and its schema as ordered migrations.

The schema version is ``PRAGMA user_version`` = the number of migrations applied.  ``MIGRATIONS`` is an
ordered list; **append** new steps at the end, never edit or reorder a released one.  Before migrating an
existing file we copy it (``<db>.bak-v<N>``, via SQLite's online backup so WAL content is included), as
vorta does, so a failed upgrade never loses the user's lists or history.

Each thread opens its own connection with ``open_db`` (STYLE.md §2.8).
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from pathlib import Path

import sqlite_utils

log = logging.getLogger(__name__)

Migration = Callable[[sqlite_utils.Database], None]


def _m001_lists_entries_history(db: sqlite_utils.Database) -> None:
    db.execute(
        """
        CREATE TABLE lists (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            title_zh TEXT NOT NULL DEFAULT '',
            title_en TEXT NOT NULL DEFAULT '',
            kind TEXT NOT NULL CHECK (kind IN ('block', 'allow', 'bundled', 'imported')),
            enabled INTEGER NOT NULL DEFAULT 1,
            source TEXT NOT NULL DEFAULT '',
            version TEXT NOT NULL DEFAULT '',
            key_lengths TEXT NOT NULL DEFAULT '[]',
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        )
        """
    )
    db.execute(
        """
        CREATE TABLE entries (
            id INTEGER PRIMARY KEY,
            list_id INTEGER NOT NULL REFERENCES lists(id) ON DELETE CASCADE,
            pattern TEXT NOT NULL,
            canonical TEXT NOT NULL,
            match_kind TEXT NOT NULL CHECK (match_kind IN ('exact', 'prefix', 'wildcard')),
            match_key TEXT NOT NULL,
            category TEXT NOT NULL DEFAULT 'custom',
            note TEXT NOT NULL DEFAULT '',
            source TEXT NOT NULL DEFAULT '',
            added_at TEXT NOT NULL,
            last_hit TEXT,
            hit_count INTEGER NOT NULL DEFAULT 0
        )
        """
    )
    db.execute("CREATE UNIQUE INDEX idx_entries_list_canonical ON entries(list_id, canonical)")
    db.execute("CREATE INDEX idx_entries_match_key ON entries(match_key)")
    db.execute(
        """
        CREATE TABLE history (
            id INTEGER PRIMARY KEY,
            kind TEXT NOT NULL CHECK (kind IN ('call', 'recording')),
            occurred_at TEXT NOT NULL,
            number_raw TEXT,
            number_e164 TEXT,
            source TEXT,
            line TEXT,
            name TEXT,
            level INTEGER,
            score REAL,
            category TEXT,
            reasons TEXT,
            transcript TEXT,
            hits TEXT,
            entities TEXT,
            file_path TEXT,
            content_hash TEXT,
            duration_s REAL,
            note TEXT
        )
        """
    )
    db.execute("CREATE INDEX idx_history_occurred_at ON history(occurred_at)")
    db.execute("CREATE INDEX idx_history_content_hash ON history(content_hash)")


def _m002_pattern_index(db: sqlite_utils.Database) -> None:
    # Prefix/wildcard entries are few and are kept in memory by ListStore; this partial index lets it load
    # them without scanning a million exact numbers.
    db.execute("CREATE INDEX idx_entries_patterns ON entries(list_id) WHERE match_kind != 'exact'")


def _m003_one_entry_index(db: sqlite_utils.Database) -> None:
    # One index serves both "is this entry already in the list" (INSERT OR IGNORE) and the exact-number
    # lookup, which halves the index work of a million-row import.
    db.execute("DROP INDEX IF EXISTS idx_entries_match_key")
    db.execute("DROP INDEX IF EXISTS idx_entries_list_canonical")
    db.execute("CREATE UNIQUE INDEX idx_entries_canonical ON entries(canonical, list_id)")


def _m004_entries_without_check(db: sqlite_utils.Database) -> None:
    # The CHECK on match_kind doubled the cost of every insert (measured: 1.2 s vs 0.6 s per 200,000 rows);
    # ListStore only ever writes kinds produced by parse_pattern.  SQLite cannot drop a constraint, so the
    # table is rebuilt (the documented 12-step way; entries is no other table's parent).
    db.execute(
        """
        CREATE TABLE entries_new (
            id INTEGER PRIMARY KEY,
            list_id INTEGER NOT NULL REFERENCES lists(id) ON DELETE CASCADE,
            pattern TEXT NOT NULL,
            canonical TEXT NOT NULL,
            match_kind TEXT NOT NULL,
            match_key TEXT NOT NULL,
            category TEXT NOT NULL DEFAULT 'custom',
            note TEXT NOT NULL DEFAULT '',
            source TEXT NOT NULL DEFAULT '',
            added_at TEXT NOT NULL,
            last_hit TEXT,
            hit_count INTEGER NOT NULL DEFAULT 0
        )
        """
    )
    db.execute(
        "INSERT INTO entries_new (id, list_id, pattern, canonical, match_kind, match_key, category, note, source,"
        " added_at, last_hit, hit_count) SELECT id, list_id, pattern, canonical, match_kind, match_key, category,"
        " note, source, added_at, last_hit, hit_count FROM entries"
    )
    db.execute("DROP TABLE entries")
    db.execute("ALTER TABLE entries_new RENAME TO entries")
    db.execute("CREATE UNIQUE INDEX idx_entries_canonical ON entries(canonical, list_id)")
    db.execute("CREATE INDEX idx_entries_patterns ON entries(list_id) WHERE match_kind != 'exact'")


def _m005_entries_by_list(db: sqlite_utils.Database) -> None:
    # Paging through one list and counting entries per list without scanning every entry of every list
    # (0.25–0.8 s with a million entries, too slow for the GUI thread).  Rows of one import share a list id
    # and get increasing row ids, so this index grows by appends and costs an import little.
    db.execute("CREATE INDEX idx_entries_list ON entries(list_id)")


_HISTORY_V6_COLUMNS = (
    "id, kind, occurred_at, number_raw, number_e164, source, line, name, level, score, category, reasons,"
    " transcript, hits, entities, file_path, content_hash, duration_s, note"
)


def _m006_profiles_sms_watched_folders(db: sqlite_utils.Database) -> None:
    # Issue 14 (phone backups): each person/phone is a profile; history rows carry it; text messages are history
    # rows too (kind 'sms', the body in ``transcript``); a call's type from the phone's log (incoming, missed,
    # rejected …) is kept.  The kind CHECK cannot be widened in place, so history is rebuilt (SQLite's 12 steps;
    # no table references history).  Watched recording folders belong to a profile.
    db.execute(
        """
        CREATE TABLE profiles (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            note TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL
        )
        """
    )
    db.execute(
        """
        CREATE TABLE watched_folders (
            id INTEGER PRIMARY KEY,
            path TEXT NOT NULL UNIQUE,
            profile TEXT NOT NULL DEFAULT '',
            polling INTEGER NOT NULL DEFAULT 0,
            added_at TEXT NOT NULL
        )
        """
    )
    db.execute(
        """
        CREATE TABLE history_new (
            id INTEGER PRIMARY KEY,
            kind TEXT NOT NULL CHECK (kind IN ('call', 'recording', 'sms')),
            occurred_at TEXT NOT NULL,
            number_raw TEXT,
            number_e164 TEXT,
            source TEXT,
            line TEXT,
            name TEXT,
            level INTEGER,
            score REAL,
            category TEXT,
            reasons TEXT,
            transcript TEXT,
            hits TEXT,
            entities TEXT,
            file_path TEXT,
            content_hash TEXT,
            duration_s REAL,
            note TEXT,
            profile TEXT NOT NULL DEFAULT '',
            call_type TEXT
        )
        """
    )
    db.execute(f"INSERT INTO history_new ({_HISTORY_V6_COLUMNS}) SELECT {_HISTORY_V6_COLUMNS} FROM history")
    db.execute("DROP TABLE history")
    db.execute("ALTER TABLE history_new RENAME TO history")
    db.execute("CREATE INDEX idx_history_occurred_at ON history(occurred_at)")
    db.execute("CREATE INDEX idx_history_content_hash ON history(content_hash)")
    db.execute("CREATE INDEX idx_history_profile_time ON history(profile, occurred_at)")


# Ordered.  Append only.
MIGRATIONS: list[Migration] = [
    _m001_lists_entries_history,
    _m002_pattern_index,
    _m003_one_entry_index,
    _m004_entries_without_check,
    _m005_entries_by_list,
    _m006_profiles_sms_watched_folders,
]


def schema_version(db: sqlite_utils.Database) -> int:
    return int(db.execute("PRAGMA user_version").fetchone()[0])


def open_db(path: str | Path | None, *, migrate: bool = True) -> sqlite_utils.Database:
    """Open (creating if needed) the CallShield database; ``None`` gives a private in-memory one.

    WAL mode, foreign keys on, a busy timeout so the GUI, the CLI and worker threads can share the file.
    Raises ``DatabaseTooNew`` if the file was written by a newer CallShield (we never downgrade data).
    """
    if path is None:
        db = sqlite_utils.Database(memory=True)
    else:
        p = Path(path)
        p.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite_utils.Database(sqlite3.connect(str(p), timeout=10.0))
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            schema_version(db)
        except sqlite3.DatabaseError as exc:  # "file is not a database", "database disk image is malformed"
            db.conn.close()
            raise DatabaseCorrupt(p, str(exc)) from exc
    db.execute("PRAGMA foreign_keys=ON")
    db.execute("PRAGMA busy_timeout=10000")
    if migrate:
        apply_migrations(db, None if path is None else Path(path))
    return db


class DatabaseCorrupt(RuntimeError):
    """The file is not a (readable) SQLite database.  Nothing was changed; the user decides what to do."""

    def __init__(self, path: Path, detail: str) -> None:
        super().__init__(
            f"数据库文件 {path} 已损坏或不是来电护盾的数据库（{detail}）；文件没有被改动，可以从备份恢复 / "
            f"the database file {path} is damaged or not a CallShield database ({detail}); it was left as is, "
            "restore it from a backup"
        )
        self.path = path
        self.detail = detail


class DatabaseTooNew(RuntimeError):
    """The file's schema is newer than this program knows."""

    def __init__(self, found: int, known: int) -> None:
        super().__init__(
            f"数据库版本 {found} 比本程序支持的 {known} 新，请升级来电护盾 / "
            f"database schema {found} is newer than this CallShield supports ({known}); please upgrade"
        )
        self.found = found
        self.known = known


def apply_migrations(db: sqlite_utils.Database, path: Path | None = None) -> int:
    """Run every migration not yet applied, each in its own transaction.  Returns the new version."""
    current = schema_version(db)
    target = len(MIGRATIONS)
    if current > target:
        raise DatabaseTooNew(current, target)
    if current == target:
        return current
    if path is not None and current > 0:
        backup = path.with_name(f"{path.name}.bak-v{current}")
        dest = sqlite3.connect(str(backup))
        try:
            db.conn.backup(dest)
        finally:
            dest.close()
        log.info("backed up database schema v%d to %s before migrating", current, backup.name)
    for version in range(current, target):
        step = MIGRATIONS[version]
        conn = db.conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            step(db)
            conn.execute(f"PRAGMA user_version={version + 1}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        log.info("database migrated to schema v%d (%s)", version + 1, step.__name__)
    return target
