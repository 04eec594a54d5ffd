"""The background thread that moves what runs log to the endpoint, or to the spool.

Training threads only append to in-memory buffers (see `_run.Run`); this daemon thread wakes
every FLUSH_INTERVAL_S, or as soon as a buffer holds BATCH_POINTS points, turns buffers into
batches (each with its own `batchId`), and sends them in order. When the endpoint cannot be
reached — at start or mid-run — this and every later request of the process go to the spool
instead: requests of one run stay in order, and a batch whose answer was lost is spooled too
(replay deduplicates it by batch id). Before giving up on the endpoint it re-reads the endpoint
file: an endpoint that restarted elsewhere (another port, a new token) is used instead.

A program waiting on this thread (end_run, flush, log_artifact, exit, SIGTERM) never waits long
on an endpoint that answers nothing: when a request takes more than PROBE_AFTER_S, the waiting
thread asks the endpoint's /health on a connection of its own; with no answer within
PROBE_TIMEOUT_S (a hung endpoint), or at once when the endpoint's process is stopped (SIGSTOP),
the request is abandoned and everything left goes to the spool. An endpoint that answers is
only busy (several writers on a loaded machine, a big upload): the wait goes on, within the
socket timeout.
"""
import threading
import time
import uuid
from urllib.parse import unquote

from ._encode import batch_body, dumps
from ._endpoint import endpoint_pid, process_stopped, read_endpoint_file
from ._http import JSON_LIMIT_BYTES, Connection, Rejected, RunGone, Unreachable
from ._spool import SpoolWriter
from ._warn import warn, warn_once

# Big enough to amortise a request, small enough to stay far below the endpoint's 16 MiB
# JSON limit (a columnar point takes at most ~70 bytes).
BATCH_POINTS = 50000
FLUSH_INTERVAL_S = 0.25
# A request this old makes a waiting program check that the endpoint still answers…
PROBE_AFTER_S = 1.0
# …within this long, else the rest is spooled; and again this often while the wait lasts.
PROBE_TIMEOUT_S = 10.0
PROBE_EVERY_S = 1.0
# Params and tags of one batch, as JSON, stay under this: a batch also carries up to
# BATCH_POINTS points and the whole must fit the endpoint's JSON limit.
FIELDS_BUDGET = JSON_LIMIT_BYTES // 2
# Console text goes in pieces of at most this many characters (escaped JSON is at most 6 bytes each).
OUTPUT_PIECE_CHARS = 1024 * 1024


class Request:
    """One request, in the order it was made; `wait()` returns its answer (None if spooled or refused)."""

    __slots__ = ("run", "op", "path", "body", "series", "params", "tags", "batch_id", "file", "result", "_done")

    def __init__(self, run, op, path=None, body=None):
        self.run, self.op, self.path, self.body = run, op, path, body
        self.series = self.params = self.tags = self.batch_id = self.file = self.result = None
        self._done = threading.Event()

    def finish(self, result=None):
        self.result = result
        self._done.set()

    def wait(self, timeout=None):
        self._done.wait(timeout)
        return self.result

    @property
    def done(self):
        return self._done.is_set()

    def json(self):
        if self.op == "batch":
            return batch_body(self.batch_id, self.series, self.params, self.tags)
        return self.body


