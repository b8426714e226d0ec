"""``callshield phone import|watch|profiles`` and ``callshield report``: a parent's mobile phone.

callshield phone import calls-20261204.xml sms-20261204.xml 通话录音/ --profile 妈妈
callshield phone watch ~/Syncthing/妈妈/MIUI/sound_recorder/call_rec --profile 妈妈
callshield report --profile 妈妈 --days 7 --out report.html
"""

from __future__ import annotations

import argparse
import json
import logging
import signal
import threading
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from app.cli import CliContext
from app.cli.context import option_arg
from app.display import level_word
from screening.i18n import count_en, os_reason
from screening.types import Level
from speech.errors import SpeechProblem

log = logging.getLogger(__name__)

EXIT_OK, EXIT_ERROR = 0, 1
KIND_TEXT = {
    "calls": ("通话记录备份", "call backup"),
    "sms": ("短信备份", "SMS backup"),
    "calllog": ("通话记录 CSV", "call-log CSV"),
    "smslog": ("短信 CSV", "SMS CSV"),
    "csv": ("CSV 文件", "CSV file"),
    "recording": ("通话录音", "recording"),
    "unknown": ("未知文件", "unknown file"),
    "call": ("电话", "call"),
}
STATUS_TEXT = {
    "done": ("完成", "done"),
    "skipped": ("已导入过", "seen before"),
    "passed-over": ("未读取", "not read"),
    "failed": ("失败", "failed"),
    "cancelled": ("已取消", "cancelled"),
}
EVENT_KIND_TEXT = {"call": ("电话", "call"), "sms": ("短信", "SMS"), "recording": ("录音", "recording")}


