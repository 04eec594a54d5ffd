import { MlwbError } from '../../errors';
import type { TensorSignature } from '../modelInfo';
import type { ImageOptions } from './image';

export interface ImageLayout {
  /** Channels second (NCHW) when that dimension is 1 or 3, else last (NHWC). */
  nchw: boolean;
  channels: number;
  /** The input's own size, when fixed. */
  height?: number;
  width?: number;
}

/** How a 4-D image input lays out its pixels: for the decoder, and for the model page's size field. */
export function imageLayout(shape: TensorSignature['shape']): ImageLayout {
  const nchw = shape[1] === 1 || shape[1] === 3;
  const fixed = (d: unknown) => (typeof d === 'number' ? d : undefined);
  return {
    nchw,
    channels: Number(nchw ? shape[1] : shape[3]),
    height: fixed(nchw ? shape[2] : shape[1]),
    width: fixed(nchw ? shape[3] : shape[2]),
  };
}

/** Image preprocessing as typed by a user: `224x224`, `0.485,0.456,0.406`; blank means the default. */
export interface ImageOptionText {
  size?: string;
  mean?: string;
  std?: string;
}

/**
 * Parses the size (WIDTHxHEIGHT) and the per-channel mean and std (three numbers each) that
 * `mlwb model run` and the model page's Try It take. `names` is what the user knows each field
 * as (`--size`, or "Image size" on the page), for the error.
 */
export function parseImageOptions(text: ImageOptionText, names: Required<Record<keyof ImageOptionText, string>>, hint?: string, exitCode?: number): ImageOptions {
  const given = (v: string | undefined) => (v === undefined || v.trim() === '' ? undefined : v.trim());
  const triple = (field: 'mean' | 'std') => {
    const v = given(text[field]);
    if (v === undefined) return undefined;
    const n = v.split(',').map((s) => (s.trim() === '' ? NaN : Number(s)));
    if (n.length !== 3 || n.some((x) => !Number.isFinite(x))) throw new MlwbError(`${names[field]} takes three numbers, e.g. 0.5,0.5,0.5; got "${v}".`, hint, exitCode);
    if (field === 'std' && n.some((x) => x === 0)) throw new MlwbError(`${names.std} cannot be 0: pixels are divided by it.`, hint, exitCode);
    return n;
  };
  const size = given(text.size);
  const m = size === undefined ? undefined : /^(\d+)\s*[x×]\s*(\d+)$/i.exec(size);
  if (size !== undefined && (!m || Number(m[1]) === 0 || Number(m[2]) === 0)) {
    throw new MlwbError(`${names.size} takes WIDTHxHEIGHT, e.g. 224x224; got "${size}".`, hint, exitCode);
  }
  return { width: m ? Number(m[1]) : undefined, height: m ? Number(m[2]) : undefined, mean: triple('mean'), std: triple('std') };
}
