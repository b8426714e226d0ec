"""The statistical part: syllable n-grams + a linear model, inferred in pure Python.

Features are 1–3-grams over the *sound key* (one code per toneless, accent-merged pinyin syllable;
every digit is ``#``; punctuation and Latin letters are dropped), so a homophone recognition error
changes no feature at all.  The value of a feature is its count divided by the L2 norm of all counts.
``scripts/train_detector.py`` fits a logistic regression with scikit-learn and ships only the
weights (``model.json.gz``); this module needs neither scikit-learn nor scipy.

The model explains itself through :meth:`NgramModel.top_terms`: the phrases in the text that pushed
its score up most, shown as they were heard.
"""

from __future__ import annotations

import gzip
import heapq
import json
import math
import operator
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib import resources
from importlib.resources.abc import Traversable
from itertools import repeat
from pathlib import Path
from typing import Any

from screening.i18n import Message, MessageCode
from screening.transcript.normalise import SoundKey

FORMAT = 1
MODEL_FILE = "model.json.gz"
DIGIT = "#"
_DIGIT_RE = re.compile("[0-9]")
_NON_MODEL = re.compile(r"[^\ue000-\uf8ff0-9]+")


class ModelProblem(MessageCode):
    MISSING = ("找不到统计模型文件 {path}", "statistical model file {path} not found")
    CORRUPT = ("统计模型文件 {path} 已损坏：{error}", "statistical model file {path} is corrupt: {error}")


class ModelError(ValueError):
    def __init__(self, message: Message) -> None:
        super().__init__(message.render("en"))
        self.message = message


def key_model_string(key: str) -> str:
    """Sound key → what the n-grams are counted on: syllable codes and ``#`` per digit, nothing else.

    Punctuation, Latin letters, spaces and speaker labels are dropped, so typed text with
    punctuation and a recogniser's unpunctuated output give the same features.
    """
    # (a regex, not str.translate: every syllable code would miss the digit table, and a miss is costly)
    return _DIGIT_RE.sub(DIGIT, _NON_MODEL.sub("", key))


def count_ngrams(ms: str, first_new: int = 0, max_n: int = 3, min_n: int = 1) -> Counter[str]:
    """Counts of the min_n..max_n-grams of ``ms`` that end at or after ``first_new``."""
    if min_n == 1 and max_n == 3:  # the model's n-grams, without tuples; same counts in the same order as below
        start = max(0, first_new - 2)  # where the first trigram ending at first_new starts
        chars = list(ms[start:])  # each character object made once (iterating a str makes new ones each time)
        counts = Counter(chars[first_new - start :])
        bigrams = list(map(operator.add, chars, chars[1:]))
        counts.update(bigrams[max(0, first_new - 1) - start :])
        counts.update(map(operator.add, bigrams, chars[2:]))
        return counts
    counts = Counter()
    for n in range(min_n, max_n + 1):
        sub = ms[max(0, first_new - n + 1) :]
        if len(sub) < n:
            continue
        if n == 1:
            counts.update(sub)
        elif n == 2:
            counts.update(map(operator.add, sub, sub[1:]))
        else:
            counts.update(map("".join, zip(*(sub[i:] for i in range(n)), strict=False)))
    return counts


def ngrams_for_training(ms: str, max_n: int = 3, min_n: int = 1) -> list[str]:
    """The feature tokens of one text (for scikit-learn's CountVectorizer ``analyzer=``)."""
    return list(count_ngrams(ms, 0, max_n, min_n).elements())


def read_model_doc(path: Path | Traversable) -> dict[str, Any]:
    """The model file's JSON document (gzip), unchecked beyond being an object; a clear error if missing or corrupt."""
    if not path.is_file():
        raise ModelError(Message(ModelProblem.MISSING, {"path": str(path)}))
    try:
        with path.open("rb") as fh:
            raw = fh.read()
        doc = json.loads(gzip.decompress(raw).decode("utf-8"))
    except (OSError, EOFError, UnicodeDecodeError, json.JSONDecodeError, gzip.BadGzipFile) as exc:
        raise ModelError(Message(ModelProblem.CORRUPT, {"path": str(path), "error": exc})) from exc
    if not isinstance(doc, dict):
        raise ModelError(Message(ModelProblem.CORRUPT, {"path": str(path), "error": "not a JSON object"}))
    return doc


