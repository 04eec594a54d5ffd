import { inflateRawSync } from 'node:zlib';
import { MlwbError } from '../../errors';
import type { HostTensor } from '../tensor';
import { readNpy } from './npy';

const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const CENTRAL_ENTRY = 0x02014b50;
const LOCAL_HEADER = 0x04034b50;
const STORED = 0;
const DEFLATED = 8;

/**
 * Reads a NumPy `.npz` (a zip of `.npy` files, from np.savez or np.savez_compressed) into
 * name → tensor. Only what numpy writes is supported: stored or deflated entries, no zip64.
 */
export function readNpz(bytes: Uint8Array, name = 'the .npz file'): Record<string, HostTensor> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let eocd = -1;
  for (let i = bytes.byteLength - 22; i >= Math.max(0, bytes.byteLength - 22 - 0xffff); i--) {
    if (view.getUint32(i, true) === END_OF_CENTRAL_DIRECTORY) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new MlwbError(`${name} is not a .npz (zip) file.`);
  const entries = view.getUint16(eocd + 10, true);
  let offset = view.getUint32(eocd + 16, true);
  if (offset === 0xffffffff) throw new MlwbError(`${name} is a zip64 archive, which is not supported.`, 'Save smaller arrays, or one .npy per input.');
  const text = (from: number, length: number) => Buffer.from(bytes.buffer, bytes.byteOffset + from, length).toString('utf8');
  const out: Record<string, HostTensor> = {};
  for (let e = 0; e < entries; e++) {
    if (view.getUint32(offset, true) !== CENTRAL_ENTRY) throw new MlwbError(`${name}: damaged zip directory.`);
    const method = view.getUint16(offset + 10, true);
    const compressedSize = view.getUint32(offset + 20, true);
    const nameLength = view.getUint16(offset + 28, true);
    const extraLength = view.getUint16(offset + 30, true);
    const commentLength = view.getUint16(offset + 32, true);
    const localOffset = view.getUint32(offset + 42, true);
    const entryName = text(offset + 46, nameLength);
    offset += 46 + nameLength + extraLength + commentLength;
    if (view.getUint32(localOffset, true) !== LOCAL_HEADER) throw new MlwbError(`${name}: damaged zip entry ${entryName}.`);
    const dataStart = localOffset + 30 + view.getUint16(localOffset + 26, true) + view.getUint16(localOffset + 28, true);
    const raw = bytes.subarray(dataStart, dataStart + compressedSize);
    let content: Uint8Array;
    if (method === STORED) content = raw;
    else if (method === DEFLATED) content = inflateRawSync(raw);
    else throw new MlwbError(`${name}: zip entry ${entryName} uses compression method ${method}.`, 'Use np.savez or np.savez_compressed.');
    if (entryName.endsWith('.npy')) out[entryName.slice(0, -4)] = readNpy(content, `${name}:${entryName}`);
  }
  return out;
}
