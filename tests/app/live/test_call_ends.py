"""How a live call ends (app/live/service.py, CallBridge): the words a recogniser flushes after hang-up, the next call
on the same line, an end that belongs to another call, and quitting with the call's end still queued.

Real parts: AppServices on a temporary data dir (real SQLite file, real detector, real job runner and writer), the
real speech pipeline (TranscriptionRun) on the bridge's own recogniser thread. Fakes: an endless silent audio source
and recognisers that say what the test needs (one waits before it flushes its last words, as Vosk's final() on a
large model does).
"""

from __future__ import annotations

import sqlite3
import threading
import time

from app.calls.events import CallEnded, CallEvent, utc_now
from app.operations import DataArea
from screening.types import Level, TranscriptSegment
from speech.channels import LineResult
from speech.recognizer import RecognitionResult
from tests.helpers.recognizer import ScriptedRecognizer

SCAM_TAIL = "我是公安局的，你涉嫌洗钱，把钱转到安全账户"

# An honest teacher's call whose first half reads like a fee scam: it peaks at a warning that the whole call does not
# bear out, so the warning is withdrawn when the call ends (the same text as the Live page's test).
TEACHER = (
    "喂，是刘大爷吗？", "我是您孙子学校的班主任张老师，", "孩子的研学费八百元需要今天交，", "您转一下吧。",
    "您别转给我，", "学校统一在缴费平台交，", "明天您来学校门卫室，", "我带您去财务室现场交，", "交完给您开发票。",
)  # fmt: skip


class EndlessSilence:
    """A live audio source: 0.1 s of silence per read until closed."""

    def start(self) -> None:
        pass

    def read(self, timeout: float) -> bytes | None:
        time.sleep(0.01)
        return bytes(3200)

    def close(self) -> None:
        pass


class SlowFlushRecognizer(ScriptedRecognizer):
    """Says its ``script`` during the call; its final flush (after stop) waits for ``release``, then returns ``tail``
    (Vosk's final() on a large model takes a noticeable moment)."""

    def __init__(self, tail: str, release: threading.Event, script: list[tuple[object, ...]] | None = None) -> None:
        super().__init__(script or [], tail=tail)
        self.release = release

    def final(self) -> RecognitionResult:
        self.release.wait(10)
        return super().final()


def _call(qtbot, services, number: str, line: str = "manual"):
    services.detector()  # loaded now (seconds on a busy machine), not while the test waits for the last words
    services.calls.simulate_call(number, line=line)
    qtbot.waitUntil(
        lambda: line in services.calls.lines and services.calls.lines[line].number == number, timeout=10_000
    )
    return services.calls.lines[line]


def _teacher_call(qtbot, services, line: str = "manual"):
    """A call that peaked at a warning the whole call does not bear out (withdrawn when it ends)."""
    state = _call(qtbot, services, "13912345678", line=line)
    for i, piece in enumerate(TEACHER):
        services.calls.feed_segment(line, TranscriptSegment(piece, True, float(i), i + 0.9))
    qtbot.waitUntil(lambda: len(state.final_text) == len(TEACHER), timeout=10_000)
    assert state.peak >= Level.WARN and state.now is not None and state.now < Level.WARN
    return state


def test_words_flushed_after_a_call_ended_stay_with_it_when_the_next_call_is_on_the_line(qtbot, services, wait_jobs):
    """Call A's last words come out of the recogniser after call B rang on the same line: they are A's (its card
    state and history row), never B's, and the alert names A's number."""
    raised = []
    services.alerts.alertRaised.connect(raised.append)
    a = _call(qtbot, services, "13912345678")
    release = threading.Event()
    services.calls.listen("manual", EndlessSilence(), SlowFlushRecognizer(SCAM_TAIL, release))
    qtbot.wait(100)
    services.calls.stop_line("manual")  # A ends; its last words are still being flushed off the GUI thread
    b = _call(qtbot, services, "13800138000")  # the next call on the line
    assert b is not a and b.level is Level.UNKNOWN
    release.set()
    qtbot.waitUntil(lambda: SCAM_TAIL in a.final_text + b.final_text, timeout=10_000)  # on one card or the other
    wait_jobs()

    assert b.transcript() == "" and b.level is Level.UNKNOWN and not b.hits
    assert a.level >= Level.WARN and "安全账户" in a.transcript()
    assert [x.number for x in raised] == ["13912345678"]  # the alert (and its e-mail) is about A, not B
    history = services.history()
    row_a, row_b = history.get(a.history_id), history.get(b.history_id)
    assert row_b["level"] is Level.UNKNOWN and not row_b["transcript"]
    assert row_a["level"] >= Level.WARN and row_a["transcript"] == SCAM_TAIL


