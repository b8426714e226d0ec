"""Text-message screening: the sender (number rules with ``channel="sms"``) plus the message itself.

A message is judged on three things, each a code with parameters (rendered later, zh/en):

* the **sender**, screened as an SMS sender — a 106/1069 platform port is how banks and shops text, so it is
  ordinary here, while the same number *calling* is suspicious (``NumberScreener.screen(…, channel="sms")``);
* the **text**, by the scam-script detector, in SMS style and whole, with its 【签名】 brand tag, exactly as the
  evaluation reads messages (the signature is also kept as ``signature``). The detector's own rules judge the
  signature: a message signed by a government office (【人社】, 【交管12123】) that links off the government sites is
  ``generic.authority_link``. It also lists the evidence entities (links, QQ/WeChat IDs, card numbers, apps);
* **links from official short numbers**: 95588, 10086 … only ever link to their own sites
  (``blocklists/data/official_domains.json``, read by :mod:`screening.transcript.links`); a link to any other
  domain is a warning sign (spoofed sender ID or a hijacked SMS gateway).

The result's level is the highest of the three.  Pure and deterministic; no database writes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from screening.i18n import Message, MessageCode
from screening.number_plan import numbering_plan
from screening.screener import NumberScreener, NumberVerdict
from screening.transcript.links import host_of, is_official, official_domains, split_signature
from screening.types import Level

if TYPE_CHECKING:
    from screening.transcript.detector import TranscriptAssessment


class TextAssessor(Protocol):
    """What ``assess_sms`` needs of the detector: ``ScriptDetector`` (or a cache in front of it)."""

    def assess(self, text: str, style: str | None = None) -> TranscriptAssessment: ...


MAX_BODY = 20_000  # characters; an MMS text part longer than this is cut (nobody reads more, detection stays fast)
UNFAMILIAR_LINK_SCORE = 0.7


class SmsFinding(MessageCode):
    """Findings about a message beyond the number rules and the script detector."""

    OFFICIAL_UNFAMILIAR_LINK = (
        "官方号码 {sender}（{name}）发来的短信里有陌生网址 {domain}——官方短信只会链接到自己的网站，"
        "这很可能是伪基站或冒充的短信，不要点开。",
        "The official number {sender} ({name_en}) sent a link to an unfamiliar site {domain}; official messages only "
        "link to their own sites, so this is probably a fake base station or a spoofed sender — do not open it.",
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
    body = body[:MAX_BODY]
    signature, _ = split_signature(body)
    # Whole and as an SMS: the detector was tuned and is measured that way. Without the signature and with the style
    # guessed (most message bodies read as calls), written messages lost recall 0.986 -> 0.928.
    content = detector.assess(body, style="sms")
    links = tuple(e.value for e in content.entities if e.kind == "url")
    findings: list[Message] = []
    levels: list[Level] = []
    national = verdict.number.national_number or verdict.number.digits
    plan = numbering_plan()
    official = plan.official.get(national)
    # +86 10086 texting is 10086 (roaming, or a backup app that writes every sender with +86): see NumberScreener.facts
    home = not verdict.number.international_prefix or verdict.number.country_code == screener.home_cc
    if links and home and (official is not None or plan.looks_official_short(national)):
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
    level = max([content.level, *levels, verdict.level if verdict.level > Level.UNKNOWN else Level.UNKNOWN])
    score = max(
        [
            content.score,
            *(UNFAMILIAR_LINK_SCORE for _ in levels),
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
