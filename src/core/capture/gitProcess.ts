import { spawn } from 'node:child_process';

export type StreamEnd = 'completed' | 'stopped' | 'timeout';

/**
 * Runs git and hands its stdout over as it comes, so that a huge output (a diff of a 100 MB
 * file, 100k untracked names) is never held whole. `onData` returning false stops git early;
 * `signal` (the capture's deadline) stops it too. Rejects when git fails.
 */
export function streamGit(cwd: string, args: string[], signal: AbortSignal, onData: (chunk: Buffer) => boolean): Promise<StreamEnd> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return resolve('timeout');
    const child = spawn('git', args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let end: StreamEnd | undefined;
    let stderr = '';
    const stop = (why: StreamEnd) => {
      end ??= why;
      child.kill('SIGKILL');
    };
    const onAbort = () => stop('timeout');
    signal.addEventListener('abort', onAbort, { once: true });
    child.stdout.on('data', (chunk: Buffer) => {
      if (end === undefined && !onData(chunk)) stop('stopped');
    });
    child.stderr.on('data', (chunk: Buffer) => {
      if (stderr.length < 4096) stderr += chunk.toString();
    });
    child.on('error', (err) => {
      signal.removeEventListener('abort', onAbort);
      reject(err);
    });
    // A stopped git may leave a grandchild (a hook) holding its pipes open: done when git exits.
    child.on('exit', () => {
      if (end === undefined) return;
      child.stdout.destroy();
      child.stderr.destroy();
      signal.removeEventListener('abort', onAbort);
      resolve(end);
    });
    child.on('close', (code) => {
      signal.removeEventListener('abort', onAbort);
      if (end !== undefined) resolve(end);
      else if (code === 0) resolve('completed');
      else reject(new Error(`git ${args[0]} failed: ${stderr.trim().split('\n')[0] || `exit ${code}`}`));
    });
  });
}
