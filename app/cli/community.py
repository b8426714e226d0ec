"""Community lists and reports on the command line (issue 15).  Scripts depend on these names.

``callshield keys generate DIR``                          Ed25519 key pair (minisign format), passphrase-protected
``callshield lists publish NAME OUTDIR --key SECRETKEY``  signed bundle of a local list
``callshield lists subscribe URL_OR_FOLDER --pubkey PUBFILE [--name NAME]``  add and fetch at once
``callshield lists update [NAME]``                        refresh now; non-zero exit with the reason on failure
``callshield lists subscriptions`` / ``lists unsubscribe NAME``
``callshield reports add NUMBER --category … [--note …]``  record a report ("标记")
``callshield reports list`` / ``reports export FILE``      what would be shared, then the file
``callshield reports aggregate FILES… --min-reports N --out FILE``  pool reports into proposals

The passphrase of a secret key is asked for on the terminal; scripts pass it in
``CALLSHIELD_KEY_PASSPHRASE``.  The ``lists`` actions are added to ``app.cli.numbers``'s ``lists`` command
through ``register_lists_actions``.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

from app.cli.context import db_file, echo, echo_err

PASSPHRASE_ENV = "CALLSHIELD_KEY_PASSPHRASE"


def register(subparsers: argparse._SubParsersAction, parent: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    keys = subparsers.add_parser("keys", parents=[parent], help="发布名单用的签名密钥 / signing keys for publishing")
    ksub = keys.add_subparsers(dest="keys_command", metavar="ACTION", required=True)
    gen = ksub.add_parser(
        "generate", parents=[parent], help="生成 Ed25519 密钥对（minisign 格式）/ create an Ed25519 key pair"
    )
    gen.add_argument("dir", metavar="DIR", help="保存密钥的目录 / folder for the key files")
    gen.set_defaults(func=_friendly(cmd_keys_generate))

    rep = subparsers.add_parser("reports", parents=[parent], help="举报号码并汇总 / report numbers, pool reports")
    rsub = rep.add_subparsers(dest="reports_command", metavar="ACTION", required=True)
    add = rsub.add_parser("add", parents=[parent], help="标记一个号码 / report a number")
    add.add_argument("number", metavar="NUMBER")
    add.add_argument(
        "--category", required=True, help="诈骗/骚扰/推销/自定义/正常 (fraud/harassment/sales/custom/safe)"
    )
    add.add_argument("--note", default="", help="备注（可选）/ optional note")
    add.set_defaults(func=_friendly(cmd_reports_add))
    show = rsub.add_parser("list", parents=[parent], help="本机记录的举报 / reports recorded here")
    show.set_defaults(func=_friendly(cmd_reports_list))
    exp = rsub.add_parser("export", parents=[parent], help="导出举报给志愿者中心 / export reports for the centre")
    exp.add_argument("file", metavar="FILE")
    exp.add_argument("--name", default="", help="愿意留下的称呼（可选）/ a name you choose to share (optional)")
    exp.set_defaults(func=_friendly(cmd_reports_export))
    agg = rsub.add_parser("aggregate", parents=[parent], help="汇总多人的举报 / pool reports from many users")
    agg.add_argument("files", nargs="+", metavar="FILE")
    agg.add_argument("--min-reports", type=int, default=3, help="至少多少台设备举报（默认 3）/ distinct installations")
    agg.add_argument("--out", required=True, help="建议清单 CSV / proposals CSV")
    agg.add_argument("--list", dest="list_name", help="与本机的这个名单比较 / compare with this local list")
    agg.set_defaults(func=_friendly(cmd_reports_aggregate))


def register_lists_actions(lsub: argparse._SubParsersAction, parent: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    """The community actions of ``callshield lists`` (called by ``app.cli.numbers``)."""
    pub = lsub.add_parser("publish", parents=[parent], help="发布签名名单包 / publish a signed bundle")
    pub.add_argument("name", metavar="NAME")
    pub.add_argument("outdir", metavar="OUTDIR")
    pub.add_argument("--key", required=True, metavar="SECRETKEY", help="私钥文件 / secret key file")
    pub.add_argument("--list-id", help="名单标识（默认为名称）/ list id (default: NAME)")
    pub.add_argument("--title", default="", help="显示名称 / title")
    pub.add_argument("--publisher", default="", help="发布者 / publisher")
    pub.add_argument("--days", type=float, default=7, help="有效天数（默认 7）/ valid for N days")
    pub.add_argument("--mirror", action="append", default=[], help="镜像网址，可多次 / mirror URL (repeatable)")
    pub.add_argument("--next-key", metavar="PUBFILE", help="预告下一把公钥（换钥）/ announce the next public key")
    pub.set_defaults(func=_friendly(cmd_lists_publish))

    sub = lsub.add_parser("subscribe", parents=[parent], help="订阅名单 / subscribe to a published list")
    sub.add_argument("location", metavar="URL_OR_FOLDER")
    sub.add_argument("--pubkey", required=True, metavar="PUBFILE", help="发布者的公钥文件 / the publisher's .pub")
    sub.add_argument("--name", help="本机名单名（默认为 list_id）/ local list name")
    sub.add_argument("--timeout", type=float, default=None, help="网络超时秒数 / network timeout (s)")
    sub.set_defaults(func=_friendly(cmd_lists_subscribe))

    upd = lsub.add_parser("update", parents=[parent], help="立即更新订阅 / refresh subscriptions now")
    upd.add_argument("name", nargs="?", metavar="NAME")
    upd.add_argument("--force", action="store_true", help="不用缓存验证 / skip the conditional GET")
    upd.add_argument("--timeout", type=float, default=None, help="网络超时秒数 / network timeout (s)")
    upd.set_defaults(func=_friendly(cmd_lists_update))

    show = lsub.add_parser("subscriptions", parents=[parent], help="订阅状态 / subscription status")
    show.set_defaults(func=_friendly(cmd_lists_subscriptions))

    uns = lsub.add_parser("unsubscribe", parents=[parent], help="取消订阅 / remove a subscription")
    uns.add_argument("name", metavar="NAME")
    uns.set_defaults(func=_friendly(cmd_lists_unsubscribe))


# ---------------------------------------------------------------------------------------------- helpers
def _friendly(handler: Any) -> Any:
    """Expected failures (``SubscriptionError``, an unusable database) end with their message and exit 1."""

    def run(args: argparse.Namespace, ctx: Any) -> int:
        from blocklists.db import DatabaseCorrupt, DatabaseTooNew
        from blocklists.store import StoreError
        from blocklists.subscriptions.problems import SubscriptionError

        try:
            return int(handler(args, ctx))
        except (SubscriptionError, StoreError) as exc:
            echo_err(ctx, exc.message.render(ctx.lang))
            return 1
        except (DatabaseCorrupt, DatabaseTooNew) as exc:
            zh, _sep, en = str(exc).partition(" / ")
            echo_err(ctx, ctx.t(zh, en or zh))
            return 1

    run.__doc__ = handler.__doc__
    return run


def _when(ctx: Any, when: datetime | None) -> str:
    return when.strftime("%Y-%m-%d %H:%M") + " UTC" if when else "-"


def _passphrase(ctx: Any, *, confirm: bool) -> str:
    from blocklists.subscriptions.problems import SubscriptionError, SubscriptionProblem

    env = os.environ.get(PASSPHRASE_ENV)
    if env is not None:
        return env
    if not sys.stdin.isatty():
        raise SubscriptionError(SubscriptionProblem.NO_PASSPHRASE)
    first = getpass.getpass(ctx.t("私钥口令：", "Passphrase: "))
    if confirm:
        if getpass.getpass(ctx.t("再输入一次：", "Again: ")) != first:
            raise SubscriptionError(SubscriptionProblem.PASSPHRASE_MISMATCH)
    return first


# ---------------------------------------------------------------------------------------------- keys
def cmd_keys_generate(args: argparse.Namespace, ctx: Any) -> int:
    from app.operations.community import generate_keys

    passphrase = _passphrase(ctx, confirm=True)
    if not passphrase:
        echo_err(ctx, ctx.t("口令不能为空。", "the passphrase must not be empty"))
        return 2
    files = generate_keys(args.dir, passphrase)
    echo(ctx, ctx.t(f"已生成密钥 {files.fingerprint}", f"created key {files.fingerprint}"))
    echo(ctx, ctx.t(f"  私钥（保密，用口令保护）：{files.secret}", f"  secret key (keep it private): {files.secret}"))
    echo(ctx, ctx.t(f"  公钥（发给订阅者）：    {files.public}", f"  public key (give to subscribers): {files.public}"))
    echo(
        ctx,
        ctx.t(
            "请把私钥和口令分开备份（例如私钥存 U 盘放保险柜，口令记在别处）。丢失私钥后，"
            "所有订阅者都要重新订阅；换钥请用 lists publish --next-key 预告新公钥。",
            "Back up the secret key and the passphrase separately (e.g. the key on a USB stick in a safe, the "
            "passphrase elsewhere). If the key is lost every subscriber must subscribe again; to change keys, "
            "announce the new public key with lists publish --next-key.",
        ),
    )
    return 0


# ---------------------------------------------------------------------------------------------- lists
def cmd_lists_publish(args: argparse.Namespace, ctx: Any) -> int:
    from app.operations.community import load_public_key, load_secret_key, publish_list
    from blocklists.subscriptions.minisign import secret_key_is_encrypted

    text = Path(args.key).read_text(encoding="ascii", errors="replace") if Path(args.key).is_file() else ""
    passphrase = _passphrase(ctx, confirm=False) if text and _encrypted(text, secret_key_is_encrypted) else None
    key = load_secret_key(args.key, passphrase)
    next_key = load_public_key(args.next_key) if args.next_key else None
    result = publish_list(
        db_file(ctx),
        args.name,
        args.outdir,
        key,
        list_id=args.list_id,
        valid_days=args.days,
        mirrors=args.mirror,
        next_key=next_key,
        publisher=args.publisher,
        title=args.title,
    )
    m = result.manifest
    deltas = [f for f in m.files if f.kind == "delta"]
    echo(
        ctx,
        ctx.t(
            f"已发布“{m.list_id}”版本 {m.serial}：{m.counts['entries']} 条（号段 {m.counts['prefix']}，"
            f"通配 {m.counts['wildcard']}），增量 {len(deltas)} 个，有效期至 {_when(ctx, m.expires_at)}",
            f"published “{m.list_id}” serial {m.serial}: {m.counts['entries']} entries ({m.counts['prefix']} "
            f"prefixes, {m.counts['wildcard']} wildcards), {len(deltas)} deltas, valid until {_when(ctx, m.expires_at)}",
        ),
    )
    echo(ctx, ctx.t(f"  目录：{result.out_dir}", f"  folder: {result.out_dir}"))
    echo(ctx, ctx.t(f"  签名密钥：{key.public_key.fingerprint}", f"  signed with key {key.public_key.fingerprint}"))
    return 0


def _encrypted(text: str, check: Any) -> bool:
    from blocklists.subscriptions.problems import SubscriptionError

    try:
        return bool(check(text))
    except SubscriptionError:
        return False  # load_secret_key reports the malformed key


def cmd_lists_subscribe(args: argparse.Namespace, ctx: Any) -> int:
    from app.operations.community import load_public_key, subscribe

    key = load_public_key(args.pubkey)
    result = subscribe(db_file(ctx), args.location, key, name=args.name, timeout=args.timeout)
    echo(
        ctx,
        ctx.t(
            f"已订阅“{result.name}”：版本 {result.serial}，{result.entry_count} 条，公钥 {key.fingerprint}",
            f"subscribed to “{result.name}”: serial {result.serial}, {result.entry_count} entries, "
            f"key {key.fingerprint}",
        ),
    )
    _wildcard_note(ctx, result)
    return 0


def _wildcard_note(ctx: Any, result: Any) -> None:
    if result.wildcard_count or result.prefix_count:
        echo(
            ctx,
            ctx.t(
                f"  注意：此名单含 {result.prefix_count} 条号段规则和 {result.wildcard_count} 条通配规则，"
                "会拦截整段号码（官方号码和您的白名单不受影响）",
                f"  note: this list has {result.prefix_count} prefix and {result.wildcard_count} wildcard "
                "patterns, which block whole ranges (official numbers and your allowlist are not affected)",
            ),
        )


def cmd_lists_update(args: argparse.Namespace, ctx: Any) -> int:
    from app.operations.community import update
    from blocklists.subscriptions.subscribe import UpdateStatus

    results = update(db_file(ctx), args.name, force=args.force, timeout=args.timeout)
    status = 0
    for r in results:
        if r.status is UpdateStatus.UPDATED:
            how = ctx.t("增量", "delta") if r.used == "delta" else ctx.t("完整", "full")
            echo(
                ctx,
                ctx.t(
                    f"{r.name}：已更新到版本 {r.serial}（{how}，+{r.added} −{r.removed}），共 {r.entry_count} 条",
                    f"{r.name}: updated to serial {r.serial} ({how}, +{r.added} −{r.removed}), {r.entry_count} entries",
                ),
            )
            if r.key_rotated:
                echo(ctx, ctx.t("  发布者已换用预告的新密钥", "  the publisher switched to the announced new key"))
        elif r.status is UpdateStatus.UNCHANGED:
            echo(ctx, ctx.t(f"{r.name}：已是最新（版本 {r.serial}）", f"{r.name}: up to date (serial {r.serial})"))
        else:
            status = 1
            reason = r.error.render(ctx.lang) if r.error else "?"
            echo_err(ctx, ctx.t(f"{r.name}：更新失败：{reason}", f"{r.name}: update failed: {reason}"))
            for extra in r.errors[1:]:
                echo_err(ctx, ctx.t(f"  镜像：{extra.render('zh')}", f"  mirror: {extra.render('en')}"))
            echo_err(
                ctx,
                ctx.t(
                    f"  继续使用上一版（版本 {r.serial}，{r.entry_count} 条）",
                    f"  the last good list stays in force (serial {r.serial}, {r.entry_count} entries)",
                ),
            )
        if r.expired:
            echo_err(
                ctx,
                ctx.t(
                    f"  警告：“{r.name}”已过期，仍在使用，请联系发布者",
                    f"  warning: “{r.name}” has expired; it is still in use — contact the publisher",
                ),
            )
    return status


def cmd_lists_subscriptions(args: argparse.Namespace, ctx: Any) -> int:
    from app.cli.numbers import _table
    from app.operations.community import list_subscriptions

    views = list_subscriptions(db_file(ctx))
    if not views:
        echo(ctx, ctx.t("还没有订阅任何名单。", "no subscriptions yet."))
        return 0
    headers = [
        ctx.t("名称", "Name"),
        ctx.t("版本", "Serial"),
        ctx.t("状态", "State"),
        ctx.t("条目", "Entries"),
        ctx.t("通配/号段", "Wild/prefix"),
        ctx.t("上次更新", "Last update"),
        ctx.t("过期", "Expires"),
        ctx.t("公钥", "Key"),
    ]
    rows = [
        [
            v.name,
            str(v.serial),
            v.state.label(ctx.lang),
            str(v.entry_count),
            f"{v.wildcard_count}/{v.prefix_count}",
            _when(ctx, v.last_success),
            _when(ctx, v.expires_at),
            v.fingerprint,
        ]
        for v in views
    ]
    for line in _table(headers, rows):
        echo(ctx, line)
    for v in views:
        if v.last_error is not None:
            echo(ctx, f"{v.name}: {v.last_error.render(ctx.lang)}")
    return 0


def cmd_lists_unsubscribe(args: argparse.Namespace, ctx: Any) -> int:
    from app.operations.community import unsubscribe

    unsubscribe(db_file(ctx), args.name)
    echo(ctx, ctx.t(f"已取消订阅“{args.name}”", f"unsubscribed from “{args.name}”"))
    return 0


# ---------------------------------------------------------------------------------------------- reports
def cmd_reports_add(args: argparse.Namespace, ctx: Any) -> int:
    from app.operations.community import add_report
    from blocklists.subscriptions.reports import report_category_label

    r = add_report(db_file(ctx), args.number, args.category, args.note)
    echo(
        ctx,
        ctx.t(
            f"已记录举报：{r.number}（{report_category_label(r.category, 'zh')}）",
            f"report recorded: {r.number} ({report_category_label(r.category, 'en')})",
        ),
    )
    return 0


def cmd_reports_list(args: argparse.Namespace, ctx: Any) -> int:
    from app.cli.numbers import _table
    from app.operations.community import list_reports
    from blocklists.subscriptions.reports import report_category_label

    rows = [
        [r.reported_at[:16].replace("T", " "), r.number, report_category_label(r.category, ctx.lang), r.note]
        for r in list_reports(db_file(ctx))
    ]
    if not rows:
        echo(ctx, ctx.t("还没有举报记录。", "no reports yet."))
        return 0
    headers = [
        ctx.t("时间(UTC)", "Time (UTC)"),
        ctx.t("号码", "Number"),
        ctx.t("分类", "Category"),
        ctx.t("备注", "Note"),
    ]
    for line in _table(headers, rows):
        echo(ctx, line)
    return 0


def cmd_reports_export(args: argparse.Namespace, ctx: Any) -> int:
    from app.operations.community import export_preview, write_reports_export
    from blocklists.subscriptions.reports import payload_text

    payload = export_preview(db_file(ctx), args.name)
    echo(ctx, ctx.t("将要分享的全部内容：", "Everything that will be shared:"))
    echo(ctx, payload_text(payload).rstrip())
    count = write_reports_export(payload, args.file)
    echo(ctx, ctx.t(f"已导出 {count} 条举报到 {args.file}", f"exported {count} reports to {args.file}"))
    return 0


def cmd_reports_aggregate(args: argparse.Namespace, ctx: Any) -> int:
    from app.operations.community import aggregate_reports
    from blocklists.subscriptions.reports import Action

    if args.min_reports < 1:
        echo_err(ctx, ctx.t("--min-reports 至少为 1", "--min-reports must be at least 1"))
        return 2
    result = aggregate_reports(
        args.files,
        args.min_reports,
        args.out,
        db_path=db_file(ctx) if args.list_name else None,
        against_list=args.list_name,
    )
    from blocklists.subscriptions.reports import removals_path

    adds = sum(1 for p in result.proposals if p.action is Action.ADD)
    removals = removes = len(result.proposals) - adds
    echo(
        ctx,
        ctx.t(
            f"读取 {result.files} 个文件，来自 {result.installations} 台设备，{result.reports} 条举报"
            f"（同一设备重复 {result.duplicates} 条已合并）",
            f"read {result.files} files from {result.installations} installations, {result.reports} reports "
            f"({result.duplicates} repeats from the same installation merged)",
        ),
    )
    echo(
        ctx,
        ctx.t(
            f"建议新增 {adds} 个、删除 {removes} 个号码（至少 {args.min_reports} 台设备）；"
            f"{result.below_threshold} 个号码举报不足。已写入 {args.out}，请审核后再发布。",
            f"proposed: {adds} additions, {removes} removals (at least {args.min_reports} installations); "
            f"{result.below_threshold} numbers below the threshold. Written to {args.out}; review before publishing.",
        ),
    )
    if removals:
        path = removals_path(args.out)
        echo(ctx, ctx.t(f"  建议删除的号码另存于 {path}", f"  proposed removals are in {path}"))
    return 0
