"""JSON bodies for the endpoint, with metric columns built at C speed.

Batches use the batch route's columnar form, `"series": [{"key", "steps", "timestamps",
"values"}]`: `repr()` of a list of Python ints or floats is already a JSON array (C speed, no
per-point Python code), except for non-finite floats, which ARCHITECTURE.md spells as the
strings "NaN", "Infinity", "-Infinity".
"""
import json
import math
import numbers

# Order matters: "-inf" before "inf". Only nan/inf put an "n" into a float list's repr.
_NON_FINITE = (("-inf", '"-Infinity"'), ("inf", '"Infinity"'), ("nan", '"NaN"'))


def _values_json(values):
    text = repr(values)
    if "n" in text:
        for bare, quoted in _NON_FINITE:
            text = text.replace(bare, quoted)
    return text


def series_json(series):
    """[(key, values: [float], steps: [int|float], stamps: [int ms]), …] as the `series` array."""
    return "[%s]" % ",".join(
        '{"key":%s,"steps":%r,"timestamps":%r,"values":%s}' % (json.dumps(key), steps, stamps, _values_json(values))
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
