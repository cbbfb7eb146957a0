import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Extraction, type ExtractionOptions } from '../apps/extractor/src/extraction';
import { topics, type ExtractedEvent } from '@ferry/contracts';
import { ExportConnector, inferExportSource, syntheticKey } from '@ferry/connectors/export';
import { sourceConnector } from '@ferry/connectors/registry';
import { discoverSource } from '@ferry/discovery';
import { confirmedMap, proposeRouteMap, routeMapHash, type CompiledRouteMap } from '@ferry/mapping';
import { connectDataSource, MapVersionRepository, MigrationRepository, QualityRepository } from '@ferry/persistence';
import { Runtime } from '@ferry/runtime';
import type { Admin } from 'kafkajs';
import type { DataSource } from 'typeorm';
import { createLogger } from '@ferry/common';
import { loadConfig, settings } from '@ferry/config';
import type { RoutePlan } from '@ferry/contracts';
import { DataverseClient } from '@ferry/destinations/dynamics';
import { createKafka } from '@ferry/kafka';
import type { RouteStack } from '@ferry/ops';
import { startPlanStack } from './support/golden-route';
import { connectOrg, queryAll } from './support/salesforce-org';
import { settled } from './support/settle';
import { readTopic } from './support/topic-reader';
import { testDatabaseUrl, uniqueMigration, useTestEnv } from './support/it-env';

const FIXTURE = path.join(__dirname, '..', 'libs', 'connectors', 'export', 'fixtures', 'zoho');

/**
 * Any CRM's export as a source: a Zoho-style folder is inferred, discovered through the connector built from the
 * inference, proposed as a map that carries the description, confirmed, and extracted through real Kafka, the
 * schema registry and PostgreSQL; a second drop moves only what changed.
 */
