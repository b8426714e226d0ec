"""Bilingual text for core results.

Core code returns *codes* plus parameters, never finished sentences.  Each code carries its
Chinese and English template so that the CLI and the Qt UI can render it in the user's language
without the core knowing which one that is.

Usage::

    class ImportProblem(MessageCode):
        BAD_NUMBER = ("第 {line} 行：号码无法识别（{value}）", "line {line}: not a phone number ({value})")

    msg = Message(ImportProblem.BAD_NUMBER, {"line": 3, "value": "abc"})
    msg.render("zh")
"""

from __future__ import annotations

import enum
import errno
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

LANGUAGES = ("zh", "en")


# A passage of a template that names the command-line way (「（命令行：callshield model download）」), written with
# ``command_hint``: the command line shows it, the app, whose buttons the same message names, leaves it out
# (``show_command_hints``).  One process is one or the other: the app turns the hints off when it starts.
_HINT_OPEN, _HINT_CLOSE = "\u27ea", "\u27eb"
_HINT = re.compile(f"{_HINT_OPEN}(.*?){_HINT_CLOSE}", re.S)
_command_hints = True


def command_hint(text: str) -> str:
    """``text`` (with its brackets and any leading space) marked as naming a command: shown only on the command line."""
    return f"{_HINT_OPEN}{text}{_HINT_CLOSE}"


def show_command_hints(show: bool) -> bool:
    """Show (the command line, the default) or leave out (the app) the command-line passages of every message;
    returns the setting it replaces, for a test to put back."""
    global _command_hints
    before, _command_hints = _command_hints, show
    return before


def _surface(template: str, command_hints: bool | None = None) -> str:
    """``template`` with its command-line passages shown or left out (``command_hints``; None: as this process
    says, :func:`show_command_hints`)."""
    if _HINT_OPEN not in template:
        return template
    show = _command_hints if command_hints is None else command_hints
    return _HINT.sub(r"\1" if show else "", template)


class MessageCode(enum.Enum):
    """Base for enums whose values are ``(zh_template, en_template)`` pairs."""

    @property
    def zh(self) -> str:
        return _surface(str(self.value[0]))

    @property
    def en(self) -> str:
        return _surface(str(self.value[1]))

    def template(self, lang: str, command_hints: bool | None = None) -> str:
        raw = str(self.value[1] if normalise_language(lang) == "en" else self.value[0])
        return _surface(raw, command_hints)


@dataclass(frozen=True)
class Message:
    """A code with parameters; rendered late, in the reader's language."""

    code: MessageCode
    params: Mapping[str, Any] = field(default_factory=dict)

    def render(self, lang: str = "zh", command_hints: bool | None = None) -> str:
        """In ``lang``; ``command_hints`` False for text that is stored (a history row's reasons), which the app and
        the command line both show later: without the command line's own passages."""
        template = self.code.template(lang, command_hints)
        try:
            return template.format(**self.params)
        except (KeyError, IndexError, ValueError):
            return template

    def __str__(self) -> str:
        return self.render("zh")


@dataclass(frozen=True)
class BiText:
    """Free text given in both languages (rule explanations, list names from data files)."""

    zh: str
    en: str

    def render(self, lang: str = "zh") -> str:
        return self.en if normalise_language(lang) == "en" else self.zh


def count_en(n: int, noun: str) -> str:
    """An English count with its noun, ``1 bad line`` / ``3 bad lines``, for an English template's parameter
    (Chinese needs no plural).  Regular plurals only."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def normalise_language(lang: str | None) -> str:
    """Map a locale-ish string to ``zh`` or ``en``. Unknown or empty → ``zh`` (Chinese first)."""
    if not lang:
        return "zh"
    lang = lang.strip().lower().replace("-", "_")
    if lang.startswith("en"):
        return "en"
    return "zh"


def system_language(env: Mapping[str, str] | None = None) -> str:
    """Language from the environment: CALLSHIELD_LANG, then LC_ALL/LC_MESSAGES/LANG.

    Chinese first: an explicit non-Chinese locale (``en_US.UTF-8``, ``de_DE``) gives English,
    a Chinese one, ``C``/``POSIX`` or nothing at all gives Chinese.
    """
    env = os.environ if env is None else env
    explicit = env.get("CALLSHIELD_LANG")
    if explicit:
        return normalise_language(explicit)
    for key in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(key, "")
        if not value:
            continue
        head = value.split(".")[0].lower()
        if head in ("c", "posix"):
            return "zh"
        return "zh" if head.startswith("zh") else "en"
    return "zh"


# Why a file could not be read or written, in plain words: the system's own text (strerror) is English on most
# machines and was shown inside Chinese sentences (无法读取文件 x：No such file or directory).
_OS_REASONS: dict[int, tuple[str, str]] = {
    errno.ENOENT: ("找不到这个文件或文件夹", "no such file or folder"),
    errno.ENOTDIR: ("路径里有一部分不是文件夹", "a part of the path is not a folder"),
    errno.EISDIR: ("这是一个文件夹，不是文件", "it is a folder, not a file"),
    errno.EACCES: ("没有权限", "permission denied"),
    errno.EPERM: ("没有权限", "permission denied"),
    errno.ENOSPC: ("磁盘已满", "the disk is full"),
    errno.EROFS: ("磁盘是只读的", "the disk is read-only"),
    errno.ENAMETOOLONG: ("文件名太长", "the file name is too long"),
}


def os_reason(exc: OSError, lang: str = "zh") -> str:
    """``exc``'s cause in ``lang`` ("zh" or "en"): plain words for the common ones, else the system's own text."""
    known = _OS_REASONS.get(exc.errno or 0)
    if known is not None:
        return known[1] if lang == "en" else known[0]
    return exc.strerror or type(exc).__name__
