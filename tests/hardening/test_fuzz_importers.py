"""Issue 13 guarantee: property-based fuzz of every list importer (CSV, TXT, JSON).

For whole classes of input, not examples: ``read_import`` never raises; every problem names a line that
exists; a file it accepts commits all-or-nothing into a real SQLite file and reads back exactly; notes are
never garbled whatever the encoding; a refused file writes nothing.
"""

from __future__ import annotations

import csv
import io
import json
import string
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from blocklists.db import open_db
from blocklists.importexport import ImportProblem, ImportRejected, commit_import, read_import
from blocklists.store import Category, ListStore, StoreError, parse_pattern

FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FEW = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Chinese that GBK can encode (notes are typed by Chinese users), plus ASCII.
COMMON_ZH = "妈妈爸爸外婆老师快递客服银行诈骗推销骚扰小区物业医院学校同事朋友邻居张王李赵公司保险贷款中奖退款"
NOTE = st.text(alphabet=COMMON_ZH + string.ascii_letters + string.digits + " -_()（）。", max_size=12)
MOBILE = st.builds(lambda h, n: f"{h}{n:08d}", st.sampled_from(["130", "138", "150", "177", "186", "199"]),
                   st.integers(0, 10**8 - 1))  # fmt: skip
LANDLINE = st.builds(
    lambda a, n: f"0{a}-{n}", st.sampled_from(["10", "21", "513", "755"]), st.integers(10**7, 10**8 - 1)
)
PATTERN = st.one_of(
    st.builds(lambda h: f"{h}*", st.sampled_from(["170", "171", "95", "400"])),
    st.builds(lambda h: f"{h}??", st.sampled_from(["952750", "1380013"])),
)
ENTRY = st.one_of(MOBILE, MOBILE, LANDLINE, PATTERN, st.just("+852 2123 4567"), st.just("95588"))
CATEGORY = st.sampled_from(["诈骗", "骚扰", "推销", "自定义", "fraud", "sales", ""])


def _store(tmp_path: Path) -> ListStore:
    path = tmp_path / "callshield.db"
    for p in tmp_path.glob("callshield.db*"):
        p.unlink()
    return ListStore(open_db(path))


def _check_invariants(preview) -> None:  # type: ignore[no-untyped-def]
    assert preview.problem_count >= len(preview.problems)
    for p in preview.problems:
        assert 0 <= p.line <= max(preview.lines_read, 1)
        assert p.render("zh") and p.render("en")
    if preview.ok:
        assert len(preview.rows) > 0


@FUZZ
@given(data=st.binary(max_size=600), fmt=st.sampled_from([None, "csv", "txt", "json"]))
def test_any_bytes_never_raise(data: bytes, fmt: str | None) -> None:
    _check_invariants(read_import(data, fmt=fmt, name="x.dat"))


@FUZZ
@given(
    text=st.text(max_size=300),
    fmt=st.sampled_from(["csv", "txt", "json"]),
    enc=st.sampled_from(["utf-8", "utf-16", "gb18030"]),
)
def test_any_text_in_any_encoding_never_raises(text: str, fmt: str, enc: str) -> None:
    _check_invariants(read_import(text.encode(enc, errors="replace"), fmt=fmt))


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.sampled_from(["number", "category", "note", "entries", "x"]), children, max_size=4)
    ),
    max_leaves=20,
)


@FUZZ
@given(value=JSON_VALUES)
def test_any_json_document_never_raises(value: object) -> None:
    _check_invariants(read_import(json.dumps(value, ensure_ascii=False).encode(), fmt="json"))


@FEW
@given(depth=st.integers(1, 20_000), digits=st.integers(1, 20_000))
def test_deep_json_and_huge_integers_are_line_named(depth: int, digits: int) -> None:
    deep = read_import(b"[" * depth + b"]" * depth, fmt="json")
    _check_invariants(deep)
    huge = read_import(b'[\n"13800138000",\n' + b"1" * digits + b"\n]", fmt="json")
    _check_invariants(huge)
    if digits > 20:
        assert huge.problems and huge.problems[0].line == 3


def _csv_bytes(rows: list[tuple[str, str, str]], encoding: str, delimiter: str) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=delimiter, lineterminator="\r\n")
    w.writerow(["号码", "分类", "备注"])
    w.writerows(rows)
    return buf.getvalue().encode(encoding)


