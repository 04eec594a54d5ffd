// The model page: inspection, then Try It / Benchmark / Evaluate. Each snapshot or result is
// rendered with DOM calls (textContent only); inputs the user typed are the only state kept.
import './style.css';
import { imageLayout, type ImageOptionText } from '../../src/core/inference/io/imageOptions';
import type { ModelInfo, TensorSignature } from '../../src/core/inference/modelInfo';
import { el } from '../shared/elements';
import type { Action, HostToWebview, ModelSnapshot, WebviewToHost } from './protocol';
import { renderBenchmark, renderEvaluation, renderHistory, renderOutputs, section, table } from './render';

declare function acquireVsCodeApi(): { postMessage(message: WebviewToHost): void };
const vscode = acquireVsCodeApi();
const app = document.getElementById('app') as HTMLElement;
const results: Record<Action, HTMLElement> = { try: el('div', '', 'result'), bench: el('div', '', 'result'), eval: el('div', '', 'result') };
const deviceLabel = el('strong', 'cpu');
const history = el('div');

window.addEventListener('message', (event: MessageEvent<HostToWebview>) => {
  const msg = event.data;
  switch (msg.type) {
    case 'snapshot': return render(msg.snapshot);
    case 'device': deviceLabel.textContent = msg.device; return;
    case 'busy': return busy(msg.action, msg.message);
    case 'tryResult': return results.try.replaceChildren(renderOutputs(msg.outputs, msg.device, msg.runMs));
    case 'benchResult':
      history.replaceChildren(renderHistory(msg.history));
      return results.bench.replaceChildren(renderBenchmark(msg.result));
    case 'evalResult': return results.eval.replaceChildren(renderEvaluation(msg.result, (runId) => vscode.postMessage({ type: 'openRun', runId })));
    case 'error': return results[msg.action].replaceChildren(el('p', msg.message, 'error'));
  }
});
vscode.postMessage({ type: 'ready' });

function button(text: string, onClick: () => void, secondary = false): HTMLElement {
  const b = document.createElement('vscode-button');
  if (secondary) b.setAttribute('secondary', '');
  b.textContent = text;
  b.addEventListener('click', onClick);
  return b;
}

function busy(action: Action, message: string): void {
  const p = el('p', message, 'muted busy');
  p.append(' ', button('Cancel', () => vscode.postMessage({ type: 'cancel' }), true));
  results[action].replaceChildren(p);
}

/**
 * Size and normalisation for an image picked in Try It, shown when the model has a 4-D input
 * (NCHW or NHWC); the size starts as the input's own when it is fixed.
 */
function imageControls(info: ModelInfo): { row: HTMLElement; values: () => ImageOptionText } | undefined {
  const input = info.inputs.find((i) => i.shape.length === 4);
  if (!input) return undefined;
  const { height: h, width: w } = imageLayout(input.shape);
  const field = (label: string, value: string, placeholder: string) => {
    const f = el('input');
    f.value = value;
    f.placeholder = placeholder;
    f.setAttribute('aria-label', label);
    return f;
  };
  const size = field('Image size', w && h ? `${w}x${h}` : '', 'WIDTHxHEIGHT');
  const mean = field('Mean', '', '0,0,0');
  const std = field('Std', '', '1,1,1');
  const row = el('div', '', 'controls');
  row.dataset.section = 'image-options';
  row.append(`Images for "${input.name}": size `, size, ' mean ', mean, ' std ', std, el('span', ' (pixels scaled to [0, 1], then (x − mean) / std per channel)', 'muted'));
  return { row, values: () => ({ size: size.value, mean: mean.value, std: std.value }) };
}

const shape = (s: TensorSignature['shape']) => `[${s.map((d) => d ?? '?').join(', ')}]`;

/** A JSON example for Try It: one row of zeros per input, dynamic dimensions as 1. */
function exampleInput(info: ModelInfo): string {
  const zeros = (dims: number[]): unknown => (dims.length === 0 ? 0 : Array.from({ length: dims[0] }, () => zeros(dims.slice(1))));
  const example = Object.fromEntries(info.inputs.map((i) => [i.name, zeros(i.shape.map((d) => (typeof d === 'number' ? d : 1)))]));
  return JSON.stringify(example);
}

