"""A streaming session reaches the same level as one-shot ``assess`` for the same text (issue 12 follow-up):
both damp the model when the text warns against a cue and asks nothing strong itself."""

from __future__ import annotations

import pytest

from screening.transcript import ScriptDetector
from screening.types import Level, TranscriptSegment

TEXTS = [
    # honest: warn against a cue, ask nothing
    "您好，这里是银行反诈专线。我们发现您刚才有一笔向陌生账户的转账，想跟您核实一下是不是本人操作。"
    "银行不会让您开屏幕共享，也没有什么安全账户，任何人问您要验证码都不要给。",
    "各位居民，最近冒充公检法的诈骗很多，凡是电话里说您涉嫌洗钱、让您把钱转到安全账户的都是骗子，请不要转账。",
    "妈，网上说能修复征信、注销校园贷的都是骗人的，有人打电话让你下载会议软件开共享你直接挂掉。",
    "您好我是快递员，您的包裹在中转站破损了，已经按保价给您登记理赔，赔款原路退回，您不需要做任何操作。",
    # fraud: a strong ask of its own
    "您好，我是京东客服，您开通了百万保障服务，不关闭每月扣费八百，请下载会议软件开启屏幕共享，我指导您操作。",
    "请问您需要贷款吗？您下载一下360金融APP注册一下，充值1799元就可以免6个月的利息。",
    "我是你们王局，换了新号码，我在开会不方便接电话，你先帮我转五万到这个账户，这事别跟别人说。",
]


@pytest.mark.parametrize("text", TEXTS)
def test_session_and_assess_agree_on_one_final_segment(det: ScriptDetector, text: str) -> None:
    one_shot = det.assess(text, style="call")
    session = det.session(style="call")
    update = session.feed(TranscriptSegment(text, True, 0.0, 10.0))
    assert update.level == one_shot.level
    assert session.assessment.level == one_shot.level
    assert session.assessment.score == pytest.approx(one_shot.score, abs=1e-3)


@pytest.mark.parametrize("text", TEXTS[:4])
def test_a_warning_fed_clause_by_clause_stays_as_calm_as_one_shot(det: ScriptDetector, text: str) -> None:
    one_shot = det.assess(text, style="call")
    assert one_shot.level < Level.WARN
    session = det.session(style="call")
    clauses = [c for c in text.replace("。", "。|").split("|") if c]
    for i, clause in enumerate(clauses):
        session.feed(TranscriptSegment(clause, True, float(i), float(i + 1)))
    assert session.level < Level.WARN
    assert session.assessment.level == one_shot.level


def test_the_damping_matters_for_a_warning(det: ScriptDetector) -> None:
    """The first text scores lower because it warns (the session used to skip this damping)."""
    text = TEXTS[0]
    damped = det.assess(text, style="call")
    norm_hits = damped.hits
    undamped, _ = det._score(norm_hits, damped.model_probability, 200, None, "call", 0.0)
    assert damped.model_probability < 0.5 or undamped.score > damped.score


def test_a_recording_is_judged_whole_while_the_live_level_keeps_its_peak(det: ScriptDetector) -> None:
    # a reminder that first tells what scammers say: fed clause by clause the live level rises before the warning
    # comes, and it never drops during a call; what the call amounts to (a recording's verdict) is the whole text's
    text = (
        "阿姨您好，我是社区的小王，提醒您一下，最近有人打电话说您的医保卡被冻结了，要您下载一个会议软件开屏幕共享，"
        "再把钱转到安全账户。这些都是骗子，您千万别信，接到这种电话直接挂掉，打我们社区电话也行。"
    )
    clauses = [c for c in text.replace("，", "，|").replace("。", "。|").split("|") if c]
    session = det.session(style="call")
    for i, clause in enumerate(clauses):
        session.feed(TranscriptSegment(clause, True, float(i), float(i + 1)))
    whole = det.assess("\n".join(clauses), style="call")
    assert session.level >= Level.WARN  # shown live
    assert whole.level < Level.WARN
    assert session.assessment.level == whole.level
    assert session.assessment.score == pytest.approx(whole.score, abs=1e-3)


SHORT_SCAMS = [  # whole short calls: a betting tip with a top-up, a 'teacher' pushing one more deposit
    "老板，今晚那场是内部单，稳赢的，跟的话先充两千进来",
]
# look-alikes the model alone, or a cue it is less sure of, would have warned on judged whole
SHORT_LOOK_ALIKES = ["您好，这里是链家，您看中的那套房子需要先交两万诚意金。", "积分马上清零可以兑换现金券到店使用"]
SHORT_HONEST = [
    "您好，您的快递明天上午送到，家里有人吗",
    "您好，我是物业的，明天上午停水两个小时，您提前接点水",
    "喂，妈，我今晚加班不回来吃饭了，你们先吃",
]


@pytest.mark.parametrize("text", SHORT_SCAMS)
def test_a_short_call_judged_whole_warns_where_the_live_peak_does_not(det: ScriptDetector, text: str) -> None:
    """Judged whole (a recording, a call once it ended) a short call with a cue the model is all but sure of is damped
    linearly over SHORT_WHOLE_CALL syllables; the live peak keeps the squared damping over 40, as a call could go on
    to its reassurance. ``now`` (what the call amounts to if it ends here) follows the whole text."""
    one_shot = det.assess(text, style="call")
    assert one_shot.level >= Level.WARN and one_shot.category == "gambling"
    session = det.session(style="call")
    pieces = [p for p in text.replace("，", "，|").split("|") if p]
    updates = [session.feed(TranscriptSegment(p, True, float(i), i + 0.9)) for i, p in enumerate(pieces)]
    assert updates[-1].level < Level.WARN  # live: not yet
    assert updates[-1].now == one_shot.level == session.assessment.level
    assert updates[-1].now_score == pytest.approx(one_shot.score, abs=1e-3)


@pytest.mark.parametrize("text", SHORT_HONEST)
def test_short_honest_calls_stay_calm_judged_whole(det: ScriptDetector, text: str) -> None:
    assert det.assess(text, style="call").level < Level.CAUTION


@pytest.mark.parametrize("text", SHORT_LOOK_ALIKES)
def test_short_look_alikes_stay_below_warn_judged_whole(det: ScriptDetector, text: str) -> None:
    assert det.assess(text, style="call").level < Level.WARN
