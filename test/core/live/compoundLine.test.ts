import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { RunRecorder } from '../../../src/core/capture/runRecorder';
import { decideTerminalLine } from '../../../src/core/detect/terminalCommand';
import { endsWithTraceback, markIsProgram, programEnd } from '../../../src/core/live/compoundLine';
import { HeldOutput } from '../../../src/core/live/heldOutput';
import { LineRouter, type ProgramOutcome, type RouteAction } from '../../../src/core/live/lineRouter';
import { ProgramMarkReader, type TerminalEvent } from '../../../src/core/live/programMarks';
import { TerminalTextDecoder } from '../../../src/core/live/terminalText';
import { Store } from '../../../src/core/store/store';
import type { RunRecord } from '../../../src/core/store/types';
import { tempDir } from '../../helpers/tmp';

const REPO = process.cwd();
const FIXTURES = path.join(REPO, 'test', 'fixtures', 'terminal');

test('marks: split from the text wherever a chunk boundary falls; anything else stays text', () => {
  const start = `\x1b]6973;start;4242;${JSON.stringify(['/usr/bin/python3', 'train.py', '--lr', '0.1'])}\x07`;
  const stream = `$ \x1b[32mok\x1b[0m\n${start}epoch 1 loss=0.5\r\n\x1b]6973;end;4242\x07\x1b]0;title\x07done\n`;
  const expected: TerminalEvent[] = [
    { kind: 'text', text: '$ \x1b[32mok\x1b[0m\n' },
    { kind: 'start', pid: 4242, argv: ['/usr/bin/python3', 'train.py', '--lr', '0.1'] },
    { kind: 'text', text: 'epoch 1 loss=0.5\r\n' },
    { kind: 'end', pid: 4242 },
    { kind: 'text', text: '\x1b]0;title\x07done\n' },
  ];
  const merged = (events: TerminalEvent[]) => events.reduce<TerminalEvent[]>((out, e) => {
    const last = out[out.length - 1];
    if (e.kind === 'text' && last?.kind === 'text') out[out.length - 1] = { kind: 'text', text: last.text + e.text };
    else out.push(e);
    return out;
  }, []);
  for (let cut = 0; cut <= stream.length; cut++) {
    const reader = new ProgramMarkReader();
    const events = [...reader.push(stream.slice(0, cut)), ...reader.push(stream.slice(cut)), ...reader.end()];
    assert.deepEqual(merged(events), expected, `cut at ${cut}`);
  }
  const reader = new ProgramMarkReader();
  assert.deepEqual([...reader.push('a\x1b]6973;start;x;[]\x07b'), ...reader.end()], [{ kind: 'text', text: 'a' }, { kind: 'text', text: 'b' }], 'a malformed mark is dropped');
});

test('a start mark is the line\'s program whose arguments it ends with, or whose script it names', () => {
  const a = { command: ['python', 'a.py', '--lr', '1'], script: '/w/a.py' };
  const b = { command: ['python', 'b.py'], script: '/w/b.py' };
  assert.ok(markIsProgram(a, ['/usr/bin/python3', 'a.py', '--lr', '1']));
  assert.ok(!markIsProgram(a, ['/usr/bin/python3', 'b.py']));
  assert.ok(markIsProgram(b, ['/usr/bin/python3', 'b.py']));
  assert.ok(markIsProgram({ command: ['./train.py'], script: '/w/train.py' }, ['/usr/bin/python3', './train.py']));
  assert.ok(markIsProgram({ command: ['uv', 'run', 'train.py'], script: '/w/train.py' }, ['/w/.venv/bin/python', '/w/train.py']));
  assert.ok(markIsProgram({ command: ['python', '-m', 'pip', 'list'], script: null }, ['/usr/bin/python3', '-m', 'pip', 'list']));
  assert.ok(!markIsProgram({ command: ['python', '-m', 'pip', 'list'], script: null }, ['/usr/bin/python3', '-m', 'pytest']));
});

test('how each program of a line ended, from the operators, who started next and the line\'s exit code', () => {
  const ops = [undefined, '&&', '&&'] as const; // python a.py && python b.py && python c.py
  assert.deepEqual(programEnd(ops, 0, 1, 0, ''), { status: 'finished', exitCode: 0 }, 'b ran, so a exited 0');
  assert.deepEqual(programEnd(ops, 2, undefined, 0, ''), { status: 'finished', exitCode: 0 });
  assert.deepEqual(programEnd(ops, 1, undefined, 2, 'epoch 1\n'), { status: 'failed', exitCode: 2 }, 'the chain stopped at b: its exit code is the line\'s');
  assert.deepEqual(programEnd(ops, 1, undefined, 130, ''), { status: 'killed', exitCode: 130 });
  const seq = [undefined, ';'] as const; // python a.py; python b.py
  const traceback = 'epoch 1 loss=0.5\nTraceback (most recent call last):\n  File "a.py", line 3, in <module>\nFloatingPointError: diverged\n';
  assert.deepEqual(programEnd(seq, 0, 1, 0, traceback), { status: 'failed', exitCode: null });
  assert.deepEqual(programEnd(seq, 0, 1, 0, 'epoch 1 loss=0.5\n'), { status: 'finished', exitCode: null });
  assert.deepEqual(programEnd([undefined, '||'], 0, 1, 0, ''), { status: 'failed', exitCode: null }, 'b ran because a failed');
  assert.ok(endsWithTraceback(traceback));
  assert.ok(!endsWithTraceback('print("Traceback (most recent call last):")\n'));
});

