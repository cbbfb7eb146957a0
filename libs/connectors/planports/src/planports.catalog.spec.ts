import { readdirSync } from 'fs';
import { join } from 'path';
import * as avro from 'avsc';
import { createCoercer, loadRecordSchema } from '@ferry/connectors/core';
import { csvLocation, PLANPORTS_EXPORT_FILE, PLANPORTS_SHEETS, PLANPORTS_STREAMS, planportsStream, xlsxLocation } from './planports.catalog';
import { planportsFields, planportsSchema } from './planports.schema';

const SCHEMA_DIR = join(__dirname, '..', '..', '..', '..', 'schemas', 'planports');
const names = PLANPORTS_STREAMS.map((s) => s.name);

describe('the Planports schemas', () => {
  it('are one per stream, no more and no fewer', () => {
    expect(readdirSync(SCHEMA_DIR).filter((f) => f.endsWith('.avsc')).map((f) => f.replace(/\.avsc$/, '')).sort()).toEqual([...names].sort());
  });

  it.each(names)('%s loads with avsc, lives in ferry.planports and ends with the custom map', (stream) => {
    const schema = planportsSchema(stream);
    expect(() => avro.Type.forSchema(schema as avro.Schema)).not.toThrow();
    expect(schema.namespace).toBe('ferry.planports');
    const fields = schema.fields as Array<{ name: string; type: unknown; default?: unknown }>;
    expect(fields[fields.length - 1]).toEqual(expect.objectContaining({ name: 'custom', type: { type: 'map', values: 'string' }, default: {} }));
    // The coercer compiles it, so an export can fill it.
    expect(() => createCoercer(loadRecordSchema('planports', stream))).not.toThrow();
  });

  it.each(names)('%s: the key is a required string and every other field is nullable with a null default', (stream) => {
    const key = planportsStream(stream).key;
    for (const f of planportsFields(stream)) {
      if (f.name === key) expect(f).toEqual({ name: key, kind: 'string', nullable: false });
      else if (f.kind !== 'map') expect({ field: f.name, nullable: f.nullable }).toEqual({ field: f.name, nullable: true });
    }
    for (const f of planportsSchema(stream).fields as Array<{ name: string; default?: unknown }>) {
      if (f.name !== key && f.name !== 'custom') expect({ field: f.name, default: f.default }).toEqual({ field: f.name, default: null });
    }
  });

  it('marks money as text with ferry.kind money, next to a currency field', () => {
    const money = names.flatMap((s) => planportsFields(s).filter((f) => f.kind === 'money').map((f) => [s, f.name]));
    expect(money.length).toBeGreaterThanOrEqual(12);
    for (const [stream] of money) expect(planportsFields(stream).some((f) => f.name === 'currency')).toBe(true);
  });

  it('writes created_at / updated_at as nullable timestamp-millis where an object has them', () => {
    for (const stream of names) {
      for (const f of planportsFields(stream).filter((x) => x.name === 'created_at' || x.name === 'updated_at')) {
        expect({ stream, field: f.name, kind: f.kind }).toEqual({ stream, field: f.name, kind: 'timestamp' });
      }
    }
  });
});

describe('PLANPORTS_STREAMS', () => {
  it('covers every object the issue lists, lines, attendees and stage history as their own streams', () => {
    expect(names).toEqual(
      expect.arrayContaining([
        'contact', 'lead', 'deal', 'deal_stage_history', 'quote', 'quote_line_item', 'order', 'order_line_item', 'activity',
        'activity_attendee', 'note', 'process_board', 'board_column', 'board_card', 'board_automation_rule', 'custom_field', 'user',
        'attachment', 'workflow_automation', 'product', 'pipeline', 'pipeline_stage', 'whatsapp_conversation',
      ]),
    );
    expect(names).not.toContain('company');
  });

  it.each(PLANPORTS_STREAMS.map((s) => [s.name, s] as const))('%s: key, cursor and references name real fields and streams', (_name, s) => {
    const fields = new Map(planportsFields(s.name).map((f) => [f.name, f]));
    expect(fields.get(s.key)?.kind).toBe('string');
    if (s.cursor !== null) expect(fields.get(s.cursor)?.kind).toBe('timestamp');
    for (const r of s.references) {
      expect({ field: r.field, kind: fields.get(r.field)?.kind }).toEqual({ field: r.field, kind: 'string' });
      expect(names).toContain(r.object);
      expect(r.field).not.toBe(s.key);
    }
    expect(s.description.length).toBeGreaterThan(10);
    expect(s.description).not.toContain('\n');
    expect(s.api?.path).toMatch(/^\/v1\/[a-z/-]+$/);
  });

  it('lists parents before children, so it is also a load order', () => {
    for (const [i, s] of PLANPORTS_STREAMS.entries()) {
      for (const r of s.references) expect({ child: s.name, parent: r.object, before: names.indexOf(r.object) < i }).toEqual({ child: s.name, parent: r.object, before: true });
    }
  });

  it('leaves workflow automations, Kanban rules and WhatsApp conversations out of the Excel export', () => {
    expect(PLANPORTS_STREAMS.filter((s) => !s.export).map((s) => s.name).sort()).toEqual(['board_automation_rule', 'whatsapp_conversation', 'workflow_automation']);
  });

  it('puts every other object on its own worksheet of planports-export.xlsx', () => {
    const sheets = new Set<string>();
    for (const s of PLANPORTS_STREAMS.filter((x) => x.export)) {
      expect(s.export).toMatchObject({ file: PLANPORTS_EXPORT_FILE, format: 'xlsx' });
      sheets.add(s.export!.sheet!);
    }
    expect(sheets.size).toBe(Object.keys(PLANPORTS_SHEETS).length);
  });
});

describe('the export header labels', () => {
  it.each(Object.keys(PLANPORTS_SHEETS))('%s: one distinct human label per schema field, custom aside', (stream) => {
    const { headers } = PLANPORTS_SHEETS[stream];
    const fields = planportsFields(stream).filter((f) => f.kind !== 'map').map((f) => f.name);
    expect(headers.map(([, field]) => field).sort()).toEqual([...fields].sort());
    expect(new Set(headers.map(([label]) => label.toLowerCase())).size).toBe(headers.length);
    expect(headers[0][1]).toBe(planportsStream(stream).key);
  });

  it('uses the labels Planports writes', () => {
    const contact = new Map(PLANPORTS_SHEETS.contact.headers.map(([l, f]) => [f, l]));
    expect(contact.get('first_name')).toBe('First Name');
    expect(contact.get('email')).toBe('E-mail');
    expect(contact.get('whatsapp_phone')).toBe('WhatsApp Phone');
    expect(contact.get('company_name')).toBe('Company');
  });

  it('maps the same labels in the workbook and in the CSV variant', () => {
    for (const stream of Object.keys(PLANPORTS_SHEETS)) {
      expect(csvLocation(stream)).toEqual({ file: PLANPORTS_SHEETS[stream].csv, format: 'csv', columns: xlsxLocation(stream)!.columns });
    }
    expect(csvLocation('workflow_automation')).toBeUndefined();
    expect(new Set(Object.values(PLANPORTS_SHEETS).map((s) => s.csv)).size).toBe(Object.keys(PLANPORTS_SHEETS).length);
  });
});

describe('planportsStream', () => {
  it('names the streams there are when asked for one that is not', () => {
    expect(() => planportsStream('account')).toThrow(/Planports has no stream "account"; streams: user, pipeline/);
  });
});
