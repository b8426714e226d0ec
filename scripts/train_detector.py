"""Train the statistical part of the scam-script detector and write the small artefact the app ships.

    python scripts/train_detector.py                      # train on the train split, write the model
    python scripts/train_detector.py --cross              # cross-source / leave-one-type-out checks only

Data: ``../shared/corpora`` (TeleAntiFraud synthetic fraud + normal dialogues, STC-3 real Weibo
helpdesk chats as hard negatives).  Every dialogue is assigned to train/dev/test by a hash of its
id, so the split is stable across runs and machines; ``python -m screening.evaluate`` on the
``test`` split (``--split test``) reports figures the model never saw.

Features are syllable 1–3-grams of the sound key (see ``screening/transcript/model.py``), so the
same function featurises at training and at run time.  scikit-learn fits an L2-regularised
logistic regression; only the largest weights are kept, as readable pinyin (``"yan zheng ma":
1.9``), in ``screening/transcript/data/model.json.gz``.  The app reads that with plain Python.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from screening.transcript.model import (  # noqa: E402
    FORMAT,
    MODEL_FILE,
    NgramModel,
    key_model_string,
    ngrams_for_training,
)
from screening.transcript.normalise import normalise, sound_key  # noqa: E402

CORPORA = REPO.parent / "shared" / "corpora"
SOURCES = {
    "teleantifraud": "teleantifraud_agents/dialogues.jsonl",
    "stc3": "stc3_weibo_helpdesk/dialogues.jsonl",
}
OUT = REPO / "screening" / "transcript" / "data" / MODEL_FILE


def split_of(row_id: str) -> str:
    """Stable split by id: 70 % train, 10 % dev, 20 % test."""
    h = int(hashlib.sha1(row_id.encode("utf-8")).hexdigest()[:8], 16) % 100
    return "train" if h < 70 else ("dev" if h < 80 else "test")


def load_rows(corpora: Path) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for source, rel in SOURCES.items():
        with open(corpora / rel, encoding="utf-8") as fh:
            for line in fh:
                r = json.loads(line)
                rows.append(
                    {
                        "id": r["id"],
                        "text": r["text"],
                        "label": int(r["label"]),
                        "category": r.get("category", ""),
                        "source": source,
                        "split": split_of(r["id"]),
                    }
                )
    return rows


def featurise(rows: Sequence[dict[str, Any]]) -> list[str]:
    key = sound_key(True)
    return [key_model_string(key.key(normalise(r["text"]))) for r in rows]


NGRAMS = (1, 3)  # (min_n, max_n), set from the command line


def analyzer(ms: str) -> list[str]:
    return ngrams_for_training(ms, NGRAMS[1], NGRAMS[0])


def fit(fs: Sequence[str], y: Sequence[int], c: float) -> tuple[Any, Any]:
    from sklearn.feature_extraction.text import CountVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import normalize

    vec = CountVectorizer(analyzer=analyzer, min_df=3, lowercase=False)
    x = normalize(vec.fit_transform(fs))
    clf = LogisticRegression(C=c, class_weight="balanced", max_iter=3000, solver="liblinear")
    clf.fit(x, list(y))
    return vec, clf


def to_doc(vec: Any, clf: Any, keep: int, meta: dict[str, Any]) -> dict[str, Any]:
    key = sound_key(True)
    names = vec.get_feature_names_out()
    coefs = clf.coef_[0]
    order = sorted(range(len(names)), key=lambda i: -abs(coefs[i]))[:keep]
    features = {" ".join(key.syllables(names[i])): round(float(coefs[i]), 4) for i in order if abs(coefs[i]) > 1e-4}
    return {
        "format": FORMAT,
        "kind": "syllable-ngram logistic regression",
        "fuzzy": True,
        "min_n": NGRAMS[0],
        "max_n": NGRAMS[1],
        "intercept": round(float(clf.intercept_[0]), 4),
        "features": features,
        "meta": meta,
    }


def probabilities(model: NgramModel, fs: Sequence[str]) -> list[float]:
    return [model.probability(model.state(f)) for f in fs]


def report(name: str, probs: Sequence[float], y: Sequence[int], threshold: float = 0.5) -> dict[str, float]:
    tp = sum(1 for p, t in zip(probs, y, strict=True) if p >= threshold and t == 1)
    fp = sum(1 for p, t in zip(probs, y, strict=True) if p >= threshold and t == 0)
    pos = sum(y)
    neg = len(y) - pos
    out = {"n": len(y), "recall": tp / pos if pos else float("nan"), "far": fp / neg if neg else float("nan")}
    print(f"  {name:<42} n={len(y):>5}  recall={out['recall']:.3f}  false-alarm={out['far']:.4f}")
    return out


def detector_flags(model: NgramModel, texts: Sequence[str]) -> list[float]:
    """1.0 where the whole detector (phrase rules + this model) reaches WARN, else 0.0."""
    from screening.transcript.detector import ALERT_LEVEL, ScriptDetector
    from screening.transcript.phrases import load_phrase_book

    det = ScriptDetector(load_phrase_book(), model, sound_key(True))
    return [1.0 if det.assess(t).level >= ALERT_LEVEL else 0.0 for t in texts]


def cross_checks(rows: list[dict[str, Any]], fs: list[str], c: float, keep: int) -> None:
    key = sound_key(True)
    print("Cross-source check A: model trained on TeleAntiFraud (train split) only; STC-3 never seen")
    idx = [i for i, r in enumerate(rows) if r["source"] == "teleantifraud" and r["split"] == "train"]
    vec, clf = fit([fs[i] for i in idx], [rows[i]["label"] for i in idx], c)
    m = NgramModel.from_doc(to_doc(vec, clf, keep, {}), key)
    stc = [i for i, r in enumerate(rows) if r["source"] == "stc3"]
    report("model alone p>=0.5: STC-3 (all, negatives)", probabilities(m, [fs[i] for i in stc]), [0] * len(stc))
    report("full detector >= WARN: STC-3", detector_flags(m, [rows[i]["text"] for i in stc]), [0] * len(stc))
    taf_test = [i for i, r in enumerate(rows) if r["source"] == "teleantifraud" and r["split"] == "test"]
    y = [rows[i]["label"] for i in taf_test]
    report("model alone p>=0.5: TeleAntiFraud test", probabilities(m, [fs[i] for i in taf_test]), y)
    report("full detector >= WARN: TeleAntiFraud test", detector_flags(m, [rows[i]["text"] for i in taf_test]), y)
    print("Cross-type check B: leave one TeleAntiFraud fraud type out of training, recall on that type")
    types = sorted({r["category"] for r in rows if r["source"] == "teleantifraud" and r["label"] == 1})
    for held in types:
        idx = [i for i, r in enumerate(rows) if r["split"] == "train" and r["category"] != held]
        vec, clf = fit([fs[i] for i in idx], [rows[i]["label"] for i in idx], c)
        m = NgramModel.from_doc(to_doc(vec, clf, keep, {}), key)
        test = [i for i, r in enumerate(rows) if r["category"] == held and r["split"] != "train"]
        report(f"model alone: held-out {held}", probabilities(m, [fs[i] for i in test]), [1] * len(test))
        report(f"full detector: held-out {held}", detector_flags(m, [rows[i]["text"] for i in test]), [1] * len(test))


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpora", type=Path, default=CORPORA)
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("-C", type=float, default=1.0, help="inverse regularisation strength")
    ap.add_argument("--keep", type=int, default=12000, help="features kept in the shipped model")
    ap.add_argument("--ngrams", default="1,3", help="min,max n-gram length in syllables")
    ap.add_argument("--cross", action="store_true", help="run the cross-source checks, do not write the model")
    args = ap.parse_args(argv)

    global NGRAMS
    lo, hi = (int(x) for x in args.ngrams.split(","))
    NGRAMS = (lo, hi)
    t0 = time.time()
    rows = load_rows(args.corpora)
    fs = featurise(rows)
    print(f"loaded {len(rows)} dialogues, featurised in {time.time() - t0:.1f}s")
    if args.cross:
        cross_checks(rows, fs, args.C, args.keep)
        return 0
    train = [i for i, r in enumerate(rows) if r["split"] == "train"]
    vec, clf = fit([fs[i] for i in train], [rows[i]["label"] for i in train], args.C)
    meta = {
        "trained_on": {s: sum(1 for i in train if rows[i]["source"] == s) for s in SOURCES},
        "split": "sha1(id) % 100 < 70",
        "C": args.C,
        "features_total": len(vec.get_feature_names_out()),
        "created": time.strftime("%Y-%m-%d"),
    }
    doc = to_doc(vec, clf, args.keep, meta)
    model = NgramModel.from_doc(doc, sound_key(True))
    dev = [i for i, r in enumerate(rows) if r["split"] == "dev"]
    print("dev split, shipped (pruned) model alone, threshold 0.5:")
    for source in SOURCES:
        idx = [i for i in dev if rows[i]["source"] == source]
        report(source, probabilities(model, [fs[i] for i in idx]), [rows[i]["label"] for i in idx])
    args.out.parent.mkdir(parents=True, exist_ok=True)
    raw = json.dumps(doc, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode("utf-8")
    args.out.write_bytes(gzip.compress(raw, compresslevel=9, mtime=0))
    print(f"wrote {args.out} ({args.out.stat().st_size / 1024:.0f} KiB, {len(doc['features'])} features)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
