"""Warm recognisers kept per line between calls.

A fresh Vosk recogniser is slow for its first seconds of speech: it builds the parts of its decoding graph
(the look-ahead composition of the model's ``HCLr``/``Gr`` graphs, cached inside each recogniser) that the words
spoken need, and its very first block takes several hundred milliseconds. On the Korean test model a fresh
recogniser costs about 0.37 CPU-seconds per second of call audio, one that has already heard a call about 0.22
(see ``bench/bench_lines.py``). A call centre's lines take one call after another, so each line keeps its
recognisers: when a call's stream ends (``final()``) the recogniser goes back to the pool, and the line's next call
reuses it. The cache stays bounded (Vosk's graph cache collects its own garbage; about 8 MB over 20 calls).

Vosk keeps counting time across streams, so a reused recogniser's word times are shifted back to start at 0 for
each call. A recogniser is used by one thread at a time: the pool hands out each one once until it is released.

**Decoding slots.** Every recogniser from one pool decodes through a shared gate with one slot per core. With more
lines than cores, the operating system would otherwise switch between recogniser threads in the middle of their
work and each switch costs cache; through the gate a block is decoded start to finish on one core while the other
lines wait their turn. On the Korean test model with 8 lines on 2 cores this cut the CPU per line by about 12 % and
the worst lag from 1.3 s to 0.3 s (``bench/bench_lines.py``).

**Earliest audio first.** A free slot goes to the waiting line whose oldest undecoded audio is oldest (earliest
deadline first, which keeps the largest lag of all lines as small as it can be), and it is handed straight to that
line: a line that just finished a block cannot take the slot again ahead of lines that waited. A plain semaphore
let a line that was catching up re-take the slot before a woken waiter ran, and near full load one line's lag then
grew past the alert budget while others had slack. Plain Python, no Qt.
"""

from __future__ import annotations

import heapq
import itertools
import os
import threading
import time
from collections.abc import Callable, Hashable
from dataclasses import replace

from speech.audio import BYTES_PER_SAMPLE, TARGET_RATE
from speech.recognizer import RecognitionResult, Recognizer


def usable_cores() -> int:
    """The cores this process may run on (its affinity where the OS tells it, else the machine's count)."""
    affinity = getattr(os, "sched_getaffinity", None)
    if affinity is not None:
        return max(1, len(affinity(0)))
    return max(1, os.cpu_count() or 1)


class DecodingGate:
    """``slots`` decoding slots, handed to waiters earliest ``due`` first (ties: first come)."""

    def __init__(self, slots: int) -> None:
        self.slots = slots
        self._held = 0
        self._lock = threading.Lock()
        self._waiting: list[tuple[float, int, threading.Event]] = []
        self._order = itertools.count()

    def acquire(self, due: float) -> None:
        with self._lock:
            if self._held < self.slots and not self._waiting:
                self._held += 1
                return
            handed = threading.Event()
            heapq.heappush(self._waiting, (due, next(self._order), handed))
        handed.wait()  # release() handed this waiter its slot (and counted it as held)

    def release(self) -> None:
        with self._lock:
            if self._held <= 0:
                raise RuntimeError("DecodingGate released more often than acquired")
            if self._waiting:
                heapq.heappop(self._waiting)[2].set()  # the slot passes straight on: still held
            else:
                self._held -= 1

    def waiting(self) -> int:
        with self._lock:
            return len(self._waiting)

    def held(self) -> int:
        with self._lock:
            return self._held


