"""Write realistic SMS Backup & Restore files (``calls-*.xml`` / ``sms-*.xml``) with the known quirks.

What real backups contain and this factory reproduces: the XML declaration and the app's stylesheet line,
``count``/``backup_set``/``backup_date`` root attributes, ``readable_date`` and ``contact_name`` (Chinese
names, ``(Unknown)``), emoji written as **invalid** surrogate-pair character references
(``&#55357;&#56836;``), a control-character reference (``&#1;``), entity-escaped quotes and ampersands, and
MMS with a SMIL part, a text part and a base64 image part.  Used by the tests and by ``bench/bench_phone.py``.
"""

from __future__ import annotations

import base64
import random
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

CST = timezone(timedelta(hours=8))
EMOJI_REF = "&#55357;&#56836;"  # 😄 as the app writes it: two UTF-16 halves, invalid XML
BASE = datetime(2026, 11, 30, 9, 0, tzinfo=CST)

BENIGN_SMS = [
    ("95588", "【工商银行】您尾号{n4}的卡12月{d}日消费{amt}元，余额3,250.00元。详见 https://m.icbc.com.cn/x"),
    ("10086", "【中国移动】尊敬的客户，您本月话费{amt}元，详情登录 https://www.10086.cn 查询。"),
    ("1069055{n4}", "【京东】您的订单已由顺丰送达，如有问题请联系客服 95118。"),
    ("13912345678", "妈，周末我们带孩子回来吃饭 " + EMOJI_REF),
    ("1065902{n4}", "【美团】您的验证码是{n4}，5分钟内有效，请勿泄露。"),
]
FRAUD_SMS = [
    ("10690000123", "【优选商城】诚聘兼职刷单，日结200元，动动手指在家赚钱，详情加QQ 3344556677"),
    ("10086", "【中国移动】您的积分即将清零，请登录 http://10086-jf.top 兑换现金"),
    ("17012345678", "妈，我手机掉了，这是我新号，加我微信 abc12345 急用钱"),
]
CALL_NUMBERS = [
    ("13912345678", "儿子"),
    ("95588", "工商银行"),
    ("13800138000", None),
    ("95275012", None),
    ("+85296110", None),
    ("10690000123", None),
    ("02151234567", "社区医院"),
]


def _ms(t: datetime) -> int:
    return int(t.timestamp() * 1000)


def _readable(t: datetime) -> str:
    return t.strftime("%Y年%m月%d日 %H:%M:%S")


@dataclass(frozen=True)
class Call:
    number: str
    at: datetime
    type: int = 1
    duration: int = 35
    name: str | None = None
    presentation: int = 1


@dataclass(frozen=True)
class Sms:
    address: str
    at: datetime
    body: str  # may contain &#…; references, written as is (already escaped text)
    type: int = 1
    name: str | None = None


@dataclass(frozen=True)
class Mms:
    address: str
    at: datetime
    text: str
    image_bytes: int = 20_000
    name: str | None = None


def _name_attr(name: str | None) -> str:
    return quoteattr(name if name else "(Unknown)")


def _esc_body(body: str) -> str:
    # quoteattr escapes & < > and quotes; keep our deliberate &#…; references intact
    entities = {'"': "&quot;", "\n": "&#10;"}
    parts = body.split("&#")
    out = escape(parts[0], entities)
    for piece in parts[1:]:
        ref, sep, rest = piece.partition(";")
        out += "&#" + ref + sep + escape(rest, entities)
    return '"' + out + '"'


def call_lines(calls: Iterable[Call]) -> Iterable[str]:
    for c in calls:
        yield (
            f'  <call number={quoteattr(c.number)} duration="{c.duration}" date="{_ms(c.at)}" type="{c.type}" '
            f'presentation="{c.presentation}" subscription_id="1" post_dial_digits="" subscription_component_name='
            f'"com.android.phone/com.android.services.telephony.TelephonyConnectionService" '
            f'readable_date="{_readable(c.at)}" contact_name={_name_attr(c.name)} />\n'
        )


def write_calls(path: Path, calls: list[Call] | Iterable[Call], count: int | None = None) -> Path:
    calls = list(calls) if count is None else calls
    n = len(calls) if count is None else count  # type: ignore[arg-type]
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        fh.write("<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n")
        fh.write("<!--File Created By SMS Backup & Restore v10.20.002 on 04/12/2026 09:30:00-->\n")
        fh.write('<?xml-stylesheet type="text/xsl" href="calls.xsl"?>\n')
        fh.write(f'<calls count="{n}" backup_set="6f2c0d0e-1a2b" backup_date="{_ms(BASE)}" type="full">\n')
        for line in call_lines(calls):
            fh.write(line)
        fh.write("</calls>\n")
    return path


