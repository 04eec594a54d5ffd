import { MlwbError } from '../errors';
import type { MetricPoint } from '../store/types';

/**
 * Metrics read from a program's text output. Free of I/O: `mlwb run`, the extension's terminal
 * tracking and the endpoint's notebook output all feed it text and store what comes back.
 *
 * Built-in rules, applied to each complete line:
 * - a JSON object with a numeric `step` (or `epoch`): its other numeric fields are metrics;
 * - `key=value` / `key: value` pairs on a line that carries a step (`epoch 3 loss=0.21`,
 *   `Epoch 3/10 - loss: 0.21`, `step 100: loss=0.3`), or on the line right after a bare
 *   `Epoch 3/10` header (Keras);
 * - values may be `nan`, `inf`, `-inf` (any case); lines without a step are never metrics.
 *
 * Custom patterns (see `compilePattern`) are tried first; a line they match is not also read by
 * the built-in rules.
 */
export class OutputMetricParser {
  private readonly patterns: RegExp[];
  private buffer = '';
  /** The step announced by a bare `Epoch N/M` line, for the line after it. */
  private headerStep: number | null = null;
  /** Points seen per key, the step of custom-pattern matches that name none. */
  private readonly counts = new Map<string, number>();

  constructor(options: { patterns?: string[] } = {}) {
    this.patterns = (options.patterns ?? []).map(compilePattern);
  }

  /** Feeds output text in chunks of any size; returns the points of the lines it completed. */
  push(text: string, now = Date.now()): MetricPoint[] {
    this.buffer += text;
    const points: MetricPoint[] = [];
    let start = 0;
    for (;;) {
      const nl = this.buffer.indexOf('\n', start);
      if (nl < 0) break;
      this.parseLine(this.buffer.slice(start, nl), now, points);
      start = nl + 1;
    }
    this.buffer = this.buffer.slice(start);
    if (this.buffer.length > MAX_LINE_CHARS) this.buffer = lastRedraw(this.buffer).slice(-MAX_LINE_CHARS);
    return points;
  }

  /** The output ended: reads a last line that had no newline. */
  end(now = Date.now()): MetricPoint[] {
    const points: MetricPoint[] = [];
    if (this.buffer) this.parseLine(this.buffer, now, points);
    this.buffer = '';
    return points;
  }

  private parseLine(raw: string, now: number, out: MetricPoint[]): void {
    const line = lastRedraw(raw.endsWith('\r') ? raw.slice(0, -1) : raw).trim();
    if (!line) return;
    const add = (key: string, value: number, step: number) => {
      out.push({ key, value, step, timestamp: now });
      this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
    };
    if (this.patterns.length && this.parseCustom(line, add)) return;
    if (line.startsWith('{') && line.endsWith('}')) {
      this.parseJson(line, add);
      return;
    }
    const header = EPOCH_HEADER.exec(line);
    if (header) {
      this.headerStep = Number(header[1]);
      return;
    }
    const step = lineStep(line) ?? this.headerStep;
    this.headerStep = null;
    if (step === null) return;
    for (const m of line.matchAll(PAIR)) {
      if (STEP_KEYS.has(m[1].toLowerCase())) continue;
      add(m[1], parseValue(m[2])!, step);
    }
  }

  private parseCustom(line: string, add: (key: string, value: number, step: number) => void): boolean {
    let matched = false;
    for (const re of this.patterns) {
      for (const m of line.matchAll(re)) {
        const groups = m.groups ?? {};
        const stepText = groups.step;
        const explicitStep = stepText !== undefined ? parseValue(stepText) : null;
        const lineStepValue = explicitStep !== null && Number.isFinite(explicitStep) ? explicitStep : lineStep(line);
        const emit = (key: string, text: string | undefined) => {
          const value = text === undefined ? null : parseValue(text);
          if (!key || value === null) return;
          matched = true;
          add(key, value, lineStepValue ?? this.counts.get(key) ?? 0);
        };
        if (groups.key !== undefined) emit(groups.key, groups.value);
        for (const [name, text] of Object.entries(groups)) {
          if (name !== 'key' && name !== 'value' && name !== 'step') emit(name, text);
        }
      }
    }
    return matched;
  }

  private parseJson(line: string, add: (key: string, value: number, step: number) => void): void {
    let obj: unknown;
    try {
      // Python's json.dumps writes bare NaN / Infinity, which JSON.parse refuses.
      obj = JSON.parse(line.replace(/([:[,]\s*)(-?Infinity|NaN)(?=\s*[,}\]])/g, '$1"$2"'));
    } catch {
      return;
    }
    if (!obj || typeof obj !== 'object' || Array.isArray(obj)) return;
    const record = obj as Record<string, unknown>;
    const step = jsonNumber(record.step) ?? jsonNumber(record.epoch);
    if (step === null || !Number.isFinite(step)) return;
    for (const [key, v] of Object.entries(record)) {
      if (STEP_KEYS.has(key.toLowerCase())) continue;
      const value = jsonNumber(v);
      if (value !== null) add(key, value, step);
    }
  }
}

