"""Measure the scam-script detector on labelled JSONL: precision, recall, false-alarm rate.

    python -m screening.evaluate FILE.jsonl [FILE2.jsonl ...] [--split test] [--no-model] [--json]
    python -m screening.evaluate --generated --noise 0.1,0.25,0.4      # the project's own held-out texts
                                                                        # (generated, seeds, written test split)
    python -m screening.evaluate --generated --loso                     # + leave-one-scheme-out (needs scikit-learn)
    python -m screening.evaluate --probe                                # the blind probe set (evaluation only)

Reports overall, per source, per category (scheme), per style (call / sms / chat: the row's ``style``,
else guessed from the text) and, with ``--noise``, per recogniser-noise level: every row again through
:class:`screening.transcript.noise.NoiseChannel` at each character error rate.  ``--generated`` adds the
held-out part of the texts ``scripts/make_training_texts.py`` writes (test wording only) and the
hand-written seeds; ``--loso`` runs ``scripts/train_detector.py --loso`` (retrains once per scheme).

Each line needs ``text`` (or ``turns``, a list of ``{"text": …}``) and ``label`` (1/true/"fraud" =
fraud, 0/false/"normal" = not); optional
``category`` (reported per category), ``source`` (default: the file's folder or name) and ``expect``
(the detector category a fraud row should get; the report then says how often a flagged row got it).
``--split train|dev|test`` keeps only the rows whose id hashes into that split, the same stable
split ``scripts/train_detector.py`` trains on, so ``--split test`` gives figures on unseen data.
A call counts as flagged when its level reaches 警告/WARN (``--level`` to change).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, TextIO

from screening.i18n import system_language
from screening.types import Level

SPLITS = ("train", "dev", "test")
ROW_STYLES = ("call", "sms", "chat", "notice")  # notice: a written notice; the detector reads it as a message
PROBE = Path(__file__).resolve().parent.parent / "tests" / "screening" / "data" / "blind_probe.jsonl"


def split_of(row_id: str) -> str:
    """Stable split by id: 70 % train, 10 % dev, 20 % test (shared with scripts/train_detector.py)."""
    h = int(hashlib.sha1(row_id.encode("utf-8")).hexdigest()[:8], 16) % 100
    return "train" if h < 70 else ("dev" if h < 80 else "test")


@dataclass(frozen=True)
class Row:
    text: str
    label: int
    category: str
    source: str
    id: str
    expect: str | None = None  # the detector category this fraud row should get, if the file says
    style: str | None = None  # call / sms / chat, if the file says


class InputError(ValueError):
    def __init__(self, zh: str, en: str) -> None:
        super().__init__(en)
        self.zh = zh
        self.en = en

    def render(self, lang: str) -> str:
        return self.en if lang == "en" else self.zh


def _label(value: Any) -> int | None:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int | float) and value in (0, 1):
        return int(value)
    if isinstance(value, str):
        v = value.strip().lower()
        if v in ("1", "fraud", "scam", "spam", "true", "诈骗", "是"):
            return 1
        if v in ("0", "normal", "ham", "benign", "false", "正常", "否"):
            return 0
    return None


def read_rows(path: Path, warn: TextIO, lang: str) -> list[Row]:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(f"无法读取 {path}：{exc.strerror}", f"cannot read {path}: {exc.strerror}") from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = raw.decode("gb18030")
        except UnicodeDecodeError as exc:
            raise InputError(f"{path} 不是 UTF-8 或 GBK 文本", f"{path} is not UTF-8 or GBK text") from exc
    default_source = path.parent.name if path.stem in ("dialogues", "data", "test") else path.stem
    rows: list[Row] = []
    bad = 0
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
            label = _label(obj.get("label")) if isinstance(obj, dict) else None
            body = obj.get("text") if isinstance(obj, dict) else None
            if not isinstance(body, str) and isinstance(obj, dict) and isinstance(obj.get("turns"), list):
                body = "\n".join(str(t.get("text", "")) if isinstance(t, dict) else str(t) for t in obj["turns"])
            if label is None or not isinstance(body, str):
                raise ValueError("needs 'text' (string) and 'label' (0/1)")
        except (json.JSONDecodeError, ValueError) as exc:
            bad += 1
            if bad <= 5:
                msg = (f"{path} 第 {n} 行已跳过：{exc}", f"{path} line {n} skipped: {exc}")
                print(msg[1] if lang == "en" else msg[0], file=warn)
            continue
        rows.append(
            Row(
                text=body,
                label=label,
                category=str(obj.get("category") or obj.get("scheme") or ("fraud" if label else "normal")),
                source=str(obj.get("source") or default_source),
                id=str(obj.get("id") or f"{path.name}:{n}"),
                expect=str(obj["expect"]) if isinstance(obj.get("expect"), str) and obj["expect"] else None,
                style=str(obj["style"]) if obj.get("style") in ROW_STYLES else None,
            )
        )
    if bad:
        msg = (f"{path}：共跳过 {bad} 行无效数据", f"{path}: {bad} invalid line(s) skipped")
        print(msg[1] if lang == "en" else msg[0], file=warn)
    return rows


@dataclass
class Tally:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0

    def add(self, label: int, flagged: bool) -> None:
        if label and flagged:
            self.tp += 1
        elif label:
            self.fn += 1
        elif flagged:
            self.fp += 1
        else:
            self.tn += 1

    @property
    def n(self) -> int:
        return self.tp + self.fp + self.fn + self.tn

    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None

    def far(self) -> float | None:
        return self.fp / (self.fp + self.tn) if self.fp + self.tn else None

    def as_dict(self) -> dict[str, Any]:
        return {
            "n": self.n,
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "tn": self.tn,
            "precision": self.precision(),
            "recall": self.recall(),
            "false_alarm_rate": self.far(),
        }


def _fmt(x: float | None, digits: int = 3) -> str:
    return "—" if x is None else f"{x:.{digits}f}"


def generated_rows() -> list[Row]:
    """The held-out generated texts and the seeds (``scripts/make_training_texts.py``), and the test split of the
    texts separate writers wrote (``scripts/training_texts/written``), if the scripts are here."""
    script_dir = Path(__file__).resolve().parent.parent / "scripts"
    if not (script_dir / "make_training_texts.py").is_file():
        raise InputError("找不到 scripts/make_training_texts.py", "scripts/make_training_texts.py not found")
    sys.path.insert(0, str(script_dir))
    try:
        from make_training_texts import all_rows
        from training_texts.written_texts import written_rows
    finally:
        sys.path.remove(str(script_dir))
    out = []
    for r in all_rows():
        if r["part"] == "train":
            continue
        out.append(
            Row(
                text=r["text"],
                label=int(r["label"]),
                category=str(r["scheme"]),
                source="seed" if r["part"] == "seed" else "generated",
                id=str(r["id"]),
                expect=r.get("expect"),
                style=r.get("style"),
            )
        )
    for r in written_rows():  # the writers' texts: only the test split, as written (speaker labels and all)
        if r["split"] == "test":
            out.append(Row(r["text"], r["label"], r["scheme"], "written", r["id"], r["expect"], r["style"]))
    return out


def detector_style(style: str | None) -> str | None:
    """The style hint the detector gets for a row's style: a written notice is read as a message."""
    return "sms" if style == "notice" else style