def message_lines(messages: Iterable[Sms | Mms]) -> Iterable[str]:
    for m in messages:
        if isinstance(m, Sms):
            yield (
                f'  <sms protocol="0" address={quoteattr(m.address)} date="{_ms(m.at)}" type="{m.type}" '
                f'subject="null" body={_esc_body(m.body)} toa="null" sc_toa="null" service_center="+8613800100500" '
                f'read="1" status="-1" locked="0" date_sent="{_ms(m.at) - 2000}" sub_id="1" '
                f'readable_date="{_readable(m.at)}" contact_name={_name_attr(m.name)} />\n'
            )
        else:
            image = base64.b64encode(bytes((i * 7) % 256 for i in range(m.image_bytes))).decode()
            yield (
                f'  <mms date="{_ms(m.at)}" ct_t="application/vnd.wap.multipart.related" msg_box="1" '
                f'address={quoteattr(m.address)} read="1" m_type="132" text_only="0" sub_id="1" '
                f'readable_date="{_readable(m.at)}" contact_name={_name_attr(m.name)}>\n'
                "    <parts>\n"
                '      <part seq="-1" ct="application/smil" name="null" chset="null" cl="smil.xml" '
                'text=\'&lt;smil&gt;&lt;body&gt;&lt;par dur="5000ms"&gt;&lt;img src="image.jpg"/&gt;&lt;/par&gt;'
                "&lt;/body&gt;&lt;/smil&gt;' />\n"
                f'      <part seq="0" ct="text/plain" name="null" chset="106" cl="text_0.txt" text={_esc_body(m.text)} />\n'
                f'      <part seq="1" ct="image/jpeg" name="image.jpg" chset="null" cl="image.jpg" text="null" '
                f'data="{image}" />\n'
                "    </parts>\n"
                "    <addrs>\n"
                f'      <addr address={quoteattr(m.address)} type="137" charset="106" />\n'
                '      <addr address="13700001111" type="151" charset="106" />\n'
                "    </addrs>\n"
                "  </mms>\n"
            )


def write_messages(path: Path, messages: list[Sms | Mms] | Iterable[Sms | Mms], count: int | None = None) -> Path:
    messages = list(messages) if count is None else messages
    n = len(messages) if count is None else count  # type: ignore[arg-type]
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        fh.write("<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n")
        fh.write("<!--File Created By SMS Backup & Restore v10.20.002 on 04/12/2026 09:30:00-->\n")
        fh.write('<?xml-stylesheet type="text/xsl" href="sms.xsl"?>\n')
        fh.write(f'<smses count="{n}" backup_set="6f2c0d0e-1a2b" backup_date="{_ms(BASE)}" type="full">\n')
        for line in message_lines(messages):
            fh.write(line)
        fh.write("</smses>\n")
    return path


def realistic_calls(base: datetime = BASE) -> list[Call]:
    """A week of an elderly parent's calls: family, the bank, a leased-95 caller, a spoofed 96110, a 1069 caller."""
    out = []
    for i, (number, name) in enumerate(CALL_NUMBERS):
        out.append(Call(number, base - timedelta(days=i % 6, hours=i), type=[1, 2, 3, 1, 1, 5, 1][i], name=name))
    out.append(Call("", base - timedelta(hours=30), type=3, presentation=2, duration=0))  # withheld
    return out


def realistic_messages(base: datetime = BASE) -> list[Sms | Mms]:
    out: list[Sms | Mms] = []
    for i, (addr, body) in enumerate(BENIGN_SMS):
        out.append(
            Sms(
                addr.format(n4="1234"),
                base - timedelta(days=i, minutes=7),
                body.format(n4="4321", d=i + 1, amt="58.00"),
            )
        )
    out.append(Sms("13912345678", base - timedelta(hours=3), "好的&#1;收到", type=2, name="儿子"))
    for i, (addr, body) in enumerate(FRAUD_SMS):
        out.append(Sms(addr, base - timedelta(days=i, hours=2), body))
    out.append(Mms("13912345678", base - timedelta(hours=5), "看看孙子的照片 " + EMOJI_REF, name="儿子"))
    return out


def synthetic_calls(n: int, seed: int = 14) -> Iterable[Call]:
    rnd = random.Random(seed)
    for i in range(n):
        if rnd.random() < 0.02:
            number = rnd.choice(["95275012", "10690000123", "+85296110", "+0085212345678"])
        else:
            number = f"1{rnd.choice('3589')}{rnd.randrange(10**9):09d}"
        yield Call(number, BASE - timedelta(seconds=i * 97), type=rnd.choice([1, 1, 2, 3]), duration=rnd.randrange(300))


def synthetic_messages(n: int, seed: int = 15) -> Iterable[Sms | Mms]:
    rnd = random.Random(seed)
    for i in range(n):
        at = BASE - timedelta(seconds=i * 53)
        r = rnd.random()
        if r < 0.01:
            addr, body = rnd.choice(FRAUD_SMS)
        elif r < 0.012:
            yield Mms("13912345678", at, "照片 " + EMOJI_REF, image_bytes=3000)
            continue
        else:
            addr, body = rnd.choice(BENIGN_SMS)
        yield Sms(
            addr.format(n4=f"{rnd.randrange(10**4):04d}"),
            at,
            body.format(n4=f"{rnd.randrange(10**4):04d}", d=rnd.randrange(1, 28), amt=f"{rnd.randrange(10**4)}.00"),
        )
