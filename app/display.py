"""How codes are shown: one zh/en renderer, one level style (colour, glyph, icon) and the list-category labels.

Qt-free, so the UI (``app.ui.style``, ``app.models``), the HTML/CSV reports and the alert e-mail all read the same
facts. A level is never shown by colour alone: every place pairs the colour with the glyph and the word.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from app import paths
from app.phone.backup_xml import OWN_MESSAGE_TYPES, SENT_TYPES
from app.settings import is_device_number
from blocklists.history import is_unchecked, unread_speech
from blocklists.pasted import PHONE_MARK
from blocklists.store import Category
from screening.types import Level


@dataclass(frozen=True)
class LevelStyle:
    background: str  # banner background
    foreground: str  # text on the banner
    accent: str  # border / meter colour
    text: str  # the level's colour for text and badges on white (tables, reports), ≥ 4.5:1 contrast
    icon: str  # file name under app/resources/icons
    glyph: str  # plain-text symbol beside the word (tables, tooltips, reports, e-mail)

    @property
    def symbol(self) -> str:
        return self.glyph


# ✖ rather than ⛔ for BLOCK: common CJK desktop fonts draw ⛔ as an empty box in item views.
LEVEL_STYLES: dict[Level, LevelStyle] = {
    Level.ALLOW: LevelStyle("#dafbe1", "#0f5323", "#1a7f37", "#1b7f3b", "level_allow.svg", "✔"),
    Level.UNKNOWN: LevelStyle("#eaeef2", "#24292f", "#57606a", "#5f6368", "level_unknown.svg", "?"),
    Level.CAUTION: LevelStyle("#fff8c5", "#4d2d00", "#bf8700", "#b36b00", "level_caution.svg", "!"),
    Level.WARN: LevelStyle("#ffe2cc", "#5c2200", "#d1570a", "#c2410c", "level_warn.svg", "⚠"),
    Level.BLOCK: LevelStyle("#ffebe9", "#82071e", "#cf222e", "#b91c1c", "level_block.svg", "✖"),
}


def level_style(level: Level | str) -> LevelStyle:
    return LEVEL_STYLES[Level.parse(level)]


# A checked text (a message, a recording, a typed transcript) at UNKNOWN was read and holds no scam script: it is not
# "unknown" the way a stranger's number is (a new user read 「? 未知」 on her daughter's own texts as "cannot tell").
TEXT_NOTHING_FOUND = ("○", "未发现诈骗", "no scam found")  # glyph, zh, en
TEXT_NOTHING_FOUND_ICON = "text_nothing_found.svg"  # the ○ drawn on the grey of UNKNOWN (a "?" said "cannot tell")


def level_label(level: Level, lang: str, about_text: bool = False) -> str:
    """The level's word; ``about_text``: the verdict is on what was said or written (``TEXT_NOTHING_FOUND``)."""
    level = Level.parse(level)
    if about_text and level is Level.UNKNOWN:
        return TEXT_NOTHING_FOUND[2] if lang.startswith("en") else TEXT_NOTHING_FOUND[1]
    return level.label(lang)


# What 查号 says of a line that is no number at all (139-1234-567O, abc) in place of a risk level: a typing slip to
# correct, not a caller to judge (a trial's window said 「! 注意 0.40」 where the command line said 输入有误)
NOT_A_NUMBER_TEXT = ("✗", "不是号码", "not a number")  # glyph, zh, en


def not_a_number_word(lang: str) -> str:
    return f"{NOT_A_NUMBER_TEXT[0]} {NOT_A_NUMBER_TEXT[2] if lang == 'en' else NOT_A_NUMBER_TEXT[1]}"


def level_word(level: Level | None, lang: str, about_text: bool = False) -> str:
    """``✖ 拦截`` — glyph plus word, never colour alone ("" for no level); ``about_text`` as :func:`level_label`."""
    if level is None:
        return ""
    level = Level.parse(level)
    glyph = TEXT_NOTHING_FOUND[0] if about_text and level is Level.UNKNOWN else LEVEL_STYLES[level].glyph
    return f"{glyph} {level_label(level, lang, about_text)}"


