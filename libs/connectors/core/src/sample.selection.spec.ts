import { inSample, rejectRankId, sampleRank, selectSample } from './sample.selection';
import type { SourceMessage, StreamDefinition } from './source.connector';

const def = (name: string, key: string, references: StreamDefinition['references'] = []): StreamDefinition => ({
  name,
  key,
  cursor: null,
  references,
  export: { file: `${name}.csv`, format: 'csv' },
  description: name,
});

const company = def('company', 'company_id', [{ field: 'parent_company_id', object: 'company' }]);
const contact = def('contact', 'contact_id', [{ field: 'company_id', object: 'company' }]);
const deal = def('deal', 'deal_id', [
  { field: 'contact_id', object: 'contact' },
  { field: 'company_id', object: 'company' },
]);

function source(rows: Record<string, Array<Record<string, unknown>>>, rejects: Record<string, number[]> = {}) {
  const reads = new Map<string, number>();
  const read = async function* (stream: string): AsyncIterable<SourceMessage> {
    reads.set(stream, (reads.get(stream) ?? 0) + 1);
    let line = 1;
    for (const record of rows[stream] ?? []) {
      line++;
      if (rejects[stream]?.includes(line)) yield { type: 'reject', stream, origin: { file: `${stream}.csv`, line }, code: 'CSV_BAD_QUOTE', reason: 'bad', raw: '' };
      yield { type: 'record', stream, record, origin: { file: `${stream}.csv`, line } };
    }
  };
  return { read, reads };
}

// 40 companies, each the parent of the next; 200 contacts over them; 300 deals over the contacts.
const companies = Array.from({ length: 40 }, (_, i) => ({ company_id: `co${i}`, parent_company_id: i > 0 ? `co${i - 1}` : null }));
const contacts = Array.from({ length: 200 }, (_, i) => ({ contact_id: `c${i}`, company_id: `co${i % 40}` }));
const deals = Array.from({ length: 300 }, (_, i) => ({ deal_id: `d${i}`, contact_id: `c${(i * 7) % 200}`, company_id: i % 10 === 0 ? 'co-gone' : null }));

describe('selectSample', () => {
  it('takes N of every object and closes over the parents they reference, transitively', async () => {
    const { read } = source({ company: companies, contact: contacts, deal: deals });
    const s = await selectSample([company, contact, deal], read, 10);
    expect(s.keys.get('deal')!.size).toBe(10);
    expect(s.counts.get('deal')).toEqual({ ranked: 10, parents: 0, total: 10 });
    // every lookup a chosen record carries points at a chosen record, or at one the source does not have
    const has = (o: string, k: unknown) => s.keys.get(o)!.has(String(k));
    for (const d of deals.filter((x) => has('deal', x.deal_id))) {
      expect(has('contact', d.contact_id)).toBe(true);
      if (d.company_id) expect(d.company_id).toBe('co-gone');
    }
    for (const c of contacts.filter((x) => has('contact', x.contact_id))) expect(has('company', c.company_id)).toBe(true);
    // a parent chain is followed to its root: a chosen company brings every ancestor
    for (const c of companies.filter((x) => has('company', x.company_id))) if (c.parent_company_id) expect(has('company', c.parent_company_id)).toBe(true);
    expect(s.keys.get('contact')!.size).toBeGreaterThanOrEqual(10);
    expect(s.counts.get('company')!.parents).toBeGreaterThan(0);
    // a reference the source itself cannot satisfy stays an orphan, counted, as it would in a full run
    expect(s.dangling).toBe(1);
  });

  it('spreads the choice by key hash rather than taking the first rows, and chooses the same on every run', async () => {
    const { read } = source({ deal: deals });
    const a = await selectSample([def('deal', 'deal_id')], read, 15);
    const b = await selectSample([def('deal', 'deal_id')], read, 15);
    expect([...a.keys.get('deal')!].sort()).toEqual([...b.keys.get('deal')!].sort());
    const expected = deals.map((d) => d.deal_id).sort((x, y) => (sampleRank('deal', x) < sampleRank('deal', y) ? -1 : 1)).slice(0, 15);
    expect([...a.keys.get('deal')!].sort()).toEqual(expected.sort());
    const positions = [...a.keys.get('deal')!].map((k) => Number(k.slice(1)));
    expect(Math.max(...positions)).toBeGreaterThan(150);
  });

  it('takes a whole object smaller than N, and reads a stream again only to find parents', async () => {
    const { read, reads } = source({ company: companies.slice(0, 3), contact: contacts });
    const s = await selectSample([company, contact], read, 5);
    expect(s.keys.get('company')!.size).toBe(3);
    expect(s.keys.get('contact')!.size).toBe(5);
    expect(reads.get('contact')).toBe(1);
  });

  it('samples quarantined rows in proportion, and every one of a small object', async () => {
    const rejectLines = Array.from({ length: 100 }, (_, i) => i * 3 + 2);
    const { read } = source({ deal: deals }, { deal: rejectLines });
    const s = await selectSample([def('deal', 'deal_id')], read, 30);
    const kept = rejectLines.filter((line) => inSample(s, def('deal', 'deal_id'), { type: 'reject', stream: 'deal', origin: { file: 'deal.csv', line }, code: 'CSV_BAD_QUOTE', reason: '', raw: null }));
    // 30 of 300 records: about a tenth of the 100 bad rows, decided by the same hash on every run
    expect(kept.length).toBeGreaterThan(0);
    expect(kept.length).toBeLessThan(40);
    expect(kept.every((line) => sampleRank('deal', rejectRankId('deal.csv', line)) <= s.rejectThreshold.get('deal')!)).toBe(true);
    const small = await selectSample([def('deal', 'deal_id')], source({ deal: deals.slice(0, 5) }, { deal: [3] }).read, 30);
    expect(inSample(small, def('deal', 'deal_id'), { type: 'reject', stream: 'deal', origin: { file: 'deal.csv', line: 3 }, code: 'CSV_BAD_QUOTE', reason: '', raw: null })).toBe(true);
  });

  it('accepts only chosen records, and every state message', async () => {
    const { read } = source({ deal: deals });
    const d = def('deal', 'deal_id');
    const s = await selectSample([d], read, 3);
    const chosen = [...s.keys.get('deal')!][0];
    const other = deals.map((x) => x.deal_id).find((k) => !s.keys.get('deal')!.has(k))!;
    expect(inSample(s, d, { type: 'record', stream: 'deal', record: { deal_id: chosen }, origin: {} })).toBe(true);
    expect(inSample(s, d, { type: 'record', stream: 'deal', record: { deal_id: other }, origin: {} })).toBe(false);
    expect(inSample(s, d, { type: 'state', stream: 'deal', state: { position: 9 } })).toBe(true);
  });
});
