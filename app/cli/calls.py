"""``callshield simulate-call`` and ``callshield listen``: the call path without the window.

``simulate-call NUMBER`` sends a typed number through the same path as a real call (manual source →
call controller → screener → history) and prints the verdict: for trying things out and for
training volunteers. ``listen-calls`` runs the modem and/or NCID sources headless and prints every call
with its verdict until Ctrl-C.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import threading
from collections.abc import Callable
from datetime import datetime
from typing import Any

from app import paths
from app.alerts.headless import HeadlessAlerts
from app.alerts.policy import Alert
from app.calls.controller import CallController, CallSettings
from app.calls.events import CallEnded, CallEvent, SourceState, SourceStatus
from app.calls.sources.manual import ManualSource
from app.calls.sources.modem import ModemConfig, ModemLinesError, name_modem_lines
from app.calls.sources.ncid import DEFAULT_PORT, NcidConfig
from app.calls.sources.sip import SipConfig
from app.display import alert_origin, source_label
from screening.i18n import Message
from screening.screener import NumberVerdict


def register(subparsers: argparse._SubParsersAction, parent: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    sim = subparsers.add_parser(
        "simulate-call",
        parents=[parent],
        help="模拟一次来电：识别、记录并显示结论 / simulate an incoming call: screen, record, show the verdict",
        description="模拟来电（用于试用和志愿者培训），与真实来电走同一流程并写入通话记录。 / "
        "Simulate an incoming call (for trying things out and training volunteers); "
        "it takes the same path as a real call and is recorded in the history.",
    )
    sim.add_argument("number", help="来电号码 / the caller's number")
    sim.add_argument("--line", default="manual", help="线路名称（默认 manual） / line name (default: manual)")
    sim.add_argument("--name", default=None, help="来电显示的名字 / caller name, if any")
    sim.add_argument("--json", action="store_true", help="输出 JSON / print JSON")
    sim.set_defaults(func=simulate_call)

    # "listen" itself belongs to the speech feature (live transcription); calls get "listen-calls".
    listen = subparsers.add_parser(
        "listen-calls",
        parents=[parent],
        help="监听来电（调制解调器 / NCID），逐个显示结论 / listen for calls (modem / NCID) and print each verdict",
        description="在无界面模式下运行来电来源，按 Ctrl-C 结束。 / Run call sources headless until Ctrl-C.",
    )
    listen.add_argument(
        "--modem",
        metavar="PORT[=LINE]|auto",
        action="append",
        help="来电显示调制解调器的串口（可写多次，每条座机一个；=后面是线路名），或 auto 自动查找 / caller-ID modem "
        "serial port (repeat it for several landlines; =LINE names the line), or auto to detect one",
    )
    listen.add_argument(
        "--ncid",
        metavar="HOST[:PORT]",
        help=f"NCID 服务器（默认端口 {DEFAULT_PORT}） / NCID server (port {DEFAULT_PORT})",
    )
    listen.add_argument(
        "--sip",
        metavar="sip:USER@SERVER",
        help="SIP 线路（通过 baresip） / a SIP line, through baresip",
    )
    listen.add_argument(
        "--sip-password-env",
        metavar="VAR",
        default="CALLSHIELD_SIP_PASSWORD",
        help="从这个环境变量读取 SIP 密码 / read the SIP password from this environment variable",
    )
    listen.add_argument(
        "--sip-listen",
        metavar="IP:PORT",
        default=SipConfig.listen,
        help=f"本机 SIP 端口（默认 {SipConfig.listen}） / local SIP address",
    )
    listen.add_argument(
        "--sip-direct",
        action="store_true",
        help="不注册，对方直接拨打本线路地址 / no registration: callers dial the line's address directly",
    )
    listen.add_argument(
        "--sip-e164",
        action="store_true",
        help="SIP 线路把国内来电写成 +86 开头时，按国内号码判断 / the SIP provider writes domestic callers as +86…: "
        "read them as dialled at home",
    )
    listen.add_argument("--baud", type=int, default=ModemConfig.baudrate, help="串口速率 / serial speed")
    listen.add_argument(
        "--country",
        default="26",
        help="调制解调器国家代码 AT+GCI（26 = 中国，none = 不设置） / modem country code (26 = China, none = leave)",
    )
    listen.add_argument(
        "--auto-hangup",
        action="store_true",
        help="自动挂断（调制解调器）或拒接（SIP）应拦截的来电 / hang up (modem) or refuse (SIP) calls to block",
    )
    listen.add_argument(
        "--push-blocks",
        action="store_true",
        help="把应拦截的号码加入 NCID 服务器黑名单 / add blocked numbers to the NCID server's blacklist",
    )
    listen.add_argument(
        "--max-calls",
        type=int,
        default=0,
        help="收到这么多来电后退出（0 = 一直运行） / exit after N calls (0 = run on)",
    )
    listen.set_defaults(func=listen_calls)


# -- shared printing -------------------------------------------------------------------------------------


def _describe(event: CallEvent, verdict: NumberVerdict, history_id: int | None, lang: str) -> list[str]:
    en = lang == "en"
    number = event.display_number(lang)
    lines = [f"Call {number} (line {event.line})" if en else f"来电 {number}（线路 {event.line}）"]
    if event.name:
        lines.append(f"  Name: {event.name}" if en else f"  名字：{event.name}")
    attribution = verdict.number.attribution
    place = attribution.description_en if en else attribution.description_zh
    if place:
        lines.append(f"  Location: {place}" if en else f"  归属地：{place}")
    level = verdict.level.label(lang)
    lines.append(
        f"  Verdict: {level} (risk {verdict.score:.2f})" if en else f"  结论：{level}（风险分 {verdict.score:.2f}）"
    )
    for reason in verdict.reasons:
        lines.append(f"    · {reason.render(lang)}")
    if history_id is not None:
        lines.append(f"  Saved to the history as #{history_id}" if en else f"  已记入通话记录（编号 {history_id}）")
    else:
        lines.append("  Could not be saved to the history" if en else "  未能写入通话记录")
    return lines


def _status_line(status: SourceStatus, lang: str) -> str:
    where = source_label(status.source, lang) + (f" {status.line}" if status.line else "")  # [调制解调器 前台]
    return f"[{where}] {status.render(lang)}"


# -- simulate-call ---------------------------------------------------------------------------------------


def simulate_call(args: argparse.Namespace, ctx: Any) -> int:
    controller = CallController(paths.db_path(ctx.data_dir))
    done = threading.Event()
    result: dict[str, Any] = {}
    problems: list[Message] = []

    def on_call(event: CallEvent, verdict: NumberVerdict, history_id: int | None) -> None:
        result.update(event=event, verdict=verdict, history_id=history_id)
        done.set()

    controller.add_listener(on_call)
    controller.add_problem_listener(problems.append)
    try:
        controller.start()
    except Exception as exc:
        print(ctx.t(f"无法打开数据库：{exc}", f"cannot open the database: {exc}"), file=ctx.err)
        return 1
    source = ManualSource(controller.submit)
    controller.attach(source)
    source.start()
    try:
        problem = source.submit(args.number, line=args.line, name=args.name)
        if problem is not None:
            print(problem.render(ctx.lang), file=ctx.err)
            return 2
        if not done.wait(30):
            print(ctx.t("识别超时", "screening timed out"), file=ctx.err)
            return 1
    finally:
        controller.close()
    for message in problems:
        print(message.render(ctx.lang), file=ctx.err)
    event, verdict, history_id = result["event"], result["verdict"], result["history_id"]
    if args.json:
        payload = {
            "line": event.line,
            "name": event.name,
            "received_at": event.received_at.isoformat(),
            "source": event.source,
            "history_id": history_id,
            **verdict.to_dict(),
        }
        print(json.dumps(payload, ensure_ascii=False, indent=2), file=ctx.out)
    else:
        print("\n".join(_describe(event, verdict, history_id, ctx.lang)), file=ctx.out)
    return 0 if history_id is not None else 1


# -- listen ----------------------------------------------------------------------------------------------


def _parse_ncid(text: str) -> tuple[str, int] | None:
    text = text.strip()
    if text.startswith("["):  # [::1]:3333
        host, _, rest = text[1:].partition("]")
        port_text = rest.removeprefix(":")
    elif text.count(":") == 1:
        host, _, port_text = text.partition(":")
    else:
        host, port_text = text, ""
    if not host:
        return None
    if not port_text:
        return host, DEFAULT_PORT
    if not port_text.isdigit() or not 0 < int(port_text) < 65536:
        return None
    return host, int(port_text)


def call_alert(event: CallEvent, verdict: NumberVerdict, history_id: int | None) -> Alert:
    """The alert for a screened call, as the Live page raises it when the call rings (number and reasons)."""
    return Alert(
        key=f"call-{history_id}" if history_id is not None else f"line-{event.line}-{event.received_at.isoformat()}",
        number=str(event.raw_number),
        level=verdict.level,
        reasons=tuple(verdict.reasons),
        at=event.received_at.timestamp(),
        source="call",
        **alert_origin(event.source, event.line),
    )


def _headless_alerts(ctx: Any, say: Callable[[str, Any], None]) -> HeadlessAlerts | None:
    """E-mail alerts as the saved settings have them (a trial's supervisor got none from ``listen-calls``); said at the
    start, so whoever runs it knows whether anyone will be told. None without usable e-mail settings."""
    from app.settings import load_settings

    try:
        saved = load_settings(ctx.data_dir)
    except Exception as exc:  # a broken settings file must not stop the screening
        say(
            ctx.t(f"读不了设置文件，不发邮件提醒：{exc}", f"cannot read the settings, no e-mail alerts: {exc}"), ctx.err
        )
        return None
    smtp = saved.smtp
    if not (smtp.enabled and smtp.usable):
        say(ctx.t("邮件提醒：未开启（在“设置”里开启）", "e-mail alerts: off (turn them on in Settings)"), ctx.err)
        return None
    to = ", ".join(smtp.recipients)
    level = saved.alert_sensitivity.label(ctx.lang)
    say(ctx.t(f"邮件提醒：{level}及以上发给 {to}", f"e-mail alerts: {level} and above, to {to}"), ctx.err)

    def sent(alert: Alert) -> None:
        say(ctx.t(f"已发邮件提醒：{alert.number}", f"alert e-mailed: {alert.number}"), ctx.err)

    def failed(alert: Alert, exc: BaseException) -> None:
        say(
            ctx.t(f"邮件提醒没有发出（{alert.number}）：{exc}", f"alert e-mail failed ({alert.number}): {exc}"), ctx.err
        )

    return HeadlessAlerts(saved, ctx.lang, background=True, on_sent=sent, on_failed=failed)


def modem_lines(values: list[str]) -> list[tuple[str, str]]:
    """Each ``--modem PORT[=LINE]`` as (port, line id), named and checked as the settings' modems are
    (``app.calls.sources.modem.name_modem_lines``). Raises ``ModemLinesError``."""
    pairs = []
    for value in values:
        port, sep, line = value.partition("=")
        pairs.append((port, line if sep else ""))
    return name_modem_lines(pairs)


def listen_calls(args: argparse.Namespace, ctx: Any) -> int:
    if not args.modem and not args.ncid and not args.sip:
        print(
            ctx.t(
                "请至少指定一个来电来源：--modem PORT|auto、--ncid HOST:PORT 或 --sip sip:用户@服务器",
                "give at least one call source: --modem PORT|auto, --ncid HOST:PORT or --sip sip:USER@SERVER",
            ),
            file=ctx.err,
        )
        return 2
    country = None if str(args.country).lower() in ("", "none", "off") else str(args.country)
    try:
        modems = modem_lines(args.modem or [])
    except ModemLinesError as exc:
        print(exc.message.render(ctx.lang), file=ctx.err)
        return 2
    modem_cfgs = [
        ModemConfig(port=port, baudrate=args.baud, country_code=country, line_id=line) for port, line in modems
    ]
    ncid_cfg = None
    if args.ncid:
        parsed = _parse_ncid(args.ncid)
        if parsed is None:
            print(
                ctx.t(
                    f"NCID 地址无效：{args.ncid}（应为 主机:端口）", f"invalid NCID address: {args.ncid} (HOST:PORT)"
                ),
                file=ctx.err,
            )
            return 2
        ncid_cfg = NcidConfig(host=parsed[0], port=parsed[1])

    sip_cfg = None
    if args.sip:
        sip_cfg = SipConfig(
            account=args.sip,
            password=os.environ.get(args.sip_password_env, ""),
            register=not args.sip_direct,
            listen=args.sip_listen,
            home_e164=args.sip_e164,
        )

    settings = CallSettings(auto_hangup=args.auto_hangup, push_blocks_to_ncid=args.push_blocks)
    controller = CallController(paths.db_path(ctx.data_dir), settings)
    print_lock = threading.Lock()
    finished = threading.Event()
    count = 0

    def say(text: str, stream: Any) -> None:
        with print_lock:
            print(text, file=stream, flush=True)

    alerts = _headless_alerts(ctx, say)

    def on_call(event: CallEvent, verdict: NumberVerdict, history_id: int | None) -> None:
        nonlocal count
        stamp = event.received_at.astimezone().strftime("%H:%M:%S")
        say(f"{stamp} " + "\n".join(_describe(event, verdict, history_id, ctx.lang)), ctx.out)
        if alerts is not None:  # the e-mail the desktop sends, with the same threshold and cool-down
            alerts.consider_alert(call_alert(event, verdict, history_id))
        count += 1
        if args.max_calls and count >= args.max_calls:
            finished.set()

    def on_end(ended: CallEnded) -> None:
        say(
            ctx.t(f"线路 {ended.line}：通话结束（{ended.reason}）", f"line {ended.line}: call over ({ended.reason})"),
            ctx.err,
        )

    shown: dict[str, set[str]] = {}

    def on_status(status: SourceStatus) -> None:
        # A source that keeps retrying repeats itself every few seconds: print each message once
        # per outage, and start afresh once it is connected again.
        text = _status_line(status, ctx.lang)
        with print_lock:  # (several sources' threads report at once)
            seen = shown.setdefault(f"{status.source}/{status.line}", set())  # each modem of several on its own
            if text in seen:
                return
            seen.add(text)
            if status.state is SourceState.CONNECTED:
                seen.clear()
        say(text, ctx.err)

    controller.add_listener(on_call)
    controller.add_end_listener(on_end)
    controller.add_problem_listener(lambda m: say(m.render(ctx.lang), ctx.err))
    try:
        controller.start()
    except Exception as exc:
        print(ctx.t(f"无法打开数据库：{exc}", f"cannot open the database: {exc}"), file=ctx.err)
        return 1
    sources = controller.create_sources(modem=modem_cfgs, ncid=ncid_cfg, manual=False, on_status=on_status, sip=sip_cfg)
    previous = None
    if threading.current_thread() is threading.main_thread():
        previous = signal.signal(signal.SIGTERM, lambda *_: finished.set())
    started = datetime.now()
    say(ctx.t("正在监听来电，按 Ctrl-C 结束…", "listening for calls; press Ctrl-C to stop…"), ctx.err)
    try:
        for source in sources:
            source.start()
        while not finished.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        controller.close()
        if alerts is not None:
            alerts.close()
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
    minutes = (datetime.now() - started).total_seconds() / 60
    say(
        ctx.t(f"已停止：{minutes:.1f} 分钟内收到 {count} 个来电", f"stopped: {count} calls in {minutes:.1f} min"),
        ctx.err,
    )
    return 0
