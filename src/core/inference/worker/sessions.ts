import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as ort from 'onnxruntime-node';
import { MlwbError } from '../../errors';
import { formatBytes } from '../formatBytes';
import type { Feeds, HostTensor } from '../tensor';

interface CachedSession {
  session: ort.InferenceSession;
  mtimeMs: number;
  createMs: number;
}

const sessions = new Map<string, CachedSession>();

/** One message for an allocation onnxruntime could not make, with its size when onnxruntime gives it. */
function outOfMemory(device: string, message: string): MlwbError {
  const size = /requested buffer of size (\d+)/.exec(message);
  const what = size ? `it asked for a buffer of ${formatBytes(Number(size[1]))}` : message;
  return new MlwbError(`The model ran out of memory on ${device}: ${what}.`, 'Try a smaller batch (--batch, --batch-size) or smaller inputs, or a device with more memory.');
}

/** onnxruntime's words for an allocation that failed (its own arena, or malloc under a memory limit). */
const OUT_OF_MEMORY = /bad_alloc|out of memory|Failed to allocate|Cannot allocate memory/i;

/**
 * onnxruntime's messages start with "Load model from … failed:", a source path and a C++
 * signature or assertion; users need the sentence after them.
 */
export function cleanOrtMessage(message: string): string {
  let text = message.split('\n').map((l) => l.trim()).filter(Boolean).join(' ');
  text = text.replace(/^Load model from .*? failed:/, '');
  text = text.split(/ was false\. /).pop()!;
  const afterSignature = /\/onnxruntime_src\/\S+ .*?\) ([A-Z].*)$/.exec(text);
  if (afterSignature) text = afterSignature[1];
  const noOp = /No Op registered for .*$/.exec(text);
  if (noOp) text = noOp[0];
  text = text.replace(/^\/onnxruntime_src\/\S+ \S+ /, '').replace(/^\[ONNXRuntimeError\] : \d+ : \w+ : /, '').trim();
  return text.length > 400 ? `${text.slice(0, 400)}…` : text;
}

/** A short reason for a device that cannot make a session, for pickers and errors. */
export function deviceFailureReason(device: string, message: string): string {
  const clean = cleanOrtMessage(message);
  if (/Failed to load shared library|providers_shared/.test(message)) {
    return `${device} is not bundled with this build of onnxruntime-node (its ${device.toUpperCase()} libraries are not installed)`;
  }
  if (/backend not found/.test(message)) return `${device} is not available on this platform`;
  return clean;
}

/** The session for (model, device), made once per model version (mtime) and reused. */
export async function getSession(model: string, device: string): Promise<CachedSession> {
  let stat;
  try {
    stat = await fs.stat(model);
  } catch {
    throw new MlwbError(`Model file not found: ${model}.`);
  }
  const known = ort.listSupportedBackends().map((b) => b.name);
  if (!known.includes(device)) throw new MlwbError(`Unknown device "${device}".`, `This build of onnxruntime-node has: ${known.join(', ')}.`);
  const key = `${model}\0${device}`;
  const cached = sessions.get(key);
  if (cached && cached.mtimeMs === stat.mtimeMs) return cached;
  if (cached) await cached.session.release();
  const start = performance.now();
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(model, { executionProviders: [device], graphOptimizationLevel: 'all' });
  } catch (err) {
    const message = (err as Error).message;
    if (/Protobuf parsing failed|Failed to load model|INVALID_PROTOBUF/.test(message)) {
      throw new MlwbError(`${model} is not a valid ONNX model (${cleanOrtMessage(message)}).`);
    }
    if (/opset|Could not find an implementation|not a registered function|No Op registered|Unsupported/i.test(message)) {
      throw new MlwbError(`onnxruntime cannot run ${model}: ${cleanOrtMessage(message)}.`, 'Re-export it with a supported opset (≤ 22) and standard operators.');
    }
    if (OUT_OF_MEMORY.test(message)) {
      throw new MlwbError(`The model ran out of memory loading on ${device} (${cleanOrtMessage(message)}).`, 'Try a smaller model, or a device with more memory.');
    }
    throw new MlwbError(`Device "${device}" cannot run ${model}: ${deviceFailureReason(device, message)}.`, 'Pick another device (mlwb devices lists them), or allow falling back to cpu (--fallback cpu, or the setting mlwb.inference.fallbackToCpu).');
  }
  const entry = { session, mtimeMs: stat.mtimeMs, createMs: performance.now() - start };
  sessions.set(key, entry);
  return entry;
}