def write_model_doc(doc: dict[str, Any], path: Path) -> None:
    """Write a model document as :func:`read_model_doc` reads it: compact JSON, gzip with no timestamp (the same
    training gives the same bytes). Every object's keys are sorted except the n-gram weights' (``features`` and
    ``schemes.features``), which keep the order they were given: the trainer lists them most frequent first
    (:data:`FEATURE_ORDER`)."""
    raw = json.dumps(_sorted_keys(doc, ()), ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    path.write_bytes(gzip.compress(raw, compresslevel=9, mtime=0))


# How a model file lists its n-gram weights: by how many of the trainer's rows have the n-gram (every tenth training
# row, written texts and noised copies as trained on), most first, ties alphabetical. The loader makes the weight
# table in file order, so the n-grams that texts most often have sit together in memory and more often in the
# processor's cache: on the bench's test split the dot product alone took 0.34 s instead of 0.44 s with the weights in
# alphabetical order (the file is 1.9 MB instead of 1.7 MB: sorted keys compress better).
FEATURE_ORDER = "rows that have the n-gram, most first; ties alphabetical"
_KEPT_ORDER = frozenset({("features",), ("schemes", "features")})  # the objects whose order the writer keeps


def _sorted_keys(value: Any, at: tuple[str, ...]) -> Any:
    if isinstance(value, dict):
        items = value.items() if at in _KEPT_ORDER else sorted(value.items())
        return {k: _sorted_keys(v, (*at, k)) for k, v in items}
    if isinstance(value, list | tuple):
        return [_sorted_keys(v, at) for v in value]
    return value


@dataclass
class NgramState:
    """Running counts for one text, updated as text is appended (streaming)."""

    counts: Counter[str] = field(default_factory=Counter)
    dot: float = 0.0
    sumsq: float = 0.0
    # the scheme model's ranking of these counts, kept until they change (an assessment asks for it up to 3 times)
    ranked: list[tuple[str, float]] | None = field(default=None, compare=False, repr=False)
    # the scheme model's per-class dot products, kept up to date by :meth:`add` for a state built from empty (a
    # streamed call), so that ranking it costs the number of schemes, not the length of the call so far
    scheme_dots: list[float] | None = field(default=None, compare=False, repr=False)
    # each n-gram's weight × count, in the order of ``counts``, for a state built whole by :meth:`from_counts`: the
    # explanation's strongest n-grams are picked from these instead of looking every weight up again (on the bench's
    # test split the list costs every text about 0.03 s in all, and picking the terms takes 0.37 s instead of 0.85 s).
    # The counts of a state change only through :meth:`add`, which drops them; ``top_terms`` also checks the length.
    products: list[float] | None = field(default=None, compare=False, repr=False)

    @classmethod
    def from_counts(cls, model: NgramModel, counts: Counter[str]) -> NgramState:
        weights = model.weights
        values = list(counts.values())
        products = list(map(operator.mul, map(weights.get, counts.keys(), repeat(0.0)), values))
        return cls(counts, float(sum(products)), float(sum(map(operator.mul, values, values))), products=products)

    def add(self, model: NgramModel, delta: Counter[str]) -> None:
        weights = model.weights
        counts = self.counts
        schemes = model.schemes
        dots = self.scheme_dots
        if dots is None and schemes is not None and not counts:  # from empty: keep the scheme dots from now on
            dots = self.scheme_dots = [0.0] * len(schemes.classes)
        scheme_weights = schemes.weights if schemes is not None and dots is not None else None
        for gram, d in delta.items():
            old = counts[gram]
            counts[gram] = old + d
            self.sumsq += (old + d) ** 2 - old * old
            w = weights.get(gram)
            if w is not None:
                self.dot += w * d
            if scheme_weights is not None:
                ws = scheme_weights.get(gram)
                if ws is not None:
                    for ci, cw in ws:
                        dots[ci] += cw * d  # type: ignore[index]
        self.ranked = None  # after the counts changed (a session feeds one call from one thread)
        self.products = None

    def preview(self, model: NgramModel, delta: Counter[str]) -> NgramState:
        """Score of this state plus ``delta``, without changing this one (for partial segments).

        The returned state shares this state's counts, which do not include ``delta``: use it for
        :meth:`NgramModel.probability` only, not for :meth:`NgramModel.top_terms`.
        """
        weights = model.weights
        counts = self.counts
        dot, sumsq = self.dot, self.sumsq
        for gram, d in delta.items():
            old = counts.get(gram, 0)
            sumsq += (old + d) ** 2 - old * old
            dot += weights.get(gram, 0.0) * d
        return NgramState(counts, dot, sumsq)


@dataclass(frozen=True)
class SchemeModel:
    """One-vs-rest scheme classifier (which scheme a fraud text reads like), scored only on demand."""

    classes: tuple[str, ...]
    intercepts: tuple[float, ...]
    weights: dict[str, tuple[tuple[int, float], ...]]  # n-gram → (class index, weight)

    def rank_state(self, state: NgramState) -> list[tuple[str, float]]:
        """:meth:`rank` of a state's counts; from the dot products the state keeps when it has them (streaming)."""
        if state.scheme_dots is None or len(state.scheme_dots) != len(self.classes):
            return self.rank(state.counts)
        return self._ranked(state.scheme_dots, state.sumsq)

    def rank(self, counts: Counter[str]) -> list[tuple[str, float]]:
        """Classes with their probability (one-vs-rest, each in 0..1), best first. The norm is the counts' own: a
        streamed partial's :meth:`NgramState.preview` carries a sum of squares that includes text its counts do not."""
        dots = [0.0] * len(self.classes)
        sumsq = 0.0
        get = self.weights.get
        for gram, c in counts.items():
            sumsq += c * c
            ws = get(gram)
            if ws is not None:
                for ci, w in ws:
                    dots[ci] += w * c
        return self._ranked(dots, sumsq)

    def _ranked(self, dots: Sequence[float], sumsq: float) -> list[tuple[str, float]]:
        if sumsq <= 0:
            return []
        scale = 1.0 / math.sqrt(sumsq)
        out = [
            (cls, 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, b + d * scale)))))
            for cls, b, d in zip(self.classes, self.intercepts, dots, strict=True)
        ]
        return sorted(out, key=lambda x: -x[1])


