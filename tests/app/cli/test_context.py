"""The command line's own small helpers (app.cli.context)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from app.cli.context import CliContext, option_arg


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("妈妈", "--profile 妈妈"),
        ("Mum 妈妈", '--profile "Mum 妈妈"'),  # a trial pasted the unquoted suggestion and the shell split it
        ("3号楼&刘阿姨", '--profile "3号楼&刘阿姨"'),
    ],
)
def test_a_suggested_option_can_be_pasted_as_it_is(value: str, shown: str) -> None:
    assert option_arg("--profile", value) == shown


def test_names_are_listed_as_the_language_lists_them() -> None:
    def ctx(lang: str) -> CliContext:
        return CliContext(Path("."), lang, io.StringIO(), io.StringIO())

    assert ctx("zh").names(["妈妈", "爸爸"]) == "妈妈、爸爸"
    assert ctx("en").names(["Mum 妈妈", "Dad"]) == "Mum 妈妈, Dad"  # (a trial read "Dad 爸爸、Mum 妈妈" in English)
