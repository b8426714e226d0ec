"""app.operations.community: what a Lists page will call, on real SQLite files and a real bundle folder."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from app.operations import community as ops
from blocklists.db import open_db
from blocklists.store import ListStore
from blocklists.subscriptions.minisign import MEMLIMIT_INTERACTIVE, OPSLIMIT_INTERACTIVE
from blocklists.subscriptions.problems import SubscriptionError, SubscriptionProblem
from blocklists.subscriptions.subscribe import SubscriptionState, UpdateStatus


def test_keys_publish_subscribe_update_and_the_page_view(tmp_path: Path) -> None:
    files = ops.generate_keys(tmp_path / "keys", "pw", opslimit=OPSLIMIT_INTERACTIVE, memlimit=MEMLIMIT_INTERACTIVE)
    assert files.secret.stat().st_mode & 0o077 == 0  # owner-only
    with pytest.raises(SubscriptionError) as err:
        ops.generate_keys(tmp_path / "keys", "pw")
    assert err.value.code is SubscriptionProblem.KEY_EXISTS
    key = ops.load_secret_key(files.secret, "pw")
    pub = ops.load_public_key(files.public)
    assert pub == key.public_key and pub.fingerprint == files.fingerprint

    centre = tmp_path / "centre.db"
    store = ListStore(open_db(centre))
    store.create_list("nt", "block", title_zh="南通", title_en="Nantong")
    store.add("nt", "13800138001", "fraud")
    store.add("nt", "952750??", "fraud")
    store.db.conn.close()
    ops.publish_list(centre, "nt", tmp_path / "www", key, valid_days=2, publisher="南通反诈志愿者")

    home = tmp_path / "home.db"
    assert ops.next_check_at(home) is None
    result = ops.subscribe(home, str(tmp_path / "www"), pub)
    assert result.status is UpdateStatus.UPDATED and result.wildcard_count == 1
    (view,) = ops.list_subscriptions(home)
    assert (view.name, view.title.zh, view.publisher, view.fingerprint) == (
        "nt",
        "南通",
        "南通反诈志愿者",
        pub.fingerprint,
    )
    assert view.state is SubscriptionState.OK and view.entry_count == 2 and view.wildcard_count == 1 and view.enabled
    later = datetime.now(timezone.utc) + timedelta(days=3)
    assert ops.list_subscriptions(home, now=later)[0].state is SubscriptionState.EXPIRED
    nxt = ops.next_check_at(home)
    assert nxt is not None and view.expires_at is not None and nxt <= view.expires_at + timedelta(hours=3)
    (again,) = ops.update(home)
    assert again.status is UpdateStatus.UNCHANGED
    ops.unsubscribe(home, "nt")
    assert ops.list_subscriptions(home) == []
    with pytest.raises(SubscriptionError) as err:
        ops.update(home)
    assert err.value.code is SubscriptionProblem.NO_SUBSCRIPTIONS


def test_malformed_key_files(tmp_path: Path) -> None:
    bad = tmp_path / "bad.pub"
    bad.write_bytes(b"\xff\xfe")
    for path in (bad, tmp_path / "missing.pub"):
        with pytest.raises(SubscriptionError) as err:
            ops.load_public_key(path)
        assert err.value.code in (SubscriptionProblem.BAD_KEY, SubscriptionProblem.NOT_FOUND_LOCAL)


def test_reports_preview_is_what_gets_written(tmp_path: Path) -> None:
    db = tmp_path / "home.db"
    ops.add_report(db, "13800138001", "诈骗", "冒充客服")
    assert [r.number for r in ops.list_reports(db)] == ["+8613800138001"]
    preview = ops.export_preview(db, "李阿姨")
    out = tmp_path / "reports.json"
    assert ops.write_reports_export(preview, out) == 1
    assert json.loads(out.read_text("utf-8")) == preview
    result = ops.aggregate_reports([out, out], 1, tmp_path / "p.csv")
    assert result.duplicates == 1 and len(result.proposals) == 1
