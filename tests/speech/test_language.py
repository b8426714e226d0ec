"""speech.language: a transcript that is hardly Chinese says the speech model may be of another language."""

from __future__ import annotations

from speech.errors import SpeechProblem
from speech.language import not_chinese, not_chinese_warning


def test_chinese_transcripts_pass_with_their_latin_words() -> None:
    assert not_chinese("您好 我 是 中国 移动 的 客服 您 的 积分 即将 过期") is None
    assert not_chinese("请 加 qq 群 下载 app 然后 打开 vivo 应用 商店 搜索 一下") is None
    assert not_chinese("") is None and not_chinese("喂 ok") is None  # too short to say
    assert not_chinese("嗯 123 456 789 000") is None  # digits are no letters
    # a Latin word counts once, as a character does (a review: letters made this real warning 「结论不可信」)
    assert not_chinese("请 下载 zoom app 然后 输入 meeting id 共享 屏幕") is None
    assert not_chinese("ok ok 好 的 bye bye") is None


def test_another_script_is_named_with_a_sample() -> None:
    korean = "은행 계좌 비밀번호 를 알려 주세요 지금 바로"
    assert not_chinese(korean) == korean[:24]  # the first 24 characters, to say what was heard
    assert not_chinese("hello this is the bank calling about your account") is not None
    message = not_chinese_warning("/rec/妈妈.wav", korean)
    assert message is not None and message.code is SpeechProblem.NOT_CHINESE
    assert "不是中文模型" in message.render("zh") and "/rec/妈妈.wav" in message.render("zh")
    assert "not be a Chinese one" in message.render("en")
    assert not_chinese_warning("/rec/x.wav", "您好我是中国移动的客服您的积分即将过期") is None


def test_a_short_text_in_another_script_with_no_chinese_is_not_chinese() -> None:
    """A trial: a cut-off recording heard by the Korean model as 「미 가 물 히긴 힐링」 (7 letters, under the 8 that
    say anything) read 「未发现诈骗」. Three letters of another script and no Chinese say it; Latin alone never does."""
    assert not_chinese("미 가 물 히긴 힐링") is not None and not_chinese("привет мир") is not None
    assert not_chinese("한국") is None  # two letters: too few
    assert not_chinese("喂") is None and not_chinese("안녕하세요 喂") is None  # some Chinese: too short to say
    assert not_chinese("OK") is None and not_chinese("ab cd ef") is None and not_chinese("QQ 号") is None
