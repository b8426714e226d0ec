"""Read SMS Backup & Restore files (``calls-*.xml``, ``sms-*.xml``) by streaming, leniently and safely.

* **Streaming.**  ``defusedxml.ElementTree.iterparse`` walks the file; every record is handed out as a small
  frozen dataclass and its element is cleared at once, so memory stays flat for a file of hundreds of MB.
  MMS attachments (photos, audio) arrive as base64 in a ``data`` attribute: we keep only their content type
  and size, never the bytes.
* **Safe.**  A DTD, entity declarations and external entities are refused (``forbid_dtd``,
  ``forbid_entities``, ``forbid_external``): a backup has none, and a file that has them is not one.
* **Lenient.**  The app writes emoji as invalid character references — UTF-16 surrogate halves such as
  ``&#55357;&#56836;`` — and sometimes control characters, which every conforming XML parser rejects.  A filter
  on the byte stream (:class:`CleanXmlStream`) joins surrogate pairs into the real character
  (``&#128516;``), turns lone halves into U+FFFD and drops characters XML 1.0 forbids, before the parser
  sees them.  Nothing else is "repaired": a truncated or garbage file is an error, with line and column.

Errors are :class:`BackupError` with a :class:`BackupProblem` code (zh/en) — the core style of codes, not
sentences.  This module has no Qt and no database; ``app.phone.importer`` decides what to store.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Protocol

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse

from screening.i18n import Message, MessageCode

CHUNK = 1 << 16
MAX_BODY = 20_000  # characters kept from one message body / MMS text (nobody reads more; detection stays fast)

# calls: type / presentation codes of the Android call log, as written by SMS Backup & Restore
CALL_TYPES = {1: "incoming", 2: "outgoing", 3: "missed", 4: "voicemail", 5: "rejected", 6: "blocked"}
PRESENTATIONS = {1: "allowed", 2: "restricted", 3: "unknown", 4: "payphone"}
# sms: message box type (Telephony.TextBasedSmsColumns.TYPE)
SMS_TYPES = {1: "inbox", 2: "sent", 3: "draft", 4: "outbox", 5: "failed", 6: "queued"}
MMS_FROM = 137  # PduHeaders.FROM in <addr type=…>
# The ``call_type`` values of what the person did themselves (a call made, a message sent or being sent), as these
# backups and the call-log CSVs store them; a draft was never sent
OWN_TYPES = frozenset({"outgoing", "sent", "outbox", "queued", "failed"})
# A message's ``call_type`` that is the person's own, a draft too: kept, never screened (``app.display.own_message``);
# of them only these left the phone
SENT_TYPES = frozenset({"outgoing", "sent"})
OWN_MESSAGE_TYPES = OWN_TYPES | {"draft"}


class BackupProblem(MessageCode):
    NOT_FOUND = (
        "找不到文件 {path}；请检查文件名和所在的文件夹",
        "file not found: {path}; check the file name and the folder",
    )
    UNREADABLE = (
        "无法打开 {path}，没有导入任何内容；请检查是否有读取权限，或文件是否正被别的程序使用（{detail}）",
        "cannot open {path}, so nothing was imported; check that you may read it and that no other program holds "
        "it ({detail})",
    )
    EMPTY = (
        "{path} 是空文件（0 字节），没有导入任何内容；请在手机上重新备份一次",
        "{path} is empty (0 bytes), so nothing was imported; back up the phone again",
    )
    MALFORMED = (
        "{path} 不是完整的备份文件：读到第 {line} 行就中断了，可能没有复制完或已损坏。没有导入任何内容；"
        "请在手机上重新备份，或重新复制这个文件后再导入（第 {line} 行第 {column} 列：{detail}）",
        "{path} is not a complete backup: it breaks off at line {line}, perhaps it was not copied completely or is "
        "damaged. Nothing was imported; back up the phone again, or copy the file again, and import it (line "
        "{line}, column {column}: {detail})",
    )
    UNSAFE = (
        "{path} 含有 DTD 或实体声明，正常的手机备份不会有，为安全起见拒绝读取",
        "{path} contains a DTD or entity declarations, which no phone backup has; refused for safety",
    )
    NOT_UTF8 = (
        "{path} 前面是 UTF-8 编码的文字，从第 {line} 行起却不是，可能用别的编码另存过，或已损坏。没有导入任何内容；"
        "请用手机上的备份软件重新备份，直接复制原文件，不要用记事本或 Excel 打开后另存",
        "{path} is UTF-8 text up to line {line}, and not from there on: perhaps it was saved again in another "
        "encoding, or it is damaged. Nothing was imported; back the phone up again and copy the file as it is, "
        "without opening and saving it in Notepad or Excel",
    )
    NOT_A_BACKUP = (
        "{path} 不是“SMS Backup & Restore”的通话或短信备份（根元素是 <{root}>，应为 <calls> 或 <smses>）",
        "{path} is not an SMS Backup & Restore call or message backup (root element <{root}>, expected <calls> "
        "or <smses>)",
    )


class BackupError(Exception):
    def __init__(self, code: BackupProblem, **params: Any) -> None:
        self.message = Message(code, params)
        self.code = code
        super().__init__(self.message.render("zh") + " / " + self.message.render("en"))

    def render(self, lang: str = "zh") -> str:
        return self.message.render(lang)


@dataclass(frozen=True, slots=True)
class CallRecord:
    number: str
    date_ms: int
    type: int
    duration_s: int
    presentation: int
    contact_name: str | None

    @property
    def call_type(self) -> str:
        return CALL_TYPES.get(self.type, f"type{self.type}")


@dataclass(frozen=True, slots=True)
class MmsPart:
    content_type: str
    size: int  # characters of base64 / text; the data itself is not kept
    name: str | None = None


@dataclass(frozen=True, slots=True)
class MessageRecord:
    """One SMS or MMS.  ``box`` is inbox/sent/…; for an MMS ``address`` is the sender (addr type 137)."""

    kind: str  # "sms" | "mms"
    address: str
    date_ms: int
    box: str
    body: str
    contact_name: str | None
    parts: tuple[MmsPart, ...] = ()

    @property
    def incoming(self) -> bool:
        return self.box == "inbox"


# ------------------------------------------------------------------------------------------ byte filter
_REF = re.compile(rb"&#(x[0-9a-fA-F]{1,8}|[0-9]{1,10});")
_BAD_BYTES = bytes(b for b in range(32) if b not in (9, 10, 13))
_REF_TAIL = 16  # an unfinished "&#…;" at a chunk's end is at most this long


def _xml_char_ok(cp: int) -> bool:
    return cp in (0x9, 0xA, 0xD) or 0x20 <= cp <= 0xD7FF or 0xE000 <= cp <= 0xFFFD or 0x10000 <= cp <= 0x10FFFF


def _ref_value(token: bytes) -> int:
    try:
        return int(token[1:], 16) if token[:1] in (b"x", b"X") else int(token)
    except ValueError:
        return -1


def clean_refs(data: bytes) -> bytes:
    """Fix the character references XML forbids: surrogate pairs joined, lone halves → U+FFFD, others dropped."""
    if b"&#" not in data:
        return data
    out: list[bytes] = []
    pos = 0
    pending_high: int | None = None  # a high surrogate waiting for its low half
    pending_end = 0
    for m in _REF.finditer(data):
        cp = _ref_value(m.group(1))
        if pending_high is not None:
            if m.start() == pending_end and 0xDC00 <= cp <= 0xDFFF:
                joined = 0x10000 + ((pending_high - 0xD800) << 10) + (cp - 0xDC00)
                out.append(b"&#%d;" % joined)
                pos = m.end()
                pending_high = None
                continue
            out.append(b"&#65533;")
            pending_high = None
        if 0xD800 <= cp <= 0xDBFF:
            out.append(data[pos : m.start()])
            pending_high, pending_end, pos = cp, m.end(), m.end()
            continue
        if 0xDC00 <= cp <= 0xDFFF:
            out.append(data[pos : m.start()] + b"&#65533;")
            pos = m.end()
        elif not _xml_char_ok(cp):
            out.append(data[pos : m.start()])  # &#0; &#1; …: dropped
            pos = m.end()
    if pending_high is not None:
        out.append(b"&#65533;")
    out.append(data[pos:])
    return b"".join(out)


# The XML declaration's encoding, when it names one (``<?xml version="1.0" encoding="GBK"?>``)
_DECLARED = re.compile(rb"""\A(?:\xef\xbb\xbf)?\s*<\?xml[^>]*?\bencoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
_DECLARED_TEXT = re.compile(r"""\A(\s*<\?xml[^>]*?\bencoding\s*=\s*["'])[A-Za-z0-9._-]+""")
_CHINESE_CODECS = frozenset({"gbk", "gb2312", "gb18030"})


