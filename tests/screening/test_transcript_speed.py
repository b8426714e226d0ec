"""The detector's fast paths mean exactly what their plain forms mean."""

from __future__ import annotations

import re
import unicodedata

from hypothesis import example, given, settings
from hypothesis import strategies as st

from screening.transcript import entities, normalise

# Spaces, tabs, letters, digits (ASCII and not), Chinese, full-width forms, the ellipsis, combining marks.
_ALPHABET = " \t\u00a0\u3000aqvxz09\u0663中文信，：。？！（）\uff21\uff41\uff11…\u0301\u0308e.-/:"
_TEXT = st.text(alphabet=_ALPHABET, max_size=40)

_PLAIN_SPACE_NON_ASCII = re.compile(r"(?<=[^\x00-\x7f])[ \t]+|[ \t]+(?=[^\x00-\x7f])|(?<=\d)[ \t]+(?=\d)")
_PLAIN_MULTI_SPACE = re.compile(r"[ \t]{2,}")
_PLAIN_SPELLED_LETTERS = re.compile(r"(?<![a-z0-9])([a-z])[ \t]+(?=[a-z](?![a-z0-9]))")


@settings(max_examples=400, deadline=None)
@given(_TEXT | st.text(max_size=20))
def test_nfkc_is_unicodedata_nfkc(text: str) -> None:
    assert normalise.nfkc(text) == unicodedata.normalize("NFKC", text)


@settings(max_examples=400, deadline=None)
@given(_TEXT | st.text(alphabet="  \taq1\u0663中，", max_size=30))
@example("1a a q q 群 v x 1 2  中 \t a")
def test_space_patterns_mean_their_plain_forms(text: str) -> None:
    assert normalise._SPACE_NON_ASCII.sub("", text) == _PLAIN_SPACE_NON_ASCII.sub("", text)
    assert normalise._MULTI_SPACE.sub(" ", text) == _PLAIN_MULTI_SPACE.sub(" ", text)
    assert normalise._SPELLED_LETTERS.sub(r"\1", text) == _PLAIN_SPELLED_LETTERS.sub(r"\1", text)


_ENTITY_PIECES = (
    "qq 群 号 码 是 : 微信 wx_abc http:// www. .com .cn a-b /x 62 4 5 1 3 0 - 9 12345678 400 96 万 元 u usdt . 中"
)
_ENTITY_TEXT = st.lists(st.sampled_from([*_ENTITY_PIECES.split(), " "]), max_size=25).map("".join)


@settings(max_examples=600, deadline=None)
@given(_ENTITY_TEXT)
def test_entity_patterns_only_match_where_their_quick_test_passes(text: str) -> None:
    for kind, pattern, needs in entities._PATTERNS:
        for m in pattern.finditer(text):
            assert needs.search(text), (kind, m.group(0))


def test_entity_quick_tests_let_the_examples_through() -> None:
    text = "加qq群号:12345678，微信是wx_abc123，登录www.safe-pay.cn，卡号6222021234567890123，打95588，转5000元"
    kinds = [e.kind for e in entities.extract_entities(text) if e.kind != "app"]
    assert kinds == ["qq_group", "wechat", "url", "bank_card", "phone", "amount"]
