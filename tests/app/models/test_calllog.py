"""What a paste on the 查号 page is: numbers (how they split) or a message to read."""

from __future__ import annotations

import pytest

from app.models.calllog import looks_like_message, pasted_numbers
from blocklists.pasted import split_pasted


@pytest.mark.parametrize(
    ("text", "numbers"),
    [
        (
            "95275012\n95588\n+86 138 0013 8000\n\n+852 96110\n",
            ["95275012", "95588", "+86 138 0013 8000", "+852 96110"],
        ),
        ("13800138000, 95588 0513-85123456", ["13800138000", "95588", "0513-85123456"]),
        ("0513 8512 3456；400 123 4567、010 12345678", ["0513 8512 3456", "400 123 4567", "010 12345678"]),
        ("13800138000 13912345678", ["13800138000", "13912345678"]),
        ("张三 13800138000 2026-01-02 10:30\n李四,139 1234 5678", ["13800138000", "139 1234 5678"]),
        ("姓名,号码\n中国工商银行客服,95588", ["95588"]),
        ("95588a", ["95588a"]),  # kept whole: the screener says what is wrong with it
        # a duration or a count beside the number, as a phone's call log writes it, is no number
        ("13812345678 35秒 呼入\n爸爸 13800138000 1分35秒 3次 2026-12-06 09:00", ["13812345678", "13800138000"]),
        ("95588 12s\n0513-85123456 2min", ["95588", "0513-85123456"]),
        ("13800138000s\n138 0013 8000s", ["13800138000s", "138 0013 8000s"]),  # mistyped numbers, kept to be named
    ],
)
def test_split_pasted(text: str, numbers: list[str]) -> None:
    assert split_pasted(text) == numbers


@pytest.mark.parametrize(
    "text",
    [
        "13800138000, 95588 0513-85123456",
        "95275012\n+86 138 0013 8000\n400 123 4567",
        "张三 13800138000\nJohn Smith 13912345678",
        "我妈 13800138000 35秒\n老婆 13912345678 未接来电",
        "蓝调酒吧 0571-86001234\n快递联系人 13800138000\n了了 13912345678\n物业(请勿接) 13700137000",
        "姓名,来电号码,时间\n中国工商银行客服,95588,2026-01-02 10:30",
        "１３８ ００１３ ８０００",
        "",
        # a volunteer's list: a doubt after one number made all eleven "a chat", and +852 96110 (拦截) went unchecked
        "王阿姨 138 0013 8000\n95275012（说是银行的）\n+852 96110\n17001234567 快递?\n110",
        "13800138000 是谁？",
    ],
)
def test_numbers_are_not_a_message(text: str) -> None:
    assert not looks_like_message(text)


@pytest.mark.parametrize(
    "text",
    [
        "【工商银行】尊敬的客户，您的网银证书已过期，请登录 http://icbc-upd.cc 重新认证，详询 13912345678",
        "点这里 icbc-upd.cc/login 95588",  # a link
        "妈，我换号了，新号13912345678，存一下",  # words beyond a name beside the number
        "妈我手机坏了加我新微信",  # words, no number
        "你的快递丢了 联系 13812345678",  # a sentence of two short words around the number
        "快递理赔请回电 4008123123",
        "你好",
        "Your parcel is held, call 13800138000 to pay the fee",
        "这是谁的号码？13800138000",  # the question is before the number: a sentence
        "爸，我是小军，新号13800138000!",  # (a review: an exclamation after a number is a message's)
        "账户冻结 95213344!",
        "妈 我换号了 13800138000!",
        "您的积分即将清零！",
    ],
)
def test_messages(text: str) -> None:
    assert looks_like_message(text)


def test_a_long_call_log_is_read_only_at_its_head() -> None:
    paste = "\n".join(f"张三 1380013{i:04d}" for i in range(50_000)) + "\n这一行在很后面，不会被读到，所以仍是号码。"
    assert not looks_like_message(paste)


TITLED_LOG = (
    "通话记录-爸爸-20261206\n姓名,号码,时间,类型,时长\n爸爸,13800138000,2026-12-06 09:00,来电,35\n"
    "小区物业,95275012,2026-12-06 10:00,未接,0\n张三,138,0013,8000\n"
)


