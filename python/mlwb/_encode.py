"""JSON bodies for the endpoint, with the metric points built at C speed.

A batch holds up to tens of thousands of points; `json.dumps` over per-point dicts costs
about 4 µs a point, several times the cost of logging it. Points are kept as tuples
`(key_prefix, value, step, ms)` and the array is assembled from column reprs with
slice assignments and one join: no Python-level loop per point.
"""
import json
import math
from itertools import groupby
from operator import itemgetter

_KEY, _VALUE, _STEP, _TIME = (itemgetter(i) for i in range(4))
_STEP_SEP = ',"step":'
_TIME_SEP = ',"timestamp":'
_END = "},"
# repr() of non-finite floats, and how ARCHITECTURE.md spells them in JSON.
_NON_FINITE = (('"value":nan', '"value":"NaN"'), ('"value":-inf', '"value":"-Infinity"'), ('"value":inf', '"value":"Infinity"'))


def key_prefix(key):
    """The constant start of every point of `key`; computed once per key by the caller."""
    return '{"key":%s,"value":' % json.dumps(key)


def _reprs(values):
    """['1.5', 'nan', …] for a non-empty list of numbers, via the C repr of the whole list."""
    text = repr(values)
    return text[1:-1].split(", ")


def _timestamp_reprs(stamps):
    """Consecutive points mostly share their millisecond: one repr per run of equal stamps."""
    out = []
    for stamp, same in groupby(stamps):
        out += [repr(stamp)] * len(list(same))
    return out


def metrics_json(points):
    """The JSON array for [(key_prefix, value: float, step: int, ms: int), …]."""
    n = len(points)
    if n == 0:
        return "[]"
    parts = [None] * (7 * n)
    parts[0::7] = list(map(_KEY, points))
    parts[1::7] = _reprs(list(map(_VALUE, points)))
    parts[2::7] = [_STEP_SEP] * n
    parts[3::7] = _reprs(list(map(_STEP, points)))
    parts[4::7] = [_TIME_SEP] * n
    parts[5::7] = _timestamp_reprs(map(_TIME, points))
    parts[6::7] = [_END] * n
    text = "".join(parts)
    # A JSON-escaped key never contains `"value":` followed by a letter, so this only touches values.
    if '"value":nan' in text or '"value":inf' in text or '"value":-inf' in text:
        for bare, quoted in _NON_FINITE:
            text = text.replace(bare, quoted)
    return "[" + text[:-1] + "]"


def batch_body(batch_id, points, params, tags):
    head = {"batchId": batch_id}
    if params:
        head["params"] = params
    if tags:
        head["tags"] = tags
    text = dumps(head)
    if not points:
        return text
    return '%s,"metrics":%s}' % (text[:-1], metrics_json(points))


def dumps(obj):
    """Compact JSON for a small body; params are made JSON-safe by `param_value` beforehand."""
    return json.dumps(obj, separators=(",", ":"), allow_nan=False)


def param_value(value):
    """A param as the protocol takes it: string, finite number or boolean (anything else as text)."""
    if isinstance(value, bool) or isinstance(value, str):
        return value
    if isinstance(value, int):
        return value if abs(value) < 2 ** 53 else str(value)
    if isinstance(value, float):
        return value if math.isfinite(value) else repr(value)
    try:  # numpy scalars and the like
        number = float(value)
    except (TypeError, ValueError):
        return str(value)
    return number if math.isfinite(number) and type(value).__name__.startswith(("float", "int")) else str(value)