# What a text's verdict means for the reader (scan-text, a recording's banner): a checked text at UNKNOWN is not
# "unknown", nothing in it reads like a scam script. The number levels' advice is ``app.ui.style.LEVEL_ADVICE``.
TEXT_VERDICT: dict[Level, tuple[str, str]] = {
    # (not the level's own words again, 「○ 未发现诈骗 — 没有发现诈骗话术」 (a volunteer): what it means, and the limit)
    Level.ALLOW: (
        "里面没有常见的诈骗说法；但只要有人要你转账、给验证码，仍然先核实",
        "none of the usual scam wording in it; still, check first whenever someone asks for money or a code",
    ),
    Level.UNKNOWN: (
        "里面没有常见的诈骗说法；但只要有人要你转账、给验证码，仍然先核实",
        "none of the usual scam wording in it; still, check first whenever someone asks for money or a code",
    ),
    Level.CAUTION: (
        "有可疑的说法：先核实对方是谁，别急着转账、给验证码或点链接",
        "some wording to be careful about: check who it is before paying, giving a code or opening a link",
    ),
    Level.WARN: (
        "疑似诈骗话术！不要转账，不要说验证码，不要点链接",
        "likely a scam script! Do not transfer money, share a code or open a link",
    ),
    Level.BLOCK: ("诈骗话术，风险很高：不要照对方说的做", "a scam script, high risk: do not do what it asks"),
}
# What a recording with no verdict says instead of one: nothing was read, so nothing was found either (a trial read
# 「○ 未发现诈骗 · x.wav」 over a file that had failed to open as "not a scam"). ``failed``: it could not be read (a broken
# file, no speech model); ``pending``: it is waiting or being read.
NO_VERDICT: dict[str, tuple[str, str]] = {
    "failed": (
        "没能检查这段录音，不知道里面说了什么：原因见下面",
        "this recording could not be checked, so nothing is known of what was said: see why below",
    ),
    "pending": ("还没有分析完这段录音，结论稍后显示", "this recording is not analysed yet; the verdict follows"),
    # a pasted message in another language: the detector reads Chinese only (a trial's English scam SMS was told
    # 「○ 未发现诈骗」)
    "not_chinese": (
        "这段文字几乎不是中文：来电护盾只会读中文的诈骗话术，所以没有检查它。拿不准就打 96110 问一问",
        "this text is hardly Chinese: CallShield reads Chinese scam scripts only, so it was not checked. When unsure, "
        "call 96110 and ask",
    ),
}


def no_verdict_text(why: str, lang: str) -> str:
    zh, en = NO_VERDICT[why]
    return en if lang.startswith("en") else zh


# Below this a text's scheme is not named as its category: one courier word in a shipping notice is no
# 冒充电商物流客服; the phrases still show, as cues too weak to judge by.
CATEGORY_SHOWN_FROM = Level.CAUTION


def shown_category(level: Level | None, code: str | None, text: Any, lang: str) -> str:
    """The category column of a call, message or recording as shown everywhere (tables, banners, reports): a list
    category someone marked (诈骗/骚扰/推销/自定义) always; a scam scheme only from :data:`CATEGORY_SHOWN_FROM`."""
    if code and code in LIST_CATEGORIES:
        return category_label(code, lang)
    if level is None or Level.parse(level) < CATEGORY_SHOWN_FROM:
        return ""
    return render_text(text, lang) or scheme_name(code, lang)


def scheme_name(code: str | None, lang: str) -> str:
    """A detector category's name from the bundled ``categories.json`` (the id itself if it is none of them)."""
    from screening.transcript.phrases import bundled_categories

    cat = bundled_categories().get(code or "")
    return render_text(cat.name, lang) if cat is not None else (code or "")


