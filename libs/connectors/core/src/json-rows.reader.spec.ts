import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { readExportRows, type ExportRow, type ExportRowsOptions } from './export-rows.reader';
import type { ExportLocation } from './source.connector';

const FIXTURES = join(__dirname, '..', 'fixtures', 'json');

async function read(location: ExportLocation, options?: ExportRowsOptions, dir = FIXTURES): Promise<ExportRow[]> {
  const out: ExportRow[] = [];
  for await (const row of readExportRows(join(dir, location.file), location, options)) out.push(row);
  return out;
}

const brief = (rows: ExportRow[]) => rows.map((r) => (r.kind === 'row' ? `${r.line}:${String(r.values.id)}` : `${r.line}:${r.code}`));

describe('readExportRows (JSON)', () => {
  let tmp: string;
  beforeAll(() => {
    tmp = mkdtempSync(join(tmpdir(), 'ferry-json-'));
  });
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('streams the items of a top-level array, numbered from 1, rejecting items that are not objects', async () => {
    const rows = await read({ file: 'contacts.json', format: 'json' });
    expect(brief(rows)).toEqual(['1:c1', '2:c2', '3:BAD_JSON', '4:c4']);
    expect(rows[0]).toEqual({
      kind: 'row',
      line: 1,
      values: { id: 'c1', first_name: 'Çağla', age: 31, amount: '1.50', big_id: '12345678901234567890', address: { city: 'İzmir' } },
      raw: null,
    });
    expect((rows[1] as Extract<ExportRow, { kind: 'row' }>).values).toEqual({ id: 'c2', first_name: 'Ada', tags: ['vip', 'partner'], active: true, note: null });
    expect(rows[2]).toEqual({ kind: 'reject', line: 3, code: 'BAD_JSON', reason: 'contacts.json item 3: the item is a string, not an object; it was skipped', raw: '"not an object"' });
    expect((rows[3] as Extract<ExportRow, { kind: 'row' }>).values.escaped).toBe('tab\there "quoted" é');
  });

  it('finds the array under a dotted arrayPath, past a byte-order mark and decoys', async () => {
    const rows = await read({ file: 'contacts-wrapped.json', format: 'json', arrayPath: 'data.contacts' });
    expect(brief(rows)).toEqual(['1:w1', '2:w2']);
  });

  it('says which properties there are when the arrayPath is not there', async () => {
    expect(await read({ file: 'contacts-wrapped.json', format: 'json', arrayPath: 'contacts' })).toEqual([
      {
        kind: 'reject',
        line: 0,
        code: 'BAD_JSON',
        reason: 'contacts-wrapped.json: the top-level object has no "contacts" array of items (its properties: meta, data)',
        raw: null,
      },
    ]);
    expect(brief(await read({ file: 'contacts-wrapped.json', format: 'json', arrayPath: 'data.count' }))).toEqual(['0:BAD_JSON']);
    expect((await read({ file: 'contacts-object.json', format: 'json' }))[0]).toMatchObject({
      reason: "contacts-object.json: the document is not an array of items; if the items sit under a property, name it as the export location's arrayPath",
    });
  });

  it('stops at a syntax error with one reject naming the byte offset', async () => {
    const rows = await read({ file: 'contacts-broken.json', format: 'json' });
    const text = readFileSync(join(FIXTURES, 'contacts-broken.json'), 'utf8');
    const offset = Buffer.byteLength(text.slice(0, text.indexOf('"first_name": "Linus"')));
    expect(rows).toEqual([
      { kind: 'row', line: 1, values: { id: 'b1', first_name: 'Ada' }, raw: null },
      { kind: 'row', line: 2, values: { id: 'b2', first_name: 'Grace' }, raw: null },
      {
        kind: 'reject',
        line: 3,
        code: 'BAD_JSON',
        reason: `contacts-broken.json item 3: invalid JSON at byte offset ${offset} (line 4, column 15): expected ','; items up to 2 were read, nothing after it can be read, so fix the file and export it again`,
        raw: null,
      },
    ]);
  });

  it('locates a syntax error far into a large file', async () => {
    const items = Array.from({ length: 30000 }, (_, i) => `{"id":"x${i}","note":"ünïcödé ${i}"}`);
    const good = `[${items.slice(0, 20000).join(',')},`;
    writeFileSync(join(tmp, 'late.json'), `${good}{"id": "y" "z"}]`);
    const rows = await read({ file: 'late.json', format: 'json' }, {}, tmp);
    expect(rows).toHaveLength(20001);
    const last = rows[20000] as Extract<ExportRow, { kind: 'reject' }>;
    expect(last.code).toBe('BAD_JSON');
    expect(last.reason).toContain(`invalid JSON at byte offset ${Buffer.byteLength(good) + 11} (line 1, column ${good.length + 12}): expected ','`);
  });

  it('reports a document cut short at its end', async () => {
    writeFileSync(join(tmp, 'cut.json'), '[{"id": "a"}, {"id": "b"');
    const rows = await read({ file: 'cut.json', format: 'json' }, {}, tmp);
    expect(brief(rows)).toEqual(['1:a', '2:BAD_JSON']);
    expect((rows[1] as Extract<ExportRow, { kind: 'reject' }>).reason).toMatch(/^cut\.json item 2: invalid JSON at byte offset 24 /);
    writeFileSync(join(tmp, 'garbage.json'), 'hello');
    expect((await read({ file: 'garbage.json', format: 'json' }, {}, tmp))[0]).toMatchObject({
      code: 'BAD_JSON',
      reason: expect.stringMatching(/^garbage\.json: invalid JSON at byte offset 0 \(line 1, column 1\): expected a value;/),
    });
    writeFileSync(join(tmp, 'blank.json'), '  \n');
    expect(await read({ file: 'blank.json', format: 'json' }, {}, tmp)).toEqual([
      { kind: 'reject', line: 0, code: 'BAD_JSON', reason: 'blank.json: the file holds no JSON value', raw: null },
    ]);
  });

  it('resumes at an item index without building the items before it', async () => {
    expect(brief(await read({ file: 'contacts.json', format: 'json' }, { fromPosition: 3 }))).toEqual(['3:BAD_JSON', '4:c4']);
  });
});

