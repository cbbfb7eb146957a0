import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import * as http from 'http';
import type { AddressInfo } from 'net';
import { tmpdir } from 'os';
import { join } from 'path';
import { FerryError } from '@ferry/common';
import { AcmeFixtureConnector, ACME_EXPORT, acmeSchema } from '../fixtures/acme-fixture.connector';
import { discoveryInventorySchema, type DiscoveryInventory, type ObjectInventory } from './discovery.inventory';
import { discoverSource, type DiscoverTuning } from './discovery.service';

let work: string;
beforeEach(() => (work = mkdtempSync(join(tmpdir(), 'discovery-spec-'))));
afterEach(() => rmSync(work, { recursive: true, force: true }));

const connector = new AcmeFixtureConnector();
const tuning = (over: DiscoverTuning = {}): DiscoverTuning => ({ schemaFor: acmeSchema, spillBuffer: 3, ...over });
const object = (inv: DiscoveryInventory, name: string) => inv.objects.find((o) => o.name === name)!;
/** name → [type, filled, distinct, custom] */
const fieldTable = (o: ObjectInventory) => Object.fromEntries(o.fields.map((f) => [f.name, [f.type, f.filled, f.distinct, f.custom]]));

describe('discover over the Acme fixture export', () => {
  let inv: DiscoveryInventory;
  let file: string;
  let out: string;
  beforeAll(async () => {
    out = mkdtempSync(join(tmpdir(), 'discovery-out-'));
    ({ inventory: inv, file } = await discoverSource(connector, { system: 'acme', exportDir: ACME_EXPORT, out }, tuning()));
  });
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('counts records and rejected rows per object, with the first reasons and their lines', () => {
    expect(inv.objects.map((o) => [o.name, o.location, o.records, o.rejected.count])).toEqual([
      ['company', 'companies.ndjson', 5, 1],
      ['contact', 'contacts.ndjson', 10, 3],
      ['deal', 'deals.ndjson', 4, 0],
      ['workflow', 'workflows.ndjson', 2, 0],
      ['owner', null, 0, 0],
    ]);
    expect(inv.totals).toEqual({ objects: 4, records: 21, rejected: 4, automations: 2 });
    const contact = object(inv, 'contact');
    expect(contact.rejected.byCode).toEqual({ BAD_JSON: 1, MISSING_VALUE: 1, BAD_DATE: 1 });
    expect(contact.rejected.first.map((r) => [r.file, r.line, r.code])).toEqual([
      ['contacts.ndjson', 11, 'BAD_JSON'],
      ['contacts.ndjson', 13, 'MISSING_VALUE'],
      ['contacts.ndjson', 14, 'BAD_DATE'],
    ]);
    expect(contact.rejected.first[2].reason).toBe('contacts.ndjson line 14: birth_date "1990-13-45" is not a date');
    expect(object(inv, 'owner').note).toBe('not in the export: read it from the API');
    expect(inv.problems).toEqual([]);
  });

  it('profiles every schema field and every custom key of contacts', () => {
    const contact = object(inv, 'contact');
    expect(fieldTable(contact)).toEqual({
      contact_id: ['id', 10, 10, false],
      first_name: ['string', 10, 9, false],
      last_name: ['string', 10, 9, false],
      email: ['email', 9, 8, false],
      phone: ['phone', 9, 9, false],
      company_id: ['reference', 9, 6, false],
      owner_id: ['reference', 10, 3, false],
      owner_email: ['email', 10, 2, false],
      status: ['picklist', 10, 3, false],
      birth_date: ['date', 4, 4, false],
      score: ['integer', 10, 10, false],
      notes: ['html', 4, 4, false],
      website: ['url', 3, 3, false],
      created_at: ['timestamp', 10, 10, false],
      discount: ['percent', 3, 3, true],
      budget: ['money', 3, 3, true],
      vip: ['boolean', 6, 2, true],
      loyalty_id: ['id', 8, 8, true],
    });
    const f = (name: string) => contact.fields.find((x) => x.name === name)!;
    expect(f('email')).toMatchObject({ fillRate: 0.9, malformed: 1, examples: ['ana.silva@mail.example', 'BEN.OKAFOR@mail.example', 'ben.okafor@mail.example'] });
    expect(f('phone')).toMatchObject({ malformed: 1, kinds: { integer: 1, phone: 7, text: 1 } });
    expect(f('status').values).toEqual([{ value: 'Open', count: 5 }, { value: 'Won', count: 3 }, { value: 'Lost', count: 2 }]);
    expect(f('birth_date')).toMatchObject({ declared: 'date', fillRate: 0.4, examples: ['1990-04-12', '1985-11-30', '1979-02-28'] });
    expect(f('discount')).toMatchObject({ declared: 'custom', fillRate: 0.3 });
  });

  it('profiles companies and deals, money and percent by name and by marks', () => {
    expect(fieldTable(object(inv, 'company'))).toEqual({
      company_id: ['id', 5, 4, false],
      name: ['string', 5, 5, false],
      domain: ['url', 4, 3, false],
      phone: ['phone', 3, 3, false],
      industry: ['string', 5, 3, false],
      parent_company_id: ['reference', 3, 2, false],
      annual_revenue: ['money', 4, 3, false],
      created_at: ['timestamp', 5, 4, false],
      tier: ['picklist', 4, 2, true],
    });
    expect(fieldTable(object(inv, 'deal'))).toMatchObject({ amount: ['money', 3, 3, false], probability: ['percent', 4, 4, false], close_date: ['date', 3, 3, false] });
  });

  it('counts orphans for each declared reference, and says why one could not be checked', () => {
    expect(inv.references).toEqual([
      { object: 'company', field: 'parent_company_id', target: 'company', values: 3, checked: true, orphans: 1, distinctOrphans: 1, examples: ['co_9'] },
      { object: 'contact', field: 'company_id', target: 'company', values: 9, checked: true, orphans: 3, distinctOrphans: 2, examples: ['co_5', 'co_99'] },
      {
        object: 'contact', field: 'owner_id', target: 'owner', values: 10, checked: false, orphans: null, distinctOrphans: null, examples: [],
        note: 'not in the export: read it from the API',
      },
      { object: 'deal', field: 'contact_id', target: 'contact', values: 4, checked: true, orphans: 1, distinctOrphans: 1, examples: ['ct_42'] },
      { object: 'deal', field: 'company_id', target: 'company', values: 4, checked: true, orphans: 0, distinctOrphans: 0, examples: [] },
    ]);
  });

  it('counts duplicate keys and records sharing an email or phone, leaving out the owner email every contact repeats', () => {
    expect(object(inv, 'company').keys).toEqual({ missing: 0, duplicateKeys: 1, duplicateRecords: 2 });
    expect(object(inv, 'company').duplicates).toEqual({
      fields: ['phone'],
      email: { values: 0, records: 0, examples: [] },
      phone: { values: 1, records: 2, examples: [{ value: '5125550101', records: 2 }] },
      records: 2,
    });
    expect(object(inv, 'contact').duplicates).toEqual({
      fields: ['email', 'phone'],
      email: { values: 2, records: 4, examples: [{ value: 'ben.okafor@mail.example', records: 2 }, { value: 'finn@mail.example', records: 2 }] },
      phone: { values: 1, records: 2, examples: [{ value: '5125550112', records: 2 }] },
      records: 4,
    });
  });

  it('lists every automation with what to rebuild it in', () => {
    expect(inv.automations).toEqual([
      {
        stream: 'workflow', id: 'wf_1', name: 'Route web leads', kind: 'workflow', active: true,
        trigger: { event: 'contact.created', source: 'web' },
        conditions: [{ field: 'status', operator: 'eq', value: 'Open' }],
        actions: [{ type: 'assign_owner', round_robin: ['own_1', 'own_2'] }, { type: 'send_email', template: 'welcome' }],
        rebuildIn: { dynamics: 'Power Automate cloud flow', salesforce: 'record-triggered Flow' },
      },
      {
        stream: 'workflow', id: 'wf_2', name: 'Stale deal reminder', kind: 'sla-timer', active: false,
        trigger: { event: 'deal.idle', days: 14 }, conditions: [], actions: [{ type: 'create_task', due_in_days: 1 }],
        rebuildIn: { dynamics: 'Power Automate scheduled flow', salesforce: 'scheduled Flow' },
      },
    ]);
  });

  it('writes discovery.json in the documented shape, equal to what it returns', () => {
    const written = JSON.parse(readFileSync(file, 'utf8'));
    expect(discoveryInventorySchema.parse(written)).toEqual(inv);
    expect(written).toEqual(JSON.parse(JSON.stringify(inv)));
    expect(written).toMatchObject({ format: 'ferry.discovery/1', system: 'acme', displayName: 'Acme fixture', source: { kind: 'export', location: ACME_EXPORT } });
    // the schema is strict: an unknown property fails it
    expect(discoveryInventorySchema.safeParse({ ...written, extra: 1 }).success).toBe(false);
    expect(discoveryInventorySchema.safeParse({ ...written, objects: [{ ...written.objects[0], fields: [{ ...written.objects[0].fields[0], type: 'float' }] }] }).success).toBe(false);
  });
});

