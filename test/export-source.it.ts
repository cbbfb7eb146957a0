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

/**
 * The same export through all five services into the Dataverse sandbox: the proposed map (the built-in catalog of
 * Dynamics 365 Sales columns) given to the sandbox as schema, the stack run until everything reconciles, and the
 * opportunity made from a deal that names its account by display name linked to that account.
 */
describe('export source: the whole route into the Dataverse sandbox', () => {
  const PORT = 18410;
  const migration = uniqueMigration('export-route');
  let db: DataSource;
  let admin: Admin;
  let stack: RouteStack | undefined;
  let plan: RoutePlan;

  beforeAll(async () => {
    useTestEnv(migration);
    const cfg = loadConfig([settings.kafka]);
    const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ferry-export-route-'));
    const exportDir = path.join(workDir, 'export');
    fs.cpSync(FIXTURE, exportDir, { recursive: true });
    db = await connectDataSource(testDatabaseUrl());
    await db.runMigrations({ transaction: 'each' });
    admin = createKafka({ brokers: cfg.KAFKA_BROKERS, clientId: 'test' }, createLogger('test', 'warn')).admin();
    await admin.connect();
    const exportSource = await inferExportSource(exportDir);
    const connector = new ExportConnector(exportSource);
    const { inventory } = await discoverSource(connector, { system: 'export', exportDir, out: path.join(workDir, 'discovery') }, { schemaFor: (s) => connector.recordSchema(s) });
    const doc = proposeRouteMap({ inventory, entities: [], source: 'export', destination: 'dynamics', keyColumn: 'crm_sourceid', exportSource });
    const versions = new MapVersionRepository(db, migration);
    const draft = await versions.addDraft({ route: doc.route, hash: routeMapHash(doc), document: doc, sourceText: JSON.stringify(doc), origin: 'proposal', createdBy: 'export test' });
    await versions.confirm(draft.version, 'export test');
    plan = (await confirmedMap(db, migration))!.plan;
    stack = await startPlanStack(db, plan, migration, exportDir, workDir, PORT);
  }, 240_000);
  afterAll(async () => {
    await stack?.stop();
    await admin?.disconnect();
    await db?.destroy();
  });

  it('reconciles every record, and the opportunity of a deal is linked to the account it names', async () => {
    const result = await settled({ db, admin, plan, migration, services: stack!.services }, 300_000, 'the export route to reconcile');
    expect(Object.fromEntries(result.entities.map((e) => [e.entity, [e.loaded, e.rejected, e.waiting]]))).toEqual({
      account: [8, 0, 0],
      contact: [10, 0, 0],
      opportunity: [10, 0, 0],
    });
    const url = stack!.sandboxUrl;
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
