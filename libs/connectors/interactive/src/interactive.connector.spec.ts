import * as avro from 'avsc';
import { cpSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { loadRecordSchema, type RejectMessage, type SourceMessage } from '@ferry/connectors/core';
import { INTERACTIVE_STREAMS } from './interactive.catalog';
import { InteractiveConnector } from './interactive.connector';

const FIXTURES = join(__dirname, '..', 'fixtures');
const connector = new InteractiveConnector();
const exported = INTERACTIVE_STREAMS.filter((s) => s.export).map((s) => s.name);

async function readAll(dir: string, stream: string, stateEvery?: number): Promise<SourceMessage[]> {
  const out: SourceMessage[] = [];
  for await (const m of connector.readExport(dir, stream, stateEvery ? { stateEvery } : undefined)) out.push(m);
  return out;
}

const records = (ms: SourceMessage[]) => ms.flatMap((m) => (m.type === 'record' ? [m.record] : []));
const rejects = (ms: SourceMessage[]) => ms.filter((m): m is RejectMessage => m.type === 'reject');
const avroTypes = new Map(INTERACTIVE_STREAMS.map((s) => [s.name, avro.Type.forSchema(loadRecordSchema('interactive', s.name) as avro.Schema)]));

describe('InteractiveConnector on the clean fixture', () => {
  const expected = JSON.parse(readFileSync(join(FIXTURES, 'clean.expected.json'), 'utf8')) as Record<string, Array<Record<string, unknown>>>;
  const read: Record<string, SourceMessage[]> = {};
  beforeAll(async () => {
    for (const s of exported) read[s] = await readAll(join(FIXTURES, 'clean'), s);
  });

  it('reads exactly the expected records from every exported stream, in file order, with no rejects', () => {
    expect(Object.keys(expected).sort()).toEqual([...exported].sort());
    for (const s of exported) {
      expect({ stream: s, rejects: rejects(read[s]) }).toEqual({ stream: s, rejects: [] });
      expect({ stream: s, records: records(read[s]) }).toEqual({ stream: s, records: expected[s] });
    }
  });

  it('says where each record came from and ends every stream with a complete state', () => {
    for (const s of exported) {
      const located = read[s].flatMap((m) => (m.type === 'record' ? [m.origin.line] : []));
      expect(located).toEqual(expected[s].map((_, i) => i + 1));
      expect(read[s].at(-1)).toMatchObject({ type: 'state', stream: s, state: { complete: true } });
    }
  });

  it('produces records every one of which the Avro schema accepts', () => {
    for (const s of exported) for (const r of records(read[s])) expect({ s, r, valid: avroTypes.get(s)!.isValid(r) }).toEqual({ s, r, valid: true });
  });

  it('passes checkExport', async () => {
    await expect(connector.checkExport(join(FIXTURES, 'clean'))).resolves.toEqual({ ok: true, problems: [] });
  });

  it('round-trips every record through the API item shape, whose properties are all text', () => {
    for (const s of exported) {
      for (const r of records(read[s])) {
        const item = connector.toApiItem(s, r);
        for (const v of Object.values(item.properties as Record<string, unknown>)) expect(v === null || typeof v === 'string').toBe(true);
        expect(connector.fromApiItem(s, item)).toEqual({ record: r });
      }
    }
  });

  it('describes each workflow as an automation to rebuild, with the rebuild target its trigger calls for', () => {
    const [webForm, defaultOwner] = records(read.workflow).map((r) => connector.automations('workflow', r));
    expect(webForm).toEqual([
      {
        id: '3301001',
        name: 'Web form lead → intake queue',
        kind: 'workflow',
        active: true,
        trigger: { type: 'FORM_SUBMISSION', form: 'Free Estate Plan Review', object: 'contact' },
        conditions: [{ property: 'lifecycle_stage', operator: 'EQ', value: 'lead' }],
        actions: [
          { type: 'ROTATE_OWNER', owners: ['31000001', '31000009'] },
          { type: 'CREATE_TASK', subject: 'Call new web lead', dueInHours: 24 },
        ],
        rebuildIn: { dynamics: expect.stringMatching(/Power Automate cloud flow.*form submission/), salesforce: expect.stringMatching(/Record-triggered flow on Lead/) },
      },
    ]);
    expect(defaultOwner[0].active).toBe(false);
    expect(defaultOwner[0].rebuildIn.dynamics).toMatch(/^Business rule on contact/);
    expect(defaultOwner[0].rebuildIn.salesforce).toMatch(/before save/);
    expect(connector.automations('contact', records(read.contact)[0])).toEqual([]);
  });
});

describe('InteractiveConnector on a value the export cannot hold', () => {
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'interactive-values-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('empties a bad optional date or flag and keeps the contact, naming file, line, field and value; a missing or placeholder id still quarantines', async () => {
    const item = (id: unknown, properties: Record<string, unknown>) => JSON.stringify({ id, properties, createdAt: '2024-02-21T09:15:00.000Z', updatedAt: '2024-03-01T00:00:00.000Z', archived: false });
    writeFileSync(
      join(dir, 'contacts.ndjson'),
      [
        item('101', { first_name: 'Ann', became_customer_on: '16 Apr, 2021 00:02:00', do_not_email: 'false' }),
        item('102', { first_name: 'Bob', became_customer_on: '31 Apr, 2021', do_not_email: 'maybe' }),
        item('N/A', { first_name: 'Cy' }),
        item(null, { first_name: 'Di' }),
        '',
      ].join('\n'),
    );
    const messages = await readAll(dir, 'contact');
    expect(messages[0]).toMatchObject({ type: 'record', record: { contact_id: '101', became_customer_on: 18733, do_not_email: false } });
    expect(messages[0]).not.toHaveProperty('issues');
    expect(messages[1]).toMatchObject({
      type: 'record',
      origin: { file: 'contacts.ndjson', line: 2 },
      record: { contact_id: '102', first_name: 'Bob', became_customer_on: null, do_not_email: null },
      issues: [
        { field: 'do_not_email', code: 'BAD_BOOLEAN', value: 'maybe' },
        { field: 'became_customer_on', code: 'BAD_DATE', value: '31 Apr, 2021' },
      ],
    });
    expect(rejects(messages).map((r) => [r.origin, r.code, r.reason.split(':')[0]])).toEqual([
      [{ file: 'contacts.ndjson', line: 3 }, 'MISSING_VALUE', 'contacts.ndjson line 3'],
      [{ file: 'contacts.ndjson', line: 4 }, 'MISSING_VALUE', 'contacts.ndjson line 4'],
    ]);
    expect(rejects(messages)[0].reason).toMatch(/holds the placeholder "N\/A", not a value$/);
  });

  it('reads the pipeline whose id is "default" (every account has one) although the word reads as a placeholder', async () => {
    writeFileSync(join(dir, 'pipelines.json'), '{"results": [\n{"id": "default", "label": "Estate Planning", "objectType": "deal", "displayOrder": 0}\n]}\n');
    expect(records(await readAll(dir, 'pipeline'))).toEqual([expect.objectContaining({ pipeline_id: 'default', label: 'Estate Planning' })]);
  });
});