describe('export source: discover → propose → confirm → extract → delta', () => {
  const migration = uniqueMigration('export-src');
  let dir: string;
  let map: CompiledRouteMap;
  let rt: Runtime;

  beforeAll(async () => {
    useTestEnv(migration);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ferry-export-src-'));
    fs.cpSync(FIXTURE, dir, { recursive: true });
    const db = await connectDataSource(testDatabaseUrl());
    try {
      await db.runMigrations({ transaction: 'each' });
      const exportSource = await inferExportSource(dir);
      const connector = new ExportConnector(exportSource);
      const { inventory } = await discoverSource(
        connector,
        { system: 'export', exportDir: dir, out: path.join(dir, '..', `${path.basename(dir)}-discovery`) },
        { schemaFor: (s) => connector.recordSchema(s) },
      );
      const doc = proposeRouteMap({ inventory, entities: [], source: 'export', destination: 'dynamics', keyColumn: 'crm_sourceid', exportSource });
      await new MigrationRepository(db, migration).ensure('export', 'dynamics', null);
      const versions = new MapVersionRepository(db, migration);
      const draft = await versions.addDraft({ route: doc.route, hash: routeMapHash(doc), document: doc, sourceText: JSON.stringify(doc), origin: 'proposal', createdBy: 'export test' });
      await versions.confirm(draft.version, 'export test');
      map = (await confirmedMap(db, migration))!;
    } finally {
      await db.destroy();
    }
    rt = await Runtime.create('export-source-test', { map });
  }, 120_000);
  afterAll(async () => {
    await rt?.close();
  });

  const options = (): ExtractionOptions => ({
    source: { system: 'export', mode: 'export', exportDir: dir },
    streams: rt.plan.sourceObjects,
    batchSize: 25,
    pollIntervalMs: 200,
    exportWatchMs: 200,
    overlapMs: 0,
  });

  it('the confirmed map carries the description, and its plan the generated records', () => {
    expect(map.document.exportSource?.objects.map((o) => o.name)).toEqual(['accounts', 'contacts', 'deals', 'users']);
    expect([...rt.plan.sourceObjects].sort()).toEqual(['accounts', 'contacts', 'deals']);
    expect(rt.plan.sourceSchemas?.deals.fields?.[0]).toEqual(expect.objectContaining({ name: 'ferry_key', type: 'string' }));
    const deals = map.document.objects.find((e) => e.from === 'deals')!;
    expect(deals.lookups.customerid?.targets).toEqual([{ to: 'account', key: 'account_name_key' }]);
    expect(deals.note).toContain('source key Deal Name + Account Name (0.6, REVIEW');
  });

  it('extracts every record under its inferred key, parents named by name resolved to their keys; a new drop moves only what changed', async () => {
    const connector = sourceConnector('export', { exportSource: map.document.exportSource });
    const ex = new Extraction(rt, connector, options());
    await ex.prepare();
    const first = await ex.passAll();
    expect(Object.fromEntries(first.map((o) => [o.stream, [o.emitted, o.rejected, o.error]]))).toEqual({
      accounts: [8, 0, undefined],
      contacts: [10, 0, undefined],
      deals: [10, 0, undefined],
    });
    const deals = await readTopic<ExtractedEvent>(rt.kafka, rt.codec, topics.extracted(migration, 'export', 'deals'), 10);
    const fleet = deals.find((e) => e.key === syntheticKey(['Fleet expansion', 'Acme Logistics']))!;
    expect(fleet.value.envelope).toEqual(expect.objectContaining({ sourceSystem: 'export', objectType: 'deals', operation: 'UPSERT' }));
    expect(fleet.value.record).toEqual(expect.objectContaining({ deal_name: 'Fleet expansion', account_name_key: 'zcrm_4000000000101', amount: '40000.00', ferry_owner_email: 'ayse.demir@northwind.example' }));
    const contacts = await readTopic<ExtractedEvent>(rt.kafka, rt.codec, topics.extracted(migration, 'export', 'contacts'), 10);
    expect(contacts.map((e) => e.key).sort()).toEqual(Array.from({ length: 10 }, (_, i) => `zcrm_40000000002${String(i + 1).padStart(2, '0')}`));
    expect(contacts.find((e) => e.key === 'zcrm_4000000000201')?.value.record).toEqual(expect.objectContaining({ ferry_owner_email: 'ayse.demir@northwind.example', account_name_key: 'zcrm_4000000000101' }));

    // The next drop: one deal's amount changed, one deal gone, one new; one contact's title changed; accounts untouched.
    const dealsFile = path.join(dir, 'Deals.csv');
    const lines = fs.readFileSync(dealsFile, 'utf8').split('\r\n');
    const next = lines
      .filter((l) => !l.startsWith('Store fit-out,'))
      .map((l) => (l.startsWith('Data platform,') ? l.replace('$55,000.00', '$61,000.00') : l));
    // Its closing date is a placeholder: the field goes empty, the deal is sent, and the quality report counts it.
    next.splice(next.length - 1, 0, 'Support plan,Granite Legal LLP,"$2,400.00",Proposal,TBD,ayse.demir@northwind.example,Grace Lee');
    fs.writeFileSync(dealsFile, next.join('\r\n'));
    const contactsFile = path.join(dir, 'Contacts.csv');
    fs.writeFileSync(contactsFile, fs.readFileSync(contactsFile, 'utf8').replace(',CFO,', ',Chief Financial Officer,'));
    for (const f of [dealsFile, contactsFile]) fs.utimesSync(f, new Date(), new Date(Date.now() + 5000));

    const delta = await ex.passAll();
    expect(Object.fromEntries(delta.map((o) => [o.stream, { emitted: o.emitted, deleted: o.deleted, unchanged: o.unchanged, skipped: o.skipped }]))).toEqual({
      accounts: { emitted: 0, deleted: 0, unchanged: 0, skipped: true },
      contacts: { emitted: 1, deleted: 0, unchanged: 9, skipped: false },
      deals: { emitted: 2, deleted: 1, unchanged: 8, skipped: false },
    });
    const all = await readTopic<ExtractedEvent>(rt.kafka, rt.codec, topics.extracted(migration, 'export', 'deals'), 13);
    // partitions interleave: compare what the second drop added, not the order
    const before = new Set(deals.map((e) => e.key));
    const twice = [...new Set(all.map((e) => e.key))].filter((k) => all.filter((e) => e.key === k).length > 1).sort();
    expect(twice).toEqual([syntheticKey(['Data platform', 'Fjord Analytics']), syntheticKey(['Store fit-out', 'Harbor & Co'])].sort());
    expect(all.filter((e) => e.value.envelope.operation === 'DELETE').map((e) => [e.key, e.value.record])).toEqual([[syntheticKey(['Store fit-out', 'Harbor & Co']), null]]);
    expect(all.filter((e) => !before.has(e.key)).map((e) => e.key)).toEqual([syntheticKey(['Support plan', 'Granite Legal LLP'])]);
    const amounts = all.filter((e) => e.key === syntheticKey(['Data platform', 'Fjord Analytics'])).map((e) => (e.value.record as { amount: string }).amount);
    expect(amounts).toEqual(['55000.00', '61000.00']);
    const support = all.find((e) => e.key === syntheticKey(['Support plan', 'Granite Legal LLP']))!;
    expect(support.value.record).toEqual(expect.objectContaining({ closing_date: null, amount: '2400.00' }));
    expect(await new QualityRepository(rt.db, migration).all()).toEqual([
      expect.objectContaining({ objectType: 'deals', entity: '(source)', column: 'Closing Date', kind: 'SOURCE_PLACEHOLDER', occurrences: 1, exampleValue: 'TBD' }),
    ]);
  }, 120_000);
});

