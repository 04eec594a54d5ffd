"""Where this process logs to: the endpoint (URL + token) and the store folder for the spool.

Order (ARCHITECTURE.md, "Environment variables given to tracked processes"):
1. MLWB_ENDPOINT + MLWB_TOKEN, set by `mlwb run`, `mlwb serve` users and the extension;
2. the endpoint file `<store>/endpoint.json`, the store being MLWB_STORE or the nearest
   `.mlwb/` from the working directory upward (the way git finds `.git`);
3. no endpoint: everything is spooled into the store's `spool/` folder. When there is no
   store yet, into the folder where mlwb would create it — `.mlwb/` at the top of the
   enclosing git repository, else in the working directory — so the next `mlwb serve` or
   `mlwb sync` there imports it.
"""
import json
import os
from collections import namedtuple

STORE_DIR_NAME = ".mlwb"
ENDPOINT_FILE = "endpoint.json"

Endpoint = namedtuple("Endpoint", "url token")
# endpoint: Endpoint or None; store_dir: absolute path; why: a phrase for warnings when endpoint is None.
Target = namedtuple("Target", "endpoint store_dir why")


def find_store_dir(cwd):
    directory = os.path.abspath(cwd)
    while True:
        candidate = os.path.join(directory, STORE_DIR_NAME)
        if os.path.isdir(candidate):
            return candidate
        parent = os.path.dirname(directory)
        if parent == directory:
            return None
        directory = parent


def default_store_dir(cwd):
    """Where mlwb creates a new store (src/core/store/openDatabase.ts, defaultStoreDir)."""
    start = os.path.abspath(cwd)
    directory = start
    while True:
        if os.path.exists(os.path.join(directory, ".git")):
            return os.path.join(directory, STORE_DIR_NAME)
        parent = os.path.dirname(directory)
        if parent == directory:
            return os.path.join(start, STORE_DIR_NAME)
        directory = parent


def _pid_alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process: alive
    except (OSError, OverflowError, ValueError):
        return False
    return True


def endpoint_pid(store_dir, endpoint):
    """The pid the endpoint file gives for `endpoint`, or None (another endpoint, no file)."""
    try:
        with open(os.path.join(store_dir, ENDPOINT_FILE), encoding="utf-8") as f:
            info = json.load(f)
        if Endpoint(str(info.get("url")).rstrip("/"), info.get("token")) == endpoint and isinstance(info.get("pid"), int):
            return info["pid"]
    except (OSError, ValueError, AttributeError):
        pass
    return None


def process_stopped(pid):
    """True when the process is stopped (SIGSTOP, Ctrl-Z, a debugger): Linux's /proc says so."""
    try:
        with open("/proc/%d/stat" % pid, "rb") as f:
            stat = f.read()
    except OSError:
        return False
    fields = stat[stat.rfind(b")") + 1:].split()
    return bool(fields) and fields[0] in (b"T", b"t")


def read_endpoint_file(store_dir):
    """(Endpoint, None) when the file describes a live process, else (None, why)."""
    path = os.path.join(store_dir, ENDPOINT_FILE)
    try:
        with open(path, encoding="utf-8") as f:
            info = json.load(f)
    except FileNotFoundError:
        return None, "no endpoint is running (no %s)" % path
    except (OSError, ValueError) as err:
        return None, "cannot read %s (%s)" % (path, err)
    url, token, pid = info.get("url"), info.get("token"), info.get("pid")
    if not isinstance(url, str) or not isinstance(token, str):
        return None, "%s lacks url/token" % path
    if isinstance(pid, int) and not _pid_alive(pid):
        return None, "the endpoint in %s is gone (pid %d)" % (path, pid)
    return Endpoint(url.rstrip("/"), token), None


def discover(environ=None, cwd=None):
    environ = os.environ if environ is None else environ
    cwd = os.getcwd() if cwd is None else cwd
    store_dir = os.path.abspath(environ.get("MLWB_STORE") or find_store_dir(cwd) or default_store_dir(cwd))
    url = environ.get("MLWB_ENDPOINT")
    if url:
        return Target(Endpoint(url.rstrip("/"), environ.get("MLWB_TOKEN", "")), store_dir, None)
    endpoint, why = read_endpoint_file(store_dir)
    return Target(endpoint, store_dir, why)
