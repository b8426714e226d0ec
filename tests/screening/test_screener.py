"""Number verdicts: the real cases from the issue, precedence, determinism, and the rule data itself."""

from __future__ import annotations

import json
from importlib import resources

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from blocklists.db import open_db
from blocklists.store import ListStore
from screening.number_plan import number_rules, numbering_plan
from screening.numbers import normalise
from screening.screener import NumberScreener, NumberVerdict
from screening.types import Level


@pytest.fixture
def store() -> ListStore:
    return ListStore(open_db(None))


@pytest.fixture
def screener(store: ListStore) -> NumberScreener:
    return NumberScreener(store)


def codes(v: NumberVerdict) -> list[str]:
    return [r.code for r in v.reasons]


# ---------------------------------------------------------------------------------------- real cases
def test_leased_95_block_warns_with_the_nantong_reason(screener: NumberScreener) -> None:
    v = screener.screen("95275012")
    assert v.level is Level.WARN
    assert codes(v)[0] == "cn.95.leased"
    assert "952750xx" in v.reasons[0].text.zh and "266" in v.reasons[0].text.en
    assert v.reasons[0].reference and "南通" in v.reasons[0].reference


def test_a_number_a_digit_short_also_asks_whoever_typed_it_to_count_again(screener: NumberScreener) -> None:
    """1380013800 on caller ID is no real call; typed on the 查号 page it is most often a digit left out."""
    v = screener.screen("1380013800")
    assert codes(v) == ["cn.invalid_length"]
    assert "10 位" in v.reasons[0].text.zh and "多了或少了一位" in v.reasons[0].text.zh
    assert "missing or extra digit" in v.reasons[0].text.en


def test_95588_is_a_trusted_official_number(screener: NumberScreener) -> None:
    v = screener.screen("95588")
    assert v.level is Level.ALLOW
    assert codes(v) == ["cn.official.directory"]
    assert "工商银行" in v.reasons[0].text.zh
    assert "Industrial and Commercial Bank" in v.reasons[0].text.en


def test_unlisted_short_95_is_only_caution(screener: NumberScreener) -> None:
    v = screener.screen("95123")
    assert v.level is Level.CAUTION and codes(v) == ["cn.95.unlisted"]


def test_plus_00_overseas_is_high_risk(screener: NumberScreener) -> None:
    v = screener.screen("+00 852 1234 5678")
    assert v.level is Level.WARN and v.score >= 0.85
    assert codes(v)[0] == "cn.intl.plus00"
    assert "cn.international" in codes(v)


@pytest.mark.parametrize(
    ("raw", "zh", "en"),
    [("+1 10086", "美国等，+1", "United States etc., +1"), ("+44 10086", "英国等，+44", "United Kingdom etc., +44")],
)
def test_an_overseas_code_too_short_to_place_is_named_by_its_country(
    screener: NumberScreener, raw: str, zh: str, en: str
) -> None:
    """+1 10086 was explained as 境外来电（+1）, a code a volunteer could not place (00110, once here, is 00 before 110:
    ``test_an_official_short_number_after_00_names_no_country``)."""
    (reason,) = [r for r in screener.screen(raw).reasons if r.code == "cn.international"]
    assert f"境外来电（{zh}）" in reason.text.zh and f"({en})" in reason.text.en


def test_sms_platform_caller(screener: NumberScreener) -> None:
    v = screener.screen("10690000123")
    assert v.level is Level.WARN and codes(v) == ["cn.sms_platform.106"]


def test_virtual_operator_is_caution_with_a_note(screener: NumberScreener) -> None:
    v = screener.screen("17001234567")
    assert v.level is Level.CAUTION and codes(v) == ["cn.virtual_operator"]
    assert "虚拟运营商" in v.reasons[0].text.zh


@pytest.mark.parametrize("raw", ["+852 96110", "00110", "+86 110", "+1 10086", "0086 95588", "+44 12345"])
def test_official_short_number_with_international_prefix_is_spoofed(screener: NumberScreener, raw: str) -> None:
    v = screener.screen(raw)
    assert v.level is Level.BLOCK
    assert codes(v)[0] == "cn.spoof.official_short_intl"
    assert v.reasons[0].reference and "反电信网络诈骗法" in v.reasons[0].reference


