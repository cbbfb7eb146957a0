import type { StreamDefinition } from '@ferry/connectors/core';
import { alteredValue, changeableFields, changeFields, MutationRandom, newKeyLike } from './source-mutation.values';

const contact: StreamDefinition = {
  name: 'contact',
  key: 'contact_id',
  cursor: 'updated_at',
  references: [{ field: 'company_id', object: 'company' }],
  description: '',
};

describe('MutationRandom', () => {
  it('replays the same choices for the same seed', () => {
    const a = new MutationRandom(42);
    const b = new MutationRandom(42);
    const draw = (r: MutationRandom) => [r.next(), r.int(10), r.uuid(), r.shuffle([1, 2, 3, 4, 5])];
    expect(draw(a)).toEqual(draw(b));
    expect(draw(new MutationRandom(43))).not.toEqual(draw(new MutationRandom(42)));
  });

  it('makes version-4 UUIDs', () => {
    expect(new MutationRandom(1).uuid()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});

describe('newKeyLike', () => {
  const rng = new MutationRandom(7);

  it('keeps the prefix and the width of numbered keys', () => {
    expect(newKeyLike('CT-0000042', 1001, rng)).toBe('CT-0001001');
    expect(newKeyLike('77', 1001, rng)).toBe('1001');
    expect(newKeyLike('C-12', 123456, rng)).toBe('C-123456');
  });

  it('keeps numbers numbers and UUIDs UUIDs', () => {
    expect(newKeyLike(17, 18, rng)).toBe(18);
    const upper = newKeyLike('0F8FAD5B-D9CB-469F-A165-70867728950E', 1, rng) as string;
    expect(upper).toMatch(/^[0-9A-F]{8}-[0-9A-F]{4}-4[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}$/);
  });

  it('numbers a key without digits', () => {
    expect(newKeyLike('acme', 5, rng)).toBe('acme-5');
  });
});

describe('changing values', () => {
  const record = {
    contact_id: 'CT-1',
    company_id: 'CO-9',
    email: 'ana@example.com',
    score: 10,
    active: true,
    amount: '1200.50',
    birthday: '1990-02-03',
    stage: 'Won',
    phone: null,
    updated_at: 1000,
    custom: { a: 'b' },
  };

  it('never touches the key, the cursor, lookups or the custom map', () => {
    expect(changeableFields(contact, record).sort()).toEqual(['active', 'amount', 'birthday', 'email', 'phone', 'score', 'stage']);
  });

  it('alters each kind of value into another of the same kind', () => {
    const rng = new MutationRandom(3);
    expect(alteredValue(true, rng)).toBe(false);
    expect(alteredValue(10, rng)).toBeGreaterThan(10);
    expect(alteredValue('1200.50', rng)).toMatch(/^\d+\.\d{2}$/);
    expect(Number(alteredValue('1200.50', rng))).toBeGreaterThan(1200.5);
    expect(alteredValue('-0.05', new MutationRandom(1))).toMatch(/^\d+\.\d{2}$/);
    expect(alteredValue('1990-02-03', rng)).toMatch(/^1990-0[23]-\d{2}$/);
    expect(alteredValue('ana@example.com', rng)).toMatch(/^ana\.\d+@example\.com$/);
    expect(alteredValue('Won', rng)).toBe('Won (edited)');
    expect(alteredValue({}, rng)).toBeUndefined();
  });

  it('copies values from the donor where they differ, and returns a new object', () => {
    const donor = { ...record, stage: 'Lost', email: 'bo@example.com' };
    const { data, fields } = changeFields(contact, record, donor, new MutationRandom(5), 2);
    expect(fields.sort()).toEqual(['email', 'stage']);
    expect([data.email, data.stage]).toEqual(['bo@example.com', 'Lost']);
    expect(record.stage).toBe('Won');
  });

  it('alters values itself when the donor has nothing different', () => {
    for (let seed = 1; seed < 50; seed++) {
      const { data, fields } = changeFields(contact, record, record, new MutationRandom(seed), 1 + (seed % 2));
      expect(fields).toHaveLength(1 + (seed % 2));
      for (const f of fields) expect(data[f as keyof typeof data]).not.toEqual(record[f as keyof typeof record]);
      expect(fields).not.toContain('phone');
    }
  });
});
