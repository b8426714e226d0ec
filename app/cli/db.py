"""Database care from the command line.

``callshield db check``             is the database file healthy (SQLite's integrity check)?
``callshield db backup``            make a backup now (``<data>/backups``, the newest 7 are kept)
``callshield db backups``           list the backups, newest first
``callshield db restore [BACKUP]``  put a backup (default: the newest) in place; the old file is kept
``callshield db recover [-o FILE]`` copy everything still readable from a damaged database into a new file

A backup is also made automatically once a day when CallShield starts (``daily_backup``).
"""

from __future__ import annotations

import argparse
from datetime import datetime
from pathlib import Path
from typing import Any

from app.cli.context import db_file


def register(subparsers: argparse._SubParsersAction, parent: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    db = subparsers.add_parser("db", parents=[parent], help="数据库检查、备份与恢复 / database check, backup, recovery")
    sub = db.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    sub.add_parser("check", parents=[parent], help="检查数据库是否完好 / check the database").set_defaults(
        func=cmd_db_check
    )
    sub.add_parser("backup", parents=[parent], help="立即备份 / back up now").set_defaults(func=cmd_db_backup)
    sub.add_parser("backups", parents=[parent], help="列出备份 / list backups").set_defaults(func=cmd_db_backups)
    res = sub.add_parser("restore", parents=[parent], help="用备份替换数据库 / put a backup in place")
    res.add_argument("backup", nargs="?", help="备份文件（默认最新的）/ backup file (default: the newest)")
    res.set_defaults(func=cmd_db_restore)
    rec = sub.add_parser("recover", parents=[parent], help="从损坏的数据库中抢救数据 / save what can be read")
    rec.add_argument("-o", "--output", help="新文件（默认 callshield-recovered-日期.db）/ the new file")
    rec.set_defaults(func=cmd_db_recover)


def cmd_db_check(args: argparse.Namespace, ctx: Any) -> int:
    from blocklists.backup import check_database, list_backups

    path = db_file(ctx)
    if not path.is_file():
        print(ctx.t(f"还没有数据库文件：{path}", f"there is no database file yet: {path}"), file=ctx.err)
        return 1
    result = check_database(path)
    if result.ok:
        print(ctx.t(f"数据库完好：{path}", f"the database is healthy: {path}"), file=ctx.out)
        return 0
    print(ctx.t(f"数据库已损坏：{path}", f"the database is damaged: {path}"), file=ctx.err)
    for p in result.problems[:10]:
        print("  " + p, file=ctx.err)
    _point_to_backups(ctx, list_backups(path))
    return 1


def _point_to_backups(ctx: Any, backups: list[Path]) -> None:
    if backups:
        print(ctx.t(f"最近的备份：{backups[0]}", f"newest backup: {backups[0]}"), file=ctx.err)
    print(
        ctx.t(
            "可以用 callshield db recover 把还能读出的数据复制到新文件。",
            "callshield db recover copies whatever can still be read into a new file.",
        ),
        file=ctx.err,
    )


def cmd_db_backup(args: argparse.Namespace, ctx: Any) -> int:
    import sqlite3

    from blocklists.backup import backup_now

    path = db_file(ctx)
    if not path.is_file():
        print(ctx.t(f"还没有数据库文件：{path}", f"there is no database file yet: {path}"), file=ctx.err)
        return 1
    try:
        target = backup_now(path)
    except (OSError, sqlite3.Error) as exc:
        print(ctx.t(f"备份失败：{exc}", f"backup failed: {exc}"), file=ctx.err)
        return 1
    print(ctx.t(f"已备份到 {target}", f"backed up to {target}"), file=ctx.out)
    return 0


def cmd_db_backups(args: argparse.Namespace, ctx: Any) -> int:
    from blocklists.backup import list_backups

    found = list_backups(db_file(ctx))
    if not found:
        print(ctx.t("还没有备份。", "no backups yet."), file=ctx.out)
    for p in found:
        print(f"{p}  {p.stat().st_size / 1e6:.1f} MB", file=ctx.out)
    return 0


def cmd_db_recover(args: argparse.Namespace, ctx: Any) -> int:
    import sqlite3

    from blocklists.backup import recover_database

    path = db_file(ctx)
    if not path.is_file():
        print(ctx.t(f"还没有数据库文件：{path}", f"there is no database file yet: {path}"), file=ctx.err)
        return 1
    out = (
        Path(args.output) if args.output else path.with_name(f"callshield-recovered-{datetime.now():%Y%m%d-%H%M%S}.db")
    )
    try:
        result = recover_database(path, out)
    except FileExistsError:
        print(ctx.t(f"{out} 已存在，换一个文件名", f"{out} exists; choose another name"), file=ctx.err)
        return 1
    except (OSError, sqlite3.Error) as exc:
        print(ctx.t(f"恢复失败：{exc}", f"recovery failed: {exc}"), file=ctx.err)
        return 1
    for table, n in result.saved.items():
        lost = result.lost.get(table, 0)
        print(
            ctx.t(f"{table}：保存 {n} 行，读不出 {lost} 行", f"{table}: {n} rows saved, {lost} unreadable"),
            file=ctx.out,
        )
    for table in result.unreadable_tables:
        print(ctx.t(f"{table}：整张表读不出", f"{table}: the whole table is unreadable"), file=ctx.out)
    print(
        ctx.t(
            f"已写入 {out}。原文件没有改动；确认无误后，关闭来电护盾，把新文件改名为 {path.name} 替换原文件。",
            f"written to {out}. The damaged file is unchanged; after checking, close CallShield and rename the new "
            f"file to {path.name} in its place.",
        ),
        file=ctx.out,
    )
    return 0


def cmd_db_restore(args: argparse.Namespace, ctx: Any) -> int:
    import sqlite3

    from blocklists.backup import list_backups, restore_backup

    path = db_file(ctx)
    backups = list_backups(path)
    backup = Path(args.backup) if args.backup else (backups[0] if backups else None)
    if backup is None or not backup.is_file():
        print(ctx.t("没有可用的备份。", "there is no backup to restore."), file=ctx.err)
        return 1
    try:
        kept = restore_backup(path, backup)
    except (OSError, sqlite3.Error) as exc:
        print(ctx.t(f"恢复失败：{exc}", f"restore failed: {exc}"), file=ctx.err)
        return 1
    print(ctx.t(f"已用 {backup} 恢复数据库", f"restored the database from {backup}"), file=ctx.out)
    if kept is not None:
        print(ctx.t(f"原来的文件保存在 {kept}", f"the replaced file was kept as {kept}"), file=ctx.out)
    return 0