@pytest.mark.parametrize(
    ("raw", "short", "level", "first"),
    [
        ("0513-96110", "96110", Level.ALLOW, "cn.protected"),
        ("021-96110", "96110", Level.ALLOW, "cn.protected"),
        ("0571-12345", "12345", Level.ALLOW, "cn.protected"),
        ("0513-12345", "12345", Level.ALLOW, "cn.protected"),
        ("010-12345", "12345", Level.ALLOW, "cn.protected"),
        ("0513-110", "110", Level.ALLOW, "cn.protected"),
        ("0571-12315", "12315", Level.ALLOW, "cn.official.directory"),
        ("0513-12369", "12369", Level.UNKNOWN, "cn.short.area_code"),  # judged as 12369 alone: unknown
    ],
)
def test_a_short_number_with_an_area_code_is_judged_as_that_short_number(
    store: ListStore, raw: str, short: str, level: Level, first: str
) -> None:
    """The trial: 0513-96110 / 021-96110 warned as a 400/800 number, 0571-12345 as a landline of the wrong length,
    010-12345 was unknown.  Each is the city's own service line and is judged as the short number is, saying so."""
    screener = NumberScreener(store)
    v = screener.screen(raw)
    assert (v.level, codes(v)[0]) == (level, first), v.reasons
    assert v.level is screener.screen(short).level
    (local,) = [r for r in v.reasons if r.code == "cn.short.area_code"]
    assert f"特服短号 {short} 加上" in local.text.zh and f"the short number {short} with the area code" in local.text.en
    assert "区号 0" in local.text.zh and "(" in local.text.en  # the area code and its city
    store.add("block", raw[:4] + "*", "fraud")  # a range of the city's numbers never blocks its 96110 or 12345 …
    expected = Level.BLOCK if level is Level.UNKNOWN else level  # … but does block a number outside the directory
    assert NumberScreener(store).screen(raw).level is expected


def test_an_area_code_short_number_names_the_city() -> None:
    v = NumberScreener().screen("0513-96110")
    assert codes(v) == ["cn.protected", "cn.short.area_code"]
    assert "反诈预警劝阻专线" in v.reasons[0].text.zh
    assert v.reasons[1].text.zh.startswith("0513-96110 是特服短号 96110 加上江苏省南通市的区号 0513")
    assert "Nantong, Jiangsu" in v.reasons[1].text.en
    assert v.number.display() == "0513-96110" and v.to_dict()["attribution"]["city_zh"] == "南通市"


@pytest.mark.parametrize("raw", ["+852 0513 96110", "+86 513 96110", "0086 0513 96110", "+1 021 12345", "000513110"])
def test_an_area_code_short_number_with_an_international_prefix_is_still_spoofed(store: ListStore, raw: str) -> None:
    store.add("allow", raw)
    v = NumberScreener(store).screen(raw)
    assert v.level is Level.BLOCK and codes(v)[0] == "cn.spoof.official_short_intl", v.reasons


def test_a_foreign_number_that_only_ends_like_a_short_number_is_no_spoof(screener: NumberScreener) -> None:
    """+852 5139 6110 is a Hong Kong mobile: without the trunk 0 nothing says 513 is a Chinese area code."""
    v = screener.screen("+852 5139 6110")
    assert "cn.spoof.official_short_intl" not in codes(v) and v.level is Level.CAUTION


@pytest.mark.parametrize("raw", ["+39 0571 12345", "+39 0571 96110", "+39 0432 12345"])
def test_a_valid_foreign_landline_with_a_trunk_zero_is_no_spoof(store: ListStore, raw: str) -> None:
    """Italian landlines keep their 0: +39 0571 12345 is in Empoli, not Hangzhou's 12345 (a review found it blocked,
    even on the allowlist, as the spoof rule beats it)."""
    assert "cn.spoof.official_short_intl" not in codes(NumberScreener(store).screen(raw))
    store.add("allow", raw)
    assert NumberScreener(store).screen(raw).level is Level.ALLOW


@pytest.mark.parametrize(
    ("raw", "level", "code"),
    [
        ("4008123123", Level.WARN, "cn.inbound_only.400_800"),
        ("+1 202 555 0123", Level.CAUTION, "cn.international"),
        ("00019 1234 5678", Level.WARN, "cn.intl.bad_country_code"),
        ("+852 1", Level.WARN, "cn.intl.bad_length"),
        ("14012345678", Level.WARN, "cn.unallocated_mobile"),
        ("1380013800", Level.WARN, "cn.invalid_length"),
        ("", Level.CAUTION, "cn.no_number"),
        ("private", Level.CAUTION, "cn.no_number"),
        ("110", Level.ALLOW, "cn.protected"),
        ("12381", Level.ALLOW, "cn.protected"),
    ],
)
def test_more_rules(screener: NumberScreener, raw: str, level: Level, code: str) -> None:
    v = screener.screen(raw)
    assert v.level is level, v.reasons
    assert codes(v)[0] == code


