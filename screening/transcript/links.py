"""Links and the sites they claim to be: one host parser, one table of official domains, one "is it theirs" test.

``blocklists/data/official_domains.json`` lists the web domains institutions really use: by the short number that
sends their SMS (``by_number``, read by :mod:`screening.sms`) and by the name a fraud link borrows (``by_name``).

A link **poses as an official site** (仿冒网址) when a piece of its host carries such a name (``icbc-upd.com``,
``10086-jf.cn``, ``rsbt-gov.cc``) and the host is none of the domains the file lists for anyone: police notices
name these as the usual road to a phishing page, while an honest sender links to its own domain (``icbc.com.cn``,
``10086.cn``), any government site (``*.gov.cn``, ``gov.hk``) or a shortener, which names nobody. A brand's bare name
under a common ending (``ctrip.cn`` beside the listed ``ctrip.com``) also counts as its own: see
:data:`BRAND_ENDINGS`. Runs on normalised text (lower case, half-width) and the ``url`` entities of
:mod:`screening.transcript.entities`. Plain Python, no Qt.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from screening.transcript.entities import extract_entities

# A name with a digit, or of at least this many letters, also counts at the start or end of a piece of the host
# (``m-icbcvip.cn``, ``jg12123-cl.cn``); a shorter one only as a whole piece between dots and hyphens
# (``boc-sjsc.com``), because short letter runs turn up inside ordinary words (``pineapple``, ``citics``).
GLUED_LETTERS = 6
_IP = re.compile(r"^[\d.]+$")
# gov.cn, gov.hk, gov.mo …: an authority's own sites (not gov. under any two letters: gov.cc is anybody's)
_GOV = re.compile(r"(?:^|\.)gov\.(?:cn|hk|mo|tw|sg|uk)$")
_PIECES = re.compile(r"[.-]")
_SCHEME = re.compile(r"^[^a-z0-9]*(?:[a-z][a-z0-9+.-]*://)?")
_HOST_CHARS = re.compile(r"[a-z0-9.-]*")
# A brand's own name under one of these endings is taken as the brand's (``ctrip.cn`` beside the listed ``ctrip.com``,
# ``bankcomm.cn`` beside ``bankcomm.com``): Chinese brands register their name under all of them, so a phishing host
# adds to the name (``ctrip-tk.cn``) or uses a cheap ending (``icbc.top``). Honest SMS from travel sites and banks
# linking to such a domain were flagged as lookalikes before (a round-11 writer: 8 of 341 honest link SMS).
BRAND_ENDINGS = ("com", "cn", "com.cn", "net", "net.cn")


@dataclass(frozen=True)
class OfficialDomains:
    common: tuple[str, ...]  # any official sender may link here (gov.cn, 12306.cn …)
    by_number: dict[str, tuple[str, ...]]  # short number → the domains its SMS link to
    by_name: dict[str, tuple[str, ...]]  # a name links borrow → the domains it really uses
    every: tuple[str, ...]  # all of the above: a host here is somebody's own site


@lru_cache(maxsize=1)
def official_domains() -> OfficialDomains:
    """The table in ``blocklists/data/official_domains.json``."""
    node = resources.files("blocklists").joinpath("data").joinpath("official_domains.json")
    data = json.loads(node.read_text(encoding="utf-8"))

    def domains(items: list[str]) -> tuple[str, ...]:
        return tuple(str(d).lower() for d in items)

    common = domains(data["common"])
    by_number = {str(k): domains(v) for k, v in data["by_number"].items()}
    by_name = {str(k).lower(): domains(v) for k, v in data["by_name"].items()}
    every = {*common, *(d for v in by_number.values() for d in v), *(d for v in by_name.values() for d in v)}
    return OfficialDomains(common, by_number, by_name, tuple(sorted(every)))


def _authority(url: str) -> tuple[str, str]:
    """(user-name part, host part) of a link, lower case, without scheme, path and leading punctuation."""
    text = _SCHEME.sub("", url.strip().lower(), count=1)
    text = re.split(r"[/?#\\]", text, maxsplit=1)[0]
    user, _, rest = text.rpartition("@")
    return user, rest


def _clean_host(text: str) -> str:
    m = _HOST_CHARS.match(text)
    host = (m.group(0) if m else "").strip(".-")
    return host[4:] if host.startswith("www.") else host


def host_of(url: str) -> str:
    """The host a link goes to: scheme, user name (``icbc.com.cn@evil.cc`` goes to ``evil.cc``), ``www.``, port,
    path, and punctuation the sentence ran into it (``www.10010.com,``) dropped."""
    return _clean_host(_authority(url)[1])


def is_official(host: str, domains: tuple[str, ...]) -> bool:
    """Whether ``host`` is one of ``domains`` or a subdomain of one."""
    return any(host == d or host.endswith("." + d) for d in domains)


def _carries(piece: str, name: str, whole_only: bool = False) -> bool:
    if piece == name:
        return True
    glued = not whole_only and (any(ch.isdigit() for ch in name) or len(name) >= GLUED_LETTERS)
    return glued and (piece.startswith(name) or piece.endswith(name))


def impersonated_name(url: str) -> str | None:
    """The official name a link borrows without being anyone's official site (``icbc-upd.com`` → ``icbc``)."""
    user, rest = _authority(url)
    host = _clean_host(rest)
    table = official_domains()
    if user:
        # icbc.com.cn@1.2.3.4: the part before @ is only a user name, shown to look like the bank's address
        shown = _clean_host(user)
        if shown != host and (name := _borrowed(shown, table, official_too=True)) is not None:
            return name
    if "." not in host or _IP.match(host) or _anyones_own(host):
        return None
    if _brand_own(host, table):
        return None
    return _borrowed(host, table)