def test_last_words_flushed_after_hang_up_reach_the_history_row(qtbot, services, wait_jobs):
    """Harmless last words (no hit, no rise) flushed after the call ended are saved in the call's transcript."""
    a = _call(qtbot, services, "13912345678")
    release = threading.Event()
    services.calls.listen("manual", EndlessSilence(), SlowFlushRecognizer("好的妈妈明天见", release))
    qtbot.wait(100)
    services.calls.stop_line("manual")
    release.set()
    qtbot.waitUntil(lambda: a.final_text == ["好的妈妈明天见"], timeout=10_000)
    wait_jobs()
    row = services.history().get(a.history_id)
    assert row["transcript"] == "好的妈妈明天见" == a.transcript()
    assert row["duration_s"] is not None


def test_a_withdrawn_warning_raised_again_by_the_last_words_drops_the_withdrawal_note(qtbot, services, wait_jobs):
    """Withdrawn at hang-up, then the flushed last words raise the call to a block: the row's reasons no longer say
    the warning was withdrawn."""
    a = _call(qtbot, services, "13912345678")
    script = [("final", piece, float(i), i + 0.9) for i, piece in enumerate(TEACHER)]
    tail = "其实我是公安局的，你涉嫌洗钱，马上把钱转到安全账户，不要告诉家人"
    release = threading.Event()
    services.calls.listen("manual", EndlessSilence(), SlowFlushRecognizer(tail, release, script))
    qtbot.waitUntil(lambda: len(a.final_text) == len(TEACHER), timeout=10_000)
    services.calls.stop_line("manual")  # settled at once: withdrawn; the flush comes after
    assert a.withdrawn and a.level is Level.CAUTION
    qtbot.waitUntil(lambda: services.history().get(a.history_id)["level"] is Level.CAUTION, timeout=10_000)
    assert services.history().get(a.history_id)["reasons"][0]["code"] == "call.warning_withdrawn"
    release.set()  # the last words come out now
    qtbot.waitUntil(lambda: len(a.final_text) == len(TEACHER) + 1, timeout=10_000)
    wait_jobs()
    assert not a.withdrawn and a.level >= Level.WARN
    row = services.history().get(a.history_id)
    assert row["level"] is a.level
    assert "call.warning_withdrawn" not in [r.get("code") for r in row["reasons"]]


def test_the_end_of_one_sip_call_leaves_the_next_call_on_that_account_monitored(qtbot, services, wait_jobs):
    """Call waiting on one SIP account: A's end (it carries A's call id) does not end B; B's own end does."""
    bridge = services.calls
    bridge.handle_event(CallEvent("home", "13912345678", None, utc_now(), "sip", {"call_id": "A"}))
    qtbot.waitUntil(lambda: "home" in bridge.lines and bridge.lines["home"].call_id == "A", timeout=10_000)
    bridge.handle_event(CallEvent("home", "95275012", None, utc_now(), "sip", {"call_id": "B"}))
    qtbot.waitUntil(lambda: bridge.lines["home"].call_id == "B", timeout=10_000)
    b = bridge.lines["home"]
    ended: list[str] = []
    bridge.callEnded.connect(ended.append)

    bridge.on_controller_ended(CallEnded("home", "sip", utc_now(), "after_pickup", {"call_id": "A"}))  # GUI thread
    assert b.listening and ended == []
    bridge.on_controller_ended(CallEnded("home", "sip", utc_now(), "after_pickup", {"call_id": "B"}))
    assert not b.listening and ended == ["home"]
    wait_jobs()


def test_the_result_of_a_replaced_sip_call_leaves_the_next_calls_lag_monitor(qtbot, services, wait_jobs):
    """Call waiting on one SIP account: call A's recordings are read to the end after call B took the line. A's
    result used to stop the line's lag monitor, which by then watched B (a reviewer's repro)."""
    bridge = services.calls
    bridge.handle_event(CallEvent("home", "13912345678", None, utc_now(), "sip", {"call_id": "A"}))
    qtbot.waitUntil(lambda: "home" in bridge.lines and bridge.lines["home"].call_id == "A", timeout=10_000)
    a = bridge.lines["home"]
    with bridge._sessions_lock:
        bridge._sip_states["A"] = a  # what _make_sip_line does for A's audio
    bridge.handle_event(CallEvent("home", "95275012", None, utc_now(), "sip", {"call_id": "B"}))
    qtbot.waitUntil(lambda: bridge.lines["home"].call_id == "B", timeout=10_000)
    b = bridge.lines["home"]
    bridge._on_two_sided(b)  # B's two-sided audio started: its lag is watched from now
    started = bridge.lag._lines["home"].started
    changed: list[str] = []
    bridge.lineChanged.connect(changed.append)
    bridge._sip_call_heard(
        CallEvent("home", "13912345678", None, utc_now(), "sip", {"call_id": "A"}), LineResult(None, None, (), ())
    )
    qtbot.waitUntil(lambda: "A" not in bridge._sip_states, timeout=5_000)
    wait_jobs()
    assert bridge.lines["home"] is b
    assert "home" in bridge.lag._lines and bridge.lag._lines["home"].started == started
    assert changed == []  # B's card is not redrawn for A's result


