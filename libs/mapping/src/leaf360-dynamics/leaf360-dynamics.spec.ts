import * as avro from 'avsc';
import { destinationValueSchema } from '@ferry/contracts';
import { MappingRejection, ConverterRegistry } from '../converter';
import { leaf360DynamicsConverters } from '.';
import { AccountConverter } from './account.converter';
import { ContactConverter } from './contact.converter';
import { OpportunityConverter } from './opportunity.converter';

const recordType = (entity: string) => {
  const t = avro.Type.forSchema(destinationValueSchema('dynamics', entity) as avro.Schema) as avro.types.RecordType;
  return (t.field("record")!.type as unknown as { types: avro.Type[] }).types[1];
};

const contact = {
  contact_id: 'CT-1', first_name: ' Ana ', last_name: 'Díaz', email: 'ana@example.com', phone: '555-0100',
  job_title: null, company_id: 'CO-9', loan_officer: ' Brian.Okafor@Contoso-Lending.example ',
  loan_status: 'Processing', referral_source: 'Partner', created_at: 1_600_000_000_000, updated_at: null, custom: {},
};

describe('Leaf360 → Dynamics 365 converters', () => {
  it('maps a company to an account with its alternate key and custom columns', () => {
    const out = new AccountConverter().convert({
      company_id: 'CO-9', name: 'Harbor Homes', domain: 'harbor.example', phone: null, industry: 'Real Estate',
      property_address: '1 Main St', city: 'Austin', state: 'TX', zip: '73301', parent_company_id: null, created_at: 5, updated_at: null, custom: {},
    });
    expect(out.record).toMatchObject({
      crm_sourceid: 'CO-9', name: 'Harbor Homes', websiteurl: 'https://harbor.example', crm_propertyaddress: '1 Main St',
      address1_city: 'Austin', crm_industry: 'Real Estate', crm_sourcecreatedon: 5,
    });
    expect(out.lookups).toEqual([]);
    expect(recordType('account').isValid(out.record)).toBe(true);
  });

  it('maps a contact: company → parentcustomerid_account, loan officer → owner email, loan_status → custom column', () => {
    const out = new ContactConverter().convert(contact);
    expect(out.record).toMatchObject({ crm_sourceid: 'CT-1', firstname: 'Ana', lastname: 'Díaz', crm_loanstatus: 'Processing' });
    expect(out.lookups).toEqual([
      { attribute: 'parentcustomerid_account', targetEntity: 'account', targetObject: 'company', sourceKey: 'CO-9', destinationId: null },
    ]);
    expect(out.owner).toEqual({ email: 'brian.okafor@contoso-lending.example', systemUserId: null, fallback: false });
    expect(recordType('contact').isValid(out.record)).toBe(true);
  });

  it('keeps a one-word name as the last name and has no lookup without a company', () => {
    const out = new ContactConverter().convert({ ...contact, last_name: null, company_id: '  ' });
    expect(out.record).toMatchObject({ firstname: null, lastname: 'Ana' });
    expect(out.lookups).toEqual([]);
  });

  it('rejects a contact with no name at all, and a value longer than the column', () => {
    expect(() => new ContactConverter().convert({ ...contact, first_name: null, last_name: ' ' })).toThrow(MappingRejection);
    expect(() => new ContactConverter().convert({ ...contact, last_name: 'x'.repeat(51) })).toThrow(/contact.lastname allows 50 characters/);
  });

  it('maps a deal: dealname → name, loan_amount → estimatedvalue, closedate → estimatedclosedate, company → customerid_account', () => {
    const deal = {
      deal_id: 'D-1', dealname: 'Refi 12 Oak', loan_amount: '350000.00', closedate: 19000, loan_type: 'FHA',
      preapproval_date: 18900, pipeline: 'Mortgage', dealstage: 'Underwriting', company_id: 'CO-9', contact_id: 'CT-1',
      loan_officer: 'chen.wei@contoso-lending.example', created_at: null, updated_at: null, custom: {},
    };
    const out = new OpportunityConverter().convert(deal);
    expect(out.record).toMatchObject({ name: 'Refi 12 Oak', estimatedvalue: '350000.00', estimatedclosedate: 19000, stepname: 'Underwriting', crm_loantype: 'FHA' });
    expect(out.lookups.map((l) => l.attribute)).toEqual(['customerid_account']);
    expect(recordType('opportunity').isValid(out.record)).toBe(true);
    const noCompany = new OpportunityConverter().convert({ ...deal, company_id: null });
    expect(noCompany.lookups).toEqual([
      { attribute: 'customerid_contact', targetEntity: 'contact', targetObject: 'contact', sourceKey: 'CT-1', destinationId: null },
    ]);
  });

  it('registers one converter per source object', () => {
    const reg = new ConverterRegistry(leaf360DynamicsConverters());
    expect(reg.for('deal').entity).toBe('opportunity');
    expect(() => reg.for('pipeline')).toThrow(/no converter/);
    expect(() => new ConverterRegistry([new AccountConverter(), new AccountConverter()] as never)).toThrow(/two converters/);
  });
});
