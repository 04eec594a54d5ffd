/** ONNX TensorProto.DataType codes → the element type names onnxruntime uses. */
const ONNX_ELEMENT_TYPES: Record<number, string> = {
  1: 'float32',
  2: 'uint8',
  3: 'int8',
  4: 'uint16',
  5: 'int16',
  6: 'int32',
  7: 'int64',
  8: 'string',
  9: 'bool',
  10: 'float16',
  11: 'float64',
  12: 'uint32',
  13: 'uint64',
  16: 'bfloat16',
};

/** Bytes per element, for size and parameter accounting (strings count as one element each). */
export const ELEMENT_BYTES: Record<string, number> = {
  float32: 4, uint8: 1, int8: 1, uint16: 2, int16: 2, int32: 4, int64: 8, bool: 1,
  float16: 2, float64: 8, uint32: 4, uint64: 8, bfloat16: 2,
};

export function elementTypeName(code: number | null | undefined): string {
  return (code != null && ONNX_ELEMENT_TYPES[code]) || `unknown(${code ?? '?'})`;
}

/** Element types that can be filled from JSON/CSV numbers. */
export const NUMERIC_TYPES = new Set(['float32', 'float64', 'int8', 'uint8', 'int16', 'uint16', 'int32', 'uint32', 'int64', 'uint64', 'bool']);

export type TypedArray = Float32Array | Float64Array | Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array | BigInt64Array | BigUint64Array;

/** A typed array of `type` holding `values` (numbers; int64 ones become bigints). */
export function typedArrayFor(type: string, values: ArrayLike<number> | number): TypedArray {
  const length = typeof values === 'number' ? values : values.length;
  let out: TypedArray;
  switch (type) {
    case 'float32': out = new Float32Array(length); break;
    case 'float64': out = new Float64Array(length); break;
    case 'int8': out = new Int8Array(length); break;
    case 'uint8': case 'bool': out = new Uint8Array(length); break;
    case 'int16': out = new Int16Array(length); break;
    case 'uint16': out = new Uint16Array(length); break;
    case 'int32': out = new Int32Array(length); break;
    case 'uint32': out = new Uint32Array(length); break;
    case 'int64': out = new BigInt64Array(length); break;
    case 'uint64': out = new BigUint64Array(length); break;
    default: throw new Error(`no typed array for ${type}`);
  }
  if (typeof values !== 'number') {
    if (out instanceof BigInt64Array || out instanceof BigUint64Array) {
      for (let i = 0; i < length; i++) out[i] = BigInt(Math.round(values[i]));
    } else (out as Float64Array).set(values);
  }
  return out;
}
