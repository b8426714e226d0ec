"""Train the style guesser (call / sms / chat) and write ``screening/transcript/data/style.json.gz``.

    python scripts/train_style.py            # fit on the written texts' train split, report, write the file
    python scripts/train_style.py --check    # report only

Data: the texts this project's writers wrote (``scripts/training_texts/written``), whose ``style`` they chose; a
notice is read as a message. Rows are split by :func:`screening.evaluate.split_of`, as for the scam model; the test
split and the blind probe (``tests/screening/data/blind_probe.jsonl``) are only reported. Corpus dialogues are left
out: they carry speaker labels (A:/B:), which the detector's shape rule reads before this guesser is asked.

Features are :func:`screening.transcript.style.style_features`. A first fit over every feature seen in at least
five texts picks the ``--keep`` features with the largest weight for any style; a second fit on those alone gives
the weights shipped, so the app's normalisation (over the kept features) is the one the weights were fitted with.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "scripts"))

from training_texts.written_texts import written_rows  # noqa: E402

from screening.evaluate import split_of  # noqa: E402
from screening.transcript.model import write_model_doc  # noqa: E402
from screening.transcript.style import FORMAT, STYLE_FILE, STYLES, StyleGuesser, style_features  # noqa: E402

OUT = REPO / "screening" / "transcript" / "data" / STYLE_FILE
PROBE = REPO / "tests" / "screening" / "data" / "blind_probe.jsonl"


def style_of(row: dict[str, Any]) -> str:
    style = str(row.get("style") or "call")
    return "sms" if style == "notice" else style


def fit(texts: list[str], labels: list[str], c: float, vocabulary: list[str] | None = None) -> tuple[Any, Any]:
    from sklearn.feature_extraction.text import CountVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import normalize

    vec = CountVectorizer(analyzer=style_features, min_df=1 if vocabulary else 5, vocabulary=vocabulary)
    x = normalize(vec.fit_transform(texts).astype(float).log1p())
    clf = LogisticRegression(C=c, max_iter=5000)
    clf.fit(x, labels)
    return vec, clf


def to_doc(vec: Any, clf: Any) -> dict[str, Any]:
    classes = [str(c) for c in clf.classes_]
    names = vec.get_feature_names_out()
    features = {
        str(name): [round(float(clf.coef_[i][j]), 4) for i in range(len(classes))] for j, name in enumerate(names)
    }
    return {
        "format": FORMAT,
        "classes": classes,
        "intercepts": [round(float(b), 4) for b in clf.intercept_],
        "features": features,
        "meta": {"trained_on": "written texts, train split", "features": len(features)},
    }


def report(name: str, guesser: StyleGuesser, rows: list[dict[str, Any]]) -> None:
    confusion: Counter[tuple[str, str]] = Counter((style_of(r), guesser.guess(r["text"])) for r in rows)
    parts = []
    for st in STYLES:
        n = sum(v for (a, _), v in confusion.items() if a == st)
        if n:
            parts.append(f"{st} n={n}: " + " ".join(f"{g} {confusion[(st, g)] / n:.3f}" for g in STYLES))
    print(f"{name:8s} " + " | ".join(parts))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("-C", type=float, default=1.0)
    ap.add_argument("--keep", type=int, default=8000, help="features kept")
    ap.add_argument("--check", action="store_true", help="report, do not write")
    args = ap.parse_args(argv)
    rows = written_rows()
    for r in rows:
        r.setdefault("split", split_of(r["id"]))
    train = [r for r in rows if r["split"] == "train"]
    test = [r for r in rows if r["split"] == "test"]
    texts, labels = [r["text"] for r in train], [style_of(r) for r in train]
    vec, clf = fit(texts, labels, args.C)
    strength = abs(clf.coef_).max(axis=0)
    names = vec.get_feature_names_out()
    kept = sorted(str(names[j]) for j in strength.argsort()[::-1][: args.keep])
    vec, clf = fit(texts, labels, args.C, kept)
    doc = to_doc(vec, clf)
    guesser = StyleGuesser.from_doc(doc)
    print(f"{len(train)} training texts, {len(kept)} features kept of {len(names)}")
    report("test", guesser, test)
    if PROBE.exists():
        report("probe", guesser, [json.loads(line) for line in PROBE.read_text(encoding="utf-8").splitlines()])
    if args.check:
        return 0
    write_model_doc(doc, args.out)
    print(f"wrote {args.out} ({args.out.stat().st_size // 1024} KiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
