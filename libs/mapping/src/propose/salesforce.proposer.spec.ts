import * as fs from 'fs';
import * as path from 'path';
import type { EntityDescription } from '@ferry/destinations/core';
import { discoveryInventorySchema, type DiscoveryInventory } from '@ferry/discovery';
import { readRouteMapFile, templateFile } from '../map/route-map.loader';
import { CompiledRouteMap } from '../map/route-map.compiler';
import { routeMapSchema, type MapEntry } from '../map/route-map.schema';
import { proposeRouteMap } from './route-map.proposer';
import { scoreProposal } from './proposal.score';
import { SALESFORCE_SALES_CATALOG } from './salesforce.catalog';

/** `ferry discover --source planports` over a 2,000-row generated sample (seed 7). */
const planports = (): DiscoveryInventory =>
  discoveryInventorySchema.parse(JSON.parse(fs.readFileSync(path.join(__dirname, 'fixtures', 'planports.discovery.json'), 'utf8')));
const base = { source: 'planports', destination: 'salesforce', keyColumn: 'ferry_key__c' };
const entry = (doc: { objects: MapEntry[] }, id: string) => {
  const e = doc.objects.find((x) => x.id === id);
  if (!e) throw new Error(`no entry ${id} in ${doc.objects.map((x) => x.id).join(', ')}`);
  return e;
};

