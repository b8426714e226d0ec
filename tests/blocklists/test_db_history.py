"""The database file (WAL, schema version, migrations with a backup first) and the history table."""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import sqlite_utils

from blocklists import db as dbmod
from blocklists.db import MIGRATIONS, DatabaseTooNew, open_db, schema_version
from blocklists.history import History
from screening.screener import NumberScreener
from screening.types import Level

HISTORY_COLUMNS = {
    "id", "kind", "occurred_at", "number_raw", "number_e164", "source", "line", "name", "level", "score",
    "category", "reasons", "transcript", "hits", "entities", "file_path", "content_hash", "duration_s", "note",
    "profile", "call_type",  # migration 6 (issue 14: phone backups)
}  # fmt: skip


def test_real_file_is_wal_with_schema_version(data_dir: Path) -> None:
    path = data_dir / "callshield.db"
    db = open_db(path)
    assert path.exists()
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert schema_version(db) == len(MIGRATIONS)
    assert set(db["history"].columns_dict) == HISTORY_COLUMNS
    indexed = {tuple(i.columns) for i in db["history"].indexes}
    assert ("occurred_at",) in indexed and ("content_hash",) in indexed
    assert {"lists", "entries", "history"} <= set(db.table_names())
    db.close()
    # Reopening runs nothing and keeps the data.
    again = open_db(path)
    assert schema_version(again) == len(MIGRATIONS)


def test_in_memory_database() -> None:
    db = open_db(None)
    assert schema_version(db) == len(MIGRATIONS)


