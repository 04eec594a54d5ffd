"""A keep-alive HTTP connection to the endpoint, used by the sender thread only."""
import http.client
import json
import socket
import time
import urllib.parse

# How long one socket operation may wait. Large batches under load (several writers, one
# SQLite waiting on another's lock) can take a while, so this is long; a program waiting on an
# endpoint that answers nothing at all is released sooner (`_sender`, PROBE_TIMEOUT_S).
REQUEST_TIMEOUT_S = 30.0
# The endpoint's limit for a JSON body (src/core/ingest/body.ts, DEFAULT_JSON_LIMIT) and for an artifact.
JSON_LIMIT_BYTES = 16 * 1024 * 1024
ARTIFACT_LIMIT_BYTES = 4 * 1024 * 1024 * 1024
# Node closes idle keep-alive connections after 5 s; reconnect before that to avoid a failed send.
IDLE_RECONNECT_S = 4.0


API_ROOT = "/api/mlwb/v1"


class Unreachable(Exception):
    """No usable answer (refused, reset, timed out, 5xx, wrong token or store): spool the request."""


class RunGone(Exception):
    """The run no longer exists in the store (deleted while running): nothing more of it can be stored."""


class Rejected(Exception):
    """The endpoint refused the body itself (400, 413, 415): replaying it would not help."""


# Statuses that say the request is malformed; any other failure is about the endpoint.
_BAD_REQUEST = (400, 413, 415)


class Connection:
    def __init__(self, endpoint, root=API_ROOT, timeout=REQUEST_TIMEOUT_S):
        parsed = urllib.parse.urlsplit(endpoint.url)
        if parsed.scheme != "http" or not parsed.hostname:
            raise ValueError("MLWB_ENDPOINT must be an http:// URL, not %r" % endpoint.url)
        self._host, self._port = parsed.hostname, parsed.port or 80
        # MLWB_ENDPOINT is the base URL; request paths are relative to an API root (native by default).
        self._prefix = parsed.path.rstrip("/") + root
        self._timeout = timeout
        self._auth = "Bearer " + endpoint.token
        self._conn = None
        self._last_used = 0.0
        self._interrupted = False

    def request(self, method, path, body=b"", content_type="application/json"):
        """Sends one request and returns the decoded JSON answer; retries once on a fresh connection."""
        headers = {"Authorization": self._auth, "Content-Type": content_type, "Content-Length": str(len(body))}
        for attempt in (1, 2):
            if self._interrupted:
                raise Unreachable("given up waiting for an answer")
            try:
                if self._conn is None or time.monotonic() - self._last_used > IDLE_RECONNECT_S:
                    self.close()
                    self._conn = http.client.HTTPConnection(self._host, self._port, timeout=self._timeout)
                self._conn.request(method, self._prefix + path, body, headers)
                response = self._conn.getresponse()
                data = response.read()
                self._last_used = time.monotonic()
            except (OSError, http.client.HTTPException) as err:
                self.close()
                # A kept-alive connection the server closed fails on first use: retry once.
                # Every request is idempotent on the server (run ids, batch ids) except
                # `output`, where a rare retried chunk is a duplicated log line, not lost data.
                # A timeout is not retried: an endpoint that does not answer would not answer twice.
                if attempt == 2 or isinstance(err, socket.timeout) or self._interrupted:
                    raise Unreachable("%s: %s" % (type(err).__name__, err) if str(err) else type(err).__name__) from err
                continue
            return _answer(response.status, data)

    def interrupt(self):
        """From another thread: makes the request in progress, and any later one, fail at once."""
        self._interrupted = True
        conn = self._conn
        sock = conn.sock if conn is not None else None
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass  # already closed

    def close(self):
        if self._conn is not None:
            self._conn.close()
            self._conn = None


def _answer(status, data):
    try:
        decoded = json.loads(data.decode("utf-8")) if data else {}
    except ValueError:
        decoded = {}
    if status < 400:
        return decoded
    message = decoded.get("error", {}).get("message") if isinstance(decoded, dict) else None
    text = "HTTP %d: %s" % (status, message or data[:200].decode("utf-8", "replace"))
    if status in _BAD_REQUEST:
        raise Rejected(text)
    code = decoded.get("error", {}).get("code") if isinstance(decoded, dict) else None
    if status == 404 and code == "RESOURCE_DOES_NOT_EXIST":
        raise RunGone(text)
    raise Unreachable(text)
