// Preloaded into a Node process under test (NODE_OPTIONS=--import …): on exit, writes the
// process's own peak resident memory in KiB to $MLWB_TEST_MAXRSS_FILE.
import * as fs from 'node:fs';

process.on('exit', () => {
  const file = process.env.MLWB_TEST_MAXRSS_FILE;
  if (file) fs.writeFileSync(file, String(process.resourceUsage().maxRSS));
});
