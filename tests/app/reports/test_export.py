"""CSV/HTML report export: real files written and read back."""

from __future__ import annotations

import csv
import datetime as dt
import html.parser
import re
import shutil
import subprocess
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from app.models.history_model import HistoryRow
from app.models.recording_model import FileStatus, RecordingRow
from app.reports import export as reports
from screening.i18n import BiText
from screening.types import Level


@dataclass(frozen=True)
class Hit:  # same attributes as screening.transcript PhraseHit (unit-test stand-in)
    start: int
    end: int
    matched: str
    category: str
    category_text: BiText
    explanation: BiText
    t: float | None = None


@dataclass(frozen=True)
class Ent:
    kind: str
    value: str
    start: int = 0
    end: int = 0


FRAUD = "您好我是客服，您的积分即将过期，请加QQ群 12345678 并告诉我验证码 <script>alert(1)</script>"
CAT = BiText("冒充运营商客服/积分兑换", "fake carrier points redemption")


def _fraud_row(path: str = "/rec/a&b.wav") -> RecordingRow:
    hits = (
        Hit(7, 11, "积分即将", "points", CAT, BiText("积分过期是常见诱饵", "expiring points are a lure"), 3.0),
        Hit(
            FRAUD.index("验证码"), FRAUD.index("验证码") + 3, "验证码", "points", CAT, BiText("索要验证码", "asks code")
        ),
    )
    return RecordingRow(
        path=path,
        status=FileStatus.DONE,
        level=Level.BLOCK,
        score=0.93,
        category="points",
        category_text=CAT,
        transcript=FRAUD,
        hits=hits,
        entities=(Ent("qq_group", "12345678"), Ent("url", "http://x.example/?a=<b>")),
    )


def _rows() -> list[RecordingRow]:
    return [
        RecordingRow(
            path="/rec/ok.wav", status=FileStatus.DONE, level=Level.UNKNOWN, score=0.05, transcript="喂 妈 吃饭了吗"
        ),
        _fraud_row(),
        RecordingRow(path="/rec/bad.wav", status=FileStatus.FAILED, error=BiText("文件已损坏", "file is damaged")),
    ]


def test_recordings_csv_roundtrip_utf8_bom(tmp_path: Path) -> None:
    out = tmp_path / "out" / "scan.csv"
    assert reports.write_recordings_csv(_rows(), out, "zh") == 3
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "Excel needs the BOM to read Chinese"
    with out.open(encoding="utf-8-sig", newline="") as fh:
        table = list(csv.reader(fh))
    assert table[0][:3] == ["文件", "状态", "风险等级"]
    assert len(table) == 4
    fraud = table[2]
    assert fraud[0] == "/rec/a&b.wav"
    assert fraud[2] == "✖ 拦截"
    assert fraud[3] == "0.93"
    assert "积分即将（冒充运营商客服/积分兑换）" in fraud[5]
    assert "QQ群号：12345678；链接：" in fraud[6]  # the reader's own colon and list separator
    assert fraud[7] == FRAUD
    assert table[3][1] == "失败" and table[3][8] == "文件已损坏"
    # a recording read with nothing found is ○ 未发现诈骗, as its banner says (it was ? 未知, an unknown caller's word)
    assert table[1][0] == "/rec/ok.wav" and table[1][2] == "○ 未发现诈骗" and table[3][2] == ""


def test_recordings_html_says_nothing_found_apart_from_unknown() -> None:
    """The 录音分析 report's summary and cards said 「? 未知」 for recordings the page showed as 「○ 未发现诈骗」; a file
    that could not be read has no verdict word at all."""
    page = reports.render_recordings_html(_rows(), "zh")
    summary = page[page.index("<h2>汇总") : page.index("</table>")]
    assert re.search(r"○ 未发现诈骗</span></td><td>1<", summary), summary
    assert re.search(r"\? 未知</span></td><td>0<", summary), summary
    # the file that could not be read is counted too: the rows add up to the total (a trial: 合计 7 over rows of 5)
    assert re.search(r"\? 未知</span> · 没能检查</td><td>1<", summary), summary
    counts = [int(n) for n in re.findall(r"</td><td>(\d+)<", summary)]
    assert sum(counts[:-1]) == counts[-1] == len(_rows()), counts
    headings = {line.rsplit(" ", 1)[-1]: line for line in page.splitlines() if line.startswith("<h2>")}
    assert "○ 未发现诈骗" in headings["ok.wav</h2>"] and "未知" not in headings["ok.wav</h2>"]
    assert headings["bad.wav</h2>"] == "<h2> bad.wav</h2>"