def _codec(name: str) -> str | None:
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


class Utf8Stream:
    """A read-only binary stream that hands out ``raw``'s text as UTF-8, whatever the backup was saved as.

    The parser takes no multi-byte encoding but UTF-8 and UTF-16, and a Chinese Windows editor saves "ANSI" (GBK)
    under a UTF-8 declaration. So: a declared encoding Python knows (GBK, Big5, UTF-16 …) is read in it; a file that
    says UTF-8 (or nothing) and is not, but reads as GB18030 (GBK's superset), is read as that, also when only its
    later lines are not ASCII; a file that says GBK and is UTF-8 (an editor kept the old declaration) is read as
    UTF-8. The text goes to the parser as UTF-8, its declaration saying so. Bytes that are none of these further on
    are said to be that (:attr:`BackupProblem.NOT_UTF8`); a file cut inside a character is a cut-off file for the
    parser to report, as one cut anywhere else.
    """

    def __init__(self, raw: IO[bytes], path: Path) -> None:
        self._raw = raw
        self._path = path
        self._lines = 1
        self._first = True
        head = raw.read(CHUNK)
        self._head: bytes | None = head
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            name: str | None = "utf-16"
        else:
            declared = _DECLARED.match(head)
            name = _codec(declared.group(1).decode("ascii")) if declared else "utf-8"
        # an encoding Python does not know either, or no text from its start (a picture, garbage): the parser says
        # what it says, where the file stops being XML
        self._pass_through = name is None
        if name in ("utf-8", "ascii"):
            name = "utf-8"
            if not _reads_as(head, "utf-8"):
                self._pass_through = not _reads_as(head, "gb18030")
                name = "gb18030"
        elif name in _CHINESE_CODECS:
            name = "utf-8" if not head.isascii() and _reads_as(head, "utf-8") else "gb18030"
        self.encoding = name or "utf-8"
        self._ascii_so_far = True  # while it holds, a UTF-8 reading can still turn out GB18030 (an ASCII start)
        self._decoder = codecs.getincrementaldecoder(self.encoding)("strict")

    def read(self, size: int = -1) -> bytes:
        if self._head is not None:
            data, self._head = self._head, None
        else:
            data = self._raw.read(CHUNK)
        if self._pass_through:
            return data
        text = self._decode(data)
        self._ascii_so_far = self._ascii_so_far and data.isascii()
        self._lines += data.count(b"\n")
        if self.encoding == "utf-8":  # checked, and handed on as it is (a character cut by the chunk is in the next)
            if self._first:
                self._first = False
                declared = _DECLARED.match(data)
                if declared:  # (one an editor left saying GBK)
                    data = data[: declared.start(1)] + b"UTF-8" + data[declared.end(1) :]
            return data
        if self._first:  # the declaration says what the parser gets; a BOM goes
            self._first = False
            text = _DECLARED_TEXT.sub(r"\g<1>UTF-8", text.lstrip("\ufeff"), count=1)
        return text.encode("utf-8")

    def _decode(self, data: bytes) -> str:
        try:
            return self._decoder.decode(data, final=not data)
        except UnicodeDecodeError as exc:
            if not data:
                return ""  # cut inside a character: a cut-off file, as the parser will say
            ascii_start = self.encoding == "utf-8" and self._ascii_so_far and data[: exc.start].isascii()
            if ascii_start and _reads_as(data, "gb18030"):  # an ASCII start, then GBK: GB18030 from here
                self.encoding = "gb18030"
                self._decoder = codecs.getincrementaldecoder("gb18030")("strict")
                return self._decode(data)
            line = self._lines + data[: exc.start].count(b"\n")
            raise BackupError(BackupProblem.NOT_UTF8, path=str(self._path), line=line) from None


