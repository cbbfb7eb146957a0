import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { RecordMessage, RejectMessage, SourceMessage } from '@ferry/connectors/core';
import {
  exportRecordSchema,
  ExportConnector,
  exportSourceYaml,
  inferExportSource,
  parseExportSource,
  readExportSourceFile,
  syntheticKey,
  type ExportSourceDocument,
} from '@ferry/connectors/export';

const fixtures = path.join(__dirname, '..', 'fixtures');

async function read(connector: ExportConnector, dir: string, stream: string): Promise<SourceMessage[]> {
  const out: SourceMessage[] = [];
  for await (const m of connector.readExport(dir, stream)) out.push(m);
  return out;
}
const records = (ms: SourceMessage[]) => ms.filter((m): m is RecordMessage => m.type === 'record').map((m) => m.record);
const rejects = (ms: SourceMessage[]) => ms.filter((m): m is RejectMessage => m.type === 'reject');

describe('syntheticKey', () => {
  it('is the same for values that differ only in case, spacing and accents written alike, and differs otherwise', () => {
    const k = syntheticKey(['Renewal 2022', 'Acme Logistics']);
    expect(k).toMatch(/^[0-9a-f]{32}$/);
    expect(syntheticKey(['  renewal   2022 ', 'ACME LOGISTICS'])).toBe(k);
    expect(syntheticKey(['Renewal 2022', 'Acme Logistic'])).not.toBe(k);
    // the parts are kept apart: ("a b", "c") is not ("a", "b c")
    expect(syntheticKey(['a b', 'c'])).not.toBe(syntheticKey(['a', 'b c']));
    expect(syntheticKey(['Renewal 2022', ' '])).toBeNull();
  });
});