function render({ fileName, info, producedBy, device, history: past }: ModelSnapshot): void {
  deviceLabel.textContent = device;
  history.replaceChildren(renderHistory(past));
  const page = document.createDocumentFragment();
  const header = el('header');
  header.append(el('h1', fileName), el('p', `${info.producer || 'unknown producer'} · IR ${info.irVersion} · opsets ${Object.entries(info.opsets).map(([d, v]) => `${d} ${v}`).join(', ')} · ${info.parameterCount.toLocaleString('en-US')} parameters · ${info.nodeCount} nodes`, 'muted'));
  header.append(el('p', `sha256 ${info.sha256}`, 'muted mono'));
  for (const run of producedBy) {
    const link = el('a', `run ${run.runName}`);
    link.href = '#';
    link.addEventListener('click', (e) => {
      e.preventDefault();
      vscode.postMessage({ type: 'openRun', runId: run.runId });
    });
    const p = el('p', 'Produced by ', 'muted');
    p.append(link, ` (${run.path})`);
    header.append(p);
  }
  const deviceLine = el('p', 'Device: ');
  deviceLine.append(deviceLabel, ' ', button('Change…', () => vscode.postMessage({ type: 'selectDevice' }), true));
  header.append(deviceLine);
  page.append(header);

  page.append(section('Inputs', table(['name', 'type', 'shape'], info.inputs.map((i) => [i.name, i.type, shape(i.shape)])), 'inputs'));
  page.append(section('Outputs', table(['name', 'type', 'shape'], info.outputs.map((o) => [o.name, o.type, shape(o.shape)])), 'outputs'));
  page.append(section('Operators', table(['operator', 'nodes'], Object.entries(info.operators).map(([op, n]) => [op, String(n)])), 'operators'));
  const meta = Object.entries(info.metadata);
  if (meta.length) page.append(section('Metadata', table(['key', 'value'], meta), 'metadata'));

  const input = el('textarea');
  input.rows = 4;
  input.value = exampleInput(info);
  input.setAttribute('aria-label', 'Input as JSON');
  const image = imageControls(info);
  const tryControls = el('div', '', 'controls');
  tryControls.append(button('Run', () => vscode.postMessage({ type: 'tryJson', text: input.value })), ' ',
    button('Pick Input File…', () => vscode.postMessage({ type: 'tryFile', image: image?.values() ?? {} }), true));
  const trySection = section('Try It', el('p', 'JSON keyed by input name (or a bare array for one input); or a .npy / .npz / .json / CSV / JSON-lines / PNG / JPEG file.', 'muted'), 'try');
  trySection.append(input, tryControls);
  if (image) trySection.append(image.row);
  trySection.append(results.try);
  page.append(trySection);

  const batches = el('input');
  batches.value = '1,8,32';
  batches.setAttribute('aria-label', 'Batch sizes');
  const iterations = el('input');
  iterations.value = '100';
  iterations.setAttribute('aria-label', 'Iterations');
  const budget = el('input');
  budget.placeholder = 'none';
  budget.setAttribute('aria-label', 'Time budget in milliseconds');
  const benchControls = el('div', '', 'controls');
  benchControls.append('Batch sizes ', batches, ' Iterations ', iterations, ' or time budget ', budget, ' ms ', button('Benchmark', () => {
    const sizes = batches.value.split(',').map((s) => Number(s.trim())).filter((n) => Number.isInteger(n) && n > 0);
    const budgetMs = Number(budget.value);
    vscode.postMessage(budget.value.trim() !== '' && budgetMs > 0
      ? { type: 'bench', batches: sizes, timeBudgetMs: budgetMs }
      : { type: 'bench', batches: sizes, iterations: Math.max(1, Number(iterations.value) || 100) });
  }));
  const benchSection = section('Benchmark', benchControls, 'bench');
  benchSection.append(results.bench, history);
  page.append(benchSection);

  const evalSection = section('Evaluate on Data', el('p', 'A CSV / JSON-lines / Parquet / .npz file with a label column: metrics, optionally per slice, recorded as an evaluation run.', 'muted'), 'eval');
  evalSection.append(button('Evaluate on Data…', () => vscode.postMessage({ type: 'eval' })), results.eval);
  page.append(evalSection);

  app.replaceChildren(page);
  app.removeAttribute('aria-busy');
}