class Sender:
    def __init__(self, target):
        self.target = target
        self.lock = threading.Lock()  # also guards the buffers of every run using this sender
        self._wake = threading.Condition(self.lock)
        self._queue = []
        self._runs = []
        self._endpoint = target.endpoint
        self._conn = Connection(target.endpoint) if target.endpoint else None
        self._sending_since = None  # when the request in flight was sent (monotonic), else None
        self._abandoned = None  # why the endpoint was given up on, by a waiting thread
        self._pid_of = (None, None)  # (endpoint, its pid from the endpoint file)
        self._spool = SpoolWriter(target.store_dir)
        self._thread = threading.Thread(target=self._loop, name="mlwb-sender", daemon=True)
        self._thread.start()

    @property
    def online(self):
        return self._conn is not None

    def add_run(self, run):
        with self.lock:
            self._runs.append(run)

    def notify_full(self):
        """Called with `lock` held by a run whose buffer reached BATCH_POINTS."""
        self._wake.notify()

    def submit(self, request, wait=False):
        """Queues a request after everything its run logged so far."""
        with self.lock:
            self._collect(request.run)
            self._queue.append(request)
            self._wake.notify()
        if wait:
            self.wait_bounded(request)
            return request.result
        return None

    def remove_run(self, run):
        """Queues what the run still buffers and stops watching it (it has ended)."""
        with self.lock:
            self._collect(run)
            self._runs.remove(run)

    def flush(self, give_up_at=None):
        """Returns once everything logged before the call is acknowledged or in a sealed spool file.

        An endpoint that answers nothing is abandoned (the rest is spooled, see the module's
        doc); with `give_up_at` (a time.monotonic()), returns False at that time even if not done.
        """
        barrier = Request(None, "barrier")
        with self.lock:
            for run in self._runs:
                self._collect(run)
            self._queue.append(barrier)
            self._wake.notify()
        return self.wait_bounded(barrier, give_up_at)

    def wait_bounded(self, request, give_up_at=None):
        probe, next_probe = None, 0.0
        while not request.done:
            request.wait(0.05)
            now = time.monotonic()
            if give_up_at is not None and now > give_up_at:
                return request.done
            since = self._sending_since
            if since is None or self._abandoned or now - since < PROBE_AFTER_S:
                continue
            if probe is None:
                if self._endpoint_stopped():
                    self._abandon("its process is stopped")
                elif now >= next_probe:
                    probe = _Probe(self._endpoint)
            elif not probe.is_alive():
                if not probe.answered:
                    self._abandon("no answer, not even to /health within %g s" % PROBE_TIMEOUT_S)
                probe, next_probe = None, now + PROBE_EVERY_S
        return True

    def _endpoint_stopped(self):
        if self._pid_of[0] != self._endpoint:
            self._pid_of = (self._endpoint, endpoint_pid(self.target.store_dir, self._endpoint))
        pid = self._pid_of[1]
        return pid is not None and process_stopped(pid)

    def _abandon(self, why):
        """Called from a waiting thread: the sender thread's request in flight fails now."""
        self._abandoned = why
        conn = self._conn
        if conn is not None:
            conn.interrupt()

    def _collect(self, run):
        """Moves a run's buffers into queued requests (lock held)."""
        series, params, tags, output = run._take_buffers()
        chunks = _chunks(series, BATCH_POINTS)
        fields = _fields_groups(params, tags) if params or tags else []
        for i in range(max(len(chunks), len(fields))):
            request = Request(run, "batch", "/runs/%s/batch" % run.id)
            request.batch_id = uuid.uuid4().hex
            request.series = chunks[i] if i < len(chunks) else []
            request.params, request.tags = fields[i] if i < len(fields) else (None, None)
            self._queue.append(request)
        for stream, text in output:
            for start in range(0, len(text), OUTPUT_PIECE_CHARS):
                piece = text[start:start + OUTPUT_PIECE_CHARS]
                self._queue.append(Request(run, "output", "/runs/%s/output" % run.id, dumps({"stream": stream, "text": piece})))

    def _loop(self):
        while True:
            with self.lock:
                if not self._queue and not any(run._full() for run in self._runs):
                    self._wake.wait(FLUSH_INTERVAL_S)
                for run in self._runs:
                    self._collect(run)
                requests, self._queue = self._queue, []
            for request in requests:
                try:
                    self._handle(request)
                except Exception as err:  # a bug here must not stop the thread and hang end_run()
                    warn("internal error while sending %s: %r" % (request.op, err))
                    request.finish()
            if not requests:
                self._seal()  # idle: let replay see what was spooled

    def _handle(self, request):
        if request.op == "barrier":
            self._seal()
            request.finish()
            return
        if request.run._gone:
            request.finish()
            return
        while self._conn is not None:
            try:
                answer = self._send(request)
                if request.op == "createRun":
                    request.run._created(answer)
                request.finish(answer)
                return
            except Rejected as err:
                warn("the endpoint refused %s for run %s: %s" % (request.op, request.run.id[:8], err))
                request.finish()
                return
            except RunGone:
                # Deleted under us (`mlwb runs rm --force`): said once; the program goes on unrecorded.
                request.run._gone = True
                warn("run %s was deleted from the store; what it logs from now on is dropped" % request.run.id[:8])
                request.finish()
                return
            except Unreachable as err:
                if not self._moved():
                    self._go_offline(str(err))
        self._write_spool(request)

    def _send(self, request):
        try:
            if request.op == "artifact":
                with open(request.file, "rb") as f:
                    data = f.read()
                method, content_type = "PUT", "application/octet-stream"
            else:
                data, method, content_type = request.json().encode("utf-8"), "POST", "application/json"
            self._sending_since = time.monotonic()
            return self._conn.request(method, request.path, data, content_type)
        finally:
            self._sending_since = None

    def _moved(self):
        """True when the endpoint file names another live endpoint (a restart): requests go there now."""
        if self._abandoned:
            return False
        endpoint, _why = read_endpoint_file(self.target.store_dir)
        if endpoint is None or endpoint == self._endpoint:
            return False
        warn("the endpoint %s does not answer; endpoint.json names %s: logging there" % (self._endpoint.url, endpoint.url))
        self._conn.close()
        self._endpoint = endpoint
        self._conn = Connection(endpoint)
        return True

    def _go_offline(self, reason):
        self._conn.close()
        self._conn = None
        if self._abandoned:
            reason = "%s; %s" % (self._abandoned, reason)
        warn("the endpoint %s does not answer (%s); this process now spools to %s — "
             "the next `mlwb serve` or `mlwb sync` imports it" % (self._endpoint.url, reason, self._spool.dir))

    def _write_spool(self, request):
        if self.target.endpoint is None:
            warn_once(("offline", self._spool.dir), "%s; spooling to %s — the next `mlwb serve` or `mlwb sync` "
                      "imports it" % (self.target.why, self._spool.dir))
        result = None
        try:
            body = request.json()
            if request.op == "artifact":
                # The spool line names a copy of the file, kept beside it until replay.
                stored = unquote(request.path.split("/artifacts/", 1)[1])
                name, sha256, size = self._spool.keep_artifact(request.file)
                result = {"path": stored, "sha256": sha256, "bytes": size}
                body = dumps(dict(result, file=name))
            self._spool.write(request.run.id, request.op, body, request.run._create_json)
        except OSError as err:
            result = None
            warn("cannot write the spool in %s (%s): %s of run %s lost" % (self._spool.dir, err, request.op, request.run.id[:8]))
        request.finish(result)

    def _seal(self):
        try:
            self._spool.seal()
        except OSError as err:
            warn("cannot finish the spool file in %s: %s" % (self._spool.dir, err))


