import type { DestinationEvent, LoadedEvent } from '@ferry/contracts';
import { topics } from '@ferry/contracts';
import type { ConsumedRecord } from '@ferry/kafka';
import { connectDataSource, IdMapRepository, OwnerRepository, ParkingRepository, QualityRepository } from '@ferry/persistence';
import { templateMap } from '@ferry/mapping';
import { Runtime } from '@ferry/runtime';
import { OwnerDirectory } from '../apps/resolver/src/owner.directory';
import { ResolveHandler } from '../apps/resolver/src/resolve.handler';
import { readTopic } from './support/topic-reader';
import { testDatabaseUrl, uniqueMigration, useTestEnv } from './support/it-env';

const envelope = (migration: string, objectType: string, sourceKey: string) => ({
  migration, run: 'run-test', sourceSystem: 'leaf360', objectType, sourceKey, operation: 'UPSERT' as const,
  sourceModifiedAt: null, contentHash: 'h', mapVersion: 'leaf360-dynamics@1', traceId: `t-${sourceKey}`,
});

const consumed = <T>(topic: string, key: string, value: T): ConsumedRecord<T> => ({ topic, partition: 0, offset: '0', key, value, timestamp: Date.now() });

describe('resolver: a contact arriving before its account', () => {
  const migration = uniqueMigration('resolve');
  let rt: Runtime;
  let handler: ResolveHandler;

  beforeAll(async () => {
    useTestEnv(migration);
    const db = await connectDataSource(testDatabaseUrl());
    await db.runMigrations({ transaction: 'each' });
    await db.destroy();
    rt = await Runtime.create('resolver-test', { map: templateMap('leaf360-dynamics') });
    const directory = new OwnerDirectory(
      [
        { id: 'u-admin', email: 'admin@org.example', disabled: false },
        { id: 'u-ana', email: 'ana@org.example', disabled: false },
      ],
      'admin@org.example',
    );
    handler = new ResolveHandler(rt, directory);
  });
  afterAll(() => rt?.close());

  it('waits in PostgreSQL, then lands once the loaded topic reports the account', async () => {
    const contact: DestinationEvent = {
      envelope: envelope(migration, 'contact', 'CT-1'),
      target: { entry: 'contact', entity: 'contact', key: 'CT-1', merge: 'last-wins' },
      record: { crm_sourceid: 'CT-1', firstname: 'Ana', lastname: 'Díaz', emailaddress1: null, telephone1: null, jobtitle: null, crm_loanstatus: null, crm_referralsource: null, crm_sourcecreatedon: null },
      lookups: [{ column: 'parentcustomerid', candidates: [{ entity: 'account', key: 'CO-1' }], deferrable: false, targetEntity: null, destinationId: null }],
      owner: { email: 'nobody@elsewhere.example', systemUserId: null, fallback: false },
    };
    await handler.handle([consumed(topics.transformed(migration, 'dynamics', 'contact'), 'CT-1', contact)]);

    const parking = new ParkingRepository(rt.db, migration);
    expect(await parking.countByEntity()).toEqual(new Map([['contact', 1]]));

    const loaded: LoadedEvent = {
      envelope: envelope(migration, 'company', 'CO-1'),
      result: { status: 'SUCCESS', entity: 'account', alternateKey: 'CO-1', destinationId: '11111111-2222-4333-8444-555555555555', action: 'CREATED', errorCode: null, errorMessage: null, attempts: 1 },
    };
    await handler.handle([consumed(topics.loaded(migration, 'dynamics', 'account'), 'CO-1', loaded)]);

    expect(await parking.countByEntity()).toEqual(new Map());
    const [resolved] = await readTopic<DestinationEvent>(rt.kafka, rt.codec, topics.resolved(migration, 'dynamics', 'contact'), 1);
    expect(resolved.key).toBe('CT-1');
    expect(resolved.value.lookups[0]).toMatchObject({ targetEntity: 'account', destinationId: '11111111-2222-4333-8444-555555555555' });
    // The owner matched no user: the fallback owner, and the owner report says so.
    expect(resolved.value.owner).toEqual({ email: 'nobody@elsewhere.example', systemUserId: 'u-admin', fallback: true });
    expect(await new OwnerRepository(rt.db, migration).report()).toEqual([
      { sourceEmail: 'nobody@elsewhere.example', status: 'unmatched', systemUserId: 'u-admin', records: 1 },
    ]);
  });

  it('goes straight on when the parent already landed, and rejects a child whose parent failed', async () => {
    const deal = (key: string, company: string): DestinationEvent => ({
      envelope: envelope(migration, 'deal', key),
      target: { entry: 'opportunity', entity: 'opportunity', key, merge: 'last-wins' },
      record: { crm_sourceid: key, name: key, estimatedvalue: null, estimatedclosedate: null, stepname: null, crm_loantype: null, crm_preapprovaldate: null, crm_loanofficer: null, crm_sourcecreatedon: null },
      lookups: [{ column: 'customerid', candidates: [{ entity: 'account', key: company }], deferrable: false, targetEntity: null, destinationId: null }],
      owner: { email: 'ana@org.example', systemUserId: null, fallback: false },
    });
    const failed: LoadedEvent = {
      envelope: envelope(migration, 'company', 'CO-BAD'),
      result: { status: 'FAILURE', entity: 'account', alternateKey: 'CO-BAD', destinationId: null, action: null, errorCode: '0x80044331', errorMessage: 'too long', attempts: 1 },
    };
    await handler.handle([consumed(topics.transformed(migration, 'dynamics', 'opportunity'), 'D-2', deal('D-2', 'CO-BAD'))]);
    await handler.handle([consumed(topics.loaded(migration, 'dynamics', 'account'), 'CO-BAD', failed)]);
    await handler.handle([consumed(topics.transformed(migration, 'dynamics', 'opportunity'), 'D-1', deal('D-1', 'CO-1'))]);

    const [ok] = await readTopic<DestinationEvent>(rt.kafka, rt.codec, topics.resolved(migration, 'dynamics', 'opportunity'), 1);
    expect(ok.key).toBe('D-1');
    expect(ok.value.owner).toEqual({ email: 'ana@org.example', systemUserId: 'u-ana', fallback: false });
    const dlq = await readTopic<{ sourceKey: string; code: string; phase: string }>(rt.kafka, rt.codec, topics.dlq(migration), 1);
    expect(dlq[0].value).toMatchObject({ sourceKey: 'D-2', entity: 'opportunity', targetKey: 'D-2', code: 'PARENT_FAILED', phase: 'RESOLVE' });
    expect(await new ParkingRepository(rt.db, migration).countByEntity()).toEqual(new Map());
  });
});