describe('discover: what goes wrong', () => {
  it('names a missing export folder, a file given as the folder, and a bad choice of source', async () => {
    const missing = join(work, 'nope');
    await expect(discoverSource(connector, { system: 'acme', exportDir: missing }, tuning())).rejects.toThrow(new FerryError('USAGE', `export folder ${missing} does not exist`, 'fatal'));
    writeFileSync(join(work, 'file'), '');
    await expect(discoverSource(connector, { system: 'acme', exportDir: join(work, 'file') }, tuning())).rejects.toThrow(/is a file, not a folder/);
    await expect(discoverSource(connector, { system: 'acme' }, tuning())).rejects.toThrow('give exactly one of an export folder or an API base URL');
    await expect(discoverSource(connector, { system: 'acme', exportDir: work, apiBaseUrl: 'http://x' }, tuning())).rejects.toThrow('give exactly one of');
    await expect(discoverSource(connector, { system: 'acme', apiBaseUrl: 'ftp://x' }, tuning())).rejects.toThrow('must start with http:// or https://');
    await expect(discoverSource(connector, { system: 'acme', apiBaseUrl: 'not a url' }, tuning())).rejects.toThrow('is not a URL');
  });

  it('reports an object whose file is missing, reads the rest, and leaves references to it unchecked', async () => {
    const dir = join(work, 'export');
    mkdirSync(dir);
    for (const f of ['contacts.ndjson', 'deals.ndjson', 'workflows.ndjson']) copyFileSync(join(ACME_EXPORT, f), join(dir, f));
    const { inventory } = await discoverSource(connector, { system: 'acme', exportDir: dir, out: join(work, 'out') }, tuning());
    expect(inventory.problems).toEqual([`${join(dir, 'companies.ndjson')} is missing`]);
    const company = object(inventory, 'company');
    expect(company.error).toMatch(/ENOENT/);
    expect(company.records).toBe(0);
    expect(object(inventory, 'contact').records).toBe(10);
    expect(inventory.totals.objects).toBe(3);
    // company's own reference was not read at all, so it is not listed
    expect(inventory.references.map((r) => `${r.object}.${r.field}`)).toEqual(['contact.company_id', 'contact.owner_id', 'deal.contact_id', 'deal.company_id']);
    const toCompany = inventory.references.filter((r) => r.target === 'company');
    expect(toCompany.map((r) => [r.object, r.checked, r.orphans])).toEqual([['contact', false, null], ['deal', false, null]]);
    expect(toCompany[0].note).toMatch(/^company could not be read: .*ENOENT/);
  });

  it('writes to ./ferry-discovery/<system>-<time>/ by default and removes its temporary files', async () => {
    const cwd = process.cwd();
    const temp = join(work, 'tmp');
    mkdirSync(temp);
    process.chdir(work);
    try {
      const { file } = await discoverSource(connector, { system: 'acme', exportDir: ACME_EXPORT }, tuning({ tempDir: temp, now: () => new Date('2026-03-01T10:20:30.456Z') }));
      expect(file).toBe(join(process.cwd(), 'ferry-discovery', 'acme-20260301T102030Z', 'discovery.json'));
      expect(require('fs').readdirSync(temp)).toEqual([]);
    } finally {
      process.chdir(cwd);
    }
  });

  it('reports an automation the connector cannot read as a problem, and keeps reading', async () => {
    class Strict extends AcmeFixtureConnector {
      override automations(stream: string, record: Record<string, unknown>) {
        if (record.workflow_id === 'wf_1') throw new Error('trigger type "web" is unknown');
        return super.automations(stream, record);
      }
    }
    const { inventory } = await discoverSource(new Strict(), { system: 'acme', exportDir: ACME_EXPORT, out: work }, tuning());
    expect(inventory.problems).toEqual(['workflow wf_1: its automations could not be read: trigger type "web" is unknown']);
    expect(inventory.automations.map((a) => a.id)).toEqual(['wf_2']);
    expect(object(inventory, 'workflow')).toMatchObject({ records: 2, error: null });
  });

  it('leaves message senders and recipients out of the duplicate hint', async () => {
    class WithRecipients extends AcmeFixtureConnector {
      override async *readExport(dir: string, stream: string) {
        let i = 0;
        for await (const m of super.readExport(dir, stream)) {
          // every contact has its own recipient address except two that share one
          if (m.type === 'record' && stream === 'contact') (m.record.custom as Record<string, string>).email_to = `to${i++ < 2 ? 0 : i}@mail.example`;
          yield m;
        }
      }
    }
    const { inventory } = await discoverSource(new WithRecipients(), { system: 'acme', exportDir: ACME_EXPORT, out: work }, tuning());
    const contact = object(inventory, 'contact');
    expect(contact.fields.find((f) => f.name === 'email_to')).toMatchObject({ type: 'email', custom: true, distinct: 9 });
    expect(contact.duplicates).toMatchObject({ fields: ['email', 'phone'], records: 4 });
  });

  it('reports progress per object', async () => {
    const events: string[] = [];
    await discoverSource(connector, { system: 'acme', exportDir: ACME_EXPORT, out: work }, tuning({ onProgress: (e) => e.done && events.push(`${e.object}:${e.records}`) }));
    expect(events).toEqual(['company:5', 'contact:10', 'deal:4', 'workflow:2']);
  });
});

