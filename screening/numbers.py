"""Phone-number normalisation: whatever a caller-ID display or an exported call log shows → one typed result.

``normalise(raw, region="CN")`` never raises.  It accepts what users actually paste: ``+86 138 0013 8000``,
``0086…``, ``13800138000``, ``013800138000``, ``0513-85123456``, ``95275012``, ``95588``, ``+00 852 …``,
``00019…``, full-width digits ``１３８…``, spaces, dashes, brackets and a trailing ``#``.

The heavy lifting is ``phonenumbers`` (libphonenumber's metadata, geocoder and carrier data in Chinese and
English).  On top of it we classify the number with the Chinese numbering plan (95 hotlines vs leased 95
blocks, 106 SMS ports, 400/800, virtual operators), which libphonenumber does not model, and we keep the
facts a screener needs (did it arrive with ``+``/``00``? with ``+00``? what digits followed the prefix?).

Results are cached (``lru_cache``): a call log repeats numbers, and the result is frozen so sharing is safe.
"""

from __future__ import annotations

import enum
import logging
import re
import unicodedata
from dataclasses import dataclass, field, replace
from functools import lru_cache

import phonenumbers
from phonenumbers import PhoneNumber, PhoneNumberType, geocoder

from screening.i18n import Message, MessageCode
from screening.number_plan import numbering_plan

log = logging.getLogger(__name__)

MAX_DIGITS = 20  # E.164 allows 15; call logs add prefixes. Anything longer is not a phone number.
MAX_RAW = 200  # longer input is rejected before any regex runs


class NumberType(enum.Enum):
    """What kind of number this is, in the sense that matters for screening."""

    MOBILE = "mobile"
    FIXED_LINE = "fixed_line"
    SERVICE_95 = "service_95"  # 5–6 digit 95xxx(x) nationwide hotline
    LEASED_95 = "leased_95"  # 7–8 digit 95xxxxxx leased call-centre block
    SHORT_CODE = "short_code"  # 110, 12345, 10086, 96110 …
    TOLL_FREE_400_800 = "toll_free_400_800"
    SMS_PLATFORM_106 = "sms_platform_106"
    VIRTUAL_OPERATOR = "virtual_operator"  # 170/171/162/165/167 mobile ranges
    INTERNATIONAL = "international"
    UNKNOWN = "unknown"

    @property
    def zh(self) -> str:
        return _TYPE_TEXT[self][0]

    @property
    def en(self) -> str:
        return _TYPE_TEXT[self][1]

    def label(self, lang: str = "zh") -> str:
        return self.en if lang.startswith("en") else self.zh


_TYPE_TEXT = {
    NumberType.MOBILE: ("手机", "mobile"),
    NumberType.FIXED_LINE: ("固定电话", "landline"),
    NumberType.SERVICE_95: ("95 客服号", "95 hotline"),
    NumberType.LEASED_95: ("95 租用号段", "leased 95 block"),
    NumberType.SHORT_CODE: ("特服短号", "short code"),
    NumberType.TOLL_FREE_400_800: ("400/800 号码", "400/800 number"),
    NumberType.SMS_PLATFORM_106: ("106 短信平台", "106 SMS platform"),
    NumberType.VIRTUAL_OPERATOR: ("虚拟运营商", "virtual operator"),
    NumberType.INTERNATIONAL: ("境外号码", "international"),
    NumberType.UNKNOWN: ("未知", "unknown"),
}


class NumberProblem(MessageCode):
    """Why a number is not a valid, callable number.  Render with ``Message(problem, number.problem_params)``."""

    EMPTY = ("没有号码（空白或隐藏号码）", "no number (empty or withheld)")
    NOT_A_NUMBER = ("含有非号码字符“{char}”", "contains a character that is not part of a number: “{char}”")
    TOO_SHORT = ("位数太少（{length} 位）", "too few digits ({length})")
    TOO_LONG = ("位数太多（{length} 位）", "too many digits ({length})")
    PLUS_DOUBLE_ZERO = ("以 +00 开头，不是真实的国家/地区号码格式", "starts with +00, which is no real country format")
    INVALID_COUNTRY_CODE = ("国际前缀后不是有效的国家/地区代码", "no valid country code after the international prefix")
    INVALID_FOR_REGION = ("号码对 {region} 无效（长度或号段不对）", "not a valid number for {region} (length or range)")
    INVALID_LENGTH = ("{kind}位数不对（{length} 位）", "wrong length for a {kind_en} ({length} digits)")
    UNALLOCATED_MOBILE = ("手机号段 {prefix} 未分配", "mobile range {prefix} is not allocated")
    UNPARSEABLE = ("无法解析", "cannot be parsed")


