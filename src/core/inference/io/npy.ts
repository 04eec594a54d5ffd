import { MlwbError } from '../../errors';
import type { TypedArray } from '../elementTypes';
import type { HostTensor } from '../tensor';

const MAGIC = '\x93NUMPY';

/** NumPy dtype descriptors (little-endian or byte-order-free) ↔ onnxruntime element types. */
const DESCR_TO_TYPE: Record<string, string> = {
  '<f4': 'float32', '<f8': 'float64', '<i8': 'int64', '<i4': 'int32', '<i2': 'int16', '|i1': 'int8',
  '|u1': 'uint8', '<u2': 'uint16', '<u4': 'uint32', '<u8': 'uint64', '|b1': 'bool',
};
const TYPE_TO_DESCR = Object.fromEntries(Object.entries(DESCR_TO_TYPE).map(([d, t]) => [t, d]));

const ARRAYS: Record<string, new (buffer: ArrayBuffer, offset: number, length: number) => TypedArray> = {
  float32: Float32Array, float64: Float64Array, int64: BigInt64Array, int32: Int32Array, int16: Int16Array,
  int8: Int8Array, uint8: Uint8Array, uint16: Uint16Array, uint32: Uint32Array, uint64: BigUint64Array, bool: Uint8Array,
};

/** Reads a `.npy` file (format 1.0–3.0, C order, little-endian). */
export function readNpy(bytes: Uint8Array, name = 'the .npy file'): HostTensor {
  const text = (from: number, to: number) => Buffer.from(bytes.buffer, bytes.byteOffset + from, to - from).toString('latin1');
  if (bytes.byteLength < 10 || text(0, 6) !== MAGIC) throw new MlwbError(`${name} is not a NumPy .npy file (no \\x93NUMPY header).`);
  const major = bytes[6];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const headerStart = major === 1 ? 10 : 12;
  const header = text(headerStart, headerStart + headerLength);
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order':\s*True/.test(header);
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  if (!descr || shapeText === undefined) throw new MlwbError(`${name}: unreadable .npy header "${header.trim()}".`);
  const unicode = /^[<|=]U(\d+)$/.exec(descr);
  const type = unicode ? 'string' : DESCR_TO_TYPE[descr.replace(/^=/, '<')];
  if (!type) throw new MlwbError(`${name}: NumPy dtype ${descr} is not supported.`, 'Save float32/float64/int/uint/bool or str arrays in little-endian order (arr.astype("<f4")).');
  if (fortran) throw new MlwbError(`${name} is stored in Fortran order.`, 'Save np.ascontiguousarray(arr) instead.');
  const dims = shapeText.split(',').map((s) => s.trim()).filter(Boolean).map(Number);
  const count = dims.reduce((n, d) => n * d, 1);
  const dataStart = headerStart + headerLength;
  const width = unicode ? 4 * Number(unicode[1]) : type === 'bool' ? 1 : ARRAYS[type].prototype.BYTES_PER_ELEMENT as number;
  if (bytes.byteLength - dataStart < count * width) throw new MlwbError(`${name} is truncated: its header promises ${count} elements.`);
  if (unicode) return { type, dims, data: decodeUtf32(bytes.subarray(dataStart, dataStart + count * width), count, width / 4) };
  // Copy so the array is aligned whatever the header length.
  const copy = new Uint8Array(count * width);
  copy.set(bytes.subarray(dataStart, dataStart + count * width));
  return { type, dims, data: new ARRAYS[type](copy.buffer, 0, count) };
}

/**
 * NumPy's `<Un` strings: n UTF-32LE code points each, padded with zeros. A column of labels
 * repeats a few values, so each distinct one is decoded once (looked up by its bytes).
 */
function decodeUtf32(bytes: Uint8Array, count: number, chars: number): string[] {
  const seen = new Map<string, string>();
  const out = new Array<string>(count);
  const size = 4 * chars;
  for (let e = 0; e < count; e++) {
    const item = Buffer.from(bytes.buffer, bytes.byteOffset + e * size, size);
    const key = item.toString('latin1');
    let text = seen.get(key);
    if (text === undefined) {
      const points: number[] = [];
      for (let c = 0; c < chars; c++) {
        const point = item.readUInt32LE(4 * c);
        if (point === 0) break;
        points.push(point);
      }
      text = String.fromCodePoint(...points);
      seen.set(key, text);
    }
    out[e] = text;
  }
  return out;
}

/** Writes a `.npy` (format 1.0; the header padded so data starts on a 64-byte boundary). */
export function writeNpy(t: HostTensor): Buffer {
  const descr = TYPE_TO_DESCR[t.type];
  if (!descr || Array.isArray(t.data)) throw new MlwbError(`Cannot write a ${t.type} tensor as .npy.`);
  const shape = t.dims.length === 1 ? `(${t.dims[0]},)` : `(${t.dims.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shape}, }`;
  const total = 10 + header.length + 1;
  header += ' '.repeat((64 - (total % 64)) % 64) + '\n';
  const prefix = Buffer.alloc(10);
  prefix.write(MAGIC, 0, 'latin1');
  prefix[6] = 1;
  prefix[7] = 0;
  prefix.writeUInt16LE(header.length, 8);
  const data = t.data as TypedArray;
  return Buffer.concat([prefix, Buffer.from(header, 'latin1'), Buffer.from(data.buffer, data.byteOffset, data.byteLength)]);
}