/** Serves the fixture rows as the Acme API: Bearer key, page/size paging, `since` on the cursor, tombstones. */
function acmeApi(key: string): http.Server {
  const files: Record<string, string> = { '/companies': 'companies.ndjson', '/contacts': 'contacts.ndjson', '/deals': 'deals.ndjson', '/workflows': 'workflows.ndjson' };
  const items = (p: string): Array<Record<string, unknown>> => {
    if (p === '/owners') return [{ owner_id: 'own_1', email: 'alex@acme.example' }, { owner_id: 'own_2', email: 'bea@acme.example' }];
    const rows = readFileSync(join(ACME_EXPORT, files[p]), 'utf8').split('\n').flatMap((l) => {
      try {
        return [JSON.parse(l)];
      } catch {
        return [];
      }
    });
    if (p === '/contacts') rows.push({ contact_id: 'ct_gone', created_at: '2024-02-01T00:00:00Z', is_deleted: true });
    return rows;
  };
  return http.createServer((req, res) => {
    const url = new URL(req.url!, 'http://x');
    if (req.headers.authorization !== `Bearer ${key}`) {
      res.writeHead(401).end('{"error":"bad key"}');
      return;
    }
    if (!(url.pathname in files) && url.pathname !== '/owners') {
      res.writeHead(404).end('{}');
      return;
    }
    const since = url.searchParams.get('since');
    let list = items(url.pathname);
    if (url.pathname === '/contacts') {
      const at = (r: Record<string, unknown>) => Date.parse(String(r.created_at ?? '1970-01-01T00:00:00Z'));
      list = list.sort((a, b) => at(a) - at(b)).filter((r) => since === null || at(r) >= Date.parse(since));
    }
    const size = Number(url.searchParams.get('size'));
    const page = Number(url.searchParams.get('page'));
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ items: list.slice((page - 1) * size, page * size) }));
  });
}

