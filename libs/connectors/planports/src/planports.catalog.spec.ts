import { csvLocation, PLANPORTS_EXPORT_FILE, PLANPORTS_SHEETS, PLANPORTS_STREAMS, planportsStream, xlsxLocation } from './planports.catalog';
import { planportsFields, planportsSchema } from './planports.schema';

const names = PLANPORTS_STREAMS.map((s) => s.name);

describe('the Planports schemas', () => {
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
