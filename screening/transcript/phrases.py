"""Phrase packs: the volunteer-editable rule files under ``blocklists/phrases/``.

A pack is a JSON file::

    {"format": 1, "pack": "telecom_points", "version": "2026.11.21", "category": "telecom_points",
     "rules": [{"id": "telecom.points_expiring", "weight": 0.45,
                "phrases": ["积分即将过期", "积分…兑换"],
                "explanation": {"zh": "…", "en": "…"}, "negatable": true,
                "not_inside": ["体验资格"], "done_is_report": false}],
     "combos": [{"id": "combo.points_code", "weight": 0.55, "window": 200,
                 "all": [["telecom.points_expiring"], ["generic.code_request"]],
                 "explanation": {"zh": "…", "en": "…"}}]}

``categories.json`` names the categories (zh/en) and describes each scheme.  A ``…`` inside a phrase
allows up to :data:`GAP` characters in between.  Optional per rule: ``negatable`` (false: a denial before the cue
does not cancel it, as for 不要告诉家人); ``not_inside``, everyday words that hold one of the rule's phrases and are not
the cue (体验资格 holds the loan-fee cue 验资); ``done_is_report`` (true: the cue told as done, 已转入…, is a report,
not an ask).  Loading is all-or-nothing: any problem raises
:class:`PhrasePackError` with a translated message naming the file and the rule.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

from screening.i18n import BiText, Message, MessageCode

FORMAT = 1
GAP = 10  # characters allowed where a phrase has "…"
GAP_MARK = "…"
MAX_NOT_INSIDE = 32  # an everyday word, not a sentence (the matcher looks this far back for one)
MIN_PART = 2  # a one-character phrase (or part between "…") matches nearly every call
CATEGORIES_FILE = "categories.json"


class PackProblem(MessageCode):
    UNREADABLE = ("无法读取话术包 {path}：{error}", "cannot read phrase pack {path}: {error}")
    BAD_JSON = (
        "话术包 {path} 不是有效的 JSON（第 {line} 行）：{error}",
        "phrase pack {path} is not valid JSON (line {line}): {error}",
    )
    BAD_FORMAT = (
        "话术包 {path} 的格式版本（format）{found} 不受支持（应为 {expected}）",
        "phrase pack {path}: unsupported format {found} (expected {expected})",
    )
    BAD_FIELD = ("话术包 {path}，{where}：{problem_zh}", "phrase pack {path}, {where}: {problem_en}")
    UNKNOWN_CATEGORY = (
        "话术包 {path} 引用了未定义的类别“{category}”",
        "phrase pack {path} uses undefined category '{category}'",
    )
    DUPLICATE_RULE = ("规则 id “{rule}” 重复（{path}）", "duplicate rule id '{rule}' ({path})")
    UNKNOWN_RULE = (
        "组合规则 {combo} 引用了不存在的规则 “{rule}”（{path}）",
        "combo {combo} refers to unknown rule '{rule}' ({path})",
    )
    NO_CATEGORIES = ("找不到类别定义文件 {name}", "category file {name} not found")


class PhrasePackError(ValueError):
    """A phrase pack could not be loaded; ``message`` renders in zh or en."""

    def __init__(self, message: Message) -> None:
        super().__init__(message.render("en"))
        self.message = message


@dataclass(frozen=True)
class Category:
    id: str
    name: BiText
    scheme: BiText


@dataclass(frozen=True)
class Rule:
    id: str
    category: str
    weight: float
    phrases: tuple[str, ...]
    explanation: BiText
    negatable: bool = True
    pack: str = ""
    # Everyday words that hold one of the phrases (体验资格 holds 验资): a hit inside one of them is that word.
    not_inside: tuple[str, ...] = ()
    # The cue told as done (「生存金已按约定转入万能账户」) is a report, not an ask.
    done_is_report: bool = False
    # "phrases": matched by its phrases. "lookalike_link": no phrases; its hits are the links in the text that pose
    # as an official site (screening.transcript.links), with this rule's weight and explanation. "authority_link": no
    # phrases; its hits are the links off government sites in a message signed by a government office.
    kind: str = "phrases"


RULE_KINDS = ("phrases", "lookalike_link", "authority_link")
LINK_KINDS = ("lookalike_link", "authority_link")  # the kinds whose hits are links anyone can check


@dataclass(frozen=True)
class Combo:
    """Fires when each group has at least one of its rules inside ``window`` characters."""

    id: str
    category: str
    weight: float
    window: int
    groups: tuple[tuple[str, ...], ...]
    explanation: BiText
    pack: str = ""


@dataclass(frozen=True)
class PhraseBook:
    """Every category, rule and combo from a set of packs."""

    categories: dict[str, Category]
    rules: tuple[Rule, ...]
    combos: tuple[Combo, ...]
    versions: dict[str, str]


def _fail(code: PackProblem, **params: Any) -> PhrasePackError:
    return PhrasePackError(Message(code, params))


def _bad_field(path: str, where: str, problem_zh: str, problem_en: str) -> PhrasePackError:
    """The translated error for one bad field of a pack: which file, where in it, and what is wrong."""
    return _fail(PackProblem.BAD_FIELD, path=path, where=where, problem_zh=problem_zh, problem_en=problem_en)


def _read_json(path: Path | Traversable) -> Any:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise _fail(PackProblem.UNREADABLE, path=str(path), error=exc.strerror or exc) from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = raw.decode("gb18030")  # saved by a Chinese-locale editor
        except UnicodeDecodeError as exc:
            raise _fail(PackProblem.UNREADABLE, path=str(path), error="not UTF-8 / GBK text") from exc
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise _fail(PackProblem.BAD_JSON, path=str(path), line=exc.lineno, error=exc.msg) from exc


def _bitext(value: Any, path: str, where: str) -> BiText:
    if not isinstance(value, dict) or not isinstance(value.get("zh"), str) or not isinstance(value.get("en"), str):
        raise _bad_field(path, where, "需要 {'zh': …, 'en': …}", "needs {'zh': …, 'en': …}")
    if not value["zh"].strip() or not value["en"].strip():
        raise _bad_field(path, where, "zh/en 文字为空", "empty zh/en text")
    return BiText(value["zh"].strip(), value["en"].strip())


def _weight(value: Any, path: str, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < float(value) <= 1:
        raise _bad_field(
            path,
            where,
            f"weight 必须是 (0, 1] 之间的数，实际为 {value!r}",
            f"weight must be a number in (0, 1], got {value!r}",
        )
    return float(value)


def _not_inside(value: Any, phrases: list[Any], path: str, where: str) -> tuple[str, ...]:
    """A rule's ``not_inside`` words. Each must hold a whole phrase of the rule (every part of a "a…b" one) and be
    longer, or it could never apply; compared as the matcher sees them: normalised (加QQ is 加qq, 五千 is 5000) and
    by sound, so a word may hold a phrase only by its sound (马上还你, said ma shang huan ni, is keyed 伤害你's
    shang hai ni: the text side reads a character by its first reading). The matcher looks for such a word as
    written, not by sound."""
    from screening.transcript.normalise import normalise, sound_key

    key = sound_key(True).key

    if not isinstance(value, list) or not all(isinstance(w, str) and w.strip() for w in value):
        raise _bad_field(
            path, where, "'not_inside' 必须是非空字符串的列表", "'not_inside' must be a list of non-empty strings"
        )
    long = [w for w in value if len(w.strip()) > MAX_NOT_INSIDE]
    if long:
        raise _bad_field(
            path,
            where,
            f"'not_inside' 的词最多 {MAX_NOT_INSIDE} 个字：{long[0]!r}",
            f"a 'not_inside' word has at most {MAX_NOT_INSIDE} characters: {long[0]!r}",
        )
    split = [[key(part) for part in normalised_parts(p)] for p in phrases]
    for word in value:
        w = key(normalise(word.strip()))
        if not any(all(part in w for part in parts) and w not in parts for parts in split):
            raise _bad_field(
                path,
                where,
                f"'not_inside' 的词 {word!r} 没有完整包含这条规则的某个短语（或与短语相同）",
                f"the 'not_inside' word {word!r} does not hold a whole phrase of this rule (or is one)",
            )
    return tuple(w.strip() for w in value)


def _check_format(doc: Any, path: str) -> None:
    if not isinstance(doc, dict):
        raise _bad_field(path, "top level", "必须是 JSON 对象", "must be a JSON object")
    if doc.get("format") != FORMAT:
        raise _fail(PackProblem.BAD_FORMAT, path=path, found=doc.get("format"), expected=FORMAT)


def parse_categories(doc: Any, path: str) -> dict[str, Category]:
    _check_format(doc, path)
    items = doc.get("categories")
    if not isinstance(items, list) or not items:
        raise _bad_field(path, "categories", "必须是非空列表", "must be a non-empty list")
    out: dict[str, Category] = {}
    for i, item in enumerate(items):
        where = f"categories[{i}]"
        if not isinstance(item, dict) or not isinstance(item.get("id"), str) or not item["id"]:
            raise _bad_field(path, where, "缺少 'id'", "needs an 'id'")
        out[item["id"]] = Category(
            item["id"],
            _bitext(item.get("name"), path, where + ".name"),
            _bitext(item.get("scheme"), path, where + ".scheme"),
        )
    return out


def parse_pack(doc: Any, path: str, categories: dict[str, Category]) -> tuple[list[Rule], list[Combo], str, str]:
    _check_format(doc, path)
    pack = str(doc.get("pack") or Path(path).stem)
    category = doc.get("category")
    if not isinstance(category, str) or category not in categories:
        raise _fail(PackProblem.UNKNOWN_CATEGORY, path=path, category=category)
    rules: list[Rule] = []
    raw_rules = doc.get("rules", [])
    if not isinstance(raw_rules, list):
        raise _bad_field(path, "rules", "必须是列表", "must be a list")
    for i, item in enumerate(raw_rules):
        where = f"rules[{i}]"
        if not isinstance(item, dict) or not isinstance(item.get("id"), str) or not item["id"].strip():
            raise _bad_field(path, where, "缺少 'id'", "needs an 'id'")
        where = f"rule {item['id']}"
        kind = item.get("kind", "phrases")
        if kind not in RULE_KINDS:
            raise _bad_field(
                path, where, f"'kind' 只能是 {' / '.join(RULE_KINDS)}", f"'kind' must be one of {', '.join(RULE_KINDS)}"
            )
        phrases: list[Any] = item.get("phrases") or []
        if kind != "phrases":
            if phrases:
                raise _bad_field(
                    path,
                    where,
                    f"'{kind}' 规则不用短语匹配，不能有 'phrases'",
                    f"a '{kind}' rule is not matched by phrases and takes no 'phrases'",
                )
        elif (
            not isinstance(item.get("phrases"), list)
            or not phrases
            or not all(isinstance(p, str) and p.replace(GAP_MARK, "").strip() for p in phrases)
        ):
            raise _bad_field(
                path, where, "'phrases' 必须是非空字符串的列表", "'phrases' must be a list of non-empty strings"
            )
        short = [p for p in phrases if any(len(part.strip()) < MIN_PART for part in p.split(GAP_MARK))]
        if short:
            raise _bad_field(
                path,
                where,
                f"短语（及“…”隔开的每一段）至少要 {MIN_PART} 个字：{short[0]!r}",
                f"each part of a phrase needs at least {MIN_PART} characters: {short[0]!r}",
            )
        not_inside = _not_inside(item.get("not_inside", []), phrases, path, where)
        negatable = item.get("negatable", True)
        if not isinstance(negatable, bool):
            raise _bad_field(path, where, "'negatable' 只能是 true 或 false", "'negatable' must be true or false")
        done_is_report = item.get("done_is_report", False)
        if not isinstance(done_is_report, bool):
            raise _bad_field(
                path, where, "'done_is_report' 只能是 true 或 false", "'done_is_report' must be true or false"
            )
        rule_category = item.get("category", category)
        if rule_category not in categories:
            raise _fail(PackProblem.UNKNOWN_CATEGORY, path=path, category=rule_category)
        rules.append(
            Rule(
                id=item["id"].strip(),
                category=rule_category,
                weight=_weight(item.get("weight"), path, where),
                phrases=tuple(p.strip() for p in phrases),
                explanation=_bitext(item.get("explanation"), path, where + ".explanation"),
                negatable=negatable,
                pack=pack,
                not_inside=not_inside,
                done_is_report=done_is_report,
                kind=kind,
            )
        )
    combos: list[Combo] = []
    for i, item in enumerate(doc.get("combos", []) or []):
        where = f"combos[{i}]"
        if not isinstance(item, dict) or not isinstance(item.get("id"), str):
            raise _bad_field(path, where, "缺少 'id'", "needs an 'id'")
        groups_raw = item.get("all")
        if not isinstance(groups_raw, list) or len(groups_raw) < 2:
            raise _bad_field(path, where, "'all' 至少要列出两组规则", "'all' must list at least two groups")
        groups = tuple(tuple([g] if isinstance(g, str) else g) for g in groups_raw)
        if not all(g and all(isinstance(r, str) for r in g) for g in groups):
            raise _bad_field(
                path, where, "每组应是一个规则 id 或规则 id 的列表", "each group is a rule id or a list of rule ids"
            )
        window = item.get("window", 200)
        if not isinstance(window, int) or window <= 0:
            raise _bad_field(path, where, "'window' 必须是正整数", "'window' must be a positive integer")
        combos.append(
            Combo(
                id=item["id"],
                category=str(item.get("category", category)),
                weight=_weight(item.get("weight"), path, where),
                window=window,
                groups=groups,
                explanation=_bitext(item.get("explanation"), path, where + ".explanation"),
                pack=pack,
            )
        )
    return rules, combos, pack, str(doc.get("version", ""))


def bundled_pack_dir() -> Traversable:
    """The phrase packs shipped with the app (``blocklists/phrases``)."""
    return resources.files("blocklists").joinpath("phrases")


def _json_files(source: Path | Traversable) -> list[Path | Traversable]:
    if source.is_dir():
        return sorted((f for f in source.iterdir() if f.name.endswith(".json")), key=lambda f: f.name)
    return [source]


@functools.lru_cache(maxsize=1)
def bundled_categories() -> dict[str, Category]:
    """The bundled scheme categories (id → name and description), read once from ``categories.json``: the one source
    for a category's name wherever a stored row has its id but no hit of it (the scheme model named it)."""
    return parse_categories(_read_json(bundled_pack_dir().joinpath(CATEGORIES_FILE)), CATEGORIES_FILE)


