"""Helpers for the processes a run forks (the PyMC process, the figure workers). They import
nothing of ours, so that every module can use them without importing the others."""

from __future__ import annotations


def one_thread():
    """BLAS on one thread: two processes share the two cores already."""
    from threadpoolctl import threadpool_limits

    return threadpool_limits(1)


def child_signals(parent: int | None = None) -> None:
    """In a forked worker: the parent alone answers Ctrl-C and SIGTERM (it ends its workers),
    and the worker ends when its parent does (``watch_parent``)."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    watch_parent(parent)


#: prctl(2) option: the signal this process gets when the thread that forked it ends
_PR_SET_PDEATHSIG = 1
#: how often the fallback watch looks whether the parent is still there (seconds)
POLL_SECONDS = 0.5


def watch_parent(parent: int | None = None) -> None:
    """In a forked worker: end at once when the parent process ends, however it ends (SIGKILL,
    SIGHUP), instead of living on as an orphan blocked on its pipe. On Linux the kernel sends
    SIGKILL (prctl PR_SET_PDEATHSIG, through ctypes); everywhere a daemon thread also looks
    every POLL_SECONDS whether the parent is still the one that forked this process.
    ``parent``: the parent's process id as read before the fork (default: the parent now)."""
    import os
    import signal
    import sys
    import threading
    import time

    parent = os.getppid() if parent is None else parent
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
        except (OSError, AttributeError):
            pass                        # the poll below still ends it
    if os.getppid() != parent:          # the parent ended before the watch was set up
        os._exit(1)

    def poll():
        while True:
            time.sleep(POLL_SECONDS)
            if os.getppid() != parent:
                os._exit(1)

    threading.Thread(target=poll, name="watch-parent", daemon=True).start()
