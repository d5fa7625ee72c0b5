/**
 * Scalar functions and aggregates beyond the basics. Expected values are worked out by hand, most from
 * the examples on each function's Kusto documentation page (datetimes at millisecond resolution) (https://learn.microsoft.com/kusto/query/).
 */
import { rowsOf, warmParser } from './helpers';
import { small } from './fixture';

beforeAll(warmParser, 60_000);

/** Evaluate `print` expressions and return the single row. */
const one = (exprs: string) => rowsOf(small, `print ${exprs}`)[0];

describe('dates and times', () => {
  test('format_datetime (format-datetime-function examples)', () => {
    expect(
      one(
        `a = format_datetime(datetime(2015-12-14 02:03:04.123), 'y-M-d h:m:s.fffffff'), ` +
          `b = format_datetime(datetime(2015-12-14 02:03:04.123), 'yy-MM-dd hh:mm:ss'), ` +
          `c = format_datetime(datetime(2015-12-14 14:03:04), 'yyyy-MM-dd [HH:mm:ss] tt')`,
      ),
    ).toEqual({ a: '15-12-14 2:3:4.1230000', b: '15-12-14 02:03:04', c: '2015-12-14 [14:03:04] PM' });
  });

  test('datetime_add, with month ends clamped (datetime-add-function)', () => {
    expect(
      one(
        `y = datetime_add('year', 1, datetime(2017-01-01)), m = datetime_add('month', 1, datetime(2017-01-31)), ` +
          `h = datetime_add('hour', -2, datetime(2017-01-01))`,
      ),
    ).toEqual({
      y: new Date('2018-01-01T00:00:00Z'),
      m: new Date('2017-02-28T00:00:00Z'),
      h: new Date('2016-12-31T22:00:00Z'),
    });
  });

  test('bin_at (bin-at-function examples)', () => {
    expect(
      one(
        `a = bin_at(6.5, 2.5, 7), b = bin_at(1h, 1d, 12h), ` +
          `c = bin_at(datetime(2017-05-15 10:20:00), 1d, datetime(1970-01-01 12:00:00))`,
      ),
    ).toEqual({ a: 4.5, b: -12 * 3_600_000, c: new Date('2017-05-14T12:00:00Z') });
  });

  test('endofmonth, getmonth, week_of_year (ISO 8601), make_datetime, startofyear', () => {
    expect(
      one(
        `e = endofmonth(datetime(2017-02-15)), g = getmonth(datetime(2015-10-12)), ` +
          `w = week_of_year(datetime(2021-01-01)), w2 = week_of_year(datetime(2020-12-31)), ` +
          `d = make_datetime(2017, 10, 1, 12, 10), s = startofyear(datetime(2017-05-06))`,
      ),
    ).toEqual({
      e: new Date('2017-02-28T23:59:59.999Z'),
      g: 10,
      w: 53,
      w2: 53,
      d: new Date('2017-10-01T12:10:00Z'),
      s: new Date('2017-01-01T00:00:00Z'),
    });
  });
});

describe('numbers', () => {
  test('ceiling, pow, isnan, isinf', () => {
    expect(one('c = ceiling(-1.1), p = pow(2, 10), n = isnan(sqrt(-1.0)), i = isinf(1.0 / 0.0)')).toEqual({
      c: -1,
      p: 1024,
      n: true,
      i: true,
    });
  });
});

describe('strings', () => {
  test('replace_regex with a group reference (replace-regex-function)', () => {
    expect(one(`r = replace_regex('Number was: 5', @'was: (\\d+)', @'is: \\1')`)).toEqual({ r: 'Number is: 5' });
  });

  test('extract_all with one and with two groups (extract-all-function)', () => {
    expect(one(`a = extract_all(@'(\\d+)', 'a 12 b 345'), ` + `b = extract_all(@'(\\w)=(\\d)', 'x=1, y=2')`)).toEqual({
      a: ['12', '345'],
      b: [
        ['x', '1'],
        ['y', '2'],
      ],
    });
  });

  test('trim_start, trim_end, strcat_array, base64, url_decode', () => {
    expect(
      one(
        `s = trim_start(@'[-]+', '--ab--'), e = trim_end(@'[-]+', '--ab--'), ` +
          `j = strcat_array(dynamic([1, 2, 3]), '-'), b = base64_encode_tostring('Kusto1'), ` +
          `d = base64_decode_tostring('S3VzdG8x'), u = url_decode('https%3a%2f%2fwww.bing.com%2f')`,
      ),
    ).toEqual({ s: 'ab--', e: '--ab', j: '1-2-3', b: 'S3VzdG8x', d: 'Kusto1', u: 'https://www.bing.com/' });
  });

  test('format_bytes (format-bytes-function examples)', () => {
    expect(
      one(
        `a = format_bytes(564), b = format_bytes(10332, 1), c = format_bytes(20010332), ` +
          `d = format_bytes(20010332, 2), e = format_bytes(20010332, 0, 'KB')`,
      ),
    ).toEqual({ a: '564 Bytes', b: '10.1 KB', c: '19 MB', d: '19.08 MB', e: '19541 KB' });
  });
});