class NgramModel:
    """Logistic regression over normalised syllable n-gram counts.

    Optional parts of the artefact: ``styles`` (a logit offset per text style, so that the model warns on
    the same share of honest calls, messages and chats) and ``schemes`` (a :class:`SchemeModel`)."""

    def __init__(
        self,
        weights: dict[str, float],
        intercept: float,
        max_n: int,
        meta: dict[str, Any],
        min_n: int = 1,
        styles: dict[str, float] | None = None,
        schemes: SchemeModel | None = None,
    ) -> None:
        self.weights = weights
        self.intercept = intercept
        self.max_n = max_n
        self.min_n = min_n
        self.meta = meta
        self.styles = dict(styles or {})
        self.schemes = schemes
        self.positive = frozenset(g for g, w in weights.items() if w > 0 and len(g) > 1)

    # -- loading -------------------------------------------------------------------------------
    @classmethod
    def from_doc(cls, doc: dict[str, Any], key: SoundKey, where: str = "model") -> NgramModel:
        try:
            if doc.get("format") != FORMAT:
                raise ValueError(f"format {doc.get('format')!r}, expected {FORMAT}")
            if bool(doc.get("fuzzy", True)) != key.fuzzy:
                raise ValueError("model was trained with a different sound key")
            weights: dict[str, float] = {}
            for syllables, w in doc["features"].items():
                weights[key.from_syllables(syllables.split(" "))] = float(w)
            styles = {str(k): float(v) for k, v in dict(doc.get("styles") or {}).items()}
            schemes = None
            if doc.get("schemes"):
                sd = doc["schemes"]
                classes = tuple(str(c) for c in sd["classes"])
                intercepts = tuple(float(b) for b in sd["intercepts"])
                if len(classes) != len(intercepts):
                    raise ValueError("scheme classes and intercepts differ in number")
                sw: dict[str, tuple[tuple[int, float], ...]] = {}
                for syllables, pairs in sd["features"].items():
                    entry = tuple((int(ci), float(w)) for ci, w in pairs)
                    if any(not 0 <= ci < len(classes) for ci, _ in entry):
                        raise ValueError(f"scheme feature {syllables!r} names an unknown class")
                    sw[key.from_syllables(syllables.split(" "))] = entry
                schemes = SchemeModel(classes, intercepts, sw)
            return cls(
                weights,
                float(doc["intercept"]),
                int(doc.get("max_n", 3)),
                dict(doc.get("meta", {})),
                int(doc.get("min_n", 1)),
                styles,
                schemes,
            )
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise ModelError(Message(ModelProblem.CORRUPT, {"path": where, "error": exc})) from exc

    @classmethod
    def load(cls, path: Path | Traversable, key: SoundKey) -> NgramModel:
        return cls.from_doc(read_model_doc(path), key, str(path))

    @staticmethod
    def bundled_path() -> Traversable:
        return resources.files("screening.transcript").joinpath("data", MODEL_FILE)

    # -- inference -------------------------------------------------------------------------------
    def state(self, ms: str) -> NgramState:
        """Counts for a whole text given its model string (:func:`key_model_string`)."""
        return NgramState.from_counts(self, self.count(ms))

    def count(self, ms: str, first_new: int = 0) -> Counter[str]:
        return count_ngrams(ms, first_new, self.max_n, self.min_n)

    def probability(self, st: NgramState, style: str | None = None) -> float:
        """P(fraud); ``style`` (call/sms/chat) applies that style's calibration offset."""
        if st.sumsq <= 0:
            return 0.0
        z = (
            self.intercept + self.styles.get(style, 0.0) + st.dot / math.sqrt(st.sumsq)
            if style
            else (self.intercept + st.dot / math.sqrt(st.sumsq))
        )
        return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))

    def top_terms(self, st: NgramState, key: str, norm: str, k: int = 6) -> tuple[tuple[str, float], ...]:
        """The k phrases (as heard) that raised the score most, with their contribution."""
        if st.sumsq <= 0:
            return ()
        scale = 1.0 / math.sqrt(st.sumsq)
        weights = self.weights
        counts = st.counts
        positive = self.positive
        products = st.products
        if products is not None and len(products) == len(counts):
            # the same (weight × count, n-gram) pairs as below, from the products the dot product left
            found = [(c, g) for c, g in zip(products, counts, strict=True) if c > 0 and len(g) > 1]
        else:
            # (the set intersection runs in C over the text's n-grams)
            found = [(weights[g] * counts[g], g) for g in positive.intersection(counts)]
        scored = heapq.nlargest(8 * k, found)  # ties are broken by the n-gram, so order is moot
        out: list[tuple[str, float]] = []
        for contribution, gram in scored:
            # Only n-grams heard as one stretch explain anything (not ones across punctuation or digits).
            pos = key.find(gram) if DIGIT not in gram else -1
            if pos < 0:
                continue
            surface = norm[pos : pos + len(gram)]
            if any(surface in s or s in surface for s, _ in out):
                continue
            out.append((surface, round(contribution * scale, 4)))
            if len(out) >= k:
                break
        return tuple(out)
