"""The ``callshield`` command.

With no subcommand it opens the desktop app.  Subcommands give headless access to the same core
for scripts, volunteers and tests.  Each feature registers its subcommands from its own module
(``app/cli/<feature>.py`` exposes ``register(subparsers, parent)``), so this file only wires them.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from app import __version__, paths
from app.cli.context import CliContext as CliContext  # re-exported: feature modules may import it from here
from app.cli.context import make_context
from app.log import setup_logging
from screening.i18n import normalise_language, show_command_hints, system_language

# Feature modules, each with ``register(subparsers, parent_parser)``.
FEATURE_MODULES = (
    "app.cli.numbers",
    "app.cli.text",
    "app.cli.speech",
    "app.cli.calls",
    "app.cli.community",
    "app.cli.db",
    "app.cli.phone",
)

log = logging.getLogger(__name__)


def _common_parent() -> argparse.ArgumentParser:
    # Options accepted both before and after the subcommand: ``callshield --data-dir X check N``
    # and ``callshield check N --data-dir X`` both work.
    parent = argparse.ArgumentParser(add_help=False)
    parent.add_argument(
        "--data-dir",
        default=argparse.SUPPRESS,
        help="数据目录（默认为系统用户数据目录） / data directory (default: the per-user data dir)",
    )
    parent.add_argument("--lang", choices=["zh", "en"], default=argparse.SUPPRESS, help="输出语言 / output language")
    return parent


def build_parser() -> argparse.ArgumentParser:
    parent = _common_parent()
    parser = argparse.ArgumentParser(
        prog="callshield",
        description="CallShield 来电护盾 — 离线识别诈骗来电 / offline anti-fraud call screening",
        parents=[parent],
    )
    parser.add_argument("--version", action="version", version=f"CallShield {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="日志输出到终端 / also log to the terminal")
    parser.add_argument(
        "--no-error-dialogs", action="store_true", help="出错时不弹窗（用于自动化） / no error dialogs (automation)"
    )
    parser.add_argument(
        "--self-test",
        action="store_true",
        help="自检：临时数据库、号码与话术判定、语音模型、窗口，然后退出 / check this installation works, then exit",
    )
    parser.add_argument(
        "--model",
        dest="selftest_model",
        metavar="PATH",
        default=None,
        help="自检使用的 Vosk 模型目录 / Vosk model folder for --self-test",
    )
    parser.add_argument(
        "--screenshot",
        metavar="DIR",
        default=None,
        help="用内置示例数据把每个页面截图保存到 DIR 后退出（离屏渲染，不读你的数据） / render every page with built-in "
        "sample data offscreen into PNGs in DIR, then exit (your data is not read)",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in FEATURE_MODULES:
        module = importlib.import_module(name)
        module.register(subparsers, parent)
    return parser


def _command_parser(parser: argparse.ArgumentParser, args: argparse.Namespace) -> argparse.ArgumentParser:
    """The parser of the (sub)command ``args`` chose (``phone import …`` → ``phone import``'s own), followed through
    each level's ``dest`` (not the words: ``--data-dir lists phone import`` is no ``lists`` command)."""
    while True:
        sub = next((a for a in parser._actions if isinstance(a, argparse._SubParsersAction)), None)
        chosen = getattr(args, sub.dest, None) if sub is not None else None
        if sub is None or chosen not in sub.choices:
            return parser
        parser = sub.choices[chosen]


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    words = list(sys.argv[1:] if argv is None else argv)
    args, extra = parser.parse_known_args(words)
    if extra:  # said with the command's own usage (phone import --dry-run showed the top-level one)
        _command_parser(parser, args).error(f"unrecognized arguments: {' '.join(extra)}")
    try:
        ctx = make_context(args)
    except OSError as exc:  # --data-dir is a file, sits under a file, or cannot be created
        lang = normalise_language(getattr(args, "lang", None) or system_language())
        where = exc.filename or getattr(args, "data_dir", "")
        print(
            f"cannot use the data folder {getattr(args, 'data_dir', where)}: {exc.strerror or exc}"
            if lang == "en"
            else f"无法使用数据目录 {getattr(args, 'data_dir', where)}：{exc.strerror or exc}（请换一个文件夹或检查权限）",
            file=sys.stderr,
        )
        return 1
    setup_logging(paths.log_dir(ctx.data_dir), console=bool(args.verbose))
    _clean_up_after_interrupted_work(ctx.data_dir)
    handler = getattr(args, "func", None)
    if getattr(args, "self_test", False):
        from app.selftest import main as run_selftest

        return run_selftest(args, ctx)
    if handler is None:
        from app.gui import run_gui

        return run_gui(args, ctx)
    show_command_hints(True)  # a message's command-line passages are for here (the app leaves them out)
    try:
        return int(handler(args, ctx) or 0)
    except KeyboardInterrupt:
        print(ctx.t("已取消", "cancelled"), file=ctx.err)
        return 130
    except BrokenPipeError:
        # The reader of our output went away (`callshield scan-text --jsonl big.jsonl | head`): stop quietly, as Unix
        # tools do. A broken pipe elsewhere (a socket, a helper program) is a real error and is raised as usual.
        if not _stdout_closed():
            raise
        # Python would print a second traceback when it flushes stdout at exit, so stdout goes to devnull first.
        _silence_stdout()
        return 141  # 128 + SIGPIPE, what a shell reports for a tool killed by the signal


def _stdout_closed() -> bool:
    """Whether nobody reads our standard output any more (the write end of a pipe reports an error once the reader
    has closed it). Where poll() is missing (Windows) the broken pipe is taken to be stdout's: by far the usual case."""
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):
        return False
    try:
        import select

        poller = select.poll()
    except AttributeError:
        return True
    poller.register(fd, select.POLLOUT)
    return any(events & (select.POLLERR | select.POLLHUP) for _, events in poller.poll(0))


def _silence_stdout() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):  # stdout has no file descriptor (an IDE console, a test's StringIO)
        pass


def _clean_up_after_interrupted_work(data_dir: Path) -> None:
    """On every start: remove what a killed model import left (``<data>/models/.import-*``) and make the day's
    database backup if there is none yet; never fails a start."""
    try:
        from speech.models import cleanup_staging

        cleanup_staging(data_dir)
    except Exception:  # a clean-up problem must never stop the app or a command
        log.warning("could not clean up after an interrupted import", exc_info=True)
    try:
        from blocklists.backup import daily_backup

        daily_backup(data_dir / paths.DB_FILENAME)
    except Exception:  # a damaged or locked database is reported by the command that uses it
        log.warning("daily database backup skipped", exc_info=True)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
