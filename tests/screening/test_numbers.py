"""Number normalisation: every input form users paste, attribution, and property tests (never raises)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from blocklists.store import parse_pattern
from screening.i18n import Message
from screening.numbers import NormalisedNumber, NumberProblem, NumberType, normalise

BEIJING_MOBILE = "+8613800138000"


@pytest.mark.parametrize(
    "raw",
    [
        "+86 138 0013 8000",
        "0086 138 0013 8000",
        "008613800138000",
        "13800138000",
        "013800138000",
        "138-0013-8000",
        "(138) 0013 8000",
        "１３８００１３８０００",  # full-width digits
        "＋８６ １３８ ００１３ ８０００",
        "13800138000#",
        "tel:+8613800138000",
        "8613800138000",  # country code without "+", as some exported call logs have it
        " 138 0013 8000 \t",
        "\u202d138 0013 8000\u202c",  # bidi marks copied from a phone's call log
        "+86 138 0013 8000\u200b",  # zero-width space from a web page
    ],
)
def test_every_form_of_one_mobile_number_gives_the_same_e164(raw: str) -> None:
    n = normalise(raw)
    assert n.e164 == BEIJING_MOBILE
    assert n.key == BEIJING_MOBILE
    assert n.number_type is NumberType.MOBILE
    assert n.valid and n.problem is None
    assert n.country_code == 86 and n.national_number == "13800138000"
    assert n.attribution.description_zh == "北京市"
    assert n.attribution.carrier_zh == "中国移动"
    assert n.attribution.carrier_en == "China Mobile"
    assert n.raw == raw


@pytest.mark.parametrize(
    "raw",
    ["+86 10 6512 3456", "+86-10-65123456", "0086 10 6512 3456", "010-6512 3456 转 801", "(010) 6512 3456 ext. 801"],
)
def test_beijing_landline_is_not_mistaken_for_a_106_sms_port(raw: str) -> None:
    n = normalise(raw)
    assert n.number_type is NumberType.FIXED_LINE and n.e164 == "+861065123456"
    assert normalise("+86 1069 0000 123").number_type is NumberType.SMS_PLATFORM_106


def test_international_prefix_flag() -> None:
    assert normalise("+86 138 0013 8000").international_prefix
    assert normalise("008613800138000").international_prefix
    assert not normalise("13800138000").international_prefix
    assert not normalise("013800138000").international_prefix


def test_landline_with_area_code_has_city_attribution() -> None:
    n = normalise("0513-85123456")
    assert n.e164 == "+8651385123456"
    assert n.number_type is NumberType.FIXED_LINE
    assert n.attribution.province_zh == "江苏省"
    assert n.attribution.city_zh == "南通市"
    assert n.attribution.city_en == "Nantong"
    assert n.attribution.province_en == "Jiangsu"
    assert n.display() == "051385123456"
    assert normalise("(010) 6512-3456").attribution.description_zh == "北京市"


@pytest.mark.parametrize(
    ("raw", "short", "area", "shown", "city"),
    [
        ("0513-96110", "96110", "513", "0513-96110", "江苏省南通市"),
        ("051396110", "96110", "513", "0513-96110", "江苏省南通市"),
        ("021-96110", "96110", "21", "021-96110", "上海市"),
        ("0571-12345", "12345", "571", "0571-12345", "浙江省杭州市"),
        ("010-12345", "12345", "10", "010-12345", "北京市"),  # libphonenumber calls it a Beijing landline
        ("(0513) 110", "110", "513", "0513-110", "江苏省南通市"),
        ("0513-12369", "12369", "513", "0513-12369", "江苏省南通市"),  # a short number outside the directory
    ],
)
def test_a_short_number_with_an_area_code_is_that_short_number_in_that_city(
    raw: str, short: str, area: str, shown: str, city: str
) -> None:
    """0513-96110 was a 400/800 number shown as 51396110, and 0571-12345 a landline of the wrong length: public
    service numbers are local numbers, dialled from other cities (and often shown) with the area code."""
    n = normalise(raw)
    assert (n.number_type, n.valid, n.problem) == (NumberType.SHORT_CODE, True, None)
    assert (n.national_number, n.area_code, n.display()) == (short, area, shown)
    assert n.attribution.description_zh == city
    assert n.key == "+86" + area + short  # its own list key: an entry for 96110 alone is not one for 0513-96110
    assert n.e164 is None  # like every short number


@pytest.mark.parametrize(
    "raw",
    [
        "0300-96110",  # 0300 is no area code
        "0513-95588",  # 95xxx are nationwide; after an area code it is a local landline
        "0513-10690",  # an SMS port is no short number
        "0513-1380",  # nor the start of a mobile number
        "0513-8512345",  # a landline one digit short
    ],
)
def test_an_area_code_before_anything_else_is_no_short_number(raw: str) -> None:
    n = normalise(raw)
    assert n.area_code == "" and n.number_type is not NumberType.SHORT_CODE, n


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("0513-85123456", "051385123456"),  # valid
        ("0513-8512345", "05138512345"),  # one digit short: still the landline it claims to be, with its 0
        ("0300-96110", "030096110"),
        ("(010) 6512 345", "0106512345"),
        ("85123456", "85123456"),  # no area code, no 0 to keep
        ("013800138000", "13800138000"),  # a mobile number dialled with a 0 is shown as people know it
    ],
)
def test_a_landline_never_loses_its_leading_zero(raw: str, shown: str) -> None:
    assert normalise(raw).display() == shown


def test_an_area_code_short_number_written_internationally_keeps_its_parts() -> None:
    for raw in ("+86 513 96110", "+86 (0)513 96110", "0086 513 96110"):
        n = normalise(raw)
        assert n.international_prefix and n.number_type is NumberType.SHORT_CODE, raw
        assert (n.national_number, n.area_code, n.key) == ("96110", "513", "+8651396110"), raw
    foreign = normalise("+852 0513 96110")  # 0 + area code after a foreign country code: no real number
    assert foreign.number_type is NumberType.INTERNATIONAL and not foreign.valid


@pytest.mark.parametrize(
    ("raw", "kind", "valid"),
    [
        ("95275012", NumberType.LEASED_95, True),
        ("9527501234", NumberType.SERVICE_95, False),
        ("95588", NumberType.SERVICE_95, True),
        ("110", NumberType.SHORT_CODE, True),
        ("96110", NumberType.SHORT_CODE, True),
        ("12345", NumberType.SHORT_CODE, True),
        ("10086", NumberType.SHORT_CODE, True),
        ("10690000123", NumberType.SMS_PLATFORM_106, True),
        ("1069 0123 4567 8901", NumberType.SMS_PLATFORM_106, True),
        ("4008123123", NumberType.TOLL_FREE_400_800, True),
        ("800 810 1234", NumberType.TOLL_FREE_400_800, True),
        ("17001234567", NumberType.VIRTUAL_OPERATOR, True),
        ("17112345678", NumberType.VIRTUAL_OPERATOR, True),
        ("16512345678", NumberType.VIRTUAL_OPERATOR, True),
        ("14012345678", NumberType.MOBILE, False),  # unallocated range
        ("1380013800", NumberType.MOBILE, False),  # one digit short
        ("85123456", NumberType.FIXED_LINE, True),  # local landline without area code
        ("+852 2123 4567", NumberType.INTERNATIONAL, True),
        ("+1 202 555 0123", NumberType.INTERNATIONAL, True),
    ],
)
def test_number_types(raw: str, kind: NumberType, valid: bool) -> None:
    n = normalise(raw)
    assert n.number_type is kind, n
    assert n.valid is valid, n


def test_unallocated_mobile_range_is_named() -> None:
    n = normalise("14012345678")
    assert n.problem is NumberProblem.UNALLOCATED_MOBILE
    assert Message(n.problem, n.params).render("zh") == "手机号段 140 未分配"
    assert n.problem_message is not None and n.problem_message.render("en") == "mobile range 140 is not allocated"
    assert normalise("13800138000").problem_message is None


def test_plus_double_zero_keeps_the_claimed_region() -> None:
    n = normalise("+00 852 1234 5678")
    assert n.plus_double_zero and n.international_prefix
    assert not n.valid
    assert n.problem is NumberProblem.PLUS_DOUBLE_ZERO
    assert n.country_code == 852
    assert n.attribution.region_code == "HK"
    assert n.e164 is None


def test_unassigned_country_code() -> None:
    n = normalise("00019 1234 5678")
    assert n.international_prefix
    assert n.problem is NumberProblem.INVALID_COUNTRY_CODE
    assert n.country_code is None
    assert n.dialled_digits == "01912345678"


def test_official_short_numbers_with_a_prefix_keep_the_dialled_digits() -> None:
    n = normalise("00110")
    assert n.international_prefix and n.dialled_digits == "110"
    n = normalise("+852 96110")
    assert n.country_code == 852 and n.national_number == "96110"
    assert n.number_type is NumberType.INTERNATIONAL and not n.valid


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        ("", NumberProblem.EMPTY),
        ("   ", NumberProblem.EMPTY),
        ("+", NumberProblem.EMPTY),
        ("#", NumberProblem.EMPTY),
        ("abc", NumberProblem.NOT_A_NUMBER),
        ("138 0013 800O", NumberProblem.NOT_A_NUMBER),  # letter O for zero
        ("1" * 30, NumberProblem.TOO_LONG),
        ("+86", NumberProblem.TOO_SHORT),
        ("x" * 10_000, NumberProblem.TOO_LONG),
    ],
)
def test_malformed_input_gives_a_typed_problem(raw: str, problem: NumberProblem) -> None:
    n = normalise(raw)
    assert not n.valid
    assert n.problem is problem
    # Every problem renders in both languages with its parameters filled in.
    zh, en = Message(n.problem, n.params).render("zh"), Message(n.problem, n.params).render("en")
    assert zh and en and "{" not in zh and "{" not in en


def test_non_string_input_does_not_raise() -> None:
    assert normalise(None).problem is NumberProblem.EMPTY  # type: ignore[arg-type]
    assert normalise(13800138000).e164 == BEIJING_MOBILE  # type: ignore[arg-type]


def test_other_home_region() -> None:
    n = normalise("(202) 555-0123", region="US")
    assert n.e164 == "+12025550123"
    assert n.country_code == 1


def test_result_is_frozen_and_deterministic() -> None:
    a, b = normalise("0513-85123456"), normalise("0513-85123456")
    assert a == b and hash(a) == hash(b)
    with pytest.raises(AttributeError):
        a.raw = "x"  # type: ignore[misc]


# ------------------------------------------------------------------------------------------ properties
@settings(max_examples=400, deadline=None)
@given(st.text(max_size=60))
def test_arbitrary_text_never_raises(raw: str) -> None:
    n = normalise(raw)
    assert isinstance(n, NormalisedNumber)
    assert n.raw == raw
    assert all(ch.isdigit() for ch in n.digits)
    if n.problem is not None:
        Message(n.problem, n.params).render("en")


_phone_alphabet = st.sampled_from(list("0123456789+-() #０１２３４５６７８９＋　"))


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=_phone_alphabet, max_size=30))
def test_phone_like_text_never_raises(raw: str) -> None:
    n = normalise(raw)
    assert n.valid is (n.problem is None)
    if n.e164:
        assert n.e164.startswith("+") and n.e164[1:].isdigit()
        # E.164 is a fixed point: normalising it again gives the same number.
        assert normalise(n.e164).e164 == n.e164


mobiles = st.builds(
    lambda p, rest: p + rest,
    st.sampled_from(["130", "135", "138", "150", "159", "170", "171", "177", "180", "188", "199"]),
    st.text(alphabet="0123456789", min_size=8, max_size=8),
)


@settings(max_examples=300, deadline=None)
@given(mobiles, st.sampled_from(["", "+86", "0086", "0", "+86 ", "86"]), st.sampled_from(["", " ", "-"]))
def test_formatting_variants_share_one_key(number: str, prefix: str, sep: str) -> None:
    if prefix == "86":
        prefix = "+86"
    spaced = sep.join([number[:3], number[3:7], number[7:]])
    a = normalise(number)
    b = normalise(prefix + spaced)
    assert a.key == b.key == "+86" + number
    # The list store's fast path for mobile numbers agrees with the normaliser.
    assert parse_pattern(prefix.strip() + number).canonical == a.key


def test_cache_does_not_leak_between_regions() -> None:
    assert normalise("2025550123", region="US").country_code == 1
    assert normalise("2025550123", region="CN").country_code == 86


@pytest.mark.parametrize(
    "cell",
    ["", "  ", "-", "——", "()", "N/A", "null", "隐藏号码", "（未知来电）", "私密号码", "不显示号码", "无", "Unknown",
     "Unknown caller", "(Private number)", "PRIVATE", "Withheld", "Payphone", "Unavailable", "ＵＮＫＮＯＷＮ"],
)  # fmt: skip
def test_what_phones_write_for_a_withheld_number(cell: str) -> None:
    from screening.numbers import is_withheld_word

    assert is_withheld_word(cell)


@pytest.mark.parametrize("cell", ["abc", "张三", "妈妈", "张三2", "138 0013 8000", "-2", "unknown1", "私人"])
def test_other_cells_are_no_withheld_number(cell: str) -> None:
    from screening.numbers import is_withheld_word

    assert not is_withheld_word(cell)
