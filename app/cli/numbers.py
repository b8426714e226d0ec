"""Number screening and list management from the command line.

``callshield check NUMBER...``            screen numbers (human table or ``--json``; ``-`` reads stdin,
                                          ``--file`` a call log, one number per line or a CSV's number
                                          column, read as ``phone import`` reads it)
``callshield lists show [NAME]``          the lists, or the entries of one list
``callshield lists import FILE --list N`` all-or-nothing import (CSV/TXT/JSON; UTF-8, BOM, GBK)
``callshield lists export NAME FILE``     CSV (UTF-8 BOM for Excel), TXT or JSON
``callshield lists add/remove NAME PATTERN...``, ``lists create/enable/disable NAME``
``callshield history``                    the call/recording history other features record

``check`` is a lookup: it records nothing in the history and does not bump hit counters, so trying out
numbers never pollutes the user's call history or statistics.
"""

from __future__ import annotations

import argparse
import io
import itertools
import json
import sys
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from wcwidth import wcswidth

from app import paths
from app.cli.context import echo, echo_err
from app.display import about_text as record_about_text
from app.display import (
    call_line,
    level_word,
    number_nothing_found,
    record_kind_label,
    shown_name,
    shown_number,
    with_name,
)
from screening.i18n import Message, count_en, os_reason
from screening.numbers import NumberProblem
from screening.types import Level

if TYPE_CHECKING:
    from app.phone.importer import CallDetails

MAX_CHECK_INPUT = 5_000_000  # numbers per run; a call log bigger than this is surely a wrong file


