"""ML Workbench's terminal hook: marks where each Python program's output begins and ends.

VS Code's shell integration reports a command line (`python a.py && python b.py`) as one
execution with one output stream. The extension puts this folder (the bundled client's, so `import
mlwb` works there too) on PYTHONPATH in the terminals of a workspace it tracks, with
MLWB_TERMINAL_MARKS=1; each top-level Python program then writes an
invisible escape sequence (OSC 6973, which terminals ignore) to its terminal when it starts and
when it exits: the extension splits the stream there, one run per program. Marks go to /dev/tty,
never to stdout, so redirected or piped output is untouched; programs started by a marked program
(workers, subprocesses) do not mark. Then the sitecustomize this one hides, if any, runs as usual.
"""
import os
import sys


def _write_mark(text):
    """To the controlling terminal, opened for each mark: no descriptor is held while the program runs."""
    try:
        with open("/dev/tty", "w", encoding="utf-8") as tty:
            tty.write(text)
        return True
    except OSError:
        return False  # no controlling terminal: nothing to mark


def _mark():
    if not os.environ.get("MLWB_TERMINAL_MARKS") or os.environ.get("MLWB_TERMINAL_PROGRAM"):
        return
    pid = os.getpid()
    os.environ["MLWB_TERMINAL_PROGRAM"] = str(pid)
    import json

    argv = getattr(sys, "orig_argv", None) or [sys.executable] + sys.argv
    if not _write_mark("\x1b]6973;start;%d;%s\x07" % (pid, json.dumps(argv, ensure_ascii=True))):
        return
    import atexit

    def end():
        if os.getpid() != pid:
            return  # a forked child exiting
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except Exception:
                pass
        _write_mark("\x1b]6973;end;%d\x07" % pid)

    atexit.register(end)


def _chain():
    """Runs the sitecustomize module this one shadows (Debian's, a virtualenv's)."""
    import importlib.machinery
    import importlib.util

    here = os.path.dirname(os.path.abspath(__file__))
    rest = [p for p in sys.path if os.path.abspath(p or os.curdir) != here]
    spec = importlib.machinery.PathFinder.find_spec("sitecustomize", rest)
    if spec is None or spec.loader is None:
        return
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)


try:
    _mark()
except Exception:
    pass  # marking is a convenience: never stop the user's program
_chain()