def evaluate(
    rows: Sequence[Row], detector: Any, level: Level, noise: Sequence[float] = (), guess_style: bool = False
) -> dict[str, Any]:
    """``guess_style``: the detector gets no style hint and guesses (rows are still grouped by their own style)."""
    from screening.transcript.detector import resolve_style

    def hint(row: Row) -> str | None:
        return None if guess_style else detector_style(row.style)

    overall = Tally()
    by_source: dict[str, Tally] = defaultdict(Tally)
    by_style: dict[str, Tally] = defaultdict(Tally)
    by_category: dict[tuple[str, str], Tally] = defaultdict(Tally)
    predicted: Counter[str] = Counter()
    expected = [0, 0]  # flagged rows with an expected category, and how many got it
    sweep_scores: list[tuple[float, int]] = []
    nbytes = 0
    t0 = time.perf_counter()
    for row in rows:
        a = detector.assess(row.text, style=hint(row))
        nbytes += len(row.text.encode("utf-8"))
        flagged = a.level >= level
        overall.add(row.label, flagged)
        by_source[row.source].add(row.label, flagged)
        by_style[row.style or a.style].add(row.label, flagged)
        by_category[(row.source, row.category)].add(row.label, flagged)
        if flagged:
            predicted[a.category or "(model only)"] += 1
            if row.expect:
                expected[0] += 1
                expected[1] += a.category == row.expect
        sweep_scores.append((a.score, row.label))
    elapsed = time.perf_counter() - t0
    by_noise: dict[str, dict[str, Any]] = {}
    if noise:
        from screening.transcript.noise import NoiseChannel

        channel = NoiseChannel((r.text for r in rows[:3000]), seed=23)
        clean = {"overall": overall.as_dict(), "by_style": {k: v.as_dict() for k, v in sorted(by_style.items())}}
        by_noise["0%"] = clean
        for cer in noise:
            t_all = Tally()
            t_style: dict[str, Tally] = defaultdict(Tally)
            measured = 0.0
            for row in rows:
                text, rate = channel.corrupt(row.text, cer)
                measured += rate
                style = resolve_style(hint(row), row.text)  # the recogniser's output keeps the (guessed) style
                flagged = detector.assess(text, style=style).level >= level
                t_all.add(row.label, flagged)
                t_style[row.style or style].add(row.label, flagged)
            by_noise[f"{round(cer * 100)}%"] = {
                "measured_cer": measured / len(rows) if rows else 0.0,
                "overall": t_all.as_dict(),
                "by_style": {k: v.as_dict() for k, v in sorted(t_style.items())},
            }
    sweep = []
    for th in (0.35, 0.5, 0.6, 0.7, 0.85):
        t = Tally()
        for s, label in sweep_scores:
            t.add(label, s >= th)
        sweep.append({"threshold": th, **t.as_dict()})
    return {
        "overall": overall.as_dict(),
        "by_source": {k: v.as_dict() for k, v in sorted(by_source.items())},
        "by_style": {k: v.as_dict() for k, v in sorted(by_style.items())},
        "style_hint": "guessed" if guess_style else "given",
        "by_noise": by_noise,
        "by_category": {f"{s}/{c}": v.as_dict() for (s, c), v in sorted(by_category.items())},
        "predicted_categories": dict(predicted.most_common()),
        "category_agreement": {
            "n": expected[0],
            "agree": expected[1],
            "rate": expected[1] / expected[0] if expected[0] else None,
        },
        "score_sweep": sweep,
        "seconds": elapsed,
        "mb_per_second": (nbytes / 1e6) / elapsed if elapsed > 0 else None,
    }


