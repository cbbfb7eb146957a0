import * as fs from 'fs';
import * as path from 'path';
import type { EntityDescription } from '@ferry/destinations/core';
import { discoveryInventorySchema, type DiscoveryInventory, type FieldProfile, type ObjectInventory } from '@ferry/discovery';
import { parseRouteMap, readRouteMapFile, templateFile } from '../map/route-map.loader';
import { CompiledRouteMap } from '../map/route-map.compiler';
import { routeMapSchema } from '../map/route-map.schema';
import { proposeRouteMap } from './route-map.proposer';
import { scoreProposal } from './proposal.score';
import { routeMapYaml } from './proposal.yaml';

const leaf360 = (): DiscoveryInventory =>
  discoveryInventorySchema.parse(JSON.parse(fs.readFileSync(path.join(__dirname, 'fixtures', 'leaf360.discovery.json'), 'utf8')));
const base = { source: 'leaf360', destination: 'dynamics', keyColumn: 'crm_sourceid' };

function field(name: string, over: Partial<FieldProfile> = {}): FieldProfile {
  return { name, custom: false, declared: 'string', type: 'string', filled: 40, fillRate: 1, distinct: 40, distinctExact: true, examples: ['x'], kinds: { text: 40 }, ...over };
}

function object(name: string, fields: FieldProfile[], over: Partial<ObjectInventory> = {}): ObjectInventory {
  return {
    name, description: '', key: `${name}_id`, cursor: 'updated_at', location: `${name}.csv`, note: null, error: null, records: 40, deleted: 0,
    rejected: { count: 0, byCode: {}, first: [] }, keys: { missing: 0, duplicateKeys: 0, duplicateRecords: 0 },
    duplicates: { fields: [], email: { values: 0, records: 0, examples: [] }, phone: { values: 0, records: 0, examples: [] }, records: 0 },
    fields: [field(`${name}_id`, { type: 'id' }), ...fields], ...over,
  };
}

function inventory(objects: ObjectInventory[], references: DiscoveryInventory['references'] = []): DiscoveryInventory {
  const inv = leaf360();
  return { ...inv, objects, references };
}

