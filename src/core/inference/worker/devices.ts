import * as ort from 'onnxruntime-node';
import { onnx } from 'onnx-proto';
import { deviceFailureReason } from './sessions';

export interface DeviceStatus {
  name: string;
  available: boolean;
  reason?: string;
}

/** A one-node model (y = x + x) built in memory: enough to make each provider initialise for real. */
function tinyModel(): Uint8Array {
  const tensor = { elemType: 1, shape: { dim: [{ dimValue: 1 }, { dimValue: 4 }] } };
  return onnx.ModelProto.encode({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 17 }],
    producerName: 'mlwb device probe',
    graph: {
      name: 'probe',
      node: [{ opType: 'Add', input: ['x', 'x'], output: ['y'] }],
      input: [{ name: 'x', type: { tensorType: tensor } }],
      output: [{ name: 'y', type: { tensorType: tensor } }],
    },
  }).finish();
}

/**
 * The execution providers this build of onnxruntime-node lists, each tried with a real session
 * and one inference: whether it works here, and if not, why in one line.
 */
export async function probeDevices(): Promise<DeviceStatus[]> {
  const model = tinyModel();
  const out: DeviceStatus[] = [];
  for (const backend of ort.listSupportedBackends()) {
    const name = backend.name;
    if (!backend.bundled) {
      out.push({ name, available: false, reason: `not bundled with this build of onnxruntime-node (${name.toUpperCase()} libraries not installed)` });
      continue;
    }
    try {
      const session = await ort.InferenceSession.create(model, { executionProviders: [name] });
      await session.run({ x: new ort.Tensor('float32', new Float32Array(4), [1, 4]) });
      await session.release();
      out.push({ name, available: true });
    } catch (err) {
      out.push({ name, available: false, reason: deviceFailureReason(name, (err as Error).message) });
    }
  }
  return out;
}
