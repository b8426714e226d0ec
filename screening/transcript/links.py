"""Links that pose as an official site: a bank's, a carrier's, a platform's or an authority's name inside someone
else's domain (``icbc-upd.com``, ``10086-jf.cn``, ``rsbt-gov.cc``).

Police notices name these 仿冒网址 as the usual road to a phishing page; an honest sender links to its own domain
(``icbc.com.cn``, ``10086.cn``, ``*.gov.cn``) or to a shortener, which names nobody. Runs on normalised text (lower
case, half-width) and on the ``url`` entities of :mod:`screening.transcript.entities`. Plain Python, no Qt.
"""

from __future__ import annotations

import re

from screening.transcript.entities import extract_entities

# Name in a domain → the registrable domains that name really uses. A name of four or more characters also counts
# at the start or end of a piece of the domain (``m-icbcvip.cn``, ``jg12123-cl.cn``); a shorter one only as a whole
# piece between dots and hyphens (``boc-sjsc.com``), because short letter runs turn up inside ordinary words.
OFFICIAL_DOMAINS: dict[str, tuple[str, ...]] = {
    # carriers
    "10086": ("10086.cn", "chinamobile.com"),
    "10010": ("10010.com", "10010.cn", "chinaunicom.cn", "chinaunicom.com"),
    "10000": ("189.cn", "chinatelecom.com.cn"),
    "189": ("189.cn",),
    "chinamobile": ("chinamobile.com", "10086.cn"),
    "chinaunicom": ("chinaunicom.cn", "chinaunicom.com", "10010.com"),
    "chinatelecom": ("chinatelecom.com.cn", "189.cn"),
    # banks and card schemes
    "icbc": ("icbc.com.cn", "icbc.com"),
    "ccb": ("ccb.com", "ccb.cn"),
    "abchina": ("abchina.com", "abchina.com.cn"),
    "boc": ("boc.cn", "bankofchina.com"),
    "bocom": ("bankcomm.com",),
    "bankcomm": ("bankcomm.com",),
    "cmb": ("cmbchina.com",),
    "cmbchina": ("cmbchina.com",),
    "cmbc": ("cmbc.com.cn",),
    "psbc": ("psbc.com",),
    "cebbank": ("cebbank.com",),
    "cib": ("cib.com.cn",),
    "citic": ("citicbank.com", "citic.com"),
    "spdb": ("spdb.com.cn",),
    "pingan": ("pingan.com", "pingan.com.cn", "pingan.cn"),
    "unionpay": ("unionpay.com", "95516.com"),
    "95516": ("95516.com", "unionpay.com"),
    "95588": ("icbc.com.cn",),
    "95533": ("ccb.com",),
    "95599": ("abchina.com",),
    "95566": ("boc.cn",),
    "95555": ("cmbchina.com",),
    # payment, shops, delivery, travel
    "alipay": ("alipay.com", "alipay.cn"),
    "taobao": ("taobao.com", "tb.cn"),
    "tmall": ("tmall.com",),
    "jd": ("jd.com", "jd.hk", "3.cn"),
    "jingdong": ("jd.com",),
    "pdd": ("pinduoduo.com", "yangkeduo.com"),
    "pinduoduo": ("pinduoduo.com",),
    "meituan": ("meituan.com",),
    "douyin": ("douyin.com",),
    "xianyu": ("goofish.com", "taobao.com"),
    "weixin": ("weixin.qq.com", "qq.com"),
    "wechat": ("wechat.com", "qq.com"),
    "tencent": ("tencent.com", "qq.com"),
    "12306": ("12306.cn",),
    "sfexpress": ("sf-express.com",),
    "ems": ("ems.com.cn", "11183.com.cn"),
    "cainiao": ("cainiao.com",),
    "csair": ("csair.com",),
    "ceair": ("ceair.com",),
    "airchina": ("airchina.com.cn", "airchina.com"),
    "ctrip": ("ctrip.com", "trip.com"),
    "huawei": ("huawei.com", "vmall.com", "hicloud.com"),
    "apple": ("apple.com", "apple.com.cn"),
    "icloud": ("icloud.com",),
    "netease": ("163.com", "netease.com"),
    # authorities: their sites end in .gov.cn
    "gov": ("gov.cn",),
    "12123": ("122.gov.cn",),
    "122": ("122.gov.cn",),
    "chinatax": ("chinatax.gov.cn",),
    "tax": ("chinatax.gov.cn", "gov.cn"),
    "etax": ("chinatax.gov.cn", "gov.cn"),
    "nhsa": ("nhsa.gov.cn",),
    "mohrss": ("mohrss.gov.cn",),
}
LOOKALIKE_RULE = "generic.lookalike_link"  # the phrase-pack rule whose weight and explanation a lookalike link gets
LONG_NAME = 4  # names at least this long also count at the start or end of a piece of the domain
_PIECES = re.compile(r"[.-]")
_SCHEME = re.compile(r"^(?:https?://)?(?:www\.)?")
_HOST = re.compile(r"[a-z0-9.-]*")


def host_of(url: str) -> str:
    """The host of a link as written in normalised text (scheme, ``www.``, path and port dropped)."""
    host = _SCHEME.sub("", url.strip().lower())
    # The host ends at the first character a host cannot have: a link's text runs on into the sentence's
    # punctuation ("www.10010.com," or "(www.189.cn)").
    m = _HOST.match(host)
    return m.group(0).strip(".-") if m else ""


def _is_official(host: str, domains: tuple[str, ...]) -> bool:
    return any(host == d or host.endswith("." + d) for d in domains)


def impersonated_name(url: str) -> str | None:
    """The official name a link borrows without being that name's site (``icbc-upd.com`` → ``icbc``), else None."""
    host = host_of(url)
    if "." not in host:
        return None
    pieces = [p for p in _PIECES.split(host) if p]
    for piece in pieces[:-1]:  # the last piece is the top-level domain
        for name, domains in OFFICIAL_DOMAINS.items():
            if piece == name or (len(name) >= LONG_NAME and (piece.startswith(name) or piece.endswith(name))):
                if not _is_official(host, domains):
                    return name
    return None


def lookalike_links(norm: str) -> list[tuple[int, int, str]]:
    """(start, end, borrowed name) of every link in ``norm`` that poses as an official site."""
    out: list[tuple[int, int, str]] = []
    if "." not in norm:  # every link has a dot; most calls have none
        return out
    for entity in extract_entities(norm):
        if entity.kind == "url":
            name = impersonated_name(entity.value)
            if name is not None:
                out.append((entity.start, entity.end, name))
    return out


__all__ = ["LOOKALIKE_RULE", "OFFICIAL_DOMAINS", "host_of", "impersonated_name", "lookalike_links"]