describe('proposeRouteMap', () => {
  // Measured against the full leaf360 template (twelve rows of the seed, 97 items): 0.73 with the catalog alone
  // (`npm run map:score`). Not yet proposed: the placeholder account, connection roles, state columns of closed
  // activities, value-mapped stages. Raise these as it learns.
  it("finds most of leaf360's template from its discovery and the built-in catalog alone", () => {
    const doc = proposeRouteMap({ ...base, inventory: leaf360(), entities: [] });
    const score = scoreProposal(doc, readRouteMapFile(templateFile('leaf360-dynamics')).document);
    expect(score.recall).toBeGreaterThanOrEqual(0.7);
    expect(score.entityAccuracy).toBeGreaterThanOrEqual(0.8);
    // Every source object the template maps is proposed onto the template's entities, or a subset of them.
    for (const o of score.objects.filter((x) => x.expected.length)) expect(o.expected).toEqual(expect.arrayContaining(o.proposed));
  });

  it('gives a draft that passes the schema and compiles, every field with a confidence and a one-line reason', () => {
    const doc = proposeRouteMap({ ...base, inventory: leaf360(), entities: [] });
    expect(routeMapSchema.parse(doc)).toEqual(doc);
    expect(() => new CompiledRouteMap(doc, 0)).not.toThrow();
    for (const e of doc.objects) {
      for (const [column, f] of Object.entries(e.fields)) {
        expect({ column, confidence: f.confidence! >= 0 && f.confidence! <= 1 }).toEqual({ column, confidence: true });
        expect(f.reason).toMatch(/^[^\n]+$/);
      }
    }
    expect(doc.notMigrated).toMatchObject({ workflow: expect.any(String), report: expect.any(String), user: expect.stringContaining('email') });
  });

  it('maps a contact by name, synonym and value profile, with its company lookup and its owner', () => {
    const doc = proposeRouteMap({ ...base, inventory: leaf360(), entities: [] });
    const contact = doc.objects.find((e) => e.from === 'contact')!;
    expect(contact.to).toBe('contact');
    expect(contact.fields.emailaddress1).toMatchObject({ from: 'email', transforms: ['trim', 'email'], maxLength: 100 });
    expect(contact.fields.emailaddress1.reason).toMatch(/email → emailaddress1; values look like emails \(\d+%\)/);
    expect(contact.fields.emailaddress1.confidence).toBeGreaterThanOrEqual(0.9);
    expect(contact.fields.crm_loanstatus).toMatchObject({ from: 'loan_status', type: 'string', confidence: 0.5 });
    expect(contact.fields.crm_loanstatus.reason).toMatch(/^no standard column: proposed custom column/);
    expect(contact.lookups.parentcustomerid.targets).toEqual([{ to: 'account', key: 'company_id' }]);
    expect(contact.owner).toEqual({ email: 'loan_officer' });
    const company = doc.objects.find((e) => e.from === 'company')!;
    expect(company.lookups.parentaccountid).toMatchObject({ targets: [{ to: 'account', key: 'parent_company_id' }], deferrable: true });
  });

  it("prefers the destination's own columns (its crm_ columns included) over the catalog", () => {
    const account: EntityDescription = {
      entity: 'account', primaryId: 'accountid', primaryName: 'name', custom: false, keys: [],
      columns: [
        { name: 'name', type: 'String', maxLength: 160, required: 'system' },
        { name: 'crm_industry', type: 'String', maxLength: 100, required: 'none' },
        { name: 'crm_propertyaddress', type: 'String', maxLength: 250, required: 'none' },
        { name: 'address1_line1', type: 'String', maxLength: 250, required: 'none' },
      ],
    };
    const doc = proposeRouteMap({ ...base, inventory: leaf360(), entities: [account] });
    const e = doc.objects.find((x) => x.from === 'company')!;
    expect(e.fields.crm_propertyaddress).toMatchObject({ from: 'property_address', maxLength: 250 });
    expect(e.fields.crm_propertyaddress.confidence).toBeGreaterThanOrEqual(0.9);
    expect(e.fields.crm_industry.from).toBe('industry');
    expect(e.fields.name.required).toBe(true);
    // the catalog is not consulted for a described table: the phone goes to a proposed custom column
    expect(e.fields.crm_phone.from).toBe('phone');
  });

  it('turns a picklist against an option set into a value map listing every value, unmatched ones named', () => {
    const inv = inventory([
      object('company', [
        field('name'),
        field('industry', { type: 'picklist', distinct: 3, values: [{ value: 'Insurance', count: 20 }, { value: 'consulting', count: 15 }, { value: 'Crypto', count: 5 }] }),
      ]),
    ]);
    const doc = proposeRouteMap({ ...base, inventory: inv, entities: [] });
    const f = doc.objects[0].fields.industrycode;
    expect(f.type).toBe('picklist');
    expect(f.transforms).toEqual([{ map: { values: { Insurance: 20, consulting: 7 }, unmapped: 'keep' } }]);
    expect(f.reason).toContain('unmatched: Crypto');
    expect(() => new CompiledRouteMap(doc, 0)).not.toThrow();
  });

  it("carries discovery's picklist typo suggestions into the field's reason, mapped or custom", () => {
    const typos = { typos: [{ value: 'Insurence', count: 2, suggestion: 'Insurance' }] };
    const inv = inventory([
      object('company', [
        field('name'),
        field('industry', { type: 'picklist', distinct: 3, values: [{ value: 'Insurance', count: 20 }, { value: 'consulting', count: 15 }, { value: 'Insurence', count: 2 }], ...typos }),
        field('tier', { type: 'picklist', distinct: 3, values: [{ value: 'Gold', count: 20 }, { value: 'Silver', count: 15 }, { value: 'Sliver', count: 1 }], typos: [{ value: 'Sliver', count: 1, suggestion: 'Silver' }] }),
      ]),
    ]);
    const fields = proposeRouteMap({ ...base, inventory: inv, entities: [] }).objects[0].fields;
    expect(fields.industrycode.reason).toContain('; "Insurence" ×2 looks mistyped: did you mean Insurance?');
    const tier = Object.values(fields).find((f) => f.from === 'tier')!;
    expect(tier.reason).toContain('values seen: Gold, Silver, Sliver; "Sliver" ×1 looks mistyped: did you mean Silver?');
  });

  it('reads dates and money from text with the formats discovery saw, and proposes custom tables for objects with no home', () => {
    const inv = inventory([
      object('deal', [
        field('title'),
        field('amount', { type: 'money', kinds: { money: 40 }, examples: ['$1,200.00'] }),
        field('close_date', { type: 'date', kinds: { date: 40 }, examples: ['2024-03-01', '3/7/2025'] }),
      ]),
      object('gizmo', [field('label'), field('size_cm', { type: 'integer', declared: 'int', kinds: { integer: 40 } })]),
      object('ghost', [], { records: 0, location: null, note: 'not in the export: read it from the API' }),
    ]);
    const doc = proposeRouteMap({ ...base, source: 'acme', inventory: inv, entities: [] });
    const deal = doc.objects.find((e) => e.from === 'deal')!;
    expect(deal.fields.estimatedvalue).toMatchObject({ from: 'amount', type: 'money', transforms: ['money'] });
    expect(deal.fields.estimatedclosedate).toMatchObject({ type: 'dateonly', transforms: [{ date: { formats: ['yyyy-MM-dd', 'M/d/yyyy'], output: 'date' } }] });
    expect(deal.fields.name).toMatchObject({ from: 'title', required: true });
    const gizmo = doc.objects.find((e) => e.from === 'gizmo')!;
    expect(gizmo.to).toBe('crm_gizmo');
    expect(gizmo.note).toContain('proposed custom table crm_gizmo');
    expect(gizmo.fields.crm_sizecm).toMatchObject({ type: 'integer', confidence: 0.5 });
    expect(doc.notMigrated.ghost).toContain('not in the export');
  });

  it('splits an activity object by its type values into phone calls, emails, appointments and tasks', () => {
    const doc = proposeRouteMap({ ...base, inventory: leaf360(), entities: [] });
    const tables = doc.objects.filter((e) => e.from === 'engagement').map((e) => e.to);
    expect(tables).toEqual(expect.arrayContaining(['phonecall', 'email', 'appointment']));
    const call = doc.objects.find((e) => e.id === 'engagement-as-phonecall')!;
    expect(call.filter).toContain("lower(trim(type)) == 'call'");
    expect(call.lookups.regardingobjectid.targets.map((t) => t.to)).toEqual(expect.arrayContaining(['contact', 'account', 'opportunity']));
  });

  it("splits a person object by lifecycle stage: early stages become leads, the rest contacts, every field on both", () => {
    const stage = field('lifecycle_stage', { type: 'picklist', distinct: 4, values: [{ value: 'subscriber', count: 10 }, { value: 'salesqualifiedlead', count: 10 }, { value: 'customer', count: 15 }, { value: 'evangelist', count: 5 }] });
    const inv = inventory([object('contact', [field('first_name'), field('last_name'), stage, field('email', { type: 'email', kinds: { email: 40 } })])]);
    const doc = proposeRouteMap({ ...base, source: 'acme', inventory: inv, entities: [] });
    const [contact, lead] = doc.objects;
    expect([contact.to, lead.to]).toEqual(['contact', 'lead']);
    expect(lead.id).toBe('contact-as-lead');
    expect(lead.filter).toBe("lower(trim(str(lifecycle_stage))) in ['subscriber', 'salesqualifiedlead']");
    expect(contact.filter).toBe(`!(${lead.filter})`);
    for (const e of [contact, lead]) expect(e.fields.emailaddress1.from).toBe('email');
    const m = new CompiledRouteMap(doc, 0);
    const tables = (stageValue: string) =>
      m.apply('contact', 'c1', { contact_id: 'c1', first_name: 'Ada', last_name: 'L', lifecycle_stage: stageValue, email: 'a@x.example' }).outputs.map((r) => r.target.entity);
    expect(tables('Subscriber')).toEqual(['lead']);
    expect(tables('customer')).toEqual(['contact']);
  });

  it("keeps the source's created time in overriddencreatedon, and a lookup's single-table twin filled as well", () => {
    const inv = inventory(
      [
        object('company', [field('name')]),
        object('contact', [field('last_name')]),
        object('deal', [field('title'), field('created_at', { type: 'timestamp', kinds: { timestamp: 40 } }), field('company_id', { type: 'reference' })]),
      ],
      [{ object: 'deal', field: 'company_id', target: 'company', values: 40, checked: true, orphans: 0, distinctOrphans: 0, examples: [] }],
    );
    const doc = proposeRouteMap({ ...base, source: 'acme', inventory: inv, entities: [] });
    const deal = doc.objects.find((e) => e.from === 'deal')!;
    expect(deal.fields.overriddencreatedon).toMatchObject({ from: 'created_at', type: 'datetime' });
    expect(deal.lookups.customerid.targets).toEqual([{ to: 'account', key: 'company_id' }]);
    expect(deal.lookups.parentaccountid.targets).toEqual([{ to: 'account', key: 'company_id' }]);
  });

  it('writes YAML that reads back as the same map', () => {
    const doc = proposeRouteMap({ ...base, inventory: leaf360(), entities: [] });
    const text = routeMapYaml(doc, ['Proposed by ferry map propose']);
    expect(text.startsWith('# Proposed by ferry map propose\n')).toBe(true);
    expect(parseRouteMap(text, 'proposal.yaml')).toEqual(doc);
  });
});