def register(subparsers: argparse._SubParsersAction, parent: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    phone = subparsers.add_parser(
        "phone",
        parents=[parent],
        help="检查家人的手机：备份、短信、通话录音 / check a parent's phone: backups, SMS, call recordings",
        description="导入手机备份（SMS Backup & Restore 的 calls/sms XML、通话记录或短信 CSV、录音文件夹），或监视同步来的录音文件夹。"
        " / Import phone backups (SMS Backup & Restore calls/sms XML, call-log or SMS CSV, recording folders) or watch a "
        "synced recording folder.",
    )
    sub = phone.add_subparsers(dest="phone_command", metavar="ACTION")
    imp = sub.add_parser(
        "import",
        parents=[parent],
        help="导入备份、通话记录或录音并检查 / import and screen backups, call logs or recordings",
        description="导入并检查家人手机里导出的文件，结果写入记录。/ Import and screen files exported from a parent's "
        "phone; results go to the history.",
    )
    imp.add_argument(
        "paths",
        nargs="+",
        metavar="BACKUP_OR_FOLDER",
        help="一个或多个：SMS Backup & Restore 导出的 calls-*.xml / sms-*.xml，通话记录或短信 CSV（带表头），"
        "录音文件（wav、mp3、m4a、amr…）或装着它们的文件夹 / one or more: SMS Backup & Restore calls-*.xml or "
        "sms-*.xml, a call-log or SMS CSV with a header, recordings (wav, mp3, m4a, amr…) or a folder of them",
    )
    imp.add_argument("--profile", default="", help="这是谁的手机，例如 妈妈 / whose phone, e.g. 妈妈")
    imp.add_argument("--model", default=None, help="录音识别用的 Vosk 模型目录 / Vosk model folder for recordings")
    imp.add_argument("--json", action="store_true", help="输出 JSON / machine-readable output")
    imp.add_argument(
        "--skip-bad",
        action="store_true",
        help="CSV 里有读不出的行时，跳过这些行、导入其余的（默认整个文件都不导入）/ import a CSV's good lines, "
        "skipping the bad ones (default: nothing from that file)",
    )
    imp.set_defaults(func=cmd_import)
    watch = sub.add_parser(
        "watch",
        parents=[parent],
        help="监视录音文件夹，新录音自动检查并提醒 / watch recording folders, check and alert on new recordings",
    )
    watch.add_argument("folders", nargs="*", metavar="FOLDER", help="不写则使用已保存的文件夹 / default: saved folders")
    watch.add_argument("--profile", default="", help="这是谁的手机 / whose phone")
    watch.add_argument("--model", default=None, help="Vosk 模型目录 / Vosk model folder")
    watch.add_argument("--polling", action="store_true", help="定时检查（网络盘） / poll (network drives)")
    watch.add_argument("--save", action="store_true", help="记住这些文件夹 / remember these folders")
    watch.add_argument("--seconds", type=float, default=None, help="监视多少秒后退出 / stop after S seconds")
    watch.set_defaults(func=cmd_watch)
    profiles = sub.add_parser("profiles", parents=[parent], help="列出家人（手机） / list people (phones)")
    profiles.add_argument("--add", metavar="NAME", default=None, help="添加 / add one")
    profiles.set_defaults(func=cmd_profiles)
    phone.set_defaults(func=lambda args, ctx: _usage(phone, ctx))

    report = subparsers.add_parser(
        "report",
        parents=[parent],
        help="生成家人防诈报告（HTML） / write the family safety report (HTML)",
        description="为一位家人的手机生成一段时间的防诈报告：一个 HTML 文件，手机上也能打开，用 --lang 的语言（默认跟随系统）。"
        " / Write the family safety report for one person's phone over a period: one HTML file that opens on a phone,"
        " in the --lang language (the system's by default).",
    )
    report.add_argument("--profile", default="", help="谁的手机 / whose phone")
    period = report.add_mutually_exclusive_group()  # a month or a number of days, not both (a review)
    period.add_argument("--days", type=int, default=7, help="最近几天（默认 7） / last N days (default 7)")
    period.add_argument(
        "--month",
        choices=("this", "last"),
        default=None,
        help="按月：this=本月至今，last=上个月（代替 --days） / by calendar month: this month so far, or last month "
        "(instead of --days)",
    )
    report.add_argument(
        "--out",
        default=None,
        help="输出文件，默认“家人-防诈报告-日期.html” / output file (default: PROFILE-report-DATE.html)",
    )
    report.set_defaults(func=cmd_report)


def _usage(parser: argparse.ArgumentParser, ctx: CliContext) -> int:
    parser.print_help(ctx.err)
    return 2


def _when(iso: str) -> str:
    return datetime.fromisoformat(iso).astimezone().strftime("%m-%d %H:%M")


def _shorten(text: str, limit: int = 48) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _t2(ctx: CliContext, pair: tuple[str, str]) -> str:
    return ctx.t(*pair)


# ------------------------------------------------------------------------------------------------ import
def cmd_import(args: argparse.Namespace, ctx: CliContext) -> int:
    from app.cli.numbers import _table
    from app.operations.phone import import_phone_files
    from app.phone.importer import FileImport

    def progress(r: FileImport) -> None:
        status = _t2(ctx, STATUS_TEXT.get(r.status, (r.status, r.status)))
        print(f"… {Path(r.path).name} — {status}", file=ctx.err)

    from app.operations.phone import list_profiles

    known = list_profiles(ctx.data_dir)
    if args.profile and known and args.profile not in known:  # a typo would split one phone's data over two people
        print(
            ctx.t(
                f"提示：“{args.profile}”是新的家人（已有：{ctx.names(known)}）；如果是输错了名字，请用已有的名字重新导入。",
                f"note: “{args.profile}” is a new person (people so far: {ctx.names(known)}); if the name was mistyped, "
                "import again with the name already there.",
            ),
            file=ctx.err,
        )
    if not args.profile:
        if known:  # rows belong to a person: the same log imported without one is stored again, as nobody's
            names = ctx.names(known)
            print(
                ctx.t(
                    f"提示：没有加 --profile，这次导入的记录不属于任何家人（已有：{names}）。"
                    f"若是同一部手机，请加 {option_arg('--profile', known[0])}，以免重复。",
                    f"note: no --profile, so these records belong to nobody (people so far: {names}). "
                    f"For the same phone add {option_arg('--profile', known[0])} so nothing is stored twice.",
                ),
                file=ctx.err,
            )
    cancel = threading.Event()
    try:
        result = import_phone_files(
            ctx.data_dir,
            args.paths,
            args.profile,
            model=args.model,
            progress=progress,
            cancel=cancel,
            skip_bad=args.skip_bad,
        )
    except KeyboardInterrupt:
        cancel.set()
        raise
    if args.json:
        for f in result.files:
            ctx.out.write(
                json.dumps(
                    {
                        "path": f.path,
                        "kind": f.kind,
                        "status": f.status,
                        "read": f.read,
                        "added": f.added,
                        "rechecked": f.rechecked,
                        "unread_again": f.unread_again,
                        "existing": f.existing,
                        "screened": f.screened,
                        "flagged": [
                            {"kind": e.kind, "number": e.number, "at": e.occurred_at, "level": e.level.name.lower(),
                             "category": e.category, "excerpt": e.excerpt}
                            for e in f.suspicious()
                        ],
                        "error": None if f.error is None else {"zh": f.error.render("zh"), "en": f.error.render("en")},
                        "bad_rows": f.bad_rows,
                    },
                    ensure_ascii=False,
                )
                + "\n"
            )  # fmt: skip
        return EXIT_OK if result.ok else EXIT_ERROR
    who = args.profile or ctx.t("（未指定家人）", "(no profile)")
    print(ctx.t(f"导入到：{who}", f"profile: {who}"), file=ctx.out)
    headers = [ctx.t(h[0], h[1]) for h in (("文件", "file"), ("类型", "kind"), ("状态", "status"), ("读取", "read"),
                                           ("新增", "added"), ("已有", "existing"), ("可疑", "suspicious"),
                                           ("注意", "caution"))]  # fmt: skip
    rows = []
    for f in result.files:
        rows.append(
            [Path(f.path).name, _t2(ctx, KIND_TEXT.get(f.kind, (f.kind, f.kind))),
             _t2(ctx, STATUS_TEXT.get(f.status, (f.status, f.status))), str(f.read),
             ctx.t(f"{f.added}（补查 {f.rechecked}）", f"{f.added} ({f.rechecked} rechecked)") if f.rechecked
             else str(f.added), str(f.existing),
             str(len(f.suspicious())), str(len(f.caution()))]
        )  # fmt: skip
    for line in _table(headers, rows):
        print(line, file=ctx.out)
    for f in result.files:
        if f.error is not None:
            text = f.error.render(ctx.lang)
            name = Path(f.path).name
            print(f"  ✗ {text}" if name in text else f"  ✗ {name}: {text}", file=ctx.out)
        for note in f.notes:
            print(f"  · {Path(f.path).name}: {note.render(ctx.lang)}", file=ctx.out)
        if f.status == "failed" and f.bad_rows and f.read:  # skipping would still import something
            print(
                ctx.t(
                    f"  → 也可以加 --skip-bad：跳过这 {f.bad_rows} 行，导入其余 {f.read} 条",
                    f"  → or add --skip-bad to leave out {count_en(f.bad_rows, 'bad line')} and import the other "
                    f"{count_en(f.read, 'record')}",
                ),
                file=ctx.out,
            )
    flagged = sorted(result.flagged, key=lambda e: (-e.level, e.occurred_at))
    caution = sorted(result.caution, key=lambda e: e.occurred_at)
    for title, events, shown in (
        (("可疑", "suspicious"), flagged, 20),
        (("需要注意", "to keep an eye on"), caution, 10),
    ):
        if not events:
            continue
        print(ctx.t(f"\n{title[0]}（{len(events)}）：", f"\n{title[1]} ({len(events)}):"), file=ctx.out)
        for e in events[:shown]:
            print(
                f"  {level_word(e.level, ctx.lang)}  {_t2(ctx, EVENT_KIND_TEXT[e.kind])}  {_when(e.occurred_at)}  "
                f"{e.number or '-'}  {_shorten(e.excerpt or _first_reason(e, ctx.lang))}",
                file=ctx.out,
            )
        if len(events) > shown:
            print(
                ctx.t(
                    f"  …另有 {len(events) - shown} 条，见 callshield history 或 callshield report",
                    f"  … {len(events) - shown} more; see callshield history or callshield report",
                ),
                file=ctx.out,
            )
    summary = [m.render(ctx.lang) for m in result.summary()]
    print(
        ctx.t("共 ", "")
        + summary[0]
        + ctx.t(f"；用时 {result.elapsed_s:.1f} 秒", f"; {result.elapsed_s:.1f} s")
        + "".join(ctx.t("。", ". ") + line for line in summary[1:]),
        file=ctx.out,
    )
    return EXIT_OK if result.ok else EXIT_ERROR


def _first_reason(e: Any, lang: str) -> str:
    first = e.reasons[0] if e.reasons else {}
    return str(first.get("en" if lang == "en" else "zh", "")) if isinstance(first, dict) else ""


# ------------------------------------------------------------------------------------------------ watch
def cmd_watch(args: argparse.Namespace, ctx: CliContext) -> int:
    from app.operations.phone import HeadlessAlerts, PhoneWatch, add_watched_folder, watched_folders
    from app.phone.watch import EventKind, WatchEvent
    from app.settings import load_settings

    if args.folders:
        pairs = [(f, args.profile) for f in args.folders]
        if args.save:
            for f in args.folders:
                add_watched_folder(ctx.data_dir, f, args.profile, args.polling)
    else:
        pairs = [(w.path, w.profile) for w in watched_folders(ctx.data_dir)]
    if not pairs:
        print(
            ctx.t("没有要监视的文件夹。用法：callshield phone watch 文件夹 --profile 妈妈",
                  "no folders to watch; e.g. callshield phone watch FOLDER --profile 妈妈"),
            file=ctx.err,
        )  # fmt: skip
        return 2
    settings = load_settings(ctx.data_dir)

    def show_alert(alert: Any) -> None:
        print(f"!! {alert.title(ctx.lang)}", file=ctx.out, flush=True)
        for line in alert.reasons:
            print(f"   {line}", file=ctx.out, flush=True)

    alerts = HeadlessAlerts(settings, ctx.lang, on_alert=show_alert)

    def on_event(ev: WatchEvent) -> None:
        name = Path(ev.path).name if ev.path else ""
        if ev.kind is EventKind.SCANNED:
            r = ev.result
            level = max((e.level for e in r.flagged), default=None)
            word = level.label(ctx.lang) if level is not None else Level.UNKNOWN.label(ctx.lang)
            print(ctx.t(f"已检查 {name}：{word}", f"checked {name}: {word}"), file=ctx.out, flush=True)
            for note in r.notes:  # a cut-off file, a model of another language: why its verdict means little
                if isinstance(note.code, SpeechProblem):
                    print(f"  · {note.render(ctx.lang)}", file=ctx.out, flush=True)
        elif ev.kind is EventKind.SKIPPED:
            print(ctx.t(f"{name} 检查过了，跳过", f"{name} seen before, skipped"), file=ctx.out, flush=True)
        elif ev.message is not None:
            print(ev.message.render(ctx.lang), file=ctx.out, flush=True)

    watch = PhoneWatch(
        ctx.data_dir, pairs, model=args.model, on_flagged=alerts.consider, on_event=on_event, polling=args.polling
    )
    stop = threading.Event()
    previous = signal.getsignal(signal.SIGTERM) if threading.current_thread() is threading.main_thread() else None
    if previous is not None:
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
    print(ctx.t("正在监视（Ctrl+C 结束）：", "watching (Ctrl+C to stop):"), file=ctx.out, flush=True)
    for folder, profile in pairs:
        print(f"  {folder}" + (f"  [{profile}]" if profile else ""), file=ctx.out, flush=True)
    watch.start()
    deadline = None if args.seconds is None else time.monotonic() + args.seconds
    try:
        while not stop.is_set() and (deadline is None or time.monotonic() < deadline):
            stop.wait(0.2)
    except KeyboardInterrupt:
        pass
    finally:
        watch.stop()
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
    n = len(watch.results)
    print(ctx.t(f"已停止；检查了 {n} 个录音", f"stopped; {n} recordings checked"), file=ctx.out)
    return EXIT_OK


# ------------------------------------------------------------------------------------------------ profiles
def cmd_profiles(args: argparse.Namespace, ctx: CliContext) -> int:
    from app.operations.phone import add_profile, list_profiles, watched_folders

    names = add_profile(ctx.data_dir, args.add) if args.add else list_profiles(ctx.data_dir)
    if not names:
        print(
            ctx.t(
                "还没有家人。导入时加 --profile 妈妈 即可创建。", "no profiles yet; use --profile NAME when importing"
            ),
            file=ctx.out,
        )
    for name in names:
        folders = [w.path for w in watched_folders(ctx.data_dir) if w.profile == name]
        print(name + (f"  ← {', '.join(folders)}" if folders else ""), file=ctx.out)
    return EXIT_OK


# ------------------------------------------------------------------------------------------------ report
def cmd_report(args: argparse.Namespace, ctx: CliContext) -> int:
    from app.operations.phone import build_family_report, list_profiles

    if args.days < 1:
        print(ctx.t("--days 至少为 1", "--days must be at least 1"), file=ctx.err)
        return 2
    known = list_profiles(ctx.data_dir)
    if not args.profile and len(known) == 1:  # the one person there is: say so, rather than an empty report
        args.profile = known[0]
        print(
            ctx.t(
                f"没有加 --profile，报告给唯一的家人“{known[0]}”",
                f"no --profile: the report is for “{known[0]}”, the only person",
            ),
            file=ctx.err,
        )
    elif not args.profile and len(known) > 1:
        listed = ctx.names(known)
        print(
            ctx.t(
                f"有 {len(known)} 位家人（{listed}），请加 {' 或 '.join(option_arg('--profile', n) for n in known)} "
                "说明报告给谁；没有生成报告",
                f"there are {len(known)} people ({listed}): add "
                f"{' or '.join(option_arg('--profile', n) for n in known)} to say whose report it is; no report was "
                "written",
            ),
            file=ctx.err,
        )
        return 2
    if args.profile and args.profile not in known:
        listed = ctx.names(known) if known else ctx.t("（无）", "(none)")
        print(
            ctx.t(
                f"没有名为“{args.profile}”的家人；已有：{listed}", f"no profile named “{args.profile}”; known: {listed}"
            ),
            file=ctx.err,
        )
        return EXIT_ERROR
    if args.out is None:  # whose and which day: one resident's report does not overwrite another's
        from app.reports.family import report_file_name

        args.out = report_file_name(args.profile, ctx.lang)
    since = until = None
    if args.month:  # a calendar month, in local days (家人报告's 本月 / 上个月)
        from datetime import date

        from app.local_zone import month_days

        args.days, since, until = month_days(date.today(), last=args.month == "last")
    try:
        from app.settings import load_settings

        path, rep = build_family_report(
            ctx.data_dir,
            args.profile,
            args.out,
            args.days,
            since=since,
            until=until,
            lang=ctx.lang,
            by=load_settings(ctx.data_dir).report_by,  # (设置 → 报告署名, as the window's export says it)
        )
    except OSError as exc:
        print(
            ctx.t(f"无法写入 {args.out}：{os_reason(exc, 'zh')}", f"cannot write {args.out}: {os_reason(exc, 'en')}"),
            file=ctx.err,
        )
        return EXIT_ERROR
    print(
        ctx.t(
            f"已生成 {path}：电话 {rep.calls_screened}（可疑 {rep.calls_suspicious}，应拦截 {rep.calls_blocked}），"
            f"短信 {rep.sms_screened}（可疑 {rep.sms_suspicious}），录音 {rep.recordings_scanned}（可疑 {rep.recordings_flagged}）",
            f"wrote {path}: calls {rep.calls_screened} (suspicious {rep.calls_suspicious}, to block {rep.calls_blocked}), "
            f"SMS {rep.sms_screened} (suspicious {rep.sms_suspicious}), recordings {rep.recordings_scanned} "
            f"(suspicious {rep.recordings_flagged})",
        ),
        file=ctx.out,
    )
    if rep.recordings_unchecked:  # said as the report says it: how many, why, and what to do
        from app.reports.family import unchecked_text

        print(ctx.t(*unchecked_text(rep)), file=ctx.out)
    if rep.contacted:  # the report's first warning, said here too
        from app.reports.family import CONTACTED_ADVICE, CONTACTED_TITLE, contacted_text

        print("⚠ " + ctx.t(*CONTACTED_TITLE) + ctx.t("：", ":"), file=ctx.out)
        for c in rep.contacted:
            print("  - " + ctx.t(*contacted_text(c, rep.tz)), file=ctx.out)
        print("  " + ctx.t(*CONTACTED_ADVICE), file=ctx.out)
    return EXIT_OK
