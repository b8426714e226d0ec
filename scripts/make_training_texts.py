"""Write the training / evaluation texts CallShield makes itself, from the slot grammars in
``scripts/training_texts/schemes.py`` and the hand-written seeds in ``scripts/training_texts/seeds.jsonl``.

    python scripts/make_training_texts.py --out build/training_texts.jsonl [--per-scheme 320] [--seed 1]

Each row: ``id``, ``text``, ``label`` (1 fraud / 0 honest), ``scheme`` (a fraud scheme or honest topic),
``expect`` (the detector category a fraud row should get), ``style`` (call / sms / chat), ``part``
(train / test) and ``source`` (``generated`` or ``seed``).

Split by wording, not by row: every slot pool is cut into a train part and a held-out part (every
fourth phrase), and a *test* row is built only from held-out phrases (where a pool has them), so no
test sentence reuses a training sentence's persona, pretext or ask.  Recogniser-style rows are made
from these by :class:`screening.transcript.noise.NoiseChannel` at train and evaluation time.
Deterministic for a given seed; nothing is downloaded.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from training_texts.schemes import FILL, NEGATIVES, SCHEMES  # noqa: E402

STYLES = ("call", "sms", "chat", "notice")  # notice: a written notice or poster (read by the detector as a message)
SEEDS = HERE / "training_texts" / "seeds.jsonl"

# Light paraphrase: each pair may be swapped in a generated text (one word for another of the same use).
SYNONYMS: tuple[tuple[str, ...], ...] = (
    ("您", "你"),
    ("马上", "立刻", "赶紧", "尽快"),
    ("需要", "必须", "得要"),
    ("转到", "打到", "汇到"),
    ("账户", "账号"),
    ("下载", "安装"),
    ("告诉我", "发给我", "报给我"),
    ("链接", "网址"),
    ("元", "块", "块钱"),
    ("先交", "先付", "先缴"),
    ("现在", "目前"),
    ("今天", "今日"),
    ("客服", "工作人员"),
)
_CALL_OPENERS = ["喂，", "喂您好，", "你好，", "您好，", "喂喂，", ""]
_CALL_FILLERS = ["那个，", "是这样的，", "您听我说，", "就是说，", "嗯，", ""]
_VICTIM = ["啊？", "真的吗？", "那怎么弄？", "我不太懂。", "哦，好的。", "是吗？", "要怎么操作？", "你是谁啊？", "嗯。"]
_CHAT_NAMES = ["客服小美", "对方", "李老师", "Amy", "导师", "助理小陈", "阿杰", "招聘专员"]
_SMS_TAILS = ["", "回T退订", "拒收请回复R", "详询客服", ""]
_NOTICE_TITLES = ["【通知】", "【重要通知】", "公告", "温馨提示", "紧急通知", "关于近期工作的通知", "【官方公告】", ""]
_NOTICE_SIGNERS = ["客服中心", "人事部", "平台运营部", "办公室", "服务中心", "管理处", ""]
_NOTICE_DATES = ["2026年3月5日", "即日起", "本周内", "三月十日前", ""]
# How a fake notice reaches its victim: a link, a QR code, a group, a fee.  Honest notices point to official channels.
_FRAUD_CHANNEL = [
    "扫描下方二维码进群办理",
    "请加入QQ群{qq}领取",
    "点击{link}登记",
    "添加{wechat}办理",
    "需缴纳手续费{small}元",
    "扫码下载{app}完成认证",
    "逾期未办理将影响个人征信",
]
_HONEST_CHANNEL = [
    "请通过官方App办理",
    "扫码关注官方公众号查看",
    "请到服务大厅办理",
    "详见官方网站",
    "本通知不收取任何费用",
    "如有疑问请拨打官方电话",
]
_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def split_pool(items: Sequence[str], part: str) -> list[str]:
    """Every fourth phrase is held out for testing (pools of 4+); train sees the rest."""
    if len(items) < 4:
        return list(items)
    held = [x for i, x in enumerate(items) if i % 4 == 3]
    kept = [x for i, x in enumerate(items) if i % 4 != 3]
    return held if part == "test" else kept


class Generator:
    def __init__(self, seed: int, part: str) -> None:
        self.rng = random.Random(f"{seed}:{part}")
        self.part = part

    def pick(self, pool: Sequence[str]) -> str:
        return self.fill(self.rng.choice(split_pool(pool, self.part)))

    def fill(self, phrase: str) -> str:
        return _PLACEHOLDER.sub(lambda m: self.rng.choice(split_pool(FILL[m.group(1)], self.part)), phrase)

    def paraphrase(self, text: str) -> str:
        for group in SYNONYMS:
            if self.rng.random() < 0.35:
                a = self.rng.choice(group)
                b = self.rng.choice(group)
                text = text.replace(a, b)
        return text

    # -- fraud -------------------------------------------------------------------------------------
    def fraud(self, scheme: dict[str, Any], style: str) -> str:
        r = self.rng
        persona = self.pick(scheme["persona"])  # type: ignore[arg-type]
        pretext = self.pick(scheme["pretext"])  # type: ignore[arg-type]
        hook = self.pick(scheme["hook"]) if r.random() < 0.6 else ""  # type: ignore[arg-type]
        ask = self.pick(scheme["ask"])  # type: ignore[arg-type]
        ask2 = self.pick(scheme["ask"]) if r.random() < 0.25 else ""  # type: ignore[arg-type]
        pressure = self.pick(scheme["pressure"]) if r.random() < 0.7 else ""  # type: ignore[arg-type]
        if style == "sms":
            head = persona if persona.startswith("【") or r.random() < 0.4 else ""
            parts = [p for p in (head, pretext, hook, ask, pressure) if p]
            tail = r.choice(_SMS_TAILS)
            if r.random() < 0.4 and "{link}" not in "".join(scheme["ask"]):  # type: ignore[arg-type]
                parts.append("详情" + self.fill("{link}"))
            return "，".join(parts) + "。" + tail
        if style == "notice":
            title = r.choice(_NOTICE_TITLES)
            body = "，".join(p for p in (persona if r.random() < 0.6 else "", pretext, hook, ask) if p) + "。"
            extra = self.fill(r.choice(_FRAUD_CHANNEL)) + "。" if r.random() < 0.6 else ""
            end = (pressure + "。") if pressure else ""
            sign = " ".join(x for x in (r.choice(_NOTICE_SIGNERS), r.choice(_NOTICE_DATES)) if x)
            return "\n".join(x for x in (title, body + extra + end, sign) if x)
        if style == "chat":
            name = r.choice(_CHAT_NAMES)
            lines = [f"{name}：{persona}", f"{name}：{pretext}"]
            if r.random() < 0.5:
                lines.append("我：" + r.choice(_VICTIM))
            if hook:
                lines.append(f"{name}：{hook}")
            lines.append(f"{name}：{ask}")
            if r.random() < 0.5:
                lines.append("我：" + r.choice(_VICTIM))
            for extra in (ask2, pressure):
                if extra:
                    lines.append(f"{name}：{extra}")
            return "\n".join(lines)
        # call: a monologue or A/B turns
        opener = r.choice(_CALL_OPENERS)
        if r.random() < 0.5:
            bits = [opener + persona, r.choice(_CALL_FILLERS) + pretext, hook, ask, ask2, pressure]
            return "，".join(b for b in bits if b) + "。"
        turns = [f"A: {opener}{persona}，{pretext}。", "B: " + r.choice(_VICTIM)]
        turns.append("A: " + "，".join(b for b in (hook, r.choice(_CALL_FILLERS) + ask) if b) + "。")
        turns.append("B: " + r.choice(_VICTIM))
        tail = "，".join(b for b in (ask2, pressure) if b)
        if tail:
            turns.append(f"A: {tail}。")
        return "\n".join(turns)

    # -- honest --------------------------------------------------------------------------------------
    def honest(self, topic: dict[str, list[str]], style: str) -> str:
        r = self.rng
        persona = self.pick(topic["persona"])
        body = self.pick(topic["body"])
        body2 = self.pick(topic["body"]) if r.random() < 0.35 else ""
        close = self.pick(topic["close"])
        if style == "sms":
            return persona + "".join(f"{b}。" for b in (body, body2) if b) + close
        if style == "notice":
            title = r.choice(_NOTICE_TITLES)
            text = "，".join(p for p in (persona if r.random() < 0.6 else "", body) if p) + "。"
            text += "".join(f"{b}。" for b in (body2, r.choice(_HONEST_CHANNEL) if r.random() < 0.6 else "") if b)
            sign = " ".join(x for x in (r.choice(_NOTICE_SIGNERS), r.choice(_NOTICE_DATES)) if x)
            return "\n".join(x for x in (title, text + (close or ""), sign) if x)
        if style == "chat":
            lines = [f"对方：{persona}", f"对方：{body}"]
            if r.random() < 0.6:
                lines.append("我：" + r.choice(["好的", "收到", "谢谢", "知道了", "嗯嗯", "行"]))
            if body2:
                lines.append(f"对方：{body2}")
            if close:
                lines.append(f"对方：{close}")
            return "\n".join(lines)
        opener = r.choice(_CALL_OPENERS)
        if r.random() < 0.5:
            return "，".join(b for b in (opener + persona, body, body2, close) if b) + "。"
        turns = [f"A: {opener}{persona}，{body}。", "B: " + r.choice(["好的。", "哦，知道了。", "嗯。", "谢谢。"])]
        if body2:
            turns.append(f"A: {body2}。")
        if close:
            turns.append(f"A: {close}。")
        return "\n".join(turns)


def generate(per_scheme: int, seed: int, test_share: float = 0.25) -> Iterator[dict[str, Any]]:
    for part, share in (("train", 1.0 - test_share), ("test", test_share)):
        gen = Generator(seed, part)
        n = max(12, int(per_scheme * share))
        for name, scheme in SCHEMES.items():
            seen: set[str] = set()
            for i in range(n * 2):
                style = STYLES[i % len(STYLES)]
                text = gen.paraphrase(gen.fraud(scheme, style))
                if text in seen:
                    continue
                seen.add(text)
                yield _row(f"gen_{part}_{name}_{i}", text, 1, name, str(scheme["expect"]), style, part)
                if len(seen) >= n:
                    break
        for name, topic in NEGATIVES.items():
            seen = set()
            for i in range(n * 2):
                style = STYLES[i % len(STYLES)]
                text = gen.paraphrase(gen.honest(topic, style))
                if text in seen:
                    continue
                seen.add(text)
                yield _row(f"gen_{part}_{name}_{i}", text, 0, name, None, style, part)
                if len(seen) >= n:
                    break


def _row(row_id: str, text: str, label: int, scheme: str, expect: str | None, style: str, part: str) -> dict[str, Any]:
    return {
        "id": row_id,
        "text": text,
        "label": label,
        "scheme": scheme,
        "category": scheme,
        "expect": expect,
        "style": style,
        "part": part,
        "source": "generated",
    }


def load_seeds(path: Path = SEEDS) -> list[dict[str, Any]]:
    rows = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                r = json.loads(line)
                r.setdefault("source", "seed")
                r.setdefault("category", r["scheme"])
                rows.append(r)
    return rows


def all_rows(per_scheme: int = 320, seed: int = 1) -> list[dict[str, Any]]:
    return list(generate(per_scheme, seed)) + load_seeds()


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--per-scheme", type=int, default=320)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args(argv)
    rows = all_rows(args.per_scheme, args.seed)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with open(args.out, "w", encoding="utf-8") as fh:
        for r in rows:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    fraud = sum(r["label"] for r in rows)
    print(f"wrote {len(rows)} rows ({fraud} fraud, {len(rows) - fraud} honest) to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