class PooledRecognizer:
    """A recogniser on loan from a :class:`RecognizerPool`; returns itself when its stream ends."""

    def __init__(self, pool: RecognizerPool, key: Hashable, inner: Recognizer, generation: object) -> None:
        self._pool = pool
        self.key = key
        self.generation = generation
        self.inner = inner
        self.calls = 0  # streams finished with this recogniser (0: still cold)
        self._fed_s = 0.0  # audio seconds the inner recogniser has heard since it was made
        self._offset_s = 0.0  # where the current stream started, in the inner recogniser's time
        self._t0 = time.monotonic()  # when the current stream's audio began (its lease, until audio comes)

    def _begin(self) -> None:
        self._offset_s = self._fed_s
        self._t0 = time.monotonic()

    def _due(self) -> float:
        """When the oldest audio not yet decoded arrived, taking the stream as live from its first audio on: the
        pool's recognisers serve live lines, whose first block has just arrived when it is fed. (A stream fed
        faster than real time would have due times in the future and wait behind every live line.)

        The clock starts at the first block, not at the lease: a line leased some seconds before its audio began
        would otherwise look seconds more overdue than the others for the whole call and win every slot, and
        under full load the line leased last then got none (bench/bench_lines.py leases each line's recogniser
        while warming the next one's, about 2 s apart: one line fell 7 s behind while the average lag was 1 s)."""
        return self._t0 + (self._fed_s - self._offset_s)

    def _start_clock(self, pcm: bytes) -> None:
        """The stream's first block has just arrived: its audio began one block ago."""
        if pcm and self._fed_s == self._offset_s:  # nothing fed in this stream yet
            self._t0 = time.monotonic() - len(pcm) / BYTES_PER_SAMPLE / TARGET_RATE

    def _shift(self, result: RecognitionResult) -> RecognitionResult:
        if not self._offset_s or not result.words:
            return result
        off = self._offset_s
        words = tuple(replace(w, start=max(0.0, w.start - off), end=max(0.0, w.end - off)) for w in result.words)
        return replace(result, words=words)

    def accept(self, pcm: bytes) -> bool:
        self._start_clock(pcm)
        gate = self._pool.gate
        gate.acquire(self._due())
        try:
            return self.inner.accept(pcm)
        finally:
            self._fed_s += len(pcm) / BYTES_PER_SAMPLE / TARGET_RATE
            gate.release()

    def partial(self) -> str:  # reads the decoder's state: too little work to queue for a slot
        return self.inner.partial()

    def result(self) -> RecognitionResult:
        return self._shift(self.inner.result())

    def final(self) -> RecognitionResult:
        """Flush the stream; the recogniser is then reset and goes back to the pool for the line's next call."""
        gate = self._pool.gate
        try:
            gate.acquire(self._due())
            try:
                return self._shift(self.inner.final())
            finally:
                gate.release()
        finally:
            self.calls += 1
            self._pool._release(self)


class RecognizerPool:
    """Idle recognisers by key (e.g. ``(line, side)``), made by ``make`` when none is idle.

    ``generation`` names what the recognisers were made from (the loaded model): leasing with another generation
    drops every idle recogniser first, so a new model is never decoded with an old one's recognisers.
    ``slots``: how many of its recognisers decode at the same moment (default: the cores this process may use).
    """

    def __init__(
        self,
        make: Callable[[], Recognizer] | None = None,
        per_key: int = 1,
        generation: object = None,
        slots: int | None = None,
    ) -> None:
        self.slot_count = slots or usable_cores()
        self.gate = DecodingGate(self.slot_count)
        self._make = make
        self._per_key = per_key
        self._generation = generation
        self._idle: dict[Hashable, list[PooledRecognizer]] = {}
        self._lock = threading.Lock()
        self.made = 0
        self.reused = 0

    def lease(self, key: Hashable) -> PooledRecognizer:
        with self._lock:
            idle = self._idle.get(key)
            if idle:
                rec = idle.pop()
                self.reused += 1
                rec._begin()
                return rec
        with self._lock:
            make, generation = self._make, self._generation
        if make is None:
            raise RuntimeError("RecognizerPool.reset(make, generation) first")
        made = PooledRecognizer(self, key, make(), generation)
        with self._lock:
            self.made += 1
        return made

    def reset(self, make: Callable[[], Recognizer], generation: object) -> None:
        """Use ``make`` from now on; idle recognisers of another generation are dropped."""
        with self._lock:
            if generation is not self._generation:
                self._idle.clear()
            self._make = make
            self._generation = generation

    @property
    def generation(self) -> object:
        return self._generation

    def drop_idle(self) -> None:
        """Forget every idle recogniser now (their memory goes with them); those on loan still come back when their
        call ends."""
        with self._lock:
            self._idle.clear()

    def idle(self, key: Hashable | None = None) -> int:
        with self._lock:
            if key is not None:
                return len(self._idle.get(key, ()))
            return sum(len(v) for v in self._idle.values())

    def _release(self, rec: PooledRecognizer) -> None:
        with self._lock:
            idle = self._idle.setdefault(rec.key, [])
            if rec.generation is self._generation and len(idle) < self._per_key and rec not in idle:
                idle.append(rec)
