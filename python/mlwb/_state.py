"""Process-wide client state: the active runs, one sender per destination, and interpreter exit."""
import atexit
import os
import re
import socket
import sys
import threading
import time
import uuid

from . import _run
from ._encode import dumps
from ._endpoint import discover
from ._run import Run, clean_params, clean_tags
from ._sender import Request, Sender
from ._warn import warn

_lock = threading.RLock()
# The active runs, innermost last. Shared by all threads (as in MLflow); mutated in place only,
# so `from ._state import stack` stays the same list.
stack = []
_senders = {}
_exit_status = None
_hooks_installed = False
_RUN_ID = re.compile(r"^[0-9a-f]{32}$")


def start_run(name=None, experiment=None, params=None, tags=None, source="client", nested=False, attach=True):
    """Starts (or, with MLWB_RUN_ID set, attaches to) a run and makes it the active one."""
    with _lock:
        if stack and not nested:
            raise RuntimeError(
                "mlwb: run %s is still active; end it with mlwb.end_run() first "
                "(or use `with mlwb.start_run(): ...`, which ends it for you)" % stack[-1].id[:8])
        _install_exit_hooks()
        target = discover()
        sender = _senders.get(target)
        if sender is None:
            sender = _senders[target] = Sender(target)
        attach_id = _attach_id() if attach else None
        if attach_id is not None:
            run = Run(sender, attach_id, owned=False, name=name, experiment=experiment)
        else:
            run = _new_run(sender, name, experiment, params, tags, source)
        run._on_end = _forget
        sender.add_run(run)
        if run.owned:
            sender.submit(Request(run, "createRun", "/runs", run._create_json))
        else:
            # Attached: the owner created the run; what we were given goes in like any logging.
            if params:
                run.log_params(params)
            if tags:
                run.set_tags(tags)
        stack.append(run)
        return run


def _new_run(sender, name, experiment, params, tags, source):
    run_id = uuid.uuid4().hex
    body = {"id": run_id, "source": source, "cwd": os.getcwd(), "startTime": time.time_ns() // 1000000, "owner": _owner()}
    if name is not None:
        body["name"] = str(name)
    if experiment is not None:
        body["experiment"] = str(experiment)
    if source == "client":
        body["command"] = [str(a) for a in getattr(sys, "orig_argv", [sys.executable] + sys.argv)]
    if params:
        body["params"] = clean_params(params)
    if tags:
        body["tags"] = clean_tags(tags)
    return Run(sender, run_id, owned=True, create_json=dumps(body), name=name, experiment=experiment)


def _owner():
    """This process: if it dies without ending the run, mlwb shows the run as crashed."""
    return {"pid": os.getpid(), "host": socket.gethostname(), "start": _process_start()}


def _process_start():
    """`<boot id>:<start ticks>` as mlwb reads it from /proc (a reused pid has another); None without /proc."""
    try:
        with open("/proc/sys/kernel/random/boot_id", encoding="ascii") as f:
            boot = f.read().strip()
        with open("/proc/self/stat", encoding="utf-8", errors="replace") as f:
            stat = f.read()
    except OSError:
        return None
    fields = stat[stat.rindex(")") + 2:].split(" ")
    return "%s:%s" % (boot, fields[19]) if len(fields) > 19 and fields[19].isdigit() else None


def _attach_id():
    value = os.environ.get("MLWB_RUN_ID", "").strip().lower()
    if not value:
        return None
    if not _RUN_ID.match(value):
        warn("MLWB_RUN_ID=%r is not a run id (32 hex characters); starting a new run instead" % value)
        return None
    return value


def active_run():
    return stack[-1] if stack else None


def current_run():
    """The active run, started implicitly on first use (like MLflow) and ended at exit."""
    if stack:
        return stack[-1]
    with _lock:
        return stack[-1] if stack else start_run()


def end_run(status="finished"):
    run = active_run()
    if run is not None:
        run.end(status)


def _forget(run):
    with _lock:
        if run in stack:
            stack.remove(run)


def flush(give_up_at=None):
    for sender in list(_senders.values()):
        sender.flush(give_up_at)


def senders():
    return _senders.values()


def end_all(status, give_up_at=None):
    """Ends every open run with `status` and flushes, returning by `give_up_at` (time.monotonic()) at the latest."""
    for run in list(reversed(stack)):
        run.end(status, wait=False)
    flush(give_up_at)


def _install_exit_hooks():
    global _hooks_installed, _previous_excepthook
    if _hooks_installed:
        return
    _hooks_installed = True
    _previous_excepthook = sys.excepthook
    sys.excepthook = _excepthook
    atexit.register(_at_exit)
    from . import _signals  # imports this module: loaded once the state is complete

    _signals.install()


def _excepthook(exc_type, exc, tb):
    # The program is dying of an uncaught exception: runs still open at exit failed.
    global _exit_status
    _exit_status = "killed" if issubclass(exc_type, KeyboardInterrupt) else "failed"
    _previous_excepthook(exc_type, exc, tb)


def _at_exit():
    end_all(_exit_status or ("killed" if _run.stopped_by_signal else "finished"))


def _after_fork_in_child():
    # The parent's runs, buffers and sender threads are the parent's: a child starts afresh.
    global _lock
    _lock = threading.RLock()
    del stack[:]
    _senders.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)
