export const USAGE = `mlwb — ML Workbench: track, compare and test ML runs in your workspace.

Usage:
  mlwb run [--name N] [--experiment E] [--tag k=v]… [--data PATH]… -- CMD [ARGS…]
                                 run CMD as a tracked run (metrics from its output)
      [--metric-pattern RE]…     also read metrics with RE's named groups (also
                                 MLWB_METRIC_PATTERNS, a JSON array)
  mlwb runs ls [--experiment E] [--status S] [--json]
  mlwb runs show ID [--json]     one run in full (ID may be a unique prefix)
  mlwb runs diff ID1 ID2 [--json]
                                 params, final metrics, git and packages that differ
  mlwb runs rm ID… [--yes] [--force]
                                 delete runs (asks first unless --yes; a running
                                 run only with --force)
  mlwb runs compare ID… [--json|--csv]
                                 params (which differ) and metrics (last/min/max/best)
                                 of any number of runs side by side
  mlwb runs rm ID… [--yes]       delete runs (asks first unless --yes)
  mlwb runs reproduce ID         re-run ID's code version and command, then compare
  mlwb export --format csv|json  all runs, one row/object each
  mlwb serve [--port P]          the local tracking endpoint (native + MLflow REST API);
                                 prints its URL first, writes .mlwb/endpoint.json
  mlwb sync                      replay the spool (.mlwb/spool/) into the store
  mlwb doctor [--recover]        check the store file; --recover salvages every
                                 readable run into a new store, keeping the old file
  mlwb devices [--json]          inference devices, each tried for real: works, or why not
  mlwb model info FILE [--json]  an ONNX model's inputs, outputs, opsets, size, producing run
  mlwb model run FILE --input FILE [--device D] [--fallback cpu] [--json] [--out x.npy]
                                 one inference (.json, .npy, .npz, .csv, .jsonl, .png, .jpg;
                                 images: [--size WxH] [--mean R,G,B] [--std R,G,B])
  mlwb model bench FILE [--device D] [--batch 1,8,32] [--iterations N] [--time-budget MS]
      [--dim NAME=SIZE]… [--fallback cpu] [--json]
                                 latency p50/p95/p99/mean and throughput per batch size
  mlwb model eval FILE --data FILE --label COL [--slice COL] [--device D] [--json]
      [--predictions OUT.csv] [--batch-size N] [--fallback cpu]
                                 metrics on a dataset, recorded as an evaluation run
                                 (device: --device, else MLWB_DEVICE, else cpu; a failing
                                 device stops the work unless --fallback cpu or MLWB_FALLBACK=cpu)
  mlwb drift REF CUR [--json] [--html FILE] [--column C]… [--test COL=TEST]…
      [--threshold COL=X]… [--drift-share 0.5] [--by COL --window 1D|1W|N]
      [--fail-on-drift] [--save|--no-save]
      [--model FILE.onnx [--model-features A,B,…] [--device D]]
                                 data drift of CUR against REF (CSV, TSV, JSON lines,
                                 Parquet); exit 1 on dataset drift with --fail-on-drift;
                                 kept in the store when there is one (--save creates it);
                                 --model: its predictions on both files are compared too
  mlwb test [--config FILE]… [--filter NAME] [--junit FILE] [--json] [--md FILE]
            [--update-baseline] [--device D] [--record-golden NAME]
                                 the regression tests of every mlwb.tests.yaml here and
                                 below (or FILE); exit 0 all pass, 1 any fails, 2 a config
                                 error; --update-baseline moves baselines to the current runs

Options for every command:
  --store DIR                    the store folder (default: .mlwb/ here or in a parent;
                                 also MLWB_STORE)
`;
