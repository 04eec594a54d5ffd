import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';

const SCRIPT = path.join(__dirname, '..', 'fixtures', 'inference', 'make_models.py');
/** Debian's interpreter: it has python3-torch, python3-onnx and scikit-learn. */
export const DEBIAN_PYTHON = '/usr/bin/python3';

export interface OnnxFixtures {
  dir: string;
  penguins: string;
  penguinsCsv: string;
  cancer: string;
  cancerCsv: string;
  diabetes: string;
  diabetesCsv: string;
  multiIo: string;
  image: string;
  corrupt: string;
  mlp: string;
}

let pending: Promise<OnnxFixtures> | undefined;

/**
 * The real models the inference tests use, trained and exported by make_models.py with torch.
 * Cached under the temp folder by the script's hash: the first test run pays ~30 s (importing
 * torch), later ones nothing. Written to a scratch folder and renamed, so concurrent test files
 * never see half a set.
 */
export function onnxFixtures(): Promise<OnnxFixtures> {
  pending ??= build();
  return pending;
}

async function build(): Promise<OnnxFixtures> {
  const hash = createHash('sha256').update(fs.readFileSync(SCRIPT)).digest('hex').slice(0, 16);
  const dir = path.join(os.tmpdir(), `mlwb-onnx-fixtures-${hash}`);
  if (!fs.existsSync(path.join(dir, 'manifest.json'))) {
    const scratch = fs.mkdtempSync(`${dir}.tmp-`);
    await promisify(execFile)(DEBIAN_PYTHON, [SCRIPT, scratch, '--mlp'], { timeout: 300_000 });
    try {
      fs.renameSync(scratch, dir);
    } catch {
      fs.rmSync(scratch, { recursive: true, force: true }); // another test file finished first
    }
  }
  const f = (name: string) => path.join(dir, name);
  return {
    dir,
    penguins: f('penguins.onnx'),
    penguinsCsv: f('penguins.csv'),
    cancer: f('cancer.onnx'),
    cancerCsv: f('cancer.csv'),
    diabetes: f('diabetes.onnx'),
    diabetesCsv: f('diabetes.csv'),
    multiIo: f('multi_io.onnx'),
    image: f('channel_mean.onnx'),
    corrupt: f('corrupt.onnx'),
    mlp: f('mlp.onnx'),
  };
}
