"""Text-message screening: the sender (number rules with ``channel="sms"``) plus the message itself.

A message is judged on three things, each a code with parameters (rendered later, zh/en):

* the **sender**, screened as an SMS sender — a 106/1069 platform port is how banks and shops text, so it is
  ordinary here, while the same number *calling* is suspicious (``NumberScreener.screen(…, channel="sms")``);
* the **text**, by the scam-script detector, in SMS style: the 【签名】 brand tag that every commercial SMS carries
  is taken off before detection (it says who claims to send, not what is asked) and kept as ``signature``;
  the detector also lists the evidence entities (links, QQ/WeChat IDs, card numbers, apps);
* **links from official short numbers**: 95588, 10086 … only ever link to their own sites
  (``blocklists/data/official_domains.json``, read by :mod:`screening.transcript.links`); a link to any other
  domain is a warning sign (spoofed sender ID or a hijacked SMS gateway). Likewise a message *signed* by a
  government office (【人社】, 【交管12123】) links only to government sites.

The result's level is the highest of the three.  Pure and deterministic; no database writes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from screening.i18n import Message, MessageCode
from screening.number_plan import numbering_plan
from screening.screener import NumberScreener, NumberVerdict
from screening.transcript.detector import ASK_MODEL_P
from screening.transcript.links import authority_stray_links, host_of, is_official, official_domains, split_signature
from screening.transcript.matcher import told_about
from screening.types import Level

if TYPE_CHECKING:
    from screening.transcript.detector import TranscriptAssessment


class TextAssessor(Protocol):
    """What ``assess_sms`` needs of the detector: ``ScriptDetector`` (or a cache in front of it)."""

    def assess(self, text: str) -> TranscriptAssessment: ...


MAX_BODY = 20_000  # characters; an MMS text part longer than this is cut (nobody reads more, detection stays fast)
UNFAMILIAR_LINK_SCORE = 0.7
SIGNED_LINK_SCORE = 0.45  # a government signature's link off the government sites: caution


class SmsFinding(MessageCode):
    """Findings about a message beyond the number rules and the script detector."""

    OFFICIAL_UNFAMILIAR_LINK = (
        "官方号码 {sender}（{name}）发来的短信里有陌生网址 {domain}——官方短信只会链接到自己的网站，"
        "这很可能是伪基站或冒充的短信，不要点开",
        "The official number {sender} ({name_en}) sent a link to an unfamiliar site {domain}; official messages only "
        "link to their own sites, so this is probably a fake base station or a spoofed sender — do not open it",
    )
    AUTHORITY_UNFAMILIAR_LINK = (
        "短信署名【{signature}】是政府机关，链接 {domain} 却不是政府网站（gov.cn）——政府短信只会链接到政府网站，"
        "这很可能是冒充政府的短信，不要点开",
        "The message is signed 【{signature}】, a government office, but links to {domain}, which is no government "
        "site (gov.cn); government messages only link to government sites, so this probably impersonates one — do not "
        "open it",
    )


@dataclass(frozen=True)
class SmsAssessment:
    level: Level
    score: float
    sender: NumberVerdict
    content: TranscriptAssessment
    findings: tuple[Message, ...] = ()
    finding_levels: tuple[Level, ...] = ()
    signature: str | None = None  # the 【…】 brand tag, without brackets
    links: tuple[str, ...] = field(default_factory=tuple)

    @property
    def category(self) -> str | None:
        return self.content.category if self.content.level >= Level.CAUTION else None

    def reasons(self) -> list[dict[str, Any]]:
        """All reasons as plain dicts (code, level, zh, en) for the history, most serious first."""
        out: list[dict[str, Any]] = []
        for msg, level in zip(self.findings, self.finding_levels, strict=True):
            code = f"sms.{msg.code.name.lower()}"
            out.append(
                {
                    "code": code,
                    "level": level.name.lower(),
                    "zh": msg.render("zh"),
                    "en": msg.render("en"),
                    "params": dict(msg.params),
                }
            )
        if self.content.level >= Level.CAUTION:
            for r in self.content.reasons:
                out.append({"code": "script", "level": self.content.level.name.lower(), "zh": r.zh, "en": r.en})
        if self.sender.level >= Level.CAUTION:
            out.extend(r.to_dict() for r in self.sender.reasons)
        return out


def assess_sms(
    sender: str,
    body: str,
    screener: NumberScreener,
    detector: TextAssessor,
    sender_verdict: NumberVerdict | None = None,
) -> SmsAssessment:
    """Screen one text message from ``sender``.  ``sender_verdict`` may be passed when already known."""
    verdict = sender_verdict if sender_verdict is not None else screener.screen(sender, channel="sms")
    signature, text = split_signature(body[:MAX_BODY])
    content = detector.assess(text)
    links = tuple(e.value for e in content.entities if e.kind == "url")
    findings: list[Message] = []
    levels: list[Level] = []
    national = verdict.number.national_number or verdict.number.digits
    plan = numbering_plan()
    official = plan.official.get(national)
    if (
        links
        and not verdict.number.international_prefix
        and (official is not None or plan.looks_official_short(national))
    ):
        table = official_domains()
        own = table.by_number.get(national, ())
        for url in links:
            host = host_of(url)
            if not is_official(host, own + table.common):
                name_zh = official.name.zh if official else national
                name_en = official.name.en if official else national
                findings.append(
                    Message(
                        SmsFinding.OFFICIAL_UNFAMILIAR_LINK,
                        {"sender": national, "name": name_zh, "name_en": name_en, "domain": host},
                    )
                )
                levels.append(Level.WARN)
                break
    if links and signature is not None:
        # A sign, not proof (anyone can type a signature, and some offices link to a site of their own off gov.cn):
        # alone a caution, as the detector's rule alone gives. A police warning that names the fake site tells of it.
        for start, end, host in authority_stray_links(content.text, signature):
            if not told_about(content.text, start, end):
                findings.append(Message(SmsFinding.AUTHORITY_UNFAMILIAR_LINK, {"signature": signature, "domain": host}))
                # with a model fairly sure the text is a scam, it warns (the detector's fusion of a direct ask)
                levels.append(Level.WARN if content.model_probability >= ASK_MODEL_P else Level.CAUTION)
                break
    level = max([content.level, *levels, verdict.level if verdict.level > Level.UNKNOWN else Level.UNKNOWN])
    score = max(
        [
            content.score,
            *(UNFAMILIAR_LINK_SCORE if lv >= Level.WARN else SIGNED_LINK_SCORE for lv in levels),
            verdict.score if verdict.level > Level.UNKNOWN else 0.0,
        ]
    )
    return SmsAssessment(
        level=Level(level),
        score=float(score),
        sender=verdict,
        content=content,
        findings=tuple(findings),
        finding_levels=tuple(levels),
        signature=signature,
        links=links,
    )
