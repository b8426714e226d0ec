"""The Vosk adapter behind the :class:`Recognizer` protocol.

``vosk`` is imported lazily (STYLE.md §1) and a model is always loaded from a folder path; this
module never calls ``vosk.Model(lang=...)``, which would download from the internet.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from screening.i18n import Message
from speech.errors import ModelError, SpeechProblem
from speech.models import CHINESE_PROBE_WORDS, ModelInfo, validate_model_dir

log = logging.getLogger(__name__)

UNK = "[unk]"
_vosk_lock = threading.Lock()
_vosk_quiet = False


def _vosk() -> Any:
    global _vosk_quiet
    import vosk

    with _vosk_lock:
        if not _vosk_quiet:
            vosk.SetLogLevel(-1)  # Kaldi logs to stderr otherwise; our logging covers what matters
            _vosk_quiet = True
    return vosk


@dataclass(frozen=True)
class Word:
    word: str
    start: float
    end: float
    conf: float


@dataclass(frozen=True)
class RecognitionResult:
    """One utterance as Vosk finalised it; times are seconds from the start of the stream."""

    text: str
    words: tuple[Word, ...] = ()

    @property
    def start(self) -> float | None:
        return self.words[0].start if self.words else None

    @property
    def end(self) -> float | None:
        return self.words[-1].end if self.words else None


class Recognizer(Protocol):
    """Streaming speech-to-text over 16 kHz mono int16 PCM."""

    def accept(self, pcm: bytes) -> bool:
        """Feed audio; ``True`` when an utterance ended (then call :meth:`result`)."""
        ...

    def partial(self) -> str: ...

    def result(self) -> RecognitionResult: ...

    def final(self) -> RecognitionResult:
        """Flush the rest of the stream."""
        ...


@dataclass
class LoadedModel:
    """A Vosk model in memory plus facts about its folder."""

    info: ModelInfo
    handle: Any
    load_seconds: float
    _find_cache: dict[str, bool] = field(default_factory=dict, repr=False)

    @property
    def path(self) -> Path:
        return self.info.path

    @property
    def supports_grammar(self) -> bool:
        return self.info.lookahead

    def has_word(self, word: str) -> bool:
        """Is ``word`` in the model's vocabulary (``vosk_model_find_word`` ≥ 0)?"""
        cached = self._find_cache.get(word)
        if cached is None:
            cached = int(self.handle.vosk_model_find_word(word)) >= 0
            self._find_cache[word] = cached
        return cached

    def language_warning(self) -> Message | None:
        """:data:`~speech.errors.SpeechProblem.NOT_CHINESE_MODEL` when none of a few of the commonest Chinese words
        is in the vocabulary (a volunteer imported the Korean model, and was told 「语音模型已就绪」), else None."""
        chinese = any(self.has_word(w) for w in CHINESE_PROBE_WORDS)
        return dataclasses.replace(self.info, chinese=chinese).language_warning()  # (the one message: ModelInfo's)

    def recognizer(
        self, sample_rate: int = 16000, grammar: Grammar | None = None, words: bool = True
    ) -> VoskRecognizer:
        return VoskRecognizer(self, sample_rate=sample_rate, grammar=grammar, words=words)


def load_model(path: str | Path) -> LoadedModel:
    """Validate the folder, then load it with Vosk (seconds; run it off the GUI thread)."""
    info = validate_model_dir(Path(path))
    vosk = _vosk()
    t0 = time.perf_counter()
    try:
        handle = vosk.Model(str(info.path))
    except Exception as exc:  # vosk raises a bare Exception("Failed to create a model")
        raise ModelError(SpeechProblem.MODEL_LOAD_FAILED, path=str(info.path)) from exc
    seconds = time.perf_counter() - t0
    log.info("loaded Vosk model %s in %.2f s", info.path.name, seconds)
    return LoadedModel(info=info, handle=handle, load_seconds=seconds)


# ---------------------------------------------------------------------------------------------
# Grammar / keyword spotting
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Grammar:
    """A restricted phrase list for Vosk, already checked against the vocabulary.

    ``phrases`` are what Vosk will be told (words separated by spaces); ``dropped`` are the input
    phrases that could not be spelled with in-vocabulary words (Vosk would drop them silently).
    """

    phrases: tuple[str, ...]
    dropped: tuple[str, ...]
    with_unk: bool

    def to_json(self) -> str:
        items = list(self.phrases) + ([UNK] if self.with_unk else [])
        # ensure_ascii=False: Vosk treats "\\uXXXX" escapes as unknown words and drops them.
        return json.dumps(items, ensure_ascii=False)