describe('resolver: parents the source does not have', () => {
  const migration = uniqueMigration('absent');
  let rt: Runtime;
  let handler: ResolveHandler;

  beforeAll(async () => {
    useTestEnv(migration);
    rt = await Runtime.create('resolver-absent-test', { map: templateMap('leaf360-dynamics') });
    handler = new ResolveHandler(rt, new OwnerDirectory([{ id: 'u-admin', email: 'admin@org.example', disabled: false }], 'admin@org.example'));
  });
  afterAll(() => rt?.close());

  it('lands a child without an optional lookup to an absent parent, and refuses one whose lookup the map requires', async () => {
    const deal = (key: string, required: boolean): DestinationEvent => ({
      envelope: envelope(migration, 'deal', key),
      target: { entry: 'opportunity', entity: 'opportunity', key, merge: 'last-wins' },
      record: { crm_sourceid: key, name: key },
      lookups: [{ column: 'customerid', candidates: [{ entity: 'account', key: 'CO-GONE' }], deferrable: false, required, targetEntity: null, destinationId: null }],
      owner: null,
    });
    // Through the transformed topic, so the required flag is shown to survive Avro.
    const topic = topics.transformed(migration, 'dynamics', 'opportunity');
    await rt.producer.send([{ topic, key: 'D-OPT', value: deal('D-OPT', false) }, { topic, key: 'D-REQ', value: deal('D-REQ', true) }]);
    const sent = await readTopic<DestinationEvent>(rt.kafka, rt.codec, topic, 2);
    expect(sent.map((r) => r.value.lookups[0].required)).toEqual([false, true]);
    // What the sweep concludes once everything is read: the account is nowhere.
    await new IdMapRepository(rt.db, migration).upsert([{ entity: 'account', key: 'CO-GONE', destinationId: null, state: 'missing' }]);
    await handler.handle(sent.map((r) => consumed(topic, r.key!, r.value)));

    const [landed] = await readTopic<DestinationEvent>(rt.kafka, rt.codec, topics.resolved(migration, 'dynamics', 'opportunity'), 1);
    expect(landed.key).toBe('D-OPT');
    expect(landed.value.lookups).toEqual([]);
    const [refused] = await readTopic<{ sourceKey: string; code: string; phase: string; reason: string }>(rt.kafka, rt.codec, topics.dlq(migration), 1);
    expect(refused.value).toMatchObject({ sourceKey: 'D-REQ', code: 'MISSING_PARENT', phase: 'RESOLVE' });
    expect(refused.value.reason).toMatch(/customerid is required but the source has no account CO-GONE/);
    const quality = await new QualityRepository(rt.db, migration).all();
    expect(quality).toEqual([expect.objectContaining({ entity: 'opportunity', column: 'customerid', kind: 'MISSING_PARENT', occurrences: 1, exampleKey: 'D-OPT' })]);
  });
});

