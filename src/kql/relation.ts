/** A tabular intermediate result: named, typed column vectors of equal length. */
import type { ColumnSchema } from './types';
import type { Vec } from './vectors';

export interface Relation {
  schema: ColumnSchema[];
  cols: Vec[];
  n: number;
  /** Ingestion time of each row (epoch ms) while rows still map 1:1 to base rows; else null. */
  ingest: Vec | null;
}

export function colIndex(rel: Relation, name: string): number {
  for (let i = 0; i < rel.schema.length; i++) if (rel.schema[i].name === name) return i;
  return -1;
}

/** Keep rows idx (in that order). */
export function takeRows(rel: Relation, idx: Int32Array): Relation {
  const shared = new Map<unknown, Int32Array>();
  return {
    schema: rel.schema,
    cols: rel.cols.map((c) => c.take(idx, shared)),
    n: idx.length,
    ingest: rel.ingest ? rel.ingest.take(idx, shared) : null,
  };
}
