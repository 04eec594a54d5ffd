import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { type CellOutput, missingClientProblem } from '../../src/core/live/missingClient';
import { tempDir } from '../helpers/tmp';
import { FIXTURES, REPO, clientEnv, run } from './harness';

/** Debian's interpreter: python3-ipykernel and python3-nbclient live there, and the mlwb client does not. */
const JUPYTER_PYTHON = process.env.MLWB_TEST_JUPYTER_PYTHON ?? '/usr/bin/python3';

interface NbOutput {
  output_type: string;
  text?: string | string[];
  ename?: string;
  evalue?: string;
  traceback?: string[];
}

const joined = (t: string | string[] | undefined) => (Array.isArray(t) ? t.join('') : t ?? '');

/** What VS Code's ipynb support makes of a stored output: errors as {name, message, stack}, streams as text. */
function asEditorOutput(o: NbOutput): CellOutput | undefined {
  if (o.output_type === 'error') return { kind: 'error', name: o.ename ?? '', message: o.evalue ?? '', stack: (o.traceback ?? []).join('\n') };
  if (o.output_type === 'stream') return { kind: 'text', text: joined(o.text) };
  return undefined;
}

/** Runs the cells in a real kernel (nbclient) and returns each cell's outputs as the editor reads them. */
async function executeInKernel(dir: string, cells: string[], env: NodeJS.ProcessEnv): Promise<CellOutput[][]> {
  const source = path.join(dir, `nb-${Math.random().toString(36).slice(2)}.ipynb`);
  const executed = `${source}.out`;
  fs.writeFileSync(source, JSON.stringify({
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: 'python3', display_name: 'Python 3', language: 'python' } },
    cells: cells.map((text, i) => ({ id: `c${i}`, cell_type: 'code', metadata: {}, execution_count: null, outputs: [], source: text })),
  }));
  const r = await run(JUPYTER_PYTHON, [path.join(FIXTURES, 'run_notebook.py'), source, executed], { cwd: dir, env });
  assert.equal(r.code, 0, `${r.stderr}\n(the notebook tests need python3-ipykernel and python3-nbclient: scripts/install-system-deps.sh)`);
  const nb = JSON.parse(fs.readFileSync(executed, 'utf8')) as { cells: { outputs: NbOutput[] }[] };
  return nb.cells.map((c) => c.outputs.map(asEditorOutput).filter((o): o is CellOutput => o !== undefined));
}

/** The title the Command Palette shows for the install command, from package.json. */
function installCommandTitle(): string {
  const pkg = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { contributes: { commands: { command: string; title: string; category?: string }[] } };
  const cmd = pkg.contributes.commands.find((c) => c.command === 'mlwb.installPythonClient');
  assert.ok(cmd, 'package.json contributes mlwb.installPythonClient');
  return `${cmd.category}: ${cmd.title}`;
}

describe('a kernel without the mlwb client', () => {
  it('fails %load_ext mlwb and %%track with errors that name "Install the mlwb Python Client"; a kernel with it shows none', async () => {
    const dir = tempDir();
    const cells = [
      '# set-up\n%load_ext mlwb',
      '%%track --name first\nprint("epoch 1 loss=0.5")',
      'print("untracked")',
    ];
    const noClient = clientEnv({ PYDEVD_DISABLE_FILE_VALIDATION: '1' });
    delete noClient.PYTHONPATH;
    const [loadOut, trackOut, plainOut] = await executeInKernel(dir, cells, noClient);
    const command = installCommandTitle();

    // What the kernel itself says: nothing about what to do.
    assert.ok(loadOut.some((o) => o.kind === 'error' && o.name === 'ModuleNotFoundError'), JSON.stringify(loadOut));
    assert.ok(trackOut.some((o) => o.kind === 'text' && /Cell magic `%%track` not found/.test(o.text)), JSON.stringify(trackOut));
    assert.ok(!JSON.stringify([loadOut, trackOut]).includes(command));

    // What the editor shows on those lines.
    const load = missingClientProblem(cells[0], loadOut);
    assert.ok(load, 'the %load_ext cell has a problem');
    assert.ok(load.message.includes(`"${command}"`), load.message);
    assert.deepEqual([load.line, cells[0].split('\n')[load.line].slice(load.start, load.end)], [1, 'mlwb']);
    const track = missingClientProblem(cells[1], trackOut);
    assert.ok(track, 'the %%track cell has a problem');
    assert.ok(track.message.includes(`"${command}"`), track.message);
    assert.match(track.message, /%load_ext mlwb/);
    assert.deepEqual([track.line, track.start, track.end], [0, 0, '%%track'.length]);
    assert.equal(missingClientProblem(cells[2], plainOut), undefined);

    // The same notebook in a kernel that has the client: its cells run, nothing is flagged.
    const withClient = clientEnv({ PYDEVD_DISABLE_FILE_VALIDATION: '1', MLWB_STORE: path.join(dir, '.mlwb') });
    const outs = await executeInKernel(dir, cells, withClient);
    assert.match(JSON.stringify(outs[1]), /mlwb: run [0-9a-f]{8} 'first' finished/);
    outs.forEach((o, i) => assert.equal(missingClientProblem(cells[i], o), undefined, `cell ${i}: ${JSON.stringify(o)}`));
  });
});