def _reads_as(head: bytes, encoding: str) -> bool:
    """Whether the first bytes of a file decode in ``encoding`` (a character cut at the end is no fault)."""
    try:
        codecs.getincrementaldecoder(encoding)("strict").decode(head, final=False)
    except UnicodeDecodeError:
        return False
    return True


class _Reader(Protocol):
    def read(self, size: int = -1, /) -> bytes: ...


class CleanXmlStream:
    """A read-only binary stream over ``raw`` that applies :func:`clean_refs` and drops forbidden bytes.

    A reference split across two reads is held back until its end arrives.
    """

    def __init__(self, raw: _Reader) -> None:
        self._raw = raw
        self._carry = b""
        self.bytes_read = 0

    def read(self, size: int = -1) -> bytes:
        while True:
            chunk = self._raw.read(CHUNK if size is None or size < 0 else max(size, CHUNK))
            self.bytes_read += len(chunk)
            data = self._carry + chunk
            if not chunk:
                self._carry = b""
                return clean_refs(data.translate(None, _BAD_BYTES))
            cut = _unfinished_tail(data)
            self._carry, data = data[cut:], data[:cut]
            if data:
                return clean_refs(data.translate(None, _BAD_BYTES))


_PARTIAL_REF = re.compile(rb"&(?:#(?:x[0-9a-fA-F]{0,8}|[0-9]{0,10})(;)?)?\Z")


