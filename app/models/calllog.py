"""Reading numbers out of what users paste or export: free text, or a phone's call-log CSV.

A call-log file is read as ``phone import`` and ``callshield check --file`` read it
(``app.phone.importer.call_log_numbers``): UTF-8, UTF-8 with BOM or GBK (GB18030); a title line above the header
skipped; the number column named by the header (号码/电话/来电号码/number/phone …), else the first number-like cell
of each line.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from blocklists.importexport import SPREADSHEET_ADVICE, is_spreadsheet
from blocklists.pasted import DATE_TIME, PHONE_MARK, is_log_word, pasted_with_names
from blocklists.pasted import digits as _digits
from screening.i18n import Message, MessageCode

if TYPE_CHECKING:
    from app.phone.importer import CallDetails

# What a message has and a list of numbers has not (after NFKC: ！？ → !?): a link, a 【signature】, sentence marks.
_LINK = re.compile(
    r"https?://|www\.|[a-z0-9-]+\.(?:cn|com|net|org|cc|top|vip|xyz|info|me|io|app|shop|site|club)\b", re.I
)
_SENTENCE = re.compile(r"[。!?…【】「」“”《》]")
_WORD = re.compile(r"[^\W\d_]+")  # a run of letters or Chinese characters
_NUMBER = re.compile(r"\d(?:[\s\-().]*\d){2,}")  # three digits or more, maybe written in groups
# what a sentence around a number has and a contact's name rarely does (「你的快递丢了 联系 138…」): two of these, or one
# in a run of Chinese longer than a name usually is (快递理赔请回电 4008123123); 蓝调酒吧, 快递联系人 or 了了 are names
_MESSAGE_WORD = re.compile(
    r"你的|您的|[了吗呢您]|请联系|请回电|联系我|回电|拨打|致电|点击|回复|添加|加我|加微|转账|汇款|验证码"
)
MESSAGE_WORD_CJK = 6
NAME_CJK = 8  # Chinese characters a name beside a number may have (中国工商银行客服)
NAME_LETTERS = 20  # Latin letters a name beside a number may have (Li Xiaoming, Mom mobile)
LOOK_LINES = 200
MAX_NUMBERS = 1_000_000


class CallLogProblem(MessageCode):
    NOT_TEXT = (  # what to do, not only what is wrong (a trial)
        "文件“{name}”不是文本或 CSV 文件（无法按 UTF-8 或 GBK 读取）。如果它来自表格软件，"
        + SPREADSHEET_ADVICE[0]
        + "。",
        "“{name}” is not a text or CSV file (cannot be read as UTF-8 or GBK). If it comes from a spreadsheet, "
        + SPREADSHEET_ADVICE[1][:1].lower()
        + SPREADSHEET_ADVICE[1][1:]
        + ".",
    )
    NO_NUMBERS = ("文件“{name}”里没有找到电话号码。", "No phone numbers found in “{name}”.")
    SPREADSHEET = (
        "“{name}”是 Excel（或其他表格、压缩）文件，不是 CSV。" + SPREADSHEET_ADVICE[0] + "。",
        "“{name}” is an Excel (or other spreadsheet or zip) file, not CSV. " + SPREADSHEET_ADVICE[1] + ".",
    )
    TOO_MANY = (
        "文件“{name}”的号码超过 {limit} 个，只读取了前 {limit} 个。",
        "“{name}” has more than {limit} numbers; only the first {limit} were read.",
    )
    UNREADABLE = ("无法打开文件“{name}”：{error}", "Cannot open “{name}”: {error}")


class CallLogError(Exception):
    """A call log that cannot be used; ``message`` renders in zh/en. A problem with the file the user chose, not
    a fault (``expected``: the error dialog says so plainly, without a traceback)."""

    expected = True

    def __init__(self, message: Message) -> None:
        super().__init__(message.render("en"))
        self.message = message


@dataclass(frozen=True)
class CallLog:
    numbers: list[str]
    encoding: str
    truncated: bool = False
    # lines not checked: digits split over cells (138,0013,8000), or where a message export became unreadable
    unclear_lines: tuple[int, ...] = ()
    # each number's row's 姓名 and 时间 (``numbers``' order), shown beside its verdict; empty when the file has neither
    details: list[CallDetails] = field(default_factory=list)


def looks_like_message(text: str) -> bool:
    """Whether a paste is a message to read (an SMS, a chat, what a caller said) rather than numbers to screen.

    A message has a link, a 【signature】 or sentence punctuation (not a doubt at the end of a line with a number:
    「17001234567 快递?」), or words beyond a name: a line with more than
    :data:`NAME_CJK` Chinese characters, :data:`NAME_LETTERS` Latin letters or three separate words, a word no
    contact name has (了, 您, 联系, 回电… beside a number), or words and no number anywhere. Numbers separated by spaces, commas or new lines, each with a short name, a header line (号码,
    姓名…: the column names ``phone import`` reads a call log by), a date or a time beside it, are numbers. Only the first :data:`LOOK_LINES` lines are read, so a pasted
    call log of any length costs the same (this runs on the GUI thread).
    """
    from app.phone.importer import CALL_LOG_HEADER_WORDS  # the header names phone import and check --file know

    head = "\n".join(text[: LOOK_LINES * 100].splitlines()[:LOOK_LINES])
    head = unicodedata.normalize("NFKC", head)  # full-width letters, digits and punctuation as ASCII
    if not head.strip():
        return False
    if _LINK.search(head):
        return True
    any_number = any_words = False
    for raw in head.splitlines():
        # (a doubt after a number and its note is no sentence: 「17001234567 快递?」)
        if _SENTENCE.search(raw.rstrip().rstrip("?") if _NUMBER.search(raw) else raw):
            return True
        line = " ".join(t for t in raw.split() if not DATE_TIME.match(t))
        words = [w for w in _WORD.findall(line) if w.lower() not in CALL_LOG_HEADER_WORDS]
        has_number = _NUMBER.search(line) is not None
        if has_number:  # a phone's call log beside a number: 江苏省南通市 中国移动 未接来电 are no message
            words = [w for w in words if not (is_log_word(w) or PHONE_MARK.match(w))]
        cjk = sum(1 for w in words for ch in w if _is_cjk(ch))
        letters = sum(len(w) for w in words) - cjk
        if cjk > NAME_CJK or letters > NAME_LETTERS or len(words) > 3:
            return True
        if has_number:
            marks = {m.group() for w in words for m in _MESSAGE_WORD.finditer(w)}
            if len(marks) >= 2 or (marks and cjk >= MESSAGE_WORD_CJK):
                return True
        any_number = any_number or has_number
        any_words = any_words or bool(words)
    return any_words and not any_number


_OPENS_SIGNED = re.compile(r"^\s*[【\[][^】\]\n]{2,12}[】\]]")
_CLOSES_SIGNED = re.compile(r"[【\[][^】\]\n]{2,12}[】\]]\s*$")
# A line, unsigned, that speaks to family after a signed message that has ended (。！？): another message, not the
# signed one's second line (a volunteer pasted a pickup code, a fake 微信支付 and 「妈，我周六回家吃饭」 and got two
# messages, the family line glued to the scam)
_ENDED = re.compile(r"[。！？!?]\s*$")
_TO_FAMILY = re.compile(
    r"^\s*(?:妈|爸|奶奶|爷爷|外婆|外公|姥姥|姥爷|老妈|老爸|儿子|女儿|宝贝|亲爱的|哥|姐|弟|妹)[，,：:！!]"
)


def split_messages(text: str) -> list[str]:
    """The messages a paste seems to hold, in order: blocks apart by blank lines, or lines opening or closing with a
    【signature】 (a line that opens with one starts a message, one that closes with one ends it), whichever gives more;
    one message for a single SMS or a chat, whose lines follow one another. A volunteer pasted a pickup code and a
    refund scam together and got one verdict for both."""
    text = text.strip()
    blocks = [b.strip() for b in re.split(r"\n\s*\n", text) if len(b.strip()) >= 10]
    by_signature: list[str] = []
    current: list[str] = []
    signed = False  # the message being gathered has its signature already
    for line in (ln.strip() for ln in text.splitlines() if ln.strip()):
        opens = _OPENS_SIGNED.search(line) is not None
        closes = not opens and _CLOSES_SIGNED.search(line) is not None
        to_family = signed and _ENDED.search(current[-1] if current else "") and _TO_FAMILY.match(line)
        if current and (opens or (closes and signed) or to_family):
            by_signature.append("\n".join(current))
            current, signed = [], False
        current.append(line)
        signed = signed or opens
        if closes:  # 「…验证码 482913。【建设银行】」 ends its message
            by_signature.append("\n".join(current))
            current, signed = [], False
    if current:
        by_signature.append("\n".join(current))
    best = max((blocks, by_signature), key=len)
    return best if len(best) > 1 else [text]


def message_count(text: str) -> int:
    """How many messages a paste seems to hold (:func:`split_messages`)."""
    return len(split_messages(text))


def _is_cjk(ch: str) -> bool:
    return "\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff"


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Text and encoding, decoded as list imports are (``blocklists.importexport.decode_bytes``: UTF-8 with or
    without BOM, UTF-16 with BOM, then GB18030); raise ``UnicodeDecodeError`` for binary or undecodable data."""
    from blocklists.importexport import decode_bytes as decode_lines

    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise UnicodeDecodeError("binary", data[:1], 0, 1, "NUL byte")
    lines, encoding, undecodable, binary = decode_lines(data)
    if undecodable or binary:
        raise UnicodeDecodeError(encoding, data[:1], 0, 1, "undecodable or binary lines")
    return "\n".join(lines), encoding