describe('discover over the API', () => {
  let server: http.Server;
  let base: string;
  beforeAll(async () => {
    server = acmeApi('k1');
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('reads every object the API offers, with tombstones counted apart, and checks references to API-only objects', async () => {
    const { inventory } = await discoverSource(connector, { system: 'acme', apiBaseUrl: base, credential: 'k1', out: work }, tuning());
    expect(inventory.source).toEqual({ kind: 'api', location: base });
    expect(inventory.objects.map((o) => [o.name, o.location, o.records, o.deleted, o.rejected.count])).toEqual([
      ['company', '/companies', 5, 0, 0],
      ['contact', '/contacts', 11, 1, 2],
      ['deal', '/deals', 4, 0, 0],
      ['workflow', '/workflows', 2, 0, 0],
      ['owner', '/owners', 2, 0, 0],
    ]);
    const contact = object(inventory, 'contact');
    expect(contact.rejected.byCode).toEqual({ MISSING_VALUE: 1, BAD_DATE: 1 });
    // fill rates count live records only
    expect(contact.fields.find((f) => f.name === 'status')).toMatchObject({ filled: 10, fillRate: 1 });
    expect(inventory.references.find((r) => r.field === 'owner_id')).toMatchObject({ checked: true, values: 10, orphans: 1, examples: ['own_3'] });
    expect(inventory.automations.map((a) => a.id)).toEqual(['wf_1', 'wf_2']);
  });

  it('stops with one line when the key is refused or nothing answers', async () => {
    await expect(discoverSource(connector, { system: 'acme', apiBaseUrl: base, credential: 'wrong', out: work }, tuning())).rejects.toMatchObject({ code: 'SOURCE_API_AUTH' });
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', () => r()));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const err = await discoverSource(connector, { system: 'acme', apiBaseUrl: `http://127.0.0.1:${port}`, credential: 'k1', out: work }, tuning()).catch((e: Error) => e);
    expect(err).toMatchObject({ code: 'SOURCE_API_UNREACHABLE' });
    expect((err as Error).message).not.toContain('\n');
  });
});