def test_new_migration_runs_once_after_a_backup(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = data_dir / "callshield.db"
    db = open_db(path)
    History(db).add_call("13800138000")
    db.close()
    calls: list[int] = []

    def m_extra(d: sqlite_utils.Database) -> None:
        calls.append(1)
        d.execute("ALTER TABLE history ADD COLUMN extra TEXT")

    monkeypatch.setattr(dbmod, "MIGRATIONS", [*MIGRATIONS, m_extra])
    db = open_db(path)
    assert calls == [1]
    assert schema_version(db) == len(MIGRATIONS) + 1
    assert "extra" in db["history"].columns_dict
    backup = data_dir / f"callshield.db.bak-v{len(MIGRATIONS)}"
    assert backup.exists()
    # The backup holds the pre-migration data, including what was only in the WAL.
    with sqlite3.connect(backup) as conn:
        assert conn.execute("SELECT number_raw FROM history").fetchall() == [("13800138000",)]
    db.close()
    open_db(path).close()
    assert calls == [1]


def test_failed_migration_rolls_back(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = data_dir / "callshield.db"
    open_db(path).close()

    def m_broken(d: sqlite_utils.Database) -> None:
        d.execute("CREATE TABLE half_done (x)")
        raise RuntimeError("boom")

    monkeypatch.setattr(dbmod, "MIGRATIONS", [*MIGRATIONS, m_broken])
    with pytest.raises(RuntimeError):
        open_db(path)
    monkeypatch.setattr(dbmod, "MIGRATIONS", MIGRATIONS)
    db = open_db(path)
    assert "half_done" not in db.table_names()
    assert schema_version(db) == len(MIGRATIONS)


def test_database_from_a_newer_version_is_refused(data_dir: Path) -> None:
    path = data_dir / "callshield.db"
    db = open_db(path)
    db.execute(f"PRAGMA user_version={len(MIGRATIONS) + 5}")
    db.close()
    with pytest.raises(DatabaseTooNew) as info:
        open_db(path)
    assert "升级" in str(info.value) and "upgrade" in str(info.value)


def test_history_round_trip_with_a_real_verdict(data_dir: Path) -> None:
    db = open_db(data_dir / "callshield.db")
    hist = History(db)
    verdict = NumberScreener().screen("95275012")
    t0 = datetime(2026, 11, 20, 8, 0, tzinfo=timezone.utc)
    call_id = hist.add_call(
        "95275012",
        occurred_at=t0,
        number_e164=verdict.number.e164,
        source="modem",
        level=verdict.level,
        score=verdict.score,
        category="fraud",
        reasons=[r.to_dict() for r in verdict.reasons],
    )
    rec_id = hist.add_recording(
        "/tmp/a.wav", content_hash="abc123", occurred_at=t0 + timedelta(hours=1), duration_s=12.5
    )
    hist.update(rec_id, transcript="您的积分即将过期", level=Level.BLOCK, hits=[{"phrase": "积分"}])
    row = hist.get(call_id)
    assert row is not None
    assert row["level"] is Level.WARN and row["reasons"][0]["code"] == "cn.95.leased"
    assert row["occurred_at"] == "2026-11-20T08:00:00+00:00"
    found = hist.find_by_hash("abc123")
    assert found is not None and found["id"] == rec_id and found["hits"] == [{"phrase": "积分"}]
    assert hist.find_by_hash("nope") is None
    assert [r["id"] for r in hist.query()] == [rec_id, call_id]  # newest first
    assert [r["id"] for r in hist.query(kind="call")] == [call_id]
    assert [r["id"] for r in hist.query(min_level="block")] == [rec_id]
    assert [r["id"] for r in hist.query(since=t0 + timedelta(minutes=30))] == [rec_id]
    assert [r["id"] for r in hist.query(until="2026-11-20T08:30:00Z")] == [call_id]
    assert [r["id"] for r in hist.query(category="fraud")] == [call_id]
    assert len(hist.query(limit=1)) == 1
    with pytest.raises(TypeError):
        hist.update(call_id, no_such_column=1)
    with pytest.raises(KeyError):
        hist.update(999, note="x")
    with pytest.raises(ValueError):
        hist.query(kind="fax")


def test_corrupt_file_is_reported_and_left_alone(data_dir: Path) -> None:
    path = data_dir / "callshield.db"
    path.write_bytes(b"this is not a database, it is a shopping list\n" * 100)
    before = path.read_bytes()
    with pytest.raises(dbmod.DatabaseCorrupt) as info:
        open_db(path)
    assert "损坏" in str(info.value) and "damaged" in str(info.value)
    assert path.read_bytes() == before


@pytest.mark.parametrize("start", range(1, len(MIGRATIONS)))
def test_lists_survive_every_upgrade_path(data_dir: Path, monkeypatch: pytest.MonkeyPatch, start: int) -> None:
    from blocklists.store import ListStore

    path = data_dir / "callshield.db"
    monkeypatch.setattr(dbmod, "MIGRATIONS", MIGRATIONS[:start])
    old = ListStore(open_db(path))
    old.add("block", "170*", "fraud")
    old.add("allow", "13800138000", note="妈妈")
    old.db.close()
    monkeypatch.setattr(dbmod, "MIGRATIONS", MIGRATIONS)
    store = ListStore(open_db(path))
    assert schema_version(store.db) == len(MIGRATIONS)
    assert [m.pattern for m in store.lookup("17012345678")] == ["170*"]
    assert [m.note for m in store.lookup("+86 138 0013 8000")] == ["妈妈"]
    assert (data_dir / f"callshield.db.bak-v{start}").exists()


def test_add_call_from_a_verdict(data_dir: Path) -> None:
    from blocklists.store import ListStore

    db = open_db(data_dir / "callshield.db")
    store = ListStore(db)
    store.add("block", "170*", "sales")
    verdict = NumberScreener(store).screen("+86 170 0123 4567")
    hist = History(db)
    row = hist.get(hist.add_call_verdict(verdict, source="modem", line="家里座机"))
    assert row is not None
    assert row["number_raw"] == "+86 170 0123 4567" and row["number_e164"] == "+8617001234567"
    assert row["level"] is Level.BLOCK and row["category"] == "sales" and row["line"] == "家里座机"
    assert [r["code"] for r in row["reasons"]] == ["list:block", "cn.virtual_operator"]


def test_migration_6_keeps_old_history_and_adds_profiles_and_sms(data_dir: Path) -> None:
    """A v5 database with history rows migrates to profiles + SMS rows without losing anything."""
    path = data_dir / "v5.db"
    db = open_db(path, migrate=False)
    from blocklists.db import apply_migrations

    for step in MIGRATIONS[:5]:
        step(db)
    db.execute("PRAGMA user_version=5")
    db.execute(
        "INSERT INTO history (kind, occurred_at, number_raw, level) VALUES ('call', '2026-11-01T08:00:00+00:00',"
        " '95275012', 3)"
    )
    db.conn.commit()
    assert apply_migrations(db, path) == len(MIGRATIONS)
    h = History(db)
    old = h.query()
    assert [(r["number_raw"], r["profile"], r["level"]) for r in old] == [("95275012", "", Level.WARN)]
    h.add_sms("10690000123", "诚聘兼职刷单", profile="妈妈", occurred_at="2026-11-02T08:00:00+00:00", level=Level.WARN)
    h.add_profile("爸爸")
    assert h.profiles() == ["妈妈", "爸爸"] or h.profiles() == sorted(["妈妈", "爸爸"])
    sms = h.query(kind="sms", profile="妈妈")
    assert sms[0]["transcript"] == "诚聘兼职刷单" and sms[0]["kind"] == "sms"
    assert h.query(profile="爸爸") == []
    assert (path.parent / "v5.db.bak-v5").exists()
    db.close()


def test_a_recording_kept_unchecked_is_answered_by_the_next_check_of_the_same_file(tmp_path: Path) -> None:
    """The same person's unchecked row is replaced; another's (a 录音分析 scan, nobody's, of a file imported for 妈妈
    without a model) gets the verdict and keeps its person, number and time: a review found the scan deleted it, and
    the scam recording left 妈妈's report."""
    from blocklists.history import is_unchecked

    history = History(open_db(tmp_path / "callshield.db"))
    at = "2026-11-30T02:15:00+00:00"
    history.add_recording("a.mp3", content_hash="h1", occurred_at=at, profile="妈妈", number_raw="13812345678")
    (row,) = history.query(kind="recording", limit=None)
    assert is_unchecked(row) and history.find_by_hash("h1") is None
    history.add_recording("a.mp3", content_hash="h1", source="scan", transcript="把钱转到安全账户", level=Level.BLOCK,
                          score=0.97, category="police")  # fmt: skip
    rows = {r["profile"] or "": r for r in history.query(kind="recording", limit=None)}
    assert set(rows) == {"妈妈", ""}
    mum = rows["妈妈"]
    assert not is_unchecked(mum) and mum["level"] == int(Level.BLOCK) and mum["transcript"] == "把钱转到安全账户"
    assert (mum["occurred_at"], mum["number_raw"]) == (at, "13812345678")
    history.add_recording("b.mp3", content_hash="h2", occurred_at=at, profile="妈妈")
    history.add_recording("b.mp3", content_hash="h2", occurred_at=at, profile="妈妈")  # tried again: still one row
    history.add_recording("b.mp3", content_hash="h2", occurred_at=at, profile="妈妈", transcript="你好", level=1)
    (b,) = [r for r in history.query(kind="recording", limit=None) if r["file_path"] == "b.mp3"]
    assert b["transcript"] == "你好"


def test_a_recording_heard_by_a_model_of_another_language_is_unchecked_until_a_verdict(tmp_path: Path) -> None:
    """A volunteer imported the Korean model: Mandarin calls came out in Hangul and the detector found nothing. Such a
    row was counted checked, the family report said so, and importing again after installing the Chinese model
    skipped the file. It is unchecked now, judged from the transcript (rows stored before the reason code too), until
    a scan answers it; a flag from the caller's number judged nothing said, and a transcript with hits was read."""
    from blocklists.history import is_unchecked

    hangul = "아 영파시 뭐 하우스 다 죠 네요"
    history = History(open_db(tmp_path / "callshield.db"))
    history.add_recording("a.wav", content_hash="h1", source="scan", transcript=hangul, level=Level.UNKNOWN, hits=[])
    (row,) = history.query(kind="recording", limit=None)
    assert is_unchecked(row) and history.find_by_hash("h1") is None
    # the next scan, with the Chinese model, answers it: one row (nobody's, as 录音分析 keeps it), checked
    history.add_recording(
        "a.wav", content_hash="h1", source="scan", transcript="您好这里是社区医院", level=Level.UNKNOWN
    )
    (row,) = history.query(kind="recording", limit=None)
    assert not is_unchecked(row) and history.find_by_hash("h1") is not None
    # a 170 caller's recording is 注意 by its number alone: what was said is still unread
    listed = [{"code": "cn.virtual_operator", "level": "caution", "zh": "虚拟运营商号段", "en": "virtual operator"}]
    history.add_recording("17012345678_1.m4a", content_hash="h2", transcript=hangul, level=Level.CAUTION,
                          reasons=listed, hits=[])  # fmt: skip
    assert history.find_by_hash("h2") is None
    # hits in it (a pack of that language read it): judged, the verdict stands and the file is not read again
    hit = {"rule_id": "ko.account_password", "matched": "계좌", "start": 0, "end": 2}
    history.add_recording("b.wav", content_hash="h3", transcript="계좌 비밀번호 알려주세요 지금 바로 보내", level=Level.WARN,
                          hits=[hit])  # fmt: skip
    stored = history.find_by_hash("h3")
    assert stored is not None and not is_unchecked(stored)
    assert is_unchecked({**stored, "hits": []}) and is_unchecked({**stored, "hits": "[]"})
    assert not is_unchecked({**stored, "hits": json.dumps([hit])})  # stored JSON text and decoded alike
    assert not is_unchecked({**stored, "hits": [], "transcript": "妈我周末回家吃饭，给你带点水果"})


def test_a_scan_adds_its_reading_to_a_family_rows_number_verdict(tmp_path: Path) -> None:
    """A review: 妈妈's recording from a blocklisted caller, heard by the Korean model, was 警告 by its number; a
    录音分析 scan of the same file with the Chinese model wrote its own 可信 over it and dropped the blocklist reason."""
    from blocklists.history import is_unchecked, speech_reason
    from screening.i18n import Message
    from speech.errors import SpeechProblem

    history = History(open_db(tmp_path / "callshield.db"))
    heard = speech_reason(Message(SpeechProblem.NOT_CHINESE, {"path": "a.m4a", "sample": "아 영파시"}))
    listed = {"code": "list:block", "level": "block", "zh": "在名单“我的黑名单”中", "en": "on the list “my blocklist”"}
    history.add_recording("a.m4a", content_hash="h1", profile="妈妈", number_raw="95275012", transcript="아 영파시 뭐 하우스 다 죠 네요",
                          level=Level.WARN, reasons=[heard, listed], hits=[])  # fmt: skip
    history.add_recording("a.m4a", content_hash="h1", source="scan", transcript="您好这里是社区医院，提醒您明天体检",
                          level=Level.ALLOW, reasons=[], hits=[])  # fmt: skip
    mum = next(r for r in history.query(kind="recording", limit=None) if r["profile"] == "妈妈")
    assert mum["level"] == int(Level.WARN) and mum["transcript"] == "您好这里是社区医院，提醒您明天体检"
    assert [r["code"] for r in mum["reasons"]] == ["list:block"] and not is_unchecked(mum)
    assert mum["number_raw"] == "95275012"


def test_a_database_not_opened_by_open_db_has_the_sql_function_too() -> None:
    """A review: History over a plain in-memory database failed with 「no such function: not_chinese」."""
    db = sqlite_utils.Database(memory=True)
    dbmod.apply_migrations(db, None)
    history = History(db)
    history.add_recording("a.wav", content_hash="h", transcript="아 영파시 뭐 하우스 다 죠 네요", level=Level.UNKNOWN)
    assert history.find_by_hash("h") is None and history.count() == 1
