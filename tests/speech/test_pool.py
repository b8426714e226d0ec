"""speech.pool: each line keeps its warm recognisers between calls."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from speech.audio import FileSource, decode_file
from speech.pipeline import TranscriptionRun, run_sync
from speech.pool import DecodingGate, PooledRecognizer, RecognizerPool
from speech.recognizer import LoadedModel, RecognitionResult, Word, build_grammar
from tests.speech.conftest import KO_FRAUD_SENTENCE, KO_KEYWORDS


class _Counting:
    """A recogniser whose word times keep counting across streams, as Vosk's do."""

    def __init__(self) -> None:
        self.fed_s = 0.0
        self.stream_start = 0.0

    def accept(self, pcm: bytes) -> bool:
        self.fed_s += len(pcm) / 2 / 16000
        return False

    def partial(self) -> str:
        return ""

    def result(self) -> RecognitionResult:
        return RecognitionResult("")

    def final(self) -> RecognitionResult:
        start, self.stream_start = self.stream_start, self.fed_s
        return RecognitionResult("x", (Word("x", start + 0.5, self.fed_s, 1.0),))


def _pool(made: list[_Counting]) -> RecognizerPool:
    def make() -> _Counting:
        made.append(_Counting())
        return made[-1]

    return RecognizerPool(make, generation="model-a")


def test_a_line_gets_its_recogniser_back_after_a_call_and_times_start_at_zero() -> None:
    made: list[_Counting] = []
    pool = _pool(made)
    first = pool.lease(("1", "caller"))
    first.accept(b"\0\0" * 32000)  # a 2 s call
    r1 = first.final()
    assert (r1.start, r1.end) == (0.5, 2.0)
    assert pool.idle(("1", "caller")) == 1

    again = pool.lease(("1", "caller"))
    assert again is first and len(made) == 1 and pool.reused == 1 and again.calls == 1
    again.accept(b"\0\0" * 16000)  # the next call, 1 s
    r2 = again.final()
    assert (r2.start, r2.end) == (0.5, 1.0)  # not 2.5-3.0: the stream's own time


def test_lines_and_sides_do_not_share_and_a_busy_recogniser_is_never_handed_out_twice() -> None:
    made: list[_Counting] = []
    pool = _pool(made)
    a = pool.lease(("1", "caller"))
    b = pool.lease(("1", "caller"))  # a second call on the line while the first still runs
    c = pool.lease(("2", "caller"))
    d = pool.lease(("1", "us"))
    assert len({id(a), id(b), id(c), id(d)}) == 4 and len(made) == 4
    a.final()
    b.final()  # per_key=1: only one idle recogniser is kept per line and side
    assert pool.idle(("1", "caller")) == 1 and pool.idle() == 1


def test_a_new_model_drops_the_old_models_recognisers() -> None:
    made: list[_Counting] = []
    pool = _pool(made)
    old = pool.lease("1")
    old.final()
    busy = pool.lease("2")
    pool.reset(lambda: _Counting(), generation="model-b")
    assert pool.idle() == 0
    busy.final()  # finishes after the switch: not kept either
    assert pool.idle() == 0
    assert pool.lease("1") is not old