describe('ExportConnector over the Zoho-style fixture', () => {
  const dir = path.join(fixtures, 'zoho');
  let doc: ExportSourceDocument;
  let connector: ExportConnector;
  beforeAll(async () => {
    doc = await inferExportSource(dir);
    connector = new ExportConnector(doc);
  });

  it('declares a stream per object with its key field and the fields its lookups read', () => {
    const streams = Object.fromEntries(connector.streams().map((s) => [s.name, s]));
    expect(streams.accounts).toEqual(expect.objectContaining({ key: 'record_id', cursor: null, references: [] }));
    expect(streams.deals.key).toBe('ferry_key');
    expect(streams.deals.references).toEqual([{ field: 'account_name_key', object: 'accounts' }]);
    expect(streams.contacts.export).toEqual(expect.objectContaining({ file: 'Contacts.csv', format: 'csv', columns: expect.objectContaining({ 'Record Id': 'record_id' }) }));
  });

  it('generates the Avro record: the key required, every other field optional, custom for unnamed columns', () => {
    const schema = exportRecordSchema(doc.objects.find((o) => o.name === 'deals')!);
    const fields = schema.fields as Array<{ name: string; type: unknown; default?: unknown }>;
    expect(fields[0]).toEqual(expect.objectContaining({ name: 'ferry_key', type: 'string' }));
    expect(fields.find((f) => f.name === 'closing_date')).toEqual(expect.objectContaining({ type: ['null', { type: 'int', logicalType: 'date' }], default: null }));
    expect(fields.find((f) => f.name === 'amount')).toEqual(expect.objectContaining({ type: ['null', 'string'], 'ferry.kind': 'money' }));
    expect(fields.find((f) => f.name === 'account_name_key')?.type).toEqual(['null', 'string']);
    expect(fields.find((f) => f.name === 'ferry_owner_email')?.type).toEqual(['null', 'string']);
    expect(fields[fields.length - 1]).toEqual({ name: 'custom', type: { type: 'map', values: 'string' }, default: {} });
    expect(fields.filter((f) => !Array.isArray(f.type) && f.name !== 'custom').map((f) => f.name)).toEqual(['ferry_key']);
  });

  it('reads deals with their synthetic key, the key of the account they name, and the owner email', async () => {
    const ms = await read(connector, dir, 'deals');
    expect(rejects(ms)).toEqual([]);
    const deals = records(ms);
    expect(deals).toHaveLength(10);
    expect(new Set(deals.map((d) => d.ferry_key)).size).toBe(10);
    const first = deals[0];
    expect(first).toEqual(
      expect.objectContaining({
        ferry_key: syntheticKey(['Renewal 2022', 'Acme Logistics']),
        deal_name: 'Renewal 2022',
        account_name: 'Acme Logistics',
        account_name_key: 'zcrm_4000000000101',
        amount: '12500.00',
        closing_date: 19023,
        ferry_owner_email: 'ayse.demir@northwind.example',
        contact_name: 'Liam Novak',
      }),
    );
    expect(ms[ms.length - 1]).toEqual(expect.objectContaining({ type: 'state', state: expect.objectContaining({ complete: true }) }));
  });

  it('turns an owner given by full name into the email the users file gives it', async () => {
    const contacts = records(await read(connector, dir, 'contacts'));
    expect(contacts.find((c) => c.record_id === 'zcrm_4000000000203')).toEqual(
      expect.objectContaining({ contact_owner: 'John Carter', ferry_owner_email: 'john.carter@northwind.example', account_name_key: 'zcrm_4000000000102', newsletter_opt_in: true }),
    );
    expect(contacts[0].ferry_owner_email).toBe('ayse.demir@northwind.example');
  });

  describe('on a later drop', () => {
    let drop: string;
    beforeEach(() => {
      drop = fs.mkdtempSync(path.join(os.tmpdir(), 'ferry-export-drop-'));
      for (const f of fs.readdirSync(dir)) fs.copyFileSync(path.join(dir, f), path.join(drop, f));
    });
    afterEach(() => fs.rmSync(drop, { recursive: true, force: true }));

    it('quarantines a row whose key part is blank, names an unknown parent as no key, and keeps a new column in custom', async () => {
      const text = fs.readFileSync(path.join(drop, 'Deals.csv'), 'utf8').split('\r\n');
      text[0] += ',Forecast Category';
      for (let i = 1; i < text.length; i++) if (text[i]) text[i] += ',Pipeline';
      text[2] = text[2].replace('Blue Harbor Foods', '');
      text[3] = text[3].replace('Acme Logistics', 'Acme Logistics Intl');
      fs.writeFileSync(path.join(drop, 'Deals.csv'), text.join('\r\n'));
      const ms = await read(connector, drop, 'deals');
      const bad = rejects(ms);
      expect(bad).toHaveLength(1);
      expect(bad[0]).toEqual(expect.objectContaining({ code: 'MISSING_VALUE', origin: { file: 'Deals.csv', line: 3 } }));
      expect(bad[0].reason).toContain('Deals.csv');
      const deals = records(ms);
      expect(deals).toHaveLength(9);
      const renamed = deals.find((d) => d.account_name === 'Acme Logistics Intl')!;
      expect(renamed.account_name_key).toBeNull();
      expect(deals[0].custom).toEqual({ 'Forecast Category': 'Pipeline' });
    });

    it('checkExport names a missing file and a key column gone from a header', async () => {
      fs.rmSync(path.join(drop, 'Users.csv'));
      fs.writeFileSync(path.join(drop, 'Accounts.csv'), 'Account Name,Phone\r\nAcme,1\r\n');
      const r = await connector.checkExport(drop);
      expect(r.ok).toBe(false);
      expect(r.problems).toEqual([
        expect.stringMatching(/Accounts\.csv: the key column Record Id of accounts is not in its header/),
        expect.stringMatching(/Users\.csv is missing: the confirmed description reads users from it/),
      ]);
      expect((await connector.checkExport(dir)).ok).toBe(true);
    });
  });

  it('reads workbook sheets with numbers as text keys and Excel dates as days', async () => {
    const wb = path.join(fixtures, 'workbook');
    const c = new ExportConnector(await inferExportSource(wb));
    const people = records(await read(c, wb, 'people'));
    expect(people[0]).toEqual(expect.objectContaining({ person_id: 'P-1', company_id: '101', active: true, score: 0.82, e_mail: 'anna.weber@kestrel.example' }));
    const companies = records(await read(c, wb, 'companies'));
    expect(companies[0]).toEqual(expect.objectContaining({ company_id: '101', founded: 10712, employees: 120 }));
  });

  it('has no API, and says so in one line; its sample refuses an unknown style in one line', async () => {
    expect(() => connector.api).toThrow('the export source is read from its folder (--export); it has no API to call');
    await expect(connector.generate({ records: 100, seed: 1, out: os.tmpdir(), style: 'sugar' })).rejects.toThrow(
      '--style sugar: choose one of zoho, hubspot, salesforce, dynamics, pipedrive',
    );
  });
});

describe('the source document', () => {
  it('round-trips through source.yaml with the guesses to review listed on top', async () => {
    const doc = await inferExportSource(path.join(fixtures, 'zoho'));
    const text = exportSourceYaml(doc);
    expect(text).toMatch(/^# To review:\n#   - deals: key Deal Name \+ Account Name/m);
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ferry-source-')), 'source.yaml');
    fs.writeFileSync(file, text);
    expect(readExportSourceFile(file)).toEqual(doc);
  });

  it('refuses an edit that breaks it with one line naming where', async () => {
    const doc = await inferExportSource(path.join(fixtures, 'zoho'));
    const broken = structuredClone(doc);
    broken.objects[1].references[0].object = 'companies';
    expect(() => parseExportSource(broken, 'source.yaml')).toThrow('source.yaml: objects.1.references.0: no object named "companies"');
    const byKey = structuredClone(doc);
    byKey.objects[1].references[0] = { ...byKey.objects[1].references[0], object: 'deals', by: 'key' };
    expect(() => parseExportSource(byKey, 'source.yaml')).toThrow(/deals has a composite key, so a reference to it goes by name/);
  });
});
