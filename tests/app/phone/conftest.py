"""Fixtures for the phone tests: realistic backups written by ``backup_factory`` and a real SQLite file."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlite_utils

from blocklists.db import open_db
from tests.app.phone.backup_factory import realistic_calls, realistic_messages, write_calls, write_messages


@pytest.fixture
def backup_dir(tmp_path: Path) -> Path:
    d = tmp_path / "SMSBackupRestore"
    d.mkdir()
    write_calls(d / "calls-20261204093000.xml", realistic_calls())
    write_messages(d / "sms-20261204093000.xml", realistic_messages())
    return d


@pytest.fixture
def phone_db(tmp_path: Path) -> Iterator[sqlite_utils.Database]:
    db = open_db(tmp_path / "data" / "callshield.db")
    try:
        yield db
    finally:
        db.close()
