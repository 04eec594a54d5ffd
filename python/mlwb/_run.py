"""A run as the client sees it: buffers filled by the training thread, drained by the sender."""
import math
import os
import time
from urllib.parse import quote

from . import _data
from ._encode import dumps, param_value
from ._http import ARTIFACT_LIMIT_BYTES
from ._sender import BATCH_POINTS, Request

MAX_KEY = 250  # the endpoint refuses longer keys, and would refuse the whole batch with them
# One param or tag value, as JSON: refused here, with the caller's name for it, rather than by
# the endpoint, which would refuse the whole request and the metrics that travel with it.
MAX_VALUE_BYTES = 4 * 1024 * 1024
_time_ns = time.time_ns

STATUSES = ("finished", "failed", "killed")
# The signal that made the program exit (set by _signals): an exit it causes ends runs as killed.
stopped_by_signal = None


def _check_key(key, what):
    if not isinstance(key, str):
        raise TypeError("mlwb: a %s key must be a str, not %s" % (what, type(key).__name__))
    if not 0 < len(key) <= MAX_KEY:
        raise ValueError("mlwb: a %s key must be 1 to %d characters: %r" % (what, MAX_KEY, key[:40]))


def _check_size(key, value, what):
    # Cheap test first: ASCII text takes 1 byte per character, anything else at most 12 (\\uXXXX pairs).
    if isinstance(value, str) and len(value) * 12 > MAX_VALUE_BYTES:
        size = len(dumps(value))
        if size > MAX_VALUE_BYTES:
            raise ValueError("mlwb: %s %r is %s bytes as JSON; one %s value may take at most %s bytes "
                             "(log big data as an artifact: mlwb.log_artifact)" % (what, key, format(size, ","), what, format(MAX_VALUE_BYTES, ",")))
    return value


def clean_params(params):
    for key in params:
        _check_key(key, "param")
    return {k: _check_size(k, param_value(v), "param") for k, v in params.items()}


def clean_tags(tags):
    for key in tags:
        _check_key(key, "tag")
    return {k: _check_size(k, str(v), "tag") for k, v in tags.items()}


# Steps are stored as float64, exact up to 2**53: beyond, 2**63 and 2**63 - 1 would be one step.
MAX_STEP = 2 ** 53 - 1


def _step(step):
    """Integers as they are; other numbers (numpy ints, floats) made JSON-safe; non-finite or inexact refused."""
    if type(step) is not int:
        number = float(step)
        if not math.isfinite(number):
            raise ValueError("mlwb: a metric step must be finite, not %r" % (step,))
        step = int(number) if number.is_integer() else number
    if not -MAX_STEP <= step <= MAX_STEP:
        raise ValueError("mlwb: a metric step must be within ±(2**53 - 1) to be stored exactly, not %r" % (step,))
    return step


