"""Writes requests the endpoint did not acknowledge to `<store>/spool/*.jsonl`.

Format (ARCHITECTURE.md): one `{"op", "runId", "body"}` per line, replayed in file-name order
by the next endpoint start and by `mlwb sync`, deduplicated by batch id.

Lines go to a hidden `.<name>.jsonl.tmp` file that is renamed to its final `<name>.jsonl` when
sealed (after an fsync), so a replay never reads a file this process is still writing (and
deletes it under us). `<name>` holds this process's pid: if the process dies before sealing
(SIGKILL, a crash), replay adopts the file, since its writer is gone. Names start with the
time, so this process's files replay in the order they were written.
"""
import hashlib
import os
import time
import uuid

from ._endpoint import STORE_DIR_NAME

_GITIGNORE = "# Created by ML Workbench: the run store is local to this machine.\n*\n"
# Seal a file at this size even while still spooling, so that a crash loses at most one file.
MAX_FILE_BYTES = 16 * 1024 * 1024


def ensure_store_dir(store_dir):
    """Creates the store folder the way mlwb does: owner-only, with a .gitignore keeping it out of git."""
    os.makedirs(store_dir, mode=0o700, exist_ok=True)
    os.makedirs(os.path.join(store_dir, "spool"), mode=0o700, exist_ok=True)
    gitignore = os.path.join(store_dir, ".gitignore")
    if os.path.basename(store_dir) == STORE_DIR_NAME and not os.path.exists(gitignore):
        with open(gitignore, "w", encoding="utf-8") as f:
            f.write(_GITIGNORE)


def _private_file(path):
    """A new file readable by the user only (0600, whatever the umask): spooled runs hold what the store holds.

    Unbuffered: a forked child that drops the object must not flush our lines a second time.
    """
    return os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb", buffering=0)


class SpoolWriter:
    def __init__(self, store_dir):
        self.dir = os.path.join(store_dir, "spool")
        self._store_dir = store_dir
        self._file = None
        self._tmp = None
        self._final = None
        self._bytes = 0
        self._seq = 0
        self._runs_in_file = set()

    def write(self, run_id, op, body_json, create_run_json=None):
        """Appends one record; `create_run_json` (the run's createRun body) heads each file that mentions the run."""
        if self._file is None:
            self._open()
        if create_run_json is not None and run_id not in self._runs_in_file and op != "createRun":
            self._line("createRun", run_id, create_run_json)
        self._runs_in_file.add(run_id)
        self._line(op, run_id, body_json)
        if self._bytes >= MAX_FILE_BYTES:
            self.seal()

    def keep_artifact(self, local_path):
        """Copies a file into `spool/artifacts/` while hashing it; returns (name, sha256, bytes).

        A copy, not a reference: the caller may change or delete the file once log_artifact returns.
        """
        folder = os.path.join(self.dir, "artifacts")
        ensure_store_dir(self._store_dir)
        os.makedirs(folder, mode=0o700, exist_ok=True)
        name = uuid.uuid4().hex
        tmp = os.path.join(folder, "." + name + ".tmp")
        digest = hashlib.sha256()
        size = 0
        with open(local_path, "rb") as src, _private_file(tmp) as dst:
            for block in iter(lambda: src.read(1 << 20), b""):
                digest.update(block)
                dst.write(block)
                size += len(block)
        os.replace(tmp, os.path.join(folder, name))
        return name, digest.hexdigest(), size

    def seal(self):
        """Makes everything written so far visible to replay."""
        if self._file is None:
            return
        try:
            os.fsync(self._file.fileno())
        except OSError:
            pass  # a file system without fsync: the rename still seals it
        self._file.close()
        os.replace(self._tmp, self._final)
        self._file = None

    def _open(self):
        ensure_store_dir(self._store_dir)
        self._seq += 1
        name = "%017d-%d-%04d-%s" % (time.time_ns() // 1000, os.getpid(), self._seq, uuid.uuid4().hex[:8])
        self._final = os.path.join(self.dir, name + ".jsonl")
        self._tmp = os.path.join(self.dir, "." + name + ".jsonl.tmp")
        self._file = _private_file(self._tmp)
        self._bytes = 0
        self._runs_in_file = set()

    def _line(self, op, run_id, body_json):
        # body_json is already JSON text: the metric array is never decoded again.
        line = '{"op":"%s","runId":"%s","body":%s}\n' % (op, run_id, body_json)
        data = memoryview(line.encode("utf-8"))
        written = 0
        while written < len(data):  # raw writes may be partial
            written += self._file.write(data[written:])
        self._bytes += written