@dataclass(frozen=True)
class Attribution:
    """归属地 and carrier, from phonenumbers' geocoder and carrier data (zh, and en where it has it)."""

    region_code: str | None = None  # ISO 3166 code: CN, HK, US …
    description_zh: str = ""  # 江苏省南通市 / 香港 / 中国
    description_en: str = ""  # Nantong, Jiangsu / Hong Kong / China
    province_zh: str = ""
    city_zh: str = ""
    province_en: str = ""
    city_en: str = ""
    carrier_zh: str = ""  # original allocation; number portability (携号转网) is not reflected
    carrier_en: str = ""

    def render(self, lang: str = "zh") -> str:
        if lang.startswith("en"):
            return " ".join(p for p in (self.description_en, self.carrier_en) if p)
        return " ".join(p for p in (self.description_zh, self.carrier_zh) if p)


NO_ATTRIBUTION = Attribution()

# What phones and spreadsheets write in a number cell for a call with no caller ID (a withheld, private or unknown
# number), compared case-folded with brackets and spaces dropped; any other cell without a digit is no number at all.
WITHHELD_WORDS = frozenset(
    {
        "",  # (also a cell of dashes, slashes or brackets alone)
        "隐藏号码",
        "号码隐藏",
        "隐藏",
        "未知号码",
        "号码未知",
        "未知来电",
        "未知",
        "私人号码",
        "私密号码",
        "保密号码",
        "匿名",
        "匿名号码",
        "匿名来电",
        "无号码",
        "无来电号码",
        "不显示号码",
        "无",
        "空",
        "unknown",
        "unknownnumber",
        "unknowncaller",
        "private",
        "privatenumber",
        "privatecaller",
        "withheld",
        "numberwithheld",
        "hidden",
        "anonymous",
        "restricted",
        "blocked",
        "unavailable",
        "payphone",
        "nocallerid",
        "na",
        "null",
    }
)
_WITHHELD_FILLER = re.compile(r"[\s()（）\[\]【】<>《》\-_/\\.·—–―‐‑]+")


def is_withheld_word(cell: str) -> bool:
    """Whether a number cell says the caller's number was not shown (blank, 隐藏号码, Unknown caller, (Private
    number), N/A, ——…): compared NFKC-folded and case-folded, without spaces, brackets, dashes, slashes and dots."""
    return _WITHHELD_FILLER.sub("", unicodedata.normalize("NFKC", cell)).casefold() in WITHHELD_WORDS


