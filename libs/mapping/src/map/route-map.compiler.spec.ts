import { MapDocumentError } from '../map-lang';
import { CompiledRouteMap, MapCompileError } from './route-map.compiler';
import { parseRouteMap, templateMap, templateRoutes } from './route-map.loader';
import { routeMapSchema } from './route-map.schema';
import type { RouteMapDocument } from './route-map.schema';

const contact = {
  contact_id: 'CT-1', first_name: ' Ana ', last_name: 'Díaz', email: 'ana@example.com', phone: '555-0100', job_title: null,
  company_id: 'CO-9', loan_officer: ' Brian.Okafor@Contoso-Lending.example ', loan_status: 'Processing', referral_source: 'Partner',
  created_at: 1_600_000_000_000, updated_at: null, custom: {},
};
const deal = {
  deal_id: 'D-1', dealname: 'Refi 12 Oak', loan_amount: '350000.00', closedate: 19000, loan_type: 'FHA', preapproval_date: 18900,
  pipeline: 'Mortgage', dealstage: 'Underwriting', company_id: 'CO-9', contact_id: 'CT-1', loan_officer: 'chen.wei@contoso-lending.example',
  created_at: null, updated_at: null, custom: {},
};

/** A small map over Leaf360 contacts written the way a person would, for the cases the template does not show. */
function doc(objects: unknown[]): RouteMapDocument {
  return routeMapSchema.parse({ route: 'leaf360-dynamics', source: 'leaf360', destination: 'dynamics', keyColumn: 'crm_sourceid', objects });
}

