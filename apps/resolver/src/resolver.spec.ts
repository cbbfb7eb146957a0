import type { DestinationEvent, Lookup } from '@ferry/contracts';
import { targetRef } from '@ferry/persistence';
import { decide, fillsKey } from './lookup-decision';
import { OwnerDirectory } from './owner.directory';

const event = (lookups: Lookup[]): DestinationEvent => ({
  envelope: {
    migration: 'm', run: 'r', sourceSystem: 'leaf360', objectType: 'deal', sourceKey: 'D-1', operation: 'UPSERT',
    sourceModifiedAt: null, contentHash: 'h', mapVersion: 'v', traceId: 't',
  },
  target: { entry: 'opportunity', entity: 'opportunity', key: 'D-1', merge: 'last-wins' },
  record: { crm_sourceid: 'D-1' },
  lookups,
  owner: null,
});

const lookup = (column: string, candidates: [string, string][], deferrable = false): Lookup => ({
  column, candidates: candidates.map(([entity, key]) => ({ entity, key })), deferrable, targetEntity: null, destinationId: null,
});
const toCompany = lookup('customerid', [['account', 'CO-1']]);
const loaded = (id: string) => ({ destinationId: id, state: 'loaded' });
const failed = { destinationId: null, state: 'failed' };

describe('lookup decision', () => {
  it('waits for a parent that has not landed, naming it', () => {
    expect(decide(event([toCompany]), new Map())).toEqual({ kind: 'wait', missing: [{ slot: 'customerid', candidates: [{ entity: 'account', key: 'CO-1' }] }] });
  });

  it('goes on once the parent loaded, with its entity and destination id filled in', () => {
    const parents = new Map([[targetRef('account', 'CO-1'), loaded('guid-1')]]);
    expect(decide(event([toCompany]), parents)).toEqual({ kind: 'ready', lookups: [{ ...toCompany, targetEntity: 'account', destinationId: 'guid-1' }], deferred: [] });
  });

  it('rejects a child whose parent failed to load', () => {
    const d = decide(event([toCompany]), new Map([[targetRef('account', 'CO-1'), failed]]));
    expect(d.kind).toBe('reject');
    expect(d.kind === 'reject' && d.reason).toMatch(/opportunity D-1: its customerid \(account CO-1\) failed to load/);
  });

  it('has nothing to wait for without lookups', () => {
    expect(decide(event([]), new Map())).toEqual({ kind: 'ready', lookups: [], deferred: [] });
  });

  it('waits for every missing parent at once', () => {
    const toContact = lookup('x', [['contact', 'C-1']]);
    const parents = new Map([[targetRef('account', 'CO-1'), loaded('g')]]);
    expect(decide(event([toCompany, toContact]), parents)).toEqual({ kind: 'wait', missing: [{ slot: 'x', candidates: [{ entity: 'contact', key: 'C-1' }] }] });
  });

  it('takes whichever entity a split sent the parent to (contact or lead)', () => {
    const regarding = lookup('regardingobjectid', [['contact', 'P-1'], ['lead', 'P-1']]);
    const asLead = new Map([[targetRef('lead', 'P-1'), loaded('lead-guid')]]);
    expect(decide(event([regarding]), asLead)).toMatchObject({ kind: 'ready', lookups: [{ targetEntity: 'lead', destinationId: 'lead-guid' }] });
    // One candidate failed, the other not yet seen: keep waiting for it.
    expect(decide(event([regarding]), new Map([[targetRef('contact', 'P-1'), failed]]))).toMatchObject({ kind: 'wait' });
    expect(decide(event([regarding]), new Map([[targetRef('contact', 'P-1'), failed], [targetRef('lead', 'P-1'), failed]]))).toMatchObject({ kind: 'reject' });
  });

  it('sends a record on without a deferrable parent that has not landed, and says what to patch in later', () => {
    const parent = lookup('parentaccountid', [['account', 'CO-2']], true);
    expect(decide(event([parent]), new Map())).toEqual({
      kind: 'ready', lookups: [], deferred: [{ slot: 'parentaccountid', candidates: [{ entity: 'account', key: 'CO-2' }] }],
    });
    // A deferrable parent that failed is left out rather than holding the record back.
    expect(decide(event([parent]), new Map([[targetRef('account', 'CO-2'), failed]]))).toEqual({ kind: 'ready', lookups: [], deferred: [] });
  });

  it('leaves out an optional lookup to a record the source does not have, and reports it', () => {
    const absent = new Map([[targetRef('account', 'CO-1'), { destinationId: null, state: 'missing' }]]);
    expect(decide(event([toCompany]), absent)).toEqual({ kind: 'ready', lookups: [], deferred: [], missing: [toCompany] });
  });

  it('refuses a record whose required lookup names a record the source does not have', () => {
    const required = { ...lookup('accountid', [['account', 'CO-9']]), required: true };
    const d = decide(event([required]), new Map([[targetRef('account', 'CO-9'), { destinationId: null, state: 'missing' }]]));
    expect(d).toMatchObject({ kind: 'reject', code: 'MISSING_PARENT' });
    expect(d.kind === 'reject' && d.reason).toMatch(/opportunity D-1: its accountid is required but the source has no account CO-9/);
    // Still only waits while the parent may come.
    expect(decide(event([required]), new Map())).toMatchObject({ kind: 'wait' });
  });
});

