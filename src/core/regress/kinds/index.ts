// Every test kind, by the name written in `kind:`.
import { baselineKind } from './baseline';
import { dataInvariantsKind } from './dataInvariants';
import { driftGateKind } from './driftGate';
import { goldenOutputsKind } from './goldenOutputs';
import type { Kind } from './kind';
import { latencyKind } from './latency';
import { metricKind } from './metric';
import { modelQualityKind } from './modelQuality';
import { reproducibleTrainingKind } from './reproducibleTraining';

export const KINDS: ReadonlyMap<string, Kind<unknown>> = new Map(
  ([metricKind, baselineKind, modelQualityKind, goldenOutputsKind, latencyKind, dataInvariantsKind, driftGateKind, reproducibleTrainingKind] as Kind<never>[])
    .map((k) => [k.name, k as unknown as Kind<unknown>]),
);
