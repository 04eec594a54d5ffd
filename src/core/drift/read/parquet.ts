// Parquet through hyparquet (every codec via hyparquet-compressors), column by column.
import { parquetMetadata, parquetRead, parquetSchema } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { MlwbError } from '../../errors';
import { ColumnBuilder, pushValue, type Table } from './table';

/** `rowEnd` reads only the first rows (hyparquet decodes ~100k rows a second here: a preview of a big file). */
export async function parseParquet(buf: Buffer, source: string, options: { rowEnd?: number } = {}): Promise<Table> {
  const file = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer;
  let names: string[];
  let rows: number;
  try {
    const metadata = parquetMetadata(file);
    names = parquetSchema(metadata).children.map((c) => c.element.name);
    rows = Math.min(Number(metadata.num_rows), options.rowEnd ?? Infinity);
  } catch (err) {
    throw new MlwbError(`${source} is not a readable Parquet file (${(err as Error).message}).`, 'Check that the file is complete.');
  }
  if (rows === 0) throw new MlwbError(`${source} has no rows.`, 'Compare files that hold data.');
  const chunks = new Map<string, Array<{ rowStart: number; data: ArrayLike<unknown> }>>();
  await parquetRead({
    file,
    compressors,
    rowStart: 0,
    rowEnd: rows,
    onChunk: (chunk) => {
      const list = chunks.get(chunk.columnName) ?? [];
      list.push({ rowStart: chunk.rowStart, data: chunk.columnData });
      chunks.set(chunk.columnName, list);
    },
  });
  const columns = names.map((name) => {
    const b = new ColumnBuilder(name);
    // Chunks come whole (a row group at a time), so a preview stops at rowEnd itself.
    for (const { data } of (chunks.get(name) ?? []).sort((x, y) => x.rowStart - y.rowStart)) {
      for (let i = 0; i < data.length && b.length < rows; i++) pushValue(b, data[i]);
    }
    return b.build();
  });
  return { source, rows, columns };
}