describe('a version that fills an existing record', () => {
  const card = (): DestinationEvent => ({ ...event([toCompany]), target: { entry: 'sales-card', entity: 'opportunity', key: 'D-1', merge: 'fills-existing' } });
  const self = targetRef('opportunity', 'D-1');

  it('waits until another entry has written the record, whatever its own lookups say', () => {
    expect(decide(card(), new Map([[targetRef('account', 'CO-1'), loaded('guid-1')]]))).toEqual({
      kind: 'wait', missing: [{ slot: 'fills-existing', candidates: [{ entity: 'opportunity', key: 'D-1' }] }],
    });
  });

  it('goes on once the record is there, resolving its lookups as any version', () => {
    const parents = new Map([[self, loaded('006A')], [targetRef('account', 'CO-1'), loaded('guid-1')]]);
    expect(decide(card(), parents)).toEqual({ kind: 'ready', lookups: [{ ...toCompany, targetEntity: 'account', destinationId: 'guid-1' }], deferred: [] });
  });

  it('is refused when no entry writes the record, or when it failed, saying which', () => {
    const none = decide(card(), new Map([[self, { destinationId: null, state: 'missing' }]]));
    expect(none).toEqual(expect.objectContaining({ kind: 'reject', code: 'NOTHING_TO_FILL' }));
    expect(decide(card(), new Map([[self, failed]]))).toEqual(expect.objectContaining({ kind: 'reject', code: 'PARENT_FAILED' }));
  });

  it('is parked beside the record\'s own version, not over it, under a key PostgreSQL text can hold', () => {
    expect(fillsKey('D-1', 'sales-card')).not.toBe('D-1');
    expect(fillsKey('D-1', 'sales-card')).not.toContain('\u0000');
  });
});

describe('owner directory', () => {
  const users = [
    { id: 'u-admin', email: 'Admin@Org.example', disabled: false },
    { id: 'u-ana', email: 'ana@org.example', disabled: false },
    { id: 'u-old', email: 'old@org.example', disabled: true },
  ];
  const dir = new OwnerDirectory(users, 'admin@org.example');

  it('matches by email whatever the case', () => {
    expect(dir.resolve(' ANA@org.example ')).toEqual({ owner: { email: 'ana@org.example', systemUserId: 'u-ana', fallback: false }, status: 'matched' });
  });

  it('gives unmatched, disabled and missing owners the fallback, saying why', () => {
    expect(dir.resolve('nobody@org.example')).toEqual({ owner: { email: 'nobody@org.example', systemUserId: 'u-admin', fallback: true }, status: 'unmatched' });
    expect(dir.resolve('old@org.example').status).toBe('disabled');
    expect(dir.resolve('old@org.example').owner.systemUserId).toBe('u-admin');
    expect(dir.resolve(null).status).toBe('missing');
  });

  it('refuses a fallback owner who is not an active user', () => {
    expect(() => new OwnerDirectory(users, 'ghost@org.example')).toThrow(/not a user in the destination; .*\(active users: Admin@Org\.example, ana@org\.example\)/);
    expect(() => new OwnerDirectory(users, 'old@org.example')).toThrow(/disabled/);
  });
});
