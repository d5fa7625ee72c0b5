import { readRecipeHeader, RecipeFormatError, splitHeader, type RecipeHeader } from '../../src/recipes/header';

/** Header lines as the reader receives them: the comment text after `// `. */
const lines = (text: string): string[] => splitHeader(text.split('\n')).header;
const read = (text: string, file = 'recipes/why.kql'): RecipeHeader => readRecipeHeader(lines(text), file);

const WHY = `// id: why
// title: Who produced a status code
// answers: Who produced the <status> responses,
//   and which signatures they are.
// parameters:
//   _from: datetime (start of the current window)
//   _status: long (the HTTP status (as sent) the gateway returned)
// uses: $classifier (the signature catalog compiled to case(...) by the planner)
// rows: Kind "finding" as in triage;
//   "producers" = who produced the status
// sections:
//   producers: Who produced them | Producer, LastErrorSource, Requests | chart bar Producer Requests
//   breakdown: By reason: message | LastErrorReason, Requests

GatewayLogs
| take 1`;

/** The valid header with one line replaced (or removed, when `to` is undefined). */
function edited(from: string, to?: string): string {
  const out = WHY.split('\n').flatMap((l) => (l === from ? (to === undefined ? [] : [to]) : [l]));
  if (out.join('\n') === WHY) throw new Error(`the test header has no line "${from}"`);
  return out.join('\n');
}

test('splitHeader stops at the first KQL line and keeps the indentation that marks continuations', () => {
  const { header, bodyStart } = splitHeader(WHY.split('\n'));
  expect(bodyStart).toBe(WHY.split('\n').indexOf('GatewayLogs'));
  expect(header[0]).toBe('id: why');
  expect(header[3]).toBe('  and which signatures they are.');
});

test('reads every field of a complete header', () => {
  expect(read(WHY)).toEqual({
    id: 'why',
    title: 'Who produced a status code',
    answers: 'Who produced the <status> responses, and which signatures they are.',
    params: [
      { name: '_from', type: 'datetime', description: 'start of the current window' },
      { name: '_status', type: 'long', description: 'the HTTP status (as sent) the gateway returned' },
    ],
    placeholders: [{ name: '$classifier', description: 'the signature catalog compiled to case(...) by the planner' }],
    rows: 'Kind "finding" as in triage; "producers" = who produced the status',
    sections: [
      {
        kind: 'producers',
        title: 'Who produced them',
        columns: ['Producer', 'LastErrorSource', 'Requests'],
        chart: { kind: 'bar', x: 'Producer', y: 'Requests' },
      },
      { kind: 'breakdown', title: 'By reason: message', columns: ['LastErrorReason', 'Requests'] },
    ],
  });
});

test('optional fields may be left out', () => {
  const h = read('// id: apis\n// title: APIs\n// answers: Which APIs were called.\nGatewayLogs', 'apis.kql');
  expect([h.params, h.placeholders, h.rows, h.sections]).toEqual([[], [], '', []]);
});

test.each([
  [
    'a missing required field',
    edited('// title: Who produced a status code'),
    'header field "title": missing; add "// title: ..."',
  ],
  ['an unknown field', edited('// id: why', '// id: why\n// seed: recipe 4'), 'header field "seed": unknown field'],
  ['a field given twice', edited('// id: why', '// id: why\n// id: why'), 'header field "id": given twice'],
  [
    'an id that is not the file name',
    edited('// id: why', '// id: who'),
    'header field "id": "who" must match the file name (why.kql)',
  ],
  ['an id with capitals', edited('// id: why', '// id: Why'), 'header field "id": "Why" must be lower-case'],
  [
    'a parameter without a type',
    edited('//   _from: datetime (start of the current window)', '//   _from (start of the current window)'),
    'header field "parameters": cannot read "_from (start of the current window)"',
  ],
  [
    'a parameter of an unknown type',
    edited('//   _from: datetime (start of the current window)', '//   _from: number (start)'),
    'header field "parameters": cannot read "_from: number (start)"',
  ],
  [
    'a parameter declared twice',
    edited('//   _from: datetime (start of the current window)', '//   _status: long (again)'),
    'header field "parameters": _status is declared twice',
  ],
  [
    'a list written inline',
    edited('// parameters:', '// parameters: _to: datetime (end)'),
    'header field "parameters": put each item on its own indented line below "// parameters:"',
  ],
  [
    'a placeholder the planner does not fill',
    edited(
      '// uses: $classifier (the signature catalog compiled to case(...) by the planner)',
      '// uses: $backends (a list)',
    ),
    'header field "uses": $backends is not a placeholder the planner fills (known: $classifier, $causeApi)',
  ],
  [
    'a chart over a column the section does not have',
    edited(
      '//   breakdown: By reason: message | LastErrorReason, Requests',
      '//   breakdown: By reason | LastErrorReason, Requests | chart bar Signature Requests',
    ),
    'header field "sections": the "breakdown" chart uses Signature, which is not one of the section\'s columns',
  ],
  [
    'a section without columns',
    edited('//   breakdown: By reason: message | LastErrorReason, Requests', '//   breakdown: By reason'),
    'header field "sections": cannot read "breakdown: By reason"',
  ],
  [
    'a line that is no field',
    edited('// id: why', '// id: why\n// just a remark'),
    'cannot read header line "just a remark"',
  ],
])('rejects %s, naming the file and the field', (_what, text, message) => {
  let error: unknown;
  try {
    read(text);
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(RecipeFormatError);
  expect((error as Error).message.startsWith('recipes/why.kql: ')).toBe(true);
  expect((error as Error).message).toContain(message);
});

test('an indented line before any field is reported as such', () => {
  expect(() => read('//   _from: datetime (start)\n// id: why\nGatewayLogs')).toThrow(
    'recipes/why.kql: indented header line "_from: datetime (start)" continues no field',
  );
});