def text_reasons(level: Level | None, reasons: Any, lang: str) -> list[str]:
    """A checked text's reasons as shown (scan-text, the 查号 page): below :data:`CATEGORY_SHOWN_FROM` the detector's
    「没有发现诈骗话术」 is left out, the verdict already says it, and what is left are cues too weak to judge by."""
    from screening.transcript.explain import ReasonText

    flagged = level is not None and Level.parse(level) >= CATEGORY_SHOWN_FROM
    return [
        render_text(r, lang)
        for r in reasons or ()
        if render_text(r, lang) and (flagged or render_text(r, "en") != ReasonText.NOTHING.en)
    ]


# The reason a number with no sign against it is shown with, where a reason is expected (check's table, the 查号
# page): an empty cell read as "cannot tell". A number found in a message read as a scam is not calm for that: it is
# what the scam wants dialled (a fake bank's 客服电话 in a new user's trial showed 「? 未知」 and nothing more).
NUMBER_NOTHING_FOUND = ("没有发现风险迹象", "no sign of risk found")
NUMBER_IN_SCAM_TEXT = (
    "号码本身没有记录，但它出现在这段疑似诈骗的文字里：不要拨打。要核实，请打官方电话（如银行卡背面的号码）",
    "not on any list, but it is in this suspected scam text: do not call it. To check, call the official number "
    "(such as the one on the back of your bank card)",
)


def number_nothing_found(lang: str, in_scam_text: bool = False) -> str:
    """The reason shown for a number the screener found nothing against (:data:`NUMBER_NOTHING_FOUND`, or
    :data:`NUMBER_IN_SCAM_TEXT` for one found in a message flagged as a scam)."""
    zh, en = NUMBER_IN_SCAM_TEXT if in_scam_text else NUMBER_NOTHING_FOUND
    return en if lang.startswith("en") else zh


# A calm text with cues listed under it: 「里面没有常见的诈骗说法」 over 「「积分兑换」：…」 contradicted itself (a
# supermarket's points SMS)
TEXT_VERDICT_CUES = (
    "有几个骗子也常用的词，但合在一起不像诈骗话术；只要有人要你转账、给验证码，仍然先核实",
    "a few words scammers use too, but together they do not read like a scam script; still, check first whenever "
    "someone asks for money or a code",
)


def text_verdict(level: Level, lang: str, cues: bool = False) -> str:
    """What a text's verdict means (:data:`TEXT_VERDICT`); ``cues``: the calm text's weak cues are listed below it."""
    level = Level.parse(level)
    zh, en = TEXT_VERDICT_CUES if cues and level < CATEGORY_SHOWN_FROM else TEXT_VERDICT[level]
    return en if lang.startswith("en") else zh


def icon_path(name: str) -> str:
    """A file under ``app/resources/icons`` (level icons: ``level_style(level).icon``)."""
    return str(paths.resource("app", "resources", "icons", name))


class Renderable(Protocol):
    """A code with parameters that becomes text in the reader's language (BiText, Message, HitReason…)."""

    def render(self, lang: str = "zh") -> str: ...


def render_text(value: Any, lang: str) -> str:
    """A core value in ``lang``: Level, BiText, Message, anything with ``render(lang)``/``label(lang)``, or text."""
    if value is None:
        return ""
    if isinstance(value, Level):
        return value.label(lang)
    render = getattr(value, "render", None)
    if callable(render):
        return str(render(lang))
    label = getattr(value, "label", None)
    if callable(label):
        return str(label(lang))
    text = getattr(value, "text", None)
    if text is not None and text is not value:
        return render_text(text, lang)
    return str(value)


def render_all(values: Any, lang: str) -> list[str]:
    """Each value rendered, empty ones left out (reason lists)."""
    return [t for t in (render_text(v, lang) for v in values or ()) if t]


# A phone call's direction as the backups and call logs give it (``app.phone.backup_xml.CALL_TYPES``).
CALL_TYPE_TEXT: dict[str, tuple[str, str]] = {
    "incoming": ("来电", "incoming"),
    "outgoing": ("去电", "outgoing"),
    "missed": ("未接", "missed"),
    "voicemail": ("语音留言", "voicemail"),
    "rejected": ("拒接", "rejected"),
    "blocked": ("已拦截", "blocked"),
}