describe('InteractiveConnector on the malformed fixture', () => {
  const { quarantine: expected, emptied } = JSON.parse(readFileSync(join(FIXTURES, 'malformed.expected.json'), 'utf8')) as {
    quarantine: Array<{ stream: string; line: number; code: string }>;
    /** bad values in optional fields: the row is read, that field empty, the value in its issues */
    emptied: Array<{ stream: string; line: number; key: string; field: string; code: string; value: string }>;
  };
  const streams = [...new Set([...expected, ...emptied].map((e) => e.stream))];
  const read: Record<string, SourceMessage[]> = {};
  beforeAll(async () => {
    for (const s of streams) read[s] = await readAll(join(FIXTURES, 'malformed'), s);
  });

  it('quarantines exactly the expected rows, with their line and code', () => {
    const got = streams.flatMap((s) => rejects(read[s]).map((r) => ({ stream: s, line: r.origin.line, code: r.code })));
    expect(got).toEqual(expected);
  });

  it('gives each reject a reason naming the file and line, and the row as written', () => {
    for (const s of streams) {
      const file = INTERACTIVE_STREAMS.find((d) => d.name === s)!.export!.file;
      for (const r of rejects(read[s])) {
        expect(r.reason).toMatch(new RegExp(`^${file.replace('.', '\\.')} (line|item) ${r.origin.line}: `));
        expect(r.origin.file).toBe(file);
        if (file.endsWith('.ndjson')) expect(r.raw).toBeTruthy();
      }
    }
    const association = rejects(read.association);
    expect(association[0].reason).toMatch(/links "contact" to "ticket"/);
    expect(association[1].reason).toMatch(/toObjectId is empty/);
    expect(JSON.parse(association[0].raw!)).toMatchObject({ toObjectType: 'ticket' });
    expect(rejects(read.contact).find((r) => r.code === 'BAD_RECORD')!.reason).toMatch(/"properties" is "first_name=Kwame/);
  });

  it('keeps each row whose bad value is in an optional field, emptying it and listing it with the row’s file and line', () => {
    const got = streams.flatMap((s) => {
      const def = INTERACTIVE_STREAMS.find((d) => d.name === s)!;
      return read[s].flatMap((m) =>
        m.type === 'record'
          ? (m.issues ?? []).map((i) => {
              expect({ file: m.origin.file, [i.field]: m.record[i.field] }).toEqual({ file: def.export!.file, [i.field]: null });
              return { stream: s, line: m.origin.line, key: m.record[def.key], field: i.field, code: i.code, value: i.value };
            })
          : [],
      );
    });
    expect(got).toEqual(emptied);
  });

  it('reads every other row as a record', () => {
    const kept = (s: string) => records(read[s]).map((r) => r[INTERACTIVE_STREAMS.find((d) => d.name === s)!.key]);
    expect(kept('contact')).toEqual(['101000001', '101000004', '101000005', '101000007', '101000009', '101000010']);
    expect(kept('deal')).toEqual(['301000001', '301000002', '301000003', '301000005']);
    expect(kept('activity')).toEqual(['501000001', '501000003', '501000004']);
    expect(kept('attachment')).toEqual(['701000001', '701000003']);
    expect(kept('association')).toEqual(['contact_company:101000001:201000002:Primary', 'contact_company:101000002:201000001:Primary', 'matter_contact:401000001:101000001:Client']);
    expect(kept('owner')).toEqual(['31000001', '31000002', '31000004']);
    expect(kept('pipeline_stage')).toEqual(['inquiry', 'consultation', 'design']);
  });

  it('resumes after a state position without repeating or losing rows', async () => {
    const all = await readAll(join(FIXTURES, 'malformed'), 'contact', 2);
    const states = all.filter((m) => m.type === 'state');
    const middle = states[1];
    if (middle.type !== 'state') throw new Error('expected a state message');
    const before = all.slice(0, all.indexOf(middle)).filter((m) => m.type !== 'state');
    const after: SourceMessage[] = [];
    for await (const m of connector.readExport(join(FIXTURES, 'malformed'), 'contact', { state: middle.state })) if (m.type !== 'state') after.push(m);
    expect([...before, ...after]).toEqual(all.filter((m) => m.type !== 'state'));
  });
});

describe('InteractiveConnector.checkExport', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'interactive-check-'));
    cpSync(join(FIXTURES, 'clean'), dir, { recursive: true });
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('names each missing file on its own line', async () => {
    unlinkSync(join(dir, 'deals.ndjson'));
    unlinkSync(join(dir, 'owners.json'));
    const result = await connector.checkExport(dir);
    expect(result.ok).toBe(false);
    expect(result.problems).toEqual([
      `owners.json is missing from ${dir} (the owner object is read from it); put the export's owners.json there, or leave owner out`,
      `deals.ndjson is missing from ${dir} (the deal object is read from it); put the export's deals.ndjson there, or leave deal out`,
    ]);
  });

  it('names the file and what is wrong when a required field has no value or the shape is not the export\'s', async () => {
    writeFileSync(join(dir, 'companies.ndjson'), '{"id":"1","properties":{"domain":"x.example"},"createdAt":null,"updatedAt":null}\n');
    writeFileSync(join(dir, 'contacts.ndjson'), '\n{"contact_id":"1","first_name":"Ann"}\n');
    writeFileSync(join(dir, 'pipelines.json'), '[{"id":"default","label":"Sales"}]');
    writeFileSync(join(dir, 'workflows.json'), '{"results":[{"id":"1","objectType":"contact"}]}');
    writeFileSync(join(dir, 'associations.ndjson'), 'not json\n');
    const result = await connector.checkExport(dir);
    expect(result.problems).toEqual([
      'companies.ndjson line 1: no property for required field name; it has id, domain, createdAt, updatedAt; rename the property that holds it to "name"',
      expect.stringMatching(/^contacts\.ndjson line 2: has no "properties" object/),
      'pipelines.json: has no "results" array',
      'associations.ndjson line 1: not JSON (not json); the export writes one JSON object per line',
      'workflows.json item 1: no property for required field name; it has id, objectType; rename the property that holds it to "name"',
    ]);
  });

  it('wants the files/ folder when attachments are listed', async () => {
    rmSync(join(dir, 'files'), { recursive: true });
    expect((await connector.checkExport(dir)).problems).toEqual([`${join(dir, 'files')} is missing: attachments.ndjson lists files kept there; copy the export's files/ folder too`]);
  });
});

