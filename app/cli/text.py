"""``callshield scan-text FILE_OR_-``: check a call transcript, SMS or chat for scam scripts and show the evidence.

``--style call|sms|chat`` tells the detector what kind of text it is (default: guessed from the text).
``--jsonl`` (or a ``.jsonl`` file) reads one JSON object per line, ``{"text": …, "style": …, "id": …}``,
and writes one JSON result per line; a bad line gets an ``error`` record (zh/en) and the rest still run.
"""

from __future__ import annotations

import argparse
import errno
import json
import sys
from pathlib import Path
from typing import Any

from app.cli.context import CliContext
from screening.i18n import os_reason

ENTITY_NAMES = {
    "qq": ("QQ号", "QQ number"),
    "qq_group": ("QQ群号", "QQ group"),
    "wechat": ("微信号", "WeChat ID"),
    "url": ("网址", "link"),
    "app": ("软件", "app"),
    "bank_card": ("银行卡号", "card number"),
    "amount": ("金额", "amount"),
    "phone": ("电话号码", "phone number"),
}
HIGHLIGHT = ("〖", "〗")  # brackets, not colour alone, mark the evidence (not 【】: that is how an SMS signs itself)


def register(subparsers: argparse._SubParsersAction, parent: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    p = subparsers.add_parser(
        "scan-text",
        parents=[parent],
        help="检查通话文字、短信或聊天是否为诈骗话术 / check a call transcript, message or chat for scam scripts",
        description="检查通话文字、短信或聊天记录（文件、引号里的文字，或 - 表示标准输入）是否为诈骗话术，并列出证据；"
        "短信请加 --style sms，聊天加 --style chat。"
        " / Check a call transcript, text message or chat (a file, the text in quotes, or - for standard input) for"
        " scam scripts and"
        " show the evidence; add --style sms for a message, --style chat for a chat.",
    )
    p.add_argument(
        "file",
        metavar="FILE_OR_-",
        help="文本文件（UTF-8 或 GBK）、放在引号里的一段文字，或 - 表示标准输入 / a text file (UTF-8 or GBK), the text "
        "itself in quotes, or - for stdin",
    )
    p.add_argument("--json", action="store_true", help="输出 JSON / machine-readable output")
    p.add_argument(
        "--packs", nargs="+", metavar="PATH", help="使用这些话术包 / use these phrase packs (files or folders)"
    )
    p.add_argument("--no-model", action="store_true", help="只用话术规则 / phrase rules only, no statistical model")
    p.add_argument(
        "--style",
        choices=("auto", "call", "sms", "chat"),
        default="auto",
        help="文字类型：通话/短信/聊天（默认自动判断）/ kind of text: call, sms or chat (default: guessed)",
    )
    p.add_argument(
        "--details",
        action="store_true",
        help="也列出每条依据的规则编号、权重、位置和统计模型的依据 / also list each cue's rule id, weight and position, "
        "and the statistical model's phrases",
    )
    p.add_argument(
        "--jsonl",
        action="store_true",
        help="批量：每行一个 JSON（text，可选 style、id），每行输出一个结果 / batch: one JSON object per line in and out",
    )
    p.add_argument(
        "--each-line",
        action="store_true",
        help="每行一条短信，逐条检查，列成表 / one message per line: check each and list them in a table",
    )
    p.set_defaults(func=handle_scan_text)


def _read_input(name: str, ctx: CliContext) -> str | None:
    if not name.strip():  # (an empty argument reads as the current folder)
        print(
            ctx.t("错误：没有要检查的文字（参数是空的）", "error: nothing to check (the argument is empty)"),
            file=ctx.err,
        )
        return None
    if name == "-":
        data = sys.stdin.buffer.read() if hasattr(sys.stdin, "buffer") else sys.stdin.read().encode("utf-8")
    else:
        try:
            data = Path(name).read_bytes()
        except (OSError, ValueError) as exc:
            # no such file, or no file name at all: a message longer than a name may be (ENAMETOOLONG), one with a
            # NUL (ValueError) or characters a file system refuses (EINVAL on Windows)
            nameless = isinstance(exc, ValueError) or exc.errno in _NO_SUCH_FILE
            if nameless and not _looks_like_a_path(name):
                return name  # the message itself, pasted in quotes (what a family member does first)
            if nameless:
                print(
                    ctx.t(
                        f"错误：找不到文件 {name}（要直接检查一段文字，请把文字放在引号里）",
                        f"error: file not found: {name} (to check a piece of text itself, put it in quotes)",
                    ),
                    file=ctx.err,
                )
                return None
            assert isinstance(exc, OSError)
            print(
                ctx.t(
                    f"错误：无法读取 {name}：{os_reason(exc, 'zh')}",
                    f"error: cannot read {name}: {os_reason(exc, 'en')}",
                ),
                file=ctx.err,
            )
            return None
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding).replace("\r\n", "\n").replace("\r", "\n")  # a file saved on Windows
        except UnicodeDecodeError:
            continue
    print(ctx.t(f"错误：{name} 不是 UTF-8 或 GBK 文本", f"error: {name} is not UTF-8 or GBK text"), file=ctx.err)
    return None