def print_report(result: dict[str, Any], out: TextIO, lang: str, level: Level) -> None:
    zh = lang != "en"
    head = f"{'':<44}{'n':>6}{'precision':>11}{'recall':>9}{'FAR':>9}"

    def line(name: str, d: dict[str, Any]) -> str:
        return (
            f"{name:<44}{d['n']:>6}{_fmt(d['precision']):>11}{_fmt(d['recall']):>9}{_fmt(d['false_alarm_rate'], 4):>9}"
        )

    flag = level.zh if zh else level.en
    print(("报警标准：级别 ≥ " if zh else "flagged when level ≥ ") + flag, file=out)
    print(head, file=out)
    print(line("总计 / overall", result["overall"]), file=out)
    print(("按来源" if zh else "by source") + ":", file=out)
    for name, d in result["by_source"].items():
        print(line("  " + name, d), file=out)
    guessed = result.get("style_hint") == "guessed"
    print(
        ("按文体" if zh else "by style")
        + (("（文体由检测器猜测）" if zh else " (style guessed by the detector)") if guessed else "")
        + ":",
        file=out,
    )
    for name, d in result["by_style"].items():
        print(line("  " + name, d), file=out)
    if result.get("by_noise"):
        print(("按识别噪声（字错率）" if zh else "by recogniser noise (character error rate)") + ":", file=out)
        for name, d in result["by_noise"].items():
            extra = f" ({d['measured_cer']:.1%})" if "measured_cer" in d else ""
            print(line(f"  CER {name}{extra}", d["overall"]), file=out)
            for style, ds in d["by_style"].items():
                print(line(f"    {style}", ds), file=out)
    if result.get("loso"):
        print(("留一类别（该类别不参与训练）的召回率" if zh else "leave-one-scheme-out recall") + ":", file=out)
        print(f"  {'':<22}{'n':>5}{'rules':>8}{'model':>8}{'full':>8}{'25%CER':>8}{'category':>9}", file=out)
        for scheme, d in result["loso"].items():
            print(
                f"  {scheme:<22}{d['n']:>5}{d['rules_only']:>8.3f}{d['model_p50']:>8.3f}{d['full']:>8.3f}"
                f"{d['full_cer25']:>8.3f}{d['category']:>9.3f}",
                file=out,
            )
    print(("按类别" if zh else "by category") + ":", file=out)
    for name, d in result["by_category"].items():
        print(line("  " + name[:42], d), file=out)
    print(("判定的诈骗类别" if zh else "predicted scam categories (flagged rows)") + ":", file=out)
    for cat, n in result["predicted_categories"].items():
        print(f"  {cat:<30}{n:>6}", file=out)
    agreement = result["category_agreement"]
    if agreement["n"]:
        print(
            (
                f"类别与标注相符：{agreement['agree']} / {agreement['n']}（{_fmt(agreement['rate'])}）"
                if zh
                else f"category as labelled (expect): {agreement['agree']} of {agreement['n']} ({_fmt(agreement['rate'])})"
            ),
            file=out,
        )
    print(("按分数阈值" if zh else "by score threshold") + ":", file=out)
    for d in result["score_sweep"]:
        print(line(f"  score ≥ {d['threshold']}", d), file=out)
    speed = result["mb_per_second"]
    print(
        (
            f"用时 {result['seconds']:.1f} 秒（{_fmt(speed, 2)} MB/秒）"
            if zh
            else f"took {result['seconds']:.1f} s ({_fmt(speed, 2)} MB/s)"
        ),
        file=out,
    )


