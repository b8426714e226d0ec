"""Issue 13 / High 3 and Medium 6: several processes on one data dir.

Real processes, a real SQLite file.  Two (or more) processes that open a fresh data dir at the same moment
must both find a fully migrated schema and both calls must reach the history; a busy database is never
reported as a damaged one.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from blocklists.db import MIGRATIONS, enter_wal, open_db
from tests.conftest import REPO_ROOT

# Each child waits for a shared start time, then opens the database and records one call.
CHILD = r"""
import json, sys, time
start, path, number = float(sys.argv[1]), sys.argv[2], sys.argv[3]
from blocklists.db import open_db
from blocklists.history import History
from blocklists.store import ListStore
while time.time() < start:
    pass
try:
    db = open_db(path)
    ListStore(db)
    History(db).add_call(number, source="manual")
    print(json.dumps({"ok": True}))
except Exception as exc:
    print(json.dumps({"ok": False, "error": f"{type(exc).__name__}: {exc}"}))
"""


def _race(db_path: Path, processes: int) -> list[dict[str, object]]:
    start = time.time() + 1.5  # all children are imported and spinning by then
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", CHILD, str(start), str(db_path), f"1380013800{i}"],
            cwd=REPO_ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for i in range(processes)
    ]
    out = []
    for p in procs:
        stdout, stderr = p.communicate(timeout=60)
        lines = [ln for ln in stdout.splitlines() if ln.startswith("{")]
        out.append(json.loads(lines[-1]) if lines else {"ok": False, "error": stderr[-500:]})
    return out


@pytest.mark.slow
def test_processes_opening_a_fresh_data_dir_at_once_both_record_their_call(tmp_path: Path) -> None:
    failures = []
    trials = 8
    for trial in range(trials):
        db_path = tmp_path / f"t{trial}" / "callshield.db"
        db_path.parent.mkdir()
        results = _race(db_path, 3)
        failures += [r["error"] for r in results if not r["ok"]]
        db = open_db(db_path, migrate=False)
        assert db.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
        assert db.execute("SELECT count(*) FROM history").fetchone()[0] == sum(1 for r in results if r["ok"])
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        db.conn.close()
    assert not failures, failures


@pytest.mark.slow
def test_calls_are_recorded_promptly_during_a_large_import(tmp_path: Path) -> None:
    """A call arriving while another process imports a big list is written within a second, never lost."""
    from blocklists.history import History
    from tests.hardening.bigfiles import write_list_csv

    data = tmp_path / "data"
    db_path = data / "callshield.db"
    open_db(db_path).conn.close()
    csv = write_list_csv(tmp_path / "big.csv", 300_000)
    err = open(tmp_path / "stderr.txt", "wb")  # noqa: SIM115 - closed below
    proc = subprocess.Popen(
        [sys.executable, "-m", "app", "--data-dir", str(data), "lists", "import", str(csv), "--list", "big"],
        cwd=REPO_ROOT,
        stdout=subprocess.DEVNULL,
        stderr=err,
    )
    db = open_db(db_path)
    history = History(db)
    waits: list[float] = []
    while proc.poll() is None:
        t = time.perf_counter()
        history.add_call("13800138000", source="manual")
        waits.append(time.perf_counter() - t)
        time.sleep(0.02)
    err.close()
    assert proc.returncode == 0, (tmp_path / "stderr.txt").read_text()
    print(f"calls during a 300,000-row import: {len(waits)}, longest wait {max(waits) * 1000:.0f} ms")
    assert db.execute("SELECT count(*) FROM history").fetchone()[0] == len(waits)
    assert db.execute("SELECT count(*) FROM entries").fetchone()[0] > 290_000
    assert len(waits) > 20
    assert max(waits) < 1.0, f"a call waited {max(waits):.2f} s for the import's write lock"


def test_history_write_waits_out_a_lock_longer_than_the_busy_timeout(tmp_path: Path) -> None:
    """The write is retried, not dropped, when another connection holds the lock past the busy timeout."""
    import sqlite3
    import threading

    from blocklists.history import History

    path = tmp_path / "callshield.db"
    db = open_db(path)
    db.execute("PRAGMA busy_timeout=100")
    holder = sqlite3.connect(str(path), check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    release = threading.Timer(1.0, lambda: (holder.rollback(), holder.close()))
    release.start()
    t = time.perf_counter()
    row_id = History(db).add_call("13800138000")
    assert time.perf_counter() - t >= 0.9
    release.join()
    assert History(db).get(row_id) is not None


class _LockedAtFirst:
    """A real connection whose first ``locked`` statements fail as SQLite fails the loser of two processes that
    switch one fresh file to WAL at the same moment (no busy wait: waiting would deadlock)."""

    def __init__(self, conn: sqlite3.Connection, locked: int, message: str = "database is locked") -> None:
        self.conn, self.locked, self.message, self.calls = conn, locked, message, 0

    def execute(self, sql: str) -> sqlite3.Cursor:
        self.calls += 1
        if self.calls <= self.locked:
            raise sqlite3.OperationalError(self.message)
        return self.conn.execute(sql)


def test_switching_to_wal_is_tried_again_while_another_process_switches(tmp_path: Path) -> None:
    conn = sqlite3.connect(tmp_path / "callshield.db")
    flaky = _LockedAtFirst(conn, locked=3)
    enter_wal(flaky, timeout=5)  # type: ignore[arg-type]
    assert flaky.calls == 4
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_switching_to_wal_gives_up_after_the_timeout_and_raises_other_errors_at_once(tmp_path: Path) -> None:
    conn = sqlite3.connect(tmp_path / "callshield.db")
    stuck = _LockedAtFirst(conn, locked=10**6)
    started = time.monotonic()
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        enter_wal(stuck, timeout=0.3)  # type: ignore[arg-type]
    assert 0.3 <= time.monotonic() - started < 3
    assert 3 <= stuck.calls < 100
    full = _LockedAtFirst(conn, locked=1, message="database or disk is full")
    with pytest.raises(sqlite3.OperationalError, match="full"):
        enter_wal(full, timeout=5)  # type: ignore[arg-type]
    assert full.calls == 1
