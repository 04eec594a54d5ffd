import { MlwbError } from '../../errors';
import { typedArrayFor } from '../elementTypes';
import type { TensorSignature } from '../modelInfo';
import type { Feeds, HostTensor } from '../tensor';

/** Nested JSON arrays → a tensor of the input's element type; ragged arrays are refused. */
export function tensorFromNested(value: unknown, input: TensorSignature): HostTensor {
  const dims: number[] = [];
  for (let v = value; Array.isArray(v); v = v[0]) dims.push(v.length);
  const flat: unknown[] = [];
  const walk = (v: unknown, depth: number): void => {
    if (depth === dims.length) {
      flat.push(v);
      return;
    }
    if (!Array.isArray(v) || v.length !== dims[depth]) {
      throw new MlwbError(`Input "${input.name}": the JSON array is ragged at depth ${depth} (expected ${dims[depth]} items).`);
    }
    for (const item of v) walk(item, depth + 1);
  };
  walk(value, 0);
  if (input.type === 'string') return { type: 'string', dims, data: flat.map(String) };
  const numbers = flat.map((v) => (typeof v === 'boolean' ? Number(v) : v));
  const bad = numbers.findIndex((v) => typeof v !== 'number');
  if (bad >= 0) throw new MlwbError(`Input "${input.name}" is ${input.type}, but the JSON holds ${JSON.stringify(numbers[bad])}.`);
  return { type: input.type, dims, data: typedArrayFor(input.type, numbers as number[]) };
}

/**
 * Feeds from JSON: `{"inputName": [[…]], …}`, or a bare nested array for a model with one input.
 */
export function feedsFromJson(text: string, inputs: readonly TensorSignature[], name = 'the JSON input'): Feeds {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new MlwbError(`${name} is not valid JSON (${(err as Error).message}).`);
  }
  if (Array.isArray(parsed) || typeof parsed === 'number') {
    if (inputs.length !== 1) {
      throw new MlwbError(`The model has ${inputs.length} inputs (${inputs.map((i) => i.name).join(', ')}); a bare array fills only one.`, 'Give an object keyed by input name.');
    }
    return { [inputs[0].name]: tensorFromNested(parsed, inputs[0]) };
  }
  if (!parsed || typeof parsed !== 'object') throw new MlwbError(`${name} must be an array or an object keyed by input name.`);
  const byName = parsed as Record<string, unknown>;
  const feeds: Feeds = {};
  for (const input of inputs) {
    if (!(input.name in byName)) throw new MlwbError(`${name} has no value for input "${input.name}".`, `It has: ${Object.keys(byName).join(', ') || 'nothing'}.`);
    feeds[input.name] = tensorFromNested(byName[input.name], input);
  }
  return feeds;
}
