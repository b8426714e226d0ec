"""The detector's fast paths mean exactly what their plain forms mean."""

from __future__ import annotations

import re
import unicodedata

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from screening.transcript import entities, normalise
from screening.transcript.matcher import (
    GAPPED_SOUND_TWO,
    MIN_FUZZY_LEN,
    SOUND_TWO,
    PhraseMatcher,
    RawHit,
    gapped_sound_ok,
)
from screening.transcript.model import count_ngrams
from screening.transcript.normalise import sound_key
from screening.transcript.phrases import GAP_MARK, load_phrase_book

# Spaces, tabs, letters, digits (ASCII and not), Chinese, full-width forms, the ellipsis, combining marks.
_ALPHABET = " \t\u00a0\u3000aqvxz09\u0663中文信，：。？！（）\uff21\uff41\uff11…\u0301\u0308e.-/:"
_TEXT = st.text(alphabet=_ALPHABET, max_size=40)

_PLAIN_SPACE_NON_ASCII = re.compile(r"(?<=[^\x00-\x7f])[ \t]+|[ \t]+(?=[^\x00-\x7f])|(?<=\d)[ \t]+(?=\d)")
_PLAIN_MULTI_SPACE = re.compile(r"[ \t]{2,}")
_PLAIN_SPELLED_LETTERS = re.compile(r"(?<![a-z0-9])([a-z])[ \t]+(?=[a-z](?![a-z0-9]))")
_PLAIN_SPOKEN_FORMS = (
    r"(?<![a-z])q(?=群|号)",
    r"(?<![a-z])(?:v|vx|wx|威|薇|徽)信",
    r"(?<![a-z0-9_./@-])(?<!微信)(?:vx|wx)(?![a-z_]|[.-][a-z0-9])",
)


@settings(max_examples=400, deadline=None)
@given(_TEXT | st.text(max_size=20))
def test_nfkc_is_unicodedata_nfkc(text: str) -> None:
    assert normalise.nfkc(text) == unicodedata.normalize("NFKC", text)


@settings(max_examples=200, deadline=None)
@given(_TEXT | st.text(max_size=20))
def test_sound_key_is_the_table_translation(text: str) -> None:
    key = sound_key(True)
    assert key.key(text) == text.translate(key._table)  # the identity entries change nothing


@settings(max_examples=400, deadline=None)
@given(_TEXT | st.text(alphabet="  \taq1\u0663中，", max_size=30))
@example("1a a q q 群 v x 1 2  中 \t a")
def test_space_patterns_mean_their_plain_forms(text: str) -> None:
    assert normalise._SPACE_NON_ASCII.sub("", text) == _PLAIN_SPACE_NON_ASCII.sub("", text)
    assert normalise._MULTI_SPACE.sub(" ", text) == _PLAIN_MULTI_SPACE.sub(" ", text)
    assert normalise._SPELLED_LETTERS.sub(r"\1", text) == _PLAIN_SPELLED_LETTERS.sub(r"\1", text)


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet="aqvwx群号信威薇徽 中1微_.-", max_size=20))
@example("q群 aq号 v信 vx信 wx信 av信 w信 a威信 薇信 vx wx avx vxa 微信wx wx-a .wx 1vx vx1 vx. vx- vx.a")
def test_spoken_form_patterns_mean_their_plain_forms(text: str) -> None:
    fast = [p.pattern for p, _ in normalise._SPOKEN_RE[1:4]]
    for pattern, plain in zip(fast, _PLAIN_SPOKEN_FORMS, strict=True):
        assert re.sub(pattern, "_", text) == re.sub(plain, "_", text)


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


