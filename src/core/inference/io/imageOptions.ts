import { MlwbError } from '../../errors';
import type { ImageOptions } from './image';

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