def test_recordings_csv_english(tmp_path: Path) -> None:
    out = tmp_path / "scan.csv"
    reports.write_recordings_csv(_rows(), out, "en")
    table = _read_csv(out)
    assert table[0][0] == "file" and table[2][2] == "✖ block" and table[3][8] == "file is damaged"


def test_csv_defuses_formulas_but_keeps_phone_numbers() -> None:
    assert reports.csv_safe("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert reports.csv_safe("@SUM(A1)") == "'@SUM(A1)"
    assert reports.csv_safe("+86 138-0013-8000") == "+86 138-0013-8000"
    assert reports.csv_safe("+cmd|x") == "'+cmd|x"
    assert reports.csv_safe("\t=1+2") == "'\t=1+2"  # a tab before a formula is no phone number


def test_number_cells_open_as_text_in_a_spreadsheet(tmp_path: Path) -> None:
    """A volunteer's trial: LibreOffice opened 00110 as 110 (next to 拦截: the police number blocked?), +86… without
    its +, and a mobile as 1.39123E+10. The 查号 export's own file, opened with comma and tab both ticked as
    separators (a reviewer found an unquoted tab split the row there), keeps every number as text in its column."""
    from app.models.check_model import CheckRow
    from screening.screener import NumberScreener

    assert reports.csv_number("00110") == "\t00110"
    assert reports.csv_number("+8617001234567") == "\t+8617001234567"
    assert reports.csv_number("0513-96110") == "\t0513-96110"
    assert reports.csv_number("张三") == "张三" and reports.csv_number("") == ""
    assert reports.csv_number("=cmd") == "'=cmd"
    screener = NumberScreener(None)
    numbers = ("00110", "13912345678", "+8617001234567")
    out = tmp_path / "check.csv"
    reports.write_check_csv([CheckRow(n, screener.screen(n), name="张三") for n in numbers], out, "zh")
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed: the spreadsheet check needs it (.ci/run installs it)")
    subprocess.run(
        [soffice, "--headless", "--infilter=CSV:44/9,34,76,1", "--convert-to", "xml:Calc MS Excel 2007 XML",
         "--outdir", str(tmp_path), str(out)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    with zipfile.ZipFile(tmp_path / "check.xml") as sheet:  # (an .xlsx under another name)
        cells = sheet.read("xl/worksheets/sheet1.xml").decode()
        strings = sheet.read("xl/sharedStrings.xml").decode()
    column_a = re.findall(r'<c r="A(\d+)"[^>]*?(?: t="(\w+)")?[^>]*>', cells)
    assert [row for row, kind in column_a if kind == "n"] == []  # no number read as a number
    for n in numbers:
        assert n in strings
    column_c = re.findall(r'<c r="C(\d+)"', cells)  # 姓名 stays in its column: the tab split nothing
    assert len(column_c) == 1 + len(numbers)


def test_a_check_export_opens_again_on_the_check_page_and_in_check_file(tmp_path: Path) -> None:
    """The tab before each number must not cost this app's own readers the file (a reviewer found 「没有找到电话
    号码」 and every row 'ambiguous' once the tab was read as a separator)."""
    from app.cli.numbers import iter_check_input
    from app.models.calllog import read_call_log
    from app.models.check_model import CheckRow
    from screening.screener import NumberScreener

    screener = NumberScreener(None)
    numbers = ["95275012", "13912345678", "+8617001234567"]
    out = tmp_path / "check.csv"
    rows = [CheckRow(n, screener.screen(n), name="张三", time="2026-12-06 10:00") for n in numbers]
    for lang in ("zh", "en"):
        reports.write_check_csv(rows, out, lang)
        log = read_call_log(out)
        assert sorted(log.numbers) == sorted(numbers) and not log.unclear_lines
        assert {d.name for d in log.details} == {"张三"}
        with out.open("rb") as fh:
            read = [(v, p) for v, p, _d in iter_check_input(fh, str(out))]
        assert sorted(v for v, p in read if v) == sorted(numbers) and not [p for _v, p in read if p]


def _read_csv(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.reader(fh))


class _Collector(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.marks: list[str] = []
        self.titles: list[str] = []
        self.tags: set[str] = set()
        self._in_mark = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        if tag == "mark":
            self._in_mark = True
            self.marks.append("")
            self.titles.extend(v or "" for k, v in attrs if k == "title")

    def handle_endtag(self, tag: str) -> None:
        if tag == "mark":
            self._in_mark = False

    def handle_data(self, data: str) -> None:
        if self._in_mark:
            self.marks[-1] += data


def test_recordings_html_self_contained_escaped_highlighted(tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    reports.write_recordings_html(_rows(), out, "zh", generated_at=dt.datetime(2026, 1, 2, 3, 4))
    text = out.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>") and 'lang="zh-CN"' in text and '<meta charset="utf-8">' in text
    # self-contained: no scripts, no external resources
    assert "<script>" not in text and "src=" not in text and "<link" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "a&amp;b.wav" in text
    assert "http://x.example/?a=&lt;b&gt;" in text
    parser = _Collector()
    parser.feed(text)
    assert "script" not in parser.tags
    assert "积分即将" in parser.marks and "验证码" in parser.marks
    assert any("冒充运营商客服/积分兑换" in t and "积分过期是常见诱饵" in t for t in parser.titles)
    assert "QQ群号" in text and "12345678" in text
    assert "✖ 拦截" in text and "文件已损坏" in text
    assert "2026-01-02 03:04" in text
    # highest risk first
    assert text.index("a&amp;b.wav") < text.index("ok.wav")


def test_highlight_merges_overlaps_and_clamps() -> None:
    text = "abcdef<g>"
    hits = [
        Hit(1, 3, "bc", "c", BiText("甲", "A"), BiText("", "")),
        Hit(2, 5, "cde", "c", BiText("乙", "B"), BiText("", "")),
        Hit(7, 99, "g>", "c", BiText("丙", "C"), BiText("", "")),
        Hit(5, 5, "", "c", BiText("空", "E"), BiText("", "")),
    ]
    out = reports.highlight_html(text, hits, "en")
    assert out == 'a<mark title="A; B">bcde</mark>f&lt;<mark title="C">g&gt;</mark>'


def test_history_exports(tmp_path: Path) -> None:
    when = dt.datetime(2026, 3, 1, 9, 30, 0)
    rows = [
        HistoryRow(
            id=1,
            kind="call",
            time=when,
            number="+8695275012",
            level=Level.WARN,
            score=0.6,
            reasons=(BiText("95 开头的 8 位号码多为租用的呼叫中心号段", "leased 95 call-center number"),),
            source="modem",
        ),
        HistoryRow(
            id=2,
            kind="recording",
            time=when,
            path="/r/x.wav",
            level=Level.BLOCK,
            score=0.9,
            transcript=FRAUD,
            hits=_fraud_row().hits,
            entities=_fraud_row().entities,
            category_text=CAT,
        ),
    ]
    csv_path = tmp_path / "h.csv"
    html_path = tmp_path / "h.html"
    assert reports.write_report("history", "csv", rows, csv_path, "zh") == 2
    assert reports.write_report("history", "html", rows, html_path, "en") == 2
    table = _read_csv(csv_path)
    assert table[1][0] == "2026-03-01 09:30:00" and table[1][1] == "来电" and table[1][2] == "\t+8695275012"
    assert table[1][3] == "⚠ 警告" and "租用的呼叫中心" in table[1][6]
    assert table[2][1] == "录音" and "QQ群号：12345678" in table[2][8]
    page = html_path.read_text(encoding="utf-8")
    assert 'lang="en"' in page and "leased 95 call-center number" in page and "<mark" in page
    assert "QQ group" in page
    assert "家人" not in table[0] and "family member" not in page  # nobody's phone: no such column
    # a volunteer's weekly record for the police: whose phone each row came from (a trial's named nobody)
    rows[1] = HistoryRow(
        id=2, kind="sms", time=when, number="10690000123", transcript=FRAUD, profile="3号楼刘阿姨", note="老人没转账"
    )
    reports.write_report("history", "csv", rows, csv_path, "zh")
    reports.write_report("history", "html", rows, html_path, "zh")
    table = _read_csv(csv_path)
    column = table[0].index("家人")
    assert [r[column] for r in table[1:]] == ["", "3号楼刘阿姨"]
    assert [r[table[0].index("备注")] for r in table[1:]] == ["", "老人没转账"]
    assert "家人：" in html_path.read_text(encoding="utf-8") and "3号楼刘阿姨" in html_path.read_text(encoding="utf-8")


def test_failed_export_leaves_existing_file(tmp_path: Path) -> None:
    out = tmp_path / "keep.csv"
    out.write_text("old", encoding="utf-8")

    class Boom:
        path = "x"

        @property
        def status(self) -> str:
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        reports.write_recordings_csv([Boom()], out)
    assert out.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["keep.csv"]


def test_evidence_column_quotes_each_stretch_of_speech_once() -> None:
    """The reports use the live path's quote-once rule (screening.transcript.explain.distinct_phrases)."""
    from types import SimpleNamespace

    from screening.i18n import BiText

    generic = BiText("常见诈骗手法", "Common scam tactics")
    hits = [SimpleNamespace(category="generic", category_text=generic, matched=m) for m in ("转到安全账户", "安全账户")]
    assert reports._evidence_text(hits, "zh") == "转到安全账户（常见诈骗手法）"


def test_a_clue_is_listed_with_the_colon_its_language_writes() -> None:
    """The 查号, 记录 and 录音分析 pages list clues the same way (记录 wrote 「link：…」 in English)."""
    from app.reports.export import entity_line

    assert entity_line("url", "http://icbc-upd.cc", "zh") == "链接：http://icbc-upd.cc"
    assert entity_line("url", "http://icbc-upd.cc", "en") == "link: http://icbc-upd.cc"


def test_shown_transcript_marks_the_hits_own_words_however_the_text_was_written() -> None:
    """Marks land on the words the detector read, in the text as written: after a run of 「嗯……」 (a review found them
    on 「气不错」), in full-width letters, and where the alignment cannot help they are found by their words."""
    from screening.transcript import ScriptDetector
    from screening.transcript.normalise import normalise

    det = ScriptDetector.default()
    for text in (
        "嗯……" * 65 + "请把验证码告诉客服，再把钱转到安全账户。" + "今天天气不错，我们下午去公园散步。" * 8,
        "【工商银行】请加ＱＱ：８８７６５４３２，逾期扣除五千元手续费。",
        "…" * 1000 + "您的积分即将过期，请把收到的验证码告诉我",
    ):
        a = det.assess(text, "chat")
        shown, hits = reports.shown_transcript(text, a.hits)
        assert a.hits and len(hits) == len(a.hits)
        for hit, orig in zip(hits, a.hits, strict=True):
            assert orig.matched in normalise(hit.matched) or normalise(hit.matched) in orig.matched, (hit.matched, orig)


def test_reasons_quote_the_text_as_written_and_leave_other_quotes() -> None:
    text = "【工商银行】请加ＱＱ：８８７６５４３２，逾期扣除五千元手续费。"
    lines = [
        "「加qq」：让你加QQ、微信或私聊。",
        "最可疑的说法：「逾期扣除5000元手续费」",
        "“加qq”: Asks you to add a QQ or WeChat contact.",
        "整段话读来最像「冒充银行 / 钓鱼链接」",  # a scheme's name, not from the text
        "「验证马」（听起来像「验证码」）",  # neither is in this text
    ]
    assert reports.quoted_as_written(lines, text) == [
        "「加ＱＱ」：让你加QQ、微信或私聊。",
        "最可疑的说法：「逾期扣除五千元手续费」",
        "“加ＱＱ”: Asks you to add a QQ or WeChat contact.",
        "整段话读来最像「冒充银行 / 钓鱼链接」",
        "「验证马」（听起来像「验证码」）",
    ]
    assert reports.quoted_as_written(lines, "") == lines