describe('the leaf360-dynamics template', () => {
  const map = templateMap('leaf360-dynamics');

  it('reads companies, contacts, deals, engagements, files and referrals, accounts first, with the columns the entries name', () => {
    expect(map.plan.sourceObjects).toEqual(['company', 'contact', 'deal', 'engagement', 'attachment', 'referral']);
    expect(map.plan.entities.map((e) => e.entity)).toEqual(['account', 'contact', 'opportunity', 'phonecall', 'email', 'appointment', 'annotation', 'connectionrole', 'connection']);
    expect(map.plan.entities[0].columns[0]).toEqual({ name: 'crm_sourceid', type: 'string', maxLength: 100 });
    expect(map.mapVersion).toMatch(/^leaf360-dynamics@0#[0-9a-f]{12}$/);
  });

  it('maps a contact: key, trimmed columns, the company lookup and the loan officer as owner', () => {
    const r = map.apply('contact', 'CT-1', contact);
    expect(r.rejections).toEqual([]);
    expect(r.outputs).toHaveLength(1);
    const [o] = r.outputs;
    expect(o.target).toEqual({ entry: 'contact', entity: 'contact', key: 'CT-1', merge: 'last-wins' });
    expect(o.record).toMatchObject({ crm_sourceid: 'CT-1', firstname: 'Ana', lastname: 'Díaz', crm_loanstatus: 'Processing', crm_sourcecreatedon: 1_600_000_000_000 });
    expect(o.lookups).toEqual([{ column: 'parentcustomerid', candidates: [{ entity: 'account', key: 'CO-9' }], deferrable: false, required: false, targetEntity: null, destinationId: null }]);
    expect(o.owner).toEqual({ email: 'brian.okafor@contoso-lending.example', systemUserId: null, fallback: false });
  });

  it('keeps a one-word name as the last name, and puts a contact without a company under the placeholder account', () => {
    const [placeholder, o] = map.apply('contact', 'CT-2', { ...contact, last_name: null, company_id: '  ' }).outputs;
    expect(o.record).toMatchObject({ firstname: null, lastname: 'Ana' });
    expect(placeholder.target).toEqual({ entry: 'placeholder-account', entity: 'account', key: 'placeholder-no-company', merge: 'non-empty-wins' });
    expect(o.lookups.map((l) => l.candidates)).toEqual([[{ entity: 'account', key: 'placeholder-no-company' }]]);
  });

  it('rejects a contact with no name at all, and a value longer than its column', () => {
    expect(map.apply('contact', 'CT-3', { ...contact, first_name: null, last_name: ' ' }).rejections).toMatchObject([{ entity: 'contact', code: 'MISSING_VALUE' }]);
    const long = map.apply('contact', 'CT-4', { ...contact, last_name: 'x'.repeat(51) });
    expect(long.outputs).toEqual([]);
    expect(long.rejections[0]).toMatchObject({ code: 'VALUE_TOO_LONG', message: expect.stringMatching(/contact.lastname allows 50 characters; the value has 51/) });
  });

  it("maps a deal, its customer being the company or, without one, the borrower contact", () => {
    const [o] = map.apply('deal', 'D-1', deal).outputs;
    expect(o.record).toMatchObject({ name: 'Refi 12 Oak', estimatedvalue: '350000.00', estimatedclosedate: 19000, stepname: 'Underwriting', crm_loantype: 'FHA' });
    const customer = (o: { lookups: { column: string; candidates: unknown[] }[] }) => o.lookups.find((l) => l.column === 'customerid')?.candidates;
    expect(customer(o)).toEqual([{ entity: 'account', key: 'CO-9' }]);
    const [noCompany] = map.apply('deal', 'D-2', { ...deal, company_id: null }).outputs;
    expect(customer(noCompany)).toEqual([{ entity: 'contact', key: 'CT-1' }]);
  });

  it('turns a deleted source record into deletes of what its entries made', () => {
    expect(map.deleteTargets('company', 'CO-9')).toEqual([{ entry: 'account', entity: 'account', key: 'CO-9', merge: 'last-wins' }]);
  });
});

describe('every shipped template', () => {
  it.each(templateRoutes())('%s validates and compiles', (route) => {
    expect(templateMap(route).plan.entities.length).toBeGreaterThan(0);
  });
});

describe('map entries', () => {
  it('splits one source object over two entities by filter (1:many), and rejects a record no entry takes', () => {
    const map = new CompiledRouteMap(
      doc([
        { id: 'as-contact', from: 'contact', to: 'contact', filter: "loan_status == 'Funded'", fields: { lastname: { from: 'last_name', type: 'string' } } },
        { id: 'as-lead', from: 'contact', to: 'lead', filter: "loan_status in ['Pre-Approval', 'Processing']", fields: { lastname: { from: 'last_name', type: 'string' } } },
      ]),
      1,
    );
    expect(map.apply('contact', 'CT-1', contact).outputs.map((o) => o.target.entity)).toEqual(['lead']);
    expect(map.apply('contact', 'CT-1', { ...contact, loan_status: 'Funded' }).outputs.map((o) => o.target.entity)).toEqual(['contact']);
    const none = map.apply('contact', 'CT-1', { ...contact, loan_status: 'Withdrawn' });
    expect(none.outputs).toEqual([]);
    expect(none.rejections).toMatchObject([{ code: 'NO_ROUTE', message: expect.stringMatching(/as-contact: loan_status == 'Funded'/) }]);
  });

  it('merges records with equal keys (many:1): two contacts of one company give one account key', () => {
    const map = new CompiledRouteMap(
      doc([
        {
          id: 'account-from-contact', from: 'contact', to: 'account', key: 'normalize(referral_source)', merge: 'non-empty-wins',
          fields: { name: { from: 'referral_source', transforms: ['trim'], type: 'string', required: true } },
        },
      ]),
      1,
    );
    const a = map.apply('contact', 'CT-1', { ...contact, referral_source: ' Harbor  Homes ' }).outputs[0];
    const b = map.apply('contact', 'CT-2', { ...contact, referral_source: 'harbor homes' }).outputs[0];
    expect(a.target.key).toBe(b.target.key);
    expect(a.target.merge).toBe('non-empty-wins');
    // A key that cannot be made is a rejection naming the expression, not an empty key.
    expect(map.apply('contact', 'CT-3', { ...contact, referral_source: null }).rejections[0]).toMatchObject({ code: 'KEY_EMPTY' });
    // Entries keyed otherwise than by the record's own key keep their record on a source delete.
    expect(map.deleteTargets('contact', 'CT-1')).toEqual([]);
  });

  it('lets an optional column go empty on a value it cannot parse, and counts it; a required one rejects', () => {
    const field = (required: boolean) => ({ from: 'job_title', transforms: [{ date: { formats: ['yyyy-MM-dd'], output: 'date' } }], type: 'dateonly', required });
    const optional = new CompiledRouteMap(doc([{ id: 'c', from: 'contact', to: 'contact', fields: { birthdate: field(false) } }]), 1);
    const r = optional.apply('contact', 'CT-1', { ...contact, job_title: '16 Apr, 2021 00:02:00' });
    expect(r.rejections).toEqual([]);
    expect(r.outputs[0].record!.birthdate).toBeNull();
    expect(r.issues).toMatchObject([{ entity: 'contact', column: 'birthdate', kind: 'UNPARSEABLE_DATE' }]);
    const required = new CompiledRouteMap(doc([{ id: 'c', from: 'contact', to: 'contact', fields: { birthdate: field(true) } }]), 1);
    expect(required.apply('contact', 'CT-1', { ...contact, job_title: 'soon' }).rejections[0]).toMatchObject({ code: 'UNPARSEABLE_DATE' });
    expect(optional.apply('contact', 'CT-1', { ...contact, job_title: '2021-04-16' }).outputs[0].record!.birthdate).toBe(18733);
  });

  it('counts picklist values the value map does not know, keeping the record', () => {
    const map = new CompiledRouteMap(
      doc([{ id: 'c', from: 'contact', to: 'contact', fields: {
        crm_stage: { from: 'loan_status', transforms: [{ map: { values: { Processing: 2, Funded: 5 }, default: 1, unmapped: 'default' } }], type: 'picklist' },
      } }]),
      1,
    );
    expect(map.apply('contact', 'CT-1', contact).outputs[0].record!.crm_stage).toBe(2);
    const odd = map.apply('contact', 'CT-1', { ...contact, loan_status: 'Referral Partner' });
    expect(odd.outputs[0].record!.crm_stage).toBe(1);
    expect(odd.issues).toMatchObject([{ column: 'crm_stage', kind: 'unmapped', value: 'Referral Partner' }]);
  });

  it('never makes a record wait on itself (a company listed as its own parent)', () => {
    const map = new CompiledRouteMap(
      doc([{ id: 'a', from: 'company', to: 'account', fields: { name: { from: 'name', type: 'string' } },
        lookups: { parentaccountid: { targets: [{ to: 'account', key: 'parent_company_id' }], deferrable: true } } }]),
      1,
    );
    const company = { company_id: 'CO-1', name: 'X', domain: null, phone: null, industry: null, property_address: null, city: null, state: null, zip: null, created_at: null, updated_at: null, custom: {} };
    expect(map.apply('company', 'CO-1', { ...company, parent_company_id: 'CO-1' }).outputs[0].lookups).toEqual([]);
    expect(map.apply('company', 'CO-1', { ...company, parent_company_id: 'CO-2' }).outputs[0].lookups[0]).toMatchObject({ column: 'parentaccountid', deferrable: true });
  });

  it('hashes equal documents equally whatever their key order', () => {
    const a = doc([{ id: 'c', from: 'contact', to: 'contact', fields: { lastname: { from: 'last_name', type: 'string' }, firstname: { from: 'first_name', type: 'string' } } }]);
    const b = doc([{ fields: { firstname: { type: 'string', from: 'first_name' }, lastname: { type: 'string', from: 'last_name' } }, to: 'contact', from: 'contact', id: 'c' }]);
    expect(new CompiledRouteMap(a, 3).mapVersion).toBe(new CompiledRouteMap(b, 3).mapVersion);
  });
});

describe('a map that cannot work is refused before any record moves', () => {
  const file = 'maps/custom.yaml';
  const yaml = (entries: string) => `route: leaf360-dynamics
source: leaf360
destination: dynamics
keyColumn: crm_sourceid
objects:
${entries}`;

  const problem = (text: string) => {
    try {
      parseRouteMap(text, file);
    } catch (e) {
      if (e instanceof MapDocumentError) return e.issues[0];
      throw e;
    }
    throw new Error('the map was accepted');
  };

  it('names file, line and path for an unknown transform', () => {
    const issue = problem(yaml(`  - id: contact
    from: contact
    to: contact
    fields:
      lastname: { from: last_name, transforms: [trim, shout], type: string }
`));
    expect(issue).toMatchObject({ file, line: 10, path: expect.stringContaining('fields.lastname.transforms.1') });
    expect(issue.message).toMatch(/shout/);
  });

  it('refuses a source field the object does not have', () => {
    const issue = problem(yaml(`  - id: contact
    from: contact
    to: contact
    fields:
      lastname: { from: surname, type: string }
`));
    expect(issue.line).toBe(10);
    expect(issue.message).toMatch(/leaf360 contact has no field "surname"/);
  });

  it('refuses one column typed two ways, and a lookup to an entity nothing writes', () => {
    const clash = doc([
      { id: 'a', from: 'contact', to: 'contact', fields: { crm_x: { from: 'last_name', type: 'string' } } },
      { id: 'b', from: 'deal', to: 'contact', fields: { crm_x: { from: 'closedate', type: 'dateonly' } } },
    ]);
    expect(() => new CompiledRouteMap(clash, 1)).toThrow(MapCompileError);
    expect(() => new CompiledRouteMap(clash, 1)).toThrow(/contact.crm_x is dateonly here but string in another entry/);
    const orphan = doc([{ id: 'a', from: 'contact', to: 'contact', fields: {}, lookups: { parentcustomerid: { targets: [{ to: 'account', key: 'company_id' }] } } }]);
    expect(() => new CompiledRouteMap(orphan, 1)).toThrow(/points at entity "account", which no entry writes/);
  });

  it('names the line of a shape error (zod) and of a broken expression', () => {
    expect(problem(yaml(`  - id: contact
    from: contact
    to: contact
    fields:
      lastname: { from: last_name, type: text }
`))).toMatchObject({ line: 10, path: expect.stringContaining('type') });
    expect(problem(yaml(`  - id: contact
    from: contact
    to: contact
    filter: "loan_status == "
    fields: {}
`)).message).toMatch(/filter/);
  });
});

describe('ref(): a field of another source object, by its key', () => {
  const map = new CompiledRouteMap(
    doc([
      {
        id: 'opportunity', from: 'deal', to: 'opportunity',
        owner: { email: "ref('contact', contact_id).loan_officer" },
        fields: {
          name: { from: 'dealname', type: 'string' },
          crm_borrower: { expr: "concat(ref('contact', contact_id).first_name, ' ', ref('contact', contact_id).last_name)", transforms: [squish()], type: 'string' },
        },
        lookups: { parentaccountid: { targets: [{ to: 'account', key: "ref('contact', contact_id).company_id" }] } },
      },
      { id: 'account', from: 'company', to: 'account', fields: { name: { from: 'name', type: 'string' } } },
    ]),
    1,
  );
  const reader = (object: string, key: string) => (object === 'contact' && key === 'CT-1' ? map.keptFields('contact', contact) : null);

  it('keeps only the fields refs read, reads the referenced object, and names the records a record needs', () => {
    expect(map.referenced()).toEqual(new Map([['contact', ['first_name', 'last_name', 'company_id', 'loan_officer']]]));
    expect(map.plan.sourceObjects).toEqual(['deal', 'company', 'contact']);
    expect(map.keptFields('contact', contact)).toEqual({ loan_officer: ' Brian.Okafor@Contoso-Lending.example ', first_name: ' Ana ', last_name: 'Díaz', company_id: 'CO-9' });
    expect(map.keptFields('deal', deal)).toBeNull();
    expect(map.refsNeeded('deal', 'D-1', deal)).toEqual(['contact|CT-1']);
    expect(map.refsNeeded('deal', 'D-2', { ...deal, contact_id: '  ' })).toEqual([]);
    expect(map.refsNeeded('company', 'CO-9', {})).toEqual([]);
  });

  it('maps with the referenced record: owner, fields and lookup keys', () => {
    const [o] = map.apply('deal', 'D-1', deal, undefined, reader).outputs;
    expect(o.owner).toEqual({ email: 'brian.okafor@contoso-lending.example', systemUserId: null, fallback: false });
    expect(o.record).toMatchObject({ crm_borrower: 'Ana Díaz' });
    expect(o.lookups.map((l) => l.candidates)).toEqual([[{ entity: 'account', key: 'CO-9' }]]);
  });

  it('reads nothing when the referenced record is unknown: the owner and lookup go empty', () => {
    const [o] = map.apply('deal', 'D-1', { ...deal, contact_id: 'CT-404' }, undefined, reader).outputs;
    expect(o.owner?.email).toBeNull();
    expect(o.lookups).toEqual([]);
  });

  it('refuses a ref to an object or field the source does not have, and a ref in a related rule', () => {
    const bad = (objects: unknown[]) => () => new CompiledRouteMap(doc(objects), 1);
    const entry = (expr: string) => ({ id: 'opportunity', from: 'deal', to: 'opportunity', fields: { name: { expr, type: 'string' } } });
    expect(bad([entry("ref('contact', contact_id).nickname")])).toThrow(/ref\('contact', contact_id\)\.nickname: leaf360 contact has no field "nickname" \(it has contact_id, /);
    expect(bad([entry("ref('borrower', contact_id).name")])).toThrow(/leaf360 has no object "borrower"/);
    expect(
      bad([
        {
          id: 'c', from: 'contact', to: 'contact', fields: { lastname: { from: 'last_name', type: 'string' } },
          related: { when: 'exists', of: [{ object: 'deal', key: "ref('contact', contact_id).contact_id" }] },
        },
      ]),
    ).toThrow(/a related rule reads the related record itself; ref\('contact', …\) is not allowed here/);
  });
});

describe('record kinds with stage lists, and the text values a column is mapped to', () => {
  const stages = (won: string) => [
    { name: 'Open', probability: 10 },
    { name: won, probability: 100, closed: true, won: true },
  ];
  const entry = (id: string, types: unknown[], transformsOf: Record<string, string> = {}) => ({
    id, from: 'deal', to: 'opportunity',
    processes: { typeColumn: 'recordtypeid', stageColumn: 'stagename', types },
    fields: {
      recordtypeid: { from: 'pipeline', transforms: [{ map: { values: { Mortgage: 'Mortgage', Refi: 'Refi' }, unmapped: 'null' } }], type: 'string' },
      stagename: { from: 'dealstage', transforms: [{ map: { values: transformsOf, default: 'Open' } }], type: 'string' },
    },
  });

  it('compiles processes into the plan, and lists the mapped values of string columns (defaults and retire values too)', () => {
    const map = new CompiledRouteMap(
      doc([
        entry('opportunity', [{ name: 'Mortgage', label: 'Mortgage loans', stages: stages('Funded') }], { Underwriting: 'Open', Funded: 'Funded' }),
        { ...entry('refi', [{ name: 'Refi', label: 'Refinance', stages: stages('Closed') }], { Closed: 'Closed' }), filter: "pipeline == 'Refi'" },
        {
          id: 'lead', from: 'contact', to: 'lead', retire: { set: { status: 'Closed - Converted' } },
          fields: { status: { from: 'loan_status', transforms: [{ map: { values: { New: 'Open - Not Contacted' }, unmapped: 'keep' } }], type: 'string' } },
        },
      ]),
      1,
    );
    const opp = map.plan.entities.find((e) => e.entity === 'opportunity')!;
    expect(opp.processes).toEqual({
      typeColumn: 'recordtypeid', stageColumn: 'stagename',
      types: [
        { name: 'Mortgage', label: 'Mortgage loans', stages: [{ name: 'Open', probability: 10, closed: false, won: false }, { name: 'Funded', probability: 100, closed: true, won: true }] },
        { name: 'Refi', label: 'Refinance', stages: [{ name: 'Open', probability: 10, closed: false, won: false }, { name: 'Closed', probability: 100, closed: true, won: true }] },
      ],
    });
    expect(opp.columns.find((c) => c.name === 'stagename')?.values).toEqual(['Open', 'Funded', 'Closed']);
    expect(opp.columns.find((c) => c.name === 'recordtypeid')?.values).toEqual(['Mortgage', 'Refi']);
    expect(map.plan.entities.find((e) => e.entity === 'lead')!.columns.find((c) => c.name === 'status')?.values).toEqual(['Open - Not Contacted', 'Closed - Converted']);
  });

  it('refuses kinds naming a column the entry does not write, a stage listed twice, one kind declared two ways, a won stage left open', () => {
    const bad = (objects: unknown[]) => () => new CompiledRouteMap(doc(objects), 1);
    const kind = { name: 'Mortgage', label: 'Mortgage', stages: stages('Funded') };
    expect(bad([{ ...entry('o', [kind]), processes: { typeColumn: 'recordtype', stageColumn: 'stagename', types: [kind] } }])).toThrow(/the entry writes no column recordtype/);
    expect(bad([entry('o', [{ ...kind, stages: [...stages('Funded'), { name: 'Open', probability: 5 }] }])])).toThrow(/stage "Open" is listed twice/);
    expect(bad([entry('o', [kind]), { ...entry('p', [{ ...kind, label: 'Other' }]), filter: 'false' }])).toThrow(/kind Mortgage is declared differently by another entry/);
    expect(() => routeMapSchema.parse({ route: 'a-b', source: 'a', destination: 'b', keyColumn: 'k', objects: [entry('o', [{ ...kind, stages: [{ name: 'Won', probability: 100, won: true }] }])] })).toThrow(/a won stage is a closed stage/);
  });
});

function squish(): string {
  return 'squish';
}
