"""The community-list update scheduler with real parts: real job-runner threads, a real SQLite file and a real
HTTP server on 127.0.0.1 serving bundles made by the real publish code (``tests.blocklists.subs_support``)."""

from __future__ import annotations

import functools
import sqlite3
import time
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from app.community.scheduler import MAX_DELAY_S, SubscriptionScheduler, delay_ms
from app.operations import DataArea
from app.operations import community as ops
from blocklists.db import open_db
from blocklists.store import ListStore
from blocklists.subscriptions import fetch
from blocklists.subscriptions import subscribe as subs
from blocklists.subscriptions.subscribe import UpdateStatus
from tests.blocklists.subs_support import Publisher, Server, serve

SCAM = "13800138001"
NOW = datetime(2026, 12, 4, 12, 0, tzinfo=timezone.utc)


def test_delay_is_the_time_until_the_check_clamped() -> None:
    assert delay_ms(NOW + timedelta(minutes=10), NOW) == 600_000
    assert delay_ms(NOW - timedelta(days=2), NOW, min_s=5) == 5_000  # overdue: soon, not at once in a loop
    assert delay_ms(NOW + timedelta(days=30), NOW) == int(MAX_DELAY_S * 1000)  # re-read the schedule meanwhile


def _make_due(db_path: Path) -> None:
    with sqlite3.connect(db_path) as conn:
        conn.execute(
            "UPDATE subscriptions SET next_check = ?", [(datetime.now(timezone.utc) - timedelta(minutes=1)).isoformat()]
        )


@pytest.fixture
def pub(tmp_path: Path) -> Publisher:
    publisher = Publisher(tmp_path / "pub")
    publisher.add(SCAM, "13800138002")
    publisher.publish()
    return publisher


@pytest.fixture
def server(pub: Publisher) -> Iterator[Server]:
    yield from serve(pub.out)


def test_scheduler_updates_due_lists_in_the_background_and_backs_off_after_a_failure(
    qtbot, services, pub: Publisher, server: Server
) -> None:
    ops.subscribe(services.db_path, server.url, pub.key.public_key.line(), timeout=2)
    sched = SubscriptionScheduler(services, min_delay_s=0.05, timeout=2)
    areas: list[DataArea] = []
    services.dataChanged.connect(areas.append)

    # nothing due: the timer waits (at most MAX_DELAY_S, then it reads the schedule again)
    sched.start()
    qtbot.waitUntil(lambda: sched.remaining_ms() > 0, timeout=5000)
    assert sched.next_due is not None and sched.next_due > datetime.now(timezone.utc)
    assert sched.remaining_ms() > 3_600_000

    # a new version is published and the subscription falls due: updated off the GUI thread, pages told
    pub.add("13900001111")
    pub.publish()
    _make_due(services.db_path)
    with qtbot.waitSignal(sched.checked, timeout=15_000) as blocker:
        services.notify_changed(DataArea.SUBSCRIPTIONS)  # e.g. the Lists page changed something: re-arm
    [result] = blocker.args[0]
    assert result.status is UpdateStatus.UPDATED and result.serial == 2 and result.entry_count == 3
    assert DataArea.SUBSCRIPTIONS in areas and DataArea.LISTS in areas
    assert [v.serial for v in ops.list_subscriptions(services.db_path)] == [2]
    qtbot.waitUntil(lambda: sched.remaining_ms() > 3_600_000 and not sched.busy, timeout=5000)

    # the server breaks: the last good list stays, the reason is kept, the retry follows the core's back-off
    server.state.faults["manifest.json"] = "404"
    _make_due(services.db_path)
    areas.clear()
    with qtbot.waitSignal(sched.checked, timeout=15_000) as blocker:
        services.notify_changed(DataArea.SUBSCRIPTIONS)
    [failed] = blocker.args[0]
    assert failed.status is UpdateStatus.FAILED and failed.serial == 2 and failed.error is not None
    assert areas == [DataArea.SUBSCRIPTIONS] * 2  # the nudge, then the scheduler's: state changed, entries not
    [view] = ops.list_subscriptions(services.db_path)
    assert view.serial == 2 and view.entry_count == 3 and view.last_error is not None
    qtbot.waitUntil(lambda: sched.remaining_ms() > 0 and not sched.busy, timeout=5000)
    assert 0.8 * 3_600_000 < sched.remaining_ms() <= 1.2 * 3_600_000  # retry in about an hour (±10 % jitter)

    # 立即更新 from the Lists page goes through the scheduler: never two runs at once
    user_results: list[list[object]] = []
    sched.check_now()
    assert sched.busy and not sched.run_update("nt", on_result=user_results.append, on_error=pytest.fail)
    qtbot.waitUntil(lambda: not sched.busy, timeout=15_000)
    assert sched.run_update("nt", on_result=user_results.append, on_error=pytest.fail)
    qtbot.waitUntil(lambda: len(user_results) == 1 and not sched.busy, timeout=15_000)
    assert user_results[0][0].status is UpdateStatus.FAILED  # the server still answers 404

    sched.close()
    assert sched.remaining_ms() == -1 and not sched.running