def test_ordinary_mobile_is_unknown_without_reasons(screener: NumberScreener) -> None:
    v = screener.screen("13800138000")
    assert v.level is Level.UNKNOWN and v.reasons == ()
    assert v.number.attribution.description_zh == "北京市"


# ---------------------------------------------------------------------------------------- precedence
def test_blocklist_blocks_and_allowlist_beats_it(store: ListStore, screener: NumberScreener) -> None:
    store.add("block", "13800138000", "fraud", note="冒充客服")
    v = screener.screen("+86 138 0013 8000")
    assert v.level is Level.BLOCK and codes(v) == ["list:block"]
    assert "冒充客服" in v.reasons[0].text.zh
    store.add("allow", "138 0013 8000")
    v = screener.screen("13800138000")
    assert v.level is Level.ALLOW
    assert codes(v) == ["list:allow", "list-ignored:block"]


def test_spoofed_official_beats_the_allowlist(store: ListStore, screener: NumberScreener) -> None:
    store.add("allow", "+852 96110")
    v = screener.screen("+852 96110")
    assert v.level is Level.BLOCK and codes(v)[0] == "cn.spoof.official_short_intl"


def test_allowlist_beats_heuristics(store: ListStore, screener: NumberScreener) -> None:
    store.add("allow", "17001234567", note="妈妈")
    v = screener.screen("17001234567")
    assert v.level is Level.ALLOW
    assert codes(v) == ["list:allow", "cn.virtual_operator"]


@pytest.mark.parametrize("protected", ["110", "119", "120", "122", "96110", "12381", "12345"])
def test_protected_numbers_are_never_blocked_by_lists_or_patterns(store: ListStore, protected: str) -> None:
    store.add("block", protected, "fraud")
    store.add("block", protected[:2] + "*", "fraud")
    store.create_list("community", "imported")
    store.add("community", protected[:-1] + "?", "fraud")
    v = NumberScreener(store).screen(protected)
    assert v.level is Level.ALLOW
    assert codes(v)[0] == "cn.protected"
    assert all(c.startswith("list-ignored:") for c in codes(v)[1:]) and len(codes(v)) == 4


@pytest.mark.parametrize("shown", ["0110", "0120", "095588", "010086"])
def test_a_trunk_zero_before_a_short_number_is_no_official_number(screener: NumberScreener, shown: str) -> None:
    """A volunteer: 「0110」 read 可信, 受保护的报警电话. No caller ID shows 110 so (it reads as a 3-digit landline); a city's
    area code before it (010-110) is the way it is shown, and stays protected."""
    v = screener.screen(shown)
    assert v.level >= Level.WARN and codes(v)[0] == "cn.invalid_length", codes(v)
    assert screener.screen("010-110").level is Level.ALLOW and codes(screener.screen("010-110"))[0] == "cn.protected"


def test_broad_95_pattern_does_not_block_95588(store: ListStore, screener: NumberScreener) -> None:
    store.add("block", "95*", "fraud")
    assert screener.screen("95588").level is Level.ALLOW
    assert screener.screen("95275012").level is Level.BLOCK
    assert screener.screen("95123").level is Level.BLOCK
    # The user's own exact entry for an official number is honoured (e.g. a bank's sales calls).
    store.add("block", "95555", "sales")
    v = screener.screen("95555")
    assert v.level is Level.BLOCK and v.reasons[0].params["pattern"] == "95555"


def test_disabled_list_no_longer_matches(store: ListStore, screener: NumberScreener) -> None:
    store.create_list("sub", "imported")
    store.add("sub", "952750??", "fraud")
    assert screener.screen("95275012").level is Level.BLOCK
    store.disable("sub")
    assert screener.screen("95275012").level is Level.WARN
    store.enable("sub")
    assert screener.screen("95275012").level is Level.BLOCK


def test_screen_does_not_write(store: ListStore, screener: NumberScreener) -> None:
    store.add("block", "13800138000")
    before = store.db.conn.total_changes
    v = screener.screen("13800138000")
    assert store.db.conn.total_changes == before
    store.record_hits(v.matches)
    entry = store.find("block", "13800138000")
    assert entry is not None and entry.hit_count == 1 and entry.last_hit


def test_screener_without_store() -> None:
    v = NumberScreener().screen("95275012")
    assert v.level is Level.WARN and v.matches == ()


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="0123456789+ -#", max_size=20))
def test_deterministic_and_bounded(raw: str) -> None:
    a = NumberScreener().screen(raw)
    b = NumberScreener().screen(raw)
    assert a == b
    assert 0.0 <= a.score <= 1.0
    assert a.level in Level
    assert a.level is Level.UNKNOWN or a.reasons  # every non-unknown verdict says why
    json.dumps(a.to_dict(), ensure_ascii=False)


