import { execFile } from 'node:child_process';
import { constants as fsConstants, promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { EnvInfo, GpuInfo, PythonInfo } from '../store/types';
import { isPythonProgram } from './commandParams';
import { selectEnvVars } from './secrets';

const DEFAULT_TIMEOUT_MS = 15_000;

export interface EnvironmentOptions {
  /** The command the run executes: its Python interpreter is the one described. */
  command: string[];
  cwd: string;
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
}

/** The machine and software a run used. Every probe is bounded; what fails becomes a note. */
export async function captureEnvironment(options: EnvironmentOptions): Promise<EnvInfo> {
  const env = options.env ?? process.env;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const notes: string[] = [];
  const interpreter = await pythonForCommand(options.command, options.cwd, env);
  const [osName, gpus, python] = await Promise.all([
    describeOs(),
    probeGpus(timeoutMs, notes),
    interpreter ? probePython(interpreter, options.cwd, env, timeoutMs, notes) : Promise.resolve(null),
  ]);
  const cpus = os.cpus();
  return {
    os: osName,
    cpu: cpus[0]?.model.trim() ?? os.arch(),
    cpuCores: cpus.length,
    memoryBytes: os.totalmem(),
    gpus,
    node: process.version,
    python: python?.info ?? null,
    packages: python?.packages ?? {},
    envVars: selectEnvVars(env),
    notes,
  };
}

async function describeOs(): Promise<string> {
  const kernel = `${os.type()} ${os.release()} ${os.arch()}`;
  try {
    const release = await fs.readFile('/etc/os-release', 'utf8');
    const pretty = /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(release)?.[1];
    return pretty ? `${pretty} (${kernel})` : kernel;
  } catch {
    return kernel;
  }
}

/**
 * The interpreter a command runs: `python3 …`, `/path/to/python …`, `env python3 …`, or a script
 * whose shebang names Python. Null when the command is not a Python program.
 */
export async function pythonForCommand(command: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<string | null> {
  let args = command;
  if (args.length && path.basename(args[0]) === 'env') args = args.slice(1).filter((a) => !a.includes('=') && !a.startsWith('-'));
  const [program] = args;
  if (!program) return null;
  if (isPythonProgram(program)) return resolveOnPath(program, cwd, env);
  let head: string;
  try {
    const handle = await fs.open(path.resolve(cwd, program), 'r');
    try {
      const buf = Buffer.alloc(200);
      const { bytesRead } = await handle.read(buf, 0, buf.length, 0);
      head = buf.subarray(0, bytesRead).toString('utf8');
    } finally {
      await handle.close();
    }
  } catch {
    return null;
  }
  const shebang = /^#!\s*(\S+)(?:[ \t]+(\S+))?/.exec(head);
  if (!shebang) return null;
  const target = path.basename(shebang[1]) === 'env' ? shebang[2] : shebang[1];
  return target && isPythonProgram(target) ? resolveOnPath(target, cwd, env) : null;
}

async function resolveOnPath(program: string, cwd: string, env: NodeJS.ProcessEnv): Promise<string | null> {
  if (program.includes('/')) return path.resolve(cwd, program);
  for (const dir of (env.PATH ?? '').split(path.delimiter).filter(Boolean)) {
    const candidate = path.join(dir, program);
    try {
      await fs.access(candidate, fsConstants.X_OK);
      return candidate;
    } catch {
      // not in this folder: keep looking along PATH
    }
  }
  return null;
}

// One interpreter start gives version and packages. importlib.metadata lists the same
// distributions as `pip freeze`, without needing pip and in a fraction of its time.
const PYTHON_PROBE = `
import json, sys
try:
    from importlib import metadata
    pkgs = {}
    for d in metadata.distributions():
        name = d.metadata["Name"]
        if name:
            pkgs[name] = d.version
except Exception:
    pkgs = None
print(json.dumps({"executable": sys.executable, "version": sys.version.split()[0], "prefix": sys.prefix, "packages": pkgs}))
`;

interface PythonProbe {
  executable: string;
  version: string;
  prefix: string;
  packages: Record<string, string> | null;
}

async function probePython(interpreter: string, cwd: string, env: NodeJS.ProcessEnv, timeoutMs: number, notes: string[]) {
  let probe: PythonProbe;
  try {
    probe = JSON.parse(await run(interpreter, ['-c', PYTHON_PROBE], cwd, env, timeoutMs)) as PythonProbe;
  } catch (err) {
    notes.push(`Could not query ${interpreter}: ${firstLine(err)}`);
    return null;
  }
  const info: PythonInfo = { executable: probe.executable, version: probe.version };
  let packages = probe.packages ?? {};
  if (probe.packages === null) notes.push('Installed packages could not be listed (importlib.metadata failed).');
  if (await isConda(probe.prefix)) {
    try {
      const listed = JSON.parse(await run('conda', ['list', '--json', '--prefix', probe.prefix], cwd, env, timeoutMs)) as { name: string; version: string }[];
      packages = Object.fromEntries(listed.map((p) => [p.name, p.version]));
    } catch (err) {
      notes.push(`conda list failed (${firstLine(err)}); packages are those Python reports.`);
    }
  }
  return { info, packages: Object.fromEntries(Object.entries(packages).sort(([a], [b]) => a.localeCompare(b))) };
}

async function isConda(prefix: string): Promise<boolean> {
  try {
    return (await fs.stat(path.join(prefix, 'conda-meta'))).isDirectory();
  } catch {
    return false;
  }
}

async function probeGpus(timeoutMs: number, notes: string[]): Promise<GpuInfo[]> {
  let out: string;
  try {
    out = await run('nvidia-smi', ['--query-gpu=name,memory.total,driver_version', '--format=csv,noheader,nounits'],
      process.cwd(), process.env, Math.min(timeoutMs, 5000));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') notes.push(`nvidia-smi failed: ${firstLine(err)}`);
    return [];
  }
  return out.trim().split('\n').filter(Boolean).map((line) => {
    const [name, memory, driver] = line.split(',').map((s) => s.trim());
    return { name, memoryMiB: Number(memory) || undefined, driver: driver || undefined };
  });
}

function run(file: string, args: string[], cwd: string, env: NodeJS.ProcessEnv, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { cwd, env, timeout: timeoutMs, maxBuffer: 32 * 1024 * 1024, killSignal: 'SIGKILL' }, (err, stdout, stderr) => {
      if (!err) return resolve(stdout);
      if ((err as { killed?: boolean }).killed) return reject(new Error(`timed out after ${timeoutMs} ms`));
      reject(Object.assign(new Error(stderr.trim() || err.message), { code: (err as NodeJS.ErrnoException).code }));
    });
  });
}

function firstLine(err: unknown): string {
  return String((err as Error)?.message ?? err).split('\n')[0];
}
