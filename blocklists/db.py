"""The one SQLite file: opening it (WAL), and its schema as ordered migrations.

The schema version is ``PRAGMA user_version`` = the number of migrations applied.  ``MIGRATIONS`` is an
ordered list; **append** new steps at the end, never edit or reorder a released one.  Before migrating an
existing file we copy it (``<db>.bak-v<N>``, via SQLite's online backup so WAL content is included), as
vorta does, so a failed upgrade never loses the user's lists or history.

Each thread opens its own connection with ``open_db`` (STYLE.md §2.8).
"""

from __future__ import annotations

import enum
import logging
import os
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path

import sqlite_utils

from screening.language import SQL_FUNCTION, sql_not_chinese

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


def _m006_subscriptions_reports(db: sqlite_utils.Database) -> None:
    # Community lists (issue 15).  A subscription is a list of kind 'imported' plus this row, which pins
    # the publisher's key and remembers the last verified serial (no rollback) and the HTTP validators.
    db.execute(
        """
        CREATE TABLE subscriptions (
            name TEXT PRIMARY KEY REFERENCES lists(name) ON DELETE CASCADE ON UPDATE CASCADE,
            list_id TEXT NOT NULL,
            source TEXT NOT NULL,
            mirrors TEXT NOT NULL DEFAULT '[]',
            pubkey TEXT NOT NULL,
            next_pubkey TEXT,
            serial INTEGER NOT NULL DEFAULT 0,
            manifest_sha256 TEXT NOT NULL DEFAULT '',
            title_zh TEXT NOT NULL DEFAULT '',
            title_en TEXT NOT NULL DEFAULT '',
            publisher TEXT NOT NULL DEFAULT '',
            generated_at TEXT,
            expires_at TEXT,
            entry_count INTEGER NOT NULL DEFAULT 0,
            prefix_count INTEGER NOT NULL DEFAULT 0,
            wildcard_count INTEGER NOT NULL DEFAULT 0,
            etag TEXT NOT NULL DEFAULT '',
            last_modified TEXT NOT NULL DEFAULT '',
            last_checked TEXT,
            last_success TEXT,
            last_error TEXT,
            failures INTEGER NOT NULL DEFAULT 0,
            next_check TEXT,
            created_at TEXT NOT NULL
        )
        """
    )
    # "标记 / report": what the user said about a number.  Nothing about the user is stored here.
    db.execute(
        """
        CREATE TABLE reports (
            id INTEGER PRIMARY KEY,
            number TEXT NOT NULL,
            number_raw TEXT NOT NULL DEFAULT '',
            category TEXT NOT NULL,
            note TEXT NOT NULL DEFAULT '',
            reported_at TEXT NOT NULL
        )
        """
    )
    db.execute("CREATE INDEX idx_reports_number ON reports(number)")
    # Small facts about this installation (its random id for report exports).
    db.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")


_HISTORY_V7_COLUMNS = (
    "id, kind, occurred_at, number_raw, number_e164, source, line, name, level, score, category, reasons,"
    " transcript, hits, entities, file_path, content_hash, duration_s, note"
)


def _m007_profiles_sms_watched_folders(db: sqlite_utils.Database) -> None:
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
    db.execute(f"INSERT INTO history_new ({_HISTORY_V7_COLUMNS}) SELECT {_HISTORY_V7_COLUMNS} FROM history")
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
    _m006_subscriptions_reports,
    _m007_profiles_sms_watched_folders,
]


def schema_version(db: sqlite_utils.Database) -> int:
    return int(db.execute("PRAGMA user_version").fetchone()[0])


def add_functions(conn: sqlite3.Connection) -> None:
    """The SQL functions the history's queries use, on every connection :func:`open_db` gives:
    ``not_chinese(transcript)`` (``screening.language``) for ``blocklists.history.UNCHECKED_RECORDING``."""
    conn.create_function(SQL_FUNCTION, 1, sql_not_chinese, deterministic=True)


