import * as path from 'node:path';
import fc from 'fast-check';
import { parseCommand } from '../../src/commands/parse';
import type { Command } from '../../src/commands/types';
import { loadRecipes, parseRecipe, recipes } from '../../src/recipes/catalog';
import { composeQuery, parameterValues, planQuery, PlanError, RECIPE_FOR } from '../../src/recipes/plan';
import { kqlDatetime, kqlLong, kqlString } from '../../src/recipes/literals';
import { analyzeQuery, queryOperators, runQuery, Workspace } from '../../src/kql';
import { preludeFor } from '../../src/schema/prelude';
import { PHYSICAL_SCHEMAS, SCHEMA_IDS } from '../../src/schema/physical';
import { GATEWAY_LOGS_COLUMNS } from '../../src/schema/logical';

const now = new Date('2026-11-23T15:00:00Z');
function cmd(text: string): Command {
  const r = parseCommand(text, { now });
  if (!r.ok) throw new Error(r.error);
  return r.command;
}
const ALL_COMMANDS = [
  'triage',
  'why 500 on payments-api',
  'tls',
  '401s on orders-api',
  'breakers',
  'breaker shipping-backend',
  'breaker shipping-backend at 14:32',
  'apis',
];

describe('recipe files', () => {
  it('loads every recipe with a header, parameters and a body', () => {
    const all = recipes();
    expect([...all.keys()].sort()).toEqual([
      'apis',
      'auth401',
      'breaker',
      'breakers',
      'callers',
      'changes',
      'latency',
      'statusclass',
      'tls',
      'triage',
      'why',
    ]);
    for (const r of all.values()) {
      expect(path.basename(r.file)).toBe(`${r.name}.kql`);
      expect(r.title.length).toBeGreaterThan(5);
      expect(r.answers.length).toBeGreaterThan(20);
      expect(r.sections.length).toBeGreaterThan(0);
      expect(r.text.startsWith(`// id: ${r.name}\n// title: ${r.title}\n// answers: ${r.answers}\n`)).toBe(true);
      expect(r.params.find((p) => p.name === '_from')?.type).toBe('datetime');
      // Gateway recipes are written against the normalized view only, never physical columns; "changes" reads
      // the Activity log (AzureActivity), which has one shape everywhere.
      if (r.name === 'changes') expect(r.body).toMatch(/^AzureActivity\b/);
      else expect(r.body).toMatch(/\bGatewayLogs\b/);
      expect(r.body).not.toMatch(/ApiManagementGatewayLogs|AzureDiagnostics|_s\b|_d\b|_g\b/);
    }
    expect(all.get('auth401')!.sections.map((s) => s.kind)).toEqual(['breakdown', 'scoping']);
    expect(all.get('breaker')!.sections[0].chart).toEqual({
      kind: 'line',
      x: 'Bin',
      y: 'Requests',
      series: 'ResponseCode',
    });
    expect(all.get('why')!.params.find((p) => p.name === '_status')?.type).toBe('long');
  });

  it('rejects a body that uses an undeclared parameter or placeholder, naming the file', () => {
    const head = '// id: x\n// title: A recipe\n// answers: Something about the gateway logs.\n';
    expect(() => parseRecipe(`${head}GatewayLogs | where ApiId == _api`, 'recipes/x.kql')).toThrow(
      'recipes/x.kql: _api is used but neither listed under "// parameters:" (as "//   _api: <type> (meaning)") nor defined with let',
    );
    expect(() => parseRecipe(`${head}GatewayLogs | extend S = $classifier`, 'recipes/x.kql')).toThrow(
      'recipes/x.kql: header field "uses": the KQL uses $classifier but the header does not list it',
    );
    expect(() =>
      parseRecipe(`${head}// uses: $classifier (the catalog)\nGatewayLogs | take 1`, 'recipes/x.kql'),
    ).toThrow('recipes/x.kql: header field "uses": lists $classifier, which the KQL never uses');
    expect(() => parseRecipe(head, 'recipes/x.kql')).toThrow('recipes/x.kql: no KQL after the header');
    expect(() => loadRecipes('/nonexistent-dir')).toThrow();
  });
});

describe('planQuery', () => {
  it('prelude + escaped parameter lets + body, classifier filled in', () => {
    const p = planQuery(cmd('why 500 on payments-api'), preludeFor('resource-specific'));
    expect(p.recipe).toBe('why');
    expect(p.kql.startsWith(preludeFor('resource-specific').trim())).toBe(true);
    expect(p.kql).toContain('let _from = datetime(2026-11-23T14:45:00.000Z);');
    expect(p.kql).toContain('let _to = datetime(2026-11-23T15:00:00.000Z);');
    expect(p.kql).toContain('let _prevFrom = datetime(2026-11-23T14:30:00.000Z);');
    expect(p.kql).toContain('let _api = "payments-api";');
    expect(p.kql).toContain('let _status = 500;');
    expect(p.kql).not.toContain('$classifier');
    expect(p.kql).toContain('"backend-tls-rejected"');
    expect(p.timespan).toEqual({ from: new Date('2026-11-23T14:30:00Z'), to: now });
  });
  it('timespans cover every time filter', () => {
    expect(planQuery(cmd('apis'), '').timespan.from.toISOString()).toBe('2026-11-23T14:45:00.000Z');
    expect(planQuery(cmd('triage 1h'), '').timespan.from.toISOString()).toBe('2026-11-23T13:00:00.000Z');
    const b = planQuery(cmd('breaker shipping-backend'), '');
    expect(b.timespan.from.toISOString()).toBe('2026-11-23T14:35:00.000Z'); // window start - 10m
    expect(b.kql).toContain('let _useAt = false;');
    const at = planQuery(cmd('breaker shipping-backend at 14:00'), '');
    expect(at.timespan.from.toISOString()).toBe('2026-11-23T13:50:00.000Z');
    expect(at.kql).toContain('let _at = datetime(2026-11-23T14:00:00.000Z);');
    expect(at.kql).toContain('let _useAt = true;');
    expect(at.kql).toContain('let _backend = "shipping-backend";');
  });
  it('refuses help and invalid names that bypassed the parser', () => {
    expect(() => planQuery(cmd('help'), '')).toThrow(PlanError);
    expect(() => planQuery({ ...cmd('triage'), api: 'x" | take 1 //' }, '')).toThrow(/not a valid API name/);
    expect(() => planQuery({ ...cmd('breaker x1'), backend: 'a\nb' }, '')).toThrow(/not a valid backend name/);
  });
  it('literal helpers', () => {
    expect(kqlString('a"b\\c\nd')).toBe('"a\\"b\\\\c\\nd"');
    expect(kqlLong(401)).toBe('401');
    expect(() => kqlLong(1.5)).toThrow();
    expect(() => kqlLong(Number.NaN)).toThrow();
    expect(() => kqlDatetime(new Date('x'))).toThrow();
  });
});