def _unfinished_tail(data: bytes) -> int:
    """Where the trailing run of (possibly unfinished) character references starts; ``len(data)`` if none.

    A surrogate pair split across two reads must reach :func:`clean_refs` in one piece, so a run of complete
    references at the end is held back too, together with an unfinished one.
    """
    cut = len(data)
    while cut > 0 and len(data) - cut < 2 * _REF_TAIL:
        amp = data.rfind(b"&", max(0, cut - _REF_TAIL), cut)
        if amp < 0:
            break
        m = _PARTIAL_REF.match(data, amp, cut)
        if m is None:
            break
        cut = amp
    return cut


# ------------------------------------------------------------------------------------------ parsing
def _int(value: str | None, default: int = 0) -> int:
    if not value:
        return default
    try:
        return int(value.strip())
    except ValueError:
        try:
            return int(float(value))
        except ValueError:
            return default


def _name(value: str | None) -> str | None:
    if value is None or value.strip() in ("", "(Unknown)", "null"):
        return None
    return value.strip()


def detect_kind(path: str | Path) -> str | None:
    """``"calls"``/``"smses"`` from the root element seen in the first 4 KiB, or None (not a backup)."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(4096)
    except OSError:
        return None
    m = re.search(rb"<(calls|smses)[\s>/]", head)
    return m.group(1).decode() if m else None


def iter_backup(path: str | Path) -> Iterator[CallRecord | MessageRecord]:
    """Yield every record of a calls or sms backup, in file order.  Raises :class:`BackupError`."""
    p = Path(path)
    try:
        size = p.stat().st_size
        fh = open(p, "rb")  # noqa: SIM115 - closed in finally
    except FileNotFoundError:
        raise BackupError(BackupProblem.NOT_FOUND, path=str(p)) from None
    except OSError as exc:
        raise BackupError(BackupProblem.UNREADABLE, path=str(p), detail=exc.strerror or str(exc)) from None
    if size == 0:
        fh.close()
        raise BackupError(BackupProblem.EMPTY, path=str(p))
    try:
        yield from _parse(CleanXmlStream(Utf8Stream(fh, p)), p)
    finally:
        fh.close()


def _parse(stream: CleanXmlStream, p: Path) -> Iterator[CallRecord | MessageRecord]:
    root: Any = None
    depth = 0
    parts: list[MmsPart] = []
    texts: list[str] = []
    sender = ""
    try:
        for event, elem in iterparse(stream, events=("start", "end"), forbid_dtd=True):
            tag = elem.tag
            if event == "start":
                depth += 1
                if root is None:
                    root = elem
                    if tag not in ("calls", "smses"):
                        raise BackupError(BackupProblem.NOT_A_BACKUP, path=str(p), root=str(tag)[:40])
                continue
            depth -= 1
            if depth == 1:
                a = elem.attrib
                if tag == "call":
                    yield CallRecord(
                        number=a.get("number", "") or "",
                        date_ms=_int(a.get("date")),
                        type=_int(a.get("type"), 1),
                        duration_s=_int(a.get("duration")),
                        presentation=_int(a.get("presentation"), 1),
                        contact_name=_name(a.get("contact_name")),
                    )
                elif tag == "sms":
                    yield MessageRecord(
                        kind="sms",
                        address=a.get("address", "") or "",
                        date_ms=_int(a.get("date")),
                        box=SMS_TYPES.get(_int(a.get("type"), 1), "inbox"),
                        body=(a.get("body") or "")[:MAX_BODY],
                        contact_name=_name(a.get("contact_name")),
                    )
                elif tag == "mms":
                    box = {1: "inbox", 2: "sent", 3: "draft", 4: "outbox"}.get(_int(a.get("msg_box"), 1), "inbox")
                    address = sender or (a.get("address", "") or "").split("~")[0]
                    yield MessageRecord(
                        kind="mms",
                        address=address,
                        date_ms=_int(a.get("date")),
                        box=box,
                        body="\n".join(texts)[:MAX_BODY],
                        contact_name=_name(a.get("contact_name")),
                        parts=tuple(parts),
                    )
                parts, texts, sender = [], [], ""
                root.clear()  # drop the finished record (and everything before it)
            elif tag == "part":
                a = elem.attrib
                ct = (a.get("ct") or "").lower()
                data = a.get("data")
                text = a.get("text")
                if ct == "text/plain" and text and text != "null":
                    texts.append(text)
                if ct != "application/smil":
                    size = len(data) if data else len(text or "")
                    parts.append(MmsPart(content_type=ct, size=size, name=_name(a.get("name") or a.get("cl"))))
                elem.clear()
            elif tag == "addr":
                if _int(elem.attrib.get("type")) == MMS_FROM and not sender:
                    sender = elem.attrib.get("address", "") or ""
                elem.clear()
    except BackupError:
        raise
    except DefusedXmlException:
        raise BackupError(BackupProblem.UNSAFE, path=str(p)) from None
    except SyntaxError as exc:  # xml.etree.ElementTree.ParseError
        line, column = getattr(exc, "position", (0, 0))
        detail = str(exc).split(":")[0]
        raise BackupError(BackupProblem.MALFORMED, path=str(p), line=line, column=column, detail=detail) from None
    if root is None:
        raise BackupError(BackupProblem.MALFORMED, path=str(p), line=1, column=0, detail="no element found")