def _anyones_own(host: str) -> bool:
    """Whether ``host`` is an authority's site (``*.gov.cn``) or under a domain the table lists for anyone."""
    return _GOV.search(host) is not None or is_official(host, official_domains().every)


def _brand_own(host: str, table: OfficialDomains) -> bool:
    """Whether ``host`` is (under) a brand's bare name with one of :data:`BRAND_ENDINGS`, for a brand whose listed
    domains include its bare name (``ctrip`` lists ``ctrip.com``; ``gov``'s ``gov.cn`` is an authority's suffix, and
    ``12123`` lists only ``122.gov.cn``, so neither owns ``gov.com`` or ``12123.cn``)."""
    for ending in BRAND_ENDINGS:
        if not host.endswith("." + ending):
            continue
        label = host[: -len(ending) - 1].rsplit(".", 1)[-1]
        domains = table.by_name.get(label, ())
        if any(f"{label}.{e}" in domains and not _GOV.search(f"{label}.{e}") for e in BRAND_ENDINGS):
            return True
    return False


def _borrowed(host: str, table: OfficialDomains, official_too: bool = False) -> str | None:
    """The first name of the table a piece of ``host`` carries (``official_too``: a whole official domain counts)."""
    if official_too:
        for name, domains in table.by_name.items():
            if is_official(host, domains):
                return name
    pieces = [p for p in _PIECES.split(host) if p]
    for piece in pieces[:-1]:  # the last piece is the top-level domain
        for name, domains in table.by_name.items():
            # a name with no site of its own, only the authorities' suffix (tuishui, shebao: a service in pinyin), is
            # an everyday word: only a whole piece borrows it (renshenguo.cn sells ginseng, 51shebao.com is a firm)
            if _carries(piece, name, whole_only=all(d == "gov.cn" for d in domains)):
                return name
    return None


# The 【签名】 tag every commercial SMS carries, at its start or end: who claims to send it.
_SIGNATURE = re.compile(r"^\s*[【\[]([^】\]]{1,20})[】\]]|[【\[]([^】\]]{1,20})[】\]]\s*$")
# A signature that names a government office: 【人社】, 【交管12123】, 【XX区人民法院】, 【区征兵办公室】, 【自然资源局】.
# Their messages link to government sites (*.gov.cn), schools' (*.edu.cn), the national anti-fraud app's or a link
# shortener if at all; police warn of fake ones (a 12123 fine, a pension check, an ETC or subsidy claim) that link
# anywhere else. Named by the office, not by a bare 局 or 厅: 中华书局, 邮局, 电业局, 营业厅 and 餐厅 are no offices, nor
# are 业主委员会 and 家长委员会, 21世纪不动产 (an estate agent), 老人社区, 社保代缴 firms, 税务师事务所, or 公安县人民医院.
_AUTHORITY = re.compile(
    r"(?:公安|税务|人社|医保|民政|财政|教育|卫健|交通|自然资源|住建|住房和城乡建设|统计|市场监管|农业农村|商务|"
    r"文旅|退役军人事务|应急管理|生态环境|水务|城管|司法|海关)(?:局|厅|部|委)|"
    r"公安(?!县)|派出所|警方|交警|交管|车管所|法院|检察院|人民政府|政务服务|街道办|(?<!老)人社(?!区)|"
    r"社保(?!代)|医保|税务(?!师)|征兵|兵役|公积金|不动产登记|卫健委|发改委|工信部|国家反诈|反诈中心|人民银行|"
    r"12123|12345|12333|12366|出入境管理|边检"
)
# Link shorteners name nobody and offices use them too (t.cn in a police SMS); a message's link through one is judged
# by what else it says.
SHORTENERS = ("t.cn", "url.cn", "dwz.cn", "suo.im", "w.url.cn", "sina.lt")


def split_signature(body: str) -> tuple[str | None, str]:
    """``"【京东】您的订单…"`` → ``("京东", "您的订单…")``; a trailing tag is taken too."""
    m = _SIGNATURE.search(body)
    if m is None:
        return None, body
    return (m.group(1) or m.group(2)).strip(), (body[: m.start()] + body[m.end() :]).strip()


def is_authority_signature(signature: str) -> bool:
    """Whether a message's 【签名】 (without brackets) names a government office."""
    return _AUTHORITY.search(signature) is not None


def off_authority_sites(host: str) -> bool:
    """Whether a government office's message would not link to ``host``: no government site (``*.gov.cn``), school
    (``*.edu.cn``) or other official domain the table lists (the national anti-fraud app's gjfzpt.cn, its WeChat
    articles on qq.com, 12306.cn …), nor a link shortener, nor a host without a dot."""
    return "." in host and not _anyones_own(host) and not is_official(host, SHORTENERS)


def authority_stray_links(norm: str) -> list[tuple[int, int]]:
    """(start, end) of every link in ``norm`` off the government sites when the message is signed by a government
    office (:func:`is_authority_signature`): 「【人社】您的养老金资格认证已过期…速认证：rs-rzzx.cn」."""
    if "." not in norm:
        return []
    signature, _ = split_signature(norm)
    if signature is None or not is_authority_signature(signature):
        return []
    return [
        (e.start, e.end) for e in extract_entities(norm) if e.kind == "url" and off_authority_sites(host_of(e.value))
    ]


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


def borrowed_names() -> tuple[str, ...]:
    """Every name a lookalike link can be found borrowing, in the table's order (stable codes for hits)."""
    return tuple(official_domains().by_name)


__all__ = [
    "OfficialDomains",
    "authority_stray_links",
    "is_authority_signature",
    "off_authority_sites",
    "split_signature",
    "borrowed_names",
    "host_of",
    "impersonated_name",
    "is_official",
    "lookalike_links",
    "official_domains",
]
