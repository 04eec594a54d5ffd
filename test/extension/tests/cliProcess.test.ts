// The Test Explorer's test process (`mlwb test --events` started by the extension): the device the
// workspace picked reaches the inference process of the model tests.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import type { TestResult } from '../../../src/core/regress/types';
import { runCliTests, type CliEvent } from '../../../src/extension/tests/cliProcess';
import { REPO } from '../../cli/harness';
import { onnxFixtures } from '../../helpers/onnxFixtures';
import { tempDir } from '../../helpers/tmp';

describe('runCliTests', () => {
  it('passes the selected inference device: cpu runs the latency test, an unknown device errors naming it', async () => {
    const dir = tempDir('mlwb-cli-process-');
    fs.copyFileSync((await onnxFixtures()).penguins, path.join(dir, 'penguins.onnx'));
    const config = path.join(dir, 'mlwb.tests.yaml');
    fs.writeFileSync(config, 'tests:\n  - name: fast\n    kind: latency\n    model: penguins.onnx\n    iterations: 5\n    p95Ms: { max: 60000 }\n');
    const run = async (device: string): Promise<TestResult> => {
      const results: TestResult[] = [];
      const stderr: string[] = [];
      const cli = runCliTests({
        cli: path.join(REPO, 'dist', 'cli.js'), cwd: dir, storeDir: path.join(dir, '.mlwb'), config, names: ['fast'], device,
        onEvent: (e: CliEvent) => e.event === 'result' && results.push(e.result),
        onStderr: (line) => stderr.push(line),
      });
      await cli.done;
      assert.equal(results.length, 1, stderr.join('\n'));
      return results[0];
    };
    const onCpu = await run('cpu');
    assert.equal(onCpu.status, 'passed', onCpu.message);
    assert.match(onCpu.checks[0].label, /on cpu$/);
    const onTpu = await run('tpu');
    assert.equal(onTpu.status, 'errored');
    assert.match(onTpu.message, /Unknown device "tpu"/);
  });
});