class Run:
    """Returned by `mlwb.start_run()`; also a context manager that ends the run (failed on an exception)."""

    def __init__(self, sender, run_id, owned, create_json=None, name=None, experiment=None):
        self.id = run_id
        self.name = name
        self.experiment = experiment
        # False when attached to a run someone else owns (MLWB_RUN_ID): we never end it.
        self.owned = owned
        self.status = "running"
        self._sender = sender
        self._lock = sender.lock
        self._create_json = create_json
        self._series = {}  # metric key -> ([values], [steps], [ms]): the columns the batch route takes
        self._params = {}
        self._tags = {}
        self._output = []
        self._steps = {}  # metric key -> last step sent, for auto steps
        self._on_end = None  # set by _state: forgets the run as the active one
        self._gone = False  # set by the sender when the store no longer has the run

    def __repr__(self):
        return "<mlwb.Run %s %r %s>" % (self.id[:8], self.name, self.status)

    @property
    def spooled(self):
        """True when what this run logs goes to the spool (no endpoint answering)."""
        return not self._sender.online

    # -- the training thread's side ------------------------------------------------------

    def log_metric(self, key, value, step=None, timestamp=None):
        value = float(value)
        ms = _time_ns() // 1000000 if timestamp is None else int(timestamp)
        # Checked before the series exists: a refused step leaves no empty series behind.
        if step is not None and (type(step) is not int or not -MAX_STEP <= step <= MAX_STEP):
            step = _step(step)
        with self._lock:
            if self.status != "running":  # inline checks: this is the hot path
                self._check_running()
            columns = self._series.get(key) or self._new_series(key)
            if step is None:
                step = self._next_step(key, columns)
            values = columns[0]
            values.append(value)
            columns[1].append(step)
            columns[2].append(ms)
            if len(values) == BATCH_POINTS:
                self._sender.notify_full()

    def log_metrics(self, metrics, step=None, timestamp=None):
        ms = _time_ns() // 1000000 if timestamp is None else int(timestamp)
        items = [(k, float(v)) for k, v in metrics.items()]
        fixed = None if step is None else _step(step)
        with self._lock:
            self._check_running()
            full = False
            for key, value in items:
                columns = self._series.get(key) or self._new_series(key)
                s = self._next_step(key, columns) if fixed is None else fixed
                columns[0].append(value)
                columns[1].append(s)
                columns[2].append(ms)
                full = full or len(columns[0]) >= BATCH_POINTS
            if full:
                self._sender.notify_full()

    def log_series(self, key, values, steps=None, timestamps=None):
        """Appends many points of one metric in one call (lists, arrays, numpy arrays).

        The fast path for values computed in bulk: the columns grow at C speed instead of one
        Python call per point. steps default to the key's next steps; timestamps to now (ms).
        """
        values = list(map(float, values))
        n = len(values)
        if steps is not None:
            steps = list(steps)
            if not all(type(s) is int and -MAX_STEP <= s <= MAX_STEP for s in steps):
                steps = [_step(s) for s in steps]
        stamps = [_time_ns() // 1000000] * n if timestamps is None else list(map(int, timestamps))
        if (steps is not None and len(steps) != n) or len(stamps) != n:
            raise ValueError("mlwb.log_series: values, steps and timestamps must have the same length")
        with self._lock:
            self._check_running()
            columns = self._series.get(key) or self._new_series(key)
            if steps is None:
                first = self._next_step(key, columns)
                steps = list(range(first, first + n))
            columns[0].extend(values)
            columns[1].extend(steps)
            columns[2].extend(stamps)
            if len(columns[0]) >= BATCH_POINTS:
                self._sender.notify_full()

    def log_param(self, key, value):
        self.log_params({key: value})

    def log_params(self, params):
        params = clean_params(params)
        with self._lock:
            self._check_running()
            self._params.update(params)

    def set_tag(self, key, value):
        self.set_tags({key: value})

    def set_tags(self, tags):
        tags = clean_tags(tags)
        with self._lock:
            self._check_running()
            self._tags.update(tags)

    def log_output(self, stream, text):
        """Console text for the endpoint's `output` route, which parses metrics from it like `mlwb run`."""
        with self._lock:
            if self._output and self._output[-1][0] == stream:
                self._output[-1] = (stream, self._output[-1][1] + text)
            else:
                self._output.append((stream, text))

    # -- requests that wait for nothing but must keep their place in line ------------------

    def log_dataset(self, path):
        """Records the data file (or folder) this run used: path, sha256, bytes and rows; returns them."""
        ref = _data.fingerprint(path)
        self._check_running()
        self._sender.submit(Request(self, "dataset", "/runs/%s/datasets" % self.id, dumps(ref)))
        return ref

    def log_artifact(self, path, artifact_path=None):
        """Uploads a file; returns the endpoint's {path, sha256, bytes}, or None when it could not be stored."""
        local = os.fspath(path)
        if not os.path.isfile(local):
            raise FileNotFoundError("mlwb.log_artifact: no such file: %s" % local)
        size = os.path.getsize(local)
        if size > ARTIFACT_LIMIT_BYTES:
            raise ValueError("mlwb.log_artifact: %s is %s bytes; the endpoint takes artifacts of at most %s bytes"
                             % (local, format(size, ","), format(ARTIFACT_LIMIT_BYTES, ",")))
        name = os.path.basename(local)
        stored = "/".join(p for p in (artifact_path or "").replace(os.sep, "/").split("/") + [name] if p)
        self._check_running()
        request = Request(self, "artifact", "/runs/%s/artifacts/%s" % (self.id, quote(stored)))
        request.file = local
        # Waits: the caller may change or delete the file right after this returns.
        return self._sender.submit(request, wait=True)

    def log_artifacts(self, directory, artifact_path=None):
        """Uploads every file under `directory`, keeping their relative paths."""
        directory = os.fspath(directory)
        for root, _dirs, names in os.walk(directory):
            rel = os.path.relpath(root, directory)
            for name in sorted(names):
                sub = "/".join(p for p in (artifact_path, None if rel == "." else rel) if p)
                self.log_artifact(os.path.join(root, name), sub or None)

    def end(self, status="finished", wait=True):
        """Sends what is buffered, marks the run ended (unless attached to someone else's) and waits."""
        if status not in STATUSES:
            raise ValueError("mlwb: status must be one of %s, not %r" % (", ".join(STATUSES), status))
        with self._lock:
            if self.status != "running":
                return
            self.status = status
        if self._on_end is not None:
            self._on_end(self)
        if self.owned:
            body = dumps({"status": status, "endTime": _time_ns() // 1000000})
            self._sender.submit(Request(self, "end", "/runs/%s/end" % self.id, body))
        self._sender.remove_run(self)
        if wait:
            self._sender.flush()

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None:
            self.end("finished")
        elif issubclass(exc_type, KeyboardInterrupt) or (stopped_by_signal and issubclass(exc_type, SystemExit)):
            self.end("killed")
        else:
            self.end("failed")
        return False  # re-raise

    # -- the sender's side -------------------------------------------------------------------

    def _created(self, answer):
        """The endpoint's answer to createRun: the name it chose when we gave none."""
        run = answer.get("run") if isinstance(answer, dict) else None
        if isinstance(run, dict):
            self.name = run.get("name", self.name)
            self.experiment = run.get("experiment", self.experiment)

    # Called with the lock held.
    def _new_series(self, key):
        _check_key(key, "metric")
        columns = self._series[key] = ([], [], [])
        return columns

    def _full(self):
        return any(len(columns[0]) >= BATCH_POINTS for columns in self._series.values())

    def _next_step(self, key, columns):
        """Auto step: the key's previous step + 1 (0 first); the buffer holds the latest ones."""
        steps = columns[1]
        return (steps[-1] if steps else self._steps.get(key, -1)) + 1

    def _take_buffers(self):
        # The buffers leave: remember each key's last step for the auto steps that follow.
        for key, columns in self._series.items():
            if columns[1]:
                self._steps[key] = columns[1][-1]
        taken = (self._series, self._params, self._tags, self._output)
        self._series, self._params, self._tags, self._output = {}, {}, {}, []
        return taken

    def _check_running(self):
        if self.status != "running":
            raise RuntimeError("mlwb: run %s has ended (%s); start a new one with mlwb.start_run()" % (self.id[:8], self.status))
