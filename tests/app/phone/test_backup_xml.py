"""SMS Backup & Restore parsing: real files with the known quirks, streamed; bad files refused clearly."""

from __future__ import annotations

import codecs
import io
import tracemalloc
from pathlib import Path

import pytest

from app.phone.backup_xml import (
    BackupError,
    BackupProblem,
    CallRecord,
    CleanXmlStream,
    MessageRecord,
    clean_refs,
    iter_backup,
)
from tests.app.phone.backup_factory import BASE, EMOJI_REF, Mms, Sms, realistic_messages, write_messages


def test_calls_file_reads_every_field(backup_dir: Path) -> None:
    calls = list(iter_backup(backup_dir / "calls-20261204093000.xml"))
    assert all(isinstance(c, CallRecord) for c in calls)
    assert len(calls) == 8
    son = calls[0]
    assert (son.number, son.contact_name, son.call_type, son.duration_s) == ("13912345678", "儿子", "incoming", 35)
    assert son.date_ms == int(BASE.timestamp() * 1000)
    assert calls[2].contact_name is None  # "(Unknown)"
    assert calls[5].call_type == "rejected"
    withheld = calls[-1]
    assert withheld.presentation == 2 and withheld.number == ""


def test_sms_file_with_emoji_refs_control_chars_and_mms(backup_dir: Path) -> None:
    msgs = [m for m in iter_backup(backup_dir / "sms-20261204093000.xml") if isinstance(m, MessageRecord)]
    assert len(msgs) == len(realistic_messages())
    bodies = [m.body for m in msgs]
    assert "妈，周末我们带孩子回来吃饭 😄" in bodies  # &#55357;&#56836; joined into one character
    assert "好的收到" in bodies  # &#1; dropped
    sent = next(m for m in msgs if m.body == "好的收到")
    assert sent.box == "sent" and not sent.incoming and sent.contact_name == "儿子"
    mms = next(m for m in msgs if m.kind == "mms")
    assert mms.address == "13912345678" and mms.body == "看看孙子的照片 😄"
    assert [p.content_type for p in mms.parts] == ["text/plain", "image/jpeg"]
    assert mms.parts[1].size > 20_000 and mms.parts[1].name == "image.jpg"


def test_clean_refs_cases() -> None:
    assert clean_refs(b"a&#55357;&#56836;b") == b"a&#128516;b"
    assert clean_refs(b"&#xD83D;&#xDE04;") == b"&#128516;"
    assert clean_refs(b"lone &#55357; and &#56836; end") == b"lone &#65533; and &#65533; end"
    assert clean_refs(b"&#55357;") == b"&#65533;"
    assert clean_refs(b"x&#0;&#11;y&#65;") == b"xy&#65;"
    assert clean_refs(b"no refs &amp; here") == b"no refs &amp; here"


@pytest.mark.parametrize("split", range(1, 17))
def test_surrogate_pair_split_across_reads_is_still_joined(split: int) -> None:
    data = b"x" * (65536 - split) + b"&#55357;&#56836;" + b"tail"

    class Trickle(io.BytesIO):
        def read(self, size: int | None = -1) -> bytes:
            return super().read(65536 if size is None or size < 0 else size)

    out = b""
    stream = CleanXmlStream(Trickle(data))
    while chunk := stream.read(65536):
        out += chunk
    assert out == b"x" * (65536 - split) + b"&#128516;tail"


def test_truncated_backup_is_an_error_with_position(tmp_path: Path) -> None:
    full = write_messages(tmp_path / "sms-full.xml", realistic_messages()).read_bytes()
    cut = tmp_path / "sms-cut.xml"
    cut.write_bytes(full[: len(full) * 2 // 3])
    with pytest.raises(BackupError) as err:
        list(iter_backup(cut))
    assert err.value.code is BackupProblem.MALFORMED
    zh, en = err.value.render("zh"), err.value.render("en")
    assert "不是完整的备份文件" in zh and "没有导入任何内容" in zh
    assert "not a complete backup" in en and "line" in en
    # what to do, in plain words; the parser's own words only in brackets at the end
    assert "请在手机上重新备份" in zh and "back up the phone again" in en
    assert zh.endswith("）") and en.endswith(")") and zh.index("第") < zh.index("（第")


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, BackupProblem.MALFORMED),
        (b"<html><body>not a backup</body></html>", BackupProblem.NOT_A_BACKUP),
        (b"", BackupProblem.EMPTY),
        (
            b'<?xml version="1.0"?><!DOCTYPE smses [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>'
            b'<smses count="1"><sms address="1" date="1" type="1" body="&b;" /></smses>',
            BackupProblem.UNSAFE,
        ),
        (
            b'<?xml version="1.0"?><!DOCTYPE smses SYSTEM "http://example.invalid/x.dtd"><smses count="0"></smses>',
            BackupProblem.UNSAFE,
        ),
    ],
    ids=["garbage", "html", "empty", "entity-bomb", "external-dtd"],
)
def test_bad_files_are_refused_with_a_translated_reason(tmp_path: Path, content: bytes, code: BackupProblem) -> None:
    path = tmp_path / "sms-bad.xml"
    path.write_bytes(content)
    with pytest.raises(BackupError) as err:
        list(iter_backup(path))
    assert err.value.code is code
    assert str(path) in err.value.render("zh") and str(path) in err.value.render("en")


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(BackupError) as err:
        list(iter_backup(tmp_path / "nope.xml"))
    assert err.value.code is BackupProblem.NOT_FOUND