@dataclass(frozen=True)
class NormalisedNumber:
    """One number, normalised.  Frozen and hashable; equal input gives an equal result.

    ``key`` is what the list store matches on: ``+<country code><national number>`` when both are
    known (so ``013800138000``, ``+86 138…`` and ``0086 138…`` share one key), else ``+<digits after the
    international prefix>``, else the cleaned digits.
    """

    raw: str
    digits: str  # every digit of the input, after full-width → ASCII; nothing else
    e164: str | None
    country_code: int | None
    national_number: str | None
    number_type: NumberType
    international_prefix: bool  # arrived with “+” or “00”
    valid: bool
    problem: NumberProblem | None = None
    problem_params: tuple[tuple[str, str | int], ...] = ()
    # (country code, national number, leading zeros, valid, region code): attribution is looked up lazily from
    # this, because phonenumbers' geocoder/carrier lookups cost more than everything else here together and
    # bulk screening of a call log never reads them.
    attribution_source: tuple[int, int, int, bool, str | None] | None = field(default=None, repr=False, compare=False)
    dialled_digits: str = ""  # digits after any international prefix (after “+”, “00”, “+00”)
    plus_double_zero: bool = False  # arrived as “+00…”
    key: str = ""
    # A special-service short number dialled or shown with a city's area code (0513-96110): the area code ("513"),
    # while ``national_number`` is the short number itself ("96110"), so it is judged as that short number is.
    area_code: str = ""

    @property
    def attribution(self) -> Attribution:
        """归属地 and carrier (computed on first access, cached per number)."""
        return _attribution_from(self.attribution_source)

    @property
    def params(self) -> dict[str, str | int]:
        return dict(self.problem_params)

    @property
    def problem_message(self) -> Message | None:
        """The problem with its parameters, ready to ``render("zh")`` / ``render("en")``; None if valid."""
        return None if self.problem is None else Message(self.problem, self.params)

    def display(self) -> str:
        """A readable form: the national form for domestic CN numbers, else E.164, else the cleaned input.

        A landline keeps its trunk 0 (051385123456, valid or not), and a short number with an area code shows both
        (0513-96110): without the 0 either would read as another number (51396110)."""
        if self.country_code == 86 and not self.international_prefix and self.national_number:
            if self.area_code:
                return f"0{self.area_code}-{self.national_number}"
            if self.number_type is NumberType.FIXED_LINE and (self.e164 or self.digits.startswith("0")):
                return "0" + self.national_number
            return self.national_number
        if self.e164:
            return self.e164
        if self.digits:
            return ("+" if self.raw.lstrip().startswith(("+", "＋")) else "") + self.digits
        return self.raw.strip()


_SEPARATORS = re.compile(r"[\s\-‐‑‒–—―−().\[\]/·•、,，\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]+")
_TRAILING = re.compile(r"[#＃*]+$")
# An extension after the number (call logs, business cards): “010-6512 3456 转 801”, “… ext. 801”, “… x801”.
_EXTENSION = re.compile(r"(?:转|分机|ext\.?|x)\s*\d{1,6}\s*$", re.IGNORECASE)
_TEL_PREFIX = re.compile(r"^(?:tel|callto|sip):", re.IGNORECASE)
_PLAIN = re.compile(r"\+?[0-9]+\Z")
_ASCII_DIGITS = re.compile(r"[0-9]*\Z")
_NOT_DIGIT = re.compile(r"[^0-9]")
# Combining marks, format characters (zero-width joiners, direction marks) and symbols such as 📞 or ☎ carry
# no digit: dropped, so “13800138000\u0301” or “📞13800138000” is the same number for lookups and display.
_DECORATION = frozenset({"Mn", "Me", "Mc", "Cf", "So", "Sk"})


def _drop_decoration(text: str) -> str:
    return "".join(ch for ch in text if ch.isascii() or unicodedata.category(ch) not in _DECORATION)


_PROVINCE = re.compile(r"^(.+?(?:省|自治区|特别行政区|市))(.*)$")


def normalise(raw: str, region: str = "CN") -> NormalisedNumber:
    """Normalise one number as shown by caller ID or a call log.  Never raises."""
    if not isinstance(raw, str):
        raw = "" if raw is None else str(raw)
    region = (region or "CN").upper()
    try:
        return _normalise_cached(raw, region)
    except Exception:  # a bug or a phonenumbers surprise must never reach the caller
        log.exception("normalise failed for input of length %d", len(raw))
        return _invalid(raw, "".join(ch for ch in raw if ch.isdigit())[:MAX_DIGITS], NumberProblem.UNPARSEABLE)


def normalise_many(raws: list[str], region: str = "CN") -> list[NormalisedNumber]:
    return [normalise(r, region) for r in raws]


def trim_cache(max_entries: int = 20_000) -> None:
    """Empty the normalisation caches once they hold more than ``max_entries`` numbers.

    A call log repeats numbers, which is what the caches are for; a phone backup holds ~100,000 numbers seen
    once each, which would otherwise stay cached (about 1 kB each).  Bulk importers call this between batches.
    """
    if _normalise_cached.cache_info().currsize > max_entries:
        _normalise_cached.cache_clear()
    if _attribution_from.cache_info().currsize > max_entries:
        _attribution_from.cache_clear()


