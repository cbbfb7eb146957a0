import { DATE_ONLY_COLUMNS, DYNAMICS_SALES_CATALOG } from '@ferry/mapping';
import { ENTITY_DEFINITIONS } from './entity-metadata';

/** The proposer's Dataverse types as the sandbox's attribute types. */
const SANDBOX_TYPE: Record<string, string[]> = {
  String: ['string'], Memo: ['memo'], Integer: ['integer'], Decimal: ['decimal'], Money: ['money'], Boolean: ['boolean'],
  DateTime: ['datetime', 'dateonly'], Picklist: ['picklist'], Lookup: ['lookup'], Customer: ['lookup'],
};

/**
 * `ferry map propose` and the export demo map onto the built-in Dynamics catalog when no org is described; the
 * sandbox stands in for the org, so every catalog column must be one the sandbox has, with the same type, length
 * and options. (Migration columns, crm_sourceid and crm_sourcecreatedon, come from the schema plan, not the org.)
 */
describe('the Dataverse sandbox against the proposer catalog', () => {
  const rows = DYNAMICS_SALES_CATALOG.flatMap((e) => e.columns.filter((c) => !c.name.startsWith('crm_')).map((c) => [e.entity, c] as const));

  it.each(rows.map(([entity, c]) => [`${entity}.${c.name}`, entity, c] as const))('%s', (_, entity, c) => {
    const table = ENTITY_DEFINITIONS.find((d) => d.logicalName === entity);
    expect(table).toBeDefined();
    const a = table!.attributes.find((x) => x.logicalName === c.name);
    expect(a).toBeDefined();
    expect(SANDBOX_TYPE[c.type]).toContain(a!.type);
    if (c.type === 'DateTime') expect(a!.type === 'dateonly').toBe(DATE_ONLY_COLUMNS.has(c.name));
    if (c.maxLength !== undefined) expect(a!.maxLength).toBe(c.maxLength);
    if (c.options) expect(Object.entries(a!.optionLabels ?? {}).map(([v, label]) => ({ value: Number(v), label }))).toEqual(expect.arrayContaining(c.options));
    // Owners: the sandbox has users and no teams (Ferry assigns records to users), so a team target is not checked.
    if (c.targets) expect(a!.targets).toEqual(expect.arrayContaining(c.targets.filter((t) => t !== 'team')));
  });
});