def test_mms_binary_parts_are_not_kept_and_memory_stays_flat(tmp_path: Path) -> None:
    """100 MMS with a 400 kB image each (~53 MB of base64): parsing keeps only sizes, never the data."""
    path = write_messages(
        tmp_path / "sms-mms.xml",
        [Mms("13912345678", BASE, f"照片{i} " + EMOJI_REF, image_bytes=400_000) for i in range(100)],
    )
    assert path.stat().st_size > 50_000_000
    tracemalloc.start()
    try:
        count = 0
        for rec in iter_backup(path):
            assert isinstance(rec, MessageRecord) and rec.parts[-1].size > 500_000
            count += 1
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == 100
    assert peak < 8_000_000, f"peak {peak / 1e6:.1f} MB: attachments are being kept"


def test_sms_body_with_markup_characters_round_trips(tmp_path: Path) -> None:
    body = '点击 <a href="x">链接</a> & 回复 "TD" 退订'
    path = write_messages(tmp_path / "sms-x.xml", [Sms("10690000123", BASE, body)])
    (rec,) = list(iter_backup(path))
    assert isinstance(rec, MessageRecord) and rec.body == body


def _xml(encoding: str, n: int, body: str = "第{i}条正常短信") -> str:
    rows = "".join(
        f'<sms protocol="0" address="95588" date="1764979300000" type="1" body="{body.format(i=i)}" read="1" />\n'
        for i in range(n)
    )
    return f'<?xml version="1.0" encoding="{encoding}" standalone="yes" ?>\n<smses count="{n}">\n{rows}</smses>\n'


def _ascii_start_then_gbk() -> bytes:
    head, _, tail = _xml("utf-8", 3000, "msg {i} ok").encode("ascii").rpartition(b"</smses>")
    late = '<sms protocol="0" address="95588" date="1" type="1" body="第3000条正常短信" read="1" />\n'
    return head + late.encode("gbk") + b"</smses>" + tail


@pytest.mark.parametrize(
    ("content", "count"),
    [
        (_xml("GBK", 3).encode("gbk"), 3),  # says GBK (the parser takes no multi-byte encoding itself)
        (_xml("utf-8", 3).encode("gbk"), 3),  # saved as ANSI under its UTF-8 declaration
        (_xml("GBK", 5000).encode("gbk"), 5000),  # characters cut by the reader's chunks
        (_xml("GBK", 3000).encode("utf-8"), 3000),  # UTF-8 that still says GBK (an editor kept the declaration)
        (codecs.BOM_UTF8 + _xml("utf-8", 3).encode("utf-8"), 3),
        (_xml("UTF-16", 3).encode("utf-16"), 3),
        (_xml("big5", 3, "第{i}條正常簡訊").encode("big5"), 3),
        (_ascii_start_then_gbk(), 3001),  # a first 64 KiB of ASCII, then GBK (a review)
    ],
    ids=["gbk", "gbk-says-utf8", "gbk-long", "utf8-says-gbk", "utf8-bom", "utf16", "big5", "ascii-then-gbk"],
)
def test_a_backup_in_another_encoding_is_read_whole(tmp_path: Path, content: bytes, count: int) -> None:
    path = tmp_path / "sms-20261205093000.xml"
    path.write_bytes(content)
    records = list(iter_backup(path))
    assert len(records) == count
    assert records[-1].body in (f"第{count - 1}条正常短信", f"第{count - 1}條正常簡訊")


def test_a_utf8_backup_cut_inside_a_character_is_a_cut_off_file(tmp_path: Path) -> None:
    """A review: cut inside a Chinese character, it was said to be in another encoding, not cut off."""
    data = _xml("utf-8", 3000).encode("utf-8")
    cut = len(data) // 2
    while data[cut] < 0xE0:  # the first byte of a three-byte character
        cut += 1
    path = tmp_path / "sms-cut.xml"
    path.write_bytes(data[: cut + 1])
    with pytest.raises(BackupError) as err:
        list(iter_backup(path))
    assert err.value.code is BackupProblem.MALFORMED