def _segment(model: LoadedModel, text: str, max_len: int = 8) -> list[str] | None:
    """Spell ``text`` (no spaces, e.g. Chinese) as vocabulary words, longest match first."""
    out: list[str] = []
    i = 0
    while i < len(text):
        for j in range(min(len(text), i + max_len), i, -1):
            if model.has_word(text[i:j]):
                out.append(text[i:j])
                i = j
                break
        else:
            return None
    return out


def build_grammar(model: LoadedModel, phrases: Iterable[str]) -> Grammar:
    """Keep the phrases whose every word the model knows; split unspaced Chinese into vocab words.

    Raises ``GRAMMAR_UNSUPPORTED`` for models with a static HCLG graph (grammar needs the
    lookahead ``Gr.fst``/``HCLr.fst`` layout) and ``GRAMMAR_EMPTY`` when nothing survives.
    """
    if not model.supports_grammar:
        raise ModelError(SpeechProblem.GRAMMAR_UNSUPPORTED, path=str(model.path))
    kept: list[str] = []
    dropped: list[str] = []
    seen: set[str] = set()
    for raw in phrases:
        phrase = " ".join(raw.split())
        if not phrase or phrase in seen:
            continue
        seen.add(phrase)
        words: list[str] = []
        for token in phrase.split(" "):
            if model.has_word(token):
                words.append(token)
                continue
            parts = _segment(model, token)
            if parts is None:
                words = []
                break
            words.extend(parts)
        if words:
            kept.append(" ".join(words))
        else:
            dropped.append(phrase)
    if not kept:
        raise ModelError(SpeechProblem.GRAMMAR_EMPTY)
    if dropped:
        log.info("keyword mode: %d of %d phrases are not in the model vocabulary", len(dropped), len(seen))
    return Grammar(phrases=tuple(kept), dropped=tuple(dropped), with_unk=model.has_word(UNK))


# ---------------------------------------------------------------------------------------------
# The recogniser
# ---------------------------------------------------------------------------------------------


def _parse_result(raw: str) -> RecognitionResult:
    data = json.loads(raw)
    words = tuple(
        Word(word=str(w["word"]), start=float(w["start"]), end=float(w["end"]), conf=float(w.get("conf", 1.0)))
        for w in data.get("result", ())
        if w.get("word") != UNK
    )
    text = " ".join(t for t in str(data.get("text", "")).split() if t != UNK)
    return RecognitionResult(text=text, words=words)


class VoskRecognizer:
    """One Vosk ``KaldiRecognizer``; use it from a single thread."""

    def __init__(
        self, model: LoadedModel, sample_rate: int = 16000, grammar: Grammar | None = None, words: bool = True
    ) -> None:
        vosk = _vosk()
        self.model = model
        self.grammar = grammar
        if grammar is not None:
            self._rec = vosk.KaldiRecognizer(model.handle, float(sample_rate), grammar.to_json())
        else:
            self._rec = vosk.KaldiRecognizer(model.handle, float(sample_rate))
        self._rec.SetWords(bool(words))

    def accept(self, pcm: bytes) -> bool:
        return bool(self._rec.AcceptWaveform(pcm))

    def partial(self) -> str:
        text = str(json.loads(self._rec.PartialResult()).get("partial", ""))
        return " ".join(t for t in text.split() if t != UNK)

    def result(self) -> RecognitionResult:
        return _parse_result(self._rec.Result())

    def final(self) -> RecognitionResult:
        return _parse_result(self._rec.FinalResult())


def transcribe_pcm(model: LoadedModel, pcm: bytes, chunk_bytes: int = 8000, grammar: Grammar | None = None) -> str:
    """Bare Vosk over a buffer, no pipeline (the benchmark's baseline and a quick helper)."""
    rec = model.recognizer(grammar=grammar)
    texts: list[str] = []
    for i in range(0, len(pcm), chunk_bytes):
        if rec.accept(pcm[i : i + chunk_bytes]):
            texts.append(rec.result().text)
    texts.append(rec.final().text)
    return " ".join(t for t in texts if t)


def normalise_phrases(phrases: Sequence[str]) -> list[str]:
    """Trim and de-duplicate a user phrase list, keeping its order."""
    seen: dict[str, None] = {}
    for p in phrases:
        p = " ".join(p.split())
        if p:
            seen.setdefault(p, None)
    return list(seen)