describe('resolver: an event its topic refuses', () => {
  const migration = uniqueMigration('invalid');
  let rt: Runtime;
  let handler: ResolveHandler;

  beforeAll(async () => {
    useTestEnv(migration);
    rt = await Runtime.create('resolver-invalid-test', { map: templateMap('leaf360-dynamics') });
    handler = new ResolveHandler(rt, new OwnerDirectory([{ id: 'u-admin', email: 'admin@org.example', disabled: false }], 'admin@org.example'));
  });
  afterAll(() => rt?.close());

  it('dead-letters the event that does not fit the schema, naming record and field, and sends the rest on', async () => {
    const account = (key: string, name: unknown): DestinationEvent => ({
      envelope: envelope(migration, 'company', key),
      target: { entry: 'account', entity: 'account', key, merge: 'last-wins' },
      record: { crm_sourceid: key, name } as DestinationEvent['record'],
      lookups: [],
      owner: null,
    });
    const topic = topics.transformed(migration, 'dynamics', 'account');
    await handler.handle([consumed(topic, 'CO-BAD', account('CO-BAD', 42)), consumed(topic, 'CO-OK', account('CO-OK', 'Acme'))]);

    const [ok] = await readTopic<DestinationEvent>(rt.kafka, rt.codec, topics.resolved(migration, 'dynamics', 'account'), 1);
    expect(ok.key).toBe('CO-OK');
    const [bad] = await readTopic<{ sourceKey: string; targetKey: string; code: string; phase: string; reason: string }>(rt.kafka, rt.codec, topics.dlq(migration), 1);
    expect(bad.value).toMatchObject({ sourceKey: 'CO-BAD', targetKey: 'CO-BAD', code: 'AVRO_INVALID', phase: 'RESOLVE' });
    expect(bad.value.reason).toMatch(/name/);
  });
});

describe('resolver: the owner queue', () => {
  const migration = uniqueMigration('owners');
  let rt: Runtime;
  let handler: ResolveHandler;
  const users = [
    { id: 'u-admin', email: 'admin@org.example', disabled: false },
    { id: 'u-ana', email: 'ana@org.example', disabled: false },
  ];

  beforeAll(async () => {
    useTestEnv(migration);
    rt = await Runtime.create('resolver-owner-test', { map: templateMap('leaf360-dynamics') });
    handler = new ResolveHandler(rt, new OwnerDirectory(users, 'admin@org.example'), { policy: 'queue', refreshMs: 60_000 });
  });
  afterAll(() => rt?.close());

  it('holds records whose owner matches no user, lists them, and releases them once a person maps the owner', async () => {
    const account = (key: string, email: string | null): DestinationEvent => ({
      envelope: envelope(migration, 'company', key),
      target: { entry: 'account', entity: 'account', key, merge: 'last-wins' },
      record: { crm_sourceid: key, name: key },
      lookups: [],
      owner: { email, systemUserId: null, fallback: false },
    });
    await handler.handle([
      consumed(topics.transformed(migration, 'dynamics', 'account'), 'CO-1', account('CO-1', 'gone@oldbroker.example')),
      consumed(topics.transformed(migration, 'dynamics', 'account'), 'CO-2', account('CO-2', 'gone@oldbroker.example')),
      consumed(topics.transformed(migration, 'dynamics', 'account'), 'CO-3', account('CO-3', 'ana@org.example')),
    ]);
    const owners = new OwnerRepository(rt.db, migration);
    const parking = new ParkingRepository(rt.db, migration);
    expect(await parking.countByEntity()).toEqual(new Map([['account', 2]]));
    expect(await owners.queued()).toEqual([{ sourceEmail: 'gone@oldbroker.example', records: 2 }]);
    // A refresh with nothing new releases nothing.
    expect(await handler.refreshOwners()).toBe(0);

    await owners.map('Gone@OldBroker.example', 'u-ana', 'test');
    expect(await handler.refreshOwners()).toBe(2);
    expect(await parking.countByEntity()).toEqual(new Map());
    const resolved = await readTopic<DestinationEvent>(rt.kafka, rt.codec, topics.resolved(migration, 'dynamics', 'account'), 3);
    expect(resolved.map((r) => [r.key, r.value.owner?.systemUserId]).sort()).toEqual([['CO-1', 'u-ana'], ['CO-2', 'u-ana'], ['CO-3', 'u-ana']]);
    expect((await owners.report()).map((r) => [r.sourceEmail, r.status, r.records])).toEqual([
      ['gone@oldbroker.example', 'mapped', 2],
      ['ana@org.example', 'matched', 1],
    ]);
  });
});