def load_phrase_book(sources: Sequence[Path | Traversable | str] | None = None) -> PhraseBook:
    """Load packs from files or folders (default: the bundled ones).  All or nothing.

    Categories come from every ``categories.json`` given (the bundled one is always read first,
    so a volunteer's extra pack only needs its rules).
    """
    files: list[Path | Traversable] = []
    for source in sources if sources is not None else [bundled_pack_dir()]:
        files.extend(_json_files(Path(source) if isinstance(source, str) else source))
    cat_files = [f for f in files if f.name == CATEGORIES_FILE]
    bundled_cats = bundled_pack_dir().joinpath(CATEGORIES_FILE)
    if not any(str(f) == str(bundled_cats) for f in cat_files):
        cat_files.insert(0, bundled_cats)
    categories: dict[str, Category] = {}
    for f in cat_files:
        if not f.is_file():
            raise _fail(PackProblem.NO_CATEGORIES, name=str(f))
        categories.update(parse_categories(_read_json(f), str(f)))
    rules: list[Rule] = []
    combos: list[Combo] = []
    versions: dict[str, str] = {}
    seen: set[str] = set()
    for f in files:
        if f.name == CATEGORIES_FILE:
            continue
        pack_rules, pack_combos, pack, version = parse_pack(_read_json(f), str(f), categories)
        for rule in pack_rules:
            if rule.id in seen:
                raise _fail(PackProblem.DUPLICATE_RULE, rule=rule.id, path=str(f))
            seen.add(rule.id)
        rules.extend(pack_rules)
        combos.extend(pack_combos)
        versions[pack] = version
    for combo in combos:
        for group in combo.groups:
            for rule_id in group:
                if rule_id not in seen:
                    raise _fail(PackProblem.UNKNOWN_RULE, combo=combo.id, rule=rule_id, path=combo.pack)
    return PhraseBook(categories=categories, rules=tuple(rules), combos=tuple(combos), versions=versions)


def iter_phrase_parts(phrase: str) -> Iterable[str]:
    return (p for p in phrase.split(GAP_MARK) if p)


def normalised_parts(phrase: str) -> list[str]:
    """A phrase's parts between ``…`` as the matcher compares them (normalised: 加QQ is 加qq, 五千 is 5000)."""
    from screening.transcript.normalise import normalise

    return [normalise(part) for part in phrase.split(GAP_MARK) if part.strip()]