def open_db(path: str | Path | None, *, migrate: bool = True, read_only: bool = False) -> sqlite_utils.Database:
    """Open (creating if needed) the CallShield database; ``None`` gives a private in-memory one.

    WAL mode, foreign keys on, a busy timeout so the GUI, the CLI and worker threads can share the file.
    Raises ``DatabaseTooNew`` if the file was written by a newer CallShield (we never downgrade data),
    ``DatabaseBusy`` if another process held the write lock for longer than the timeout, ``DatabaseUnavailable``
    when the file cannot be opened or written at all (a folder in its place, a read-only data dir), and
    ``DatabaseCorrupt`` only when SQLite says the file itself is damaged or not a database.
    """
    if path is None:
        db = sqlite_utils.Database(memory=True)
        add_functions(db.conn)
        db.execute("PRAGMA foreign_keys=ON")
        if migrate:
            apply_migrations(db, None)
        return db
    p = Path(path)
    try:
        p.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DatabaseUnavailable(p, UnavailableReason.NO_FOLDER, exc.strerror or str(exc)) from exc
    if p.is_dir():
        raise DatabaseUnavailable(p, UnavailableReason.IS_FOLDER, "")
    if p.is_file() and p.stat().st_size == 0 and not Path(f"{p}-wal").is_file():
        # SQLite would silently treat it as a new, empty database.  With backups around, a 0-byte file means a
        # truncated one (full disk, sync tool): say so instead of starting over with empty lists and history.
        from blocklists.backup import list_backups

        backups = list_backups(p)
        if backups:
            raise DatabaseEmptied(p, backups[0])
        log.warning("database file %s is empty (0 bytes) and there is no backup; starting a new one", p.name)
    if read_only:
        return _open_read_only(p)
    conn: sqlite3.Connection | None = None
    try:
        conn = sqlite3.connect(str(p), timeout=BUSY_TIMEOUT_S)
        add_functions(conn)
        db = sqlite_utils.Database(conn)
        enter_wal(conn)
        db.execute("PRAGMA synchronous=NORMAL")
        schema_version(db)
        db.execute("PRAGMA foreign_keys=ON")
        db.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_S * 1000)}")
        if migrate:
            apply_migrations(db, p)
    except sqlite3.DatabaseError as exc:  # OperationalError is a subclass: sort busy and environment out first
        if conn is not None:
            conn.close()
        raise classify_error(p, exc) from exc
    except BaseException:
        if conn is not None:
            conn.close()
        raise
    return db


BUSY_TIMEOUT_S = 10.0


def enter_wal(conn: sqlite3.Connection, timeout: float = BUSY_TIMEOUT_S) -> None:
    """Put the file in WAL mode, waiting for other processes that switch the same fresh file at the same moment.

    Switching a fresh file from its rollback journal to WAL needs an exclusive lock. When two processes try at once,
    each holds the shared lock the other must lose, and SQLite does not wait on the busy timeout there (both would
    wait for ever, see the notes on deadlock under ``sqlite3_busy_handler``): one of them gets "database is locked"
    at once. Seen as a ``DatabaseBusy`` from one of three processes opening a fresh data dir together. The switch is
    tried again here, with short sleeps, until the other process has made it or ``timeout`` has passed. Any other
    error is raised at once.
    """
    deadline = time.monotonic() + timeout
    pause = 0.005
    while True:
        try:
            conn.execute("PRAGMA journal_mode=WAL").fetchone()
            return
        except sqlite3.OperationalError as exc:
            text = str(exc).lower()
            if ("locked" not in text and "busy" not in text) or time.monotonic() >= deadline:
                raise
        time.sleep(pause)
        pause = min(pause * 2, 0.1)