def test_leasing_from_many_threads_hands_out_each_recogniser_once() -> None:
    made: list[_Counting] = []
    pool = _pool(made)
    for _ in range(4):
        pool.lease(str(_)).final()
    got: list[PooledRecognizer] = []
    lock = threading.Lock()

    def take(key: str) -> None:
        rec = pool.lease(key)
        with lock:
            got.append(rec)

    threads = [threading.Thread(target=take, args=(str(i % 4),)) for i in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len({id(r) for r in got}) == 16  # 4 warm ones reused once each, 12 new
    assert pool.reused == 4


def _queue(gate: DecodingGate, dues: list[float], order: list[float]) -> list[threading.Thread]:
    """One daemon thread per due time, each waiting for a slot and noting its due time when it gets one (daemons:
    a failed assertion must not leave a waiter that keeps pytest from exiting)."""
    threads = []
    for due in dues:

        def wait(d: float = due) -> None:
            gate.acquire(d)
            order.append(d)

        t = threading.Thread(target=wait, daemon=True)
        t.start()
        threads.append(t)
    deadline = time.monotonic() + 5
    while gate.waiting() < len(dues):  # every thread is queued before any slot frees
        assert time.monotonic() < deadline, "the waiters never queued"
        time.sleep(0.005)
    return threads


def test_a_free_slot_goes_to_the_line_whose_audio_waited_longest() -> None:
    gate = DecodingGate(2)
    gate.acquire(0.0)
    gate.acquire(0.0)  # both slots busy
    order: list[float] = []
    threads = _queue(gate, [30.0, 10.0, 20.0], order)
    for expected in (10.0, 20.0, 30.0):
        gate.release()
        threads[[30.0, 10.0, 20.0].index(expected)].join(5)
        assert order[-1] == expected
    assert order == [10.0, 20.0, 30.0]


def test_a_released_slot_is_handed_over_not_taken_back() -> None:
    """A line releases and at once asks again, with older audio than the line that queued: the queued line still
    gets the slot (with a semaphore the releasing thread usually re-takes it before the woken waiter runs)."""
    gate = DecodingGate(1)
    gate.acquire(5.0)
    order: list[float] = []
    (waiter,) = _queue(gate, [9.0], order)
    again = threading.Thread(target=lambda: (gate.release(), gate.acquire(1.0), order.append(1.0)), daemon=True)
    again.start()
    waiter.join(5)
    again.join(0.3)
    assert order == [9.0] and again.is_alive()  # the re-asking line waits behind the one the slot went to
    assert gate.held() == 1 and gate.waiting() == 1
    gate.release()  # the waiter's turn ends
    again.join(5)
    assert order == [9.0, 1.0]


def test_a_reused_recogniser_is_due_from_its_new_call_on() -> None:
    made: list[_Counting] = []
    pool = _pool(made)
    rec = pool.lease("1")
    rec.accept(b"\0\0" * 16000 * 3)  # three seconds of the first call
    rec.final()
    before = time.monotonic()
    again = pool.lease("1")
    assert again is rec
    assert before <= again._due() <= time.monotonic()  # not three seconds in: the new call starts now


def test_a_line_leased_before_its_audio_began_is_due_from_its_first_block() -> None:
    """A recogniser leased while the sound device was still opening (or, in bench/bench_lines.py, while the next
    line's recogniser warmed up) must not look overdue for the whole call: under full load it would take every slot
    and the line leased last would get none."""
    made: list[_Counting] = []
    pool = _pool(made)
    early = pool.lease("early")
    time.sleep(0.3)  # the call's audio begins later than the lease
    dues: list[float] = []
    gate = pool.gate
    acquire = gate.acquire

    def record(due: float) -> None:
        dues.append(due)
        acquire(due)

    gate.acquire = record  # type: ignore[method-assign]
    arrived = time.monotonic()
    early.accept(b"\0\0" * 1600)  # the first 0.1 s block, just arrived
    early.accept(b"\0\0" * 1600)
    assert arrived - 0.1 - 0.05 <= dues[0] <= arrived  # its audio began one block before it arrived, not at the lease
    assert dues[1] == pytest.approx(dues[0] + 0.1)  # then the clock runs with the audio fed
    early.final()
    again = pool.lease("early")
    time.sleep(0.2)
    arrived = time.monotonic()
    again.accept(b"\0\0" * 1600)
    assert dues[-1] >= arrived - 0.1 - 0.05  # the next call's clock starts at its own first block too


def test_releasing_a_gate_more_often_than_it_was_taken_is_an_error() -> None:
    gate = DecodingGate(1)
    gate.acquire(0.0)
    gate.release()
    with pytest.raises(RuntimeError):
        gate.release()


def test_real_vosk_a_reused_recogniser_hears_the_next_call_with_its_own_times(
    ko_model: LoadedModel, say: Callable[..., Path]
) -> None:
    """The Korean model, one line, two calls in a row: the second call reuses the first call's recogniser, hears
    the same key words, and its word times are the call's own (Vosk's keep counting; the pool shifts them back).
    Keyword mode: with the full vocabulary espeak's Korean decodes to near-random words, which a warm graph cache
    can tip differently from one run to the next."""
    wav = say(KO_FRAUD_SENTENCE, pad_s=0.3)
    grammar = build_grammar(ko_model, KO_KEYWORDS)
    pool = RecognizerPool(lambda: ko_model.recognizer(grammar=grammar), generation=ko_model)
    first = run_sync(FileSource(wav), pool.lease("line-1"))
    rec = pool.lease("line-1")
    assert pool.reused == 1 and pool.made == 1
    second = TranscriptionRun(FileSource(wav), rec).start().wait(60)
    assert second is not None and second.ok
    assert "계좌" in first.text.split() and second.text == first.text
    duration = len(decode_file(wav).pcm) / 2 / 16000
    assert first.segments[0].start is not None and second.segments[0].start is not None
    # Unshifted, the second call's words would start a whole call (~4 s) late. A warm recogniser's adapted
    # features move the first word's start by up to ~0.13 s (seen in CI), so the bound is well above that and
    # well below a call's length.
    assert duration > 2.0
    assert abs(second.segments[0].start - first.segments[0].start) < 0.4
    assert second.segments[-1].end <= duration + 0.4  # the same warm-recogniser leeway as the start
    assert pool.idle("line-1") == 1  # back for the third call