@FUZZ
@given(
    rows=st.lists(st.tuples(ENTRY, CATEGORY, NOTE), min_size=1, max_size=25),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "gbk", "utf-16"]),
    delimiter=st.sampled_from([",", "\t"]),
)
def test_valid_csv_reads_back_exactly(rows: list[tuple[str, str, str]], encoding: str, delimiter: str) -> None:
    preview = read_import(_csv_bytes(rows, encoding, delimiter), fmt="csv")
    _check_invariants(preview)
    assert preview.problem_count == 0, [p.render("en") for p in preview.problems]
    expected: dict[str, tuple[Category, str]] = {}
    for number, cat, note in rows:
        expected.setdefault(parse_pattern(number).canonical, (Category.parse(cat, Category.CUSTOM), note.strip()))
    got = {p.canonical: (c, n) for p, c, n in preview.rows}
    assert got == expected
    assert preview.duplicates_in_file == len(rows) - len(expected)


@FEW
@given(
    rows=st.lists(st.tuples(ENTRY, CATEGORY, NOTE), min_size=1, max_size=15),
    line_encodings=st.lists(st.sampled_from(["utf-8", "gbk"]), min_size=15, max_size=15),
)
def test_mixed_encodings_never_garble_a_note(rows: list[tuple[str, str, str]], line_encodings: list[str]) -> None:
    """Each line in its own encoding: every note that comes out is exactly one that went in, or the line is named."""
    lines = ["号码,分类,备注".encode(line_encodings[0])]
    for (number, cat, note), enc in zip(rows, line_encodings[1:], strict=False):
        lines.append(f"{number},{cat},{note.replace(',', ' ')}".encode(enc))
    preview = read_import(b"\n".join(lines), fmt="csv")
    _check_invariants(preview)
    notes_in = {note.replace(",", " ").strip() for _n, _c, note in rows}
    for _p, _c, note in preview.rows:
        assert note in notes_in, f"garbled note {note!r}"


@FUZZ
@given(lines=st.lists(st.one_of(ENTRY, st.text(max_size=30)), max_size=30))
def test_txt_rows_are_exactly_the_parseable_lines(lines: list[str]) -> None:
    assume(all("\r" not in ln and "\n" not in ln for ln in lines))
    preview = read_import("\n".join(lines).encode(), fmt="txt")
    _check_invariants(preview)
    expected = set()
    for ln in lines:
        text = ln.strip()
        if (
            not text
            or text.startswith(("#", "//", ";"))
            or any(
                ch in text
                for ch in "\x00\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0c\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f\x7f\ufffd\x85\u2028\u2029"
            )
        ):
            continue
        try:
            expected.add(parse_pattern(text).canonical)
        except StoreError:
            pass
    got = {p.canonical for p, _c, _n in preview.rows}
    assert got <= expected or preview.problem_count


@FEW
@given(rows=st.lists(st.tuples(ENTRY, CATEGORY, NOTE), min_size=1, max_size=20), bad_at=st.integers(0, 25))
def test_commit_is_all_or_nothing_in_a_real_file(
    tmp_path_factory: pytest.TempPathFactory, rows: list[tuple[str, str, str]], bad_at: int
) -> None:
    tmp = tmp_path_factory.mktemp("fuzzdb")
    store = _store(tmp)
    store.add("block", "13312345678", note="already there")
    data_rows = list(rows)
    if bad_at < len(data_rows):
        data_rows.insert(bad_at, ("not-a-number", "诈骗", ""))
    preview = read_import(_csv_bytes(data_rows, "utf-8", ","), fmt="csv")
    before = {e.canonical for e in store.iter_entries("block")}
    if preview.problem_count:
        assert any(p.message.code is ImportProblem.BAD_ENTRY for p in preview.problems)
        with pytest.raises(ImportRejected):
            commit_import(store, preview, "block")
        assert {e.canonical for e in store.iter_entries("block")} == before
        return
    result = commit_import(store, preview, "block")
    after = {e.canonical for e in store.iter_entries("block")}
    assert after == before | {p.canonical for p, _c, _n in preview.rows}
    assert result.added == len(after) - len(before)
    assert store.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    store.conn.close()