/** Runs a command line in a real pseudo-terminal (util-linux `script`), with the client folder (and its hook) on PYTHONPATH. */
function runInTerminal(dir: string, line: string, pythonPath = [path.join(REPO, 'python')]): Promise<{ raw: string; exit: number }> {
  return new Promise((resolve, reject) => {
    const env: NodeJS.ProcessEnv = { ...process.env, PYTHONPATH: pythonPath.join(path.delimiter), MLWB_TERMINAL_MARKS: '1', PYTHONDONTWRITEBYTECODE: '1', SHELL: '/bin/bash' };
    for (const name of ['MLWB_ENDPOINT', 'MLWB_TOKEN', 'MLWB_STORE', 'MLWB_RUN_ID', 'MLWB_TERMINAL_PROGRAM']) delete env[name];
    const child = spawn('script', ['-qefc', line, '/dev/null'], { cwd: dir, env, stdio: ['ignore', 'pipe', 'inherit'] });
    let raw = '';
    child.stdout.setEncoding('utf8').on('data', (t: string) => (raw += t));
    child.on('error', reject);
    child.on('close', (code) => resolve({ raw, exit: code ?? -1 }));
  });
}

/** What the terminal tracker does with a line's output: marks → router → a run (or held output) per program. */
async function trackLine(store: Store, dir: string, line: string): Promise<{ runs: Map<number, RunRecord>; raw: string; endedEarly: number[] }> {
  const decision = await decideTerminalLine(line, dir, dir, { include: [], exclude: [] });
  assert.notEqual(decision.primary, undefined, decision.reason);
  const router = new LineRouter(decision.programs, decision.operators, decision.primary!);
  const recorders = new Map<number, RunRecorder>();
  const held = new Map<number, HeldOutput>();
  const runs = new Map<number, RunRecord>();
  const endedEarly: number[] = [];
  const endings: Promise<void>[] = [];
  const start = (i: number) => RunRecorder.start(store, { command: decision.programs[i].command, cwd: decision.programs[i].cwd, source: 'terminal' });
  const end = async (i: number, outcome: ProgramOutcome) => {
    const recorder = recorders.get(i);
    if (!recorder) return;
    assert.notEqual(outcome, 'discard');
    if (outcome !== 'discard') await recorder.finish(outcome.status, outcome.exitCode, { endTime: outcome.endTime });
    runs.set(i, store.getRun(recorder.id)!);
  };
  const apply = async (actions: RouteAction[]) => {
    for (const a of actions) {
      if (a.kind === 'begin') {
        if (decision.programs[a.program].track === true) recorders.set(a.program, await start(a.program));
        else held.set(a.program, new HeldOutput());
      } else if (a.kind === 'end') {
        endedEarly.push(a.program);
        endings.push(end(a.program, a.outcome));
      } else if (recorders.has(a.program)) recorders.get(a.program)!.output('stdout', a.text);
      else if (held.get(a.program)!.push(a.text)) {
        const recorder = await start(a.program);
        for (const chunk of held.get(a.program)!.take().chunks) recorder.output('stdout', chunk);
        recorders.set(a.program, recorder);
      }
    }
  };
  await apply(router.start());
  const { raw, exit } = await runInTerminal(dir, line);
  const marks = new ProgramMarkReader();
  const text = new TerminalTextDecoder();
  // The pty's output in small pieces, as a terminal delivers it.
  for (let i = 0; i < raw.length; i += 37) {
    for (const e of marks.push(raw.slice(i, i + 37))) await apply(router.push(e.kind === 'text' ? { kind: 'text', text: text.push(e.text) } : e));
  }
  for (const e of [...marks.end(), { kind: 'text', text: text.end() } as TerminalEvent]) await apply(router.push(e));
  await Promise.all([...endings, ...[...router.finish(exit)].map(([i, outcome]) => end(i, outcome))]);
  return { runs, raw, endedEarly };
}

