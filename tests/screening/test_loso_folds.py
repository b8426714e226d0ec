"""The trainer's parts that shape what ships (scripts/train_detector.py): leave-one-scheme-out folds measure the
detector as shipped (each fold's model borrows the shipped style offsets and scheme model, with the held-out scheme's
categories silenced), and the model file lists its n-grams most frequent first."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any

import pytest

from screening.transcript.model import NgramModel, key_model_string
from screening.transcript.normalise import normalise, sound_key

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def trainer() -> Any:
    spec = importlib.util.spec_from_file_location("train_detector", REPO / "scripts" / "train_detector.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("train_detector", module)
    spec.loader.exec_module(module)
    return module


def test_a_fold_gets_the_shipped_offsets_and_a_scheme_model_without_its_scheme(trainer: Any) -> None:
    shipped = trainer.shipped_doc(REPO / "screening" / "transcript" / "data" / "model.json.gz")
    assert shipped and shipped["schemes"]["classes"] and shipped["styles"]
    classes = shipped["schemes"]["classes"]
    held = "telecom_points"
    assert held in classes
    dress = trainer.without_scheme(shipped, {"points": {held}})
    fold: dict[str, Any] = {k: v for k, v in shipped.items() if k not in ("styles", "schemes")}
    dress(fold, "points")
    assert fold["styles"] == shipped["styles"]
    got = dict(zip(classes, fold["schemes"]["intercepts"], strict=True))
    want = dict(zip(classes, shipped["schemes"]["intercepts"], strict=True))
    assert got[held] == -50.0
    assert {c: b for c, b in got.items() if c != held} == {c: b for c, b in want.items() if c != held}
    assert shipped["schemes"]["intercepts"][classes.index(held)] != -50.0  # the shipped document is not changed

    model = NgramModel.from_doc(fold, sound_key(True))
    text = "您好我是移动客服您的积分即将清零今天可以兑换一台电饭煲把验证码告诉我就行"
    assert model.schemes is not None
    ranked = dict(model.schemes.rank(model.state(key_model_string(sound_key(True).key(normalise(text)))).counts))
    assert ranked[held] < 1e-9
    shipped_model = NgramModel.from_doc(shipped, sound_key(True))
    assert shipped_model.schemes is not None
    assert (
        shipped_model.schemes.rank(shipped_model.state(key_model_string(sound_key(True).key(normalise(text)))).counts)[
            0
        ][0]
        == held
    )


def test_another_fold_leaves_every_scheme_alone(trainer: Any) -> None:
    shipped = trainer.shipped_doc(REPO / "screening" / "transcript" / "data" / "model.json.gz")
    dress = trainer.without_scheme(shipped, {"points": {"telecom_points"}})
    fold: dict[str, Any] = {}
    dress(fold, "task_rebate")
    assert fold["schemes"]["intercepts"] == shipped["schemes"]["intercepts"]


def test_the_model_file_lists_its_ngrams_most_frequent_first(trainer: Any) -> None:
    """order_features counts how many texts have each n-gram (not how often it is said), ties alphabetical, over the
    binary model's and the scheme model's n-grams alike, and leaves every weight as it was."""
    key = sound_key(True)
    texts = ["验证码验证码验证码", "验证码转账", "转账", "转账", "安全账户", "你好"]
    fs = [key_model_string(key.key(normalise(t))) for t in texts]
    yan, zhuan, an = (" ".join(key.syllables(key_model_string(key.key(w)))) for w in ("验", "转", "安"))
    ni = " ".join(key.syllables(key_model_string(key.key("你"))))
    doc: dict[str, Any] = {
        "min_n": 1,
        "max_n": 3,
        "features": {yan: 1.0, an: 2.0, zhuan: 3.0},
        "schemes": {"classes": ["x"], "intercepts": [0.0], "features": {ni: [[0, 0.5]], yan: [[0, 0.25]]}},
    }
    trainer.order_features(doc, fs, every=1)
    # 转 is in 3 texts, 验 in 2 (however often said), 安 and 你 in 1 each (a tie: alphabetical, an before ni)
    assert list(doc["features"]) == [zhuan, yan, an]
    assert doc["features"] == {yan: 1.0, an: 2.0, zhuan: 3.0}
    assert list(doc["schemes"]["features"]) == [yan, ni]
    assert doc["schemes"]["features"] == {ni: [[0, 0.5]], yan: [[0, 0.25]]}


def test_a_loso_run_can_be_kept_to_some_schemes_and_names_a_misspelt_one(trainer: Any) -> None:
    """``--loso-schemes points,screen_share`` runs only those folds (two of 26 take under half an hour, all of them
    several hours); a scheme that is not one stops the run before any training, naming it."""
    rows = [{"scheme": s, "source": "generated", "label": 1, "text": "积分兑换"} for s in ("points", "screen_share")]
    with pytest.raises(SystemExit, match="unknown schemes for --loso-schemes: pionts"):
        trainer.loso(rows, [], 1.0, 10, None, None, only={"pionts", "points"})
