import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { DEBIAN_PYTHON } from './onnxFixtures';

const ORACLE = path.join(__dirname, '..', 'fixtures', 'inference', 'oracle.py');

/** Runs test/fixtures/inference/oracle.py (onnx, numpy, scikit-learn) and parses its JSON answer. */
export async function oracle<T>(args: string[], stdin?: unknown): Promise<T> {
  const run = promisify(execFile)(DEBIAN_PYTHON, [ORACLE, ...args], { maxBuffer: 64 * 1024 * 1024, timeout: 120_000 });
  if (stdin !== undefined) {
    run.child.stdin!.end(JSON.stringify(stdin));
  }
  const { stdout } = await run;
  return JSON.parse(stdout) as T;
}
