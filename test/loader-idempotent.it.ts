import { startSandbox, RunningSandbox } from '../apps/sandbox/src/sandbox.app';
import { LoadHandler } from '../apps/loader/src/load.handler';
import type { DestinationEvent, LoadedEvent } from '@ferry/contracts';
import { topics } from '@ferry/contracts';
import { DataverseClient, DynamicsDestination } from '@ferry/destinations/dynamics';
import { DEMO_USERS } from '@ferry/demo';
import type { ConsumedRecord } from '@ferry/kafka';
import { connectDataSource } from '@ferry/persistence';
import { templateMap } from '@ferry/mapping';
import { Runtime } from '@ferry/runtime';
import { readTopic } from './support/topic-reader';
import { testDatabaseUrl, uniqueMigration, useTestEnv } from './support/it-env';

describe('loader: the same batch loaded twice', () => {
  const migration = uniqueMigration('load');
  let sandbox: RunningSandbox;
  let rt: Runtime;
  let client: DataverseClient;
  let handler: LoadHandler;

  beforeAll(async () => {
    useTestEnv(migration);
    const db = await connectDataSource(testDatabaseUrl());
    await db.runMigrations({ transaction: 'each' });
    await db.destroy();
    sandbox = await startSandbox({ port: 0, databaseUrl: testDatabaseUrl(), schema: 'sandbox_loader_it', logLevel: 'warn' });
    await fetch(`${sandbox.url}/_sandbox/reset`, { method: 'POST' });
    rt = await Runtime.create('loader-test', { map: templateMap('leaf360-dynamics') });
    client = new DataverseClient({ baseUrl: sandbox.apiUrl, tokenUrl: sandbox.tokenUrl, clientId: 'ferry-demo', clientSecret: 'ferry-demo-secret', scope: `${sandbox.url}/.default` });
    handler = new LoadHandler(rt, new DynamicsDestination(client, { keyColumn: 'crm_sourceid' }));
  });
  afterAll(async () => {
    await rt?.close();
    await sandbox?.close();
  });

  const owner = DEMO_USERS[1].systemuserid;
  const account = (key: string, name: string): ConsumedRecord<DestinationEvent> => ({
    topic: topics.resolved(migration, 'dynamics', 'account'), partition: 0, offset: '0', key, timestamp: Date.now(),
    value: {
      envelope: { migration, run: 'run-test', sourceSystem: 'leaf360', objectType: 'company', sourceKey: key, operation: 'UPSERT', sourceModifiedAt: null, contentHash: 'h', mapVersion: 'v', traceId: `t-${key}` },
      target: { entry: 'account', entity: 'account', key, merge: 'last-wins' },
      record: { crm_sourceid: key, name, websiteurl: null, telephone1: null, address1_city: 'Austin', address1_stateorprovince: null, address1_postalcode: null, crm_industry: null, crm_propertyaddress: '1 Main St', crm_sourcecreatedon: 1_600_000_000_000 },
      lookups: [],
      owner: { email: 'alicia.moreno@contoso-lending.example', systemUserId: owner, fallback: false },
    },
  });

  it('leaves one record each, created then updated, and audits both writes', async () => {
    const batch = [account('CO-1', 'Harbor Homes'), account('CO-2', 'Magnolia Properties'), account('CO-3', 'Golden Gate')];
    await handler.handle(batch);
    await handler.handle(batch);

    expect(await client.count('accounts')).toBe(3);
    const one = await client.get('accounts', { crm_sourceid: 'CO-1' }, { select: ['name', 'crm_propertyaddress', '_ownerid_value', 'crm_sourcecreatedon'] });
    expect(one).toMatchObject({ name: 'Harbor Homes', crm_propertyaddress: '1 Main St', _ownerid_value: owner, crm_sourcecreatedon: '2020-09-13T12:26:40Z' });

    const results = await readTopic<LoadedEvent>(rt.kafka, rt.codec, topics.loaded(migration, 'dynamics', 'account'), 6);
    const actions = results.filter((r) => r.key === 'CO-1').map((r) => r.value.result.action);
    expect(actions).toEqual(['CREATED', 'UPDATED']);
    const ids = new Set(results.map((r) => `${r.key}=${r.value.result.destinationId}`));
    expect(ids.size).toBe(3);

    const audit: { action: string; n: string }[] = await rt.db.query(
      `SELECT action, count(*) AS n FROM ferry.audit_log WHERE migration_id = $1 GROUP BY action ORDER BY action`,
      [migration],
    );
    expect(audit).toEqual([{ action: 'created', n: '3' }, { action: 'updated', n: '3' }]);
    // The update's before-image is what the record held before the second write, in the columns it touched.
    const [img] = await rt.db.query(
      `SELECT before_image FROM ferry.audit_log WHERE migration_id = $1 AND action = 'updated' AND alternate_key = 'CO-1'`,
      [migration],
    );
    expect(img.before_image).toMatchObject({ crm_sourceid: 'CO-1', name: 'Harbor Homes', crm_propertyaddress: '1 Main St', _ownerid_value: owner });
    const [created] = await rt.db.query(`SELECT before_image FROM ferry.audit_log WHERE migration_id = $1 AND action = 'created' LIMIT 1`, [migration]);
    expect(created.before_image).toBeNull();
  });

  it('reports a record the destination refuses as a failure with its code, and loads the rest', async () => {
    const tooLong = account('CO-9', 'x'.repeat(200));
    await handler.handle([tooLong, account('CO-10', 'Fine Name')]);
    const results = await readTopic<LoadedEvent>(rt.kafka, rt.codec, topics.loaded(migration, 'dynamics', 'account'), 8);
    const bad = results.find((r) => r.key === 'CO-9')!.value.result;
    expect(bad).toMatchObject({ status: 'FAILURE', errorCode: '0x80044331' });
    expect(results.find((r) => r.key === 'CO-10')!.value.result.status).toBe('SUCCESS');
    const dlq = await readTopic<{ sourceKey: string; phase: string; code: string }>(rt.kafka, rt.codec, topics.dlq(migration), 1);
    expect(dlq[0].value).toMatchObject({ sourceKey: 'CO-9', phase: 'LOAD', code: '0x80044331' });
  });
});