def test_a_call_replaced_by_the_next_one_on_its_line_is_ended_and_settled(qtbot, services, wait_jobs):
    """No end of its own (manual source, NCID without END): when the next call comes, the last one is ended like a
    hang-up (its warning withdrawn, its duration written)."""
    a = _teacher_call(qtbot, services)
    b = _call(qtbot, services, "13800138000")
    assert b is not a and not a.listening and a.withdrawn
    wait_jobs()
    row = services.history().get(a.history_id)
    assert row["level"] is Level.CAUTION and row["reasons"][0]["code"] == "call.warning_withdrawn"
    assert row["duration_s"] is not None and "研学费" in row["transcript"]
    assert services.history().get(b.history_id)["level"] is Level.UNKNOWN


def test_quitting_while_the_writer_is_busy_still_saves_the_call_end(qtbot, services, wait_jobs):
    """The call's settled verdict and its end are queued behind a slow write when the app quits: they still land."""
    a = _teacher_call(qtbot, services)
    wait_jobs()
    services.write(time.sleep, 0.5, area=DataArea.HISTORY, name="slow-write")  # e.g. a big list import
    services.calls.stop_line("manual")
    assert a.level is Level.CAUTION
    services.close()  # quitting the app now
    db = sqlite3.connect(services.db_path)
    try:
        level, duration = db.execute("SELECT level, duration_s FROM history WHERE id = ?", [a.history_id]).fetchone()
    finally:
        db.close()
    assert duration is not None and Level.parse(level) is Level.CAUTION


GRANDSON = (
    "爷爷，我是小军，", "我在外面跟人打架被派出所扣了，", "警察说要交两万保证金才能放人，", "千万别告诉我爸，",
    "钱转到这个卡上，", "快点！",
)  # fmt: skip


def test_a_live_call_is_shown_and_saved_under_the_scheme_the_whole_call_tells(qtbot, services, wait_jobs):
    """A trial user saw one scam under three names: the card and the call's row took the first cue's category
    (派出所 → 冒充公检法). Both now name the scheme the detector names for the call so far, as for a recording."""
    state = _call(qtbot, services, "17098765432")
    shown: list[tuple[str | None, Level]] = []
    for i, piece in enumerate(GRANDSON):
        services.calls.feed_segment("manual", TranscriptSegment(piece, True, float(i), i + 0.9))
        qtbot.waitUntil(lambda i=i: len(state.final_text) == i + 1, timeout=10_000)
        shown.append((state.category, state.level))
    wait_jobs()
    whole = services.detector().assess("".join(GRANDSON), style="call")
    assert state.level >= Level.WARN and whole.category not in (None, "police_impersonation")
    # the card's scheme changes only when the call is first named or its level rises (no flicker between two)
    for (before, level_before), (after, level_after) in zip(shown, shown[1:], strict=False):
        assert after == before or before is None or level_after > level_before
    services.calls.stop_line("manual")  # the call ends: it is saved under the whole call's scheme
    wait_jobs()
    assert state.category == whole.category
    assert services.history().get(state.history_id)["category"] == whole.category
    assert state.hits[0].category == "police_impersonation"  # the first cue heard is the police station's


def test_what_the_caller_said_leads_the_reasons_when_it_raised_the_call(qtbot, services, wait_jobs):
    """A volunteer: 10086 asking for the verification code was 拦截 in 记录 with 「官方服务号码：中国移动客服」 as its
    reason, which reads as a contradiction. The script's reasons lead while the call is above its number's verdict."""
    state = _call(qtbot, services, "10086")
    words = ["您好这里是中国移动客服", "您的积分马上就要清零了", "请把手机收到的验证码告诉我帮您兑换"]
    for i, piece in enumerate(words):
        services.calls.feed_segment("manual", TranscriptSegment(piece, True, float(i), i + 0.9))
        qtbot.waitUntil(lambda i=i: len(state.final_text) == i + 1, timeout=10_000)
    wait_jobs()
    assert state.level >= Level.WARN
    row = services.history().get(state.history_id)
    assert row["reasons"][0]["code"] == "script" and "验证码" in row["reasons"][0]["zh"], row["reasons"]
    assert any(r.get("code") == "cn.official.directory" for r in row["reasons"])  # the number's own stays, after
    services.calls.stop_line("manual")
    wait_jobs()
    assert services.history().get(state.history_id)["reasons"][0]["code"] == "script"