def test_the_services_own_one_scheduler_and_closing_stops_it(qtbot, services) -> None:
    sched = services.subscriptions
    sched.start()
    qtbot.waitUntil(lambda: services.jobs.is_idle(), timeout=5000)
    assert sched.running and sched.next_due is None and sched.remaining_ms() == -1  # nothing subscribed: no timer
    services.close()
    assert not sched.running


def _dripping_new_version(pub: Publisher, server: Server, db_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """Subscribe (serial 1, two numbers), then publish serial 2 whose list the server drips, one byte every 0.2 s,
    which no read timeout trips.  The whole-file deadline is 8 s here, not the app's 600 s, so that without a
    working cancel the tests below fail in seconds rather than hang.  Returns the dripping file's name."""
    ops.subscribe(db_path, server.url, pub.key.public_key.line(), timeout=2)
    pub.add("13900001111")
    pub.publish(keep_deltas=0)
    full = f"full-{pub.serial}.csv"
    server.state.faults[full] = "drip"
    monkeypatch.setattr(subs, "open_source", functools.partial(fetch.open_source, deadline=8.0))
    _make_due(db_path)
    return full


def _last_good_list_in_force(db_path: Path) -> None:
    [view] = ops.list_subscriptions(db_path)
    assert (view.serial, view.entry_count, view.last_error) == (1, 2, None)  # no failure recorded, no error shown
    store = ListStore(open_db(db_path))
    try:
        assert sorted(e.canonical for e in store.iter_entries("nt")) == ["+8613800138001", "+8613800138002"]
    finally:
        store.db.conn.close()


def test_quitting_while_a_list_drips_in_returns_at_once_and_keeps_the_last_good_list(
    qtbot, services, pub: Publisher, server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before, quitting joined the worker and so waited for the download's whole deadline (up to 600 s)."""
    full = _dripping_new_version(pub, server, services.db_path, monkeypatch)
    sched = services.subscriptions
    sched.start()
    sched.check_now()
    qtbot.waitUntil(lambda: full in [r[0] for r in server.state.requests], timeout=10_000)
    time.sleep(0.5)  # well into the list's body
    assert sched.busy

    started = time.monotonic()
    services.close()  # what quitting does
    took = time.monotonic() - started

    assert took < 2.0, f"quitting waited {took:.1f} s for the download"
    _last_good_list_in_force(services.db_path)


def test_stopping_the_scheduler_cancels_an_update_the_user_asked_for(
    qtbot, services, pub: Publisher, server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    """立即更新 while the list drips in, then the scheduler stops: the run ends as cancelled, not as an error."""
    full = _dripping_new_version(pub, server, services.db_path, monkeypatch)
    sched = services.subscriptions
    sched.start()
    outcome: list[object] = []
    assert sched.run_update(
        "nt", on_result=outcome.append, on_error=outcome.append, on_cancelled=lambda: outcome.append("cancelled")
    )
    qtbot.waitUntil(lambda: full in [r[0] for r in server.state.requests], timeout=10_000)
    with qtbot.waitSignal(sched.cancelled, timeout=2000):
        sched.stop()
    assert outcome == ["cancelled"] and not sched.busy
    _last_good_list_in_force(services.db_path)
