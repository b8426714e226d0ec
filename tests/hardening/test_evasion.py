"""Issue 13 / Low 13: combining marks, emoji and other symbols around the digits do not evade a blocklist."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from blocklists.db import open_db
from blocklists.store import ListStore
from screening.numbers import normalise
from screening.screener import NumberScreener
from screening.types import Level


@pytest.fixture(scope="module")
def screener() -> NumberScreener:
    store = ListStore(open_db(None))
    store.add("block", "13800138000", "fraud")
    return NumberScreener(store)


@pytest.mark.parametrize(
    "raw",
    [
        "13800138000\u0301",
        "📞13800138000",
        "☎️ 138-0013-8000",
        "1380013800\u20e30",
        "\u202e13800138000",
        "13800138000🙂",
    ],
)
def test_decorated_numbers_are_still_blocked(screener: NumberScreener, raw: str) -> None:
    verdict = screener.screen(raw)
    assert verdict.level is Level.BLOCK, (raw, verdict.level)


_DECOR = st.sampled_from(["\u0301", "\u0308", "\u20e3", "\ufe0f", "📞", "☎", "✆", "🙂", "\u200d", ""])


@settings(max_examples=300, deadline=None)
@given(marks=st.lists(_DECOR, min_size=12, max_size=12))
def test_any_marks_between_digits_give_the_same_key(marks: list[str]) -> None:
    raw = "".join(d + m for d, m in zip("13800138000", marks, strict=False)) + marks[-1]
    assert normalise(raw).key == "+8613800138000"


def test_letters_are_still_not_a_number() -> None:
    assert normalise("1380013800O").problem is not None
