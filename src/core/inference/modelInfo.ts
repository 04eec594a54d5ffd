import { createHash } from 'node:crypto';
import { onnx } from 'onnx-proto';
import { MlwbError } from '../errors';
import { ELEMENT_BYTES, elementTypeName } from './elementTypes';

/** One dimension: a size, a symbolic name (e.g. "batch"), or null when the model says nothing. */
export type Dim = number | string | null;

export interface TensorSignature {
  name: string;
  type: string;
  shape: Dim[];
}

/** What `mlwb model info --json` prints; the first six names are the CLI's JSON contract. */
export interface ModelInfo {
  inputs: TensorSignature[];
  outputs: TensorSignature[];
  /** Operator-set domain ("" is the default ONNX domain, shown as "ai.onnx") → version. */
  opsets: Record<string, number>;
  producer: string;
  metadata: Record<string, string>;
  sha256: string;
  bytes: number;
  irVersion: number;
  graphName: string;
  nodeCount: number;
  /** Node count per operator type, most used first. */
  operators: Record<string, number>;
  /** Elements in the initializers (weights and biases). */
  parameterCount: number;
  parameterBytes: number;
  /** Class labels from the metadata (`class_labels` / `labels` as a JSON array or comma list). */
  classLabels: string[] | null;
}

const toNumber = (v: number | { toNumber(): number } | null | undefined): number =>
  v == null ? 0 : typeof v === 'number' ? v : v.toNumber();

function signature(value: onnx.IValueInfoProto): TensorSignature {
  const tensor = value.type?.tensorType;
  const dims = tensor?.shape?.dim ?? [];
  return {
    name: value.name ?? '',
    type: tensor ? elementTypeName(tensor.elemType) : 'non-tensor',
    shape: dims.map((d) => (d.dimParam ? d.dimParam : d.dimValue != null && toNumber(d.dimValue) > 0 ? toNumber(d.dimValue) : null)),
  };
}

/** Reads an ONNX model's structure from its bytes, without running it. */
export function inspectModel(bytes: Uint8Array, fileName = 'the file'): ModelInfo {
  let model: onnx.ModelProto;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (err) {
    throw new MlwbError(`${fileName} is not an ONNX model (${(err as Error).message}).`, 'Export it with torch.onnx.export, tf2onnx or skl2onnx.');
  }
  const graph = model.graph;
  if (!graph || toNumber(model.irVersion) <= 0 || model.opsetImport.length === 0) {
    throw new MlwbError(`${fileName} is not an ONNX model (no graph, IR version or opset).`, 'Export it with torch.onnx.export, tf2onnx or skl2onnx.');
  }
  const initializers = graph.initializer ?? [];
  const nodes = graph.node ?? [];
  const initializerNames = new Set(initializers.map((t) => t.name));
  const operators: Record<string, number> = {};
  for (const node of nodes) {
    const op = node.domain ? `${node.domain}.${node.opType}` : node.opType ?? '?';
    operators[op] = (operators[op] ?? 0) + 1;
  }
  let parameterCount = 0;
  let parameterBytes = 0;
  for (const t of initializers) {
    const count = (t.dims ?? []).reduce((n: number, d) => n * toNumber(d), 1);
    parameterCount += count;
    parameterBytes += count * (ELEMENT_BYTES[elementTypeName(t.dataType)] ?? 0);
  }
  const metadata = Object.fromEntries(model.metadataProps.map((p) => [p.key ?? '', p.value ?? '']));
  const opsets = Object.fromEntries(model.opsetImport.map((o) => [o.domain || 'ai.onnx', toNumber(o.version)]));
  return {
    // Old exporters list initializers among the inputs too; they are not something a caller feeds.
    inputs: (graph.input ?? []).filter((i) => !initializerNames.has(i.name ?? '')).map(signature),
    outputs: (graph.output ?? []).map(signature),
    opsets,
    producer: [model.producerName, model.producerVersion].filter(Boolean).join(' '),
    metadata,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    bytes: bytes.byteLength,
    irVersion: toNumber(model.irVersion),
    graphName: graph.name ?? '',
    nodeCount: nodes.length,
    operators: Object.fromEntries(Object.entries(operators).sort((a, b) => b[1] - a[1])),
    parameterCount,
    parameterBytes,
    classLabels: classLabels(metadata),
  };
}

function classLabels(metadata: Record<string, string>): string[] | null {
  const raw = metadata.class_labels ?? metadata.labels ?? metadata.classes;
  if (!raw) return null;
  try {
    const parsed: unknown = JSON.parse(raw);
    if (Array.isArray(parsed)) return parsed.map(String);
  } catch {
    // not JSON: a comma-separated list
  }
  return raw.split(',').map((s) => s.trim());
}