export function toOrtFeeds(feeds: Feeds): Record<string, ort.Tensor> {
  const out: Record<string, ort.Tensor> = {};
  for (const [name, t] of Object.entries(feeds)) out[name] = new ort.Tensor(t.type as 'float32', t.data as Float32Array, t.dims);
  return out;
}

export function fromOrt(outputs: ort.InferenceSession.OnnxValueMapType): Feeds {
  const out: Feeds = {};
  for (const [name, value] of Object.entries(outputs)) {
    const t = value as ort.Tensor;
    out[name] = { type: t.type, dims: [...t.dims], data: t.data as HostTensor['data'] };
  }
  return out;
}

/**
 * A session for one request: the device it runs on now, and whether it may move to cpu when the
 * chosen device fails (at creation or in the middle of the work), as the user allowed.
 */
export interface SessionRunner {
  model: string;
  session: ort.InferenceSession;
  device: string;
  createMs: number;
  allowFallback: boolean;
  /** Why the chosen device was left for cpu, when it was. */
  fellBack?: string;
}

export async function openRunner(model: string, device: string, allowFallback = false): Promise<SessionRunner> {
  try {
    const { session, createMs } = await getSession(model, device);
    return { model, session, device, createMs, allowFallback };
  } catch (err) {
    if (!allowFallback || device === 'cpu' || !isDeviceFailure(err)) throw err;
    const { session, createMs } = await getSession(model, 'cpu');
    return { model, session, device: 'cpu', createMs, allowFallback, fellBack: (err as Error).message };
  }
}

/** A session-creation error that is about the device, not the model (which cpu would refuse too). */
const isDeviceFailure = (err: unknown): boolean => err instanceof MlwbError && err.message.startsWith('Device "');

/** One inference; onnxruntime's errors become one line naming the model and device (see recoverRun). */
export async function runSession(runner: SessionRunner, feeds: Record<string, ort.Tensor>): Promise<ort.InferenceSession.OnnxValueMapType> {
  try {
    return await runner.session.run(feeds);
  } catch (err) {
    return recoverRun(runner, feeds, err);
  }
}

/**
 * After a run threw: when a device other than cpu failed, the runner moves to cpu and runs again
 * if the user allowed it; otherwise one message says which device failed and what to do.
 */
export async function recoverRun(runner: SessionRunner, feeds: Record<string, ort.Tensor>, err: unknown): Promise<ort.InferenceSession.OnnxValueMapType> {
  const message = cleanOrtMessage((err as Error).message);
  const device = runner.device;
  if (OUT_OF_MEMORY.test(message)) throw outOfMemory(device, message);
  if (device === 'cpu') throw new MlwbError(`The model failed on cpu: ${message}`);
  if (!runner.allowFallback) {
    throw new MlwbError(`Device "${device}" failed while running ${path.basename(runner.model)}: ${message}`,
      `Run it on cpu (--device cpu), or allow falling back to cpu (--fallback cpu, or the setting mlwb.inference.fallbackToCpu).`);
  }
  const cpu = await getSession(runner.model, 'cpu');
  Object.assign(runner, { session: cpu.session, device: 'cpu', fellBack: `Device "${device}" failed while running: ${message}` });
  return runSession(runner, feeds);
}
