"""Multi-phrase matching on the sound key (pyahocorasick), tolerant of recognition errors.

Every rule phrase is normalised and turned into sound keys (one per reading of its polyphonic
characters).  Phrases of four or more syllables also get keys with one inner syllable deleted, the
typical "dropped character" error of a recogniser.  One Aho–Corasick automaton over all keys finds
every occurrence in a single C-speed pass, so a call transcript is scanned in time linear in its
length whatever the number of rules.

A hit is *exact* when the characters equal the rule's, *fuzzy* when only the sound matched
(验证马 for 验证码) or a syllable was missing.

Negation/warning context: a hit whose clause says 不要/别/切勿… before it, or "…不要告诉别人" /
"…是诈骗" after it, is an anti-fraud warning, not a request, and is dropped (unless the rule is
itself about secrecy, e.g. 不要告诉家人, marked ``"negatable": false``).  A hit in a sentence that
*describes* a scam (警方提醒, 骗子冒充…, 谎称, 诱导受害人) is kept as evidence but flagged
``narrated``; the detector gives it less weight. So is every cue under a title about fraud (an anti-fraud poster
lists 「“您的社保卡已冻结”」 under 【反诈提醒】), and such a text counts as a warning.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections import defaultdict
from dataclasses import dataclass
from typing import NamedTuple

import ahocorasick

from screening.transcript.entities import extract_entities
from screening.transcript.links import (
    authority_stray_links,
    borrowed_names,
    host_of,
    is_official,
    lookalike_links,
    official_domains,
)
from screening.transcript.normalise import SoundKey, is_cjk, normalise
from screening.transcript.phrases import GAP, GAP_MARK, LINK_KINDS, MAX_NOT_INSIDE, PhraseBook, Rule, normalised_parts

MIN_FUZZY_LEN = 3  # shorter parts must match character for character ...
# ... except these two-character cues, whose sound never stood for other words in ~20,000 honest texts (STC-3,
# TeleAntiFraud's normal dialogues, the generated honest texts) and which a recogniser does mishear in fraud
# texts at 25 % CER (the count of sound-only matches there, measured once when choosing them).
SOUND_TWO = frozenset(
    {
        "传票",
        "保密",
        "加群",
        "进群",
        "群号",
        "卡上",
        "扣费",
        "扫描",
        "提额",
        "撕票",
        "盗刷",
        "社保",
        "税款",
        "退税",
        "退还",
        "额度",
        "风控",
        "下分",
        "小额",
        "丢了",
    }
)
# Inside an "a…b" phrase the other part anchors a two-character part, so 积分 may match by sound there (never on its
# own): a recogniser writes it 鸡分 or 机分, and 「积分…过期」 lost the points scam. Not where the sound is a word of its
# own (:func:`gapped_sound_ok`): 「等几分钟就过期了」 is milk, 驾照记分 a driving licence. The written points scams at
# 25 % CER, rules alone: 404 → 416 of 1,406 flagged. (过期/到期/作废/兑换 by sound too gained more, but a reviewer
# found 国企, 到齐 and 几分钟 made points cues of honest sentences; 清零 by the accent-merged key is 请您.)
GAPPED_SOUND_TWO = frozenset({"积分"})
_SOUND_WORDS = re.compile(r"几分(?=[钟之])|记分|计分")


def gapped_sound_ok(norm: str, start: int, end: int) -> bool:
    """Whether ``norm[start:end]``, heard by sound as a part of :data:`GAPPED_SOUND_TWO`, may stand for it: not when
    it is an everyday word that sounds the same (几分钟, 记分)."""
    return _SOUND_WORDS.match(norm, start, end + 1) is None


MIN_DELETION_LEN = 5  # shorter phrases get no dropped-character variant (投资项目 → 投资目 fits 投资目标)
NEGATION_REACH = 10  # characters looked at on each side of a hit, within its clause

# Recognised speech has no commas; a filler or a new speaker's "my side" starts a clause all the same, and a denial
# before it does not reach a cue after it: 「你不用念给我 我这边共享屏幕看得到」, 「短信您不用管 我这边帮您操作」.
# A denial that is a whole statement of what happened ends its clause too: 「转账没有成功 您开一下屏幕共享」 (but not
# 没有通过, "never by way of": 「我们没有通过电话让您开屏幕共享」 denies the cue).
# (the break itself is the group ``brk``: a denial left hanging just before it still counts, see ``_DANGLING_DENIAL``)
_UP_TO_SOFT_BREAK = re.compile(
    r".*(?P<brk>(?:我|我们)(?:这边|这里)|嗯|呃|然后|好吧|对吧|是吧|接下来|没有?(?:成功|到账|收到|问题|反应))", re.S
)
# 「千万不要 嗯 把验证码告诉别人」: a denial with nothing after it but the filler (and 再/也) is not finished; it governs the cue.
_DANGLING_DENIAL = re.compile(
    r"(?:不要|不会|不能|不可以|别|切勿|勿|绝不|不需要|无需|不用|不必|没有)(?:再|也|千万)?(?:嗯|啊|呃|那个|就是)*$"
)
_CLAUSE_BREAK = re.compile(r"[，。！？；,.!?;:：\n]")
_UP_TO_CLAUSE_BREAK = re.compile(r".*[，。！？；,.!?;:：\n]", re.S)  # matches up to the last clause break
# Reassurance a scammer says right before the request ("不要担心，把验证码告诉我"); recognised text has no
# comma to end the clause, so these must not read as a warning.
_REASSURE = r"(?!担心|着急|急|害怕|怕|紧张|慌|挂|犹豫|耽误|错过|告诉家人|声张)"
# 不是 is no denial of a cue: scammers deny their own scheme (「我们这个不是传销」, 「这个不是赌博，是竞彩分析」) and victims
# ask (「这不是赌博吗」, 「你不是说稳赚的吗」); on all written texts dropping it flagged 21 more fraud texts and no honest one.
# An A-not-A question (能不能, 要不要, 可不可以, 用不用, 需不需要) is no denial; the doubled syllable must be a verb
# of its own, not the end of a word: 重要/只要/需要 不要, 费用/使用 不用, 可能/只能 不能. 有没有 and 会不会 ask what happened
# (a teller's 「有没有人让您转账」), not for anything: they still deny.
_NOT_A_NOT_A = (
    r"(?:(?:(?<!要)|(?<=[重只需主想必就也还都]要))(?=不要)|(?=不会)|"
    r"(?:(?<!能)|(?<=[可只功智本])能)(?=不能)|(?<!可)(?=不可以)|(?:(?<!用)|(?<=[费使信作有专])用)(?=不用)|"
    r"(?<!需)(?=不需要)|(?=没有))"
)
_NEG_BEFORE = re.compile(
    rf"(?:{_NOT_A_NOT_A}(?:不要|不会|不能|不可以|没有|不需要|不用)|(?<![识区特分告级类个性辨鉴差派离])别(?!人|的)|切勿|勿|绝不|决不|"
    rf"从不|从来不|不存在|并不|并非|无需){_REASSURE}|"
    # a fee waived right before it: 「不收代理费，就是首批货款」 (not 「不收任何费用只需先交保证金」: the waiver is of another fee)
    r"(?:不收(?!到)|免收|免交|免缴)取?(?:任何)?$|"
    r"谨防|警惕|小心|防范|提防|当心|凡是|一律|拒绝|以防|谨记|牢记|所谓|"
    r"禁止|严禁|不准|不许|杜绝|"  # a rule against it: 群内禁止发刷单链接 (secrecy cues such as 不许报警 are not negatable)
    r"哪有|哪里有|哪儿有|哪会|谁会"  # rhetorical denial: 哪有放款前要先交钱的
)
# Someone *describing* a scam (a police warning, a news item, a relative retelling a call) names the
# same cues; a sentence that talks about the scam from the outside does not count as the scam.
_SENTENCE_BREAK = re.compile(r"[。！？!?\n]")
_UP_TO_SENTENCE_BREAK = re.compile(r".*[。！？!?\n]", re.S)
_NARRATION = re.compile(
    r"冒充|假冒|谎称|诱导|受害人|反诈|警方提醒|诈骗分子|犯罪分子|诈骗手段|诈骗手法|都是诈骗|是诈骗|骗局|防骗|上当受骗|"
    r"诈骗短信|诈骗电话|是骗子|骗人的|如果有人|凡是有人|遇到有人|有人打电话让|"
    r"有骗子|被骗了|被骗走|差点上当|千万别信|你别信|别上当|"
    # someone retelling a call or a text they got: 「我爸接到电话说积分即将过期…让他把验证码告诉对方」 (a citizen calling
    # an anti-fraud hotline, a hotline trial). Not 「我们接到电话说你涉嫌洗钱」: a fake police officer's own opening (a
    # review), nor 「老师打电话来说…你赶紧转钱」. On the written dev and test splits and the probe it calmed two honest
    # retellings and no scam.
    r"(?<!们)接到(?:了|过)?(?:一个|一通|个|条|一条)?(?:陌生)?(?:电话|来电|短信)[，,]?(?:说|讲|称)"
)
# A warning of calls to come and what to do then, whole: 「接到要求转账到安全账户的电话马上挂断」 (the police's own call, a
# volunteer's trial). Only the whole pattern, around the hit: its words alone are a scammer's too (「等一下你会接到要求转账的
# 电话你照做就行」, 「马上挂断这个电话然后用这个号码回拨」: a review), and a recogniser's text has no sentence breaks.
_WARNED_OF_CALLS = re.compile(
    r"接到(?:要求|让你|让您)[^。！？!?]{0,30}?(?:电话|来电|短信)[^。！？!?]{0,8}?(?:马上|立即|立刻|直接|就)挂断"
)
SENTENCE_REACH = 80
# A rule's ``not_inside`` words (体验资格 holds 验资, the "capital check" fee of loan scams) and ``done_is_report``
# (「您的生存金已按约定转入万能账户」, an insurer's SMS, reports a transfer) come from its pack; see :meth:`_candidates`.
_DONE = re.compile(r"(?<![而自])已(?:经)?(?:按约定|按时|于[^，。,]{0,8})?$")  # (not 而已 "merely", nor the typo 自已)
# A poster or notice *about* fraud lists the scam's words under a title that says so (【反诈提醒】, 「“注销校园贷”是骗局！」,
# 「电信网络诈骗常见类型一览」): its cues are cited even in lines of their own (:meth:`PhraseMatcher.find_all` with
# ``titles``, typed text only: a call has no title, and a recogniser's segments are not lines).
# - Only the title counts, not 诈骗 anywhere: fraud chats quote their own lures (“必中大计划”) and their victims say
#   「网上说这是诈骗」.
# - A title addresses nobody (「你好，我是…」 is a turn) and names no office: fraud borrows 反诈中心, 客服中心 and the like
#   for its letterheads (「国家反诈骗中心 风险提示函」).
# - A text that gives a private way to reach someone (a QQ, a WeChat, a bank card, a phone number of 7 digits or more,
#   a link off the official sites) is no warning whatever its title:
#   「网络诈骗资金追回服务 … QQ 2880…」 is the recovery scam.
# - Nor is one that asks the reader for something outside quotation marks (「防范电信诈骗\n…请下载…转入安全账户」);
#   its quoted cues are still cited (「要求下载APP：“请下载这个软件…”」 under 【一张图看清冒充客服退款诈骗】).
# - Lookalike links still count in full.
_WARNING_TITLE = re.compile(r"诈骗|骗局|反诈|防骗|防范|警惕|谨防|识破|骗子|上当")
_OFFICE = re.compile(r"(?<!冒充)(?<!假冒)(?<!假)(?:中心|客服|专线|专员|热线)")  # 「冒充客服退款诈骗」 names no office
_SPEAKER = re.compile(r"^[^，。！？\n]{0,12}[：:]")
TITLE_REACH = 40
_PRIVATE_CONTACT = frozenset({"qq", "qq_group", "wechat", "bank_card"})
_PRIVATE_PHONE_DIGITS = 7  # 110, 96110 and 12345 are public; a mobile or a landline is somebody's own


class Found(NamedTuple):
    hits: list[RawHit]
    warned: float  # the heaviest rule weight among the cues the text warns against or tells from the outside
    titled: bool  # typed text under a title about fraud, every phrase cue cited: a warning, not the scam


def _gives_private_contact(norm: str) -> bool:
    official = official_domains().every
    for entity in extract_entities(norm):
        kind, value = entity.kind, entity.value
        if kind in _PRIVATE_CONTACT:
            return True
        if kind == "url" and not is_official(host_of(value), official):
            return True
        if kind == "phone" and sum(c.isdigit() for c in value) >= _PRIVATE_PHONE_DIGITS:
            return True
    return False


def _warning_title(norm: str) -> int:
    """The length of the text's title line when it is one about fraud (not a speaker's turn, addressing nobody,
    naming no office), else 0. (A 【…】 header run on into a one-line SMS is no title: 「【谨防诈骗】您名下的校园贷账户
    未注销…请联系客服注销」 is the scam.)"""
    brk = norm.find("\n")
    title = norm[:brk] if brk >= 0 else ""
    if (
        0 < len(title) <= TITLE_REACH
        and not _SPEAKER.match(title)
        and "你" not in title
        and "您" not in title
        and not _OFFICE.search(title)
        and _WARNING_TITLE.search(title)
    ):
        return len(title)
    return 0


# A phrase right after 不/非 is denied ("不保本，也不保证收益"), unless the 不 is a condition ("如果不马上汇款").
_NOT = "不非"
# Where only the sound matched, the recogniser misheard around the cue, and 非 is as likely 费/飞 misheard
# (「医药费转到这个卡」 → 「历药非转倒这歌卡」) as a written 非 that denies (非本人, 非官方); 不 is left to deny.
_HOMOPHONE_NOT = "非"
_CONDITIONAL = re.compile(r"(?:如果|要是|若|再|要)$")
_NEG_AFTER = re.compile(
    # (not 「出车祸了不要告诉爸爸」: keeping it from the family is the scam's own secrecy, not a warning)
    r"(?:(?<!要)不要|别|勿|千万不|(?<!能)不能|不可|不得|绝不)(?:告诉|透露|泄露|泄漏|给|提供|说(?!话)|发|转|相信|理会|点)"
    r"(?!我?(?:爸|妈|爷|奶|姥|外公|外婆|家里|家人|老公|老婆|孩子|儿子|女儿|老师))|"
    r"(?:是|都是|就是|属于)(?:诈骗|骗局|假的|骗人|骗子|坑)|要警惕|谨防"
)
# A denial between the parts of an "a…b" cue denies the cue: 「领奖不需要先交」 is not 领奖…先交, 「验证码千万不要告诉别人」
# is not 验证码…告诉 (rules that are about secrecy, ``"negatable": false``, are chained whatever lies between).
# (不收取 / 免收: 「换表不收取材料费」 is a meter change's honest notice, not a fee asked for.)
# Only a denial right before the next part counts (「领奖不需要先交」, 「领取，无需缴纳任何税费或手续费」); one earlier in the gap is usually a reassurance
# about something else (「验证码不会扣您钱的告诉我」, 「本金不会少的会全部返还」) or a condition (「如果不用…就清零」).
_GAP_DENIAL = re.compile(
    rf"(?<![再还若果])(?:{_NOT_A_NOT_A}(?:不要|不会|不能|没有|不需要|不用)|无需|不必|千万别|并不|从不|绝不|不得|不收取?|免收|免交|不另收)(?:再|先|你|您|去|跟|向|给|被)?(?:缴纳|支付|交|付)?(?:任何人|任何)?(?:[\u4e00-\u9fff]{{1,4}}[或和及、])?$"
)
# A poster's question answered with its verdict: 「自称公检法要求转到安全账户？——诈骗！」, 「“中奖了？先交税？”——骗局！」.
_ANSWERED = re.compile(
    r"[^。！!\n,，;；]{0,30}?[?？][”’」』\"]?\s*[—–\-－]+\s*(?:是|都是)?(?:诈骗|骗局|骗子)\s*(?:[!！。]|$)", re.M
)
# A cue inside quotation marks is cited, not said: 请勿轻信“积分清零，点击链接兑换现金”的短信, 平台不存在“交易保证金”.
# Its warning is looked for around the quotation (whose own commas do not end the clause), a little further back.
_QUOTE_OPEN = "“‘「『"
_QUOTE_CLOSE = "”’」』"
QUOTE_REACH = 40  # how far an opening and a closing mark are looked for
QUOTED_NEGATION_REACH = 20  # 中奖无需先缴纳“个人所得税”或“手续费”: the denial governs a list of citations


# "…不会通过短信链接要求您提供银行卡密码": a denied request further back in the clause than NEGATION_REACH.
_DENIED_ASK = re.compile(
    r"(?:不会|从不|从来不|绝不|决不|不得|严禁|不可能)[^，。！？；,.!?;\n]{0,14}(?:要求|索要|让您|让你|向您|向你)"
)
DENIED_ASK_REACH = 24
# An honest caller's reassurance that nothing is asked of you: counts like a warning against a strong cue.
_REASSURANCE = re.compile(
    r"(?:不需要|无需|不用)(?:您|你)?(?:做)?任何操作|(?:不需要|无需|不用)(?:您|你)?(?:提供|支付|缴纳|转账)任何|"
    r"不会(?:向您|向你)?(?:收取|索要)任何|以官方(?:app|渠道)为准|请认准官方|"
    r"原路(?:退回|返回)|(?:直接|自动)(?:退|打|返)(?:到|至|回)(?:您|你)的?(?:下单|原|本人)"
)


def told_about(norm: str, start: int, end: int) -> bool:
    """Whether ``norm[start:end]`` is warned against (「请勿点击」) or told from the outside (「骗子发来的链接」): the judgement
    the matcher makes of a hit, for evidence found elsewhere (a link the SMS check looks at)."""
    return PhraseMatcher._warned(norm, start, end) or PhraseMatcher._narrated(norm, start, end)


class RawHit(NamedTuple):  # a named tuple: thousands are made per call, and this is three times cheaper
    rule_index: int
    phrase_index: int
    start: int
    end: int
    fuzzy: bool
    narrated: bool = False  # inside a sentence that describes a scam from the outside


@dataclass(frozen=True)
class _Part:
    rule_index: int
    phrase_index: int
    part_index: int
    n_parts: int
    length: int
    exact: str
    deletion: bool


def _automaton(entries: dict[str, list[_Part]], gapped_words: list[tuple[_Part, ...]]) -> ahocorasick.Automaton | None:
    """An automaton over the words of ``entries``.  A word's value is the one-part phrases it is, as
    (rule, phrase, length, text, deletion) tuples, and, if it is a part of "a…b" phrases, the index
    of its parts in ``gapped_words`` (else -1)."""
    if not entries:
        return None
    automaton = ahocorasick.Automaton()
    for word, parts in entries.items():
        # Exact-length entries first, so a real phrase wins over a deletion variant of another.
        ordered = sorted(parts, key=lambda p: p.deletion)
        singles = tuple(
            (p.rule_index, p.phrase_index, p.length, p.exact, p.deletion) for p in ordered if p.n_parts == 1
        )
        gapped = tuple(p for p in ordered if p.n_parts > 1)
        if gapped:
            gapped_words.append(gapped)
        automaton.add_word(word, (singles, len(gapped_words) - 1 if gapped else -1))
    automaton.make_automaton()
    return automaton


# An "a…b" phrase: rule, phrase, the bit mask of all its parts, and per part its text and the words that are it.
_Gapped = tuple[int, int, int, tuple[tuple[str, tuple[int, ...]], ...]]


def _gapped_index(gapped_words: list[tuple[_Part, ...]]) -> tuple[list[_Gapped], list[tuple[tuple[int, int], ...]]]:
    """The "a…b" phrases, and per word (an index into ``gapped_words``) the (phrase, part bit) pairs it is."""
    by_part: dict[tuple[int, int], dict[int, tuple[str, list[int]]]] = defaultdict(dict)
    for w, parts in enumerate(gapped_words):
        for p in parts:
            by_part[(p.rule_index, p.phrase_index)].setdefault(p.part_index, (p.exact, []))[1].append(w)
    phrases: list[_Gapped] = []
    index: dict[tuple[int, int], int] = {}
    for (ri, pi), texts in by_part.items():
        index[(ri, pi)] = len(phrases)
        ordered = tuple((text, tuple(words)) for _, (text, words) in sorted(texts.items()))
        phrases.append((ri, pi, (1 << len(ordered)) - 1, ordered))
    word_parts = [tuple((index[(p.rule_index, p.phrase_index)], 1 << p.part_index) for p in ps) for ps in gapped_words]
    return phrases, word_parts


class PhraseMatcher:
    """Finds rule phrases in normalised text (see module docstring)."""

    def __init__(self, book: PhraseBook, key: SoundKey, tolerant: bool = True) -> None:
        """``tolerant=False`` matches characters only (no sound match, no dropped syllables)."""
        self.book = book
        self.tolerant = tolerant
        self.key = key
        self.rules: tuple[Rule, ...] = book.rules
        self.canonical: list[list[str]] = []
        entries: dict[str, list[_Part]] = defaultdict(list)  # sound keys
        exact: dict[str, list[_Part]] = defaultdict(list)  # characters (short parts)
        for ri, rule in enumerate(self.rules):
            if rule.kind == "lookalike_link":
                self.canonical.append(list(borrowed_names()))  # a hit's phrase index is the name its link borrows
                continue
            if rule.kind == "authority_link":
                self.canonical.append(["gov.cn"])  # where the office's own links go
                continue
            canon: list[str] = []
            for pi, phrase in enumerate(rule.phrases):
                parts = normalised_parts(phrase)
                canon.append(GAP_MARK.join(parts))
                for k, part in enumerate(parts):
                    if (
                        len(part) < MIN_FUZZY_LEN
                        and part not in SOUND_TWO
                        and not (len(parts) > 1 and part in GAPPED_SOUND_TWO)
                    ) or not tolerant:
                        # two syllables match too many ordinary words by sound alone: 已下 = 一下
                        exact[part].append(_Part(ri, pi, k, len(parts), len(part), part, False))
                        continue
                    for variant in key.variants(part):
                        entries[variant].append(_Part(ri, pi, k, len(parts), len(part), part, False))
                    cjk = sum(1 for ch in part if is_cjk(ch))
                    if tolerant and len(parts) == 1 and cjk >= MIN_DELETION_LEN and cjk == len(part):
                        # A dropped inner character; the rest must match character for character,
                        # because a deletion *and* a sound match together fit far too much (纸巾擦 ≈ 资金清查).
                        for cut in range(1, len(part) - 1):
                            shorter = part[:cut] + part[cut + 1 :]
                            exact[shorter].append(_Part(ri, pi, k, 1, len(part) - 1, shorter, True))
            self.canonical.append(canon)
        gapped_words: list[tuple[_Part, ...]] = []  # the parts of "a…b" phrases each such word is
        self._automaton = _automaton(entries, gapped_words)
        self._exact = _automaton(exact, gapped_words)
        self._gapped, self._word_parts = _gapped_index(gapped_words)
        # A link posing as an official site is a hit of the packs' lookalike_link rule, when they have one.
        # (Every such rule: a volunteer's pack may add one beside the bundled one, with its own weight and words.)
        self._lookalike_rules = tuple(i for i, r in enumerate(self.rules) if r.kind == "lookalike_link")
        # A link off the government sites in a message signed by a government office: the authority_link rules.
        self._authority_rules = tuple(i for i, r in enumerate(self.rules) if r.kind == "authority_link")
        self._link_rules = frozenset(i for i, r in enumerate(self.rules) if r.kind in LINK_KINDS)
        self._done_rules = frozenset(i for i, r in enumerate(self.rules) if r.done_is_report)
        # every rule's not_inside words by sound key (a recogniser's 兑黄现金券 is 兑换现金券): key → the rules it holds.
        # A word that holds the rule's phrase only by its sound is looked for as written (``_held_as_written``): 马上还你
        # sounds like 伤害你 because 还 is keyed by its first reading, and so does a threat with 伤 dropped, 马上害你.
        self._held_by: dict[str, list[int]] = {}
        self._held_as_written: dict[str, list[int]] = {}
        # per such rule, how far past a hit's end a word holding it may reach (a partial segment can end mid-word)
        self.held_reach: dict[int, int] = {}
        for i, r in enumerate(self.rules):
            written = [normalised_parts(p) for p in r.phrases]
            for word in map(normalise, r.not_inside):
                if any(all(part in word for part in parts) for parts in written):
                    self._held_by.setdefault(key.key(word), []).append(i)
                else:
                    self._held_as_written.setdefault(word, []).append(i)
                self.held_reach[i] = max(self.held_reach.get(i, 0), len(word) - 1)
        self._name_index = {name: i for i, name in enumerate(borrowed_names())}
        self._empty = not entries and not exact and not self._link_rules

    def find(self, norm: str, key: str | None = None) -> list[RawHit]:
        """All non-negated hits in ``norm`` (normalised text); ``key`` is its sound key if already made."""
        return self.find_with_warnings(norm, key)[0]

    def find_with_warnings(self, norm: str, key: str | None = None) -> tuple[list[RawHit], float]:
        """:meth:`find`, and the heaviest rule weight among the cues the text *warns against* (dropped
        hits: 「我行不会要求您转账到安全账户」); a text that warns is unlikely to be the scam itself."""
        found = self.find_all(norm, key)
        return found.hits, found.warned

    def find_all(
        self, norm: str, key: str | None = None, titles: bool = False, asks: frozenset[str] = frozenset()
    ) -> Found:
        """:meth:`find_with_warnings`, and with ``titles`` (typed text) whether it is a warning under a title about
        fraud: then every phrase cue is cited. ``asks``: the rule ids that ask something of the reader; one of them
        outside quotation marks, not denied and not told from the outside means the text is no poster."""
        if self._empty or not norm:
            return Found([], 0.0, False)
        if key is None:
            key = self.key.key(norm)
        out: list[RawHit] = []
        warned = 0.0
        candidates = self._candidates(norm, key)
        lookalikes = lookalike_links(norm) if self._lookalike_rules else []
        for ri in self._lookalike_rules:
            candidates.extend(RawHit(ri, self._name_index[name], a, b, False) for a, b, name in lookalikes)
        if self._authority_rules:
            posing = {(a, b) for a, b, _ in lookalikes}  # a link already posing as an official site is said once
            stray = [span for span in authority_stray_links(norm) if span not in posing]
            for ri in self._authority_rules:
                candidates.extend(RawHit(ri, 0, a, b, False) for a, b in stray)
        titled = False
        cites = False  # under a warning title: cues in quotation marks are cited
        if titles:
            title_end = _warning_title(norm)
            cites = titled = bool(title_end) and not _gives_private_contact(norm)
            if titled and asks:
                titled = not any(
                    self.rules[h.rule_index].id in asks
                    and h.start >= title_end
                    and _quote_span(norm, h.start, h.end) is None
                    and not (
                        self.rules[h.rule_index].negatable
                        and (self._warned(norm, h.start, h.end, h.fuzzy) or self._narrated(norm, h.start, h.end))
                    )
                    for h in candidates
                )
        for h in candidates:
            if h.rule_index not in self._link_rules and (
                titled or (cites and _quote_span(norm, h.start, h.end) is not None)
            ):
                out.append(h._replace(narrated=True))  # cited under a warning title, whatever the rule
                warned = max(warned, self.rules[h.rule_index].weight)
            elif not self.rules[h.rule_index].negatable:
                out.append(h)
            elif not self._warned(norm, h.start, h.end, h.fuzzy):
                if self._narrated(norm, h.start, h.end):
                    out.append(h._replace(narrated=True))
                    # a cue told from the outside (a warning, a retold call) is also a warning against it
                    warned = max(warned, self.rules[h.rule_index].weight)
                else:
                    out.append(h)
            else:
                warned = max(warned, self.rules[h.rule_index].weight)
        if _REASSURANCE.search(norm):
            warned = max(warned, 0.5)
        return Found(_drop_covered(out), warned, titled)

    def _candidates(self, norm: str, key: str) -> list[RawHit]:
        """Every occurrence of a phrase, negated or not: one-part phrases as found, "a…b" phrases chained."""
        # slot (rule, start) → (end, fuzzy, phrase); plain tuples keep this hot loop cheap
        singles: dict[tuple[int, int], tuple[int, bool, int]] = {}
        # A word that is a part of "a…b" phrases (mostly a two-character one such as 信息 or 账户, a part of
        # several phrases and frequent in any call) only has its ends noted here; see below.
        gapped_ends: dict[int, list[int]] = {}
        matches = self._automaton.iter(key) if self._automaton is not None else iter(())
        exact = self._exact.iter(norm) if self._exact is not None else iter(())
        for end_index, (parts, gapped) in itertools.chain(matches, exact):
            end = end_index + 1
            if gapped >= 0:
                ends = gapped_ends.get(gapped)
                if ends is None:
                    gapped_ends[gapped] = [end]
                else:
                    ends.append(end)
            for ri, pi, length, text, deletion in parts:
                start = end - length
                fuzzy = deletion or norm[start:end] != text
                slot = (ri, start)
                old = singles.get(slot)
                if old is None or (old[1] and not fuzzy) or (old[1] == fuzzy and end > old[0]):
                    singles[slot] = (end, fuzzy, pi)
        hits = [RawHit(ri, pi, start, end, fuzzy) for (ri, start), (end, fuzzy, pi) in singles.items()]
        hits.extend(self._gapped_hits(norm, gapped_ends))
        hit_rules = {h.rule_index for h in hits if h.rule_index in self.held_reach}
        if hit_rules:
            # a hit inside an everyday word its rule lists as not_inside is that word; other rules' hits stay
            held: dict[int, list[tuple[int, int]]] = {}  # rule → (start, end) of its words, by start
            for text, words in ((key, self._held_by), (norm, self._held_as_written)):
                for word, rs in words.items():
                    # only the words of rules that were hit are looked for
                    wanted = [ri for ri in rs if ri in hit_rules]
                    for a in _occurrences(text, word) if wanted else ():
                        for ri in wanted:
                            held.setdefault(ri, []).append((a, a + len(word)))
            if held:
                for spans in held.values():
                    spans.sort()
                hits = [h for h in hits if not _inside_any(held.get(h.rule_index), h.start, h.end)]
        if self._done_rules:
            hits = [
                h
                for h in hits
                if h.rule_index not in self._done_rules or not _DONE.search(norm, max(0, h.start - 12), h.start)
            ]
        if hits and "." in norm:
            # a web address is no wording: 10086 in https://h5.10086.cn is the carrier's own site, not a caller who
            # says he is from 10086 (the link rules judge addresses)
            links = [(e.start, e.end) for e in extract_entities(norm) if e.kind == "url"]
            if links:
                hits = [h for h in hits if not any(a <= h.start and h.end <= b for a, b in links)]
        return hits

    def _gapped_hits(self, norm: str, ends_of: dict[int, list[int]]) -> list[RawHit]:
        """The "a…b" phrases with every part found, in the order their words were first met, chained."""
        found: dict[int, int] = {}  # phrase → bit mask of the parts found
        for w in ends_of:
            for phrase, bit in self._word_parts[w]:
                found[phrase] = found.get(phrase, 0) | bit
        hits: list[RawHit] = []
        for phrase, mask in found.items():
            ri, pi, every_part, parts = self._gapped[phrase]
            if mask != every_part:
                continue
            occurrences: list[list[tuple[int, int, bool]]] = []
            for text, words in parts:
                n = len(text)
                found_at = [(end - n, end, norm[end - n : end] != text) for w in words for end in ends_of.get(w, ())]
                if text in GAPPED_SOUND_TWO:
                    found_at = [o for o in found_at if not o[2] or gapped_sound_ok(norm, o[0], o[1])]
                occurrences.append(found_at)
            hits.extend(self._chain(ri, pi, occurrences, norm, self.rules[ri].negatable))
        return hits

    @staticmethod
    def _chain(
        ri: int, pi: int, lists: list[list[tuple[int, int, bool]]], norm: str, deniable: bool = True
    ) -> list[RawHit]:
        """Join the parts of a "a…b" phrase: each next part starts within GAP characters of the last, in the same
        sentence (「…积分。请勿轻信“积分清零…”」 does not chain the first 积分 to 清零), and, for a ``deniable`` rule,
        with no denial between them (``_GAP_DENIAL``)."""
        if any(not occ for occ in lists):
            return []
        for occ in lists:
            occ.sort()
        starts = [[o[0] for o in occ] for occ in lists]
        hits: list[RawHit] = []
        last_end = -1
        for start0, end0, fuzzy0 in lists[0]:
            if start0 < last_end:
                continue
            end, fuzzy, ok = end0, fuzzy0, True
            for occ, occ_starts in zip(lists[1:], starts[1:], strict=True):
                i = bisect.bisect_left(occ_starts, end)
                if (
                    i == len(occ)
                    or occ_starts[i] > end + GAP
                    or _SENTENCE_BREAK.search(norm, end, occ_starts[i])
                    or (deniable and _GAP_DENIAL.search(norm[end : occ_starts[i]]))
                ):
                    ok = False
                    break
                end, fuzzy = occ[i][1], fuzzy or occ[i][2]
            if ok:
                hits.append(RawHit(ri, pi, start0, end, fuzzy))
                last_end = end
        return hits

    @staticmethod
    def _narrated(norm: str, start: int, end: int) -> bool:
        lo = max(0, start - SENTENCE_REACH)
        before = norm[lo:start]
        head = _UP_TO_SENTENCE_BREAK.match(before)
        if head:
            before = before[head.end() :]
        after = norm[end : end + SENTENCE_REACH]
        brk = _SENTENCE_BREAK.search(after)
        if brk:
            after = after[: brk.start()]
        return bool(
            _NARRATION.search(before)
            or _NARRATION.search(after)
            or _WARNED_OF_CALLS.search(before + norm[start:end] + after)
        )

    @staticmethod
    def _warned(norm: str, start: int, end: int, fuzzy: bool = False) -> bool:
        quoted = _quote_span(norm, start, end)
        if quoted is not None and PhraseMatcher._warned_at(norm, *quoted, QUOTED_NEGATION_REACH):
            return True
        return PhraseMatcher._warned_at(norm, start, end, NEGATION_REACH, fuzzy)

    @staticmethod
    def _warned_at(norm: str, start: int, end: int, reach: int, fuzzy: bool = False) -> bool:
        if (
            start
            and norm[start - 1] in _NOT
            and not (fuzzy and norm[start - 1] in _HOMOPHONE_NOT)
            and not _CONDITIONAL.search(norm, max(0, start - 3), start - 1)
        ):
            return True  # 不保本, 不中奖, 非移动公司: the phrase itself is denied (but 如果不马上汇款 is a threat)
        before = norm[max(0, start - reach) : start]
        head = _UP_TO_CLAUSE_BREAK.match(before)
        if head:
            before = before[head.end() :]
        head = _UP_TO_SOFT_BREAK.match(before)
        if head and not _DANGLING_DENIAL.search(before, 0, head.start("brk")):
            before = before[head.end() :]
        # searched in place, not in the slice: 「能不能」's lookbehind must see the 能 the window cut off
        if before and _NEG_BEFORE.search(norm, start - len(before), start):
            return True
        wide = norm[max(0, start - DENIED_ASK_REACH) : start]
        head = _UP_TO_CLAUSE_BREAK.match(wide)
        if head:
            wide = wide[head.end() :]
        if wide and _DENIED_ASK.search(wide):
            return True
        if _ANSWERED.match(norm, end):
            return True
        after = norm[end : end + NEGATION_REACH]
        brk = _CLAUSE_BREAK.search(after)
        if brk:
            after = after[: brk.start()]
        return bool(after and _NEG_AFTER.search(after))


def _occurrences(text: str, word: str) -> list[int]:
    """Every start of ``word`` in ``text``, overlapping ones too."""
    out = []
    i = text.find(word)
    while i >= 0:
        out.append(i)
        i = text.find(word, i + 1)
    return out


def _inside_any(spans: list[tuple[int, int]] | None, start: int, end: int) -> bool:
    """Whether [start, end) lies inside one of ``spans`` (sorted by start; a word is short, so only the spans that
    start at most a few characters before ``start`` are looked at)."""
    if not spans:
        return False
    i = bisect.bisect_right(spans, (start, 1 << 62))
    while i > 0:
        i -= 1
        a, b = spans[i]
        if start - a > MAX_NOT_INSIDE:
            return False
        if b >= end:
            return True
    return False


def _quote_span(norm: str, start: int, end: int) -> tuple[int, int] | None:
    """(opening mark, just after the closing mark) of the quotation ``norm[start:end]`` lies in, if it lies in one:
    curly or corner marks, or straight double quotes (an odd number of them before it in the sentence)."""
    lo = max(0, start - QUOTE_REACH)
    before = norm[lo:start]
    opened = max(before.rfind(q) for q in _QUOTE_OPEN)
    if opened >= 0 and max(before.rfind(q) for q in _QUOTE_CLOSE) < opened:
        after = norm[start : end + QUOTE_REACH]  # the closing mark may fall inside the hit (“手续费”才能)
        closes = [i for i in (after.find(q) for q in _QUOTE_CLOSE) if i >= 0]
        return (lo + opened, start + min(closes) + 1) if closes else None
    head = _UP_TO_SENTENCE_BREAK.match(before)
    if (before[head.end() :] if head else before).count('"') % 2 == 1:
        closing = norm.find('"', start, end + QUOTE_REACH)
        if closing >= 0:
            return lo + before.rfind('"'), closing + 1
    return None


def _drop_covered(hits: list[RawHit]) -> list[RawHit]:
    """Drop a hit that another hit of the same rule covers ("快递丢失" inside "快递…丢失", "qq群" inside
    "加qq群"), so evidence lists each place once.  Only a covering hit at least as strong (exact if this
    one is exact, direct if this one is direct) replaces it, so the score (best hit per rule) is unchanged.
    Returns the hits ordered by (start, end)."""
    hits.sort(key=lambda h: (h.rule_index, h.start, -h.end, h.fuzzy, h.narrated))
    kept: list[RawHit] = []
    for h in hits:
        last = kept[-1] if kept else None
        if (
            last is not None
            and last.rule_index == h.rule_index
            and last.start <= h.start
            and h.end <= last.end
            and (h.fuzzy or not last.fuzzy)
            and (h.narrated or not last.narrated)
        ):
            continue
        kept.append(h)
    kept.sort(key=lambda h: (h.start, h.end))
    return kept
