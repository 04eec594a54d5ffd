// Runs the in-host mocha suite: every *.test.js next to the bundled suite (esbuild writes them to
// dist/test/suite/). Shared by index.ts (@vscode/test-electron) and the code-server companion.
import { readdirSync } from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';

export interface SuiteResult {
  passed: number;
  failed: number;
  pending: number;
  tests: { title: string; state: 'passed' | 'failed' | 'pending'; durationMs?: number }[];
  failures: { title: string; message: string; stack?: string }[];
}

export function runSuite(testsDir: string): Promise<SuiteResult> {
  // No colours: the output goes to the extension host's log, not a terminal.
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 30_000 });
  for (const file of readdirSync(testsDir).filter((f) => f.endsWith('.test.js')).sort()) mocha.addFile(path.join(testsDir, file));
  const result: SuiteResult = { passed: 0, failed: 0, pending: 0, tests: [], failures: [] };
  return new Promise((resolve, reject) => {
    try {
      const runner = mocha.run(() => resolve(result));
      runner.on('pass', (t) => {
        result.passed++;
        result.tests.push({ title: t.fullTitle(), state: 'passed', durationMs: t.duration });
      });
      runner.on('pending', (t) => {
        result.pending++;
        result.tests.push({ title: t.fullTitle(), state: 'pending' });
      });
      runner.on('fail', (t, err: Error) => {
        result.failed++;
        result.tests.push({ title: t.fullTitle(), state: 'failed' });
        result.failures.push({ title: t.fullTitle(), message: err.message, stack: err.stack });
      });
    } catch (err) {
      reject(err); // a test file that does not load
    }
  });
}
