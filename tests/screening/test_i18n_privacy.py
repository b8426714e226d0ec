from __future__ import annotations

from screening.i18n import BiText, Message, MessageCode, command_hint, show_command_hints, system_language
from screening.privacy import mask_number, mask_numbers_in_text


class Demo(MessageCode):
    BAD = ("第 {line} 行有误", "line {line} is wrong")


def test_message_renders_in_both_languages() -> None:
    msg = Message(Demo.BAD, {"line": 7})
    assert msg.render("zh") == "第 7 行有误"
    assert msg.render("en") == "line 7 is wrong"
    assert msg.render("en_US") == "line 7 is wrong"


class Hinted(MessageCode):
    NO_FILE = (
        "没有 {name}，请在“设置”里导入" + command_hint("（命令行：callshield model import）") + "。",
        "No {name}; import it in Settings" + command_hint(" (command line: callshield model import)") + ".",
    )


def test_a_command_line_passage_is_shown_on_the_command_line_only() -> None:
    """The app's messages named CLI commands to people who never see one (a trial); the app turns them off."""
    msg = Message(Hinted.NO_FILE, {"name": "模型"})
    before = show_command_hints(True)
    try:
        assert msg.render("zh") == "没有 模型，请在“设置”里导入（命令行：callshield model import）。"
        assert msg.render("en") == "No 模型; import it in Settings (command line: callshield model import)."
        assert show_command_hints(False) is True
        assert msg.render("zh") == "没有 模型，请在“设置”里导入。"
        assert msg.render("en") == "No 模型; import it in Settings."
        assert Hinted.NO_FILE.zh == "没有 {name}，请在“设置”里导入。"
    finally:
        show_command_hints(before)


def test_stored_text_has_no_command_line_passage_whichever_process_wrote_it() -> None:
    """A review: a recording imported by `callshield phone import` kept 「（命令行：callshield model download…）」 in
    its stored reason, which the app then showed. Stored text is rendered without the passages."""
    from blocklists.history import speech_reason
    from speech.errors import SpeechProblem

    before = show_command_hints(True)  # as in the command line's process
    try:
        stored = speech_reason(Message(SpeechProblem.NO_MODEL))
        assert "callshield" not in stored["zh"] and "callshield" not in stored["en"]
        assert "下载模型" in stored["zh"] and "callshield model download" in Message(SpeechProblem.NO_MODEL).render(
            "zh"
        )
    finally:
        show_command_hints(before)


def test_message_with_missing_param_falls_back_to_template() -> None:
    assert Message(Demo.BAD).render("en") == "line {line} is wrong"


def test_bitext_and_system_language() -> None:
    assert BiText("你好", "hello").render("en") == "hello"
    assert system_language({"LANG": "zh_CN.UTF-8"}) == "zh"
    assert system_language({"LANG": "en_GB.UTF-8"}) == "en"
    assert system_language({"LANG": "C.UTF-8"}) == "zh"
    assert system_language({"CALLSHIELD_LANG": "en", "LANG": "zh_CN"}) == "en"
    assert system_language({}) == "zh"


def test_mask_number_keeps_head_and_tail_only() -> None:
    assert mask_number("13800138000") == "138****8000"
    assert mask_number("+8613800138000") == "+861******8000"
    assert mask_number("95588") == "95***"
    assert mask_number("110") == "1**"


def test_mask_numbers_in_free_text() -> None:
    text = "call from 13800138000 on line 2, then 0513-85123456"
    masked = mask_numbers_in_text(text)
    assert "13800138000" not in masked and "85123456" not in masked
    assert "line 2" in masked


def test_a_time_stamp_in_a_file_name_is_no_phone_number() -> None:
    """A trial could not tell which backup 「database backed up to callshield-202*******4045.db」 meant."""
    assert mask_numbers_in_text("database backed up to callshield-20261207104045.db") == (
        "database backed up to callshield-20261207104045.db"
    )
    masked = mask_numbers_in_text("call from 13800138000 at 20261207104045, and 86 13800138000 2026")
    assert "13800138000" not in masked and "20261207104045" in masked
    assert "20261399104045" not in mask_numbers_in_text("ref 20261399104045")  # no such date: masked as digits


def test_a_number_right_after_chinese_or_an_underscore_is_masked() -> None:
    """A review: 「号码13812345678」 and a recording's name 「录音13812345678_20261205093000」 were left whole."""
    for text in ("号码13812345678", "录音13812345678_20261205093000.m4a", "x_13812345678"):
        assert "13812345678" not in mask_numbers_in_text(text), text
    assert "20261205093000" in mask_numbers_in_text("录音13812345678_20261205093000.m4a")