def _invalid(
    raw: str,
    digits: str,
    problem: NumberProblem,
    params: tuple[tuple[str, str | int], ...] = (),
    **fields: object,
) -> NormalisedNumber:
    base: dict[str, object] = {
        "raw": raw,
        "digits": digits,
        "e164": None,
        "country_code": None,
        "national_number": None,
        "number_type": NumberType.UNKNOWN,
        "international_prefix": False,
        "valid": False,
        "problem": problem,
        "problem_params": params,
        "key": digits,
    }
    base.update(fields)
    return NormalisedNumber(**base)  # type: ignore[arg-type]


@lru_cache(maxsize=65536)  # ~45 MB when full; keeps screening a million numbers under 300 MB
def _normalise_cached(raw: str, region: str) -> NormalisedNumber:
    if len(raw) > MAX_RAW:
        digits = _NOT_DIGIT.sub("", unicodedata.normalize("NFKC", raw))
        return _invalid(raw, digits[:MAX_DIGITS], NumberProblem.TOO_LONG, (("length", len(digits)),))
    if _PLAIN.match(raw):  # already clean (most call-log entries): skip the clean-up passes
        text = raw
    else:
        text = unicodedata.normalize("NFKC", raw).strip()
        if not text.isascii():
            text = _drop_decoration(text)
        text = _TEL_PREFIX.sub("", text)
        text = _EXTENSION.sub("", text)
        text = _TRAILING.sub("", text.strip())
        text = _SEPARATORS.sub("", text)
    if not text:
        return _invalid(raw, "", NumberProblem.EMPTY)
    plus = text.startswith("+")
    body = text[1:] if plus else text
    if not _ASCII_DIGITS.match(body):
        bad = _NOT_DIGIT.search(body)
        char = bad.group(0) if bad else "?"
        digits = _NOT_DIGIT.sub("", text)
        return _invalid(raw, digits[:MAX_DIGITS], NumberProblem.NOT_A_NUMBER, (("char", char),))
    if not body:
        return _invalid(raw, "", NumberProblem.EMPTY)
    if len(body) > MAX_DIGITS:
        return _invalid(raw, body[:MAX_DIGITS], NumberProblem.TOO_LONG, (("length", len(body)),))

    international = plus
    dialled = body
    plus00 = False
    if plus:
        if body.startswith("00"):
            plus00 = True
            dialled = body[2:]
    else:
        idd = _idd_prefix(region, body)
        if idd:
            international = True
            dialled = body[len(idd) :]
    if international:
        return _international(raw, body, dialled, plus00, region)
    if region == "CN" and len(body) == 13 and body.startswith("86") and body[2] == "1":
        # “8613800138000”: the country code without “+”, as some exported call logs store numbers.
        inner = _national(raw, body[2:], region)
        if inner.valid:
            return replace(inner, digits=body, dialled_digits=body)
    return _national(raw, body, region)


def _idd_prefix(region: str, body: str) -> str:
    """The international dialling prefix at the start of ``body`` for ``region`` (``00`` in China)."""
    if region == "CN":
        return "00" if body.startswith("00") else ""
    metadata = phonenumbers.PhoneMetadata.metadata_for_region(region)
    if metadata is None or not metadata.international_prefix:
        return "00" if body.startswith("00") else ""
    m = re.match(f"(?:{metadata.international_prefix})", body)
    return m.group(0) if m else ""


def _split_country_code(dialled: str) -> tuple[int | None, str]:
    for n in (1, 2, 3):
        if len(dialled) >= n and dialled[0] != "0":
            cc = int(dialled[:n])
            if cc in phonenumbers.COUNTRY_CODE_TO_REGION_CODE:
                return cc, dialled[n:]
    return None, dialled


