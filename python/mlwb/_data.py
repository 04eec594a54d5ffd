"""Dataset fingerprints, by the same rules as `mlwb run --data` (src/core/capture/dataFingerprint.ts):
path relative to the working directory when inside it, sha256 of the bytes, size, and rows for
CSV/TSV (header excluded, quoted newlines respected) and JSON lines; a folder is hashed over its
files' relative paths and hashes in sorted order.
"""
import hashlib
import os

_CHUNK = 1 << 20


def fingerprint(path, cwd=None):
    cwd = os.getcwd() if cwd is None else cwd
    absolute = os.path.abspath(os.path.join(cwd, os.fspath(path)))
    relative = os.path.relpath(absolute, cwd)
    shown = absolute if relative.startswith("..") else relative
    if os.path.isdir(absolute):
        sha256, size = _folder(absolute)
        return {"path": shown, "sha256": sha256, "bytes": size, "rows": None}
    if not os.path.isfile(absolute):
        raise FileNotFoundError("mlwb.log_dataset: no such file: %s" % path)
    sha256, size = _file_hash(absolute)
    return {"path": shown, "sha256": sha256, "bytes": size, "rows": _rows(absolute)}


def _file_hash(path):
    digest = hashlib.sha256()
    size = 0
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(_CHUNK), b""):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def _folder(directory):
    files = []
    for root, _dirs, names in os.walk(directory):
        for name in names:
            full = os.path.join(root, name)
            if os.path.isfile(full) and not os.path.islink(full):
                files.append(os.path.relpath(full, directory))
    digest = hashlib.sha256()
    total = 0
    for rel in sorted(files):
        sha256, size = _file_hash(os.path.join(directory, rel))
        digest.update(("%s\0%s\n" % (rel, sha256)).encode("utf-8"))
        total += size
    return digest.hexdigest(), total


def _rows(path):
    ext = os.path.splitext(path)[1].lower()
    if ext in (".csv", ".tsv"):
        return _delimited_rows(path)
    if ext in (".jsonl", ".ndjson"):
        with open(path, "rb") as f:
            return sum(1 for line in f if line.strip(b" \t\r\n"))
    return None


def _delimited_rows(path):
    """Records, not lines: a newline inside double quotes belongs to its field."""
    records = 0
    in_quotes = False
    content = False
    with open(path, "rb") as f:
        for line in f:
            ends = line.endswith(b"\n")
            body = line[:-1] if ends else line
            if body.replace(b"\r", b""):
                content = True
            if body.count(b'"') % 2:
                in_quotes = not in_quotes
            if ends:
                if in_quotes:
                    content = True
                elif content:
                    records += 1
                    content = False
    return max(0, records + (1 if content else 0) - 1)