describe('readExportRows (NDJSON)', () => {
  it('reads one object per line, skips blank lines and rejects bad lines one by one', async () => {
    const rows = await read({ file: 'contacts.ndjson', format: 'ndjson' });
    expect(brief(rows)).toEqual(['1:n1', '3:n2', '4:BAD_JSON', '5:BAD_JSON', '6:BAD_JSON', '7:n7']);
    expect(rows[1]).toEqual({ kind: 'row', line: 3, values: { id: 'n2', first_name: 'Grace', age: 85 }, raw: '{"id": "n2", "first_name": "Grace", "age": 85}' });
    const reasons = rows.flatMap((r) => (r.kind === 'reject' ? [r.reason] : []));
    expect(reasons).toEqual([
      'contacts.ndjson line 4: the line is not valid JSON (expected a value); it was skipped',
      'contacts.ndjson line 5: the line holds an array, not an object; it was skipped',
      'contacts.ndjson line 6: the line is not valid JSON (more than one JSON value on the line); it was skipped',
    ]);
    expect(rows[2].raw).toBe('{"id": "n3", "first_name": ');
  });

  it('resumes at a line', async () => {
    expect(brief(await read({ file: 'contacts.ndjson', format: 'ndjson' }, { fromPosition: 5 }))).toEqual(['5:BAD_JSON', '6:BAD_JSON', '7:n7']);
  });

  it('numbers lines exactly across read chunks, with blank, broken and over-long lines', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'ferry-ndjson-'));
    try {
      const lines: string[] = [];
      const expected: string[] = [];
      for (let i = 1; i <= 40000; i++) {
        if (i % 997 === 0) {
          lines.push('');
          continue;
        }
        if (i % 1009 === 0) {
          lines.push('{"id": "broken"');
          expected.push(`${i}:BAD_JSON`);
          continue;
        }
        if (i === 20001) {
          lines.push(`{"id": "${'x'.repeat(1024 * 1024)}"}`);
          expected.push(`${i}:ROW_TOO_LONG`);
          continue;
        }
        lines.push(JSON.stringify({ id: `r${i}`, note: 'ü'.repeat(i % 50) }));
        expected.push(`${i}:r${i}`);
      }
      writeFileSync(join(tmp, 'many.ndjson'), lines.join('\r\n'));
      const rows = await read({ file: 'many.ndjson', format: 'ndjson' }, {}, tmp);
      expect(brief(rows)).toEqual(expected);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});
