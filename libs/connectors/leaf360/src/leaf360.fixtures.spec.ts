import { readFileSync } from 'fs';
import { join } from 'path';
import * as avro from 'avsc';
import { loadRecordSchema, type RejectCode, type SourceMessage } from '@ferry/connectors/core';
import { Leaf360Connector } from './leaf360.connector';

const connector = new Leaf360Connector();
const FIXTURES = join(__dirname, '..', 'fixtures');
const exported = connector.streams().filter((s) => s.export);

async function read(dir: string, stream: string): Promise<SourceMessage[]> {
  const out: SourceMessage[] = [];
  for await (const m of connector.readExport(dir, stream)) out.push(m);
  return out;
}

describe('fixtures/clean: a hand-written export drop of every object', () => {
  const dir = join(FIXTURES, 'clean');

  it.each(exported.map((s) => s.name))('reads %s into exactly the expected records', async (stream) => {
    const msgs = await read(dir, stream);
    const expected = JSON.parse(readFileSync(join(dir, 'expected', `${stream}.json`), 'utf8')) as Array<Record<string, unknown>>;
    expect(msgs.filter((m) => m.type === 'reject')).toEqual([]);
    expect(msgs.flatMap((m) => (m.type === 'record' ? [m.record] : []))).toEqual(expected);
    const type = avro.Type.forSchema(loadRecordSchema('leaf360', stream) as avro.Schema);
    for (const r of expected) {
      expect(type.isValid(r)).toBe(true);
      expect(connector.fromApiItem(stream, connector.toApiItem(stream, r))).toEqual({ record: r });
    }
  });

  it('passes the export check', async () => {
    expect(await connector.checkExport(dir)).toEqual({ ok: true, problems: [] });
  });
});

describe('fixtures/malformed: an export drop with broken rows in every file', () => {
  const dir = join(FIXTURES, 'malformed');
  const expected = JSON.parse(readFileSync(join(dir, 'expected-quarantine.json'), 'utf8')) as {
    rejects: Array<{ stream: string; file: string; line: number; code: RejectCode; reasonIncludes: string }>;
    /** rows whose one bad value sits in an optional column: read, with that field empty and the issue listed */
    emptied: Array<{ stream: string; file: string; line: number; key: string; field: string; code: RejectCode; value: string }>;
    records: Record<string, string[]>;
  };

  it.each(exported.map((s) => s.name))('quarantines exactly the expected %s rows, naming file and line, and reads the rest', async (stream) => {
    const msgs = await read(dir, stream);
    const want = expected.rejects.filter((r) => r.stream === stream);
    // every file has broken rows; in some (deals, pipelines) each one is a bad optional value, which is read
    expect(want.length + expected.emptied.filter((e) => e.stream === stream).length).toBeGreaterThan(0);
    const got = msgs.flatMap((m) => (m.type === 'reject' ? [m] : []));
    expect(got.map((r) => ({ stream: r.stream, file: r.origin.file, line: r.origin.line, code: r.code }))).toEqual(
      want.map(({ stream: s, file, line, code }) => ({ stream: s, file, line, code })),
    );
    got.forEach((r, i) => {
      expect(r.reason).toContain(want[i].reasonIncludes);
      expect(r.reason.startsWith(`${want[i].file} ${want[i].file.endsWith('.json') ? 'item' : 'line'} ${want[i].line}: `)).toBe(true);
    });
    const key = connector.streams().find((s) => s.name === stream)!.key;
    expect(msgs.flatMap((m) => (m.type === 'record' ? [m.record[key]] : []))).toEqual(expected.records[stream]);
  });

  it.each(exported.map((s) => s.name))('keeps the %s rows whose bad value is in an optional column, emptying it and naming file, line and value', async (stream) => {
    const msgs = await read(dir, stream);
    const key = connector.streams().find((s) => s.name === stream)!.key;
    const fields = loadRecordSchema('leaf360', stream).fields as Array<{ name: string; default?: unknown }>;
    const got = msgs.flatMap((m) =>
      m.type === 'record' && m.issues
        ? m.issues.map((i) => ({ stream, file: m.origin.file, line: m.origin.line, key: m.record[key], field: i.field, code: i.code, value: i.value, now: m.record[i.field] }))
        : [],
    );
    const want = expected.emptied.filter((e) => e.stream === stream);
    expect(got).toEqual(want.map((e) => ({ ...e, now: fields.find((f) => f.name === e.field)!.default ?? null })));
  });
});