def register(subparsers: argparse._SubParsersAction, parent: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    check = subparsers.add_parser(
        "check",
        parents=[parent],
        help="查号：判断号码风险 / screen phone numbers",
        description="查号：判断号码是否可信、可疑或应拦截，并说明原因 / screen numbers and explain why",
    )
    check.add_argument(
        "numbers", nargs="*", metavar="NUMBER", help="号码；“-”表示从标准输入读取 / numbers; - reads stdin"
    )
    check.add_argument("-f", "--file", help="从文件读取号码（每行一个，或通话记录 CSV）/ read numbers from a file")
    check.add_argument("--json", action="store_true", help="输出 JSON（每个号码一个对象）/ JSON output")
    check.add_argument("--why", action="store_true", help="列出全部原因和依据 / list every reason with its reference")
    check.add_argument(
        "--sms",
        action="store_true",
        help="按短信发件人判断（1069 短信端口、+86 10086 这样的官方号码发短信是正常的）/ judge them as text-message "
        "senders (an SMS port or +86 10086 sending a text is normal)",
    )
    check.add_argument("--region", default="CN", help="默认地区（默认 CN）/ default region (CN)")
    check.set_defaults(func=_friendly(cmd_check))

    lists = subparsers.add_parser("lists", parents=[parent], help="黑白名单 / block and allow lists")
    lsub = lists.add_subparsers(dest="lists_command", metavar="ACTION", required=True)

    show = lsub.add_parser("show", parents=[parent], help="显示名单 / show lists or one list's entries")
    show.add_argument("name", nargs="?", help="名单名称 / list name")
    show.add_argument("--limit", type=int, default=50, help="最多显示条目数（0 = 全部）/ max entries (0 = all)")
    show.add_argument("--json", action="store_true")
    show.set_defaults(func=_friendly(cmd_lists_show))

    imp = lsub.add_parser("import", parents=[parent], help="导入名单（全部成功或全部不写入）/ import, all or nothing")
    imp.add_argument("file")
    imp.add_argument("--list", dest="list_name", help="目标名单（不存在则新建），必填 / target list (required)")
    imp.add_argument("--format", choices=["csv", "txt", "json"], help="文件格式（默认按扩展名判断）")
    imp.add_argument("--category", default="custom", help="默认分类：诈骗/骚扰/推销/自定义 / default category")
    imp.add_argument("--kind", choices=["block", "allow", "imported"], default="imported", help="新名单的类型")
    imp.add_argument("--dry-run", action="store_true", help="只检查不写入 / validate only")
    imp.add_argument(
        "--skip-bad", action="store_true", help="跳过有问题的行，导入其余行（默认一行有错就整体不导入）/ skip bad lines"
    )
    imp.add_argument("--replace", action="store_true", help="先清空名单再导入（订阅名单更新）/ empty the list first")
    imp.add_argument(
        "--allow-risky",
        action="store_true",
        help="允许把诈骗/骚扰条目或号段导入白名单 / allow fraud/harassment rows or ranges into an allowlist",
    )
    imp.add_argument(
        "--yes", action="store_true", help="确认清空白名单（与 --replace 一起）/ confirm --replace of an allowlist"
    )
    imp.set_defaults(func=_friendly(cmd_lists_import))

    exp = lsub.add_parser("export", parents=[parent], help="导出名单 / export a list")
    exp.add_argument("name")
    exp.add_argument("file")
    exp.add_argument("--format", choices=["csv", "txt", "json"])
    exp.set_defaults(func=_friendly(cmd_lists_export))

    add = lsub.add_parser("add", parents=[parent], help="添加号码或号段规则 / add numbers or patterns")
    add.add_argument("name")
    add.add_argument("patterns", nargs="+", metavar="PATTERN", help="13800138000、170*、952750?? …")
    add.add_argument("--category", default="custom", help="诈骗/骚扰/推销/自定义 (fraud/harassment/sales/custom)")
    add.add_argument("--note", default="")
    add.set_defaults(func=_friendly(cmd_lists_add))

    rm = lsub.add_parser("remove", parents=[parent], help="删除号码或规则 / remove entries")
    rm.add_argument("name")
    rm.add_argument("patterns", nargs="+", metavar="PATTERN")
    rm.set_defaults(func=_friendly(cmd_lists_remove))

    create = lsub.add_parser("create", parents=[parent], help="新建名单 / create a list")
    create.add_argument("name")
    create.add_argument("--kind", choices=["block", "allow", "imported"], default="block")
    create.add_argument("--title", default="", help="显示名称 / display title")
    create.set_defaults(func=_friendly(cmd_lists_create))

    for action, enabled in (("enable", True), ("disable", False)):
        p = lsub.add_parser(
            action, parents=[parent], help=("启用名单" if enabled else "停用名单") + f" / {action} a list"
        )
        p.add_argument("name")
        p.set_defaults(func=_friendly(cmd_lists_enable), enabled=enabled)

    from app.cli.community import register_lists_actions  # publish/subscribe/update (issue 15)

    register_lists_actions(lsub, parent)

    hist = subparsers.add_parser(
        "history", parents=[parent], help="来电、短信与录音记录 / call, message and recording history"
    )
    hist.add_argument("--json", action="store_true", help="每行输出一条 JSON 记录 / one JSON record per line")
    hist.add_argument(
        "--limit",
        type=_at_least_one,
        default=50,
        help="最多显示几条（默认 50）/ at most this many (default 50)",
    )
    hist.add_argument(
        "--full", action="store_true", help="原因不截断，完整显示 / show each reason in full, not cut short"
    )
    hist.add_argument(
        "--kind",
        choices=["call", "recording", "sms"],
        help="只看来电（call）、录音（recording）或短信（sms） / only calls, recordings or text messages",
    )
    hist.add_argument(
        "--min-level",
        choices=[lv.name.lower() for lv in Level],
        help="只看此风险等级及以上："
        + "、".join(f"{lv.name.lower()}={lv.zh}" for lv in Level)
        + " / at least this level",
    )
    hist.add_argument(
        "--profile",
        help="只看这位家人手机里的记录，例如 妈妈 / only this person's phone, e.g. 妈妈",
    )
    hist.add_argument(
        "--days",
        type=_at_least_one,
        help="只看最近几天（1 = 今天，从当地零点起）/ only the last N days (1 = today, from local midnight)",
    )
    hist.set_defaults(func=_friendly(cmd_history))


# ---------------------------------------------------------------------------------------------- helpers
class _DatabaseUnusable(Exception):
    pass


def _open(ctx: Any) -> Any:
    from blocklists.db import (
        DatabaseBusy,
        DatabaseCorrupt,
        DatabaseEmptied,
        DatabaseTooNew,
        DatabaseUnavailable,
        open_db,
    )

    path = ctx.data_dir / paths.DB_FILENAME
    try:
        return open_db(path)
    except DatabaseUnavailable as exc:
        from blocklists.db import UnavailableReason

        if exc.reason is UnavailableReason.READ_ONLY and path.is_file():
            try:
                db = open_db(path, read_only=True)
            except (DatabaseCorrupt, DatabaseUnavailable):
                pass
            else:  # look-ups still work; a command that writes says so when it tries
                echo_err(
                    ctx,
                    ctx.t(
                        "数据目录只读：只读模式，不会保存任何更改。",
                        "read-only data dir: read-only mode, nothing is saved.",
                    ),
                )
                return db
        _say_db_error(ctx, exc)
        raise _DatabaseUnusable from exc
    except (DatabaseCorrupt, DatabaseTooNew, DatabaseBusy, DatabaseEmptied) as exc:
        _say_db_error(ctx, exc)
        raise _DatabaseUnusable from exc


def _say_db_error(ctx: Any, exc: Exception) -> None:
    zh, _sep, en = str(exc).partition(" / ")
    echo_err(ctx, ctx.t(zh, en or zh))


def _friendly(handler: Any) -> Any:
    """Expected failures (unusable database) end with their message and exit code 1, not a traceback.

    A SQLite error in the middle of a command (a damaged page deep in the file, the lock held too long by an
    import) is sorted into busy / unavailable / damaged and said plainly too.
    """

    def run(args: argparse.Namespace, ctx: Any) -> int:
        import sqlite3

        from blocklists.db import classify_error

        try:
            return int(handler(args, ctx))
        except _DatabaseUnusable:
            return 1
        except sqlite3.DatabaseError as exc:
            _say_db_error(ctx, classify_error(ctx.data_dir / paths.DB_FILENAME, exc))
            return 1

    run.__doc__ = handler.__doc__
    return run


def _store(ctx: Any, region: str = "CN") -> Any:
    from blocklists.store import ListStore

    return ListStore(_open(ctx), region=region)


def _width(text: str) -> int:
    w = wcswidth(text)
    return w if w >= 0 else len(text)


def _table(headers: Sequence[str], rows: Iterable[Sequence[str]]) -> list[str]:
    """Columns aligned by display width (CJK characters count double).  The last column is not padded."""
    rows = [list(r) for r in rows]
    widths = [_width(h) for h in headers]
    for r in rows:
        for i, cell in enumerate(r[:-1]):
            widths[i] = max(widths[i], _width(cell))

    def fmt(cells: Sequence[str]) -> str:
        parts = [c + " " * (widths[i] - _width(c)) for i, c in enumerate(cells[:-1])]
        return "  ".join([*parts, cells[-1]]).rstrip()

    lines = [fmt(headers), fmt(["-" * w for w in widths[:-1]] + ["-" * max(4, widths[-1])])]
    lines += [fmt(r) for r in rows]
    return lines


CHECK_BLOCK = 1000  # verdicts printed per aligned table block when numbers stream in


def _stream_lines(stream: Any) -> Iterator[tuple[int, str | None]]:
    """Lines of a binary stream, decoded one by one (UTF-8 BOM, UTF-8, else GB18030); ``None`` if neither."""
    from blocklists.importexport import DOS_EOF

    for i, raw in enumerate(stream, 1):
        if not raw.endswith(b"\n"):  # the last line: an old tool's end-of-file mark ends it (elsewhere it is binary)
            raw = raw.rstrip(DOS_EOF.encode("ascii"))
        raw = raw.rstrip(b"\r\n")
        if i == 1 and raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        try:
            yield i, raw.decode("utf-8")
        except UnicodeDecodeError:
            try:
                yield i, raw.decode("gb18030")
            except UnicodeDecodeError:
                yield i, None


def iter_check_input(stream: Any, name: str) -> Iterator[tuple[str | None, tuple[str, int, str] | None, CallDetails]]:
    """Numbers from a call log or one-per-line text, one at a time: ``(number, None, details)`` or
    ``(None, problem, NO_DETAILS)``; ``details`` are the call log's 姓名 and 时间 for the number, when it has them.

    Read as ``phone import`` reads a call log (``app.phone.importer.call_log_numbers``): a title line and the header
    are skipped and a header's number column is read.  A problem is ``(source name, line number, kind)``; kinds:
    ``undecodable`` (neither UTF-8 nor GBK), ``ambiguous`` (a line like ``138,0013,8000``: digits split over
    several cells, so which is the number?), ``title`` (text above the header: the export's title, not a number),
    ``broken`` (a message export that cannot be read from this line on: a quote never closed).
    Nothing is dropped silently.
    """
    from app.phone.importer import CALL_LOG_BROKEN, CALL_LOG_TITLE, NO_DETAILS, call_log_calls
    from blocklists.importexport import CALL_LOG_AMBIGUOUS

    problems = {
        None: "undecodable",
        CALL_LOG_AMBIGUOUS: "ambiguous",
        CALL_LOG_TITLE: "title",
        CALL_LOG_BROKEN: "broken",
    }
    for i, value, details in call_log_calls((line for _i, line in _stream_lines(stream)), name):
        kind = problems.get(value)
        if kind is not None:
            yield None, (name, i, kind), NO_DETAILS
        else:
            yield value, None, details


def _iter_numbers(
    args: argparse.Namespace, ctx: Any, problems: list[tuple[str, int, str]]
) -> Iterator[tuple[str, CallDetails]] | None:
    """Numbers from the arguments, stdin (``-``) and ``--file``, streamed, each with its call log's name and time;
    bad lines are added to ``problems``."""
    from app.phone.importer import NO_DETAILS

    streams: list[tuple[str, Any]] = []
    if args.file:
        from app.models.calllog import CallLogProblem
        from blocklists.importexport import is_spreadsheet, looks_binary

        try:
            fh = open(args.file, "rb")  # noqa: SIM115 - closed by the generator
        except OSError as exc:
            why_zh, why_en = os_reason(exc, "zh"), os_reason(exc, "en")
            echo_err(ctx, ctx.t(f"无法读取文件 {args.file}：{why_zh}", f"cannot read {args.file}: {why_en}"))
            return None
        head = fh.peek(4096)[:4096]
        if is_spreadsheet(head[:8]):
            fh.close()
            echo_err(ctx, Message(CallLogProblem.SPREADSHEET, {"name": args.file}).render(ctx.lang))
            return None
        if head[:2] in (b"\xff\xfe", b"\xfe\xff"):  # UTF-16 with its mark (some spreadsheets save so): as UTF-8
            with fh:
                fh = io.BufferedReader(io.BytesIO(fh.read().decode("utf-16").encode("utf-8")))
        elif looks_binary(head.decode("latin-1")):  # a recording, a picture: as 打开通话记录 says
            fh.close()
            echo_err(ctx, Message(CallLogProblem.NOT_TEXT, {"name": args.file}).render(ctx.lang))
            return None
        streams.append((args.file, fh))

    def gen() -> Iterator[tuple[str, CallDetails]]:
        count = 0
        for n in args.numbers:
            if n == "-":
                for value, problem, details in iter_check_input(sys.stdin.buffer, "-"):
                    if problem is not None:
                        problems.append(problem)
                    elif value:
                        count += 1
                        yield value, details
            elif n.strip():  # (an empty argument, check "", is no number to check: said as none given)
                count += 1
                yield n, NO_DETAILS
            if count >= MAX_CHECK_INPUT:
                return
        for name, fh in streams:
            with fh:
                for value, problem, details in iter_check_input(fh, name):
                    if problem is not None:
                        problems.append(problem)
                    elif value:
                        count += 1
                        yield value, details
                    if count >= MAX_CHECK_INPUT:
                        return

    return gen()


def _report_input_problems(ctx: Any, problems: list[tuple[str, int, str]]) -> None:
    shown = problems[:50]
    for name, line, kind in shown:
        where = ctx.t("标准输入" if name == "-" else name, "stdin" if name == "-" else name)
        if kind == "undecodable":
            echo_err(ctx, ctx.t(f"{where} 第 {line} 行：无法解码（不是 UTF-8 或 GBK 文本），未检查",
                            f"{where} line {line}: cannot be decoded (neither UTF-8 nor GBK); not checked"))  # fmt: skip
        elif kind == "title":
            echo_err(ctx, ctx.t(f"{where} 第 {line} 行：在号码上面，看作标题，未检查",
                            f"{where} line {line}: above the numbers, taken for a title; not checked"))  # fmt: skip
        elif kind == "broken":
            echo_err(ctx, ctx.t(f"{where} 从第 {line} 行起读不出来（有引号没有配对），未检查",
                            f"{where} from line {line} on: unreadable (a quote is never closed); not checked"))  # fmt: skip
        else:
            echo_err(ctx, ctx.t(f"{where} 第 {line} 行：看不出哪一部分是号码（数字被逗号分成了几段），未检查",
                            f"{where} line {line}: cannot tell which part is the number (digits split by commas); "
                            "not checked"))  # fmt: skip
    if len(problems) > len(shown):
        more = len(problems) - len(shown)
        echo_err(ctx, ctx.t(f"……另有 {more} 行未检查", f"… and {more} more lines not checked"))


# ---------------------------------------------------------------------------------------------- check
def cmd_check(args: argparse.Namespace, ctx: Any) -> int:
    """Screen numbers as they arrive and print each block of verdicts at once: a million numbers from stdin
    need no more memory than a thousand (bench/bench_numbers.py)."""
    from screening.screener import NumberScreener

    problems: list[tuple[str, int, str]] = []
    numbers = _iter_numbers(args, ctx, problems)
    if numbers is None:
        return 1
    first = next(numbers, None)
    if first is None:
        _report_input_problems(ctx, problems)
        if problems and args.file and all(kind == "title" for _name, _line, kind in problems):
            # only a title, or lines without a number column: say what a call log needs
            echo_err(
                ctx,
                ctx.t(
                    f"{args.file} 里没有找到号码：表格需要一列叫“号码”（或“电话”“手机号”“来电号码”“number”），"
                    "或者每行一个号码",
                    f"no numbers found in {args.file}: a table needs a column named 号码 (or 电话, 手机号, 来电号码, "
                    "number), or one number per line",
                ),
            )
        if problems:
            return 1
        echo_err(
            ctx,
            ctx.t(
                "没有要检查的号码。用法：callshield check 13800138000",
                "no numbers given; e.g. callshield check 13800138000",
            ),
        )
        return 2
    screener = NumberScreener(_store(ctx, args.region), region=args.region)
    channel: Any = "sms" if getattr(args, "sms", False) else "call"  # who sent a text, or who called (the default)
    stream = itertools.chain([first], numbers)
    if args.json:
        write = ctx.out.write
        for n, details in stream:
            found = screener.screen(n, channel).to_dict()
            if details:  # the call log's 姓名 and 时间 for this number
                found |= {"name": details.name, "time": details.time}
            write(json.dumps(found, ensure_ascii=False) + "\n")
    else:
        columns: tuple[bool, bool] | None = None  # 姓名 and 时间 shown: as the first block has them
        typos = 0
        while block := list(itertools.islice(stream, CHECK_BLOCK)):
            header = columns is None
            if columns is None:
                columns = (any(d.name for _n, d in block), any(d.time for _n, d in block))
            verdicts = [(screener.screen(n, channel), d) for n, d in block]
            typos += _print_check_block(ctx, args, verdicts, header, columns)
        if typos:
            echo_err(
                ctx,
                ctx.t(
                    f"有 {typos} 个号码输入有误（含有字母或其他非号码字符），请检查后重新输入",
                    f"{typos} number(s) mistyped (letters or other characters that are not part of a number); "
                    "check and enter again",
                ),
            )
            _report_input_problems(ctx, problems)
            return 1
    _report_input_problems(ctx, problems)
    return 0


def _mistyped(n: Any, args: argparse.Namespace) -> bool:
    """A number typed on the command line with a letter or a stray sign (138-12a4): an input error to the person
    checking it. The same in a file or on stdin is a caller ID that says 'no usable number' (a modem's P or O for a
    withheld one), judged like any other."""
    return n.problem is NumberProblem.NOT_A_NUMBER and bool(n.raw.strip()) and n.raw in args.numbers


def _print_check_block(
    ctx: Any,
    args: argparse.Namespace,
    checked: list[tuple[Any, CallDetails]],
    header: bool,
    columns: tuple[bool, bool] = (False, False),
) -> int:
    """Print one block of verdicts, each beside its call log's 姓名 and 时间 when ``columns`` says so; the count of
    mistyped numbers (shown as such, not judged)."""
    lang = ctx.lang
    names, times = columns
    headers = [
        ctx.t("号码", "Number"),
        *([ctx.t("姓名", "Name")] if names else []),
        *([ctx.t("时间", "Time")] if times else []),
        ctx.t("风险", "Risk"),
        ctx.t("类型", "Type"),
        ctx.t("归属地", "Location"),
        ctx.t("主要原因", "Main reason"),
    ]
    rows = []
    typos = 0
    for v, details in checked:
        n = v.number
        call = [*([shown_name(details.name, lang) or "-"] if names else []), *([details.time or "-"] if times else [])]
        if _mistyped(n, args):
            typos += 1
            problem = Message(n.problem, n.params).render(lang)
            rows.append(
                [
                    n.raw.strip(),
                    *call,
                    ctx.t("输入有误", "mistyped"),
                    "-",
                    "-",
                    ctx.t(f"号码{problem}", f"the number {problem}"),
                ]
            )
            continue
        reason = v.reasons[0].render(lang) if v.reasons else number_nothing_found(lang)
        if not v.reasons and n.problem is not None:
            reason = Message(n.problem, n.params).render(lang)
        rows.append(
            [
                # (139-1234-567O as typed: its digits alone, 1391234567, would be another number)
                n.display() if n.digits and n.problem is not NumberProblem.NOT_A_NUMBER else (n.raw.strip() or "-"),
                *call,
                f"{v.level.label(lang)}({v.score:.2f})",
                n.number_type.label(lang),
                n.attribution.render(lang) or "-",
                _shorten(reason, 60),
            ]
        )
    lines = _table(headers, rows)
    for line in lines if header else lines[2:]:
        echo(ctx, line)
    if args.why:
        for v, _details in checked:
            if _mistyped(v.number, args):
                continue
            echo(ctx)
            echo(ctx, f"{v.number.raw.strip()} → {v.level.label(lang)}")
            for r in v.reasons:
                echo(ctx, f"  • [{r.code}] {r.render(lang)}")
                if r.reference:
                    echo(ctx, "    " + ctx.t("依据：", "Reference: ") + r.reference)
            if not v.reasons:  # --why always says why, also when nothing was found
                echo(
                    ctx,
                    ctx.t(
                        "  • 没有发现风险迹象：不在任何黑名单或白名单里，号码格式和号段也没有可疑之处",
                        "  • no sign of risk: on no block or allow list, and nothing odd about its format or range",
                    ),
                )
    return typos


def _shorten(text: str, limit: int) -> str:
    """Cut to ``limit`` display columns (the table stays readable; ``--why`` shows the full text)."""
    if _width(text) <= limit:
        return text
    out = ""
    for ch in text:
        if _width(out + ch) > limit - 1:
            break
        out += ch
    return out + "…"


# ---------------------------------------------------------------------------------------------- lists
def _store_error(ctx: Any, exc: Exception, store: Any = None) -> int:
    from blocklists.store import StoreProblem

    message = getattr(exc, "message", None)
    echo_err(ctx, message.render(ctx.lang) if message is not None else str(exc))
    if store is not None and message is not None and message.code is StoreProblem.NO_SUCH_LIST:
        # the app and the report call the lists by their titles (我的黑名单); commands take the short name (block)
        names = "、".join(f"{info.name}（{info.title.render(ctx.lang)}）" for info in store.lists())
        echo_err(ctx, ctx.t(f"名单用简短的名字，可用：{names}", f"lists go by their short names: {names}"))
    return 1


def cmd_lists_show(args: argparse.Namespace, ctx: Any) -> int:
    from blocklists.store import StoreError

    store = _store(ctx)
    lang = ctx.lang
    if not args.name:
        infos = store.lists(with_counts=True)
        if args.json:
            for i in infos:
                row = {"name": i.name, "title_zh": i.title.zh, "title_en": i.title.en, "kind": i.kind.value}
                row |= {"enabled": i.enabled, "entries": i.entry_count, "subscribed": i.subscribed}
                ctx.out.write(json.dumps(row, ensure_ascii=False) + "\n")
            return 0
        kinds = {
            "block": ("黑名单", "blocklist"),
            "allow": ("白名单", "allowlist"),
            "bundled": ("内置", "bundled"),
            "imported": ("导入", "imported"),
            "subscribed": ("订阅", "subscribed"),  # a signed community list (kind imported underneath)
        }
        headers = [
            ctx.t("名称", "Name"),
            ctx.t("类型", "Kind"),
            ctx.t("状态", "State"),
            ctx.t("条目", "Entries"),
            ctx.t("标题", "Title"),
        ]
        rows = [
            [
                i.name,
                ctx.t(*kinds["subscribed" if i.subscribed else i.kind.value]),
                ctx.t("启用", "enabled") if i.enabled else ctx.t("停用", "disabled"),
                str(i.entry_count),
                i.title.render(lang),
            ]
            for i in infos
        ]
        for line in _table(headers, rows):
            echo(ctx, line)
        return 0
    try:
        info = store.get_list(args.name)
        entries = store.entries(args.name, limit=None if args.limit == 0 else args.limit)
        total = store.count(args.name)
    except StoreError as exc:
        return _store_error(ctx, exc, store)
    if args.json:
        for e in entries:
            row = {"number": e.pattern, "match": e.match_kind, "category": e.category.value, "note": e.note}
            row |= {"source": e.source, "added_at": e.added_at, "last_hit": e.last_hit, "hit_count": e.hit_count}
            ctx.out.write(json.dumps(row, ensure_ascii=False) + "\n")
        return 0
    title = info.title.render(lang)
    heading = title if title == info.name else f"{title} ({info.name})"
    echo(ctx, f"{heading} — {ctx.t('共', 'total')} {total} {ctx.t('条', 'entries')}")
    headers = [
        ctx.t("号码/规则", "Number/pattern"),
        ctx.t("分类", "Category"),
        ctx.t("命中", "Hits"),
        ctx.t("添加时间", "Added"),
        ctx.t("备注", "Note"),
    ]
    rows = [
        [e.pattern, e.category.label(lang), str(e.hit_count), e.added_at[:16].replace("T", " "), e.note]
        for e in entries
    ]
    for line in _table(headers, rows):
        echo(ctx, line)
    if len(entries) < total:
        echo(
            ctx,
            ctx.t(
                f"……还有 {total - len(entries)} 条（--limit 0 显示全部）",
                f"… {total - len(entries)} more (--limit 0 shows all)",
            ),
        )
    return 0


def cmd_lists_import(args: argparse.Namespace, ctx: Any) -> int:
    from blocklists.importexport import ImportRejected, commit_import, read_import
    from blocklists.store import Category, StoreError

    try:
        category = Category.parse(args.category)
    except ValueError:
        echo_err(
            ctx,
            ctx.t(f"未知分类：{args.category}（可用：诈骗/骚扰/推销/自定义）", f"unknown category: {args.category}"),
        )
        return 2
    if not args.list_name:  # checked here, not by argparse, so that the message is in the user's language
        echo_err(
            ctx,
            ctx.t(
                "请用 --list 说明导入到哪个名单，例如 --list block（黑名单）或 --list allow（白名单）；"
                "名字不存在时会新建。查看已有的名单：callshield lists show",
                "say which list to import into with --list, e.g. --list block (blocklist) or --list allow "
                "(allowlist); a new name creates the list. To see the lists: callshield lists show",
            ),
        )
        return 2
    preview = read_import(args.file, fmt=args.format, default_category=category)
    lang = ctx.lang
    name = Path(args.file).name
    if preview.lines_read == 0 and not preview.rows:  # unreadable or empty: one sentence, no table of counts
        for p in preview.problems:
            echo_err(ctx, ctx.t(f"{name}：", f"{name}: ") + p.render(lang))
        return 1
    bad = preview.problem_count
    echo(
        ctx,
        ctx.t(
            f"读取 {args.file}：{preview.format.upper()}，编码 {preview.encoding}，{preview.lines_read} 行，"
            f"有效 {len(preview.rows)} 条，文件内重复 {preview.duplicates_in_file} 条，问题 {bad} 行",
            f"read {args.file}: {preview.format.upper()}, {preview.encoding}, {count_en(preview.lines_read, 'line')}, "
            f"{len(preview.rows)} valid, {count_en(preview.duplicates_in_file, 'duplicate')} in the file, "
            f"{count_en(bad, 'bad line')}",
        ),
    )
    for note in preview.notes:
        if getattr(note.code, "name", "") != "RANGES":  # (said once, after the import: _range_note)
            echo_err(ctx, "  " + note.render(lang))
    for p in preview.problems:
        echo_err(ctx, "  " + p.render(lang))
    if bad > len(preview.problems):
        more = bad - len(preview.problems)
        echo_err(ctx, ctx.t(f"  ……另有 {more} 行有问题", f"  … and {count_en(more, 'more bad line')}"))
    if bad and not args.skip_bad:
        if preview.rows:  # some bad lines among good ones: leaving them out would help
            echo_err(
                ctx,
                ctx.t(
                    f"因为上面 {bad} 行有问题，未写入任何内容。请修正后重新导入，"
                    f"或加 --skip-bad 跳过这些行、只导入其余 {len(preview.rows)} 条。",
                    f"Nothing was written because of the {'line' if bad == 1 else f'{bad} lines'} above. Fix "
                    f"{'it' if bad == 1 else 'them'} and import again, or add --skip-bad to leave "
                    f"{'it' if bad == 1 else 'them'} out and import the other {len(preview.rows)}.",
                ),
            )
        else:
            echo_err(
                ctx,
                ctx.t(
                    "文件里没有一行可以导入，未写入任何内容。请确认选对了文件：名单文件每行一个号码，"
                    "或是带“号码”列的 CSV 表格。",
                    "Not one line of the file can be imported, so nothing was written. Check that it is the right "
                    "file: a list has one number a line, or is a CSV table with a “number” column.",
                ),
            )
        return 1
    if not preview.rows:
        echo_err(ctx, ctx.t("没有可导入的号码，未写入任何内容。", "nothing to import; nothing was written"))
        return 1
    if args.dry_run:
        echo(ctx, ctx.t("（试运行：未写入）", "(dry run: nothing written)"))
        return 0
    store = _store(ctx)
    if args.replace and not args.yes and store.has_list(args.list_name):
        from blocklists.store import ListKind

        if store.get_list(args.list_name).kind is ListKind.ALLOW:
            count = store.count(args.list_name)
            echo_err(
                ctx,
                ctx.t(
                    f"--replace 会先删除白名单“{args.list_name}”里的全部 {count} 条（家人和熟人）。"
                    "确认请再加 --yes。未写入任何内容。",
                    f"--replace would first delete all {count} entries of the allowlist “{args.list_name}” (family "
                    "and friends). Add --yes to confirm. Nothing was written.",
                ),
            )
            return 1
    try:
        result = commit_import(
            store,
            preview,
            args.list_name,
            create_kind=args.kind,
            skip_bad=args.skip_bad,
            replace=args.replace,
            allow_risky=args.allow_risky,
        )
    except ImportRejected:
        echo_err(ctx, ctx.t("未写入任何内容。", "nothing was written"))
        return 1
    except StoreError as exc:
        return _store_error(ctx, exc)
    echo(
        ctx,
        ctx.t(
            f"已导入到名单“{result.list_name}”：新增 {result.added} 条，已存在 {result.already_present} 条"
            + (f"，跳过问题行 {result.skipped_bad} 行" if result.skipped_bad else ""),
            f"imported into list “{result.list_name}”: {result.added} added, {result.already_present} already present"
            + (f", {count_en(result.skipped_bad, 'bad line')} skipped" if result.skipped_bad else ""),
        ),
    )
    _range_note(ctx, preview)
    return 0


def _range_note(ctx: Any, preview: Any) -> None:
    """A row such as 170* blocks every number of the range: said again after an import (the preview's note)."""
    from blocklists.importexport import ImportNote

    for note in preview.notes:
        if note.code is ImportNote.RANGES:
            echo(ctx, note.render(ctx.lang))


def cmd_lists_export(args: argparse.Namespace, ctx: Any) -> int:
    from blocklists.importexport import FORMATS, export_list
    from blocklists.store import StoreError

    # only the endings export_list writes (blocklists.importexport.FORMATS): .xlsx got CSV text under its name
    if args.format is None and Path(args.file).suffix.lower().lstrip(".") not in FORMATS:
        echo_err(
            ctx,
            ctx.t(
                f"只能导出为 .csv、.txt 或 .json 文件（Excel 可以直接打开 .csv），没有导出：{args.file}",
                f"lists export to .csv, .txt or .json files only (Excel opens .csv); nothing written: {args.file}",
            ),
        )
        return 2
    store = _store(ctx)
    try:
        count = export_list(store, args.name, args.file, args.format, lang=ctx.lang)
    except StoreError as exc:
        return _store_error(ctx, exc, store)
    except OSError as exc:
        echo_err(
            ctx,
            ctx.t(f"无法写入 {args.file}：{os_reason(exc, 'zh')}", f"cannot write {args.file}: {os_reason(exc, 'en')}"),
        )
        return 1
    echo(ctx, ctx.t(f"已导出 {count} 条到 {args.file}", f"exported {count} entries to {args.file}"))
    return 0


def cmd_lists_add(args: argparse.Namespace, ctx: Any) -> int:
    from blocklists.store import Category, StoreError

    store = _store(ctx)
    try:
        category = Category.parse(args.category)
    except ValueError:
        echo_err(
            ctx,
            ctx.t(f"未知分类：{args.category}（可用：诈骗/骚扰/推销/自定义）", f"unknown category: {args.category}"),
        )
        return 2
    status = 0
    for pattern in args.patterns:
        try:
            existing = store.find(args.name, pattern)
            entry = store.add(args.name, pattern, category, note=args.note, source="cli")
        except StoreError as exc:
            echo_err(ctx, f"{pattern}: {exc.message.render(ctx.lang)}")
            status = 1
            continue
        if existing is not None:
            echo(
                ctx,
                ctx.t(
                    f"“{args.name}”里已经有 {entry.pattern}（{entry.category.zh}），没有重复添加",
                    f"“{args.name}” already has {entry.pattern} ({entry.category.en}); not added again",
                ),
            )
        else:
            echo(
                ctx,
                ctx.t(
                    f"已添加到“{args.name}”：{entry.pattern}（{entry.category.zh}）",
                    f"added to “{args.name}”: {entry.pattern} ({entry.category.en})",
                ),
            )
        for note in _entries_not_applied(store, args.name, entry.pattern):
            echo(ctx, ctx.t("注意：", "Note: ") + note.render(ctx.lang))
    return status


def _entries_not_applied(store: Any, list_name: str, pattern: str) -> list[Any]:
    """Why an entry just added to ``list_name`` will not act on its own number (110 is protected, the allowlist
    wins, an official number is immune to ranges): the screener's ``list-ignored`` reasons, so a block that does
    nothing is not reported as done and left at that. Ranges (95*) name no one number: nothing to say."""
    from screening.i18n import BiText
    from screening.number_plan import numbering_plan
    from screening.screener import NumberScreener

    if any(ch in pattern for ch in "*?[") or not any(ch.isdigit() for ch in pattern):
        return []
    verdict = NumberScreener(store).screen(pattern)
    notes: list[Any] = [r.text for r in verdict.reasons if r.code == f"list-ignored:{list_name}"]
    official = numbering_plan().official.get(verdict.number.national_number or "")
    if official is not None and not notes and store.get_list(list_name).kind.blocks:
        # 95588 in the block list blocks the bank's real calls; its spoofed copies (+86 95588) are blocked anyway
        notes.append(
            BiText(
                f"{pattern} 是官方服务号码（{official.name.zh}），加入后它真正的来电也会被拦截；"
                "冒充它的改号电话本来就会被拦截，不需要加。不想拦截请用 lists remove 删掉",
                f"{pattern} is an official service number ({official.name.en}): its real calls will be blocked too; "
                "spoofed copies of it are blocked anyway. Use lists remove if that is not what you want",
            )
        )
    return notes


def cmd_lists_remove(args: argparse.Namespace, ctx: Any) -> int:
    from blocklists.store import StoreError

    store = _store(ctx)
    status = 0
    for pattern in args.patterns:
        try:
            store.remove(args.name, pattern)
        except StoreError as exc:
            echo_err(ctx, exc.message.render(ctx.lang))
            status = 1
            continue
        echo(ctx, ctx.t(f"已从“{args.name}”删除：{pattern}", f"removed from “{args.name}”: {pattern}"))
    return status


def cmd_lists_create(args: argparse.Namespace, ctx: Any) -> int:
    from blocklists.store import StoreError

    store = _store(ctx)
    try:
        info = store.create_list(args.name, args.kind, title_zh=args.title, title_en=args.title)
    except StoreError as exc:
        return _store_error(ctx, exc, store)
    echo(ctx, ctx.t(f"已新建名单“{info.name}”", f"created list “{info.name}”"))
    return 0


def cmd_lists_enable(args: argparse.Namespace, ctx: Any) -> int:
    from blocklists.store import StoreError

    store = _store(ctx)
    try:
        store.set_enabled(args.name, args.enabled)
    except StoreError as exc:
        return _store_error(ctx, exc, store)
    state = ctx.t("已启用", "enabled") if args.enabled else ctx.t("已停用", "disabled")
    echo(ctx, f"{args.name}: {state}")
    return 0


# ---------------------------------------------------------------------------------------------- history
def _at_least_one(value: str) -> int:
    try:
        n = int(value)
    except ValueError:
        n = 0
    if n < 1:
        raise argparse.ArgumentTypeError(f"应为正整数 / must be a positive whole number: {value}")
    return n


def _local_when(stored: object) -> datetime | None:
    """A stored UTC time (ISO text) in the local zone, with that date's own offset (summer time); None if no time."""
    try:
        when = datetime.fromisoformat(str(stored).replace("Z", "+00:00"))
    except ValueError:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    try:
        local = when.astimezone()  # (the offset of that instant: summer time included)
        local.strftime("%z")  # (an offset out of the platform's range fails here, not in the table)
    except (OverflowError, OSError, ValueError):  # year 1 or 9999 from a hand-edited row: shown as stored
        return None
    return local


def _zone_text(when: datetime | None) -> str:
    """``UTC+08:00`` (``UTC`` at +0000) for a local time's offset."""
    zone = when.strftime("%z") if when is not None else ""
    return f"UTC{zone[:3]}:{zone[3:5]}" if zone not in ("", "+0000") else "UTC"  # (seconds of an old zone left off)


def _local_time(stored: object, with_zone: bool = False) -> str:
    """A stored UTC time (ISO text) as local wall-clock time, with its offset when asked; text that is no time is
    shown as it is."""
    when = _local_when(stored)
    if when is None:
        return str(stored)[:19].replace("T", " ")
    text = when.strftime("%Y-%m-%d %H:%M:%S")
    return f"{text} {_zone_text(when)}" if with_zone else text


def cmd_history(args: argparse.Namespace, ctx: Any) -> int:
    from blocklists.history import History

    hist = History(_open(ctx))
    profile = getattr(args, "profile", None)
    if profile is not None:
        known = hist.profiles()
        if profile not in known:
            listed = ctx.names(known) if known else ctx.t("（无）", "(none)")
            echo_err(
                ctx,
                ctx.t(f"没有名为“{profile}”的家人；已有：{listed}", f"no profile named “{profile}”; known: {listed}"),
            )
            return 2
    since = None
    if getattr(args, "days", None):  # an end-of-day review: 今天 is --days 1 (a hotline trial)
        from app.local_zone import local_day_start

        since = local_day_start(date.today() - timedelta(days=args.days - 1))
    rows = hist.query(kind=args.kind, min_level=args.min_level, limit=args.limit, profile=profile, since=since)
    if args.json:
        for r in rows:
            r = dict(r)
            r["level"] = r["level"].name.lower() if r["level"] is not None else None
            ctx.out.write(json.dumps(r, ensure_ascii=False) + "\n")
        return 0
    if not rows:
        if (args.kind or args.min_level or profile or since) and hist.query(limit=1):  # stored, just not these
            echo(ctx, ctx.t("没有符合条件的记录。", "no records match these filters."))
        else:
            echo(ctx, ctx.t("还没有来电、短信或录音记录。", "no calls, messages or recordings recorded yet."))
        return 0
    lang = ctx.lang
    # local time, as the phone and the app's window show it (stored in UTC): an import said 19:00 where this said 11:00.
    # The heading names the offset the rows have; rows from both sides of a summer-time change each name their own
    # (a review: a July row under today's December offset read an hour off)
    zones = {_zone_text(_local_when(r["occurred_at"])) for r in rows if _local_when(r["occurred_at"]) is not None}
    mixed = len(zones) > 1
    zone = next(iter(zones)) if len(zones) == 1 else _zone_text(datetime.now().astimezone())
    headers = [
        ctx.t("时间（当地）", "Time (local)") if mixed else ctx.t(f"时间（{zone}）", f"Time ({zone})"),
        ctx.t("类别", "Kind"),
        ctx.t("号码/文件", "Number/file"),
        ctx.t("风险", "Risk"),
        ctx.t("原因", "Reason"),
    ]
    whose = profile is None and any(r.get("profile") for r in rows)  # say whose phone each row came from
    if whose:
        headers.insert(1, ctx.t("家人", "Person"))
    lines = any(call_line(r) for r in rows)  # which line each call came in on, where there are lines
    if lines:
        headers.insert(2 if whose else 1, ctx.t("线路", "Line"))
    out = []
    for r in rows:
        reasons = r.get("reasons") or []
        first = ""
        if isinstance(reasons, list) and reasons:
            item = reasons[0]
            first = (
                str(item.get(lang) or item.get("zh") or item.get("code") or "") if isinstance(item, dict) else str(item)
            )
        what = shown_number(r.get("number_e164"), r.get("number_raw")) or (
            Path(r["file_path"]).name if r.get("file_path") else "-"
        )
        what = with_name(what, r.get("name"), lang)  # the phone's contact name or mark: as the parent saw it
        about_text = record_about_text(r)  # what was said or written was checked: ○ 未发现诈骗
        level = level_word(r["level"], lang, about_text) if r.get("level") is not None else "-"
        if not first and r.get("level") is not None and r["level"] <= Level.UNKNOWN:
            first = number_nothing_found(lang)
        kind = record_kind_label(
            r["kind"], lang, r.get("call_type"), r.get("source")
        )  # 去电 / 未接 from a phone's log, 短信, 录音
        cells = [
            _local_time(r["occurred_at"], with_zone=mixed),
            kind,
            str(what),
            level,
            first if args.full else _shorten(first, 50),
        ]
        if whose:
            cells.insert(1, str(r.get("profile") or "-"))
        if lines:
            cells.insert(2 if whose else 1, call_line(r) or "-")
        out.append(cells)
    for line in _table(headers, out):
        echo(ctx, line)
    return 0