def call_type_label(call_type: str | None, lang: str) -> str:
    """来电 / 去电 / 未接 …; a call without a type (a landline, a log that does not say) is an incoming call."""
    zh, en = CALL_TYPE_TEXT.get(call_type or "incoming", CALL_TYPE_TEXT["incoming"])
    return en if lang.startswith("en") else zh


# What a history row is: a call (named by its direction, :func:`call_type_label`), a text message or a recording.
# The person's own messages (``app.phone.backup_xml.OWN_MESSAGE_TYPES``): kept, never screened
OWN_SMS_TEXT: dict[str, tuple[str, str]] = {
    "sent": ("发出的短信", "sent SMS"),
    "unsent": ("没发出去的短信", "unsent SMS"),  # queued, failed, in the outbox
    "draft": ("短信草稿", "SMS draft"),
}


def own_message(row: Any) -> bool:
    """Whether a history row (a record dict or a row object) is a message the person sent or drafted: never screened,
    so no ○ 未发现诈骗 (a trial)."""
    kind = row.get("kind") if isinstance(row, dict) else getattr(row, "kind", None)
    raw = row if isinstance(row, dict) else getattr(row, "raw", None)
    call_type = raw.get("call_type") if isinstance(raw, dict) else getattr(row, "call_type", None)
    return kind == "sms" and call_type in OWN_MESSAGE_TYPES


RECORD_KIND_TEXT: dict[str, tuple[str, str]] = {
    "sms": ("短信", "SMS"),
    "recording": ("录音", "recording"),
}


# A message's ``call_type`` when it is no text message: a chat pasted on the 查号 page and kept (a trial's WeChat group
# chat was filed as 短信). Stored so by ``app.operations.check.save_text``.
CHAT = "chat"
CHAT_TEXT = ("聊天记录", "chat")  # what such a row is called (a table cell capitalises it)


def record_kind_label(kind: str, lang: str, call_type: str | None = None, source: str | None = None) -> str:
    """A history row's kind as every table, report and CLI shows it: 来电 / 去电 / 未接 … for a call (模拟来电 for one typed
    in to try the app or train volunteers: a trial's demo calls read as real ones in 记录), 短信 (聊天记录 for a kept
    chat), 录音."""
    if kind == "call" and source == SIMULATED_SOURCE:
        zh, en = SOURCE_TEXT[SIMULATED_SOURCE]
        return en.capitalize() if lang.startswith("en") else zh
    if kind == "call":
        return call_type_label(call_type, lang)
    if kind == "sms" and call_type == CHAT:
        return CHAT_TEXT[1] if lang.startswith("en") else CHAT_TEXT[0]
    if kind == "sms" and call_type in OWN_MESSAGE_TYPES:  # a trial: 「好的，知道了」 to 儿子 read as received
        zh, en = OWN_SMS_TEXT["sent" if call_type in SENT_TYPES else "draft" if call_type == "draft" else "unsent"]
        return en if lang.startswith("en") else zh
    zh, en = RECORD_KIND_TEXT.get(kind, (kind, kind))
    return en if lang.startswith("en") else zh


SIMULATED_SOURCE = "manual"  # a number typed in to try the app or train volunteers: a 模拟来电
LINE_SOURCES = frozenset({"modem", "ncid", "sip"})  # the call sources whose lines are real ones (not 模拟来电)
UNNAMED_LINES = frozenset({"", "-", "modem", "manual"})  # the ids a line has when nobody named it

