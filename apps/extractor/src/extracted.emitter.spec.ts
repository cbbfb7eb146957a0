import * as avro from 'avsc';
import { extractedValueSchema } from '@ferry/contracts';
import type { ExtractedEvent } from '@ferry/contracts';
import { sourceConnector } from '@ferry/connectors/registry';
import type { OutgoingRecord } from '@ferry/kafka';
import type { DeadLetterInput, Runtime } from '@ferry/runtime';
import { ExtractedEmitter, type PendingRecord } from './extracted.emitter';

const type = avro.Type.forSchema(extractedValueSchema('leaf360', 'contact') as avro.Schema);
const header = Buffer.from([0, 0, 0, 0, 42]);
const stream = sourceConnector('leaf360').streams().find((s) => s.name === 'contact')!;

function setup() {
  const sent: OutgoingRecord[] = [];
  const letters: DeadLetterInput[] = [];
  const rt = {
    migration: 'm1',
    run: 'r1',
    codec: { writer: () => ({ type, header }) },
    producer: { send: async (out: OutgoingRecord[]) => (sent.push(...out), []) },
    deadLetter: async (l: DeadLetterInput[]) => void letters.push(...l),
  } as unknown as Runtime;
  return { emitter: new ExtractedEmitter(rt, 'leaf360', stream), sent, letters };
}

const contact = (over: Record<string, unknown> = {}) => ({
  contact_id: 'C-1', first_name: 'Ana', last_name: 'Díaz 🌿', email: 'ana@example.com', phone: null, job_title: null,
  company_id: 'CO-1', loan_officer: 'lo@example.com', loan_status: 'Processing', referral_source: null,
  created_at: 1_700_000_000_000, updated_at: 1_700_000_100_000, custom: { b: '2', a: '1' }, ...over,
});

function pending(e: ExtractedEmitter, r: Record<string, unknown>, line = 2): PendingRecord {
  const p = e.pending(r, { file: 'contacts.csv', line });
  if ('type' in p) throw new Error(p.reason);
  return p;
}

describe('ExtractedEmitter', () => {
  it('frames the once-encoded record into a value that decodes with the registered schema', async () => {
    const { emitter, sent } = setup();
    const p = pending(emitter, contact());
    await emitter.send([p, emitter.deletion('C-9', { file: 'contacts.csv' })], []);
    expect(sent).toHaveLength(2);
    expect(sent[0].wire!.subarray(0, 5)).toEqual(header);
    const event = type.fromBuffer(sent[0].wire!.subarray(5)) as ExtractedEvent;
    expect(event.record).toEqual(contact({ custom: { a: '1', b: '2' } }));
    expect(event.origin).toEqual({ file: 'contacts.csv', line: 2, resource: null });
    expect(event.envelope).toMatchObject({ migration: 'm1', run: 'r1', sourceSystem: 'leaf360', objectType: 'contact', sourceKey: 'C-1', operation: 'UPSERT', contentHash: p.hash, sourceModifiedAt: 1_700_000_100_000 });
    // byte for byte what encoding the whole event at once gives
    expect(sent[0].wire!.subarray(5)).toEqual(type.toBuffer(event));
    const del = type.fromBuffer(sent[1].wire!.subarray(5)) as ExtractedEvent;
    expect(del.record).toBeNull();
    expect(del.envelope).toMatchObject({ sourceKey: 'C-9', operation: 'DELETE' });
  });

  it('writes the same bytes when the stream-constant envelope fields do not lead the schema', async () => {
    // a schema whose envelope puts a per-event field first: nothing can be pre-encoded, and the bytes still match
    const schema = extractedValueSchema('leaf360', 'contact') as { fields: Array<{ name: string; type: { fields: Array<{ name: string }> } }> };
    const env = schema.fields[0].type;
    const reordered = { ...schema, fields: [{ ...schema.fields[0], type: { ...env, fields: [...env.fields.slice(4, 5), ...env.fields.slice(0, 4), ...env.fields.slice(5)] } }, ...schema.fields.slice(1)] };
    const other = avro.Type.forSchema(reordered as avro.Schema);
    const sent: OutgoingRecord[] = [];
    const rt = { migration: 'm1', run: 'r1', codec: { writer: () => ({ type: other, header }) }, producer: { send: async (out: OutgoingRecord[]) => (sent.push(...out), []) }, deadLetter: async () => undefined } as unknown as Runtime;
    const emitter = new ExtractedEmitter(rt, 'leaf360', stream);
    await emitter.send([pending(emitter, contact())], []);
    const event = other.fromBuffer(sent[0].wire!.subarray(5)) as ExtractedEvent;
    expect(event.envelope).toMatchObject({ sourceKey: 'C-1', migration: 'm1', run: 'r1', sourceSystem: 'leaf360', objectType: 'contact' });
    expect(sent[0].wire!.subarray(5)).toEqual(other.toBuffer(event));
  });

  it('hashes content, not the order fields or custom keys were read in', () => {
    const { emitter } = setup();
    const a = pending(emitter, contact());
    const reordered = Object.fromEntries(Object.entries(contact({ custom: { a: '1', b: '2' } })).reverse());
    expect(pending(emitter, reordered).hash).toBe(a.hash);
    expect(pending(emitter, contact({ email: 'ana2@example.com' })).hash).not.toBe(a.hash);
    expect(pending(emitter, contact({ custom: { a: '1', b: '3' } })).hash).not.toBe(a.hash);
    expect(a.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('turns a record without a key, or one that does not fit the schema, into a reject naming the line', () => {
    const { emitter } = setup();
    const noKey = emitter.pending(contact({ contact_id: '' }), { file: 'contacts.csv', line: 7 });
    expect(noKey).toMatchObject({ type: 'reject', code: 'MISSING_VALUE' });
    expect((noKey as { reason: string }).reason).toContain('contacts.csv line 7');
    const bad = emitter.pending(contact({ created_at: 'yesterday' }), { file: 'contacts.csv', line: 9 });
    expect(bad).toMatchObject({ type: 'reject', code: 'BAD_RECORD' });
    expect((bad as { reason: string }).reason).toMatch(/contacts\.csv line 9: record C-1 .*created_at="yesterday"/);
  });

  it('keeps earlier frames intact when the shared buffer fills up', async () => {
    const { emitter, sent } = setup();
    const many = Array.from({ length: 2000 }, (_, i) => pending(emitter, contact({ contact_id: `C-${i}`, first_name: 'x'.repeat(i % 300) }), i + 2));
    await emitter.send(many, []);
    sent.forEach((o, i) => {
      const e = type.fromBuffer(o.wire!.subarray(5)) as ExtractedEvent;
      expect(e.envelope.sourceKey).toBe(`C-${i}`);
      expect((e.record as { first_name: string }).first_name).toBe('x'.repeat(i % 300));
    });
  });
});
