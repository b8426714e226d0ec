"""screening.transcript.explain: one hit→reason wording for live alerts, call cards and reports."""

from __future__ import annotations

import json
from types import SimpleNamespace

from screening.i18n import BiText
from screening.transcript import ScriptDetector
from screening.transcript.explain import HitReason, distinct_phrases, hit_reasons, hit_to_dict


def test_distinct_phrases_quotes_each_stretch_of_speech_once() -> None:
    assert distinct_phrases(["把钱转", "转到安全账户", "安全账户", "把钱转", ""]) == ["把钱转", "转到安全账户"]
    assert distinct_phrases([]) == []


def test_hit_reason_is_a_code_rendered_late_in_either_language() -> None:
    police = BiText("冒充公检法", "Fake police")
    reasons = hit_reasons([SimpleNamespace(category="police", category_text=police, matched=m) for m in "甲乙丙丁戊"])
    assert reasons == (HitReason("police", police, ("甲", "乙", "丙", "丁", "戊")),)
    assert reasons[0].render("zh") == "冒充公检法：“甲”“乙”“丙”“丁” 等 5 处"
    assert reasons[0].render("en") == "Fake police: “甲”“乙”“丙”“丁” (+1)"


def test_real_detector_hits_become_reasons_and_json() -> None:
    assessment = ScriptDetector.default().assess("我是公安局的，你涉嫌洗钱，马上把钱转到安全账户。")
    assert assessment.hits
    reasons = hit_reasons(assessment.hits)
    assert reasons and all(r.render("zh") and r.render("en") for r in reasons)
    data = [hit_to_dict(h) for h in assessment.hits]
    json.dumps(data, ensure_ascii=False)  # JSON-able as stored in the history
    first = data[0]
    assert first["matched"] == assessment.hits[0].matched and set(first["category_text"]) == {"zh", "en"}


def test_a_passage_takes_a_link_whole_or_not_at_all() -> None:
    from screening.transcript.explain import model_passages
    from screening.transcript.normalise import normalise

    norm = normalise("【中国银行】您的网银盾将于今日到期失效，为不影响正常使用，请登录 boc-ebank-gx.com 进行在线升级。")
    assert model_passages(norm, [("在线升级", 1.0)]) == ("boc-ebank-gx.com进行在线升级",)
    long_id = "a" * 60
    norm = normalise(f"请访问{long_id}进行在线升级")
    (passage,) = model_passages(norm, [("在线升级", 1.0)])
    assert passage == "进行在线升级"  # too long to quote whole: left out, not cut in two


def test_a_passage_stops_at_a_signature_bracket() -> None:
    """A quote ran into an SMS signature: 「驿站】您的包裹已到站」, 「】您的银行卡…」 (a new user's trial)."""
    from screening.transcript.explain import model_passages
    from screening.transcript.normalise import normalise

    norm = normalise("【菜鸟驿站】您的包裹已到站，取件码 3-2-1107")
    assert model_passages(norm, [("包裹", 1.0)]) == ("您的包裹已到站",)
    assert model_passages(norm, [("驿站", 1.0)]) == ("菜鸟驿站",)


def test_a_passage_ends_at_a_clause_break_a_few_characters_on_rather_than_mid_word() -> None:
    """「逾期扣除5000元手」 cut 手续费 in two: a clause that ends a few characters past the reach is quoted whole."""
    from screening.transcript.explain import model_passages

    norm = "【工商银行】您的网银证书已过期,请加qq 88765432或登录http://icbc-upd.cc更新,逾期扣除5000元手续费。"
    (passage,) = model_passages(norm, [("逾期", 1.0)], k=1)
    assert passage == "逾期扣除5000元手续费"


def test_a_chat_time_stamp_is_no_part_of_a_passage() -> None:
    """A trial's investment group chat was quoted 「李老师 09:12」: a speaker and the time of the message."""
    from screening.transcript.explain import model_passages
    from screening.transcript.normalise import normalise

    norm = normalise("幸福养老互助群\n李老师 09:12\n各位叔叔阿姨早上好")
    (passage,) = model_passages(norm, [("老师", 1.0)])
    assert "09" not in passage and "12" not in passage and "老师" in passage, passage
    assert model_passages(normalise("转账 5000 元 到账 12.30 号"), [("转账", 1.0)])[0].startswith("转账")
