"""The family report's timeline chart, as the trial user saw it (g_family2c/3c.png, chart-crop.png): checked on the
SVG markup (what QtSvg and browsers draw from) and, for the HTML report, measured in headless chromium."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections import Counter
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from app.reports.family import KIND_COLOR, SafetyReport, render_html, timeline_svg

NS = "{http://www.w3.org/2000/svg}"
NOW = datetime(2026, 12, 6, tzinfo=timezone.utc)


def _report(days: int = 7) -> SafetyReport:
    rep = SafetyReport(profile="妈妈", since=NOW - timedelta(days=days), until=NOW, tz=timezone.utc, generated_at=NOW)
    rep.timeline = {
        date(2026, 12, 1): Counter(call=1, sms=1),
        date(2026, 12, 4): Counter(call=2, sms=1, recording=1),
        date(2026, 12, 5): Counter(call=3),
    }
    rep.calls_suspicious, rep.sms_suspicious, rep.recordings_flagged = 6, 2, 1
    return rep


def _texts(root: ET.Element) -> list[tuple[str, float, float, str | None, float]]:
    """(text, x, y, text-anchor attribute, font size) for every <text>; no CSS is looked at (QtSvg ignores it)."""
    out = []
    for el in root.iter(f"{NS}text"):
        size = float(el.get("font-size", "28").removesuffix("px"))
        out.append((el.text or "", float(el.get("x", 0)), float(el.get("y", 0)), el.get("text-anchor"), size))
    return out


def _vertical_lines(root: ET.Element) -> list[float]:
    """The x of every vertical line, drawn as <line> or as a path "M x y v length" (pygal's guides)."""
    xs = [float(el.get("x1", 0)) for el in root.iter(f"{NS}line") if el.get("x1") == el.get("x2")]
    for el in root.iter(f"{NS}path"):
        m = re.fullmatch(r"M\s*([\d.]+)\s+[\d.]+\s+v\s*[\d.]+", (el.get("d") or "").strip())
        if m:
            xs.append(float(m.group(1)))
    return xs


@pytest.mark.parametrize("days", [7, 30])
def test_y_numbers_stand_clear_left_of_the_axis_and_no_vertical_grid_runs_through_the_bars(days: int) -> None:
    root = ET.fromstring(timeline_svg(_report(days)))
    verticals = _vertical_lines(root)
    assert len(verticals) == 1, f"vertical lines besides the y axis: {verticals}"
    axis = verticals[0]
    numbers = [t for t in _texts(root) if t[0].isdigit()]
    assert [t[0] for t in numbers][:2] == ["0", "1"]
    for text, x, _y, anchor, size in numbers:
        assert anchor == "end", f"y label {text!r} is not right-aligned by an attribute (QtSvg ignores CSS)"
        assert x <= axis - 0.2 * size, f"y label {text!r} at x={x} runs into the axis at {axis}"


def test_the_zero_sits_clear_above_the_first_date_label() -> None:
    texts = _texts(ET.fromstring(timeline_svg(_report())))
    zero = next(t for t in texts if t[0] == "0")
    first_date = next(t for t in texts if re.fullmatch(r"\d\d-\d\d", t[0]))
    zero_bottom = zero[2] + 0.2 * zero[4]  # digits sit on the baseline; a little room for the font's rounding
    date_top = first_date[2] - 0.8 * first_date[4]
    assert date_top - zero_bottom >= 6, f"'0' ends at {zero_bottom:.0f}, '{first_date[0]}' starts at {date_top:.0f}"


def test_an_empty_timeline_says_so_and_has_no_scale_to_read() -> None:
    """A trial: a week with nothing risky still drew 0, 1 and 2 up the axis, as if there were something to count."""
    rep = _report()
    rep.timeline = {}
    rep.calls_screened = 12  # a week checked, nothing risky in it
    texts = _texts(ET.fromstring(timeline_svg(rep, "zh")))
    assert [t[0] for t in texts if t[0].isdigit()] == ["0"]
    assert "这段时间没有可疑事件" in [t[0] for t in texts]
    assert "No risky events in this period" in timeline_svg(rep, "en")
    assert "这段时间没有可疑事件" not in timeline_svg(_report(), "zh")  # a chart with bars has its scale
    # both languages (the exported report): a line each, each inside the plot (a review: one line ran off both edges)
    root = ET.fromstring(timeline_svg(rep))
    width = float(root.get("width", 0))
    notes = [t for t in _texts(root) if t[0] in ("这段时间没有可疑事件", "No risky events in this period")]
    assert len(notes) == 2 and notes[0][2] < notes[1][2]
    for text, x, _y, anchor, size in notes:
        ems = sum(1.0 if "\u4e00" <= ch <= "\u9fff" else 0.6 for ch in text)  # a generous width per character
        assert anchor == "middle" and x - ems * size / 2 > 0 and x + ems * size / 2 < width, (text, x, width)
    # nothing checked at all: it does not say 「没有可疑事件」 (the report's verdict says nothing was checked)
    rep.calls_screened = rep.sms_screened = rep.recordings_scanned = 0
    assert rep.checked_total == 0
    assert "这段时间没有检查任何记录" in timeline_svg(rep, "zh") and "没有可疑事件" not in timeline_svg(rep, "zh")


def test_one_language_for_the_page_both_for_the_report() -> None:
    rep = _report()
    zh, en, both = timeline_svg(rep, "zh"), timeline_svg(rep, "en"), timeline_svg(rep)
    assert all(w in zh for w in ("每天的可疑事件", "电话", "短信", "录音"))
    assert not re.search(r"calls|SMS|recordings|per day", zh)
    assert all(w in en for w in ("Risky events per day", "Calls", "SMS", "Recordings"))
    assert not re.search(r"[\u4e00-\u9fff]", en)
    assert "电话 calls" in both and "per day" in both
    assert timeline_svg(rep, "zh") == zh, "the same report draws the same chart (no random ids)"
    assert "<style" not in both and "<script" not in both and " id=" not in both and " class=" not in both


def test_each_kind_has_its_own_pattern_in_the_bars_and_the_legend_not_only_a_colour() -> None:
    root = ET.fromstring(timeline_svg(_report()))
    marks: dict[str, list[str]] = {}
    children = list(root)
    for i, el in enumerate(children):
        if el.tag != f"{NS}rect" or el.get("fill") not in KIND_COLOR.values():
            continue
        x, y = float(el.get("x", 0)), float(el.get("y", 0))
        w, h = float(el.get("width", 0)), float(el.get("height", 0))
        inside = []
        for mark in children[i + 1 :]:
            if (
                mark.tag == f"{NS}line"
                and x <= float(mark.get("x1", -1)) <= x + w
                and y <= float(mark.get("y2", -1)) <= y + h
            ):
                inside.append("hatch")
            elif mark.tag == f"{NS}circle" and x <= float(mark.get("cx", -1)) <= x + w:
                inside.append("dots")
            else:
                break
        marks.setdefault(el.get("fill", ""), []).append("+".join(sorted(set(inside))) or "solid")
    assert set(marks[KIND_COLOR["call"]]) == {"solid"}
    assert set(marks[KIND_COLOR["sms"]]) == {"hatch"}
    assert set(marks[KIND_COLOR["recording"]]) == {"dots"}
    assert all(len(v) >= 2 for v in marks.values()), "each kind in the bars and in the legend"


def test_family_reader_gets_steps_in_the_app_not_a_command_line() -> None:
    rep = _report()
    from app.reports.family import NumberSummary
    from screening.types import Level

    rep.numbers = [
        NumberSummary("106905951234", None, 2, ["sms"], Level.BLOCK, "话术", "script", "2026-12-01T01:12:00+00:00")
    ]
    zh, en = render_html(rep, "zh"), render_html(rep, "en")
    todo, todo_en = zh[zh.index("接下来怎么做") :], en[en.index("What to do next") :]
    for steps in (todo, todo_en):
        assert not re.search(r"callshield\s+lists|lists\s+add", steps, re.IGNORECASE), "a command line for a family"
    assert "“名单”" in todo and "“添加号码…”" in todo and "106905951234" in todo and "“保存”" in todo
    assert "“Lists”" in todo_en and "“Add number…”" in todo_en and "106905951234" in todo_en


_MEASURE = """<!DOCTYPE html><html><head><meta charset='utf-8'><style>svg { width: 640px; height: auto; }</style>
</head><body>%s<script>
const svg = document.querySelector('svg');
const boxes = [...svg.querySelectorAll('text')].map(t => { const b = t.getBBox();
  return [t.textContent, b.x, b.y, b.width, b.height]; });
const lines = [...svg.querySelectorAll('line')].map(l => [l.x1.baseVal.value, l.y1.baseVal.value,
  l.x2.baseVal.value, l.y2.baseVal.value]);
document.body.setAttribute('data-measured', JSON.stringify({boxes, lines}));
</script></body></html>"""


def test_report_chart_labels_do_not_touch_in_chromium(tmp_path: Path) -> None:
    """chart-crop.png: in the browser the "0" touched "11-06". Measured with the browser's own text boxes."""
    from tests.app.phone.chromium import dump_dom

    page = render_html(_report(30), "zh")
    svg = page[page.index("<svg") : page.index("</svg>") + len("</svg>")]
    probe = tmp_path / "measure.html"
    probe.write_text(_MEASURE % svg, encoding="utf-8")
    dom = dump_dom(probe)
    found = re.search(r'data-measured="([^"]*)"', dom)
    assert found, dom[:500]
    measured = json.loads(found.group(1).replace("&quot;", '"'))
    boxes = {text: (x, y, w, h) for text, x, y, w, h in measured["boxes"]}
    zero, first = boxes["0"], boxes["11-06"]
    assert zero[1] + zero[3] <= first[1], f"'0' {zero} and '11-06' {first} overlap"
    axis_x = min(line[0] for line in measured["lines"] if line[0] == line[2])
    for text, (x, _y, w, _h) in boxes.items():
        if text.isdigit():
            assert x + w <= axis_x - 3, f"'{text}' ends at {x + w:.1f}, the axis is at {axis_x}"