def _international(raw: str, body: str, dialled: str, plus00: bool, region: str) -> NormalisedNumber:
    common: dict[str, object] = {"international_prefix": True, "dialled_digits": dialled, "plus_double_zero": plus00}
    if not dialled:
        return _invalid(raw, body, NumberProblem.TOO_SHORT, (("length", 0),), **common)
    cc, national = _split_country_code(dialled)
    if cc is None:
        return _invalid(raw, body, NumberProblem.INVALID_COUNTRY_CODE, (), key="+" + dialled, **common)
    key = f"+{cc}{national}"
    if cc == 86 and region == "CN" or cc == _country_code_for_region(region):
        # A domestic number written internationally: classify it as a domestic one, keep the prefix facts.
        home_region = phonenumbers.region_code_for_country_code(cc)
        # “+86 (0)513 …” is how many people write it, so a stray trunk 0 is tolerated.
        inner = _national(raw, national, home_region if home_region != "001" else region, international_form=True)
        inner_problem, inner_params = inner.problem, inner.problem_params
        valid = inner.valid
        if plus00:
            inner_problem, inner_params, valid = NumberProblem.PLUS_DOUBLE_ZERO, (), False
        return NormalisedNumber(
            raw=raw,
            digits=body,
            e164=inner.e164 if valid else None,
            country_code=cc,
            national_number=inner.national_number or national,
            number_type=inner.number_type,
            international_prefix=True,
            valid=valid,
            problem=inner_problem,
            problem_params=inner_params,
            attribution_source=inner.attribution_source,
            dialled_digits=dialled,
            plus_double_zero=plus00,
            key=inner.key if inner.key.startswith("+") else key,
            area_code=inner.area_code,
        )
    if not national:
        return _invalid(raw, body, NumberProblem.TOO_SHORT, (("length", 0),), country_code=cc, key=key, **common)
    number = PhoneNumber(country_code=cc, national_number=int(national))
    if national.startswith("0"):
        number.italian_leading_zero = True
        number.number_of_leading_zeros = len(national) - len(national.lstrip("0"))
    valid = bool(national) and phonenumbers.is_valid_number(number)
    region_code = phonenumbers.region_code_for_number(number) or phonenumbers.region_code_for_country_code(cc)
    source = (cc, int(national), number.number_of_leading_zeros or 0, valid, region_code)
    problem: NumberProblem | None = None
    params: tuple[tuple[str, str | int], ...] = ()
    if plus00:
        problem, valid = NumberProblem.PLUS_DOUBLE_ZERO, False
    elif not valid:
        problem = NumberProblem.INVALID_FOR_REGION
        params = (("region", _attribution_from(source).description_zh or f"+{cc}"),)
    return NormalisedNumber(
        raw=raw,
        digits=body,
        e164=phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164) if valid else None,
        country_code=cc,
        national_number=national,
        number_type=NumberType.INTERNATIONAL,
        international_prefix=True,
        valid=valid,
        problem=problem,
        problem_params=params,
        attribution_source=source,
        dialled_digits=dialled,
        plus_double_zero=plus00,
        key=key,
    )


@lru_cache(maxsize=64)
def _country_code_for_region(region: str) -> int | None:
    cc = phonenumbers.country_code_for_region(region)
    return cc or None


