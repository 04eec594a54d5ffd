"""`%%track`: a notebook cell's execution becomes a run.

    %load_ext mlwb
    %%track --name sweep-1 --experiment mnist --param lr=0.1 --param epochs=3
    for epoch in range(3):
        print(f"epoch {epoch} loss={loss:.3f}")

The cell runs inside a run (source "notebook"). What it prints is shown as usual and also sent
to the endpoint's `output` route, which parses metrics from it with the same rules as `mlwb run`;
`mlwb.log_*` calls in the cell go to this run. An exception marks the run failed and fails the
cell with its usual traceback. The run records, as tags, where the cell lives so an editor can
link the cell to its runs: TAG_NOTEBOOK, TAG_CELL_SHA256, TAG_EXECUTION_COUNT, TAG_CELL_SOURCE.
"""
import hashlib
import os
import sys

from IPython.core.magic import Magics, cell_magic, magics_class
from IPython.core.magic_arguments import argument, magic_arguments, parse_argstring

from . import _state
from ._http import Connection, Rejected, Unreachable

TAG_NOTEBOOK = "mlwb.notebook"
TAG_CELL_SHA256 = "mlwb.cell_sha256"
TAG_EXECUTION_COUNT = "mlwb.execution_count"
TAG_CELL_SOURCE = "mlwb.cell_source"
MAX_SOURCE_CHARS = 100000  # a pasted data blob should not bloat every run's tags
MAX_SUMMARY_METRICS = 4


class _Tee:
    """Stands in for sys.stdout/stderr during the cell: writes through and copies to the run."""

    def __init__(self, stream, run, name):
        self._stream, self._run, self._name = stream, run, name

    def write(self, text):
        self._run.log_output(self._name, text)
        return self._stream.write(text)

    def writelines(self, lines):
        for line in lines:
            self.write(line)

    def __getattr__(self, attr):  # flush, isatty, encoding, fileno… of the real stream
        return getattr(self._stream, attr)


def _param_value(text):
    """`--param lr=0.1` gives the number 0.1, as `mlwb run` does for `--lr 0.1`."""
    for convert in (int, float):
        try:
            return convert(text)
        except ValueError:
            pass
    return text


def _notebook_path(shell):
    # VS Code puts the notebook's path in the namespace; Jupyter's server gives it to the kernel's env.
    for value in (shell.user_ns.get("__vsc_ipynb_file__"), shell.user_ns.get("__session__"), os.environ.get("JPY_SESSION_NAME")):
        if isinstance(value, str) and value:
            return value
    return None


def _cell_text(shell, line, cell):
    """The cell as the editor holds it (with its `%%track` line), for the hash an editor can recompute."""
    raw = shell.history_manager.input_hist_raw
    if raw and raw[-1].lstrip().startswith("%%track") and raw[-1].rstrip("\n").endswith(cell.rstrip("\n")):
        return raw[-1]
    return "%%track" + (" " + line if line else "") + "\n" + cell


@magics_class
class TrackMagics(Magics):
    @magic_arguments()
    @argument("--name", help="run name (default: chosen by the store)")
    @argument("--experiment", help="experiment (default: the notebook's file name when the kernel knows it)")
    @argument("--param", action="append", default=[], metavar="K=V", help="a parameter; repeatable")
    @cell_magic
    def track(self, line, cell):
        """Runs the cell as a tracked ML Workbench run."""
        args = parse_argstring(self.track, line)
        params = {}
        for item in args.param:
            key, sep, value = item.partition("=")
            if not sep or not key:
                raise ValueError("mlwb: --param takes KEY=VALUE, not %r" % item)
            params[key] = _param_value(value)
        text = _cell_text(self.shell, line, cell)
        tags = {
            TAG_CELL_SHA256: hashlib.sha256(text.encode("utf-8")).hexdigest(),
            TAG_EXECUTION_COUNT: str(self.shell.execution_count),
            TAG_CELL_SOURCE: text[:MAX_SOURCE_CHARS],
        }
        notebook = _notebook_path(self.shell)
        if notebook:
            tags[TAG_NOTEBOOK] = notebook
        # Like a script's runs, a notebook's runs group under the notebook unless told otherwise.
        experiment = args.experiment or (os.path.basename(notebook) if notebook else None)
        # A new run even inside another one or under MLWB_RUN_ID: the cell is its own run.
        run = _state.start_run(name=args.name, experiment=experiment, params=params, tags=tags,
                               source="notebook", nested=True, attach=False)
        saved = sys.stdout, sys.stderr
        sys.stdout, sys.stderr = _Tee(sys.stdout, run, "stdout"), _Tee(sys.stderr, run, "stderr")
        try:
            result = self.shell.run_cell(cell, store_history=False)
        finally:
            sys.stdout, sys.stderr = saved
        error = result.error_before_exec or result.error_in_exec
        if error is None:
            run.end("finished")
            print(_summary(run))
            return None
        run.end("killed" if isinstance(error, KeyboardInterrupt) else "failed")
        # IPython has shown the traceback already; failing the cell again with the same
        # exception keeps Run All from going on, and shows only our one line this time.
        error._render_traceback_ = lambda: [_summary(run)]
        raise error


def _summary(run):
    """`mlwb: run 1a2b3c4d 'sweep-1' finished — loss=0.12 acc=0.93`: which run this cell was."""
    name = " %r" % run.name if run.name else ""
    if run.spooled:
        return "mlwb: run %s%s %s, spooled (no endpoint answered)" % (run.id[:8], name, run.status)
    metrics = " ".join("%s=%.4g" % kv for kv in _latest_metrics(run)[:MAX_SUMMARY_METRICS])
    return "mlwb: run %s%s %s%s" % (run.id[:8], name, run.status, " — " + metrics if metrics else "")


def _latest_metrics(run):
    """[(key, last value)] as the store has them, including metrics parsed from the cell's output.

    The native API has no read route; the endpoint's MLflow API (runs/get) has the latest values.
    Best effort: the summary line is a convenience, the run is already stored.
    """
    try:
        conn = Connection(run._sender.target.endpoint, root="/api/2.0/mlflow", timeout=5.0)
        try:
            answer = conn.request("GET", "/runs/get?run_id=" + run.id)
        finally:
            conn.close()
        metrics = answer["run"]["data"].get("metrics", [])
        return sorted((m["key"], float(m["value"])) for m in metrics)
    except (Unreachable, Rejected, KeyError, TypeError, ValueError):
        return []
