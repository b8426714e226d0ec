"""Checks on the 查号 page, worker side: screen many numbers (own DB connection), read a pasted message with the
scam-script detector, add chosen numbers to a list and keep a checked message in the history (the writer)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from app.display import CATEGORY_SHOWN_FROM, CHAT
from app.models.calllog import pasted_numbers
from app.models.check_model import CheckRow
from screening.types import Level

if TYPE_CHECKING:
    from collections.abc import Sequence

    from app.jobs import Progress
    from app.phone.importer import CallDetails
    from app.services import AppServices
    from screening.screener import Channel
    from screening.transcript.detector import TranscriptAssessment


MAX_TEXT = 20_000  # characters of a pasted message that are read (as ``screening.sms.MAX_BODY`` for a phone's SMS)
SAVED_SOURCE = "check"  # the history's source of a message kept from the 查号 page


def screen_numbers(
    progress: Progress,
    services: AppServices,
    numbers: list[str],
    details: Sequence[CallDetails] = (),
    channel: Channel = "call",
) -> list[CheckRow]:
    """Worker: screen each number with this thread's screener (own DB connection); ``details`` are the numbers'
    call-log names and times, when they came from one (``app.models.calllog.CallLog.details``). ``channel``: how the
    numbers came (``screening.screener``): callers, or numbers written in a message (``"dialled"``)."""
    screener = services.make_screener()
    services.store().lists()  # picks up list changes made a moment ago on the writer's connection
    total = len(numbers)
    rows: list[CheckRow] = []
    for i, raw in enumerate(numbers):
        if i % 256 == 0:
            progress.check()
            progress.update(i, total)
        detail = details[i] if i < len(details) else None
        if detail:
            rows.append(CheckRow(raw, screener.screen(raw, channel), name=detail.name, time=detail.time))
        else:
            rows.append(CheckRow(raw, screener.screen(raw, channel)))
    progress.update(total, total, force=True)
    # riskiest first, sorted off the GUI thread; a line that is no number at all last (a typing slip, not a caller)
    rows.sort(key=lambda r: (not r.not_a_number, int(r.level), r.score), reverse=True)
    return rows


def screen_pasted(progress: Progress, services: AppServices, text: str) -> tuple[list[CheckRow], tuple[int, ...]]:
    """Worker: the numbers in a paste screened, and the lines of a pasted call log that could not be read
    (``pasted_numbers``: a call log copied with its header is read as an opened one is; a paste may be long)."""
    numbers, unclear, details = pasted_numbers(text)
    return screen_numbers(progress, services, numbers, details), unclear


@dataclass(frozen=True)
class TextCheck:
    """A pasted message read by the scam-script detector, and the phone numbers in it screened as numbers."""

    text: str  # as pasted (what is shown and kept)
    style: str | None  # sms / chat / call as the user said, None: the detector guessed (``assessment.style``)
    assessment: TranscriptAssessment
    numbers: list[CheckRow]  # riskiest first

    @property
    def level(self) -> Level:
        return Level.parse(self.assessment.level)

    @property
    def flagged(self) -> bool:
        """From caution up the text's scheme is named and its reasons are evidence (``app.display``)."""
        return self.level >= CATEGORY_SHOWN_FROM


def check_text(progress: Progress, services: AppServices, text: str, style: str | None) -> TextCheck:
    """Worker: read ``text`` as a ``style`` message (None: let the detector tell), then screen the phone numbers it
    mentions. The detector loads here on first use, never on the GUI thread."""
    text = text.strip()[:MAX_TEXT]
    detector = services.detector()
    progress.check()
    assessment = detector.assess(text, style=style)
    phones = list(dict.fromkeys(e.value for e in assessment.entities if e.kind == "phone"))
    # written in a message, to be dialled, not calling: a 1069 platform number in a 刷单 SMS was told 「不应作为来电号码
    # 出现」, and JD's real 400-606-5500 「显示 400/800 的来电很可能是改号」 (trials)
    numbers = screen_numbers(progress, services, phones, channel="dialled") if phones else []
    from screening.transcript.detector import ALERT_LEVEL

    if Level.parse(assessment.level) >= ALERT_LEVEL:  # what the scam wants dialled is no calm number
        numbers = [replace(row, in_scam_text=True) for row in numbers]
    return TextCheck(text, style, assessment, numbers)


def check_each(progress: Progress, services: AppServices, text: str, style: str | None) -> list[TextCheck]:
    """Worker: each message of a paste that holds several (``app.models.calllog.split_messages``) read on its own,
    in the order pasted: a pickup code and a refund scam pasted together got one verdict for both."""
    from app.models.calllog import split_messages

    parts = split_messages(text.strip()[:MAX_TEXT])
    out: list[TextCheck] = []
    for i, part in enumerate(parts):
        progress.update(i, len(parts))
        out.append(check_text(progress, services, part, style))
    progress.update(len(parts), len(parts), force=True)
    return out


def save_text(services: AppServices, checked: TextCheck, profile: str, sender: str = "", note: str = "") -> int:
    """Writer job: keep a checked message in the history as a text message (kind ``sms``) of ``profile`` ('' for
    nobody in particular), stored as a phone import stores one (``app.phone.importer``): its reasons and evidence
    only when flagged, its entities always; ``sender`` the number it came from and ``note`` the volunteer's own words
    (「老人没转账」), when given. Returns the new row's id."""
    a = checked.assessment
    level = checked.level
    flagged = checked.flagged
    reasons = (
        [{"code": "script", "level": level.name.lower(), "zh": r.zh, "en": r.en} for r in a.reasons]
        if flagged
        else None
    )
    return services.history().add_sms(
        sender.strip() or None,
        checked.text,
        note=note.strip() or None,
        source=SAVED_SOURCE,
        level=level,
        score=round(float(a.score), 3),
        category=a.category if flagged else None,
        reasons=reasons,
        hits=list(a.hits) if flagged else None,
        entities=[{"kind": e.kind, "value": e.value, "start": e.start, "end": e.end} for e in a.entities] or None,
        profile=profile,
        call_type=CHAT
        if (checked.style or a.style) == "chat"
        else None,  # a chat is kept as one, not as a text message
    )


def add_to_list(
    services: AppServices,
    list_name: str,
    values: list[str],
    category: str,
    note: str,
    notes: dict[str, str] | None = None,
) -> list[tuple[str, Any]]:
    """Writer job: add each value, with ``note`` or its own one from ``notes`` (the name its call log gave it);
    returns ``(value, error)`` for the ones the store refused."""
    store = services.store()
    problems: list[tuple[str, Any]] = []
    for value in values:
        try:
            store.add(list_name, value, category=category, note=note or (notes or {}).get(value, ""), source="check")
        except ValueError as exc:  # StoreError is a ValueError with a translated .message
            problems.append((value, getattr(exc, "message", str(exc))))
    return problems