interface ProposedRoute {
  db: DataSource;
  admin: Admin;
  stack: RouteStack;
  plan: RoutePlan;
  workDir: string;
}

/**
 * The Zoho-style fixture inferred, discovered, proposed onto a destination's built-in catalog, confirmed as it
 * was proposed, and run by the whole stack against that destination's sandbox (its schema applied first).
 */
async function startProposedRoute(migration: string, destination: string, keyColumn: string, port: number): Promise<ProposedRoute> {
  useTestEnv(migration);
  const cfg = loadConfig([settings.kafka]);
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), `ferry-export-${destination}-`));
  const exportDir = path.join(workDir, 'export');
  fs.cpSync(FIXTURE, exportDir, { recursive: true });
  const db = await connectDataSource(testDatabaseUrl());
  await db.runMigrations({ transaction: 'each' });
  const admin = createKafka({ brokers: cfg.KAFKA_BROKERS, clientId: 'test' }, createLogger('test', 'warn')).admin();
  await admin.connect();
  const exportSource = await inferExportSource(exportDir);
  const connector = new ExportConnector(exportSource);
  const { inventory } = await discoverSource(connector, { system: 'export', exportDir, out: path.join(workDir, 'discovery') }, { schemaFor: (s) => connector.recordSchema(s) });
  const doc = proposeRouteMap({ inventory, entities: [], source: 'export', destination, keyColumn, exportSource });
  const versions = new MapVersionRepository(db, migration);
  const draft = await versions.addDraft({ route: doc.route, hash: routeMapHash(doc), document: doc, sourceText: JSON.stringify(doc), origin: 'proposal', createdBy: 'export test' });
  await versions.confirm(draft.version, 'export test');
  const plan = (await confirmedMap(db, migration))!.plan;
  const stack = await startPlanStack(db, plan, migration, exportDir, workDir, port);
  return { db, admin, stack, plan, workDir };
}

async function stopProposedRoute(r: ProposedRoute | undefined): Promise<void> {
  await r?.stack.stop();
  await r?.admin.disconnect();
  await r?.db.destroy();
}

/**
 * The same export through all five services into the Dataverse sandbox: the proposed map (the built-in catalog of
 * Dynamics 365 Sales columns) given to the sandbox as schema, the stack run until everything reconciles, and the
 * opportunity made from a deal that names its account by display name linked to that account.
 */
describe('export source: the whole route into the Dataverse sandbox', () => {
  const migration = uniqueMigration('export-route');
  let r: ProposedRoute;

  beforeAll(async () => {
    r = await startProposedRoute(migration, 'dynamics', 'crm_sourceid', 18410);
  }, 240_000);
  afterAll(() => stopProposedRoute(r));

  it('reconciles every record, and the opportunity of a deal is linked to the account it names', async () => {
    const result = await settled({ db: r.db, admin: r.admin, plan: r.plan, migration, services: r.stack.services }, 300_000, 'the export route to reconcile');
    expect(Object.fromEntries(result.entities.map((e) => [e.entity, [e.loaded, e.rejected, e.waiting]]))).toEqual({
      account: [8, 0, 0],
      contact: [10, 0, 0],
      opportunity: [10, 0, 0],
    });
    const url = r.stack.sandboxUrl;
    const client = new DataverseClient({
      baseUrl: `${url}/api/data/v9.2`, tokenUrl: `${url}/login/ferry-demo-tenant/oauth2/v2.0/token`,
      clientId: 'ferry-demo', clientSecret: 'ferry-demo-secret', scope: `${url}/.default`,
    });
    const rows = async (set: string) => {
      const out: Record<string, unknown>[] = [];
      for await (const r of client.listAll(set)) out.push(r);
      return out;
    };
    const account = (await rows('accounts')).find((r) => r.crm_sourceid === 'zcrm_4000000000101')!;
    expect(account.name).toBe('Acme Logistics');
    const fleet = (await rows('opportunities')).find((r) => r.crm_sourceid === syntheticKey(['Fleet expansion', 'Acme Logistics']))!;
    expect(fleet).toBeDefined();
    expect(Object.values(fleet)).toContain(account.accountid);
  }, 330_000);
});

