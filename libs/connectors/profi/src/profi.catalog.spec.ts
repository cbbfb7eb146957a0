import { readdirSync } from 'fs';
import { join } from 'path';
import { loadRecordSchema } from '@ferry/connectors/core';
import { PROFI_API_ITEMS } from './profi.api';
import { PROFI_EXPORT_COLUMNS, PROFI_EXPORT_FILES, PROFI_STREAMS, profiStream, type ProfiExportStream } from './profi.catalog';

type Field = { name: string; type: unknown; default?: unknown; 'ferry.kind'?: string };
const fieldsOf = (stream: string) => loadRecordSchema('profi', stream).fields as Field[];
const names = (stream: string) => fieldsOf(stream).map((f) => f.name);
const streams = PROFI_STREAMS.map((s) => s.name);
const TIMESTAMP = ['null', { type: 'long', logicalType: 'timestamp-millis' }];

describe('the Profi catalog', () => {
  it('lists every object the scoping names, once each, and a schema file for each and no other', () => {
    expect(new Set(streams).size).toBe(streams.length);
    for (const s of ['client', 'company', 'session', 'program', 'enrollment', 'payment', 'coach', 'note', 'attachment', 'custom_field', 'reminder_sequence']) {
      expect(streams).toContain(s);
    }
    const files = readdirSync(join(__dirname, '..', '..', '..', '..', 'schemas', 'profi')).map((f) => f.replace(/\.avsc$/, ''));
    expect(files.sort()).toEqual([...streams].sort());
  });

  it('names a string key and a timestamp cursor the schema holds, and nullable timestamps for created_at and updated_at', () => {
    for (const def of PROFI_STREAMS) {
      expect(fieldsOf(def.name).find((f) => f.name === def.key)?.type).toBe('string');
      expect(def.cursor).not.toBeNull();
      expect(fieldsOf(def.name).find((f) => f.name === def.cursor)?.type).toEqual(TIMESTAMP);
      for (const f of fieldsOf(def.name).filter((x) => x.name === 'created_at' || x.name === 'updated_at')) {
        expect(f).toEqual({ name: f.name, type: TIMESTAMP, default: null });
      }
    }
  });

  it('declares every *_id field apart from the key (and the tax number) as a reference', () => {
    for (const def of PROFI_STREAMS) {
      const ids = names(def.name).filter((n) => n.endsWith('_id') && n !== def.key && n !== 'vat_id');
      expect(def.references.map((r) => r.field)).toEqual(expect.arrayContaining(ids));
    }
  });

  it('keeps money as nullable text marked ferry.kind money, with a currency field in the same record', () => {
    let money = 0;
    for (const s of streams) {
      for (const f of fieldsOf(s).filter((x) => x['ferry.kind'] === 'money')) {
        money++;
        expect(f.type).toEqual(['null', 'string']);
        expect(names(s).some((n) => n === 'currency' || n.endsWith('_currency'))).toBe(true);
      }
    }
    expect(money).toBe(7);
  });

  it('writes dates as Avro dates: birthdays, due dates and enrollment dates are not timestamps', () => {
    const date = ['null', { type: 'int', logicalType: 'date' }];
    for (const [s, f] of [['client', 'date_of_birth'], ['payment', 'due_on'], ['enrollment', 'enrolled_on'], ['coach', 'deactivated_on']]) {
      expect(fieldsOf(s).find((x) => x.name === f)?.type).toEqual(date);
    }
  });

  it('maps every export column to a schema field once, and gives every field but custom a column', () => {
    const exported = PROFI_STREAMS.filter((s) => s.export);
    expect(exported.map((s) => s.name).sort()).toEqual(Object.keys(PROFI_EXPORT_COLUMNS).sort());
    for (const def of exported) {
      const columns = PROFI_EXPORT_COLUMNS[def.name as ProfiExportStream];
      expect(def.export).toEqual({ file: PROFI_EXPORT_FILES[def.name as ProfiExportStream], format: 'csv', encoding: 'windows-1252', columns: Object.fromEntries(columns) });
      const fields = columns.map(([, f]) => f);
      expect(new Set(fields).size).toBe(fields.length);
      expect(new Set(columns.map(([l]) => l.toLowerCase())).size).toBe(columns.length);
      expect([...fields].sort()).toEqual(names(def.name).filter((n) => n !== 'custom').sort());
    }
    expect(new Set(Object.values(PROFI_EXPORT_FILES)).size).toBe(Object.keys(PROFI_EXPORT_FILES).length);
  });

  it('reads custom fields and reminder sequences from the API only, and every stream from the API', () => {
    expect(PROFI_STREAMS.filter((s) => !s.export).map((s) => s.name)).toEqual(['custom_field', 'reminder_sequence']);
    for (const def of PROFI_STREAMS) {
      expect(def.api?.path).toMatch(/^\/api\/v1\/[a-z/-]+$/);
      expect(def.description.length).toBeGreaterThan(10);
    }
    expect(new Set(PROFI_STREAMS.map((s) => s.api?.path)).size).toBe(PROFI_STREAMS.length);
  });

  it('places every schema field in the API item table, and no field twice', () => {
    for (const s of streams) {
      const fields = PROFI_API_ITEMS[s].map(([f]) => f);
      expect(new Set(fields).size).toBe(fields.length);
      expect([...fields].sort()).toEqual(names(s).filter((n) => n !== 'custom').sort());
    }
  });

  it('refuses an unknown stream by name, listing the real ones', () => {
    expect(profiStream('session').key).toBe('session_id');
    expect(() => profiStream('booking')).toThrow(/no stream "booking".*client/);
  });
});
