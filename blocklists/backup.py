"""Backups of the one SQLite file, a health check, and recovery of what can still be read.

* ``backup_now`` copies the live database with SQLite's online backup API (WAL content included, other
  processes keep working) into ``<data>/backups/callshield-YYYYMMDD-HHMMSS.db``; ``daily_backup`` makes one
  when the newest is older than a day; only the newest ``KEEP`` are kept.
* ``check_database`` runs ``PRAGMA integrity_check``.
* ``recover_database`` copies every row that can still be read, table by table and row by row, into a new
  file with the current schema; rows on damaged pages are counted, not guessed at.  The damaged file is never
  changed.

Plain Python, no Qt; results are data, the CLI words them.
"""

from __future__ import annotations

import logging
import os
import sqlite3
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

log = logging.getLogger(__name__)

BACKUPS_SUBDIR = "backups"
KEEP = 7
PREFIX = "callshield-"


def backups_dir(db_path: Path) -> Path:
    return Path(db_path).parent / BACKUPS_SUBDIR


def list_backups(db_path: Path) -> list[Path]:
    """Backups of ``db_path``, newest first."""
    folder = backups_dir(db_path)
    try:
        found = [p for p in folder.iterdir() if p.name.startswith(PREFIX) and p.suffix == ".db"]
    except OSError:
        return []
    return sorted(found, key=lambda p: p.name, reverse=True)


def backup_now(db_path: Path, now: datetime | None = None, keep: int = KEEP) -> Path:
    """Copy the live database into the backups folder (atomically: temp name, then rename); rotate."""
    stamp = (now or datetime.now(timezone.utc)).strftime("%Y%m%d-%H%M%S")
    folder = backups_dir(db_path)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{PREFIX}{stamp}.db"
    tmp = folder / f".{target.name}.part"
    src = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=30)
    try:
        dest = sqlite3.connect(str(tmp))
        try:
            src.backup(dest, pages=1024)  # in steps: other connections are not held up for the whole copy
        finally:
            dest.close()
        os.replace(tmp, target)
    finally:
        src.close()
        tmp.unlink(missing_ok=True)
    for old in list_backups(db_path)[keep:]:
        old.unlink(missing_ok=True)
    log.info("database backed up to %s", target.name)
    return target


def daily_backup(db_path: Path, now: datetime | None = None) -> Path | None:
    """``backup_now`` if the database exists and the newest backup is more than a day old; else ``None``."""
    if not Path(db_path).is_file() or Path(db_path).stat().st_size == 0:
        return None
    now = now or datetime.now(timezone.utc)
    newest = list_backups(db_path)
    if newest:
        try:
            taken = datetime.strptime(newest[0].stem[len(PREFIX) :], "%Y%m%d-%H%M%S").replace(tzinfo=timezone.utc)
            if now - taken < timedelta(days=1):
                return None
        except ValueError:
            pass
    # Never let a damaged file push the good backups out of the rotation.
    if not check_database(db_path, quick=True).ok:
        log.warning("daily backup skipped: the database fails its integrity check")
        return None
    return backup_now(db_path, now)


def restore_backup(db_path: Path, backup: Path) -> Path | None:
    """Put ``backup`` in place of ``db_path``; the current file (if any) is kept as ``<name>.before-restore-…``.

    Returns where the replaced file was kept.  The copy goes through a temporary name, so a crash never leaves
    half a database.  Only while no CallShield process has the database open.
    """
    stamp = datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S")
    tmp = db_path.with_name(f".{db_path.name}.restore")
    src = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
    try:
        dest = sqlite3.connect(str(tmp))
        try:
            src.backup(dest)
        finally:
            dest.close()
    finally:
        src.close()
    kept: Path | None = None
    if db_path.exists():
        kept = db_path.with_name(f"{db_path.name}.before-restore-{stamp}")
        os.replace(db_path, kept)
    for extra in ("-wal", "-shm"):
        Path(f"{db_path}{extra}").unlink(missing_ok=True)
    os.replace(tmp, db_path)
    return kept


@dataclass(frozen=True)
class CheckResult:
    ok: bool
    problems: tuple[str, ...]


def check_database(db_path: Path, limit: int = 20, quick: bool = False) -> CheckResult:
    """``PRAGMA integrity_check`` (or the faster ``quick_check``) on the file, read-only."""
    pragma = "quick_check" if quick else "integrity_check"
    try:
        conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=30)
        try:
            rows = [r[0] for r in conn.execute(f"PRAGMA {pragma}({int(limit)})")]
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        return CheckResult(False, (str(exc),))
    return CheckResult(rows == ["ok"], tuple(r for r in rows if r != "ok"))


@dataclass
class RecoverResult:
    output: Path
    saved: dict[str, int] = field(default_factory=dict)  # table → rows copied
    lost: dict[str, int] = field(default_factory=dict)  # table → rows that could not be read (or an estimate)
    unreadable_tables: list[str] = field(default_factory=list)


def recover_database(db_path: Path, output: Path) -> RecoverResult:
    """Copy every readable row of ``db_path`` into a new database at ``output`` (current schema)."""
    from blocklists.db import open_db

    if output.exists():
        raise FileExistsError(str(output))
    result = RecoverResult(output=output)
    dest = open_db(output)
    src = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        dest.conn.execute("PRAGMA foreign_keys=OFF")
        dest_tables = {r[0] for r in dest.conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        try:
            tables = [r[0] for r in src.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        except sqlite3.DatabaseError:
            tables = ["lists", "entries", "history"]  # the schema page itself is damaged: try the known ones
        dest.conn.execute("DELETE FROM lists")  # the defaults open_db's store would add come from the source
        for table in tables:
            if table not in dest_tables or table.startswith("sqlite_"):
                continue
            _recover_table(src, dest.conn, table, result)
        dest.conn.commit()
    finally:
        src.close()
        dest.conn.close()
    return result


def _recover_table(src: sqlite3.Connection, dest: sqlite3.Connection, table: str, result: RecoverResult) -> None:
    dest_cols = [r[1] for r in dest.execute(f'PRAGMA table_info("{table}")')]
    try:
        src_cols = [r[1] for r in src.execute(f'PRAGMA table_info("{table}")')]
    except sqlite3.DatabaseError:
        src_cols = dest_cols
    cols = [c for c in dest_cols if c in src_cols]
    col_sql = ", ".join(f'"{c}"' for c in cols)
    insert = f'INSERT OR IGNORE INTO "{table}" (rowid, {col_sql}) VALUES (?, {", ".join("?" for _ in cols)})'
    saved = lost = 0
    # Fast path: a plain scan; if it breaks on a damaged page, fall back to one row at a time.
    try:
        for row in src.execute(f'SELECT rowid, {col_sql} FROM "{table}"'):
            dest.execute(insert, row)
            saved += 1
        result.saved[table] = saved
        return
    except sqlite3.DatabaseError:
        dest.execute(f'DELETE FROM "{table}"')
        saved = 0
    try:
        top = src.execute(f'SELECT max(rowid) FROM "{table}"').fetchone()[0] or 0
    except sqlite3.DatabaseError:
        result.unreadable_tables.append(table)
        return
    one = f'SELECT rowid, {col_sql} FROM "{table}" WHERE rowid = ?'
    for rowid in range(1, top + 1):
        try:
            row = src.execute(one, [rowid]).fetchone()
        except sqlite3.DatabaseError:
            lost += 1
            continue
        if row is not None:
            dest.execute(insert, row)
            saved += 1
    result.saved[table] = saved
    result.lost[table] = lost