/**
 * The same export proposed onto Salesforce (the built-in catalog of Sales Cloud fields), its schema planned and
 * applied to the Salesforce sandbox, and run through all five services: accounts, contacts and opportunities land
 * with the lookups inferred by display name, the deals' stages matched to the org's (Proposal → Proposal/Price Quote).
 */
describe('export source: the whole route into the Salesforce sandbox', () => {
  const migration = uniqueMigration('export-sf');
  let r: ProposedRoute;

  beforeAll(async () => {
    r = await startProposedRoute(migration, 'salesforce', 'ferry_key__c', 18412);
  }, 240_000);
  afterAll(() => stopProposedRoute(r));

  it('reconciles every record, links opportunities and contacts to the accounts they name, with stages the org offers', async () => {
    const result = await settled({ db: r.db, admin: r.admin, plan: r.plan, migration, services: r.stack.services }, 300_000, 'the export route into Salesforce to reconcile');
    expect(Object.fromEntries(result.entities.map((e) => [e.entity, [e.loaded, e.rejected, e.waiting]]))).toEqual({
      account: [8, 0, 0],
      contact: [10, 0, 0],
      opportunity: [10, 0, 0],
    });
    const conn = await connectOrg(r.stack.sandboxUrl);
    const accounts = await queryAll(conn, 'SELECT Id, Name, Ferry_Key__c, BillingCity FROM Account');
    const acme = accounts.find((r) => r.Ferry_Key__c === 'zcrm_4000000000101')!;
    expect(acme).toMatchObject({ Name: 'Acme Logistics', BillingCity: expect.any(String) });
    const fleet = (await queryAll(conn, 'SELECT Id, Name, AccountId, StageName, CloseDate, Amount, Ferry_Key__c FROM Opportunity')).find(
      (r) => r.Ferry_Key__c === syntheticKey(['Fleet expansion', 'Acme Logistics']),
    )!;
    expect(fleet).toMatchObject({ Name: 'Fleet expansion', AccountId: acme.Id, CloseDate: '2022-03-15', Amount: 40000, StageName: 'Proposal/Price Quote' });
    const liam = (await queryAll(conn, 'SELECT Id, FirstName, LastName, Email, AccountId, Ferry_Key__c FROM Contact')).find((r) => r.Ferry_Key__c === 'zcrm_4000000000201')!;
    expect(liam).toMatchObject({ FirstName: 'Liam', LastName: 'Novak', Email: 'liam.novak@acme-logistics.example', AccountId: acme.Id });
  }, 330_000);

  it('`ferry map propose` describes the org and prefers the __c fields the first map created there', () => {
    const ferry = (...args: string[]) =>
      execFileSync(process.execPath, [path.join(__dirname, '..', 'bin', 'ferry.js'), ...args], {
        env: { ...process.env, DATABASE_URL: testDatabaseUrl(), SALESFORCE_LOGIN_URL: `${r.stack.sandboxUrl}/salesforce`, SALESFORCE_CLIENT_SECRET: 'ferry-demo-secret' },
        encoding: 'utf8',
        timeout: 120_000,
      });
    ferry('discover', '--source', 'export', '--export', path.join(r.workDir, 'export'), '--out', path.join(r.workDir, 'cli-discovery'));
    const out = ferry('map', 'propose', '--migration', `${migration}-again`, '--discovery', path.join(r.workDir, 'cli-discovery'), '--route', 'export-salesforce', '--out', path.join(r.workDir, 'again.yaml'));
    expect(out).toMatch(/^salesforce described account, contact, lead, opportunity, product2, .*; the built-in catalog stands in for the rest$/m);
    expect(out).toMatch(/map version 1 proposed \(export-salesforce\)/);
    const again = fs.readFileSync(path.join(r.workDir, 'again.yaml'), 'utf8');
    // schema apply created the custom fields of the first proposal: the second finds them in the org
    expect(again).toMatch(/newsletter_opt_in__c: \{[^}]*confidence: 0\.94/);
    expect(again).toContain("the destination's custom column");
  }, 150_000);
});