def _open_read_only(p: Path) -> sqlite_utils.Database:
    """Read-only mode for a data dir we cannot write (a read-only disk or share): look-ups work, writes fail
    with ``attempt to write a readonly database`` (classified as READ_ONLY).  A database that still needs a
    migration cannot be used this way."""
    if not p.is_file():
        raise DatabaseUnavailable(p, UnavailableReason.READ_ONLY, "no database file")
    conn: sqlite3.Connection | None = None
    try:
        try:
            conn = sqlite3.connect(f"file:{p}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_S)
            version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        except sqlite3.OperationalError:  # WAL needs a -shm file it cannot create: read the file as it is
            if conn is not None:
                conn.close()
            conn = sqlite3.connect(f"file:{p}?immutable=1", uri=True, timeout=BUSY_TIMEOUT_S)
            version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        if version != len(MIGRATIONS):
            raise DatabaseUnavailable(p, UnavailableReason.READ_ONLY, f"schema v{version} needs an upgrade")
        add_functions(conn)
        return sqlite_utils.Database(conn)
    except sqlite3.DatabaseError as exc:
        if conn is not None:
            conn.close()
        raise classify_error(p, exc) from exc
    except BaseException:
        if conn is not None:
            conn.close()
        raise


def classify_error(path: Path, exc: sqlite3.Error) -> Exception:
    """The user-facing error for a SQLite failure on ``path``: busy, unavailable (environment) or corrupt.

    A locked database is never reported as a damaged one, and neither is a read-only data dir.
    """
    text = str(exc).lower()
    if "locked" in text or "busy" in text:
        return DatabaseBusy(path, str(exc))
    if isinstance(exc, sqlite3.OperationalError) or "readonly" in text or "read-only" in text:
        if path.is_dir():
            return DatabaseUnavailable(path, UnavailableReason.IS_FOLDER, str(exc))
        if "readonly" in text or "read-only" in text or not os.access(path.parent, os.W_OK):
            return DatabaseUnavailable(path, UnavailableReason.READ_ONLY, str(exc))
        if "unable to open" in text:
            return DatabaseUnavailable(path, UnavailableReason.CANNOT_OPEN, str(exc))
        if "disk is full" in text or "database or disk is full" in text:
            return DatabaseUnavailable(path, UnavailableReason.DISK_FULL, str(exc))
        if "no such table" in text or "already exists" in text:
            return DatabaseCorrupt(path, str(exc))
        if "malformed" not in text and "not a database" not in text:
            return DatabaseUnavailable(path, UnavailableReason.CANNOT_OPEN, str(exc))
    return DatabaseCorrupt(path, str(exc))


class DatabaseCorrupt(RuntimeError):
    """The file is not a (readable) SQLite database.  Nothing was changed; the user decides what to do."""

    def __init__(self, path: Path, detail: str) -> None:
        from blocklists.backup import list_backups

        backups = list_backups(path)
        zh_tail = f"最近的备份：{backups[0]}" if backups else "还没有备份"
        en_tail = f"newest backup: {backups[0]}" if backups else "there is no backup yet"
        super().__init__(
            f"数据库文件 {path} 已损坏或不是来电护盾的数据库（{detail}）；文件没有被改动。{zh_tail}；"
            "也可以用 callshield db recover 抢救还能读出的数据 / "
            f"the database file {path} is damaged or not a CallShield database ({detail}); it was left as is. "
            f"{en_tail}; callshield db recover saves what can still be read"
        )
        self.path = path
        self.detail = detail


class DatabaseEmptied(RuntimeError):
    """The file is 0 bytes although backups exist: it was cut off, not new.  Nothing was changed."""

    def __init__(self, path: Path, backup: Path) -> None:
        super().__init__(
            f"数据库文件 {path} 是空的（0 字节），可能被截断了；没有重新建库，名单和记录都在备份里。"
            f"最近的备份：{backup}；用 callshield db restore 恢复 / "
            f"the database file {path} is empty (0 bytes), probably cut off; it was not started over — your lists "
            f"and history are in the backups. Newest backup: {backup}; run callshield db restore to bring it back"
        )
        self.path = path
        self.backup = backup


class DatabaseBusy(RuntimeError):
    """Another process held the write lock for longer than the timeout.  Nothing is wrong with the file."""

    def __init__(self, path: Path, detail: str) -> None:
        super().__init__(
            f"数据库 {path} 正被另一个来电护盾程序占用（例如正在导入大名单），请稍后再试；文件没有问题 / "
            f"the database {path} is busy in another CallShield process (a large import, say); try again in a "
            "moment — the file is fine"
        )
        self.path = path
        self.detail = detail


class UnavailableReason(enum.Enum):
    IS_FOLDER = (
        "{path} 是一个文件夹，不是数据库文件；请把它移走或改名",
        "{path} is a folder, not a database file; move or rename it",
    )
    READ_ONLY = (
        "数据目录 {folder} 是只读的，无法写入数据库（请检查权限或磁盘）",
        "the data folder {folder} is read-only, so the database cannot be written (check permissions or the disk)",
    )
    NO_FOLDER = ("无法创建数据目录 {folder}", "cannot create the data folder {folder}")
    CANNOT_OPEN = ("无法打开数据库文件 {path}", "cannot open the database file {path}")
    DISK_FULL = ("磁盘已满，无法写入数据库 {path}", "the disk is full; cannot write the database {path}")


class DatabaseUnavailable(RuntimeError):
    """The environment stops us from using the file (not the file's contents): say what, plainly."""

    def __init__(self, path: Path, reason: UnavailableReason, detail: str) -> None:
        zh, en = reason.value
        params = {"path": str(path), "folder": str(path.parent)}
        tail = f"（{detail}）" if detail else ""
        super().__init__(f"{zh.format(**params)}{tail} / {en.format(**params)}" + (f" ({detail})" if detail else ""))
        self.path = path
        self.reason = reason
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
    # Each step reads the version *inside* its write transaction, so two processes opening a fresh data dir
    # at once never both run a step: the second one waits for the lock, then sees the step done and skips it.
    conn = db.conn
    while True:
        conn.execute("BEGIN IMMEDIATE")
        try:
            version = schema_version(db)
            if version >= target:
                conn.execute("COMMIT")
                break
            step = MIGRATIONS[version]
            step(db)
            conn.execute(f"PRAGMA user_version={version + 1}")
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        log.info("database migrated to schema v%d (%s)", version + 1, step.__name__)
    return target