# ---------------------------------------------------------------------------------------- the data
def test_every_rule_is_complete_and_every_fact_is_produced() -> None:
    version, rules = number_rules()
    assert version
    screener = NumberScreener()
    produced: set[str] = set()
    for raw in [
        "+852 96110", "110", "95588", "+00 852 1234 5678", "00019 1234", "+852 1", "95275012", "95123",
        "4008123123", "10690000123", "14012345678", "1380013800", "+1 202 555 0123", "17001234567", "x",
        "0513-96110",
    ]:  # fmt: skip
        produced |= set(screener.facts(normalise(raw))) | set(screener.facts(normalise(raw), "sms"))
    for rule in rules.values():
        assert rule.text.zh and rule.text.en
        assert rule.id.startswith("cn.")
        assert 0.0 <= rule.score <= 1.0
        assert rule.fact in produced, f"rule {rule.id} can never fire"
        if rule.fact != "no_number":
            assert rule.reference, f"rule {rule.id} has no reference"


def test_the_facts_the_precedence_relies_on_have_rules() -> None:
    _version, rules = number_rules()
    facts = {r.fact for r in rules.values()}
    assert {"spoofed_official", "protected", "official_directory"} <= facts
    assert len(facts) == len(rules)  # one rule per fact: a fact's level and wording live in one place


def test_official_directory_numbers_are_unique_and_well_formed() -> None:
    raw = json.loads(resources.files("blocklists").joinpath("data", "official_numbers.json").read_text("utf-8"))
    numbers = [item["number"] for item in raw["numbers"]]
    assert len(numbers) == len(set(numbers))
    plan = numbering_plan()
    for n in numbers:
        assert n.isdigit() and 3 <= len(n) <= 6
        assert plan.official[n].name.zh and plan.official[n].name.en
    for p in ("110", "119", "120", "122", "96110", "12381", "12345"):
        assert p in plan.protected


def test_protected_numbers_are_marked_in_the_directory_and_nowhere_else() -> None:
    """One source: ``"protected": true`` in official_numbers.json (numbering_cn.json had a second copy of the list)."""
    plan_data = json.loads(resources.files("blocklists").joinpath("data", "numbering_cn.json").read_text("utf-8"))
    assert not any("protected" in key for key in plan_data)
    plan = numbering_plan()
    assert plan.protected == {n for n, entry in plan.official.items() if entry.protected}


def test_precedence_holds_for_a_subscribed_community_list(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A subscribed list (signed bundle, real files) under the same precedence as every other list."""
    from blocklists.subscriptions import bundle
    from blocklists.subscriptions import subscribe as subs
    from blocklists.subscriptions.minisign import generate_secret_key

    publisher = ListStore(open_db(tmp_path / "publisher.db"))
    publisher.create_list("community", "block")
    for pattern in ("110", "95588", "95*", "13700001234", "13800138001", "+85296110"):
        publisher.add("community", pattern, "fraud")
    key = generate_secret_key()
    bundle.publish(publisher, "community", tmp_path / "bundle", key)
    store = ListStore(open_db(tmp_path / "subscriber.db"))
    subs.subscribe(store, str(tmp_path / "bundle"), key.public_key.line())
    store.add("allow", "13700001234")
    s = NumberScreener(store)
    assert s.screen("13800138001").level is Level.BLOCK  # the subscription works
    assert s.screen("13700001234").level is Level.ALLOW  # allowlist beats every subscription
    assert s.screen("110").level is Level.ALLOW  # protected: never blocked
    assert s.screen("95588").level is Level.ALLOW  # official directory: not even by an exact subscribed entry
    assert s.screen("+852 96110").level is Level.BLOCK  # spoofed official: blocked
    # The user's own blocklist beats the subscription's later "remove".
    store.add("block", "13800138001")
    publisher.remove("community", "13800138001")
    bundle.publish(publisher, "community", tmp_path / "bundle", key)
    assert subs.update(store, "community").used == "delta"
    assert store.find("community", "13800138001") is None
    assert NumberScreener(store).screen("13800138001").level is Level.BLOCK


def test_an_official_short_number_after_00_names_no_country(screener: NumberScreener) -> None:
    """00110 is 110 dialled with the international prefix 00, not a call from +1: a trial's volunteer read
    「境外来电（美国等，+1）」 beside the spoof. +852 96110 does come from Hong Kong."""
    assert codes(screener.screen("00110")) == ["cn.spoof.official_short_intl"]
    assert codes(screener.screen("+852 96110")) == ["cn.spoof.official_short_intl", "cn.international"]
