"""JSON bodies for the endpoint, with metric columns built at C speed.

Batches use the batch route's columnar form, `"series": [{"key", "steps", "timestamps",
"values"}]`, each column a base64 string of little-endian float64s. Formatting a float as
decimal text costs CPython about 1 µs; packing its 8 bytes costs a few nanoseconds, and keeps
NaN and ±Infinity without any spelling.
"""
import json
import math
import numbers
import sys
from array import array
from base64 import b64encode

_BIG_ENDIAN = sys.byteorder == "big"


def _column(column):
    """A column as base64 of little-endian float64s: C speed, and NaN/±Infinity travel as they are."""
    packed = array("d", column)
    if _BIG_ENDIAN:
        packed.byteswap()
    return '"%s"' % b64encode(packed.tobytes()).decode("ascii")


def series_json(series):
    """[(key, values: [float], steps: [int|float], stamps: [int ms]), …] as the `series` array."""
    return "[%s]" % ",".join(
        '{"key":%s,"steps":%s,"timestamps":%s,"values":%s}' % (json.dumps(key), _column(steps), _column(stamps), _column(values))
        for key, values, steps, stamps in series)


def batch_body(batch_id, series, params, tags):
    head = {"batchId": batch_id}
    if params:
        head["params"] = params
    if tags:
        head["tags"] = tags
    text = dumps(head)
    if not series:
        return text
    return '%s,"series":%s}' % (text[:-1], series_json(series))


def dumps(obj):
    """Compact JSON for a small body; params are made JSON-safe by `param_value` beforehand."""
    return json.dumps(obj, separators=(",", ":"), allow_nan=False)


def param_value(value):
    """A param as the protocol takes it: string, finite number or boolean (anything else as text).

    numpy scalars register as numbers.Integral/Real, so they become plain numbers too.
    """
    if isinstance(value, (bool, str)):
        return value
    if isinstance(value, numbers.Integral):
        value = int(value)
        return value if abs(value) < 2 ** 53 else str(value)  # beyond what a JSON double holds exactly
    if isinstance(value, numbers.Real):
        number = float(value)
        return number if math.isfinite(number) else repr(number)
    return str(value)
