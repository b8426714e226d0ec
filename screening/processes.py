"""Whether a process is still running, asked without touching it.

One answer for every stale-work check: a killed import's hidden list (``blocklists.store``), a killed model
download's staging folder (``speech.models``), a batch worker whose parent died (``speech.batch``).

On Windows ``os.kill(pid, 0)`` is not a probe: any signal other than CTRL_C/CTRL_BREAK *terminates* the process
(TerminateProcess), so there the process is opened and waited on for no time instead. Plain Python, no Qt.
"""

from __future__ import annotations

import os
import sys
from functools import lru_cache
from typing import Any

_WINDOWS = sys.platform == "win32"
_SYNCHRONIZE = 0x00100000  # the right to wait on the process
_WAIT_TIMEOUT = 0x102  # WaitForSingleObject: still running
_ERROR_ACCESS_DENIED = 5


@lru_cache(maxsize=1)
def _kernel32() -> Any:
    import ctypes
    from ctypes import wintypes

    kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)  # type: ignore[attr-defined,unused-ignore]
    kernel32.OpenProcess.argtypes = (wintypes.DWORD, wintypes.BOOL, wintypes.DWORD)
    kernel32.OpenProcess.restype = wintypes.HANDLE
    kernel32.WaitForSingleObject.argtypes = (wintypes.HANDLE, wintypes.DWORD)
    kernel32.WaitForSingleObject.restype = wintypes.DWORD
    kernel32.CloseHandle.argtypes = (wintypes.HANDLE,)
    kernel32.CloseHandle.restype = wintypes.BOOL
    return kernel32


def _windows_alive(pid: int) -> bool:
    import ctypes

    kernel32 = _kernel32()
    handle = kernel32.OpenProcess(_SYNCHRONIZE, False, pid)
    if not handle:
        # It exists but belongs to someone we may not open (another user's, a protected one).
        return bool(ctypes.get_last_error() == _ERROR_ACCESS_DENIED)  # type: ignore[attr-defined,unused-ignore]
    try:
        # Not signalled yet: still running (an exit code of 259 would read as running to GetExitCodeProcess).
        return bool(kernel32.WaitForSingleObject(handle, 0) == _WAIT_TIMEOUT)
    finally:
        kernel32.CloseHandle(handle)


def pid_alive(pid: int) -> bool:
    """True while process ``pid`` runs (or cannot be ruled out: someone else's process counts as running)."""
    if pid == os.getpid():
        return True
    if pid <= 0:
        return False  # 0 and negative ids name process groups for os.kill, never one process
    if _WINDOWS:
        return _windows_alive(pid)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # PermissionError: it exists but is not ours
        return True
    return True


__all__ = ["pid_alive"]
