import { ShiftDetector } from './shift.detector';

const COLUMNS = ['id', 'name', 'email', 'phone', 'created'];
const DOMINANT: Record<string, string | null> = { id: 'text', name: 'text', email: 'email', phone: 'phone', created: 'date' };

function detect(rows: Array<Array<string | null>>) {
  const d = new ShiftDetector((c) => DOMINANT[c] ?? null);
  rows.forEach((groups, i) => d.add(i + 2, COLUMNS, groups));
  return d.result();
}

describe('ShiftDetector', () => {
  it.each([
    ['a row in place', ['text', 'text', 'email', 'phone', 'date'], null],
    ['pushed right: a name under email, the email under phone, the phone under created', ['text', null, 'text', 'email', 'phone'], { direction: 'right', columns: ['email', 'phone', 'created'] }],
    ['pulled left: email under name, phone under email, date under phone', ['text', 'email', 'phone', 'date', null], { direction: 'left', columns: ['name', 'email', 'phone'] }],
    ['one odd cell is not a shift', ['text', 'text', 'email', 'email', 'date'], null],
    ['blanks say nothing', [null, null, null, null, null], null],
  ] as const)('%s', (_what, groups, expected) => {
    const r = detect([groups as unknown as Array<string | null>]);
    if (expected === null) expect(r).toEqual({ rows: 0, examples: [] });
    else expect(r).toEqual({ rows: 1, examples: [{ line: 2, ...expected }] });
  });

  it('holds the first rows until the columns are known, then checks them too', () => {
    const shifted: Array<string | null> = ['text', null, 'text', 'email', 'phone'];
    const fine: Array<string | null> = ['text', 'text', 'email', 'phone', 'date'];
    const rows = Array.from({ length: 450 }, (_, i) => (i === 3 || i === 300 ? shifted : fine));
    expect(detect(rows).examples.map((e) => e.line)).toEqual([5, 302]);
  });
});