# A short scam call, all of it: live, its peak stays below a warning (a few words into a call the model is damped
# more, as the call could go on to a reassurance); heard to its end, the whole call reads as a betting-platform scam.
SHORT_SCAM = ("老板，今晚那场是内部单，", "稳赢的，", "跟的话先充两千进来")


def test_a_short_call_that_reads_as_a_scam_once_it_has_ended_warns_then(qtbot, services, wait_jobs):
    """The card, the call's record and the alert follow the whole call once it ended (CallBridge._settle)."""
    raised = []
    services.alerts.alertRaised.connect(raised.append)
    state = _call(qtbot, services, "13912345678")
    for i, piece in enumerate(SHORT_SCAM):
        services.calls.feed_segment("manual", TranscriptSegment(piece, True, float(i), i + 0.9))
    qtbot.waitUntil(lambda: len(state.final_text) == len(SHORT_SCAM), timeout=10_000)
    assert state.peak < Level.WARN and state.level < Level.WARN and not raised  # nothing said mid-call
    assert state.now is not None and state.now >= Level.WARN
    services.calls.stop_line("manual")
    wait_jobs()
    assert state.level >= Level.WARN and not state.withdrawn
    assert [a.number for a in raised] == ["13912345678"] and raised[0].level >= Level.WARN
    row = services.history().get(state.history_id)
    assert row["level"] >= Level.WARN and row["transcript"] == "".join(SHORT_SCAM)
    assert row["category"] == "gambling"


def _short_scam_then_flushed(qtbot, services, monkeypatch, tail: str):
    """The short scam call, its last words (``tail``) flushed by the recogniser after the call ended; the alerts
    raised, and the keys the family's alert was withdrawn for (``AlertService.withdraw``, spied on)."""
    raised, withdrawn = [], []
    services.alerts.alertRaised.connect(raised.append)
    real_withdraw = services.alerts.withdraw

    def withdraw(key, *args, **kwargs):  # type: ignore[no-untyped-def]
        withdrawn.append(key)
        return real_withdraw(key, *args, **kwargs)

    monkeypatch.setattr(services.alerts, "withdraw", withdraw)
    state = _call(qtbot, services, "13912345678")
    script = [("final", piece, float(i), i + 0.9) for i, piece in enumerate(SHORT_SCAM)]
    release = threading.Event()
    services.calls.listen("manual", EndlessSilence(), SlowFlushRecognizer(tail, release, script))
    qtbot.waitUntil(lambda: len(state.final_text) == len(SHORT_SCAM), timeout=10_000)
    assert state.peak < Level.WARN
    services.calls.stop_line("manual")  # the whole call so far warns at once, while the last words are still coming
    assert state.level >= Level.WARN and len(raised) == 1
    levels: list[Level] = []
    services.calls.lineChanged.connect(lambda _line: levels.append(state.level))
    release.set()
    qtbot.waitUntil(lambda: len(state.final_text) == len(SHORT_SCAM) + 1, timeout=10_000)
    return state, raised, withdrawn, levels


def test_a_short_calls_end_warning_stands_through_neutral_last_words(qtbot, services, wait_jobs, monkeypatch):
    """A review: 「嗯」 flushed after the end-of-call warning flipped the card WARN → CAUTION → WARN."""
    state, raised, withdrawn, levels = _short_scam_then_flushed(qtbot, services, monkeypatch, "嗯")
    wait_jobs()
    assert state.level >= Level.WARN and not state.withdrawn and not withdrawn and len(raised) == 1
    assert all(level >= Level.WARN for level in levels)  # never shown calmer in between
    assert services.history().get(state.history_id)["level"] >= Level.WARN


def test_a_short_calls_end_warning_is_withdrawn_by_reassuring_last_words(qtbot, services, wait_jobs, monkeypatch):
    """A review: reassuring last words dropped the end-of-call warning to caution quietly (no withdrawal note, the
    family's alert never corrected). Now they withdraw it as they would a live warning."""
    tail = "哈哈开玩笑的，我是你表弟小刚，逗你玩呢，千万别充钱，网上赌球都是骗人的，我们单位刚开了反诈会"
    state, raised, withdrawn, _levels = _short_scam_then_flushed(qtbot, services, monkeypatch, tail)
    wait_jobs()
    assert state.withdrawn and state.level is Level.CAUTION and len(raised) == 1
    assert withdrawn == [state.key]  # the family's alert is corrected
    row = services.history().get(state.history_id)
    assert row["level"] is Level.CAUTION and row["reasons"][0]["code"] == "call.warning_withdrawn"
