import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { MlwbError } from '../errors';
import { typedArrayFor } from './elementTypes';
import { imageTensor, type ImageOptions } from './io/image';
import { feedsFromJson } from './io/jsonTensor';
import { readNpy } from './io/npy';
import { readNpz } from './io/npz';
import { parseCsvBytes, parseJsonRows } from './io/tabular';
import type { Dim, TensorSignature } from './modelInfo';
import { tableFeeds } from './tableFeeds';
import type { Feeds } from './tensor';

export const formatShape = (shape: readonly (Dim | number)[]): string => `[${shape.map((d) => d ?? '?').join(', ')}]`;

/**
 * Checks feeds against the model's inputs before onnxruntime sees them, so that the message
 * names the input and says expected vs got. Symbolic dimensions must agree across inputs.
 */
export function checkFeeds(feeds: Feeds, inputs: readonly TensorSignature[]): void {
  const symbols = new Map<string, { value: number; input: string }>();
  for (const input of inputs) {
    const t = feeds[input.name];
    if (!t) throw new MlwbError(`No value for input "${input.name}".`, `The model's inputs: ${inputs.map((i) => i.name).join(', ')}.`);
    const expected = `${input.type} ${formatShape(input.shape)}`;
    const got = `${t.type} ${formatShape(t.dims)}`;
    const mismatch = () => new MlwbError(`Input "${input.name}": expected ${expected}, got ${got}.`);
    if (t.type !== input.type || t.dims.length !== input.shape.length) throw mismatch();
    input.shape.forEach((d, axis) => {
      if (typeof d === 'number' && t.dims[axis] !== d) throw mismatch();
      if (typeof d === 'string') {
        const seen = symbols.get(d);
        if (seen && seen.value !== t.dims[axis]) {
          throw new MlwbError(`Input "${input.name}": dimension "${d}" is ${t.dims[axis]}, but input "${seen.input}" gave it ${seen.value}.`);
        }
        symbols.set(d, { value: t.dims[axis], input: input.name });
      }
    });
  }
  const extra = Object.keys(feeds).filter((k) => !inputs.some((i) => i.name === k));
  if (extra.length) throw new MlwbError(`The model has no input named ${extra.map((e) => `"${e}"`).join(', ')}.`, `Its inputs: ${inputs.map((i) => i.name).join(', ')}.`);
}

/**
 * Inputs of the right signature filled with pseudo-random values, for benchmarks. The first
 * axis, when dynamic, is the batch; every other dynamic dimension needs a value in `dims`.
 */
export function syntheticFeeds(inputs: readonly TensorSignature[], batch: number, dims: Record<string, number> = {}): Feeds {
  let seed = 12345;
  const random = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  const feeds: Feeds = {};
  for (const input of inputs) {
    const shape = input.shape.map((d, axis) => {
      if (typeof d === 'number') return d;
      const named = typeof d === 'string' ? dims[d] : undefined;
      if (named !== undefined) return named;
      if (axis === 0) return batch;
      throw new MlwbError(`Input "${input.name}" has dynamic dimension "${d ?? `#${axis}`}" with no value.`, `Give it one, e.g. --dim ${d ?? axis}=16.`);
    });
    const count = shape.reduce((n, v) => n * v, 1);
    if (input.type === 'string') {
      feeds[input.name] = { type: 'string', dims: shape, data: Array.from({ length: count }, () => 'x') };
      continue;
    }
    const floating = input.type.startsWith('float') || input.type === 'bfloat16';
    const values = Array.from({ length: count }, () => (floating ? random() : input.type === 'bool' ? Math.round(random()) : Math.floor(random() * 10)));
    feeds[input.name] = { type: input.type, dims: shape, data: typedArrayFor(input.type, values) };
  }
  return feeds;
}

export interface InputFileOptions {
  image?: ImageOptions;
  /** For tabular files: which columns feed a single 2-D input (default: every numeric column). */
  features?: string[];
}

/** Reads an input file by extension: .json, .npy, .npz, .csv, .jsonl, .png, .jpg. */
export async function loadInputFile(file: string, inputs: readonly TensorSignature[], options: InputFileOptions = {}): Promise<Feeds> {
  let bytes: Buffer;
  try {
    bytes = await fs.readFile(file);
  } catch {
    throw new MlwbError(`Input file not found: ${file}.`);
  }
  const name = path.basename(file);
  const ext = path.extname(file).toLowerCase();
  const only = (): TensorSignature => {
    if (inputs.length !== 1) throw new MlwbError(`${name} fills one input, but the model has ${inputs.length}.`, 'Use a .npz or .json keyed by input name.');
    return inputs[0];
  };
  switch (ext) {
    case '.json':
      return feedsFromJson(bytes.toString('utf8'), inputs, name);
    case '.npy':
      return { [only().name]: readNpy(bytes, name) };
    case '.npz':
      return readNpz(bytes, name);
    case '.csv':
      return tableFeeds(parseCsvBytes(bytes, name), inputs, options.features).feeds;
    case '.jsonl':
    case '.ndjson':
      return tableFeeds(parseJsonRows(bytes.toString('utf8'), name), inputs, options.features).feeds;
    case '.png':
    case '.jpg':
    case '.jpeg':
      return { [only().name]: imageTensor(bytes, only(), options.image, name) };
    default:
      throw new MlwbError(`Unsupported input file ${name}.`, 'Use .json, .npy, .npz, .csv, .jsonl, .png or .jpg.');
  }
}