def _loso() -> dict[str, Any]:
    """Leave-one-scheme-out figures: ``scripts/train_detector.py --loso`` (a development command)."""
    import subprocess
    import tempfile

    script = Path(__file__).resolve().parent.parent / "scripts" / "train_detector.py"
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "loso.json"
        subprocess.run([sys.executable, str(script), "--loso", "--loso-out", str(out)], check=True, stdout=sys.stderr)
        loaded: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
        return loaded


def main(argv: Sequence[str] | None = None, out: TextIO | None = None, err: TextIO | None = None) -> int:
    out = out or sys.stdout
    err = err or sys.stderr
    lang = system_language()
    ap = argparse.ArgumentParser(prog="python -m screening.evaluate", description=__doc__.splitlines()[0])
    ap.add_argument("files", nargs="*", type=Path, help="JSONL with text + label (and optional style, expect)")
    ap.add_argument("--generated", action="store_true", help="add the project's held-out generated texts and seeds")
    ap.add_argument("--noise", default="", help="also at these character error rates, e.g. 0.1,0.25,0.4")
    ap.add_argument(
        "--probe",
        nargs="?",
        const=PROBE,
        type=Path,
        help="add the blind probe set (evaluation only; default tests/screening/data/blind_probe.jsonl)",
    )
    ap.add_argument("--loso", action="store_true", help="leave-one-scheme-out retraining (needs scikit-learn)")
    ap.add_argument("--split", choices=SPLITS, help="keep only rows whose id hashes into this split")
    ap.add_argument("--limit", type=int, default=0, help="at most this many rows per file (0 = all)")
    ap.add_argument("--no-model", action="store_true", help="phrase rules only")
    ap.add_argument("--exact", action="store_true", help="match phrases character for character (no sound matching)")
    ap.add_argument("--level", default="WARN", help="lowest level that counts as flagged (default WARN)")
    ap.add_argument("--packs", nargs="*", type=Path, help="phrase packs (files or folders) instead of the bundled ones")
    ap.add_argument(
        "--guess-style",
        action="store_true",
        help="ignore the files' style and let the detector guess it (what a caller who gives no hint gets); "
        "the per-style figures still group by the files' style",
    )
    ap.add_argument("--json", action="store_true", help="machine-readable output")
    args = ap.parse_args(list(sys.argv[1:] if argv is None else argv))

    from screening.transcript import ModelError, PhrasePackError, ScriptDetector

    try:
        level = Level.parse(args.level)
    except KeyError:
        print(f"未知级别 {args.level} / unknown level {args.level}", file=err)
        return 2
    rows: list[Row] = []
    try:
        files = [*args.files, *([args.probe] if args.probe else [])]
        for f in files:
            file_rows = read_rows(f, err, lang)
            if args.split:
                file_rows = [r for r in file_rows if split_of(r.id) == args.split]
            if args.limit:
                file_rows = file_rows[: args.limit]
            rows.extend(file_rows)
        if args.generated:
            rows.extend(r for r in generated_rows() if not args.split or r.source == "seed" or args.split == "test")
    except InputError as exc:
        print(exc.render(lang), file=err)
        return 2
    try:
        noise = tuple(float(x) for x in args.noise.split(",") if x.strip())
        if any(not 0 < x < 1 for x in noise):
            raise ValueError
    except ValueError:
        print(f"--noise 应为 0 到 1 之间的数，用逗号分隔 / --noise needs numbers in (0, 1): {args.noise}", file=err)
        return 2
    if not rows:
        print("没有可评估的数据 / nothing to evaluate", file=err)
        return 2
    try:
        detector = (
            ScriptDetector.load(*(args.packs or []), use_model=not args.no_model, tolerant=not args.exact)
            if args.packs or args.no_model or args.exact
            else ScriptDetector.default()
        )
    except (PhrasePackError, ModelError) as exc:
        print(exc.message.render(lang), file=err)
        return 2
    if args.probe:  # the probe's scheme names are detector categories where they can be: report the agreement
        cats = set(detector.categories)
        rows = [
            replace(r, expect=r.category)
            if r.source == args.probe.stem and r.label and r.expect is None and r.category in cats
            else r
            for r in rows
        ]
    result = evaluate(rows, detector, level, noise, guess_style=args.guess_style)
    if args.loso:
        result["loso"] = _loso()
    if args.json:
        json.dump(result, out, ensure_ascii=False, indent=1)
        out.write("\n")
    else:
        print_report(result, out, lang, level)
    return 0


if __name__ == "__main__":
    sys.exit(main())
