import { mkdtempSync, readdirSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { DuplicateFinder, normalEmail, normalPhone } from './duplicate.finder';

let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'dups-spec-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('normalEmail and normalPhone', () => {
  it('compare addresses case-insensitively and numbers on their last ten digits', () => {
    expect(normalEmail(' Ana.Silva@Mail.Example ')).toBe('ana.silva@mail.example');
    expect(normalPhone('15125550100')).toBe('5125550100');
    expect(normalPhone('5550100')).toBe('5550100');
  });
});

describe('DuplicateFinder', () => {
  it('counts records sharing an email or a phone, each record once', async () => {
    const d = new DuplicateFinder(dir, 2);
    const rows: Array<[string | null, string | null]> = [
      ['a@x', '111'], // 0: shares email with 1 and phone with 3
      ['a@x', '222'], // 1
      ['b@x', '333'], // 2: alone
      ['c@x', '111'], // 3
      ['d@x', '444'], // 4: shares email with 5 and 6
      ['d@x', null], // 5
      ['d@x', '555'], // 6
      [null, '555'], // 7: shares phone with 6
    ];
    rows.forEach(([email, phone], i) => {
      if (email) d.add('contact', 'email', 'email', email, i);
      if (phone) d.add('contact', 'phone', 'phone', phone, i);
    });
    const r = await d.report('contact', [{ name: 'email', kind: 'email' }, { name: 'phone', kind: 'phone' }]);
    expect(r).toEqual({
      fields: ['email', 'phone'],
      email: { values: 2, records: 5, examples: [{ value: 'a@x', records: 2 }, { value: 'd@x', records: 3 }] },
      phone: { values: 2, records: 4, examples: [{ value: '111', records: 2 }, { value: '555', records: 2 }] },
      records: 7,
    });
  });

  it('counts a record once when two of its own fields hold the same value', async () => {
    const d = new DuplicateFinder(dir);
    d.add('contact', 'email', 'email', 'a@x', 0);
    d.add('contact', 'email2', 'email', 'a@x', 0);
    d.add('contact', 'email', 'email', 'b@x', 1);
    const alone = await d.report('contact', [{ name: 'email', kind: 'email' }, { name: 'email2', kind: 'email' }]);
    expect(alone).toMatchObject({ email: { values: 0, records: 0 }, records: 0 });
  });

  it('compares only the fields it is given, and drops every spill of the object afterwards', async () => {
    const d = new DuplicateFinder(dir, 1);
    for (let i = 0; i < 10; i++) d.add('contact', 'owner_email', 'email', 'owner@x', i);
    d.add('contact', 'email', 'email', 'a@x', 0);
    d.add('contact', 'email', 'email', 'b@x', 1);
    d.add('company', 'email', 'email', 'a@x', 0);
    const r = await d.report('contact', [{ name: 'email', kind: 'email' }]);
    expect(r).toMatchObject({ fields: ['email'], records: 0 });
    expect(readdirSync(dir).filter((f) => f.includes('contact'))).toEqual([]);
    expect(readdirSync(dir).filter((f) => f.includes('company')).length).toBeGreaterThan(0);
  });

  it('handles a large group without holding it in memory', async () => {
    const d = new DuplicateFinder(dir, 50);
    for (let i = 0; i < 3000; i++) d.add('contact', 'email', 'email', i % 3 === 0 ? 'info@company.example' : `p${i}@x`, i);
    const r = await d.report('contact', [{ name: 'email', kind: 'email' }]);
    expect(r.email).toEqual({ values: 1, records: 1000, examples: [{ value: 'info@company.example', records: 1000 }] });
    expect(r.records).toBe(1000);
  });
});
