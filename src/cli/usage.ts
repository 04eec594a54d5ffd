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
  mlwb runs rm ID… [--yes]       delete runs (asks first unless --yes)
  mlwb runs reproduce ID         re-run ID's code version and command, then compare
  mlwb export --format csv|json  all runs, one row/object each
  mlwb serve [--port P]          the local tracking endpoint (native + MLflow REST API);
                                 prints its URL first, writes .mlwb/endpoint.json
  mlwb sync                      replay the spool (.mlwb/spool/) into the store
  mlwb test [--config FILE]… [--filter NAME] [--junit FILE] [--json] [--md FILE]
            [--update-baseline] [--device D] [--record-golden NAME]
                                 the regression tests of every mlwb.tests.yaml here and
                                 below (or FILE); exit 0 all pass, 1 any fails, 2 a config
                                 error; --update-baseline moves baselines to the current runs

Options for every command:
  --store DIR                    the store folder (default: .mlwb/ here or in a parent;
                                 also MLWB_STORE)
`;