class _Gapped:
    """Both matchers, their "a…b" phrases with each part's sound keys, and the characters read with each sound."""

    def __init__(self) -> None:
        book = load_phrase_book()
        self.tolerant = PhraseMatcher(book, sound_key(True))
        self.exact = PhraseMatcher(book, sound_key(True), tolerant=False)
        self.phrases: list[tuple[int, int, list[tuple[str, list[str]]]]] = []
        for ri, phrases in enumerate(self.tolerant.canonical):
            for pi, canonical in enumerate(phrases):
                if GAP_MARK in canonical:
                    parts = canonical.split(GAP_MARK)
                    self.phrases.append((ri, pi, [(p, self.tolerant.key.variants(p)) for p in parts]))
        # phrases with a part said in more than one way (银行卡: yin hang / yin xing), drawn as often as all others
        self.polyphonic = [ph for ph in self.phrases if any(len(keys) > 1 for _, keys in ph[2])]
        self.same_sound: dict[str, list[str]] = {}  # sound code → the first 30 characters read that way first
        for code_point, code in self.tolerant.key._table.items():
            chars = self.same_sound.setdefault(code, [])
            if len(chars) < 30:
                chars.append(chr(code_point))

    def by_brute_force(self, m: PhraseMatcher, norm: str, key: str) -> list[RawHit]:
        """Every "a…b" phrase chained from the occurrences of its parts, found one position at a time."""
        out: list[RawHit] = []
        for ri, pi, parts in self.phrases:
            found: list[list[tuple[int, int, bool]]] = []
            for part, keys in parts:
                n = len(part)
                spans = range(len(norm) - n + 1)
                if (
                    n < MIN_FUZZY_LEN and part not in SOUND_TWO and not (len(parts) > 1 and part in GAPPED_SOUND_TWO)
                ) or not m.tolerant:
                    found.append([(i, i + n, False) for i in spans if norm.startswith(part, i)])
                else:
                    found.append(
                        [
                            (i, i + n, norm[i : i + n] != part)
                            for i in spans
                            if key[i : i + n] in keys
                            and (
                                part not in GAPPED_SOUND_TWO
                                or norm[i : i + n] == part
                                or gapped_sound_ok(norm, i, i + n)
                            )
                        ]
                    )
            out.extend(m._chain(ri, pi, found, norm))
        return sorted(out)


@pytest.fixture(scope="module")
def gapped() -> _Gapped:
    return _Gapped()


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_gapped_phrases_are_all_found(gapped: _Gapped, data: st.DataObject) -> None:
    # A few "a…b" phrases, their parts apart, each part written with characters of the same sound.
    pieces: list[str] = []
    for _ in range(data.draw(st.integers(1, 4))):
        _, _, parts = data.draw(st.sampled_from(gapped.polyphonic) | st.sampled_from(gapped.phrases))
        for k, (part, keys) in enumerate(parts):
            if k:
                pieces.append(data.draw(st.text(alphabet="的了我们您，。", max_size=12)))
            heard = data.draw(st.sampled_from(keys))  # polyphonic: any reading it is said with
            for ch, code in zip(part, heard, strict=True):
                pieces.append(data.draw(st.sampled_from([ch, *gapped.same_sound.get(code, [])])))
    norm = normalise.normalise("".join(pieces))
    for m in (gapped.tolerant, gapped.exact):
        text_key = m.key.key(norm)
        found = [h for h in m._candidates(norm, text_key) if GAP_MARK in m.canonical[h.rule_index][h.phrase_index]]
        assert sorted(found) == gapped.by_brute_force(m, norm, text_key)


def _plain_count_ngrams(ms: str, first_new: int) -> list[tuple[str, int]]:
    """Counts of the 1-3-grams ending at or after ``first_new``: unigrams, then bigrams, then trigrams, each in
    the order first met (the order the state adds up floats in, so it must not change)."""
    counts: dict[str, int] = {}
    for n in (1, 2, 3):
        for i in range(max(0, first_new - n + 1), len(ms) - n + 1):
            counts[ms[i : i + n]] = counts.get(ms[i : i + n], 0) + 1
    return list(counts.items())


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet="\ue000\ue001\ue002#", max_size=30), st.integers(0, 32))
def test_count_ngrams_counts_in_the_plain_order(ms: str, first_new: int) -> None:
    assert list(count_ngrams(ms, first_new).items()) == _plain_count_ngrams(ms, first_new)
