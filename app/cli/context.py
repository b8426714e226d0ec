"""What every ``callshield`` subcommand (and the GUI/self-test start-up) receives: data dir, language, streams.

Kept apart from ``app/cli/__init__.py`` so that ``app.gui`` and ``app.selftest`` can use it without importing the
whole command line (issue 11: imports point downward).
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from app import paths
from app.display import enumerate_words
from screening.i18n import normalise_language, system_language


@dataclass(frozen=True)
class CliContext:
    """What every subcommand handler receives besides its parsed arguments."""

    data_dir: Path
    lang: str
    out: TextIO
    err: TextIO

    def t(self, zh: str, en: str) -> str:
        """Pick the user's language for a one-off CLI string."""
        return en if self.lang == "en" else zh

    def names(self, items: Any) -> str:
        """Names listed as the user's language lists them: 「妈妈、爸爸」, "Mum, Dad" (``app.display.enumerate_words``)."""
        return enumerate_words(items, self.lang)


def option_arg(option: str, value: str) -> str:
    """``--profile 妈妈``, or ``--profile "Mum 妈妈"`` for a value a shell would split (bash, cmd and PowerShell
    alike take it in double quotes): a suggestion the user can paste as it is (a trial's broke at the space)."""
    if value and not any(ch.isspace() or ch in "\"'`$&|;<>()^%!" for ch in value):
        return f"{option} {value}"
    return f'{option} "{value}"'


def make_context(args: argparse.Namespace, out: TextIO | None = None, err: TextIO | None = None) -> CliContext:
    data_dir = paths.data_dir(getattr(args, "data_dir", None))
    lang = normalise_language(getattr(args, "lang", None) or system_language())
    return CliContext(data_dir=data_dir, lang=lang, out=out or sys.stdout, err=err or sys.stderr)


def echo(ctx: Any, text: str = "") -> None:
    """One line of a subcommand's output."""
    print(text, file=ctx.out)


def echo_err(ctx: Any, text: str) -> None:
    """One line of a subcommand's error output."""
    print(text, file=ctx.err)


def db_file(ctx: Any) -> Path:
    """The database file in the context's data folder."""
    return Path(ctx.data_dir) / paths.DB_FILENAME