class _Probe(threading.Thread):
    """Asks the endpoint's /health on a connection of its own; `answered` once it is done."""

    def __init__(self, endpoint):
        super().__init__(name="mlwb-probe", daemon=True)
        self.answered = False
        self._endpoint = endpoint
        self.start()

    def run(self):
        conn = Connection(self._endpoint, timeout=PROBE_TIMEOUT_S)
        try:
            conn.request("GET", "/health")
            self.answered = True
        except (Unreachable, Rejected):
            pass
        finally:
            conn.close()


def _fields_groups(params, tags):
    """Splits params and tags into [(params, tags)] groups of at most FIELDS_BUDGET bytes as JSON."""
    sizes = [(kind, key, value, len(dumps(key)) + len(dumps(value)) + 2)
             for kind, fields in ((0, params), (1, tags)) for key, value in fields.items()]
    if sum(size for *_, size in sizes) <= FIELDS_BUDGET:
        return [(params or None, tags or None)]
    groups, current, room = [], ({}, {}), FIELDS_BUDGET
    for kind, key, value, size in sizes:
        if size > room and (current[0] or current[1]):
            groups.append(current)
            current, room = ({}, {}), FIELDS_BUDGET
        current[kind][key] = value
        room -= size
    groups.append(current)
    return [(p or None, t or None) for p, t in groups]


def _chunks(series, size):
    """Splits {key: (values, steps, stamps)} into batches of at most `size` points."""
    chunks, current, room = [], [], size
    for key, (values, steps, stamps) in series.items():
        if not len(values) == len(steps) == len(stamps):
            # A KeyboardInterrupt between two appends of log_metric: drop the half-logged point.
            n = min(len(values), len(steps), len(stamps))
            values, steps, stamps = values[:n], steps[:n], stamps[:n]
        start = 0
        while start < len(values):
            take = min(room, len(values) - start)
            end = start + take
            if start == 0 and end == len(values):
                current.append((key, values, steps, stamps))  # the common case: no copy
            else:
                current.append((key, values[start:end], steps[start:end], stamps[start:end]))
            start, room = end, room - take
            if room == 0:
                chunks.append(current)
                current, room = [], size
    if current:
        chunks.append(current)
    return chunks
