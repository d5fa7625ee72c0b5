import { runQuery } from '../../src/kql';
import { warmParser, NOW, T0 } from './helpers';
import { small } from './fixture';

beforeAll(warmParser, 60_000);

const m = 60000;
/** Evaluate one scalar expression on the first row of T (Name 'Alpha-One', Code 200, Ratio 1.5...). */
const first = (expr: string) => runQuery(small, `T | take 1 | project v = ${expr}`, { now: NOW }).tables[0].rows[0][0];
/** Evaluate a predicate against each row; the names of the rows where it holds. */
const matching = (pred: string) =>
  runQuery(small, `T | where ${pred} | project Name`, { now: NOW }).tables[0].rows.map((r) => r[0]);

describe('string predicates', () => {
  test.each<[string, string[]]>([
    ['Name == "Alpha-One"', ['Alpha-One']],
    ['Name == "alpha-one"', []], // == is case-sensitive
    ['Name =~ "alpha-one"', ['Alpha-One']],
    ['Name !~ "ALPHA-ONE"', ['beta two', 'Gamma_three', '']],
    ['Name != "Alpha-One"', ['beta two', 'Gamma_three', '']],
    ['Name has "one"', ['Alpha-One']], // whole term, case-insensitive
    ['Name has "alp"', []], // not a whole term
    ['Name has "TWO"', ['beta two']],
    ['Name has "beta two"', ['beta two']],
    ['Name has "three"', ['Gamma_three']], // terms are runs of ASCII letters/digits: "_" splits
    ['Name has "gamma_three"', ['Gamma_three']],
    ['Name has "amma"', []],
    ['Name !has "one"', ['beta two', 'Gamma_three', '']],
    ['Name has_cs "One"', ['Alpha-One']],
    ['Name has_cs "one"', []],
    ['Name contains "HA-o"', ['Alpha-One']],
    ['Name !contains "a"', ['']],
    ['Name contains_cs "alpha"', []],
    ['Name startswith "BETA"', ['beta two']],
    ['Name endswith "THREE"', ['Gamma_three']],
    ['Name !startswith "a"', ['beta two', 'Gamma_three', '']],
    ['Name in ("beta two", "x")', ['beta two']],
    ['Name in ("BETA TWO")', []],
    ['Name in~ ("BETA TWO")', ['beta two']],
    ['Name !in ("beta two", "")', ['Alpha-One', 'Gamma_three']],
    ['Name has_any ("two", "one")', ['Alpha-One', 'beta two']],
    ['Name has_all ("beta", "two")', ['beta two']],
    ['Code in (200, 500)', ['Alpha-One', '']],
    ['Code !in (200)', ['beta two', 'Gamma_three', '']], // like !=, null !in (...) is true
    ['Name matches regex "^[a-z]+ "', ['beta two']],
  ])('%s', (pred, expected) => {
    expect(matching(pred)).toEqual(expected);
  });
});

describe('nulls, logic and comparisons', () => {
  test.each<[string, string[]]>([
    ['isnull(Code)', ['Gamma_three']],
    ['isnotnull(Ratio)', ['Alpha-One', 'Gamma_three', '']],
    ['isempty(Name)', ['']],
    ['isnotempty(Name)', ['Alpha-One', 'beta two', 'Gamma_three']],
    ['isempty(Code)', ['Gamma_three']],
    ['isnull(Name)', []], // strings are never null
    ['not(Code > 300)', ['Alpha-One']], // not(null) is null: Gamma's row is out
    ['Code > 300 or Ratio > 2', ['beta two', 'Gamma_three', '']],
    ['Flag', ['Alpha-One', '']],
    ['Flag == false', ['beta two']],
    ['Code between (200 .. 401)', ['Alpha-One', 'beta two']],
    ['Code !between (200 .. 401)', ['']],
    ['TimeGenerated between (datetime(2026-11-23T10:05:00Z) .. 5m)', ['beta two', 'Gamma_three']],
    ['TimeGenerated > ago(50m)', ['']],
    ['TimeGenerated >= ago(50m)', ['Gamma_three', '']],
    ['TimeGenerated < now(-55m)', ['Alpha-One']],
  ])('%s', (pred, expected) => {
    expect(matching(pred)).toEqual(expected);
  });
});

