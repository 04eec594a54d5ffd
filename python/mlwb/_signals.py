"""SIGTERM: what the program logged is sent (or spooled) before it goes, within a bounded time.

Python turns SIGINT into KeyboardInterrupt, which unwinds `with start_run()` and reaches the
exit hooks; SIGTERM's default is to die on the spot, with up to a flush interval of points still
in memory. The handler installed at the first start_run() therefore flushes first, then does
what would have happened without it: it calls the handler the program had installed, or, with
the default in place, ends the open runs as killed and dies of the signal itself.

The handler runs in the main thread between two bytecodes, possibly inside a log call that
holds the sender's lock: it then retries a moment later rather than wait on itself.
"""
import os
import signal
import sys
import threading
import time

from . import _run, _state

# The longest SIGTERM waits for the endpoint and the spool before the program goes anyway.
TERM_FLUSH_S = 8.0  # inside the 10 s that `docker stop` and many supervisors allow
_RETRY_S = 0.01
# While a log call holds the lock the handler retries; past this it gives up the flush.
_RETRY_FOR_S = 2.0
_CLIENT_MODULES = frozenset(("mlwb._run", "mlwb._sender", "mlwb._state", "mlwb._spool", "mlwb._encode", "mlwb._signals"))

_previous = None
_first_try = None
_handling = False


def install():
    """Installs the SIGTERM handler from the main thread, unless SIGTERM is ignored or not Python's."""
    global _previous
    if os.name == "nt" or threading.current_thread() is not threading.main_thread():
        return
    try:
        previous = signal.getsignal(signal.SIGTERM)
        if previous in (signal.SIG_IGN, None) or previous is _on_sigterm:
            return
        signal.signal(signal.SIGTERM, _on_sigterm)
    except (ValueError, OSError):
        return  # an embedding that does not let Python handle signals
    _previous = previous


def _on_sigterm(signum, frame):
    global _first_try, _handling
    if _handling:
        return  # a second SIGTERM while the first is being handled: the first decides
    now = time.monotonic()
    if _interrupted_holding_lock(frame) and (_first_try is None or now - _first_try < _RETRY_FOR_S):
        _first_try = _first_try or now
        timer = threading.Timer(_RETRY_S, os.kill, (os.getpid(), signum))
        timer.daemon = True
        timer.start()
        return
    _handling = True
    flush = _first_try is None or now - _first_try < _RETRY_FOR_S
    _first_try = None
    try:
        if callable(_previous):
            if flush:
                _state.flush(give_up_at=now + TERM_FLUSH_S)
            _run.stopped_by_signal = signum
            _previous(signum, frame)
            return
        _run.stopped_by_signal = signum
        if flush:
            _state.end_all("killed", give_up_at=now + TERM_FLUSH_S)
        signal.signal(signum, signal.SIG_DFL)
        sys.stderr.flush()
        os.kill(os.getpid(), signum)
        time.sleep(1)
        os._exit(128 + signum)  # only if the signal did not end the process
    finally:
        _handling = False


def _interrupted_holding_lock(frame):
    """True when the main thread was stopped inside client code while some thread holds a sender's lock."""
    if all(_lock_free(sender.lock) for sender in list(_state.senders())):
        return False
    while frame is not None:
        if frame.f_globals.get("__name__") in _CLIENT_MODULES:
            return True
        frame = frame.f_back
    return False


def _lock_free(lock):
    if lock.acquire(blocking=False):
        lock.release()
        return True
    return False
