// A text column's details in its card: per n-gram order (words, bigrams, trigrams) the
// Jensen–Shannon distance with its threshold and the top n-grams with their share on each side;
// the out-of-vocabulary share; the text-length histograms of both sides overlaid.
import type { TextDrift } from '../../src/core/drift/textDrift';
import type { ColumnDrift } from '../../src/core/drift/types';
import type { Chart } from '../shared/charts';
import { el } from '../shared/elements';
import { drawOverlay } from './columnChart';

const ORDER_NAMES = { 1: 'words', 2: 'bigrams', 3: 'trigrams' } as const;

const percent = (v: number) => (Number.isFinite(v) ? `${(v * 100).toFixed(1)} %` : '—');
const distance = (v: number) => (Number.isFinite(v) ? String(Number(v.toPrecision(4))) : '—');

function ngramTable(text: TextDrift): HTMLElement {
  const wrap = el('div', undefined, 'ngrams');
  for (const order of text.ngrams) {
    const table = el('table', undefined, 'ngram');
    table.dataset.n = String(order.n);
    const caption = el('caption', `${ORDER_NAMES[order.n]}: JS distance ${distance(order.divergence)} (threshold ${order.threshold}) — ${order.drifted ? 'drift' : 'no drift'}`);
    if (order.drifted) caption.className = 'drifted';
    const head = el('tr');
    for (const label of [ORDER_NAMES[order.n].replace(/s$/, ''), 'reference', 'current']) head.append(el('th', label));
    const thead = el('thead');
    thead.append(head);
    const tbody = el('tbody');
    for (const g of order.top) {
      const tr = el('tr');
      tr.append(el('td', g.gram), el('td', percent(g.reference)), el('td', percent(g.current)));
      tbody.append(tr);
    }
    table.append(caption, thead, tbody);
    wrap.append(table);
  }
  return wrap;
}

function drawLengths(canvas: HTMLCanvasElement, lengths: TextDrift['lengths']): Chart {
  return drawOverlay(canvas, { kind: 'histogram', edges: lengths.edges, reference: lengths.reference, current: lengths.current },
    { x: 'length (characters)', y: 'share of texts', bin: (lo, hi) => `${Math.round(lo)}–${Math.round(hi)}` });
}

/** The section, and a function that draws its chart once the section is in the page. */
export function textSection(column: ColumnDrift & { text: TextDrift }): { element: HTMLElement; draw: () => Chart | undefined } {
  const { text } = column;
  const section = el('section', undefined, 'text-drift');
  section.dataset.role = 'text';
  const oov = el('p', `Out of vocabulary: ${percent(text.outOfVocabulary.share)} of the current words (${text.outOfVocabulary.words.toLocaleString('en-US')}) never occur in the reference`, 'muted');
  oov.dataset.role = 'oov';
  section.append(oov, ngramTable(text));
  if (!text.lengths.edges.length) return { element: section, draw: () => undefined };
  const box = el('div', undefined, 'canvas-box');
  const canvas = el('canvas');
  canvas.dataset.chart = 'text-length';
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-label', `${column.name}: text lengths of reference and current over shared bins`);
  box.append(canvas);
  section.append(el('p', `Text length (characters): mean ${text.lengths.mean.reference.toFixed(1)} in reference, ${text.lengths.mean.current.toFixed(1)} in current`, 'muted'), box);
  return { element: section, draw: () => drawLengths(canvas, text.lengths) };
}
