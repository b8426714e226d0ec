"""``EmitThreads``: which thread emitted each of a QObject's own signals.

A signal emitted on a plain Python worker thread can deadlock PySide against the GUI thread (``app.inbox`` says
why), so the app's workers hand everything to the GUI thread first and every signal is emitted there. Whether a
slot *ran* on the GUI thread does not show that: a queued connection delivers there even when the emit happened on
a worker. So each signal is heard through a direct connection, which runs in the emitting thread itself.
"""

from __future__ import annotations

import functools
import threading
from typing import Any

from PySide6.QtCore import QMetaMethod, QObject, Qt


class EmitThreads:
    """Hears every signal declared on ``obj``'s own class (private ones too) through a direct connection and notes
    the thread that emitted it. Create it on the GUI thread, before the workers start."""

    def __init__(self, obj: QObject) -> None:
        self.gui = threading.get_ident()
        self.heard: list[tuple[str, tuple[Any, ...], int]] = []  # signal name, arguments, emitting thread
        self._lock = threading.Lock()
        meta = obj.metaObject()  # may be PySide's per-instance subclass (dynamic slots): start past QObject's own
        base = meta
        while base.className() != "QObject":
            base = base.superClass()
        self.names: list[str] = []
        for i in range(base.methodCount(), meta.methodCount()):
            method = meta.method(i)
            name = bytes(method.name().data()).decode()
            if method.methodType() == QMetaMethod.MethodType.Signal and name not in self.names:
                self.names.append(name)
                getattr(obj, name).connect(functools.partial(self._heard, name), Qt.ConnectionType.DirectConnection)
        assert self.names, f"{type(obj).__name__} declares no signals"

    def _heard(self, name: str, *args: Any) -> None:
        with self._lock:
            self.heard.append((name, args, threading.get_ident()))

    def of(self, name: str) -> list[tuple[Any, ...]]:
        """The arguments of each emission of ``name``, in order."""
        with self._lock:
            return [args for n, args, _ in self.heard if n == name]

    def off_gui_thread(self) -> list[str]:
        """The signals emitted on any thread but the GUI thread (there must be none)."""
        with self._lock:
            return [n for n, _, ident in self.heard if ident != self.gui]
