import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { AcmeFixtureConnector, ACME_EXPORT, acmeSchema } from '../fixtures/acme-fixture.connector';
import type { DiscoveryInventory } from './discovery.inventory';
import { automationsTable, discoveryReport, fieldsTable, shorten } from './discovery.report';
import { discoverSource } from './discovery.service';

let inv: DiscoveryInventory;
let out: string;
beforeAll(async () => {
  out = mkdtempSync(join(tmpdir(), 'report-spec-'));
  ({ inventory: inv } = await discoverSource(new AcmeFixtureConnector(), { system: 'acme', exportDir: ACME_EXPORT, out }, { schemaFor: acmeSchema }));
});
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('discoveryReport', () => {
  it('shows one field table per object read, and none for an object the export lacks', () => {
    const text = discoveryReport(inv);
    for (const o of ['company (companies.ndjson): 5 records, 1 rejected', 'contact (contacts.ndjson): 10 records, 3 rejected', 'deal (deals.ndjson): 4 records, 0 rejected']) {
      expect(text).toContain(o);
    }
    expect(text).not.toContain('owner (');
    expect(text).toContain('rejected rows by code: BAD_JSON 1, MISSING_VALUE 1, BAD_DATE 1; the first 3:');
    expect(text).toContain('records sharing an email or phone (email, phone): 4; e.g. ben.okafor@mail.example ×2, finn@mail.example ×2, 5125550112 ×2');
    expect(text).not.toContain('inventory written to');
  });

  it('marks custom fields, estimates, malformed counts and picklist values in the field table', () => {
    const contact = inv.objects.find((o) => o.name === 'contact')!;
    const t = fieldsTable(contact);
    expect(t).toMatch(/│ email +│ email +│ 90\.0 +│ 8 +│ .* +│ +│ 1 malformed; mixed: email 8, text 1 +│/);
    expect(t).toMatch(/│ status +│ picklist +│ 100\.0 +│ 3 +│ Open \| Won \| Lost +│ +│ Open 5, Won 3, Lost 2 +│/);
    expect(t).toMatch(/│ loyalty_id +│ id +│ 80\.0 +│ 8 +│ L-1001 \| L-1002 \| L-1003 +│ custom │/);
    const estimated = { ...contact, fields: [{ ...contact.fields[0], distinct: 123456, distinctExact: false }] };
    expect(fieldsTable(estimated)).toContain('~123,456');
  });

  it('summarizes each automation with its trigger, steps and rebuild targets', () => {
    const t = automationsTable(inv);
    expect(t).toMatch(/Route web leads \(wf_1\) +│ workflow +│ yes +│ event: contact.created, source: web +│ 1: status +│ 2: assign_owner, send_email +│ Power Automate cloud flow +│ record-triggered Flow/);
    expect(t).toMatch(/Stale deal reminder \(wf_2\) +│ sla-timer +│ no +│ event: deal.idle, days: 14 +│ - +│ 1: create_task +│ Power Automate scheduled flow +│ scheduled Flow/);
  });

  it('says when there is no automation to rebuild, and which objects it could not look in', () => {
    expect(discoveryReport({ ...inv, automations: [] })).toContain('Automations to rebuild by hand: none found (owner not read)');
    expect(discoveryReport(inv)).toContain('Automations to rebuild by hand (owner not read)\n');
  });
});

describe('shorten', () => {
  it('cuts at the limit with an ellipsis', () => {
    expect(shorten('abcdef', 4)).toBe('abc…');
    expect(shorten('abc', 4)).toBe('abc');
  });
});
