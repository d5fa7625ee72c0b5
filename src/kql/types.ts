/**
 * Data shapes shared by the embedded engine, the log sources and everything downstream.
 * They mirror the Log Analytics query API's table shape so embedded and remote answers look alike.
 */

/** KQL scalar types as the Log Analytics API names them in `columns[].type`. */
export type KqlType =
  'string' | 'long' | 'int' | 'real' | 'bool' | 'datetime' | 'timespan' | 'dynamic' | 'guid' | 'decimal';

/** Every scalar type a column can have, in Kusto's spelling. */
export const KQL_TYPES: readonly KqlType[] = [
  'string',
  'long',
  'int',
  'real',
  'bool',
  'datetime',
  'timespan',
  'dynamic',
  'guid',
  'decimal',
];

export interface ColumnSchema {
  name: string;
  type: KqlType;
}

/**
 * One cell of a result. datetime -> Date, timespan -> number of milliseconds, long/int/real -> number,
 * bool -> boolean, dynamic -> parsed JSON value, string/guid -> string, empty -> null.
 */
export type Cell = string | number | boolean | Date | null | unknown[] | { [key: string]: unknown };

/** A result table, as Log Analytics returns one (`PrimaryResult` is the first). */
export interface ResultTable {
  name: string;
  columns: ColumnSchema[];
  rows: Cell[][];
}
