/**
 * Analysis shared by queries that differ only in the literal values of their `let` lines.
 *
 * The planner writes a recipe's parameters as `let _from = datetime(...);`, `let _status = 500;` ... so every
 * run of a recipe at another minute is a new query text, and semantic analysis (~0.3-0.7 s for a recipe with
 * the classifier) would run again. The analyzer's types do not depend on those values, so the text is
 * analysed with each such literal replaced by a fixed one of the same kind, padded with spaces to the same
 * length (every offset, hence every error position, stays that of the real text; so texts share an analysis
 * when their literals have the same widths, as the planner's datetimes do), and the real values are bound when
 * the `let` lines are evaluated.
 *
 * Only datetime, long, bool and timespan literals are replaced: a string's value can change the analysis
 * (`table(_name)`, `column_ifexists(_name, ...)`). The replacement is used only when the analysed tree has a
 * `let` whose value is that very literal at each replaced place, and no error; otherwise (a line inside a
 * multi-line string, a query with an error) the real text is analysed, so messages quote the real text.
 */
import { parseAndAnalyze, type Parsed, type TableShape } from './kusto';
import { kindOf, nodes } from './syntax';
import type { ScalarBinding } from './compile/context';
import { parseLiteral } from './values';

interface LiteralKind {
  kind: string;
  type: ScalarBinding['type'];
  /** The whole literal, as the Kusto lexer reads it as one token of this kind. */
  pattern: RegExp;
  /** The fixed literal the analysed text has instead. */
  stand: string;
}

const KINDS: readonly LiteralKind[] = [
  {
    kind: 'DateTimeLiteralExpression',
    type: 'datetime',
    pattern: /^datetime\(\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,7})?)?Z?)?\)$/,
    stand: 'datetime(2000-01-01)',
  },
  { kind: 'LongLiteralExpression', type: 'long', pattern: /^\d{1,15}$/, stand: '0' },
  { kind: 'BooleanLiteralExpression', type: 'bool', pattern: /^(?:true|false)$/, stand: 'true' },
  { kind: 'TimespanLiteralExpression', type: 'timespan', pattern: /^\d{1,9}(?:ms|d|h|m|s)$/, stand: '1s' },
];

/** A line `let name = value;` (value without spaces or semicolons; the kinds above narrow it down). */
const LET_LINE = /^([ \t]*let[ \t]+[A-Za-z_][A-Za-z0-9_]*[ \t]*=[ \t]*)([^\s;]+)(?=[ \t]*;)/gm;

export interface LetLiteralShape {
  /** The query text with the replaceable `let` literals replaced (same length as the real text). */
  text: string;
  /** The real values, by the offset of the literal they replace. */
  values: Map<number, ScalarBinding & { kind: string }>;
}

/** The text to analyse for a query, and the real values of the `let` literals it replaces. */
export function letLiteralShape(kql: string): LetLiteralShape {
  const values: LetLiteralShape['values'] = new Map();
  const text = kql.replace(LET_LINE, (whole: string, head: string, literal: string, offset: number) => {
    const k = KINDS.find((c) => c.pattern.test(literal));
    if (!k || k.stand.length > literal.length) return whole;
    let value: unknown;
    try {
      value = parseLiteral(k.kind, literal);
    } catch {
      return whole; // not a value this engine reads: analyse the real text, which reports it
    }
    values.set(offset + head.length, { kind: k.kind, type: k.type, value });
    return head + k.stand.padEnd(literal.length);
  });
  return { text, values };
}

/** True when every replaced literal is the value of a top-level `let` in the analysed tree. */
function replacedOnlyLetValues(parsed: Parsed, values: LetLiteralShape['values']): boolean {
  let found = 0;
  for (const stmt of nodes(parsed.root)) {
    if (kindOf(stmt) !== 'LetStatement') continue;
    const value = nodes(stmt)[1];
    if (value && values.get(value.TextStart)?.kind === kindOf(value)) found++;
  }
  return found === values.size;
}

function hasErrors(parsed: Parsed): boolean {
  return parsed.syntaxErrors.length > 0 || parsed.diagnostics.some((d) => d.severity === 'Error');
}

/**
 * Parse and analyse a query, sharing the analysis with other queries that differ only in `let` literals.
 * `letValues` are the values to bind to those `let`s, by the offset of their value.
 */
export function analyzeSharingLetLiterals(
  kql: string,
  tables: TableShape[],
): { parsed: Parsed; letValues: Map<number, ScalarBinding> } {
  const shape = letLiteralShape(kql);
  if (shape.values.size > 0) {
    const parsed = parseAndAnalyze(shape.text, tables);
    if (!hasErrors(parsed) && replacedOnlyLetValues(parsed, shape.values)) return { parsed, letValues: shape.values };
  }
  return { parsed: parseAndAnalyze(kql, tables), letValues: new Map() };
}