describe('dynamic values', () => {
  test('pack_array, array_concat, array_slice, set_has_element, bag_keys', () => {
    expect(
      one(
        `p = pack_array(1, 'a'), c = array_concat(dynamic([1, 2]), dynamic([3])), ` +
          `s = array_slice(dynamic([1, 2, 3, 4]), 1, 2), t = array_slice(dynamic([1, 2, 3, 4]), -2, -1), ` +
          `h = set_has_element(dynamic(['a', 'b']), 'b'), k = bag_keys(dynamic({'x': 1, 'y': 2}))`,
      ),
    ).toEqual({ p: [1, 'a'], c: [1, 2, 3], s: [2, 3], t: [3, 4], h: true, k: ['x', 'y'] });
  });
});

describe('series and digests', () => {
  test('series_add with a scalar, fill forward/backward/const, stats (series-*-function pages)', () => {
    expect(
      one(
        `a = series_add(dynamic([1, 2, null]), 10), f = series_fill_forward(dynamic([null, 1, null, 3])), ` +
          `b = series_fill_backward(dynamic([null, 1, null, 3])), c = series_fill_const(dynamic([null, 2]), 0), ` +
          `s = series_stats_dynamic(dynamic([1, 2, 3]))`,
      ),
    ).toEqual({
      a: [11, 12, null],
      f: [null, 1, 1, 3],
      b: [1, 1, 3, 3],
      c: [0, 2],
      s: { min: 1, min_idx: 0, max: 3, max_idx: 2, avg: 2, stdev: 1, variance: 1 },
    });
  });

  test('hash_sha256 and hash_md5 of the empty string (the standard test vectors)', () => {
    expect(one(`s = hash_sha256(''), m = hash_md5('')`)).toEqual({
      s: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
      m: 'd41d8cd98f00b204e9800998ecf8427e',
    });
  });
});

describe('ipv4', () => {
  test('ipv4_is_private, ipv4_is_in_range, parse_ipv4, ipv4_compare', () => {
    expect(
      one(
        `p = ipv4_is_private('10.1.2.3'), q = ipv4_is_private('8.8.8.8'), ` +
          `r = ipv4_is_in_range('192.168.1.6', '192.168.1.1/24'), n = parse_ipv4('127.0.0.1'), ` +
          `c = ipv4_compare('127.0.0.1', '127.0.0.2')`,
      ),
    ).toEqual({ p: true, q: false, r: true, n: 2130706433, c: -1 });
  });
});

describe('aggregates', () => {
  test('stdev and variance are the sample forms; stdevp the population form', () => {
    // Code: 200, 401, 500 (one null): mean 367; squared deviations 27889 + 1156 + 17689 = 46734
    const [r] = rowsOf(small, 'T | summarize v = variance(Code), s = stdev(Code), p = stdevp(Code)');
    expect(r.v).toBeCloseTo(46734 / 2, 9);
    expect(r.s).toBeCloseTo(Math.sqrt(46734 / 2), 9);
    expect(r.p).toBeCloseTo(Math.sqrt(46734 / 3), 9);
  });

  test('count_distinct, percentiles_array, make_bag', () => {
    expect(
      rowsOf(
        small,
        'T | summarize d = count_distinct(Flag), p = percentiles_array(Code, 50, 100), b = make_bag(Props)',
      ),
    ).toEqual([{ d: 2, p: [401, 500], b: { x: 'a', n: 1, y: 2 } }]);
  });
});