_FILE_ENDINGS = (".txt", ".text", ".jsonl", ".json", ".csv", ".log", ".md", ".srt")
_NO_SUCH_FILE = frozenset({errno.ENOENT, errno.ENAMETOOLONG, errno.EINVAL, errno.ENOTDIR})
_LINK_START = ("http://", "https://", "www.")  # a link pasted alone is text to check, not a folder


def _looks_like_a_path(name: str) -> bool:
    """Whether an argument that names no file was meant as one (a file ending, or a folder in a name with no Chinese
    and no spaces) rather than the text to check: 「妈，家里wifi密码是多少？」 and 「【银行】请登录 http://x.cc/a」 are
    messages, ``msgs/today.txt`` and ``C:\\msgs\\today`` files that are not there."""
    if name.strip().lower().startswith(_LINK_START):
        return False
    if name.strip().lower().endswith(_FILE_ENDINGS):
        return True
    words = any(ch.isspace() or "\u3400" <= ch <= "\u9fff" for ch in name)
    return ("/" in name or "\\" in name) and not words


def _highlight(text: str, spans: list[tuple[int, int]]) -> str:
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    out: list[str] = []
    pos = 0
    for start, end in merged:
        out.append(text[pos:start])
        out.append(HIGHLIGHT[0] + text[start:end] + HIGHLIGHT[1])
        pos = end
    out.append(text[pos:])
    return "".join(out)


def assessment_to_json(a: Any) -> dict[str, Any]:
    from screening.transcript.explain import hit_to_dict

    return {
        "level": a.level.name,
        "level_text": {"zh": a.level.zh, "en": a.level.en},
        "score": a.score,
        "rule_score": a.rule_score,
        "model_probability": a.model_probability,
        "category": a.category,
        "category_text": {"zh": a.category_text.zh, "en": a.category_text.en} if a.category_text else None,
        "hits": [hit_to_dict(h) for h in a.hits],
        "combos": list(a.combos),
        "entities": [{"kind": e.kind, "value": e.value, "start": e.start, "end": e.end} for e in a.entities],
        "model_terms": [{"phrase": p, "weight": w} for p, w in a.model_terms],
        "reasons": [{"zh": r.zh, "en": r.en} for r in a.reasons],
        "style": a.style,
        "model_category": a.model_category,
        "model_passages": list(a.model_passages),
        "text": a.text,
    }