describe('scalar functions', () => {
  test.each<[string, unknown]>([
    ['iff(Code > 100, "big", "small")', 'big'],
    ['iif(Code > 300, "big", "small")', 'small'],
    ['case(Code == 1, "one", Code == 200, "ok", "other")', 'ok'],
    ['case(Code == 1, "one", "other")', 'other'],
    ['coalesce("", Name)', 'Alpha-One'],
    ['coalesce(long(null), Code)', 200],
    ['strcat(Name, "/", Code, "/", Ratio)', 'Alpha-One/200/1.5'],
    ['substring(Name, 2, 3)', 'pha'],
    ['substring(Name, 6)', 'One'],
    ['strlen(Name)', 9],
    ['tolower(Name)', 'alpha-one'],
    ['toupper(Name)', 'ALPHA-ONE'],
    ['extract("([a-z]+)-(\\\\w+)", 2, Name)', 'One'],
    ['extract("zzz(.)", 1, Name)', ''],
    ['split(Name, "-")', ['Alpha', 'One']],
    ['split(Name, "-")[1]', 'One'],
    ['tostring(Code)', '200'],
    ['tostring(TimeGenerated)', '2026-11-23T10:00:00Z'],
    ['tostring(Props)', '{"x":"a","n":1}'],
    ['toint("42")', 42],
    ['tolong("x")', null],
    ['tolong(3.7)', 3],
    ['todouble("1.25")', 1.25],
    ['todatetime("2026-11-23 10:00:00")', new Date(T0)],
    ['todatetime("nope")', null],
    ['todatetime("11/23/2026 10:00:00")', new Date(T0)], // no zone means UTC, whatever the machine's zone
    ['todatetime("2026-11-23T12:00:00+02:00")', new Date(T0)],
    ['column_ifexists("Name", "fallback")', 'Alpha-One'],
    ['column_ifexists("Nope", "fallback")', 'fallback'],
    ['Props["x"]', 'a'],
    ['Props.n', 1],
    ['Props["missing"]', null],
    ['Errors[0].message', 'm1'],
    ['Errors[-1]["message"]', 'm1'],
    ['bin(Code, 150)', 150],
    ['bin(TimeGenerated, 1h)', new Date(T0)],
    ['floor(Ratio, 1.0)', 1],
    ['startofday(TimeGenerated)', new Date(Date.UTC(2026, 10, 23))],
    ['TimeGenerated + 1h - 30s', new Date(T0 + 60 * m - 30000)],
    ['now() - TimeGenerated', 60 * m],
    ['ago(1d)', new Date(NOW.getTime() - 24 * 60 * m)],
    ['datetime(2026-11-23T10:00:00Z) - 2h', new Date(T0 - 120 * m)],
    ['1h / 1m', 60],
    ['Code / 3', 66],
    ['Code / 3.0', 200 / 3],
    ['Code % 7', 4],
    ['-Code', -200],
    ['ingestion_time()', new Date(T0 + 2 * m)],
    ['strcat_delim("/", Name, Code)', 'Alpha-One/200'],
    ['parse_url("https://payments.corp.contoso.local:8443/v2/pay?x=1&y=2#f").Host', 'payments.corp.contoso.local'],
    ['parse_url("https://h/p?subscription-key=abc")["Query Parameters"]["subscription-key"]', 'abc'],
    ['parse_url("not a url")', {}],
    ['bag_pack("code", Code, "name", Name)', { code: 200, name: 'Alpha-One' }],
    ['pack("k", 1)', { k: 1 }],
    ['"a\\"b"', 'a"b'],
    ["'x'", 'x'],
    ['@"c:\\temp"', 'c:\\temp'],
    ['strcat("tab\\there")', 'tab\there'],
  ])('%s', (expr, expected) => {
    expect(first(expr)).toEqual(expected);
  });

  test('ingestion_time() is null when the input gave none', () => {
    const r = runQuery(small, 'T | where Name == "beta two" | project ingestion_time()', { now: NOW });
    expect(r.tables[0].rows).toEqual([[null]]);
  });

  test('comments and multi-line queries', () => {
    const q = `// leading comment
T // the table
| where Code == 401 // filter
| project
    Name`;
    expect(runQuery(small, q, { now: NOW }).tables[0].rows).toEqual([['beta two']]);
  });
});