# Where a history row came from (``history.source``, written by the call sources, the phone importer and the
# recording scans): the code is stored, these words are shown (history details, exports, the CLI's line status).
SOURCE_TEXT: dict[str, tuple[str, str]] = {
    # calls heard on this computer's lines (app.calls.sources)
    "manual": ("模拟来电", "simulated call"),
    "modem": ("调制解调器", "modem"),
    "ncid": ("NCID", "NCID"),
    "sip": ("SIP", "SIP"),
    # a family member's phone (app.phone.importer)
    "phone-backup": ("手机备份的通话记录", "call log from a phone backup"),
    "phone-backup-sms": ("手机备份的短信", "text messages from a phone backup"),
    "phone-backup-mms": ("手机备份的彩信", "MMS from a phone backup"),
    "call-log-csv": ("通话记录表格（CSV）", "call log spreadsheet (CSV)"),
    "sms-csv": ("短信表格（CSV）", "text message spreadsheet (CSV)"),
    "phone-recording": ("手机通话录音", "phone call recording"),
    "watched-folder": ("监视的录音文件夹", "watched recordings folder"),
    "backup": ("手机备份", "phone backup"),
    # recordings analysed on the 录音 page (app.operations.recordings)
    "scan": ("录音分析", "recording scan"),
    "file": ("录音文件", "recording file"),
    # a message pasted on 查号 and kept (app.operations.check.SAVED_SOURCE; a trial read 「来源：check」)
    "check": ("查号页粘贴的消息", "message pasted on the Check page"),
}


def source_label(code: str | None, lang: str) -> str:
    """A stored source code in words (:data:`SOURCE_TEXT`); a code it does not know shows as stored."""
    zh_en = SOURCE_TEXT.get(code or "")
    if zh_en is None:
        return code or ""
    return zh_en[1] if lang.startswith("en") else zh_en[0]


LIST_CATEGORIES: tuple[str, ...] = tuple(c.value for c in Category)

# Number kinds that history shows in their national form (see shown_number).
_NATIONAL_FORM = frozenset({"mobile", "fixed_line", "virtual_operator"})


def category_label(code: str, lang: str) -> str:
    """The label of a number-list category (fraud/harassment/sales/custom), from ``blocklists.store.Category``."""
    try:
        return Category.parse(code).label(lang)
    except ValueError:
        return code


def call_line(record: Any) -> str:
    """The line a call came in on (a hotline's 前台 / 二线, an NCID server's POTS), or '' where there is none to name:
    a 模拟来电, a phone's own log, a recording or a text. ``record``: a history record (dict) or a row with ``raw``."""
    raw = record.raw if hasattr(record, "raw") else record
    if not isinstance(raw, dict):
        return ""
    return shown_line(str(raw.get("source") or ""), str(raw.get("line") or ""))


def alert_origin(source: str, line: str) -> dict[str, Any]:
    """Where a call came from, as its alert says it (``app.alerts.policy.Alert``'s ``line`` and ``simulated``): the
    one answer for the Live page's alerts and ``listen-calls``' e-mails."""
    return {"line": shown_line(source, line), "simulated": source == SIMULATED_SOURCE}


def shown_line(source: str, line: str) -> str:
    """A call's line as worth showing: one the user or the NCID server named, not a source's default id (a single
    modem's 「modem」, NCID's 「-」 for no line, a 模拟来电's 「manual」: a review saw 「线路：modem」 in every e-mail)."""
    if source not in LINE_SOURCES or line.strip() in UNNAMED_LINES:
        return ""
    return line.strip()


def with_name(number: str, name: str | None, lang: str | None) -> str:
    """「10690000123（妈妈）」, "10690000123 (Mum)": the contact's name from a phone's log in brackets of the reader's
    script (the history in the window and the CLI, the family report); a phone's mark in the log's name column
    (骚扰电话, 被23人标记为诈骗电话: ``blocklists.pasted.PHONE_MARK``) is said to be one, so it does not read as someone
    the owner knows."""
    if not name:
        return number
    name = shown_name(name, lang)
    return f"{number} ({name})" if lang == "en" else f"{number}（{name}）"


def label_colon(lang: str | None) -> str:
    """The colon after a label as the reader's language writes it: 「链接：」, "link: "."""
    return ": " if lang == "en" else "："


