"""ML Workbench client: log runs into the workspace store from scripts and notebooks.

    import mlwb
    with mlwb.start_run(name="sweep-1", params={"lr": 0.1}):
        for step in range(100):
            mlwb.log_metric("loss", loss, step=step)

Logging only appends to memory; a background thread sends batches to the local endpoint
(found through MLWB_ENDPOINT/MLWB_TOKEN or `.mlwb/endpoint.json`), or spools them to
`.mlwb/spool/` when there is none. In IPython, `%load_ext mlwb` adds the `%%track` cell magic.
Standard library only; Python 3.8 or later.
"""
from . import _state
from ._run import Run

__version__ = "0.1.0"
__all__ = [
    "Run", "start_run", "active_run", "end_run", "flush",
    "log_param", "log_params", "log_metric", "log_metrics", "log_series", "set_tag", "set_tags",
    "log_artifact", "log_artifacts", "log_dataset",
]

_stack = _state.stack
_current = _state.current_run


def start_run(name=None, experiment=None, params=None, tags=None):
    """Starts a run and makes it the active one; use it plainly or as `with start_run(...) as run:`.

    Under `mlwb run` (MLWB_RUN_ID set) this attaches to the run `mlwb run` created instead, and
    ending it leaves its status to `mlwb run`.
    """
    return _state.start_run(name=name, experiment=experiment, params=params, tags=tags)


def active_run():
    """The active Run, or None."""
    return _state.active_run()


def end_run(status="finished"):
    """Ends the active run ("finished", "failed" or "killed") once everything it logged is sent or spooled."""
    _state.end_run(status)


def flush():
    """Waits until everything logged so far is acknowledged by the endpoint or written to the spool."""
    _state.flush()


def log_metric(key, value, step=None, timestamp=None):
    """Appends one point (step: defaults to the key's previous step + 1; timestamp: ms since the epoch)."""
    (_stack[-1] if _stack else _current()).log_metric(key, value, step, timestamp)


def log_metrics(metrics, step=None, timestamp=None):
    (_stack[-1] if _stack else _current()).log_metrics(metrics, step, timestamp)


def log_series(key, values, steps=None, timestamps=None):
    """Appends many points of one metric at once (the fast path for values computed in bulk)."""
    (_stack[-1] if _stack else _current()).log_series(key, values, steps, timestamps)


def log_param(key, value):
    _current().log_param(key, value)


def log_params(params):
    _current().log_params(params)


def set_tag(key, value):
    _current().set_tag(key, value)


def set_tags(tags):
    _current().set_tags(tags)


def log_artifact(path, artifact_path=None):
    """Uploads a file into the run's artifacts (under `artifact_path/` if given); waits for the upload."""
    return _current().log_artifact(path, artifact_path)


def log_artifacts(directory, artifact_path=None):
    _current().log_artifacts(directory, artifact_path)


def log_dataset(path):
    """Records a data file or folder the run used: path, sha256, bytes, rows (CSV/TSV/JSON lines)."""
    return _current().log_dataset(path)


def load_ipython_extension(ipython):
    """`%load_ext mlwb`: registers the `%%track` cell magic."""
    from .magic import TrackMagics

    ipython.register_magics(TrackMagics)
