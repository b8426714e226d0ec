"""Issue 13 / Medium 4: a damaged page in the middle of the database.

Real SQLite file with a page overwritten by garbage; the real ``callshield`` command.  No traceback anywhere;
messages point to the real backups; ``db check`` says damaged; ``db recover`` saves the readable rows into a
new, healthy file and leaves the damaged one as it was.  Backups are rotated (newest 7).
"""

from __future__ import annotations

import hashlib
import sqlite3
from datetime import datetime, timedelta, timezone
from pathlib import Path

from blocklists.backup import KEEP, backup_now, daily_backup, list_backups
from blocklists.db import open_db
from blocklists.history import History
from blocklists.store import Category, ListStore, parse_pattern


def _fill(path: Path) -> None:
    store = ListStore(open_db(path))
    rows = [(parse_pattern(f"1380{i:07d}"), Category.FRAUD, f"note {i}") for i in range(3000)]
    store.bulk_insert("block", rows, "test")
    hist = History(store.db)
    for i in range(50):
        hist.add_call(f"1390000{i:04d}", source="manual")
    store.conn.close()


def _damage_middle_page(path: Path) -> None:
    conn = sqlite3.connect(str(path))
    page = conn.execute("PRAGMA page_size").fetchone()[0]
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    with open(path, "r+b") as fh:
        fh.seek(page * (pages // 2))
        fh.write(b"\xa5" * page)


def test_backups_are_rotated_and_daily(tmp_path: Path) -> None:
    db = tmp_path / "callshield.db"
    _fill(db)
    start = datetime(2026, 12, 1, tzinfo=timezone.utc)
    for day in range(KEEP + 3):
        assert daily_backup(db, start + timedelta(days=day)) is not None
        assert daily_backup(db, start + timedelta(days=day, hours=2)) is None  # once a day
    kept = list_backups(db)
    assert len(kept) == KEEP
    assert kept[0].name == "callshield-20261210-000000.db"
    copy = sqlite3.connect(str(kept[0]))
    assert copy.execute("SELECT count(*) FROM entries").fetchone()[0] == 3000
    assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    copy.close()


def test_damaged_page_plain_messages_check_and_recover(data_dir: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    db = data_dir / "callshield.db"
    _fill(db)
    backup = backup_now(db, datetime.now(timezone.utc) - timedelta(days=2))  # so a daily backup is due
    _damage_middle_page(db)
    damaged = hashlib.sha256(db.read_bytes()).hexdigest()

    for args in (("lists", "show", "block"), ("lists", "export", "block", str(data_dir / "out.csv")), ("history",)):
        r = run_cli("--lang", "en", *args)
        assert "Traceback" not in r.stderr, (args, r.stderr)
        if r.returncode != 0:
            assert "damaged" in r.stderr and str(backup) in r.stderr and "db recover" in r.stderr, r.stderr

    r = run_cli("--lang", "en", "db", "check")
    assert r.returncode == 1 and "damaged" in r.stderr and str(backup) in r.stderr
    assert list_backups(db) == [backup]  # the damaged file was not backed up over the good copy

    out = data_dir / "recovered.db"
    r = run_cli("--lang", "en", "db", "recover", "-o", str(out))
    assert r.returncode == 0, r.stderr
    assert "entries:" in r.stdout
    new = sqlite3.connect(str(out))
    assert new.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    saved = new.execute("SELECT count(*) FROM entries").fetchone()[0]
    assert 0 < saved <= 3000
    assert new.execute("SELECT count(*) FROM history").fetchone()[0] in range(1, 51)
    assert {r[0] for r in new.execute("SELECT name FROM lists")} >= {"block", "allow"}
    new.close()
    assert hashlib.sha256(db.read_bytes()).hexdigest() == damaged  # the damaged file was not touched


def test_a_zero_byte_database_with_backups_is_not_silently_started_over(data_dir: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    db = data_dir / "callshield.db"
    _fill(db)
    backup = backup_now(db)
    db.write_bytes(b"")  # cut off by a full disk or a sync tool
    for extra in ("-wal", "-shm"):
        Path(f"{db}{extra}").unlink(missing_ok=True)
    r = run_cli("--lang", "en", "lists", "show")
    assert r.returncode == 1 and "empty (0 bytes)" in r.stderr and str(backup) in r.stderr, r.stderr
    assert db.stat().st_size == 0  # not re-initialised
    r = run_cli("--lang", "en", "db", "restore")
    assert r.returncode == 0, r.stderr
    r = run_cli("--lang", "en", "lists", "show", "--json")
    assert r.returncode == 0 and '"entries": 3000' in r.stdout
    assert list(data_dir.glob("callshield.db.before-restore-*"))


def test_a_zero_byte_database_without_backups_starts_fresh(tmp_path: Path) -> None:
    db = tmp_path / "callshield.db"
    db.write_bytes(b"")
    ListStore(open_db(db)).add("block", "13800138000")