describe('InteractiveConnector API items', () => {
  it('flattens an item as the API returns it, deleted ones included', () => {
    const item = {
      id: '101000042',
      properties: { first_name: 'Ayşe', last_name: 'Yılmaz', lifecycle_stage: 'salesqualifiedlead', do_not_email: 'false', became_customer_on: null, hs_analytics_source: 'OFFLINE' },
      createdAt: '2022-05-01T10:00:00.000Z',
      updatedAt: '2024-01-02T03:04:05.678Z',
      archived: true,
      associations: { companies: { results: [{ id: '201000001', type: 'contact_to_company' }] } },
    };
    const out = connector.fromApiItem('contact', item);
    expect(out).toEqual({
      record: expect.objectContaining({
        contact_id: '101000042',
        first_name: 'Ayşe',
        lifecycle_stage: 'salesqualifiedlead',
        do_not_email: false,
        became_customer_on: null,
        created_at: Date.UTC(2022, 4, 1, 10),
        updated_at: Date.UTC(2024, 0, 2, 3, 4, 5, 678),
        custom: { hs_analytics_source: 'OFFLINE' },
      }),
    });
  });

  it('writes the stage history, which has no created/updated times, with null ones and reads it back', () => {
    const record = { history_id: '801000001', deal_id: '301000001', pipeline_id: 'default', stage_id: 'design', entered_at: 1611953181559, change_source: 'CRM_UI', changed_by: null, custom: {} };
    const item = connector.toApiItem('deal_stage_history', record);
    expect(item).toEqual({
      id: '801000001',
      properties: { deal_id: '301000001', pipeline_id: 'default', stage_id: 'design', entered_at: '2021-01-29T20:46:21.559Z', change_source: 'CRM_UI', changed_by: null },
      createdAt: null,
      updatedAt: null,
      archived: false,
    });
    expect(connector.fromApiItem('deal_stage_history', item)).toEqual({ record });
  });

  it('refuses an item it cannot type, naming the stream, the item and the problem', () => {
    expect(connector.fromApiItem('deal', { id: '301000009', properties: { name: 'X', amount: 'about 4k' }, createdAt: null, updatedAt: null, archived: false })).toEqual({
      code: 'BAD_DECIMAL',
      reason: expect.stringMatching(/^deal item 301000009: .*amount.*"about 4k"/),
    });
    expect(connector.fromApiItem('company', { id: '201000009', properties: 'name=X', createdAt: null, updatedAt: null, archived: false })).toEqual({
      code: 'BAD_RECORD',
      reason: expect.stringMatching(/^company item 201000009: "properties" is "name=X"/),
    });
    expect(connector.fromApiItem('company', { properties: { name: 'X' } })).toMatchObject({ code: 'MISSING_VALUE', reason: expect.stringMatching(/^company item \(no id\): /) });
  });
});