describe('every recipe compiles against every schema (Kusto analyzer, like the Sentinel content checks)', () => {
  const cases = SCHEMA_IDS.flatMap((schema) => ALL_COMMANDS.map((text) => [schema, text] as const));
  it.each(cases)('%s: %s', (schema, text) => {
    const phys = PHYSICAL_SCHEMAS[schema];
    const p = planQuery(cmd(text), preludeFor(schema));
    const diags = analyzeQuery(p.kql, [{ name: phys.table, columns: phys.columns }]).filter(
      (d) => d.severity === 'Error',
    );
    expect(diags).toEqual([]);
  });
  it('recipes also compile against the bare normalized view', () => {
    for (const text of ALL_COMMANDS) {
      const p = planQuery(cmd(text), '');
      expect(
        analyzeQuery(p.kql, [{ name: 'GatewayLogs', columns: GATEWAY_LOGS_COLUMNS }]).filter(
          (d) => d.severity === 'Error',
        ),
      ).toEqual([]);
    }
  });
});

describe('injection: parameter values can only ever be data', () => {
  const hostile = fc.oneof(
    fc.string({ unit: 'grapheme', maxLength: 40 }),
    fc.constantFrom(
      '"',
      '\\',
      '\\"',
      '" | take 1 //',
      '";\nGatewayLogs | take 1; let x="',
      "' or 1==1 //",
      '`',
      '|',
      ';',
      '\n',
      '\r\n',
      '\u2028',
      '\u0000',
      '«»',
      '🙂|🙂',
    ),
    fc
      .array(fc.constantFrom('"', "'", '\\', '|', ';', '\n', '/', '*', 'x', ' ', 'é', '\t', '}', ')'), {
        maxLength: 20,
      })
      .map((a) => a.join('')),
  );

  it.each(['triage', 'why', 'tls', 'auth401', 'breakers', 'breaker'])(
    '%s: operator sequence unchanged for arbitrary api/backend',
    (name) => {
      const recipe = recipes().get(name)!;
      const base = cmd(
        name === 'breaker'
          ? 'breaker shipping-backend'
          : name === 'why'
            ? 'why 500'
            : name === 'auth401'
              ? '401s'
              : name,
      );
      const benign = parameterValues({ ...base, api: 'orders-api', backend: 'shipping-backend' }).values;
      // The bare view keeps each parse small; the prelude is fixed text and cannot change with parameters.
      const expected = queryOperators(composeQuery(recipe, benign, ''));
      fc.assert(
        fc.property(hostile, hostile, (api, backend) => {
          const values = {
            ...benign,
            _api: { type: 'string' as const, value: api },
            _backend: { type: 'string' as const, value: backend },
          };
          expect(queryOperators(composeQuery(recipe, values, ''))).toEqual(expected);
        }),
        { numRuns: 20 },
      );
    },
  );

  it('string literals round-trip through the engine unchanged', () => {
    const ws = new Workspace();
    ws.addTable({ name: 'One', columns: [{ name: 'x', type: 'long' }], rows: [[1]] });
    fc.assert(
      fc.property(
        // eslint-disable-next-line no-control-regex -- control characters are exactly what is filtered out
        fc.string({ unit: 'grapheme', maxLength: 30 }).filter((s) => !/[\u0000-\u001f\u007f\u2028\u2029]/.test(s)),
        (s) => {
          const res = runQuery(ws, `One | extend v = ${kqlString(s)} | project v`, { now });
          expect(res.tables[0].rows[0][0]).toBe(s);
        },
      ),
      { numRuns: 80 },
    );
  });

  it('the parser never hands a hostile name to the planner', () => {
    fc.assert(
      fc.property(hostile, (name) => {
        const r = parseCommand(`why 500 on ${name}`, { now });
        if (r.ok && r.command.api !== undefined) expect(r.command.api).toMatch(/^[A-Za-z0-9._-]{1,80}$/);
        const b = parseCommand(`breaker ${name}`, { now });
        if (b.ok && b.command.kind === 'breaker') expect(b.command.backend).toMatch(/^[A-Za-z0-9._-]{1,80}$/);
      }),
      { numRuns: 200 },
    );
  });
});

it('RECIPE_FOR names an existing recipe for every command kind', () => {
  for (const name of Object.values(RECIPE_FOR)) expect(recipes().has(name)).toBe(true);
});