def _scan_jsonl(text: str, det: Any, default_style: str | None, ctx: CliContext) -> int:
    """One result per input line; a bad line is reported (stderr and an ``error`` record) and skipped."""
    bad = checked = 0

    def skip(n: int, zh: str, en: str, obj: Any = None) -> None:
        nonlocal bad
        bad += 1
        print(ctx.t(zh, en), file=ctx.err)
        given = {"id": obj["id"]} if isinstance(obj, dict) and "id" in obj else {}  # to match it to the input's row
        ctx.out.write(json.dumps({"line": n, **given, "error": {"zh": zh, "en": en}}, ensure_ascii=False) + "\n")

    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        obj: Any = None
        try:
            obj = json.loads(line)
        except ValueError as exc:  # (json.JSONDecodeError is one): say where the JSON breaks (a volunteer's quote)
            col = getattr(exc, "colno", 0)
            skip(
                n,
                f"第 {n} 行不是完整的 JSON（第 {col} 个字符附近写错了，常见的是引号没有配对或少了逗号），已跳过",
                f"line {n} is not valid JSON (broken near character {col}: often an unpaired quote or a missing "
                "comma); skipped",
            )
            continue
        if not isinstance(obj, dict) or not isinstance(obj.get("text"), str):
            skip(
                n,
                f"第 {n} 行不是含 text 字段的 JSON 对象，已跳过",
                f"line {n} is not a JSON object with a 'text' field; skipped",
                obj,
            )
            continue
        if not obj["text"].strip():
            skip(
                n,
                f"第 {n} 行的 text 是空的，没有可检查的文字，已跳过",
                f"line {n}: 'text' is empty, nothing to check; skipped",
                obj,
            )
            continue
        given = obj.get("style")
        if given not in (None, "", "auto", "call", "sms", "chat", "notice"):
            skip(
                n,
                f"第 {n} 行的 style 应为 call、sms 或 chat（或不写，由程序判断），而不是 {given!r}；已跳过",
                f"line {n}: style must be call, sms or chat (or left out to be guessed), not {given!r}; skipped",
                obj,
            )
            continue
        # a notice is read as a message, as the evaluation reads it
        style = "sms" if given == "notice" else given if given in ("call", "sms", "chat") else default_style
        record = {
            "line": n,
            **({"id": obj["id"]} if "id" in obj else {}),
            **assessment_to_json(det.assess(obj["text"], style=style)),
        }
        ctx.out.write(json.dumps(record, ensure_ascii=False) + "\n")
        checked += 1
    if bad:  # a count at the end, on stderr (stdout stays one JSON record a line)
        print(
            ctx.t(
                f"共检查 {checked} 行，跳过 {bad} 行（原因见上）", f"{checked} lines checked, {bad} skipped (see above)"
            ),
            file=ctx.err,
        )
    return 1 if bad else 0


def handle_scan_text(args: argparse.Namespace, ctx: CliContext) -> int:
    from screening.transcript import ModelError, PhrasePackError, ScriptDetector

    text = _read_input(args.file, ctx)
    if text is None:
        return 2
    if not text.strip():
        print(ctx.t("错误：输入是空的", "error: the input is empty"), file=ctx.err)
        return 2
    try:
        if args.packs or args.no_model:
            det = ScriptDetector.load(*(args.packs or []), use_model=not args.no_model)
        else:
            det = ScriptDetector.default()
    except (PhrasePackError, ModelError) as exc:
        print(ctx.t("错误：", "error: ") + exc.message.render(ctx.lang), file=ctx.err)
        return 2
    style = None if args.style == "auto" else args.style
    if args.jsonl or (args.file != "-" and args.file.lower().endswith(".jsonl")):
        return _scan_jsonl(text, det, style, ctx)
    if args.each_line:
        return _scan_each_line(text, det, style, ctx)
    a = det.assess(text, style=style)
    if args.json:
        json.dump(assessment_to_json(a), ctx.out, ensure_ascii=False, indent=1)
        ctx.out.write("\n")
        return 0
    _print_assessment(a, ctx, details=args.details, guessed=style is None, source=text)
    from app.models.calllog import message_count

    several = message_count(text)
    if several > 1:  # one verdict for a pickup code and a refund scam read as one text says little of either
        print(
            ctx.t(
                f"注意：这里好像有 {several} 条短信，上面的结论是把它们合在一起读的；要逐条检查，请加 --each-line（每行一条）",
                f"note: this looks like {several} messages, read above as one; add --each-line to check one per line",
            ),
            file=ctx.err,
        )
    return 0


def _scan_each_line(text: str, det: Any, style: str | None, ctx: CliContext) -> int:
    """Each non-empty line read as one message, in a table: line, verdict, scheme, the first reason and the text."""
    from app.cli.numbers import _shorten, _table
    from app.display import level_word, shown_category, text_reasons

    lang = ctx.lang
    rows = []
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        a = det.assess(line, style=style)
        reasons = text_reasons(a.level, a.reasons, lang)
        rows.append(
            [
                str(n),
                level_word(a.level, lang, about_text=True),
                shown_category(a.level, a.category, a.category_text, lang) or "-",
                _shorten(reasons[0], 40) if reasons else "-",
                _shorten(line.strip(), 40),
            ]
        )
    headers = [ctx.t("行", "line"), ctx.t("结论", "verdict"), ctx.t("类别", "scheme"), ctx.t("主要原因", "main reason")]
    for row in _table([*headers, ctx.t("文字", "text")], rows):
        print(row, file=ctx.out)
    return 0


STYLE_NAMES = {"call": ("通话", "call"), "sms": ("短信", "text message"), "chat": ("聊天", "chat")}


