"""source_spans: a hit found in the normalised text is shown in the words as typed or heard."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from screening.transcript import ScriptDetector
from screening.transcript.normalise import normalise, source_spans


def _shown(source: str, phrase_in_norm: str) -> str | None:
    norm = normalise(source)
    start = norm.index(phrase_in_norm)
    (span,) = source_spans(source, norm, [(start, start + len(phrase_in_norm))])
    return None if span is None else source[span[0] : span[1]]


def test_a_hit_is_shown_as_written_not_as_normalised() -> None:
    sms = "【工商银行】请加ＱＱ：８８７６５４３２，逾期扣除五千元手续费，退款请加扣扣群。"
    assert normalise(sms).count("qq") == 2
    assert _shown(sms, "qq:88765432") == "ＱＱ：８８７６５４３２"  # full-width, upper case
    assert _shown(sms, "扣除5000元") == "扣除五千元"  # numerals as written
    assert _shown(sms, "手续费") == "手续费"
    assert _shown(sms, "加qq群") == "加扣扣群"  # a spoken form as written


def test_a_span_that_begins_inside_a_rewrite_takes_all_of_it() -> None:
    text = "收益率高达百分之二十五"
    assert normalise(text) == "收益率高达百分之25"
    assert _shown(text, "百分之2") == "百分之二十五"


def test_recogniser_spaces_and_spelled_letters() -> None:
    heard = "请 把 收 到 的 验 证 马 告 诉 我 我 的 工 号 是 X X X X X X X X X X X X X X X X X X X X 你 加 我 威 信"
    compact = "请把收到的验证马告诉我我的工号是 X X X X X X X X X X X X X X X X X X X X 你加我威信"
    assert _shown(compact, "验证马告诉我") == "验证马告诉我"
    # twenty spelled letters are joined into one word by normalise: the walk picks up again after them
    assert _shown(compact, "加我微信") == "加我威信"
    assert _shown(heard, "收到的验证马") == "收 到 的 验 证 马"


def test_out_of_range_or_empty_spans_map_to_nothing() -> None:
    text = "您好"
    assert source_spans(text, normalise(text), [(0, 0), (1, 5), (-1, 1)]) == [None, None, None]


def test_the_hits_of_a_long_call_land_on_their_own_words() -> None:
    """Every hit of a long scam call (numerals, an ID read out) lands where normalising its shown words gives
    the hit's own words back, but for a hit that begins or ends inside a number read out."""
    call = (
        "您好我是国家彩票中心的工作人员，恭喜您中得了本期特等奖，奖金高达五百万元！为了确保奖金安全发放，"
        "请您提供身份证号码和银行卡号，另外需要先交二千八百元的个人所得税，二十四小时内不交奖金作废。"
        "我的工号是 X X X X X X，您可以加我微信 lottery_8866 核对。"
    ) * 30
    det = ScriptDetector.default()
    a = det.assess(call, style="call")
    spans = source_spans(call, a.text, [(h.start, h.end) for h in a.hits])
    assert len(a.hits) > 30 and all(s is not None for s in spans)
    wrong = [
        (h.matched, call[s[0] : s[1]])
        for h, s in zip(a.hits, spans, strict=True)
        if s is not None and normalise(call[s[0] : s[1]]) != h.matched
    ]
    assert wrong == [], wrong[:5]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="您好扣扣qQＱ一二五千百万元 ，。,X1２3验证码威信\n…㈠①", max_size=300), st.data())
def test_every_span_maps_inside_the_source(text: str, data: st.DataObject) -> None:
    norm = normalise(text)
    if not norm:
        return
    start = data.draw(st.integers(0, len(norm) - 1))
    end = data.draw(st.integers(start + 1, len(norm)))
    (span,) = source_spans(text, norm, [(start, end)])
    if span is not None:
        s, e = span
        assert 0 <= s < e <= len(text)
        assert not text[s].isspace() and not text[e - 1].isspace()


def test_an_ellipsis_chat_is_aligned_past_its_dots() -> None:
    """A review: 「嗯……」 sixty-five times grows by 260 characters normalised (… is ...), and the walk gave up and
    carried every later hit onto the wrong words. It now finds the agreement again, however far."""
    chat = (
        "嗯……" * 65
        + "请把验证码告诉客服，再把钱转到安全账户。"
        + "今天天气不错，我们下午去公园散步，顺便买点水果回家。" * 8
    )
    assert _shown(chat, "验证码告诉客服") == "验证码告诉客服"
    assert _shown(chat, "转到安全账户") == "转到安全账户"
