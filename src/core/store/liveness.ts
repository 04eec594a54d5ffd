// Is a "running" run still running? A run is kept going by one process — `mlwb run`, the
// extension host recording a terminal, a Python client (or its notebook kernel). When that
// process dies without ending the run (SIGKILL, a crash, a power cut) nobody else will, so the
// run would say "running" forever. Each run records its owner (pid, host, process start) and
// when it was last heard from; a sweep marks runs whose owner is gone as `crashed`.
import * as fs from 'node:fs';
import * as os from 'node:os';
import type { RunOwner } from './types';

/** How often a live owner refreshes `last_seen` (RunRecorder; the endpoint on each request). */
export const HEARTBEAT_MS = 30_000;
/**
 * A run owned on another host (a store on a shared disk) cannot have its pid checked from
 * here: it is left alone until it has missed this many heartbeats' worth of time. Long, because
 * a false "crashed" on a healthy remote run is worse than a late one (a run that speaks again
 * is running again anyway, see Store.touchRun).
 */
export const REMOTE_STALE_MS = 30 * HEARTBEAT_MS;
/**
 * A run with no recorded owner (an MLflow client, which sends no pid; a store from before owners
 * were recorded) can only be judged by silence. A training loop may log once an epoch, so only
 * a day of silence counts as dead.
 */
export const UNOWNED_STALE_MS = 24 * 60 * 60 * 1000;

export interface RunningRow {
  id: string;
  start_time: number;
  owner_pid: number | null;
  owner_host: string | null;
  owner_start: string | null;
  last_seen: number | null;
}

let bootId: string | null | undefined;

function currentBootId(): string | null {
  if (bootId === undefined) {
    try {
      bootId = fs.readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    } catch {
      bootId = null;
    }
  }
  return bootId;
}

/**
 * `<boot id>:<start time in clock ticks>` of a process, from /proc (Linux). A pid reused by a
 * later process, or one from before a reboot, gives a different value. null where there is no
 * /proc (macOS, Windows): there only the pid's existence can be checked.
 */
export function processStartId(pid: number): string | null {
  const boot = currentBootId();
  if (!boot) return null;
  let stat: string;
  try {
    stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // The command name (field 2) may hold spaces and parentheses: fields are counted after its last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const startTicks = fields[19]; // field 22 of proc(5), starttime
  return startTicks && /^\d+$/.test(startTicks) ? `${boot}:${startTicks}` : null;
}

/** This process as a run owner. */
export function currentOwner(): RunOwner {
  return { pid: process.pid, host: os.hostname(), start: processStartId(process.pid) };
}

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to another user.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Whether a running run's owner is gone, judged from this host at `now`. */
export function ownerIsGone(row: RunningRow, now: number, host = os.hostname()): boolean {
  const lastHeard = Math.max(row.last_seen ?? 0, row.start_time);
  if (row.owner_pid === null || row.owner_host === null) return now - lastHeard > UNOWNED_STALE_MS;
  if (row.owner_host !== host) return now - lastHeard > REMOTE_STALE_MS;
  if (!processExists(row.owner_pid)) return true;
  // The pid exists: it is the owner unless it started at another time (the pid was reused).
  if (row.owner_start === null) return false;
  const start = processStartId(row.owner_pid);
  return start !== null && start !== row.owner_start;
}
