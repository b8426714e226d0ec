"""CallController end to end: real sources (pty modem, TCP NCID), the real screener, a real SQLite file."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from app.calls.controller import CallController, CallProblem, CallSettings
from app.calls.events import CallerId, CallEvent, SourceMessage, utc_now
from app.calls.sources.modem import ModemConfig, ModemSource
from app.calls.sources.ncid import NcidConfig, NcidSource
from blocklists.db import open_db
from blocklists.history import History
from blocklists.store import ListStore
from screening.i18n import Message
from screening.screener import NumberScreener, NumberVerdict
from screening.types import Level
from tests.app.calls.test_sources_peers import ModemPeer, NcidPeer, Recorder, needs_pty

MODEM_FAST = ModemConfig(port="", reconnect_interval_s=0.1, command_timeout_s=1.0, hangup_pause_s=0.1)


class Calls:
    """Listener that records (event, verdict, history_id, thread name) and lets tests wait."""

    def __init__(self) -> None:
        self.items: list[tuple[CallEvent, NumberVerdict, int | None, str]] = []
        self.problems: list[Message] = []
        self._cond = threading.Condition()

    def __call__(self, event: CallEvent, verdict: NumberVerdict, history_id: int | None) -> None:
        with self._cond:
            self.items.append((event, verdict, history_id, threading.current_thread().name))
            self._cond.notify_all()

    def problem(self, message: Message) -> None:
        with self._cond:
            self.problems.append(message)
            self._cond.notify_all()

    def wait(self, count: int, timeout: float = 10.0) -> list[tuple[CallEvent, NumberVerdict, int | None, str]]:
        with self._cond:
            assert self._cond.wait_for(lambda: len(self.items) >= count, timeout), self.items
            return list(self.items)


@pytest.fixture
def db_path(data_dir: Path) -> Path:
    return data_dir / "callshield.db"


@pytest.fixture
def controller(db_path: Path) -> Iterator[tuple[CallController, Calls]]:
    calls = Calls()
    ctl = CallController(db_path)
    ctl.add_listener(calls)
    ctl.add_problem_listener(calls.problem)
    ctl.start()
    yield ctl, calls
    ctl.close()


@pytest.fixture
def modem(tmp_path: Path) -> Iterator[ModemPeer]:
    peer = ModemPeer(tmp_path / "ttyMODEM").start()
    yield peer
    peer.stop()


def start_modem(ctl: CallController, peer: ModemPeer, recorder: Recorder) -> ModemSource:
    cfg = ModemConfig(**{**MODEM_FAST.__dict__, "port": str(peer.link)})
    source = ModemSource(cfg, ctl.submit, recorder.on_status, ctl.call_ended)
    ctl.attach(source)
    source.start()
    recorder.wait_status(SourceMessage.MODEM_CONNECTED)
    return source


@needs_pty
def test_leased_95_call_on_the_modem_reaches_the_history_as_warn(controller, modem, db_path: Path) -> None:  # type: ignore[no-untyped-def]
    ctl, calls = controller
    start_modem(ctl, modem, Recorder())
    modem.ring()
    modem.caller_id_block("95275012")
    [(event, verdict, history_id, thread)] = calls.wait(1)
    assert event.source == "modem" and event.raw_number == "95275012"
    assert verdict.level is Level.WARN and "cn.95.leased" in verdict.reason_codes
    assert thread == "callshield-calls"
    # Read it back through a second connection, as the history page would.
    row = History(open_db(db_path)).get(history_id)  # type: ignore[arg-type]
    assert row is not None
    assert (row["kind"], row["number_raw"], row["source"], row["line"]) == ("call", "95275012", "modem", "modem")
    assert row["level"] == int(Level.WARN) and row["reasons"][0]["code"] == "cn.95.leased"
    assert "952750xx" in row["reasons"][0]["zh"]
    assert not modem.hook_events  # warn is not block: nobody hangs up on it


def test_a_number_blocked_elsewhere_is_blocked_on_the_very_next_call(db_path: Path) -> None:
    """A write through another connection (the app's list page, the CLI) reaches the controller at once."""
    calls = Calls()
    ctl = CallController(db_path)
    ctl.add_listener(calls)
    ctl.start()
    [manual] = ctl.create_sources(manual=True)
    manual.start()
    try:
        assert manual.submit("16212345678") is None
        [(_, first, _, _)] = calls.wait(1)
        assert first.level < Level.BLOCK
        ListStore(open_db(db_path)).add("block", "16212345678", category="fraud")  # another connection
        assert manual.submit("16212345678") is None  # at once: no waiting for a refresh interval
        assert calls.wait(2)[1][1].level is Level.BLOCK
    finally:
        ctl.close()


@needs_pty
def test_blocked_number_is_hung_up_only_when_the_user_enabled_it(modem, db_path: Path) -> None:  # type: ignore[no-untyped-def]
    # Blocked before the controller opens its connection (other connections' writes reach it within
    # ListStore.refresh_interval, which is not what this test is about).
    ListStore(open_db(db_path)).add("block", "16212345678", category="fraud", note="冒充客服")
    calls = Calls()
    ctl = CallController(db_path)
    ctl.add_listener(calls)
    ctl.start()
    recorder = Recorder()
    start_modem(ctl, modem, recorder)

    modem.ring()
    modem.caller_id_block("16212345678")
    [(_, verdict, _, _)] = calls.wait(1)
    assert verdict.level is Level.BLOCK  # blocked, but auto hang-up is off by default

    ctl.settings = CallSettings(auto_hangup=True)
    modem.ring()
    modem.caller_id_block("16212345678")
    calls.wait(2)
    recorder.wait_status(SourceMessage.HANGUP_DONE)
    # Exactly one off-hook/on-hook pair: the first call was left alone.
    assert [kind for kind, _ in modem.hook_events] == ["off", "on"]
    rows = History(open_db(db_path)).query(kind="call")
    assert [r["category"] for r in rows] == ["fraud", "fraud"]
    entry = ListStore(open_db(db_path)).find("block", "16212345678")
    assert entry is not None and entry.hit_count == 2
    ctl.close()


def test_blocked_ncid_call_is_pushed_to_the_server_blacklist(db_path: Path) -> None:
    ListStore(open_db(db_path)).add("block", "16212345678")
    peer = NcidPeer().start()
    calls = Calls()
    ctl = CallController(db_path, CallSettings(push_blocks_to_ncid=True, auto_hangup=True))
    ctl.add_listener(calls)
    recorder = Recorder()
    [ncid] = ctl.create_sources(
        ncid=NcidConfig(port=peer.port, backoff_initial_s=0.05), manual=False, on_status=recorder.on_status
    )
    assert isinstance(ncid, NcidSource)
    ctl.start()
    ncid.start()
    try:
        recorder.wait_status(SourceMessage.NCID_CONNECTED)
        peer.send("CID: *DATE*11212026*TIME*0435*LINE*POTS*NMBR*16212345678*MESG*NONE*NAME*-*")
        [(event, verdict, _, _)] = calls.wait(1)
        assert verdict.level is Level.BLOCK and event.source == "ncid"
        assert peer.wait_received('REQ: black add "16212345678" "CallShield: block"')
        assert peer.wait_received("REQ: RELOAD")
        recorder.wait_status(SourceMessage.NCID_BLOCK_PUSHED)
        # NCID cannot hang up itself; asking is answered with False, not an exception.
        assert ncid.request_hangup(event) is False
    finally:
        ctl.close()
        peer.stop()


def test_withheld_and_unknown_callers_are_recorded_with_the_reason(controller, db_path: Path) -> None:  # type: ignore[no-untyped-def]
    ctl, calls = controller
    for caller_id in (CallerId.WITHHELD, CallerId.NONE):
        ctl.submit(CallEvent("modem", "", None, utc_now(), "modem", {}, caller_id))
    items = calls.wait(2)
    rows = {r["id"]: r for r in History(open_db(db_path)).query(kind="call")}
    for (_event, verdict, history_id, _), expected in zip(items, ("对方隐藏了号码", "振铃但没有来电显示"), strict=True):
        assert verdict.level is Level.CAUTION and "cn.no_number" in verdict.reason_codes
        row = rows[history_id]  # type: ignore[index]
        assert row["number_raw"] is None and row["note"] == expected


def test_calls_from_many_threads_are_all_screened_and_recorded(controller, db_path: Path) -> None:  # type: ignore[no-untyped-def]
    ctl, calls = controller

    def caller(offset: int) -> None:
        for i in range(50):
            ctl.submit(CallEvent(f"line{offset}", f"952750{(offset * 50 + i) % 100:02d}", None, utc_now(), "ncid"))

    threads = [threading.Thread(target=caller, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    items = calls.wait(200)
    assert {thread for *_, thread in items} == {"callshield-calls"}
    assert all(verdict.level is Level.WARN for _, verdict, _, _ in items)
    assert len({history_id for _, _, history_id, _ in items}) == 200
    assert History(open_db(db_path)).count() == 200


def test_history_write_failure_still_announces_the_call(db_path: Path) -> None:
    def screener_then_read_only(db: Any, region: str) -> NumberScreener:
        screener = NumberScreener(ListStore(db, region), region)
        db.execute("PRAGMA query_only=ON")  # the file turns unwritable after start-up (disk full, permissions)
        return screener

    calls = Calls()
    ctl = CallController(db_path, screener_factory=screener_then_read_only)
    ctl.add_listener(calls)
    ctl.add_problem_listener(calls.problem)
    ctl.start()
    try:
        ctl.submit(CallEvent("manual", "95275012", None, utc_now(), "manual"))
        [(_, verdict, history_id, _)] = calls.wait(1)
        assert verdict.level is Level.WARN and history_id is None
        [problem] = calls.problems
        assert problem.code is CallProblem.HISTORY_FAILED
        assert "写入通话记录失败" in problem.render("zh") and "could not be saved" in problem.render("en")
    finally:
        ctl.close()


def test_unusable_database_fails_at_start_not_at_the_first_call(tmp_path: Path) -> None:
    (tmp_path / "dir.db").mkdir()
    ctl = CallController(tmp_path / "dir.db")
    with pytest.raises(Exception):  # noqa: B017 - sqlite's own error, whatever its class
        ctl.start()


def test_a_call_that_ends_at_once_is_announced_before_its_end(db_path: Path) -> None:
    """A source that ends a call right after submitting it (a SIP call refused before ringing) must not have the
    end overtake the screening: listeners hear "screened" first, else the Live card never learns the call ended."""
    from app.calls.events import CallEnded

    screening = threading.Event()

    def slow_screener(db: Any, region: str) -> NumberScreener:
        real = NumberScreener(ListStore(db, region), region)

        class Slow:
            def screen(self, raw: str) -> NumberVerdict:
                screening.wait(5)  # held until the source has already ended the call
                return real.screen(raw)

        return Slow()  # type: ignore[return-value]

    order: list[str] = []
    ctl = CallController(db_path, screener_factory=slow_screener)
    ctl.add_listener(lambda event, verdict, history_id: order.append("screened"))
    ctl.add_end_listener(lambda ended: order.append("ended"))
    ctl.start()
    try:
        ctl.submit(CallEvent("sip-line", "16212345678", None, utc_now(), "sip"))
        ctl.call_ended(CallEnded("sip-line", "sip", utc_now(), "auto_hangup"))  # from the source's thread
        screening.set()
        deadline = threading.Event()
        for _ in range(100):
            if len(order) == 2:
                break
            deadline.wait(0.05)
        assert order == ["screened", "ended"]
    finally:
        ctl.close()


def test_hangups_go_to_the_source_that_replaced_a_stopped_one(db_path: Path) -> None:
    """The settings changed (another port, another NCID server): the stopped source is detached, and a call to block
    is hung up by the one that replaced it (a review: it went to the stopped one, and nothing was hung up)."""
    from app.calls.events import SourceBase

    class Line(SourceBase):
        kind = "modem"

        def __init__(self) -> None:
            super().__init__(lambda event: None)
            self.hangups: list[str] = []

        def _run(self) -> None:
            self._stop.wait()

        def request_hangup(self, event: CallEvent) -> bool:
            self.hangups.append(event.raw_number)
            return True

    calls = Calls()
    ctl = CallController(db_path, CallSettings(auto_hangup=True))
    ctl.add_listener(calls)
    ctl.start()
    old, new = Line(), Line()
    try:
        ctl.attach(old)
        old.start()
        old.stop()
        ctl.detach(old)
        ctl.attach(new)
        new.start()
        ctl.submit(CallEvent("modem", "+852 96110", None, utc_now(), "modem"))
        calls.wait(1)
    finally:
        new.stop()
        ctl.close()
    assert old.hangups == [] and new.hangups == ["+852 96110"]
