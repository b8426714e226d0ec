"""Issue 13 / High 3, Medium 4 and 9: the database row of the corrupt-state matrix.

Each broken state gets its own plain message: busy is never "damaged", a folder or a read-only data dir
is an environment problem, and only a file SQLite itself rejects is called damaged.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

from blocklists import db as dbmod
from blocklists.db import DatabaseBusy, DatabaseCorrupt, DatabaseUnavailable, UnavailableReason, open_db
from blocklists.store import ListStore


def test_a_locked_database_is_busy_not_damaged(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "callshield.db"
    open_db(path).conn.close()
    monkeypatch.setattr(dbmod, "MIGRATIONS", [*dbmod.MIGRATIONS, lambda db: None])  # forces a write on open
    monkeypatch.setattr(dbmod, "BUSY_TIMEOUT_S", 0.3)
    holder = sqlite3.connect(str(path))
    holder.execute("BEGIN IMMEDIATE")  # another process importing a big list
    try:
        with pytest.raises(DatabaseBusy) as info:
            open_db(path)
        assert "damaged" not in str(info.value) and "损坏" not in str(info.value)
    finally:
        holder.rollback()
        holder.close()


def test_database_path_is_a_folder(tmp_path: Path) -> None:
    path = tmp_path / "callshield.db"
    path.mkdir()
    with pytest.raises(DatabaseUnavailable) as info:
        open_db(path)
    assert info.value.reason is UnavailableReason.IS_FOLDER
    assert "文件夹" in str(info.value) and "folder" in str(info.value)


def test_garbage_file_is_damaged_and_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "callshield.db"
    junk = os.urandom(8192)
    path.write_bytes(junk)
    with pytest.raises(DatabaseCorrupt):
        open_db(path)
    assert path.read_bytes() == junk


_READ_ONLY_PROBE = """
import sys
from blocklists.db import DatabaseUnavailable, UnavailableReason, open_db
try:
    open_db(sys.argv[1])
except DatabaseUnavailable as exc:
    print(exc.reason.name)
    print(exc)
else:
    print("OPENED")
"""


@pytest.mark.skipif(not hasattr(os, "geteuid"), reason="POSIX file permissions only")
def test_read_only_data_dir_is_not_called_damaged() -> None:
    """A data folder the user may not write to is reported as read-only, never as a damaged database.  As root
    (CI) the open runs in a child process without the capabilities that let root ignore file permissions
    (util-linux ``setpriv``), so the folder's permissions really apply."""
    import shutil
    import subprocess
    import sys
    import tempfile

    prefix: list[str] = []
    if os.geteuid() == 0:
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            pytest.skip("running as root without util-linux setpriv: root would ignore the folder's permissions")
        prefix = [setpriv, "--bounding-set", "-dac_override,-dac_read_search", "--"]
    top = Path(tempfile.mkdtemp(prefix="callshield-ro-"))
    try:
        top.chmod(0o755)
        data = top / "ro"
        data.mkdir()
        path = data / "callshield.db"
        store = ListStore(open_db(path))
        store.add("block", "13800138000")
        store.conn.close()
        for extra in data.glob("callshield.db-*"):
            extra.unlink()
        path.chmod(0o644)
        data.chmod(0o555)
        root = Path(__file__).resolve().parents[2]
        for target in (data / "new.db", path):
            proc = subprocess.run(
                [*prefix, sys.executable, "-c", _READ_ONLY_PROBE, str(target)],
                cwd=root,
                env={**os.environ, "PYTHONPATH": str(root)},
                capture_output=True,
                text=True,
                timeout=60,
            )
            assert proc.returncode == 0, proc.stderr
            first = proc.stdout.splitlines()[0] if proc.stdout else ""
            if target == path and first == "OPENED":  # an existing file may open read-only: never "damaged"
                continue
            assert first == "READ_ONLY", proc.stdout + proc.stderr
            assert "damaged" not in proc.stdout and "损坏" not in proc.stdout
    finally:
        data.chmod(0o755)
        shutil.rmtree(top, ignore_errors=True)


def test_cli_database_is_a_folder(data_dir: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    (data_dir / "callshield.db").mkdir()
    proc = run_cli("--lang", "en", "lists", "show")
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert "is a folder, not a database file" in proc.stderr


def test_cli_logs_is_a_file_still_works(data_dir: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    (data_dir / "logs").write_text("not a folder")
    proc = run_cli("--lang", "en", "check", "13800138000")
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    assert "13800138000" in proc.stdout.replace(" ", "")
    assert "log" in proc.stderr.lower()  # told once that there is no log file this time
    assert (data_dir / "logs").read_text() == "not a folder"  # left as it was


def test_cli_read_only_log_file_still_works(data_dir: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    logs = data_dir / "logs"
    logs.mkdir()
    (logs / "callshield.log").mkdir()  # cannot be opened for appending, even by root
    proc = run_cli("--lang", "en", "check", "13800138000")
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr


def test_read_only_mode_reads_and_refuses_writes_plainly(tmp_path: Path) -> None:
    path = tmp_path / "callshield.db"
    store = ListStore(open_db(path))
    store.add("block", "13800138000", "fraud")
    store.conn.close()
    ro = ListStore(open_db(path, read_only=True))
    assert [m.list_name for m in ro.lookup("13800138000")] == ["block"]
    with pytest.raises(sqlite3.OperationalError) as info:
        ro.add("block", "13900139000")
    err = dbmod.classify_error(path, info.value)
    assert isinstance(err, DatabaseUnavailable) and err.reason is UnavailableReason.READ_ONLY


@pytest.mark.parametrize("kind", ["file", "missing-parent"])
def test_unusable_data_dir_is_said_plainly(tmp_path: Path, kind: str) -> None:
    import subprocess
    import sys

    from tests.conftest import REPO_ROOT

    target = tmp_path / "afile"
    target.write_text("x")
    data = target if kind == "file" else target / "sub" / "data"
    r = subprocess.run(
        [sys.executable, "-m", "app", "--data-dir", str(data), "--lang", "en", "check", "13800138000"],
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        timeout=60,
    )
    assert r.returncode == 1
    assert "Traceback" not in r.stderr
    assert "data folder" in r.stderr and str(data) in r.stderr
