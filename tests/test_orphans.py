"""Issue 25, item 4: killing ``python -m compare`` (SIGKILL, SIGHUP) used to orphan the forked
PyMC process for ever (about 350 MB, blocked writing to its pipe). The worker now ends with its
parent. No PyMC here: the posterior is replaced by a long sleep in the parent before the fork.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

_PARENT = """
import sys, time
import compare.posterior as p
from coindata import load
from compare.options import Options
def slow(data, o, log=None, say=None):
    time.sleep(120)
p.posterior = slow
forked = p._Forked(load("builtin:do-batzoglou"), Options(), None, None)
print(forked.process.pid, flush=True)
time.sleep(120)
"""


def _gone(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return True
    return state in ("Z", "X")          # ended, waiting to be reaped by its new parent


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGHUP])
@pytest.mark.parametrize("poll_only", [False, True], ids=["pdeathsig", "poll"])
def test_the_worker_ends_with_its_parent(tmp_path, sig, poll_only, monkeypatch):
    env = dict(os.environ, PYTHONPATH=str(ROOT), MPLBACKEND="Agg")
    code = _PARENT
    if poll_only:                       # the fallback alone: no parent-death signal
        code = code.replace("import compare.posterior as p",
                            "import compare.processes as q\nq._PR_SET_PDEATHSIG = 0\n"
                            "import compare.posterior as p")
    parent = subprocess.Popen([sys.executable, "-c", code], cwd=tmp_path, env=env,
                              stdout=subprocess.PIPE, text=True)
    try:
        child = int(parent.stdout.readline())
        time.sleep(0.5)
        assert not _gone(child)
        parent.send_signal(sig)
        parent.wait(10)
        deadline = time.monotonic() + 5
        while not _gone(child) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert _gone(child), f"worker {child} outlived its parent"
    finally:
        parent.kill()
        with __import__("contextlib").suppress(ProcessLookupError, ValueError, NameError):
            os.kill(child, signal.SIGKILL)
