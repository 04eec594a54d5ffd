"""The background thread that moves what runs log to the endpoint, or to the spool.

Training threads only append to in-memory buffers (see `_run.Run`); this daemon thread wakes
every FLUSH_INTERVAL_S, or as soon as a buffer holds BATCH_POINTS points, turns buffers into
batches (each with its own `batchId`), and sends them in order. When the endpoint cannot be
reached — at start or mid-run — this and every later request of the process go to the spool
instead: requests of one run stay in order, and a batch whose answer was lost is spooled too
(replay deduplicates it by batch id).
"""
import threading
import uuid
from urllib.parse import unquote

from ._encode import batch_body, dumps
from ._http import Connection, Rejected, RunGone, Unreachable
from ._spool import SpoolWriter
from ._warn import warn, warn_once

# Big enough to amortise a request, small enough to stay far below the endpoint's 16 MiB
# JSON limit (a columnar point takes at most ~70 bytes).
BATCH_POINTS = 50000
FLUSH_INTERVAL_S = 0.25


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

    def wait(self):
        self._done.wait()
        return self.result

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
        self._conn = Connection(target.endpoint) if target.endpoint else None
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
        return request.wait() if wait else None

    def remove_run(self, run):
        """Queues what the run still buffers and stops watching it (it has ended)."""
        with self.lock:
            self._collect(run)
            self._runs.remove(run)

    def flush(self):
        """Returns once everything logged before the call is acknowledged or in a sealed spool file."""
        barrier = Request(None, "barrier")
        with self.lock:
            for run in self._runs:
                self._collect(run)
            self._queue.append(barrier)
            self._wake.notify()
        barrier.wait()

    def _collect(self, run):
        """Moves a run's buffers into queued requests (lock held)."""
        series, params, tags, output = run._take_buffers()
        chunks = _chunks(series, BATCH_POINTS)
        if not chunks and (params or tags):
            chunks = [[]]
        for i, chunk in enumerate(chunks):
            request = Request(run, "batch", "/runs/%s/batch" % run.id)
            request.batch_id = uuid.uuid4().hex
            request.series = chunk
            request.params, request.tags = (params, tags) if i == 0 else (None, None)
            self._queue.append(request)
        for stream, text in output:
            self._queue.append(Request(run, "output", "/runs/%s/output" % run.id, dumps({"stream": stream, "text": text})))

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
        if self._conn is not None:
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
                self._go_offline(str(err))
        self._write_spool(request)

    def _send(self, request):
        if request.op == "artifact":
            with open(request.file, "rb") as f:
                data = f.read()
            return self._conn.request("PUT", request.path, data, "application/octet-stream")
        return self._conn.request("POST", request.path, request.json().encode("utf-8"))

    def _go_offline(self, reason):
        self._conn.close()
        self._conn = None
        warn("the endpoint %s does not answer (%s); this process now spools to %s — "
             "the next `mlwb serve` or `mlwb sync` imports it" % (self.target.endpoint.url, reason, self._spool.dir))

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


def _chunks(series, size):
    """Splits {key: (values, steps, stamps)} into batches of at most `size` points."""
    chunks, current, room = [], [], size
    for key, (values, steps, stamps) in series.items():
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