def _national(
    raw: str, body: str, region: str, trunk_allowed: bool = True, international_form: bool = False
) -> NormalisedNumber:
    if region != "CN":
        return _national_generic(raw, body, region)
    plan = numbering_plan()
    nn = body
    trunk = False
    if trunk_allowed and nn.startswith("0") and len(nn) > 1:
        nn = nn[1:]
        trunk = True
    common: dict[str, object] = {
        "raw": raw,
        "digits": body,
        "country_code": 86,
        "international_prefix": False,
        "dialled_digits": body,
        "key": "+86" + nn,
    }

    def result(
        number_type: NumberType,
        valid: bool,
        problem: NumberProblem | None = None,
        params: tuple[tuple[str, str | int], ...] = (),
        number: PhoneNumber | None = None,
    ) -> NormalisedNumber:
        has_e164 = number is not None and valid
        return NormalisedNumber(
            e164=f"+86{nn}" if has_e164 else None,
            national_number=nn,
            number_type=number_type,
            valid=valid,
            problem=problem,
            problem_params=params,
            attribution_source=(86, int(nn), 0, True, "CN") if has_e164 else None,
            **common,  # type: ignore[arg-type]
        )

    length = len(nn)
    if length == 11 and nn[:2] in plan.mobile_prefixes:
        kind = NumberType.VIRTUAL_OPERATOR if nn.startswith(plan.virtual_operator_prefixes) else NumberType.MOBILE
        if _cn_mobile_pattern().fullmatch(nn):
            return result(kind, True, number=_CN_NUMBER)
        return result(kind, False, NumberProblem.UNALLOCATED_MOBILE, (("prefix", nn[:3]),))
    if trunk or international_form:
        local = area_short(nn)
        if local is not None:
            # 0513-96110, 010-12345: a city's own service line, shown (or dialled) with its area code.
            area, short = local
            return NormalisedNumber(
                e164=None,
                national_number=short,
                number_type=NumberType.SHORT_CODE,
                valid=True,
                attribution_source=(86, int(nn), 0, True, "CN"),  # the area code's city
                area_code=area,
                **common,  # type: ignore[arg-type]
            )
    if trunk:
        # 0 + area code + subscriber number (a landline), or 0 + a mobile number handled above.
        number = PhoneNumber(country_code=86, national_number=int(nn) if nn.isdigit() else 0)
        if nn and nn[0] != "0" and phonenumbers.is_valid_number(number):
            return result(_map_type(phonenumbers.number_type(number)), True, number=number)
        if nn.startswith("1") and nn[:2] in plan.mobile_prefixes:
            return result(NumberType.MOBILE, False, *_length_problem("手机号码", "mobile number", length))
        return result(NumberType.FIXED_LINE, False, *_length_problem("固定电话", "landline number", len(body)))
    if international_form and not trunk and nn[:1] == "1" and length in (10, 11):
        # “+86 10 6512 3456” is a Beijing landline (area code 10), not a 106 SMS port: written
        # internationally a landline has no trunk 0, so check the landline plan first.
        number = PhoneNumber(country_code=86, national_number=int(nn))
        if phonenumbers.number_type(number) == PhoneNumberType.FIXED_LINE:
            return result(NumberType.FIXED_LINE, True, number=number)
    if nn.startswith(plan.sms_platform_prefixes):
        if 5 <= length <= MAX_DIGITS:
            return result(NumberType.SMS_PLATFORM_106, True)
        return result(NumberType.SMS_PLATFORM_106, False, *_length_problem("短信端口", "SMS port", length))
    if nn.startswith("95"):
        if length in (5, 6):
            return result(NumberType.SERVICE_95, True)
        if length in (7, 8):
            return result(NumberType.LEASED_95, True)
        return result(NumberType.SERVICE_95, False, *_length_problem("95 号码", "95 number", length))
    if nn.startswith(plan.toll_free_prefixes) and length not in (7, 8):
        if length == 10:
            number = PhoneNumber(country_code=86, national_number=int(nn))
            return result(NumberType.TOLL_FREE_400_800, True, number=number)
        return result(NumberType.TOLL_FREE_400_800, False, *_length_problem("400/800 号码", "400/800 number", length))
    if nn.startswith("1") or nn.startswith("96"):
        if _short_code(nn):
            return result(NumberType.SHORT_CODE, True)
        if nn[:2] in plan.mobile_prefixes:
            return result(NumberType.MOBILE, False, *_length_problem("手机号码", "mobile number", length))
        return result(NumberType.SHORT_CODE, False, *_length_problem("特服号码", "short code", length))
    if length in (7, 8) and nn[0] != "0":
        # A local landline shown without its area code (common for calls inside the same city).
        return result(NumberType.FIXED_LINE, True)
    number = PhoneNumber(country_code=86, national_number=int(nn) if nn.isdigit() else 0)
    if nn and nn[0] != "0" and phonenumbers.is_valid_number(number):
        return result(_map_type(phonenumbers.number_type(number)), True, number=number)
    if length < 3:
        return result(NumberType.UNKNOWN, False, NumberProblem.TOO_SHORT, (("length", length),))
    return result(NumberType.UNKNOWN, False, *_length_problem("号码", "number", length))