test('python a.py && python b.py in a real terminal: one run per program, each with its own metrics, params and status', async () => {
  const dir = tempDir();
  for (const f of fs.readdirSync(FIXTURES)) fs.copyFileSync(path.join(FIXTURES, f), path.join(dir, f));
  const store = Store.open({ cwd: dir, storeDir: path.join(dir, '.mlwb'), create: true });
  try {
    const metric = (r: RunRecord | undefined, key: string) => {
      const values = r && store.readMetric(r.id, key)?.values;
      return values && Array.from(values);
    };

    const two = await trackLine(store, dir, 'python3 train.py --epochs 2 --lr 0.5 && python3 train.py --epochs 4');
    assert.doesNotMatch(two.raw.replace(/\x1b\]6973;[^\x07]*\x07/g, ''), /6973/, 'marks are the only trace of the hook');
    assert.equal(two.runs.size, 2);
    const [first, second] = [two.runs.get(0), two.runs.get(1)];
    assert.deepEqual([first?.command, second?.command], [['python3', 'train.py', '--epochs', '2', '--lr', '0.5'], ['python3', 'train.py', '--epochs', '4']]);
    // Oracle: the script's own formula, not output it printed.
    const losses = (lr: number, epochs: number) => Array.from({ length: epochs }, (_, i) => Number(Math.exp(-lr * (i + 1)).toFixed(4)));
    assert.deepEqual(metric(first, 'loss'), losses(0.5, 2));
    assert.deepEqual(metric(second, 'loss'), losses(0.1, 4));
    assert.deepEqual([first?.params.lr, first?.params.epochs, second?.params.lr, second?.params.epochs], [0.5, 2, 0.1, 4]);
    assert.deepEqual([first?.status, first?.exitCode, second?.status, second?.exitCode], ['finished', 0, 'finished', 0]);
    assert.doesNotMatch(store.getLog(first!.id, 'stdout')?.content ?? '', /epoch 3/, 'the second program\'s output is not in the first run');
    assert.deepEqual(two.endedEarly, [0], 'the first run ends when the second program starts, not with the line');
    assert.ok(first!.endTime! <= second!.startTime, `one after the other: ${first!.endTime} ≤ ${second!.startTime}`);

    // `;` goes on after a failure: the first run failed (its traceback), the second is its own run.
    const failing = await trackLine(store, dir, 'python3 train.py --epochs 3 --diverge-at 2; python3 prepare.py; python3 evaluate.py --split val');
    const [diverged, prepared, evaluated] = [failing.runs.get(0), failing.runs.get(1), failing.runs.get(2)];
    assert.deepEqual([diverged?.status, metric(diverged, 'loss')], ['failed', losses(0.1, 1)]);
    assert.equal(prepared, undefined, 'a program that prints no metrics is not a run');
    assert.deepEqual([evaluated?.status, evaluated?.exitCode, metric(evaluated, 'val_accuracy')], ['finished', 0, [0.88]]);
    assert.equal(evaluated?.metrics.loss, undefined);

    // `&&` stops at a failure: the failing program has the line's exit code, the next one never ran.
    const stopped = await trackLine(store, dir, 'python3 train.py --diverge-at 1 && python3 evaluate.py');
    assert.deepEqual([...stopped.runs.keys()], [0]);
    assert.deepEqual([stopped.runs.get(0)?.status, stopped.runs.get(0)?.exitCode], ['failed', 1]);
  } finally {
    store.close();
  }
});

test('the terminal hook: marks only top-level programs, never into redirected output, and runs the sitecustomize it shadows', async () => {
  const dir = tempDir();
  for (const f of fs.readdirSync(FIXTURES)) fs.copyFileSync(path.join(FIXTURES, f), path.join(dir, f));
  const shadowed = path.join(dir, 'site');
  fs.mkdirSync(shadowed);
  fs.writeFileSync(path.join(shadowed, 'sitecustomize.py'), 'import os\nopen(os.path.join(os.getcwd(), "shadowed-ran-%d" % os.getpid()), "w").close()\n');
  const line = `python3 -c 'import subprocess, sys; subprocess.run([sys.executable, "prepare.py", "--out", "rows.csv"], check=True)' > out.txt`;
  const { raw, exit } = await runInTerminal(dir, line, [path.join(REPO, 'python'), shadowed]);
  assert.equal(exit, 0);
  assert.equal([...raw.matchAll(/\x1b\]6973;start;/g)].length, 1, 'the subprocess does not mark');
  assert.equal([...raw.matchAll(/\x1b\]6973;end;/g)].length, 1);
  assert.equal(fs.readFileSync(path.join(dir, 'out.txt'), 'utf8'), 'wrote 3 rows to rows.csv\n', 'redirected output has no marks');
  assert.equal(fs.readdirSync(dir).filter((f) => f.startsWith('shadowed-ran-')).length, 2, 'both Pythons ran the shadowed sitecustomize');
});
