import type { DestinationEvent } from '@ferry/contracts';
import { decide, parentKey } from './lookup-decision';
import { OwnerDirectory } from './owner.directory';

const event = (lookups: DestinationEvent['lookups']): DestinationEvent => ({
  envelope: {
    migration: 'm', run: 'r', sourceSystem: 'leaf360', objectType: 'deal', sourceKey: 'D-1', operation: 'UPSERT',
    sourceModifiedAt: null, contentHash: 'h', mapVersion: 'v', traceId: 't',
  },
  record: { crm_sourceid: 'D-1' },
  lookups,
  owner: null,
});

const toCompany = { attribute: 'customerid_account', targetEntity: 'account', targetObject: 'company', sourceKey: 'CO-1', destinationId: null };

describe('lookup decision', () => {
  it('waits for a parent that has not landed, naming it', () => {
    expect(decide(event([toCompany]), new Map())).toEqual({ kind: 'wait', missing: [{ objectType: 'company', sourceKey: 'CO-1' }] });
  });

  it('goes on once the parent loaded, with its destination id filled in', () => {
    const parents = new Map([[parentKey('company', 'CO-1'), { destinationId: 'guid-1', state: 'loaded' }]]);
    expect(decide(event([toCompany]), parents)).toEqual({ kind: 'ready', lookups: [{ ...toCompany, destinationId: 'guid-1' }] });
  });

  it('rejects a child whose parent failed to load', () => {
    const parents = new Map([[parentKey('company', 'CO-1'), { destinationId: null, state: 'failed' }]]);
    const d = decide(event([toCompany]), parents);
    expect(d.kind).toBe('reject');
    expect(d.kind === 'reject' && d.reason).toMatch(/company CO-1 .* failed to load/);
  });

  it('has nothing to wait for without lookups', () => {
    expect(decide(event([]), new Map())).toEqual({ kind: 'ready', lookups: [] });
  });

  it('waits for every missing parent at once', () => {
    const toContact = { attribute: 'x_contact', targetEntity: 'contact', targetObject: 'contact', sourceKey: 'C-1', destinationId: null };
    const parents = new Map([[parentKey('company', 'CO-1'), { destinationId: 'g', state: 'loaded' }]]);
    expect(decide(event([toCompany, toContact]), parents)).toEqual({ kind: 'wait', missing: [{ objectType: 'contact', sourceKey: 'C-1' }] });
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
    expect(() => new OwnerDirectory(users, 'ghost@org.example')).toThrow(/not a user/);
    expect(() => new OwnerDirectory(users, 'old@org.example')).toThrow(/disabled/);
  });
});