def _short_code(nn: str) -> bool:
    """Whether ``nn`` (starting with 1 or 96, past the mobile, SMS-port and 95 checks) is a special-service short
    number: one of the directory (``official_numbers.json``) or a 3–6 digit 10x/11x/12x/96x number."""
    return nn in numbering_plan().official_short or (3 <= len(nn) <= 6 and nn.startswith(("10", "11", "12", "96")))


def area_short(national: str) -> tuple[str, str] | None:
    """``(area code, short number)`` when ``national`` (a Chinese number without its trunk 0) is a city's area code
    followed by a special-service short number, else None: ``51396110`` → ``("513", "96110")``, ``1012345`` →
    ``("10", "12345")``, ``571110`` → ``("571", "110")``.

    Public service lines (96110, 12345, 12315, 110 …) are local numbers: dialled from another city, and often shown
    by caller ID, with the city's area code.  The short number is the one :func:`normalise` would read on its own
    as a valid short code, so it is judged as that number is (never a 95 hotline: those are nationwide, and an
    area code before 95xxx is a local landline).  Area codes are two digits (10, 2x) or three (3xx–9xx), and must
    be real ones (libphonenumber's landline plan)."""
    if not 5 <= len(national) <= 9 or not national.isdigit():
        return None
    k = 2 if national[0] in "12" else 3
    area, short = national[:k], national[k:]
    if not short.startswith(("1", "96")) or short.startswith(numbering_plan().sms_platform_prefixes):
        return None
    if not _short_code(short) or not _is_area_code(area):
        return None
    return area, short


@lru_cache(maxsize=1024)
def _is_area_code(area: str) -> bool:
    """Whether ``area`` is a Chinese area code: an ordinary 7 or 8 digit subscriber number after it is a valid
    landline in libphonenumber's plan (the same plan that validates every landline here)."""
    if area[:1] not in "23456789" and area != "10":
        return False
    for subscriber in ("23456789", "2345678"):
        number = PhoneNumber(country_code=86, national_number=int(area + subscriber))
        if phonenumbers.is_valid_number(number) and phonenumbers.number_type(number) == PhoneNumberType.FIXED_LINE:
            return True
    return False


# Marker: "this CN number has an E.164 form" (result() only needs to know that a PhoneNumber exists).
_CN_NUMBER = PhoneNumber(country_code=86, national_number=0)


@lru_cache(maxsize=1)
def _cn_mobile_pattern() -> re.Pattern[str]:
    """libphonenumber's allocated-mobile-range pattern for CN, compiled once (number_type() re-checks every
    number type and costs ten times more)."""
    metadata = phonenumbers.PhoneMetadata.metadata_for_region("CN")
    assert metadata is not None and metadata.mobile is not None and metadata.mobile.national_number_pattern
    return re.compile(metadata.mobile.national_number_pattern)


def _length_problem(kind: str, kind_en: str, length: int) -> tuple[NumberProblem, tuple[tuple[str, str | int], ...]]:
    return NumberProblem.INVALID_LENGTH, (("kind", kind), ("kind_en", kind_en), ("length", length))


