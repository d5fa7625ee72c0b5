/**
 * The real-world conformance suite: every public query in queries/*.kql runs on the demo workspace in its
 * schema. Each either runs, or is refused with an `unsupported` error and listed in src/kql/README.md with
 * the reason. The pass rate is printed. Answers are checked on hand-made tables in answers.test.ts.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { KqlError, runQuery } from '../../src/kql';
import { warmParser } from '../kql/helpers';
import { loadCorpus, type CorpusQuery } from './corpus';
import { NOW, substituteParameters, workspaceFor } from './workspace';

beforeAll(warmParser, 60_000);

const corpus = loadCorpus();

interface Outcome {
  q: CorpusQuery;
  status: 'ran' | 'refused' | 'failed';
  detail: string;
}

function runOne(q: CorpusQuery): Outcome {
  try {
    const r = runQuery(workspaceFor(q.schema), substituteParameters(q), { now: NOW });
    return { q, status: 'ran', detail: `${r.tables[0].rows.length} rows` };
  } catch (e) {
    if (e instanceof KqlError && e.kind === 'unsupported') return { q, status: 'refused', detail: e.message };
    return { q, status: 'failed', detail: e instanceof Error ? `${e.name}: ${e.message}` : String(e) };
  }
}

let outcomes: Outcome[] = [];

beforeAll(() => {
  outcomes = corpus.map(runOne);
}, 120_000);

afterAll(() => {
  const ran = outcomes.filter((o) => o.status === 'ran').length;
  const lines = outcomes.filter((o) => o.status !== 'ran').map((o) => `  ${o.q.id} ${o.status}: ${o.detail}`);
  console.log(
    `Real-world KQL conformance: ${ran}/${outcomes.length} queries run (${((100 * ran) / Math.max(1, outcomes.length)).toFixed(1)}%)` +
      (lines.length ? `\n${lines.join('\n')}` : ''),
  );
});

test('the corpus holds at least 80 public queries, each with a source', () => {
  expect(corpus.length).toBeGreaterThanOrEqual(80);
  expect(new Set(corpus.map((q) => q.id)).size).toBe(corpus.length);
  for (const q of corpus) {
    expect(q.from).not.toBe('');
    expect(q.text).not.toBe('');
  }
});

test('every query runs or is refused as unsupported; none fails with another error', () => {
  const failed = outcomes.filter((o) => o.status === 'failed').map((o) => `${o.q.id}: ${o.detail}`);
  expect(failed).toEqual([]);
});

test('every refused query is listed in the engine README with its reason', () => {
  const readme = readFileSync(join(__dirname, '../../src/kql/README.md'), 'utf8');
  const missing = outcomes.filter((o) => o.status === 'refused' && !readme.includes(o.q.id)).map((o) => o.q.id);
  expect(missing).toEqual([]);
});

test('at least 95% of the corpus runs', () => {
  const ran = outcomes.filter((o) => o.status === 'ran').length;
  expect(ran / outcomes.length).toBeGreaterThanOrEqual(0.95);
});
