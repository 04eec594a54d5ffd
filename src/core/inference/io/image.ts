import * as jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { MlwbError } from '../../errors';
import type { TensorSignature } from '../modelInfo';
import type { HostTensor } from '../tensor';
import { imageLayout } from './imageOptions';

export interface ImageOptions {
  /** Target size; by default the input's fixed height/width. */
  width?: number;
  height?: number;
  /** Per-channel mean and std applied after scaling pixels to [0, 1] (ImageNet's are common). */
  mean?: number[];
  std?: number[];
}

interface Rgba {
  width: number;
  height: number;
  data: Uint8Array;
}

function decode(bytes: Uint8Array, name: string): Rgba {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  try {
    if (buffer.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return PNG.sync.read(buffer);
    if (buffer[0] === 0xff && buffer[1] === 0xd8) return jpeg.decode(buffer, { useTArray: true, formatAsRGBA: true });
  } catch (err) {
    throw new MlwbError(`${name} could not be decoded (${(err as Error).message}).`);
  }
  throw new MlwbError(`${name} is neither PNG nor JPEG.`);
}

/** Bilinear sample of channel c at (x, y) in source pixel coordinates. */
function sample(img: Rgba, x: number, y: number, c: number): number {
  const x0 = Math.max(0, Math.min(img.width - 1, Math.floor(x)));
  const y0 = Math.max(0, Math.min(img.height - 1, Math.floor(y)));
  const x1 = Math.min(img.width - 1, x0 + 1);
  const y1 = Math.min(img.height - 1, y0 + 1);
  const fx = Math.max(0, Math.min(1, x - x0));
  const fy = Math.max(0, Math.min(1, y - y0));
  const at = (xx: number, yy: number) => img.data[(yy * img.width + xx) * 4 + c];
  return (at(x0, y0) * (1 - fx) + at(x1, y0) * fx) * (1 - fy) + (at(x0, y1) * (1 - fx) + at(x1, y1) * fx) * fy;
}

/**
 * A PNG/JPEG as a float32 batch of one for an image input: NCHW when the input's second
 * dimension is 1 or 3 channels, NHWC when its last one is; resized (bilinear) and normalised.
 */
export function imageTensor(bytes: Uint8Array, input: TensorSignature, options: ImageOptions = {}, name = 'the image'): HostTensor {
  if (input.shape.length !== 4) throw new MlwbError(`Input "${input.name}" has shape [${input.shape.join(', ')}]: an image needs a 4-D input.`);
  const layout = imageLayout(input.shape);
  const { nchw, channels } = layout;
  if (channels !== 1 && channels !== 3) throw new MlwbError(`Input "${input.name}" has no 1- or 3-channel axis (shape [${input.shape.join(', ')}]).`);
  const height = options.height ?? layout.height;
  const width = options.width ?? layout.width;
  if (!height || !width) throw new MlwbError(`Input "${input.name}" has a dynamic image size.`, 'Give the size to resize to (width and height).');
  const img = decode(bytes, name);
  const mean = options.mean ?? [0, 0, 0];
  const std = options.std ?? [1, 1, 1];
  const data = new Float32Array(channels * height * width);
  const sx = img.width / width;
  const sy = img.height / height;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const srcX = (x + 0.5) * sx - 0.5;
      const srcY = (y + 0.5) * sy - 0.5;
      const rgb = [0, 1, 2].map((c) => sample(img, srcX, srcY, c) / 255);
      const values = channels === 1 ? [0.299 * rgb[0] + 0.587 * rgb[1] + 0.114 * rgb[2]] : rgb;
      values.forEach((v, c) => {
        const index = nchw ? (c * height + y) * width + x : (y * width + x) * channels + c;
        data[index] = (v - mean[c]) / std[c];
      });
    }
  }
  return { type: 'float32', dims: nchw ? [1, channels, height, width] : [1, height, width, channels], data };
}
