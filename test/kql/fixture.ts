import { cols, T0, workspace } from './helpers';

const m = 60000;
/** A small table whose answers are easy to work out by hand. */
export const small = workspace(
  {
    name: 'T',
    columns: cols(
      'TimeGenerated:datetime, Name:string, Code:long, Ratio:real, Flag:bool, Props:dynamic, Errors:dynamic',
    ),
    rows: [
      [new Date(T0 + 10 * m), 'Gamma_three', null, 2.5, null, null, null],
      [new Date(T0), 'Alpha-One', 200, 1.5, true, { x: 'a', n: 1 }, [{ message: 'm1' }]],
      ['2026-11-23T10:05:00Z', 'beta two', 401, null, false, '{"x":"b"}', []],
      [new Date(T0 + 15 * m), '', 500, 0.5, true, { y: 2 }, [{ message: 'm4' }, { message: 'm5' }]],
    ],
    ingestionTimeOf: (row) => (row[1] === 'Alpha-One' ? new Date(T0 + 2 * m) : null),
  },
  {
    name: 'Owners',
    columns: cols('Code:long, Owner:string'),
    rows: [
      [200, 'ok-team'],
      [401, 'auth-team'],
      [401, 'auth-team-2'],
      [999, 'nobody'],
    ],
  },
);
