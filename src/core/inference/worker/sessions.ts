import { promises as fs } from 'node:fs';
import * as ort from 'onnxruntime-node';
import { MlwbError } from '../../errors';
import type { Feeds, HostTensor } from '../tensor';

interface CachedSession {
  session: ort.InferenceSession;
  mtimeMs: number;
  createMs: number;
}

const sessions = new Map<string, CachedSession>();

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
    if (/bad_alloc|out of memory|Failed to allocate/i.test(message)) {
      throw new MlwbError(`Out of memory loading ${model} on ${device}.`, 'Try a smaller model or batch, or another device.');
    }
    throw new MlwbError(`Device "${device}" cannot run ${model}: ${deviceFailureReason(device, message)}.`, 'Pick another device (mlwb devices lists them).');
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

/** One inference; onnxruntime's errors become one line naming the model and device. */
export async function runSession(session: ort.InferenceSession, feeds: Record<string, ort.Tensor>, device: string): Promise<ort.InferenceSession.OnnxValueMapType> {
  try {
    return await session.run(feeds);
  } catch (err) {
    const message = cleanOrtMessage((err as Error).message);
    if (/bad_alloc|out of memory|Failed to allocate/i.test(message)) throw new MlwbError(`Out of memory running the model on ${device}.`, 'Use a smaller batch.');
    throw new MlwbError(`The model failed on ${device}: ${message}`);
  }
}