describe('proposeRouteMap onto Salesforce', () => {
  const doc = proposeRouteMap({ ...base, inventory: planports(), entities: [] });

  // Measured against the hand-written planports-salesforce map (seed 001): recall 0.57, entities 0.74 with the
  // catalog alone. Not proposed: the Account made from a contact's company name, price book entries, contracts,
  // EmailMessage beside the e-mail Task, board cards, value maps of stages and statuses. Raise these as it learns.
  it("finds most of the Planports → Salesforce map from Planports' discovery and the built-in catalog alone", () => {
    const score = scoreProposal(doc, readRouteMapFile(templateFile('planports-salesforce')).document);
    expect(score.recall).toBeGreaterThanOrEqual(0.55);
    expect(score.entityAccuracy).toBeGreaterThanOrEqual(0.7);
  });

  it('gives a draft that passes the schema and compiles, in Salesforce names: objects, fields, __c custom fields', () => {
    expect(routeMapSchema.parse(doc)).toEqual(doc);
    expect(() => new CompiledRouteMap(doc, 0)).not.toThrow();
    const standard = new Map(SALESFORCE_SALES_CATALOG.map((e) => [e.entity, new Set(e.columns.map((c) => c.name))]));
    for (const e of doc.objects) {
      expect(e.to).toMatch(/^[a-z][a-z0-9]*(_[a-z0-9]+)*(__c)?$/);
      for (const column of [...Object.keys(e.fields), ...Object.keys(e.lookups)]) {
        // a standard field of the object, or a custom one Salesforce would take: ≤ 40 characters, a letter first, no __ inside
        const ok = standard.get(e.to)?.has(column) || (/^[a-z][a-z0-9]*(_[a-z0-9]+)*__c$/.test(column) && column.length <= 43);
        expect({ entry: e.id, column, ok }).toEqual({ entry: e.id, column, ok: true });
      }
      expect(Object.keys(e.fields)).not.toContain('ferry_key__c');
      expect(Object.keys(e.fields).filter((c) => c.startsWith('crm_'))).toEqual([]);
    }
    expect(doc.notMigrated.user).toMatch(/Salesforce users by email/);
    // no custom objects: schema apply makes fields, a person makes objects in Setup
    expect(doc.notMigrated.activity_attendee).toMatch(/create the custom object activity_attendee__c in Setup/);
    expect(doc.notMigrated.workflow_automation).toMatch(/Salesforce Flow/);
  });

  it('maps people onto Contact and Lead with their Salesforce fields, and keeps the created time twice', () => {
    const contact = entry(doc, 'contact');
    expect(contact.to).toBe('contact');
    expect(contact.fields).toMatchObject({
      email: { from: 'email', type: 'string' },
      mailingcity: { from: 'city' },
      title: { from: 'job_title' },
      createddate: { from: 'created_at', type: 'datetime' },
      original_created_date__c: { from: 'created_at', type: 'datetime' },
      whatsapp_message_count__c: { from: 'whatsapp_message_count', type: 'integer' },
    });
    expect(contact.fields.createddate.reason).toMatch(/audit fields/);
    const lead = entry(doc, 'contact-as-lead');
    expect(lead).toMatchObject({ to: 'lead', fields: { company: { from: 'company_name' }, city: { from: 'city' } } });
    expect(lead.note).toMatch(/leads in Salesforce/);
  });

  it('splits activities into Tasks of their subtype and Events, with WhoId and WhatId', () => {
    const call = entry(doc, 'activity-as-phonecall');
    expect(call.to).toBe('task');
    expect(call.fields.tasksubtype).toMatchObject({ expr: "'Call'", type: 'string' });
    expect(entry(doc, 'activity-as-email').fields.tasksubtype).toMatchObject({ expr: "'Email'" });
    expect(entry(doc, 'activity-as-task').fields.tasksubtype).toMatchObject({ expr: "'Task'" });
    const meeting = entry(doc, 'activity-as-appointment');
    expect(meeting).toMatchObject({ to: 'event', fields: { startdatetime: { from: 'start_at' }, enddatetime: { from: 'end_at' } } });
    expect(call.lookups.whoid.targets).toEqual([{ to: 'contact', key: 'contact_id' }, { to: 'lead', key: 'lead_id' }]);
    expect(call.lookups.whatid.targets).toEqual([{ to: 'opportunity', key: 'deal_id' }]);
    // a picklist carries its label, as Salesforce stores it
    expect(call.fields.priority).toMatchObject({ type: 'string', transforms: [{ map: { values: { high: 'High', low: 'Low', normal: 'Normal' } } }] });
  });

  it('makes notes .snote ContentVersions of their text and attachments ContentVersions of their file', () => {
    const note = entry(doc, 'note');
    expect(note.to).toBe('contentversion');
    expect(note.fields.pathonclient).toMatchObject({ expr: "concat('note-', $key, '.snote')", required: true });
    expect(note.fields.versiondata).toMatchObject({ from: 'body', type: 'file', transforms: [{ default: { value: ' ' } }, 'file-of-text'] });
    const file = entry(doc, 'attachment');
    expect(file.fields).toMatchObject({ pathonclient: { from: 'file_name' }, versiondata: { from: 'file_path', type: 'file', transforms: ['trim'] }, title: { from: 'file_name' } });
    expect(file.note).toMatch(/a file lands as a ContentVersion/);
  });

  it("marks lookups Salesforce requires as required, and says which required fields no source field fills", () => {
    expect(entry(doc, 'quote').lookups.opportunityid).toMatchObject({ targets: [{ to: 'opportunity', key: 'deal_id' }], required: true });
    expect(entry(doc, 'quote').lookups.contactid.required).toBe(false);
    expect(entry(doc, 'order-line-item').lookups.orderid.required).toBe(true);
    expect(entry(doc, 'deal').note).toMatch(/Salesforce requires stagename, which no source field fills/);
    expect(entry(doc, 'order-line-item').note).toMatch(/requires pricebookentryid/);
  });

  it("proposes a required picklist whose values mostly differ at low confidence, unmatched values to the first option until mapped", () => {
    const order = entry(doc, 'order');
    expect(order.fields.status).toMatchObject({ type: 'string', transforms: [{ map: { default: 'Draft', unmapped: 'default' } }] });
    expect(order.fields.status.confidence).toBeLessThan(0.6);
    expect(order.fields.status.reason).toMatch(/map the rest before confirming/);
  });

  it('reads past the words export file names put before the object (all-companies, Active Accounts)', () => {
    const inv = planports();
    const renamed = { ...inv, objects: inv.objects.map((o) => (o.name === 'deal' ? { ...o, name: 'all_deals' } : o.name === 'product' ? { ...o, name: 'active_products' } : o)) };
    const d = proposeRouteMap({ ...base, inventory: renamed, entities: [] });
    expect(d.objects.find((e) => e.from === 'all_deals')?.to).toBe('opportunity');
    expect(d.objects.find((e) => e.from === 'active_products')?.to).toBe('product2');
  });

  it("prefers the org's own fields (its __c fields included) over the catalog", () => {
    const described: EntityDescription = {
      ...SALESFORCE_SALES_CATALOG.find((e) => e.entity === 'contact')!,
      columns: [
        ...SALESFORCE_SALES_CATALOG.find((e) => e.entity === 'contact')!.columns,
        { name: 'whatsapp_channel__c', type: 'phone', maxLength: 40, required: 'none' },
        { name: 'tags__c', type: 'textarea', maxLength: 1000, required: 'none' },
      ],
    };
    const own = proposeRouteMap({ ...base, inventory: planports(), entities: [described] });
    const contact = entry(own, 'contact');
    expect(contact.fields.tags__c).toMatchObject({ from: 'tags', type: 'memo', maxLength: 1000, confidence: 0.94 });
    expect(contact.fields.tags__c.reason).toMatch(/the destination's custom column/);
  });
});
