"""The Python side of bench/pythonClient.ts: logs through the real client, prints timings as JSON.

Three loads into three runs: one log_metric call per point, log_metrics with 10 keys per call,
and log_series with 10,000 points per call.
Each is timed on the training thread (the calls) and end to end (until flush() returns, i.e.
every point is acknowledged by the endpoint).
"""
import json
import sys
import time

import mlwb

POINTS = int(sys.argv[1])


def per_point():
    run = mlwb.start_run(name="bench-log_metric", experiment="bench")
    log = mlwb.log_metric
    t0 = time.perf_counter()
    for step in range(POINTS):
        log("loss", 1.0 / (step + 1), step=step)
    t1 = time.perf_counter()
    mlwb.flush()
    t2 = time.perf_counter()
    mlwb.end_run()
    return {"run": run.id, "points": POINTS, "callUs": (t1 - t0) / POINTS * 1e6, "pointsPerS": POINTS / (t2 - t0), "spooled": run.spooled}


def per_dict():
    keys = ["m%d" % i for i in range(10)]
    run = mlwb.start_run(name="bench-log_metrics", experiment="bench")
    log = mlwb.log_metrics
    calls = POINTS // len(keys)
    metrics = dict.fromkeys(keys, 0.5)
    t0 = time.perf_counter()
    for step in range(calls):
        log(metrics, step=step)
    t1 = time.perf_counter()
    mlwb.flush()
    t2 = time.perf_counter()
    mlwb.end_run()
    return {"run": run.id, "points": calls * len(keys), "callUs": (t1 - t0) / calls * 1e6,
            "pointsPerS": calls * len(keys) / (t2 - t0), "spooled": run.spooled}


def per_series():
    run = mlwb.start_run(name="bench-log_series", experiment="bench")
    log = mlwb.log_series
    chunk = 10000
    values = [1.0 / (i + 1) for i in range(chunk)]
    calls = POINTS // chunk
    t0 = time.perf_counter()
    for _ in range(calls):
        log("loss", values)
    t1 = time.perf_counter()
    mlwb.flush()
    t2 = time.perf_counter()
    mlwb.end_run()
    return {"run": run.id, "points": calls * chunk, "callUs": (t1 - t0) / calls * 1e6,
            "pointsPerS": calls * chunk / (t2 - t0), "spooled": run.spooled}


print(json.dumps({"logMetric": per_point(), "logMetrics": per_dict(), "logSeries": per_series()}))
