import { daysFromCivil, parseDate, parseMoney, parseTimestamp } from './leaf360-values.parser';

const ok = <T>(value: T) => ({ ok: true, value });

describe('parseTimestamp', () => {
  it.each([
    ['2024-03-15', Date.UTC(2024, 2, 15)],
    ['2024-03-15T10:20:30Z', Date.UTC(2024, 2, 15, 10, 20, 30)],
    ['2024-03-15T10:20:30.123456Z', Date.UTC(2024, 2, 15, 10, 20, 30, 123)],
    ['2024-03-15 10:20:30', Date.UTC(2024, 2, 15, 10, 20, 30)],
    ['2024-03-15T10:20', Date.UTC(2024, 2, 15, 10, 20)],
    ['2024-03-15T10:20:30-05:00', Date.UTC(2024, 2, 15, 15, 20, 30)],
    ['2024-03-15T10:20:30+0530', Date.UTC(2024, 2, 15, 4, 50, 30)],
    ['03/15/2024', Date.UTC(2024, 2, 15)],
    ['3/5/2024', Date.UTC(2024, 2, 5)],
    ['1710498030000', 1710498030000],
    ['0001-01-01', Date.UTC(2000, 0, 1) - 730_119 * 86_400_000],
  ])('reads %s', (text, millis) => expect(parseTimestamp(text)).toEqual(ok(millis)));

  it.each(['31/31/2024', '2024-02-30', '2023-02-29', '2024-13-01', '2024-01-01T24:00:00Z', '1710498030', '15.03.2024', 'soon', '2024-3-15'])(
    'refuses %s',
    (text) => expect(parseTimestamp(text)).toEqual({ ok: false, problem: expect.stringContaining('which is not a date') }),
  );
});

describe('parseDate', () => {
  it('gives days since epoch, keeping the calendar date a datetime was written with', () => {
    expect(parseDate('1970-01-01')).toEqual(ok(0));
    expect(parseDate('2024-02-29')).toEqual(ok(daysFromCivil(2024, 2, 29)));
    expect(parseDate('2024-05-01T23:30:00-07:00')).toEqual(ok(daysFromCivil(2024, 5, 1)));
    expect(parseDate('1969-12-31')).toEqual(ok(-1));
    expect(parseDate('1714608000000')).toEqual(ok(daysFromCivil(2024, 5, 2)));
  });

  it('agrees with Date.UTC across four centuries', () => {
    for (let y = 1800; y <= 2200; y += 7) {
      for (const [m, d] of [[1, 1], [2, 28], [3, 1], [12, 31]]) {
        expect(daysFromCivil(y, m, d)).toBe(Date.UTC(y, m - 1, d) / 86_400_000);
      }
    }
  });
});

describe('parseMoney', () => {
  it.each([
    ['350000', '350000.00'],
    ['350000.5', '350000.50'],
    ['350,000.50', '350000.50'],
    ['$350,000.50', '350000.50'],
    ['$ 1,250,000', '1250000.00'],
    ['-$1,200', '-1200.00'],
    ['$-1200.1', '-1200.10'],
    ['0350000', '350000.00'],
    ['-0.00', '0.00'],
    ['350000.500', '350000.50'],
    ['9007199254740993.99', '9007199254740993.99'],
  ])('reads %s as %s', (text, canonical) => expect(parseMoney(text)).toEqual(ok(canonical)));

  it.each(['35O,000', '$1,23,456', '350.000,00', '12k', 'TBD', '--5', '-$-5', '.50', '1,000,00'])('refuses %s', (text) =>
    expect(parseMoney(text)).toEqual({ ok: false, problem: expect.stringContaining('not an amount of money') }),
  );

  it('refuses sub-cent amounts instead of rounding them', () => {
    expect(parseMoney('350000.505')).toEqual({ ok: false, problem: expect.stringContaining('more than 2 decimal places') });
  });
});
