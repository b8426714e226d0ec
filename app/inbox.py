"""Handing calls from worker threads to the GUI thread without a cross-thread Qt call.

A queued signal emitted from a plain Python thread can deadlock PySide: the emitting thread takes Qt's signal-slot
mutex for the sender and then needs the GIL (PySide looks up the Python object's meta-object), while the GUI thread
holds the GIL and waits for a mutex from the same pool (``QObject::connect`` while a widget is being built). Seen
once in CI: a settings test froze while the manual call source reported "ready" from its thread. So workers only
append to a Python deque here (no Qt call, no Qt lock), and one timer on the GUI thread drains it.
"""

from __future__ import annotations

import gc
import logging
import re
import threading
from collections import deque
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, QTimer

log = logging.getLogger(__name__)

# PySide's words for a call on a QObject whose C++ side is gone (a bound method's object, a signal's sender).
_DELETED = re.compile(
    r"Internal C\+\+ object \(.*\) already deleted|Signal source has been deleted|Target signal has been deleted"
)
DRAIN_INTERVAL_MS = 15  # at most this much later than a queued signal; the idle cost is a timer tick

_pending: deque[tuple[Callable[..., Any], tuple[Any, ...]]] = deque()  # append/popleft are atomic
_gui_thread: int | None = None
_drainer: QObject | None = None


def start() -> None:
    """Start draining on the GUI thread (idempotent). Call on the GUI thread once the QCoreApplication exists."""
    global _gui_thread, _drainer
    app = QCoreApplication.instance()
    if _drainer is not None or app is None:
        return
    _gui_thread = threading.get_ident()
    timer = QTimer(app)  # lives as long as the application, whatever posts to it
    timer.setInterval(DRAIN_INTERVAL_MS)
    timer.timeout.connect(drain)
    timer.start()
    _drainer = timer


_gc_pinned = False


def pin_gc() -> None:
    """Collect Python's cyclic garbage on the GUI thread only.

    The collector runs on whichever thread crosses its allocation threshold. A QObject wrapper caught in a reference
    cycle (a closed page, a finished dialog) is then destroyed on a worker: ``~QObject`` takes Qt's connection mutex
    and waits for the GIL, while the GUI thread, holding the GIL, waits for a mutex of the same pool in
    ``QObject::connect``, and the window freezes (seen in CI with gdb: the manual source's thread inside
    ``dict_dealloc`` → ``QObject::~QObject``). So automatic collection is off, and the drain timer collects on the GUI
    thread when the counts pass the usual thresholds (the pattern of calibre, pyqtgraph and novelWriter).
    Call once the drain timer runs (:func:`start`); :func:`unpin_gc` gives collection back to Python."""
    global _gc_pinned
    gc.disable()
    _gc_pinned = True


def unpin_gc() -> None:
    global _gc_pinned
    _gc_pinned = False
    gc.enable()


def _collect_if_due() -> None:
    """What automatic collection would do, on this (the GUI) thread: the oldest generation whose count is due."""
    counts = gc.get_count()
    thresholds = gc.get_threshold()
    if counts[0] <= thresholds[0]:
        return
    generation = 0
    for g in (1, 2):
        if thresholds[g] and counts[g] > thresholds[g]:
            generation = g
    gc.collect(generation)


def post(fn: Callable[..., Any], *args: Any) -> None:
    """``fn(*args)`` on the GUI thread: at once when posted from it, else at the next drain, in order."""
    if _gui_thread is None or threading.get_ident() == _gui_thread:
        fn(*args)
    else:
        _pending.append((fn, args))


def emit(owner: QObject, signal: str, *args: Any) -> None:
    """``owner.<signal>.emit(*args)`` on the GUI thread.  Unlike ``post(owner.<signal>.emit, …)`` a worker touches no
    Qt wrapper at all: the signal is looked up where it is emitted.  A deleted ``owner`` drops the call."""
    post(_emit_now, owner, signal, args)


def _emit_now(owner: QObject, signal: str, args: tuple[Any, ...]) -> None:
    getattr(owner, signal).emit(*args)


def drain() -> None:
    """Run what workers posted (GUI thread). A call whose Qt object has been deleted meanwhile (a page closed, a
    service shut down) is dropped, as Qt drops a queued signal to a deleted receiver. First, with :func:`pin_gc`, the
    garbage collection that is due."""
    if _gc_pinned:
        _collect_if_due()
    while _pending:
        fn, args = _pending.popleft()
        try:
            fn(*args)
        except RuntimeError as exc:
            if not _DELETED.search(str(exc)):  # any other error, even one deep in a slot, is a bug: raise it
                raise
            log.debug("dropped a call for a deleted object: %s", exc)
