import { driftCoreRunner, InferenceModelRunner } from '../../core/regress/coreRunners';
import type { DriftRunner, ModelRunner } from '../../core/regress/ports';

export interface CorePorts {
  models: ModelRunner;
  drift: DriftRunner;
  /** Ends the inference process, if a test started it. */
  dispose(): void;
}

/**
 * The inference and drift cores as the regression tests reach them: the single place where they
 * are plugged in. Inference runs in its own process (started by the first model test), drift in
 * the drift core's worker threads.
 */
export function corePorts(): CorePorts {
  const models = new InferenceModelRunner();
  return { models, drift: driftCoreRunner, dispose: () => models.dispose() };
}