def test_a_pasted_call_log_is_read_by_its_number_column() -> None:
    """A call log copied with its header is read as an opened one is (``phone import``'s reader): the title and
    the durations (35, 0) were "numbers" when the paste was only split at the commas."""
    assert not looks_like_message(TITLED_LOG)
    from app.phone.importer import CallDetails

    assert pasted_numbers(TITLED_LOG) == (
        ["13800138000", "95275012"],
        (5,),
        [CallDetails("爸爸", "2026-12-06 09:00"), CallDetails("小区物业", "2026-12-06 10:00")],
    )
    from_a_spreadsheet = "姓名\t号码\t时长\n爸爸\t13800138000\t35\n物业\t95275012\t0"
    assert pasted_numbers(from_a_spreadsheet) == (
        ["13800138000", "95275012"],
        (),
        [CallDetails("爸爸"), CallDetails("物业")],
    )
    # without a header a paste is split as before, and has no names or times
    assert pasted_numbers("13800138000, 95588 0513-85123456") == (
        ["13800138000", "95588", "0513-85123456"],
        (),
        [],
    )
    # and a line with no digit in it is one not read (it was dropped without a word)
    assert pasted_numbers("95275012\n+852 96110\nabc\n\n13912345678") == (
        ["95275012", "+852 96110", "13912345678"],
        (3,),
        [],
    )
    assert pasted_numbers("张三\n13800138000\n李四\n13912345678") == (["13800138000", "13912345678"], (), [])


def test_a_phone_call_log_copied_with_places_and_carriers_is_numbers_not_a_message() -> None:
    """A review pasted lines like 「13800138000 江苏省南通市 中国移动」: read as an SMS, 1,500 numbers lost 667."""
    from app.models.calllog import looks_like_message

    assert not looks_like_message("13800138000 江苏省南通市 中国移动")
    assert not looks_like_message("13800138000 江苏南通 移动 未接来电\n13900139000 上海 联通 来电 35秒")
    assert looks_like_message("您好我是淘宝客服您买的衣服有质量问题我们给您退款请加QQ群 12345678")


def test_a_paste_of_several_messages_is_split_at_their_signatures_or_blank_lines() -> None:
    from app.models.calllog import message_count, split_messages

    pasted = (
        "【菜鸟驿站】您的包裹已到站，取件码 3-2-1108。\n【京东】您的订单退款失败，请加QQ群 55667788 办理。\n"
        "您的验证码是 482913，5分钟内有效。【建设银行】\n【中国移动】您的积分即将过期\n请点击 http://x.cn 兑换"
    )
    assert split_messages(pasted) == [
        "【菜鸟驿站】您的包裹已到站，取件码 3-2-1108。",
        "【京东】您的订单退款失败，请加QQ群 55667788 办理。",
        "您的验证码是 482913，5分钟内有效。【建设银行】",  # a signature at the end closes its message
        "【中国移动】您的积分即将过期\n请点击 http://x.cn 兑换",  # a line without one belongs to the one before
    ]
    assert split_messages("第一条消息的内容比较长\n\n第二条消息的内容也比较长") == [
        "第一条消息的内容比较长",
        "第二条消息的内容也比较长",
    ]
    chat = "妈：你吃了吗\n我：吃了，你呢"
    assert split_messages(chat) == [chat] and message_count(chat) == 1
    assert message_count(pasted) == 4
    # a family line after a signed message that has ended is a message of its own (a trial: glued to the scam)
    three = "【菜鸟驿站】取件码 5-2-1108。\n【微信支付】您的零钱已冻结，请登录 wx-pay.cn 解冻。\n妈，我周六回家吃饭，不用买菜。"
    assert split_messages(three)[2] == "妈，我周六回家吃饭，不用买菜。" and message_count(three) == 3
    unended = "【微信支付】您的零钱已冻结，请联系客服\n妈，这是真的吗"  # (not ended: it may go on)
    assert message_count(unended) == 1
