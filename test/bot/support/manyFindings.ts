/**
 * The card-size case needs an answer with hundreds of failure signatures. The triage recipe groups
 * failures by the catalog's classifier (17 signatures), so no workspace, demo or exported, can make it
 * return more rows than that. Instead the local Log Analytics service runs the real recipe on the engine
 * and appends extra "finding" rows in the recipe's own result shape (copies of a real row with distinct,
 * long messages and API lists); everything from the SDK onwards (interpret, rank, render, sign, deliver)
 * is the real path.
 */
import type { Cell } from '../../../src/kql/types';
import type { Executor } from '../../support/laService/server';

export function withManyFindings(extra: number): (engine: Executor) => Executor {
  return (engine) => (input) => {
    const out = engine(input);
    const table = out.tables[0];
    if (!table || !/extend Kind = "finding"/.test(input.kql)) return out;
    const col = (name: string) => table.columns.findIndex((c) => c.name === name);
    const [kind, signature, count, message, apis] = ['Kind', 'Signature', 'Count', 'LastErrorMessage', 'Apis'].map(col);
    const template = table.rows.find((r) => r[kind] === 'finding');
    if (!template) return out;
    const rows: Cell[][] = Array.from({ length: extra }, (_, i) => {
      const row = [...template];
      row[signature] = `custom-signature-${i + 1}`;
      row[count] = 5000 - i;
      row[message] =
        `Backend returned an invalid HTTP response (variant ${i + 1}): ${'the upstream closed the stream mid-header; '.repeat(8)}`;
      row[apis] = [`api-${i + 1}`, 'orders-api', 'payments-api', 'shipping-api'];
      return row;
    });
    return { ...out, tables: [{ ...table, rows: [...table.rows, ...rows] }, ...out.tables.slice(1)] };
  };
}
