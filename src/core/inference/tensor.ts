import type { TypedArray } from './elementTypes';

/**
 * A tensor as it travels between mlwb's processes and files: element type (onnxruntime's names),
 * dimensions, and the data in row-major order. Structured-clone friendly (IPC, worker messages).
 */
export interface HostTensor {
  type: string;
  dims: number[];
  data: TypedArray | string[];
}

export type Feeds = Record<string, HostTensor>;

export const elementCount = (dims: readonly number[]): number => dims.reduce((n, d) => n * d, 1);

/** Plain numbers (bigints made numbers) for JSON output and metrics. */
export function toNumbers(t: HostTensor): number[] {
  return Array.from(t.data as ArrayLike<number | bigint | string>, (v) => (typeof v === 'bigint' ? Number(v) : Number(v)));
}

/** The tensor as nested arrays, as `model run --json` prints it. */
export function toNested(t: HostTensor): unknown {
  const flat = t.type === 'string' ? (t.data as string[]) : toNumbers(t);
  if (t.dims.length === 0) return flat[0];
  const build = (axis: number, offset: number): unknown[] => {
    const size = t.dims[axis];
    const stride = elementCount(t.dims.slice(axis + 1));
    return Array.from({ length: size }, (_, i) =>
      axis === t.dims.length - 1 ? flat[offset + i] : build(axis + 1, offset + i * stride));
  };
  return build(0, 0);
}

/** Rows [from, to) of a tensor along its first axis. */
export function sliceRows(t: HostTensor, from: number, to: number): HostTensor {
  const stride = elementCount(t.dims.slice(1));
  return { type: t.type, dims: [to - from, ...t.dims.slice(1)], data: t.data.slice(from * stride, to * stride) as TypedArray | string[] };
}

/** `count` copies of row 0 (or of the whole tensor when it has no batch axis to repeat). */
export function repeatRows(t: HostTensor, count: number): HostTensor {
  const stride = elementCount(t.dims.slice(1));
  const Ctor = (t.data as TypedArray).constructor as new (n: number) => TypedArray;
  const data = t.type === 'string' ? new Array<string>(count * stride) : new Ctor(count * stride);
  for (let r = 0; r < count; r++) {
    for (let i = 0; i < stride; i++) (data as unknown as unknown[])[r * stride + i] = (t.data as unknown as unknown[])[i];
  }
  return { type: t.type, dims: [count, ...t.dims.slice(1)], data };
}
