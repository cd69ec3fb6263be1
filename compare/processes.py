"""Helpers for the processes a run forks (the PyMC process, the figure workers). They import
nothing of ours, so that every module can use them without importing the others."""

from __future__ import annotations


def one_thread():
    """BLAS on one thread: two processes share the two cores already."""
    from threadpoolctl import threadpool_limits

    return threadpool_limits(1)


def child_signals() -> None:
    """In a forked worker: the parent alone answers Ctrl-C and SIGTERM (it ends its workers)."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
