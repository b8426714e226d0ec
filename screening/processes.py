"""Whether a process is still running, asked without touching it.

One answer for every stale-work check: a killed import's hidden list (``blocklists.store``), a killed model
download's staging folder (``speech.models``), a batch worker whose parent died (``speech.batch``).

On Windows ``os.kill(pid, 0)`` is not a probe: any signal other than CTRL_C/CTRL_BREAK *terminates* the process
(TerminateProcess), so there the process is opened and its exit code read instead. Plain Python, no Qt.
"""

from __future__ import annotations

import os
import sys

_STILL_ACTIVE = 259  # GetExitCodeProcess's code for a running process
_QUERY_LIMITED_INFORMATION = 0x1000
_ERROR_ACCESS_DENIED = 5


def _windows_alive(pid: int) -> bool:
    import ctypes

    kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)  # type: ignore[attr-defined,unused-ignore]
    handle = kernel32.OpenProcess(_QUERY_LIMITED_INFORMATION, False, pid)
    if not handle:
        # It exists but belongs to someone we may not open (another user's, a protected one).
        return bool(ctypes.get_last_error() == _ERROR_ACCESS_DENIED)  # type: ignore[attr-defined,unused-ignore]
    try:
        code = ctypes.c_ulong()
        if not kernel32.GetExitCodeProcess(handle, ctypes.byref(code)):
            return True  # cannot tell: leave its work alone
        return code.value == _STILL_ACTIVE
    finally:
        kernel32.CloseHandle(handle)


def pid_alive(pid: int) -> bool:
    """True while process ``pid`` runs (or cannot be ruled out: someone else's process counts as running)."""
    if pid == os.getpid():
        return True
    if pid <= 0:
        return False  # 0 and negative ids name process groups for os.kill, never one process
    if sys.platform == "win32":
        return _windows_alive(pid)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # PermissionError: it exists but is not ours
        return True
    return True


__all__ = ["pid_alive"]
