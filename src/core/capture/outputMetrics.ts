import { MlwbError } from '../errors';
import type { MetricPoint } from '../store/types';
import { parseProgressBar, parsePythonDict } from './progressBars';

/**
 * Metrics read from a program's text output. Free of I/O: `mlwb run`, the extension's terminal
 * tracking and the endpoint's notebook output all feed it text and store what comes back.
 *
 * Built-in rules, applied to each complete line:
 * - a JSON object (or a Python dict, as Hugging Face Trainer prints) with a numeric `step` (or
 *   `epoch`): its other numeric fields are metrics;
 * - tqdm / PyTorch Lightning progress bars with metrics in their postfix: one point per bar
 *   position, the last redraw at that position winning (`\r` redraws are not points of their own);
 * - `key=value` / `key: value` pairs on a line that carries a step (`epoch 3 loss=0.21`,
 *   `Epoch 3/10 - loss: 0.21`, `step 100: loss=0.3`), or on the line right after a bare
 *   `Epoch 3/10` header (Keras);
 * - values may be `nan`, `inf`, `-inf` (any case); lines without a step are never metrics;
 * - colour and other terminal escape sequences are ignored.
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
  /** The latest progress-bar point per key: a redraw at the same position replaces it. */
  private readonly heldBar = new Map<string, MetricPoint>();
  /** How far into `buffer` (a line not ended yet) the `\r` redraws have been read. */
  private redrawsRead = 0;

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
      this.parseLine(this.buffer.slice(start, nl), this.redrawsRead, now, points);
      this.redrawsRead = 0;
      start = nl + 1;
    }
    this.buffer = this.buffer.slice(start);
    this.readRedraws(now, points);
    if (this.buffer.length > MAX_LINE_CHARS) {
      this.buffer = lastRedraw(this.buffer).slice(-MAX_LINE_CHARS);
      this.redrawsRead = 0;
    }
    return points;
  }

  /** The output ended: reads a last line that had no newline. */
  end(now = Date.now()): MetricPoint[] {
    const points: MetricPoint[] = [];
    if (this.buffer) this.parseLine(this.buffer, this.redrawsRead, now, points);
    this.buffer = '';
    this.redrawsRead = 0;
    this.releaseBars(points);
    return points;
  }

  /** Progress-bar redraws of the line still open (each complete once a `\r` follows it), read as they come. */
  private readRedraws(now: number, out: MetricPoint[]): void {
    for (;;) {
      const cr = this.buffer.indexOf('\r', this.redrawsRead);
      if (cr < 0 || cr === this.buffer.length - 1) return; // a last `\r` may be half of `\r\n`
      this.parseBar(stripEscapes(this.buffer.slice(this.redrawsRead, cr)).trim(), now, out);
      this.redrawsRead = cr + 1;
    }
  }

  /** A complete line: its progress-bar redraws each count; of anything else only the final redraw. */
  private parseLine(raw: string, from: number, now: number, out: MetricPoint[]): void {
    const redraws = stripEscapes(raw.slice(from)).split('\r').map((r) => r.trim()).filter(Boolean);
    const last = redraws.pop();
    for (const r of redraws) this.parseBar(r, now, out);
    if (last === undefined || this.parseBar(last, now, out)) return;
    this.releaseBars(out);
    this.parseText(last, now, out);
  }

  private parseBar(line: string, now: number, out: MetricPoint[]): boolean {
    const bar = line ? parseProgressBar(line) : null;
    if (!bar) return false;
    for (const [key, text] of bar.pairs) {
      const value = parseValue(text);
      if (value === null) continue;
      const held = this.heldBar.get(key);
      if (held && held.step !== bar.step) out.push(held);
      this.heldBar.set(key, { key, value, step: bar.step, timestamp: now });
    }
    return true;
  }

  /** Another kind of line follows the bar (or the output ended): the bar's last points are final. */
  private releaseBars(out: MetricPoint[]): void {
    for (const p of this.heldBar.values()) {
      out.push(p);
      this.counts.set(p.key, (this.counts.get(p.key) ?? 0) + 1);
    }
    this.heldBar.clear();
  }

  private parseText(line: string, now: number, out: MetricPoint[]): void {
    const add = (key: string, value: number, step: number) => {
      out.push({ key, value, step, timestamp: now });
      this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
    };
    if (this.patterns.length && this.parseCustom(line, add)) return;
    if (line.startsWith('{') && line.endsWith('}')) {
      this.parseRecord(line, add);
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

  /** A JSON line, or a Python dict (Hugging Face Trainer), with a step, global step or epoch. */
  private parseRecord(line: string, add: (key: string, value: number, step: number) => void): void {
    let record: Record<string, unknown> | null = null;
    try {
      // Python's json.dumps writes bare NaN / Infinity, which JSON.parse refuses.
      const obj: unknown = JSON.parse(line.replace(/([:[,]\s*)(-?Infinity|NaN)(?=\s*[,}\]])/g, '$1"$2"'));
      if (obj && typeof obj === 'object' && !Array.isArray(obj)) record = obj as Record<string, unknown>;
    } catch {
      record = parsePythonDict(line);
    }
    if (!record) return;
    const step = jsonNumber(record.step) ?? jsonNumber(record.global_step) ?? jsonNumber(record.epoch);
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

/** CSI (colours, cursor moves), OSC (titles, shell integration), other escapes, stray C0 controls except `\t` and `\r`. */
const ESCAPES = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]|[\x00-\x08\x0b\x0c\x0e-\x1a\x1c-\x1f\x7f]/g;

function stripEscapes(text: string): string {
  return text.includes('\x1b') || /[\x00-\x08]/.test(text) ? text.replace(ESCAPES, '') : text;
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