def list_sep(lang: str | None) -> str:
    """What separates the items of a list as the reader's language writes it: 「甲；乙」, "a; b"."""
    return "; " if lang == "en" else "；"


def join_list(items: Any, lang: str | None) -> str:
    """Items joined by the reader's list separator (``list_sep``)."""
    return list_sep(lang).join(items)


def enumerate_words(items: Any, lang: str | None) -> str:
    """Short items named in a sentence, as the reader's language enumerates them: 「妈妈、爸爸」, "Mum, Dad" (clauses
    and reasons take ``join_list``'s 「；」)."""
    return (", " if lang == "en" else "、").join(items)


def shown_name(name: str, lang: str | None) -> str:
    """A phone log's name for a number as shown: a contact's name as it is, a phone's mark said to be one
    (手机标记：骚扰电话), under a 姓名 column as beside a number (``with_name``)."""
    if name and PHONE_MARK.match(name.strip()):
        return f"marked on the phone: {name}" if lang == "en" else f"手机标记：{name}"
    return name


def shown_number(e164: str | None, raw: str | None = None) -> str:
    """A stored number as history shows it (CLI and window), as people dial it: a number that came without a country
    code as it came (10086, 95275012, 051385123456), a Chinese mobile or landline without its +86 (13800138000), and
    anything else as stored, so a spoofed +86 10086 or +852 96110 still shows where it came from. The store keeps E.164
    for matching and lists."""
    from screening.numbers import normalise

    number = normalise(raw) if raw else None
    if (
        number is not None
        and number.country_code == 86
        and number.national_number
        and not number.international_prefix
        and (not e164 or number.e164 in (None, e164))  # the raw form read as Chinese is the number stored
    ):
        return number.display()  # as it came: 10086, 95275012, 051385123456
    stored = e164 or raw or ""
    number = normalise(stored) if stored.startswith("+86") else None
    if number is not None and number.national_number and number.number_type.value in _NATIONAL_FORM:
        return ("0" if number.number_type.value == "fixed_line" else "") + number.national_number
    return stored


def device_name(key: str) -> str:
    """A stored device choice as people know it: ``pulse:headset1.monitor`` → ``headset1.monitor``,
    ``USB Headset, MME`` and ``USB Headset, MME #2`` (one of two identical devices) stay; a bare number (an
    older setting that no device scan has named yet) → ``#3``."""
    if key.startswith(("pulse:", "input:")):
        return key.partition(":")[2] or key
    return f"#{key}" if is_device_number(key) else key


def about_text(row: Any) -> bool:
    """A message's or recording's verdict is on what was written or said: ○ 未发现诈骗, not ? 未知; a recording kept
    unchecked (no speech model yet), or heard by a model of another language (:func:`heard_no_chinese`), said nothing
    we read, and is ? 未知 with its reason. A row of 录音分析 (it has a ``status``, no ``kind``) is a recording."""
    if own_message(row):  # sent by the person: not checked
        return False
    if isinstance(row, dict):  # a history record as the store gives it (``callshield history``)
        return not is_unchecked(row) and not heard_no_chinese(row) and row.get("kind") in ("sms", "recording")
    raw = getattr(row, "raw", None)
    if isinstance(raw, dict) and is_unchecked(raw):
        return False
    if heard_no_chinese(row):
        return False
    kind = getattr(row, "kind", None)
    if kind is None and getattr(row, "status", None) is not None:
        return True
    return str(kind or "") in ("sms", "recording")


def heard_no_chinese(row: Any) -> bool:
    """Whether a recording's speech went unread (``blocklists.history.unread_speech``: a model of another language
    wrote its transcript and nothing was found in it): no verdict on what was said, ? 未知 with the warning, not ○
    未发现诈骗 (a trial's Korean model). Judged from the transcript, so rows stored before the warning say it too."""
    if isinstance(row, dict):
        return unread_speech(row.get("transcript"), row.get("hits"))
    return unread_speech(getattr(row, "transcript", None), getattr(row, "hits", None))