def read_call_log(path: str | Path, limit: int = MAX_NUMBERS) -> CallLog:
    """The numbers of a call-log CSV (or a plain list, one per line), in file order."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CallLogError(
            Message(CallLogProblem.UNREADABLE, {"name": path.name, "error": exc.strerror or exc})
        ) from exc
    if is_spreadsheet(data[:8]):
        raise CallLogError(Message(CallLogProblem.SPREADSHEET, {"name": path.name}))
    try:
        text, encoding = decode_bytes(data)
    except UnicodeDecodeError as exc:
        raise CallLogError(Message(CallLogProblem.NOT_TEXT, {"name": path.name})) from exc
    numbers, unclear, truncated, details = _call_log_lines(text.split("\n"), path, limit)
    if not numbers:
        raise CallLogError(Message(CallLogProblem.NO_NUMBERS, {"name": path.name}))
    return CallLog(numbers=numbers, encoding=encoding, truncated=truncated, unclear_lines=unclear, details=details)


def pasted_numbers(text: str) -> tuple[list[str], tuple[int, ...], list[CallDetails]]:
    """The numbers in a paste that is numbers, not a message, the lines that could not be read, and each number's
    name and time when the paste is a call log with those columns (else an empty list).

    A call log copied with its header (姓名,号码,时间… or tab-separated from a spreadsheet, perhaps under a title line)
    is read as an opened call log is (``app.phone.importer.call_log_numbers``): the title skipped and the header's
    number column read, so a duration, a date or the title is never taken for a number, and a row whose digits run
    over several cells (张三,138,0013,8000) is a line not read.  Anything else is split by
    ``blocklists.pasted.split_pasted``, and a name written beside a line's only number (王大爷 13812345678) is that
    number's name.
    """
    from app.phone.importer import CallDetails, csv_layout

    lines = text.splitlines()
    layout = csv_layout(Path(), lines)
    if not layout.header_line or "number" not in layout.columns:
        # a line of letters and no digit (abc, a number typed as words) holds no number to check: said, not dropped in
        # silence (a Chinese name or a title on a line of its own is no number anyone meant)
        unclear = tuple(
            i for i, line in enumerate(lines, start=1) if not _digits(line) and re.search(r"[A-Za-z]", line)
        )
        named = pasted_with_names(text)  # 王大爷 13812345678: the name is shown beside its number
        details = [CallDetails(name=name) for _, name in named] if any(name for _, name in named) else []
        return [number for number, _ in named], unclear, details
    numbers, unclear, _truncated, details = _call_log_lines(lines, "", MAX_NUMBERS)
    return numbers, unclear, details


def _call_log_lines(
    lines: list[str], path: str | Path, limit: int
) -> tuple[list[str], tuple[int, ...], bool, list[CallDetails]]:
    """(numbers, lines not read, whether ``limit`` cut the numbers short, each number's name and time or [] when the
    log has neither) of a call log's ``lines``, read by ``app.phone.importer.call_log_calls``."""
    from app.phone.importer import CALL_LOG_BROKEN, CALL_LOG_TITLE, call_log_calls
    from blocklists.importexport import CALL_LOG_AMBIGUOUS

    numbers: list[str] = []
    details: list[CallDetails] = []
    unclear: list[int] = []
    truncated = False
    for line, value, detail in call_log_calls(lines, path):
        if value in (CALL_LOG_AMBIGUOUS, CALL_LOG_BROKEN):
            unclear.append(line)
        elif value and value != CALL_LOG_TITLE:
            if len(numbers) >= limit:
                truncated = True
                break
            numbers.append(value.strip())
            details.append(detail)
    return numbers, tuple(unclear), truncated, details if any(details) else []
