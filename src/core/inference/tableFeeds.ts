import { MlwbError } from '../errors';
import { NUMERIC_TYPES, typedArrayFor } from './elementTypes';
import { numericColumn, type Table } from './io/tabular';
import type { TensorSignature } from './modelInfo';
import type { Feeds } from './tensor';

export interface TableFeeds {
  feeds: Feeds;
  /** Indices of the table rows that went in (rows with a missing feature are left out). */
  rows: Int32Array;
  features: string[];
}

/**
 * Rows of a table as model inputs. Either every input is a column of its own name (shape
 * [batch] or [batch, 1]), or the model has one [batch, n] input fed by n numeric columns:
 * `features` when given, else every numeric column except `exclude` (label, slice), in order.
 */
export function tableFeeds(table: Table, inputs: readonly TensorSignature[], features?: string[], exclude: string[] = []): TableFeeds {
  if (inputs.every((i) => table.values.has(i.name))) {
    const columns = inputs.map((i) => requireNumeric(table, i.name));
    const rows = keptRows(columns, table.rows);
    const feeds: Feeds = {};
    inputs.forEach((input, k) => {
      const dims = input.shape.length === 2 ? [rows.length, 1] : [rows.length];
      feeds[input.name] = { type: input.type, dims, data: typedArrayFor(input.type, Array.from(rows, (r) => columns[k][r])) };
    });
    return { feeds, rows, features: inputs.map((i) => i.name) };
  }
  if (inputs.length !== 1 || inputs[0].shape.length !== 2) {
    throw new MlwbError(`The table's columns do not match the model's inputs (${inputs.map((i) => i.name).join(', ')}).`,
      'Name the columns after the inputs, or use a model with one [batch, features] input.');
  }
  const input = inputs[0];
  if (!NUMERIC_TYPES.has(input.type)) throw new MlwbError(`Input "${input.name}" is ${input.type}: tabular rows can only fill numeric inputs.`);
  const chosen = features ?? table.columns.filter((c) => !exclude.includes(c) && numericColumn(table, c));
  const declared = input.shape[1];
  if (typeof declared === 'number' && chosen.length !== declared) {
    throw new MlwbError(`Input "${input.name}" takes ${declared} features, but the table has ${chosen.length} numeric columns (${chosen.join(', ')}).`,
      'Pick the feature columns with --features.');
  }
  const columns = chosen.map((c) => requireNumeric(table, c));
  const rows = keptRows(columns, table.rows);
  const data = typedArrayFor(input.type, rows.length * chosen.length);
  const width = columns.length;
  for (let c = 0; c < width; c++) {
    const column = columns[c];
    if (data instanceof BigInt64Array || data instanceof BigUint64Array) {
      for (let i = 0; i < rows.length; i++) data[i * width + c] = BigInt(Math.round(column[rows[i]]));
    } else {
      for (let i = 0; i < rows.length; i++) data[i * width + c] = column[rows[i]];
    }
  }
  return { feeds: { [input.name]: { type: input.type, dims: [rows.length, chosen.length], data } }, rows, features: chosen };
}

function requireNumeric(table: Table, column: string): Float64Array {
  if (!table.values.has(column)) throw new MlwbError(`The table has no column "${column}".`, `Its columns: ${table.columns.join(', ')}.`);
  const values = numericColumn(table, column);
  if (!values) throw new MlwbError(`Column "${column}" is not numeric, so it cannot feed the model.`);
  return values;
}

function keptRows(columns: Float64Array[], count: number): Int32Array {
  const kept = new Int32Array(count);
  let n = 0;
  for (let r = 0; r < count; r++) {
    let complete = true;
    for (let c = 0; c < columns.length && complete; c++) complete = !Number.isNaN(columns[c][r]);
    if (complete) kept[n++] = r;
  }
  return kept.slice(0, n);
}
