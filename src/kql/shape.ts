/**
 * Analysis shared by queries that differ only in the literal values of their `let` lines.
 *
 * The planner writes a recipe's parameters as `let _from = datetime(...);`, `let _api = "orders-api";` ... so
 * every run of a recipe for another minute or API is a new query text, and semantic analysis (~0.3-0.7 s for
 * a recipe with the classifier) would run again. The analyzer's types do not depend on those values, so the
 * text is analysed with each such literal replaced by a fixed one of the same kind (its "shape"), and the real
 * values are bound when the `let` lines are evaluated. Offsets in the analysed text are mapped back to the
 * query's for errors.
 *
 * datetime, long, bool, timespan and string literals are replaced. A string's value can change the analysis
 * (`table(_name)`, `column_ifexists(_name, ...)`), so the shape is used only when every use of a replaced
 * string is a comparison operand or an argument of a few string functions. It is also used only when the
 * analysed tree has a `let` whose value is the replaced literal at each replaced place, and no error;
 * otherwise (a line inside a multi-line string, a query with an error) the real text is analysed, so messages
 * quote the real text.
 */
import { parseAndAnalyze, type Parsed, type TableShape } from './kusto';
import { forEachNode, kindOf, nodes, simpleName, type SyntaxNode } from './syntax';
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
  { kind: 'StringLiteralExpression', type: 'string', pattern: /^"(?:[^"\\\r\n]|\\["\\'nrt])*"$/, stand: '""' },
];
const STRING = 'StringLiteralExpression';

/** A line `let name = value;`: the value is a double-quoted string or has no space, quote or semicolon. */
const LET_LINE =
  /^([ \t]*let[ \t]+([A-Za-z_][A-Za-z0-9_]*)[ \t]*=[ \t]*)("(?:[^"\\\r\n]|\\["\\'nrt])*"|[^\s;"']+)(?=[ \t]*;)/gm;

interface Replaced extends ScalarBinding {
  kind: string;
  name: string;
  /** Offsets of the literal in the query text, and the length of the stand in the analysed text. */
  realStart: number;
  realEnd: number;
  standLength: number;
}

export interface LetLiteralShape {
  /** The query text with the replaceable `let` literals replaced. */
  text: string;
  /** The real values, by the offset of their stand in `text`. */
  values: Map<number, Replaced>;
}

/** The text to analyse for a query, and the real values of the `let` literals it replaces. */
export function letLiteralShape(kql: string): LetLiteralShape {
  const values: LetLiteralShape['values'] = new Map();
  let shift = 0; // analysed offset minus query offset, so far
  const text = kql.replace(LET_LINE, (whole: string, head: string, name: string, literal: string, offset: number) => {
    const k = KINDS.find((c) => c.pattern.test(literal));
    if (!k) return whole;
    let value: unknown;
    try {
      value = parseLiteral(k.kind, literal);
    } catch {
      return whole; // not a value this engine reads: analyse the real text, which reports it
    }
    const realStart = offset + head.length;
    values.set(realStart + shift, {
      kind: k.kind,
      type: k.type,
      value,
      name,
      realStart,
      realEnd: realStart + literal.length,
      standLength: k.stand.length,
    });
    shift += k.stand.length - literal.length;
    return head + k.stand;
  });
  return { text, values };
}

/** Operators whose analysis does not depend on the value of a string operand. */
const VALUE_OPERATOR =
  /^(?:Not)?(?:Equal|EqualTilde|BangTilde|Has|HasCs|Contains|ContainsCs|StartsWith|StartsWithCs|EndsWith|EndsWithCs|HasPrefix|HasPrefixCs|HasSuffix|HasSuffixCs|In|InCs|HasAny|HasAll)Expression$/;
/** Nodes that only group or bracket their content. */
const GROUPING: ReadonlySet<string> = new Set([
  'List',
  'SeparatedElement',
  'ExpressionList',
  'ParenthesizedExpression',
]);
/** Functions whose result's type does not depend on the string given; the second set returns a string. */
const VALUE_FUNCTIONS: ReadonlySet<string> = new Set(['isempty', 'isnotempty', 'strlen']);
const STRING_FUNCTIONS: ReadonlySet<string> = new Set(['strcat', 'tolower', 'toupper']);

/** True when the value of the string expression `node` cannot change the analysis of what uses it. */
function usedAsValueOnly(node: SyntaxNode): boolean {
  let p = node.Parent;
  while (p && GROUPING.has(kindOf(p))) p = p.Parent;
  if (!p) return false;
  const k = kindOf(p);
  if (VALUE_OPERATOR.test(k)) return true;
  if (k !== 'FunctionCallExpression') return false;
  const fn = simpleName(nodes(p)[0]);
  return VALUE_FUNCTIONS.has(fn) || (STRING_FUNCTIONS.has(fn) && usedAsValueOnly(p));
}

/** True when the analysed tree can stand for the query: see the file comment. Depends only on the shape. */
function shapeHolds(parsed: Parsed, values: LetLiteralShape['values']): boolean {
  if (parsed.syntaxErrors.length > 0 || parsed.diagnostics.some((d) => d.severity === 'Error')) return false;
  let found = 0;
  for (const stmt of nodes(parsed.root)) {
    if (kindOf(stmt) !== 'LetStatement') continue;
    const value = nodes(stmt)[1];
    if (value && values.get(value.TextStart)?.kind === kindOf(value)) found++;
  }
  if (found !== values.size) return false;
  const strings = new Set([...values.values()].filter((v) => v.kind === STRING).map((v) => v.name));
  let safe = true;
  if (strings.size > 0)
    forEachNode(parsed.root, (n) => {
      if (safe && kindOf(n) === 'NameReference' && strings.has(simpleName(n))) safe = usedAsValueOnly(n);
    });
  return safe;
}

/** Whether each analysed shape may stand for its queries (the check walks the tree: done once per shape). */
const holds = new WeakMap<Parsed, boolean>();

export interface SharedAnalysis {
  parsed: Parsed;
  /** The text that was analysed: offsets in `parsed` are offsets in it. */
  text: string;
  /** The values to bind to replaced `let`s, by the offset of their value in `text`. */
  letValues: Map<number, ScalarBinding>;
  /** An offset in `text` as an offset in the query. */
  queryOffset: (offset: number) => number;
}

/** Parse and analyse a query, sharing the analysis with other queries that differ only in `let` literals. */
export function analyzeSharingLetLiterals(kql: string, tables: TableShape[]): SharedAnalysis {
  const shape = letLiteralShape(kql);
  if (shape.values.size > 0) {
    const parsed = parseAndAnalyze(shape.text, tables);
    let ok = holds.get(parsed);
    if (ok === undefined) holds.set(parsed, (ok = shapeHolds(parsed, shape.values)));
    if (ok) {
      const replaced = [...shape.values].sort((a, b) => a[0] - b[0]);
      const queryOffset = (offset: number): number => {
        let shift = 0;
        for (const [at, r] of replaced) {
          if (offset < at) break;
          if (offset < at + r.standLength) return r.realStart;
          shift = r.realEnd - (at + r.standLength);
        }
        return offset + shift;
      };
      return { parsed, text: shape.text, letValues: shape.values, queryOffset };
    }
  }
  return { parsed: parseAndAnalyze(kql, tables), text: kql, letValues: new Map(), queryOffset: (o) => o };
}
