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
    records: Record<string, string[]>;
  };

  it.each(exported.map((s) => s.name))('quarantines exactly the expected %s rows, naming file and line, and reads the rest', async (stream) => {
    const msgs = await read(dir, stream);
    const want = expected.rejects.filter((r) => r.stream === stream);
    expect(want.length).toBeGreaterThan(0);
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
});