def _national_generic(raw: str, body: str, region: str) -> NormalisedNumber:
    try:
        number = phonenumbers.parse(body, region)
    except phonenumbers.NumberParseException:
        return _invalid(raw, body, NumberProblem.UNPARSEABLE, dialled_digits=body)
    national = str(number.national_number)
    if number.italian_leading_zero:
        national = "0" * max(1, number.number_of_leading_zeros or 1) + national
    valid = phonenumbers.is_valid_number(number)
    home = _country_code_for_region(region)
    international = number.country_code != home
    return NormalisedNumber(
        raw=raw,
        digits=body,
        e164=phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164) if valid else None,
        country_code=number.country_code,
        national_number=national,
        number_type=NumberType.INTERNATIONAL if international else _map_type(phonenumbers.number_type(number)),
        international_prefix=False,
        valid=valid,
        problem=None if valid else NumberProblem.INVALID_FOR_REGION,
        problem_params=() if valid else (("region", region),),
        attribution_source=(
            int(number.country_code or 0),
            int(number.national_number or 0),
            (number.number_of_leading_zeros or 1) if number.italian_leading_zero else 0,
            True,
            phonenumbers.region_code_for_number(number),
        )
        if valid
        else None,
        dialled_digits=body,
        key=f"+{number.country_code}{national}",
    )


def _map_type(t: int) -> NumberType:
    if t in (PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE):
        return NumberType.MOBILE
    if t == PhoneNumberType.FIXED_LINE:
        return NumberType.FIXED_LINE
    if t in (PhoneNumberType.TOLL_FREE, PhoneNumberType.SHARED_COST):
        return NumberType.TOLL_FREE_400_800
    return NumberType.UNKNOWN


@lru_cache(maxsize=256)
def country_name(country_code: int, lang: str) -> str:
    """The country or region a calling code belongs to, in ``lang`` (zh/en) from phonenumbers' own names: 缅甸 for
    95; 美国等 / United States etc. for 1, which several share; "" for a code no region has. For a number too short
    or too odd for phonenumbers to place (00110 read as +1 10), the reason said only "+1"."""
    regions = [r for r in phonenumbers.region_codes_for_country_code(country_code) if r not in ("ZZ", "001")]
    if not regions:
        return ""
    example = phonenumbers.example_number(regions[0])
    if example is None:
        return ""
    name = geocoder.country_name_for_number(example, "zh" if lang == "zh" else "en")
    if name and len(regions) > 1:
        name += "等" if lang == "zh" else " etc."
    return str(name)


@lru_cache(maxsize=65536)
def _attribution_from(source: tuple[int, int, int, bool, str | None] | None) -> Attribution:
    if source is None:
        return NO_ATTRIBUTION
    cc, national, zeros, valid, region_code = source
    number = PhoneNumber(country_code=cc, national_number=national)
    if zeros:
        number.italian_leading_zero = True
        number.number_of_leading_zeros = zeros
    return _attribution(number, region_code) if valid else _country_only(number, region_code)


def _country_only(number: PhoneNumber, region_code: str | None) -> Attribution:
    """Only the country/region a number claims to be from (for numbers invalid in that region)."""
    if not region_code or region_code == "001":
        return NO_ATTRIBUTION
    from phonenumbers import geocoder  # heavy (about 1 s of data); only loaded when attribution is needed

    return Attribution(
        region_code=region_code,
        description_zh=geocoder.country_name_for_number(number, "zh"),
        description_en=geocoder.country_name_for_number(number, "en"),
    )


def _attribution(number: PhoneNumber, region_code: str | None) -> Attribution:
    from phonenumbers import carrier, geocoder  # heavy (about 1 s of data); only loaded when needed

    desc_zh = geocoder.description_for_valid_number(number, "zh")
    desc_en = geocoder.description_for_valid_number(number, "en")
    province_zh = city_zh = province_en = city_en = ""
    if number.country_code == 86:
        m = _PROVINCE.match(desc_zh)
        if m and desc_zh != "中国":
            province_zh, city_zh = m.group(1), m.group(2) or (m.group(1) if m.group(1).endswith("市") else "")
        if desc_en and desc_en != "China":
            parts = [p.strip() for p in desc_en.split(",")]
            city_en, province_en = (parts[0], parts[-1]) if len(parts) > 1 else (parts[0], parts[0])
    return Attribution(
        region_code=region_code,
        description_zh=desc_zh,
        description_en=desc_en,
        province_zh=province_zh,
        city_zh=city_zh,
        province_en=province_en,
        city_en=city_en,
        carrier_zh=carrier.name_for_valid_number(number, "zh"),
        carrier_en=carrier.name_for_valid_number(number, "en"),
    )