/** Longer partial lines are progress-bar noise or binary output, not metrics: keep only their end. */
const MAX_LINE_CHARS = 256 * 1024;

const STEP_KEYS = new Set(['step', 'epoch', 'iter', 'iteration', 'global_step']);
const VALUE = String.raw`[+-]?(?:\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?|nan|inf(?:inity)?)`;
/** `key=value` or `key: value`, the value ending at whitespace or a separator (so `12:30:01` is no value). */
const PAIR = new RegExp(String.raw`(?<![\w./-])([A-Za-z_][\w./-]*)\s*(?:=|:)\s*(${VALUE})(?=$|[\s,;|)\]}])`, 'gi');
const STEP_ON_LINE = /(?<![\w.])(step|epoch|iter(?:ation)?|global_step)\s*[:=#]?\s*\[?(\d+)(?:\s*\/\s*\d+)?(?![\w.])/gi;
const EPOCH_HEADER = /^epoch\s+(\d+)(?:\s*\/\s*\d+)?:?$/i;

/** The line's step: `step` wins over `epoch`, which wins over `iter`. */
function lineStep(line: string): number | null {
  let best: { rank: number; value: number } | null = null;
  for (const m of line.matchAll(STEP_ON_LINE)) {
    const name = m[1].toLowerCase();
    const rank = name === 'step' || name === 'global_step' ? 0 : name === 'epoch' ? 1 : 2;
    if (!best || rank < best.rank) best = { rank, value: Number(m[2]) };
  }
  return best?.value ?? null;
}

/** What a carriage-return progress bar finally shows: the text after the last `\r`. */
function lastRedraw(text: string): string {
  const cr = text.lastIndexOf('\r');
  return cr < 0 ? text : text.slice(cr + 1);
}

function parseValue(text: string): number | null {
  const t = text.trim().toLowerCase();
  if (t === 'nan' || t === '+nan' || t === '-nan') return NaN;
  if (/^\+?inf(inity)?$/.test(t)) return Infinity;
  if (/^-inf(inity)?$/.test(t)) return -Infinity;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/.test(t)) return null;
  return Number(t);
}

function jsonNumber(v: unknown): number | null {
  if (typeof v === 'number') return v;
  if (v === 'NaN' || v === 'Infinity' || v === '-Infinity') return Number(v);
  return null;
}

/**
 * A user pattern: a JavaScript regular expression with named groups, matched against every
 * complete output line (all matches per line). `(?<key>…)` + `(?<value>…)` give a metric named by
 * the text of `key`; any other named group is a metric named after the group (`(?<loss>[\d.]+)`);
 * `(?<step>…)` gives the step. Without a step group the step comes from the line (`epoch 3 …`),
 * and otherwise counts the key's points (0, 1, 2, …).
 */
export function compilePattern(source: string): RegExp {
  let re: RegExp;
  try {
    re = new RegExp(source, 'g');
  } catch (err) {
    throw new MlwbError(`Invalid metric pattern ${JSON.stringify(source)}: ${(err as Error).message}.`, undefined, 2);
  }
  const names = [...source.matchAll(/\(\?<([A-Za-z_$][\w$]*)>/g)].map((m) => m[1]);
  const metricNames = names.filter((n) => n !== 'step' && n !== 'key' && n !== 'value');
  const keyed = names.includes('key') && names.includes('value');
  if (!keyed && metricNames.length === 0) {
    throw new MlwbError(`Metric pattern ${JSON.stringify(source)} names no metric.`,
      'Use (?<key>…) with (?<value>…), or a group named after the metric, e.g. loss=(?<loss>\\S+).', 2);
  }
  if (re.test('')) throw new MlwbError(`Metric pattern ${JSON.stringify(source)} matches empty text.`, undefined, 2);
  return re;
}

/** Patterns from `MLWB_METRIC_PATTERNS`: a JSON array of strings. */
export function patternsFromEnv(env: NodeJS.ProcessEnv): string[] {
  const raw = env.MLWB_METRIC_PATTERNS;
  if (!raw) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    parsed = undefined;
  }
  if (!Array.isArray(parsed) || !parsed.every((p) => typeof p === 'string')) {
    throw new MlwbError('MLWB_METRIC_PATTERNS must be a JSON array of regular expressions (strings).', undefined, 2);
  }
  return parsed;
}