def _print_assessment(a: Any, ctx: CliContext, details: bool, guessed: bool = False, source: str = "") -> None:
    """The verdict in words, why, the text with the cues marked, what it mentions; ``details``: rule ids, weights,
    character positions and the model's phrases (what a volunteer writing rules needs, not a family member)."""
    from app.display import CATEGORY_SHOWN_FROM, level_word, no_verdict_text, shown_category, text_reasons, text_verdict
    from screening.language import heard_nothing
    from screening.types import Level

    lang = ctx.lang
    out = ctx.out
    if source and heard_nothing(source, a.hits):  # another language: not read, so no verdict (a trial's English SMS)
        print(ctx.t("结论：", "Verdict: ") + f"{level_word(Level.UNKNOWN, lang)} — {no_verdict_text('not_chinese', lang)}",
              file=out)  # fmt: skip
        return
    reasons = text_reasons(a.level, a.reasons, lang)
    print(
        ctx.t("结论：", "Verdict: ")
        + f"{level_word(a.level, lang, about_text=True)} — {text_verdict(a.level, lang, cues=bool(reasons))}"
        + ctx.t(f"（风险分 {a.score:.2f}）", f" (score {a.score:.2f})"),
        file=out,
    )
    kind = ctx.t(*STYLE_NAMES.get(a.style, (a.style, a.style)))
    how = ctx.t("（自动判断，可用 --style 指定）", " (guessed; say which with --style)") if guessed else ""
    print(ctx.t("按这类文字判断：", "Read as: ") + kind + how, file=out)
    flagged = a.level >= CATEGORY_SHOWN_FROM
    if category := shown_category(a.level, a.category, a.category_text, lang):
        print(ctx.t("类别：", "Category: ") + category, file=out)
    if source:  # quoting the text as given, as its marked copy below shows it
        from app.reports.export import quoted_as_written

        reasons = quoted_as_written(reasons, source)
    if reasons:
        title = (
            ctx.t("原因：", "Why:")
            if flagged
            else ctx.t("相关的说法（不足以判断为诈骗）：", "Cues (too weak to call it a scam):")
        )
        print(title, file=out)
        for reason in reasons:
            print("  - " + reason, file=out)
    if a.hits:
        print(ctx.t("标注文本（〖〗里是依据）：", "Highlighted text (cues in 〖〗):"), file=out)
        from app.reports.export import shown_transcript

        # the words as given (QQ, 五千元), not the detector's normalised form
        shown, hits = shown_transcript(source, a.hits) if source else (a.text, list(a.hits))
        print("  " + _highlight(shown, [(h.start, h.end) for h in hits]).strip().replace("\n", "\n  "), file=out)
    if a.entities:
        print(ctx.t("提到的信息：", "Mentioned:"), file=out)
        seen: set[tuple[str, str]] = set()
        for e in a.entities:
            if not details and (e.kind, e.value) in seen:
                continue  # 支付宝 named twice is one app (--details lists each place)
            seen.add((e.kind, e.value))
            zh, en = ENTITY_NAMES.get(e.kind, (e.kind, e.kind))
            print(
                f"  {ctx.t(zh, en)}{ctx.t('：', ': ')}{e.value}" + (f" [{e.start}-{e.end}]" if details else ""),
                file=out,
            )
    if not details:
        if a.hits or a.model_terms:
            print(
                ctx.t(
                    "（加 --details 可看每条依据的规则编号、权重和位置）",
                    "(add --details for each cue's rule id, weight and position)",
                ),
                file=out,
            )
        return
    print(
        ctx.t(f"级别代码：{a.level.name}", f"Level code: {a.level.name}") + (f"  [{a.category}]" if a.category else ""),
        file=out,
    )
    if a.hits:
        print(
            ctx.t("证据（位置为规范化文本中的字符位置）：", "Evidence (character positions in the normalised text):"),
            file=out,
        )
        for h in a.hits:
            sound = ctx.t(f"，按读音匹配「{h.canonical}」", f", sounds like '{h.canonical}'") if h.fuzzy else ""
            print(
                f"  [{h.start}-{h.end}] {HIGHLIGHT[0]}{h.matched}{HIGHLIGHT[1]} {h.rule_id} "
                + ctx.t("权重", "weight")
                + f" {h.weight:.2f}{sound}",
                file=out,
            )
    if a.model_terms:
        terms = ", ".join(f"{p} (+{w:.2f})" for p, w in a.model_terms)
        print(ctx.t("统计模型的依据：", "Statistical model's top phrases: ") + terms, file=out)
