// Whether a metric is better when lower or higher, read from its name: losses, errors, distances
// and costs (time, latency, memory) go down; accuracy-like scores go up.
export type MetricDirection = 'min' | 'max';

const LOWER_IS_BETTER = /(^|[^a-z])(loss|err|error|errors|mse|rmse|mae|mape|nll|perplexity|ppl|wer|cer|fid|latency|time|duration|seconds|ms|memory|mem|cost|distance|regret|kl|divergence)([^a-z]|$)|loss|error/i;

export function metricDirection(key: string): MetricDirection {
  return LOWER_IS_BETTER.test(key) ? 'min' : 'max';
}
