import type { RoutePlan } from '@ferry/contracts';
import { foldImages, parentsFirst } from './rollback';

const plan = (entities: [string, string[]][]): RoutePlan => ({
  route: 'r', sourceSystem: 's', destination: 'd', keyColumn: 'k', mapVersion: 'r@1#x', sourceObjects: [],
  entities: entities.map(([entity, targets]) => ({ entity, columns: [], lookups: targets.map((t, i) => ({ column: `l${i}`, targets: [t] })) })),
});

describe('parentsFirst', () => {
  it('puts every parent before the entities that point at it, ignoring self-references', () => {
    const order = parentsFirst(plan([['task', ['contact', 'account', 'opportunity']], ['opportunity', ['account', 'contact']], ['contact', ['account']], ['account', ['account']]]));
    expect(order).toEqual(['account', 'contact', 'opportunity', 'task']);
  });

  it('does not stall on a cycle and keeps entities the map no longer writes', () => {
    const order = parentsFirst(plan([['a', ['b']], ['b', ['a']], ['c', ['a']]]), ['old']);
    expect(order.sort()).toEqual(['a', 'b', 'c', 'old']);
    expect(order.indexOf('c')).toBeGreaterThan(order.indexOf('a'));
  });
});

describe('foldImages', () => {
  it('keeps each column as the earliest write found it, adding columns later writes touched first', () => {
    const image = foldImages([
      { name: 'Before', _parentcustomerid_value: null },
      { name: 'Written by run 1', telephone1: '555', _parentcustomerid_value: 'p-1', '_parentcustomerid_value@Microsoft.Dynamics.CRM.lookuplogicalname': 'account' },
      null,
      { telephone1: 'written by run 2', jobtitle: 'Untouched until the delete' },
    ]);
    expect(image).toEqual({
      name: 'Before',
      _parentcustomerid_value: null,
      '_parentcustomerid_value@Microsoft.Dynamics.CRM.lookuplogicalname': 'account',
      telephone1: '555',
      jobtitle: 'Untouched until the delete',
    });
  });
});