describe('InteractiveConnector automations', () => {
  const workflow = (trigger: unknown, actions: unknown[], objectType = 'deal') => ({
    workflow_id: '1',
    name: 'w',
    object_type: objectType,
    enabled: true,
    trigger: JSON.stringify(trigger),
    conditions: '[]',
    actions: JSON.stringify(actions),
    revision: 1,
    created_at: null,
    updated_at: null,
    custom: {},
  });

  it('sends date-relative rules to scheduled flows and waits to flows with scheduled paths', () => {
    const [dated] = connector.automations('workflow', workflow({ type: 'DATE_PROPERTY', property: 'close_date', offsetDays: -2, time: '09:00' }, [{ type: 'SEND_EMAIL' }]));
    expect(dated.rebuildIn.dynamics).toBe('Power Automate scheduled cloud flow, daily at 09:00, listing opportunity rows 2 days before close_date');
    expect(dated.rebuildIn.salesforce).toBe('Record-triggered flow on Opportunity with a scheduled path 2 days before close_date');
    const [waiting] = connector.automations('workflow', workflow({ type: 'PROPERTY_CHANGE', property: 'stage_id' }, [{ type: 'DELAY', days: 3 }, { type: 'SEND_EMAIL' }], 'matter'));
    expect(waiting.rebuildIn.dynamics).toMatch(/"When a row is modified" on the matter custom table with stage_id as the filtering column, a Delay action/);
    expect(waiting.rebuildIn.salesforce).toMatch(/^Record-triggered flow on Matter__c, after save .*scheduled path/);
    const [scheduled] = connector.automations('workflow', workflow({ type: 'SCHEDULE', every: 'WEEK', day: 'MONDAY', time: '06:00' }, [], 'contact'));
    expect(scheduled.rebuildIn.salesforce).toBe('Schedule-triggered flow (week monday 06:00) on Contact (or Lead)');
  });

  it('keeps a definition whose JSON does not parse, saying so', () => {
    const [broken] = connector.automations('workflow', { ...workflow({}, []), trigger: '{"type": "PROPERTY_CHANGE"', actions: 'not json' });
    expect(broken.trigger).toMatchObject({ type: 'UNREADABLE', text: '{"type": "PROPERTY_CHANGE"', problem: expect.stringMatching(/trigger is not valid JSON/) });
    expect(broken.actions).toEqual([{ type: 'UNREADABLE', text: 'not json', problem: expect.stringMatching(/actions is not valid JSON/) }]);
    expect(broken.rebuildIn.dynamics).toMatch(/needs reading by hand/);
  });
});
