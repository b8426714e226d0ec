"""The phone importer on a real SQLite file: screening, idempotent re-import, all-or-nothing per file."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
import sqlite_utils

from app.phone.backup_xml import BackupProblem
from app.phone.importer import CANCELLED, DONE, FAILED, PhoneImporter, PhoneProblem
from blocklists.history import History
from screening.types import Level
from tests.app.phone.backup_factory import (
    CST,
    Sms,
    realistic_calls,
    realistic_messages,
    synthetic_messages,
    write_calls,
    write_messages,
)


def _importer(db: sqlite_utils.Database, profile: str = "妈妈") -> PhoneImporter:
    return PhoneImporter(db, profile, tz=CST)


def test_import_backup_folder_screens_calls_and_messages(phone_db: sqlite_utils.Database, backup_dir: Path) -> None:
    result = _importer(phone_db).import_paths([backup_dir])
    assert result.ok
    calls, sms = result.files
    assert (calls.kind, calls.status, calls.read, calls.added) == ("calls", DONE, 8, 8)
    assert (sms.kind, sms.status, sms.read, sms.added) == ("sms", DONE, 10, 10)
    assert sms.screened == 9  # the parent's own sent message is kept but not screened
    by_number = {e.number: e for e in calls.flagged}
    assert by_number["+85296110"].level is Level.BLOCK
    assert by_number["10690000123"].level is Level.WARN  # a 1069 port *calling*
    flagged_sms = {e.number: e for e in sms.flagged if e.level >= Level.WARN}
    assert set(flagged_sms) == {"10690000123", "10086", "17012345678"}
    brushing = flagged_sms["10690000123"]
    assert brushing.category == "task_rebate" and "刷单" in brushing.excerpt
    assert {"kind": "qq", "value": "3344556677"}.items() <= next(
        e for e in brushing.entities if e["kind"] == "qq"
    ).items()
    assert flagged_sms["10086"].reasons[0]["code"] == "sms.official_unfamiliar_link"
    hist = History(phone_db)
    rows = hist.query(profile="妈妈", limit=None)
    assert len(rows) == 18
    assert {r["profile"] for r in rows} == {"妈妈"}
    mms = next(r for r in rows if r["source"] == "phone-backup-mms")
    assert mms["transcript"] == "看看孙子的照片 😄"
    assert any(e.get("kind") == "attachment" and e["value"] == "image/jpeg" for e in mms["entities"])
    rejected = next(r for r in rows if r["number_raw"] == "10690000123" and r["kind"] == "call")
    assert rejected["call_type"] == "rejected"
    assert hist.profiles() == ["妈妈"]


def test_reimport_adds_only_new_rows(phone_db: sqlite_utils.Database, tmp_path: Path, backup_dir: Path) -> None:
    imp = _importer(phone_db)
    imp.import_paths([backup_dir])
    again = imp.import_paths([backup_dir])
    assert [(f.added, f.existing) for f in again.files] == [(0, 8), (0, 10)]
    # next week's backup holds the old messages plus one new one
    newer = realistic_messages() + [
        Sms("10690000999", realistic_messages()[0].at, "【某某】恭喜您中奖，请加QQ 1234567 领取")
    ]
    path = write_messages(tmp_path / "sms-next-week.xml", newer)
    third = imp.import_paths([path])
    assert (third.files[0].added, third.files[0].existing) == (1, 10)
    assert History(phone_db).count() == 19
    # the same backup for another person is that person's history
    other = _importer(phone_db, "爸爸").import_paths([backup_dir])
    assert [f.added for f in other.files] == [8, 10]


def test_truncated_backup_adds_nothing_and_the_good_one_still_imports(
    phone_db: sqlite_utils.Database, tmp_path: Path, backup_dir: Path
) -> None:
    good = backup_dir / "calls-20261204093000.xml"
    bad = tmp_path / "sms-cut.xml"
    full = (backup_dir / "sms-20261204093000.xml").read_bytes()
    bad.write_bytes(full[: int(len(full) * 0.8)])  # several complete records, then cut mid-record
    result = _importer(phone_db).import_paths([bad, good])
    by_path = {Path(f.path).name: f for f in result.files}
    assert by_path["sms-cut.xml"].status == FAILED and by_path["sms-cut.xml"].added == 0
    assert by_path["sms-cut.xml"].error is not None and by_path["sms-cut.xml"].error.code is BackupProblem.MALFORMED
    assert by_path["calls-20261204093000.xml"].added == 8
    assert History(phone_db).query(kind="sms", limit=None) == []  # nothing half-imported
    assert not result.ok


def test_unknown_and_missing_paths_get_clear_errors(phone_db: sqlite_utils.Database, tmp_path: Path) -> None:
    odd = tmp_path / "photo.jpg"
    odd.write_bytes(b"\xff\xd8\xff")
    result = _importer(phone_db).import_paths([odd, tmp_path / "gone.xml"])
    codes = [f.error.code for f in result.files if f.error]
    assert codes == [PhoneProblem.UNKNOWN_FILE, PhoneProblem.NOT_FOUND]
    assert "photo.jpg" in result.files[0].error.render("en")  # type: ignore[union-attr]


def test_call_log_csv_uses_the_check_reader(phone_db: sqlite_utils.Database, tmp_path: Path) -> None:
    csv = tmp_path / "通话记录.csv"
    csv.write_bytes(
        "姓名,号码,时间,时长\n儿子,139 1234 5678,2026-11-30 09:00:00,35\n,95275012,2026-11-29 10:15:00,80\n"
        ",10690000123,2026/11/28 20:01,12\n".encode("gb18030")
    )
    imp = _importer(phone_db)
    (r,) = imp.import_paths([csv]).files
    assert (r.kind, r.status, r.added, r.screened) == ("calllog", DONE, 3, 3)
    assert {e.number: e.level for e in r.flagged} == {"95275012": Level.WARN, "10690000123": Level.WARN}
    rows = History(phone_db).query(kind="call", limit=None)
    assert {r["occurred_at"] for r in rows} == {
        "2026-11-30T01:00:00+00:00",
        "2026-11-29T02:15:00+00:00",
        "2026-11-28T12:01:00+00:00",
    }
    assert imp.import_paths([csv]).files[0].added == 0
    empty = tmp_path / "empty.csv"
    empty.write_text("姓名,备注\n张三,无\n", encoding="utf-8")
    (e,) = imp.import_paths([empty]).files
    # a header without a number column is neither a call log nor messages: refused, naming what it found
    assert e.status == FAILED and e.error is not None and e.error.code is PhoneProblem.CSV_UNKNOWN_COLUMNS
    assert "姓名，备注" in e.error.render("zh") and "号码" in e.error.render("en")


def test_a_call_from_a_withheld_number_in_a_csv_is_kept_as_the_backups_keep_one(
    phone_db: sqlite_utils.Database, tmp_path: Path
) -> None:
    """A missed call with an empty 号码 (or 隐藏号码) vanished, and 3 rows read as 2: the XML backups keep such a call,
    screened as 没有号码 (注意). A row with neither a number nor a time is still nothing."""
    csv = tmp_path / "通话记录.csv"
    csv.write_text(
        "姓名,号码,时间,类型\n爸爸,13800138000,2026-12-06 09:00,来电\n,,2026-12-06 10:00,未接\n"
        ",隐藏号码,2026-12-06 10:30,来电\n,,,\n",
        encoding="utf-8",
    )
    (r,) = _importer(phone_db).import_paths([csv]).files
    assert (r.status, r.added) == (DONE, 3)
    hidden = [row for row in History(phone_db).query(kind="call", limit=None) if not row["number_e164"]]
    assert sorted(row["occurred_at"] for row in hidden) == ["2026-12-06T02:00:00+00:00", "2026-12-06T02:30:00+00:00"]
    assert all(row["level"] == int(Level.CAUTION) for row in hidden)
    assert {row["call_type"] for row in hidden} == {"missed", "incoming"}


def test_a_number_cell_of_other_words_is_a_bad_line_not_a_withheld_call(
    phone_db: sqlite_utils.Database, tmp_path: Path
) -> None:
    """「abc」 or a name under 号码 was kept as a call from a withheld number, with no word about it (a volunteer's
    trial); only the words a phone writes for one (隐藏号码, Unknown, (Private number)) are a withheld number."""
    csv = tmp_path / "通话记录.csv"
    csv.write_text(
        "号码,时间\n13800138000,2026-12-06 09:00\nabc,2026-12-06 10:00\n(Private number),2026-12-06 10:30\n"
        "张三,2026-12-06 11:00\n",
        encoding="utf-8",
    )
    result = _importer(phone_db).import_paths([csv])
    (r,) = result.files
    assert (r.status, r.added, r.bad_rows) == (FAILED, 0, 2)
    said = [m.render("zh") for m in result.summary()]
    # the only file failed: no 「其余的照常导入了」 with nothing else there (a trial)
    assert "没有导入任何文件（原因见上）" in said and not any("其余" in line for line in said), said
    assert r.error is not None and "第 3 行：“abc” 不是电话号码" in r.error.render("zh")
    assert [n.render("en").split(":")[0] for n in r.notes] == ["line 3", "line 5"]  # (Private number) is withheld
    assert History(phone_db).count() == 0
    (skipped,) = PhoneImporter(phone_db, "妈妈", tz=CST, skip_bad=True).import_paths([csv]).files
    assert (skipped.status, skipped.added, skipped.bad_rows) == (DONE, 2, 2)
    assert sorted(row["number_raw"] or "" for row in History(phone_db).query(limit=None)) == ["", "13800138000"]


def test_a_list_of_numbers_is_no_call_log_and_a_call_without_a_date_is_a_bad_line(
    phone_db: sqlite_utils.Database, tmp_path: Path
) -> None:
    """A volunteer imported a pasted list of numbers for 妈妈: eleven "calls" dated at the import, a spike on the
    report's timeline that never happened. A file with no date on any line is refused as a list of numbers, naming
    查号 and 名单; in a call log with dates, a line without one is a bad line."""
    numbers = tmp_path / "号码.txt"
    numbers.write_text("王阿姨 138 0013 8000\n95275012（说是银行的）\n+852 96110\n", encoding="utf-8")
    (r,) = _importer(phone_db).import_paths([numbers]).files
    assert (r.status, r.added) == (FAILED, 0) and r.error is not None and r.error.code is PhoneProblem.CSV_NUMBER_LIST
    assert "号码清单" in r.error.render("zh") and "list of numbers" in r.error.render("en")
    (again,) = PhoneImporter(phone_db, "妈妈", tz=CST, skip_bad=True).import_paths([numbers]).files
    assert again.status == FAILED and History(phone_db).count() == 0  # no skipping turns a list into calls
    half = tmp_path / "calls.csv"
    half.write_text("13800138000,2026-12-01 10:00\n13900139000\n", encoding="utf-8")
    (r,) = _importer(phone_db).import_paths([half]).files
    assert (r.status, r.bad_rows) == (FAILED, 1) and "第 2 行：只有号码，没有日期和时间" in r.error.render("zh")
    (skipped,) = PhoneImporter(phone_db, "妈妈", tz=CST, skip_bad=True).import_paths([half]).files
    assert (skipped.status, skipped.added) == (DONE, 1)
    assert [row["number_raw"] for row in History(phone_db).query(limit=None)] == ["13800138000"]


@pytest.mark.parametrize(
    ("content", "said"),
    [
        ("Number,Call date,Type\n13800138000,12/01/2026 10:00,in\n", "看不懂时间“12/01/2026 10:00”"),
        ("号码,来电时间\n13800138000,昨天 10:00\n", "看不懂时间“昨天 10:00”"),
    ],
)
def test_a_call_log_with_times_it_cannot_read_is_not_called_a_list_of_numbers(
    phone_db: sqlite_utils.Database, tmp_path: Path, content: str, said: str
) -> None:
    """A review: these were refused as 「号码清单」, which they are not."""
    csv = tmp_path / "calls.csv"
    csv.write_text(content, encoding="utf-8")
    (r,) = _importer(phone_db).import_paths([csv]).files
    assert r.status == FAILED and r.error is not None and said in r.error.render("zh")
    assert r.error.code is not PhoneProblem.CSV_NUMBER_LIST


def test_android_epoch_milliseconds_without_a_header_are_times(phone_db: sqlite_utils.Database, tmp_path: Path) -> None:
    csv = tmp_path / "calls.csv"
    csv.write_text("13800138000,1733040000000\n13900139000,1733040600000\n", encoding="utf-8")
    (r,) = _importer(phone_db).import_paths([csv]).files
    assert (r.status, r.added) == (DONE, 2)
    assert sorted(row["occurred_at"] for row in History(phone_db).query(limit=None))[0] == "2024-12-01T08:00:00+00:00"


def test_a_quote_never_closed_in_a_message_export_is_named(phone_db: sqlite_utils.Database, tmp_path: Path) -> None:
    """A trial: an opening quote with no end swallowed the next line, and the error said 「第 2 行：没有时间」."""
    csv = tmp_path / "短信.csv"
    csv.write_text('号码,短信内容,时间\n10086,"未闭合的引号 积分清零,2026-11-29 07:00\n95588,正常,2026-11-28 14:03\n',
                   encoding="utf-8")  # fmt: skip
    (r,) = _importer(phone_db).import_paths([csv]).files
    assert r.status == FAILED and r.error is not None
    assert '第 2 行：引号“"”没有配对' in r.error.render("zh") and "never closed" in r.error.render("en")
    assert "没有时间" not in r.error.render("zh")
    last = tmp_path / "短信2.csv"  # the text the last column: the rest of the file was one message, without a word
    last.write_text('号码,时间,短信内容\n10086,2026-11-29 07:00,"未闭合 积分清零\n95588,2026-11-28 14:03,正常\n'
                    '95566,2026-11-28 15:03,正常\n', encoding="utf-8")  # fmt: skip
    (r,) = _importer(phone_db).import_paths([last]).files
    assert r.status == FAILED and r.error is not None and '第 2 行：引号“"”没有配对' in r.error.render("zh")
    closed = tmp_path / "短信3.csv"  # a message of two lines, its quote closed, is no problem
    closed.write_text('号码,时间,短信内容\n10086,2026-11-29 07:00,"第一行\n第二行"\n95588,2026-11-28 14:03,正常\n',
                      encoding="utf-8")  # fmt: skip
    (r,) = _importer(phone_db).import_paths([closed]).files
    assert (r.status, r.added) == (DONE, 2)
    # a quote opened mid-file and closed by a later row's quote: the rows between were one "message" (a trial: the
    # bank's SMS took in the scam SMS after it, and 95588 was blocked for its words)
    middle = tmp_path / "短信4.csv"
    middle.write_text('联系人,号码,时间,类型,内容\r\n,95588,2026/12/1 9:02,接收,"【工商银行】支出128.50元\r\n'
                      ',10690000123,2026/12/3 20:11,接收,"【优选商城】诚聘兼职刷单，日结200元，加 QQ 3344556677"\r\n'
                      ',13912345678,2026/12/4 10:00,接收,妈 晚上回来\r\n', encoding="gbk")  # fmt: skip
    (r,) = _importer(phone_db).import_paths([middle]).files
    assert r.status == FAILED and r.error is not None and '第 2 行：引号“"”没有配对' in r.error.render("zh")
    assert History(phone_db).count() == 2  # (短信3's two rows): nothing of this file
    ok = tmp_path / "短信5.csv"  # a message whose own lines have commas and a date is still a message (a review)
    ok.write_text('号码,时间,短信内容\n95588,2026-11-29 07:00,"您好,\n截至 2026-11-29 余额,见附件"\n'
                  '95588,2026-12-03 10:00,"【工商银行】您尾号8832的账户：\n2026-12-03 09:58 支出1,000.00元，余额12,345.67元"\n',
                  encoding="utf-8")  # fmt: skip
    (r,) = _importer(phone_db).import_paths([ok]).files
    assert (r.status, r.added) == (DONE, 2)


def test_cancel_rolls_back_the_file(phone_db: sqlite_utils.Database, tmp_path: Path) -> None:
    path = write_messages(tmp_path / "sms-big.xml", synthetic_messages(5000), count=5000)
    cancel = threading.Event()
    cancel.set()
    r = _importer(phone_db).import_backup(path, cancel)
    assert r.status == CANCELLED and r.added == 0
    assert History(phone_db).count() == 0


@pytest.mark.slow
def test_backup_of_200000_messages_imports_in_one_go(phone_db: sqlite_utils.Database, tmp_path: Path) -> None:
    path = write_messages(tmp_path / "sms-200k.xml", synthetic_messages(200_000), count=200_000)
    (r,) = _importer(phone_db).import_paths([path]).files
    assert r.status == DONE, r.error
    assert r.read == r.added == 200_000
    assert History(phone_db).count() == 200_000
    assert len([e for e in r.flagged if e.level >= Level.WARN]) > 1000  # ~1 % are scam texts
    (again,) = _importer(phone_db).import_paths([path]).files
    assert (again.added, again.existing) == (0, 200_000)


def test_calls_in_csv_and_backup_for_recordings_later(phone_db: sqlite_utils.Database, tmp_path: Path) -> None:
    path = write_calls(tmp_path / "calls-1.xml", realistic_calls())
    imp = _importer(phone_db)
    imp.import_paths([path])
    near = imp.calls_near(realistic_calls()[0].at)
    assert any(c.number == "13912345678" and c.name == "儿子" for c in near)


def test_call_log_csv_columns_named_in_its_header_are_kept(phone_db: sqlite_utils.Database, tmp_path: Path) -> None:
    # a phone tool's export, saved by Excel in GBK: the name, the call type and the duration were dropped
    csv = tmp_path / "calls.csv"
    csv.write_bytes(
        "号码,姓名,类型,日期,时长\n13900001111,儿子小军,来电,2024-03-12 09:15:00,120\n"
        "+85261234567,,未接来电,2024-03-12 10:20:00,0\n95275012,,已拨电话,2024-03-12 11:00:00,1分35秒\n".encode("gbk")
    )
    (r,) = _importer(phone_db).import_paths([csv]).files
    assert (r.status, r.added) == (DONE, 3)
    rows = {row["number_raw"]: row for row in History(phone_db).query(kind="call", limit=None)}
    son, abroad, leased = rows["13900001111"], rows["+85261234567"], rows["95275012"]
    assert (son["name"], son["call_type"], son["duration_s"]) == ("儿子小军", "incoming", 120.0)
    assert (abroad["name"], abroad["call_type"], abroad["duration_s"]) == (None, "missed", 0.0)
    assert (leased["call_type"], leased["duration_s"]) == ("outgoing", 95.0)


def test_message_csv_is_screened_like_the_backup_messages(phone_db: sqlite_utils.Database, tmp_path: Path) -> None:
    """发件人/正文 headers, quoted bodies with commas and line breaks, the parent's own sent message kept unscreened,
    a title line above the header; a re-import adds nothing."""
    csv = tmp_path / "messages.csv"
    csv.write_text(
        "短信导出 2026-12-06\n发件人,联系人,类型,接收时间,正文\n"
        '17098765432,,接收,2026-12-04 08:45,"妈，我是小军，手机掉水里了，这是我新号。\n加我微信 xj20261204，急用钱，先转两万到卡上"\n'
        "13957112345,女儿,已发送,2026-12-04 09:00,好的妈妈，晚上回家吃饭\n"
        '95588,,接收,2026-12-04 10:00,"【工商银行】您尾号1234的卡消费100.00元, 余额888.00元"\n',
        encoding="utf-8-sig",
    )
    imp = _importer(phone_db)
    (r,) = imp.import_paths([csv]).files
    assert (r.kind, r.status, r.read, r.added, r.screened) == ("smslog", DONE, 3, 3, 2)
    (scam,) = r.suspicious()
    assert scam.number == "17098765432" and scam.kind == "sms" and scam.level >= Level.WARN
    assert scam.occurred_at == "2026-12-04T00:45:00+00:00" and "加我微信" in scam.excerpt
    rows = {row["number_raw"]: row for row in History(phone_db).query(limit=None)}
    assert {row["kind"] for row in rows.values()} == {"sms"} and rows["13957112345"]["name"] == "女儿"
    assert rows["13957112345"]["level"] is None and rows["13957112345"]["call_type"] == "sent"  # not screened
    assert rows["95588"]["transcript"].endswith("余额888.00元")  # the comma inside the quotes kept the text whole
    assert imp.import_paths([csv]).files[0].added == 0


def test_a_message_with_a_time_nobody_can_read_is_a_bad_line(phone_db: sqlite_utils.Database, tmp_path: Path) -> None:
    """「昨天下午」 was imported silently and dated at the moment of the import (a new user's trial)."""
    csv = tmp_path / "短信导出.csv"
    csv.write_text(
        "号码,时间,内容\n10690000123,2026-12-04 08:45,【优选商城】诚聘兼职刷单，日结200元，加QQ 3344556677\n"
        "95588,昨天下午,【工商银行】您尾号1234的卡消费100.00元\n",
        encoding="utf-8",
    )
    (r,) = _importer(phone_db).import_paths([csv]).files
    assert (r.status, r.added, r.bad_rows) == (FAILED, 0, 1)
    assert r.error is not None and "第 3 行：看不懂时间“昨天下午”" in r.error.render("zh")
    assert History(phone_db).count() == 0
    (skipped,) = PhoneImporter(phone_db, "妈妈", tz=CST, skip_bad=True).import_paths([csv]).files
    assert (skipped.status, skipped.added, skipped.bad_rows) == (DONE, 1, 1)
    assert [row["number_raw"] for row in History(phone_db).query(limit=None)] == ["10690000123"]


def test_bad_lines_in_a_call_log_fail_the_file_unless_skipped(phone_db: sqlite_utils.Database, tmp_path: Path) -> None:
    csv = tmp_path / "calls.csv"
    csv.write_text(
        "号码,时间\n95275012,2026-12-04 10:20\n138-12a4,2026-12-05 14:00\n138,0013,8000\n13957112345,2026-12-04 20:00\n",
        encoding="utf-8",
    )
    (r,) = _importer(phone_db).import_paths([csv]).files
    assert (r.status, r.added, r.read, r.bad_rows) == (FAILED, 0, 2, 2)
    assert r.error is not None and r.error.code is PhoneProblem.CSV_BAD_ROWS
    assert "有 2 行不对" in r.error.render("zh") and "第 3 行：“138-12a4” 不是电话号码" in r.error.render("zh")
    assert [n.render("en")[:7] for n in r.notes] == ["line 3:", "line 4:"]
    assert History(phone_db).count() == 0
    (skipped,) = PhoneImporter(phone_db, "妈妈", tz=CST, skip_bad=True).import_paths([csv]).files
    assert (skipped.status, skipped.added, skipped.bad_rows) == (DONE, 2, 2)
    assert skipped.notes[0].code is PhoneProblem.ROWS_SKIPPED
    assert {row["number_raw"] for row in History(phone_db).query(limit=None)} == {"95275012", "13957112345"}


@pytest.mark.parametrize("title", ["Exported 2026-12-06", "2026-12-06", "2026-12-06 18:30"])
def test_a_message_csv_under_a_short_title_line_is_read_as_messages(
    phone_db: sqlite_utils.Database, tmp_path: Path, title: str
) -> None:
    """The export's title (its date, with or without a word) came before the header: the file was taken as a call
    log with no header, line 1 blamed as "not a phone number", and with --skip-bad the texts stored as calls,
    their bodies dropped and never screened."""
    csv = tmp_path / "sms.csv"
    csv.write_text(
        f"{title}\nnumber,date,body\n10086,2026-11-03 15:05,Bill ready\n95588,2026-11-04 09:00,code 123456\n",
        encoding="utf-8",
    )
    (r,) = _importer(phone_db).import_paths([csv]).files
    assert (r.kind, r.status, r.read, r.added, r.screened, r.bad_rows) == ("smslog", DONE, 2, 2, 2, 0)
    (again,) = PhoneImporter(phone_db, "妈妈", tz=CST, skip_bad=True).import_paths([csv]).files
    assert (again.kind, again.status, again.added, again.existing, again.bad_rows) == ("smslog", DONE, 0, 2, 0)
    rows = History(phone_db).query(limit=None)
    assert sorted((row["kind"], row["number_raw"], row["occurred_at"], row["transcript"]) for row in rows) == [
        ("sms", "10086", "2026-11-03T07:05:00+00:00", "Bill ready"),
        ("sms", "95588", "2026-11-04T01:00:00+00:00", "code 123456"),
    ]


def test_a_call_log_under_a_date_title_line_keeps_its_columns(phone_db: sqlite_utils.Database, tmp_path: Path) -> None:
    """A date alone above a call log's header: the header's columns (name, duration) are read, not lost."""
    csv = tmp_path / "calls.csv"
    csv.write_text("2026-12-06\n号码,姓名,时间,时长\n13900001111,儿子小军,2026-12-04 09:15,120\n", encoding="utf-8")
    (r,) = _importer(phone_db).import_paths([csv]).files
    assert (r.kind, r.status, r.read, r.bad_rows) == ("calllog", DONE, 1, 0)
    (row,) = History(phone_db).query(limit=None)
    assert (row["number_raw"], row["name"], row["duration_s"]) == ("13900001111", "儿子小军", 120.0)


def test_a_call_log_is_read_by_its_number_column_under_a_title(phone_db: sqlite_utils.Database, tmp_path: Path) -> None:
    """A date alone before the 号码 column (2026/12/04) was the first number-like cell, so it was imported as a call
    from 20261204; the header's number column is what ``phone import``, ``check --file`` and the Check page read."""
    csv = tmp_path / "calls.csv"
    csv.write_bytes("通话记录-爸爸-20261206\n日期,号码,时长\n2026/12/04,13900001111,35\n".encode("gbk"))
    (r,) = _importer(phone_db).import_paths([csv]).files
    assert (r.kind, r.status, r.read, r.bad_rows) == ("calllog", DONE, 1, 0)
    (row,) = History(phone_db).query(limit=None)
    assert (row["number_raw"], row["occurred_at"], row["duration_s"]) == (
        "13900001111",
        "2026-12-03T16:00:00+00:00",
        35.0,
    )


def test_message_times_are_read_as_written_never_from_the_text(phone_db: sqlite_utils.Database, tmp_path: Path) -> None:
    """A date alone (local midnight) and a 下午 time were stored as the moment of the import; a message whose time
    cell was empty took the delivery date out of its own text.  An empty time is a bad line, like an unreadable one."""
    csv = tmp_path / "sms.csv"
    csv.write_text(
        "号码,时间,内容\n95588,2026-11-02,【工商银行】您尾号1234的卡于11月2日消费50元\n"
        "10086,2026年11月3日 下午3:05,您本月话费已出账\n10010,2026/11/4 15:05,流量提醒\n"
        "10016,2026-11-05 9:30 PM,积分兑换提醒\n"
        "13800138000,,您的快递将于2026-12-25 14:00送达，请保持电话畅通\n",
        encoding="utf-8",
    )
    (r,) = _importer(phone_db).import_paths([csv]).files
    assert (r.status, r.added, r.bad_rows) == (FAILED, 0, 1)
    assert r.error is not None and "第 6 行：没有时间" in r.error.render("zh")
    assert "line 6: no time" in r.error.render("en")
    (skipped,) = PhoneImporter(phone_db, "妈妈", tz=CST, skip_bad=True).import_paths([csv]).files
    assert (skipped.status, skipped.added, skipped.bad_rows) == (DONE, 4, 1)
    times = {row["number_raw"]: row["occurred_at"] for row in History(phone_db).query(limit=None)}
    assert times == {
        "95588": "2026-11-01T16:00:00+00:00",  # 2026-11-02 00:00 in Beijing
        "10086": "2026-11-03T07:05:00+00:00",
        "10010": "2026-11-04T07:05:00+00:00",
        "10016": "2026-11-05T13:30:00+00:00",
    }


def test_message_csv_with_the_date_and_the_time_apart(phone_db: sqlite_utils.Database, tmp_path: Path) -> None:
    csv = tmp_path / "sms.csv"
    csv.write_text(
        "号码,日期,时间,内容\n95588,2026-11-02,下午3:05,【工商银行】您尾号1234的卡消费50元\n", encoding="utf-8"
    )
    (r,) = _importer(phone_db).import_paths([csv]).files
    assert (r.kind, r.status, r.added) == ("smslog", DONE, 1)
    assert History(phone_db).query(limit=None)[0]["occurred_at"] == "2026-11-02T07:05:00+00:00"


def test_message_csv_without_a_time_column_is_refused(phone_db: sqlite_utils.Database, tmp_path: Path) -> None:
    """Every message would be dated at the import (or at a date in its own text): nothing is imported."""
    csv = tmp_path / "sms.csv"
    csv.write_text("号码,内容\n13800138000,您的快递将于2026-12-25 14:00送达，请保持电话畅通\n", encoding="utf-8")
    (r,) = _importer(phone_db).import_paths([csv]).files
    assert r.status == FAILED and r.error is not None and r.error.code is PhoneProblem.CSV_NO_TIME_COLUMN
    assert "没有时间列（表头是：号码，内容）" in r.error.render("zh") and "no time column" in r.error.render("en")
    assert History(phone_db).count() == 0


def test_call_log_times_read_like_message_times(phone_db: sqlite_utils.Database, tmp_path: Path) -> None:
    """A call log's date alone, 下午 time and empty or unreadable time, as in a message CSV; a log without a header
    reads the date on each line."""
    csv = tmp_path / "calls.csv"
    csv.write_text(
        "号码,时间,时长\n95275012,2026-11-02,35\n13957112345,2026年11月3日 下午3:05,80\n"
        "10690000123,,0\n13900001111,昨天下午,12\n",
        encoding="utf-8",
    )
    result = _importer(phone_db).import_paths([csv])
    (r,) = result.files
    assert (r.status, r.added, r.bad_rows) == (FAILED, 0, 2)
    said = [m.render("zh") for m in result.summary()]
    # the only file failed: no 「其余的照常导入了」 with nothing else there (a trial)
    assert "没有导入任何文件（原因见上）" in said and not any("其余" in line for line in said), said
    assert [n.render("zh") for n in r.notes] == [
        "第 4 行：没有时间（时间一栏是空的）",
        "第 5 行：看不懂时间“昨天下午”（应为 2024-03-12 09:15 这样的日期和时间）",
    ]
    (skipped,) = PhoneImporter(phone_db, "妈妈", tz=CST, skip_bad=True).import_paths([csv]).files
    assert (skipped.status, skipped.added, skipped.bad_rows) == (DONE, 2, 2)
    plain = tmp_path / "calls.txt"
    plain.write_text("95588,2026-11-04 下午3:05\n10086,2026/11/5\n", encoding="utf-8")
    (p,) = _importer(phone_db).import_paths([plain]).files
    assert (p.kind, p.status, p.added) == ("calllog", DONE, 2)
    times = {row["number_raw"]: row["occurred_at"] for row in History(phone_db).query(kind="call", limit=None)}
    assert times == {
        "95275012": "2026-11-01T16:00:00+00:00",
        "13957112345": "2026-11-03T07:05:00+00:00",
        "95588": "2026-11-04T07:05:00+00:00",
        "10086": "2026-11-04T16:00:00+00:00",
    }


def test_a_date_without_its_year_is_this_years_and_a_failed_import_leaves_no_person(
    phone_db: sqlite_utils.Database, tmp_path: Path
) -> None:
    """A volunteer's Excel file wrote 12月6日: the whole import was refused (看不懂时间), and the person named for it
    stayed behind, so that ``report`` then asked which of two people was meant."""
    from datetime import datetime, timedelta

    today = datetime.now(CST).date()
    yesterday, tomorrow = today - timedelta(days=1), today + timedelta(days=1)
    if (tomorrow.month, tomorrow.day) == (2, 29):  # a day last year had too
        tomorrow += timedelta(days=1)
    bad = tmp_path / "bad.csv"
    bad.write_text("号码,时间\n95275012,昨天下午\n", encoding="utf-8")
    (r,) = PhoneImporter(phone_db, "王阿姨", tz=CST).import_paths([bad]).files
    assert r.status == FAILED
    assert History(phone_db).profiles() == []
    csv = tmp_path / "calls.csv"
    csv.write_text(
        f"号码,时间\n95275012,{yesterday.month}月{yesterday.day}日 下午3点05分\n"
        f"13957112345,{tomorrow.month}月{tomorrow.day}号\n",
        encoding="gbk",
    )
    (r,) = PhoneImporter(phone_db, "王阿姨", tz=CST).import_paths([csv]).files
    assert (r.status, r.added) == (DONE, 2)
    assert History(phone_db).profiles() == ["王阿姨"]
    times = {row["number_raw"]: row["occurred_at"][:10] for row in History(phone_db).query(kind="call", limit=None)}
    # yesterday 15:05 in China is the same UTC day; "tomorrow" has not come yet, so it was last year's
    assert times["95275012"] == yesterday.isoformat()
    assert times["13957112345"] == (tomorrow.replace(year=tomorrow.year - 1) - timedelta(days=1)).isoformat()


def test_a_text_that_names_a_time_still_tells_messages_without_a_header(
    phone_db: sqlite_utils.Database, tmp_path: Path
) -> None:
    """A message body with a delivery time in it is text, not a time cell: the file is not taken for a call log."""
    csv = tmp_path / "sms.csv"
    csv.write_text("13800138000,2026-12-05 09:00,您的快递将于2026-12-25 14:00送达，请保持电话畅通\n", encoding="utf-8")
    (r,) = _importer(phone_db).import_paths([csv]).files
    assert r.status == FAILED and r.error is not None and r.error.code is PhoneProblem.CSV_TEXT_WITHOUT_HEADER
    assert History(phone_db).count() == 0


def test_the_report_shows_evidence_as_the_message_wrote_it(phone_db: sqlite_utils.Database, tmp_path: Path) -> None:
    """A trial: the family report's evidence read 〖加qq〗 (the detector's normalised words) for 「加QQ」, and a phrase
    heard across the sender's brackets made a chip 〖医保局】您的医保卡已被冻结〗."""
    from datetime import datetime, timezone

    from app.reports.family import collect_report, render_html

    csv = tmp_path / "短信.csv"
    csv.write_text(
        "号码,时间,短信内容\n"
        "10690000123,2026-12-03 20:11,【优选商城】诚聘兼职刷单，日结200元，加QQ 3344556677\n"
        "10690000124,2026-12-04 09:30,【医保局】您的医保卡已被冻结，请点击 http://ybk-jd.cc 解冻，逾期将影响报销。\n",
        encoding="utf-8",
    )
    (r,) = _importer(phone_db).import_paths([csv]).files
    assert (r.status, r.added) == (DONE, 2)
    rep = collect_report(phone_db, "妈妈", days=7, now=datetime(2026, 12, 5, tzinfo=timezone.utc))
    evidence = [e for item in rep.items for e in item.evidence]
    assert "加QQ" in evidence and "加qq" not in evidence, evidence
    assert not [e for e in evidence if "】" in e or "【" in e], evidence
    assert "〖加QQ〗" in render_html(rep, "zh")


def test_the_report_says_first_that_she_called_the_number_a_scam_text_gave(
    phone_db: sqlite_utils.Database, tmp_path: Path
) -> None:
    """A fake courier SMS gave 「客服电话 400-123-4567」 and Mum rang it twice: the report explained the dialled call,
    but never said it was the scam's number (a trial). From a real backup, the report now says so first; a call to
    it before the SMS came, or to another number, is not counted."""
    from datetime import datetime, timedelta, timezone

    from app.reports.family import collect_report, contacted_text, render_html
    from tests.app.phone.backup_factory import BASE, Call, Sms, write_calls, write_messages

    folder = tmp_path / "备份"
    folder.mkdir()
    scam = (
        "【顺丰速运】您的快递在运输中丢失，我司将双倍理赔，请致电客服400-123-4567办理理赔退款，请勿告诉他人。"
        "顺丰官方热线95338"
    )
    write_messages(folder / "sms-1.xml", [Sms("10690000777", BASE, scam)])
    write_calls(
        folder / "calls-1.xml",
        [
            Call("95338", BASE + timedelta(minutes=5), type=2),  # the real hotline the scam quoted: the right call
            Call("4001234567", BASE - timedelta(days=1), type=2),  # before the SMS: not because of it
            Call("4001234567", BASE + timedelta(minutes=20), type=2, duration=300),
            Call("400 123 4567", BASE + timedelta(hours=2), type=2, duration=120),
            Call("13912345678", BASE + timedelta(hours=3), type=2),  # her son: no scam gave it
        ],
    )
    result = _importer(phone_db).import_paths([folder])
    assert result.ok
    rep = collect_report(phone_db, "妈妈", days=7, tz=CST, now=BASE + timedelta(days=1))
    (c,) = rep.contacted
    assert (c.number, c.times, c.kinds, c.source_kind, c.source_number) == (
        "4001234567",
        2,
        ["call"],
        "sms",
        "10690000777",
    )
    assert c.scheme_zh == "冒充电商物流客服"
    zh, en = contacted_text(c, CST)
    assert zh.startswith("2026-11-30 09:20 拨打 4001234567（2 次）：这个号码是 2026-11-30 09:00 的可疑短信"), zh
    assert "冒充电商物流客服" in zh and "10690000777" in zh
    assert en.startswith("2026-11-30 09:20 called 4001234567 (twice): that number was given by the suspicious message")
    page = render_html(rep, "zh")
    assert page.index("拨打或回复了可疑短信、录音里留的号码") < page.index("数字一览")  # first, before the counts
    assert "马上打 110 报警" in page and "role='alert'" in page
    assert "called or texted a number that a suspicious message gave" in render_html(rep, "en").lower()
    # nothing to say when she did not call it
    later = collect_report(phone_db, "妈妈", since=datetime(2026, 11, 29, tzinfo=timezone.utc),
                           until=BASE + timedelta(minutes=10), tz=CST)  # fmt: skip
    assert later.contacted == [] and "拨打或回复了可疑短信" not in render_html(later, "zh")


def test_a_spreadsheet_in_a_folder_is_named_not_passed_over(phone_db: sqlite_utils.Database, tmp_path: Path) -> None:
    """A trial: 短信.xlsx beside the call log in the phone's folder was skipped without a word, and she took her SMS
    for checked. In a folder it is said, as when named; other files there (a photo, a zip) are still passed over."""
    import zipfile

    from app.phone.importer import PASSED_OVER

    folder = tmp_path / "手机"
    folder.mkdir()
    with zipfile.ZipFile(folder / "短信.xlsx", "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
    with zipfile.ZipFile(folder / "照片.zip", "w") as zf:
        zf.writestr("a.txt", "x")
    (folder / "通话记录.csv").write_text("号码,时间\n13800138000,2026-11-29 07:00\n", encoding="utf-8")
    result = _importer(phone_db).import_paths([folder])
    by_name = {Path(f.path).name: f for f in result.files}
    assert sorted(by_name) == ["短信.xlsx", "通话记录.csv"]
    sheet = by_name["短信.xlsx"]
    assert sheet.status == PASSED_OVER and sheet.error is not None and "另存为" in sheet.error.render("zh")
    assert result.ok  # passed over with why, not a failure of the import (a storage dump holds many spreadsheets)
    named = _importer(phone_db).import_paths([folder / "短信.xlsx"]).files[0]
    assert named.status == FAILED  # named on purpose: the import of it failed


def test_a_call_she_made_is_not_judged_as_a_callers_shown_number(
    phone_db: sqlite_utils.Database, tmp_path: Path
) -> None:
    """A 400 number does not call out, so one shown as a caller is likely spoofed; the mother dialling the 400 number a
    scam SMS gave her is no spoof, and the report explained it as one (a volunteer's trial)."""
    from tests.app.phone.backup_factory import BASE, Call, write_calls

    calls = write_calls(tmp_path / "calls-1.xml", [Call("4008881234", BASE, type=2), Call("4008885678", BASE, type=1)])
    (result,) = _importer(phone_db).import_paths([calls]).files
    assert result.status == DONE
    rows = {r["number_raw"]: r for r in History(phone_db).query(kind="call")}
    assert rows["4008885678"]["level"] >= Level.WARN  # shown as a caller: the 400/800 rule
    dialled = rows["4008881234"]
    assert dialled["level"] < Level.CAUTION and not any(
        "400" in str(r.get("code", "")) for r in dialled["reasons"] or []
    ), dialled["reasons"]


def _sms_xml(bodies: list[str], encoding: str) -> str:
    rows = "".join(
        f'<sms protocol="0" address="1069000012{i}" date="{1764979200000 + i}" type="1" body="{b}" read="1" />\n'
        for i, b in enumerate(bodies)
    )
    return f'<?xml version="1.0" encoding="{encoding}" standalone="yes" ?>\n<smses count="{len(bodies)}">\n{rows}</smses>\n'


BODIES = ["【优选商城】诚聘兼职刷单，日结200元，加QQ 12345678", "【工商银行】您尾号1234的账户入账工资5000元"]


@pytest.mark.parametrize("declared", ["GBK", "gb2312", "utf-8"])
def test_a_backup_saved_as_gbk_imports(phone_db: sqlite_utils.Database, tmp_path: Path, declared: str) -> None:
    """A trial: a GBK backup failed with a bare ValueError when it said GBK (the parser takes no multi-byte
    encoding), and as "not copied completely" when a Chinese Windows editor saved it as ANSI under its UTF-8
    declaration. Both are read as GB18030 now, every message whole."""
    path = tmp_path / "sms-20261205093000.xml"
    path.write_bytes(_sms_xml(BODIES, declared).encode("gbk"))
    result = _importer(phone_db).import_paths([path])
    assert result.ok and result.files[0].added == 2
    bodies = sorted(r["transcript"] for r in History(phone_db).query(kind="sms", limit=None))
    assert bodies == sorted(BODIES)


def test_a_backup_that_stops_being_utf8_says_so_and_adds_nothing(
    phone_db: sqlite_utils.Database, tmp_path: Path
) -> None:
    """UTF-8 at its start, other bytes far on (a file pieced together, or damaged): the line is named and the
    reason is the encoding, not a cut-off file; nothing of the good start is kept."""
    good = _sms_xml([f"第{i}条正常短信，您的验证码是{i:06d}" for i in range(3000)], "utf-8").encode("utf-8")
    head, _, tail = good.rpartition(b"</smses>")
    bad_line = '<sms protocol="0" address="95588" date="1764979300000" type="1" body="坏掉的编码" read="1" />\n'
    path = tmp_path / "sms-20261206093000.xml"
    path.write_bytes(head + bad_line.encode("gbk") + b"</smses>" + tail)
    result = _importer(phone_db).import_paths([path])
    error = result.files[0].error
    assert not result.ok and error is not None and error.code is BackupProblem.NOT_UTF8
    assert "3003" in error.render("zh") and "UTF-8" in error.render("en") and "Notepad" in error.render("en")
    assert History(phone_db).query(kind="sms", limit=None) == []
