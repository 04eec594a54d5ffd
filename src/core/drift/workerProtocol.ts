// Messages between computeDrift and its worker threads.
import type { ColumnRequest } from './analyseColumn';
import type { Column, Table } from './read/table';
import type { ColumnDrift } from './types';

export type WorkerRequest =
  | { id: number; op: 'read'; file: string; shownAs: string }
  | { id: number; op: 'column'; name: string; reference: Column; current: Column; request: ColumnRequest };

export type WorkerResponse =
  | { id: number; table: Table }
  | { id: number; column: ColumnDrift }
  | { id: number; error: { message: string; hint?: string; user: boolean; stack?: string } };

/** The numeric columns' buffers, moved (not copied) between threads. */
export function tableTransferList(table: Table): ArrayBuffer[] {
  return table.columns.filter((c) => c.kind === 'number').map((c) => c.values.buffer as ArrayBuffer);
}

export function columnTransferList(...columns: Column[]): ArrayBuffer[] {
  const buffers = columns.filter((c) => c.kind === 'number').map((c) => c.values.buffer as ArrayBuffer);
  return [...new Set(buffers)];
}
